/**
 * A throwaway OpenBao dev server (the Vault-compatible server of the local embedded default and of
 * the tests): in memory, unsealed, with a KV v2 mount at `kv` like the CI's Vault.
 */
import { spawn, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as os from "node:os";

/** A running OpenBao dev server. */
export interface RunningOpenBao {
    /** `http://127.0.0.1:<port>` */
    address: string;
    /** The dev root token. */
    token: string;
    /** Stops the server and waits for it to exit. */
    stop(): Promise<void>;
}

/** Options for {@link startOpenBao}. */
export interface OpenBaoOptions {
    /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
    port?: number;
    /** KV v2 mounts to enable besides the built-in `secret/`. @default ["kv"] */
    kvMounts?: string[];
    /** Root token of the dev server. @default a random one */
    token?: string;
}

/** Where setup.sh installs the `bao` binary (see tools/versions.env). */
export function baoBinary(): string {
    const fromPath = process.env.PATH?.split(path.delimiter).map((d) => path.join(d, "bao"));
    const found = fromPath?.find((p) => fs.existsSync(p));
    if (!found) {
        throw new Error("OpenBao's `bao` is not on PATH: run scripts/setup.sh and source scripts/lib/env.sh");
    }
    return found;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

async function baoRequest(
    address: string,
    token: string,
    method: string,
    p: string,
    body?: unknown,
): Promise<Response> {
    return fetch(`${address}/v1/${p}`, {
        method,
        headers: { "X-Vault-Token": token, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
}

/** Starts an OpenBao dev server and enables the KV v2 mounts; rejects with the server's output on failure. */
export async function startOpenBao(opts: OpenBaoOptions = {}): Promise<RunningOpenBao> {
    const port = opts.port || (await freePort());
    const token = opts.token ?? `root-${Math.random().toString(36).slice(2)}`;
    const address = `http://127.0.0.1:${port}`;
    const child: ChildProcess = spawn(
        baoBinary(),
        [
            "server",
            "-dev",
            `-dev-root-token-id=${token}`,
            `-dev-listen-address=127.0.0.1:${port}`,
            "-dev-no-store-token",
        ],
        { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, HOME: os.tmpdir() } },
    );
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGTERM");
            await exited;
        }
    };
    try {
        const deadline = Date.now() + 30_000;
        for (;;) {
            if (child.exitCode !== null) {
                throw new Error(`OpenBao exited with code ${child.exitCode}:\n${output.slice(-2000)}`);
            }
            try {
                const health = await fetch(`${address}/v1/sys/health`);
                if (health.ok) break;
            } catch {
                // not listening yet
            }
            if (Date.now() > deadline)
                throw new Error(`OpenBao did not answer on ${address} within 30 s:\n${output.slice(-2000)}`);
            await new Promise((r) => setTimeout(r, 100));
        }
        for (const mount of opts.kvMounts ?? ["kv"]) {
            const res = await baoRequest(address, token, "POST", `sys/mounts/${mount}`, {
                type: "kv",
                options: { version: "2" },
            });
            if (!res.ok) throw new Error(`enabling KV v2 at ${mount}/ failed: HTTP ${res.status} ${await res.text()}`);
        }
    } catch (e) {
        await stop();
        throw e;
    }
    return { address, token, stop };
}

/** The policy file of the CI's secret collection `ovirt` (see its header for the facts it follows). */
export const CI_COLLECTION_POLICY_FILE = path.join(__dirname, "ci-secret-collection-policy.hcl");

/** Name under which {@link ciCollectionToken} stores the policy. */
export const CI_COLLECTION_POLICY = "secret-collection-manager-managed-ovirt";

/**
 * Stores the CI collection's policy on the server and creates a token with only that policy (and Vault's
 * `default` policy, as the CI's OIDC logins have): what the local default and the e2e tier run with instead of
 * the root token. `ttl` is Vault's duration text. Rejects naming the step and Vault's answer.
 */
export async function ciCollectionToken(bao: { address: string; token: string }, ttl = "768h"): Promise<string> {
    const policy = fs.readFileSync(CI_COLLECTION_POLICY_FILE, "utf8");
    const put = await baoRequest(bao.address, bao.token, "PUT", `sys/policies/acl/${CI_COLLECTION_POLICY}`, { policy });
    if (!put.ok)
        throw new Error(
            `storing the policy ${CI_COLLECTION_POLICY} on ${bao.address} failed: HTTP ${put.status} ${await put.text()}`,
        );
    const res = await baoRequest(bao.address, bao.token, "POST", "auth/token/create", {
        policies: [CI_COLLECTION_POLICY],
        ttl,
        display_name: "ovirt-ci-collection",
    });
    if (!res.ok)
        throw new Error(
            `creating a token with the policy ${CI_COLLECTION_POLICY} on ${bao.address} failed: HTTP ${res.status} ${await res.text()}`,
        );
    const body = (await res.json()) as { auth?: { client_token?: string } };
    if (!body.auth?.client_token)
        throw new Error(`creating a token on ${bao.address}: the answer has no auth.client_token`);
    return body.auth.client_token;
}

/**
 * The CI collection token kept in `file` (mode 0600) while the server still knows it (`auth/token/lookup-self`);
 * a new one otherwise (a restarted dev server forgets its tokens). Reusing it keeps the stack config unchanged.
 */
export async function reusableCiCollectionToken(
    bao: { address: string; token: string },
    file: string,
): Promise<string> {
    if (fs.existsSync(file)) {
        const kept = fs.readFileSync(file, "utf8").trim();
        const self = await baoRequest(bao.address, kept, "GET", "auth/token/lookup-self");
        if (self.ok) return kept;
    }
    const token = await ciCollectionToken(bao);
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
    return token;
}

/** Reads a KV v2 item (`.data.data`), or undefined when it does not exist. */
export async function readKv(
    bao: { address: string; token: string },
    mount: string,
    name: string,
): Promise<Record<string, string> | undefined> {
    const res = await baoRequest(bao.address, bao.token, "GET", `${mount}/data/${name}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`reading ${mount}/${name} failed: HTTP ${res.status}`);
    const body = (await res.json()) as { data: { data: Record<string, string> } };
    return body.data.data;
}

/** Writes a KV v2 item. */
export async function writeKv(
    bao: { address: string; token: string },
    mount: string,
    name: string,
    data: Record<string, string>,
): Promise<void> {
    const res = await baoRequest(bao.address, bao.token, "POST", `${mount}/data/${name}`, { data });
    if (!res.ok) throw new Error(`writing ${mount}/${name} failed: HTTP ${res.status} ${await res.text()}`);
}
