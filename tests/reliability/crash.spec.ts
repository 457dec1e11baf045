// Reliability 2: crash consistency. `pulumi up` of the real program (the CLI and every process it started: language
// host, program, dynamic provider, plugins) is killed with SIGKILL after the n-th engine write (n seeded, spread
// over the run), alternately while scaling up (creates) and scaling down (deletes). Each crash is followed by the
// documented recovery (docs/reliability.md): `recover` (scripts/recover.ts: the dead run's lock, damaged sidecars,
// `pulumi refresh --clear-pending-creates` of pending operations), then `pulumi up`; it must converge with
// 0 duplicates, 0 orphans and nothing missing on the engine, no pending operation in the state, the Vault item
// listing exactly the desired leases, and no sidecar written in the file backend (the crash window closed).
// Default: 3 kill points; `npm run soak`: 10.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import type { ChildProcess } from "node:child_process";
import { readKv } from "../../local/openbao";
import { sidecars } from "../../scripts/lib/fileBackend";
import { recover } from "../../scripts/recover";
import {
    E2eServices,
    E2eStack,
    apiWrites,
    engineStats,
    inventory,
    programStack,
    pulumiCli,
    startServices,
} from "../e2e/helpers";
import { SOAK, census, desiredNames, figure, prng, showCensus } from "./helpers";

const KILLS = SOAK ? 10 : 3;
const SEED = Number(process.env.RELIABILITY_SEED ?? 9);
const BIG = { leases: { from: 10, to: 12 }, upgradeLeases: { from: 1, to: 2 } };
const SMALL = { leases: { from: 10, to: 10 }, upgradeLeases: { from: 1, to: 1 } };
type Shape = typeof BIG;

/** Every descendant of a process (children first found through /proc/<pid>/stat's ppid). */
function descendants(root: number): number[] {
    const parent = new Map<number, number>();
    for (const d of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
            const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
            parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
        } catch {
            // gone
        }
    }
    const out: number[] = [];
    const walk = (p: number) => {
        for (const [c, pp] of parent) {
            if (pp === p) {
                out.push(c);
                walk(c);
            }
        }
    };
    walk(root);
    return out;
}

