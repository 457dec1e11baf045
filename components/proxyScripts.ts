/**
 * The shell scripts that configure the proxy VM over SSH (pure functions: text in, text out).
 *
 * One target description drives both the real VM (`systemd`: files under /etc, `systemctl`, `ip`, `nft`) and a
 * local sandbox (`local`: every file under `rootDir`, dnsmasq and haproxy as plain processes with pid files under
 * `rootDir/run`, loopback ports, and the network changes only recorded in `rootDir/var/lib/ovirt-ci/network/`).
 * Every script is idempotent (re-running it with the same inputs changes nothing and restarts nothing), validates
 * rendered files with the real binaries before they replace the live ones (`dnsmasq --test -C`, `haproxy -c -f`,
 * `nft -c -f`), and has a delete script that removes exactly the files the create script wrote.
 *
 * A lease owns: its dnsmasq file and instance, its interface address, its NAT table and (systemd) its udev rule
 * and ifcfg file; so a lease's change touches only its own files and restarts only its own dnsmasq. HAProxy's
 * single file is rendered from all leases and reloaded.
 */
import { LeaseInfo } from "../lib/leaseModel";
import { renderDnsmasqConfig } from "../lib/render/dnsmasq";
import { HAPROXY_VM_GLOBAL_LINES, renderHaproxyConfig } from "../lib/render/haproxy";
import { renderIpForwardSysctl, renderNftablesNat } from "../lib/render/nat";
import { shellQuote } from "../lib/render/shell";
import { utils as sshUtils } from "ssh2";
import { ProxyTool, versionGateLines } from "../lib/render/proxyVersions";
import { LocalHaproxyPorts, ProxyServiceMode } from "../lib/config";

/** Where and how the proxy configuration is applied. */
export interface ProxyTarget {
    readonly serviceMode: ProxyServiceMode;
    /** Prefix of every path written ("/" on the real VM). */
    readonly rootDir: string;
    /** Run the scripts under `sudo -n` (systemd mode with a non-root SSH user). */
    readonly sudo: boolean;
    /** Guest name of the external NIC (NAT egress). */
    readonly externalInterface: string;
    /** Upstream resolvers of every lease's dnsmasq. */
    readonly upstreamDns: readonly string[];
    /** `local` mode: lease N's dnsmasq listens on 127.0.0.1:(localDnsPort + N). */
    readonly localDnsPort: number;
    /** `local` mode: HAProxy's loopback ports. */
    readonly localHaproxyPorts: LocalHaproxyPorts;
    /**
     * The proxy's shared set-up: `ovirt-ci` (ours) or `playbooks` (components/proxyLayouts.ts): on the latter our
     * leases' dnsmasq runs as `ovirt-ci-dnsmasq@<lease>` (their `dnsmasq@` template unit stays theirs) and NAT is
     * firewalld's masquerade (no nftables table). @default "ovirt-ci"
     */
    readonly layout?: "ovirt-ci" | "playbooks";
    /** systemd mode: the address of HAProxy's statistics page (`proxyVm.statsAddress`). @default "127.0.0.1" */
    readonly statsAddress?: string;
}

/** The template unit our lease instances run as on this target. */
export function dnsmasqUnitName(target: Pick<ProxyTarget, "layout">): string {
    return target.layout === "playbooks" ? "ovirt-ci-dnsmasq" : "dnsmasq";
}

/** A create/delete pair for one `command.remote.Command`. */
export interface ScriptPair {
    readonly create: string;
    readonly delete: string;
}

