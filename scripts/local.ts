/**
 * `npm run up:local` / `npm run down:local`: the main job on the local embedded default (docs/local.md).
 *
 *   up    start (or reuse) the engine emulator, an OpenBao dev server and a loopback sshd as background daemons
 *         (pid files and logs under .local/), write the `local` stack's config from them (local/stack.ts), then
 *         `pulumi up --yes --refresh` on the file backend .pulumi-state/, and print the outputs and the boskos YAML.
 *   down  `pulumi destroy --yes`, remove the stack, stop the daemons and whatever the proxy scripts started, and
 *         remove .local/ (except .local/logs/).
 *
 * `--backend s3` (on `up`; `down` and later `up`s keep the choice, .local/backend) keeps the state the way the `ci` stack
 * does: in a versioned bucket of a loopback SeaweedFS S3 store (local/seaweedfs.ts, one more daemon, its data in
 * .local/seaweedfs/), reached with an `s3://` backend URL and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
 *
 * Both are idempotent. A failure names the step and the fix.
 */
import { spawn, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { defaultDataDir, DEFAULT_ADMIN_PASSWORD, ADMIN_USER } from "../emulator/server";
import { freePort, reusableCiCollectionToken } from "../local/openbao";
import { prepareSshd, sshdArgs, sshBanner } from "../local/sshd";
import { LocalServices, applyLocalStackConfig, localStackConfig } from "../local/stack";
import { freeDnsBase, localPortProblems, neededPorts } from "../local/portCheck";
import { standinCliEnv } from "./lib/standinPlugins";
import { DEFAULT_PROXY_VM, LocalHaproxyPorts } from "../lib/config";
import { BoskosEntry, renderBoskosFile } from "../lib/render/boskos";
import { sandboxAuthorizedKeysFile } from "../local/proxyTarget";
import { alive, fileBackendUrl, repairBeforeRun } from "./lib/fileBackend";
import { unprotectAll } from "./lib/unprotect";
import { LIVE_PROXY, seedLiveEngine, seedLiveSandbox, seedLiveVault } from "../local/liveFixture";
import { LOCAL_BASE_DOMAIN } from "../local/stack";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, leases as deriveLeases } from "../lib/leaseModel";
import { resolveEndpoint } from "../providers/ovirt/client";
import { LOCAL_S3_BUCKET, LOCAL_S3_PREFIX, S3Credentials, S3Store, SeaweedPorts } from "../local/seaweedfs";
import { ensureVersionedBucket, freeSeaweedPorts, removeSeaweedSockets } from "../local/seaweedfs";
import { s3BackendUrl, s3Env, s3Healthy, seaweedArgs, storeBucket, weedBinary } from "../local/seaweedfs";
import { awsCli, clearStaleS3Locks, parseS3BackendUrl, s3StackKeys } from "./lib/s3Backend";

const ROOT = path.resolve(__dirname, "..");
const LOCAL = path.join(ROOT, ".local");
const LOGS = path.join(LOCAL, "logs");
const SANDBOX = path.join(LOCAL, "proxy");
const STATE_DIR = path.join(ROOT, ".pulumi-state");
const STACK = "local";
const SETUP_FIX = "run scripts/setup.sh, then `source scripts/lib/env.sh` (scripts/main.sh does both)";

/** A failure of one step, with the fix. */
class StepError extends Error {
    constructor(step: string, problem: string, fix: string) {
        super(`${step}: ${problem}\n  fix: ${fix}`);
    }
}

