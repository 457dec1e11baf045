/**
 * The real proxy VM as a {@link ProxyTarget}: files under `rootDir` ("/"), each lease's dnsmasq a `dnsmasq@` unit
 * instance bound to the lease's interface with DHCP, HAProxy the distribution's `haproxy.service` on every address
 * (statistics on `statsAddress` only), the lease interfaces, NAT tables and packet filter applied with `ip` and
 * `nft`. The scripts are the renderers' `vm*` parts (lib/render/proxy/).
 */
import { HAPROXY_VM_GLOBAL_LINES } from "../render/haproxy";
import { renderPlaybooksDnsmasq, renderPlaybooksHaproxy } from "../render/playbooks";
import { vmBase } from "../render/proxy/base";
import { vmFirewall } from "../render/proxy/firewall";
import { vmHaproxy } from "../render/proxy/haproxy";
import { vmLease } from "../render/proxy/lease";
import { vmPlaybooksLease, vmPlaybooksMasqueradeCheck, vmPlaybooksTakeover } from "../render/proxy/playbooksLayout";
import type { ProxyTarget } from "./target";
import { ProxyVmSchema, defaultOf } from "../configSchema";

const STATS_ADDRESS_DEFAULT = String(defaultOf(ProxyVmSchema.properties.statsAddress));

/** The settings of the real VM's target. */
export interface SystemdTargetOptions extends Pick<
    ProxyTarget,
    "rootDir" | "sudo" | "externalInterface" | "upstreamDns" | "layout"
> {
    /** The address of HAProxy's statistics page (`proxyVm.statsAddress`); unset: the schema's default. */
    readonly statsAddress?: string;
}

/** The real proxy VM under systemd. */
export function systemdTarget(options: SystemdTargetOptions): ProxyTarget {
    const { statsAddress, ...shared } = options;
    return {
        ...shared,
        // cloud-init authorizes the first key for the connecting user (proxyVm.sshUser)
        authorizedKeysFile: "~/.ssh/authorized_keys",
        dnsmasqListen: (lease) => ({ interfaceName: lease.interfaceName }),
        haproxyListen: () => ({
            statsBindAddress: statsAddress ?? STATS_ADDRESS_DEFAULT,
            globalLines: HAPROXY_VM_GLOBAL_LINES,
        }),
        // the playbooks' files as they wrote them on the VM
        playbooksDnsmasq: (lease, nic) => renderPlaybooksDnsmasq(lease, nic),
        playbooksHaproxy: (leases, address) => renderPlaybooksHaproxy(leases, address),
        base: vmBase,
        lease: vmLease,
        haproxy: vmHaproxy,
        firewall: vmFirewall,
        playbooksMasqueradeCheck: () => vmPlaybooksMasqueradeCheck(),
        playbooksLease: vmPlaybooksLease,
        playbooksTakeover: (unit) => vmPlaybooksTakeover(unit),
        // nothing on the machine that runs Pulumi: the VM's ports are the VM's
        preflightProblems: () => Promise.resolve([]),
    };
}
