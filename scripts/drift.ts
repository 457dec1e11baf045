/**
 * `npm run drift -- --stack <name> [--cwd <project dir>] [--json]`
 *
 * Runs `pulumi preview --refresh --expect-no-changes --json` for a stack (the backend and the passphrase come from
 * the environment: PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, as for any pulumi command) and prints a short
 * report of what drifted: per object (type and name) each field with the value the program expects and the value
 * found on the engine. Secrets are shown as `[secret]` (the CLI masks them; values carrying Pulumi's secret
 * signature are masked here too).
 *
 * Exit codes: 0 nothing drifted, 1 something drifted (the report says what), 2 the check itself failed (no such
 * stack, engine unreachable, CLI missing, wrong passphrase, …), with the reason.
 *
 * The CLI is run directly, not through the Automation API: a LocalWorkspace on the repository would be free to
 * rewrite its Pulumi.yaml, and the `--json` digest already carries, per step, the refreshed state (what the engine
 * has) and the program's inputs (what it wants).
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { StandinRefusal, operatorCliEnv } from "./lib/standinPlugins";
import { ovnDrift } from "./drift/ovnPortSecurity";
import {
    ExportedResource,
    SECRET_V2,
    VaultDriftResult,
    checkVaultItems,
    itemDrifted,
    renderVaultDrift,
} from "./vaultDrift";

export const EXIT = Object.freeze({ clean: 0, drift: 1, failed: 2 });

const USAGE = "usage: npm run drift -- --stack <name> [--cwd <project dir>] [--json]";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** Engine-side keys that are not resource fields. */
const INTERNAL_KEYS = new Set(["__provider"]);
/** Steps that change nothing. */
const NO_CHANGE_OPS = new Set(["same", "refresh", "read", "read-discard", "discard-replaced"]);

interface StepState {
    urn?: string;
    type?: string;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}
interface PreviewStep {
    op: string;
    urn: string;
    oldState?: StepState;
    newState?: StepState;
}
interface PreviewDigest {
    steps?: PreviewStep[];
    diagnostics?: { message: string; severity: string; urn?: string }[];
    changeSummary?: Record<string, number>;
}

/** One field of one object that differs. */
export interface DriftField {
    readonly field: string;
    /** What the program declares (what `pulumi up` would set); `undefined` = not set by the program. */
    readonly expected: unknown;
    /** What the engine has now (the refreshed state). */
    readonly found: unknown;
    /** The value the last `up` recorded, before this refresh. */
    readonly recorded: unknown;
    /** `engine`: changed behind Pulumi's back; `program`: the program changed and was not applied yet. */
    readonly cause: "engine" | "program";
}

/** One object that drifted. */
export interface DriftObject {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The preview's operations on it (update, create, delete, replace, …). */
    readonly ops: string[];
    /** What happened to the object as a whole, when no field explains it (gone from the engine, new, removed). */
    readonly summary?: string;
    readonly fields: DriftField[];
}

export interface DriftReport {
    readonly stack: string;
    readonly drifted: DriftObject[];
}

/** Masks secrets (already `[secret]` from the CLI, or a value with Pulumi's secret signature). */
export function mask(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(mask);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (SECRET_SIG in o) return "[secret]";
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, mask(v)]));
    }
    return value;
}

function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === "object") {
        return Object.fromEntries(
            Object.keys(v as object)
                .sort()
                .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        );
    }
    return v;
}

/** `urn:pulumi:<stack>::<project>::<parent$…$type>::<name>` → name. */
function urnName(urn: string): string {
    return urn.split("::").slice(3).join("::") || urn;
}

function urnType(urn: string): string {
    const t = urn.split("::")[2] ?? "";
    return t.split("$").pop() ?? t;
}

/**
 * The drift in a `pulumi preview --refresh --json` digest. Per object: the fields whose refreshed value (found)
 * differs from the program's input (expected), with the value recorded before the refresh to tell a change on the
 * engine from a program change not applied yet.
 */
