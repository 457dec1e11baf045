/**
 * The lease model: pure functions from a lease number to every name and address the CI contract
 * (`docs/ci-contract.md` sections 4, 5, 11) derives from it. Nothing here is typed by hand: the historical
 * config once carried `192.168.24.30` for lease 24, so every address is computed from the number.
 */
import { Static } from "@sinclair/typebox";
import { AddressingSchema, NamingSchema, defaultOf } from "./configSchema";
import { expandPattern } from "./configFormats";
import { blockSize, cidrContains, hostAddress, intToIpv4, ipv4ToInt, netmask, parseIpv4Cidr } from "./ip";

/** How lease networks are carved out of an address pool (fields and defaults: `AddressingSchema` in ./configSchema). */
export type AddressingScheme = Readonly<Static<typeof AddressingSchema>>;

/** Name patterns; `{n}` is the lease number, `{nn}` the number zero-padded to two digits (`NamingSchema`). */
export type NamingScheme = Readonly<Static<typeof NamingSchema>>;

/** The addressing of `docs/ci-contract.md` section 11, reproduced exactly: the schema's defaults. */
export const DEFAULT_ADDRESSING = Object.freeze(defaultOf(AddressingSchema)) as AddressingScheme;

/** The historical names (`ovirt10`, `ovn-vmnet-10`): the schema's defaults. */
export const DEFAULT_NAMING = Object.freeze(defaultOf(NamingSchema)) as NamingScheme;

/** Everything a lease derives from its number. */
export interface LeaseScheme {
    readonly baseDomain: string;
    readonly addressing: AddressingScheme;
    readonly naming: NamingScheme;
}

/** One install lease, `ovirt-N`, fully derived. */
export interface LeaseInfo {
    readonly number: number;
    /** Boskos name and Vault key stem: `ovirt-N` (unpadded, as the upstream generator emits it). */
    readonly name: string;
    /** Vault key / profile file name: `ovirt-N.json`. */
    readonly fileName: string;
    /** `cluster_name`: `ovirtN`. */
    readonly clusterName: string;
    /** `ovirt_network_name`: `ovn-vmnet-N`. */
    readonly networkName: string;
    /** The proxy VM's guest interface on this network. */
    readonly interfaceName: string;
    /** Lease subnet, e.g. `192.168.210.0/24`. */
    readonly subnet: string;
    readonly subnetPrefixLength: number;
    /** Dotted netmask of the subnet, e.g. `255.255.255.0`. */
    readonly netmask: string;
    /** Gateway, the proxy VM's address on the network (`.1`). */
    readonly gateway: string;
    /** DHCP pool served by the proxy VM (`.101`–`.150`). */
    readonly dhcpRange: { readonly start: string; readonly end: string };
    /** DHCP lease time (dnsmasq syntax). */
    readonly dhcpLeaseTime: string;
    readonly apiVip: string;
    readonly dnsVip: string;
    readonly ingressVip: string;
    readonly machineNetworkCidr: string;
    readonly baseDomain: string;
    /** `api.<cluster>.<base>`. */
    readonly apiFqdn: string;
    /** `apps.<cluster>.<base>`. */
    readonly appsDomain: string;
    /** `*.apps.<cluster>.<base>`. */
    readonly appsWildcard: string;
}

/** One upgrade lease, `ovirt-upgrade-N`: a dedicated NFS storage domain. */
export interface UpgradeLeaseInfo {
    readonly number: number;
    /** Boskos name: `ovirt-upgrade-N`. */
    readonly name: string;
    /** Vault key / profile file name: `ovirt-upgrade-N.json`. */
    readonly fileName: string;
    /** oVirt storage domain name. */
    readonly storageDomainName: string;
    /** NFS server (host name or address). */
    readonly nfsServer: string;
    /** NFS export path. */
    readonly nfsPath: string;
}

/** Patterns for {@link upgradeLease}. */
export interface UpgradeLeaseScheme {
    readonly nfsServer: string;
    /** @default "/exports/ovirt-upgrade-{n}" */
    readonly exportPathPattern: string;
    /** @default "ovirt-upgrade-{n}" */
    readonly storageDomainNamePattern: string;
}

/** Replaces `{n}` with the number and `{nn}` with the number zero-padded to two digits. */
export { expandPattern };

/** The boskos name of install lease N. */
export function leaseName(n: number): string {
    return `ovirt-${n}`;
}

/** The boskos name of upgrade lease N. */
export function upgradeLeaseName(n: number): string {
    return `ovirt-upgrade-${n}`;
}

/**
 * The lease numbers an addressing scheme can hold: subnet index `subnetOffset + N` must lie inside the pool.
 * Returns `{ min, max }` (max < min when none fits) or undefined when the scheme itself is invalid.
 */
