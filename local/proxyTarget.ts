/**
 * The proxy sandbox as a {@link ProxyTarget} (`proxyVm.serviceMode: local`), the local default's stand-in for the
 * proxy VM (docs/local.md): every file under `rootDir`, dnsmasq and haproxy run by the same binaries as plain
 * processes with pid files under `rootDir/run` (no systemd), lease N's dnsmasq answering DNS on
 * 127.0.0.1:(localDnsPort + N) without DHCP or an interface (neither can be served unprivileged on loopback),
 * HAProxy on the loopback ports of `localHaproxyPorts`, and what the VM would change in the kernel (interfaces,
 * forwarding, NAT, the packet filter) checked where this machine's tools can and only recorded in
 * `rootDir/var/lib/ovirt-ci/network/`. The files are the renderers' own (lib/render/proxy/), so the sandbox
 * exercises the same rendering, checks and idempotence as the VM.
 *
 * Loading this module registers the target for `serviceMode: local` (lib/proxy/targets.ts); the program's entry
 * (index.ts) loads it for a local stack only.
 */
import type { LocalHaproxyPorts } from "../lib/config";
import { renderPlaybooksDnsmasq, renderPlaybooksHaproxy } from "../lib/render/playbooks";
import { adminAuthorizedKeysFile } from "../lib/render/proxy/adminKey";
import { FIREWALLD_PUBLIC_ZONE } from "../lib/render/proxy/playbooksLayout";
import { fail, install, writeNew } from "../lib/render/proxy/script";
import { shellQuote } from "../lib/render/shell";
import { registerProxyTarget, sharedTargetOptions } from "../lib/proxy/targets";
import type { ProxyTarget } from "../lib/proxy/target";
import { localPortProblems, neededPorts } from "./portCheck";

/** The settings of the sandbox's target. */
export interface SandboxTargetOptions extends Pick<
    ProxyTarget,
    "rootDir" | "externalInterface" | "upstreamDns" | "layout"
> {
    /** Lease N's dnsmasq listens on 127.0.0.1:(localDnsPort + N). */
    readonly localDnsPort: number;
    /** HAProxy's loopback ports. */
    readonly localHaproxyPorts: LocalHaproxyPorts;
    /**
     * The sandbox runs on this machine (the SSH connection goes to loopback): its ports are checked before any
     * change (local/portCheck.ts). @default false
     */
    readonly checkPorts?: boolean;
}

/** The admin user's authorized_keys in the sandbox, under `rootDir`: the loopback sshd reads it (local/sshd.ts). */
const ADMIN_AUTHORIZED_KEYS = "/home/admin/.ssh/authorized_keys";

