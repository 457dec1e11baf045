/**
 * The Pulumi CLI's S3 backend (`s3://<bucket>[/<prefix>]?…`, the `ci` stack's state) as `npm run recover`,
 * `npm run up:local -- --backend s3` and tests/s3 reach it: the URL, the stack's keys, its locks and the versions of
 * its checkpoint, read and written with the AWS CLI (`aws s3api`, the commands docs/operator.md gives the operator).
 *
 * Facts from the sources of the versions we pin (CLI v3.274.1, gocloud.dev as in scripts/lib/fileBackend.ts):
 * - The DIY backend opens the URL with gocloud.dev's blob mux; a path after the bucket is a key prefix
 *   (pkg/backend/diy/backend.go, `blob.PrefixedBucket`); the query options `endpoint`, `disableSSL`,
 *   `s3ForcePathStyle`, `region` are gocloud.dev s3blob's (blob/s3blob, `URLOpener`), the credentials the AWS SDK's
 *   (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, or a profile).
 * - The layout under the prefix is the file backend's (`.pulumi/stacks/<project>/<stack>.json`, `.bak`, history,
 *   backups, `locks/organization/<project>/<stack>/<lockId>.json`); a lock is one object `{pid, username, hostname,
 *   timestamp}` written before and deleted after every update, and the CLI lists the lock prefix to find them
 *   (pkg/backend/diy/lock.go). A delete on a versioned bucket leaves a delete marker, which a listing does not show.
 * - Each checkpoint write is one PUT of the whole object (`bucket.WriteAll`): with versioning on, one object version
 *   per write.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StackLock, classifyLock } from "./fileBackend";
import { ToolRun, runTool } from "./runTool";

/** A bucket and how the AWS CLI reaches it. */
export interface S3Bucket {
    bucket: string;
    /** `http(s)://host:port` of an S3 store other than AWS's. */
    endpointUrl?: string;
    region?: string;
    /** Variables on top of process.env for the AWS CLI (credentials of a local store). */
    env?: Record<string, string>;
}

/** Where a backend URL keeps the state: a bucket and the key prefix (empty or without slashes at the ends). */
export interface S3Backend extends S3Bucket {
    prefix: string;
}

/** The bucket, prefix, endpoint and region of an `s3://` backend URL, or undefined for any other backend. */
export function parseS3BackendUrl(url: string | undefined): S3Backend | undefined {
    if (!url?.startsWith("s3://")) return undefined;
    const [where, query = ""] = url.slice("s3://".length).split("?", 2);
    const [bucket, ...rest] = where.split("/");
    if (!bucket)
        throw new Error(
            `backend ${JSON.stringify(url)} names no bucket. Fix: PULUMI_BACKEND_URL=s3://<bucket>[/<prefix>]`,
        );
    const q = new URLSearchParams(query);
    const endpoint = q.get("endpoint");
    const tls = q.get("disableSSL") !== "true";
    return {
        bucket,
        prefix: rest.join("/").replace(/^\/+|\/+$/g, ""),
        endpointUrl: endpoint
            ? /^https?:\/\//.test(endpoint)
                ? endpoint
                : `${tls ? "https" : "http"}://${endpoint}`
            : undefined,
        region: q.get("region") ?? undefined,
    };
}

/** Runs `aws <args>` against the bucket's store (JSON output); never throws on exit ≠ 0. */
export function awsCli(b: S3Bucket, args: string[], input?: Buffer | string): Promise<ToolRun> {
    const where = [
        ...(b.endpointUrl ? ["--endpoint-url", b.endpointUrl] : []),
        ...(b.region ? ["--region", b.region] : []),
    ];
    return runTool("aws", [...where, "--output", "json", ...args], {
        env: { ...process.env, ...b.env },
        input,
        missing: () =>
            new Error(
                "the AWS CLI `aws` is not on PATH: run scripts/setup.sh (it installs it from PyPI), then source scripts/lib/env.sh",
            ),
    });
}

/** {@link awsCli} that throws with the command and the CLI's message on exit ≠ 0; the parsed JSON output (or undefined). */
export async function aws(b: S3Bucket, args: string[], input?: Buffer | string): Promise<unknown> {
    const r = await awsCli(b, args, input);
    if (r.code !== 0)
        throw new Error(
            `aws ${args.join(" ")}${b.endpointUrl ? ` (endpoint ${b.endpointUrl})` : ""} failed (exit ${r.code}): ${r.stderr.trim()}`,
        );
    return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
}

