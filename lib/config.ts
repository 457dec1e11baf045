/**
 * The stack configuration of `ovirt-ci`: one typed model, validated once before any resource is registered.
 *
 * One validation path: every key's type, bounds, format, default and message text are declared in `./configSchema`
 * (TypeBox) and checked by TypeBox (`./config/schemaProblems`); what remains in code are the rules that relate keys,
 * one small function each in `./config/rules/`. `validateConfig` composes them: decode Pulumi's text → defaults →
 * schema problems → rules across keys → a frozen model, or one `ConfigError` listing every problem.
 *
 * `validateConfig` is pure (plain values in); `loadConfig` is the only function that touches `pulumi.Config`.
 * Secrets never pass through `validateConfig`: they are read with `requireSecret` and stay `Output`s.
 */
import * as pulumi from "@pulumi/pulumi";
import { Static } from "@sinclair/typebox";
import {
    CONFIG_KEYS,
    CiProfileSchema,
    ClusterFootprintSchema,
    ConfigModel,
    ConfigSchema,
    HostSchema,
    ProxyVmSchema,
    UpgradeStorageSchema,
    VaultSchema,
    defaultOf,
    optionsOf,
} from "./configSchema";
import { ovnUrlRisk } from "../providers/ovirt/endpointPolicy";
import { AddressingScheme, NamingScheme } from "./leaseModel";
import { CapacityReport } from "./config/capacity";
import { readLeaseSet } from "./config/leaseSet";
import { ConfigError, ConfigProblem, PROJECT, Problems } from "./config/problems";
import { decode, schemaProblems } from "./config/schemaProblems";
import { hideUnknownValue, validateSecretValues } from "./config/secrets";
import { checkLeasesFitAddressing, checkHostOffsets, checkPrefixInPool } from "./config/rules/addressing";
import { checkCiEngineUser, checkEngineTls, checkEngineUrl, checkOvnUrls } from "./config/rules/endpoints";
import { checkLeasesFitHosts, checkUniqueHosts } from "./config/rules/hosts";
import { RuleInput } from "./config/rules/input";
import {
    checkExternalAddress,
    checkLocalPorts,
    checkPlaybooksLeases,
    checkProtectedNames,
    checkServiceMode,
    checkStatsAddress,
} from "./config/rules/proxyVm";
import { checkNfsServer, checkProtection, checkRemoveLeasesInUse } from "./config/rules/storage";

export { CONFIG_KEYS } from "./configSchema";
export type { ConfigKeySpec, ConfigKeyType } from "./configSchema";
export { PROJECT, ConfigError, formatProblem, suggest } from "./config/problems";
export type { ConfigProblem } from "./config/problems";
export { checkCapacity } from "./config/capacity";
export type { CapacityInput, CapacityReport } from "./config/capacity";
export { validateSecretValues } from "./config/secrets";
export { PROTECTED_TEMPLATES, PROTECTED_VM_NAMES } from "./config/rules/proxyVm";

/** A validated value: frozen all the way down. */
export type Frozen<T> = T extends (infer E)[]
    ? readonly Frozen<E>[]
    : T extends object
      ? { readonly [K in keyof T]: Frozen<T[K]> }
      : T;

/** One oVirt host to register. */
export type HostSpec = Frozen<Static<typeof HostSchema>>;
/** Size of one OpenShift cluster installed on a lease. */
export type ClusterFootprint = Frozen<Static<typeof ClusterFootprintSchema>>;
/** The long-lived proxy VM: router, NAT, DHCP/DNS for the lease networks, HAProxy entry point. */
export type ProxyVmSettings = Frozen<Static<typeof ProxyVmSchema>>;
/** How the proxy configuration is applied on its target. */
export type ProxyServiceMode = ProxyVmSettings["serviceMode"];
/** SSH target of the proxy configuration commands; every field optional. */
export type ProxyConnectionSettings = NonNullable<ProxyVmSettings["connection"]>;
/** HAProxy ports of the `local` service mode. */
export type LocalHaproxyPorts = ProxyVmSettings["localHaproxyPorts"];
/** NFS storage for upgrade leases; `nfsServer` is "" without upgrade leases. */
export type UpgradeStorageSettings = Frozen<Required<Static<typeof UpgradeStorageSchema>>>;
/** Where the CI profile lives in Vault (`docs/ci-contract.md` section 2). */
export type VaultSettings = Frozen<Static<typeof VaultSchema>>;
/** Choices on the open points of the contract (section 16). */
export type CiProfileSettings = Frozen<Static<typeof CiProfileSchema>>;

