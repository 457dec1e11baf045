// VmNic (docs/engine-api.md 5.7, NICs): a NIC on a VM on a vNIC profile; the MAC the engine assigned is an output.
import * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, OvirtApiError, Session, waitFor } from "./client";
import { CheckFailure, compact, isUnknown, optString } from "./common";
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
import { decodeBool, decodeList, decodeString, refId } from "./representation";

export const VM_NIC_PROVIDER_VERSION = 1;

export const NIC_INTERFACES = ["virtio", "e1000", "rtl8139", "pci_passthrough", "spapr_vlan", "e1000e"] as const;

/** A requested MAC, trimmed and lower-cased (absent: the engine's MAC pool assigns one). */
function requestedMac(news: Record<string, unknown>, field: string, failures: CheckFailure[]): string | undefined {
    const mac = optString(news, field, failures)?.trim().toLowerCase();
    if (mac !== undefined && !isUnknown(mac) && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac)) {
        failures.push({
            property: field,
            reason: `${field} must look like 56:6f:1a:2b:3c:4d, got ${JSON.stringify(news[field])}`,
        });
        return undefined;
    }
    return mac;
}

/** A VM NIC's fields; replaced (delete first) on VM, name, interface or MAC change. */
export const VM_NIC = defineKind({
    kind: "VmNic",
    providerVersion: VM_NIC_PROVIDER_VERSION,
    deleteBeforeReplace: true,
    inputs: {
        vmId: required("replace", is.id),
        /** NIC name on the VM, e.g. nic1. Replaces on change. */
        name: required("replace", is.name(50)),
        /** vNIC profile (e.g. a Network's `vnicProfileId`). Updated in place. */
        vnicProfileId: required("update", is.id),
        interface: optional("replace", is.oneOf(NIC_INTERFACES, "virtio")),
        /** Request a specific MAC (default: the engine's MAC pool). Replaces on change. */
        macAddress: optional("replace", requestedMac),
        /** Link state (default true). Updated in place. */
        linked: optional("update", is.bool(true)),
        /**
         * Wait up to this many seconds after create for the guest agent to report an address on this NIC (matched by
         * MAC); the addresses are the `ipAddresses` output, re-read on refresh. Absent: no wait and no `ipAddresses`.
         * A NIC added after its VM is the only way to learn its address in the same `up` (the VM's own wait skips
         * while it has no NIC). The wait is bounded: no address yet is not an error.
         */
        ipWaitSeconds: optional("update", is.int(0, 3600)),
    },
    outputs: {
        /** The NIC's MAC address. */
        mac: output<string>(),
        plugged: output<boolean>(),
        /** Addresses the guest agent reports on this NIC (only with `ipWaitSeconds`). */
        ipAddresses: output<string[] | undefined>(),
    },
});

export type VmNicArgs = ArgsOf<typeof VM_NIC>;
export type VmNicInputs = InputsOf<typeof VM_NIC>;
export type VmNicState = StateOf<typeof VM_NIC>;

function toState(n: Record<string, unknown>, inputs: VmNicInputs): VmNicState {
    const mac = decodeString(((n.mac ?? {}) as Record<string, unknown>).address) ?? "";
    return {
        vmId: inputs.vmId,
        name: String(n.name),
        vnicProfileId: refId(n.vnic_profile) ?? "",
        interface: (decodeString(n.interface) as VmNicInputs["interface"]) ?? inputs.interface,
        macAddress: inputs.macAddress === undefined ? undefined : mac,
        linked: decodeBool(n.linked, true),
        mac,
        plugged: decodeBool(n.plugged, true),
        ipWaitSeconds: inputs.ipWaitSeconds,
        providerVersion: VM_NIC_PROVIDER_VERSION,
    };
}

/** The addresses the guest agent reports on the device with this MAC. */
async function nicIps(s: Session, vmId: string, mac: string): Promise<string[]> {
    return nicReportedIps(
        await s.get<Record<string, unknown>>(`/vms/${vmId}`, { params: { follow: "reported_devices" } }),
        mac,
    );
}

/** The addresses in the followed `reported_devices` of a VM or NIC representation, on the device with this MAC. */
export function nicReportedIps(o: Record<string, unknown>, mac: string): string[] {
    const ips: string[] = [];
    for (const d of decodeList(o.reported_devices, "reported_device")) {
        if (decodeString(((d.mac ?? {}) as Record<string, unknown>).address)?.toLowerCase() !== mac.toLowerCase())
            continue;
        for (const ip of decodeList(d.ips, "ip")) if (ip.address) ips.push(String(ip.address));
    }
    return ips;
}

