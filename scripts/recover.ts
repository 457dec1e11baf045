/**
 * `npm run recover [-- --stack <name>] [--cwd <project dir>] [--yes]`: the recovery after an interrupted or killed
 * `pulumi up`, in one step (docs/reliability.md, docs/operator.md). It says each thing it finds and does:
 *
 *  1. a lock: held by a run on this machine whose pid is gone → removed; held by a live run or by another machine →
 *     stops before changing anything, naming the holder and the fix;
 *  2. damaged sidecars (`*.attrs` emptied by a kill, scripts/lib/fileBackend.ts) → removed;
 *  3. a checkpoint that does not parse → the newest backup that parses (the backend's `.bak`, its history and
 *     backups copies), after showing what would be lost; only with `--yes`, the damaged file kept under
 *     `.pulumi/damaged/`; never deleting the only copy of a checkpoint;
 *  4. pending operations → `pulumi refresh --clear-pending-creates`; what it cannot clear is named with the fix.
 *
 * Nothing is changed when nothing is wrong. On an `s3://` backend (the `ci` stack's bucket; scripts/lib/s3Backend.ts,
 * through the AWS CLI) step 1 is the same, there are no sidecars, and step 3 restores the newest earlier object
 * version of the checkpoint that parses (bucket versioning, docs/operator.md). On any other backend (`gs://`, …) the
 * checkpoint is checked and the pending operations cleared through the CLI, and the rest is named with the fix. The
 * backend and the passphrase come from PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE (the bucket's credentials from
 * the AWS variables); without them, the local default's (`.pulumi-state/` or, after `npm run up:local -- --backend
 * s3`, its local bucket; `.local/passphrase`). Exit code 0: the stack is readable, unlocked, with no pending operation; 1: the operator
 * must act (the message says how); 2: bad usage.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import {
    SIDECAR_SUFFIX,
    StackFiles,
    clearStaleLocks,
    fileBackendDir,
    fileBackendUrl,
    repairSidecars,
    stackFiles,
    StackLock,
    stackLocks,
} from "./lib/fileBackend";
import {
    ObjectVersion,
    S3Backend,
    aws,
    clearStaleS3Locks,
    getObjectText,
    listKeys,
    objectVersions,
    parseS3BackendUrl,
    s3StackKeys,
    s3StackLocks,
} from "./lib/s3Backend";
import { localS3Backend } from "../local/seaweedfs";
import { ToolRun, runTool } from "./lib/runTool";
import { StandinRefusal, operatorCliEnv } from "./lib/standinPlugins";

const ROOT = path.resolve(__dirname, "..");
const USAGE =
    "usage: npm run recover [-- --stack <name>] [--cwd <project dir>] [--yes]   (default: the stack local of the local default)";

/** A state the operator must resolve; the message names it, the fix says how. */
export class RecoverError extends Error {
    constructor(
        problem: string,
        readonly fix: string,
    ) {
        super(problem);
    }
}

/** What {@link recover} works on. */
export interface RecoverOptions {
    stack: string;
    /** The project directory (its Pulumi.yaml names the project; the CLI runs there). */
    workDir: string;
    /** The CLI's environment on top of process.env: PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, … */
    env: Record<string, string | undefined>;
    /** Allowed to restore an unparseable checkpoint from a backup (after showing what would be lost). */
    yes: boolean;
    log: (msg: string) => void;
}

/** What {@link recover} did, in order (empty: nothing was wrong). */
export interface RecoverResult {
    actions: string[];
}

type CliRun = ToolRun;

/** Runs `pulumi <args> --stack <stack>` in the project directory (async: the tests' emulator runs in-process). */
function pulumi(o: RecoverOptions, args: string[]): Promise<CliRun> {
    return runTool("pulumi", [...args, "--stack", o.stack, "--non-interactive", "--color", "never"], {
        cwd: o.workDir,
        env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true", ...o.env },
        missing: () =>
            new RecoverError("the pulumi CLI is not on PATH", "run scripts/setup.sh, then source scripts/lib/env.sh"),
    });
}

