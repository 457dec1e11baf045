/**
 * The stack configuration of `ovirt-ci`: one typed model, validated once before any resource is registered.
 *
 * `validateConfig` is pure (plain values in, a frozen model out, or one `ConfigError` listing every problem);
 * `loadConfig` is the only function that touches `pulumi.Config`. Secrets never pass through `validateConfig`:
 * they are read with `requireSecret` and stay `Output`s.
 */
import * as pulumi from "@pulumi/pulumi";
import { cidrContains, explainBadCidr, isIpv4, parseIpv4Cidr } from "./ip";
import {
    AddressingScheme,
    DEFAULT_ADDRESSING,
    DEFAULT_NAMING,
    NamingScheme,
    expandPattern,
    leaseNumberRange,
    leaseSubnet,
} from "./leaseModel";

export const PROJECT = "ovirt-ci";

/** One oVirt host to register. */
export interface HostSpec {
    /** Host name in the engine (the identity of the host resource). */
    readonly name: string;
    /** FQDN or IPv4 address the engine reaches the host at. */
    readonly address: string;
    /** Physical CPU cores. */
    readonly cpuCores: number;
    /** Physical memory in GiB. */
    readonly memoryGiB: number;
}

/** Size of one OpenShift cluster installed on a lease. */
export interface ClusterFootprint {
    /** @default 3 */
    readonly masters: number;
    /** @default 2 */
    readonly workers: number;
    /** vCPUs per VM. @default 8 */
    readonly vcpus: number;
    /** Memory per VM in MiB. @default 16384 */
    readonly memoryMiB: number;
}

/** The long-lived proxy VM: router, NAT, DHCP/DNS for the lease networks, HAProxy entry point. */
export interface ProxyVmSettings {
    /** VM name; the CI cleanup job spares only `proxy-vm` (and `proxy-vm-45`). @default "proxy-vm" */
    readonly name: string;
    /** Template; the cleanup job deletes every template except `Blank` and `centos-7`. @default "centos-7" */
    readonly template: string;
    /** @default 4096 */
    readonly memoryMiB: number;
    /** @default 2 */
    readonly cpuCores: number;
    /** oVirt network of the external NIC. @default "ovirtmgmt" */
    readonly managementNetwork: string;
    /** Guest name of the external NIC (NAT egress, HAProxy listener). @default "eth0" */
    readonly externalInterface: string;
    /** Static external IPv4 address; absent = DHCP on the management network. */
    readonly externalAddress?: string;
    /** Prefix length of the external address; required with `externalAddress`. */
    readonly externalPrefixLength?: number;
    /** Default gateway of the external NIC; required with `externalAddress`. */
    readonly externalGateway?: string;
    /** Resolvers for the VM and upstream servers of every lease's dnsmasq. @default ["8.8.8.8"] */
    readonly dnsServers: readonly string[];
    /** Cloud-init user that gets the SSH key. @default "centos" */
    readonly sshUser: string;
    /** HAProxy statistics user (the password is generated). @default "admin" */
    readonly statsUser: string;
    /**
     * Where the proxy configuration is pushed over SSH. Absent fields default to: host = `externalAddress`, else
     * the VM's first reported IP; port 22; user = `sshUser` (commands run under `sudo -n` unless the user is root).
     */
    readonly connection?: ProxyConnectionSettings;
    /** Prefix of every file path written on the target (a sandbox directory in `local` mode). @default "/" */
    readonly rootDir: string;
    /**
     * `systemd`: the real VM (files under /etc, `systemctl`, `ip addr`, nft). `local`: a sandbox on the target
     * (files under rootDir, dnsmasq/haproxy as plain processes with pid files, loopback ports, network changes only
     * recorded). @default "systemd"
     */
    readonly serviceMode: ProxyServiceMode;
    /** `local` mode: lease N's dnsmasq answers DNS on 127.0.0.1 port `localDnsPort + N`. @default 15300 */
    readonly localDnsPort: number;
    /** `local` mode: HAProxy's loopback ports. @default {api: 16443, https: 18443, http: 18080, stats: 18404} */
    readonly localHaproxyPorts: LocalHaproxyPorts;
}

/** How the proxy configuration is applied on its target. */
export type ProxyServiceMode = "systemd" | "local";

/** SSH target of the proxy configuration commands; every field optional. */
export interface ProxyConnectionSettings {
    readonly host?: string;
    readonly port?: number;
    readonly user?: string;
}

/** HAProxy ports of the `local` service mode. */
export interface LocalHaproxyPorts {
    readonly api: number;
    readonly https: number;
    readonly http: number;
    readonly stats: number;
}

/** NFS storage for upgrade leases: one export and one storage domain per upgrade lease. */
export interface UpgradeStorageSettings {
    /** NFS server host name or address; required when there are upgrade leases. */
    readonly nfsServer: string;
    /** @default "/exports/ovirt-upgrade-{n}" */
    readonly exportPathPattern: string;
    /** @default "ovirt-upgrade-{n}" */
    readonly storageDomainNamePattern: string;
    /** oVirt `nfs_version`. @default "auto" */
    readonly nfsVersion: string;
}

/** Where the CI profile lives in Vault (`ci-contract.md` section 2). */
export interface VaultSettings {
    /** @default "kv" */
    readonly mount: string;
    /** @default "selfservice/ovirt/cluster-secrets-ovirt" */
    readonly path: string;
    /** @default "ci" */
    readonly targetNamespace: string;
    /** @default "cluster-secrets-ovirt" */
    readonly targetName: string;
    /** Optional `secretsync/target-clusters`; empty = key absent. @default "" */
    readonly targetClusters: string;
}

/** Choices on the open points of the contract (section 16). */
export interface CiProfileSettings {
    /** Emit `OVIRT_ENGINE_CLUSTER_ID` in `ovirt.conf` (it overrides the lease files' value). @default false */
    readonly ovirtConfClusterId: boolean;
    /** Emit `OVIRT_ENGINE_STORAGE_DOMAIN_ID` (main storage domain) for 4.4–4.7 jobs. @default true */
    readonly ovirtConfStorageDomainId: boolean;
    /** Write `pull-secret` into the item (false if the CI platform seeds it). @default true */
    readonly pullSecret: boolean;
}

