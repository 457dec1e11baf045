/**
 * The `peer` section of `npm run bench` (issue 17): the program against the way the environment was built before it,
 * on the same emulator in one run. The peer is bench/peer/environment.yml, the oVirt Ansible collection (ovirt.ovirt,
 * unmodified, from the independent-client set-up: tests/clients) building the same engine objects one task after
 * another. The Vault item, the proxy's files and the boskos entries are outside the playbook's scope (they were never
 * engine objects); the program's `up` makes them as well, which counts against the program.
 *
 * Per repetition, interleaved (the order of the two sides alternates), each side on a fresh engine emulator:
 *  1. fresh: from nothing to `leases` + `upgradeLeases` (program: `pulumi up`; peer: the playbook);
 *  2. nothing to do: program `pulumi preview` and `pulumi up`; peer the playbook with `--check` and a plain run;
 *  3. add one lease (program: `pulumi up`; peer: the playbook with one more lease).
 * Every run records its wall time and its engine requests (emulator admin stats). The floor of a no-op preview is the
 * same CLI previewing an empty TypeScript program (bench/peer/empty) on the same file backend.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { startEngine } from "../emulator";
import { LATENCY_PROFILES } from "../emulator/latency";
import { LOCAL_HOSTS, LOCAL_NFS_SERVER } from "../local/stack";
import { ansibleEnv, connectionEnv, playRecap, runClient } from "../tests/clients/helpers";
import { E2eStack, engineStats, programStack, startServices } from "../tests/e2e/helpers";
import type { RunningEngine } from "../emulator";
import {
    BenchOptions,
    EngineStats,
    Figure,
    apiWrites,
    diffStats,
    figure,
    seconds,
    setLeases,
    setPlain,
} from "./harness";
import { StateResource, criticalPath, spread } from "./measure";

const PLAYBOOK = path.join(__dirname, "peer", "environment.yml");
const EMPTY_PROGRAM = path.join(__dirname, "peer", "empty");

/** One timed run of either side: wall seconds and the engine requests it made. */
export interface PeerRun {
    seconds: number;
    reads: number;
    writes: number;
    changed?: number;
}

/** The scenarios of one repetition. */
export interface PeerRep {
    pulumi: { fresh: PeerRun; criticalSeconds: number; preview: PeerRun; noopUp: PeerRun; add: PeerRun; floor: number };
    playbook: { fresh: PeerRun; check: PeerRun; second: PeerRun; add: PeerRun };
}

const SCOPE_NOTE =
    "the playbook builds the engine objects only; the program's `up` also writes the proxy's files, the Vault item and the boskos entries";

/** Times `fn` and counts the engine requests it made. */
async function measured(engine: RunningEngine, fn: () => Promise<number | undefined>): Promise<PeerRun> {
    const before: EngineStats = await engineStats(engine);
    const t0 = Date.now();
    const changed = await fn();
    const s = seconds(t0);
    const d = diffStats(before, await engineStats(engine));
    return { seconds: s, reads: d.reads, writes: apiWrites(d), ...(changed === undefined ? {} : { changed }) };
}

