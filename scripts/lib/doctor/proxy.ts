/**
 * The doctor's proxy checks, from the CI's side of the proxy VM: the lease's dnsmasq answers `api.<cluster>.<base>`
 * and a name under `*.apps` with the lease's VIPs; HAProxy routes both (its file has the lease's SNI/Host rules and
 * backends, and the running HAProxy's statistics list those backends at the VIPs); the proxy has the lease's `.1`
 * address. Where the services answer: `local` service mode on 127.0.0.1 (dnsmasq of lease N on localDnsPort + N,
 * HAProxy on localHaproxyPorts); `systemd` mode on the proxy's addresses (dnsmasq on the lease's gateway, port 53, so
 * the doctor must run where the lease networks are routed; HAProxy's statistics on the external address, :8404).
 * Files and interface addresses are read over SSH with the stack's key (read-only commands: `cat`, `ip addr show`).
 */
import { Resolver } from "node:dns/promises";
import { Client } from "ssh2";
import { proxyTargetFor } from "../../../lib/proxy/targets";
import { proxyPaths } from "../../../lib/render/proxy/paths";
import type { LeaseInfo } from "../../../lib/leaseModel";
import { DEFAULT_HAPROXY_PORTS, renderHaproxyConfig } from "../../../lib/render/haproxy";
import { shellQuote } from "../../../lib/render/shell";
import type { DoctorContext } from "./context";
import { CheckResult, Verdict, fail, guarded, ok } from "./report";

/** Runs read-only commands on the proxy over one SSH connection. */
export class ProxyShell {
    private client?: Promise<Client>;
    constructor(private readonly ctx: DoctorContext) {}

    /** Where the SSH connection goes (the program's own choice: connection settings, else the external address). */
    target(): { host: string; port: number; username: string } {
        const s = this.ctx.config.proxyVm;
        const host = s.connection?.host ?? s.externalAddress ?? this.ctx.proxyAddress;
        if (!host)
            throw new Error(
                `no address for ${s.name}: no proxyVm.connection.host, no externalAddress, no proxy.address output`,
            );
        return { host, port: s.connection?.port ?? 22, username: s.connection?.user ?? s.sshUser };
    }

    private connect(): Promise<Client> {
        this.client ??= new Promise((resolve, reject) => {
            const t = this.target();
            const c = new Client();
            c.on("ready", () => resolve(c));
            c.on("error", (e) => reject(new Error(`SSH to ${t.username}@${t.host}:${t.port}: ${e.message}`)));
            // The same pinning as the program's commands (proxyVm.connection.hostKey, else the key the stack recorded
            // on first contact): compare the key blob.
            const pinned = (this.ctx.config.proxyVm.connection?.hostKey ?? this.ctx.proxyHostKey)
                ?.trim()
                .split(/\s+/)[1];
            c.connect({
                ...t,
                privateKey: this.ctx.secrets.proxyAdminSshPrivateKey,
                readyTimeout: 15_000,
                ...(pinned ? { hostVerifier: (key: Buffer) => key.toString("base64") === pinned } : {}),
            });
        });
        return this.client;
    }

    /** The command's stdout; throws with its stderr when it fails. */
    async run(command: string): Promise<string> {
        const c = await this.connect();
        const sudo = proxyTargetFor(this.ctx.config.proxyVm).sudo ? "sudo -n " : "";
        return new Promise((resolve, reject) => {
            c.exec(`${sudo}${command}`, (err, stream) => {
                if (err) return reject(err);
                let out = "";
                let errText = "";
                stream.on("data", (d: Buffer) => (out += d.toString()));
                stream.stderr.on("data", (d: Buffer) => (errText += d.toString()));
                stream.on("close", (code: number) =>
                    code === 0
                        ? resolve(out)
                        : reject(new Error(`\`${command}\` on the proxy: exit ${code}: ${errText.trim()}`)),
                );
            });
        });
    }

    close(): void {
        void this.client?.then((c) => c.end()).catch(() => undefined);
    }
}

