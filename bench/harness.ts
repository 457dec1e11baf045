/**
 * The benchmark harness (`npm run bench`, issue 8): the real program under the real Pulumi CLI against the engine
 * emulator, OpenBao and a loopback sshd (the end-to-end tier's services and stack helpers), measuring
 *  1. critical-path efficiency of `up` 0 → N leases + M upgrade leases (wall ÷ critical path of the latency table
 *     over the state's dependency graph),
 *  2. the sequential way (bench/sequential.ts) against that `up`,
 *  3. API economy of a no-op `up --refresh` and requests per created object of the `up`,
 *  4. scaling of a no-op `preview` (time, peak memory of the program and provider processes),
 *  5. poll overshoot (emulator history × request log),
 *  6. the emulator's simple GETs per second (bench/emulator.ts),
 *  7. the program side by side with the oVirt Ansible playbook it replaces (bench/peer.ts).
 * Every figure is repeated `reps` times and reported as min/median/max. Results: bench/results/<date>.json and
 * bench/results/latest.md.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { LatencyProfile, LATENCY_PROFILES } from "../emulator/latency";
import { startEngine } from "../emulator";
import { CI_BAREMETAL } from "../emulator/model/seed";
import type { State } from "../emulator/model/types";
import { E2eServices, E2eStack, engineStats, inventory, programStack, startServices } from "../tests/e2e/helpers";
import {
    Machine,
    MemorySampler,
    Overshoot,
    Spread,
    StateResource,
    criticalPath,
    machine,
    overshoot,
    ovirtKind,
    sequentialSeconds,
    spread,
    versions,
} from "./measure";
import { runSequential } from "./sequential";
import { renderMarkdown } from "./report";
import { runPeer } from "./peer";

export const repoRoot = path.resolve(__dirname, "..");

export type Section = "up" | "sequential" | "scaling" | "emulator" | "peer";
export const SECTIONS: readonly Section[] = ["up", "sequential", "scaling", "emulator", "peer"];

export interface BenchOptions {
    /** Repetitions of every figure. */
    reps: number;
    /** Install leases of the `up` (10 … 10+leases-1). */
    leases: number;
    /** Upgrade leases of the `up` (1 … upgradeLeases). */
    upgradeLeases: number;
    /** Latency profile of the `up`, the no-op refresh and the sequential run. */
    latency: LatencyProfile;
    /** Lease counts of the scaling section. */
    scaling: number[];
    /** Latency profile of the scaling stack (a no-op preview does not wait on the engine; its set-up `up`s do). */
    scalingLatency: LatencyProfile;
    /** Seconds of each emulator throughput run. */
    emulatorSeconds: number;
    sections: Section[];
    /** Where the results go. */
    outDir: string;
    /** Progress lines (stderr). */
    log: (line: string) => void;
}

export const DEFAULT_OPTIONS: BenchOptions = {
    reps: 2,
    leases: 20,
    upgradeLeases: 6,
    latency: "realistic",
    scaling: [10, 50, 100, 200],
    scalingLatency: "fast",
    emulatorSeconds: 3,
    sections: [...SECTIONS],
    outDir: path.join(repoRoot, "bench", "results"),
    log: (l) => process.stderr.write(`[bench] ${l}\n`),
};

/** One figure: its repeated values, their spread, its target and whether the median meets it. */
export interface Figure {
    id: string;
    title: string;
    unit: string;
    values: number[];
    spread: Spread;
    target?: { op: "<=" | ">="; value: number };
    met?: boolean;
    note?: string;
}

export interface BenchResults {
    date: string;
    machine: Machine;
    versions: Record<string, string>;
    options: Omit<BenchOptions, "log" | "outDir">;
    durationSeconds: number;
    figures: Figure[];
    /** Per-kind request counts of the 0 → N up (median run), the critical path, overshoot samples, … */
    details: Record<string, unknown>;
}