const say = (msg: string) => process.stdout.write(`[local] ${msg}\n`);
const file = (name: string) => path.join(LOCAL, name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function onPath(bin: string): boolean {
    return (process.env.PATH ?? "").split(path.delimiter).some((d) => fs.existsSync(path.join(d, bin)));
}

function requireTools(): void {
    const missing = ["pulumi", "pulumi-language-nodejs", "bao", "dnsmasq", "haproxy", "ssh-keygen"].filter(
        (b) => !onPath(b) && !fs.existsSync(`/usr/sbin/${b}`),
    );
    if (!fs.existsSync("/usr/sbin/sshd")) missing.push("sshd");
    if (missing.length) throw new StepError("toolchain", `missing: ${missing.join(", ")}`, SETUP_FIX);
}

// ---------------------------------------------------------------------------------------------------------------
// Daemons: pid file + log, reused when alive and healthy.

interface Ports {
    engine: number;
    /** The engine emulator's OVN provider: Identity and Networking API ports. */
    ovnAuth: number;
    ovnNetwork: number;
    openbao: number;
    sshd: number;
}

function readPid(name: string): number | undefined {
    const f = file(`${name}.pid`);
    if (!fs.existsSync(f)) return undefined;
    const pid = Number(fs.readFileSync(f, "utf8").trim());
    return pid > 0 && alive(pid) ? pid : undefined;
}

async function portFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const srv = net.createServer();
        srv.once("error", () => resolve(false));
        srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
}

/** The daemons' ports: chosen once (free ports), kept in .local/ports.json so the stack config stays stable. */
async function ports(): Promise<Ports> {
    const f = file("ports.json");
    const known = fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, "utf8")) as Partial<Ports>) : {};
    const out: Ports = { engine: 0, ovnAuth: 0, ovnNetwork: 0, openbao: 0, sshd: 0 };
    const daemon: Record<keyof Ports, string> = {
        engine: "engine",
        ovnAuth: "engine",
        ovnNetwork: "engine",
        openbao: "openbao",
        sshd: "sshd",
    };
    for (const k of Object.keys(out) as (keyof Ports)[]) {
        const p = known[k];
        // A known port is kept when its daemon runs (it is busy then) or when it is free.
        out[k] = p && (readPid(daemon[k]) !== undefined || (await portFree(p))) ? p : await freePort();
    }
    fs.writeFileSync(f, `${JSON.stringify({ ...known, ...out }, null, 2)}\n`);
    return out;
}

/** Starts a detached daemon whose output goes to .local/logs/<name>.log and records its pid. */
function spawnDaemon(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
    fs.mkdirSync(LOGS, { recursive: true });
    const log = fs.openSync(path.join(LOGS, `${name}.log`), "a");
    const child = spawn(cmd, args, { cwd: ROOT, detached: true, stdio: ["ignore", log, log], env });
    fs.closeSync(log);
    child.unref();
    if (!child.pid) throw new StepError(name, `could not start ${cmd}`, SETUP_FIX);
    fs.writeFileSync(file(`${name}.pid`), `${child.pid}\n`);
    return child.pid;
}

async function waitHealthy(name: string, pid: number, check: () => Promise<boolean>, seconds = 60): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
        if (!alive(pid)) {
            throw new StepError(
                name,
                `exited right after the start; last lines of .local/logs/${name}.log:\n${tail(name)}`,
                `fix what the log says, then re-run; ${SETUP_FIX} if a tool is missing`,
            );
        }
        if (await check().catch(() => false)) return;
        await sleep(200);
    }
    throw new StepError(
        name,
        `not healthy after ${seconds} s; last lines of .local/logs/${name}.log:\n${tail(name)}`,
        "npm run down:local, then npm run up:local",
    );
}

function tail(name: string): string {
    const f = path.join(LOGS, `${name}.log`);
    return fs.existsSync(f)
        ? fs
              .readFileSync(f, "utf8")
              .split("\n")
              .slice(-15)
              .map((l) => `    ${l}`)
              .join("\n")
        : "    (no log)";
}

/** Reuses a running, healthy daemon or starts one. */
async function ensureDaemon(name: string, check: () => Promise<boolean>, start: () => number): Promise<void> {
    const pid = readPid(name);
    if (pid !== undefined) {
        if (await check().catch(() => false)) {
            say(`${name}: running (pid ${pid})`);
            return;
        }
        throw new StepError(
            name,
            `pid ${pid} (from .local/${name}.pid) runs but does not answer`,
            `npm run down:local (stops it), then npm run up:local; or kill ${pid}`,
        );
    }
    const started = start();
    await waitHealthy(name, started, check);
    say(`${name}: started (pid ${started}, log .local/logs/${name}.log)`);
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = https.get(url, { ca, timeout: 3000 }, (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
    });
}