/** The validated, non-secret configuration. */
export interface OvirtCiConfig {
    /** `https://<engine>/ovirt-engine/api`. */
    readonly engineUrl: string;
    /** `user@domain`. @default "admin@internal" */
    readonly engineUsername: string;
    /** PEM of the engine CA; absent = trust store / fetched by the provider. */
    readonly engineCaPem?: string;
    /** Skip TLS verification (emulator and tests only). @default false */
    readonly engineInsecure: boolean;
    /** Allow an `http://` engine URL (emulator only). @default false */
    readonly engineAllowHttp: boolean;
    readonly baseDomain: string;
    readonly dataCenter: string;
    readonly cluster: string;
    readonly mainStorageDomain: string;
    /** @default "ovirt-provider-ovn" */
    readonly ovnProviderName: string;
    /** Install lease numbers, sorted, unique. */
    readonly leases: readonly number[];
    /** Upgrade lease numbers, sorted, unique. @default [] */
    readonly upgradeLeases: readonly number[];
    readonly addressing: AddressingScheme;
    readonly naming: NamingScheme;
    readonly hosts: readonly HostSpec[];
    readonly clusterFootprint: ClusterFootprint;
    /** @default 150 */
    readonly memoryOvercommitPercent: number;
    /** @default 100 */
    readonly cpuOvercommitPercent: number;
    /** Accept more leases than the capacity guard allows. @default false */
    readonly capacityOverride: boolean;
    /**
     * Lease names (`ovirt-N`) whose removal goes ahead although VMs of a CI job still use the lease network (the
     * scale-down guard, `lib/scaleDownGuard.ts`, refuses otherwise); their NICs on it are removed. @default []
     */
    readonly removeLeasesInUse: readonly string[];
    readonly proxyVm: ProxyVmSettings;
    readonly upgradeStorage: UpgradeStorageSettings;
    readonly vault: VaultSettings;
    readonly ciProfile: CiProfileSettings;
    /** Size of the `ovirt-clusterbot-quota-slice` pool. @default 3 */
    readonly clusterbotPoolSize: number;
    /** The capacity computation, for outputs and warnings. */
    readonly capacity: CapacityReport;
}

/** Secret configuration, kept as secret Outputs. */
export interface OvirtCiSecrets {
    readonly enginePassword: pulumi.Output<string>;
    /** Absent when `ciProfile.pullSecret` is false. */
    readonly pullSecret?: pulumi.Output<string>;
    readonly sshPublicKey: pulumi.Output<string>;
    readonly sshPrivateKey: pulumi.Output<string>;
}

/** What {@link loadConfig} returns. */
export interface LoadedConfig extends OvirtCiConfig {
    readonly secrets: OvirtCiSecrets;
}

// ---------------------------------------------------------------------------------------------------------------
// Key catalogue: drives unknown-key detection, the docs table and the Pulumi.yaml consistency test.

export type ConfigKeyType = "string" | "integer" | "boolean" | "object" | "array" | "leaseSet";

/** Description of one top-level config key. */
export interface ConfigKeySpec {
    readonly key: string;
    readonly type: ConfigKeyType;
    readonly secret: boolean;
    /** Required when true and no default. */
    readonly required: boolean;
    readonly default?: unknown;
    readonly description: string;
}

export const DEFAULT_FOOTPRINT: ClusterFootprint = Object.freeze({ masters: 3, workers: 2, vcpus: 8, memoryMiB: 16384 });

export const DEFAULT_PROXY_VM = Object.freeze({
    name: "proxy-vm",
    template: "centos-7",
    memoryMiB: 4096,
    cpuCores: 2,
    managementNetwork: "ovirtmgmt",
    externalInterface: "eth0",
    dnsServers: ["8.8.8.8"],
    sshUser: "centos",
    statsUser: "admin",
    rootDir: "/",
    serviceMode: "systemd",
    localDnsPort: 15300,
    localHaproxyPorts: { api: 16443, https: 18443, http: 18080, stats: 18404 },
});

export const DEFAULT_UPGRADE_STORAGE = Object.freeze({
    exportPathPattern: "/exports/ovirt-upgrade-{n}",
    storageDomainNamePattern: "ovirt-upgrade-{n}",
    nfsVersion: "auto",
});

export const DEFAULT_VAULT: VaultSettings = Object.freeze({
    mount: "kv",
    path: "selfservice/ovirt/cluster-secrets-ovirt",
    targetNamespace: "ci",
    targetName: "cluster-secrets-ovirt",
    targetClusters: "",
});

export const DEFAULT_CI_PROFILE: CiProfileSettings = Object.freeze({
    ovirtConfClusterId: false,
    ovirtConfStorageDomainId: true,
    pullSecret: true,
});

/** Proxy VM names the CI cleanup job spares (`ci-contract.md` section 8). */
export const PROTECTED_VM_NAMES = ["proxy-vm", "proxy-vm-45"] as const;
/** Templates the CI cleanup job spares (`ci-contract.md` section 8). */
export const PROTECTED_TEMPLATES = ["Blank", "centos-7"] as const;

const k = (
    key: string,
    type: ConfigKeyType,
    description: string,
    extra: { secret?: boolean; required?: boolean; default?: unknown } = {},
): ConfigKeySpec => ({
    key,
    type,
    description,
    secret: extra.secret ?? false,
    required: extra.required ?? extra.default === undefined,
    ...(extra.default === undefined ? {} : { default: extra.default }),
});

/** Every top-level key of the `ovirt-ci` namespace. */
export const CONFIG_KEYS: readonly ConfigKeySpec[] = [
    k("engineUrl", "string", "Engine API URL; must end exactly in /ovirt-engine/api (no trailing slash)"),
    k("engineUsername", "string", "Engine user, user@domain", { default: "admin@internal" }),
    k("enginePassword", "string", "Engine password", { secret: true }),
    k("engineCaPem", "string", "PEM of the engine CA; empty = system trust store", { default: "" }),
    k("engineInsecure", "boolean", "Skip TLS verification of the engine (emulator/tests only)", { default: false }),
    k("engineAllowHttp", "boolean", "Allow an http:// engine URL (emulator only)", { default: false }),
    k("baseDomain", "string", "Base DNS domain of the lease clusters"),
    k("dataCenter", "string", "oVirt data center name (adopted by name)"),
    k("cluster", "string", "oVirt cluster name (adopted by name)"),
    k("mainStorageDomain", "string", "Storage domain shared by all install leases (adopted by name)"),
    k("ovnProviderName", "string", "External network provider of the lease networks", { default: "ovirt-provider-ovn" }),
    k("leases", "leaseSet", "Install lease numbers: {from, to}, a list of numbers, or a list of ranges"),
    k("upgradeLeases", "leaseSet", "Upgrade lease numbers, same forms as leases", { default: [] }),
    k("addressing", "object", "Lease addressing scheme (defaults reproduce the CI contract)", { default: { ...DEFAULT_ADDRESSING } }),
    k("naming", "object", "Name patterns of lease clusters, networks and proxy interfaces", { default: { ...DEFAULT_NAMING } }),
    k("hosts", "array", "oVirt hosts: list of {name, address, cpuCores, memoryGiB}"),
    k("clusterFootprint", "object", "Per-lease OpenShift cluster size: {masters, workers, vcpus, memoryMiB}", { default: { ...DEFAULT_FOOTPRINT } }),
    k("memoryOvercommitPercent", "integer", "Memory overcommit of the oVirt cluster, percent", { default: 150 }),
    k("cpuOvercommitPercent", "integer", "vCPU per physical core allowance for the capacity guard, percent", { default: 100 }),
    k("capacityOverride", "boolean", "Accept more leases than the capacity guard allows", { default: false }),
    k("removeLeasesInUse", "array", "Install leases (ovirt-N) to remove although a CI job's VMs still use their network", { default: [] }),
    k("proxyVm", "object", "Proxy VM settings", { default: { ...DEFAULT_PROXY_VM } }),
    k("upgradeStorage", "object", "NFS storage of upgrade leases: {nfsServer, exportPathPattern, storageDomainNamePattern, nfsVersion}", { default: { ...DEFAULT_UPGRADE_STORAGE } }),
    k("vault", "object", "Vault item of the CI cluster profile", { default: { ...DEFAULT_VAULT } }),
    k("ciProfile", "object", "Choices on the contract's open points", { default: { ...DEFAULT_CI_PROFILE } }),
    k("clusterbotPoolSize", "integer", "min-count = max-count of ovirt-clusterbot-quota-slice", { default: 3 }),
    k("pullSecret", "string", "Pull secret JSON ({\"auths\":{...}})", { secret: true, required: false }),
    k("sshPublicKey", "string", "OpenSSH public key line for the clusters and the proxy VM", { secret: true }),
    k("sshPrivateKey", "string", "OpenSSH private key matching sshPublicKey", { secret: true }),
];

