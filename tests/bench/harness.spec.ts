// The benchmark harness at a tiny size (1 lease, 1 upgrade lease, instant latency, 1 repetition, scaling 1 and 2
// leases; the peer section's playbook with the same 1 + 1): it runs under the real CLI and ansible-playbook and writes
// well-formed results. Benchmarks are not timed tests: no timing
// is asserted here.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runBench, SECTIONS } from "../../bench/harness";

describe("bench harness (tiny size)", function () {
    this.timeout(1_200_000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-bench-"));
    after(() => fs.rmSync(out, { recursive: true, force: true }));

    it("runs every section and writes the JSON and the Markdown table", async () => {
        const { results, jsonPath, mdPath } = await runBench({
            reps: 1,
            leases: 1,
            upgradeLeases: 1,
            latency: "instant",
            scaling: [1, 2],
            scalingLatency: "instant",
            emulatorSeconds: 1,
            sections: [...SECTIONS],
            outDir: out,
            log: () => undefined,
        });
        const json = JSON.parse(fs.readFileSync(jsonPath, "utf8")) as typeof results;
        assert.deepEqual(
            json.figures.map((f) => f.id),
            results.figures.map((f) => f.id),
        );
        for (const id of [
            "up.seconds",
            "up.criticalPath",
            "up.efficiency",
            "noop.writes",
            "noop.getsPerObject",
            "noop.ssoPerProvider",
            "overshoot.maxShare",
            "up.stateMiB",
            "sequential.seconds",
            "sequential.speedup",
            "scaling.preview.1",
            "scaling.preview.2",
            "scaling.grow.2",
            "scaling.stateMiB.2",
            "emulator.getsPerSecond",
        ]) {
            const f = json.figures.find((x) => x.id === id);
            assert.ok(f, `figure ${id}`);
            assert.equal(f.values.length, 1, `${id}: one value per repetition`);
            assert.ok(
                ["min", "median", "max"].every((k) => k in f.spread),
                `${id}: min/median/max`,
            );
        }
        for (const id of [
            "up.seconds",
            "up.stateMiB",
            "sequential.seconds",
            "scaling.preview.2",
            "scaling.stateMiB.2",
            "emulator.getsPerSecond",
        ]) {
            assert.ok(json.figures.find((x) => x.id === id)!.values[0] > 0, `${id} is positive`);
        }
        assert.equal(
            json.figures.find((x) => x.id === "noop.writes")!.values[0],
            0,
            "the no-op up --refresh writes nothing",
        );
        // the peer section: every run of both sides, with its requests; nothing-to-do runs change and write nothing
        for (const run of [
            "fresh.up",
            "fresh.playbook",
            "add.up",
            "add.playbook",
            "noop.preview",
            "noop.up",
            "noop.check",
            "noop.second",
        ]) {
            for (const what of ["seconds", "requests", "writes"]) {
                const f = json.figures.find((x) => x.id === `peer.${run}.${what}`);
                assert.ok(f && f.values.length === 1 && Number.isFinite(f.spread.median), `figure peer.${run}.${what}`);
            }
        }
        for (const run of ["fresh.up", "fresh.playbook", "add.up", "add.playbook", "noop.check", "noop.second"]) {
            assert.ok(
                json.figures.find((x) => x.id === `peer.${run}.requests`)!.values[0] > 0,
                `peer.${run} asked the engine`,
            );
        }
        // (peer.fresh.efficiency has no finite value at `instant`: the critical path is 0 s)
        assert.ok(
            json.figures.find((x) => x.id === "peer.fresh.efficiency")?.target,
            "peer.fresh.efficiency and its target",
        );
        for (const id of ["peer.add.speedup", "peer.noop.speedup", "peer.noop.previewFloorRatio"]) {
            const f = json.figures.find((x) => x.id === id)!;
            assert.ok(
                f.target && typeof f.met === "boolean" && f.values[0] > 0,
                `${id}: a positive ratio with its target, met or missed`,
            );
        }
        for (const id of [
            "peer.noop.preview.writes",
            "peer.noop.up.writes",
            "peer.noop.check.writes",
            "peer.noop.second.writes",
        ]) {
            assert.equal(json.figures.find((x) => x.id === id)!.values[0], 0, `${id}: nothing to do writes nothing`);
        }
        for (const id of ["peer.fresh.playbook.writes", "peer.add.playbook.writes", "peer.add.up.writes"]) {
            assert.ok(json.figures.find((x) => x.id === id)!.values[0] > 0, `${id}: the engine was written`);
        }
        const peer = json.details.peer as {
            playbook: Record<string, { changed?: number }>;
            pulumi: Record<string, { changed?: number }>;
        }[];
        assert.deepEqual(
            [
                peer[0].playbook.check.changed,
                peer[0].playbook.second.changed,
                peer[0].pulumi.preview.changed,
                peer[0].pulumi.noopUp.changed,
            ],
            [0, 0, 0, 0],
            "nothing to do: no task changed, no resource changed",
        );
        assert.ok(
            (peer[0].playbook.fresh.changed ?? 0) > 0 && (peer[0].playbook.add.changed ?? 0) > 0,
            "the fresh and add-one playbook runs changed the engine",
        );
        assert.match(fs.readFileSync(mdPath, "utf8"), /nothing to do: playbook --check ÷ pulumi preview/);
        assert.ok(
            json.machine.cores > 0 && json.machine.cpuModel && json.versions.node && json.versions.pulumiCli,
            "machine and versions",
        );
        const md = fs.readFileSync(mdPath, "utf8");
        assert.match(md, /^# Benchmark results/);
        assert.match(md, /\| figure \| min \| median \| max \| runs \| target \| \|/);
        assert.equal(path.basename(mdPath), "latest.md");
    });
});
