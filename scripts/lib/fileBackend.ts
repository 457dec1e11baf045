/**
 * The Pulumi CLI's file backend (`file://<dir>`) as the local default, the scripts, the tests and the bench use it:
 * its URL, its layout, and the two repairs that are safe to do before any CLI run (docs/reliability.md, "State that
 * survives any kill").
 *
 * Facts from the sources of the versions we pin (tools/versions.env: CLI v3.274.1, whose go.mod pins gocloud.dev
 * v0.46.1-0.20260810195832-b5401c07b5f1):
 * - The CLI's DIY backend opens the URL with gocloud.dev's blob URL mux and passes the query through untouched,
 *   adding only `no_tmp_dir=true` (pkg/backend/diy/backend.go, `massageBlobPath`). It reads and writes no blob
 *   attributes itself (every `WriteAll` and `Copy` passes nil options).
 * - gocloud.dev's fileblob writes a blob by renaming a temp file over it (atomic), but first rewrites the blob's
 *   sidecar `<blob>.attrs` with `os.Create` + JSON encode (blob/fileblob/attrs.go, `setAttrs`): a kill in between
 *   leaves the sidecar empty, and every later read of the blob (`forKey` → `getAttrs`) fails with `EOF` — the
 *   CLI's `failed to load checkpoint: EOF`.
 * - `?metadata=skip` (blob/fileblob/fileblob.go, `MetadataDontWrite`) makes every write skip the sidecar; a read
 *   of a blob without a sidecar gets the default attributes. A sidecar left from before is still read, so a
 *   damaged leftover must be repaired: removing it gives exactly what the skip mode gives.
 * - The layout (pkg/backend/diy/store.go, lock.go, state.go): `.pulumi/stacks/<project>/<stack>.json` and its
 *   `.bak` (the previous checkpoint, copied before each write), `.pulumi/history/<project>/<stack>/
 *   <stack>-<unixNanos>.{history,checkpoint}.json` (after each update), `.pulumi/backups/<project>/<stack>/
 *   <stack>.<unixNanos>.json` (after each update), `.pulumi/locks/organization/<project>/<stack>/<lockId>.json`
 *   holding `{pid, username, hostname, timestamp}` of the run that holds it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The sidecar suffix of gocloud.dev's fileblob (`attrsExt`). */
export const SIDECAR_SUFFIX = ".attrs";

/** The `file://` backend URL of a directory: fileblob writes no sidecar (the crash window closed). */
export function fileBackendUrl(dir: string): string {
    if (!path.isAbsolute(dir))
        throw new Error(
            `file backend: the directory must be an absolute path; got ${JSON.stringify(dir)}. Fix: path.resolve() it first`,
        );
    return `file://${dir}?metadata=skip`;
}

/**
 * The directory of a `file://` backend URL (query dropped), or undefined for any other backend (s3://, gs://, …).
 * A relative `file://` URL is resolved against `cwd`, as the CLI does.
 */
export function fileBackendDir(url: string | undefined, cwd = process.cwd()): string | undefined {
    if (!url?.startsWith("file://")) return undefined;
    let dir = url.slice("file://".length).split("?")[0];
    if (dir.startsWith("~")) dir = path.join(os.homedir(), dir.slice(1));
    return path.resolve(cwd, dir);
}

/** The files of one stack in a file backend. */
export interface StackFiles {
    /** `<stack>.json`: the checkpoint the CLI reads. */
    checkpoint: string;
    /** `<stack>.json.bak`: the checkpoint before the last write. */
    bak: string;
    /** `<stack>-<unixNanos>.checkpoint.json` copies after each update (and the `.history.json` records). */
    historyDir: string;
    /** `<stack>.<unixNanos>.json` copies after each update. */
    backupsDir: string;
    /** `<lockId>.json` of each run that holds the stack. */
    lockDir: string;
}

/** Where the file backend in `dir` keeps the stack `stack` of project `project`. */
export function stackFiles(dir: string, project: string, stack: string): StackFiles {
    const bk = path.join(dir, ".pulumi");
    const checkpoint = path.join(bk, "stacks", project, `${stack}.json`);
    return {
        checkpoint,
        bak: `${checkpoint}.bak`,
        historyDir: path.join(bk, "history", project, stack),
        backupsDir: path.join(bk, "backups", project, stack),
        lockDir: path.join(bk, "locks", "organization", project, stack),
    };
}

/** Whether a process with this pid exists on this machine (a zombie counts as gone). */
export function alive(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat[stat.lastIndexOf(")") + 2] !== "Z";
    } catch {
        return false;
    }
}

function walk(dir: string, out: string[] = []): string[] {
    if (!fs.existsSync(dir)) return out;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p, out);
        else if (e.isFile()) out.push(p);
    }
    return out;
}

