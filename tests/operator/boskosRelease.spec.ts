// `npm run boskos -- --release <openshift/release checkout>` (issue 19): on a small release tree of the upstream
// layout, grow and shrink the pool, a second run changes nothing, an unrecognised generator or a missing
// Python/PyYAML is refused with nothing changed. The checkout's own generator (the fixture) renders _boskos.yaml with
// the PyYAML of scripts/setup.sh (OVIRT_CI_PYTHON).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BOSKOS_FILE, GENERATOR_FILE } from "../../lib/boskosGenerator";
import { generatorPython } from "../../scripts/lib/releaseCheckout";
import { boskos, config, fixtureGenerator, writeReleaseTree } from "./boskosFixtures";

describe("npm run boskos -- --release (the openshift/release change)", function () {
    this.timeout(120_000);
    const python = generatorPython();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boskos-release-"));
    const release = path.join(dir, "release");
    const read = (rel: string) => fs.readFileSync(path.join(release, rel), "utf8");
    const snapshot = () => [read(GENERATOR_FILE), read(BOSKOS_FILE)];
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    before(() => writeReleaseTree(release, python));

    it("grows the pool: only the oVirt loop changes, _boskos.yaml is regenerated, diff and pull request printed", () => {
        const [oldGen, oldYaml] = snapshot();
        const cfg = config(dir, "grow", "{from: 10, to: 16}");
        const r = boskos(["--config", cfg, "--release", release]);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        const [gen, yaml] = snapshot();
        assert.equal(gen, oldGen.replace("range(10, 15)", "range(10, 17)").replace("range(1,7)", "range(1, 7)"));
        assert.ok(
            yaml.includes("  - ovirt-14\n  - ovirt-15\n  - ovirt-16\n  state: free\n  type: ovirt-quota-slice\n"),
            yaml,
        );
        // other types come out of the same generator unchanged
        const others = (t: string) => t.split("\n- ").filter((e) => !e.includes("type: ovirt-quota-slice"));
        assert.deepEqual(others(yaml), others(oldYaml));
        assert.ok(fs.statSync(path.join(release, GENERATOR_FILE)).mode & 0o100, "the generator stays executable");
        assert.match(
            r.stdout,
            /changed core-services\/prow\/02_config\/generate-boskos\.py, core-services\/prow\/02_config\/_boskos\.yaml/,
        );
        assert.ok(r.stdout.includes(`--- a/${GENERATOR_FILE}\n+++ b/${GENERATOR_FILE}\n`));
        assert.ok(r.stdout.includes("-for i in range(10, 15):\n+for i in range(10, 17):\n"), r.stdout);
        assert.ok(r.stdout.includes("+  - ovirt-15\n+  - ovirt-16\n"));
        assert.match(r.stdout, /pull request title:\nboskos: oVirt leases: add ovirt-15, ovirt-16\n/);
        assert.match(r.stdout, /Added: ovirt-15, ovirt-16\. They exist on the engine/);
        // what the check says about the result
        const check = boskos(["--config", cfg, "--check", path.join(release, BOSKOS_FILE)]);
        assert.equal(check.status, 0, check.stdout);
    });

    it("a second run changes nothing", () => {
        const before = snapshot();
        const mtime = fs.statSync(path.join(release, GENERATOR_FILE)).mtimeMs;
        const r = boskos(["--config", path.join(dir, "Pulumi.grow.yaml"), "--release", release]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /already hold the oVirt leases of .*Pulumi\.grow\.yaml; nothing changed/);
        assert.deepEqual(snapshot(), before);
        assert.equal(fs.statSync(path.join(release, GENERATOR_FILE)).mtimeMs, mtime, "not even rewritten");
    });

    it("shrinks the pool and a gap splits the loop; the clusterbot pool size follows the config", () => {
        const cfg = config(dir, "shrink", "[10, 11, 13]", "{from: 1, to: 4}", "  ovirt-ci:clusterbotPoolSize: 5\n");
        const r = boskos(["--config", cfg, "--release", release]);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        const gen = read(GENERATOR_FILE);
        assert.ok(
            gen.includes(
                "for i in range(10, 12):\n    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1\n\n" +
                    "for i in range(13, 14):\n    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1\n\n" +
                    "for i in range(1, 5):\n    CONFIG['ovirt-upgrade-quota-slice']['ovirt-upgrade-{}'.format(i)] = 1\n\n" +
                    "for i in range(70,73):",
            ),
            gen,
        );
        assert.ok(gen.includes("    'ovirt-clusterbot-quota-slice': {\n        'default': 5,\n    },\n"));
        const yaml = read(BOSKOS_FILE);
        assert.ok(
            yaml.includes(
                "- names:\n  - ovirt-10\n  - ovirt-11\n  - ovirt-13\n  state: free\n  type: ovirt-quota-slice\n",
            ),
            yaml,
        );
        assert.ok(
            yaml.includes("- max-count: 5\n  min-count: 5\n  state: free\n  type: ovirt-clusterbot-quota-slice\n"),
        );
        assert.match(
            r.stdout,
            /boskos: oVirt leases: remove ovirt-12, ovirt-14, ovirt-15, ovirt-16, ovirt-upgrade-5, ovirt-upgrade-6; clusterbot pool 3 → 5\n/,
        );
        assert.match(r.stdout, /Merge this before ovirt-ci removes them/);
        assert.equal(boskos(["--config", cfg, "--check", path.join(release, BOSKOS_FILE)]).status, 0);
        assert.match(boskos(["--config", cfg, "--release", release]).stdout, /nothing changed/);
    });

    it("adds the clusterbot pool entry to a generator from before it existed", () => {
        const old = path.join(dir, "old-release");
        writeReleaseTree(old, python, fixtureGenerator({ clusterbot: false }));
        const oldGen = fs.readFileSync(path.join(old, GENERATOR_FILE), "utf8");
        const r = boskos(["--config", config(dir, "old", "{from: 10, to: 14}"), "--release", old]);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        const gen = fs.readFileSync(path.join(old, GENERATOR_FILE), "utf8");
        assert.equal(
            gen,
            oldGen.replace(
                "    'ovirt-upgrade-quota-slice': {},\n",
                "    'ovirt-upgrade-quota-slice': {},\n    'ovirt-clusterbot-quota-slice': {\n        'default': 3,\n    },\n",
            ),
        );
        assert.match(r.stdout, /clusterbot pool none → 3/);
    });

    const refusals: [string, (g: string) => string, RegExp][] = [
        [
            "a del of an oVirt name",
            (g) => g.replace("\nconfig = {", "\ndel CONFIG['ovirt-quota-slice']['ovirt-12']\n\nconfig = {"),
            /an oVirt name outside the recognised entries and loops.*del CONFIG\['ovirt-quota-slice'\]\['ovirt-12'\]/,
        ],
        [
            "a static oVirt name in the map",
            (g) => g.replace("'ovirt-quota-slice': {},", "'ovirt-quota-slice': {'ovirt-9': 1},"),
            /no `'ovirt-quota-slice': \{\},` entry in CONFIG/,
        ],
        [
            "oVirt loops apart",
            (g) =>
                g.replace(
                    "\nfor i in range(1,7):",
                    "\nfor i in range(70,71):\n    CONFIG['vsphere-quota-slice']['x-{}'.format(i)] = 1\n\nfor i in range(1,7):",
                ),
            /the oVirt loops are not next to each other/,
        ],
        [
            "another rendering",
            (g) =>
                g.replace(
                    "resource['min-count'] = resource['max-count'] = data['default']",
                    "resource['count'] = data['default']",
                ),
            /does not render _boskos\.yaml the upstream way \(missing: min-count, max-count\)/,
        ],
    ];
    for (const [what, edit, message] of refusals) {
        it(`refuses an unrecognised generator (${what}), changing nothing`, () => {
            const tree = path.join(dir, `refuse-${what.replace(/\W+/g, "-")}`);
            writeReleaseTree(tree, python, edit(fixtureGenerator()));
            const files = [GENERATOR_FILE, BOSKOS_FILE].map((f) => fs.readFileSync(path.join(tree, f), "utf8"));
            const r = boskos(["--config", config(dir, "refuse", "{from: 10, to: 16}"), "--release", tree]);
            assert.equal(r.status, 2, r.stdout + r.stderr);
            assert.match(r.stderr, /generate-boskos\.py is not of the shape this tool recognises/);
            assert.match(r.stderr, message);
            assert.match(r.stderr, /Nothing was changed\. Fix: /);
            assert.deepEqual(
                [GENERATOR_FILE, BOSKOS_FILE].map((f) => fs.readFileSync(path.join(tree, f), "utf8")),
                files,
            );
        });
    }

    it("missing Python or PyYAML: a clear error, nothing changed", () => {
        const before = snapshot();
        const cfg = config(dir, "grow2", "{from: 10, to: 20}");
        const none = boskos(["--config", cfg, "--release", release], {
            ...process.env,
            OVIRT_CI_PYTHON: path.join(dir, "no-such-python3"),
        });
        assert.equal(none.status, 2);
        assert.match(
            none.stderr,
            /cannot run .*no-such-python3 \(ENOENT\): generate-boskos\.py needs Python 3 with PyYAML\. Fix: install python3/,
        );
        // the same Python without its site packages: no PyYAML
        const bare = path.join(dir, "python-without-yaml");
        fs.writeFileSync(bare, `#!/bin/sh\nexec '${python.replace(/'/g, "'\\''")}' -S "$@"\n`, { mode: 0o755 });
        const noYaml = boskos(["--config", cfg, "--release", release], { ...process.env, OVIRT_CI_PYTHON: bare });
        assert.equal(noYaml.status, 2);
        assert.match(
            noYaml.stderr,
            /has no PyYAML \(import yaml failed: ModuleNotFoundError: No module named 'yaml'\).*Fix: .* -m pip install PyYAML/,
        );
        assert.deepEqual(snapshot(), before);
    });

    it("not a release checkout: names the missing generator", () => {
        const r = boskos(["--release", dir]);
        assert.equal(r.status, 2);
        assert.match(
            r.stderr,
            /is not an openshift\/release checkout: core-services\/prow\/02_config\/generate-boskos\.py is missing/,
        );
    });
});
