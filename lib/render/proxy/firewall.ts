/**
 * The proxy's packet filter: the table rendered from all leases ({@link proxyFirewallRuleset}) comes on stdin, is
 * checked with `nft -c`, installed under the nftables include directory (so it is loaded at boot) and applied
 * atomically when it changed or is not loaded ({@link vmFirewall}).
 */
import type { ProxyVmSettings } from "../../config";
import { networkOf } from "../../ip";
import { LeaseInfo } from "../../leaseModel";
import type { FirewallParts, ProxyTarget, ScriptBodies } from "../../proxy/target";
import { renderNftablesFilter } from "../firewall";
import { DEFAULT_HAPROXY_PORTS } from "../haproxy";
import { shellQuote } from "../shell";
import { FIREWALL_TABLE, proxyPaths } from "./paths";
import { ScriptPair, install, wrap, writeNewFromStdin } from "./script";

/** The packet filter's step. */
export function firewallScripts(target: ProxyTarget): ScriptPair {
    const p = proxyPaths(target);
    const file = `${p.nftDir}/filter.nft`;
    const own = target.firewall({ paths: p, file, check: `nft -c -f ${shellQuote(`${file}.new`)}` });
    return {
        create: wrap(target, `changed=0\n${writeNewFromStdin(file)}${own.create}`),
        delete: wrap(target, own.delete),
    };
}

/** The table from all leases (the step's stdin: no secret, it only keeps the script text short). */
export function proxyFirewallRuleset(
    leases: readonly LeaseInfo[],
    settings: Pick<ProxyVmSettings, "externalInterface" | "externalAddress" | "externalPrefixLength">,
    sshPort: number,
): string {
    const haproxyPorts = [DEFAULT_HAPROXY_PORTS.api, DEFAULT_HAPROXY_PORTS.https, DEFAULT_HAPROXY_PORTS.http];
    return renderNftablesFilter(leases, {
        externalInterface: settings.externalInterface,
        publicTcpPorts: [sshPort, ...haproxyPorts],
        leaseTcpPorts: haproxyPorts,
        ...(settings.externalAddress && settings.externalPrefixLength
            ? { managementCidr: networkOf(settings.externalAddress, settings.externalPrefixLength).cidr }
            : {}),
        table: FIREWALL_TABLE,
    });
}

/** The packet filter on the real VM: checked, installed, loaded when it changed or is not loaded. */
export function vmFirewall({ file, check }: FirewallParts): ScriptBodies {
    const f = shellQuote(file);
    return {
        create:
            `${check}\n${install(file)}` +
            `if [ $changed = 1 ] || ! nft list table inet ${FIREWALL_TABLE} >/dev/null 2>&1; then nft -f ${f}; fi\n`,
        delete: `nft delete table inet ${FIREWALL_TABLE} 2>/dev/null || true\nrm -f ${f}\n`,
    };
}
