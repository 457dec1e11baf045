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
        /** Memory in MiB (default: the template's). Updated in place; a running VM is restarted. */
        memoryMiB: optional("update", is.int(128, 16 * 1024 * 1024)),
        /** Virtual CPU cores (one socket, one thread). Updated in place; a running VM is restarted. */
        cpuCores: optional("update", is.int(1, 256)),
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

function toState(vm: Record<string, unknown>, inputs: VmInputs, adopted: boolean, ips: string[]): VmState {
    const topo = ((vm.cpu ?? {}) as Record<string, unknown>).topology as Record<string, unknown> | undefined;
    const ha = (vm.high_availability ?? {}) as Record<string, unknown>;
    const status = String(vm.status ?? "unknown");
    return {
        name: String(vm.name),
        clusterId: refId(vm.cluster) ?? inputs.clusterId,
        templateId: refId(vm.template) ?? inputs.templateId,
        memoryMiB: inputs.memoryMiB === undefined ? undefined : Math.round(decodeInt(vm.memory) / MiB),
        cpuCores: inputs.cpuCores === undefined ? undefined : decodeInt(topo?.cores, 1),
        osType: inputs.osType === undefined ? undefined : decodeString(((vm.os ?? {}) as Record<string, unknown>).type),
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

function memoryBody(mib: number): Record<string, unknown> {
    const bytes = String(mib * MiB);
    return { memory: bytes, memory_policy: { guaranteed: bytes, max: bytes } };
}

function cpuBody(cores: number): Record<string, unknown> {
    return { cpu: { topology: { sockets: "1", cores: String(cores), threads: "1" } } };
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
        return { id, outs: compact(toState(vm, inputs, adopted, ips)) };
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
        if (news.description !== undefined && news.description !== (olds.description ?? ""))
            body.description = news.description;
        if (news.highAvailability !== olds.highAvailability)
            body.high_availability = {
                enabled: news.highAvailability ? "true" : "false",
                ...(news.highAvailability ? { priority: "1" } : {}),
            };
        if (news.deleteProtected !== olds.deleteProtected)
            body.delete_protected = news.deleteProtected ? "true" : "false";
        const hw: Record<string, unknown> = {};
        if (news.memoryMiB !== undefined && news.memoryMiB !== olds.memoryMiB)
            Object.assign(hw, memoryBody(news.memoryMiB));
        if (news.cpuCores !== undefined && news.cpuCores !== olds.cpuCores) Object.assign(hw, cpuBody(news.cpuCores));
        if (Object.keys(body).length) await s.put(`/vms/${id}`, body);
        if (Object.keys(hw).length) {
            // Memory and CPU of a running VM change only on its next run: stop, change, start again (if wanted).
            await this.stop(s, id, news.name, budget);
            await s.put(`/vms/${id}`, hw);
        }
        const cur = await s.get(`/vms/${id}`);
        const running = RUNNING.includes(String(cur.status));
        if (news.started && cur.status !== "up") return this.start(s, id, news.name, budget, marker);
        if (!news.started && (running || cur.status === "powering_down"))
            return (await this.stop(s, id, news.name, budget)) ?? cur;
        return cur;
    }

    async read(id: string, old?: VmState): Promise<pulumi.dynamic.ReadResult<VmState>> {
        const props = old ?? ({} as VmState);
        const s = await this.session(`read Vm ${props.name ?? id}`);
        const vm = await s.find(`/vms/${id}`, { params: { follow: "reported_devices" } });
        if (!vm) return { id: undefined };
        const st = toState(vm, props, props.adopted ?? false, reportedIps(vm));
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
        return { outs: compact(toState(vm, news, olds.adopted, ips)) };
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