export function leaseNumberRange(addressing: AddressingScheme): { min: number; max: number } | undefined {
    const pool = parseIpv4Cidr(addressing.subnetPool);
    if (!pool || addressing.subnetPrefixLength < pool.prefixLength || addressing.subnetPrefixLength > 32) {
        return undefined;
    }
    const subnets = 2 ** (addressing.subnetPrefixLength - pool.prefixLength);
    return { min: Math.max(1, -addressing.subnetOffset), max: subnets - 1 - addressing.subnetOffset };
}

/** The subnet (CIDR) of lease N. Throws when the scheme cannot hold N. */
export function leaseSubnet(n: number, addressing: AddressingScheme): string {
    const pool = parseIpv4Cidr(addressing.subnetPool);
    const range = leaseNumberRange(addressing);
    if (!pool || !range) {
        throw new Error(
            `invalid addressing scheme: subnetPool ${addressing.subnetPool}, /${addressing.subnetPrefixLength}`,
        );
    }
    if (!Number.isInteger(n) || n < range.min || n > range.max) {
        throw new Error(
            `lease ${n} does not fit the addressing scheme: ${addressing.subnetPool} split into ` +
                `/${addressing.subnetPrefixLength} subnets with offset ${addressing.subnetOffset} holds leases ${range.min}..${range.max}`,
        );
    }
    const start = ipv4ToInt(pool.network) + (addressing.subnetOffset + n) * blockSize(addressing.subnetPrefixLength);
    return `${intToIpv4(start)}/${addressing.subnetPrefixLength}`;
}

/** Derives every name and address of install lease `ovirt-N`. Throws on a number the scheme cannot hold. */
export function lease(n: number, scheme: LeaseScheme): LeaseInfo {
    const { addressing, naming, baseDomain } = scheme;
    const subnetText = leaseSubnet(n, addressing);
    const subnet = parseIpv4Cidr(subnetText)!;
    const machineNetwork = parseIpv4Cidr(addressing.machineNetworkCidr);
    if (!machineNetwork || !cidrContains(machineNetwork, subnet)) {
        throw new Error(
            `lease ${n}: subnet ${subnetText} is outside machineNetworkCidr ${addressing.machineNetworkCidr}`,
        );
    }
    const host = (offset: number) => hostAddress(subnet, offset);
    const clusterName = expandPattern(naming.clusterName, n);
    const appsDomain = `apps.${clusterName}.${baseDomain}`;
    return {
        number: n,
        name: leaseName(n),
        fileName: `${leaseName(n)}.json`,
        clusterName,
        networkName: expandPattern(naming.networkName, n),
        interfaceName: expandPattern(naming.interfaceName, n),
        subnet: subnet.cidr,
        subnetPrefixLength: subnet.prefixLength,
        netmask: netmask(subnet.prefixLength),
        gateway: host(addressing.gatewayHost),
        dhcpRange: { start: host(addressing.dhcpFirstHost), end: host(addressing.dhcpLastHost) },
        dhcpLeaseTime: addressing.dhcpLeaseTime,
        apiVip: host(addressing.apiVipHost),
        dnsVip: host(addressing.dnsVipHost),
        ingressVip: host(addressing.ingressVipHost),
        machineNetworkCidr: machineNetwork.cidr,
        baseDomain,
        apiFqdn: `api.${clusterName}.${baseDomain}`,
        appsDomain,
        appsWildcard: `*.${appsDomain}`,
    };
}

/** Derives lease info for several numbers, sorted by number (the order every renderer uses). */
export function leases(numbers: readonly number[], scheme: LeaseScheme): LeaseInfo[] {
    return [...numbers].sort((a, b) => a - b).map((n) => lease(n, scheme));
}

/** Derives upgrade lease `ovirt-upgrade-N`. */
export function upgradeLease(n: number, scheme: UpgradeLeaseScheme): UpgradeLeaseInfo {
    if (!Number.isInteger(n) || n < 1) {
        throw new Error(`upgrade lease number must be a positive integer, got ${n}`);
    }
    return {
        number: n,
        name: upgradeLeaseName(n),
        fileName: `${upgradeLeaseName(n)}.json`,
        storageDomainName: expandPattern(scheme.storageDomainNamePattern, n),
        nfsServer: scheme.nfsServer,
        nfsPath: expandPattern(scheme.exportPathPattern, n),
    };
}

/** Derives several upgrade leases, sorted by number. */
export function upgradeLeases(numbers: readonly number[], scheme: UpgradeLeaseScheme): UpgradeLeaseInfo[] {
    return [...numbers].sort((a, b) => a - b).map((n) => upgradeLease(n, scheme));
}
