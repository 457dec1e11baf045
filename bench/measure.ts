/**
 * Measurement helpers of the benchmark harness: the critical path of an `up` (latency table × the resource
 * dependency graph of the state), peak memory of the processes under the CLI, poll overshoot from the emulator's
 * history and request log, statistics and the machine description.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { execFileSync } from "node:child_process";
import type { LatencyTable } from "../emulator/latency";

// ------------------------------------------------------------------------------------------------ statistics

export interface Spread {
    min: number;
    median: number;
    max: number;
    n: number;
}

export function spread(values: number[]): Spread {
    const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    if (v.length === 0) return { min: NaN, median: NaN, max: NaN, n: 0 };
    const mid = Math.floor(v.length / 2);
    const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    return { min: v[0], median, max: v[v.length - 1], n: v.length };
}

// ------------------------------------------------------------------------------------------------ critical path

/** A resource of an exported stack (deployment v3), the fields the critical path needs. */
export interface StateResource {
    urn: string;
    type: string;
    custom?: boolean;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/** The dynamic-resource kind of a state resource (`Host`, `Vm`, …), from its `__provider`-free type token. */
export function ovirtKind(r: StateResource): string | undefined {
    // Dynamic resources all have type `pulumi-nodejs:dynamic:Resource`; the module/kind is in the URN's type part.
    const m =
        /::pulumi-nodejs:dynamic\/ovirt:(\w+)::/.exec(r.urn) ?? /\$pulumi-nodejs:dynamic\/ovirt:(\w+)::/.exec(r.urn);
    if (m) return m[1];
    const t = /^pulumi-nodejs:dynamic\/ovirt:(\w+)$/.exec(r.type);
    return t?.[1];
}

/**
 * The engine time one resource's create takes at a latency profile — the static model of each provider's create
 * (docs/provider.md): what it waits for, by the emulator's transition table.
 *  - Host: add → installing → initializing → up.
 *  - StorageDomain: the synchronous create, then attach: locked → maintenance → activating → active.
 *  - Vm: image_locked → down (disk copy), start: wait_for_launch → powering_up → up; no IP wait (no NIC yet).
 *  - VmNic with ipWaitSeconds: the guest agent reports the new NIC's address vmGuestAgent after the add.
 *  - everything else (EngineObject lookups, Network, plain VmNic, commands, Vault, random): no engine transition.
 */
export function engineSeconds(r: StateResource, t: LatencyTable): number {
    const kind = ovirtKind(r);
    const ms = (() => {
        switch (kind) {
            case "Host":
                return t.hostInstalling + t.hostInitializing;
            case "StorageDomain":
                return t.sdCreate + t.sdLocked + t.sdMaintenanceToActivating + t.sdActivating;
            case "Vm":
                return t.diskCopy + t.vmWaitForLaunch + t.vmPoweringUp;
            case "VmNic":
                return r.inputs?.ipWaitSeconds ? t.vmGuestAgent : 0;
            default:
                return 0;
        }
    })();
    return ms / 1000;
}

export interface CriticalPath {
    seconds: number;
    path: { urn: string; seconds: number }[];
}

/**
 * Longest path through the dependency graph of the state, weighting each custom resource with `engineSeconds`.
 * Edges: `dependencies` and `propertyDependencies` (what the SDK awaited before registering the resource); an edge
 * to a component stands for every custom resource below it (the SDK waits for a component's children). A child
 * also inherits its ancestors' dependencies (a component's `dependsOn` holds back its children).
 */
export function criticalPath(resources: StateResource[], table: LatencyTable): CriticalPath {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const children = new Map<string, string[]>();
    for (const r of resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
    const customBelow = (urn: string): string[] => {
        const r = byUrn.get(urn);
        if (!r) return [];
        if (r.custom) return [urn];
        return (children.get(urn) ?? []).flatMap(customBelow);
    };
    const directDeps = (r: StateResource) => [
        ...(r.dependencies ?? []),
        ...Object.values(r.propertyDependencies ?? {}).flat(),
    ];
    const deps = (r: StateResource): Set<string> => {
        const out = new Set<string>();
        for (let cur: StateResource | undefined = r; cur; cur = cur.parent ? byUrn.get(cur.parent) : undefined) {
            for (const d of directDeps(cur)) for (const c of customBelow(d)) if (c !== r.urn) out.add(c);
        }
        return out;
    };
    const memo = new Map<string, CriticalPath>();
    const visiting = new Set<string>();
    const finish = (urn: string): CriticalPath => {
        const hit = memo.get(urn);
        if (hit) return hit;
        if (visiting.has(urn)) throw new Error(`dependency cycle at ${urn}`);
        visiting.add(urn);
        const r = byUrn.get(urn)!;
        let best: CriticalPath = { seconds: 0, path: [] };
        for (const d of deps(r)) {
            const p = finish(d);
            if (p.seconds > best.seconds) best = p;
        }
        const own = engineSeconds(r, table);
        const res = { seconds: best.seconds + own, path: [...best.path, { urn, seconds: own }] };
        visiting.delete(urn);
        memo.set(urn, res);
        return res;
    };
    let best: CriticalPath = { seconds: 0, path: [] };
    for (const r of resources) {
        if (!r.custom || r.type.startsWith("pulumi:providers:")) continue;
        const p = finish(r.urn);
        if (p.seconds > best.seconds) best = p;
    }
    return best;
}

/** Sum of the engine time of every resource: what a strictly sequential run waits at the least. */
export function sequentialSeconds(resources: StateResource[], table: LatencyTable): number {
    return resources.filter((r) => r.custom).reduce((a, r) => a + engineSeconds(r, table), 0);
}

// ------------------------------------------------------------------------------------------------ process memory

/** Which of the CLI's node processes a command line belongs to. */
export function processRole(cmdline: string): string | undefined {
    if (!/(^|\/)node(\0|$)|node\0/.test(cmdline) && !cmdline.startsWith("node")) return undefined;
    if (cmdline.includes("dynamic-provider")) return "provider";
    if (cmdline.includes("standin")) return "standin";
    if (/cmd\/run|run-plugin|ts-node|index\.ts|\/main\b/.test(cmdline) || cmdline.includes("@pulumi/pulumi/cmd/run"))
        return "program";
    return "other-node";
}

function descendants(root: number): number[] {
    const parentOf = new Map<number, number>();
    for (const d of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(d)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
            parentOf.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
        } catch {
            // gone
        }
    }
    const out: number[] = [];
    const frontier = [root];
    while (frontier.length) {
        const p = frontier.pop()!;
        for (const [c, pp] of parentOf)
            if (pp === p) {
                out.push(c);
                frontier.push(c);
            }
    }
    return out;
}

/** Samples VmHWM (peak resident set) of every node process below this process, per role, and counts them. */
export class MemorySampler {
    private timer?: NodeJS.Timeout;
    readonly peakKiB: Record<string, number> = {};
    readonly pids: Record<string, Set<number>> = {};

