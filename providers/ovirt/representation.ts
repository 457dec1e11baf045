// Conversion between the engine's JSON representation and plain TypeScript values (docs/engine-api.md section 3).
// The engine sends booleans and integers as strings ("true", "17179869184"); engines before 2018-03 sent 64-bit
// integers as numbers, so both are accepted. An empty collection is `{}` (no key at all): a missing key is [].

/** Decode an engine boolean ("true"/"false" in any case, "1"/"0", or a JSON boolean). Missing → `fallback`. */
export function decodeBool(v: unknown, fallback = false): boolean {
    if (v === undefined || v === null || v === "") return fallback;
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return v !== 0;
    const s = String(v).trim().toLowerCase();
    if (s === "true" || s === "1") return true;
    if (s === "false" || s === "0") return false;
    throw new Error(`expected an engine boolean ("true"/"false"), got ${JSON.stringify(v)}`);
}

/** Decode an engine integer (string or number). Missing → `fallback`. Values beyond 2^53 lose precision. */
export function decodeInt(v: unknown, fallback = 0): number {
    if (v === undefined || v === null || v === "") return fallback;
    if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
    const s = String(v).trim();
    if (!/^-?\d+$/.test(s)) throw new Error(`expected an engine integer, got ${JSON.stringify(v)}`);
    return Number(s);
}

/** Decode an engine decimal (affinity priority, statistics): a number, or a numeric string. */
export function decodeNumber(v: unknown, fallback = 0): number {
    if (v === undefined || v === null || v === "") return fallback;
    const n = typeof v === "number" ? v : Number(String(v));
    if (!Number.isFinite(n)) throw new Error(`expected a number, got ${JSON.stringify(v)}`);
    return n;
}

/** Optional string: the engine omits absent attributes. */
export function decodeString(v: unknown): string | undefined {
    return v === undefined || v === null ? undefined : String(v);
}

/** A collection body `{"vm": [...]}`, or `{}` when empty. A single object under the key is wrapped into a list. */
export function decodeList<T = Record<string, unknown>>(body: unknown, key: string): T[] {
    if (body === undefined || body === null || typeof body !== "object") return [];
    const v = (body as Record<string, unknown>)[key];
    if (v === undefined || v === null) return [];
    return (Array.isArray(v) ? v : [v]) as T[];
}

/** Nested list with an XML-style wrapper: `{"usages": {"usage": [...]}}` → decodeNested(obj.usages, "usage"). */
export function decodeNested<T = Record<string, unknown>>(wrapper: unknown, key: string): T[] {
    return decodeList<T>(wrapper, key);
}

/** The id of a reference `{href, id}`, if present. */
export function refId(v: unknown): string | undefined {
    if (v && typeof v === "object" && "id" in v) return decodeString((v as { id?: unknown }).id);
    return undefined;
}

/** Encode a boolean the way the engine documents it. */
export function encodeBool(b: boolean): string {
    return b ? "true" : "false";
}

/** Encode an integer as the engine's string form; rejects non-integers. */
export function encodeInt(n: number): string {
    if (!Number.isSafeInteger(n)) throw new Error(`expected a safe integer, got ${n}`);
    return String(n);
}

export const MiB = 1024 * 1024;

/** Quote a value for a `search=` query: name="foo". Embedded quotes are removed (names never contain them). */
export function searchQuote(v: string): string {
    return `"${v.replace(/"/g, "")}"`;
}