const lastLines = (r: CliRun, n = 12) =>
    `${r.stdout}\n${r.stderr}`
        .trim()
        .split("\n")
        .slice(-n)
        .map((l) => `    ${l}`)
        .join("\n");

/** A pending operation as the checkpoint records it. */
interface PendingOperation {
    type: string;
    resource: { urn: string };
}

/** A checkpoint file read and checked: the CLI's `{version, checkpoint: {latest}}` or why not. */
interface ReadCheckpoint {
    ok: boolean;
    error?: string;
    resources: number;
    pending: PendingOperation[];
}

function readCheckpoint(file: string): ReadCheckpoint {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        return {
            ok: false,
            error: (e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : (e as Error).message,
            resources: 0,
            pending: [],
        };
    }
    return parseCheckpoint(text);
}

/** A checkpoint's text checked (`undefined`: the object is missing). */
function parseCheckpoint(text: string | undefined): ReadCheckpoint {
    if (text === undefined) return { ok: false, error: "missing", resources: 0, pending: [] };
    try {
        const v = JSON.parse(text) as {
            version?: unknown;
            checkpoint?: { latest?: { resources?: unknown[]; pending_operations?: PendingOperation[] } };
        };
        if (typeof v?.version !== "number" || typeof v.checkpoint !== "object" || v.checkpoint === null) {
            return { ok: false, error: "not a checkpoint (no version and checkpoint keys)", resources: 0, pending: [] };
        }
        return {
            ok: true,
            resources: v.checkpoint.latest?.resources?.length ?? 0,
            pending: v.checkpoint.latest?.pending_operations ?? [],
        };
    } catch (e) {
        return {
            ok: false,
            error: text.length === 0 ? "empty" : `not JSON (${(e as Error).message})`,
            resources: 0,
            pending: [],
        };
    }
}

/** A copy of the checkpoint the backend keeps, with the time it was written. */
interface Backup {
    file: string;
    atMs: number;
    read: ReadCheckpoint;
}

/** The backend's own copies of the stack's checkpoint, newest first: `.bak`, history and backups copies. */
function backups(f: StackFiles, stack: string): Backup[] {
    const out: Backup[] = [];
    if (fs.existsSync(f.bak)) out.push({ file: f.bak, atMs: fs.statSync(f.bak).mtimeMs, read: readCheckpoint(f.bak) });
    const timed = (dir: string, re: RegExp) => {
        if (!fs.existsSync(dir)) return;
        for (const n of fs.readdirSync(dir)) {
            const m = re.exec(n);
            if (m)
                out.push({
                    file: path.join(dir, n),
                    atMs: Number(BigInt(m[1]) / 1_000_000n),
                    read: readCheckpoint(path.join(dir, n)),
                });
        }
    };
    const esc = stack.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    timed(f.historyDir, new RegExp(`^${esc}-(\\d+)\\.checkpoint\\.json$`));
    timed(f.backupsDir, new RegExp(`^${esc}\\.(\\d+)\\.json$`));
    return out.sort((a, b) => b.atMs - a.atMs);
}

