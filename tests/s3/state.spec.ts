// The `ci` stack's state on a real S3 store (issue 27): the program's stack (1 lease, 1 upgrade lease) with its state
// in a versioned bucket of a loopback SeaweedFS (local/seaweedfs.ts), reached the way the `ci` stack's is
// (`s3://<bucket>/ovirt-ci?endpoint=…`, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY). Each write of the checkpoint is one
// object version; two `up`s at once: the second is refused by the lock object naming the first; a SIGKILLed `up`
// is recovered by `npm run recover` (the dead run's lock, the pending creates) and the next `up` converges; a bad
// write of the checkpoint is restored from the previous object version, by `npm run recover -- --yes` and by the
// operator's drill (scripts/restore-drill.sh, the commands of docs/operator.md); the bucket settings docs/operator.md
// asks for are accepted. A machine without `weed` fails the tier (scripts/setup.sh builds it), it never skips.
import * as assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RunningSeaweed, s3BackendUrl, s3Env, startSeaweed, storeBucket } from "../../local/seaweedfs";
import {
    S3Backend,
    aws,
    getObjectText,
    listKeys,
    objectVersions,
    parseS3BackendUrl,
    s3StackKeys,
} from "../../scripts/lib/s3Backend";
import {
    E2eServices,
    E2eStack,
    alive,
    apiWrites,
    engineStats,
    inventory,
    programStack,
    pulumiCli,
    repoRoot,
    startServices,
} from "../e2e/helpers";
import { census, desiredNames, setStackConfig, showCensus } from "../reliability/helpers";
import { runScript } from "../helpers/runScript";
import { ToolRun, runTool } from "../../scripts/lib/runTool";

const LOCKED =
    /the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end or delete the lock file with `pulumi cancel`/;
const UPGRADES = { from: 1, to: 1 };