/** Bounded wait for {@link nicIps}; [] when nothing is reported in time. */
async function waitNicIps(s: Session, vmId: string, mac: string, seconds: number): Promise<string[]> {
    if (seconds <= 0 || !mac) return [];
    try {
        return await waitFor(
            `VmNic ${mac}: waiting for guest IP addresses`,
            () => nicIps(s, vmId, mac),
            (ips) => ips.length > 0,
            {
                timeoutMs: seconds * 1000,
                minIntervalMs: 100,
            },
        );
    } catch {
        return [];
    }
}

async function findNic(s: Session, vmId: string, name: string): Promise<Record<string, unknown> | undefined> {
    // nested collection: no search, filter locally
    return decodeList(await s.get(`/vms/${vmId}/nics`), "nic").find((n) => n.name === name);
}

export class VmNicProvider extends KindProvider<typeof VM_NIC> {
    protected readonly description = VM_NIC;

    async create(inputs: VmNicInputs): Promise<pulumi.dynamic.CreateResult<VmNicState>> {
        const s = await this.session(`create VmNic ${inputs.name} on VM ${inputs.vmId}`);
        const { obj, adopted } = await createOrAdopt(
            s,
            `VmNic ${inputs.name}`,
            () => findNic(s, inputs.vmId, inputs.name),
            () =>
                s.add<Record<string, unknown>>(`/vms/${inputs.vmId}/nics`, {
                    name: inputs.name,
                    interface: inputs.interface,
                    vnic_profile: { id: inputs.vnicProfileId },
                    linked: inputs.linked ? "true" : "false",
                    ...(inputs.macAddress ? { mac: { address: inputs.macAddress } } : {}),
                }),
        );
        let n = obj;
        if (
            adopted &&
            (refId(n.vnic_profile) !== inputs.vnicProfileId || decodeBool(n.linked, true) !== inputs.linked)
        ) {
            n = await s.put(`/vms/${inputs.vmId}/nics/${n.id}`, {
                vnic_profile: { id: inputs.vnicProfileId },
                linked: inputs.linked ? "true" : "false",
            });
        }
        const st = toState(n, inputs);
        if (inputs.ipWaitSeconds !== undefined)
            st.ipAddresses = await waitNicIps(s, inputs.vmId, st.mac, inputs.ipWaitSeconds);
        return { id: String(n.id), outs: compact(st) };
    }

    async read(id: string, old?: VmNicState): Promise<pulumi.dynamic.ReadResult<VmNicState>> {
        const props = old ?? ({} as VmNicState);
        const s = await this.session(`read VmNic ${props.name ?? id}`);
        // With ipWaitSeconds the NIC's reported devices come in the same GET (one GET per no-op read).
        const n = await s.find(
            `/vms/${props.vmId}/nics/${id}`,
            props.ipWaitSeconds !== undefined ? { params: { follow: "reported_devices" } } : undefined,
        );
        if (!n) return { id: undefined };
        const st = toState(n, props);
        if (props.ipWaitSeconds !== undefined) st.ipAddresses = nicReportedIps(n, st.mac);
        return this.found(id, st);
    }

    async update(id: string, olds: VmNicState, news: VmNicInputs): Promise<pulumi.dynamic.UpdateResult<VmNicState>> {
        const body: Record<string, unknown> = {};
        if (news.vnicProfileId !== olds.vnicProfileId) body.vnic_profile = { id: news.vnicProfileId };
        if (news.linked !== olds.linked) body.linked = news.linked ? "true" : "false";
        if (!Object.keys(body).length) return { outs: this.restamped(olds, news) };
        const s = await this.session(`update VmNic ${news.name} on VM ${news.vmId}`);
        return {
            outs: compact({
                ...toState(await s.put(`/vms/${news.vmId}/nics/${id}`, body), news),
                ipAddresses: olds.ipAddresses,
            }),
        };
    }

    async delete(id: string, props: VmNicState): Promise<void> {
        const s = await this.session(`delete VmNic ${props.name ?? id} on VM ${props.vmId}`);
        const path = `/vms/${props.vmId}/nics/${id}`;
        try {
            await s.remove(path);
        } catch (e) {
            // a running VM may refuse to drop a plugged NIC: unplug it, then remove
            if ((e as OvirtApiError).httpStatus !== 409) throw e;
            const n = await s.find(path);
            if (!n) return;
            if (!decodeBool(n.plugged, true)) throw e;
            await s.put(path, { plugged: "false" });
            await s.remove(path);
        }
    }
}

/** A VM NIC (token `pulumi-nodejs:dynamic/ovirt:VmNic`). Replaced (delete first) on VM, name, interface or MAC change. */
export const VmNic = resourceClass(VM_NIC);
export type VmNic = InstanceType<typeof VmNic>;

/** What VmNic resources serialize: a stub that loads VmNicProvider in the provider process (./stub). */
export const vmNicProvider = VmNic.provider;
