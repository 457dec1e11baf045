/**
 * The layout guard (pure): a lease whose proxy NIC the config names differently from the NIC the proxy has on the
 * lease network (the move from the playbooks' layout to ours, `proxyVm.playbooksLeases`, or any rename) gets its
 * NIC removed and added again and its dnsmasq replaced: the lease's gateway, DHCP and DNS go away meanwhile. That
 * is refused while a job holds the lease, the way the scale-down guard (./scaleDownGuard.ts) decides it: a VM
 * other than the proxy VM with a NIC on the lease network is a job's cluster.
 *
 * The engine reads are `readUsage` (providers/ovirt/usage.ts); the wiring is `components/preflight.ts`.
 */
import { leaseName } from "./leaseModel";
import { patternNumber } from "./scaleDownGuard";
import type { NetworkUsage } from "../providers/ovirt/usage";

/** What the guard needs from the config. */
export interface LayoutGuardSettings {
    /** `naming.networkName`, e.g. `ovn-vmnet-{n}`. */
    readonly networkNamePattern: string;
    readonly proxyVmName: string;
    /** The NIC name the config gives the proxy on each lease network, by lease number. */
    readonly nicNames: ReadonlyMap<number, string>;
}

/** One refusal per held lease whose proxy NIC the config would replace. */
export function judgeLayoutMoves(g: LayoutGuardSettings, networks: readonly NetworkUsage[]): string[] {
    const refusals: string[] = [];
    const num = patternNumber(g.networkNamePattern);
    for (const n of networks) {
        const lease = num(n.name);
        const wanted = lease === undefined ? undefined : g.nicNames.get(lease);
        if (lease === undefined || wanted === undefined) continue;
        const proxyNics = (n.nics ?? []).filter((x) => x.vm === g.proxyVmName).map((x) => x.nic);
        const jobVms = n.vms.filter((v) => v !== g.proxyVmName);
        if (proxyNics.length === 0 || proxyNics.includes(wanted) || jobVms.length === 0) continue;
        refusals.push(
            `lease ${leaseName(lease)} is in use: its network ${n.name} has VMs other than the proxy VM on it (${jobVms.slice(0, 10).join(", ")}), ` +
                `and the config names the proxy's NIC on it ${wanted} while the proxy has ${proxyNics.join(", ")}: the NIC and the lease's ` +
                `dnsmasq would be replaced (moving the lease between the playbooks' layout and ovirt-ci's). Nothing was changed. ` +
                `Fix: take ${leaseName(lease)} out of boskos first and wait until no job holds it, then run up again; or keep it ` +
                `as it is: list {lease: ${lease}, nic: ${proxyNics[0]}} in ovirt-ci:proxyVm.playbooksLeases`,
        );
    }
    return refusals;
}