/** The playbook side: fresh, check, second plain run, one more lease; on its own fresh emulator. */
export async function playbookSide(
    o: BenchOptions,
    leases: number[],
    upgrades: number[],
): Promise<PeerRep["playbook"]> {
    const engine = await startEngine({ latency: o.latency });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-peer-"));
    try {
        const conn = connectionEnv(engine);
        const run = async (what: string, lease: number[], check: boolean): Promise<number> => {
            const vars = path.join(dir, "vars.json");
            fs.writeFileSync(
                vars,
                JSON.stringify({
                    engine_url: conn.OVIRT_URL,
                    engine_ca_file: conn.OVIRT_CA_FILE,
                    engine_user: conn.OVIRT_USERNAME,
                    engine_password: conn.OVIRT_PASSWORD,
                    leases: lease,
                    upgrade_leases: upgrades,
                    ci_hosts: LOCAL_HOSTS.map((h) => ({ name: h.name, address: h.address })),
                    nfs_server: LOCAL_NFS_SERVER,
                    proxy_vm: "proxy-vm",
                    ssh_public_key: "ssh-ed25519 AAAA bench",
                }),
                { mode: 0o600 },
            );
            const r = await runClient(
                "ansible-playbook",
                [PLAYBOOK, "-e", `@${vars}`, ...(check ? ["--check"] : [])],
                ansibleEnv(dir),
                1_800_000,
            );
            const recap = playRecap(r.stdout);
            if (r.code !== 0 || !recap || recap.failed) {
                throw new Error(
                    `peer playbook (${what}) failed with exit code ${r.code}; its output:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`,
                );
            }
            return recap.changed;
        };
        const fresh = await measured(engine, () => run("fresh", leases, false));
        const check = await measured(engine, () => run("check mode, nothing to do", leases, true));
        const second = await measured(engine, () => run("second run, nothing to do", leases, false));
        const add = await measured(engine, () =>
            run("one more lease", [...leases, leases[leases.length - 1] + 1], false),
        );
        return { fresh, check, second, add };
    } finally {
        await engine.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Seconds of a no-op preview of the empty program (bench/peer/empty) under the same CLI and backend as `t`. */
async function floorPreview(t: E2eStack): Promise<number> {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-floor-"));
    try {
        const project = {
            name: "ovirt-ci-floor",
            runtime: { name: "nodejs", options: readRuntimeOptions() },
            main: EMPTY_PROGRAM,
        };
        fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), JSON.stringify(project));
        // ts-node's options as the program's stacks get them (tests/e2e/helpers.ts programStack)
        fs.writeFileSync(path.join(workDir, "tsconfig.json"), fs.readFileSync(path.join(t.workDir, "tsconfig.json")));
        const stack = await LocalWorkspace.createOrSelectStack({ stackName: "floor", workDir }, { envVars: t.env });
        await stack.up(); // the floor is a no-op preview: the stack exists and has its (empty) state
        const t0 = Date.now();
        await stack.preview();
        const s = seconds(t0);
        await stack.workspace.removeStack("floor", { force: true });
        return s;
    } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
    }
}

/** The runtime options of the program's Pulumi.yaml, so that the floor runs the program's way (typescript, tsconfig). */
function readRuntimeOptions(): Record<string, unknown> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require("yaml") as typeof import("yaml");
    const project = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8")) as {
        runtime: { options?: Record<string, unknown> };
    };
    const options = { ...(project.runtime.options ?? {}) };
    if (typeof options.tsconfig === "string") options.tsconfig = path.resolve(__dirname, "..", options.tsconfig);
    return options;
}

/** The program side: fresh up, no-op preview and up, one more lease; the empty program's preview on the same backend. */
async function pulumiSide(o: BenchOptions, leases: number[], upgrades: number[]): Promise<PeerRep["pulumi"]> {
    const last = leases[leases.length - 1];
    const s = await startServices({ latency: o.latency, maxLease: last + 1 });
    try {
        const t = await programStack(s, {
            leases: { from: leases[0], to: last },
            upgradeLeases: upgrades.length ? { from: upgrades[0], to: upgrades[upgrades.length - 1] } : [],
        });
        await setPlain(t, { "ovirt-ci:capacityOverride": true });
        const fresh = await measured(s.engine, async () => {
            const r = await t.stack.up();
            if (r.summary.result !== "succeeded") throw new Error(`peer: pulumi up (fresh): ${r.summary.result}`);
            return undefined;
        });
        const deployment = (await t.stack.exportStack()).deployment as { resources: StateResource[] };
        const criticalSeconds = criticalPath(deployment.resources, LATENCY_PROFILES[o.latency]).seconds;
        const preview = await measured(s.engine, async () => {
            const p = await t.stack.preview();
            const changed = Object.entries(p.changeSummary)
                .filter(([k, v]) => k !== "same" && v)
                .reduce((a, [, v]) => a + (v ?? 0), 0);
            return changed;
        });
        const noopUp = await measured(s.engine, async () => {
            const r = await t.stack.up();
            return Object.entries(r.summary.resourceChanges ?? {})
                .filter(([k]) => k !== "same")
                .reduce((a, [, v]) => a + (v ?? 0), 0);
        });
        await setLeases(t, { from: leases[0], to: last + 1 });
        const add = await measured(s.engine, async () => {
            const r = await t.stack.up();
            if (r.summary.result !== "succeeded")
                throw new Error(`peer: pulumi up (one more lease): ${r.summary.result}`);
            return undefined;
        });
        const floor = await floorPreview(t);
        return { fresh, criticalSeconds, preview, noopUp, add, floor };
    } finally {
        await s.stop();
    }
}