const ADMIN_LOGIN_KEY = /sso\/oauth\/token/;
/** The part of the emulator's admin stats the harness reads. */
export interface EngineStats {
    writes: number;
    reads: number;
    requests: Record<string, number>;
}
/** Engine writes of a stats difference (no GETs, no SSO, no injected faults). */
export const apiWrites = (s: EngineStats) =>
    Object.entries(s.requests)
        .filter(([k]) => !k.startsWith("GET") && !k.startsWith("HEAD") && !/sso|fault:/.test(k))
        .reduce((a, [, v]) => a + v, 0);
/** Request counters of `b` minus those of `a`. */
export const diffStats = (a: EngineStats, b: EngineStats): EngineStats => {
    const requests: Record<string, number> = {};
    for (const [k, v] of Object.entries(b.requests))
        if (v - (a.requests[k] ?? 0) > 0) requests[k] = v - (a.requests[k] ?? 0);
    return { writes: b.writes - a.writes, reads: b.reads - a.reads, requests };
};
const ssoLogins = (s: EngineStats) =>
    Object.entries(s.requests)
        .filter(([k]) => k.startsWith("POST") && ADMIN_LOGIN_KEY.test(k))
        .reduce((a, [, v]) => a + v, 0);

/** The kind of engine object an API path template is about (for requests per created object). */
export function requestKind(template: string): string {
    const t = template.replace(/^(GET|POST|PUT|DELETE|HEAD) /, "");
    if (/sso/.test(t)) return "SSO";
    if (/storagedomains/.test(t)) return "StorageDomain";
    if (/\/hosts/.test(t)) return "Host";
    if (/\/vms\/\{\w+\}\/nics/.test(t)) return "VmNic";
    if (/\/vms/.test(t)) return "Vm";
    if (/networks|vnicprofiles/.test(t)) return "Network";
    return "other";
}

async function adminJson<T>(s: E2eServices, what: string): Promise<T> {
    const https = await import("node:https");
    return new Promise((resolve, reject) => {
        const req = https.get(`${s.engine.adminUrl}/${what}`, { ca: s.engine.caPem }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (body += d));
            res.on("end", () =>
                res.statusCode === 200
                    ? resolve(JSON.parse(body) as T)
                    : reject(new Error(`GET /__admin/${what}: HTTP ${res.statusCode}`)),
            );
        });
        req.on("error", reject);
    });
}

/** Sets plain (structured) config values of the stack, keys with their namespace. */
export async function setPlain(t: E2eStack, values: Record<string, unknown>): Promise<void> {
    const ws = t.stack.workspace;
    const settings = await ws.stackSettings(t.stack.name);
    settings.config = { ...settings.config, ...(values as Record<string, never>) };
    await ws.saveStackSettings(t.stack.name, settings);
}
/** Sets the stack's install leases to the range. */
export const setLeases = (t: E2eStack, leases: { from: number; to: number }) =>
    setPlain(t, { "ovirt-ci:leases": leases });

/** Seconds since `t0` (ms). */
export const seconds = (t0: number) => (Date.now() - t0) / 1000;

// ------------------------------------------------------------------------------------------------ sections

interface UpRun {
    upSeconds: number;
    criticalSeconds: number;
    criticalPath: { urn: string; seconds: number }[];
    sumEngineSeconds: number;
    resources: number;
    upRequests: Record<string, { objects: number; requests: number; gets: number; writes: number }>;
    overshoots: Overshoot[];
    noop: {
        seconds: number;
        writes: number;
        gets: number;
        managed: number;
        ssoLogins: number;
        providerProcesses: number;
        changes: Record<string, number>;
    };
    upMemory: { peakMiB: Record<string, number>; processes: Record<string, number> };
    /** Size of the stack's checkpoint file after the `up` (the file backend rewrites it around every step). */
    stateKiB: number;
}

