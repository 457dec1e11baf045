/**
 * Helpers of the end-to-end tier: the local embedded default's services started in this process (engine emulator,
 * OpenBao dev server, sshd), a stack of the real program (index.ts) on a throwaway file backend whose work
 * directory is a temporary copy of Pulumi.yaml pointing `main` at the repository (so no stack file lands in the
 * repository), and readers of the engine's and Vault's state.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as YAML from "yaml";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { startEngine, RunningEngine } from "../../emulator";
import type { State } from "../../emulator/model/types";
import { startOpenBao, freePort, ciCollectionToken, RunningOpenBao } from "../../local/openbao";
import { startSshd, RunningSshd } from "../../local/sshd";
import { sandboxAuthorizedKeysFile } from "../../local/proxyTarget";
import {
    LocalServices,
    LocalStackConfig,
    LocalStackOptions,
    applyLocalStackConfig,
    localStackConfig,
} from "../../local/stack";
import { readOvnPortSecurity, resolveOvnEndpoint } from "../../providers/ovirt/ovnClient";
import { onPath, requirePulumiCli } from "../helpers/pulumiCli";
import { fileBackendUrl } from "../../scripts/lib/fileBackend";
import { unprotectAll } from "../../scripts/lib/unprotect";
import { pluginSource, standinCliEnv, standinPlugins } from "../../scripts/lib/standinPlugins";
import { freeDnsBase } from "../../local/portCheck";

export const repoRoot = path.resolve(__dirname, "../..");

/** Fails (never skips) naming the missing tool and the fix. */
export function requireTools(): void {
    requirePulumiCli();
    const missing = ["bao", "dnsmasq", "haproxy", "dig", "ssh-keygen", "pulumi-language-nodejs"].filter(
        (t) => !onPath(t) && !fs.existsSync(`/usr/sbin/${t}`),
    );
    // the provider plugins: real ones on PATH, or the stand-ins' plugin home the test stacks get (standinCliEnv)
    const env = { ...process.env, ...stackPluginEnv() };
    missing.push(
        ...standinPlugins()
            .filter((p) => !pluginSource(p.name, env))
            .map((p) => `pulumi-resource-${p.name}`),
    );
    if (missing.length) {
        throw new Error(
            `missing on PATH: ${missing.join(", ")}; run scripts/setup.sh, then \`source scripts/lib/env.sh\` (scripts/test.sh does both)`,
        );
    }
}

/** The local stand-in plugins serve the tests' stacks (docs/standin-plugins.md): their own plugin home. */
function stackPluginEnv(): Record<string, string> {
    return process.env.OVIRT_CI_REAL_PLUGINS === "1" ? {} : standinCliEnv();
}

/** Services started in this process, and the values the stack is built from. */
export interface E2eServices {
    engine: RunningEngine;
    bao: RunningOpenBao;
    sshd: RunningSshd;
    local: LocalServices;
    tmp: string;
    stop(): Promise<void>;
}

/**
 * Starts the services. `maxLease`: the highest lease number a stack on them may use (lease N's dnsmasq answers on
 * localDnsPort + N; default 20). `engineStatePath`: the emulator persists its inventory there (so a test can stop it
 * and start it again from that state).
 */