/** Runs the peer section: `o.reps` interleaved repetitions; returns its figures and details. */
export async function runPeer(o: BenchOptions): Promise<{ figures: Figure[]; reps: PeerRep[] }> {
    const leases = Array.from({ length: o.leases }, (_, i) => 10 + i);
    const upgrades = Array.from({ length: o.upgradeLeases }, (_, i) => 1 + i);
    const reps: PeerRep[] = [];
    for (let r = 0; r < o.reps; r++) {
        o.log(
            `peer: run ${r + 1}/${o.reps}, ${o.leases} leases + ${o.upgradeLeases} upgrade leases at ${o.latency}, ${r % 2 ? "playbook" : "pulumi"} first`,
        );
        let pulumi: PeerRep["pulumi"] | undefined;
        let playbook: PeerRep["playbook"] | undefined;
        for (const side of r % 2 ? ["playbook", "pulumi"] : ["pulumi", "playbook"]) {
            if (side === "pulumi") pulumi = await pulumiSide(o, leases, upgrades);
            else playbook = await playbookSide(o, leases, upgrades);
        }
        const rep = { pulumi: pulumi!, playbook: playbook! };
        o.log(
            `  fresh: up ${rep.pulumi.fresh.seconds.toFixed(1)} s, playbook ${rep.playbook.fresh.seconds.toFixed(1)} s; ` +
                `add one: up ${rep.pulumi.add.seconds.toFixed(1)} s, playbook ${rep.playbook.add.seconds.toFixed(1)} s; ` +
                `nothing to do: preview ${rep.pulumi.preview.seconds.toFixed(1)} s, up ${rep.pulumi.noopUp.seconds.toFixed(1)} s, ` +
                `check ${rep.playbook.check.seconds.toFixed(1)} s, second run ${rep.playbook.second.seconds.toFixed(1)} s; floor ${rep.pulumi.floor.toFixed(1)} s`,
        );
        reps.push(rep);
    }
    return { figures: peerFigures(reps, o), reps };
}

