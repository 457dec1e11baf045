/**
 * The files the Ansible playbooks of oVirt/ocp-on-ovirt (`ocp-on-rhv-ci/deploy-infra-env`, last changed at commit
 * eb4903d) wrote on the proxy VM, rendered the way they rendered them, so that adopting a proxy they built can
 * compare what is there with what the program would write and change nothing when both agree
 * (`docs/live-environment.md`):
 *
 * - `/var/lib/dnsmasq/dnsmasq-net-NN.conf` of one lease network: the `copy` task "create dnsmasq configuration for
 *   network" of `roles/ocp-rhv-proxy-vm/tasks/main.yml` (its `content: |` block, item values from
 *   `config/ci-bm-params-45.yml`: `name: net-NN`, `nic: ethK`, `dhcp_range: .101,.150,5m`, `address: .1`);
 * - `/var/lib/dnsmasq/dnsmasq-net-0.conf`, the optional resolver on eth0: `templates/dnsmasq_ocp.j2`;
 * - `/etc/haproxy/haproxy.cfg`: `templates/haproxy.cfg.j2`.
 *
 * A `local` variant of each serves the sandbox proxy (loopback ports, no DHCP: DHCP cannot be served on loopback,
 * no upstream: tests reach loopback only, no chroot or user switch: it runs unprivileged). The variant keeps every
 * other line so the sandbox exercises the same adoption path.
 */
import { LeaseInfo } from "../leaseModel";

/** The playbooks' name of a lease network on the proxy (`name: net-NN`). */
export function playbooksNetName(lease: Pick<LeaseInfo, "number">): string {
    return `net-${lease.number}`;
}

/** Where the playbooks put a lease's (or net-0's) dnsmasq file and lease database, and the unit that runs it. */
export function playbooksPaths(netName: string) {
    return {
        config: `/var/lib/dnsmasq/dnsmasq-${netName}.conf`,
        leases: `/var/lib/dnsmasq/${netName}.leases`,
        pid: `/var/run/${netName}.pid`,
        unit: `dnsmasq@${netName}.service`,
        /** The template unit the playbooks install (`create dnsmasq service file`). */
        templateUnit: "/usr/lib/systemd/system/dnsmasq@.service",
        /** One udev line per lease NIC (`create nic persistent rules`). */
        udevRules: "/usr/lib/udev/rules.d/60-net.rules",
    };
}

/** The template unit file the playbooks install, verbatim (`create dnsmasq service file`). */
export const PLAYBOOKS_DNSMASQ_UNIT = [
    "[Unit]",
    "Description=DHCP and DNS caching server for %i.",
    "After=network.target",
    "",
    "[Service]",
    "ExecStart=/usr/sbin/dnsmasq -k --conf-file=/var/lib/dnsmasq/dnsmasq-%i.conf",
    "ExecReload=/bin/kill -HUP",
    "Restart=on-failure",
    "RestartSec=5",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
].join("\n");

/** How the sandbox variant differs: files under `rootDir`, DNS on 127.0.0.1:`port`, no DHCP, no upstream. */
export interface PlaybooksLocal {
    readonly rootDir: string;
    readonly port: number;
}

/**
 * A lease's dnsmasq file as the playbooks wrote it. `local=8.8.8.8` is their literal line (it makes 8.8.8.8 a
 * local-only domain, not an upstream: the instance forwards to /etc/resolv.conf's servers); kept as is.
 */
export function renderPlaybooksDnsmasq(lease: LeaseInfo, nic: string, local?: PlaybooksLocal): string {
    const net = playbooksNetName(lease);
    const root = local && local.rootDir !== "/" ? local.rootDir : "";
    const lines = [
        "strict-order",
        `pid-file=${root}/var/run/${net}.pid`,
        ...(local
            ? ["listen-address=127.0.0.1", `port=${local.port}`, "bind-interfaces", "no-resolv"]
            : [
                  "except-interface=lo",
                  "bind-dynamic",
                  `interface=${nic}`,
                  `dhcp-range=${lease.dhcpRange.start},${lease.dhcpRange.end},${lease.dhcpLeaseTime}`,
                  "dhcp-no-override",
                  "dhcp-authoritative",
              ]),
        "log-queries",
        ...(local ? [] : [`dhcp-option=3,${lease.gateway}`]),
        "local=8.8.8.8",
        `domain=${lease.baseDomain}`,
        `dhcp-leasefile=${root}/var/lib/dnsmasq/${net}.leases`,
    ];
    return `${lines.join("\n")}\n`;
}

