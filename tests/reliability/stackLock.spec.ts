// Reliability: two operators at once (issue 18). While one `up` runs, a second `up` of the same stack is refused by
// the backend's stack lock, saying who holds it (user@host, pid of the running CLI) and how to recover a stale lock
// (`pulumi cancel`); the first `up` is not disturbed. A lock left by a killed `up` (SIGKILL, the CLI and everything
// it started) refuses the next `up` the same way, naming the dead pid; the documented recovery (cancel → refresh
// --clear-pending-creates → up, docs/operator.md) converges with 0 duplicates.
import * as assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { alive, apiWrites, engineStats, inventory, pulumiCli } from "../e2e/helpers";
import { census, desiredNames, figure, setStackConfig, showCensus, useProgramStack } from "./helpers";

const LOCKED =
    /the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end or delete the lock file with `pulumi cancel`/;

describe("reliability: two operators at once (the stack lock)", function () {
    this.timeout(900_000);
    const ctx = useProgramStack({ leases: { from: 10, to: 11 }, upgradeLeases: { from: 1, to: 1 } });

    const lockDir = () => path.join(ctx.t.backendDir, ".pulumi/locks/organization/ovirt-ci", ctx.t.stack.name);
    const locks = () => (fs.existsSync(lockDir()) ? fs.readdirSync(lockDir()).filter((f) => f.endsWith(".json")) : []);
    const until = async (what: string, cond: () => boolean | Promise<boolean>, ms = 120_000) => {
        const deadline = Date.now() + ms;
        while (!(await cond())) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
            await new Promise((r) => setTimeout(r, 50));
        }
    };
    it("a second up while one runs is refused naming the holder (user@host, pid) and pulumi cancel; the first goes through", async () => {
        let first: ChildProcess | undefined;
        const running = pulumiCli(ctx.t, ["up", "--yes", "--skip-preview"], { started: (c) => (first = c) });
        await until("the first up's lock", () => locks().length === 1);
        const second = await pulumiCli(ctx.t, ["up", "--yes", "--skip-preview"]);
        const out = second.stdout + second.stderr;
        assert.notEqual(second.status, 0, out);
        assert.match(out, LOCKED);
        const holder = /: created by (\S+)@(\S+) \(pid (\d+)\) at /.exec(out);
        assert.ok(holder, `names who holds the lock: ${out}`);
        assert.equal(Number(holder[3]), first!.pid, "the pid of the running CLI");
        const r = await running;
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.deepEqual(locks(), [], "the first up released its lock");
        const c = census(await inventory(ctx.s.engine), desiredNames({ from: 10, to: 11 }, { from: 1, to: 1 }));
        assert.deepEqual([c.duplicates, c.leaked, c.missing], [[], [], []], showCensus(c));
        figure("stack lock (live)", { refused: 1, holderPid: Number(holder[3]) });
    });

    it("a stale lock of a killed up refuses the next up naming the dead pid; cancel, refresh --clear-pending-creates, up converge", async () => {
        await setStackConfig(ctx.t, { "ovirt-ci:leases": { from: 10, to: 13 } });
        let victim: ChildProcess | undefined;
        const w0 = apiWrites(await engineStats(ctx.s.engine));
        const killed = pulumiCli(ctx.t, ["up", "--yes", "--skip-preview"], { started: (c) => (victim = c) });
        await until("the up's first engine write", async () => apiWrites(await engineStats(ctx.s.engine)) > w0);
        process.kill(-victim!.pid!, "SIGKILL"); // the CLI's process group: language host, program, providers, plugins
        await killed;
        await until("the killed CLI to be gone", () => !alive(victim!.pid!));
        assert.equal(locks().length, 1, "the killed up left its lock");

        const refused = await pulumiCli(ctx.t, ["up", "--yes", "--skip-preview"]);
        assert.notEqual(refused.status, 0);
        assert.match(refused.stdout + refused.stderr, LOCKED);
        assert.match(refused.stdout + refused.stderr, new RegExp(`\\(pid ${victim!.pid}\\)`), "names the dead pid");

        for (const args of [
            ["cancel", "--yes"],
            ["refresh", "--yes", "--clear-pending-creates"],
            ["up", "--yes", "--skip-preview"],
        ]) {
            const r = await pulumiCli(ctx.t, args);
            assert.equal(r.status, 0, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
        }
        const c = census(await inventory(ctx.s.engine), desiredNames({ from: 10, to: 13 }, { from: 1, to: 1 }));
        assert.deepEqual([c.duplicates, c.leaked, c.missing], [[], [], []], showCensus(c));
        figure("stack lock (stale)", { recovered: 1, duplicates: 0 });
    });
});
