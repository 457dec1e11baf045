/**
 * A SeaweedFS S3 store on loopback: the bucket the `ci` stack's state lives in, stood in by a real S3
 * implementation (tests/s3, `npm run up:local -- --backend s3`, docs/local.md).
 *
 * `weed server -s3` rather than `weed mini`: mini also starts WebDAV, an admin UI with a maintenance worker and plugin
 * worker, an Iceberg and a Lance endpoint, and moves any busy default port to the next free one by itself (weed/command/
 * mini.go, `ensureAllPortsAvailableOnIP`), saving its choices in the data dir; `server -s3` starts exactly master,
 * volume server, filer and S3 gateway, each on the port it is given. Facts from weed/command/server.go and s3api of
 * SeaweedFS 4.53 (tools/versions.env):
 * - every service has an HTTP port and a gRPC port that defaults to HTTP + 10000; all eight are passed explicitly here,
 *   chosen free at start. `-s3.port.iceberg` (8181) and `-s3.port.lance` (9101) are on by default: set to 0 (off).
 *   `-metricsPort` 0 and no `-debug` serve neither metrics nor pprof.
 * - `-master.telemetry` is on by default (reports to telemetry.seaweedfs.com): set to false.
 * - `-ip.bind` 127.0.0.1 binds every listener to loopback (the S3 gateway's `-s3.ip.bind` defaults to it).
 * - the gRPC services also listen on Unix sockets `/tmp/seaweedfs-<service>-grpc-<port>.sock` (not configurable;
 *   removed after the stop: the master's stays behind otherwise),
 *   the filer and S3 gateway on `/tmp/seaweedfs-{filer,s3}-<port>.sock` (moved into the data dir here).
 * - the S3 gateway takes AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from its environment as an admin identity
 *   (s3api/auth_credentials.go, `loadEnvironmentVariableCredentials`); requests without a valid signature are refused.
 * - bucket versioning (`PutBucketVersioning`, `ListObjectVersions`, `GetObject`/`CopyObject` by version id) and
 *   lifecycle configuration are served (s3api/s3api_server.go routes).
 *
 * The bucket is made and its versioning enabled with the AWS CLI (`aws s3api`, scripts/setup.sh installs it): the
 * same commands docs/operator.md gives for the real bucket.
 */