/** The updates the history records after `sinceMs` (what restoring an older checkpoint forgets). */
function updatesSince(f: StackFiles, stack: string, sinceMs: number): string[] {
    if (!fs.existsSync(f.historyDir)) return [];
    const re = new RegExp(`^${stack.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d+)\\.history\\.json$`);
    const out: { atMs: number; line: string }[] = [];
    for (const n of fs.readdirSync(f.historyDir)) {
        const m = re.exec(n);
        if (!m) continue;
        const atMs = Number(BigInt(m[1]) / 1_000_000n);
        if (atMs <= sinceMs) continue;
        try {
            const h = JSON.parse(fs.readFileSync(path.join(f.historyDir, n), "utf8")) as {
                kind?: string;
                result?: string;
                resourceChanges?: Record<string, number>;
            };
            const changes = Object.entries(h.resourceChanges ?? {})
                .filter(([k]) => k !== "same")
                .map(([k, v]) => `${k} ${v}`)
                .join(", ");
            out.push({
                atMs,
                line: `${new Date(atMs).toISOString()} ${h.kind ?? "?"} (${h.result ?? "?"})${changes ? `: ${changes}` : ""}`,
            });
        } catch {
            out.push({ atMs, line: `${new Date(atMs).toISOString()} (unreadable record ${n})` });
        }
    }
    return out.sort((a, b) => a.atMs - b.atMs).map((u) => u.line);
}

/** Writes `data` over `file` by a rename (never a moment without a whole file). */
function replaceAtomically(file: string, data: Buffer): void {
    const tmp = `${file}.recover-${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
}

/** Step 1: a live or foreign lock stops everything; a dead run's lock is removed (step 1b). `rel` names a lock. */
function checkLocks(locks: StackLock[], rel: (l: StackLock) => string, o: RecoverOptions): void {
    for (const l of locks) {
        const where = rel(l);
        if (l.holder === "live") {
            throw new RecoverError(
                `a pulumi run on this machine holds the stack ${o.stack}: pid ${l.pid} (${l.username}, since ${l.timestamp}; lock ${rel})`,
                `wait for it to end, or stop it (kill ${l.pid}), then run npm run recover again; nothing was changed`,
            );
        }
        if (l.holder === "elsewhere") {
            throw new RecoverError(
                `a pulumi run on another machine holds the stack ${o.stack}: ${l.username}@${l.hostname} pid ${l.pid} since ${l.timestamp} (lock ${where})`,
                `make sure that run has ended, then \`pulumi cancel --yes --stack ${o.stack}\` and npm run recover again; nothing was changed`,
            );
        }
        if (l.holder === "unreadable") {
            throw new RecoverError(
                `the lock ${where} of the stack ${o.stack} is not the CLI's lock JSON (pid, hostname)`,
                `make sure no pulumi run uses the stack, then remove ${where} and run npm run recover again; nothing was changed`,
            );
        }
    }
}

