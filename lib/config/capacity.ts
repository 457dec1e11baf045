/**
 * The capacity guard: every lease may run a full OpenShift cluster at once (CI runs leases in parallel), so the hosts
 * must hold them all, with the memory overcommit and vCPU allowance of the oVirt cluster.
 */
import { ClusterFootprintSchema, HostSchema } from "../configSchema";
import { Static } from "@sinclair/typebox";

/** Inputs of {@link checkCapacity}. */
export interface CapacityInput {
    readonly hosts: readonly Pick<Static<typeof HostSchema>, "cpuCores" | "memoryGiB">[];
    readonly footprint: Readonly<Static<typeof ClusterFootprintSchema>>;
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
    const vcpuCapacity = Math.floor(
        (input.hosts.reduce((s, h) => s + h.cpuCores, 0) * input.cpuOvercommitPercent) / 100,
    );
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
    return {
        fits,
        leaseCount: input.leaseCount,
        maxLeases,
        memoryCapacityMiB,
        memoryDemandMiB,
        vcpuCapacity,
        vcpuDemand,
        summary,
    };
}
