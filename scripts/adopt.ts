/**
 * `npm run adopt -- --stack <name> [--cwd <project dir>] [--proxy <VM name>] [--dry-run]`
 *
 * Day one (docs/operator.md): read-only discovery of the engine (data center, cluster, main storage domain and its
 * type, the proxy VM with its NICs, BIOS type, memory and cloud-init address, the lease networks and the VMs on
 * them, the OVN provider entry, the engine CA), the proxy's SSH host key (read before any login, pinned for the
 * discovery and written as proxyVm.connection.hostKey; another key than a configured one is a refusal), the proxy over
 * SSH (interfaces, the lease dnsmasq files of both
 * layouts, which instances run, HAProxy's file, firewalld's masquerade, OS and tool versions) and the Vault item
 * (key names only). Prints per object what the first `pulumi up` would do to it (lib/adopt.ts), and writes the
 * stack config (`Pulumi.<stack>.yaml`) that makes that `up` change nothing a running job depends on. Changes nothing
 * on the engine, the proxy or in Vault (GETs, `cat`, `ip`, `systemctl is-active`, `firewall-cmd --query-…`).
 *
 * Exit codes: 0 config written (or, with --dry-run, what it would write printed), 1 refusals (nothing written),
 * 2 could not discover (a service unreachable, the stack unreadable, bad arguments).
 */
import { createHash, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { PROFILE_FILES } from "../components/ciSecrets";
import {
    EngineDiscovery,
    HostKeyVerdict,
    ProxyDiscovery,
    judgeAdoption,
    judgeHostKey,
    netmaskPrefix,
    proxyFilesToRead,
} from "../lib/adopt";
import { fingerprintOf, scanHostKey } from "../providers/ovirt/sshHostKey";
import { PROJECT } from "../lib/config";
import { leases as deriveLeases, upgradeLeases as deriveUpgradeLeases } from "../lib/leaseModel";
import { playbooksNetName } from "../lib/render/playbooks";
import { shellQuote } from "../lib/render/shell";
import { Session, openSession } from "../providers/ovirt/client";
import { hardwareOf } from "../providers/ovirt/vm";
import { decodeInt, decodeList, decodeString, refId, searchQuote } from "../providers/ovirt/representation";
import { readUsage } from "../providers/ovirt/usage";
import { ContextError, DoctorContext, loadContext, stackEnvironment } from "./lib/doctor/context";
import { ProxyShell } from "./lib/doctor/proxy";
import { readProfileItem } from "./lib/doctor/vault";

const ROOT = path.resolve(__dirname, "..");
const USAGE = "usage: npm run adopt -- --stack <name> [--cwd <project dir>] [--proxy <VM name>] [--dry-run]";

interface Options {
    stack?: string;
    cwd: string;
    proxy?: string;
    dryRun: boolean;
}

function parseArgs(argv: readonly string[]): Options {
    const o: Options = { cwd: ROOT, dryRun: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--help" || a === "-h") {
            console.log(USAGE);
            process.exit(0);
        }
        if (a === "--dry-run") {
            o.dryRun = true;
            continue;
        }
        const v = argv[++i];
        if (!["--stack", "--cwd", "--proxy"].includes(a) || v === undefined || v.startsWith("--"))
            throw new ContextError(`unexpected argument ${JSON.stringify(a)}\n${USAGE}`);
        if (a === "--stack") o.stack = v;
        else if (a === "--cwd") o.cwd = path.resolve(v);
        else o.proxy = v;
    }
    if (!o.stack) throw new ContextError(`--stack is required\n${USAGE}`);
    return o;
}

const MiB = 1024 * 1024;

async function find(s: Session, collection: string, element: string, name: string, follow?: string) {
    const body = await s.get(`/${collection}`, {
        params: { search: `name=${searchQuote(name)}`, ...(follow ? { follow } : {}) },
    });
    return decodeList(body, element).find((x) => x.name === name);
}