/** `rootDir` + an absolute path, without a doubled slash. */
export function at(target: Pick<ProxyTarget, "rootDir">, absolute: string): string {
    return target.rootDir === "/" ? absolute : `${target.rootDir}${absolute}`;
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

/** The nftables table of one lease (own table: adding or removing a lease touches no other rule). */
export function natTable(lease: Pick<LeaseInfo, "name">): string {
    return `ovirt_ci_nat_${lease.name.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** The dnsmasq file of one lease on this target. */
export function leaseDnsmasqConfig(target: ProxyTarget, lease: LeaseInfo): string {
    const local = target.serviceMode === "local";
    return renderDnsmasqConfig(lease, {
        interfaceName: local ? null : lease.interfaceName,
        ...(local ? { listenAddress: "127.0.0.1", port: target.localDnsPort + lease.number, dhcp: false } : {}),
        upstreamServers: target.upstreamDns,
        runDir: at(target, "/run"),
        stateDir: at(target, "/var/lib/dnsmasq"),
    });
}

/** The HAProxy file on this target. */
export function targetHaproxyConfig(
    target: ProxyTarget,
    leases: readonly LeaseInfo[],
    statsUser: string,
    statsPassword: string,
): string {
    return target.serviceMode === "local"
        ? renderHaproxyConfig(leases, {
              statsUser,
              statsPassword,
              bindAddress: "127.0.0.1",
              ports: target.localHaproxyPorts,
              globalLines: [],
          })
        : renderHaproxyConfig(leases, {
              statsUser,
              statsPassword,
              statsBindAddress: target.statsAddress ?? "127.0.0.1",
              globalLines: HAPROXY_VM_GLOBAL_LINES,
          });
}

const EOF_MARK = "OVIRT_CI_EOF_7f3a";

/** Shell lines writing `content` to `<path>.new` (a quoted here-document: nothing in it is expanded). */
export function writeNew(path: string, content: string): string {
    if (content.split("\n").includes(EOF_MARK)) {
        throw new Error(`file ${path}: content contains the here-document marker ${EOF_MARK}`);
    }
    if (!content.endsWith("\n")) {
        content += "\n";
    }
    return `mkdir -p ${shellQuote(path.replace(/\/[^/]*$/, "") || "/")}\ncat > ${shellQuote(`${path}.new`)} <<'${EOF_MARK}'\n${content}${EOF_MARK}\n`;
}

/**
 * Shell lines writing the script's standard input to `<path>.new` (mode 0600): how a file holding a secret gets
 * onto the VM. The command provider quotes a failing command's whole text in its error (docs/standin-plugins.md),
 * so no secret may be in a script's text; the Command's `stdin` carries it and stays a secret in the state.
 */
function writeNewFromStdin(path: string): string {
    return `mkdir -p ${shellQuote(path.replace(/\/[^/]*$/, "") || "/")}\n(umask 077; cat > ${shellQuote(`${path}.new`)})\n`;
}

/**
 * Lines that wait until cloud-init has finished booting the VM (its packages, users and files), so nothing is
 * configured half-way through. Only where cloud-init is installed: the local sandbox (serviceMode local, a loopback
 * sshd) has none, like any host not booted by it. `cloud-init status --wait` exits 1 on a failed boot; since 23.4
 * it exits 2 for recoverable errors, which cloud-init's documentation ("return codes") says to treat as done.
 */
export const CLOUD_INIT_WAIT =
    `if command -v cloud-init >/dev/null 2>&1; then\n` +
    `  rc=0; cloud-init status --wait >/dev/null 2>&1 || rc=$?\n` +
    `  if [ "$rc" = 1 ]; then echo "cloud-init failed on this VM (cloud-init status --wait exited 1): see /var/log/cloud-init-output.log; fix the VM or its template, then run pulumi up again" >&2; exit 1; fi\n` +
    `fi\n`;

/**
 * Lines that check `<path>.new` with the proxy's own `tool` (first refusing a version older than the renderers
 * write for, lib/render/proxyVersions.ts) before it may replace the live file: when the check fails, the new file
 * is removed and the step fails with the checker's message; the live file and the running service stay as they are.
 */
export function checkNew(path: string, tool: ProxyTool, check: string): string {
    const n = shellQuote(`${path}.new`);
    return (
        versionGateLines(tool, `rm -f ${n}`) +
        `if ! out="$(${check} 2>&1)"; then rm -f ${n}; ` +
        `echo "the proxy's ${tool} rejects the new ${path}; the live file and the running service are unchanged. ${tool} said: $out" >&2; exit 1; fi\n`
    );
}

/** Lines that move `<path>.new` over `path` when it differs; sets `changed=1` then. */
export function install(path: string): string {
    const p = shellQuote(path);
    const n = shellQuote(`${path}.new`);
    return `if cmp -s ${n} ${p}; then rm -f ${n}; else mv -f ${n} ${p}; changed=1; fi\n`;
}

/** Wraps a script into the one command line the SSH session runs. */
export function wrap(target: Pick<ProxyTarget, "sudo">, script: string): string {
    return `${target.sudo ? "sudo -n " : ""}sh -c ${shellQuote(`set -eu\n${script}`)}`;
}

/** Lines: is the process in pid file `pid` alive? Sets `running`. */
export function aliveCheck(pid: string): string {
    const p = shellQuote(pid);
    return `running=0\nif [ -s ${p} ] && kill -0 "$(cat ${p})" 2>/dev/null; then running=1; fi\n`;
}

/** Lines: stop the process of a pid file and wait (at most 5 s) until it is gone; removes the pid file. */
export function stopPid(pid: string): string {
    const p = shellQuote(pid);
    return (
        `if [ -s ${p} ]; then pid="$(cat ${p})"; kill "$pid" 2>/dev/null || true\n` +
        `  i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done\n` +
        `fi\nrm -f ${p}\n`
    );
}

/** The network commands of one lease on the real VM (run in systemd mode, recorded in local mode). */
function leaseNetworkCommands(lease: LeaseInfo, mac: string, nftFile: string | undefined): string {
    const dev = shellQuote(lease.interfaceName);
    const m = shellQuote(mac.toLowerCase());
    return (
        `dev=""\nfor d in /sys/class/net/*; do if [ "$(cat "$d/address" 2>/dev/null)" = ${m} ]; then dev="\${d##*/}"; fi; done\n` +
        `if [ -z "$dev" ]; then echo "no interface with MAC ${mac} (the ${lease.name} NIC); is it plugged?" >&2; exit 1; fi\n` +
        `if [ "$dev" != ${dev} ]; then ip link set dev "$dev" down; ip link set dev "$dev" name ${dev}; fi\n` +
        `ip link set dev ${dev} up\n` +
        `ip addr replace ${lease.gateway}/${lease.subnetPrefixLength} dev ${dev}\n` +
        (nftFile ? `nft -f ${shellQuote(nftFile)}\n` : "")
    );
}

