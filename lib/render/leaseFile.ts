/**
 * `ovirt-N.json` and `ovirt-upgrade-N.json`, the lease files of the CI profile (`docs/ci-contract.md` sections 4, 5).
 *
 * Format decisions: the eight keys in the order of the contract's example, every value a string, 2-space
 * indentation like the historical files, and a trailing newline. The step reads each key with `jq -r`, which
 * ignores the trailing newline; a text file ending in a newline keeps `cat`/`diff` output clean.
 */
import * as pulumi from "@pulumi/pulumi";
import { LeaseInfo } from "../leaseModel";
import { isUuid } from "../uuid";

/** The engine ids shared by every install lease file. */
export interface LeaseFileIds {
    /** The engine cluster id (`ovirt_cluster_id`). */
    readonly clusterId: string;
    /** The main storage domain id (`ovirt_storage_domain_id`). */
    readonly storageDomainId: string;
}

/** The keys of an install lease file, in output order. */
export const LEASE_FILE_KEYS = [
    "cluster_name",
    "ovirt_network_name",
    "ovirt_apivip",
    "ovirt_dnsvip",
    "ovirt_ingressvip",
    "machine_network_cidr",
    "ovirt_cluster_id",
    "ovirt_storage_domain_id",
] as const;

/** Throws unless `id` is a UUID: a missing id must never reach the file as `null` or `undefined`. */
export function requireUuid(what: string, id: string): string {
    if (typeof id !== "string" || !isUuid(id)) {
        throw new Error(`${what} must be a UUID, got ${JSON.stringify(id)}`);
    }
    return id;
}

/** JSON text with 2-space indentation and a trailing newline. */
export function toJsonFile(value: Record<string, string>): string {
    return `${JSON.stringify(value, null, 2)}\n`;
}

/** Renders `ovirt-N.json`: exactly the eight contract keys, all strings. */
export function renderLeaseFile(lease: LeaseInfo, ids: LeaseFileIds): string {
    const values: Record<(typeof LEASE_FILE_KEYS)[number], string> = {
        cluster_name: lease.clusterName,
        ovirt_network_name: lease.networkName,
        ovirt_apivip: lease.apiVip,
        ovirt_dnsvip: lease.dnsVip,
        ovirt_ingressvip: lease.ingressVip,
        machine_network_cidr: lease.machineNetworkCidr,
        ovirt_cluster_id: requireUuid(`${lease.fileName}: ovirt_cluster_id`, ids.clusterId),
        ovirt_storage_domain_id: requireUuid(`${lease.fileName}: ovirt_storage_domain_id`, ids.storageDomainId),
    };
    return toJsonFile(Object.fromEntries(LEASE_FILE_KEYS.map((key) => [key, values[key]])));
}

/** Renders `ovirt-upgrade-N.json`: one key, the upgrade lease's own storage domain. */
export function renderUpgradeLeaseFile(storageDomainId: string): string {
    return toJsonFile({
        ovirt_storage_domain_id: requireUuid("ovirt-upgrade lease file: ovirt_storage_domain_id", storageDomainId),
    });
}

/** {@link renderLeaseFile} over engine ids that are still Outputs. */
export function leaseFileOutput(
    lease: LeaseInfo,
    clusterId: pulumi.Input<string>,
    storageDomainId: pulumi.Input<string>,
): pulumi.Output<string> {
    return pulumi
        .all([clusterId, storageDomainId])
        .apply(([c, s]) => renderLeaseFile(lease, { clusterId: c, storageDomainId: s }));
}

/** {@link renderUpgradeLeaseFile} over a storage domain id that is still an Output. */
export function upgradeLeaseFileOutput(storageDomainId: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(storageDomainId).apply(renderUpgradeLeaseFile);
}