export async function startServices(
    opts: { latency?: "instant" | "fast" | "realistic"; maxLease?: number; engineStatePath?: string } = {},
): Promise<E2eServices> {
    requireTools();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-e2e-"));
    const started: { stop(): Promise<void> }[] = [];
    try {
        // A distinctive password, so the secret checks cannot pass by accident.
        const engine = await startEngine({
            latency: opts.latency ?? "fast",
            adminPassword: `e2e-engine-${randomUUID().slice(0, 13)}`,
            statePath: opts.engineStatePath,
        });
        started.push(engine);
        const bao = await startOpenBao({ kvMounts: ["kv"] });
        started.push(bao);
        const sandboxDir = path.join(tmp, "proxy");
        fs.mkdirSync(sandboxDir);
        const sshd = await startSshd({
            authorizedKeysFile: sandboxAuthorizedKeysFile(sandboxDir),
        });
        started.push(sshd);
        const local: LocalServices = {
            engine: {
                apiUrl: engine.apiUrl,
                ovnAuthUrl: engine.ovnAuthUrl,
                ovnNetworkUrl: engine.ovnNetworkUrl,
                caPem: engine.caPem,
                username: engine.username,
                password: engine.password,
            },
            // The CI secret collection's least-privilege token, as production has (not the dev server's root token).
            vault: { address: bao.address, token: await ciCollectionToken(bao) },
            sshd: {
                host: sshd.host,
                port: sshd.port,
                user: sshd.user,
                privateKeyPem: sshd.privateKeyPem,
                publicKey: sshd.publicKey,
                ciPrivateKeyPem: sshd.ciPrivateKeyPem,
                ciPublicKey: sshd.ciPublicKey,
                hostPublicKey: sshd.hostPublicKey,
            },
            sandboxDir,
            localDnsPort: await freeDnsBase(
                Array.from({ length: opts.maxLease ?? 20 }, (_, i) => i + 1),
                sandboxDir,
            ),
            localHaproxyPorts: {
                api: await freePort(),
                https: await freePort(),
                http: await freePort(),
                stats: await freePort(),
            },
        };
        const stop = async () => {
            killSandboxProcesses(sandboxDir);
            for (const s of started.reverse()) await s.stop().catch(() => undefined);
            fs.rmSync(tmp, { recursive: true, force: true });
        };
        return { engine, bao, sshd, local, tmp, stop };
    } catch (e) {
        for (const s of started.reverse()) await s.stop().catch(() => undefined);
        fs.rmSync(tmp, { recursive: true, force: true });
        throw e;
    }
}

/** Kills whatever the proxy scripts left running in the sandbox (pid files under <sandbox>/run). */
export function killSandboxProcesses(sandboxDir: string): void {
    const runDir = path.join(sandboxDir, "run");
    if (!fs.existsSync(runDir)) return;
    for (const f of fs.readdirSync(runDir).filter((f) => f.endsWith(".pid"))) {
        const pid = Number(fs.readFileSync(path.join(runDir, f), "utf8").trim());
        if (pid > 0) {
            try {
                process.kill(pid, "SIGTERM");
            } catch {
                // already gone
            }
        }
    }
}

/** The program's stack on a throwaway backend. */
export interface E2eStack {
    stack: Stack;
    backendDir: string;
    workDir: string;
    /** The environment the CLI runs with (backend, passphrase). */
    env: Record<string, string>;
    dispose(): Promise<void>;
}

/**
 * The program's stack with the local stack config of `opts`; `extra` overrides plain values and secrets (keys with
 * their namespace, e.g. `ovirt-ci:capacityOverride`; a plain value `undefined` removes the key). `backend`: another
 * state backend than the file backend in the services' temp dir (its URL and the variables its client needs).
 */
export async function programStack(
    services: E2eServices,
    opts: LocalStackOptions,
    extra: { plain?: Record<string, unknown>; secrets?: Record<string, string> } = {},
    backend?: { url: string; env: Record<string, string> },
): Promise<E2eStack> {
    const backendDir = path.join(services.tmp, "state");
    const workDir = path.join(services.tmp, "work");
    fs.mkdirSync(backendDir, { recursive: true });
    fs.mkdirSync(workDir, { recursive: true });
    const project = YAML.parse(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8"));
    project.main = repoRoot;
    fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), YAML.stringify(project));
    // The program's ts-node options come from the project directory's tsconfig.json (the nodejs language host runs
    // the program there); without one it would type-check the program on every run, unlike the repository's own.
    fs.writeFileSync(
        path.join(workDir, "tsconfig.json"),
        JSON.stringify({ extends: path.join(repoRoot, "tsconfig.json") }),
    );
    const stackName = `e2e-${randomUUID().slice(0, 8)}`;
    const env = {
        PULUMI_BACKEND_URL: backend?.url ?? fileBackendUrl(backendDir),
        ...backend?.env,
        PULUMI_CONFIG_PASSPHRASE: "e2e-throwaway-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        // The engine credentials come from the stack config only.
        OVIRT_ENGINE_URL: "",
        OVIRT_ENGINE_PASSWORD: "",
        ...stackPluginEnv(),
    };
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir }, { envVars: env });
    await applyLocalStackConfig(stack, withExtra(localStackConfig(services.local, opts), extra));
    const dispose = async () => {
        try {
            await unprotectAll(stack);
            await stack.destroy();
        } finally {
            await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
        }
    };
    return { stack, backendDir, workDir, env, dispose };
}