/** The keys of one stack in the bucket. */
export interface S3StackKeys {
    checkpoint: string;
    bak: string;
    historyPrefix: string;
    backupsPrefix: string;
    lockPrefix: string;
}

/** Where the backend keeps the stack `stack` of project `project`. */
export function s3StackKeys(prefix: string, project: string, stack: string): S3StackKeys {
    const bk = prefix ? `${prefix}/.pulumi` : ".pulumi";
    const checkpoint = `${bk}/stacks/${project}/${stack}.json`;
    return {
        checkpoint,
        bak: `${checkpoint}.bak`,
        historyPrefix: `${bk}/history/${project}/${stack}/`,
        backupsPrefix: `${bk}/backups/${project}/${stack}/`,
        lockPrefix: `${bk}/locks/organization/${project}/${stack}/`,
    };
}

/** The current keys under `prefix` (delete-marked ones left out), sorted. */
export async function listKeys(b: S3Bucket, prefix: string): Promise<string[]> {
    const out = (await aws(b, ["s3api", "list-objects-v2", "--bucket", b.bucket, "--prefix", prefix])) as {
        Contents?: { Key: string }[];
    };
    return (out?.Contents ?? []).map((o) => o.Key).sort();
}

/** An object's text (of `versionId`, else the current version), or undefined when there is none. */
export async function getObjectText(b: S3Bucket, key: string, versionId?: string): Promise<string | undefined> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-s3-"));
    try {
        const out = path.join(tmp, "object");
        const r = await awsCli(b, [
            "s3api",
            "get-object",
            "--bucket",
            b.bucket,
            "--key",
            key,
            ...(versionId ? ["--version-id", versionId] : []),
            out,
        ]);
        if (r.code !== 0) {
            if (/NoSuchKey|Not Found|\(404\)/.test(r.stderr)) return undefined;
            throw new Error(`aws s3api get-object ${b.bucket}/${key} failed (exit ${r.code}): ${r.stderr.trim()}`);
        }
        return fs.readFileSync(out, "utf8");
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** One version of an object, as `list-object-versions` names it. */
export interface ObjectVersion {
    key: string;
    versionId: string;
    isLatest: boolean;
    lastModified: string;
    size: number;
}

/**
 * The versions of the objects under `prefix` (delete markers left out) in the order S3 lists them: by key, and for
 * each key the newest first (the current one first). LastModified has whole seconds and cannot order them.
 */
export async function objectVersions(b: S3Bucket, prefix: string): Promise<ObjectVersion[]> {
    const out = (await aws(b, ["s3api", "list-object-versions", "--bucket", b.bucket, "--prefix", prefix])) as {
        Versions?: { Key: string; VersionId: string; IsLatest: boolean; LastModified: string; Size: number }[];
    };
    return (out?.Versions ?? []).map((v) => ({
        key: v.Key,
        versionId: v.VersionId,
        isLatest: v.IsLatest,
        lastModified: v.LastModified,
        size: v.Size,
    }));
}

/** The locks of a stack in the bucket, classified as the file backend's are ({@link classifyLock}). */
export async function s3StackLocks(b: S3Backend, project: string, stack: string): Promise<StackLock[]> {
    const keys = (await listKeys(b, s3StackKeys(b.prefix, project, stack).lockPrefix)).filter((k) =>
        k.endsWith(".json"),
    );
    const out: StackLock[] = [];
    for (const key of keys) {
        const text = await getObjectText(b, key);
        if (text !== undefined) out.push(classifyLock(key, text));
    }
    return out;
}

/**
 * Removes the stack's locks left by a pulumi run that was killed on this machine (its pid is gone); a live run's lock
 * and another machine's stay. Returns the dead runs' pids.
 */
export async function clearStaleS3Locks(
    b: S3Backend,
    project: string,
    stack: string,
    log: (msg: string) => void,
): Promise<number[]> {
    const removed: number[] = [];
    for (const lock of (await s3StackLocks(b, project, stack)).filter((l) => l.holder === "dead")) {
        await aws(b, ["s3api", "delete-object", "--bucket", b.bucket, "--key", lock.file]);
        log(
            `stack ${stack}: removed the lock s3://${b.bucket}/${lock.file} of a pulumi run that was killed on this machine (pid ${lock.pid}, ${lock.timestamp})`,
        );
        removed.push(lock.pid!);
    }
    return removed;
}