const local = (ctx: DoctorContext) => ctx.config.proxyVm.serviceMode === "local";
const UP_FIX = (ctx: DoctorContext) => `run \`pulumi up --refresh --stack ${ctx.stack}\`, then the doctor again`;
/**
 * The fix of a file or process on the proxy: `up` creates what is missing, but a command whose script did not change
 * is not run again, so a file changed on the proxy is pushed again by replacing its command.
 */
const PUSH_FIX = (ctx: DoctorContext, command: string) =>
    `run \`pulumi up --refresh --stack ${ctx.stack}\`; if that changes nothing (the proxy was changed by hand), push it again: ` +
    `\`pulumi up --stack ${ctx.stack} --replace <urn of ${command}>\` (\`pulumi stack --stack ${ctx.stack} --show-urns\` lists it)`;
const SSH_FIX = (ctx: DoctorContext) =>
    `check that the proxy answers SSH as the program's connection (proxyVm.connection / externalAddress of stack ${ctx.stack}) with the stack's proxyAdminSshPrivateKey`;

/** The files of a lease on the proxy. */
const leasePaths = (ctx: DoctorContext, lease: LeaseInfo) => proxyPaths(proxyTargetFor(ctx.config.proxyVm), lease);

/** Where lease N's dnsmasq answers. */
export function dnsServer(ctx: DoctorContext, lease: LeaseInfo): string {
    return local(ctx) ? `127.0.0.1:${ctx.config.proxyVm.localDnsPort + lease.number}` : `${lease.gateway}:53`;
}

async function dnsVerdict(ctx: DoctorContext, lease: LeaseInfo, name: string, address: string): Promise<Verdict> {
    const server = dnsServer(ctx, lease);
    const expected = `${name} → ${address} from ${lease.name}'s dnsmasq (${server})`;
    const resolver = new Resolver({ timeout: 3000, tries: 2 });
    resolver.setServers([server]);
    let answer: string[];
    try {
        answer = await resolver.resolve4(name);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        const noServer = ["ECONNREFUSED", "ETIMEOUT", "ETIMEDOUT"].includes(code);
        return fail(
            expected,
            noServer ? `no answer from ${server} (${code})` : `${code} for ${name}`,
            noServer
                ? local(ctx)
                    ? `dnsmasq of ${lease.name} in the sandbox does not answer (not running, or hung: its pid file is ${leasePaths(ctx, lease).dnsmasqPid}); stop it and start it again: dnsmasq -C ${leasePaths(ctx, lease).dnsmasqConfig}`
                    : `on the proxy: systemctl restart dnsmasq@${lease.name} (journalctl -u dnsmasq@${lease.name} says why it stopped); run the doctor where ${lease.subnet} is routed`
                : `the lease's dnsmasq file lacks the record: ${PUSH_FIX(ctx, `${lease.name}-proxy-config`)}`,
        );
    }
    if (answer.length === 1 && answer[0] === address) return ok(expected, `${name} → ${address} (${server})`);
    return fail(
        expected,
        `${name} → ${answer.join(", ") || "nothing"}`,
        `the lease's dnsmasq answers other addresses: ${PUSH_FIX(ctx, `${lease.name}-proxy-config`)}`,
    );
}

/** The lines of haproxy.cfg that belong to one lease and one name (`api` or `apps`), rendered by the program's renderer. */
export function haproxyLeaseLines(lease: LeaseInfo, kind: "api" | "apps"): string[] {
    const cfg = renderHaproxyConfig([lease], { statsUser: "doctor", statsPassword: "doctor" });
    const marks =
        kind === "api"
            ? [`api-${lease.name}`, `${lease.clusterName}-api `]
            : [`apps-https-${lease.name}`, `apps-http-${lease.name}`, `${lease.clusterName}-ingress `];
    return cfg
        .split("\n")
        .filter((l) => marks.some((m) => l.includes(m)))
        .map((l) => l.trim());
}