/** Every sidecar under the backend's `.pulumi/` (none when every run used {@link fileBackendUrl}). */
export function sidecars(dir: string): string[] {
    return walk(path.join(dir, ".pulumi"))
        .filter((f) => f.endsWith(SIDECAR_SUFFIX))
        .sort();
}

/** Sidecars under the backend's `.pulumi/` that fileblob cannot decode (empty from the crash window, or not JSON). */
export function damagedSidecars(dir: string): string[] {
    return sidecars(dir).filter((f) => {
        try {
            const v: unknown = JSON.parse(fs.readFileSync(f, "utf8"));
            return typeof v !== "object" || v === null || Array.isArray(v);
        } catch {
            return true;
        }
    });
}

/**
 * Removes every damaged sidecar under the backend's `.pulumi/` and says which: without it fileblob reads its blob
 * with the default attributes, which is all the CLI needs (it uses none). Returns the removed paths.
 */
export function repairSidecars(dir: string, log: (msg: string) => void): string[] {
    const damaged = damagedSidecars(dir);
    for (const f of damaged) {
        const size = fs.statSync(f).size;
        fs.rmSync(f, { force: true });
        log(
            `removed the damaged sidecar ${path.relative(dir, f)} (${size} bytes, ${size === 0 ? "empty: a run was killed while rewriting it" : "not JSON"}); the CLI reads ${path.basename(f, SIDECAR_SUFFIX)} without it`,
        );
    }
    return damaged;
}

/** One lock of a stack and what holds it. */
export interface StackLock {
    file: string;
    pid?: number;
    hostname?: string;
    username?: string;
    timestamp?: string;
    /** `dead`: a run on this machine whose pid is gone; `live`: it runs; `elsewhere`: another machine's; `unreadable`: not the CLI's JSON. */
    holder: "dead" | "live" | "elsewhere" | "unreadable";
}

/**
 * What a lock object of the CLI (`{pid, username, hostname, timestamp}`, pkg/backend/diy/lock.go) says about its
 * holder; `file` is where it lives (a path, or a key in a bucket). Shared by the file and the S3 backend.
 */
export function classifyLock(file: string, text: string): StackLock {
    let lock: { pid?: unknown; hostname?: unknown; username?: unknown; timestamp?: unknown };
    try {
        lock = JSON.parse(text);
    } catch {
        return { file, holder: "unreadable" };
    }
    if (typeof lock?.pid !== "number" || typeof lock.hostname !== "string") return { file, holder: "unreadable" };
    const info = {
        file,
        pid: lock.pid,
        hostname: lock.hostname,
        username: String(lock.username ?? ""),
        timestamp: String(lock.timestamp ?? ""),
    };
    if (lock.hostname !== os.hostname()) return { ...info, holder: "elsewhere" };
    return { ...info, holder: alive(lock.pid) ? "live" : "dead" };
}

/** The locks of a stack in the file backend in `dir`. */
export function stackLocks(dir: string, project: string, stack: string): StackLock[] {
    const lockDir = stackFiles(dir, project, stack).lockDir;
    if (!fs.existsSync(lockDir)) return [];
    return fs
        .readdirSync(lockDir)
        .filter((n) => n.endsWith(".json"))
        .sort()
        .map((n) => classifyLock(path.join(lockDir, n), fs.readFileSync(path.join(lockDir, n), "utf8")));
}

/**
 * Removes the locks of the stack left by a pulumi run that was killed on this machine (its pid is gone); a live
 * run's lock and another machine's stay (pulumi then says the stack is locked). Returns the dead runs' pids.
 */
export function clearStaleLocks(
    dir: string,
    stack: string,
    log: (msg: string) => void,
    project = "ovirt-ci",
): number[] {
    const removed: number[] = [];
    for (const lock of stackLocks(dir, project, stack).filter((l) => l.holder === "dead")) {
        fs.rmSync(lock.file, { force: true });
        fs.rmSync(`${lock.file}${SIDECAR_SUFFIX}`, { force: true });
        log(
            `stack ${stack}: removed the lock of a pulumi run that was killed (pid ${lock.pid}, ${lock.timestamp}); resources it was creating are adopted by name`,
        );
        removed.push(lock.pid!);
    }
    return removed;
}

/**
 * What is safe before every CLI run on the file backend in `dir`: repair damaged sidecars, then remove the stack's
 * locks of dead runs. Changes nothing when nothing is wrong.
 */
export function repairBeforeRun(dir: string, stack: string, log: (msg: string) => void, project = "ovirt-ci"): void {
    repairSidecars(dir, log);
    clearStaleLocks(dir, stack, log, project);
}