/** The secret keys: never in the validated model, read with `requireSecret` (tests/unit/configDocs.spec.ts checks this list against the schema). */
export const SECRET_KEYS = [
    "enginePassword",
    "ciEnginePassword",
    "hostRootPassword",
    "pullSecret",
    "sshPublicKey",
    "sshPrivateKey",
    "proxyAdminSshPublicKey",
    "proxyAdminSshPrivateKey",
    "proxyAdminSshPreviousPrivateKey",
] as const;
type SecretKey = (typeof SECRET_KEYS)[number];

/** The validated, non-secret configuration: every non-secret key of the schema, plus the capacity computation. */
export type OvirtCiConfig = Frozen<
    Omit<ConfigModel, SecretKey | "leases" | "upgradeLeases" | "upgradeStorage" | "addressing" | "naming"> & {
        /** Install lease numbers, sorted, unique. */
        leases: number[];
        /** Upgrade lease numbers, sorted, unique. */
        upgradeLeases: number[];
        upgradeStorage: UpgradeStorageSettings;
        addressing: AddressingScheme;
        naming: NamingScheme;
    }
> & {
    /** The capacity computation, for outputs and warnings. */
    readonly capacity: CapacityReport;
};

/** Secret configuration, kept as secret Outputs. */
export interface OvirtCiSecrets {
    readonly enginePassword: pulumi.Output<string>;
    /** The CI jobs' engine password (`ovirt.conf`). */
    readonly ciEnginePassword: pulumi.Output<string>;
    /** Absent when `ciProfile.pullSecret` is false. */
    readonly pullSecret?: pulumi.Output<string>;
    readonly sshPublicKey: pulumi.Output<string>;
    readonly sshPrivateKey: pulumi.Output<string>;
    /** ovirt-ci's own key pair for the proxy VM (never in the Vault item). */
    readonly proxyAdminSshPublicKey: pulumi.Output<string>;
    readonly proxyAdminSshPrivateKey: pulumi.Output<string>;
    /** Only during a rotation of the proxy admin key: the key the proxy still accepts. */
    readonly proxyAdminSshPreviousPrivateKey?: pulumi.Output<string>;
}

/** What {@link loadConfig} returns. */
export interface LoadedConfig extends OvirtCiConfig {
    readonly secrets: OvirtCiSecrets;
}

// Defaults, from the schema (for code that builds a config, e.g. scripts/local.ts)

export const DEFAULT_FOOTPRINT = Object.freeze(defaultOf(ClusterFootprintSchema)) as ClusterFootprint;
export const DEFAULT_PROXY_VM = Object.freeze(defaultOf(ProxyVmSchema)) as Omit<
    ProxyVmSettings,
    "connection" | "externalAddress" | "externalPrefixLength" | "externalGateway"
>;
export const DEFAULT_UPGRADE_STORAGE = Object.freeze(defaultOf(UpgradeStorageSchema)) as Omit<
    UpgradeStorageSettings,
    "nfsServer"
>;
export const DEFAULT_VAULT = Object.freeze(defaultOf(VaultSchema)) as VaultSettings;
export const DEFAULT_CI_PROFILE = Object.freeze(defaultOf(CiProfileSchema)) as CiProfileSettings;