/** The setup every lease builds on (directories, the dnsmasq@ unit, IP forwarding, nftables include). */
export function baseScripts(target: ProxyTarget): ScriptPair {
    const p = proxyPaths(target);
    const dirs = [p.dnsmasqDir, p.runDir, p.dnsmasqStateDir, p.recordDir, p.nftDir].map(shellQuote).join(" ");
    if (target.serviceMode === "local") {
        return {
            create: wrap(
                target,
                `${CLOUD_INIT_WAIT}mkdir -p ${dirs}\nchanged=0\n${writeNew(`${p.recordDir}/forwarding.sh`, `sysctl -w net.ipv4.ip_forward=1\n`)}${install(`${p.recordDir}/forwarding.sh`)}`,
            ),
            delete: wrap(
                target,
                `rm -f ${shellQuote(`${p.recordDir}/forwarding.sh`)}\nrmdir ${dirs} 2>/dev/null || true\n`,
            ),
        };
    }
    const unit = [
        "# generated by ovirt-ci (Pulumi): one dnsmasq per lease network, /etc/dnsmasq-leases/<lease>.conf",
        "[Unit]",
        "Description=dnsmasq for lease %i (ovirt-ci)",
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=forking",
        `PIDFile=${p.runDir}/dnsmasq-%i.pid`,
        `ExecStartPre=/usr/sbin/dnsmasq --test -C ${p.dnsmasqDir}/%i.conf`,
        `ExecStart=/usr/sbin/dnsmasq -C ${p.dnsmasqDir}/%i.conf`,
        "Restart=on-failure",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
    const include = `include "${p.nftDir}/*.nft"`;
    return {
        create: wrap(
            target,
            `${CLOUD_INIT_WAIT}mkdir -p ${dirs}\nchanged=0\n` +
                writeNew(p.unitFile, unit) +
                install(p.unitFile) +
                `if [ $changed = 1 ]; then systemctl daemon-reload; fi\n` +
                // The distribution's dnsmasq.service would take port 53 on every interface.
                `systemctl disable --now dnsmasq.service 2>/dev/null || true\n` +
                writeNew(p.sysctlFile, renderIpForwardSysctl()) +
                install(p.sysctlFile) +
                `sysctl -q -p ${shellQuote(p.sysctlFile)}\n` +
                (target.layout === "playbooks"
                    ? "" // NAT is the playbooks' firewalld masquerade
                    : `touch ${shellQuote(p.nftablesConf)}\n` +
                      `grep -qxF ${shellQuote(include)} ${shellQuote(p.nftablesConf)} || echo ${shellQuote(include)} >> ${shellQuote(p.nftablesConf)}\n` +
                      `systemctl enable nftables.service 2>/dev/null || true\n`),
        ),
        delete: wrap(
            target,
            `rm -f ${shellQuote(p.unitFile)} ${shellQuote(p.sysctlFile)}\nsystemctl daemon-reload || true\n` +
                `if [ -f ${shellQuote(p.nftablesConf)} ]; then grep -vxF ${shellQuote(include)} ${shellQuote(p.nftablesConf)} > ${shellQuote(`${p.nftablesConf}.new`)} || true; mv -f ${shellQuote(`${p.nftablesConf}.new`)} ${shellQuote(p.nftablesConf)}; fi\n`,
        ),
    };
}

/**
 * One lease on the proxy: its dnsmasq file and instance, its NAT table, and its interface (found by the NIC's
 * MAC, renamed to the lease's interface name, given the gateway address).
 */
export function leaseScripts(target: ProxyTarget, lease: LeaseInfo, mac: string): ScriptPair {
    const p = proxyPaths(target, lease) as Required<ReturnType<typeof proxyPaths>>;
    const conf = shellQuote(p.dnsmasqConfig);
    const confNew = shellQuote(`${p.dnsmasqConfig}.new`);
    const nat = renderNftablesNat([lease], target.externalInterface, natTable(lease));
    const dnsmasqFiles =
        writeNew(p.dnsmasqConfig, leaseDnsmasqConfig(target, lease)) +
        checkNew(p.dnsmasqConfig, "dnsmasq", `dnsmasq --test -C ${confNew}`) +
        install(p.dnsmasqConfig);
    const firewalldNat = target.layout === "playbooks";
    // The sandbox loads nothing into a kernel: its NAT file is checked wherever this machine's nft can check at all.
    const natFiles = firewalldNat
        ? ""
        : writeNew(p.nftFile, nat) +
          `if command -v nft >/dev/null 2>&1 && nft -c -f /dev/null >/dev/null 2>&1; then\n` +
          checkNew(p.nftFile, "nft", `nft -c -f ${shellQuote(`${p.nftFile}.new`)}`) +
          `fi\n` +
          install(p.nftFile);
    const network = leaseNetworkCommands(lease, mac, firewalldNat ? undefined : p.nftFile);
    if (target.serviceMode === "local") {
        return {
            create: wrap(
                target,
                `changed=0\n${dnsmasqFiles}${aliveCheck(p.dnsmasqPid)}` +
                    `if [ $changed = 1 ] && [ $running = 1 ]; then\n${stopPid(p.dnsmasqPid)}running=0\nfi\n` +
                    `if [ $running = 0 ]; then dnsmasq -C ${conf}; fi\n` +
                    `changed=0\n${natFiles}` +
                    `changed=0\n${writeNew(p.record, `# ${lease.name}: what serviceMode systemd would run\n${network}`)}${install(p.record)}`,
            ),
            delete: wrap(
                target,
                `${stopPid(p.dnsmasqPid)}rm -f ${conf} ${shellQuote(p.nftFile)} ${shellQuote(p.record)} ${shellQuote(p.dnsmasqLeases)}\n`,
            ),
        };
    }
    const unit = shellQuote(`${dnsmasqUnitName(target)}@${lease.name}.service`);
    const udev = `# generated by ovirt-ci (Pulumi): ${lease.name}'s NIC keeps its name\nSUBSYSTEM=="net", ACTION=="add", ATTR{address}=="${mac.toLowerCase()}", NAME="${lease.interfaceName}"\n`;
    const ifcfg = [
        `# generated by ovirt-ci (Pulumi): ${lease.name}, network ${lease.networkName}`,
        `DEVICE=${lease.interfaceName}`,
        `HWADDR=${mac.toLowerCase()}`,
        "BOOTPROTO=none",
        "ONBOOT=yes",
        `IPADDR=${lease.gateway}`,
        `PREFIX=${lease.subnetPrefixLength}`,
        "DEFROUTE=no",
        "NM_CONTROLLED=no",
        "",
    ].join("\n");
    return {
        create: wrap(
            target,
            // Both rendered files are checked before anything of the lease changes: a file the proxy's tools reject
            // leaves the interface, the NAT table and the running dnsmasq exactly as they were (no half-applied lease).
            `trap "rm -f ${confNew} ${shellQuote(`${p.nftFile}.new`)}" EXIT\n` +
                writeNew(p.dnsmasqConfig, leaseDnsmasqConfig(target, lease)) +
                checkNew(p.dnsmasqConfig, "dnsmasq", `dnsmasq --test -C ${confNew}`) +
                (firewalldNat
                    ? ""
                    : writeNew(p.nftFile, nat) +
                      checkNew(p.nftFile, "nft", `nft -c -f ${shellQuote(`${p.nftFile}.new`)}`)) +
                `changed=0\n${writeNew(p.udevRule, udev)}${install(p.udevRule)}${writeNew(p.ifcfg, ifcfg)}${install(p.ifcfg)}` +
                (firewalldNat ? "" : `changed=0\n${install(p.nftFile)}`) +
                network +
                `changed=0\n${install(p.dnsmasqConfig)}systemctl enable ${unit}\n` +
                // dnsmasq re-reads its configuration only on start (SIGHUP reloads hosts and leases only).
                `if [ $changed = 1 ]; then systemctl restart ${unit}; else systemctl start ${unit}; fi\n`,
        ),
        delete: wrap(
            target,
            `systemctl disable --now ${unit} 2>/dev/null || true\n` +
                `nft delete table ip ${natTable(lease)} 2>/dev/null || true\n` +
                `ip addr del ${lease.gateway}/${lease.subnetPrefixLength} dev ${shellQuote(lease.interfaceName)} 2>/dev/null || true\n` +
                `rm -f ${conf} ${shellQuote(p.nftFile)} ${shellQuote(p.udevRule)} ${shellQuote(p.ifcfg)} ${shellQuote(p.dnsmasqLeases)}\n`,
        ),
    };
}

/**
 * HAProxy: one file from all leases, read from the command's standard input (it holds the stats password; see
 * `writeNewFromStdin`), checked with `haproxy -c`, then reloaded (started when not running). The script text holds
 * no secret: pass `targetHaproxyConfig(…)` as the Command's `stdin`.
 */
export function haproxyScripts(target: ProxyTarget): ScriptPair {
    const p = proxyPaths(target);
    const cfg = shellQuote(p.haproxyConfig);
    const files =
        writeNewFromStdin(p.haproxyConfig) +
        checkNew(p.haproxyConfig, "haproxy", `haproxy -c -q -f ${shellQuote(`${p.haproxyConfig}.new`)}`) +
        install(p.haproxyConfig);
    if (target.serviceMode === "local") {
        const pid = shellQuote(p.haproxyPid);
        return {
            create: wrap(
                target,
                `changed=0\nmkdir -p ${shellQuote(p.runDir)}\n${files}${aliveCheck(p.haproxyPid)}` +
                    `if [ $running = 0 ]; then haproxy -D -f ${cfg} -p ${pid}\n` +
                    `elif [ $changed = 1 ]; then haproxy -D -f ${cfg} -p ${pid} -sf "$(cat ${pid})"; fi\n`,
            ),
            delete: wrap(target, `${stopPid(p.haproxyPid)}rm -f ${cfg}\n`),
        };
    }
    return {
        create: wrap(
            target,
            `changed=0\n${files}systemctl enable haproxy.service\n` +
                `if [ $changed = 1 ]; then systemctl reload-or-restart haproxy.service; else systemctl start haproxy.service; fi\n`,
        ),
        delete: wrap(target, `systemctl disable --now haproxy.service 2>/dev/null || true\nrm -f ${cfg}\n`),
    };
}

/**
 * Where the admin user's authorized_keys lives: on the VM the connecting user's own file (cloud-init writes the first
 * key there); in the local sandbox a file under `rootDir` that the loopback sshd reads (`AuthorizedKeysFile`, local/sshd.ts).
 */
export function adminAuthorizedKeysFile(target: Pick<ProxyTarget, "serviceMode" | "rootDir">): string {
    return target.serviceMode === "local" ? at(target, "/home/admin/.ssh/authorized_keys") : "~/.ssh/authorized_keys";
}

/** The comment that marks ovirt-ci's admin key line in the admin user's authorized_keys. */
export const ADMIN_KEY_MARK = "ovirt-ci-admin";

/**
 * The rotation of the proxy's admin key, through the running VM (a cloud-init change would replace the VM). Standard
 * input: the new public key line, then, while rotating, the previous key's public line (`adminKeyStdin`). The script
 * keeps every other line of the connecting user's authorized_keys (on the live proxy that is root's, holding the
 * operators' own keys), drops the previous key and any earlier line marked `ovirt-ci-admin`, and appends the new key
 * with that mark, atomically (sshd never reads a half-written file). It runs as the connecting user without sudo (it
 * edits that user's own file), over a connection made with the key the VM still accepts; every other command then
 * logs in with the new key. Re-running it with the same keys changes nothing. Deleting it leaves the file as it is
 * (the VM stays reachable).
 */
export function adminKeyScripts(target: Pick<ProxyTarget, "serviceMode" | "rootDir">): ScriptPair {
    const file = adminAuthorizedKeysFile(target);
    // "~/" expands only unquoted: keep it outside the quotes, quote the rest.
    const f = file.startsWith("~/") ? `"$HOME"/${shellQuote(file.slice(2))}` : shellQuote(file);
    const isKey = (v: string, what: string) =>
        `case "${v}" in ssh-*|ecdsa-*|sk-*) ;; *) echo "${what} on stdin is not one OpenSSH public key line" >&2; exit 1;; esac\n`;
    const script =
        `input="$(cat)"\n` +
        `if [ "$(printf '%s\\n' "$input" | wc -l)" -gt 2 ]; then echo "the new admin key on stdin has more than one line (and the previous key)" >&2; exit 1; fi\n` +
        `key="$(printf '%s\\n' "$input" | sed -n 1p)"; previous="$(printf '%s\\n' "$input" | sed -n 2p)"\n` +
        isKey("$key", "the new admin key") +
        `if [ -n "$previous" ]; then ${isKey("$previous", "the previous admin key").trim()}; fi\n` +
        `set -- $key; line="$1 $2 ${ADMIN_KEY_MARK}"; blob="$2"\n` +
        // the previous key's pattern as positional parameters: an unquoted optional word would be split by the shell
        `if [ -n "$previous" ]; then set -- $previous; set -- -e " $2"; else set --; fi\n` +
        `f=${f}\nmkdir -p "$(dirname "$f")"\nchmod 700 "$(dirname "$f")"\n` +
        `(umask 077; { if [ -f "$f" ]; then grep -v -F -e " $blob" -e " ${ADMIN_KEY_MARK}" "$@" "$f" || true; fi; printf '%s\\n' "$line"; } > "$f.new")\n` +
        `if cmp -s "$f.new" "$f"; then rm -f "$f.new"; else mv -f "$f.new" "$f"; echo "admin key installed"; fi\n`;
    return { create: wrap({ sudo: false }, script), delete: wrap({ sudo: false }, "true\n") };
}

/**
 * The rotation script's standard input: the new public key line, and the public line of the previous private key
 * while rotating (derived here with ssh2's key parser, so the previous key's own line is dropped from the VM's file).
 */
export function adminKeyStdin(publicKey: string, previousPrivateKey?: string): string {
    if (!previousPrivateKey) return `${publicKey.trim()}\n`;
    const parsed = sshUtils.parseKey(previousPrivateKey);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key instanceof Error || !key) {
        throw new Error(
            "ovirt-ci:proxyAdminSshPreviousPrivateKey is not an OpenSSH or PEM private key the rotation can read; set it to the private key the proxy accepts now",
        );
    }
    return `${publicKey.trim()}\n${key.type} ${key.getPublicSSH().toString("base64")}\n`;
}