/** Size of the stack's checkpoint in the file backend (`<backend>/.pulumi/stacks/<project>/<stack>.json`). */
function stateKiB(t: E2eStack): number {
    const file = path.join(t.backendDir, ".pulumi", "stacks", "ovirt-ci", `${t.stack.name}.json`);
    if (!fs.existsSync(file)) throw new Error(`no checkpoint at ${file}: has the file backend's layout changed?`);
    return fs.statSync(file).size / 1024;
}

async function upRun(o: BenchOptions): Promise<UpRun> {
    const maxLease = 10 + o.leases - 1;
    const s = await startServices({ latency: o.latency, maxLease });
    try {
        const t = await programStack(s, {
            leases: { from: 10, to: maxLease },
            upgradeLeases: o.upgradeLeases ? { from: 1, to: o.upgradeLeases } : [],
        });
        await setPlain(t, { "ovirt-ci:capacityOverride": true });
        const table = LATENCY_PROFILES[o.latency];
        const before = await engineStats(s.engine);
        const since = Date.now();
        const sampler = new MemorySampler().start();
        const t0 = Date.now();
        const up = await t.stack.up();
        const upSeconds = seconds(t0);
        const upMemory = sampler.stop();
        if (up.summary.result !== "succeeded") throw new Error(`up: ${up.summary.result}`);
        const after = await engineStats(s.engine);
        const stateAfterUp = stateKiB(t);
        const deployment = (await t.stack.exportStack()).deployment as { resources: StateResource[] };
        const resources = deployment.resources;
        const cp = criticalPath(resources, table);
        // requests per created object, by kind
        const objects: Record<string, number> = {};
        for (const r of resources) {
            const k = ovirtKind(r);
            if (k && k !== "EngineObject") objects[k] = (objects[k] ?? 0) + 1;
        }
        const upRequests: UpRun["upRequests"] = {};
        for (const [k, v] of Object.entries(diffStats(before, after).requests)) {
            const kind = requestKind(k);
            const e = (upRequests[kind] ??= { objects: objects[kind] ?? 0, requests: 0, gets: 0, writes: 0 });
            e.requests += v;
            if (k.startsWith("GET")) e.gets += v;
            else e.writes += v;
        }
        // poll overshoot of every wait
        const requests = await adminJson<{ at: number; method: string; path: string; status: number }[]>(
            s,
            `requests?since=${since}`,
        );
        const inv: State = await inventory(s.engine);
        const overshoots: Overshoot[] = [];
        const hist = (id: string) =>
            adminJson<{ at: number; status: string }[]>(s, `history?id=${encodeURIComponent(id)}`);
        const seedHosts = new Set(["baremetal04"]);
        for (const h of inv.hosts.filter((h) => !seedHosts.has(h.name) && CI_BAREMETAL.includes(h.address))) {
            const hh = await hist(h.id);
            const start = hh.find((x) => x.status === "installing")?.at;
            const ready = hh.find((x) => x.status === "up")?.at;
            const ov =
                start && ready ? overshoot(`Host ${h.name}: installing → up`, start, ready, h.id, requests) : undefined;
            if (ov) overshoots.push(ov);
        }
        const vm = inv.vms.find((v) => v.name === "proxy-vm");
        if (vm) {
            const hv = await hist(vm.id);
            const locked = hv.find((x) => x.status === "image_locked")?.at;
            const down = hv.find((x) => x.status === "down")?.at;
            const launch = hv.find((x) => x.status === "wait_for_launch")?.at;
            const upAt = hv.find((x) => x.status === "up")?.at;
            for (const ov of [
                locked && down
                    ? overshoot("Vm proxy-vm: image_locked → down", locked, down, vm.id, requests)
                    : undefined,
                launch && upAt
                    ? overshoot("Vm proxy-vm: wait_for_launch → up", launch, upAt, vm.id, requests)
                    : undefined,
            ])
                if (ov) overshoots.push(ov);
            const nicAdd = requests.find(
                (r) => r.method === "POST" && r.path.endsWith(`/vms/${vm.id}/nics`) && r.status < 300,
            );
            if (nicAdd && table.vmGuestAgent > 0) {
                const ov = overshoot(
                    "VmNic nic1: guest agent reports its address",
                    nicAdd.at,
                    nicAdd.at + table.vmGuestAgent,
                    vm.id,
                    requests,
                );
                if (ov) overshoots.push(ov);
            }
        }
        for (const sd of inv.storageDomains.filter((d) => /^ovirt-upgrade-/.test(d.name))) {
            for (const a of sd.attachments) {
                const ha = await hist(`${sd.id}@${a.dataCenterId}`);
                const start = ha[0]?.at;
                const ready = ha.find((x) => x.status === "active")?.at;
                const ov =
                    start && ready
                        ? overshoot(`StorageDomain ${sd.name}: attach → active`, start, ready, sd.id, requests)
                        : undefined;
                if (ov) overshoots.push(ov);
            }
        }
        // no-op up --refresh
        const b2 = await engineStats(s.engine);
        const sampler2 = new MemorySampler().start();
        const t1 = Date.now();
        const noop = await t.stack.up({ refresh: true });
        const noopSeconds = seconds(t1);
        const mem2 = sampler2.stop();
        const d2 = diffStats(b2, await engineStats(s.engine));
        const managed = resources.filter((r) => ovirtKind(r) !== undefined).length;
        return {
            upSeconds,
            criticalSeconds: cp.seconds,
            criticalPath: cp.path.filter((p) => p.seconds > 0 || true),
            sumEngineSeconds: sequentialSeconds(resources, table),
            resources: resources.length,
            upRequests,
            overshoots,
            noop: {
                seconds: noopSeconds,
                writes: apiWrites(d2),
                gets: d2.reads,
                managed,
                ssoLogins: ssoLogins(d2),
                providerProcesses: mem2.processes.provider ?? 0,
                changes: (noop.summary.resourceChanges ?? {}) as Record<string, number>,
            },
            upMemory,
            stateKiB: stateAfterUp,
        };
    } finally {
        await s.stop();
    }
}

