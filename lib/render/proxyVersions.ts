/**
 * The oldest proxy the rendered files are written for, and how a script refuses an older one.
 *
 * The proxy VM of the live environment is built from the `centos-7` template (docs/live-environment.md): CentOS 7 ships
 * HAProxy 1.5.18, dnsmasq 2.76 and nftables 0.8. Every directive the renderers (`haproxy.ts`, `dnsmasq.ts`,
 * `nat.ts`) emit is accepted by those versions, each with where its minimum version is recorded:
 *
 * HAProxy (doc/configuration.txt at tag v1.5.0 of haproxy/haproxy; 1.5.x maintenance releases add no syntax):
 * `bind`, `mode tcp|http`, `option tcplog|httplog`, `timeout connect|client|server`, `stats enable|uri|refresh|auth`,
 * `tcp-request inspect-delay`, `tcp-request content accept if`, the fetches `req_ssl_hello_type`, `req_ssl_sni`
 * and `req.hdr(host)`, the ACL flags `-i`, `-m end` and `-m reg`: all in 1.5.0. Not used: converters such as
 * `field()` (CHANGELOG: "MINOR: samples: adds the field converter", 1.6-dev), so the Host header's port is matched
 * by a regex instead.
 *
 * dnsmasq (CHANGELOG of dnsmasq; not re-read from its source here, unlike HAProxy's): `bind-dynamic` is the newest
 * option used (2.63); `interface`, `except-interface`,
 * `listen-address`, `port`, `no-resolv`, `no-hosts`, `server`, `domain`, `dhcp-range` with netmask and lease time,
 * `dhcp-option`, `dhcp-leasefile`, `dhcp-authoritative`, `address=/<domain>/`, `pid-file` are older. The playbooks'
 * own files on CentOS 7 used the same `address=/.apps.<cluster>.<base>/` form (docs/live-environment.md).
 *
 * nftables: `table`/`delete table`, a `nat` base chain on `postrouting`, `oifname`, `ip saddr`, `masquerade` and rule
 * `comment`s are in 0.8; chain priorities are written as numbers (100 = NF_IP_PRI_NAT_SRC), because the names
 * (`srcnat`, …) came with nftables 0.9.1 (its release notes; not re-read from its source here). A number is
 * accepted by every nftables version, so the file is right either way.
 *
 * A proxy with an older tool is refused before any file is written ({@link versionGateLines}), naming the version
 * found; a newer one accepts all of the above.
 */

/** The oldest version of each tool on the proxy the rendered files are written for. */
export const OLDEST_SUPPORTED = Object.freeze({ haproxy: "1.5.18", dnsmasq: "2.76", nft: "0.8" });

export type ProxyTool = keyof typeof OLDEST_SUPPORTED;

/** How each tool prints its version (`HA-Proxy version 1.5.18 …`, `Dnsmasq version 2.76 …`, `nftables v0.8 …`). */
const VERSION_COMMAND: Record<ProxyTool, string> = {
    haproxy: `haproxy -v 2>&1 | sed -n 's/^HA-*Proxy version \\([0-9][0-9.]*\\).*/\\1/p' | head -n 1`,
    dnsmasq: `dnsmasq --version 2>&1 | sed -n 's/^Dnsmasq version \\([0-9][0-9.]*\\).*/\\1/p' | head -n 1`,
    nft: `nft --version 2>&1 | sed -n 's/^nftables v\\([0-9][0-9.]*\\).*/\\1/p' | head -n 1`,
};

/**
 * Shell lines (for `set -eu` scripts) that stop with the version found when the proxy's `tool` is older than
 * {@link OLDEST_SUPPORTED} or prints no version (`sort -V`: coreutils ≥ 7.0, CentOS 7 has 8.22); `cleanup` (shell)
 * runs first, e.g. removing the rendered file that will not be installed.
 */
export function versionGateLines(tool: ProxyTool, cleanup = ""): string {
    const min = OLDEST_SUPPORTED[tool];
    return (
        `v="$(${VERSION_COMMAND[tool]})"\n` +
        `if [ -z "$v" ] || [ "$(printf '%s\\n%s\\n' ${min} "$v" | sort -V | head -n 1)" != ${min} ]; then ` +
        `${cleanup ? `${cleanup}; ` : ""}echo "the proxy's ${tool} is \${v:-of unknown version}; ovirt-ci writes files for ${tool} ${min} or newer (lib/render/proxyVersions.ts). The rendered file was not installed and the running service is unchanged: upgrade ${tool} on the proxy" >&2; exit 1; fi\n`
    );
}
