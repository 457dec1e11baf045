/**
 * Checks that run before any resource of the program registers, in preview too, so a refusal changes nothing:
 *
 * - the scale-down guard (`lib/scaleDownGuard.ts`): a lease the config removes whose network still has VMs of a CI
 *   job on it, or an upgrade lease whose storage domain holds disks, is refused (or, listed in `removeLeasesInUse`,
 *   warned about);
 * - what the proxy target must find on this machine before any change (`ProxyTarget.preflightProblems`,
 *   lib/proxy/target.ts: e.g. a stand-in's ports are free);
 * - Vault (`vault:address`) answers at all: an `up` that starts while it is down would create the engine objects
 *   and the proxy configuration and only then fail on the CI profile item.
 *
 * The program's entry (`index.ts`) is an async function that awaits {@link preflight} before
 * components/stack.ts registers any resource: a failed check ends the run with its message (a `RunError`: no stack
 * trace) and nothing registered, so Pulumi neither creates, updates nor deletes anything.
 */
import * as pulumi from "@pulumi/pulumi";
import type { LoadedConfig } from "../lib/config";
import { GuardSettings, judgeScaleDown, removedObjectSelectors } from "../lib/scaleDownGuard";
import { readUsage } from "../providers/ovirt/usage";
import { judgeLayoutMoves } from "../lib/layoutGuard";
import { leases as deriveLeases } from "../lib/leaseModel";
import { leaseLayout, leaseNicName } from "../lib/proxy/layout";
import { proxyTargetFor } from "../lib/proxy/targets";

/** The guard's view of the config. */
export function guardSettings(config: LoadedConfig): GuardSettings {
    return {
        leases: config.leases,
        upgradeLeases: config.upgradeLeases,
        networkNamePattern: config.naming.networkName,
        storageDomainNamePattern: config.upgradeStorage.storageDomainNamePattern,
        proxyVmName: config.proxyVm.name,
        removeLeasesInUse: config.removeLeasesInUse,
    };
}

/** Network errors that mean "nothing listens there" (TLS and HTTP problems are left to the Vault plugin). */
const UNREACHABLE = [
    "ECONNREFUSED",
    "ENOTFOUND",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "EAI_AGAIN",
    "ETIMEDOUT",
    "UND_ERR_CONNECT_TIMEOUT",
    "ABORT_ERR",
];

/** What `GET /v1/sys/health` answers that means Vault cannot serve a write (Vault's API docs, sys/health). */
const HEALTH_PROBLEMS: Record<number, string> = { 501: "is not initialized", 503: "is sealed" };

/**
 * A problem line when Vault does not answer `GET /v1/sys/health` (unauthenticated) within 10 s, or answers that it is
 * sealed or not initialized; else undefined (other answers, TLS problems and auth are the Vault provider's to report).
 */
export async function vaultProblem(address: string | undefined): Promise<string | undefined> {
    if (!address) return undefined; // the Vault provider reports a missing address itself
    const fix =
        "Nothing was changed. Fix: start Vault or restore the network path to it (or correct vault:address), then run the command again";
    try {
        const res = await fetch(`${address.replace(/\/+$/, "")}/v1/sys/health`, {
            signal: AbortSignal.timeout(10_000),
        });
        const state = HEALTH_PROBLEMS[res.status];
        return state
            ? `Vault at ${address} ${state} (GET /v1/sys/health: HTTP ${res.status}). Nothing was changed. Fix: unseal or initialize it, then run the command again`
            : undefined;
    } catch (e) {
        const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
        const code =
            err.cause?.code ??
            (err.name === "TimeoutError" ? "ETIMEDOUT" : err.name === "AbortError" ? "ABORT_ERR" : undefined);
        if (!code || !UNREACHABLE.includes(code)) return undefined;
        return `Vault at ${address} is unreachable (${err.cause?.message ?? err.message ?? code}). ${fix}`;
    }
}

/**
 * A problem line unless Vault at `address` takes `token` for writing the CI item (`<mount>/data/<path>`, KV v2):
 * `POST /v1/sys/capabilities-self` (Vault's API docs, sys/capabilities-self; OpenBao answers the same) must list
 * `create` and `update` (or `root`). Without an address or a token it is a refusal too: the `up` would do all the
 * engine and proxy work and fail on the last resource. Reachability and the seal are {@link vaultProblem}'s.
 */