/** The proxy sandbox's loopback ports (HAProxy's four, the base of the lease dnsmasq ports). */
export interface ProxyPorts {
    localDnsPort: number;
    localHaproxyPorts: LocalHaproxyPorts;
}

/** The lease numbers of the local stack whose DNS ports are checked (localStackConfig's default leases). */
const LOCAL_LEASES = [10, 11, 12];

/**
 * The proxy sandbox's ports: the ones kept in `file` (else the defaults of lib/config.ts) when each is free or held
 * by the sandbox's own haproxy/dnsmasq; otherwise, before any resource is created, new free ones, saying which port
 * was taken by whom. Kept in `file` so the stack config stays stable from run to run.
 */
export async function chooseProxyPorts(
    file: string,
    sandboxDir: string,
    log: (msg: string) => void = say,
): Promise<ProxyPorts> {
    const known = fs.existsSync(file)
        ? (JSON.parse(fs.readFileSync(file, "utf8")) as { proxy?: ProxyPorts }).proxy
        : undefined;
    let chosen: ProxyPorts = known ?? {
        localDnsPort: DEFAULT_PROXY_VM.localDnsPort,
        localHaproxyPorts: { ...DEFAULT_PROXY_VM.localHaproxyPorts },
    };
    const problems = await localPortProblems(
        neededPorts({ ...chosen.localHaproxyPorts }, chosen.localDnsPort, LOCAL_LEASES),
        sandboxDir,
    );
    if (problems.length > 0) {
        for (const p of problems) log(`proxy sandbox: ${p.replace(/ Fix: .*$/, "")}`);
        chosen = {
            localDnsPort: await freeDnsBase(LOCAL_LEASES, sandboxDir).catch((e: Error) => {
                throw new StepError("proxy sandbox", e.message, "free some loopback ports (ss -lntu), then re-run");
            }),
            localHaproxyPorts: {
                api: await freePort(),
                https: await freePort(),
                http: await freePort(),
                stats: await freePort(),
            },
        };
        log(
            `proxy sandbox: using free ports instead: HAProxy ${JSON.stringify(chosen.localHaproxyPorts)}, DNS of lease N on ${chosen.localDnsPort} + N ` +
                `(kept in ${path.relative(ROOT, file)}; delete its "proxy" entry to try the defaults again)`,
        );
    }
    const all = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) : {};
    fs.writeFileSync(file, `${JSON.stringify({ ...all, proxy: chosen }, null, 2)}\n`);
    return chosen;
}