describe(`reliability: pulumi up killed with SIGKILL at ${KILLS} seeded points, then the documented recovery (seed ${SEED})`, function () {
    this.timeout(SOAK ? 3_600_000 : 900_000);
    let s: E2eServices;
    let t: E2eStack;
    const writesOf: Record<string, number> = {};

    const setShape = async (shape: Shape) => {
        const ws = t.stack.workspace;
        const settings = await ws.stackSettings(t.stack.name);
        settings.config = {
            ...settings.config,
            "ovirt-ci:leases": shape.leases,
            "ovirt-ci:upgradeLeases": shape.upgradeLeases,
            // SMALL drops ovirt-upgrade-2: its domain is protected unless the operator opts in (lib/protection.ts)
            "ovirt-ci:allowReplace": ["ovirt-upgrade-2"],
        };
        await ws.saveStackSettings(t.stack.name, settings);
    };
    const upCli = (opts: { started?: (c: ChildProcess) => void } = {}) =>
        pulumiCli(t, ["up", "--yes", "--skip-preview"], opts);

    before(async () => {
        s = await startServices();
        t = await programStack(s, BIG);
        // calibration: writes of seed → BIG, BIG → SMALL and SMALL → BIG, uninterrupted
        for (const [name, shape] of [
            ["seed→big", BIG],
            ["big→small", SMALL],
            ["small→big", BIG],
        ] as const) {
            await setShape(shape);
            const w0 = apiWrites(await engineStats(s.engine));
            const r = await upCli();
            assert.equal(r.status, 0, r.stdout + r.stderr);
            writesOf[name] = apiWrites(await engineStats(s.engine)) - w0;
        }
    });
    after(async () => {
        try {
            await t?.dispose();
        } finally {
            await s?.stop();
        }
    });

    it(`survives ${KILLS} crashes: every recovery converges with 0 duplicates, 0 orphans, nothing pending`, async () => {
        const rnd = prng(SEED);
        const results: Record<string, unknown>[] = [];
        let shape: Shape = BIG;
        for (let k = 0; k < KILLS; k++) {
            // alternate: scale down (deletes) from BIG, scale up (creates) from SMALL
            const target = shape === BIG ? SMALL : BIG;
            const total = target === SMALL ? writesOf["big→small"] : writesOf["small→big"];
            // spread over the run: kill point k lands in the k-th of KILLS equal slices of the writes, seeded within it
            const n = Math.max(1, Math.min(total - 1, Math.floor((((k % KILLS) + rnd()) / KILLS) * total)));
            await setShape(target);
            const w0 = apiWrites(await engineStats(s.engine));
            const t0 = Date.now();
            let child: ChildProcess | undefined;
            let killedAt: number | undefined;
            const run = upCli({ started: (c) => (child = c) });
            const watcher = (async () => {
                while (killedAt === undefined && child?.exitCode === null) {
                    if (apiWrites(await engineStats(s.engine)) - w0 >= n) {
                        const pids = [child.pid!, ...descendants(child.pid!)];
                        for (const pid of pids) {
                            try {
                                process.kill(pid, "SIGKILL");
                            } catch {
                                // already gone
                            }
                        }
                        killedAt = Date.now();
                        return;
                    }
                    await new Promise((r) => setTimeout(r, 10));
                }
            })();
            const r = await run;
            await watcher;
            assert.equal(
                r.signal,
                "SIGKILL",
                `kill point ${k + 1} (write ${n} of ${total}) was reached before the up ended: ${r.stdout.slice(-500)}`,
            );
            const pending = (
                JSON.parse((await pulumiCli(t, ["stack", "export"])).stdout).deployment.pending_operations ?? []
            ).length;

            // the crash window of the backend's sidecars is closed: the killed run left none (scripts/lib/fileBackend.ts)
            assert.deepEqual(sidecars(t.backendDir), [], "no sidecar in the file backend");

            // the recovery, as docs/reliability.md tells operators: npm run recover, then up
            const said: string[] = [];
            const rec = await recover({
                stack: t.stack.name,
                workDir: t.workDir,
                env: t.env,
                yes: false,
                log: (m) => void said.push(m),
            });
            assert.ok(said.length > 0, "recover says what it found");
            const steps = [`recover (${rec.actions.join("; ") || "nothing to do"})`];
            const up = await upCli();
            assert.equal(up.status, 0, up.stdout + up.stderr);
            steps.push("up");

            const c = census(await inventory(s.engine), desiredNames(target.leases, target.upgradeLeases));
            assert.deepEqual(
                [c.duplicates, c.leaked, c.missing, c.seedLost],
                [[], [], [], []],
                `after crash ${k + 1}: ${showCensus(c)}`,
            );
            const exported = JSON.parse((await pulumiCli(t, ["stack", "export"])).stdout);
            assert.deepEqual(exported.deployment.pending_operations ?? [], [], "no pending operation left");
            const item = (await readKv(s.bao, "kv", "selfservice/ovirt/cluster-secrets-ovirt"))!;
            const wantFiles = [
                ...desiredNames(target.leases, target.upgradeLeases).networks.map(
                    (n) => n.replace("ovn-vmnet-", "ovirt-") + ".json",
                ),
                ...desiredNames(target.leases, target.upgradeLeases).storageDomains.map((d) => `${d}.json`),
            ].sort();
            assert.deepEqual(
                Object.keys(item)
                    .filter((f) => /^ovirt-.*\.json$/.test(f))
                    .sort(),
                wantFiles,
                "the Vault item lists exactly the desired leases",
            );
            const again = await upCli();
            assert.match(again.stdout, /\d+ unchanged/, "a further up changes nothing");
            assert.doesNotMatch(again.stdout, /\+ \d+ to create|created|deleted|updated/, again.stdout);
            results.push({
                kill: k + 1,
                direction: target === SMALL ? "scale down" : "scale up",
                afterWrite: `${n}/${total}`,
                atSeconds: ((killedAt! - t0) / 1000).toFixed(1),
                pendingOps: pending,
                recovery: steps.join(" → "),
            });
            shape = target;
        }
        figure("crash", {
            kills: KILLS,
            survived: results.length,
            seed: SEED,
            calibrationWrites: writesOf,
            duplicates: 0,
            orphans: 0,
        });
        for (const r of results) figure("crash point", r);
    });
});
