// Vm (docs/engine-api.md 5.7): from a template, with cloud-init, memory and CPU, high availability, delete protection;
// started and waited for `up`; reports the guest agent's IP addresses (bounded wait).
// delete: drop delete protection if set, stop, wait down, remove.
import * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, eventMarker, latestEvents, Session, timeoutMs, waitFor, waitGone } from "./client";
import { CheckFailure, compact, hasUnknown } from "./common";
import {
    ArgsOf,
    InputsOf,
    KindProvider,
    StateOf,
    defineKind,
    is,
    optional,
    output,
    required,
    resourceClass,
} from "./kind";
import { decodeBool, decodeInt, decodeList, decodeString, MiB, refId, searchQuote } from "./representation";

export const VM_PROVIDER_VERSION = 1;
const DEFAULT_TIMEOUT_S = 600;
const DEFAULT_IP_WAIT_S = 120;

/**
 * `bios.type` values of the engine (ovirt-engine common/…/businessentities/BiosType.java, ovirt-engine-api-model
 * BiosType). A Q35 VM takes at most 8 NICs (emulator/model/vm.ts Q35_MAX_NICS); i440fx_sea_bios takes more.
 */
export const BIOS_TYPES = [
    "cluster_default",
    "i440fx_sea_bios",
    "q35_sea_bios",
    "q35_ovmf",
    "q35_secure_boot",
] as const;
export type BiosType = (typeof BIOS_TYPES)[number];

export interface NicConfiguration {
    /** Guest interface name, e.g. eth0. */
    name: string;
    bootProtocol: "static" | "dhcp" | "none";
    /** Static IPv4 address, netmask and gateway (bootProtocol static). */
    address?: string;
    netmask?: string;
    gateway?: string;
    onBoot?: boolean;
}

/** Cloud-init data, applied by the engine on the VM's first run. No passwords: use SSH keys. */
export interface CloudInit {
    hostName?: string;
    userName?: string;
    /** Authorized SSH public keys, one per line. */
    authorizedSshKeys?: string;
    customScript?: string;
    dnsServers?: string[];
    nicConfigurations?: NicConfiguration[];
}

/** A VM's fields; replaced (delete first) on name, cluster, template, OS or cloud-init change. */
export const VM = defineKind({
    kind: "Vm",
    providerVersion: VM_PROVIDER_VERSION,
    deleteBeforeReplace: true,
    inputs: {
        name: required("replace", is.name(64)),
        clusterId: required("replace", is.id),
        /** Template id (`lookupTemplate`); Blank is 00000000-0000-0000-0000-000000000000. Replaces on change. */
        templateId: required("replace", is.id),
        /** Memory in MiB (default: the template's). A running VM is never restarted: see {@link planHardware}. */
        memoryMiB: optional("update", is.int(128, 16 * 1024 * 1024)),
        /** Virtual CPUs (new VMs: one core per socket, so CPUs hot plug by sockets). Never restarts a running VM. */
        cpuCores: optional("update", is.int(1, 256)),
        /**
         * BIOS type (BIOS_TYPES; default: not managed, the cluster's). Set on create; an existing VM with another
         * type is refused, never stopped: the engine applies a BIOS type only on the VM's next start.
         */
        biosType: optional("update", (n, f, fl) =>
            n[f] === undefined ? undefined : is.oneOf(BIOS_TYPES, "cluster_default")(n, f, fl),
        ),
        /** Guest OS type, e.g. rhel_9x64, rhcos_x64. Replaces on change. */
        osType: optional("replace", is.optText),
        highAvailability: optional("update", is.bool(false)),
        deleteProtected: optional("update", is.bool(false)),
        description: optional("update", is.optText),
        /** Cloud-init (first run). Replaces on change: the engine applies it once. */
        cloudInit: optional("replace", (n, f, failures) => checkCloudInit(n[f], failures)),
        /** Keep the VM running (default true). false stops it. */
        started: optional("update", is.bool(true)),
        /** Overall wait for status changes (default 600 s or ovirt-ci:engineTimeoutSeconds). */
        timeoutSeconds: optional("update", is.timeout),
        /** How long create waits for the guest agent to report IP addresses (default 120 s; 0 = do not wait; no wait
         * when the VM has no NIC yet). Never fails: a later refresh picks the addresses up. */
        ipWaitSeconds: optional("update", is.intOr(0, 3600, DEFAULT_IP_WAIT_S)),
    },
    outputs: {
        status: output<string>(),
        /** Addresses the guest agent reports (empty until it does). */
        ipAddresses: output<string[]>(),
        hostId: output<string | undefined>(),
        adopted: output<boolean>(),
    },
});

