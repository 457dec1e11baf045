// `npm run drift` with the real Pulumi CLI against the engine emulator: a throwaway stack of tests/operator/project
// (OVN network and tag, the engine's CA in the stack config) on a file backend. Clean → 0; a change made behind
// Pulumi's back through the emulator's admin `mutate` → the report names object, field, expected and found, exit 1;
// `pulumi up --refresh` puts it back → 0; an object deleted on the engine → 1; the engine stopped → 2.
// The drift script runs as a child process (asynchronously: the emulator lives in this process's event loop).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEngine, RunningEngine } from "../../emulator";
import { throwawayStack, ThrowawayStack } from "../helpers/pulumiCli";
import { Admin } from "../provider/helpers";
import { ScriptRun, runScript } from "../helpers/runScript";

const projectDir = path.join(__dirname, "project");

function drift(t: ThrowawayStack, ...extra: string[]): Promise<ScriptRun> {
    return runScript("scripts/drift.ts", ["--stack", t.stack.name, "--cwd", projectDir, ...extra], {
        PULUMI_BACKEND_URL: `file://${t.backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: "throwaway-test-passphrase",
    });
}

describe("npm run drift (real CLI, engine emulator)", function () {
    this.timeout(300_000);
    let e: RunningEngine | undefined;
    let t: ThrowawayStack | undefined;
    let admin: Admin;
    let tmp: string;
    let port = 0;
    const projectYaml = fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8");
    const start = async () => {
        // A state file, so the engine restarted after the "stopped" case still has the objects to destroy.
        e = await startEngine({ latency: "fast", port, statePath: path.join(tmp, "engine.json") });
        port = Number(new URL(e.url).port);
        admin = new Admin(e);
    };

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-drift-"));
        await start();
        t = await throwawayStack(projectDir);
        await t.stack.setAllConfig({
            "ovirt-ci:engineUrl": { value: e!.apiUrl },
            "ovirt-ci:enginePassword": { value: e!.password, secret: true },
            "ovirt-ci:engineCaPem": { value: e!.caPem },
            // the stopped-engine case should fail fast, not after the default six attempts
            "ovirt-ci:engineRetryAttempts": { value: "2" },
            "ovirt-ci:engineRetryBaseMs": { value: "20" },
        });
    });

    after(async () => {
        try {
            if (!e) await start();
            await t?.dispose();
        } finally {
            await e?.stop();
            fs.rmSync(tmp, { recursive: true, force: true });
        }
        assert.equal(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"), projectYaml, "the project's Pulumi.yaml must not change");
    });

    it("exit 0 after up; 1 with object, field, expected and found after a change behind Pulumi's back; 0 after up --refresh", async () => {
        const up = await t!.stack.up();
        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual(up.summary.resourceChanges, { create: 6 });

        const clean = await drift(t!);
        assert.equal(clean.status, 0, clean.stdout + clean.stderr);
        assert.match(clean.stdout, /nothing drifted/);

        await admin.mutate("tags", up.outputs.tagId.value, { description: "edited in the UI" });
        await admin.mutate("networks", up.outputs.networkId.value, { description: "hand edit" });
        const r = await drift(t!);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /2 objects drifted/);
        assert.ok(r.stdout.includes("pulumi-nodejs:dynamic/ovirt:Tag tag (update)\n    description: expected \"managed by pulumi\", found \"edited in the UI\" (changed outside Pulumi)\n"), r.stdout);
        assert.ok(r.stdout.includes("pulumi-nodejs:dynamic/ovirt:Network net (update)\n    description: expected \"lease network (drift test)\", found \"hand edit\" (changed outside Pulumi)\n"), r.stdout);
        assert.ok(!r.stdout.includes(e!.password) && !r.stderr.includes(e!.password), "the engine password leaked into the report");

        const json = await drift(t!, "--json");
        assert.equal(json.status, 1);
        const report = JSON.parse(json.stdout) as { drifted: { type: string; name: string; fields: { field: string; expected: unknown; found: unknown; cause: string }[] }[] };
        assert.deepEqual(report.drifted.find((o) => o.name === "tag")?.fields, [
            { field: "description", expected: "managed by pulumi", found: "edited in the UI", recorded: "managed by pulumi", cause: "engine" },
        ]);

        // The documented fix: up --refresh re-applies the program.
        const fix = await t!.stack.up({ refresh: true });
        assert.equal(fix.summary.resourceChanges?.update, 2);
        const again = await drift(t!);
        assert.equal(again.status, 0, again.stdout + again.stderr);
    });

    it("exit 1 for an object deleted on the engine", async () => {
        const outputs = await t!.stack.outputs();
        await admin.remove("tags", outputs.tagId.value as string);
        const r = await drift(t!);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /pulumi-nodejs:dynamic\/ovirt:Tag tag \(create\)\n {4}missing on the engine: deleted outside Pulumi/);
        assert.match(r.stdout, /1 object drifted/);
    });

    it("exit 2 with the reason when the engine is stopped, or the stack does not exist", async () => {
        await e!.stop();
        e = undefined;
        const r = await drift(t!);
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /drift: the check of stack t-\w+ failed \(exit 2\):/);
        assert.match(r.stderr, /ECONNREFUSED/);

        const none = await drift(t!, "--stack", "no-such-stack");
        assert.equal(none.status, 2);
        assert.match(none.stderr, /no stack named 'no-such-stack' found/);
    });
});
