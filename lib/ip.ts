import * as ipaddr from "ipaddr.js";

/** An IPv4 network in CIDR form, with its parts pre-computed. */
export interface Ipv4Cidr {
    /** The network address, e.g. `192.168.210.0`. */
    readonly network: string;
    /** Prefix length, 0..32. */
    readonly prefixLength: number;
    /** Canonical text, e.g. `192.168.210.0/24`. */
    readonly cidr: string;
}

/** True for a dotted-quad IPv4 address (four decimal parts, no leading zeros, no shorthand). */
export function isIpv4(text: string): boolean {
    return ipaddr.IPv4.isValidFourPartDecimal(text) && !/(^|\.)0\d/.test(text);
}

/** IPv4 address → unsigned 32-bit integer. Throws on anything but a dotted quad. */
export function ipv4ToInt(text: string): number {
    if (!isIpv4(text)) {
        throw new Error(`not an IPv4 address: ${JSON.stringify(text)}`);
    }
    return ipaddr.IPv4.parse(text).octets.reduce((acc, o) => acc * 256 + o, 0);
}

/** Unsigned 32-bit integer → dotted quad. */
export function intToIpv4(value: number): string {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw new Error(`not a 32-bit address value: ${value}`);
    }
    return ipaddr.fromByteArray([24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256)).toString();
}

/**
 * Parses `a.b.c.d/n` strictly: a dotted quad, a decimal prefix 0..32 and no host bits set.
 * Returns undefined (never throws) so callers can report the problem with context.
 */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
    const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
    if (!m || !isIpv4(m[1]) || Number(m[2]) > 32) {
        return undefined;
    }
    const cidr = networkOf(m[1], Number(m[2]));
    return cidr.network === m[1] ? cidr : undefined;
}

/** Why {@link parseIpv4Cidr} rejected a text, for error messages. */
export function explainBadCidr(text: string): string {
    const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
    if (!m) {
        return "is not in a.b.c.d/n form";
    }
    if (!isIpv4(m[1])) {
        return `has an invalid address part ${JSON.stringify(m[1])}`;
    }
    if (Number(m[2]) > 32) {
        return `has a prefix length ${m[2]} above 32`;
    }
    return `has host bits set (the network is ${networkOf(m[1], Number(m[2])).cidr})`;
}

/** The network of `prefixLength` bits that holds `address`, e.g. (`203.0.113.10`, 24) → `203.0.113.0/24`. */
export function networkOf(address: string, prefixLength: number): Ipv4Cidr {
    const network = ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefixLength}`).toString();
    return { network, prefixLength, cidr: `${network}/${prefixLength}` };
}

/** Number of addresses in a block of the given prefix length. */
export function blockSize(prefixLength: number): number {
    return 2 ** (32 - prefixLength);
}

/** Dotted-quad netmask for a prefix length (24 → 255.255.255.0). */
export function netmask(prefixLength: number): string {
    return ipaddr.IPv4.subnetMaskFromPrefixLength(prefixLength).toString();
}

/** True when `inner` (an address or a CIDR) lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr | string): boolean {
    const [address, prefixLength] = typeof inner === "string" ? [inner, 32] : [inner.network, inner.prefixLength];
    return (
        prefixLength >= outer.prefixLength &&
        ipaddr.IPv4.parse(address).match(ipaddr.IPv4.parse(outer.network), outer.prefixLength)
    );
}

/** The `index`-th address of a network (0 = the network address). */
export function hostAddress(network: Ipv4Cidr, index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= blockSize(network.prefixLength)) {
        throw new Error(`host index ${index} is outside ${network.cidr}`);
    }
    return intToIpv4(ipv4ToInt(network.network) + index);
}