const SECRET_KEY_SET = new Set<string>(SECRET_KEYS);
const LEASE_SET_KEYS = Object.keys(ConfigSchema.properties).filter(
    (key) => optionsOf(ConfigSchema.properties[key as keyof typeof ConfigSchema.properties]).leaseSet,
);

/** Freezes a plain value and everything in it. */
function deepFreeze<T>(v: T): T {
    if (v && typeof v === "object") {
        Object.values(v).forEach(deepFreeze);
        Object.freeze(v);
    }
    return v;
}

/**
 * Validates the non-secret configuration. `raw` maps config keys (with or without the `ovirt-ci:` prefix) to
 * values, either typed (numbers, objects) or as the strings Pulumi stores. Secret keys are recognised but their
 * values are ignored here. Throws one {@link ConfigError} listing every problem.
 */
export function validateConfig(raw: Record<string, unknown>): OvirtCiConfig {
    const p = new Problems();
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
        const name = key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key;
        if (!SECRET_KEY_SET.has(name)) values[name] = value;
    }

    // decode (defaults included) → the schema's problems
    const given = decode(ConfigSchema, values, false) as Record<string, unknown>;
    const decoded = decode(ConfigSchema, values, true) as Record<string, unknown>;
    for (const key of LEASE_SET_KEYS) {
        if (given[key] !== undefined && given[key] !== null) decoded[key] = readLeaseSet(p, key, given[key]);
    }
    const unreadLeaseSets = new Set(LEASE_SET_KEYS.filter((key) => !p.ok(key)));
    const c = decoded as ConfigModel;
    schemaProblems(p, ConfigSchema, c, given, "", ([key]) => SECRET_KEY_SET.has(key) || unreadLeaseSets.has(key));

    // rules across keys
    const r: RuleInput = {
        p,
        c,
        given,
        raw: values,
        leases: p.ok("leases") ? c.leases : undefined,
        upgradeLeases: p.ok("upgradeLeases") ? c.upgradeLeases : undefined,
    };
    checkEngineUrl(r);
    checkCiEngineUser(r);
    checkEngineTls(r);
    checkOvnUrls(r);
    checkPrefixInPool(r);
    checkHostOffsets(r);
    const addressing = p.ok("addressing") ? (c.addressing as AddressingScheme) : undefined;
    if (addressing && r.leases) checkLeasesFitAddressing(p, addressing, r.leases);
    checkUniqueHosts(r);
    checkProtectedNames(r);
    checkExternalAddress(r, addressing);
    checkStatsAddress(r, addressing);
    checkServiceMode(r);
    checkLocalPorts(r);
    checkPlaybooksLeases(r);
    checkNfsServer(r);
    const capacity = checkLeasesFitHosts(r);
    checkRemoveLeasesInUse(r);
    checkProtection(r);
    if (p.list.length > 0) {
        throw new ConfigError(p.list);
    }

    // "" = derived: the system trust store, the OVN URLs from the engine's; so absent from the model
    const { engineCaPem, ovnAuthUrl, ovnNetworkUrl, ...rest } = c;
    return deepFreeze({
        ...rest,
        ...(engineCaPem ? { engineCaPem } : {}),
        ...(ovnAuthUrl ? { ovnAuthUrl } : {}),
        ...(ovnNetworkUrl ? { ovnNetworkUrl } : {}),
        upgradeStorage: { ...c.upgradeStorage, nfsServer: c.upgradeStorage.nfsServer ?? "" },
        capacity: capacity!,
    }) as unknown as OvirtCiConfig;
}

/** The explicit overrides of where the engine password may go are warned on every run, not only on the first. */
function warnEndpointOverrides(settings: OvirtCiConfig): void {
    if (settings.engineAllowHttp && settings.engineUrl.startsWith("http:")) {
        pulumi.log.warn(
            `engineAllowHttp is true: the engine password travels in clear text to ${settings.engineUrl}. Use https and remove engineAllowHttp.`,
        );
    }
    if (settings.ovnAllowForeignUrl) {
        for (const key of ["ovnAuthUrl", "ovnNetworkUrl"] as const) {
            const url = settings[key];
            const risk = url ? ovnUrlRisk(url, settings.engineUrl) : undefined;
            if (risk)
                pulumi.log.warn(
                    `ovnAllowForeignUrl is true: ${key} ${url} ${risk}. Point it at the OVN provider beside the engine and remove ovnAllowForeignUrl.`,
                );
        }
    }
}

