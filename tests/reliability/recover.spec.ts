// Reliability 3: the state survives any kill, and `npm run recover` (scripts/recover.ts) handles each thing a killed
// run can leave, on the real program's stack under the real CLI (file backend with ?metadata=skip,
// scripts/lib/fileBackend.ts):
// - an emptied sidecar (fileblob's crash window): the CLI fails with `failed to load checkpoint: EOF` (the issue's
//   symptom, reproduced), recover removes it, then preview, up and destroy work;
// - a lock of a dead run (removed), of a live run (nothing changed, exit 1 with the pid);
// - pending operations (cleared by refresh --clear-pending-creates);
// - a checkpoint that does not parse (restored from the newest copy that parses, only with --yes, after saying what
//   would be lost; the damaged file kept; nothing restored and nothing deleted when no copy parses);
// - nothing wrong: nothing changed, byte for byte.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sidecars, stackFiles } from "../../scripts/lib/fileBackend";
import { RecoverError, RecoverResult, recover } from "../../scripts/recover";
import { E2eServices, E2eStack, programStack, pulumiCli, repoRoot, startServices, treeFiles } from "../e2e/helpers";
import { figure } from "./helpers";

describe("reliability: the file backend survives any kill; npm run recover repairs what a killed run leaves", function () {
    this.timeout(900_000);
    let s: E2eServices;
    let t: E2eStack;
    let files: ReturnType<typeof stackFiles>;
    const timings: Record<string, number> = {};

    /** recover() on the test stack; what it said, what it did, or the RecoverError it threw. */
    const runRecover = async (yes = false) => {
        const said: string[] = [];
        const t0 = Date.now();
        try {
            const r: RecoverResult = await recover({
                stack: t.stack.name,
                workDir: t.workDir,
                env: t.env,
                yes,
                log: (m) => void said.push(m),
            });
            return { said: said.join("\n"), actions: r.actions, ms: Date.now() - t0 };
        } catch (e) {
            if (!(e instanceof RecoverError)) throw e;
            return { said: said.join("\n"), error: e, ms: Date.now() - t0 };
        }
    };
    /** `npm run recover -- --stack … --cwd …` as the operator runs it (scripts/recover.ts's own CLI). */
    const recoverCli = (): Promise<{ code: number | null; out: string }> =>
        new Promise((resolve, reject) => {
            const child = spawn(
                process.execPath,
                [
                    "-r",
                    require.resolve("ts-node/register/transpile-only"),
                    path.join(repoRoot, "scripts/recover.ts"),
                    "--stack",
                    t.stack.name,
                    "--cwd",
                    t.workDir,
                ],
                {
                    env: { ...process.env, ...t.env },
                    stdio: ["ignore", "pipe", "pipe"],
                },
            );
            let out = "";
            child.stdout.on("data", (d: Buffer) => (out += d.toString()));
            child.stderr.on("data", (d: Buffer) => (out += d.toString()));
            child.on("error", reject);
            child.on("close", (code) => resolve({ code, out }));
        });
    const tree = () => JSON.stringify(treeFiles(t.backendDir));
    const cli = async (args: string[]) => {
        const r = await pulumiCli(t, args);
        return { ...r, all: r.stdout + r.stderr };
    };
    const ok = async (args: string[]) => {
        const r = await cli(args);
        assert.equal(r.status, 0, `pulumi ${args.join(" ")}: ${r.all.slice(-2000)}`);
        return r;
    };
    const checkpoint = () => JSON.parse(fs.readFileSync(files.checkpoint, "utf8"));

    before(async () => {
        s = await startServices();
        t = await programStack(s, { leases: { from: 10, to: 10 }, upgradeLeases: [] });
        files = stackFiles(t.backendDir, "ovirt-ci", t.stack.name);
        await ok(["up", "--yes", "--skip-preview"]);
    });
    after(async () => {
        try {
            await t?.dispose();
        } finally {
            await s?.stop();
        }
        figure("recover", timings);
    });

    it("writes no sidecar, and recover changes nothing (byte for byte) when nothing is wrong", async () => {
        assert.deepEqual(sidecars(t.backendDir), [], "the up wrote no *.attrs");
        const before = tree();
        const r = await runRecover();
        assert.deepEqual(r.actions, [], r.said);
        assert.match(r.said, /nothing to recover .*nothing was changed/);
        assert.equal(tree(), before, "the backend is unchanged");
        timings.nothingWrongMs = r.ms;
    });

    it("an emptied sidecar bricks the stack (the CLI's EOF); recover repairs it, then preview, up and destroy work", async () => {
        fs.writeFileSync(`${files.checkpoint}.attrs`, ""); // what a kill between fileblob's truncate and write leaves
        const bricked = await cli(["preview"]);
        assert.notEqual(bricked.status, 0);
        assert.match(bricked.all, /failed to load checkpoint: EOF/, "the real CLI's failure, as the issue reported it");
        const r = await runRecover();
        assert.deepEqual(r.actions, [`sidecar .pulumi/stacks/ovirt-ci/${t.stack.name}.json.attrs`], r.said);
        assert.match(r.said, /removed the damaged sidecar .* \(0 bytes, empty: a run was killed while rewriting it\)/);
        assert.equal(fs.existsSync(`${files.checkpoint}.attrs`), false);
        await ok(["preview", "--expect-no-changes"]);
        const up = await ok(["up", "--yes", "--skip-preview"]);
        assert.doesNotMatch(up.stdout, /created|deleted|updated/, "nothing changes");
        assert.deepEqual(sidecars(t.backendDir), [], "and still no sidecar is written");
        timings.sidecarMs = r.ms;
    });

    it("a live run's lock: recover stops, names the pid and changes nothing (exit 1)", async () => {
        const lock = path.join(files.lockDir, "live-run.json");
        fs.mkdirSync(files.lockDir, { recursive: true });
        fs.writeFileSync(
            lock,
            JSON.stringify({
                pid: process.pid,
                username: os.userInfo().username,
                hostname: os.hostname(),
                timestamp: new Date().toISOString(),
            }),
        );
        try {
            const before = tree();
            const r = await recoverCli();
            assert.equal(r.code, 1, r.out);
            assert.match(
                r.out,
                new RegExp(`a pulumi run on this machine holds the stack ${t.stack.name}: pid ${process.pid}`),
            );
            assert.match(r.out, /fix: wait for it to end, or stop it .*nothing was changed/);
            assert.equal(tree(), before);
        } finally {
            fs.rmSync(lock, { force: true });
        }
    });

    it("a killed run's lock: the CLI refuses the stack; recover removes the lock (npm run recover, exit 0)", async () => {
        const dead = spawnSync("true").pid!;
        fs.writeFileSync(
            path.join(files.lockDir, "killed-run.json"),
            JSON.stringify({
                pid: dead,
                username: os.userInfo().username,
                hostname: os.hostname(),
                timestamp: new Date().toISOString(),
            }),
        );
        const locked = await cli(["up", "--yes", "--skip-preview"]);
        assert.notEqual(locked.status, 0);
        assert.match(locked.all, /currently locked/);
        const r = await recoverCli();
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, new RegExp(`removed the lock of a pulumi run that was killed \\(pid ${dead}`));
        assert.deepEqual(fs.readdirSync(files.lockDir), []);
        await ok(["up", "--yes", "--skip-preview"]);
    });

    it("pending operations: recover clears them with refresh --clear-pending-creates", async () => {
        // what a run killed during a create leaves in the checkpoint: the resource it was creating, with no id
        const cp = checkpoint();
        const latest = cp.checkpoint.latest;
        const net = latest.resources.find((r: { type: string }) => /:Network$/.test(r.type));
        assert.ok(net, "the stack has a network");
        const ghost = {
            ...net,
            urn: net.urn.replace(/::([^:]+)$/, "::$1-interrupted"),
            id: undefined,
            outputs: undefined,
        };
        latest.pending_operations = [{ resource: ghost, type: "creating" }];
        fs.writeFileSync(files.checkpoint, JSON.stringify(cp, null, 4));
        const r = await runRecover();
        assert.deepEqual(r.actions, ["refresh --clear-pending-creates"], r.said + String(r.error));
        assert.match(r.said, /1 pending operation\(s\) from an interrupted run:\n\s+creating .*-interrupted/);
        assert.deepEqual(checkpoint().checkpoint.latest.pending_operations ?? [], []);
        await ok(["preview", "--expect-no-changes"]);
        timings.pendingMs = r.ms;
    });

    it("a checkpoint that does not parse: shown first, restored only with --yes from the newest copy that parses, the damaged one kept", async () => {
        await ok(["up", "--yes", "--skip-preview"]); // a fresh history and backups copy of the current state
        const good = fs.readFileSync(files.checkpoint);
        const resources = checkpoint().checkpoint.latest.resources.length;
        fs.writeFileSync(files.checkpoint, good.subarray(0, Math.floor(good.length / 2)));
        // the newest copy (the backups one, written last) damaged too: recover must pass over it
        const newestBackup = fs.readdirSync(files.backupsDir).sort().at(-1)!;
        const keptBackup = fs.readFileSync(path.join(files.backupsDir, newestBackup));
        fs.writeFileSync(path.join(files.backupsDir, newestBackup), "");
        try {
            const unreadable = await cli(["preview"]);
            assert.notEqual(unreadable.status, 0, "the CLI cannot read a truncated checkpoint");

            const before = tree();
            const asked = await runRecover(false);
            assert.match(String(asked.error?.message), /needs your confirmation/);
            assert.match(asked.error!.fix, /--yes/);
            assert.match(asked.said, /does not parse: not JSON/);
            assert.match(
                asked.said,
                new RegExp(
                    `newer copy \\.pulumi/backups/.*${newestBackup.replace(/\./g, "\\.")} does not parse either: empty`,
                ),
            );
            assert.match(
                asked.said,
                new RegExp(
                    `newest copy that parses: \\.pulumi/history/.*\\.checkpoint\\.json, written .*, ${resources} resources`,
                ),
            );
            assert.match(asked.said, /what restoring it loses: no update is recorded after it/);
            assert.equal(tree(), before, "nothing changed without --yes");

            const r = await runRecover(true);
            assert.deepEqual(r.actions, ["checkpoint restored"], r.said + String(r.error));
            assert.deepEqual(checkpoint(), JSON.parse(good.toString()), "the restored checkpoint is the last good one");
            const damagedDir = path.join(t.backendDir, ".pulumi/damaged/ovirt-ci");
            const kept = fs.readdirSync(damagedDir);
            assert.equal(kept.length, 1);
            assert.equal(
                fs.readFileSync(path.join(damagedDir, kept[0])).length,
                Math.floor(good.length / 2),
                "the damaged file is kept",
            );
            await ok(["preview", "--expect-no-changes"]);
            timings.restoreMs = r.ms;
        } finally {
            fs.writeFileSync(path.join(files.backupsDir, newestBackup), keptBackup);
        }
    });

    it("no copy parses: recover restores nothing and deletes nothing", async () => {
        const good = fs.readFileSync(files.checkpoint);
        const aside = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-aside-"));
        const moved = [files.bak, files.historyDir, files.backupsDir].map(
            (p, i) => [p, path.join(aside, String(i))] as const,
        );
        try {
            fs.writeFileSync(files.checkpoint, "");
            for (const [from, to] of moved) fs.renameSync(from, to);
            const before = tree();
            const r = await runRecover(true);
            assert.match(String(r.error?.message), /does not parse \(empty\) and no copy of it does; checked: none/);
            assert.match(r.error!.fix, /pulumi stack import/);
            assert.equal(tree(), before, "nothing restored, nothing deleted");
        } finally {
            for (const [from, to] of moved) fs.renameSync(to, from);
            fs.writeFileSync(files.checkpoint, good);
            fs.rmSync(aside, { recursive: true, force: true });
        }
        await ok(["preview", "--expect-no-changes"]);
    });

    it("after the repairs, destroy works", async () => {
        const r = await ok(["destroy", "--yes", "--skip-preview", "--ignore-protect"]);
        assert.match(r.stdout, /deleted/);
    });
});
