// The up workflow's two jobs (.github/workflows/up.yml) as their scripts run them (scripts/ci/plan.sh in the plan
// job, scripts/ci/apply.sh in the apply job), on the local embedded default under the real CLI: a lease added in the
// config is planned, then applied as approved (a saved update plan, `pulumi up --plan`); a config changed after the
// approval makes the apply refuse, naming the steps nobody approved, with nothing applied.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { E2eServices, E2eStack, inventory, programStack, repoRoot, startServices } from "../e2e/helpers";

interface BashRun {
    status: number | null;
    out: string;
}

describe("up workflow: plan, approve, apply what was approved (scripts/ci on the local default)", function () {
    this.timeout(15 * 60_000);
    let s: E2eServices;
    let t: E2eStack;
    let work: string;

    /** One of scripts/ci, in the stack's project directory with its backend, as the workflow runs it (bash). */
    const ci = (script: string, ...args: string[]): Promise<BashRun> =>
        new Promise((resolve, reject) => {
            const child = spawn("bash", [path.join(repoRoot, "scripts/ci", script), ...args], {
                cwd: t.workDir,
                env: { ...process.env, ...t.env, OVIRT_CI_STACK: t.stack.name },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let out = "";
            child.stdout.on("data", (d: Buffer) => (out += d.toString()));
            child.stderr.on("data", (d: Buffer) => (out += d.toString()));
            child.on("error", reject);
            child.on("close", (status) => resolve({ status, out }));
        });
    const steps = (dir: string) => fs.readFileSync(path.join(dir, "steps.txt"), "utf8").trim().split("\n");
    const networks = async () =>
        (await inventory(s.engine)).networks.map((n) => n.name).filter((n) => n.startsWith("ovn-vmnet-"));
    const lastTo = async (to: number) => t.stack.setConfig("ovirt-ci:leases.to", { value: String(to) }, true);

    before(async () => {
        s = await startServices({ maxLease: 13 });
        t = await programStack(s, { leases: { from: 10, to: 10 }, upgradeLeases: [] });
        const up = await t.stack.up({ refresh: true });
        assert.equal(up.summary.result, "succeeded");
        work = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-up-plan-"));
    });
    after(async () => {
        try {
            await t?.dispose();
        } finally {
            await s?.stop();
            if (work) fs.rmSync(work, { recursive: true, force: true });
        }
    });

    it("a plan applied as approved: the new lease's steps, nothing else; then nothing left to do", async () => {
        await lastTo(11);
        const plan = await ci("plan.sh", path.join(work, "approved"));
        assert.equal(plan.status, 0, plan.out);
        const approved = steps(path.join(work, "approved"));
        assert.ok(
            approved.some((l) => /^create \S+::ovirt-11-network$/.test(l)),
            approved.join("\n"),
        );
        assert.ok(
            approved.some((l) => /^update \S+::ci-profile-item \[dataJson\]$/.test(l)),
            approved.join("\n"),
        );
        assert.ok(!approved.some((l) => /ovirt-10/.test(l)), "the existing lease is not touched");
        assert.ok(fs.readFileSync(path.join(work, "approved", "preview.txt"), "utf8").includes("ovirt-11"));

        const apply = await ci("apply.sh", path.join(work, "approved", "steps.txt"));
        assert.equal(apply.status, 0, apply.out);
        assert.deepEqual((await networks()).sort(), ["ovn-vmnet-10", "ovn-vmnet-11"]);

        const again = await ci("plan.sh", path.join(work, "again"));
        assert.equal(again.status, 0, again.out);
        assert.deepEqual(steps(path.join(work, "again")), [""], "nothing left to do");
    });

    it("a config changed after the approval: the apply refuses, naming what nobody approved; nothing applied", async () => {
        await lastTo(12);
        const plan = await ci("plan.sh", path.join(work, "approved-12"));
        assert.equal(plan.status, 0, plan.out);
        const stateBefore = JSON.stringify(
            (await t.stack.exportStack()).deployment.resources.map((r: { urn: string }) => r.urn),
        );

        await lastTo(13); // e.g. another commit on main between the approval and the apply
        const apply = await ci("apply.sh", path.join(work, "approved-12", "steps.txt"));
        assert.equal(apply.status, 1, apply.out);
        assert.match(apply.out, /the stack changed since the plan was approved .* nothing was applied/);
        assert.match(apply.out, /^\+create \S+::ovirt-13-network$/m);
        assert.deepEqual((await networks()).sort(), ["ovn-vmnet-10", "ovn-vmnet-11"], "no lease network created");
        const stateAfter = JSON.stringify(
            (await t.stack.exportStack()).deployment.resources.map((r: { urn: string }) => r.urn),
        );
        assert.equal(stateAfter, stateBefore, "the state has no new resource");
    });
});