/** Step 3 on a file backend: an unparseable checkpoint restored from the newest backup that parses. */
function restoreCheckpoint(dir: string, f: StackFiles, o: RecoverOptions, damaged: ReadCheckpoint): ReadCheckpoint {
    const rel = (p: string) => path.relative(dir, p);
    const all = backups(f, o.stack);
    const chosen = all.find((b) => b.read.ok);
    const checked = all.map((b) => `${rel(b.file)} (${b.read.ok ? "parses" : b.read.error})`).join(", ") || "none";
    if (!chosen) {
        throw new RecoverError(
            `the checkpoint ${rel(f.checkpoint)} does not parse (${damaged.error}) and no copy of it does; checked: ${checked}`,
            `restore it from a copy you keep (\`pulumi stack import --stack ${o.stack} --file <export.json>\`); nothing was changed`,
        );
    }
    const exists = fs.existsSync(f.checkpoint);
    o.log(
        `stack ${o.stack}: the checkpoint ${rel(f.checkpoint)} does not parse: ${damaged.error}${exists ? ` (${fs.statSync(f.checkpoint).size} bytes, written ${fs.statSync(f.checkpoint).mtime.toISOString()})` : ""}`,
    );
    for (const b of all.slice(0, all.indexOf(chosen)))
        o.log(`  newer copy ${rel(b.file)} does not parse either: ${b.read.error}`);
    o.log(
        `  newest copy that parses: ${rel(chosen.file)}, written ${new Date(chosen.atMs).toISOString()}, ${chosen.read.resources} resources, ${chosen.read.pending.length} pending operations`,
    );
    const lost = updatesSince(f, o.stack, chosen.atMs);
    o.log(
        lost.length
            ? `  what restoring it loses: the record of ${lost.length} later update(s), whose objects the next refresh/up finds again by name:\n${lost.map((l) => `    ${l}`).join("\n")}`
            : "  what restoring it loses: no update is recorded after it (the damaged file held at most the steps of the run that was interrupted)",
    );
    if (!o.yes) {
        throw new RecoverError(
            `restoring the checkpoint of ${o.stack} from ${rel(chosen.file)} needs your confirmation`,
            "read what it loses above, then run npm run recover -- --yes (add your --stack); nothing was changed",
        );
    }
    if (exists) {
        const keep = path.join(
            dir,
            ".pulumi",
            "damaged",
            path.basename(path.dirname(f.checkpoint)),
            `${o.stack}.${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
        );
        fs.mkdirSync(path.dirname(keep), { recursive: true });
        fs.copyFileSync(f.checkpoint, keep);
        o.log(`  kept the damaged checkpoint as ${rel(keep)}`);
    }
    replaceAtomically(f.checkpoint, fs.readFileSync(chosen.file));
    // the old sidecar described the damaged file; the restored one is read without one, as every write now leaves it
    fs.rmSync(`${f.checkpoint}${SIDECAR_SUFFIX}`, { force: true });
    o.log(`  restored ${rel(f.checkpoint)} from ${rel(chosen.file)} (the copy stays where it was)`);
    return readCheckpoint(f.checkpoint);
}

/** Step 4: pending operations cleared by a refresh; what is left is named with the fix. */
async function clearPending(
    o: RecoverOptions,
    pending: PendingOperation[],
    reread: () => Promise<PendingOperation[]>,
): Promise<void> {
    o.log(`stack ${o.stack}: ${pending.length} pending operation(s) from an interrupted run:`);
    for (const p of pending) o.log(`  ${p.type} ${p.resource.urn}`);
    o.log(
        `stack ${o.stack}: pulumi refresh --yes --skip-preview --clear-pending-creates (reads the engine; drops the creates the run had started: the next up adopts those objects by name)`,
    );
    const r = await pulumi(o, ["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
    if (r.code !== 0) {
        throw new RecoverError(
            `the refresh of ${o.stack} failed (exit ${r.code}):\n${lastLines(r)}`,
            /currently locked/.test(r.stdout + r.stderr)
                ? `make sure no run of the stack is active, then \`pulumi cancel --yes --stack ${o.stack}\` and npm run recover again`
                : "the refresh needs the engine and Vault of the stack's config to answer (for the local stack: npm run up:local starts its daemons); fix what it says, then npm run recover again",
        );
    }
    const left = await reread();
    if (left.length) {
        throw new RecoverError(
            `stack ${o.stack}: ${left.length} pending operation(s) that a refresh does not clear (an interrupted update or delete): ${left.map((p) => `${p.type} ${p.resource.urn}`).join("; ")}`,
            'check each object on the engine, then drop them: docs/operator.md, "After an interrupted up", step 4',
        );
    }
    o.log(`stack ${o.stack}: no pending operation left`);
}

/**
 * Steps 1-4 on an S3 backend (the `ci` stack's bucket): locks as on a file backend (a dead run of this machine's
 * removed, any other stops); a checkpoint that does not parse restored from the newest previous object version that
 * parses (with `--yes`, by `aws s3api copy-object`, the command of docs/operator.md: every version stays, the damaged
 * one included); then the pending operations.
 */
