// Network (docs/engine-api.md 5.5): an OVN external network on the OVN provider, assigned (not required) to a cluster.
// The engine creates a same-named vNIC profile; its id is an output.
import * as pulumi from "@pulumi/pulumi";
import { ConfigSource, createOrAdopt, isNotFound, Session } from "./client";
import { compact } from "./common";
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
import { decodeBool, decodeInt, decodeList, decodeString, refId, searchQuote } from "./representation";

export const NETWORK_PROVIDER_VERSION = 1;

/** An OVN network's fields; replaced (delete first) on name, data center or provider change. */
export const NETWORK = defineKind({
    kind: "Network",
    providerVersion: NETWORK_PROVIDER_VERSION,
    deleteBeforeReplace: true,
    inputs: {
        name: required("replace", is.name(256)),
        dataCenterId: required("replace", is.id),
        /** Id of the OVN provider (`lookupOvnProvider`). Replaces on change. */
        externalProviderId: required("replace", is.id),
        /** Cluster the network is assigned to (required=false). Updated in place. */
        clusterId: optional("update", is.optId),
        description: optional("update", is.optText),
        /** MTU (0 = default). Updated in place. */
        mtu: optional("update", is.int(0, 65000)),
    },
    outputs: {
        /** Id of the same-named vNIC profile the engine created. */
        vnicProfileId: output<string>(),
        adopted: output<boolean>(),
    },
});

export type NetworkArgs = ArgsOf<typeof NETWORK>;
export type NetworkInputs = InputsOf<typeof NETWORK>;
export type NetworkState = StateOf<typeof NETWORK>;

function toState(
    n: Record<string, unknown>,
    inputs: NetworkInputs,
    clusterId: string | undefined,
    vnicProfileId: string,
    adopted: boolean,
): NetworkState {
    return {
        name: String(n.name),
        dataCenterId: refId(n.data_center) ?? inputs.dataCenterId,
        externalProviderId: refId(n.external_provider) ?? "",
        clusterId,
        description: inputs.description === undefined ? undefined : (decodeString(n.description) ?? ""),
        mtu: inputs.mtu === undefined ? undefined : decodeInt(n.mtu),
        vnicProfileId,
        adopted,
        providerVersion: NETWORK_PROVIDER_VERSION,
    };
}

export async function findNetworkByName(
    s: Session,
    name: string,
    dataCenterId: string,
): Promise<Record<string, unknown> | undefined> {
    const body = await s.get("/networks", { params: { search: `name=${searchQuote(name)}` } });
    return decodeList(body, "network").find((n) => n.name === name && refId(n.data_center) === dataCenterId);
}

async function profileOf(s: Session, networkId: string, name: string): Promise<string> {
    const profiles = decodeList(await s.get(`/networks/${networkId}/vnicprofiles`), "vnic_profile");
    const p = profiles.find((x) => x.name === name) ?? profiles[0];
    if (!p) throw new Error(`Network ${name}: the engine created no vNIC profile for it (profile_required=false?)`);
    return String(p.id);
}

async function assign(s: Session, clusterId: string, networkId: string): Promise<void> {
    await createOrAdopt(
        s,
        `Network ${networkId} in cluster ${clusterId}`,
        () => s.find(`/clusters/${clusterId}/networks/${networkId}`),
        () => s.add(`/clusters/${clusterId}/networks`, { id: networkId, required: "false" }),
    );
}

async function unassign(s: Session, clusterId: string, networkId: string): Promise<void> {
    await s.remove(`/clusters/${clusterId}/networks/${networkId}`);
}

export class NetworkProvider extends KindProvider<typeof NETWORK> {
    protected readonly description = NETWORK;

    async create(inputs: NetworkInputs): Promise<pulumi.dynamic.CreateResult<NetworkState>> {
        const s = await this.session(`create Network ${inputs.name}`);
        const { obj, adopted } = await createOrAdopt(
            s,
            `Network ${inputs.name}`,
            () => findNetworkByName(s, inputs.name, inputs.dataCenterId),
            () =>
                s.add<Record<string, unknown>>("/networks", {
                    name: inputs.name,
                    description: inputs.description ?? "",
                    data_center: { id: inputs.dataCenterId },
                    usages: { usage: ["vm"] },
                    external_provider: { id: inputs.externalProviderId },
                    ...(inputs.mtu !== undefined ? { mtu: String(inputs.mtu) } : {}),
                }),
        );
        const id = String(obj.id);
        if (adopted && refId(obj.external_provider) !== inputs.externalProviderId) {
            throw new Error(
                `create Network ${inputs.name}: a network with this name exists in the data center but is not on external provider ${inputs.externalProviderId}; choose another name`,
            );
        }
        let n = obj;
        if (adopted) {
            const body: Record<string, unknown> = {};
            if (inputs.description !== undefined && (decodeString(n.description) ?? "") !== inputs.description)
                body.description = inputs.description;
            if (inputs.mtu !== undefined && decodeInt(n.mtu) !== inputs.mtu) body.mtu = String(inputs.mtu);
            if (Object.keys(body).length) n = await s.put(`/networks/${id}`, body);
        }
        if (inputs.clusterId) await assign(s, inputs.clusterId, id);
        const profile = await profileOf(s, id, inputs.name);
        return { id, outs: compact(toState(n, inputs, inputs.clusterId, profile, adopted)) };
    }

