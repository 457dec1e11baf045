/**
 * Small pure helpers of `index.ts` (kept out of it so the program stays wiring only): the stack outputs and the
 * choice of the host that connects new storage domains.
 */
import * as pulumi from "@pulumi/pulumi";
import { HostSpec } from "../lib/config";
import { DnsRecord } from "../lib/render/dnsRecords";
import { Engine } from "./engine";
import { Lease } from "./lease";
import { ProxyVm } from "./proxyVm";
import { fingerprintOf } from "../providers/ovirt/sshHostKey";
import { UpgradeLease } from "./upgradeLease";

/** One install lease as the `leases` stack output shows it (no secret, no engine credentials). */
export interface LeaseSummary {
    readonly name: string;
    readonly clusterName: string;
    readonly network: string;
    readonly subnet: string;
    readonly gateway: string;
    readonly vips: { readonly api: string; readonly dns: string; readonly ingress: string };
    readonly fqdn: { readonly api: string; readonly apps: string };
}

/** The host that connects new upgrade storage domains: the first host name in sort order (stable under reordering). */
export function storageHostName(hosts: readonly Pick<HostSpec, "name">[]): string {
    const names = hosts.map((h) => h.name).sort();
    if (names.length === 0) {
        throw new Error("no hosts configured: a storage domain needs an up host to connect it");
    }
    return names[0];
}

/** Inputs of {@link programOutputs}. */
export interface ProgramOutputsArgs {
    readonly leases: readonly Lease[];
    readonly upgrades: readonly UpgradeLease[];
    readonly engine: Engine;
    readonly proxy: ProxyVm;
    readonly vaultItemPath: pulumi.Output<string>;
}

/** The stack outputs besides `boskos`. */
export function programOutputs(args: ProgramOutputsArgs) {
    const leases: LeaseSummary[] = args.leases.map(({ info }) => ({
        name: info.name,
        clusterName: info.clusterName,
        network: info.networkName,
        subnet: info.subnet,
        gateway: info.gateway,
        vips: { api: info.apiVip, dns: info.dnsVip, ingress: info.ingressVip },
        fqdn: { api: info.apiFqdn, apps: info.appsWildcard },
    }));
    return {
        leases,
        upgradeStorageDomainIds: pulumi.output(
            Object.fromEntries(args.upgrades.map((u) => [u.info.name, u.storageDomainId])),
        ),
        dnsRecords: pulumi.all(args.leases.map((l) => l.dnsRecords)).apply((r): DnsRecord[] => r.flat()),
        engine: pulumi.output({
            dataCenterId: args.engine.dataCenterId,
            clusterId: args.engine.clusterId,
            mainStorageDomainId: args.engine.mainStorageDomainId,
            ovnProviderId: args.engine.ovnProviderId,
        }),
        vaultItemPath: args.vaultItemPath,
        // the pinned host key (public) and its fingerprint, for the operator's check on the console and the doctor
        proxy: pulumi.output({
            address: args.proxy.address,
            vmId: args.proxy.vmId,
            hostKey: args.proxy.hostKey,
            hostKeyFingerprint: args.proxy.hostKey.apply(fingerprintOf),
        }),
    };
}