async function recoverS3(b: S3Backend, project: string, o: RecoverOptions, actions: string[]): Promise<void> {
    const k = s3StackKeys(b.prefix, project, o.stack);
    const at = (key: string) => `s3://${b.bucket}/${key}`;
    o.log(`stack ${o.stack}: backend ${at(b.prefix)}${b.endpointUrl ? ` at ${b.endpointUrl}` : ""}`);
    const versions = (await objectVersions(b, k.checkpoint)).filter((v) => v.key === k.checkpoint);
    if (versions.length === 0)
        throw new RecoverError(
            `no stack ${o.stack} of project ${project} in ${at(b.prefix)} (no version of ${k.checkpoint})`,
            "check --stack and PULUMI_BACKEND_URL (`pulumi stack ls`)",
        );
    checkLocks(await s3StackLocks(b, project, o.stack), (l) => at(l.file), o);
    for (const pid of await clearStaleS3Locks(b, project, o.stack, o.log)) actions.push(`lock of dead pid ${pid}`);
    let cp = parseCheckpoint(await getObjectText(b, k.checkpoint));
    if (!cp.ok) {
        cp = await restoreS3Checkpoint(b, k.checkpoint, k.historyPrefix, versions, o, cp);
        actions.push("checkpoint restored from a previous version");
    }
    if (cp.pending.length) {
        await clearPending(o, cp.pending, async () => parseCheckpoint(await getObjectText(b, k.checkpoint)).pending);
        actions.push("refresh --clear-pending-creates");
    }
    await exportStack(o);
}

/** Step 3 on a bucket: the newest earlier version of the checkpoint that parses becomes the current one (module doc). */
async function restoreS3Checkpoint(
    b: S3Backend,
    key: string,
    historyPrefix: string,
    versions: ObjectVersion[],
    o: RecoverOptions,
    damaged: ReadCheckpoint,
): Promise<ReadCheckpoint> {
    const current = versions.find((v) => v.isLatest);
    o.log(
        `stack ${o.stack}: the checkpoint s3://${b.bucket}/${key} does not parse: ${damaged.error}${current ? ` (version ${current.versionId}, ${current.size} bytes, written ${current.lastModified})` : ""}`,
    );
    let chosen: { v: ObjectVersion; read: ReadCheckpoint } | undefined;
    for (const v of versions.filter((x) => !x.isLatest)) {
        const read = parseCheckpoint(await getObjectText(b, key, v.versionId));
        if (read.ok) {
            chosen = { v, read };
            break;
        }
        o.log(`  earlier version ${v.versionId} (${v.lastModified}) does not parse either: ${read.error}`);
    }
    if (!chosen)
        throw new RecoverError(
            `the checkpoint s3://${b.bucket}/${key} does not parse (${damaged.error}) and none of its ${versions.length - 1} earlier version(s) does`,
            `is versioning on for the bucket (docs/operator.md)? Restore it from a copy you keep (\`pulumi stack import --stack ${o.stack} --file <export.json>\`), or from the .bak, history or backups copies; nothing was changed`,
        );
    o.log(
        `  newest earlier version that parses: ${chosen.v.versionId}, written ${chosen.v.lastModified}, ${chosen.read.resources} resources, ${chosen.read.pending.length} pending operations`,
    );
    const sinceMs = Date.parse(chosen.v.lastModified);
    const later = (await listKeys(b, historyPrefix))
        .map((h) => /-(\d+)\.history\.json$/.exec(h))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(BigInt(m[1]) / 1_000_000n))
        .filter((ms) => ms > sinceMs + 1000); // LastModified has whole seconds
    o.log(
        later.length
            ? `  what restoring it loses: the record of ${later.length} later update(s) (${later.map((ms) => new Date(ms).toISOString()).join(", ")}), whose objects the next refresh/up finds again by name`
            : "  what restoring it loses: no update is recorded after it (the damaged version held at most the steps of the run that wrote it)",
    );
    if (!o.yes)
        throw new RecoverError(
            `restoring the checkpoint of ${o.stack} from version ${chosen.v.versionId} needs your confirmation`,
            "read what it loses above, then run npm run recover -- --yes (add your --stack); nothing was changed",
        );
    await aws(b, [
        "s3api",
        "copy-object",
        "--bucket",
        b.bucket,
        "--key",
        key,
        "--copy-source",
        `${b.bucket}/${key}?versionId=${chosen.v.versionId}`,
    ]);
    o.log(
        `  restored s3://${b.bucket}/${key} from version ${chosen.v.versionId} (aws s3api copy-object; every version stays, the damaged one included)`,
    );
    return parseCheckpoint(await getObjectText(b, key));
}

