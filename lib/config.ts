/**
 * The stack configuration of `ovirt-ci`: one typed model, validated once before any resource is registered.
 *
 * Every key, its type, default, bounds, secrecy and documentation are declared in `./configSchema` (TypeBox); this
 * module reads the fields as the schema declares them and adds the rules the schema cannot say, each a small named
 * function with its own "Fix:" text (formats, addressing, lease pools, capacity, protected names).
 *
 * `validateConfig` is pure (plain values in, a frozen model out, or one `ConfigError` listing every problem);
 * `loadConfig` is the only function that touches `pulumi.Config`. Secrets never pass through `validateConfig`:
 * they are read with `requireSecret` and stay `Output`s.
 */
import * as pulumi from "@pulumi/pulumi";
import { Static, TObject, TSchema } from "@sinclair/typebox";
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
    isRequired,
    literalsOf,
    optionsOf,
} from "./configSchema";
import { ovnUrlRisk } from "../providers/ovirt/endpointPolicy";
import { blockSize, cidrContains, explainBadCidr, isIpv4, networkOf, parseIpv4Cidr } from "./ip";
import { protectionProblems } from "./protection";
import {
    AddressingScheme,
    DEFAULT_NAMING,
    NamingScheme,
    expandPattern,
    leaseNumberRange,
    leaseSubnet,
} from "./leaseModel";

export { CONFIG_KEYS } from "./configSchema";
export type { ConfigKeySpec, ConfigKeyType } from "./configSchema";

export const PROJECT = "ovirt-ci";

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

// ---------------------------------------------------------------------------------------------------------------
// Defaults, derived from the schema (for code that builds a config, e.g. scripts/local.ts)

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

/** Proxy VM names the CI cleanup job spares (`docs/ci-contract.md` section 8). */
export const PROTECTED_VM_NAMES = ["proxy-vm", "proxy-vm-45"] as const;
/** Templates the CI cleanup job spares (`docs/ci-contract.md` section 8). */
export const PROTECTED_TEMPLATES = ["Blank", "centos-7"] as const;

const SECRET_KEY_SET = new Set<string>(SECRET_KEYS);

// ---------------------------------------------------------------------------------------------------------------
// Problems

/** One invalid value. */
export interface ConfigProblem {
    /** Key path, e.g. `addressing.apiVipHost` or `hosts[2].memoryGiB`. */
    readonly key: string;
    /** The offending value (undefined = missing). */
    readonly value: unknown;
    readonly problem: string;
    readonly fix: string;
}

