// `npm run boskos -- --check <_boskos.yaml>` as openshift/release's CI or an operator uses it (issue 7): identical,
// missing lease, extra lease, reordered names, and the generate-boskos.py `range(...)` lines.
//
// Reordering: generate-boskos.py writes the names sorted as plain strings (docs/ci-contract.md section 9), so
// `ovirt-10, ovirt-11, ovirt-8, ovirt-9` is the only order a generated file can have. The order of lease numbers in
// our config never matters (it renders the same sorted list: identical); a file in any other order (numeric, say)
// was edited by hand and fails the check with an order message, since `make boskos-config` would rewrite it.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { boskos as run, config } from "./boskosFixtures";

const boskos = (...args: string[]) => run(args);

/** Another type's entries around ours, as in the real file. */
const withNeighbours = (ovirt: string) =>
    ovirt.replace("resources:\n", "resources:\n- names:\n  - aws-1\n  state: free\n  type: aws-quota-slice\n") +
    "- max-count: 5\n  min-count: 5\n  state: free\n  type: vsphere-elastic\n";

describe("npm run boskos -- --check (operator workflow)", function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boskos-check-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
        const f = path.join(dir, name);
        fs.writeFileSync(f, text);
        return f;
    };
    const ci = boskos("--config", "Pulumi.ci.yaml").stdout;

    it("identical: exit 0, says so, and still prints the generator lines", () => {
        const r = boskos("--check", write("identical.yaml", withNeighbours(ci)));
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /identical\.yaml: the ovirt-\* entries match Pulumi\.ci\.yaml\n/);
        assert.ok(!r.stdout.includes("expected entries:"));
        assert.ok(
            r.stdout.includes("for i in range(10, 24):\n    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1\n"),
        );
        assert.ok(
            r.stdout.includes(
                "for i in range(1, 7):\n    CONFIG['ovirt-upgrade-quota-slice']['ovirt-upgrade-{}'.format(i)] = 1\n",
            ),
        );
        assert.ok(r.stdout.includes("    'ovirt-clusterbot-quota-slice': {\n        'default': 3,\n    },\n"));
    });

    it("missing lease: exit 1 naming it, with the expected entries", () => {
        const r = boskos(
            "--check",
            write(
                "missing.yaml",
                withNeighbours(ci.replace("  - ovirt-17\n", "").replace("  - ovirt-upgrade-6\n", "")),
            ),
        );
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /differ from Pulumi\.ci\.yaml:\n/);
        assert.match(r.stdout, /  - ovirt-quota-slice: missing names ovirt-17\n/);
        assert.match(r.stdout, /  - ovirt-upgrade-quota-slice: missing names ovirt-upgrade-6\n/);
        assert.ok(r.stdout.includes(`expected entries:\n${ci}`));
    });

    it("extra lease: exit 1 naming it (a lease boskos hands out that the stack does not have)", () => {
        const r = boskos(
            "--check",
            write("extra.yaml", withNeighbours(ci.replace("  - ovirt-23\n", "  - ovirt-23\n  - ovirt-24\n"))),
        );
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /  - ovirt-quota-slice: unexpected names ovirt-24\n/);
        assert.ok(!/missing names/.test(r.stdout));
    });

    it("reordered lease numbers in the config render the generator's string order: identical", () => {
        const cfg = config(dir, "reordered", "[11, 8, 10, 9]", "[2, 1]");
        const generated = boskos("--config", cfg);
        assert.equal(generated.status, 0, generated.stderr);
        assert.ok(
            generated.stdout.includes(
                "- names:\n  - ovirt-10\n  - ovirt-11\n  - ovirt-8\n  - ovirt-9\n  state: free\n  type: ovirt-quota-slice\n",
            ),
            generated.stdout,
        );
        const sameRange = config(dir, "range", "{from: 8, to: 11}", "{from: 1, to: 2}");
        const r = boskos("--config", sameRange, "--check", write("string-order.yaml", generated.stdout));
        assert.equal(r.status, 0, r.stdout + r.stderr);
    });

    it("reordered names in the file (not the generator's order): exit 1 with an order message, no lease difference", () => {
        const cfg = config(dir, "numeric", "{from: 8, to: 11}");
        const numeric = boskos("--config", cfg).stdout.replace(
            "  - ovirt-10\n  - ovirt-11\n  - ovirt-8\n  - ovirt-9\n",
            "  - ovirt-8\n  - ovirt-9\n  - ovirt-10\n  - ovirt-11\n",
        );
        const r = boskos("--config", cfg, "--check", write("numeric-order.yaml", numeric));
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(
            r.stdout,
            /ovirt-quota-slice: the names are not in generate-boskos.py's order \(sorted as plain strings: ovirt-10, ovirt-11, ovirt-8, ovirt-9\)/,
        );
        assert.ok(!/missing names|unexpected names/.test(r.stdout));
    });

    it("--stack with the stack's next config: a lease the next up removes that boskos still lists is a warning, exit 1", () => {
        // `pulumi stack output boskos --json` of a stack that has deployed leases 10..24 (the CLI's JSON of the output)
        const bin = fs.mkdtempSync(path.join(dir, "bin-"));
        const deployed = boskos("--config", config(dir, "deployed", "{from: 10, to: 24}")).stdout;
        const entries = JSON.stringify([
            { type: "ovirt-clusterbot-quota-slice", state: "free", minCount: 3, maxCount: 3 },
            {
                type: "ovirt-quota-slice",
                state: "free",
                names: Array.from({ length: 15 }, (_, i) => `ovirt-${10 + i}`).sort(),
            },
            {
                type: "ovirt-upgrade-quota-slice",
                state: "free",
                names: Array.from({ length: 6 }, (_, i) => `ovirt-upgrade-${1 + i}`),
            },
        ]);
        fs.writeFileSync(
            path.join(bin, "pulumi"),
            `#!/bin/sh\n[ "$1 $2 $3" = "stack output boskos" ] || exit 3\ncat <<'EOF'\n${entries}\nEOF\n`,
            { mode: 0o755 },
        );
        const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
        const withFakeCli = (...args: string[]) => run(args, env);
        const listed = write("deployed.yaml", withNeighbours(deployed));
        const next = config(dir, "scale-down", "{from: 10, to: 22}");
        const r = withFakeCli("--stack", "ci", "--config", next, "--check", listed);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /the ovirt-\* entries match stack ci/);
        for (const n of [23, 24]) {
            assert.match(
                r.stdout,
                new RegExp(
                    `warning: stack ci is about to remove ovirt-${n} \\(deployed, no longer in its config\\), but boskos still lists it: take ovirt-${n} out of boskos first`,
                ),
            );
        }
        // boskos first: once the file no longer lists them, no warning (the difference to the deployed stack remains)
        const after = withFakeCli(
            "--stack",
            "ci",
            "--config",
            next,
            "--check",
            write("after.yaml", withNeighbours(boskos("--config", next).stdout)),
        );
        assert.ok(!/warning:/.test(after.stdout), after.stdout);
        assert.match(after.stdout, /ovirt-quota-slice: missing names ovirt-23, ovirt-24/);
        // without --check, --stack and --config still exclude each other
        assert.equal(withFakeCli("--stack", "ci", "--config", next).status, 2);
    });

    it("range(...) lines: one loop per contiguous run of lease numbers", () => {
        const cfg = config(dir, "runs", "[{from: 8, to: 11}, {from: 20, to: 21}, 30]", "[1, 2, 5]");
        const r = boskos("--config", cfg, "--check", write("empty.yaml", "resources: []\n"));
        assert.equal(r.status, 1);
        assert.match(r.stdout, /ovirt-quota-slice: missing\n/);
        const loops = r.stdout.slice(
            r.stdout.indexOf("generate-boskos.py (loops):\n") + "generate-boskos.py (loops):\n".length,
        );
        assert.equal(
            loops,
            [
                "for i in range(8, 12):",
                "    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1",
                "",
                "for i in range(20, 22):",
                "    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1",
                "",
                "for i in range(30, 31):",
                "    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1",
                "",
                "for i in range(1, 3):",
                "    CONFIG['ovirt-upgrade-quota-slice']['ovirt-upgrade-{}'.format(i)] = 1",
                "",
                "for i in range(5, 6):",
                "    CONFIG['ovirt-upgrade-quota-slice']['ovirt-upgrade-{}'.format(i)] = 1",
                "",
                "",
            ].join("\n"),
        );
    });
});
