/**
 * The shape of an engine id: a UUID in 8-4-4-4-12 hex form, any case, any version (the engine's own ids and
 * the emulator's are random UUIDs, but the API accepts and returns the plain form without checking the version).
 * The one declaration of the pattern: the provider's input checks, the emulator's id parameters and the lease-file
 * renderer use it. A pure module (the provider serializes it by value).
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `text` is a UUID in the form above. */
export function isUuid(text: string): boolean {
    return UUID_PATTERN.test(text);
}