async function services(): Promise<LocalServices> {
    requireTools();
    fs.mkdirSync(LOCAL, { recursive: true });
    const p = await ports();
    const caFile = path.join(defaultDataDir(), "ca.pem");
    const engineUrl = `https://127.0.0.1:${p.engine}`;

    await ensureDaemon(
        "engine",
        // healthy = the engine and its OVN provider answer (an emulator started by an older checkout has no OVN ports)
        async () =>
            fs.existsSync(caFile) &&
            (await httpsGet(`${engineUrl}/__admin/stats`, fs.readFileSync(caFile, "utf8"))).status === 200 &&
            (await httpsGet(`https://127.0.0.1:${p.ovnAuth}/v2.0/`, fs.readFileSync(caFile, "utf8"))).status === 200,
        () =>
            spawnDaemon("engine", process.execPath, [
                "-r",
                require.resolve("ts-node/register/transpile-only"),
                path.join(ROOT, "emulator/cli.ts"),
                "--port",
                String(p.engine),
                "--state",
                file("engine-state.json"),
                "--latency",
                "fast",
                "--ovn-auth-port",
                String(p.ovnAuth),
                "--ovn-network-port",
                String(p.ovnNetwork),
            ]),
    );

    const tokenFile = file("openbao-token");
    if (!fs.existsSync(tokenFile))
        fs.writeFileSync(tokenFile, `local-${randomBytes(12).toString("hex")}\n`, { mode: 0o600 });
    const token = fs.readFileSync(tokenFile, "utf8").trim();
    const baoAddress = `http://127.0.0.1:${p.openbao}`;
    await ensureDaemon(
        "openbao",
        async () => (await fetch(`${baoAddress}/v1/sys/health`)).ok,
        () =>
            spawnDaemon(
                "openbao",
                "bao",
                [
                    "server",
                    "-dev",
                    `-dev-root-token-id=${token}`,
                    `-dev-listen-address=127.0.0.1:${p.openbao}`,
                    "-dev-no-store-token",
                ],
                {
                    ...process.env,
                    HOME: LOCAL,
                },
            ),
    );
    // The dev server keeps everything in memory: (re-)enable the KV v2 mount the CI's Vault has.
    const headers = { "X-Vault-Token": token, "Content-Type": "application/json" };
    const mounts = (await (await fetch(`${baoAddress}/v1/sys/mounts`, { headers })).json()) as Record<string, unknown>;
    if (!("kv/" in mounts) && !("kv/" in ((mounts.data as Record<string, unknown>) ?? {}))) {
        const res = await fetch(`${baoAddress}/v1/sys/mounts/kv`, {
            method: "POST",
            headers,
            body: JSON.stringify({ type: "kv", options: { version: "2" } }),
        });
        if (!res.ok)
            throw new StepError(
                "openbao",
                `enabling KV v2 at kv/ failed: HTTP ${res.status} ${await res.text()}`,
                "npm run down:local, then npm run up:local",
            );
    }

    // The program runs with the CI secret collection's least-privilege token, not the root token
    // (local/ci-secret-collection-policy.hcl); the root token stays in .local/ for the tools (readKv, drift checks).
    let collectionToken: string;
    try {
        collectionToken = await reusableCiCollectionToken({ address: baoAddress, token }, file("openbao-ci-token"));
    } catch (e) {
        throw new StepError("openbao", (e as Error).message, "npm run down:local, then npm run up:local");
    }

    // The sandbox's admin authorized_keys: what cloud-init writes on the VM, and what the admin-key rotation rewrites.
    const sshdFiles = prepareSshd(path.join(LOCAL, "sshd"), p.sshd, {
        authorizedKeysFile: sandboxAuthorizedKeysFile(SANDBOX),
    });
    await ensureDaemon(
        "sshd",
        () => sshBanner("127.0.0.1", p.sshd),
        () => {
            const [bin, args] = sshdArgs(sshdFiles);
            return spawnDaemon("sshd", bin, args);
        },
    );

    fs.mkdirSync(SANDBOX, { recursive: true });
    const proxyPorts = await chooseProxyPorts(file("ports.json"), SANDBOX);
    return {
        engine: {
            apiUrl: `${engineUrl}/ovirt-engine/api`,
            ovnAuthUrl: `https://127.0.0.1:${p.ovnAuth}/v2.0`,
            ovnNetworkUrl: `https://127.0.0.1:${p.ovnNetwork}/v2.0`,
            caPem: fs.readFileSync(caFile, "utf8"),
            username: ADMIN_USER,
            password: DEFAULT_ADMIN_PASSWORD,
        },
        vault: { address: baoAddress, token: collectionToken },
        sshd: {
            host: "127.0.0.1",
            port: p.sshd,
            user: sshdFiles.user,
            privateKeyPem: sshdFiles.privateKeyPem,
            publicKey: sshdFiles.publicKey,
            ciPrivateKeyPem: sshdFiles.ciPrivateKeyPem,
            ciPublicKey: sshdFiles.ciPublicKey,
            hostPublicKey: sshdFiles.hostPublicKey,
        },
        sandboxDir: SANDBOX,
        ...proxyPorts,
    };
}

