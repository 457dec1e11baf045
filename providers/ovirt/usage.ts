// What still uses lease objects on the engine: the VMs with a NIC on a network, the disks on a storage domain.
// Plain async reads run in the Pulumi program process (like ./lookup), before any resource is registered, so the
// scale-down guard (components/preflight.ts) can refuse a removal in preview already. Engine API (docs/engine-api.md):
// `GET /datacenters/{id}/networks`, `GET /networks/{id}/vnicprofiles`, `GET /vms?follow=nics` (each NIC names its
// `vnic_profile`), `GET /datacenters/{id}/storagedomains`, `GET /storagedomains/{id}/disks`.
import { LookupOptions, lookupDataCenter, lookupSession } from "./lookup";
import { decodeList, decodeString, refId } from "./representation";

/** A network of the data center and the VMs with a NIC on one of its vNIC profiles. */
export interface NetworkUsage {
    readonly id: string;
    readonly name: string;
    readonly description: string;
    /** Names of the VMs with a NIC on this network, sorted. */
    readonly vms: readonly string[];
    /** Every NIC on this network: its VM's name and its own name (readUsage always fills it). */
    readonly nics?: readonly { readonly vm: string; readonly nic: string }[];
}

/** A storage domain attached to the data center and the disks on it. */
export interface StorageDomainUsage {
    readonly id: string;
    readonly name: string;
    readonly description: string;
    /** Aliases (else ids) of the disks on this domain, sorted. */
    readonly disks: readonly string[];
}

/** Which objects to inspect: only those are asked for their users (a few GETs more per candidate). */
export interface UsageQuery {
    readonly dataCenter: string;
    readonly network: (name: string) => boolean;
    readonly storageDomain: (name: string) => boolean;
}

/**
 * The networks and storage domains of the data center that `query` selects, each with what uses it. Costs 3 GETs
 * when nothing is selected, plus one per selected network and storage domain and one for the VMs.
 */
export async function readUsage(
    query: UsageQuery,
    opts?: LookupOptions,
): Promise<{ networks: NetworkUsage[]; storageDomains: StorageDomainUsage[] }> {
    const dc = await lookupDataCenter(query.dataCenter, opts);
    const s = await lookupSession(`usage of the lease objects in data center ${query.dataCenter}`, opts);
    const nets = decodeList(await s.get(`/datacenters/${dc.id}/networks`), "network").filter((n) =>
        query.network(String(n.name)),
    );
    const sds = decodeList(await s.get(`/datacenters/${dc.id}/storagedomains`), "storage_domain").filter((d) =>
        query.storageDomain(String(d.name)),
    );

    const networks: NetworkUsage[] = [];
    if (nets.length > 0) {
        const vms = decodeList(await s.get("/vms", { params: { follow: "nics" } }), "vm");
        for (const n of nets) {
            const profiles = new Set(
                decodeList(await s.get(`/networks/${n.id}/vnicprofiles`), "vnic_profile").map((p) => String(p.id)),
            );
            const users = vms.filter((vm) =>
                decodeList(vm.nics, "nic").some((nic) => profiles.has(refId(nic.vnic_profile) ?? "")),
            );
            networks.push({
                id: String(n.id),
                name: String(n.name),
                description: decodeString(n.description) ?? "",
                vms: users.map((v) => String(v.name)).sort(),
                nics: users.flatMap((vm) =>
                    decodeList(vm.nics, "nic")
                        .filter((nic) => profiles.has(refId(nic.vnic_profile) ?? ""))
                        .map((nic) => ({ vm: String(vm.name), nic: String(nic.name) })),
                ),
            });
        }
    }
    const storageDomains: StorageDomainUsage[] = [];
    for (const d of sds) {
        const disks = decodeList(await s.get(`/storagedomains/${d.id}/disks`), "disk");
        storageDomains.push({
            id: String(d.id),
            name: String(d.name),
            description: decodeString(d.description) ?? "",
            disks: disks.map((x) => String(x.alias ?? x.name ?? x.id)).sort(),
        });
    }
    return { networks, storageDomains };
}