export function analyzePreview(digest: PreviewDigest, stack: string): DriftReport {
    const steps = digest.steps ?? [];
    // The refresh steps carry the state as the last up recorded it.
    const recorded = new Map<string, StepState>();
    for (const s of steps) {
        if (s.op === "refresh" && s.oldState) recorded.set(s.urn, s.oldState);
    }
    const byUrn = new Map<string, PreviewStep[]>();
    for (const s of steps) {
        if (NO_CHANGE_OPS.has(s.op)) continue;
        byUrn.set(s.urn, [...(byUrn.get(s.urn) ?? []), s]);
    }
    const drifted: DriftObject[] = [];
    for (const [urn, list] of byUrn) {
        const ops = [...new Set(list.map((s) => s.op))];
        const main = list.find((s) => s.oldState && s.newState) ?? list[0];
        const type = main.newState?.type ?? main.oldState?.type ?? urnType(urn);
        const before = recorded.get(urn);
        const fields: DriftField[] = [];
        let summary: string | undefined;
        if (main.oldState && main.newState) {
            const found = main.oldState.inputs ?? {};
            const expected = main.newState.inputs ?? {};
            const was = before?.inputs ?? found;
            const keys = [...new Set([...Object.keys(found), ...Object.keys(expected)])]
                .filter((k) => !INTERNAL_KEYS.has(k))
                .sort();
            for (const k of keys) {
                if (same(found[k], expected[k])) continue;
                fields.push({
                    field: k,
                    expected: mask(expected[k]),
                    found: mask(found[k]),
                    recorded: mask(was[k]),
                    cause: same(was[k], found[k]) ? "program" : "engine",
                });
            }
            if (fields.length === 0) {
                summary = "no field differs; the provider or its code changed (an up re-applies it)";
            }
        } else if (ops.includes("create")) {
            summary = before
                ? "missing on the engine: deleted outside Pulumi (the refresh dropped it; up re-creates it)"
                : "declared by the program but not created yet (pending change)";
        } else if (ops.includes("delete")) {
            summary = "no longer declared by the program but still exists (pending change: up deletes it)";
        } else {
            summary = `the preview would ${ops.join(", ")} it`;
        }
        drifted.push({ type, name: urnName(urn), urn, ops, ...(summary ? { summary } : {}), fields });
    }
    drifted.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    return { stack, drifted };
}

/** A value for one line of the report: JSON, one line, at most 100 characters. */
export function show(value: unknown): string {
    if (value === undefined) return "(not set)";
    if (value === "[secret]") return "[secret]";
    let s = JSON.stringify(value) ?? String(value);
    if (s.length > 100) s = `${s.slice(0, 97)}...`;
    return s;
}

export function renderReport(r: DriftReport): string {
    if (r.drifted.length === 0) return `drift: stack ${r.stack}: nothing drifted\n`;
    const lines = [`drift: stack ${r.stack}: ${r.drifted.length} object${r.drifted.length === 1 ? "" : "s"} drifted`];
    for (const o of r.drifted) {
        lines.push(`  ${o.type} ${o.name} (${o.ops.join(", ")})`);
        if (o.summary) lines.push(`    ${o.summary}`);
        for (const f of o.fields) {
            const why =
                f.cause === "engine"
                    ? "changed outside Pulumi"
                    : `not applied yet: the last up recorded ${show(f.recorded)}`;
            lines.push(`    ${f.field}: expected ${show(f.expected)}, found ${show(f.found)} (${why})`);
        }
    }
    lines.push(
        "",
        "Fix: `pulumi up --refresh --stack <stack>` puts the engine back to the program;",
        "or, to keep what was found, change the program or Pulumi.<stack>.yaml to it and merge that.",
    );
    return `${lines.join("\n")}\n`;
}

/** The error lines of a failed run, without stack traces and duplicates. */
export function failureReason(digest: PreviewDigest | undefined, stderr: string): string {
    const msgs = new Set<string>();
    for (const d of digest?.diagnostics ?? []) {
        if (d.severity !== "error") continue;
        const m = d.message.trim().replace(/^error: /, "");
        if (m && m !== "preview failed") msgs.add(d.urn ? `${urnType(d.urn)} ${urnName(d.urn)}: ${m}` : m);
    }
    if (msgs.size === 0) {
        for (const l of stderr.split("\n")) {
            if (/^error: /.test(l.trim())) msgs.add(l.trim().replace(/^error: /, ""));
        }
    }
    if (msgs.size === 0)
        msgs.add(stderr.trim().split("\n").slice(-5).join("\n") || "pulumi preview failed without a message");
    return [...msgs].join("\n  ");
}

interface Options {
    stack: string;
    cwd: string;
    json: boolean;
}

function parseArgs(argv: readonly string[]): Options {
    let stack: string | undefined;
    let cwd = process.cwd();
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") {
            json = true;
            continue;
        }
        if (a === "--help" || a === "-h") throw new HelpRequested(USAGE);
        const v = argv[i + 1];
        if ((a === "--stack" || a === "--cwd") && v !== undefined && !v.startsWith("--")) {
            if (a === "--stack") stack = v;
            else cwd = path.resolve(v);
            i++;
            continue;
        }
        throw new UsageError(`unexpected argument ${JSON.stringify(a)}\n${USAGE}`);
    }
    if (!stack) throw new UsageError(`--stack is required (the stack to check, e.g. ci)\n${USAGE}`);
    return { stack, cwd, json };
}

class UsageError extends Error {}
class HelpRequested extends Error {}

