/** The addressing scheme against itself and against the leases it must hold. */
import { blockSize, cidrContains, parseIpv4Cidr } from "../../ip";
import { AddressingScheme, leaseNumberRange, leaseSubnet } from "../../leaseModel";
import { Problems } from "../problems";
import { RuleInput } from "./input";

const key = (name: string) => `addressing.${name}`;

/** A lease subnet is not larger than the pool it is cut from. */
export function checkPrefixInPool({ p, c }: RuleInput): void {
    if (!p.ok(key("subnetPool"), key("subnetPrefixLength"))) return;
    const pool = parseIpv4Cidr(c.addressing.subnetPool)!;
    const prefix = c.addressing.subnetPrefixLength;
    if (prefix < pool.prefixLength) {
        p.add(
            key("subnetPrefixLength"),
            prefix,
            `is shorter than the pool's /${pool.prefixLength}: a lease subnet cannot be larger than the pool`,
            `use a prefix length between ${pool.prefixLength} and 30`,
        );
    }
}

const HOST_OFFSET_KEYS = [
    "gatewayHost",
    "dhcpFirstHost",
    "dhcpLastHost",
    "apiVipHost",
    "dnsVipHost",
    "ingressVipHost",
] as const;

/** Every host offset inside its subnet; a non-empty DHCP range; the gateway and VIPs distinct and outside it. */
export function checkHostOffsets({ p, c }: RuleInput): void {
    const a = c.addressing;
    const prefix = p.ok(key("subnetPrefixLength")) ? a.subnetPrefixLength : undefined;
    const size = prefix === undefined ? undefined : blockSize(prefix);
    for (const name of HOST_OFFSET_KEYS) {
        const n = a[name];
        if (p.ok(key(name)) && size !== undefined && (n < 1 || n > size - 2)) {
            p.add(
                key(name),
                n,
                `is outside its /${prefix} subnet (usable host offsets are 1..${size - 2})`,
                `choose an offset between 1 and ${size - 2}`,
            );
        }
    }
    const usable = (name: (typeof HOST_OFFSET_KEYS)[number]) => (p.ok(key(name)) ? a[name] : undefined);
    const first = usable("dhcpFirstHost");
    const last = usable("dhcpLastHost");
    if (first !== undefined && last !== undefined && first > last) {
        p.add(
            key("dhcpFirstHost"),
            first,
            `is above dhcpLastHost ${last}: the DHCP range is empty`,
            "make dhcpFirstHost ≤ dhcpLastHost",
        );
    }
    const fixed = (["gatewayHost", "apiVipHost", "dnsVipHost", "ingressVipHost"] as const).map(
        (name) => [name, usable(name)] as const,
    );
    for (let i = 0; i < fixed.length; i++) {
        const [name, n] = fixed[i];
        if (n === undefined) continue;
        for (let j = i + 1; j < fixed.length; j++) {
            if (fixed[j][1] === n) {
                p.add(
                    key(fixed[j][0]),
                    n,
                    `is the same host offset as ${name}`,
                    "give the gateway and each VIP its own address",
                );
            }
        }
        if (first !== undefined && last !== undefined && n >= first && n <= last) {
            p.add(
                key(name),
                n,
                `lies inside the DHCP range ${first}..${last}; DHCP could hand it to a VM`,
                "move it outside the DHCP range",
            );
        }
    }
}

/** Every lease fits the addressing scheme's pool, and the machine network holds every lease subnet. */
export function checkLeasesFitAddressing(
    p: Problems,
    addressing: AddressingScheme,
    leaseNumbers: readonly number[],
): void {
    const range = leaseNumberRange(addressing);
    const machine = parseIpv4Cidr(addressing.machineNetworkCidr)!;
    for (const n of leaseNumbers) {
        if (range && (n < range.min || n > range.max)) {
            p.add(
                "leases",
                n,
                `lease ovirt-${n} does not fit the addressing scheme: ${addressing.subnetPool} cut into /${addressing.subnetPrefixLength} subnets at offset ${addressing.subnetOffset} holds leases ${range.min}..${range.max}`,
                `use lease numbers ${range.min}..${range.max}, or change addressing.subnetPool/subnetOffset`,
            );
        } else if (range) {
            const subnet = parseIpv4Cidr(leaseSubnet(n, addressing))!;
            if (!cidrContains(machine, subnet)) {
                p.add(
                    "addressing.machineNetworkCidr",
                    addressing.machineNetworkCidr,
                    `does not contain lease ovirt-${n}'s subnet ${subnet.cidr}`,
                    "use a machine network that covers every lease subnet, e.g. 192.168.0.0/16",
                );
            }
        }
    }
}