/** Everything on the engine the verdicts need (GETs only). */
async function discoverEngine(ctx: DoctorContext, proxyName: string): Promise<EngineDiscovery> {
    const c = ctx.config;
    const s = await openSession(ctx.endpoint, "adopt: read the engine");
    const sd = await find(s, "storagedomains", "storage_domain", c.mainStorageDomain);
    const vm = await find(s, "vms", "vm", proxyName, "nics");
    const candidates = decodeList(await s.get("/vms", { params: { search: "name=proxy-vm*" } }), "vm")
        .map((v) => String(v.name))
        .filter((n) => n !== proxyName);
    const profiles = new Map(
        decodeList(await s.get("/vnicprofiles"), "vnic_profile").map((p) => [String(p.id), refId(p.network) ?? ""]),
    );
    const networkNames = new Map(
        decodeList(await s.get("/networks"), "network").map((n) => [String(n.id), String(n.name)]),
    );
    let proxy: EngineDiscovery["proxy"];
    if (vm) {
        const full = await s.get(`/vms/${vm.id}`, { params: { all_content: "true" } });
        const init = (full.initialization ?? {}) as Record<string, unknown>;
        const nicConf = decodeList(init.nic_configurations, "nic_configuration").find(
            (n) => decodeString(n.boot_protocol) === "static",
        );
        const ip = (nicConf?.ip ?? {}) as Record<string, unknown>;
        proxy = {
            name: String(vm.name),
            // the VM's CPUs as the Vm kind counts them (sockets × cores × threads, hardwareOf): ovirt-ci creates N
            // CPUs as N sockets of one core, the playbooks' template may use cores
            cpuCores: ((h) => h.sockets * h.cores * h.threads)(hardwareOf(full)),
            memoryMiB: Math.round(decodeInt(full.memory) / MiB),
            biosType: decodeString(((full.bios ?? {}) as Record<string, unknown>).type) ?? "cluster_default",
            status: String(full.status),
            externalAddress:
                nicConf && decodeString(ip.address) && decodeString(ip.netmask)
                    ? {
                          address: decodeString(ip.address)!,
                          prefixLength: netmaskPrefix(decodeString(ip.netmask)!),
                          gateway: decodeString(ip.gateway),
                      }
                    : undefined,
            nics: decodeList(vm.nics, "nic").map((n) => {
                const profile = refId(n.vnic_profile);
                const network = profile ? networkNames.get(profiles.get(profile) ?? "") : undefined;
                return {
                    name: String(n.name),
                    mac: decodeString(((n.mac ?? {}) as Record<string, unknown>).address) ?? "",
                    network,
                };
            }),
        };
    }
    const leaseNets = new Set(deriveLeases(c.leases, c).map((l) => l.networkName));
    const usage = await readUsage(
        { dataCenter: c.dataCenter, network: (n) => leaseNets.has(n), storageDomain: () => false },
        { endpoint: ctx.endpoint },
    ).catch(() => ({ networks: [] }));
    const entry = await find(s, "openstacknetworkproviders", "openstack_network_provider", c.ovnProviderName);
    return {
        dataCenter: (await find(s, "datacenters", "data_center", c.dataCenter)) !== undefined,
        cluster: (await find(s, "clusters", "cluster", c.cluster)) !== undefined,
        mainStorageDomain: sd
            ? {
                  name: String(sd.name),
                  type: decodeString(((sd.storage ?? {}) as Record<string, unknown>).type) ?? "unknown",
              }
            : undefined,
        proxy,
        proxyCandidates: candidates,
        networks: usage.networks.map((n) => ({ name: n.name, jobVms: n.vms.filter((v) => v !== proxyName) })),
        ovnEntry: entry
            ? {
                  url: decodeString(entry.url),
                  authUrl: decodeString(entry.authentication_url),
                  username: decodeString(entry.username),
              }
            : undefined,
    };
}

