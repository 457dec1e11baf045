// The day-one specs' steps (tests/e2e/adopt*.spec.ts): the live layout seeded, `npm run adopt` run.
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { LeaseInfo } from "../../lib/leaseModel";
import { seedLiveEngine, seedLiveSandbox, seedLiveVault } from "../../local/liveFixture";
import { Endpoint, resolveEndpoint } from "../../providers/ovirt/client";
import { E2eServices, E2eStack, repoRoot } from "./helpers";

/**
 * The environment as the playbooks left it: the engine's objects, the sandbox proxy's files, the Vault item. Gives the
 * engine's endpoint (admin login) it seeded through.
 */
export async function seedLiveFixture(svc: E2eServices, leaseInfos: LeaseInfo[]): Promise<Endpoint> {
    const endpoint = resolveEndpoint({
        get: (k) =>
            ({
                "ovirt-ci:engineUrl": svc.local.engine.apiUrl,
                "ovirt-ci:enginePassword": svc.local.engine.password,
                "ovirt-ci:engineCaPem": svc.local.engine.caPem,
            })[k],
    });
    await seedLiveEngine(endpoint, "OCP-45", "OCP-45", leaseInfos);
    seedLiveSandbox(svc.local.sandboxDir, leaseInfos, svc.local);
    await seedLiveVault(
        svc.bao.address,
        svc.bao.token,
        { mount: "kv", path: "selfservice/ovirt/cluster-secrets-ovirt" },
        leaseInfos,
    );
    return endpoint;
}

/** `npm run adopt` on the stack, as a child process with the stack's backend and passphrase. */
export function runAdopt(t: E2eStack, extra: string[] = []): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
        const child = spawn(
            process.execPath,
            [
                "-r",
                require.resolve("ts-node/register/transpile-only"),
                path.join(repoRoot, "scripts/adopt.ts"),
                "--stack",
                t.stack.name,
                "--cwd",
                t.workDir,
                ...extra,
            ],
            { cwd: repoRoot, env: { ...process.env, ...t.env }, stdio: ["ignore", "pipe", "pipe"] },
        );
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        child.on("close", (code) => resolve({ code, out }));
    });
}