/** Thrown by {@link validateConfig} / {@link loadConfig}; lists every problem found. */
export class ConfigError extends Error {
    constructor(public readonly problems: readonly ConfigProblem[]) {
        super(
            `invalid ${PROJECT} configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** `ovirt-ci:<key>: <problem>; got <value>. Fix: <fix>` */
export function formatProblem(p: ConfigProblem): string {
    return `${PROJECT}:${p.key}: ${p.problem}; got ${show(p.value)}. Fix: ${p.fix}`;
}

function show(v: unknown): string {
    if (v === undefined) {
        return "nothing (unset)";
    }
    const text = JSON.stringify(v) ?? String(v);
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
    const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let diag = prev[0];
        prev[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = prev[j];
            prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
            diag = tmp;
        }
    }
    return prev[b.length];
}

/** The closest known name, if plausibly a typo. */
export function suggest(name: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestScore = Infinity;
    for (const candidate of known) {
        const score =
            candidate.toLowerCase() === name.toLowerCase() ? 0 : distance(name.toLowerCase(), candidate.toLowerCase());
        if (score < bestScore) {
            bestScore = score;
            best = candidate;
        }
    }
    return best !== undefined && bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

class Problems {
    readonly list: ConfigProblem[] = [];
    add(key: string, value: unknown, problem: string, fix: string): void {
        this.list.push({ key, value, problem, fix });
    }
    unknownKeys(path: string, obj: Record<string, unknown>, known: readonly string[]): void {
        for (const name of Object.keys(obj)) {
            if (!known.includes(name)) {
                const hint = suggest(name, known);
                this.add(
                    path ? `${path}.${name}` : name,
                    obj[name],
                    `unknown key${hint ? ` (did you mean "${hint}"?)` : ""}`,
                    hint
                        ? `rename it to "${hint}"`
                        : `remove it; known keys${path ? ` of ${path}` : ""} are ${known.join(", ")}`,
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Typed readers. Values may arrive as JSON-typed values (tests, structured config) or as strings (top-level
// stack config values are always strings), so numbers and booleans are coerced from their text.

function readString(p: Problems, key: string, v: unknown, dflt?: string): string | undefined {
    if (v === undefined || v === null) {
        if (dflt === undefined) {
            p.add(
                key,
                v,
                "is required",
                `set it: pulumi config set ${key.includes(".") ? "--path " : ""}${key} <value>`,
            );
        }
        return dflt;
    }
    if (typeof v !== "string") {
        p.add(key, v, "must be a string", "quote the value");
        return undefined;
    }
    return v;
}

function readInt(
    p: Problems,
    key: string,
    v: unknown,
    opts: { dflt?: number; min?: number; max?: number; what?: string },
): number | undefined {
    if (v === undefined || v === null) {
        if (opts.dflt === undefined) {
            p.add(key, v, "is required", `set it to ${opts.what ?? "an integer"}`);
        }
        return opts.dflt;
    }
    const n = typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v;
    const what = opts.what ?? (opts.min !== undefined && opts.min > 0 ? "a positive integer" : "an integer");
    if (typeof n !== "number" || !Number.isInteger(n)) {
        p.add(key, v, `must be ${what}`, `set it to ${what}`);
        return undefined;
    }
    if (opts.min !== undefined && n < opts.min) {
        p.add(
            key,
            v,
            `must be at least ${opts.min}${opts.min === 1 ? " (non-positive values are meaningless)" : ""}`,
            `set it to ${what} ≥ ${opts.min}`,
        );
        return undefined;
    }
    if (opts.max !== undefined && n > opts.max) {
        p.add(key, v, `must be at most ${opts.max}`, `set it to ${what} ≤ ${opts.max}`);
        return undefined;
    }
    return n;
}

function readBool(p: Problems, key: string, v: unknown, dflt: boolean): boolean {
    if (v === undefined || v === null) {
        return dflt;
    }
    if (v === true || v === "true") {
        return true;
    }
    if (v === false || v === "false") {
        return false;
    }
    p.add(key, v, "must be a boolean", "set it to true or false");
    return dflt;
}

function parseJsonText(v: unknown): unknown {
    if (typeof v === "string" && /^\s*[[{]/.test(v)) {
        try {
            return JSON.parse(v);
        } catch {
            return v;
        }
    }
    return v;
}

function readObject(
    p: Problems,
    key: string,
    v: unknown,
    known: readonly string[],
): Record<string, unknown> | undefined {
    v = parseJsonText(v);
    if (v === undefined || v === null) {
        return {};
    }
    if (typeof v !== "object" || Array.isArray(v)) {
        p.add(key, v, "must be an object", `write it as a YAML map with keys ${known.join(", ")}`);
        return undefined;
    }
    const obj = v as Record<string, unknown>;
    p.unknownKeys(key, obj, known);
    return obj;
}

/**
 * Reads one scalar field as the schema declares it: string, integer (with its bounds and the name of its kind) or
 * boolean, its default, and whether it is required. An optional field without a default reads as undefined.
 */
function readScalar(p: Problems, key: string, schema: TSchema, v: unknown, required: boolean): unknown {
    const o = optionsOf(schema);
    if (!required && o.default === undefined && (v === undefined || v === null)) {
        return undefined;
    }
    const type = literalsOf(schema) ? "string" : schema.type;
    switch (type) {
        case "string":
            return readString(p, key, v, o.default as string | undefined);
        case "integer":
            return readInt(p, key, v, {
                dflt: o.default as number | undefined,
                min: o.minimum,
                max: o.maximum,
                what: o.what,
            });
        case "boolean":
            return readBool(p, key, v, o.default as boolean);
        default:
            throw new Error(`lib/configSchema.ts: ${key} is not a scalar field (${String(type)})`);
    }
}

/** True for the fields {@link readScalars} reads: strings, integers, booleans, unions of string literals. */
function isScalar(schema: TSchema): boolean {
    return literalsOf(schema) !== undefined || ["string", "integer", "boolean"].includes(schema.type as string);
}

/** Reads every scalar property of `object` from `raw` (except `skip`); objects and lists are the caller's. */
function readScalars(
    p: Problems,
    path: string,
    object: TObject,
    raw: Record<string, unknown>,
    skip: readonly string[] = [],
): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(object.properties)) {
        if (isScalar(schema) && !skip.includes(name)) {
            out[name] = readScalar(p, path ? `${path}.${name}` : name, schema, raw[name], isRequired(object, name));
        }
    }
    return out;
}

/** Reads a section: the map itself (unknown keys reported against the schema's properties), then its scalars. */
function readSection(
    p: Problems,
    key: string,
    object: TObject,
    v: unknown,
    skip: readonly string[] = [],
): Record<string, unknown> | undefined {
    const raw = readObject(p, key, v, Object.keys(object.properties));
    return raw && { ...raw, ...readScalars(p, key, object, raw, skip) };
}

/** The integer reading options of one schema field, for fields read conditionally. */
function intOptions(schema: TSchema): { min?: number; max?: number; what?: string } {
    const o = optionsOf(schema);
    return { min: o.minimum, max: o.maximum, what: o.what };
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const HOST_NAME =
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const OVIRT_NAME = /^[A-Za-z0-9_.-]{1,50}$/;

function isHostOrIp(v: string): boolean {
    return isIpv4(v) || (HOST_NAME.test(v) && !/^[0-9.]+$/.test(v));
}

// ---------------------------------------------------------------------------------------------------------------
// Lease sets

/** Parses the lease forms: `{from, to}`, `N`, `[N, ...]`, `[{from, to}, ...]` (mixable). Sorted, unique. */
function readLeaseSet(p: Problems, key: string, v: unknown, allowEmpty: boolean): number[] | undefined {
    v = parseJsonText(v);
    if (typeof v === "string" && /^\d+$/.test(v.trim())) {
        v = Number(v.trim());
    }
    const items = Array.isArray(v) ? v : v === undefined || v === null ? undefined : [v];
    if (items === undefined) {
        p.add(
            key,
            v,
            "is required",
            `set it, e.g. pulumi config set --path ${key}.from 10 && pulumi config set --path ${key}.to 23`,
        );
        return undefined;
    }
    const ranges: { from: number; to: number; label: string }[] = [];
    let ok = true;
    items.forEach((item, i) => {
        const at = Array.isArray(v) ? `${key}[${i}]` : key;
        const it = typeof item === "string" && /^\d+$/.test(item.trim()) ? Number(item.trim()) : item;
        if (typeof it === "number") {
            if (!Number.isInteger(it) || it < 1) {
                p.add(at, item, "lease numbers must be positive integers", "use a whole number ≥ 1, e.g. 10");
                ok = false;
                return;
            }
            ranges.push({ from: it, to: it, label: `${it}` });
            return;
        }
        if (it && typeof it === "object" && !Array.isArray(it)) {
            const r = it as Record<string, unknown>;
            p.unknownKeys(at, r, ["from", "to"]);
            const from = readInt(p, `${at}.from`, r.from, { min: 1, what: "a positive lease number" });
            const to = readInt(p, `${at}.to`, r.to, { min: 1, what: "a positive lease number" });
            if (from === undefined || to === undefined) {
                ok = false;
                return;
            }
            if (from > to) {
                p.add(
                    at,
                    item,
                    `is an empty range (from ${from} > to ${to})`,
                    `swap the bounds: {from: ${to}, to: ${from}}`,
                );
                ok = false;
                return;
            }
            if (to - from > 1000) {
                p.add(at, item, "spans more than 1000 leases", "use a realistic range");
                ok = false;
                return;
            }
            ranges.push({ from, to, label: `${from}..${to}` });
            return;
        }
        p.add(at, item, "must be a lease number or a {from, to} range", "write e.g. 10 or {from: 10, to: 23}");
        ok = false;
    });
    for (let i = 0; i < ranges.length; i++) {
        for (let j = i + 1; j < ranges.length; j++) {
            const a = ranges[i];
            const b = ranges[j];
            if (a.from <= b.to && b.from <= a.to) {
                const same = a.from === b.from && a.to === b.to;
                p.add(
                    key,
                    v,
                    same ? `lists ${a.label} twice (duplicate)` : `has overlapping ranges ${a.label} and ${b.label}`,
                    "list every lease number exactly once",
                );
                ok = false;
            }
        }
    }
    if (!ok) {
        return undefined;
    }
    const numbers = ranges
        .flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i))
        .sort((x, y) => x - y);
    if (numbers.length === 0 && !allowEmpty) {
        p.add(key, v, "is empty: at least one install lease is needed", "set e.g. {from: 10, to: 23}");
        return undefined;
    }
    return numbers;
}

// ---------------------------------------------------------------------------------------------------------------
// Capacity

/** Inputs of {@link checkCapacity}. */
export interface CapacityInput {
    readonly hosts: readonly Pick<HostSpec, "cpuCores" | "memoryGiB">[];
    readonly footprint: ClusterFootprint;
    readonly leaseCount: number;
    readonly memoryOvercommitPercent: number;
    readonly cpuOvercommitPercent: number;
    /** Memory of long-lived VMs (the proxy VM), MiB. @default 0 */
    readonly reservedMemoryMiB?: number;
    /** vCPUs of long-lived VMs (the proxy VM). @default 0 */
    readonly reservedVcpus?: number;
}

/** Result of {@link checkCapacity}. */
export interface CapacityReport {
    readonly fits: boolean;
    readonly leaseCount: number;
    /** Most leases that fit both memory and vCPU budgets. */
    readonly maxLeases: number;
    readonly memoryCapacityMiB: number;
    readonly memoryDemandMiB: number;
    readonly vcpuCapacity: number;
    readonly vcpuDemand: number;
    /** One line for logs and errors. */
    readonly summary: string;
}

/**
 * Capacity guard: every lease may run a full cluster at once (CI runs leases in parallel), so demand is
 * `leases × (masters + workers) × per-VM size` plus the long-lived VMs, against the hosts' memory scaled by the
 * memory overcommit and their cores scaled by the vCPU allowance.
 */
export function checkCapacity(input: CapacityInput): CapacityReport {
    const vms = input.footprint.masters + input.footprint.workers;
    const perLeaseMemory = vms * input.footprint.memoryMiB;
    const perLeaseVcpus = vms * input.footprint.vcpus;
    const memoryCapacityMiB = Math.floor(
        (input.hosts.reduce((s, h) => s + h.memoryGiB * 1024, 0) * input.memoryOvercommitPercent) / 100,
    );
    const vcpuCapacity = Math.floor(
        (input.hosts.reduce((s, h) => s + h.cpuCores, 0) * input.cpuOvercommitPercent) / 100,
    );
    const reservedMemory = input.reservedMemoryMiB ?? 0;
    const reservedVcpus = input.reservedVcpus ?? 0;
    const memoryDemandMiB = input.leaseCount * perLeaseMemory + reservedMemory;
    const vcpuDemand = input.leaseCount * perLeaseVcpus + reservedVcpus;
    const maxLeases = Math.max(
        0,
        Math.min(
            Math.floor((memoryCapacityMiB - reservedMemory) / perLeaseMemory),
            Math.floor((vcpuCapacity - reservedVcpus) / perLeaseVcpus),
        ),
    );
    const fits = memoryDemandMiB <= memoryCapacityMiB && vcpuDemand <= vcpuCapacity;
    const summary =
        `${input.leaseCount} leases × ${vms} VMs × (${input.footprint.vcpus} vCPU, ${input.footprint.memoryMiB} MiB) ` +
        `need ${memoryDemandMiB} MiB and ${vcpuDemand} vCPUs; ${input.hosts.length} hosts offer ${memoryCapacityMiB} MiB ` +
        `(at ${input.memoryOvercommitPercent}% memory overcommit) and ${vcpuCapacity} vCPUs ` +
        `(at ${input.cpuOvercommitPercent}%); at most ${maxLeases} leases fit`;
    return {
        fits,
        leaseCount: input.leaseCount,
        maxLeases,
        memoryCapacityMiB,
        memoryDemandMiB,
        vcpuCapacity,
        vcpuDemand,
        summary,
    };
}

// ---------------------------------------------------------------------------------------------------------------
// validateConfig: the fields come from the schema; the functions below add the rules beyond type and bounds.

const S = ConfigSchema.properties;

function checkEngineUrl(p: Problems, s: string | undefined, allowHttp: boolean): string | undefined {
    if (s === undefined) {
        return undefined;
    }
    let url: URL;
    try {
        url = new URL(s);
    } catch {
        p.add("engineUrl", s, "is not a URL", "write https://<engine-fqdn>/ovirt-engine/api");
        return undefined;
    }
    const fixed = `https://${url.host || "<engine-fqdn>"}/ovirt-engine/api`;
    if (url.protocol !== "https:" && !(allowHttp && url.protocol === "http:")) {
        p.add(
            "engineUrl",
            s,
            `must use https (the CI config step fetches the engine CA over https)${url.protocol === "http:" ? "" : `, not ${url.protocol}`}`,
            `use ${fixed}, or set engineAllowHttp: true for the emulator`,
        );
        return undefined;
    }
    if (
        url.username ||
        url.password ||
        url.search ||
        url.hash ||
        !s.endsWith("/ovirt-engine/api") ||
        url.pathname !== "/ovirt-engine/api"
    ) {
        p.add(
            "engineUrl",
            s,
            "must end exactly in /ovirt-engine/api, with no trailing slash, query or credentials (CI strips the last four characters to reach the CA download)",
            `use ${url.protocol}//${url.host}/ovirt-engine/api`,
        );
        return undefined;
    }
    return s;
}

/** The engine connection: URL, user, CA and TLS mode (the provider's retry and wait keys need only their bounds). */
function checkEngineAccess(p: Problems, f: Record<string, unknown>): void {
    f.engineUrl = checkEngineUrl(p, f.engineUrl as string | undefined, f.engineAllowHttp as boolean);
    const user = f.engineUsername as string | undefined;
    if (user !== undefined && !/^[^@\s]+@[^@\s]+$/.test(user)) {
        p.add(
            "engineUsername",
            user,
            "must be user@domain (the engine's profile suffix)",
            'write e.g. "admin@internal"',
        );
    }
    const ciUser = f.ciEngineUsername as string | undefined;
    if (ciUser !== undefined && !/^[^@\s]+@[^@\s]+$/.test(ciUser)) {
        p.add(
            "ciEngineUsername",
            ciUser,
            "must be user@domain (the engine's profile suffix)",
            'write e.g. "ocpadmin@internal"',
        );
    } else if (ciUser !== undefined && ciUser.toLowerCase() === user?.toLowerCase()) {
        p.add(
            "ciEngineUsername",
            ciUser,
            "is ovirt-ci's own engine login (engineUsername): every CI job would hold the admin login",
            'create a user for the CI jobs (docs/program.md, "The CI engine user") and name it here',
        );
    }
    const caPem = f.engineCaPem as string | undefined;
    if (caPem && !/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(caPem)) {
        p.add(
            "engineCaPem",
            `${caPem.slice(0, 40)}…`,
            "is not a PEM certificate",
            "paste the engine CA from https://<engine>/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA",
        );
    }
    if (caPem && f.engineInsecure) {
        p.add(
            "engineInsecure",
            true,
            "contradicts engineCaPem (a CA is given, yet verification is off)",
            "set engineInsecure: false, or drop engineCaPem",
        );
    }
}

/** An engine object name as the engine accepts it; undefined (and a problem) when not. */
function checkName(p: Problems, key: string, s: string | undefined, what: string): string | undefined {
    if (s !== undefined && !OVIRT_NAME.test(s)) {
        p.add(
            key,
            s,
            `is not a valid ${what} name (letters, digits, "_", "-", ".", at most 50 characters)`,
            `use the ${what} name exactly as the engine shows it`,
        );
        return undefined;
    }
    return s;
}

/** Base domain and the engine objects the program adopts by name. */
function checkNames(p: Problems, f: Record<string, unknown>): void {
    const baseDomain = f.baseDomain as string | undefined;
    if (baseDomain !== undefined && !DNS_NAME.test(baseDomain)) {
        p.add(
            "baseDomain",
            baseDomain,
            "is not a lowercase DNS domain (no trailing dot, no scheme)",
            'write e.g. "gcp.devcluster.openshift.com"',
        );
    }
    f.dataCenter = checkName(p, "dataCenter", f.dataCenter as string | undefined, "data center");
    f.cluster = checkName(p, "cluster", f.cluster as string | undefined, "cluster");
    f.mainStorageDomain = checkName(
        p,
        "mainStorageDomain",
        f.mainStorageDomain as string | undefined,
        "storage domain",
    );
    const ovn = f.ovnProviderName as string | undefined;
    if (ovn !== undefined && !ovn.trim()) {
        p.add("ovnProviderName", ovn, "is empty", `use "${String(optionsOf(S.ovnProviderName).default)}"`);
    }
    checkOvnUrl(p, f, "ovnAuthUrl", 35357);
    checkOvnUrl(p, f, "ovnNetworkUrl", 9696);
}

/** An OVN provider API root (docs/ovn.md): empty = derived from the engine URL, so absent from the model. */
function checkOvnUrl(
    p: Problems,
    f: Record<string, unknown>,
    key: "ovnAuthUrl" | "ovnNetworkUrl",
    defaultPort: number,
): void {
    const url = f[key] as string | undefined;
    if (url && !/^https?:\/\/[^/\s]+\/v2\.0$/.test(url)) {
        p.add(
            key,
            url,
            "is not the OVN provider's API root",
            `write https://<engine-fqdn>:${defaultPort}/v2.0, or leave it empty for that default`,
        );
    } else if (url && f.engineUrl && !f.ovnAllowForeignUrl) {
        const risk = ovnUrlRisk(url, f.engineUrl as string);
        if (risk) {
            p.add(
                key,
                url,
                risk,
                `write https://${new URL(f.engineUrl as string).host.replace(/:\d+$/, "")}:${defaultPort}/v2.0 (or leave it empty), or set ovnAllowForeignUrl: true if the provider really is there (warned on every run)`,
            );
        }
    }
    if (!url) f[key] = undefined;
}

function validateAddressing(p: Problems, v: unknown): AddressingScheme | undefined {
    const before = p.list.length;
    const key = (name: string) => `addressing.${name}`;
    const f = readSection(p, "addressing", S.addressing, v);
    if (!f) {
        return undefined;
    }
    const pool = f.subnetPool as string | undefined;
    const poolCidr = pool === undefined ? undefined : parseIpv4Cidr(pool);
    if (pool !== undefined && !poolCidr) {
        p.add(
            key("subnetPool"),
            pool,
            `is not a valid IPv4 CIDR: it ${explainBadCidr(pool)}`,
            "write the network address and prefix, e.g. 192.168.0.0/16",
        );
    }
    const prefix = f.subnetPrefixLength as number | undefined;
    if (poolCidr && prefix !== undefined && prefix < poolCidr.prefixLength) {
        p.add(
            key("subnetPrefixLength"),
            prefix,
            `is shorter than the pool's /${poolCidr.prefixLength}: a lease subnet cannot be larger than the pool`,
            `use a prefix length between ${poolCidr.prefixLength} and 30`,
        );
    }
    checkHostOffsets(p, f, prefix);
    const leaseTime = f.dhcpLeaseTime as string | undefined;
    if (leaseTime !== undefined && !/^(infinite|\d+[smhdw]?)$/.test(leaseTime)) {
        p.add(key("dhcpLeaseTime"), leaseTime, "is not a dnsmasq lease time", 'write e.g. "5m", "1h" or "infinite"');
    }
    const machine = f.machineNetworkCidr as string | undefined;
    if (machine !== undefined && !parseIpv4Cidr(machine)) {
        p.add(
            key("machineNetworkCidr"),
            machine,
            `is not a valid IPv4 CIDR: it ${explainBadCidr(machine)}`,
            "write e.g. 192.168.0.0/16",
        );
    }
    return p.list.length > before ? undefined : (Object.freeze(pick(f, S.addressing)) as AddressingScheme);
}

const HOST_OFFSET_KEYS = [
    "gatewayHost",
    "dhcpFirstHost",
    "dhcpLastHost",
    "apiVipHost",
    "dnsVipHost",
    "ingressVipHost",
] as const;

/** Every host offset inside its subnet; a non-empty DHCP range; the gateway and VIPs distinct and outside it. */
function checkHostOffsets(p: Problems, f: Record<string, unknown>, prefix: number | undefined): void {
    const key = (name: string) => `addressing.${name}`;
    const size = prefix === undefined ? undefined : blockSize(prefix);
    for (const name of HOST_OFFSET_KEYS) {
        const n = f[name] as number | undefined;
        if (n !== undefined && size !== undefined && (n < 1 || n > size - 2)) {
            p.add(
                key(name),
                n,
                `is outside its /${prefix} subnet (usable host offsets are 1..${size - 2})`,
                `choose an offset between 1 and ${size - 2}`,
            );
            f[name] = undefined;
        }
    }
    const first = f.dhcpFirstHost as number | undefined;
    const last = f.dhcpLastHost as number | undefined;
    if (first !== undefined && last !== undefined && first > last) {
        p.add(
            key("dhcpFirstHost"),
            first,
            `is above dhcpLastHost ${last}: the DHCP range is empty`,
            "make dhcpFirstHost ≤ dhcpLastHost",
        );
    }
    const fixed = (["gatewayHost", "apiVipHost", "dnsVipHost", "ingressVipHost"] as const).map(
        (name) => [name, f[name] as number | undefined] as const,
    );
    for (let i = 0; i < fixed.length; i++) {
        const [name, n] = fixed[i];
        if (n === undefined) {
            continue;
        }
        for (let j = i + 1; j < fixed.length; j++) {
            if (fixed[j][1] === n) {
                p.add(
                    key(fixed[j][0]),
                    n,
                    `is the same host offset as ${name}`,
                    "give the gateway and each VIP its own address",
                );
            }
        }
        if (first !== undefined && last !== undefined && n >= first && n <= last) {
            p.add(
                key(name),
                n,
                `lies inside the DHCP range ${first}..${last}; DHCP could hand it to a VM`,
                "move it outside the DHCP range",
            );
        }
    }
}

/** The declared fields of `object` from `f` (dropping raw non-scalar values and absent optional ones). */
function pick(f: Record<string, unknown>, object: TObject): Record<string, unknown> {
    return Object.fromEntries(
        Object.keys(object.properties)
            .filter((name) => f[name] !== undefined)
            .map((name) => [name, f[name]]),
    );
}

function validateNaming(p: Problems, v: unknown): NamingScheme | undefined {
    const before = p.list.length;
    const f = readSection(p, "naming", S.naming, v);
    if (!f) {
        return undefined;
    }
    for (const name of Object.keys(DEFAULT_NAMING) as (keyof NamingScheme)[]) {
        const s = f[name] as string | undefined;
        if (s !== undefined && !s.includes("{n}") && !s.includes("{nn}")) {
            p.add(
                `naming.${name}`,
                s,
                "does not contain {n}: every lease would get the same name",
                `add the lease number, e.g. "${DEFAULT_NAMING[name]}"`,
            );
            f[name] = undefined;
        }
    }
    const clusterName = f.clusterName as string | undefined;
    if (clusterName !== undefined) {
        const sample = expandPattern(clusterName, 10);
        if (sample.includes("-")) {
            p.add(
                "naming.clusterName",
                clusterName,
                `gives cluster names with a dash (${sample}); the PR finder matches VMs by the part of the name before the first "-" (docs/ci-contract.md sections 11, 14)`,
                'remove the dash, e.g. "ovirt{n}"',
            );
        } else if (!/^[a-z][a-z0-9]*$/.test(sample)) {
            p.add(
                "naming.clusterName",
                clusterName,
                `gives ${JSON.stringify(sample)}, not a lowercase DNS label without "-" or ";"`,
                'use lowercase letters and digits only, e.g. "ovirt{n}"',
            );
        }
    }
    const networkName = f.networkName as string | undefined;
    if (networkName !== undefined && !OVIRT_NAME.test(expandPattern(networkName, 10))) {
        p.add(
            "naming.networkName",
            networkName,
            "gives an invalid oVirt network name",
            'use letters, digits, "_", "-", ".", e.g. "ovn-vmnet-{n}"',
        );
    }
    const interfaceName = f.interfaceName as string | undefined;
    if (interfaceName !== undefined && !/^[a-z][a-z0-9_-]{0,10}$/.test(expandPattern(interfaceName, 10))) {
        p.add(
            "naming.interfaceName",
            interfaceName,
            "gives an invalid Linux interface name (at most 15 characters with the lease number)",
            'use a short prefix, e.g. "vmnet{n}"',
        );
    }
    return p.list.length > before ? undefined : (Object.freeze(pick(f, S.naming)) as NamingScheme);
}

function validateHosts(p: Problems, v: unknown): HostSpec[] | undefined {
    v = parseJsonText(v);
    const fix = "list the hosts: [{name, address, cpuCores, memoryGiB}, ...]";
    if (v === undefined || v === null) {
        p.add("hosts", v, "is required", fix);
        return undefined;
    }
    if (!Array.isArray(v) || v.length === 0) {
        p.add("hosts", v, "must be a non-empty list", fix);
        return undefined;
    }
    const before = p.list.length;
    const hosts: HostSpec[] = [];
    v.forEach((item, i) => {
        const at = `hosts[${i}]`;
        const f = readSection(p, at, HostSchema, item);
        if (!f) {
            return;
        }
        const name = checkName(p, `${at}.name`, f.name as string | undefined, "host");
        const address = f.address as string | undefined;
        if (address !== undefined && !isHostOrIp(address)) {
            p.add(
                `${at}.address`,
                address,
                "is neither an IPv4 address nor a host name",
                "write the host's FQDN or IPv4 address",
            );
        }
        const { cpuCores, memoryGiB } = f as { cpuCores?: number; memoryGiB?: number };
        if (name !== undefined && address !== undefined && cpuCores !== undefined && memoryGiB !== undefined) {
            hosts.push(Object.freeze({ name, address, cpuCores, memoryGiB }));
        }
    });
    checkUniqueHosts(p, hosts);
    return p.list.length > before ? undefined : hosts;
}

/** No two hosts share a name or an address. */
function checkUniqueHosts(p: Problems, hosts: readonly HostSpec[]): void {
    const seen = new Map<string, number>();
    hosts.forEach((h, i) => {
        for (const [field, value] of [
            ["name", h.name],
            ["address", h.address.toLowerCase()],
        ] as const) {
            const id = `${field}:${value}`;
            if (seen.has(id)) {
                p.add(
                    `hosts[${i}].${field}`,
                    value,
                    `duplicates hosts[${seen.get(id)}].${field}`,
                    "give every host its own name and address",
                );
            } else {
                seen.set(id, i);
            }
        }
    });
}

function validateFootprint(p: Problems, v: unknown): ClusterFootprint | undefined {
    const before = p.list.length;
    const f = readSection(p, "clusterFootprint", S.clusterFootprint, v);
    return !f || p.list.length > before ? undefined : (Object.freeze(pick(f, S.clusterFootprint)) as ClusterFootprint);
}

const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** HAProxy's statistics page: an IPv4 address that is neither the public (external) address nor on a lease network. */
function checkStatsAddress(p: Problems, f: Record<string, unknown>, addressing: AddressingScheme | undefined): void {
    const stats = f.statsAddress as string | undefined;
    if (stats === undefined) return;
    const fix = 'use "127.0.0.1" (then ssh -L 8404:127.0.0.1:8404) or an address only the management network reaches';
    if (!isIpv4(stats)) {
        p.add("proxyVm.statsAddress", stats, "is not an IPv4 address", fix);
    } else if (stats === "0.0.0.0" || stats === f.externalAddress) {
        p.add("proxyVm.statsAddress", stats, "is the public address (or every address) of the proxy", fix);
    } else if (addressing?.machineNetworkCidr && cidrContains(parseIpv4Cidr(addressing.machineNetworkCidr)!, stats)) {
        // every lease network lies in the machine network (checkLeasesFitAddressing)
        p.add(
            "proxyVm.statsAddress",
            stats,
            `is on the lease networks (inside the machine network ${addressing.machineNetworkCidr}): every CI cluster would reach the page`,
            fix,
        );
    }
}

function validateProxyVm(
    p: Problems,
    v: unknown,
    addressing: AddressingScheme | undefined,
    leaseNumbers: readonly number[] | undefined,
): ProxyVmSettings | undefined {
    const before = p.list.length;
    const key = (n: string) => `proxyVm.${n}`;
    const f = readSection(p, "proxyVm", S.proxyVm, v, ["externalAddress", "externalPrefixLength", "externalGateway"]);
    if (!f) {
        return undefined;
    }
    checkProtectedNames(p, f);
    f.managementNetwork = checkName(p, key("managementNetwork"), f.managementNetwork as string | undefined, "network");
    const externalInterface = f.externalInterface as string | undefined;
    if (externalInterface !== undefined && !/^[A-Za-z][A-Za-z0-9_.-]{0,14}$/.test(externalInterface)) {
        p.add(
            key("externalInterface"),
            externalInterface,
            "is not a Linux interface name",
            'write the guest NIC name, e.g. "eth0"',
        );
    }
    const sshUser = f.sshUser as string | undefined;
    if (sshUser !== undefined && !LINUX_USER.test(sshUser)) {
        p.add(key("sshUser"), sshUser, "is not a valid Linux user name", 'use e.g. "centos"');
    }
    const statsUser = f.statsUser as string | undefined;
    if (statsUser !== undefined && !/^[A-Za-z0-9_.-]{1,32}$/.test(statsUser)) {
        p.add(
            key("statsUser"),
            statsUser,
            "is not a simple user name (HAProxy's stats auth takes user:password unquoted)",
            'use letters and digits, e.g. "admin"',
        );
    }
    f.dnsServers = readDnsServers(p, f.dnsServers);
    Object.assign(f, readExternalAddress(p, f, addressing, leaseNumbers));
    checkStatsAddress(p, f, addressing);
    checkServiceMode(p, f);
    const localDnsPort = f.localDnsPort as number | undefined;
    if (
        localDnsPort !== undefined &&
        leaseNumbers &&
        leaseNumbers.length > 0 &&
        localDnsPort + Math.max(...leaseNumbers) > 65535
    ) {
        p.add(
            key("localDnsPort"),
            localDnsPort,
            `plus the highest lease number ${Math.max(...leaseNumbers)} exceeds 65535 (lease N listens on localDnsPort + N)`,
            "use a lower base port, e.g. 15300",
        );
    }
    f.localHaproxyPorts = readLocalHaproxyPorts(p, f.localHaproxyPorts);
    f.connection = readConnection(p, f.connection);
    for (const k of ["biosType", "layout"] as const) {
        const allowed = literalsOf(S.proxyVm.properties[k])!;
        if (f[k] !== undefined && !allowed.includes(f[k] as string)) {
            p.add(key(k), f[k], `is not one of ${allowed.join(", ")}`, `use one of ${allowed.join(", ")}`);
        }
    }
    f.playbooksLeases = readPlaybooksLeases(p, f);
    if (p.list.length > before) {
        return undefined;
    }
    const out = pick(f, S.proxyVm);
    out.dnsServers = Object.freeze(out.dnsServers as string[]);
    return Object.freeze(out) as ProxyVmSettings;
}

/** The proxy VM and its template carry the names the CI cleanup job spares. */
function checkProtectedNames(p: Problems, f: Record<string, unknown>): void {
    const name = f.name as string | undefined;
    if (name !== undefined && !(PROTECTED_VM_NAMES as readonly string[]).includes(name)) {
        p.add(
            "proxyVm.name",
            name,
            "is not spared by the CI cleanup job, which deletes every other VM older than 5 hours (docs/ci-contract.md section 8)",
            `use "proxy-vm" (or change the upstream exclusion list first)`,
        );
    }
    const template = f.template as string | undefined;
    if (template !== undefined && !(PROTECTED_TEMPLATES as readonly string[]).includes(template)) {
        p.add(
            "proxyVm.template",
            template,
            "would be deleted by the CI cleanup job, which spares only the templates Blank and centos-7 (docs/ci-contract.md section 8)",
            'use "centos-7" (or change the upstream exclusion list first)',
        );
    }
}

function readDnsServers(p: Problems, v: unknown): string[] | undefined {
    const raw = parseJsonText(v);
    if (raw === undefined) {
        return [...DEFAULT_PROXY_VM.dnsServers];
    }
    if (!Array.isArray(raw) || raw.length === 0 || !raw.every((s) => typeof s === "string" && isIpv4(s))) {
        p.add("proxyVm.dnsServers", raw, "must be a non-empty list of IPv4 addresses", 'write e.g. ["8.8.8.8"]');
        return undefined;
    }
    return raw as string[];
}

/** A static external address comes with its prefix length and gateway, on one network, outside the lease networks. */
function readExternalAddress(
    p: Problems,
    raw: Record<string, unknown>,
    addressing: AddressingScheme | undefined,
    leaseNumbers: readonly number[] | undefined,
): Record<string, unknown> {
    const key = (n: string) => `proxyVm.${n}`;
    if (raw.externalAddress === undefined || raw.externalAddress === "") {
        if (raw.externalPrefixLength !== undefined || raw.externalGateway !== undefined) {
            p.add(
                key("externalAddress"),
                raw.externalAddress,
                "is missing while externalPrefixLength/externalGateway are set",
                "set externalAddress too, or remove the other two for DHCP",
            );
        }
        return { externalAddress: undefined, externalPrefixLength: undefined, externalGateway: undefined };
    }
    let externalAddress = readString(p, key("externalAddress"), raw.externalAddress);
    if (externalAddress !== undefined && !isIpv4(externalAddress)) {
        p.add(
            key("externalAddress"),
            externalAddress,
            "is not an IPv4 address",
            "write the address only, e.g. 203.0.113.10, and the prefix in externalPrefixLength",
        );
        externalAddress = undefined;
    }
    const externalPrefixLength = readInt(
        p,
        key("externalPrefixLength"),
        raw.externalPrefixLength,
        intOptions(S.proxyVm.properties.externalPrefixLength),
    );
    const externalGateway = readString(p, key("externalGateway"), raw.externalGateway);
    if (externalGateway !== undefined && !isIpv4(externalGateway)) {
        p.add(
            key("externalGateway"),
            externalGateway,
            "is not an IPv4 address",
            "write the gateway of the external network",
        );
    } else if (externalAddress && externalGateway && externalPrefixLength !== undefined) {
        if (!cidrContains(networkOf(externalAddress, externalPrefixLength), externalGateway)) {
            p.add(
                key("externalGateway"),
                externalGateway,
                `is outside the external network of ${externalAddress}/${externalPrefixLength}`,
                "use a gateway on the external address's network",
            );
        }
    }
    if (externalAddress && addressing && leaseNumbers) {
        const machine = parseIpv4Cidr(addressing.machineNetworkCidr);
        if (machine && cidrContains(machine, externalAddress)) {
            p.add(
                key("externalAddress"),
                externalAddress,
                `lies inside the lease machine network ${addressing.machineNetworkCidr}`,
                "use an address outside the lease networks",
            );
        }
    }
    return { externalAddress, externalPrefixLength, externalGateway };
}

/** The sandbox root and the service mode agree: a real VM at `/`, a sandbox never at `/`. */
function checkServiceMode(p: Problems, f: Record<string, unknown>): void {
    const key = (n: string) => `proxyVm.${n}`;
    const rootDir = f.rootDir as string | undefined;
    if (
        rootDir !== undefined &&
        (!/^\/[A-Za-z0-9_./-]*$/.test(rootDir) ||
            /(^|\/)\.\.?(\/|$)/.test(rootDir) ||
            (rootDir !== "/" && rootDir.endsWith("/")))
    ) {
        p.add(
            key("rootDir"),
            rootDir,
            "is not an absolute directory path of letters, digits, '_', '.', '-' and '/' (no trailing '/', no '.' or '..' parts)",
            'use "/" for the real VM, or a sandbox directory such as "/tmp/ovirt-ci-proxy"',
        );
    }
    const serviceMode = f.serviceMode as string | undefined;
    if (serviceMode !== undefined && !literalsOf(S.proxyVm.properties.serviceMode)!.includes(serviceMode)) {
        p.add(
            key("serviceMode"),
            serviceMode,
            'must be "systemd" (the real proxy VM) or "local" (a sandbox: plain processes, loopback ports)',
            'use "systemd" or "local"',
        );
    }
    if (serviceMode === "local" && rootDir === "/") {
        p.add(
            key("rootDir"),
            rootDir,
            'is "/" while serviceMode is "local": a sandbox would write into the target\'s /etc',
            'set rootDir to a sandbox directory, e.g. "/tmp/ovirt-ci-proxy"',
        );
    }
}

function readLocalHaproxyPorts(p: Problems, v: unknown): LocalHaproxyPorts | undefined {
    const before = p.list.length;
    const f = readSection(p, "proxyVm.localHaproxyPorts", S.proxyVm.properties.localHaproxyPorts, v);
    if (!f || p.list.length > before) {
        return undefined;
    }
    const ports = pick(f, S.proxyVm.properties.localHaproxyPorts) as Record<keyof LocalHaproxyPorts, number>;
    const values = Object.values(ports);
    if (new Set(values).size !== values.length) {
        p.add(
            "proxyVm.localHaproxyPorts",
            ports,
            "uses one port twice",
            "give api, https, http and stats distinct ports",
        );
        return undefined;
    }
    return Object.freeze(ports);
}

const LINUX_IFNAME = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;

/**
 * `proxyVm.playbooksLeases`: configured leases, each once, each on its own NIC (a Linux interface name that is not
 * the external NIC's), and only with `layout: playbooks` (their NAT is the playbooks' firewalld masquerade).
 */
function readPlaybooksLeases(p: Problems, f: Record<string, unknown>): readonly { lease: number; nic: string }[] {
    const key = "proxyVm.playbooksLeases";
    const v = parseJsonText(f.playbooksLeases);
    if (v === undefined || v === null) return Object.freeze([]);
    if (!Array.isArray(v)) {
        p.add(key, v, "must be a list", "write it as a YAML list of {lease: 10, nic: eth1}");
        return Object.freeze([]);
    }
    const out: { lease: number; nic: string }[] = [];
    v.forEach((item, i) => {
        const at = `${key}[${i}]`;
        const it = readSection(p, at, S.proxyVm.properties.playbooksLeases.items, item);
        if (!it) return;
        const lease = it.lease as number | undefined;
        const nic = it.nic as string | undefined;
        if (lease === undefined || nic === undefined) return;
        // An entry for a lease that ovirt-ci:leases does not hold (now) has no effect: scaling the leases down or up
        // stays a change of that one key, and the entry says the same again the day the lease comes back.
        if (out.some((o) => o.lease === lease)) {
            p.add(`${at}.lease`, lease, "is listed twice", "list each lease once");
        }
        if (!LINUX_IFNAME.test(nic)) {
            p.add(
                `${at}.nic`,
                nic,
                "is not a Linux interface name",
                'write the NIC name the playbooks gave it, e.g. "eth1"',
            );
        } else if (out.some((o) => o.nic === nic) || nic === f.externalInterface || nic === f.externalNicName) {
            p.add(`${at}.nic`, nic, "is already another NIC of the proxy VM", "give each lease its own NIC name");
        }
        out.push({ lease, nic });
    });
    if (out.length > 0 && f.layout !== "playbooks") {
        p.add(
            "proxyVm.layout",
            f.layout,
            "is not playbooks while playbooksLeases lists leases: their NAT and dnsmasq unit are the playbooks' own",
            'set proxyVm.layout to "playbooks" (npm run adopt writes both), or empty playbooksLeases',
        );
    }
    return Object.freeze(out.map((o) => Object.freeze(o)));
}

function readConnection(p: Problems, v: unknown): ProxyConnectionSettings | undefined {
    if (v === undefined || v === null) {
        return undefined;
    }
    const f = readSection(p, "proxyVm.connection", S.proxyVm.properties.connection, v);
    if (!f) {
        return undefined;
    }
    const host = f.host as string | undefined;
    if (host !== undefined && !isHostOrIp(host)) {
        p.add(
            "proxyVm.connection.host",
            host,
            "is neither an IPv4 address nor a host name",
            "write the SSH target's address, e.g. 127.0.0.1 for a local sandbox",
        );
    }
    const user = f.user as string | undefined;
    if (user !== undefined && !LINUX_USER.test(user)) {
        p.add("proxyVm.connection.user", user, "is not a valid Linux user name", 'use e.g. "root"');
    }
    return Object.freeze(pick(f, S.proxyVm.properties.connection));
}

function validateUpgradeStorage(
    p: Problems,
    v: unknown,
    hasUpgradeLeases: boolean,
): UpgradeStorageSettings | undefined {
    const before = p.list.length;
    const f = readSection(p, "upgradeStorage", S.upgradeStorage, v, ["nfsServer"]);
    if (!f) {
        return undefined;
    }
    let nfsServer = "";
    if (f.nfsServer !== undefined || hasUpgradeLeases) {
        const s = readString(p, "upgradeStorage.nfsServer", f.nfsServer);
        if (s !== undefined && !isHostOrIp(s)) {
            p.add(
                "upgradeStorage.nfsServer",
                s,
                "is neither an IPv4 address nor a host name",
                "write the NFS server's FQDN or address, without a path",
            );
        }
        nfsServer = s ?? "";
    }
    for (const name of ["exportPathPattern", "storageDomainNamePattern"] as const) {
        const s = f[name] as string | undefined;
        if (s !== undefined && !s.includes("{n}") && !s.includes("{nn}")) {
            p.add(
                `upgradeStorage.${name}`,
                s,
                "does not contain {n}: every upgrade lease would share it",
                `add the lease number, e.g. "${DEFAULT_UPGRADE_STORAGE[name]}"`,
            );
            f[name] = undefined;
        }
    }
    const exportPathPattern = f.exportPathPattern as string | undefined;
    if (
        exportPathPattern !== undefined &&
        (!exportPathPattern.startsWith("/") || exportPathPattern.endsWith("/") || /\s|:/.test(exportPathPattern))
    ) {
        p.add(
            "upgradeStorage.exportPathPattern",
            exportPathPattern,
            "is not an absolute export path (starts with /, no trailing /, no spaces or colons)",
            'write e.g. "/exports/ovirt-upgrade-{n}"',
        );
    }
    const storageDomainNamePattern = f.storageDomainNamePattern as string | undefined;
    if (storageDomainNamePattern !== undefined && !OVIRT_NAME.test(expandPattern(storageDomainNamePattern, 1))) {
        p.add(
            "upgradeStorage.storageDomainNamePattern",
            storageDomainNamePattern,
            "gives an invalid storage domain name",
            'use letters, digits, "_", "-", ".", e.g. "ovirt-upgrade-{n}"',
        );
    }
    const nfsVersion = f.nfsVersion as string | undefined;
    const versions = literalsOf(S.upgradeStorage.properties.nfsVersion)!;
    if (nfsVersion !== undefined && !versions.includes(nfsVersion)) {
        p.add(
            "upgradeStorage.nfsVersion",
            nfsVersion,
            "is not an oVirt NFS version",
            `use one of ${versions.join(", ")}`,
        );
    }
    return p.list.length > before
        ? undefined
        : (Object.freeze({ ...pick(f, S.upgradeStorage), nfsServer }) as UpgradeStorageSettings);
}

function validateVault(p: Problems, v: unknown): VaultSettings | undefined {
    const before = p.list.length;
    const f = readSection(p, "vault", S.vault, v);
    if (!f) {
        return undefined;
    }
    const { mount, path, targetNamespace, targetName, targetClusters } = f as Partial<
        Record<keyof VaultSettings, string>
    >;
    if (mount !== undefined && !/^[A-Za-z0-9_-]+$/.test(mount)) {
        p.add("vault.mount", mount, "is not a single mount name (no slashes)", 'use "kv"');
    }
    if (path !== undefined && (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(path) || path.startsWith("data/"))) {
        p.add(
            "vault.path",
            path,
            "is not a KV v2 item path relative to the mount (no leading or trailing slash, no data/ prefix)",
            `use "${DEFAULT_VAULT.path}"`,
        );
    }
    // The CI's Vault proxy refuses sync values that are not DNS-1123 labels (≤ 63 characters; each namespace of the list):
    // openshift/ci-tools cmd/vault-subpath-proxy/kv_update_transport.go.
    if (
        targetNamespace !== undefined &&
        (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(,[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(targetNamespace) ||
            targetNamespace.split(",").some((n) => n.length > 63))
    ) {
        p.add(
            "vault.targetNamespace",
            targetNamespace,
            "is not a namespace or comma-separated list of namespaces",
            'use "ci"',
        );
    }
    if (
        targetName !== undefined &&
        (!/^cluster-secrets-[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(targetName) || targetName.length > 63)
    ) {
        p.add(
            "vault.targetName",
            targetName,
            "must be cluster-secrets-<profile>, a DNS-1123 label of at most 63 characters (docs/ci-contract.md section 2.1)",
            `use "${DEFAULT_VAULT.targetName}"`,
        );
    }
    if (targetClusters && !/^[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*$/.test(targetClusters)) {
        p.add(
            "vault.targetClusters",
            targetClusters,
            "is not a comma-separated list of build cluster names",
            'write e.g. "build01,build02", or leave it empty for all clusters',
        );
    }
    return p.list.length > before ? undefined : (Object.freeze(pick(f, S.vault)) as VaultSettings);
}

function validateCiProfile(p: Problems, v: unknown): CiProfileSettings | undefined {
    const f = readSection(p, "ciProfile", S.ciProfile, v);
    return f && (Object.freeze(pick(f, S.ciProfile)) as CiProfileSettings);
}

/** Every lease fits the addressing scheme's pool, and the machine network holds every lease subnet. */
function checkLeasesFitAddressing(p: Problems, addressing: AddressingScheme, leaseNumbers: readonly number[]): void {
    const range = leaseNumberRange(addressing);
    const machine = parseIpv4Cidr(addressing.machineNetworkCidr)!;
    for (const n of leaseNumbers) {
        if (range && (n < range.min || n > range.max)) {
            p.add(
                "leases",
                n,
                `lease ovirt-${n} does not fit the addressing scheme: ${addressing.subnetPool} cut into /${addressing.subnetPrefixLength} subnets at offset ${addressing.subnetOffset} holds leases ${range.min}..${range.max}`,
                `use lease numbers ${range.min}..${range.max}, or change addressing.subnetPool/subnetOffset`,
            );
        } else if (range) {
            const subnet = parseIpv4Cidr(leaseSubnet(n, addressing))!;
            if (!cidrContains(machine, subnet)) {
                p.add(
                    "addressing.machineNetworkCidr",
                    addressing.machineNetworkCidr,
                    `does not contain lease ovirt-${n}'s subnet ${subnet.cidr}`,
                    "use a machine network that covers every lease subnet, e.g. 192.168.0.0/16",
                );
            }
        }
    }
}

/** The capacity guard: the leases fit the hosts, unless capacityOverride accepts the excess. */
function checkLeasesFitHosts(
    p: Problems,
    f: Record<string, unknown>,
    c: { hosts?: HostSpec[]; footprint?: ClusterFootprint; leases?: number[]; proxyVm?: ProxyVmSettings },
): CapacityReport | undefined {
    const memoryOvercommitPercent = f.memoryOvercommitPercent as number | undefined;
    const cpuOvercommitPercent = f.cpuOvercommitPercent as number | undefined;
    if (!c.hosts || !c.footprint || !c.leases || !memoryOvercommitPercent || !cpuOvercommitPercent) {
        return undefined;
    }
    const capacity = checkCapacity({
        hosts: c.hosts,
        footprint: c.footprint,
        leaseCount: c.leases.length,
        memoryOvercommitPercent,
        cpuOvercommitPercent,
        reservedMemoryMiB: c.proxyVm?.memoryMiB ?? 0,
        reservedVcpus: c.proxyVm?.cpuCores ?? 0,
    });
    if (!capacity.fits && !f.capacityOverride) {
        p.add(
            "leases",
            f.leases,
            `are more than the hosts can hold: ${capacity.summary}`,
            `reduce the leases to at most ${capacity.maxLeases}, add hosts, raise memoryOvercommitPercent, or set capacityOverride: true`,
        );
    }
    return capacity;
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
        values[key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key] = value;
    }
    p.unknownKeys(
        "",
        values,
        CONFIG_KEYS.map((s) => s.key),
    );
    const plain = Object.fromEntries(Object.entries(values).filter(([key]) => !SECRET_KEY_SET.has(key)));
    const f = readScalars(p, "", ConfigSchema, plain, SECRET_KEYS);
    checkEngineAccess(p, f);
    checkNames(p, f);

    const addressing = validateAddressing(p, values.addressing);
    const naming = validateNaming(p, values.naming);
    const leases = readLeaseSet(p, "leases", values.leases, false);
    const upgradeLeases = readLeaseSet(p, "upgradeLeases", values.upgradeLeases ?? defaultOf(S.upgradeLeases), true);
    if (addressing && leases) {
        checkLeasesFitAddressing(p, addressing, leases);
    }
    const hosts = validateHosts(p, values.hosts);
    const clusterFootprint = validateFootprint(p, values.clusterFootprint);
    const proxyVm = validateProxyVm(p, values.proxyVm, addressing, leases);
    const upgradeStorage = validateUpgradeStorage(p, values.upgradeStorage, (upgradeLeases?.length ?? 0) > 0);
    const vault = validateVault(p, values.vault);
    const ciProfile = validateCiProfile(p, values.ciProfile);
    const capacity = checkLeasesFitHosts(
        p,
        { ...f, leases: values.leases },
        { hosts, footprint: clusterFootprint, leases, proxyVm },
    );
    const removeLeasesInUse = readRemoveLeasesInUse(p, values.removeLeasesInUse, leases);
    const allowReplace = parseJsonText(values.allowReplace) ?? [];
    const formatUpgradeStorage = parseJsonText(values.formatUpgradeStorage) ?? [];
    for (const q of protectionProblems(allowReplace, formatUpgradeStorage)) p.add(q.key, q.value, q.problem, q.fix);

    if (p.list.length > 0) {
        throw new ConfigError(p.list);
    }
    if (!f.engineCaPem) {
        f.engineCaPem = undefined; // "" = the system trust store: no CA in the model
    }
    return Object.freeze({
        ...(pick(f, ConfigSchema) as Omit<OvirtCiConfig, "capacity">),
        leases: Object.freeze(leases!),
        upgradeLeases: Object.freeze(upgradeLeases!),
        addressing: addressing!,
        naming: naming!,
        hosts: Object.freeze(hosts!),
        clusterFootprint: clusterFootprint!,
        proxyVm: proxyVm!,
        upgradeStorage: upgradeStorage!,
        vault: vault!,
        ciProfile: ciProfile!,
        capacity: capacity!,
        removeLeasesInUse: Object.freeze(removeLeasesInUse ?? []),
        allowReplace: Object.freeze(allowReplace as string[]),
        formatUpgradeStorage: Object.freeze(formatUpgradeStorage as string[]),
    }) as OvirtCiConfig;
}

/**
 * `removeLeasesInUse`: install lease names the config removes (a lease still declared makes no sense there, it
 * would silently apply to a later scale-down).
 */
function readRemoveLeasesInUse(
    p: Problems,
    v: unknown,
    leaseNumbers: readonly number[] | undefined,
): string[] | undefined {
    const key = "removeLeasesInUse";
    v = parseJsonText(v);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || !/^ovirt-[1-9][0-9]*$/.test(x))) {
        p.add(key, v, "must be a list of install lease names (ovirt-N)", "write e.g. [ovirt-12], or remove the key");
        return undefined;
    }
    const declared = v.filter((x: string) => leaseNumbers?.includes(Number(x.slice("ovirt-".length))));
    if (declared.length > 0) {
        p.add(
            key,
            v,
            `names leases the config still declares (${declared.join(", ")}); the override is for leases being removed`,
            "remove those names from removeLeasesInUse",
        );
        return undefined;
    }
    return v as string[];
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

function secretShape(v: string): string {
    return `[secret, ${v.length} characters${/[\r\n]/.test(v) ? ", with line breaks" : ""}]`;
}

const SSH_PUBLIC_KEY =
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const SSH_PRIVATE_KEY =
    /^-----BEGIN (OPENSSH|RSA|EC|DSA)? ?PRIVATE KEY-----\r?\n[\s\S]+\n-----END (OPENSSH|RSA|EC|DSA)? ?PRIVATE KEY-----\s*$/;

/**
 * Validates the secret values (present ones; missing ones are reported by the caller). Problems never carry the
 * value, only {@link secretShape}. A public key must be one line (a line break would add a second, unreviewed key to
 * the proxy VM's and the clusters' authorized_keys), the private key a PEM/OpenSSH block, the pull secret JSON with
 * an `auths` map (the installer's format), the engine password free of control characters.
 */
export function validateSecretValues(values: Record<string, unknown>, wantPullSecret = true): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    const add = (key: string, v: string, problem: string, fix: string) =>
        out.push({ key, value: secretShape(v), problem, fix });
    const str = (k: string) =>
        typeof values[k] === "string" ? (values[k] as string) : values[k] === undefined ? undefined : String(values[k]);
    for (const key of ["enginePassword", "ciEnginePassword"]) {
        const pw = str(key);
        if (pw === undefined) continue;
        if (pw === "") add(key, pw, "is empty", `run: pulumi config set --secret ${key} (it prompts)`);
        // eslint-disable-next-line no-control-regex
        else if (/[\x00-\x1f\x7f]/.test(pw))
            add(
                key,
                pw,
                "contains a control character (line break, tab, NUL, ...), which no engine login accepts",
                `set it again without the trailing newline: pulumi config set --secret ${key} (it prompts)`,
            );
    }
    for (const key of ["sshPublicKey", "proxyAdminSshPublicKey"]) {
        const pub = str(key);
        if (pub !== undefined && !SSH_PUBLIC_KEY.test(pub.replace(/\r?\n$/, ""))) {
            add(
                key,
                pub,
                "is not one OpenSSH public key line (type, base64 key, optional comment; a line break would authorize a second key)",
                `run: pulumi config set --secret ${key} < id_ed25519.pub`,
            );
        }
    }
    for (const key of ["sshPrivateKey", "proxyAdminSshPrivateKey", "proxyAdminSshPreviousPrivateKey"]) {
        const priv = str(key);
        if (priv !== undefined && !SSH_PRIVATE_KEY.test(priv)) {
            add(
                key,
                priv,
                "is not a PEM or OpenSSH private key block (-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----)",
                `run: pulumi config set --secret ${key} < id_ed25519`,
            );
        }
    }
    // The CI key pair is in the Vault item every oVirt CI job mounts: it must not also be the proxy's admin login.
    const keyBlob = (k: string) => str(k)?.trim().split(/\s+/)[1];
    const ciBlob = keyBlob("sshPublicKey");
    if (ciBlob && ciBlob === keyBlob("proxyAdminSshPublicKey")) {
        add(
            "proxyAdminSshPublicKey",
            str("proxyAdminSshPublicKey")!,
            "is the CI jobs' key (sshPublicKey, in the Vault item every CI job mounts): any job could log in to the proxy as its admin",
            "generate a key pair for ovirt-ci alone (ssh-keygen -t ed25519 -f proxy-admin), set proxyAdminSshPublicKey/proxyAdminSshPrivateKey from it and rotate (docs/operator.md)",
        );
    }
    const ps = str("pullSecret");
    if (ps !== undefined && wantPullSecret) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(ps);
        } catch {
            parsed = undefined;
        }
        const auths = parsed && typeof parsed === "object" ? (parsed as { auths?: unknown }).auths : undefined;
        if (!auths || typeof auths !== "object" || Array.isArray(auths)) {
            add(
                "pullSecret",
                ps,
                'is not a pull secret: JSON of the form {"auths": {"<registry>": {"auth": "..."}}}',
                "run: pulumi config set --secret pullSecret < pull-secret.json (the file from console.redhat.com)",
            );
        }
    }
    return out;
}

/**
 * The value of an unknown top-level key is not shown by {@link loadConfig}: it may be a secret under a mistyped name
 * (`pulumi config set --secret sshPrivatKey`), which the program receives decrypted. Its length still helps.
 */
function hideUnknownValue(problem: ConfigProblem): ConfigProblem {
    const known = CONFIG_KEYS.some((k) => k.key === problem.key) || /[.[]/.test(problem.key);
    return known || problem.value === undefined
        ? problem
        : {
              ...problem,
              value: `[not shown: an unknown key may hold a secret; ${String(problem.value).length} characters]`,
          };
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
