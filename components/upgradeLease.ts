import * as pulumi from "@pulumi/pulumi";
import { UpgradeLeaseInfo } from "../lib/leaseModel";
import { upgradeLeaseFileOutput } from "../lib/render/upgradeLeaseFile";
import { NFS_VERSIONS, StorageDomain } from "../providers/ovirt/storageDomain";
import { formatsOnRemove, protectionOf } from "../lib/protection";

/** Arguments for {@link UpgradeLease}. */
export interface UpgradeLeaseArgs {
    /** The upgrade lease, derived from its number (`lib/leaseModel.ts`). */
    readonly info: UpgradeLeaseInfo;
    /** Data center the storage domain is attached to (and kept active in). */
    readonly dataCenterId: pulumi.Input<string>;
    /**
     * Host that connects the storage when the domain is created (must be up). Only used on create: later changes
     * are ignored, so editing the host list never replaces (and formats) a storage domain.
     */
    readonly hostId: pulumi.Input<string>;
    /** oVirt `nfs_version` (`ovirt-ci:upgradeStorage.nfsVersion`). */
    readonly nfsVersion: pulumi.Input<(typeof NFS_VERSIONS)[number]>;
    /** `ovirt-ci:allowReplace`: the domain is protected unless it lists the lease's name (lib/protection.ts). */
    readonly allowReplace?: readonly string[];
    /** `ovirt-ci:formatUpgradeStorage`: the domain is formatted on removal only when it lists the lease's name. */
    readonly formatUpgradeStorage?: readonly string[];
}

/**
 * One upgrade lease `ovirt-upgrade-N` (`docs/ci-contract.md` sections 5, 13): its own NFS data storage domain, attached
 * to the data center and active, and its lease file `ovirt-upgrade-N.json` (one key: the domain's id).
 */
export class UpgradeLease extends pulumi.ComponentResource {
    public readonly info: UpgradeLeaseInfo;
    public readonly storageDomainId: pulumi.Output<string>;
    public readonly leaseFile: pulumi.Output<string>;

    constructor(name: string, args: UpgradeLeaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ovirt-ci:upgradeLease:UpgradeLease", name, {}, opts);
        const info = args.info;
        if (name !== info.name) {
            throw new pulumi.ResourceError(
                `UpgradeLease "${name}": the component must be named after its lease (${info.name})`,
                this,
            );
        }
        const guard = protectionOf(args.allowReplace ?? [], info.name);
        const domain = new StorageDomain(
            `${name}-storage-domain`,
            {
                name: info.storageDomainName,
                dataCenterId: args.dataCenterId,
                hostId: args.hostId,
                nfsAddress: info.nfsServer,
                nfsPath: info.nfsPath,
                nfsVersion: args.nfsVersion,
                active: true,
                description: `ovirt-ci upgrade lease ${info.name}`,
                // The upgrade jobs' data: never wiped unless the operator said so for this lease.
                formatOnDelete: formatsOnRemove(args.formatUpgradeStorage ?? [], info.name),
                protection: guard.protection,
            },
            { parent: this, ignoreChanges: ["hostId"], protect: guard.protect },
        );
        this.info = info;
        this.storageDomainId = domain.id;
        this.leaseFile = upgradeLeaseFileOutput(domain.id);
        this.registerOutputs({ storageDomainId: this.storageDomainId, leaseFile: this.leaseFile });
    }
}