interface ScalingRun {
    size: number;
    previewSeconds: number;
    upSeconds: number;
    stateKiB: number;
    peakMiB: Record<string, number>;
}

async function scalingRuns(o: BenchOptions): Promise<ScalingRun[]> {
    const sizes = [...o.scaling].sort((a, b) => a - b);
    const maxLease = 10 + sizes[sizes.length - 1] - 1;
    const s = await startServices({ latency: o.scalingLatency, maxLease });
    const out: ScalingRun[] = [];
    try {
        // 200 leases do not fit 192.168.(200+N).0/24: cut /24s from 10.0.0.0/8 instead (lease N → 10.0.N.0/24).
        const t = await programStack(s, {
            leases: { from: 10, to: 10 + sizes[0] - 1 },
            upgradeLeases: { from: 1, to: 2 },
        });
        await setPlain(t, {
            "ovirt-ci:capacityOverride": true,
            "ovirt-ci:addressing": {
                subnetPool: "10.0.0.0/8",
                subnetPrefixLength: 24,
                subnetOffset: 0,
                machineNetworkCidr: "10.0.0.0/8",
            },
        });
        for (const size of sizes) {
            await setLeases(t, { from: 10, to: 10 + size - 1 });
            const t0 = Date.now();
            const up = await t.stack.up();
            if (up.summary.result !== "succeeded") throw new Error(`scaling up to ${size}: ${up.summary.result}`);
            const upSeconds = seconds(t0);
            const state = stateKiB(t);
            o.log(`scaling: up to ${size} leases in ${upSeconds.toFixed(1)} s, state ${(state / 1024).toFixed(2)} MiB`);
            for (let r = 0; r < o.reps; r++) {
                const sampler = new MemorySampler().start();
                const t1 = Date.now();
                const p = await t.stack.preview();
                const previewSeconds = seconds(t1);
                const mem = sampler.stop();
                const changed = Object.entries(p.changeSummary)
                    .filter(([k, v]) => k !== "same" && v)
                    .map(([k, v]) => `${k} ${v}`);
                if (changed.length) throw new Error(`preview at ${size} leases is not a no-op: ${changed.join(", ")}`);
                out.push({ size, previewSeconds, upSeconds, stateKiB: state, peakMiB: mem.peakMiB });
                o.log(
                    `scaling: preview at ${size} leases ${previewSeconds.toFixed(1)} s, peak MiB ${JSON.stringify(mem.peakMiB)}`,
                );
            }
        }
    } finally {
        await s.stop();
    }
    return out;
}