const SECRET_KEYS = new Set(CONFIG_KEYS.filter((s) => s.secret).map((s) => s.key));

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
        const score = candidate.toLowerCase() === name.toLowerCase() ? 0 : distance(name.toLowerCase(), candidate.toLowerCase());
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
            p.add(key, v, "is required", `set it: pulumi config set ${key.includes(".") ? "--path " : ""}${key} <value>`);
        }
        return dflt;
    }
    if (typeof v !== "string") {
        p.add(key, v, "must be a string", "quote the value");
        return undefined;
    }
    return v;
}

function readInt(p: Problems, key: string, v: unknown, opts: { dflt?: number; min?: number; max?: number; what?: string }): number | undefined {
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
        p.add(key, v, `must be at least ${opts.min}${opts.min === 1 ? " (non-positive values are meaningless)" : ""}`, `set it to ${what} ≥ ${opts.min}`);
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

function readObject(p: Problems, key: string, v: unknown, known: readonly string[]): Record<string, unknown> | undefined {
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

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const OVIRT_NAME = /^[A-Za-z0-9_.-]{1,50}$/;

function isHostOrIp(v: string): boolean {
    return isIpv4(v) || (HOST_NAME.test(v) && !/^[0-9.]+$/.test(v));
}

function readName(p: Problems, key: string, v: unknown, what: string, dflt?: string): string | undefined {
    const s = readString(p, key, v, dflt);
    if (s !== undefined && !OVIRT_NAME.test(s)) {
        p.add(key, v, `is not a valid ${what} name (letters, digits, "_", "-", ".", at most 50 characters)`, `use the ${what} name exactly as the engine shows it`);
        return undefined;
    }
    return s;
}

/**
 * `removeLeasesInUse`: install lease names the config removes (a lease still declared makes no sense there, it
 * would silently apply to a later scale-down).
 */
function readRemoveLeasesInUse(p: Problems, v: unknown, leaseNumbers: readonly number[] | undefined): string[] | undefined {
    const key = "removeLeasesInUse";
    v = parseJsonText(v);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || !/^ovirt-[1-9][0-9]*$/.test(x))) {
        p.add(key, v, "must be a list of install lease names (ovirt-N)", "write e.g. [ovirt-12], or remove the key");
        return undefined;
    }
    const declared = v.filter((x: string) => leaseNumbers?.includes(Number(x.slice("ovirt-".length))));
    if (declared.length > 0) {
        p.add(key, v, `names leases the config still declares (${declared.join(", ")}); the override is for leases being removed`, "remove those names from removeLeasesInUse");
        return undefined;
    }
    return v as string[];
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
        p.add(key, v, "is required", `set it, e.g. pulumi config set --path ${key}.from 10 && pulumi config set --path ${key}.to 23`);
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
                p.add(at, item, `is an empty range (from ${from} > to ${to})`, `swap the bounds: {from: ${to}, to: ${from}}`);
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
    const numbers = ranges.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i)).sort((x, y) => x - y);
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
    const vcpuCapacity = Math.floor((input.hosts.reduce((s, h) => s + h.cpuCores, 0) * input.cpuOvercommitPercent) / 100);
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
    return { fits, leaseCount: input.leaseCount, maxLeases, memoryCapacityMiB, memoryDemandMiB, vcpuCapacity, vcpuDemand, summary };
}

// ---------------------------------------------------------------------------------------------------------------
// validateConfig

const ADDRESSING_KEYS = Object.keys(DEFAULT_ADDRESSING);
const NAMING_KEYS = Object.keys(DEFAULT_NAMING);
const FOOTPRINT_KEYS = Object.keys(DEFAULT_FOOTPRINT);
const PROXY_KEYS = [...Object.keys(DEFAULT_PROXY_VM), "externalAddress", "externalPrefixLength", "externalGateway", "connection"];
const UPGRADE_STORAGE_KEYS = ["nfsServer", ...Object.keys(DEFAULT_UPGRADE_STORAGE)];
const VAULT_KEYS = Object.keys(DEFAULT_VAULT);
const CI_PROFILE_KEYS = Object.keys(DEFAULT_CI_PROFILE);
const HOST_KEYS = ["name", "address", "cpuCores", "memoryGiB"];

