import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

describe("emulator: CLI", () => {
    it("rejects a bad flag value with a message naming the flag, the value and the fix", function () {
        this.timeout(30_000);
        const root = path.resolve(__dirname, "../..");
        const r = spawnSync(
            process.execPath,
            [
                path.join(root, "node_modules/ts-node/dist/bin.js"),
                "--transpile-only",
                "emulator/cli.ts",
                "--latency",
                "slow",
            ],
            { cwd: root, encoding: "utf8", timeout: 25_000 },
        );
        assert.equal(r.status, 2);
        assert.match(r.stderr, /--latency slow is not a profile: use instant, fast or realistic/);
    });
});