function projectName(workDir: string): string {
    const file = path.join(workDir, "Pulumi.yaml");
    let name: unknown;
    try {
        name = (YAML.parse(fs.readFileSync(file, "utf8")) as { name?: unknown })?.name;
    } catch (e) {
        throw new RecoverError(
            `cannot read the project file ${file}: ${(e as Error).message}`,
            "run npm run recover in the project directory, or pass --cwd <project dir>",
        );
    }
    if (typeof name !== "string" || !name)
        throw new RecoverError(`${file} has no project name`, "give it `name: <project>`");
    return name;
}

/** Exports the stack through the CLI (the proof that it reads); the parsed deployment. */
async function exportStack(
    o: RecoverOptions,
): Promise<{ pending_operations?: PendingOperation[]; resources?: unknown[] }> {
    const r = await pulumi(o, ["stack", "export"]);
    let parsed: { deployment?: { pending_operations?: PendingOperation[]; resources?: unknown[] } } | undefined;
    try {
        parsed = r.code === 0 ? JSON.parse(r.stdout) : undefined;
    } catch {
        parsed = undefined;
    }
    if (!parsed?.deployment) {
        throw new RecoverError(
            `the CLI cannot read the stack ${o.stack} (pulumi stack export, exit ${r.code}):\n${lastLines(r)}`,
            fileBackendDir(o.env.PULUMI_BACKEND_URL, o.workDir)
                ? "read the error above (npm run recover repaired what it knows: locks, sidecars, the checkpoint)"
                : 'on a bucket, restore the previous version of the checkpoint object: docs/operator.md, "The ci stack\'s state"',
        );
    }
    return parsed.deployment;
}

/** Finds and repairs what a killed run leaves behind (module doc); throws {@link RecoverError} when the operator must act. */
export async function recover(o: RecoverOptions): Promise<RecoverResult> {
    const actions: string[] = [];
    const project = projectName(o.workDir);
    const url = o.env.PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL;
    if (!url)
        throw new RecoverError(
            "no backend: PULUMI_BACKEND_URL is not set",
            "export PULUMI_BACKEND_URL (the stack's backend), or run without it for the local default",
        );
    const dir = fileBackendDir(url, o.workDir);
    const s3 = parseS3BackendUrl(url);
    if (s3) s3.env = Object.fromEntries(Object.entries(o.env).filter((e): e is [string, string] => e[1] !== undefined));
    let pending: PendingOperation[];
    if (dir) {
        if (!/[?&]metadata=skip(&|$)/.test(url))
            o.log(
                `note: ${url} lacks ?metadata=skip: runs with it rewrite sidecars, and a kill then can make the stack unreadable; use ${fileBackendUrl(dir)}`,
            );
        const f = stackFiles(dir, project, o.stack);
        if (!fs.existsSync(f.checkpoint) && !fs.existsSync(f.bak) && !fs.existsSync(f.historyDir)) {
            throw new RecoverError(
                `no stack ${o.stack} of project ${project} in the backend ${dir}`,
                "check --stack and PULUMI_BACKEND_URL (`pulumi stack ls`)",
            );
        }
        checkLocks(stackLocks(dir, project, o.stack), (l) => path.relative(dir, l.file), o);
        for (const s of repairSidecars(dir, (m) => o.log(`stack ${o.stack}: ${m}`)))
            actions.push(`sidecar ${path.relative(dir, s)}`);
        for (const pid of clearStaleLocks(dir, o.stack, o.log, project)) actions.push(`lock of dead pid ${pid}`);
        let cp = readCheckpoint(f.checkpoint);
        if (!cp.ok) {
            cp = restoreCheckpoint(dir, f, o, cp);
            actions.push("checkpoint restored");
        }
        pending = cp.pending;
        if (pending.length) {
            await clearPending(o, pending, async () => readCheckpoint(f.checkpoint).pending);
            actions.push("refresh --clear-pending-creates");
        }
        await exportStack(o);
    } else if (s3) {
        await recoverS3(s3, project, o, actions);
    } else {
        o.log(
            `stack ${o.stack}: backend ${url.replace(/\/\/[^@/]*@/, "//[credentials]@")} is not a file backend: locks and the checkpoint object are checked through the CLI (docs/operator.md)`,
        );
        pending = (await exportStack(o)).pending_operations ?? [];
        if (pending.length) {
            await clearPending(o, pending, async () => (await exportStack(o)).pending_operations ?? []);
            actions.push("refresh --clear-pending-creates");
        }
    }
    const checked = dir
        ? "no lock, no damaged sidecar, the checkpoint parses, no pending operation"
        : s3
          ? "no lock, the checkpoint parses, no pending operation"
          : "the checkpoint reads, no pending operation; a lock on the bucket is named by the next up";
    o.log(
        actions.length
            ? `stack ${o.stack}: recovered (${actions.join("; ")}); now ${checked}. Next: pulumi up`
            : `stack ${o.stack}: nothing to recover (${checked}); nothing was changed`,
    );
    return { actions };
}

