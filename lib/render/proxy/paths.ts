/** Where the proxy's files live: every path the scripts write, under the target's `rootDir` ("/" on the real VM). */
import { LeaseInfo } from "../../leaseModel";
import type { ProxyTarget } from "../../proxy/target";

/** `rootDir` + an absolute path, without a doubled slash. */
export function at(target: Pick<ProxyTarget, "rootDir">, absolute: string): string {
    return target.rootDir === "/" ? absolute : `${target.rootDir}${absolute}`;
}

/** The template unit our lease instances run as on this target. */
export function dnsmasqUnitName(target: Pick<ProxyTarget, "layout">): string {
    return target.layout === "playbooks" ? "ovirt-ci-dnsmasq" : "dnsmasq";
}

/** Every path the scripts write, for docs and tests. */
export function proxyPaths(
    target: Pick<ProxyTarget, "rootDir" | "layout">,
    lease?: Pick<LeaseInfo, "name" | "interfaceName">,
) {
    return {
        dnsmasqDir: at(target, "/etc/dnsmasq-leases"),
        runDir: at(target, "/run"),
        dnsmasqStateDir: at(target, "/var/lib/dnsmasq"),
        recordDir: at(target, "/var/lib/ovirt-ci/network"),
        nftDir: at(target, "/etc/nftables/ovirt-ci"),
        haproxyConfig: at(target, "/etc/haproxy/haproxy.cfg"),
        haproxyPid: at(target, "/run/haproxy.pid"),
        unitFile: at(target, `/etc/systemd/system/${dnsmasqUnitName(target)}@.service`),
        sysctlFile: at(target, "/etc/sysctl.d/90-ovirt-ci-forward.conf"),
        nftablesConf: at(target, "/etc/sysconfig/nftables.conf"),
        ...(lease
            ? {
                  dnsmasqConfig: at(target, `/etc/dnsmasq-leases/${lease.name}.conf`),
                  dnsmasqPid: at(target, `/run/dnsmasq-${lease.name}.pid`),
                  dnsmasqLeases: at(target, `/var/lib/dnsmasq/${lease.name}.leases`),
                  nftFile: at(target, `/etc/nftables/ovirt-ci/${lease.name}.nft`),
                  record: at(target, `/var/lib/ovirt-ci/network/${lease.name}.sh`),
                  udevRule: at(target, `/etc/udev/rules.d/70-ovirt-ci-${lease.name}.rules`),
                  ifcfg: at(target, `/etc/sysconfig/network-scripts/ifcfg-${lease.interfaceName}`),
              }
            : {}),
    };
}

/** The proxy's shared paths. */
export type ProxyPaths = ReturnType<typeof proxyPaths>;
/** The paths of one lease and the shared ones. */
export type LeasePaths = Required<ProxyPaths>;

/** The nftables table of one lease (own table: adding or removing a lease touches no other rule). */
export function natTable(lease: Pick<LeaseInfo, "name">): string {
    return `ovirt_ci_nat_${lease.name.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** The proxy's packet filter table (lib/render/firewall.ts): its own table, beside the per-lease NAT tables. */
export const FIREWALL_TABLE = "ovirt_ci_filter";
