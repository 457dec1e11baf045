/**
 * The scale-down guard (pure): which lease objects on the engine the program no longer declares, and whether
 * removing them would break a running CI job. A lease network with a VM on it other than the proxy VM carries a
 * job's cluster (its gateway, DHCP, DNS and NAT are the proxy's NIC and configuration on that network); an upgrade
 * storage domain holding disks carries a job's disks. Either is refused before any change, unless the operator
 * names the lease in `removeLeasesInUse` (then it is a warning, shown by preview and up).
 *
 * The engine reads are `providers/ovirt/usage.ts`; the wiring (before any resource registers) is
 * `components/preflight.ts`.
 */
import { expandPattern, leaseName, upgradeLeaseName } from "./leaseModel";
import type { NetworkUsage, StorageDomainUsage } from "../providers/ovirt/usage";

/** A name pattern (`ovn-vmnet-{n}`) as a matcher returning the lease number, or undefined. */
export function patternNumber(pattern: string): (name: string) => number | undefined {
    const parts = pattern.split(/(\{nn?\})/);
    const re = new RegExp(
        `^${parts.map((p) => (p === "{n}" ? "([1-9][0-9]*|0)" : p === "{nn}" ? "([0-9]{2,})" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("")}$`,
    );
    return (name: string) => {
        const m = re.exec(name);
        if (!m) return undefined;
        const nums = m.slice(1).map(Number);
        // a pattern using the number twice must use the same number
        return nums.every((x) => x === nums[0]) && expandPattern(pattern, nums[0]) === name ? nums[0] : undefined;
    };
}

/** What the guard needs from the config. */
export interface GuardSettings {
    /** Install lease numbers the program declares. */
    readonly leases: readonly number[];
    readonly upgradeLeases: readonly number[];
    /** `naming.networkName`, e.g. `ovn-vmnet-{n}`. */
    readonly networkNamePattern: string;
    /** `upgradeStorage.storageDomainNamePattern`, e.g. `ovirt-upgrade-{n}`. */
    readonly storageDomainNamePattern: string;
    /** The proxy VM: its NIC on a lease network is the program's own. */
    readonly proxyVmName: string;
    /** `removeLeasesInUse`: lease names whose removal goes ahead although they are in use. */
    readonly removeLeasesInUse: readonly string[];
}

/** The guard's verdict. */
export interface GuardResult {
    /** One line per lease in use that the config removes: refused. */
    readonly refusals: string[];
    /** One line per lease in use that `removeLeasesInUse` lets go. */
    readonly warnings: string[];
}

/** Selectors of the engine objects to inspect: lease objects the config does not declare. */
export function removedObjectSelectors(g: GuardSettings): {
    network: (name: string) => boolean;
    storageDomain: (name: string) => boolean;
} {
    const net = patternNumber(g.networkNamePattern);
    const sd = patternNumber(g.storageDomainNamePattern);
    return {
        network: (name) => {
            const n = net(name);
            return n !== undefined && !g.leases.includes(n);
        },
        storageDomain: (name) => {
            const n = sd(name);
            return n !== undefined && !g.upgradeLeases.includes(n);
        },
    };
}

const list = (xs: readonly string[], max = 10) =>
    xs.slice(0, max).join(", ") + (xs.length > max ? ` and ${xs.length - max} more` : "");

/** Decides on the removed lease objects found on the engine (already selected by {@link removedObjectSelectors}). */
export function judgeScaleDown(
    g: GuardSettings,
    usage: { networks: readonly NetworkUsage[]; storageDomains: readonly StorageDomainUsage[] },
): GuardResult {
    const refusals: string[] = [];
    const warnings: string[] = [];
    const net = patternNumber(g.networkNamePattern);
    const sd = patternNumber(g.storageDomainNamePattern);
    for (const n of usage.networks) {
        const vms = n.vms.filter((v) => v !== g.proxyVmName);
        const num = net(n.name);
        if (vms.length === 0 || num === undefined) continue;
        const lease = leaseName(num);
        if (g.removeLeasesInUse.includes(lease)) {
            warnings.push(
                `removing lease ${lease} although VMs use its network ${n.name}: ${list(vms)} (ovirt-ci:removeLeasesInUse lists it); ` +
                    "their NICs on it are unplugged and removed, and the CI job running there loses its gateway, DNS and routes",
            );
        } else {
            refusals.push(
                `lease ${lease} is still in use: its network ${n.name} has VMs other than the proxy VM on it: ${list(vms)} (a CI job's cluster). ` +
                    `Nothing was changed. Fix: take ${lease} out of boskos first and wait until no job holds it (the CI cleanup removes the VMs), ` +
                    `then run up again; or, to end that job now, add it to the override: pulumi config set --path 'ovirt-ci:removeLeasesInUse[0]' ${lease}`,
            );
        }
    }
    for (const d of usage.storageDomains) {
        const num = sd(d.name);
        if (d.disks.length === 0 || num === undefined) continue;
        const lease = upgradeLeaseName(num);
        // no override: removing the domain needs it empty, and deleting a job's disks is not the program's to do
        refusals.push(
            `upgrade lease ${lease} is still in use: its storage domain ${d.name} holds ${d.disks.length} disk(s): ${list(d.disks)}. ` +
                `Nothing was changed. Fix: take ${lease} out of boskos first and wait until no job holds it, remove the VMs/templates/disks ` +
                "left on the domain (the CI cleanup does it for jobs), then run up again",
        );
    }
    return { refusals, warnings };
}
