// scripts/local.ts: a pulumi run killed on this machine leaves a lock in the file backend; the next
// `npm run up:local` / `down:local` removes it (its pid is gone) and keeps the lock of a live run.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { alive, clearStaleLocks } from "../../scripts/lib/fileBackend";

describe("scripts/local.ts: stale locks of the file backend", () => {
    it("removes the lock of a dead pulumi process on this host, keeps a live one and another host's", () => {
        const state = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-locks-"));
        try {
            const dir = path.join(state, ".pulumi/locks/organization/ovirt-ci/local");
            fs.mkdirSync(dir, { recursive: true });
            const dead = spawnSync("true").pid!;
            assert.equal(alive(dead), false);
            const lock = (name: string, pid: number, hostname = os.hostname()) => {
                fs.writeFileSync(
                    path.join(dir, `${name}.json`),
                    JSON.stringify({ pid, username: "u", hostname, timestamp: "" }),
                );
                fs.writeFileSync(path.join(dir, `${name}.json.attrs`), "{}");
            };
            lock("dead", dead);
            lock("live", process.pid);
            lock("elsewhere", dead, "another-host");
            const said: string[] = [];
            assert.deepEqual(
                clearStaleLocks(state, "local", (m) => void said.push(m)),
                [dead],
            );
            assert.deepEqual(fs.readdirSync(dir).sort(), [
                "elsewhere.json",
                "elsewhere.json.attrs",
                "live.json",
                "live.json.attrs",
            ]);
            assert.match(said[0], /removed the lock of a pulumi run that was killed/);
        } finally {
            fs.rmSync(state, { recursive: true, force: true });
        }
    });
});