/** `net-0`, the resolver on eth0 answering every lease's api and apps names (`templates/dnsmasq_ocp.j2`). */
export function renderPlaybooksResolver(
    leases: readonly LeaseInfo[],
    externalDnsRecord: string,
    local?: PlaybooksLocal,
): string {
    const root = local && local.rootDir !== "/" ? local.rootDir : "";
    const lines = [
        "strict-order",
        `pid-file=${root}/var/run/net-0.pid`,
        ...(local ? ["listen-address=127.0.0.1", `port=${local.port}`, "bind-interfaces", "no-resolv"] : []),
        ...(local ? [] : ["except-interface=lo", "bind-dynamic", "interface=eth0"]),
        "log-queries",
        `local=${externalDnsRecord}`,
        `domain=${leases[0]?.baseDomain ?? ""}`,
        `dhcp-leasefile=${root}/var/lib/dnsmasq/net-0.leases`,
    ];
    for (const l of leases) {
        lines.push(`address=/${l.apiFqdn}/${l.apiVip}`, `address=/.${l.appsDomain}/${l.ingressVip}`);
    }
    return `${lines.join("\n")}\n`;
}

/** Ports of the sandbox variant of {@link renderPlaybooksHaproxy}. */
export interface PlaybooksHaproxyLocal {
    readonly api: number;
    readonly https: number;
    readonly http: number;
    readonly stats: number;
}

const STICKY_TLS = [
    "  mode tcp",
    "  balance roundrobin",
    "  # maximum SSL session ID length is 32 bytes.",
    "  stick-table type binary len 32 size 30k expire 30m",
    "  acl clienthello req_ssl_hello_type 1",
    "  acl serverhello rep_ssl_hello_type 2",
    "  # use tcp content accepts to detects ssl client and server hello.",
    "  tcp-request inspect-delay 5s",
    "  tcp-request content accept if clienthello",
    "  # no timeout on response inspect delay by default.",
    "  tcp-response content accept if serverhello",
    "  stick on payload_lv(43,1) if clienthello",
    "  # Learn on response if server hello.",
    "  stick store-response payload_lv(43,1) if serverhello",
    "  option ssl-hello-chk",
];

/**
 * `haproxy.cfg` as `templates/haproxy.cfg.j2` renders it for these leases (`it.name` = net-NN, frontends bound to
 * the proxy's external address). Jinja's whitespace (no trim_blocks in the role) is reproduced line by line. The
 * sandbox variant binds 127.0.0.1 on its own ports and leaves out chroot, user, group and daemon (it runs
 * unprivileged, in the foreground of its own pid file).
 */