async function stopDaemon(name: string): Promise<void> {
    const pid = readPid(name);
    if (pid === undefined) {
        fs.rmSync(file(`${name}.pid`), { force: true });
        return;
    }
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
    if (alive(pid)) process.kill(pid, "SIGKILL");
    fs.rmSync(file(`${name}.pid`), { force: true });
    say(`${name}: stopped (pid ${pid})`);
}

/** Stops what the proxy scripts started in the sandbox (dnsmasq, haproxy), by their pid files. */
function stopSandboxProcesses(): void {
    // run/: ours; var/run/: the playbooks' instances of the live fixture (`--live-fixture`)
    for (const runDir of [path.join(SANDBOX, "run"), path.join(SANDBOX, "var/run")]) stopPids(runDir);
}

function stopPids(runDir: string): void {
    if (!fs.existsSync(runDir)) return;
    for (const f of fs.readdirSync(runDir).filter((n) => n.endsWith(".pid"))) {
        const pid = Number(fs.readFileSync(path.join(runDir, f), "utf8").trim());
        if (pid > 0 && alive(pid)) {
            process.kill(pid, "SIGTERM");
            say(`sandbox: stopped ${f.replace(/\.pid$/, "")} (pid ${pid})`);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The stack.

function passphrase(create: boolean): string | undefined {
    const f = file("passphrase");
    if (!fs.existsSync(f)) {
        if (!create) return undefined;
        fs.mkdirSync(LOCAL, { recursive: true });
        fs.writeFileSync(f, `${randomBytes(24).toString("base64url")}\n`, { mode: 0o600 });
    }
    return fs.readFileSync(f, "utf8").trim();
}

/** Where the local stack's state lives: `.pulumi-state/` (file) or the local S3 store's bucket (s3). */
type BackendKind = "file" | "s3";

/** The state backend of one run: its URL, the CLI's extra environment, and what it checks and repairs. */
interface StateBackend {
    kind: BackendKind;
    url: string;
    env: Record<string, string>;
    exists(): Promise<boolean>;
    /** Before the first CLI call: the file backend's damaged sidecars, and either backend's locks of killed runs. */
    repair(): Promise<void>;
}

const S3_BUCKET = LOCAL_S3_BUCKET;
const S3_PREFIX = LOCAL_S3_PREFIX;

function fileBackend(): StateBackend {
    return {
        kind: "file",
        url: fileBackendUrl(STATE_DIR),
        env: {},
        exists: async () => fs.existsSync(path.join(STATE_DIR, ".pulumi/stacks/ovirt-ci", `${STACK}.json`)),
        repair: async () => {
            fs.mkdirSync(STATE_DIR, { recursive: true });
            repairBeforeRun(STATE_DIR, STACK, say);
        },
    };
}

/** The local SeaweedFS daemon (started or reused) with its versioned bucket, as a state backend. */
async function s3Backend(): Promise<StateBackend> {
    const credsFile = file("s3-credentials.json");
    if (!fs.existsSync(credsFile)) {
        const c: S3Credentials = {
            accessKeyId: `local${randomBytes(8).toString("hex")}`,
            secretAccessKey: randomBytes(24).toString("base64url"),
        };
        fs.writeFileSync(credsFile, `${JSON.stringify(c)}\n`, { mode: 0o600 });
    }
    const credentials = JSON.parse(fs.readFileSync(credsFile, "utf8")) as S3Credentials;
    const portsFile = file("seaweedfs-ports.json");
    const endpoint = () => `127.0.0.1:${(JSON.parse(fs.readFileSync(portsFile, "utf8")) as { s3: number }).s3}`;
    const dataDir = file("seaweedfs");
    // new free ports for each start (other helpers' tests take ports too); a running daemon keeps its own
    if (readPid("seaweedfs") === undefined)
        fs.writeFileSync(portsFile, `${JSON.stringify(await freeSeaweedPorts(), null, 2)}\n`);
    await ensureDaemon(
        "seaweedfs",
        async () => fs.existsSync(portsFile) && s3Healthy(endpoint()),
        () => {
            fs.mkdirSync(dataDir, { recursive: true });
            const ports = JSON.parse(fs.readFileSync(portsFile, "utf8")) as SeaweedPorts;
            return spawnDaemon("seaweedfs", weedBinary(), seaweedArgs(dataDir, ports), {
                ...process.env,
                ...s3Env(credentials),
            });
        },
    );
    const store: S3Store = { endpoint: endpoint(), bucket: S3_BUCKET, credentials };
    await ensureVersionedBucket(store).catch((e: Error) => {
        throw new StepError("seaweedfs", e.message, "npm run down:local, then npm run up:local -- --backend s3");
    });
    const url = s3BackendUrl(store, S3_PREFIX);
    const where = { ...parseS3BackendUrl(url)!, ...storeBucket(store) };
    return {
        kind: "s3",
        url,
        env: s3Env(credentials),
        exists: async () =>
            (
                await awsCli(where, [
                    "s3api",
                    "head-object",
                    "--bucket",
                    S3_BUCKET,
                    "--key",
                    s3StackKeys(S3_PREFIX, "ovirt-ci", STACK).checkpoint,
                ])
            ).code === 0,
        repair: async () => void (await clearStaleS3Locks(where, "ovirt-ci", STACK, say)),
    };
}

/** The backend of this run: `--backend` on `up`, else the one the last `up` used (.local/backend), else file. */
async function stateBackend(requested: BackendKind | undefined): Promise<StateBackend> {
    const f = file("backend");
    // a local stack from before .local/backend existed is on the file backend
    const recorded = fs.existsSync(f)
        ? (fs.readFileSync(f, "utf8").trim() as BackendKind)
        : (await fileBackend().exists())
          ? "file"
          : undefined;
    if (requested && recorded && requested !== recorded && fs.existsSync(file("passphrase")))
        throw new StepError(
            "state backend",
            `the local stack's state is on the ${recorded} backend (.local/backend), not ${requested}`,
            `npm run down:local (removes it), then npm run up:local -- --backend ${requested}`,
        );
    const kind = requested ?? recorded ?? "file";
    fs.mkdirSync(LOCAL, { recursive: true });
    fs.writeFileSync(f, `${kind}\n`);
    return kind === "s3" ? s3Backend() : fileBackend();
}

async function openStack(pass: string, backend: StateBackend): Promise<Stack> {
    // before the first CLI call (selecting the stack reads it): damaged sidecars, locks of killed runs
    await backend.repair();
    return LocalWorkspace.createOrSelectStack(
        { stackName: STACK, workDir: ROOT },
        {
            envVars: {
                PULUMI_BACKEND_URL: backend.url,
                PULUMI_CONFIG_PASSPHRASE: pass,
                PULUMI_SKIP_UPDATE_CHECK: "true",
                PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
                ...backend.env,
                // the stand-in plugins serve the local default only (docs/standin-plugins.md); said once here
                ...(process.env.OVIRT_CI_REAL_PLUGINS === "1" ? {} : standinCliEnv(process.env, say)),
            },
        },
    );
}

async function stackPassphrase(create: boolean, backend: StateBackend): Promise<string | undefined> {
    const exists = await backend.exists();
    const pass = passphrase(create && !exists);
    if (pass === undefined && exists) {
        throw new StepError(
            "stack",
            `the stack "${STACK}" exists in ${backend.kind === "file" ? ".pulumi-state/" : `the bucket ${S3_BUCKET}`} but its passphrase (.local/passphrase) is gone`,
            `restore .local/passphrase, or start over: rm -rf .pulumi-state/.pulumi/stacks/ovirt-ci/${STACK}.json* Pulumi.${STACK}.yaml .local (and stop any daemon left running)`,
        );
    }
    return pass;
}

/** The fix for a failed pulumi run. */
function pulumiFix(message: string, again: string): string {
    return /currently locked/.test(message)
        ? "another pulumi run holds the stack: wait for it, then `npm run recover` (it names the run holding the lock and " +
              "removes the lock once that run is gone), then " +
              again
        : `read the error above; fix it and re-run ${again} (it is idempotent)`;
}

const stream = (o: string) => process.stdout.write(o);

async function up(requested: BackendKind | undefined): Promise<void> {
    const t0 = Date.now();
    const svc = await services();
    const backend = await stateBackend(requested);
    const pass = (await stackPassphrase(true, backend))!;
    const stack = await openStack(pass, backend);
    await applyLocalStackConfig(stack, localStackConfig(svc));
    say(`stack ${STACK}: config written to Pulumi.${STACK}.yaml; pulumi up --yes --refresh (backend ${backend.url})`);
    const result = await stack.up({ refresh: true, onOutput: stream }).catch((e: Error) => {
        throw new StepError(
            "pulumi up",
            e.message.split("\n").slice(-25).join("\n"),
            pulumiFix(e.message, "npm run up:local"),
        );
    });
    const outputs = Object.fromEntries(
        Object.entries(result.outputs)
            .filter(([k]) => k !== "boskos")
            .map(([k, v]) => [k, v.secret ? "[secret]" : v.value]),
    );
    process.stdout.write(`\n=== stack outputs\n${JSON.stringify(outputs, null, 2)}\n`);
    process.stdout.write(
        `\n=== _boskos.yaml (ovirt entries)\n${renderBoskosFile(result.outputs.boskos.value as BoskosEntry[])}`,
    );
    process.stdout.write(
        `\n=== done in ${Math.round((Date.now() - t0) / 1000)} s. Poke at it: docs/local.md; ` +
            `dig @127.0.0.1 -p ${svc.localDnsPort + 10} api.ovirt10.ovirt-ci.test; tear down: npm run down:local\n`,
    );
}

/**
 * `up --live-fixture`: the services seeded the way the playbooks left the CI environment (local/liveFixture.ts) and
 * the `local` stack created with the local default's config, but no `pulumi up`: what `npm run adopt` meets on day
 * one (docs/operator.md "Day one", docs/local.md).
 */
async function upLiveFixture(requested: BackendKind | undefined): Promise<void> {
    const backend = await stateBackend(requested);
    if (await backend.exists()) {
        throw new StepError(
            "live fixture",
            `the stack "${STACK}" exists: the fixture stands for an environment no ovirt-ci stack knows yet`,
            "npm run down:local, then npm run up:local -- --live-fixture",
        );
    }
    const svc = await services();
    const pass = (await stackPassphrase(true, backend))!;
    const stack = await openStack(pass, backend);
    const cfg = localStackConfig(svc);
    await applyLocalStackConfig(stack, cfg);
    const leaseInfos = deriveLeases([10, 11, 12], {
        baseDomain: LOCAL_BASE_DOMAIN,
        addressing: DEFAULT_ADDRESSING,
        naming: DEFAULT_NAMING,
    });
    const endpoint = resolveEndpoint({
        get: (k) => (k === "ovirt-ci:enginePassword" ? svc.engine.password : (cfg.plain[k] as string | undefined)),
    });
    const vmId = await seedLiveEngine(endpoint, "OCP-45", "OCP-45", leaseInfos);
    say(`live fixture: engine seeded (${LIVE_PROXY.name} ${vmId}, ${leaseInfos.map((l) => l.networkName).join(", ")})`);
    seedLiveSandbox(SANDBOX, leaseInfos, svc);
    say(
        `live fixture: sandbox proxy seeded (${SANDBOX}: dnsmasq net-0 on ${svc.localDnsPort}, lease N on ${svc.localDnsPort} + N, HAProxy)`,
    );
    await seedLiveVault(
        svc.vault.address,
        fs.readFileSync(file("openbao-token"), "utf8").trim(),
        { mount: "kv", path: "selfservice/ovirt/cluster-secrets-ovirt" },
        leaseInfos,
    );
    say("live fixture: Vault item seeded (with insights-live.yaml)");
    process.stdout.write(
        `\n=== live fixture ready, no stack state yet. Day one (docs/operator.md):\n` +
            `  npm run adopt -- --stack local --proxy ${LIVE_PROXY.name}\n` +
            `  . scripts/lib/env.sh; export PULUMI_BACKEND_URL='${backend.url}'${backend.kind === "s3" ? " AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… (.local/s3-credentials.json)" : ""} PULUMI_CONFIG_PASSPHRASE=$(cat .local/passphrase)\n` +
            `  pulumi preview --stack ${STACK} && pulumi up --stack ${STACK}   (not npm run up:local: it rewrites the stack config)\n`,
    );
}

async function down(): Promise<void> {
    const backend =
        fs.existsSync(file("backend")) || fs.existsSync(STATE_DIR) ? await stateBackend(undefined) : undefined;
    if (backend && (await backend.exists())) {
        const svc = await services(); // destroy needs the engine, OpenBao and the sshd
        const pass = (await stackPassphrase(false, backend))!;
        const stack = await openStack(pass, backend);
        await applyLocalStackConfig(stack, localStackConfig(svc));
        // The local default is thrown away whole: its protected resources (lib/protection.ts) go too.
        const unprotected = await unprotectAll(stack);
        if (unprotected.length) say(`stack ${STACK}: ${unprotected.length} protected resources unprotected`);
        say(`stack ${STACK}: pulumi destroy --yes`);
        await stack.destroy({ onOutput: stream }).catch((e: Error) => {
            throw new StepError(
                "pulumi destroy",
                e.message.split("\n").slice(-25).join("\n"),
                pulumiFix(e.message, "npm run down:local"),
            );
        });
        await stack.workspace.removeStack(STACK);
        say(`stack ${STACK}: removed`);
    } else {
        say(`stack ${STACK}: none in its backend (nothing to destroy)`);
    }
    stopSandboxProcesses();
    for (const name of ["sshd", "openbao", "engine", "seaweedfs"]) await stopDaemon(name);
    if (fs.existsSync(file("seaweedfs-ports.json")))
        removeSeaweedSockets(JSON.parse(fs.readFileSync(file("seaweedfs-ports.json"), "utf8")) as SeaweedPorts);
    if (fs.existsSync(LOCAL)) {
        for (const e of fs.readdirSync(LOCAL))
            if (e !== "logs") fs.rmSync(path.join(LOCAL, e), { recursive: true, force: true });
    }
    fs.rmSync(path.join(ROOT, `Pulumi.${STACK}.yaml`), { force: true });
    say("down: daemons stopped, .local/ cleared (logs kept in .local/logs/)");
}

async function main(argv: string[]): Promise<number> {
    const cmd = argv[0];
    const rest = argv.slice(1);
    const live = rest.includes("--live-fixture");
    const backendAt = rest.indexOf("--backend");
    const backend = backendAt >= 0 ? rest[backendAt + 1] : undefined;
    const known = rest.filter(
        (a, i) => a === "--live-fixture" || (backendAt >= 0 && (i === backendAt || i === backendAt + 1)),
    );
    if (
        (cmd !== "up" && cmd !== "down") ||
        known.length !== rest.length ||
        (cmd === "down" && rest.length > 0) ||
        (backendAt >= 0 && backend !== "file" && backend !== "s3")
    ) {
        process.stderr.write(
            "usage: ts-node scripts/local.ts up [--backend file|s3] [--live-fixture] | down   (npm run up:local [-- --backend s3] [-- --live-fixture] / npm run down:local)\n",
        );
        return 2;
    }
    try {
        execFileSync("pulumi", ["version"], { stdio: "ignore" });
    } catch {
        throw new StepError("toolchain", "the pulumi CLI is not on PATH", SETUP_FIX);
    }
    const requested = backend as BackendKind | undefined;
    await (cmd === "up" ? (live ? upLiveFixture(requested) : up(requested)) : down());
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (e: Error) => {
            process.stderr.write(`\n[local] FAILED: ${e instanceof StepError ? e.message : (e.stack ?? e.message)}\n`);
            process.exitCode = 1;
        },
    );
}