interface Args {
    stack: string;
    cwd: string;
    yes: boolean;
}

function parseArgs(argv: readonly string[]): Args {
    const a: Args = { stack: "local", cwd: ROOT, yes: false };
    for (let i = 0; i < argv.length; i++) {
        const v = argv[i + 1];
        if (argv[i] === "--yes") a.yes = true;
        else if (argv[i] === "--stack" && v && !v.startsWith("--")) {
            a.stack = v;
            i++;
        } else if (argv[i] === "--cwd" && v && !v.startsWith("--")) {
            a.cwd = path.resolve(v);
            i++;
        } else throw new RecoverError(`unexpected argument ${JSON.stringify(argv[i])}`, USAGE);
    }
    return a;
}

/** The CLI: the local default's backend and passphrase unless the environment names others. */
export async function main(
    argv: readonly string[],
    log: (msg: string) => void = (m) => process.stdout.write(`[recover] ${m}\n`),
): Promise<number> {
    let a: Args;
    try {
        a = parseArgs(argv);
    } catch (e) {
        process.stderr.write(`[recover] ${(e as Error).message}\n${(e as RecoverError).fix}\n`);
        return 2;
    }
    let env: Record<string, string | undefined> = {};
    if (!process.env.PULUMI_BACKEND_URL)
        env = localS3Backend(path.join(ROOT, ".local")) ?? {
            PULUMI_BACKEND_URL: fileBackendUrl(path.join(ROOT, ".pulumi-state")),
        };
    const passFile = path.join(ROOT, ".local", "passphrase");
    if (!process.env.PULUMI_CONFIG_PASSPHRASE && !process.env.PULUMI_CONFIG_PASSPHRASE_FILE && fs.existsSync(passFile))
        env.PULUMI_CONFIG_PASSPHRASE_FILE = passFile;
    try {
        Object.assign(env, operatorCliEnv(a.stack, { ...process.env, ...env }, false, log));
        await recover({ stack: a.stack, workDir: a.cwd, env, yes: a.yes, log });
        return 0;
    } catch (e) {
        if (!(e instanceof RecoverError) && !(e instanceof StandinRefusal)) throw e;
        process.stderr.write(`[recover] FAILED: ${e.message}\n  fix: ${e.fix}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (e: Error) => {
            process.stderr.write(`[recover] FAILED: ${e.stack ?? e.message}\n`);
            process.exitCode = 1;
        },
    );
}