/**
 * Reads the `ovirt-ci` namespace of the stack config, validates it (throwing one {@link ConfigError}, before any
 * resource exists), and reads the secrets with `requireSecret`, keeping them as secret Outputs.
 */
export function loadConfig(cfg: pulumi.Config = new pulumi.Config(PROJECT)): LoadedConfig {
    const raw: Record<string, unknown> = {};
    const secretValues: Record<string, string> = {};
    const present = new Set<string>();
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (fullKey.startsWith(`${PROJECT}:`)) {
            const key = fullKey.slice(PROJECT.length + 1);
            present.add(key);
            if (!SECRET_KEY_SET.has(key)) {
                raw[key] = value;
            } else {
                secretValues[key] = value;
            }
        }
    }
    let settings: OvirtCiConfig | undefined;
    let problems: ConfigProblem[] = [];
    try {
        settings = validateConfig(raw);
    } catch (e) {
        if (!(e instanceof ConfigError)) {
            throw e;
        }
        problems = e.problems.map(hideUnknownValue);
    }
    const wantPullSecret = settings?.ciProfile.pullSecret ?? true;
    for (const spec of CONFIG_KEYS.filter((s) => s.secret)) {
        const needed = spec.key === "pullSecret" ? wantPullSecret : spec.required;
        if (needed && !present.has(spec.key)) {
            problems.push({
                key: spec.key,
                value: undefined,
                problem: "is required (secret)",
                fix: `run: pulumi config set --secret ${spec.key} <value>`,
            });
        }
    }
    problems.push(...validateSecretValues(secretValues, wantPullSecret));
    if (problems.length > 0 || !settings) {
        throw new ConfigError(problems);
    }
    if (!settings.capacity.fits) {
        pulumi.log.warn(`capacityOverride is set; the leases do not fit: ${settings.capacity.summary}`);
    }
    warnEndpointOverrides(settings);
    if (!settings.proxyVm.connection?.hostKey) {
        pulumi.log.info(
            "proxyVm.connection.hostKey is not set: the proxy's SSH host key is recorded on first contact (resource proxy-host-key) and every command pins it after. Compare the output proxy.hostKeyFingerprint with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the VM's console (docs/operator.md, \"Credentials\").",
        );
    }
    if (settings.engineInsecure) {
        // every run, not only when a provider happens to talk to the engine (a no-change up makes no engine call)
        pulumi.log.warn(
            `engineInsecure is true: TLS certificate verification of the oVirt engine ${settings.engineUrl} is DISABLED. Set ovirt-ci:engineCaPem to the engine CA and remove engineInsecure.`,
        );
    }
    return Object.freeze({
        ...settings,
        secrets: Object.freeze({
            enginePassword: cfg.requireSecret("enginePassword"),
            ciEnginePassword: cfg.requireSecret("ciEnginePassword"),
            sshPublicKey: cfg.requireSecret("sshPublicKey"),
            sshPrivateKey: cfg.requireSecret("sshPrivateKey"),
            proxyAdminSshPublicKey: cfg.requireSecret("proxyAdminSshPublicKey"),
            proxyAdminSshPrivateKey: cfg.requireSecret("proxyAdminSshPrivateKey"),
            ...(present.has("proxyAdminSshPreviousPrivateKey")
                ? { proxyAdminSshPreviousPrivateKey: cfg.requireSecret("proxyAdminSshPreviousPrivateKey") }
                : {}),
            ...(settings.ciProfile.pullSecret ? { pullSecret: cfg.requireSecret("pullSecret") } : {}),
        }),
    });
}