/** The local stack config with plain values and secrets overridden (`undefined` removes a plain key). */
export function withExtra(
    cfg: LocalStackConfig,
    extra: { plain?: Record<string, unknown>; secrets?: Record<string, string> },
): LocalStackConfig {
    const plain = { ...cfg.plain, ...extra.plain };
    for (const [k, v] of Object.entries(plain)) if (v === undefined) delete plain[k];
    return { plain, secrets: { ...cfg.secrets, ...extra.secrets } };
}

/** Result of {@link pulumiCli}. */
export interface CliRun {
    status: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

/**
 * Runs `pulumi <args> --stack <stack>` in the stack's work directory with its environment, as its own process group
 * (so `kill(-pid)` reaches the CLI, the language host and every plugin). `started` gets the child at once.
 */
export function pulumiCli(
    t: E2eStack,
    args: string[],
    opts: { started?: (child: ChildProcess) => void } = {},
): Promise<CliRun> {
    return new Promise((resolve, reject) => {
        const child = spawn("pulumi", [...args, "--stack", t.stack.name, "--non-interactive", "--color", "never"], {
            cwd: t.workDir,
            env: { ...process.env, ...t.env },
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
        opts.started?.(child);
    });
}

/** API writes of the emulator's stats: POST/PUT/DELETE, without SSO logins and logouts and without injected faults. */
export function apiWrites(s: EngineStats): number {
    return Object.entries(s.requests)
        .filter(([k]) => !k.startsWith("GET") && !k.startsWith("HEAD") && !/sso|fault:/.test(k))
        .reduce((a, [, v]) => a + v, 0);
}

/** GET on the emulator's admin endpoint, verifying its CA (async: the emulator runs in this process). */
function adminGet(engine: RunningEngine, what: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
        const req = https.get(`${engine.adminUrl}/${what}`, { ca: engine.caPem }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (body += d));
            res.on("end", () =>
                res.statusCode === 200
                    ? resolve(JSON.parse(body))
                    : reject(new Error(`GET /__admin/${what}: HTTP ${res.statusCode}`)),
            );
        });
        req.on("error", reject);
    });
}

/** The emulator's live inventory (`GET /__admin/inventory`). */
export async function inventory(engine: RunningEngine): Promise<State> {
    return (await adminGet(engine, "inventory")) as State;
}

/** The emulator's OVN provider request counters (`GET /__admin/ovn/stats`). */
export async function ovnStats(engine: RunningEngine): Promise<{ requests: Record<string, number> }> {
    return (await adminGet(engine, "ovn/stats")) as { requests: Record<string, number> };
}

/** Port security of a network and its ports, read through the emulator's OVN provider API like any client would. */
export async function ovnPortSecurity(
    engine: RunningEngine,
    networkName: string,
): ReturnType<typeof readOvnPortSecurity> {
    const cfg: Record<string, string> = {
        "ovirt-ci:engineUrl": engine.apiUrl,
        "ovirt-ci:engineUsername": engine.username,
        "ovirt-ci:enginePassword": engine.password,
        "ovirt-ci:engineCaPem": engine.caPem,
        "ovirt-ci:ovnAuthUrl": engine.ovnAuthUrl,
        "ovirt-ci:ovnNetworkUrl": engine.ovnNetworkUrl,
    };
    return readOvnPortSecurity(networkName, { endpoint: resolveOvnEndpoint({ get: (k) => cfg[k] }) });
}

/** The emulator's request counters (`GET /__admin/stats`). */
export async function engineStats(engine: RunningEngine): Promise<EngineStats> {
    return (await adminGet(engine, "stats")) as EngineStats;
}

export interface EngineStats {
    writes: number;
    reads: number;
    requests: Record<string, number>;
    faultsInjected: number;
    ssoLogins: number;
}

/** Whether a process runs (a zombie does not); one implementation with the scripts'. */
export { alive } from "../../scripts/lib/fileBackend";

/** `dig +short @127.0.0.1 -p <port> <name>` */
export function dig(port: number, name: string): string {
    return execFileSync("dig", ["+short", "+time=2", "+tries=2", "@127.0.0.1", "-p", String(port), name], {
        encoding: "utf8",
    }).trim();
}

/** Every file of a directory tree (path relative to it, text). */
export function treeFiles(dir: string): [string, string][] {
    const out: [string, string][] = [];
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.isFile()) out.push([path.relative(dir, p), fs.readFileSync(p, "latin1")]);
        }
    };
    walk(dir);
    return out;
}