    constructor(
        private readonly exclude: Set<number> = new Set(),
        private readonly everyMs = 200,
    ) {}

    start(): this {
        this.timer = setInterval(() => this.sample(), this.everyMs);
        this.sample();
        return this;
    }

    sample(): void {
        for (const pid of descendants(process.pid)) {
            if (this.exclude.has(pid)) continue;
            try {
                const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
                const role = processRole(cmd);
                if (!role) continue;
                const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
                if (!m) continue;
                (this.pids[role] ??= new Set()).add(pid);
                this.peakKiB[role] = Math.max(this.peakKiB[role] ?? 0, Number(m[1]));
            } catch {
                // exited between readdir and read
            }
        }
    }

    stop(): { peakMiB: Record<string, number>; processes: Record<string, number> } {
        if (this.timer) clearInterval(this.timer);
        return {
            peakMiB: Object.fromEntries(Object.entries(this.peakKiB).map(([k, v]) => [k, Math.round(v / 102.4) / 10])),
            processes: Object.fromEntries(Object.entries(this.pids).map(([k, v]) => [k, v.size])),
        };
    }
}

// ------------------------------------------------------------------------------------------------ poll overshoot

export interface Transition {
    at: number;
    status: string;
}
export interface LoggedRequest {
    at: number;
    method: string;
    path: string;
    status: number;
}

export interface Overshoot {
    what: string;
    /** From the start of the wait to the ready status (ms). */
    durationMs: number;
    /** From the ready status to the provider's next GET of the object (ms). */
    overshootMs: number;
    share: number;
}

/**
 * The provider's overshoot on one wait: `start`…`ready` is the transition (emulator history), the first GET of a
 * path containing `idInPath` at or after `ready` is when the provider noticed it.
 */
export function overshoot(
    what: string,
    start: number,
    ready: number,
    idInPath: string,
    requests: LoggedRequest[],
): Overshoot | undefined {
    const next = requests.find((r) => r.method === "GET" && r.at >= ready && r.path.includes(idInPath));
    if (!next || ready <= start) return undefined;
    const overshootMs = next.at - ready;
    return { what, durationMs: ready - start, overshootMs, share: overshootMs / (ready - start) };
}

// ------------------------------------------------------------------------------------------------ machine

export interface Machine {
    cpuModel: string;
    cores: number;
    memoryGiB: number;
    loadAverageAtStart: number[];
    loadAverageAtEnd?: number[];
    kernel: string;
}

export function machine(): Machine {
    return {
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        cores: os.cpus().length,
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
        kernel: `${os.type()} ${os.release()}`,
    };
}

export function versions(repoRoot: string): Record<string, string> {
    const v = (f: () => string) => {
        try {
            return f();
        } catch {
            return "unknown";
        }
    };
    return {
        node: process.version,
        pulumiCli: v(() => execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim()),
        pulumiSdk: v(
            () =>
                JSON.parse(fs.readFileSync(`${repoRoot}/node_modules/@pulumi/pulumi/package.json`, "utf8"))
                    .version as string,
        ),
        commit: v(() =>
            execFileSync("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim(),
        ),
    };
}