import { spawn, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { S3Bucket, aws, awsCli } from "../scripts/lib/s3Backend";
import { freePort } from "./openbao";

/** The credentials of the S3 store (the variables the Pulumi CLI and the AWS CLI read). */
export interface S3Credentials {
    accessKeyId: string;
    secretAccessKey: string;
}

/** The region the local store answers for (any name works; the backend URL names it as the `ci` stack's does). */
export const S3_REGION = "us-east-1";

/** Where the S3 store listens and which bucket holds the state. */
export interface S3Store {
    /** `127.0.0.1:<port>` of the S3 gateway. */
    endpoint: string;
    bucket: string;
    credentials: S3Credentials;
}

/** The ports of one `weed server -s3`: HTTP and gRPC of each service. */
export interface SeaweedPorts {
    master: number;
    masterGrpc: number;
    volume: number;
    volumeGrpc: number;
    filer: number;
    filerGrpc: number;
    s3: number;
    s3Grpc: number;
}

/** `weed` from scripts/setup.sh (tools/seaweedfs/build.sh), found on PATH. */
export function weedBinary(): string {
    const found = (process.env.PATH ?? "")
        .split(path.delimiter)
        .map((d) => path.join(d, "weed"))
        .find((p) => fs.existsSync(p));
    if (!found)
        throw new Error(
            "SeaweedFS's `weed` is not on PATH: run scripts/setup.sh (it builds weed, ≈ 17 min cold), then source scripts/lib/env.sh",
        );
    return found;
}

/** Eight distinct free loopback ports. */
export async function freeSeaweedPorts(): Promise<SeaweedPorts> {
    const taken = new Set<number>();
    const next = async () => {
        for (;;) {
            const p = await freePort();
            if (!taken.has(p)) {
                taken.add(p);
                return p;
            }
        }
    };
    return {
        master: await next(),
        masterGrpc: await next(),
        volume: await next(),
        volumeGrpc: await next(),
        filer: await next(),
        filerGrpc: await next(),
        s3: await next(),
        s3Grpc: await next(),
    };
}

/** The command line of `weed server -s3` on loopback with its data in `dataDir` (module doc for each flag). */
export function seaweedArgs(dataDir: string, p: SeaweedPorts): string[] {
    return [
        "-logtostderr=true",
        `-config_dir=${dataDir}`,
        "server",
        "-s3",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        `-dir=${dataDir}`,
        "-master.telemetry=false",
        `-master.port=${p.master}`,
        `-master.port.grpc=${p.masterGrpc}`,
        // small volumes: the state is a few MB; the default 30 GB limit makes the master reserve space it never needs
        "-master.volumeSizeLimitMB=64",
        `-volume.port=${p.volume}`,
        `-volume.port.grpc=${p.volumeGrpc}`,
        // the default 10 s between the last heartbeat and the stop only matters in a cluster
        "-volume.preStopSeconds=0",
        `-filer.port=${p.filer}`,
        `-filer.port.grpc=${p.filerGrpc}`,
        `-filer.localSocket=${path.join(dataDir, "filer.sock")}`,
        `-s3.port=${p.s3}`,
        `-s3.port.grpc=${p.s3Grpc}`,
        `-s3.localSocket=${path.join(dataDir, "s3.sock")}`,
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ];
}

/** Removes the gRPC Unix sockets weed leaves in /tmp after it exited (the master's survives a SIGTERM). */
export function removeSeaweedSockets(p: SeaweedPorts): void {
    for (const [service, port] of [
        ["master", p.masterGrpc],
        ["volume", p.volumeGrpc],
        ["filer", p.filerGrpc],
        ["s3", p.s3Grpc],
    ] as const)
        fs.rmSync(`/tmp/seaweedfs-${service}-grpc-${port}.sock`, { force: true });
}

/** The environment of `weed` (its S3 admin identity) and of every S3 client (the Pulumi CLI, the AWS CLI). */
export function s3Env(c: S3Credentials): Record<string, string> {
    return {
        AWS_ACCESS_KEY_ID: c.accessKeyId,
        AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
        AWS_REGION: S3_REGION,
        // no instance-metadata lookups (the AWS SDKs read these variables before any profile)
        AWS_EC2_METADATA_DISABLED: "true",
    };
}

/**
 * The Pulumi CLI's backend URL of `prefix` in the store's bucket: the `ci` stack's URL shape with the endpoint of a
 * plain-HTTP, path-style S3 (gocloud.dev s3blob URL options, pkg/backend/diy/backend.go passes them through).
 */
export function s3BackendUrl(s: S3Store, prefix = ""): string {
    const where = prefix ? `${s.bucket}/${prefix.replace(/^\/+|\/+$/g, "")}` : s.bucket;
    return `s3://${where}?endpoint=${s.endpoint}&disableSSL=true&s3ForcePathStyle=true&region=${S3_REGION}`;
}

/** How the AWS CLI (scripts/lib/s3Backend.ts) reaches the store's bucket. */
export function storeBucket(s: S3Store): S3Bucket {
    return { bucket: s.bucket, endpointUrl: `http://${s.endpoint}`, region: S3_REGION, env: s3Env(s.credentials) };
}

/** Creates the bucket when it is not there and turns its versioning on (both idempotent; docs/operator.md's commands). */
export async function ensureVersionedBucket(s: S3Store): Promise<void> {
    const b = storeBucket(s);
    const head = await awsCli(b, ["s3api", "head-bucket", "--bucket", s.bucket]);
    if (head.code !== 0) await aws(b, ["s3api", "create-bucket", "--bucket", s.bucket]);
    await aws(b, [
        "s3api",
        "put-bucket-versioning",
        "--bucket",
        s.bucket,
        "--versioning-configuration",
        "Status=Enabled",
    ]);
    const v = (await aws(b, ["s3api", "get-bucket-versioning", "--bucket", s.bucket])) as { Status?: string };
    if (v?.Status !== "Enabled")
        throw new Error(`bucket ${s.bucket}: versioning is ${JSON.stringify(v?.Status)} after enabling it`);
}

/** The bucket and key prefix of the local default's S3 state: the `ci` stack's layout (`s3://<bucket>/ovirt-ci`). */
export const LOCAL_S3_BUCKET = "ovirt-ci-state";
export const LOCAL_S3_PREFIX = "ovirt-ci";

/**
 * The backend URL and credentials of the local default's S3 state when its last `up` used `--backend s3` (the files
 * scripts/local.ts keeps in `localDir`: `backend`, `seaweedfs-ports.json`, `s3-credentials.json`); else undefined.
 */
export function localS3Backend(localDir: string): Record<string, string> | undefined {
    const read = (name: string) => fs.readFileSync(path.join(localDir, name), "utf8");
    if (!fs.existsSync(path.join(localDir, "backend")) || read("backend").trim() !== "s3") return undefined;
    const ports = JSON.parse(read("seaweedfs-ports.json")) as SeaweedPorts;
    const credentials = JSON.parse(read("s3-credentials.json")) as S3Credentials;
    const store: S3Store = { endpoint: `127.0.0.1:${ports.s3}`, bucket: LOCAL_S3_BUCKET, credentials };
    return { PULUMI_BACKEND_URL: s3BackendUrl(store, LOCAL_S3_PREFIX), ...s3Env(credentials) };
}

/** Whether the S3 gateway answers its health probe (s3api `/healthz`). */
export async function s3Healthy(endpoint: string): Promise<boolean> {
    try {
        return (await fetch(`http://${endpoint}/healthz`, { signal: AbortSignal.timeout(3000) })).ok;
    } catch {
        return false;
    }
}

/** A running `weed server -s3` with a versioned bucket. */
export interface RunningSeaweed extends S3Store {
    pid: number;
    dataDir: string;
    ports: SeaweedPorts;
    /** The last lines of its output (for error messages). */
    output(): string;
    /** SIGTERM, and SIGKILL after 15 s; resolves when it has exited. */
    stop(): Promise<void>;
}

/** Options of {@link startSeaweed}. */
export interface SeaweedOptions {
    /** Its data (volumes, filer store, master metadata); must exist. */
    dataDir: string;
    bucket: string;
    credentials: S3Credentials;
    /** Seconds to wait for the S3 gateway. @default 120 (a busy 2-core machine starts it in 5–20 s) */
    readySeconds?: number;
}

/** Starts `weed server -s3` as a child of this process, waits for its S3 gateway and makes the versioned bucket. */
export async function startSeaweed(o: SeaweedOptions): Promise<RunningSeaweed> {
    const bin = weedBinary();
    const ports = await freeSeaweedPorts();
    const child: ChildProcess = spawn(bin, seaweedArgs(o.dataDir, ports), {
        cwd: o.dataDir,
        env: { ...process.env, ...s3Env(o.credentials) },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const tail = () => output.split("\n").slice(-20).join("\n");
    const stop = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
        removeSeaweedSockets(ports);
    };
    const store: S3Store = { endpoint: `127.0.0.1:${ports.s3}`, bucket: o.bucket, credentials: o.credentials };
    try {
        await waitS3(store.endpoint, () => child.exitCode, tail, o.readySeconds ?? 120);
        await ensureVersionedBucket(store);
    } catch (e) {
        await stop();
        throw e;
    }
    return { ...store, pid: child.pid!, dataDir: o.dataDir, ports, output: tail, stop };
}

/** Waits for the S3 gateway on `endpoint`; fails early when the process exited (`exitCode` not null). */
export async function waitS3(
    endpoint: string,
    exitCode: () => number | null,
    output: () => string,
    seconds: number,
): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        if (exitCode() !== null)
            throw new Error(`weed exited with code ${exitCode()} before its S3 gateway answered:\n${output()}`);
        if (await s3Healthy(endpoint)) return;
        if (Date.now() > deadline)
            throw new Error(`weed's S3 gateway did not answer on ${endpoint} within ${seconds} s:\n${output()}`);
        await new Promise((r) => setTimeout(r, 250));
    }
}