export function renderPlaybooksHaproxy(
    leases: readonly LeaseInfo[],
    bindAddress: string,
    local?: PlaybooksHaproxyLocal,
): string {
    const sorted = [...leases].sort((a, b) => a.number - b.number);
    const net = playbooksNetName;
    const bind = (port: number, localPort?: number) => (local ? `127.0.0.1:${localPort}` : `${bindAddress}:${port}`);
    const out: string[] = [
        "global",
        "    # to have these messages end up in /var/log/haproxy.log you will",
        "    # need to:",
        "    #",
        "    # 1) configure syslog to accept network log events.  This is done",
        "    #    by adding the '-r' option to the SYSLOGD_OPTIONS in",
        "    #    /etc/sysconfig/syslog",
        "    #",
        "    # 2) configure local2 events to go to the /var/log/haproxy.log",
        "    #   file. A line like the following can be added to",
        "    #   /etc/sysconfig/syslog",
        "    #",
        "    #    local2.*                       /var/log/haproxy.log",
        "    #",
        "    log 127.0.0.1:514  local0  info",
        ...(local
            ? ["    maxconn     5000"]
            : [
                  "    chroot      /var/lib/haproxy",
                  "    pidfile     /var/run/haproxy.pid",
                  "    maxconn     5000",
                  "    user        haproxy",
                  "    group       haproxy",
                  "    daemon",
                  "",
                  "    # turn on stats unix socket",
                  "    stats socket /var/lib/haproxy/stats",
              ]),
        "",
        "# Adjust the timeout to your needs",
        "defaults",
        "  timeout client 240s",
        "  timeout server 240s",
        "  timeout connect 30s",
        "  timeout check 5s",
        "  option tcplog",
        "  log global",
        "",
        "frontend ft_ssl_api",
        `  bind ${bind(6443, local?.api)}`,
        "",
        "  mode tcp",
        "  tcp-request inspect-delay 5s",
        "  tcp-request content accept if { req_ssl_hello_type 1 }",
        "",
        "",
    ];
    for (const l of sorted) {
        out.push(
            `# configuration for ${net(l)}`,
            `  acl sni-api-${net(l)} req_ssl_sni -i ${l.apiFqdn}`,
            `  use_backend bk_api-${net(l)} if sni-api-${net(l)}`,
            "",
        );
    }
    out.push(
        "  default_backend bk_ssl_default",
        "",
        "frontend ft_ssl_443",
        `  bind ${bind(443, local?.https)}`,
        "",
        "  mode tcp",
        "  tcp-request inspect-delay 5s",
        "  tcp-request content accept if { req_ssl_hello_type 1 }",
        "",
    );
    for (const l of sorted) {
        out.push(
            `  acl sni-apps-${net(l)} req_ssl_sni -m end ${l.appsDomain}`,
            `  use_backend bk_apps-${net(l)} if sni-apps-${net(l)}`,
        );
    }
    out.push(
        "",
        "  default_backend bk_ssl_default",
        "",
        "frontend ft_http_80",
        `  bind ${bind(80, local?.http)}`,
        "  mode tcp",
    );
    for (const l of sorted) {
        out.push(
            `  acl http-apps-${net(l)} hdr(host) -m end ${l.appsDomain}`,
            `  use_backend bk_apps_http-${net(l)} if http-apps-${net(l)}`,
        );
    }
    out.push("", "");
    for (const l of sorted) {
        out.push(
            `backend bk_apps_http-${net(l)}`,
            "  mode tcp",
            `  server backend-apps-${net(l)} ${l.ingressVip}:80 check`,
        );
    }
    out.push("");
    for (const l of sorted) {
        out.push(
            `backend bk_apps-${net(l)}`,
            ...STICKY_TLS,
            `  server backend-apps-${net(l)} ${l.ingressVip}:443 check`,
            "",
        );
    }
    out.push("", "");
    for (const l of sorted) {
        out.push(
            `backend bk_api-${net(l)}`,
            ...STICKY_TLS,
            `  server backend-api-${net(l)} ${l.apiVip}:6443 check`,
            "",
        );
    }
    out.push(
        "",
        "# Sorry backend which should invite the user to update its client",
        "backend bk_ssl_default",
        "  mode tcp",
        "  balance roundrobin",
        "",
        ...STICKY_TLS.slice(2),
        "  server server1 localhost:443 check",
        "",
        'listen stats # Define a listen section called "stats"',
        `  bind ${local ? `127.0.0.1:${local.stats}` : ":8404"} # Listen on localhost:9000`,
        "  mode http",
        "  stats enable  # Enable stats page",
        "  stats hide-version  # Hide HAProxy version",
        "  stats realm Haproxy\\ Statistics  # Title text for popup window",
        "  stats uri /haproxy_stats  # Stats URI",
    );
    return `${out.join("\n")}\n`;
}
