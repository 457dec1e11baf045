// The keys of the `ovirt-ci` namespace that only the oVirt provider reads (in its own process, from the config the
// dynamic-provider host passes to `configure`, else from the environment). Declared here, once: the program's
// config schema (lib/configSchema.ts) builds its entries for these keys from this table, so `pulumi up` accepts and
// validates them with the same bounds the provider applies, and the generated docs list them.
//
// A pure module without imports: the provider is serialized by value in old states and in tests (docs/provider.md),
// so nothing here may pull in a library.

/** One integer setting of the provider. */
export interface ProviderIntegerSetting {
    /** Environment variable read when the stack config has no value. */
    readonly env: string;
    /** Smallest accepted value. */
    readonly minimum: number;
    /** The provider's value when neither the stack nor the environment sets one; absent = each kind's own default. */
    readonly fallback?: number;
    readonly description: string;
}

/** One secret setting of the provider. */
export interface ProviderSecretSetting {
    readonly env: string;
    readonly description: string;
}

/** Integer settings: the engine wait and retry policy. */
export const PROVIDER_INTEGER_SETTINGS = {
    engineTimeoutSeconds: {
        env: "OVIRT_ENGINE_TIMEOUT_SECONDS",
        minimum: 1,
        description:
            "Overall wait for an engine status change when a resource sets no timeoutSeconds; unset = each kind's default (Vm 600 s, Host 1800 s, ...)",
    },
    engineRetryAttempts: {
        env: "OVIRT_ENGINE_RETRY_ATTEMPTS",
        minimum: 1,
        fallback: 6,
        description:
            "Attempts of one engine request on a transient failure (network error, 502/503/504, lock conflict), the first included",
    },
    engineRetryBaseMs: {
        env: "OVIRT_ENGINE_RETRY_BASE_MS",
        minimum: 1,
        fallback: 250,
        description:
            "First retry delay in ms; doubled per attempt with jitter, capped at 4 s (or at this value when larger)",
    },
} as const satisfies Record<string, ProviderIntegerSetting>;

/** Secret settings. */
export const PROVIDER_SECRET_SETTINGS = {
    hostRootPassword: {
        env: "OVIRT_HOST_ROOT_PASSWORD",
        description:
            "Root password of the hosts, only for a Host with authMethod: password (the program uses publickey)",
    },
} as const satisfies Record<string, ProviderSecretSetting>;

/** Name of a provider integer setting. */
export type ProviderIntegerKey = keyof typeof PROVIDER_INTEGER_SETTINGS;

/**
 * Parses one integer setting with its declared bound: undefined when unset (so the caller applies `fallback` or the
 * kind's default), else the integer, else an error naming the key, the value and the rule.
 */
export function parseProviderInteger(key: ProviderIntegerKey, text: string | undefined): number | undefined {
    if (text === undefined) return undefined;
    const { env, minimum } = PROVIDER_INTEGER_SETTINGS[key];
    const n = Number(text);
    if (!Number.isInteger(n) || n < minimum) {
        throw new Error(
            `ovirt-ci:${key} (or ${env}) must be an integer >= ${minimum}, got ${JSON.stringify(text)}; fix: pulumi config set ${key} <integer>`,
        );
    }
    return n;
}
