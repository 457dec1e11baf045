/**
 * The loopback ports of the proxy's `local` service mode, checked before any resource is created: HAProxy's four
 * (`proxyVm.localHaproxyPorts`) and one DNS port per lease (`proxyVm.localDnsPort + N`, TCP and UDP). A port is fine
 * when it is free, or when a process of the proxy sandbox itself holds it (a previous `up` started that haproxy or
 * dnsmasq: its pid is in `<rootDir>/run/*.pid`). Otherwise the check names the port, who holds it when this user
 * can see it, and the setting that changes it; without it, HAProxy or dnsmasq fail with `Address already in use`
 * half-way through the `up`.
 *
 * Linux: the holder of a busy port is found through /proc/net/{tcp,udp} (socket inode) and /proc/<pid>/fd.
 */
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/** One port the proxy sandbox binds, and the setting that chooses it. */
export interface NeededPort {
    readonly port: number;
    readonly protocols: readonly ("tcp" | "udp")[];
    /** e.g. `ovirt-ci:proxyVm.localHaproxyPorts.api` */
    readonly setting: string;
    /** e.g. `HAProxy's API frontend`, `dnsmasq of ovirt-12` */
    readonly what: string;
}

/** The ports `local` mode needs for these settings and leases. */
export function neededPorts(
    localHaproxyPorts: Record<string, number>,
    localDnsPort: number,
    leaseNumbers: readonly number[],
): NeededPort[] {
    const out: NeededPort[] = Object.entries(localHaproxyPorts).map(([name, port]) => ({
        port,
        protocols: ["tcp"],
        setting: `ovirt-ci:proxyVm.localHaproxyPorts.${name}`,
        what: `HAProxy's ${name} frontend`,
    }));
    for (const n of leaseNumbers) {
        out.push({
            port: localDnsPort + n,
            protocols: ["tcp", "udp"],
            setting: "ovirt-ci:proxyVm.localDnsPort",
            what: `dnsmasq of ovirt-${n} (localDnsPort + ${n})`,
        });
    }
    return out;
}

function bindable(protocol: "tcp" | "udp", port: number): Promise<boolean> {
    return new Promise((resolve) => {
        if (protocol === "tcp") {
            const srv = net.createServer();
            srv.once("error", () => resolve(false));
            srv.listen({ port, host: "127.0.0.1", exclusive: true }, () => srv.close(() => resolve(true)));
        } else {
            const sock = dgram.createSocket("udp4");
            sock.once("error", () => {
                sock.close();
                resolve(false);
            });
            sock.bind(port, "127.0.0.1", () => sock.close(() => resolve(true)));
        }
    });
}

/** Socket inodes by local port (any local address), from /proc/net/<proto> and /proc/net/<proto>6: read once per check. */
function socketTable(protocol: "tcp" | "udp"): Map<number, Set<string>> {
    const out = new Map<number, Set<string>>();
    for (const f of [`/proc/net/${protocol}`, `/proc/net/${protocol}6`]) {
        let text: string;
        try {
            text = fs.readFileSync(f, "utf8");
        } catch {
            continue;
        }
        for (const line of text.split("\n").slice(1)) {
            const cols = line.trim().split(/\s+/);
            if (cols.length <= 9) continue;
            const port = parseInt(cols[1].slice(cols[1].lastIndexOf(":") + 1), 16);
            let inodes = out.get(port);
            if (!inodes) out.set(port, (inodes = new Set()));
            inodes.add(cols[9]);
        }
    }
    return out;
}

/** The socket inodes a process holds ([] when its fds are not readable: another user's, or it exited). */
function socketsOf(pid: number | string): string[] {
    let fds: string[];
    try {
        fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
        return [];
    }
    const out: string[] = [];
    for (const fd of fds) {
        try {
            const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
            if (m) out.push(m[1]);
        } catch {
            // the fd closed meanwhile
        }
    }
    return out;
}

/** The pids (of this user) holding one of the socket inodes: a scan of every process, to name a foreign holder. */
function holders(inodes: Set<string>): number[] {
    if (inodes.size === 0) return [];
    const pids = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
    return pids.filter((pid) => socketsOf(pid).some((inode) => inodes.has(inode))).map(Number);
}