export type VmArgs = ArgsOf<typeof VM>;
export type VmInputs = InputsOf<typeof VM>;
export type VmState = StateOf<typeof VM>;

const RUNNING = ["up", "powering_up", "wait_for_launch", "migrating", "reboot_in_progress", "restoring_state"];
const REMOVABLE = ["down", "unassigned", "image_illegal"];

export function reportedIps(vm: Record<string, unknown>): string[] {
    const devices = decodeList(vm.reported_devices, "reported_device");
    const ips: string[] = [];
    for (const d of devices) for (const ip of decodeList(d.ips, "ip")) if (ip.address) ips.push(String(ip.address));
    return ips;
}

/**
 * `configured`: the next-run configuration when one is pending (`GET /vms/{id}?next_run=true`): memory and CPUs are
 * reported as configured, so a change waiting for the next start is not drift on every refresh.
 */
function toState(
    vm: Record<string, unknown>,
    inputs: VmInputs,
    adopted: boolean,
    ips: string[],
    configured: Record<string, unknown> = vm,
): VmState {
    const hw = hardwareOf(configured);
    const ha = (vm.high_availability ?? {}) as Record<string, unknown>;
    const status = String(vm.status ?? "unknown");
    return {
        name: String(vm.name),
        clusterId: refId(vm.cluster) ?? inputs.clusterId,
        templateId: refId(vm.template) ?? inputs.templateId,
        memoryMiB: inputs.memoryMiB === undefined ? undefined : hw.memoryMiB,
        cpuCores: inputs.cpuCores === undefined ? undefined : hw.sockets * hw.cores * hw.threads,
        osType: inputs.osType === undefined ? undefined : decodeString(((vm.os ?? {}) as Record<string, unknown>).type),
        biosType: inputs.biosType === undefined ? undefined : (biosTypeOf(vm) as BiosType),
        highAvailability: decodeBool(ha.enabled),
        deleteProtected: decodeBool(vm.delete_protected),
        description: inputs.description === undefined ? undefined : (decodeString(vm.description) ?? ""),
        cloudInit: inputs.cloudInit,
        started: RUNNING.includes(status),
        timeoutSeconds: inputs.timeoutSeconds,
        ipWaitSeconds: inputs.ipWaitSeconds,
        status,
        ipAddresses: ips,
        hostId: refId(vm.host),
        adopted,
        providerVersion: VM_PROVIDER_VERSION,
    };
}

/** The VM's `bios.type` as the engine reports it. */
export function biosTypeOf(vm: Record<string, unknown>): string {
    return decodeString(((vm.bios ?? {}) as Record<string, unknown>).type) ?? "cluster_default";
}

function initializationBody(ci: CloudInit): Record<string, unknown> {
    const init: Record<string, unknown> = {};
    if (ci.hostName) init.host_name = ci.hostName;
    if (ci.userName) init.user_name = ci.userName;
    if (ci.authorizedSshKeys) init.authorized_ssh_keys = ci.authorizedSshKeys;
    if (ci.customScript) init.custom_script = ci.customScript;
    if (ci.dnsServers?.length) init.dns_servers = ci.dnsServers.join(" ");
    if (ci.nicConfigurations?.length) {
        init.nic_configurations = {
            nic_configuration: ci.nicConfigurations.map((n) => ({
                name: n.name,
                on_boot: n.onBoot === false ? "false" : "true",
                boot_protocol: n.bootProtocol,
                ...(n.bootProtocol === "static"
                    ? {
                          ip: {
                              address: n.address,
                              netmask: n.netmask,
                              ...(n.gateway ? { gateway: n.gateway } : {}),
                              version: "v4",
                          },
                      }
                    : {}),
            })),
        };
    }
    return init;
}