function emulatorThroughput(o: BenchOptions): number {
    const out = execFileSync(
        "npx",
        [
            "ts-node",
            "--transpile-only",
            path.join(repoRoot, "bench", "emulator.ts"),
            "--seconds",
            String(o.emulatorSeconds),
            "--concurrency",
            "8",
        ],
        {
            cwd: repoRoot,
            encoding: "utf8",
        },
    );
    const m = /throughput: (\d+) req\/s/.exec(out);
    if (!m) throw new Error(`bench/emulator.ts printed no throughput: ${out}`);
    return Number(m[1]);
}

// ------------------------------------------------------------------------------------------------ main

/** A figure of the results: its spread and, with a target, whether the median meets it. */
export function figure(
    id: string,
    title: string,
    unit: string,
    values: number[],
    target?: Figure["target"],
    note?: string,
): Figure {
    const sp = spread(values);
    const met = target ? (target.op === "<=" ? sp.median <= target.value : sp.median >= target.value) : undefined;
    return { id, title, unit, values, spread: sp, ...(target ? { target, met } : {}), ...(note ? { note } : {}) };
}

export async function runBench(
    opts: Partial<BenchOptions> = {},
): Promise<{ results: BenchResults; jsonPath: string; mdPath: string }> {
    const o: BenchOptions = { ...DEFAULT_OPTIONS, ...opts };
    const started = Date.now();
    const mach = machine();
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    const want = (s: Section) => o.sections.includes(s);

    const ups: UpRun[] = [];
    const seqs: number[] = [];
    if (want("up")) {
        for (let r = 0; r < o.reps; r++) {
            o.log(
                `up 0 → ${o.leases} leases + ${o.upgradeLeases} upgrade leases at ${o.latency} (run ${r + 1}/${o.reps})`,
            );
            const u = await upRun(o);
            o.log(
                `  up ${u.upSeconds.toFixed(1)} s, critical path ${u.criticalSeconds.toFixed(1)} s, no-op up --refresh ${u.noop.seconds.toFixed(1)} s`,
            );
            ups.push(u);
        }
        figures.push(
            figure(
                "up.seconds",
                `up 0 → ${o.leases} leases + ${o.upgradeLeases} upgrade leases (wall)`,
                "s",
                ups.map((u) => u.upSeconds),
            ),
        );
        figures.push(
            figure(
                "up.criticalPath",
                "critical path (latency table × dependency graph)",
                "s",
                ups.map((u) => u.criticalSeconds),
            ),
        );
        figures.push(
            figure(
                "up.efficiency",
                "critical-path efficiency: wall ÷ critical path",
                "×",
                ups.map((u) => u.upSeconds / u.criticalSeconds),
                { op: "<=", value: 1.25 },
            ),
        );
        figures.push(
            figure(
                "noop.seconds",
                "no-op up --refresh (wall)",
                "s",
                ups.map((u) => u.noop.seconds),
            ),
        );
        figures.push(
            figure(
                "noop.writes",
                "no-op up --refresh: engine writes",
                "",
                ups.map((u) => u.noop.writes),
                { op: "<=", value: 0 },
            ),
        );
        figures.push(
            figure(
                "noop.getsPerObject",
                "no-op up --refresh: GETs per managed object",
                "",
                ups.map((u) => u.noop.gets / u.noop.managed),
                { op: "<=", value: 1 },
            ),
        );
        figures.push(
            figure(
                "noop.ssoPerProvider",
                "no-op up --refresh: SSO logins per provider process",
                "",
                ups.map((u) => u.noop.ssoLogins / Math.max(1, u.noop.providerProcesses)),
                { op: "<=", value: 1 },
            ),
        );
        const shares = ups.map((u) => Math.max(...u.overshoots.map((x) => x.share)));
        figures.push(
            figure(
                "overshoot.maxShare",
                "poll overshoot: worst wait, share of its transition",
                "%",
                shares.map((x) => x * 100),
                { op: "<=", value: 10 },
            ),
        );
        figures.push(
            figure(
                "up.peakProgramMiB",
                "up: peak memory of the program process",
                "MiB",
                ups.map((u) => u.upMemory.peakMiB.program ?? NaN),
            ),
        );
        figures.push(
            figure(
                "up.peakProviderMiB",
                "up: peak memory of the dynamic-provider process",
                "MiB",
                ups.map((u) => u.upMemory.peakMiB.provider ?? NaN),
            ),
        );
        figures.push(
            figure(
                "up.stateMiB",
                "up: size of the state (checkpoint file) after it",
                "MiB",
                ups.map((u) => u.stateKiB / 1024),
            ),
        );
        const median = [...ups].sort((a, b) => a.upSeconds - b.upSeconds)[Math.floor(ups.length / 2)];
        details.upRequestsPerObject = Object.fromEntries(
            Object.entries(median.upRequests).map(([k, v]) => [
                k,
                { ...v, perObject: v.objects ? Math.round((v.requests / v.objects) * 10) / 10 : null },
            ]),
        );
        details.criticalPath = median.criticalPath
            .filter((p) => p.seconds > 0)
            .map((p) => ({ resource: p.urn.split("::").pop(), seconds: p.seconds }));
        details.criticalPathFull = median.criticalPath.map((p) => p.urn.split("::").pop());
        details.sumEngineSeconds = median.sumEngineSeconds;
        details.resources = median.resources;
        details.overshoots = median.overshoots.map((x) => ({ ...x, share: Math.round(x.share * 1000) / 10 }));
        details.noop = median.noop;
        details.upMemory = median.upMemory;
    }
    if (want("sequential")) {
        for (let r = 0; r < o.reps; r++) {
            o.log(`sequential (the Ansible way) at ${o.latency} (run ${r + 1}/${o.reps})`);
            const engine = await startEngine({ latency: o.latency });
            try {
                const res = await runSequential(
                    engine,
                    Array.from({ length: o.leases }, (_, i) => 10 + i),
                    Array.from({ length: o.upgradeLeases }, (_, i) => 1 + i),
                );
                o.log(`  sequential ${res.seconds.toFixed(1)} s`);
                seqs.push(res.seconds);
                details.sequentialSteps = Object.entries(
                    res.steps.reduce<Record<string, { n: number; seconds: number }>>((a, st) => {
                        const e = (a[st.kind] ??= { n: 0, seconds: 0 });
                        e.n++;
                        e.seconds = Math.round((e.seconds + st.seconds) * 10) / 10;
                        return a;
                    }, {}),
                ).map(([kind, v]) => ({ kind, ...v }));
            } finally {
                await engine.stop();
            }
        }
        figures.push(figure("sequential.seconds", "sequential (one create after another, each waiting)", "s", seqs));
        if (ups.length) {
            const n = Math.min(ups.length, seqs.length);
            figures.push(
                figure(
                    "sequential.speedup",
                    "up speed-up over the sequential way",
                    "×",
                    Array.from({ length: n }, (_, i) => seqs[i] / ups[i].upSeconds),
                    { op: ">=", value: 5 },
                ),
            );
            figures.push(
                figure(
                    "sequential.bound",
                    "upper bound of any speed-up: sum of engine time ÷ critical path",
                    "×",
                    ups.map((u) => u.sumEngineSeconds / u.criticalSeconds),
                ),
            );
        }
    }
    if (want("scaling") && o.scaling.length) {
        const runs = await scalingRuns(o);
        for (const size of [...new Set(runs.map((r) => r.size))]) {
            const rs = runs.filter((r) => r.size === size);
            figures.push(
                figure(
                    `scaling.preview.${size}`,
                    `no-op preview at ${size} leases`,
                    "s",
                    rs.map((r) => r.previewSeconds),
                ),
            );
            // the growing up runs once per size: one value (it is how the checkpoint cost shows, not a target)
            figures.push(
                figure(`scaling.grow.${size}`, `up growing the stack to ${size} leases (one run)`, "s", [
                    rs[0].upSeconds,
                ]),
            );
            figures.push(figure(`scaling.stateMiB.${size}`, `state at ${size} leases`, "MiB", [rs[0].stateKiB / 1024]));
            figures.push(
                figure(
                    `scaling.peakProgramMiB.${size}`,
                    `no-op preview at ${size} leases: peak memory, program`,
                    "MiB",
                    rs.map((r) => r.peakMiB.program ?? NaN),
                    size === Math.max(...o.scaling) ? { op: "<=", value: 1024 } : undefined,
                ),
            );
            figures.push(
                figure(
                    `scaling.peakProviderMiB.${size}`,
                    `no-op preview at ${size} leases: peak memory, dynamic provider`,
                    "MiB",
                    rs.map((r) => r.peakMiB.provider ?? NaN),
                    size === Math.max(...o.scaling) ? { op: "<=", value: 1024 } : undefined,
                ),
            );
        }
        const by = (n: number) => runs.filter((r) => r.size === n).map((r) => r.previewSeconds);
        if (o.scaling.includes(50) && o.scaling.includes(200)) {
            const a = by(50);
            const b = by(200);
            figures.push(
                figure(
                    "scaling.ratio200to50",
                    "no-op preview time, 200 leases ÷ 50 leases",
                    "×",
                    a.map((x, i) => b[i] / x),
                    { op: "<=", value: 4.5 },
                ),
            );
        }
        details.scalingUpSeconds = Object.fromEntries(
            [...new Set(runs.map((r) => r.size))].map((n) => [n, runs.find((r) => r.size === n)!.upSeconds]),
        );
    }
    if (want("emulator")) {
        const v: number[] = [];
        for (let r = 0; r < o.reps; r++) v.push(emulatorThroughput(o));
        figures.push(
            figure(
                "emulator.getsPerSecond",
                "emulator: simple GETs per second (HTTPS keep-alive, concurrency 8)",
                "req/s",
                v,
            ),
        );
    }
    if (want("peer")) {
        const peer = await runPeer(o);
        figures.push(...peer.figures);
        details.peer = peer.reps;
        const floor = figures.find((f) => f.id === "peer.floor.seconds");
        const largest = Math.max(...o.scaling);
        const scaled = figures.find((f) => f.id === `scaling.preview.${largest}`);
        if (floor && scaled && largest >= 200) {
            figures.push(
                figure(
                    `peer.scaling.previewFloorRatio.${largest}`,
                    `no-op preview at ${largest} leases ÷ the floor`,
                    "×",
                    scaled.values.map((v) => v / floor.spread.median),
                    { op: "<=", value: 3 },
                ),
            );
        }
    }
    mach.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
    const { log: _log, outDir: _out, ...options } = o;
    const results: BenchResults = {
        date: new Date(started).toISOString(),
        machine: mach,
        versions: versions(repoRoot),
        options,
        durationSeconds: seconds(started),
        figures,
        details,
    };
    fs.mkdirSync(o.outDir, { recursive: true });
    const stamp = results.date.replace(/[:]/g, "").replace(/\.\d+Z$/, "Z");
    const jsonPath = path.join(o.outDir, `${stamp}.json`);
    fs.writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    const mdPath = path.join(o.outDir, "latest.md");
    fs.writeFileSync(mdPath, renderMarkdown(results));
    return { results, jsonPath, mdPath };
}