function validateEngineUrl(p: Problems, v: unknown, allowHttp: boolean): string | undefined {
    const s = readString(p, "engineUrl", v);
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
    if (url.username || url.password || url.search || url.hash || !s.endsWith("/ovirt-engine/api") || url.pathname !== "/ovirt-engine/api") {
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

function validateAddressing(p: Problems, v: unknown): AddressingScheme | undefined {
    const raw = readObject(p, "addressing", v, ADDRESSING_KEYS);
    if (!raw) {
        return undefined;
    }
    const before = p.list.length;
    const key = (name: string) => `addressing.${name}`;
    const pool = readString(p, key("subnetPool"), raw.subnetPool, DEFAULT_ADDRESSING.subnetPool);
    const poolCidr = pool === undefined ? undefined : parseIpv4Cidr(pool);
    if (pool !== undefined && !poolCidr) {
        p.add(key("subnetPool"), pool, `is not a valid IPv4 CIDR: it ${explainBadCidr(pool)}`, "write the network address and prefix, e.g. 192.168.0.0/16");
    }
    const prefix = readInt(p, key("subnetPrefixLength"), raw.subnetPrefixLength, { dflt: DEFAULT_ADDRESSING.subnetPrefixLength, min: 1, max: 30 });
    if (poolCidr && prefix !== undefined && prefix < poolCidr.prefixLength) {
        p.add(key("subnetPrefixLength"), prefix, `is shorter than the pool's /${poolCidr.prefixLength}: a lease subnet cannot be larger than the pool`, `use a prefix length between ${poolCidr.prefixLength} and 30`);
    }
    const offset = readInt(p, key("subnetOffset"), raw.subnetOffset, { dflt: DEFAULT_ADDRESSING.subnetOffset, min: 0, what: "a non-negative integer" });
    const size = prefix === undefined ? undefined : 2 ** (32 - prefix);
    const hostKey = (name: keyof AddressingScheme): number | undefined => {
        const n = readInt(p, key(name), raw[name], { dflt: DEFAULT_ADDRESSING[name] as number, min: 0, what: "a host offset" });
        if (n !== undefined && size !== undefined && (n < 1 || n > size - 2)) {
            p.add(key(name), n, `is outside its /${prefix} subnet (usable host offsets are 1..${size - 2})`, `choose an offset between 1 and ${size - 2}`);
            return undefined;
        }
        return n;
    };
    const gatewayHost = hostKey("gatewayHost");
    const dhcpFirstHost = hostKey("dhcpFirstHost");
    const dhcpLastHost = hostKey("dhcpLastHost");
    const apiVipHost = hostKey("apiVipHost");
    const dnsVipHost = hostKey("dnsVipHost");
    const ingressVipHost = hostKey("ingressVipHost");
    if (dhcpFirstHost !== undefined && dhcpLastHost !== undefined && dhcpFirstHost > dhcpLastHost) {
        p.add(key("dhcpFirstHost"), dhcpFirstHost, `is above dhcpLastHost ${dhcpLastHost}: the DHCP range is empty`, "make dhcpFirstHost ≤ dhcpLastHost");
    }
    const fixed: [string, number | undefined][] = [
        ["gatewayHost", gatewayHost],
        ["apiVipHost", apiVipHost],
        ["dnsVipHost", dnsVipHost],
        ["ingressVipHost", ingressVipHost],
    ];
    for (let i = 0; i < fixed.length; i++) {
        const [name, n] = fixed[i];
        if (n === undefined) {
            continue;
        }
        for (let j = i + 1; j < fixed.length; j++) {
            if (fixed[j][1] === n) {
                p.add(key(fixed[j][0]), n, `is the same host offset as ${name}`, "give the gateway and each VIP its own address");
            }
        }
        if (dhcpFirstHost !== undefined && dhcpLastHost !== undefined && n >= dhcpFirstHost && n <= dhcpLastHost) {
            p.add(key(name), n, `lies inside the DHCP range ${dhcpFirstHost}..${dhcpLastHost}; DHCP could hand it to a VM`, "move it outside the DHCP range");
        }
    }
    const leaseTime = readString(p, key("dhcpLeaseTime"), raw.dhcpLeaseTime, DEFAULT_ADDRESSING.dhcpLeaseTime);
    if (leaseTime !== undefined && !/^(infinite|\d+[smhdw]?)$/.test(leaseTime)) {
        p.add(key("dhcpLeaseTime"), leaseTime, "is not a dnsmasq lease time", 'write e.g. "5m", "1h" or "infinite"');
    }
    const machine = readString(p, key("machineNetworkCidr"), raw.machineNetworkCidr, DEFAULT_ADDRESSING.machineNetworkCidr);
    if (machine !== undefined && !parseIpv4Cidr(machine)) {
        p.add(key("machineNetworkCidr"), machine, `is not a valid IPv4 CIDR: it ${explainBadCidr(machine)}`, "write e.g. 192.168.0.0/16");
    }
    if (p.list.length > before) {
        return undefined;
    }
    return Object.freeze({
        subnetPool: pool!,
        subnetPrefixLength: prefix!,
        subnetOffset: offset!,
        gatewayHost: gatewayHost!,
        dhcpFirstHost: dhcpFirstHost!,
        dhcpLastHost: dhcpLastHost!,
        dhcpLeaseTime: leaseTime!,
        apiVipHost: apiVipHost!,
        dnsVipHost: dnsVipHost!,
        ingressVipHost: ingressVipHost!,
        machineNetworkCidr: machine!,
    });
}

function validateNaming(p: Problems, v: unknown): NamingScheme | undefined {
    const raw = readObject(p, "naming", v, NAMING_KEYS);
    if (!raw) {
        return undefined;
    }
    const before = p.list.length;
    const pattern = (name: keyof NamingScheme): string | undefined => {
        const s = readString(p, `naming.${name}`, raw[name], DEFAULT_NAMING[name]);
        if (s !== undefined && !s.includes("{n}") && !s.includes("{nn}")) {
            p.add(`naming.${name}`, s, "does not contain {n}: every lease would get the same name", `add the lease number, e.g. "${DEFAULT_NAMING[name]}"`);
            return undefined;
        }
        return s;
    };
    const clusterName = pattern("clusterName");
    if (clusterName !== undefined) {
        const sample = expandPattern(clusterName, 10);
        if (sample.includes("-")) {
            p.add(
                "naming.clusterName",
                clusterName,
                `gives cluster names with a dash (${sample}); the PR finder matches VMs by the part of the name before the first "-" (ci-contract.md sections 11, 14)`,
                'remove the dash, e.g. "ovirt{n}"',
            );
        } else if (!/^[a-z][a-z0-9]*$/.test(sample)) {
            p.add("naming.clusterName", clusterName, `gives ${JSON.stringify(sample)}, not a lowercase DNS label without "-" or ";"`, 'use lowercase letters and digits only, e.g. "ovirt{n}"');
        }
    }
    const networkName = pattern("networkName");
    if (networkName !== undefined && !OVIRT_NAME.test(expandPattern(networkName, 10))) {
        p.add("naming.networkName", networkName, "gives an invalid oVirt network name", 'use letters, digits, "_", "-", ".", e.g. "ovn-vmnet-{n}"');
    }
    const interfaceName = pattern("interfaceName");
    if (interfaceName !== undefined && !/^[a-z][a-z0-9_-]{0,10}$/.test(expandPattern(interfaceName, 10))) {
        p.add("naming.interfaceName", interfaceName, "gives an invalid Linux interface name (at most 15 characters with the lease number)", 'use a short prefix, e.g. "vmnet{n}"');
    }
    return p.list.length > before ? undefined : Object.freeze({ clusterName: clusterName!, networkName: networkName!, interfaceName: interfaceName! });
}

function validateHosts(p: Problems, v: unknown): HostSpec[] | undefined {
    v = parseJsonText(v);
    if (v === undefined || v === null) {
        p.add("hosts", v, "is required", "list the hosts: [{name, address, cpuCores, memoryGiB}, ...]");
        return undefined;
    }
    if (!Array.isArray(v) || v.length === 0) {
        p.add("hosts", v, "must be a non-empty list", "list the hosts: [{name, address, cpuCores, memoryGiB}, ...]");
        return undefined;
    }
    const before = p.list.length;
    const hosts: HostSpec[] = [];
    v.forEach((item, i) => {
        const at = `hosts[${i}]`;
        const raw = readObject(p, at, item, HOST_KEYS);
        if (!raw) {
            return;
        }
        const name = readName(p, `${at}.name`, raw.name, "host");
        const address = readString(p, `${at}.address`, raw.address);
        if (address !== undefined && !isHostOrIp(address)) {
            p.add(`${at}.address`, address, "is neither an IPv4 address nor a host name", "write the host's FQDN or IPv4 address");
        }
        const cpuCores = readInt(p, `${at}.cpuCores`, raw.cpuCores, { min: 1 });
        const memoryGiB = readInt(p, `${at}.memoryGiB`, raw.memoryGiB, { min: 1 });
        if (name !== undefined && address !== undefined && cpuCores !== undefined && memoryGiB !== undefined) {
            hosts.push(Object.freeze({ name, address, cpuCores, memoryGiB }));
        }
    });
    const seen = new Map<string, number>();
    hosts.forEach((h) => {
        for (const [field, value] of [["name", h.name], ["address", h.address.toLowerCase()]] as const) {
            const id = `${field}:${value}`;
            if (seen.has(id)) {
                p.add(`hosts[${hosts.indexOf(h)}].${field}`, value, `duplicates hosts[${seen.get(id)}].${field}`, "give every host its own name and address");
            } else {
                seen.set(id, hosts.indexOf(h));
            }
        }
    });
    return p.list.length > before ? undefined : hosts;
}

function validateFootprint(p: Problems, v: unknown): ClusterFootprint | undefined {
    const raw = readObject(p, "clusterFootprint", v, FOOTPRINT_KEYS);
    if (!raw) {
        return undefined;
    }
    const before = p.list.length;
    const get = (name: keyof ClusterFootprint) => readInt(p, `clusterFootprint.${name}`, raw[name], { dflt: DEFAULT_FOOTPRINT[name], min: 1 });
    const f = { masters: get("masters"), workers: get("workers"), vcpus: get("vcpus"), memoryMiB: get("memoryMiB") };
    return p.list.length > before ? undefined : (Object.freeze(f) as ClusterFootprint);
}

function validateProxyVm(p: Problems, v: unknown, addressing: AddressingScheme | undefined, leaseNumbers: readonly number[] | undefined): ProxyVmSettings | undefined {
    const raw = readObject(p, "proxyVm", v, PROXY_KEYS);
    if (!raw) {
        return undefined;
    }
    const before = p.list.length;
    const key = (n: string) => `proxyVm.${n}`;
    const name = readString(p, key("name"), raw.name, DEFAULT_PROXY_VM.name);
    if (name !== undefined && !(PROTECTED_VM_NAMES as readonly string[]).includes(name)) {
        p.add(key("name"), name, "is not spared by the CI cleanup job, which deletes every other VM older than 5 hours (ci-contract.md section 8)", `use "proxy-vm" (or change the upstream exclusion list first)`);
    }
    const template = readString(p, key("template"), raw.template, DEFAULT_PROXY_VM.template);
    if (template !== undefined && !(PROTECTED_TEMPLATES as readonly string[]).includes(template)) {
        p.add(key("template"), template, "would be deleted by the CI cleanup job, which spares only the templates Blank and centos-7 (ci-contract.md section 8)", 'use "centos-7" (or change the upstream exclusion list first)');
    }
    const memoryMiB = readInt(p, key("memoryMiB"), raw.memoryMiB, { dflt: DEFAULT_PROXY_VM.memoryMiB, min: 512 });
    const cpuCores = readInt(p, key("cpuCores"), raw.cpuCores, { dflt: DEFAULT_PROXY_VM.cpuCores, min: 1 });
    const managementNetwork = readName(p, key("managementNetwork"), raw.managementNetwork, "network", DEFAULT_PROXY_VM.managementNetwork);
    const externalInterface = readString(p, key("externalInterface"), raw.externalInterface, DEFAULT_PROXY_VM.externalInterface);
    if (externalInterface !== undefined && !/^[A-Za-z][A-Za-z0-9_.-]{0,14}$/.test(externalInterface)) {
        p.add(key("externalInterface"), externalInterface, "is not a Linux interface name", 'write the guest NIC name, e.g. "eth0"');
    }
    const sshUser = readString(p, key("sshUser"), raw.sshUser, DEFAULT_PROXY_VM.sshUser);
    if (sshUser !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(sshUser)) {
        p.add(key("sshUser"), sshUser, "is not a valid Linux user name", 'use e.g. "centos"');
    }
    const statsUser = readString(p, key("statsUser"), raw.statsUser, DEFAULT_PROXY_VM.statsUser);
    if (statsUser !== undefined && !/^[A-Za-z0-9_.-]{1,32}$/.test(statsUser)) {
        p.add(key("statsUser"), statsUser, "is not a simple user name (HAProxy's stats auth takes user:password unquoted)", 'use letters and digits, e.g. "admin"');
    }
    let dnsServers: string[] | undefined = [...DEFAULT_PROXY_VM.dnsServers];
    const rawDns = parseJsonText(raw.dnsServers);
    if (rawDns !== undefined) {
        if (!Array.isArray(rawDns) || rawDns.length === 0 || !rawDns.every((s) => typeof s === "string" && isIpv4(s))) {
            p.add(key("dnsServers"), rawDns, "must be a non-empty list of IPv4 addresses", 'write e.g. ["8.8.8.8"]');
            dnsServers = undefined;
        } else {
            dnsServers = rawDns as string[];
        }
    }
    let externalAddress: string | undefined;
    let externalPrefixLength: number | undefined;
    let externalGateway: string | undefined;
    if (raw.externalAddress !== undefined && raw.externalAddress !== "") {
        externalAddress = readString(p, key("externalAddress"), raw.externalAddress);
        if (externalAddress !== undefined && !isIpv4(externalAddress)) {
            p.add(key("externalAddress"), externalAddress, "is not an IPv4 address", "write the address only, e.g. 203.0.113.10, and the prefix in externalPrefixLength");
            externalAddress = undefined;
        }
        externalPrefixLength = readInt(p, key("externalPrefixLength"), raw.externalPrefixLength, { min: 1, max: 32, what: "a prefix length 1..32" });
        externalGateway = readString(p, key("externalGateway"), raw.externalGateway);
        if (externalGateway !== undefined && !isIpv4(externalGateway)) {
            p.add(key("externalGateway"), externalGateway, "is not an IPv4 address", "write the gateway of the external network");
        } else if (externalAddress && externalGateway && externalPrefixLength !== undefined) {
            const size = 2 ** (32 - externalPrefixLength);
            const toInt = (s: string) => s.split(".").reduce((a, o) => a * 256 + Number(o), 0);
            const net = toInt(externalAddress) - (toInt(externalAddress) % size);
            if (toInt(externalGateway) < net || toInt(externalGateway) >= net + size) {
                p.add(key("externalGateway"), externalGateway, `is outside the external network of ${externalAddress}/${externalPrefixLength}`, "use a gateway on the external address's network");
            }
        }
        if (externalAddress && addressing && leaseNumbers) {
            const machine = parseIpv4Cidr(addressing.machineNetworkCidr);
            if (machine && cidrContains(machine, externalAddress)) {
                p.add(key("externalAddress"), externalAddress, `lies inside the lease machine network ${addressing.machineNetworkCidr}`, "use an address outside the lease networks");
            }
        }
    } else if (raw.externalPrefixLength !== undefined || raw.externalGateway !== undefined) {
        p.add(key("externalAddress"), raw.externalAddress, "is missing while externalPrefixLength/externalGateway are set", "set externalAddress too, or remove the other two for DHCP");
    }
    const rootDir = readString(p, key("rootDir"), raw.rootDir, DEFAULT_PROXY_VM.rootDir);
    if (rootDir !== undefined && (!/^\/[A-Za-z0-9_.\/-]*$/.test(rootDir) || /(^|\/)\.\.?(\/|$)/.test(rootDir) || (rootDir !== "/" && rootDir.endsWith("/")))) {
        p.add(key("rootDir"), rootDir, "is not an absolute directory path of letters, digits, '_', '.', '-' and '/' (no trailing '/', no '.' or '..' parts)", 'use "/" for the real VM, or a sandbox directory such as "/tmp/ovirt-ci-proxy"');
    }
    const serviceMode = readString(p, key("serviceMode"), raw.serviceMode, DEFAULT_PROXY_VM.serviceMode);
    if (serviceMode !== undefined && serviceMode !== "systemd" && serviceMode !== "local") {
        p.add(key("serviceMode"), serviceMode, 'must be "systemd" (the real proxy VM) or "local" (a sandbox: plain processes, loopback ports)', 'use "systemd" or "local"');
    }
    if (serviceMode === "local" && rootDir === "/") {
        p.add(key("rootDir"), rootDir, 'is "/" while serviceMode is "local": a sandbox would write into the target\'s /etc', 'set rootDir to a sandbox directory, e.g. "/tmp/ovirt-ci-proxy"');
    }
    const localDnsPort = readInt(p, key("localDnsPort"), raw.localDnsPort, { dflt: DEFAULT_PROXY_VM.localDnsPort, min: 1024, max: 65535, what: "an unprivileged port 1024..65535" });
    if (localDnsPort !== undefined && leaseNumbers && leaseNumbers.length > 0 && localDnsPort + Math.max(...leaseNumbers) > 65535) {
        p.add(key("localDnsPort"), localDnsPort, `plus the highest lease number ${Math.max(...leaseNumbers)} exceeds 65535 (lease N listens on localDnsPort + N)`, "use a lower base port, e.g. 15300");
    }
    let localHaproxyPorts: LocalHaproxyPorts | undefined;
    const rawPorts = readObject(p, key("localHaproxyPorts"), raw.localHaproxyPorts, Object.keys(DEFAULT_PROXY_VM.localHaproxyPorts));
    if (rawPorts) {
        const port = (n: keyof LocalHaproxyPorts) =>
            readInt(p, key(`localHaproxyPorts.${n}`), rawPorts[n], { dflt: DEFAULT_PROXY_VM.localHaproxyPorts[n], min: 1024, max: 65535, what: "an unprivileged port 1024..65535" });
        const ports = { api: port("api"), https: port("https"), http: port("http"), stats: port("stats") };
        const values = Object.values(ports);
        if (values.every((v) => v !== undefined)) {
            if (new Set(values).size !== values.length) {
                p.add(key("localHaproxyPorts"), ports, "uses one port twice", "give api, https, http and stats distinct ports");
            } else {
                localHaproxyPorts = Object.freeze(ports as LocalHaproxyPorts);
            }
        }
    }
    let connection: ProxyConnectionSettings | undefined;
    if (raw.connection !== undefined && raw.connection !== null) {
        const rawConn = readObject(p, key("connection"), raw.connection, ["host", "port", "user"]);
        if (rawConn) {
            const host = rawConn.host === undefined ? undefined : readString(p, key("connection.host"), rawConn.host);
            if (host !== undefined && !isHostOrIp(host)) {
                p.add(key("connection.host"), host, "is neither an IPv4 address nor a host name", "write the SSH target's address, e.g. 127.0.0.1 for a local sandbox");
            }
            const port = rawConn.port === undefined ? undefined : readInt(p, key("connection.port"), rawConn.port, { min: 1, max: 65535, what: "a TCP port 1..65535" });
            const user = rawConn.user === undefined ? undefined : readString(p, key("connection.user"), rawConn.user);
            if (user !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) {
                p.add(key("connection.user"), user, "is not a valid Linux user name", 'use e.g. "root"');
            }
            connection = Object.freeze({ ...(host === undefined ? {} : { host }), ...(port === undefined ? {} : { port }), ...(user === undefined ? {} : { user }) });
        }
    }
    if (p.list.length > before) {
        return undefined;
    }
    return Object.freeze({
        name: name!,
        template: template!,
        memoryMiB: memoryMiB!,
        cpuCores: cpuCores!,
        managementNetwork: managementNetwork!,
        externalInterface: externalInterface!,
        dnsServers: Object.freeze(dnsServers!),
        sshUser: sshUser!,
        statsUser: statsUser!,
        rootDir: rootDir!,
        serviceMode: serviceMode as ProxyServiceMode,
        localDnsPort: localDnsPort!,
        localHaproxyPorts: localHaproxyPorts!,
        ...(connection === undefined ? {} : { connection }),
        ...(externalAddress === undefined ? {} : { externalAddress, externalPrefixLength, externalGateway }),
    });
}

function validateUpgradeStorage(p: Problems, v: unknown, hasUpgradeLeases: boolean): UpgradeStorageSettings | undefined {
    const raw = readObject(p, "upgradeStorage", v, UPGRADE_STORAGE_KEYS);
    if (!raw) {
        return undefined;
    }
    const before = p.list.length;
    let nfsServer = "";
    if (raw.nfsServer !== undefined || hasUpgradeLeases) {
        const s = readString(p, "upgradeStorage.nfsServer", raw.nfsServer);
        if (s !== undefined && !isHostOrIp(s)) {
            p.add("upgradeStorage.nfsServer", s, "is neither an IPv4 address nor a host name", "write the NFS server's FQDN or address, without a path");
        }
        nfsServer = s ?? "";
    }
    const pattern = (name: "exportPathPattern" | "storageDomainNamePattern"): string | undefined => {
        const s = readString(p, `upgradeStorage.${name}`, raw[name], DEFAULT_UPGRADE_STORAGE[name]);
        if (s !== undefined && !s.includes("{n}") && !s.includes("{nn}")) {
            p.add(`upgradeStorage.${name}`, s, "does not contain {n}: every upgrade lease would share it", `add the lease number, e.g. "${DEFAULT_UPGRADE_STORAGE[name]}"`);
            return undefined;
        }
        return s;
    };
    const exportPathPattern = pattern("exportPathPattern");
    if (exportPathPattern !== undefined && (!exportPathPattern.startsWith("/") || exportPathPattern.endsWith("/") || /\s|:/.test(exportPathPattern))) {
        p.add("upgradeStorage.exportPathPattern", exportPathPattern, "is not an absolute export path (starts with /, no trailing /, no spaces or colons)", 'write e.g. "/exports/ovirt-upgrade-{n}"');
    }
    const storageDomainNamePattern = pattern("storageDomainNamePattern");
    if (storageDomainNamePattern !== undefined && !OVIRT_NAME.test(expandPattern(storageDomainNamePattern, 1))) {
        p.add("upgradeStorage.storageDomainNamePattern", storageDomainNamePattern, "gives an invalid storage domain name", 'use letters, digits, "_", "-", ".", e.g. "ovirt-upgrade-{n}"');
    }
    const nfsVersion = readString(p, "upgradeStorage.nfsVersion", raw.nfsVersion, DEFAULT_UPGRADE_STORAGE.nfsVersion);
    const versions = ["auto", "v3", "v4", "v4_0", "v4_1", "v4_2"];
    if (nfsVersion !== undefined && !versions.includes(nfsVersion)) {
        p.add("upgradeStorage.nfsVersion", nfsVersion, "is not an oVirt NFS version", `use one of ${versions.join(", ")}`);
    }
    return p.list.length > before
        ? undefined
        : Object.freeze({ nfsServer, exportPathPattern: exportPathPattern!, storageDomainNamePattern: storageDomainNamePattern!, nfsVersion: nfsVersion! });
}

function validateVault(p: Problems, v: unknown): VaultSettings | undefined {
    const raw = readObject(p, "vault", v, VAULT_KEYS);
    if (!raw) {
        return undefined;
    }
    const before = p.list.length;
    const mount = readString(p, "vault.mount", raw.mount, DEFAULT_VAULT.mount);
    if (mount !== undefined && !/^[A-Za-z0-9_-]+$/.test(mount)) {
        p.add("vault.mount", mount, "is not a single mount name (no slashes)", 'use "kv"');
    }
    const path = readString(p, "vault.path", raw.path, DEFAULT_VAULT.path);
    if (path !== undefined && (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(path) || path.startsWith("data/"))) {
        p.add("vault.path", path, "is not a KV v2 item path relative to the mount (no leading or trailing slash, no data/ prefix)", `use "${DEFAULT_VAULT.path}"`);
    }
    const targetNamespace = readString(p, "vault.targetNamespace", raw.targetNamespace, DEFAULT_VAULT.targetNamespace);
    if (targetNamespace !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(,[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(targetNamespace)) {
        p.add("vault.targetNamespace", targetNamespace, "is not a namespace or comma-separated list of namespaces", 'use "ci"');
    }
    const targetName = readString(p, "vault.targetName", raw.targetName, DEFAULT_VAULT.targetName);
    if (targetName !== undefined && !/^cluster-secrets-[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(targetName)) {
        p.add("vault.targetName", targetName, "must be cluster-secrets-<profile> (ci-contract.md section 2.1)", `use "${DEFAULT_VAULT.targetName}"`);
    }
    const targetClusters = readString(p, "vault.targetClusters", raw.targetClusters, DEFAULT_VAULT.targetClusters);
    if (targetClusters && !/^[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*$/.test(targetClusters)) {
        p.add("vault.targetClusters", targetClusters, "is not a comma-separated list of build cluster names", 'write e.g. "build01,build02", or leave it empty for all clusters');
    }
    return p.list.length > before
        ? undefined
        : Object.freeze({ mount: mount!, path: path!, targetNamespace: targetNamespace!, targetName: targetName!, targetClusters: targetClusters! });
}

function validateCiProfile(p: Problems, v: unknown): CiProfileSettings | undefined {
    const raw = readObject(p, "ciProfile", v, CI_PROFILE_KEYS);
    if (!raw) {
        return undefined;
    }
    return Object.freeze({
        ovirtConfClusterId: readBool(p, "ciProfile.ovirtConfClusterId", raw.ovirtConfClusterId, DEFAULT_CI_PROFILE.ovirtConfClusterId),
        ovirtConfStorageDomainId: readBool(p, "ciProfile.ovirtConfStorageDomainId", raw.ovirtConfStorageDomainId, DEFAULT_CI_PROFILE.ovirtConfStorageDomainId),
        pullSecret: readBool(p, "ciProfile.pullSecret", raw.pullSecret, DEFAULT_CI_PROFILE.pullSecret),
    });
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
    p.unknownKeys("", values, CONFIG_KEYS.map((s) => s.key));

    const engineAllowHttp = readBool(p, "engineAllowHttp", values.engineAllowHttp, false);
    const engineUrl = validateEngineUrl(p, values.engineUrl, engineAllowHttp);
    const engineUsername = readString(p, "engineUsername", values.engineUsername, "admin@internal");
    if (engineUsername !== undefined && !/^[^@\s]+@[^@\s]+$/.test(engineUsername)) {
        p.add("engineUsername", engineUsername, "must be user@domain (the engine's profile suffix)", 'write e.g. "admin@internal"');
    }
    const engineInsecure = readBool(p, "engineInsecure", values.engineInsecure, false);
    const caPem = readString(p, "engineCaPem", values.engineCaPem, "");
    if (caPem && !/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(caPem)) {
        p.add("engineCaPem", `${caPem.slice(0, 40)}…`, "is not a PEM certificate", "paste the engine CA from https://<engine>/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA");
    }
    if (caPem && engineInsecure) {
        p.add("engineInsecure", true, "contradicts engineCaPem (a CA is given, yet verification is off)", "set engineInsecure: false, or drop engineCaPem");
    }
    const baseDomain = readString(p, "baseDomain", values.baseDomain);
    if (baseDomain !== undefined && !DNS_NAME.test(baseDomain)) {
        p.add("baseDomain", baseDomain, "is not a lowercase DNS domain (no trailing dot, no scheme)", 'write e.g. "gcp.devcluster.openshift.com"');
    }
    const dataCenter = readName(p, "dataCenter", values.dataCenter, "data center");
    const cluster = readName(p, "cluster", values.cluster, "cluster");
    const mainStorageDomain = readName(p, "mainStorageDomain", values.mainStorageDomain, "storage domain");
    const ovnProviderName = readString(p, "ovnProviderName", values.ovnProviderName, "ovirt-provider-ovn");
    if (ovnProviderName !== undefined && !ovnProviderName.trim()) {
        p.add("ovnProviderName", ovnProviderName, "is empty", 'use "ovirt-provider-ovn"');
    }

    const addressing = validateAddressing(p, values.addressing);
    const naming = validateNaming(p, values.naming);
    const leaseNumbers = readLeaseSet(p, "leases", values.leases, false);
    const upgradeLeaseNumbers = readLeaseSet(p, "upgradeLeases", values.upgradeLeases ?? [], true);
    if (addressing && leaseNumbers) {
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
                    p.add("addressing.machineNetworkCidr", addressing.machineNetworkCidr, `does not contain lease ovirt-${n}'s subnet ${subnet.cidr}`, "use a machine network that covers every lease subnet, e.g. 192.168.0.0/16");
                }
            }
        }
    }

    const hosts = validateHosts(p, values.hosts);
    const clusterFootprint = validateFootprint(p, values.clusterFootprint);
    const memoryOvercommitPercent = readInt(p, "memoryOvercommitPercent", values.memoryOvercommitPercent, { dflt: 150, min: 1, max: 1000 });
    const cpuOvercommitPercent = readInt(p, "cpuOvercommitPercent", values.cpuOvercommitPercent, { dflt: 100, min: 1, max: 10000 });
    const capacityOverride = readBool(p, "capacityOverride", values.capacityOverride, false);
    const removeLeasesInUse = readRemoveLeasesInUse(p, values.removeLeasesInUse, leaseNumbers);
    const proxyVm = validateProxyVm(p, values.proxyVm, addressing, leaseNumbers);
    const upgradeStorage = validateUpgradeStorage(p, values.upgradeStorage, (upgradeLeaseNumbers?.length ?? 0) > 0);
    const vault = validateVault(p, values.vault);
    const ciProfile = validateCiProfile(p, values.ciProfile);
    const clusterbotPoolSize = readInt(p, "clusterbotPoolSize", values.clusterbotPoolSize, { dflt: 3, min: 1 });

    let capacity: CapacityReport | undefined;
    if (hosts && clusterFootprint && leaseNumbers && memoryOvercommitPercent && cpuOvercommitPercent) {
        capacity = checkCapacity({
            hosts,
            footprint: clusterFootprint,
            leaseCount: leaseNumbers.length,
            memoryOvercommitPercent,
            cpuOvercommitPercent,
            reservedMemoryMiB: proxyVm?.memoryMiB ?? 0,
            reservedVcpus: proxyVm?.cpuCores ?? 0,
        });
        if (!capacity.fits && !capacityOverride) {
            p.add(
                "leases",
                values.leases,
                `are more than the hosts can hold: ${capacity.summary}`,
                `reduce the leases to at most ${capacity.maxLeases}, add hosts, raise memoryOvercommitPercent, or set capacityOverride: true`,
            );
        }
    }

    if (p.list.length > 0) {
        throw new ConfigError(p.list);
    }
    return Object.freeze({
        engineUrl: engineUrl!,
        engineUsername: engineUsername!,
        ...(caPem ? { engineCaPem: caPem } : {}),
        engineInsecure,
        engineAllowHttp,
        baseDomain: baseDomain!,
        dataCenter: dataCenter!,
        cluster: cluster!,
        mainStorageDomain: mainStorageDomain!,
        ovnProviderName: ovnProviderName!,
        leases: Object.freeze(leaseNumbers!),
        upgradeLeases: Object.freeze(upgradeLeaseNumbers!),
        addressing: addressing!,
        naming: naming!,
        hosts: Object.freeze(hosts!),
        clusterFootprint: clusterFootprint!,
        memoryOvercommitPercent: memoryOvercommitPercent!,
        cpuOvercommitPercent: cpuOvercommitPercent!,
        capacityOverride,
        removeLeasesInUse: Object.freeze(removeLeasesInUse ?? []),
        proxyVm: proxyVm!,
        upgradeStorage: upgradeStorage!,
        vault: vault!,
        ciProfile: ciProfile!,
        clusterbotPoolSize: clusterbotPoolSize!,
        capacity: capacity!,
    });
}

/** How a secret value is shown in a problem: never the value, only its kind and length. */
function secretShape(v: string): string {
    return `[secret, ${v.length} characters${/[\r\n]/.test(v) ? ", with line breaks" : ""}]`;
}

const SSH_PUBLIC_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const SSH_PRIVATE_KEY = /^-----BEGIN (OPENSSH|RSA|EC|DSA)? ?PRIVATE KEY-----\r?\n[\s\S]+\n-----END (OPENSSH|RSA|EC|DSA)? ?PRIVATE KEY-----\s*$/;

/**
 * Validates the secret values (present ones; missing ones are reported by the caller). Problems never carry the
 * value, only {@link secretShape}. A public key must be one line (a line break would add a second, unreviewed key to
 * the proxy VM's and the clusters' authorized_keys), the private key a PEM/OpenSSH block, the pull secret JSON with
 * an `auths` map (the installer's format), the engine password free of control characters.
 */
export function validateSecretValues(values: Record<string, unknown>, wantPullSecret = true): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    const add = (key: string, v: string, problem: string, fix: string) => out.push({ key, value: secretShape(v), problem, fix });
    const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : values[k] === undefined ? undefined : String(values[k]));
    const pw = str("enginePassword");
    if (pw !== undefined) {
        if (pw === "") add("enginePassword", pw, "is empty", "run: pulumi config set --secret enginePassword (it prompts)");
        // eslint-disable-next-line no-control-regex
        else if (/[\x00-\x1f\x7f]/.test(pw)) add("enginePassword", pw, "contains a control character (line break, tab, NUL, ...), which no engine login accepts", "set it again without the trailing newline: pulumi config set --secret enginePassword (it prompts)");
    }
    const pub = str("sshPublicKey");
    if (pub !== undefined && !SSH_PUBLIC_KEY.test(pub.replace(/\r?\n$/, ""))) {
        add("sshPublicKey", pub, "is not one OpenSSH public key line (type, base64 key, optional comment; a line break would authorize a second key)", "run: pulumi config set --secret sshPublicKey < id_ed25519.pub");
    }
    const priv = str("sshPrivateKey");
    if (priv !== undefined && !SSH_PRIVATE_KEY.test(priv)) {
        add("sshPrivateKey", priv, "is not a PEM or OpenSSH private key block (-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----)", "run: pulumi config set --secret sshPrivateKey < id_ed25519");
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
            add("pullSecret", ps, 'is not a pull secret: JSON of the form {"auths": {"<registry>": {"auth": "..."}}}', "run: pulumi config set --secret pullSecret < pull-secret.json (the file from console.redhat.com)");
        }
    }
    return out;
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
            if (!SECRET_KEYS.has(key)) {
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
        problems = [...e.problems];
    }
    const wantPullSecret = settings?.ciProfile.pullSecret ?? true;
    for (const spec of CONFIG_KEYS.filter((s) => s.secret)) {
        const needed = spec.key === "pullSecret" ? wantPullSecret : spec.required;
        if (needed && !present.has(spec.key)) {
            problems.push({ key: spec.key, value: undefined, problem: "is required (secret)", fix: `run: pulumi config set --secret ${spec.key} <value>` });
        }
    }
    problems.push(...validateSecretValues(secretValues, wantPullSecret));
    if (problems.length > 0 || !settings) {
        throw new ConfigError(problems);
    }
    if (!settings.capacity.fits) {
        pulumi.log.warn(`capacityOverride is set; the leases do not fit: ${settings.capacity.summary}`);
    }
    if (settings.engineInsecure) {
        // every run, not only when a provider happens to talk to the engine (a no-change up makes no engine call)
        pulumi.log.warn(`engineInsecure is true: TLS certificate verification of the oVirt engine ${settings.engineUrl} is DISABLED. Set ovirt-ci:engineCaPem to the engine CA and remove engineInsecure.`);
    }
    return Object.freeze({
        ...settings,
        secrets: Object.freeze({
            enginePassword: cfg.requireSecret("enginePassword"),
            sshPublicKey: cfg.requireSecret("sshPublicKey"),
            sshPrivateKey: cfg.requireSecret("sshPrivateKey"),
            ...(settings.ciProfile.pullSecret ? { pullSecret: cfg.requireSecret("pullSecret") } : {}),
        }),
    });
}