/**
 * Memory added to a running x86 VM must be a multiple of this (ovirt-engine common/…/ArchitectureType.java
 * HOTPLUG_MEMORY_FACTOR_X86_MB, checked in bll/UpdateVmCommand.java validate).
 */
export const HOTPLUG_MEMORY_FACTOR_MIB = 128;
/** Max memory (the hot plug ceiling) = 4 × memory, the engine's own default (VmCommonUtils.getMaxMemorySizeDefault). */
export const MAX_MEMORY_RATIO = 4;

function memoryBody(mib: number): Record<string, unknown> {
    const bytes = String(mib * MiB);
    return { memory: bytes, memory_policy: { guaranteed: bytes, max: String(mib * MAX_MEMORY_RATIO * MiB) } };
}

/** N CPUs as N sockets of one core: the engine hot plugs CPUs only by sockets (VmCommonUtils.cpuSocketsChanged). */
function cpuBody(cpus: number): Record<string, unknown> {
    return { cpu: { topology: { sockets: String(cpus), cores: "1", threads: "1" } } };
}

/** A VM's hardware as the engine reports it (current configuration). */
export interface Hardware {
    readonly memoryMiB: number;
    readonly maxMemoryMiB: number;
    readonly sockets: number;
    readonly cores: number;
    readonly threads: number;
}

/** How a memory/CPU change is applied: `live` (PUT now), `nextRun` (PUT ?next_run=true), and what to tell the operator. */
export interface HardwarePlan {
    readonly live: Record<string, unknown>;
    readonly nextRun: Record<string, unknown>;
    readonly notes: string[];
}

export function hardwareOf(vm: Record<string, unknown>): Hardware {
    const topo = ((vm.cpu ?? {}) as Record<string, unknown>).topology as Record<string, unknown> | undefined;
    const policy = (vm.memory_policy ?? {}) as Record<string, unknown>;
    const memoryMiB = Math.round(decodeInt(vm.memory) / MiB);
    return {
        memoryMiB,
        maxMemoryMiB: policy.max === undefined ? memoryMiB : Math.round(decodeInt(policy.max) / MiB),
        sockets: decodeInt(topo?.sockets, 1),
        cores: decodeInt(topo?.cores, 1),
        threads: decodeInt(topo?.threads, 1),
    };
}

/**
 * How the engine lets a memory or CPU change reach a VM without a stop (bll/UpdateVmCommand.java, ovirt-engine
 * 0111fc6). A VM that is down takes the change at once. On a running VM:
 * - memory up by a multiple of {@link HOTPLUG_MEMORY_FACTOR_MIB} and not above its max memory is hot plugged
 *   (`updateCurrentMemory` → HotSetAmountOfMemory), unless a next-run configuration is pending (the engine then refuses
 *   a hot change: HOT_CHANGE_MEMORY_WITH_NEXT_RUN);
 * - more CPUs, a multiple of the cores × threads per socket, are hot set by sockets (`hotSetCpus`, only when cores and
 *   threads per socket stay); fewer CPUs wait for the next run (the engine would hot unplug them, which the guest may
 *   refuse or hold up);
 * - anything else (less memory, beyond max memory, another topology) goes to the next-run configuration
 *   (`PUT /vms/{id}?next_run=true`, restapi BackendVmResource.java → `applyChangesLater`): the VM keeps running and
 *   takes it at its next start. Never a stop.
 */