/** The proxy over SSH, read-only. */
async function discoverProxy(ctx: DoctorContext): Promise<ProxyDiscovery> {
    const c = ctx.config;
    const sh = new ProxyShell(ctx);
    const local = c.proxyVm.serviceMode === "local";
    const files: Record<string, string | undefined> = {};
    for (const f of proxyFilesToRead(c)) {
        const out = await sh.run(
            `sh -c ${shellQuote(`if [ -f ${shellQuote(f)} ]; then echo y; cat ${shellQuote(f)}; else echo n; fi`)}`,
        );
        files[f] = out.startsWith("y\n") ? out.slice(2) : undefined;
    }
    const interfaces: ProxyDiscovery["interfaces"][number][] = [];
    if (!local) {
        const links = await sh.run("ip -o link show");
        const addrs = await sh.run("ip -4 -o addr show");
        for (const m of links.matchAll(/^\d+: ([^:@]+)[^\n]*link\/ether ([0-9a-f:]{17})/gm)) {
            const ipv4 = [...addrs.matchAll(new RegExp(`^\\d+: ${m[1]}\\s+inet (\\S+)`, "gm"))].map((a) => a[1]);
            interfaces.push({ name: m[1], mac: m[2], ipv4 });
        }
    }
    const running: Record<string, boolean> = {};
    const root = c.proxyVm.rootDir === "/" ? "" : c.proxyVm.rootDir;
    for (const l of deriveLeases(c.leases, c)) {
        const unit = `dnsmasq@${playbooksNetName(l)}.service`;
        const check = local
            ? `p=${shellQuote(`${root}/var/run/${playbooksNetName(l)}.pid`)}; [ -s "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null && echo active || echo inactive`
            : `systemctl is-active ${shellQuote(unit)} || true`;
        running[unit] = (await sh.run(`sh -c ${shellQuote(check)}`)).trim() === "active";
    }
    const masquerade = local
        ? (
              await sh.run(
                  `sh -c ${shellQuote(`grep -c '<masquerade/>' ${shellQuote(`${root}/etc/firewalld/zones/public.xml`)} || true`)}`,
              )
          ).trim() !== "0"
        : (await sh.run("sh -c 'firewall-cmd --zone=public --query-masquerade || true'")).trim() === "yes";
    const os = (await sh.run(`sh -c ${shellQuote("grep -h ^PRETTY_NAME= /etc/os-release || uname -sr")}`))
        .trim()
        .replace(/^PRETTY_NAME="?(.*?)"?$/, "$1");
    const versions = (
        await sh.run(`sh -c ${shellQuote("dnsmasq --version 2>&1 | head -1; haproxy -v 2>&1 | head -1")}`)
    ).trim();
    sh.close();
    return { interfaces, files, running, masquerade, os, versions };
}

/** The host key the proxy answers with (ed25519 first, providers/ovirt/sshHostKey.ts), judged against the pin. */
async function proxyHostKey(ctx: DoctorContext): Promise<HostKeyVerdict> {
    const t = new ProxyShell(ctx).target();
    const met = await scanHostKey(t.host, t.port).catch((e: Error) => {
        throw new Error(`cannot read the SSH host key of the proxy at ${t.host}:${t.port}: ${e.message}`, { cause: e });
    });
    return judgeHostKey(ctx.config.proxyVm.connection?.hostKey, met, `${t.host}:${t.port}`, fingerprintOf);
}

/** The context with `hostKey` pinned for the proxy's SSH connection. */
function withHostKey(ctx: DoctorContext, hostKey: string): DoctorContext {
    const proxyVm = ctx.config.proxyVm;
    return {
        ...ctx,
        config: { ...ctx.config, proxyVm: { ...proxyVm, connection: { ...proxyVm.connection, hostKey } } },
    };
}

/** The engine CA as the engine serves it (pki-resource), and its SHA-256 fingerprint for the operator to check. */
async function engineCa(ctx: DoctorContext): Promise<{ pem: string; fingerprint: string } | undefined> {
    const base = ctx.config.engineUrl.slice(0, -"/api".length);
    const { default: axios } = await import("axios");
    const https = await import("node:https");
    const res = await axios.get(`${base}/services/pki-resource`, {
        params: { resource: "ca-certificate", format: "X509-PEM-CA" },
        // the CA is what is being learnt: trust on first use, the fingerprint is printed for the operator's check
        httpsAgent: new https.Agent({ rejectUnauthorized: false }),
        responseType: "text",
        validateStatus: () => true,
        timeout: 15_000,
    });
    if (res.status !== 200 || !/BEGIN CERTIFICATE/.test(String(res.data))) return undefined;
    const pem = String(res.data);
    return {
        pem,
        fingerprint: new X509Certificate(pem).fingerprint256 ?? createHash("sha256").update(pem).digest("hex"),
    };
}

/** The profile's key names the program renders (values do not matter here). */
function renderedKeys(ctx: DoctorContext): string[] {
    const c = ctx.config;
    return [
        ...deriveLeases(c.leases, c).map((l) => l.fileName),
        ...deriveUpgradeLeases(c.upgradeLeases, c.upgradeStorage).map((u) => u.fileName),
        PROFILE_FILES.ovirtConf,
        ...(c.ciProfile.pullSecret ? [PROFILE_FILES.pullSecret] : []),
        PROFILE_FILES.sshPublicKey,
        PROFILE_FILES.sshPrivateKey,
        PROFILE_FILES.sendEvent,
    ];
}