/** The figures of the peer section: every run's time and requests, and the ratios with their targets. */
export function peerFigures(reps: PeerRep[], o: Pick<BenchOptions, "leases" | "upgradeLeases">): Figure[] {
    const f: Figure[] = [];
    const size = `${o.leases} + ${o.upgradeLeases}`;
    const runs: [string, string, (r: PeerRep) => PeerRun][] = [
        ["fresh.up", `fresh ${size}: pulumi up`, (r) => r.pulumi.fresh],
        ["fresh.playbook", `fresh ${size}: playbook`, (r) => r.playbook.fresh],
        ["add.up", "add one lease: pulumi up", (r) => r.pulumi.add],
        ["add.playbook", "add one lease: playbook", (r) => r.playbook.add],
        ["noop.preview", "nothing to do: pulumi preview", (r) => r.pulumi.preview],
        ["noop.up", "nothing to do: pulumi up", (r) => r.pulumi.noopUp],
        ["noop.check", "nothing to do: playbook --check", (r) => r.playbook.check],
        ["noop.second", "nothing to do: playbook, plain second run", (r) => r.playbook.second],
    ];
    for (const [id, title, pick] of runs) {
        f.push(
            figure(
                `peer.${id}.seconds`,
                `${title} (wall)`,
                "s",
                reps.map((r) => pick(r).seconds),
            ),
        );
        f.push(
            figure(
                `peer.${id}.requests`,
                `${title}: engine requests`,
                "",
                reps.map((r) => pick(r).reads + pick(r).writes),
            ),
        );
        f.push(
            figure(
                `peer.${id}.writes`,
                `${title}: engine writes`,
                "",
                reps.map((r) => pick(r).writes),
                id.startsWith("noop.") ? { op: "<=", value: 0 } : undefined,
            ),
        );
    }
    // What each ratio is made of (medians), so that a missed target says why.
    const m = (pick: (r: PeerRep) => number) => spread(reps.map(pick)).median;
    const s1 = (x: number) => x.toFixed(1);
    const cp = m((r) => r.pulumi.criticalSeconds);
    f.push(
        figure(
            "peer.fresh.efficiency",
            `fresh ${size}: pulumi up wall ÷ critical path`,
            "×",
            reps.map((r) => r.pulumi.fresh.seconds / r.pulumi.criticalSeconds),
            { op: "<=", value: 1.1 },
            `critical path ${s1(cp)} s (host install → proxy VM → its address); the other ${s1(m((r) => r.pulumi.fresh.seconds) - cp)} s are program start, ` +
                "poll overshoot and the proxy's SSH commands after the last NIC",
        ),
    );
    f.push(
        figure(
            "peer.fresh.speedup",
            `fresh ${size}: playbook ÷ pulumi up`,
            "×",
            reps.map((r) => r.playbook.fresh.seconds / r.pulumi.fresh.seconds),
            undefined,
            SCOPE_NOTE,
        ),
    );
    f.push(
        figure(
            "peer.add.speedup",
            "add one lease: playbook ÷ pulumi up",
            "×",
            reps.map((r) => r.playbook.add.seconds / r.pulumi.add.seconds),
            { op: ">=", value: 5 },
            `the playbook re-checks every object (${m((r) => r.playbook.add.reads)} GETs, one module run per loop item); the up diffs against its state ` +
                `(${m((r) => r.pulumi.add.reads)} GETs, ${m((r) => r.pulumi.add.writes)} writes) and also rewrites the proxy's files over SSH; ${SCOPE_NOTE}`,
        ),
    );
    f.push(
        figure(
            "peer.noop.speedup",
            "nothing to do: playbook --check ÷ pulumi preview",
            "×",
            reps.map((r) => r.playbook.check.seconds / r.pulumi.preview.seconds),
            { op: ">=", value: 3 },
            `--check asks the engine ${m((r) => r.playbook.check.reads)} times; the preview ${m((r) => r.pulumi.preview.reads)} times and spends the rest starting the program and the provider`,
        ),
    );
    f.push(
        figure(
            "peer.floor.seconds",
            "no-op preview of an empty TypeScript program (the floor)",
            "s",
            reps.map((r) => r.pulumi.floor),
        ),
    );
    f.push(
        figure(
            "peer.noop.previewFloorRatio",
            `nothing to do: pulumi preview ÷ the floor (${size})`,
            "×",
            reps.map((r) => r.pulumi.preview.seconds / r.pulumi.floor),
            { op: "<=", value: 2 },
            `preview ${s1(m((r) => r.pulumi.preview.seconds))} s = the floor ${s1(m((r) => r.pulumi.floor))} s + ${s1(m((r) => r.pulumi.preview.seconds - r.pulumi.floor))} s ` +
                "of loading the program (transpiling it, no type-check), starting the dynamic provider and diffing every resource against the state",
        ),
    );
    return f;
}