/** The proxy's packet filter table (lib/render/firewall.ts): its own table, beside the per-lease NAT tables. */
export const FIREWALL_TABLE = "ovirt_ci_filter";

/**
 * The packet filter: the table rendered from all leases comes on stdin (`renderNftablesFilter`), is checked with
 * `nft -c`, installed under the nftables include directory (so it is loaded at boot) and applied atomically when it
 * changed or is not loaded. The sandbox (local mode) cannot filter packets without privileges: it keeps the checked
 * file and what systemd mode would run, as for the lease networks.
 */
export function firewallScripts(target: ProxyTarget): ScriptPair {
    const p = proxyPaths(target);
    const file = `${p.nftDir}/filter.nft`;
    const f = shellQuote(file);
    const check = `nft -c -f ${shellQuote(`${file}.new`)}\n`;
    if (target.serviceMode === "local") {
        const record = shellQuote(`${p.recordDir}/firewall.sh`);
        return {
            create: wrap(
                target,
                `changed=0\n${writeNewFromStdin(file)}` +
                    // nft checks as far as the sandbox allows: a machine without nft still records the file
                    `if command -v nft >/dev/null 2>&1; then ${check.trim()}; fi\n${install(file)}` +
                    `mkdir -p ${shellQuote(p.recordDir)}\nprintf '%s\\n' ${shellQuote(`nft -f ${file}`)} > ${record}\n`,
            ),
            delete: wrap(target, `rm -f ${f} ${record}\n`),
        };
    }
    return {
        create: wrap(
            target,
            `changed=0\n${writeNewFromStdin(file)}${check}${install(file)}` +
                `if [ $changed = 1 ] || ! nft list table inet ${FIREWALL_TABLE} >/dev/null 2>&1; then nft -f ${f}; fi\n`,
        ),
        delete: wrap(target, `nft delete table inet ${FIREWALL_TABLE} 2>/dev/null || true\nrm -f ${f}\n`),
    };
}
