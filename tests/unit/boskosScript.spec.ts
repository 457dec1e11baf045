import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..");
const boskos = (...args: string[]) =>
    spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/boskos.ts", ...args], {
        cwd: root,
        encoding: "utf8",
    });

describe("npm run boskos", function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boskos-script-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("prints the upstream-format entries from Pulumi.ci.yaml when no stack is given", () => {
        const r = boskos();
        assert.equal(r.status, 0, r.stderr);
        const lines = r.stdout.split("\n");
        assert.deepEqual(lines.slice(0, 6), [
            "# generated with generate-boskos.py; do not edit directly",
            "resources:",
            "- max-count: 3",
            "  min-count: 3",
            "  state: free",
            "  type: ovirt-clusterbot-quota-slice",
        ]);
        assert.ok(r.stdout.includes("- names:\n  - ovirt-10\n  - ovirt-11\n"));
        assert.ok(r.stdout.endsWith("  - ovirt-upgrade-6\n  state: free\n  type: ovirt-upgrade-quota-slice\n"));
    });

    it("--check: exit 0 when the ovirt entries match (other types ignored), 1 with the differences and the generator lines", () => {
        const good = path.join(dir, "good.yaml");
        fs.writeFileSync(
            good,
            boskos().stdout.replace(
                "resources:\n",
                "resources:\n- names:\n  - aws-1\n  state: free\n  type: aws-quota-slice\n",
            ),
        );
        const ok = boskos("--check", good);
        assert.equal(ok.status, 0, ok.stdout + ok.stderr);
        assert.match(ok.stdout, /the ovirt-\* entries match Pulumi\.ci\.yaml/);

        const bad = path.join(dir, "bad.yaml");
        fs.writeFileSync(bad, boskos().stdout.replace("  - ovirt-23\n", "").replace("min-count: 3", "min-count: 2"));
        const r = boskos("--config", "Pulumi.ci.yaml", "--check", bad);
        assert.equal(r.status, 1);
        assert.match(r.stdout, /ovirt-quota-slice: missing names ovirt-23/);
        assert.match(r.stdout, /ovirt-clusterbot-quota-slice: min-count\/max-count are 2\/3, expected 3\/3/);
        assert.ok(
            r.stdout.includes("for i in range(10, 24):\n    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1\n"),
        );
    });

    it("rejects unknown arguments and an invalid config with a readable message", () => {
        const r = boskos("--stak", "ci");
        assert.equal(r.status, 2);
        assert.match(r.stderr, /unexpected argument "--stak"/);
        const cfg = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(cfg, "config:\n  ovirt-ci:leases: {from: 23, to: 10}\n");
        const c = boskos("--config", cfg);
        assert.equal(c.status, 2);
        assert.match(c.stderr, /ovirt-ci:leases: is an empty range/);
    });
});