/**
 * Merges the adopted values into `Pulumi.<stack>.yaml`, keeping its comments and every other key: an object merges
 * into the map already there, key by key at every depth (`proxyVm.connection.hostKey` keeps `connection.host`).
 */
export function writeStackConfig(file: string, values: Record<string, unknown>): void {
    const doc = YAML.parseDocument(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "config: {}\n");
    const merge = (at: unknown[], value: unknown) => {
        if (value && typeof value === "object" && !Array.isArray(value) && YAML.isMap(doc.getIn(at))) {
            for (const [sub, v] of Object.entries(value)) merge([...at, sub], v);
        } else doc.setIn(at, value);
    };
    for (const [key, value] of Object.entries(values)) merge(["config", `${PROJECT}:${key}`], value);
    fs.writeFileSync(file, doc.toString());
}

async function main(): Promise<number> {
    const o = parseArgs(process.argv.slice(2));
    Object.assign(process.env, stackEnvironment(o.stack!, o.cwd));
    const ctx = loadContext(o.stack!, o.cwd, []);
    const proxyName = o.proxy ?? ctx.config.proxyVm.name;
    const engine = await discoverEngine(ctx, proxyName);
    const address = ctx.config.proxyVm.externalAddress ?? engine.proxy?.externalAddress?.address ?? ctx.proxyAddress;
    // The proxy's host key first, before any login: the key it answers with is pinned for the discovery below and
    // written to the config; another key than the one configured stops here (issue 26, docs/operator.md "Day one").
    const hostKey = engine.proxy ? await proxyHostKey({ ...ctx, proxyAddress: address }) : undefined;
    if (hostKey?.refusal) {
        console.error(`\nrefused (1); nothing was written:\n  - ${hostKey.refusal}`);
        return 1;
    }
    const pinnedCtx = hostKey?.hostKey ? withHostKey(ctx, hostKey.hostKey) : ctx;
    const proxy = engine.proxy ? await discoverProxy({ ...pinnedCtx, proxyAddress: address }) : undefined;
    const item = await readProfileItem(ctx);
    const verdict = judgeAdoption(
        { ...ctx.config, proxyVm: { ...ctx.config.proxyVm, name: proxyName } },
        engine,
        proxy,
        { keys: item ? Object.keys(item).sort() : undefined, renderedKeys: renderedKeys(ctx) },
    );
    if (hostKey?.line && hostKey.hostKey) {
        verdict.lines.push(hostKey.line);
        const proxyVm = (verdict.config.proxyVm ??= {}) as Record<string, unknown>;
        proxyVm.connection = { hostKey: hostKey.hostKey };
    }
    if (proxy) console.log(`proxy ${proxyName}: ${proxy.os}; ${proxy.versions.replace(/\n/g, "; ")}`);
    for (const l of verdict.lines) console.log(`${l.verdict.padEnd(6)} ${l.object}: ${l.detail}`);
    if (!ctx.config.engineCaPem) {
        const ca = await engineCa(ctx);
        if (ca) {
            verdict.config.engineCaPem = ca.pem;
            console.log(
                `adopt  engine CA: SHA-256 ${ca.fingerprint}; compare it with \`openssl x509 -noout -fingerprint -sha256 -in /etc/pki/ovirt-engine/ca.pem\` on the engine before the first up`,
            );
        }
    }
    if (verdict.refusals.length > 0) {
        console.error(`\nrefused (${verdict.refusals.length}); nothing was written:`);
        for (const r of verdict.refusals) console.error(`  - ${r}`);
        return 1;
    }
    const file = path.join(o.cwd, `Pulumi.${o.stack}.yaml`);
    if (o.dryRun) {
        console.log(`\n--dry-run: would write to ${file}:\n${YAML.stringify(verdict.config)}`);
        return 0;
    }
    writeStackConfig(file, verdict.config);
    console.log(
        `\nwrote ${Object.keys(verdict.config)
            .map((k) => `${PROJECT}:${k}`)
            .join(", ")} to ${file}; next: pulumi preview --stack ${o.stack} (docs/operator.md "Day one")`,
    );
    return 0;
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (e) => {
            console.error(`adopt: ${(e as Error).message}`);
            process.exit(2);
        },
    );
}
