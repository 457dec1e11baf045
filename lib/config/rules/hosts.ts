/** The hosts against each other, and against the leases they must run (the capacity guard). */
import { CapacityReport, checkCapacity } from "../capacity";
import { RuleInput } from "./input";

/** No two hosts share a name or an address. */
export function checkUniqueHosts({ p, c }: RuleInput): void {
    if (!Array.isArray(c.hosts)) return;
    const seen = new Map<string, number>();
    c.hosts.forEach((h, i) => {
        if (!p.ok(`hosts[${i}].name`) || typeof h.address !== "string") return;
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

/** The capacity guard: the leases fit the hosts, unless capacityOverride accepts the excess. */
export function checkLeasesFitHosts({ p, c, raw, leases }: RuleInput): CapacityReport | undefined {
    if (!leases || !p.ok("hosts", "clusterFootprint", "memoryOvercommitPercent", "cpuOvercommitPercent")) {
        return undefined;
    }
    const proxyVm = p.ok("proxyVm") ? c.proxyVm : undefined;
    const capacity = checkCapacity({
        hosts: c.hosts,
        footprint: c.clusterFootprint,
        leaseCount: leases.length,
        memoryOvercommitPercent: c.memoryOvercommitPercent,
        cpuOvercommitPercent: c.cpuOvercommitPercent,
        reservedMemoryMiB: proxyVm?.memoryMiB ?? 0,
        reservedVcpus: proxyVm?.cpuCores ?? 0,
    });
    if (!capacity.fits && c.capacityOverride !== true) {
        p.add(
            "leases",
            raw.leases,
            `are more than the hosts can hold: ${capacity.summary}`,
            `reduce the leases to at most ${capacity.maxLeases}, add hosts, raise memoryOvercommitPercent, or set capacityOverride: true`,
        );
    }
    return capacity;
}