    async read(id: string, old?: NetworkState): Promise<pulumi.dynamic.ReadResult<NetworkState>> {
        const props = old ?? ({} as NetworkState);
        const s = await this.session(`read Network ${props.name ?? id}`);
        // One GET when nothing drifted: the cluster's view of the network proves both existence and assignment.
        let n = props.clusterId ? await s.find(`/clusters/${props.clusterId}/networks/${id}`) : undefined;
        let clusterId = props.clusterId;
        if (!n) {
            n = await s.find(`/networks/${id}`);
            if (!n) return { id: undefined };
            clusterId = undefined;
        }
        const st = toState(n, props, clusterId, props.vnicProfileId, props.adopted ?? false);
        return this.found(id, st);
    }

    async update(
        id: string,
        olds: NetworkState,
        news: NetworkInputs,
    ): Promise<pulumi.dynamic.UpdateResult<NetworkState>> {
        const s = await this.session(`update Network ${news.name}`);
        const body: Record<string, unknown> = {};
        if (news.description !== undefined && news.description !== (olds.description ?? ""))
            body.description = news.description;
        if (news.mtu !== undefined && news.mtu !== olds.mtu) body.mtu = String(news.mtu);
        let n: Record<string, unknown> | undefined;
        if (Object.keys(body).length) n = await s.put(`/networks/${id}`, body);
        if (olds.clusterId !== news.clusterId) {
            if (olds.clusterId) await unassign(s, olds.clusterId, id);
            if (news.clusterId) await assign(s, news.clusterId, id);
        }
        const live = n ?? (await s.get<Record<string, unknown>>(`/networks/${id}`));
        return {
            outs: compact(
                toState(
                    live,
                    news,
                    news.clusterId,
                    olds.vnicProfileId || (await profileOf(s, id, news.name)),
                    olds.adopted,
                ),
            ),
        };
    }

    async delete(id: string, props: NetworkState): Promise<void> {
        const s = await this.session(`delete Network ${props.name ?? id}`);
        try {
            await s.remove(`/networks/${id}`);
        } catch (e) {
            if (isNotFound(e)) return;
            // The engine refuses (409) while VMs have NICs on the network. The scale-down guard refuses that before
            // any change unless the operator listed the lease in removeLeasesInUse: then the NICs go first.
            const lease = overriddenLease(this.stackConfig, props.description);
            if ((e as { httpStatus?: number }).httpStatus !== 409 || !lease) throw e;
            const removed = await removeNicsOnNetwork(s, id);
            console.error(
                `ovirt-ci: removeLeasesInUse lists ${lease}: removed the NICs on ${props.name}: ${removed.join(", ") || "none"}`,
            );
            await s.remove(`/networks/${id}`);
        }
    }
}

/**
 * The lease of a network (`ovirt-ci lease <name>: ...`, the description `components/lease.ts` gives it) when the
 * stack config's `removeLeasesInUse` lists it.
 */
export function overriddenLease(config: ConfigSource | undefined, description: string | undefined): string | undefined {
    const lease = /^ovirt-ci lease (ovirt-\d+):/.exec(description ?? "")?.[1];
    if (!lease || !config) return undefined;
    let raw: string | undefined;
    try {
        raw = config.get("ovirt-ci:removeLeasesInUse");
    } catch {
        return undefined;
    }
    let names: unknown;
    try {
        names = JSON.parse(raw ?? "[]");
    } catch {
        return undefined;
    }
    return Array.isArray(names) && names.includes(lease) ? lease : undefined;
}

/** Unplugs and removes every VM NIC on the network's vNIC profiles; returns `vm/nic` names. */
async function removeNicsOnNetwork(s: Session, networkId: string): Promise<string[]> {
    const profiles = new Set(
        decodeList(await s.get(`/networks/${networkId}/vnicprofiles`), "vnic_profile").map((p) => String(p.id)),
    );
    const out: string[] = [];
    for (const vm of decodeList(await s.get("/vms", { params: { follow: "nics" } }), "vm")) {
        for (const nic of decodeList(vm.nics, "nic").filter((n) => profiles.has(refId(n.vnic_profile) ?? ""))) {
            const path = `/vms/${vm.id}/nics/${nic.id}`;
            // a running VM refuses to drop a plugged NIC (docs/engine-api.md): unplug first
            if (decodeBool(nic.plugged, true)) await s.put(path, { plugged: "false" });
            await s.remove(path);
            out.push(`${vm.name}/${nic.name}`);
        }
    }
    return out;
}

/** An OVN network (token `pulumi-nodejs:dynamic/ovirt:Network`). Replaced (delete first) on name, DC or provider change. */
export const Network = resourceClass(NETWORK);
export type Network = InstanceType<typeof Network>;

/** What Network resources serialize: a stub that loads NetworkProvider in the provider process (./stub). */
export const networkProvider = Network.provider;