/**
 * Pids in the sandbox's pid files: `<rootDir>/run/*.pid`, the haproxy and dnsmasq instances a previous up started,
 * and `<rootDir>/var/run/*.pid`, the lease instances of the playbooks' layout (lib/render/proxy/playbooksLayout.ts).
 */
export function sandboxPids(rootDir: string): Set<number> {
    const out = new Set<number>();
    for (const runDir of [path.join(rootDir, "run"), path.join(rootDir, "var/run")]) {
        if (!fs.existsSync(runDir)) continue;
        for (const f of fs.readdirSync(runDir).filter((n) => n.endsWith(".pid"))) {
            for (const tok of fs.readFileSync(path.join(runDir, f), "utf8").split(/\s+/))
                if (/^\d+$/.test(tok)) out.add(Number(tok));
        }
    }
    return out;
}

function commandOf(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ").slice(0, 80);
    } catch {
        return "?";
    }
}

/**
 * Problems with the ports of `local` mode: one line per port that is held by something other than the sandbox,
 * naming the port, its holder when visible, and the setting to change. Empty when every port is usable.
 */
export async function localPortProblems(ports: readonly NeededPort[], rootDir: string): Promise<string[]> {
    // Read once per check, and only when a port is busy: the socket tables and the sockets of the sandbox's own
    // haproxy/dnsmasq. Looked up per port, these cost ≈ 15 ms a port with every process scanned (0.7 s of a 20-lease
    // preview's program CPU), and still seconds at 200 leases with only the sandbox's pids scanned.
    const tables = new Map<"tcp" | "udp", Map<number, Set<string>>>();
    let ours: Set<string> | undefined;
    const problems: string[] = [];
    for (const p of ports) {
        for (const proto of p.protocols) {
            if (await bindable(proto, p.port)) continue;
            let inodes = tables.get(proto)?.get(p.port);
            if (!inodes) {
                // not in the table read so far: the socket may be newer than it
                tables.set(proto, socketTable(proto));
                inodes = tables.get(proto)!.get(p.port) ?? new Set<string>();
            }
            ours ??= new Set([...sandboxPids(rootDir)].flatMap(socketsOf));
            if ([...inodes].some((inode) => ours!.has(inode))) continue;
            const pids = holders(inodes);
            const who =
                pids.length > 0
                    ? ` by ${pids.map((pid) => `pid ${pid} (${commandOf(pid)})`).join(", ")}`
                    : " by another process (not visible to this user)";
            problems.push(
                `port ${p.port}/${proto} on 127.0.0.1, needed for ${p.what}, is in use${who}. ` +
                    `Fix: stop that process, or choose another port with ${p.setting} (pulumi config set --path '${p.setting}' <port>)`,
            );
            break;
        }
    }
    return problems;
}

/**
 * The lowest port of the kernel's ephemeral range (Linux default 32768). Every listener on port 0 (the CLI's plugins
 * and language hosts, tests' servers) and every outgoing connection takes its port from there, so a port in it that
 * is free now can be taken before dnsmasq binds it (a soak run failed on `Address already in use` so).
 */
export function ephemeralPortLow(): number {
    try {
        return (
            Number(fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || 32768
        );
    } catch {
        return 32768;
    }
}

/**
 * A `proxyVm.localDnsPort` base B such that B + N is usable (TCP and UDP, see {@link localPortProblems}) for every
 * lease N of `leaseNumbers`, all of them below the kernel's ephemeral range. Tries random bases; throws after 50.
 */
export async function freeDnsBase(leaseNumbers: readonly number[], rootDir: string): Promise<number> {
    const maxLease = Math.max(0, ...leaseNumbers);
    const low = 16000;
    const high = Math.max(low + maxLease + 1000, ephemeralPortLow()) - maxLease - 1;
    for (let attempt = 0; attempt < 50; attempt++) {
        const base = low + Math.floor(Math.random() * (high - low));
        if ((await localPortProblems(neededPorts({}, base, leaseNumbers), rootDir)).length === 0) return base;
    }
    throw new Error(
        `no free range of loopback ports for the dnsmasq of leases up to ${maxLease} below port ${ephemeralPortLow()} (50 tries); free some (ss -lntu) and re-run`,
    );
}
