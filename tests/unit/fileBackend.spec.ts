// scripts/lib/fileBackend.ts: the file backend's URL, layout, damaged sidecars and locks (no CLI; the recover spec
// in tests/reliability runs the same against the real CLI).
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    damagedSidecars,
    fileBackendDir,
    fileBackendUrl,
    repairBeforeRun,
    sidecars,
    stackFiles,
    stackLocks,
} from "../../scripts/lib/fileBackend";

describe("scripts/lib/fileBackend.ts", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-backend-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("the URL keeps fileblob from writing sidecars, and its directory reads back", () => {
        assert.equal(fileBackendUrl("/srv/state"), "file:///srv/state?metadata=skip");
        assert.throws(() => fileBackendUrl("state"), /absolute path; got "state"/);
        assert.equal(fileBackendDir(fileBackendUrl("/srv/state")), "/srv/state");
        assert.equal(fileBackendDir("file://./rel?no_tmp_dir=true", "/repo"), "/repo/rel");
        assert.equal(fileBackendDir("s3://bucket/ovirt-ci"), undefined);
        assert.equal(fileBackendDir(undefined), undefined);
    });

    it("lays out a stack as the CLI does", () => {
        const f = stackFiles("/b", "ovirt-ci", "local");
        assert.deepEqual(f, {
            checkpoint: "/b/.pulumi/stacks/ovirt-ci/local.json",
            bak: "/b/.pulumi/stacks/ovirt-ci/local.json.bak",
            historyDir: "/b/.pulumi/history/ovirt-ci/local",
            backupsDir: "/b/.pulumi/backups/ovirt-ci/local",
            lockDir: "/b/.pulumi/locks/organization/ovirt-ci/local",
        });
    });

    it("finds empty and non-JSON sidecars, keeps intact ones, and changes nothing when all is well", () => {
        const f = stackFiles(dir, "ovirt-ci", "local");
        fs.mkdirSync(path.dirname(f.checkpoint), { recursive: true });
        fs.writeFileSync(f.checkpoint, "{}");
        fs.writeFileSync(`${f.checkpoint}.attrs`, JSON.stringify({ "user.content_type": "application/octet-stream" }));
        fs.writeFileSync(`${f.bak}.attrs`, "{}");
        const said: string[] = [];
        repairBeforeRun(dir, "local", (m) => void said.push(m));
        assert.equal(said.length, 0, "nothing said when nothing is wrong");
        assert.equal(sidecars(dir).length, 2);

        fs.writeFileSync(`${f.checkpoint}.attrs`, ""); // the crash window: truncated, not yet written
        fs.mkdirSync(f.lockDir, { recursive: true });
        fs.writeFileSync(path.join(f.lockDir, "x.json.attrs"), '{"Cache');
        assert.deepEqual(damagedSidecars(dir), [`${f.checkpoint}.attrs`, path.join(f.lockDir, "x.json.attrs")].sort());
        repairBeforeRun(dir, "local", (m) => void said.push(m));
        assert.deepEqual(sidecars(dir), [`${f.bak}.attrs`], "the intact sidecar stays");
        assert.equal(said.length, 2);
        assert.match(
            said.join("\n"),
            /removed the damaged sidecar \.pulumi\/stacks\/ovirt-ci\/local\.json\.attrs \(0 bytes, empty: a run was killed while rewriting it\)/,
        );
        assert.match(said.join("\n"), /x\.json\.attrs \(7 bytes, not JSON\)/);
        assert.equal(fs.readFileSync(f.checkpoint, "utf8"), "{}", "the checkpoint itself is untouched");
    });

    it("classifies locks: a dead run here, a live one, another machine's, an unreadable one", () => {
        const f = stackFiles(dir, "ovirt-ci", "local");
        fs.mkdirSync(f.lockDir, { recursive: true });
        const dead = spawnSync("true").pid!;
        const lock = (name: string, content: string) => fs.writeFileSync(path.join(f.lockDir, `${name}.json`), content);
        lock("a", JSON.stringify({ pid: dead, username: "u", hostname: os.hostname(), timestamp: "t" }));
        lock("b", JSON.stringify({ pid: process.pid, username: "u", hostname: os.hostname(), timestamp: "t" }));
        lock("c", JSON.stringify({ pid: dead, username: "u", hostname: "elsewhere", timestamp: "t" }));
        lock("d", "");
        assert.deepEqual(
            stackLocks(dir, "ovirt-ci", "local").map((l) => [path.basename(l.file), l.holder]),
            [
                ["a.json", "dead"],
                ["b.json", "live"],
                ["c.json", "elsewhere"],
                ["d.json", "unreadable"],
            ],
        );
        repairBeforeRun(dir, "local", () => undefined);
        assert.deepEqual(
            fs.readdirSync(f.lockDir).sort(),
            ["b.json", "c.json", "d.json"],
            "only the dead run's lock is removed",
        );
    });
});
