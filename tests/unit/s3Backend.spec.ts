// The S3 backend's URL and layout (scripts/lib/s3Backend.ts) and the local default's S3 state (local/seaweedfs.ts):
// what recover, the drill and up:local derive from PULUMI_BACKEND_URL. The store itself: tests/s3.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseS3BackendUrl, s3StackKeys } from "../../scripts/lib/s3Backend";
import { localS3Backend, s3BackendUrl, seaweedArgs } from "../../local/seaweedfs";

describe("s3 backend: URL and layout", () => {
    it("parses the ci stack's URL shape: bucket, prefix, endpoint (http with disableSSL), region", () => {
        assert.deepEqual(
            parseS3BackendUrl(
                "s3://ovirt-ci-state/ovirt-ci?endpoint=127.0.0.1:8333&disableSSL=true&s3ForcePathStyle=true&region=us-east-1",
            ),
            { bucket: "ovirt-ci-state", prefix: "ovirt-ci", endpointUrl: "http://127.0.0.1:8333", region: "us-east-1" },
        );
        assert.deepEqual(parseS3BackendUrl("s3://b"), {
            bucket: "b",
            prefix: "",
            endpointUrl: undefined,
            region: undefined,
        });
        assert.equal(parseS3BackendUrl("s3://b/a/c/?endpoint=s3.example.test")?.endpointUrl, "https://s3.example.test");
        assert.equal(parseS3BackendUrl("s3://b/a/c/")?.prefix, "a/c");
        assert.equal(parseS3BackendUrl("file:///tmp/x"), undefined);
        assert.equal(parseS3BackendUrl(undefined), undefined);
        assert.throws(() => parseS3BackendUrl("s3:///x"), /names no bucket.*Fix: PULUMI_BACKEND_URL=s3:\/\/<bucket>/);
    });

    it("keeps a stack where the CLI's DIY backend does, under the prefix", () => {
        assert.deepEqual(s3StackKeys("ovirt-ci", "ovirt-ci", "ci"), {
            checkpoint: "ovirt-ci/.pulumi/stacks/ovirt-ci/ci.json",
            bak: "ovirt-ci/.pulumi/stacks/ovirt-ci/ci.json.bak",
            historyPrefix: "ovirt-ci/.pulumi/history/ovirt-ci/ci/",
            backupsPrefix: "ovirt-ci/.pulumi/backups/ovirt-ci/ci/",
            lockPrefix: "ovirt-ci/.pulumi/locks/organization/ovirt-ci/ci/",
        });
        assert.equal(s3StackKeys("", "p", "s").checkpoint, ".pulumi/stacks/p/s.json");
    });

    it("the local default's S3 state: found only after an up with --backend s3, with its URL and key pair", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-local-"));
        try {
            assert.equal(localS3Backend(dir), undefined);
            fs.writeFileSync(path.join(dir, "backend"), "file\n");
            assert.equal(localS3Backend(dir), undefined);
            fs.writeFileSync(path.join(dir, "backend"), "s3\n");
            fs.writeFileSync(path.join(dir, "seaweedfs-ports.json"), JSON.stringify({ s3: 40123 }));
            fs.writeFileSync(
                path.join(dir, "s3-credentials.json"),
                JSON.stringify({ accessKeyId: "k", secretAccessKey: "s" }),
            );
            const env = localS3Backend(dir)!;
            assert.equal(
                env.PULUMI_BACKEND_URL,
                "s3://ovirt-ci-state/ovirt-ci?endpoint=127.0.0.1:40123&disableSSL=true&s3ForcePathStyle=true&region=us-east-1",
            );
            assert.equal(env.AWS_ACCESS_KEY_ID, "k");
            assert.equal(env.AWS_SECRET_ACCESS_KEY, "s");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        assert.equal(
            s3BackendUrl({
                endpoint: "127.0.0.1:1",
                bucket: "b",
                credentials: { accessKeyId: "", secretAccessKey: "" },
            }),
            "s3://b?endpoint=127.0.0.1:1&disableSSL=true&s3ForcePathStyle=true&region=us-east-1",
        );
    });

    it("weed server -s3 on loopback: every port given, telemetry, Iceberg and Lance off", () => {
        const p = { master: 1, masterGrpc: 2, volume: 3, volumeGrpc: 4, filer: 5, filerGrpc: 6, s3: 7, s3Grpc: 8 };
        const args = seaweedArgs("/tmp/w", p);
        for (const flag of [
            "server",
            "-s3",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-master.telemetry=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-dir=/tmp/w",
            "-master.port=1",
            "-master.port.grpc=2",
            "-volume.port=3",
            "-volume.port.grpc=4",
            "-filer.port=5",
            "-filer.port.grpc=6",
            "-s3.port=7",
            "-s3.port.grpc=8",
        ])
            assert.ok(args.includes(flag), flag);
        assert.ok(!args.some((a) => /metricsPort=[1-9]|^-debug$|-webdav|-admin/.test(a)));
    });
});
