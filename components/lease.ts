import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { LeaseInfo } from "../lib/leaseModel";
import { DnsRecord, dnsRecords } from "../lib/render/dnsRecords";
import { leaseFileOutput } from "../lib/render/leaseFile";
import { Network } from "../providers/ovirt/network";
import { OvnNetworkPortSecurity, OvnPortSecurity } from "../providers/ovirt/portSecurity";
import { VmNic } from "../providers/ovirt/vmNic";
import { LeaseLayout, leaseNicName } from "../lib/proxy/layout";
import { leaseCommandScripts } from "../lib/render/proxy/lease";
import { ProxyVm } from "./proxyVm";

/** Arguments for {@link Lease}. */
export interface LeaseArgs {
    /** The lease, derived from its number (`lib/leaseModel.ts`). */
    readonly info: LeaseInfo;
    readonly dataCenterId: pulumi.Input<string>;
    /** The cluster the network is assigned to (not required) and the lease file's `ovirt_cluster_id`. */
    readonly clusterId: pulumi.Input<string>;
    /** The lease file's `ovirt_storage_domain_id` (the main storage domain, shared by every install lease). */
    readonly storageDomainId: pulumi.Input<string>;
    /** The OVN provider the network is created on. */
    readonly ovnProviderId: pulumi.Input<string>;
    /** The proxy VM that routes, serves DHCP/DNS and NATs for this lease. */
    readonly proxy: ProxyVm;
    /**
     * OVN port security of the network and of the proxy's port on it (docs/ovn.md).
     * `ovirt-ci:ovnPortSecurity`, off by default: the installer's floating VIPs and the proxy's routed traffic need it
     * off (docs/ci-contract.md 12.1).
     */
    readonly ovnPortSecurity: boolean;
    /**
     * How the lease is laid out on the proxy (lib/proxy/layout.ts). Moving a lease from the playbooks' layout
     * to ours replaces its NIC and configuration: the preflight refuses it while a job holds the lease.
     * @default ovirt-ci
     */
    readonly layout?: LeaseLayout;
}

/**
 * One install lease `ovirt-N` (`docs/ci-contract.md` sections 4, 11, 12): its OVN network, the proxy VM's NIC on it,
 * the proxy configuration for it (interface address, its own dnsmasq instance, its own NAT table), its lease
 * file, and the public DNS records it needs. Every child is named after the lease (`ovirt-10-network`, ...), so
 * adding or removing other leases never renames, replaces or readdresses this one.
 */
export class Lease extends pulumi.ComponentResource {
    public readonly info: LeaseInfo;
    public readonly networkId: pulumi.Output<string>;
    public readonly vnicProfileId: pulumi.Output<string>;
    /** MAC of the proxy VM's NIC on this network. */
    public readonly proxyNicMac: pulumi.Output<string>;
    /** `ovirt-N.json`: exactly the eight contract keys. */
    public readonly leaseFile: pulumi.Output<string>;
    /** `api.<cluster>.<base>` and `*.apps.<cluster>.<base>` → the proxy's external address. */
    public readonly dnsRecords: pulumi.Output<DnsRecord[]>;

    constructor(name: string, args: LeaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ovirt-ci:lease:Lease", name, {}, opts);
        const info = args.info;
        if (name !== info.name) {
            // Identity is the lease name: a component named otherwise would rename every child on the next change.
            throw new pulumi.ResourceError(
                `Lease "${name}": the component must be named after its lease (${info.name})`,
                this,
            );
        }
        const network = new Network(
            `${name}-network`,
            {
                name: info.networkName,
                dataCenterId: args.dataCenterId,
                externalProviderId: args.ovnProviderId,
                clusterId: args.clusterId, // assigned with required=false (docs/ci-contract.md section 12.1)
                description: `ovirt-ci lease ${info.name}: ${info.subnet}, cluster ${info.clusterName}`,
            },
            { parent: this },
        );
        const portSecurityEnabled = args.ovnPortSecurity;
        // Before any port exists on the network: a port takes the network's flag when the engine allocates it.
        const networkPortSecurity = new OvnNetworkPortSecurity(
            `${name}-port-security`,
            { networkName: network.name, networkId: network.id, portSecurityEnabled },
            { parent: this },
        );
        const layout = args.layout ?? { kind: "ovirt-ci" };
        const nic = new VmNic(
            `${name}-proxy-nic`,
            { vmId: args.proxy.vmId, name: leaseNicName(info, layout), vnicProfileId: network.vnicProfileId },
            // after the external NIC, so that one stays the guest's first NIC (eth0, configured by cloud-init)
            { parent: this, dependsOn: [args.proxy.externalNic, networkPortSecurity] },
        );
        // The proxy's port is checked and corrected on its own: one made before the network's flag was set (an
        // older stack, a hand change) keeps its own flag, and drift on it is found by the next refresh.
        new OvnPortSecurity(
            `${name}-proxy-port-security`,
            { networkName: network.name, macAddress: nic.mac, portSecurityEnabled },
            { parent: this },
        );
        const target = args.proxy.target;
        const scripts = nic.mac.apply((mac) => leaseCommandScripts(target, info, layout, mac));
        new command.remote.Command(
            // the playbooks' layout under its own name: the state tells which layout a lease is in
            layout.kind === "playbooks" ? `${name}-proxy-adopted` : `${name}-proxy-config`,
            {
                connection: args.proxy.connection,
                create: scripts.create,
                delete: scripts.delete,
                addPreviousOutputInEnv: false,
            },
            { parent: this, dependsOn: [args.proxy.setup, nic] },
        );

        this.info = info;
        this.networkId = network.id;
        this.vnicProfileId = network.vnicProfileId;
        this.proxyNicMac = nic.mac;
        this.leaseFile = leaseFileOutput(info, args.clusterId, args.storageDomainId);
        this.dnsRecords = args.proxy.address.apply((a) => dnsRecords([info], a));
        this.registerOutputs({ networkId: this.networkId, leaseFile: this.leaseFile, dnsRecords: this.dnsRecords });
    }
}