function run(
    cmd: string,
    args: string[],
    cwd: string,
    env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string; error?: NodeJS.ErrnoException }> {
    return new Promise((resolve) => {
        const child = spawn(cmd, args, {
            cwd,
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true", ...env },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", (error: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderr, error }));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** Runs the check; returns the exit code. `out`/`err` receive the report and the failure message. */
export async function main(
    argv: readonly string[],
    out: (s: string) => void = (s) => process.stdout.write(s),
    err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
    let o: Options;
    try {
        o = parseArgs(argv);
    } catch (e) {
        if (e instanceof HelpRequested) {
            out(`${e.message}\n`);
            return EXIT.clean;
        }
        err(`drift: ${(e as Error).message}\n`);
        return EXIT.failed;
    }
    const fail = (why: string) => {
        err(`drift: the check of stack ${o.stack} failed (exit 2):\n  ${why}\n`);
        return EXIT.failed;
    };
    let cliEnv: Record<string, string>;
    try {
        cliEnv = operatorCliEnv(o.stack, process.env, false, (m) => err(`drift: ${m}\n`));
    } catch (e) {
        if (!(e instanceof StandinRefusal)) throw e;
        return fail(`${e.message}\n  fix: ${e.fix}`);
    }
    const args = [
        "preview",
        "--refresh",
        "--expect-no-changes",
        "--json",
        "--non-interactive",
        "--stack",
        o.stack,
        "--cwd",
        o.cwd,
    ];
    const r = await run("pulumi", args, o.cwd, cliEnv);
    if (r.error) {
        return fail(
            r.error.code === "ENOENT"
                ? `the pulumi CLI is not on PATH (run scripts/setup.sh, then source scripts/lib/env.sh)`
                : `cannot run pulumi in ${o.cwd}: ${r.error.message}`,
        );
    }
    let digest: PreviewDigest | undefined;
    try {
        const parsed = JSON.parse(r.stdout) as unknown;
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) digest = parsed as PreviewDigest;
    } catch {
        digest = undefined;
    }
    const errors = (digest?.diagnostics ?? []).filter((d) => d.severity === "error");
    if (!digest || !Array.isArray(digest.steps) || errors.some((d) => !/no changes were expected/.test(d.message))) {
        return fail(failureReason(digest, r.stderr));
    }
    const found = analyzePreview(digest, o.stack);
    // OVN port security of ports no resource manages (scripts/drift/ovnPortSecurity.ts, docs/ovn.md)
    let ovn: DriftObject[];
    try {
        ovn = await ovnDrift(digest.steps, async () => {
            const c = await run(
                "pulumi",
                ["config", "--show-secrets", "--json", "--stack", o.stack, "--cwd", o.cwd],
                o.cwd,
            );
            if (c.code !== 0)
                throw new Error(`pulumi config of stack ${o.stack} failed: ${c.stderr.trim().split("\n").pop() ?? ""}`);
            return c.stdout;
        });
    } catch (e) {
        return fail(`OVN port security check: ${(e as Error).message}`);
    }
    const report: DriftReport = { stack: found.stack, drifted: [...found.drifted, ...ovn] };
    if (report.drifted.length === 0 && r.code !== 0) {
        // The CLI says it failed, yet no step changes anything: do not call that clean.
        return fail(failureReason(digest, r.stderr));
    }
    // Vault items: Pulumi cannot see their drift (scripts/vaultDrift.ts).
    const vault = await vaultItemsDrift(digest, o);
    if (vault.failed) return fail(vault.failed);
    out(
        o.json
            ? `${JSON.stringify({ ...report, vault: vault.items }, null, 2)}\n`
            : renderReport(report) + renderVaultDrift(vault.items),
    );
    return report.drifted.length === 0 && !vault.items.some(itemDrifted) ? EXIT.clean : EXIT.drift;
}

/**
 * Each Vault item's data as the last `up` wrote it comes from the stack's state (`pulumi stack export --show-secrets`),
 * the Vault address and token from its current config (`pulumi config --show-secrets`); both stay in this process.
 * Nothing to do when the preview shows no item.
 */
async function vaultItemsDrift(digest: PreviewDigest, o: Options): Promise<VaultDriftResult> {
    if (!(digest.steps ?? []).some((s) => s.urn.includes(SECRET_V2))) return { items: [] };
    const r = await run("pulumi", ["stack", "export", "--show-secrets", "--stack", o.stack, "--cwd", o.cwd], o.cwd);
    let resources: ExportedResource[] | undefined;
    try {
        resources = (JSON.parse(r.stdout) as { deployment?: { resources?: ExportedResource[] } }).deployment?.resources;
    } catch {
        resources = undefined;
    }
    if (r.code !== 0 || !Array.isArray(resources))
        return { items: [], failed: `pulumi stack export of ${o.stack} failed: ${failureReason(undefined, r.stderr)}` };
    const c = await run("pulumi", ["config", "--json", "--show-secrets", "--stack", o.stack, "--cwd", o.cwd], o.cwd);
    let config: Record<string, { value?: string }> = {};
    try {
        config = JSON.parse(c.stdout) as typeof config;
    } catch {
        return { items: [], failed: `pulumi config of ${o.stack} failed: ${failureReason(undefined, c.stderr)}` };
    }
    const vaultConfig = Object.fromEntries(
        ["address", "token", "namespace"].flatMap((k) =>
            typeof config[`vault:${k}`]?.value === "string" ? [[k, config[`vault:${k}`].value]] : [],
        ),
    );
    return checkVaultItems(resources, vaultConfig);
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (e: Error) => {
            process.stderr.write(`drift: the check failed (exit 2): ${e.message}\n`);
            process.exitCode = EXIT.failed;
        },
    );
}
