/** The proxy VM's settings against each other, the leases, the addressing and the CI cleanup job. */
import { ProxyVmSchema, optionsOf } from "../../configSchema";
import { cidrContains, networkOf, parseIpv4Cidr } from "../../ip";
import { AddressingScheme } from "../../leaseModel";
import { requiredProblem } from "../schemaProblems";
import { RuleInput } from "./input";

const key = (name: string) => `proxyVm.${name}`;

/** Proxy VM names the CI cleanup job spares (`docs/ci-contract.md` section 8). */
export const PROTECTED_VM_NAMES = ["proxy-vm", "proxy-vm-45"] as const;
/** Templates the CI cleanup job spares (`docs/ci-contract.md` section 8). */
export const PROTECTED_TEMPLATES = ["Blank", "centos-7"] as const;

/** The proxy VM and its template carry the names the CI cleanup job spares. */
export function checkProtectedNames({ p, c }: RuleInput): void {
    const { name, template } = c.proxyVm;
    if (p.ok(key("name")) && !(PROTECTED_VM_NAMES as readonly string[]).includes(name)) {
        p.add(
            key("name"),
            name,
            "is not spared by the CI cleanup job, which deletes every other VM older than 5 hours (docs/ci-contract.md section 8)",
            `use "proxy-vm" (or change the upstream exclusion list first)`,
        );
    }
    if (p.ok(key("template")) && !(PROTECTED_TEMPLATES as readonly string[]).includes(template)) {
        p.add(
            key("template"),
            template,
            "would be deleted by the CI cleanup job, which spares only the templates Blank and centos-7 (docs/ci-contract.md section 8)",
            'use "centos-7" (or change the upstream exclusion list first)',
        );
    }
}

/** A static external address comes with its prefix length and gateway, on one network, outside the lease networks. */
export function checkExternalAddress(
    { p, c, given, leases }: RuleInput,
    addressing: AddressingScheme | undefined,
): void {
    const { externalAddress, externalPrefixLength, externalGateway } = c.proxyVm;
    if (externalAddress === undefined) {
        if (externalPrefixLength !== undefined || externalGateway !== undefined) {
            p.add(
                key("externalAddress"),
                (given.proxyVm as { externalAddress?: unknown } | undefined)?.externalAddress,
                "is missing while externalPrefixLength/externalGateway are set",
                "set externalAddress too, or remove the other two for DHCP",
            );
        }
        return;
    }
    for (const name of ["externalPrefixLength", "externalGateway"] as const) {
        if (c.proxyVm[name] === undefined) p.push(requiredProblem(key(name), ProxyVmSchema.properties[name]));
    }
    if (
        p.ok(key("externalAddress"), key("externalPrefixLength"), key("externalGateway")) &&
        !cidrContains(networkOf(externalAddress, externalPrefixLength!), externalGateway!)
    ) {
        p.add(
            key("externalGateway"),
            externalGateway,
            `is outside the external network of ${externalAddress}/${externalPrefixLength}`,
            "use a gateway on the external address's network",
        );
    }
    const machine = addressing && leases && parseIpv4Cidr(addressing.machineNetworkCidr);
    if (machine && p.ok(key("externalAddress")) && cidrContains(machine, externalAddress)) {
        p.add(
            key("externalAddress"),
            externalAddress,
            `lies inside the lease machine network ${addressing.machineNetworkCidr}`,
            "use an address outside the lease networks",
        );
    }
}

/** HAProxy's statistics page: neither the public (external) address nor on a lease network. */
export function checkStatsAddress({ p, c }: RuleInput, addressing: AddressingScheme | undefined): void {
    const stats = c.proxyVm.statsAddress;
    if (!p.ok(key("statsAddress"))) return;
    const fix = optionsOf(ProxyVmSchema.properties.statsAddress).fix!;
    const external = p.ok(key("externalAddress")) ? c.proxyVm.externalAddress : undefined;
    if (stats === "0.0.0.0" || stats === external) {
        p.add(key("statsAddress"), stats, "is the public address (or every address) of the proxy", fix);
    } else if (addressing && cidrContains(parseIpv4Cidr(addressing.machineNetworkCidr)!, stats)) {
        // every lease network lies in the machine network (checkLeasesFitAddressing)
        p.add(
            key("statsAddress"),
            stats,
            `is on the lease networks (inside the machine network ${addressing.machineNetworkCidr}): every CI cluster would reach the page`,
            fix,
        );
    }
}

/** The sandbox root and the service mode agree: a sandbox never at `/`. */
export function checkServiceMode({ p, c }: RuleInput): void {
    if (c.proxyVm.serviceMode === "local" && c.proxyVm.rootDir === "/") {
        p.add(
            key("rootDir"),
            "/",
            'is "/" while serviceMode is "local": a sandbox would write into the target\'s /etc',
            'set rootDir to a sandbox directory, e.g. "/tmp/ovirt-ci-proxy"',
        );
    }
}

/** local mode: lease N's dnsmasq listens on localDnsPort + N, a port. */
export function checkLocalPorts({ p, c, leases }: RuleInput): void {
    const { localDnsPort, localHaproxyPorts } = c.proxyVm;
    const highest = leases && leases.length > 0 ? Math.max(...leases) : undefined;
    if (p.ok(key("localDnsPort")) && highest !== undefined && localDnsPort + highest > 65535) {
        p.add(
            key("localDnsPort"),
            localDnsPort,
            `plus the highest lease number ${highest} exceeds 65535 (lease N listens on localDnsPort + N)`,
            `use a lower base port, e.g. ${optionsOf(ProxyVmSchema.properties.localDnsPort).default}`,
        );
    }
    const ports = Object.values(localHaproxyPorts ?? {});
    if (p.ok(key("localHaproxyPorts")) && new Set(ports).size !== ports.length) {
        p.add(
            key("localHaproxyPorts"),
            localHaproxyPorts,
            "uses one port twice",
            "give api, https, http and stats distinct ports",
        );
    }
}

/**
 * `proxyVm.playbooksLeases`: each lease once, each on its own NIC (not the external NIC's), and only with
 * `layout: playbooks` (their NAT is the playbooks' firewalld masquerade).
 */
export function checkPlaybooksLeases({ p, c }: RuleInput): void {
    const list = c.proxyVm.playbooksLeases;
    if (!Array.isArray(list)) return;
    const seen: { lease: number; nic: string }[] = [];
    list.forEach(({ lease, nic }, i) => {
        const at = `${key("playbooksLeases")}[${i}]`;
        if (!p.ok(`${at}.lease`) || typeof nic !== "string") return;
        // An entry for a lease that ovirt-ci:leases does not hold (now) has no effect: scaling the leases down or up
        // stays a change of that one key, and the entry says the same again the day the lease comes back.
        if (seen.some((o) => o.lease === lease)) {
            p.add(`${at}.lease`, lease, "is listed twice", "list each lease once");
        }
        if (
            p.ok(`${at}.nic`) &&
            (seen.some((o) => o.nic === nic) ||
                nic === c.proxyVm.externalInterface ||
                nic === c.proxyVm.externalNicName)
        ) {
            p.add(`${at}.nic`, nic, "is already another NIC of the proxy VM", "give each lease its own NIC name");
        }
        seen.push({ lease, nic });
    });
    if (seen.length > 0 && c.proxyVm.layout !== "playbooks") {
        p.add(
            key("layout"),
            c.proxyVm.layout,
            "is not playbooks while playbooksLeases lists leases: their NAT and dnsmasq unit are the playbooks' own",
            'set proxyVm.layout to "playbooks" (npm run adopt writes both), or empty playbooksLeases',
        );
    }
}
