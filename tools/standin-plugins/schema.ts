/**
 * What each stand-in resource declares about its properties, in one place: the stand-ins derive their input lists,
 * replacements and refusals from it, and tests/standin/conformance.spec.ts compares it with the upstream schemas'
 * facts (tests/standin/fixtures/upstream-schema-facts.json) and with the installed SDKs. Pure data: importing this
 * module starts nothing.
 */

/** One resource type of a stand-in. */
export interface StandinResourceSchema {
    /** Inputs the stand-in implements (and echoes into its outputs). */
    readonly inputs: readonly string[];
    /** Upstream inputs the stand-in does not implement: check refuses them with a message naming the stand-in. */
    readonly unsupportedInputs: readonly string[];
    /** Outputs besides the echoed inputs. */
    readonly computedOutputs: readonly string[];
    /** Upstream outputs the stand-in never returns. */
    readonly missingOutputs: readonly string[];
    /** Outputs that are always secret (the upstream schema's `secret: true`, among those the stand-in returns). */
    readonly secretOutputs: readonly string[];
    /** Inputs whose change the schema makes the engine replace on (`replaceOnChanges` / bridged ForceNew). */
    readonly replaceOnChanges: readonly string[];
    /** Inputs whose change the provider's own diff answers with a replace (a superset of `replaceOnChanges`). */
    readonly replacesOnDiff: readonly string[];
    /**
     * Where the stand-in knowingly differs from upstream on the facts above, per property; each is explained in
     * docs/standin-plugins.md ("What differs from upstream").
     */
    readonly knownDifferences?: Readonly<Record<string, string>>;
}

const SECRET_V2_INPUTS = [
    "mount",
    "name",
    "namespace",
    "dataJson",
    "cas",
    "deleteAllVersions",
    "disableRead",
    "customMetadata",
    "options",
];
const MOUNT_INPUTS = [
    "path",
    "type",
    "description",
    "options",
    "defaultLeaseTtlSeconds",
    "maxLeaseTtlSeconds",
    "local",
    "sealWrap",
    "externalEntropyAccess",
    "namespace",
];
const COMMAND_INPUTS = [
    "create",
    "update",
    "delete",
    "environment",
    "stdin",
    "triggers",
    "addPreviousOutputInEnv",
    "logging",
];
const RANDOM_INPUTS = [
    "length",
    "special",
    "upper",
    "lower",
    "numeric",
    "number",
    "minLower",
    "minUpper",
    "minNumeric",
    "minSpecial",
    "overrideSpecial",
    "keepers",
];

/** Every resource type the stand-ins implement, by type token. */
export const STANDIN_SCHEMAS: Readonly<Record<string, StandinResourceSchema>> = Object.freeze({
    "vault:kv/secretV2:SecretV2": {
        inputs: SECRET_V2_INPUTS,
        unsupportedInputs: ["dataJsonWo", "dataJsonWoVersion"],
        computedOutputs: ["path", "data", "metadata"],
        missingOutputs: ["dataJsonWo", "dataJsonWoVersion"],
        secretOutputs: ["data", "dataJson"],
        replaceOnChanges: ["mount", "name", "namespace"],
        replacesOnDiff: ["mount", "name", "namespace"],
    },
    "vault:index/mount:Mount": {
        inputs: MOUNT_INPUTS,
        unsupportedInputs: [
            "allowedManagedKeys",
            "allowedResponseHeaders",
            "auditNonHmacRequestKeys",
            "auditNonHmacResponseKeys",
            "delegatedAuthAccessors",
            "forceNoCache",
            "identityTokenKey",
            "listingVisibility",
            "passthroughRequestHeaders",
            "pluginVersion",
        ],
        computedOutputs: ["accessor", "forceNoCache", "auditNonHmacRequestKeys", "auditNonHmacResponseKeys"],
        missingOutputs: [
            "allowedManagedKeys",
            "allowedResponseHeaders",
            "delegatedAuthAccessors",
            "identityTokenKey",
            "listingVisibility",
            "passthroughRequestHeaders",
            "pluginVersion",
        ],
        secretOutputs: [],
        replaceOnChanges: ["type", "local", "sealWrap", "externalEntropyAccess", "namespace"],
        replacesOnDiff: ["path", "type", "local", "sealWrap", "externalEntropyAccess", "namespace"],
        knownDifferences: { path: "a path change replaces the mount; upstream moves it in place (sys/remount)" },
    },
    "command:local:Command": {
        inputs: [...COMMAND_INPUTS, "dir", "interpreter"],
        unsupportedInputs: ["assetPaths", "archivePaths"],
        computedOutputs: ["stdout", "stderr"],
        missingOutputs: ["assetPaths", "archivePaths", "assets", "archive"],
        secretOutputs: [],
        replaceOnChanges: ["triggers"],
        replacesOnDiff: ["triggers"],
    },
    "command:remote:Command": {
        inputs: [...COMMAND_INPUTS, "connection"],
        unsupportedInputs: [],
        computedOutputs: ["stdout", "stderr"],
        missingOutputs: [],
        secretOutputs: ["connection"],
        replaceOnChanges: ["triggers"],
        replacesOnDiff: ["triggers"],
    },
    "random:index/randomPassword:RandomPassword": {
        inputs: RANDOM_INPUTS,
        unsupportedInputs: [],
        computedOutputs: ["result", "bcryptHash"],
        missingOutputs: [],
        secretOutputs: ["result", "bcryptHash"],
        replaceOnChanges: [],
        // terraform-provider-random: every attribute has a RequiresReplace plan modifier.
        replacesOnDiff: RANDOM_INPUTS,
    },
    "random:index/randomString:RandomString": {
        inputs: RANDOM_INPUTS,
        unsupportedInputs: [],
        computedOutputs: ["result"],
        missingOutputs: [],
        secretOutputs: [],
        replaceOnChanges: [],
        replacesOnDiff: RANDOM_INPUTS,
    },
});

/** The schema of a type token; throws for a type no stand-in implements. */
export function standinSchema(type: string): StandinResourceSchema {
    const s = STANDIN_SCHEMAS[type];
    if (!s) throw new Error(`no stand-in schema for ${type}`);
    return s;
}

/** Check failures for unsupported inputs that are set. */
export function unsupportedInputFailures(
    type: string,
    news: Record<string, unknown>,
): { property: string; reason: string }[] {
    return standinSchema(type)
        .unsupportedInputs.filter((k) => news[k] !== undefined && news[k] !== null)
        .map((k) => ({
            property: k,
            reason: `${k} is not implemented by the local stand-in plugin for ${type} (docs/standin-plugins.md)`,
        }));
}
