/**
 * How each lease is laid out on the proxy: ours (`vmnetN`, `/etc/dnsmasq-leases/ovirt-N.conf`, our unit instance)
 * or, on a proxy adopted from the Ansible playbooks, still theirs (`proxyVm.playbooksLeases`: NIC `ethK`,
 * `dnsmasq@net-NN`; lib/render/proxy/playbooksLayout.ts).
 */
import type { ProxyVmSettings } from "../config";
import { LeaseInfo } from "../leaseModel";

/** How one lease is laid out on the proxy. */
export type LeaseLayout = { readonly kind: "ovirt-ci" } | { readonly kind: "playbooks"; readonly nic: string };

/** The layout of lease `n` under these settings. */
export function leaseLayout(settings: Pick<ProxyVmSettings, "playbooksLeases">, n: number): LeaseLayout {
    const p = settings.playbooksLeases.find((x) => x.lease === n);
    return p ? { kind: "playbooks", nic: p.nic } : { kind: "ovirt-ci" };
}

/** The NIC name (engine and guest) of a lease in its layout. */
export function leaseNicName(lease: LeaseInfo, layout: LeaseLayout): string {
    return layout.kind === "playbooks" ? layout.nic : lease.interfaceName;
}