/** The backend names of one lease and name. */
const backends = (lease: LeaseInfo, kind: "api" | "apps") =>
    kind === "api" ? [`api-${lease.name}`] : [`apps-https-${lease.name}`, `apps-http-${lease.name}`];

/** HAProxy's statistics as CSV rows (pxname, svname, …, addr). */
async function haproxyStats(ctx: DoctorContext, cfgText: string): Promise<Record<string, string>[]> {
    const auth = /^\s*stats auth (\S+):(\S+)\s*$/m.exec(cfgText);
    if (!auth) throw new Error("haproxy.cfg on the proxy has no `stats auth` line");
    const host = local(ctx) ? "127.0.0.1" : ctx.proxyAddress || ctx.config.proxyVm.externalAddress;
    const port = local(ctx) ? ctx.config.proxyVm.localHaproxyPorts.stats : DEFAULT_HAPROXY_PORTS.stats;
    const res = await fetch(`http://${host}:${port}/;csv`, {
        headers: { Authorization: `Basic ${Buffer.from(`${auth[1]}:${auth[2]}`).toString("base64")}` },
        signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`HAProxy statistics at ${host}:${port} answered HTTP ${res.status}`);
    const [head, ...rows] = (await res.text()).trim().split("\n");
    const cols = head.replace(/^# /, "").split(",");
    return rows.map((r) => Object.fromEntries(r.split(",").map((v, i) => [cols[i], v])));
}

async function haproxyVerdict(
    ctx: DoctorContext,
    lease: LeaseInfo,
    kind: "api" | "apps",
    cfg: Promise<string>,
    stats: Promise<Record<string, string>[]>,
): Promise<Verdict> {
    const names = kind === "api" ? lease.apiFqdn : lease.appsWildcard;
    const vip = kind === "api" ? `${lease.apiVip}:6443` : `${lease.ingressVip}:443 and :80`;
    const expected = `HAProxy routes ${names} to ${vip} (rules in haproxy.cfg, backends ${backends(lease, kind).join(", ")} running)`;
    const text = await cfg;
    if (!text) return fail(expected, "no haproxy.cfg on the proxy", PUSH_FIX(ctx, "proxy-haproxy"));
    const have = new Set(text.split("\n").map((l) => l.trim()));
    const absent = haproxyLeaseLines(lease, kind).filter((l) => !have.has(l));
    if (absent.length) {
        return fail(
            expected,
            `haproxy.cfg lacks ${absent.length} of the lease's lines, e.g. "${absent[0]}"`,
            PUSH_FIX(ctx, "proxy-haproxy"),
        );
    }
    let rows: Record<string, string>[];
    try {
        rows = await stats;
    } catch (e) {
        // HAProxy not answering is a finding about the proxy, not a failure of the doctor
        return fail(
            expected,
            `the running HAProxy's statistics do not answer (${(e as Error).message})`,
            local(ctx)
                ? PUSH_FIX(ctx, "proxy-haproxy")
                : "on the proxy: systemctl status haproxy; haproxy -c -f /etc/haproxy/haproxy.cfg",
        );
    }
    const notRunning = backends(lease, kind).filter((b) => !rows.some((r) => r.pxname === b && r.svname === "BACKEND"));
    if (notRunning.length) {
        return fail(
            expected,
            `the running HAProxy has no backend ${notRunning.join(", ")} (haproxy.cfg has them: the reload did not happen)`,
            local(ctx)
                ? PUSH_FIX(ctx, "proxy-haproxy")
                : "on the proxy: haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl reload haproxy",
        );
    }
    const servers = rows.filter(
        (r) => backends(lease, kind).includes(r.pxname) && r.svname !== "BACKEND" && r.svname !== "FRONTEND",
    );
    const wrongAddr = servers.filter(
        (r) => r.addr && !r.addr.startsWith(kind === "api" ? `${lease.apiVip}:` : `${lease.ingressVip}:`),
    );
    if (wrongAddr.length) {
        return fail(
            expected,
            `the running HAProxy sends ${wrongAddr[0].pxname} to ${wrongAddr[0].addr}`,
            PUSH_FIX(ctx, "proxy-haproxy"),
        );
    }
    return ok(expected, `${names} → ${backends(lease, kind).join(", ")} → ${vip}`);
}

async function gatewayVerdict(ctx: DoctorContext, shell: ProxyShell, lease: LeaseInfo): Promise<Verdict> {
    const addr = `${lease.gateway}/${lease.subnetPrefixLength}`;
    const expected = `the proxy has ${addr} on ${lease.interfaceName}`;
    if (local(ctx)) {
        // local mode only records what systemd mode runs (docs/local.md)
        const record = leasePaths(ctx, lease).record!;
        const text = await shell.run(`cat ${shellQuote(record)}`).catch((e: Error) => {
            if (/No such file/.test(e.message)) return "";
            throw e;
        });
        return text.includes(`ip addr replace ${addr} dev ${shellQuote(lease.interfaceName)}\n`)
            ? ok(expected, `${addr} on ${lease.interfaceName} (recorded in ${record})`)
            : fail(
                  expected,
                  text ? `${record} does not set ${addr} on ${lease.interfaceName}` : `no ${record}`,
                  PUSH_FIX(ctx, `${lease.name}-proxy-config`),
              );
    }
    const out = await shell.run(`ip -4 -o addr show dev ${shellQuote(lease.interfaceName)}`).catch((e: Error) => {
        if (/does not exist/.test(e.message)) return "";
        throw e;
    });
    return out.includes(` ${addr} `)
        ? ok(expected, `${addr} on ${lease.interfaceName}`)
        : fail(
              expected,
              out.trim()
                  ? `${lease.interfaceName} has ${out.match(/inet \S+/g)?.join(", ") ?? "no IPv4 address"}`
                  : `no interface ${lease.interfaceName}`,
              `on the proxy: ip addr replace ${addr} dev ${lease.interfaceName}; then ${UP_FIX(ctx)}`,
          );
}

/** The proxy checks of every selected install lease (one SSH connection and one statistics read for all). */
export async function proxyChecks(ctx: DoctorContext): Promise<CheckResult[]> {
    const shell = new ProxyShell(ctx);
    try {
        const cfgPath = proxyPaths(proxyTargetFor(ctx.config.proxyVm)).haproxyConfig;
        // a missing file is a finding (""), an unreachable proxy "could not check"
        const cfg = shell.run(`cat ${shellQuote(cfgPath)}`).catch((e: Error) => {
            if (/No such file/.test(e.message)) return "";
            throw e;
        });
        const stats = cfg.then((t) => haproxyStats(ctx, t));
        cfg.catch(() => undefined);
        stats.catch(() => undefined);
        const out: CheckResult[] = [];
        for (const lease of ctx.leases) {
            out.push(
                await guarded(
                    lease.name,
                    "proxy.gateway",
                    `${lease.gateway} on ${lease.interfaceName}`,
                    SSH_FIX(ctx),
                    () => gatewayVerdict(ctx, shell, lease),
                ),
            );
            out.push(
                await guarded(lease.name, "dns.api", `${lease.apiFqdn} → ${lease.apiVip}`, UP_FIX(ctx), () =>
                    dnsVerdict(ctx, lease, lease.apiFqdn, lease.apiVip),
                ),
            );
            const appsName = `doctor-probe.${lease.appsDomain}`;
            out.push(
                await guarded(lease.name, "dns.apps", `${appsName} → ${lease.ingressVip}`, UP_FIX(ctx), () =>
                    dnsVerdict(ctx, lease, appsName, lease.ingressVip),
                ),
            );
            for (const kind of ["api", "apps"] as const) {
                out.push(
                    await guarded(
                        lease.name,
                        `haproxy.${kind}`,
                        `HAProxy routes the lease's ${kind} name`,
                        SSH_FIX(ctx),
                        () => haproxyVerdict(ctx, lease, kind, cfg, stats),
                    ),
                );
            }
        }
        return out;
    } finally {
        shell.close();
    }
}
