import * as pulumi from "@pulumi/pulumi";
import { EngineObject } from "../providers/ovirt/engineObject";
import { PROTECTED_ENTRIES, protectionOf } from "../lib/protection";

/** Arguments for {@link Engine}. */
export interface EngineArgs {
    /** Data center of the CI environment (adopted by name). */
    readonly dataCenter: pulumi.Input<string>;
    /** oVirt cluster the leases and the proxy VM run in (adopted by name, must be in the data center). */
    readonly cluster: pulumi.Input<string>;
    /** Storage domain shared by every install lease (adopted by name, must be attached to the data center). */
    readonly mainStorageDomain: pulumi.Input<string>;
    /**
     * External network provider of the lease networks (`ovirt-ci:ovnProviderName`).
     */
    readonly ovnProviderName: pulumi.Input<string>;
    /**
     * The engine CA (PEM). When given it is used as is; when absent it is fetched from
     * `/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA` and kept in state
     * (a refresh re-fetches it, so a rotated CA shows as drift).
     */
    readonly caPem?: pulumi.Input<string>;
    /** `ovirt-ci:allowReplace`: the main storage domain is protected unless it lists `mainStorageDomain`. */
    readonly allowReplace?: readonly string[];
}

/**
 * The engine objects the CI environment builds on, adopted by name and never created, changed or deleted
 * (see `components/engineObject.ts` for why adoption is a resource and not a lookup), plus the engine CA.
 */
export class Engine extends pulumi.ComponentResource {
    public readonly dataCenterId: pulumi.Output<string>;
    public readonly clusterId: pulumi.Output<string>;
    public readonly mainStorageDomainId: pulumi.Output<string>;
    public readonly ovnProviderId: pulumi.Output<string>;
    /** The engine CA certificate (PEM); public data. */
    public readonly caPem: pulumi.Output<string>;

    constructor(name: string, args: EngineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ovirt-ci:engine:Engine", name, {}, opts);
        const dc = new EngineObject(
            `${name}-data-center`,
            { kind: "dataCenter", name: args.dataCenter },
            { parent: this },
        );
        this.dataCenterId = dc.id;
        const cluster = new EngineObject(
            `${name}-cluster`,
            { kind: "cluster", name: args.cluster, dataCenterId: dc.id },
            { parent: this },
        );
        // Every lease file names this domain: adopting another one is a deliberate act (lib/protection.ts).
        const storageGuard = protectionOf(args.allowReplace ?? [], PROTECTED_ENTRIES.mainStorageDomain);
        const storage = new EngineObject(
            `${name}-main-storage-domain`,
            {
                kind: "storageDomain",
                name: args.mainStorageDomain,
                dataCenterId: dc.id,
                protection: storageGuard.protection,
            },
            { parent: this, protect: storageGuard.protect },
        );
        const ovn = new EngineObject(
            `${name}-ovn-provider`,
            { kind: "ovnProvider", name: args.ovnProviderName },
            { parent: this },
        );
        this.clusterId = cluster.id;
        this.mainStorageDomainId = storage.id;
        this.ovnProviderId = ovn.id;
        if (args.caPem !== undefined) {
            this.caPem = pulumi.output(args.caPem);
        } else {
            const ca = new EngineObject(`${name}-ca`, { kind: "caCertificate", name: "engine" }, { parent: this });
            this.caPem = ca.pem;
        }
        this.registerOutputs({
            dataCenterId: this.dataCenterId,
            clusterId: this.clusterId,
            mainStorageDomainId: this.mainStorageDomainId,
            ovnProviderId: this.ovnProviderId,
            caPem: this.caPem,
        });
    }
}