describe("s3: the stack's state in a versioned SeaweedFS bucket", function () {
    this.timeout(900_000);
    let tmp: string;
    let weed: RunningSeaweed;
    let s: E2eServices;
    let t: E2eStack;
    let b: S3Backend;
    const keys = () => s3StackKeys(b.prefix, "ovirt-ci", t.stack.name);
    const locks = async () => (await listKeys(b, keys().lockPrefix)).filter((k) => k.endsWith(".json"));
    const checkpointVersions = async () =>
        (await objectVersions(b, keys().checkpoint)).filter((v) => v.key === keys().checkpoint);
    const until = async (what: string, cond: () => boolean | Promise<boolean>, ms = 180_000) => {
        const deadline = Date.now() + ms;
        while (!(await cond())) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
            await new Promise((r) => setTimeout(r, 100));
        }
    };
    const converged = async (leases: { from: number; to: number }) => {
        const c = census(await inventory(s.engine), desiredNames(leases, UPGRADES));
        assert.deepEqual([c.duplicates, c.leaked, c.missing], [[], [], []], showCensus(c));
    };
    /** `npm run recover` as the operator runs it: the stack's backend and passphrase in the environment. */
    const recoverCli = (...args: string[]) =>
        runScript("scripts/recover.ts", ["--stack", t.stack.name, "--cwd", t.workDir, ...args], t.env);
    const damage = async () =>
        (
            (await aws(b, [
                "s3api",
                "put-object",
                "--bucket",
                b.bucket,
                "--key",
                keys().checkpoint,
                "--body",
                path.join(tmp, "bad.json"),
            ])) as { VersionId: string }
        ).VersionId;

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-s3-"));
        fs.mkdirSync(path.join(tmp, "weed"));
        fs.writeFileSync(path.join(tmp, "bad.json"), '{"version": 3, "checkpoint": {"latest": {"resources": [');
        weed = await startSeaweed({
            dataDir: path.join(tmp, "weed"),
            bucket: "ovirt-ci-state",
            credentials: {
                accessKeyId: `test${randomBytes(6).toString("hex")}`,
                secretAccessKey: randomBytes(20).toString("hex"),
            },
        });
        const url = s3BackendUrl(weed, "ovirt-ci");
        b = { ...parseS3BackendUrl(url)!, ...storeBucket(weed) };
        s = await startServices({ maxLease: 11 });
        t = await programStack(
            s,
            { leases: { from: 10, to: 10 }, upgradeLeases: UPGRADES },
            {},
            { url, env: s3Env(weed.credentials) },
        );
    });
    after(async () => {
        try {
            await t?.dispose();
        } finally {
            await s?.stop();
            await weed?.stop();
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("the backend URL has the ci stack's shape, the store listens on loopback only, and without credentials nothing is served", async () => {
        assert.match(
            t.env.PULUMI_BACKEND_URL,
            /^s3:\/\/ovirt-ci-state\/ovirt-ci\?endpoint=127\.0\.0\.1:\d+&disableSSL=true&s3ForcePathStyle=true&region=us-east-1$/,
        );
        const listening = fs
            .readFileSync("/proc/net/tcp", "utf8")
            .split("\n")
            .slice(1)
            .map((l) => l.trim().split(/\s+/))
            .filter((f) => f[3] === "0A"); // LISTEN
        for (const port of Object.values(weed.ports)) {
            const own = listening.filter((f) => parseInt(f[1].split(":")[1], 16) === port);
            assert.ok(own.length > 0, `weed listens on ${port}`);
            for (const f of own) assert.equal(f[1].split(":")[0], "0100007F", `port ${port} bound to 127.0.0.1 only`);
        }
        const anonymous = await fetch(`http://${weed.endpoint}/${weed.bucket}?list-type=2`);
        assert.equal(anonymous.status, 403, "an unsigned request is refused");
    });

    it("two ups at once: the second is refused naming the first's pid, the first goes through; one version per checkpoint write", async () => {
        let first: ChildProcess | undefined;
        const running = pulumiCli(t, ["up", "--yes", "--skip-preview"], { started: (c) => (first = c) });
        await until("the first up's lock object", async () => (await locks()).length === 1);
        const second = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        const r = await running;
        const out = second.stdout + second.stderr;
        assert.notEqual(second.status, 0, out);
        assert.match(out, LOCKED);
        // the CLI names the lock object by its blob URL, the store's options in the query
        const holder =
            /locks\/organization\/ovirt-ci\/[^/]+\/[\w-]+\.json(\?\S*)?: created by (\S+)@(\S+) \(pid (\d+)\) at /.exec(
                out,
            );
        assert.ok(holder, `names the lock object and who holds it: ${out}`);
        assert.equal(Number(holder[4]), first!.pid, "the pid of the running CLI");
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.deepEqual(await locks(), [], "the first up deleted its lock object");
        await converged({ from: 10, to: 10 });

        // every write of the checkpoint is a new object version, and the current one is what the CLI exports
        const before = await checkpointVersions();
        assert.ok(before.length >= 2, `the up wrote the checkpoint more than once: ${before.length} versions`);
        const exported = path.join(tmp, "export.json");
        const e = await pulumiCli(t, ["stack", "export", "--file", exported]);
        assert.equal(e.status, 0, e.stderr);
        for (let i = 0; i < 2; i++) {
            const imp = await pulumiCli(t, ["stack", "import", "--file", exported]);
            assert.equal(imp.status, 0, imp.stdout + imp.stderr);
        }
        const after = await checkpointVersions();
        assert.equal(after.length, before.length + 2, "two imports, two more versions");
        assert.deepEqual(
            after.slice(2).map((v) => v.versionId),
            before.map((v) => v.versionId),
            "the earlier versions are all kept",
        );
        const current = JSON.parse((await getObjectText(b, keys().checkpoint))!) as {
            checkpoint: { latest: { resources: unknown[] } };
        };
        const deployment = JSON.parse(fs.readFileSync(exported, "utf8")) as { deployment: { resources: unknown[] } };
        assert.equal(current.checkpoint.latest.resources.length, deployment.deployment.resources.length);
    });

    it("SIGKILL during up: the lock names the dead pid; npm run recover removes it and clears the pending creates; up converges", async () => {
        await setStackConfig(t, { "ovirt-ci:leases": { from: 10, to: 11 } });
        let victim: ChildProcess | undefined;
        const w0 = apiWrites(await engineStats(s.engine));
        const killed = pulumiCli(t, ["up", "--yes", "--skip-preview"], { started: (c) => (victim = c) });
        await until("the up's first engine write", async () => apiWrites(await engineStats(s.engine)) > w0);
        process.kill(-victim!.pid!, "SIGKILL"); // the CLI's process group: language host, program, plugins
        await killed;
        await until("the killed CLI to be gone", () => !alive(victim!.pid!));
        assert.equal((await locks()).length, 1, "the killed up left its lock object");
        const refused = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        assert.match(refused.stdout + refused.stderr, LOCKED);
        assert.match(refused.stdout + refused.stderr, new RegExp(`\\(pid ${victim!.pid}\\)`));

        const r = await recoverCli();
        const said = r.stdout + r.stderr;
        assert.equal(r.status, 0, said);
        assert.match(
            said,
            new RegExp(
                `removed the lock s3://ovirt-ci-state/\\S+ of a pulumi run that was killed on this machine \\(pid ${victim!.pid},`,
            ),
        );
        assert.match(said, /recovered \(lock of dead pid \d+/);
        assert.deepEqual(await locks(), []);
        const again = await recoverCli();
        assert.equal(again.status, 0, again.stdout + again.stderr);
        assert.match(again.stdout, /nothing to recover \(no lock, the checkpoint parses, no pending operation\)/);

        const up = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        assert.equal(up.status, 0, up.stdout + up.stderr);
        await converged({ from: 10, to: 11 });
    });

    it("a bad write of the checkpoint: npm run recover names the newest earlier version that parses, restores it only with --yes", async () => {
        const good = (await checkpointVersions())[0];
        const bad = await damage();
        const unreadable = await pulumiCli(t, ["stack", "export"]);
        assert.notEqual(unreadable.status, 0, "the CLI cannot load the damaged checkpoint");

        const asked = await recoverCli();
        assert.equal(asked.status, 1, asked.stdout + asked.stderr);
        assert.match(asked.stdout, new RegExp(`newest earlier version that parses: ${good.versionId}`));
        assert.match(asked.stderr, /needs your confirmation[\s\S]*npm run recover -- --yes/);
        assert.equal((await checkpointVersions())[0].versionId, bad, "nothing was changed without --yes");

        const r = await recoverCli("--yes");
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, new RegExp(`restored s3://ovirt-ci-state/\\S+ from version ${good.versionId}`));
        const versions = await checkpointVersions();
        assert.ok(
            versions.some((v) => v.versionId === bad && !v.isLatest),
            "the damaged version is kept",
        );
        assert.equal(
            await getObjectText(b, keys().checkpoint),
            await getObjectText(b, keys().checkpoint, good.versionId),
            "the current checkpoint is the good version's",
        );
        const e = await pulumiCli(t, ["stack", "export"]);
        assert.equal(e.status, 0, e.stderr);
    });

    it("the operator's restore drill (scripts/restore-drill.sh, the commands of docs/operator.md): damage, restore, up converges", async () => {
        const refused = await runDrill(["--stack", "ci"], t.env);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /never runs on ci/);

        const r = await runDrill(["--stack", t.stack.name, "--cwd", t.workDir, "--up"], t.env);
        const said = r.stdout + r.stderr;
        assert.equal(r.code, 0, said);
        assert.match(said, /1\. the stack reads: \d+ resources; no lock; versioning Enabled/);
        assert.match(said, /3\. pulumi stack export fails/);
        assert.match(said, /version \S+ parses: \{"resources":\d+,"pending":0\}/);
        assert.match(said, /5\. the stack reads again/);
        assert.match(said, /done: restored from version/);
        await converged({ from: 10, to: 11 });
    });

    it("the bucket settings of docs/operator.md: versioning on, a lifecycle rule that expires noncurrent versions after 90 days", async () => {
        const v = (await aws(b, ["s3api", "get-bucket-versioning", "--bucket", b.bucket])) as { Status: string };
        assert.equal(v.Status, "Enabled");
        const rules = fs.readFileSync(path.join(repoRoot, "docs/state-bucket-lifecycle.json"), "utf8");
        await aws(b, [
            "s3api",
            "put-bucket-lifecycle-configuration",
            "--bucket",
            b.bucket,
            "--lifecycle-configuration",
            `file://${path.join(repoRoot, "docs/state-bucket-lifecycle.json")}`,
        ]);
        const got = (await aws(b, ["s3api", "get-bucket-lifecycle-configuration", "--bucket", b.bucket])) as {
            Rules: { Status: string; NoncurrentVersionExpiration?: { NoncurrentDays: number } }[];
        };
        assert.deepEqual(
            got.Rules.map((r) => [r.Status, r.NoncurrentVersionExpiration?.NoncurrentDays]),
            (JSON.parse(rules) as typeof got).Rules.map((r) => [
                r.Status,
                r.NoncurrentVersionExpiration?.NoncurrentDays,
            ]),
        );
    });
});

/** `bash scripts/restore-drill.sh <args>` with the stack's environment. */
function runDrill(args: string[], env: Record<string, string>): Promise<ToolRun> {
    return runTool("bash", [path.join(repoRoot, "scripts/restore-drill.sh"), ...args], {
        env: { ...process.env, ...env },
        missing: () => new Error("bash is not on PATH"),
    });
}