/** The sandbox's admin authorized_keys under `rootDir` (the loopback sshd's `AuthorizedKeysFile`). */
export function sandboxAuthorizedKeysFile(rootDir: string): string {
    return adminAuthorizedKeysFile({ rootDir, authorizedKeysFile: ADMIN_AUTHORIZED_KEYS });
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

/** The proxy sandbox (see the module comment). */
export function sandboxTarget(options: SandboxTargetOptions): ProxyTarget {
    const { localDnsPort, localHaproxyPorts, checkPorts, ...shared } = options;
    return {
        ...shared,
        sudo: false,
        authorizedKeysFile: ADMIN_AUTHORIZED_KEYS,
        dnsmasqListen: (lease) => ({
            interfaceName: null,
            listenAddress: "127.0.0.1",
            port: localDnsPort + lease.number,
            dhcp: false,
        }),
        haproxyListen: () => ({ bindAddress: "127.0.0.1", ports: localHaproxyPorts, globalLines: [] }),
        playbooksDnsmasq: (lease, nic, rootDir) =>
            renderPlaybooksDnsmasq(lease, nic, { rootDir, port: localDnsPort + lease.number }),
        playbooksHaproxy: (leases, address) => renderPlaybooksHaproxy(leases, address, localHaproxyPorts),

        // Forwarding is only recorded.
        base: ({ paths: p, dirs }) => ({
            create: `${writeNew(`${p.recordDir}/forwarding.sh`, `sysctl -w net.ipv4.ip_forward=1\n`)}${install(`${p.recordDir}/forwarding.sh`)}`,
            delete: `rm -f ${shellQuote(`${p.recordDir}/forwarding.sh`)}\nrmdir ${dirs} 2>/dev/null || true\n`,
        }),

        // dnsmasq as a daemon with its pid file, restarted when its file changed; the NAT file is checked wherever
        // this machine's nft can check at all (the sandbox loads nothing into a kernel); the network commands are
        // recorded.
        lease: ({ lease, paths: p, dnsmasq, nat, network }) => {
            const conf = shellQuote(p.dnsmasqConfig);
            const natFiles = nat
                ? `${nat.write}if command -v nft >/dev/null 2>&1 && nft -c -f /dev/null >/dev/null 2>&1; then\n${nat.check}fi\n${install(p.nftFile)}`
                : "";
            return {
                create:
                    `changed=0\n${dnsmasq.write}${dnsmasq.check}${install(p.dnsmasqConfig)}${aliveCheck(p.dnsmasqPid)}` +
                    `if [ $changed = 1 ] && [ $running = 1 ]; then\n${stopPid(p.dnsmasqPid)}running=0\nfi\n` +
                    `if [ $running = 0 ]; then dnsmasq -C ${conf}; fi\n` +
                    `changed=0\n${natFiles}` +
                    `changed=0\n${writeNew(p.record, `# ${lease.name}: what serviceMode systemd would run\n${network}`)}${install(p.record)}`,
                delete: `${stopPid(p.dnsmasqPid)}rm -f ${conf} ${shellQuote(p.nftFile)} ${shellQuote(p.record)} ${shellQuote(p.dnsmasqLeases)}\n`,
            };
        },

        // haproxy as a daemon with its pid file; a changed file is a soft reload (-sf) under a new pid.
        haproxy: ({ paths: p, files }) => {
            const cfg = shellQuote(p.haproxyConfig);
            const pid = shellQuote(p.haproxyPid);
            return {
                create:
                    `changed=0\nmkdir -p ${shellQuote(p.runDir)}\n${files}${aliveCheck(p.haproxyPid)}` +
                    `if [ $running = 0 ]; then haproxy -D -f ${cfg} -p ${pid}\n` +
                    `elif [ $changed = 1 ]; then haproxy -D -f ${cfg} -p ${pid} -sf "$(cat ${pid})"; fi\n`,
                delete: `${stopPid(p.haproxyPid)}rm -f ${cfg}\n`,
            };
        },

        // No packet filter without privileges: the checked file and what the VM would run are kept.
        firewall: ({ paths: p, file, check }) => {
            const record = shellQuote(`${p.recordDir}/firewall.sh`);
            return {
                create:
                    // nft checks as far as the sandbox allows: a machine without nft still records the file
                    `if command -v nft >/dev/null 2>&1; then ${check}; fi\n${install(file)}` +
                    `mkdir -p ${shellQuote(p.recordDir)}\nprintf '%s\\n' ${shellQuote(`nft -f ${file}`)} > ${record}\n`,
                delete: `rm -f ${shellQuote(file)} ${record}\n`,
            };
        },

        // No firewalld: the playbooks' zone file says whether it masquerades.
        playbooksMasqueradeCheck: (zoneFile) =>
            `grep -q '<masquerade/>' ${shellQuote(zoneFile)} 2>/dev/null || { ${fail(`proxy layout playbooks: no masquerade in ${FIREWALLD_PUBLIC_ZONE}: the lease networks would have no NAT. Nothing was changed. Fix: run npm run adopt, or set ovirt-ci:proxyVm.layout to ovirt-ci`)}; }\n`,
        // Their lease's dnsmasq as a daemon with their pid file; started when not running, never restarted.
        playbooksLease: ({ files, requireSame }) => ({
            create: `${requireSame}${aliveCheck(files.pid)}if [ $running = 0 ]; then dnsmasq --conf-file=${shellQuote(files.config)}; fi\n`,
            delete: `${stopPid(files.pid)}rm -f ${shellQuote(files.config)} ${shellQuote(files.leases)}\n`,
        }),
        playbooksTakeover: (_unit, pid) => stopPid(pid),

        preflightProblems: (leaseNumbers) =>
            checkPorts
                ? localPortProblems(neededPorts({ ...localHaproxyPorts }, localDnsPort, leaseNumbers), shared.rootDir)
                : Promise.resolve([]),
    };
}

/** Loopback hosts: a connection there means the sandbox runs on this machine. */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

registerProxyTarget("local", (s) =>
    sandboxTarget({
        ...sharedTargetOptions(s),
        localDnsPort: s.localDnsPort,
        localHaproxyPorts: s.localHaproxyPorts,
        checkPorts: LOOPBACK.test(s.connection?.host ?? ""),
    }),
);