export async function vaultWriteProblem(
    address: string | undefined,
    token: string | undefined,
    item: { readonly mount: string; readonly path: string },
): Promise<string | undefined> {
    const where = `${item.mount}/data/${item.path}`;
    if (!address) {
        return "vault:address is not set: the CI profile item could not be written at the end of the run. Nothing was changed. Fix: pulumi config set vault:address https://<vault> (the CI's: https://vault.ci.openshift.org)";
    }
    if (!token) {
        return `no Vault token (vault:token or VAULT_TOKEN): the item ${where} could not be written. Nothing was changed. Fix: pulumi config set --secret vault:token <the secret collection's token>`;
    }
    let res: Response;
    try {
        res = await fetch(`${address.replace(/\/+$/, "")}/v1/sys/capabilities-self`, {
            method: "POST",
            headers: { "X-Vault-Token": token, "Content-Type": "application/json" },
            body: JSON.stringify({ paths: [where] }),
            signal: AbortSignal.timeout(10_000),
        });
    } catch {
        return undefined; // unreachable: vaultProblem says so
    }
    if (res.status === 403) {
        return `Vault at ${address} rejects the token (POST /v1/sys/capabilities-self: HTTP 403; expired or revoked). Nothing was changed. Fix: set a valid token: pulumi config set --secret vault:token <token>`;
    }
    if (!res.ok) return undefined; // other answers are the Vault provider's to report
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const caps = (body[where] ?? body.capabilities ?? (body.data as Record<string, unknown>)?.[where]) as
        string[] | undefined;
    const list = Array.isArray(caps) ? caps : [];
    if (list.includes("root") || (list.includes("create") && list.includes("update"))) return undefined;
    return `the Vault token may not write the CI item ${where} at ${address} (its capabilities there: ${list.join(", ") || "none"}; writing needs create and update). Nothing was changed. Fix: use the secret collection's token (its policy grants them), or ask the collection's owner to grant them`;
}

/** The Vault token the program's Vault provider uses: `vault:token` (kept secret, never logged) or `VAULT_TOKEN`. */
function vaultToken(): Promise<string | undefined> {
    const secret = new pulumi.Config("vault").getSecret("token");
    if (!secret) return Promise.resolve(process.env.VAULT_TOKEN);
    return new Promise((resolve) => secret.apply((t) => resolve(t)));
}

/**
 * Leases the config would move between the playbooks' layout and ours (or whose proxy NIC it renames) while a job
 * holds them (lib/layoutGuard.ts). Only a proxy in the playbooks' layout has anything to move: our own layout
 * costs no engine read.
 */
export async function layoutMoveProblems(config: LoadedConfig): Promise<string[]> {
    if (config.proxyVm.layout !== "playbooks") return [];
    const infos = deriveLeases(config.leases, config);
    const networks = new Set(infos.map((i) => i.networkName));
    const usage = await readUsage({
        dataCenter: config.dataCenter,
        network: (name) => networks.has(name),
        storageDomain: () => false,
    });
    return judgeLayoutMoves(
        {
            networkNamePattern: config.naming.networkName,
            proxyVmName: config.proxyVm.name,
            nicNames: new Map(infos.map((i) => [i.number, leaseNicName(i, leaseLayout(config.proxyVm, i.number))])),
        },
        usage.networks,
    );
}

/** Runs the checks; rejects with a `RunError` listing every refusal. Warnings go to the run's log. */
export async function preflight(config: LoadedConfig): Promise<void> {
    const problems: string[] = [...(await proxyTargetFor(config.proxyVm).preflightProblems(config.leases))];
    const vaultAddress = new pulumi.Config("vault").get("address") ?? process.env.VAULT_ADDR;
    const vault = await vaultProblem(vaultAddress);
    if (vault) problems.push(vault);
    const write = vault ? undefined : await vaultWriteProblem(vaultAddress, await vaultToken(), config.vault);
    if (write) problems.push(write);
    const g = guardSettings(config);
    let usage;
    try {
        usage = await readUsage({ dataCenter: config.dataCenter, ...removedObjectSelectors(g) });
    } catch (e) {
        throw new pulumi.RunError(
            `ovirt-ci: the scale-down check could not read the oVirt engine ${config.engineUrl}: ${(e as Error).message}\n` +
                "  Nothing was changed. Fix: make sure the engine is up and reachable from here (and ovirt-ci:engineUrl, " +
                "engineUsername, enginePassword and engineCaPem are right), then run the command again.",
        );
    }
    const verdict = judgeScaleDown(g, usage);
    problems.push(...(await layoutMoveProblems(config)));
    for (const w of verdict.warnings) pulumi.log.warn(`ovirt-ci: ${w}`);
    problems.push(...verdict.refusals);
    if (problems.length > 0) {
        throw new pulumi.RunError(
            `ovirt-ci: refused before any change (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
        );
    }
}