export function planHardware(
    cur: Hardware,
    running: boolean,
    nextRunPending: boolean,
    want: { memoryMiB?: number; cpus?: number },
): HardwarePlan {
    const live: Record<string, unknown> = {};
    const nextRun: Record<string, unknown> = {};
    const notes: string[] = [];
    const cpus = cur.sockets * cur.cores * cur.threads;
    if (want.memoryMiB !== undefined && want.memoryMiB !== cur.memoryMiB) {
        const change = `memory ${cur.memoryMiB} → ${want.memoryMiB} MiB`;
        const added = want.memoryMiB - cur.memoryMiB;
        if (!running) {
            Object.assign(live, memoryBody(want.memoryMiB));
            notes.push(`${change}: applied now (the VM is not running)`);
        } else if (
            added > 0 &&
            added % HOTPLUG_MEMORY_FACTOR_MIB === 0 &&
            want.memoryMiB <= cur.maxMemoryMiB &&
            !nextRunPending
        ) {
            live.memory = String(want.memoryMiB * MiB);
            notes.push(`${change}: hot plugged, no restart`);
        } else {
            Object.assign(nextRun, memoryBody(want.memoryMiB));
            const why =
                added < 0
                    ? "memory is not hot unplugged"
                    : added % HOTPLUG_MEMORY_FACTOR_MIB !== 0
                      ? `the increase is not a multiple of ${HOTPLUG_MEMORY_FACTOR_MIB} MiB`
                      : want.memoryMiB > cur.maxMemoryMiB
                        ? `above the VM's max memory ${cur.maxMemoryMiB} MiB`
                        : "a next-run configuration is pending";
            notes.push(`${change}: applied on next run (${why}; the VM keeps running until its next start)`);
        }
    }
    if (want.cpus !== undefined && want.cpus !== cpus) {
        const change = `CPUs ${cpus} → ${want.cpus}`;
        const perSocket = cur.cores * cur.threads;
        if (!running) {
            Object.assign(live, cpuBody(want.cpus));
            notes.push(`${change}: applied now (the VM is not running)`);
        } else if (want.cpus > cpus && want.cpus % perSocket === 0) {
            live.cpu = {
                topology: {
                    sockets: String(want.cpus / perSocket),
                    cores: String(cur.cores),
                    threads: String(cur.threads),
                },
            };
            notes.push(`${change}: hot plugged by sockets, no restart`);
        } else {
            Object.assign(nextRun, cpuBody(want.cpus));
            const why =
                want.cpus < cpus
                    ? "CPUs are not hot unplugged from a running guest"
                    : `not a multiple of the ${perSocket} cores per socket`;
            notes.push(`${change}: applied on next run (${why}; the VM keeps running until its next start)`);
        }
    }
    return { live, nextRun, notes };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function checkCloudInit(v: unknown, failures: CheckFailure[]): CloudInit | undefined {
    if (v === undefined || v === null) return undefined;
    if (hasUnknown(v)) return v as CloudInit; // preview with computed values: checked again before create
    if (typeof v !== "object" || Array.isArray(v)) {
        failures.push({
            property: "cloudInit",
            reason: "cloudInit must be an object {hostName, userName, authorizedSshKeys, customScript, dnsServers, nicConfigurations}",
        });
        return undefined;
    }
    const c = v as Record<string, unknown>;
    const known = ["hostName", "userName", "authorizedSshKeys", "customScript", "dnsServers", "nicConfigurations"];
    for (const k of Object.keys(c)) {
        if (!known.includes(k)) {
            failures.push({
                property: `cloudInit.${k}`,
                reason:
                    `unknown cloudInit field ${k}` +
                    (/pass/i.test(k)
                        ? " (passwords are not accepted as resource inputs: use authorizedSshKeys)"
                        : `; known: ${known.join(", ")}`),
            });
        }
    }
    const out: CloudInit = {};
    for (const k of ["hostName", "userName", "authorizedSshKeys", "customScript"] as const) {
        if (c[k] === undefined) continue;
        if (typeof c[k] !== "string")
            failures.push({ property: `cloudInit.${k}`, reason: `cloudInit.${k} must be a string` });
        else out[k] = c[k] as string;
    }
    if (c.dnsServers !== undefined) {
        if (!Array.isArray(c.dnsServers) || c.dnsServers.some((d) => typeof d !== "string" || !IPV4.test(d))) {
            failures.push({
                property: "cloudInit.dnsServers",
                reason: "cloudInit.dnsServers must be a list of IPv4 addresses",
            });
        } else out.dnsServers = c.dnsServers as string[];
    }
    if (c.nicConfigurations !== undefined) {
        if (!Array.isArray(c.nicConfigurations)) {
            failures.push({
                property: "cloudInit.nicConfigurations",
                reason: "cloudInit.nicConfigurations must be a list",
            });
        } else {
            out.nicConfigurations = c.nicConfigurations.map((raw, i) => {
                const n = (raw ?? {}) as Record<string, unknown>;
                const p = `cloudInit.nicConfigurations[${i}]`;
                const bp = n.bootProtocol ?? (n.address ? "static" : "dhcp");
                if (typeof n.name !== "string" || !n.name)
                    failures.push({
                        property: `${p}.name`,
                        reason: `${p}.name is required (the guest interface, e.g. eth0)`,
                    });
                if (!["static", "dhcp", "none"].includes(String(bp)))
                    failures.push({
                        property: `${p}.bootProtocol`,
                        reason: `${p}.bootProtocol must be static, dhcp or none`,
                    });
                if (bp === "static") {
                    for (const f of ["address", "netmask"] as const) {
                        if (typeof n[f] !== "string" || !IPV4.test(n[f] as string))
                            failures.push({
                                property: `${p}.${f}`,
                                reason: `${p}.${f} must be an IPv4 address for a static configuration, got ${JSON.stringify(n[f])}`,
                            });
                    }
                    if (n.gateway !== undefined && (typeof n.gateway !== "string" || !IPV4.test(n.gateway)))
                        failures.push({ property: `${p}.gateway`, reason: `${p}.gateway must be an IPv4 address` });
                }
                const r: NicConfiguration = {
                    name: String(n.name ?? ""),
                    bootProtocol: bp as NicConfiguration["bootProtocol"],
                };
                if (n.address !== undefined) r.address = String(n.address);
                if (n.netmask !== undefined) r.netmask = String(n.netmask);
                if (n.gateway !== undefined) r.gateway = String(n.gateway);
                if (n.onBoot !== undefined) r.onBoot = n.onBoot === true;
                return r;
            });
        }
    }
    return out;
}

export async function findVmByName(s: Session, name: string): Promise<Record<string, unknown> | undefined> {
    const body = await s.get("/vms", { params: { search: `name=${searchQuote(name)}` } });
    return decodeList(body, "vm").find((v) => v.name === name);
}

export class VmProvider extends KindProvider<typeof VM> {
    protected readonly description = VM;

    /**
     * Besides the field checks: when memory or CPUs change, `hardwareChange` says how the engine will take it (hot
     * plugged, or on the next run: {@link planHardware} against the VM as the engine has it now), so `pulumi preview`
     * shows it as a diff detail. A note only: not a field of the state and never a diff by itself; without an engine
     * answer there is no note.
     */
    async check(olds: VmInputs, news: VmInputs): Promise<pulumi.dynamic.CheckResult<VmInputs>> {
        const r = await super.check(olds, news);
        const n = r.inputs as VmInputs & { hardwareChange?: string };
        const changed = (f: "memoryMiB" | "cpuCores") =>
            olds?.[f] !== undefined && typeof n[f] === "number" && n[f] !== olds[f];
        if (!r.failures?.length && (changed("memoryMiB") || changed("cpuCores"))) {
            const note = await this.hardwareNote(n).catch(() => undefined);
            if (note) n.hardwareChange = note;
        }
        return r;
    }

    private async hardwareNote(inputs: VmInputs): Promise<string | undefined> {
        const s = await this.session(`check Vm ${inputs.name}`);
        const found = await findVmByName(s, inputs.name);
        if (!found) return undefined;
        const plan = await this.hardwarePlan(s, String(found.id), inputs);
        return plan.notes.join("; ") || undefined;
    }

    /** {@link planHardware} for the VM as the engine has it now. */
    private async hardwarePlan(s: Session, id: string, inputs: VmInputs): Promise<HardwarePlan> {
        const vm = await s.get(`/vms/${id}`);
        return planHardware(
            hardwareOf(await this.configured(s, id, vm)),
            RUNNING.includes(String(vm.status)),
            decodeBool(vm.next_run_configuration_exists),
            { memoryMiB: inputs.memoryMiB, cpus: inputs.cpuCores },
        );
    }

    async create(inputs: VmInputs): Promise<pulumi.dynamic.CreateResult<VmState>> {
        const s = await this.session(`create Vm ${inputs.name}`);
        const budget = timeoutMs(s.endpoint, inputs.timeoutSeconds, DEFAULT_TIMEOUT_S);
        const marker = await eventMarker(s);
        const { obj, adopted } = await createOrAdopt(
            s,
            `Vm ${inputs.name}`,
            () => findVmByName(s, inputs.name),
            () =>
                s.add<Record<string, unknown>>("/vms", {
                    name: inputs.name,
                    description: inputs.description ?? "",
                    cluster: { id: inputs.clusterId },
                    template: { id: inputs.templateId },
                    ...(inputs.memoryMiB !== undefined ? memoryBody(inputs.memoryMiB) : {}),
                    ...(inputs.cpuCores !== undefined ? cpuBody(inputs.cpuCores) : {}),
                    ...(inputs.osType ? { os: { type: inputs.osType } } : {}),
                    ...(inputs.biosType ? { bios: { type: inputs.biosType } } : {}),
                    high_availability: {
                        enabled: inputs.highAvailability ? "true" : "false",
                        ...(inputs.highAvailability ? { priority: "1" } : {}),
                    },
                    delete_protected: inputs.deleteProtected ? "true" : "false",
                    ...(inputs.cloudInit ? { initialization: initializationBody(inputs.cloudInit) } : {}),
                }),
        );
        const id = String(obj.id);
        if (adopted && refId(obj.cluster) !== inputs.clusterId) {
            throw new Error(
                `create Vm ${inputs.name}: a VM with this name already exists in cluster ${refId(obj.cluster)}, not ${inputs.clusterId}; choose another name`,
            );
        }
        let vm = await this.waitSettled(s, id, inputs.name, budget);
        if (adopted) vm = await this.reconcile(s, id, vm, inputs, budget, marker);
        else if (inputs.started) vm = await this.start(s, id, inputs.name, budget, marker);
        const ips = inputs.started ? await this.waitIps(s, id, inputs.ipWaitSeconds) : [];
        // an adopted VM may have taken a change on its next run (reconcile): the state says what it will run with
        const configured = adopted ? await this.configured(s, id, vm) : vm;
        return { id, outs: compact(toState(vm, inputs, adopted, ips, configured)) };
    }

    /** Wait out image_locked (template disks being copied) and other transient states. */
    private waitSettled(s: Session, id: string, name: string, budget: number): Promise<Record<string, unknown>> {
        return waitFor(
            `Vm ${name}: waiting for the disks to be ready`,
            () => s.get(`/vms/${id}`),
            (vm) =>
                ![
                    "image_locked",
                    "powering_down",
                    "saving_state",
                    "restoring_state",
                    "migrating",
                    "wait_for_launch",
                    "powering_up",
                    "reboot_in_progress",
                ].includes(String(vm.status)),
            { timeoutMs: budget, describe: (vm) => String(vm.status) },
        );
    }

    private async start(
        s: Session,
        id: string,
        name: string,
        budget: number,
        marker: number | undefined,
    ): Promise<Record<string, unknown>> {
        const cur = await s.get(`/vms/${id}`);
        if (cur.status === "up") return cur;
        if (!RUNNING.includes(String(cur.status))) await s.action(`/vms/${id}/start`, {});
        let polls = 0;
        return waitFor(
            `Vm ${name}: waiting for status up`,
            () => s.get(`/vms/${id}`),
            (vm) => vm.status === "up",
            {
                timeoutMs: budget,
                describe: (vm) => String(vm.status),
                failed: async (vm) => {
                    polls++;
                    if (!["down", "not_responding", "unknown", "paused"].includes(String(vm.status)) || polls < 3)
                        return undefined;
                    const events = await latestEvents(
                        s,
                        marker,
                        (e) => refId(e.vm) === id || String(e.description ?? "").includes(name),
                    );
                    return (
                        `VM is ${vm.status} after start` +
                        (events.length
                            ? `; latest engine events: ${events.map((e) => `[${e.severity}] ${e.description}`).join(" | ")}`
                            : "")
                    );
                },
            },
        );
    }

    private async stop(
        s: Session,
        id: string,
        name: string,
        budget: number,
    ): Promise<Record<string, unknown> | undefined> {
        let vm = await s.find(`/vms/${id}`);
        if (!vm) return undefined;
        if (vm.status === "image_locked") vm = await this.waitSettled(s, id, name, budget);
        if (!REMOVABLE.includes(String(vm.status))) {
            try {
                await s.action(`/vms/${id}/stop`, {});
            } catch (e) {
                // it may have gone down between our GET and the stop: re-check before failing
                const again = await s.find(`/vms/${id}`);
                if (!again || !REMOVABLE.includes(String(again.status))) throw e;
            }
            return waitFor(
                `Vm ${name}: waiting for status down`,
                () => s.find(`/vms/${id}`),
                (x) => x === undefined || REMOVABLE.includes(String(x.status)),
                { timeoutMs: budget, describe: (x) => String(x?.status) },
            );
        }
        return vm;
    }

    /** Poll the guest agent's reported devices until it reports an address, at most `seconds`. */
    private async waitIps(s: Session, id: string, seconds: number): Promise<string[]> {
        if (seconds <= 0) return [];
        // without a NIC (e.g. NICs come from VmNic resources created after the VM) no address can appear
        if (decodeList(await s.get(`/vms/${id}/nics`), "nic").length === 0) return [];
        try {
            const vm = await waitFor(
                `Vm ${id}: waiting for guest IP addresses`,
                () => s.get(`/vms/${id}`, { params: { follow: "reported_devices" } }),
                (x) => reportedIps(x).length > 0,
                { timeoutMs: seconds * 1000, minIntervalMs: 100 },
            );
            return reportedIps(vm);
        } catch {
            return []; // bounded wait: no agent yet is not an error; a later refresh picks the addresses up
        }
    }

    /** Bring an adopted VM to the inputs (mutable fields, power state). */
    private async reconcile(
        s: Session,
        id: string,
        vm: Record<string, unknown>,
        inputs: VmInputs,
        budget: number,
        marker: number | undefined,
    ): Promise<Record<string, unknown>> {
        const cur = toState(vm, inputs, true, []);
        return this.apply(s, id, cur, inputs, budget, marker);
    }

    private async apply(
        s: Session,
        id: string,
        olds: VmState,
        news: VmInputs,
        budget: number,
        marker: number | undefined,
    ): Promise<Record<string, unknown>> {
        const body: Record<string, unknown> = {};
        if (news.biosType !== undefined) {
            const vm = await s.get(`/vms/${id}`);
            const actual = biosTypeOf(vm);
            if (actual !== news.biosType) {
                if (RUNNING.includes(String(vm.status)) || vm.status === "powering_down") {
                    throw new Error(
                        `Vm ${news.name}: its BIOS type is ${actual}, the program asks for ${news.biosType}. The engine ` +
                            "applies a BIOS type only when the VM starts again, and stopping the proxy VM takes every " +
                            `lease's gateway, DHCP and DNS away; nothing was changed. Fix: set the BIOS type to ${actual} ` +
                            "(ovirt-ci:proxyVm.biosType), or change it on the engine in a maintenance window with no lease held",
                    );
                }
                body.bios = { type: news.biosType };
            }
        }
        if (news.description !== undefined && news.description !== (olds.description ?? ""))
            body.description = news.description;
        if (news.highAvailability !== olds.highAvailability)
            body.high_availability = {
                enabled: news.highAvailability ? "true" : "false",
                ...(news.highAvailability ? { priority: "1" } : {}),
            };
        if (news.deleteProtected !== olds.deleteProtected)
            body.delete_protected = news.deleteProtected ? "true" : "false";
        if (Object.keys(body).length) await s.put(`/vms/${id}`, body);
        if (
            (news.memoryMiB !== undefined && news.memoryMiB !== olds.memoryMiB) ||
            (news.cpuCores !== undefined && news.cpuCores !== olds.cpuCores)
        ) {
            // Never a stop: hot plug what the engine hot plugs, the rest on the next run (planHardware).
            const plan = await this.hardwarePlan(s, id, news);
            if (Object.keys(plan.live).length) await s.put(`/vms/${id}`, plan.live);
            if (Object.keys(plan.nextRun).length)
                await s.put(`/vms/${id}`, plan.nextRun, { params: { next_run: "true" } });
        }
        const cur = await s.get(`/vms/${id}`);
        const running = RUNNING.includes(String(cur.status));
        if (news.started && cur.status !== "up") return this.start(s, id, news.name, budget, marker);
        if (!news.started && (running || cur.status === "powering_down"))
            return (await this.stop(s, id, news.name, budget)) ?? cur;
        return cur;
    }

    /** The VM's configuration as it will run next: the next-run configuration when one is pending, else `vm`. */
    private async configured(s: Session, id: string, vm: Record<string, unknown>): Promise<Record<string, unknown>> {
        if (!decodeBool(vm.next_run_configuration_exists)) return vm;
        return s.get(`/vms/${id}`, { params: { next_run: "true" } });
    }

    async read(id: string, old?: VmState): Promise<pulumi.dynamic.ReadResult<VmState>> {
        const props = old ?? ({} as VmState);
        const s = await this.session(`read Vm ${props.name ?? id}`);
        const vm = await s.find(`/vms/${id}`, { params: { follow: "reported_devices" } });
        if (!vm) return { id: undefined };
        const st = toState(vm, props, props.adopted ?? false, reportedIps(vm), await this.configured(s, id, vm));
        return this.found(id, st);
    }

    async update(id: string, olds: VmState, news: VmInputs): Promise<pulumi.dynamic.UpdateResult<VmState>> {
        const s = await this.session(`update Vm ${news.name}`);
        const budget = timeoutMs(s.endpoint, news.timeoutSeconds, DEFAULT_TIMEOUT_S);
        const marker = await eventMarker(s);
        const vm = await this.apply(s, id, olds, news, budget, marker);
        const ips = news.started
            ? olds.ipAddresses?.length && vm.status === "up" && olds.status === "up"
                ? olds.ipAddresses
                : await this.waitIps(s, id, news.ipWaitSeconds)
            : [];
        return { outs: compact(toState(vm, news, olds.adopted, ips, await this.configured(s, id, vm))) };
    }

    async delete(id: string, props: VmState): Promise<void> {
        const s = await this.session(`delete Vm ${props.name ?? id}`);
        const budget = timeoutMs(s.endpoint, props.timeoutSeconds, DEFAULT_TIMEOUT_S);
        const vm = await s.find(`/vms/${id}`);
        if (!vm) return;
        if (decodeBool(vm.delete_protected)) await s.put(`/vms/${id}`, { delete_protected: "false" });
        if (!(await this.stop(s, id, props.name, budget))) return;
        if (!(await s.remove(`/vms/${id}`))) return;
        await waitGone(s, `Vm ${props.name}`, `/vms/${id}`, budget);
    }
}

/** A virtual machine (token `pulumi-nodejs:dynamic/ovirt:Vm`). Replaced (delete first) on name, cluster, template, OS or cloud-init change. */
export const Vm = resourceClass(VM);
export type Vm = InstanceType<typeof Vm>;

/** What Vm resources serialize: a stub that loads VmProvider in the provider process (./stub). */
export const vmProvider = Vm.provider;
