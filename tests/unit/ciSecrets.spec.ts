import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { isSecret, registrations, settle, useMocks } from "../helpers/mocks";

const SD = "66666666-7777-8888-9999-000000000000";

describe("CiSecrets (mocks)", () => {
    before(() => useMocks());
    beforeEach(() => {
        registrations.length = 0;
    });

    async function make(extra: Record<string, unknown> = {}) {
        const { CiSecrets } = await import("../../components/ciSecrets");
        const { renderLeaseFile } = await import("../../lib/render/leaseFile");
        const { renderUpgradeLeaseFile } = await import("../../lib/render/upgradeLeaseFile");
        const { lease, DEFAULT_ADDRESSING, DEFAULT_NAMING } = await import("../../lib/leaseModel");
        const scheme = { baseDomain: "example.com", addressing: DEFAULT_ADDRESSING, naming: DEFAULT_NAMING };
        const ids = { clusterId: "11111111-2222-3333-4444-555555555555", storageDomainId: SD };
        return new CiSecrets("ci-profile", {
            leaseFiles: {
                "ovirt-10.json": renderLeaseFile(lease(10, scheme), ids),
                "ovirt-11.json": renderLeaseFile(lease(11, scheme), ids),
            },
            upgradeLeaseFiles: { "ovirt-upgrade-1.json": renderUpgradeLeaseFile(SD) },
            ovirtConf: {
                engineUrl: "https://engine.example.com/ovirt-engine/api",
                engineUsername: "admin@internal",
                enginePassword: pulumi.secret("engine-password"),
                baseDomain: "example.com",
                storageDomainId: SD,
            },
            pullSecret: pulumi.secret('{"auths":{"quay.io":{"auth":"eDp5"}}}'),
            sshPublicKey: pulumi.secret("ssh-ed25519 AAAAC3 ci@ovirt"),
            sshPrivateKey: pulumi.secret("-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n"),
            ...extra,
        });
    }

    it("registers one component and exactly one vault SecretV2 with the contract's mount and path", async () => {
        const profile = await make();
        await settle(profile.keys);
        await settle(profile.secret.id);
        assert.deepEqual(
            registrations.map((r) => [r.type, r.name]),
            [
                ["ovirt-ci:ciSecrets:CiSecrets", "ci-profile"],
                ["vault:kv/secretV2:SecretV2", "ci-profile-item"],
            ],
        );
        const item = registrations[1];
        assert.equal(item.inputs.mount, "kv");
        assert.equal(item.inputs.name, "selfservice/ovirt/cluster-secrets-ovirt");
        assert.equal(await settle(profile.itemPath), "kv/selfservice/ovirt/cluster-secrets-ovirt");
        // What the CI collection's token allows (local/ci-secret-collection-policy.hcl): no metadata read, delete
        // only through the metadata path.
        assert.equal(item.inputs.disableRead, true);
        assert.equal(item.inputs.deleteAllVersions, true);
    });

    it("writes exactly the profile files plus the two secretsync keys", async () => {
        const profile = await make();
        const data = JSON.parse(await settle(profile.secret.dataJson as pulumi.Output<string>)) as Record<
            string,
            string
        >;
        const expected = [
            "ovirt-10.json",
            "ovirt-11.json",
            "ovirt-upgrade-1.json",
            "ovirt.conf",
            "pull-secret",
            "secretsync/target-name",
            "secretsync/target-namespace",
            "send-event-to-ovirt.sh",
            "ssh-privatekey",
            "ssh-publickey",
        ];
        assert.deepEqual(Object.keys(data).sort(), expected);
        assert.deepEqual(await settle(profile.keys), expected);
        assert.equal(data["secretsync/target-namespace"], "ci");
        assert.equal(data["secretsync/target-name"], "cluster-secrets-ovirt");
        assert.equal(JSON.parse(data["ovirt-11.json"]).ovirt_apivip, "192.168.211.30");
        assert.ok(data["ovirt.conf"].includes("OVIRT_ENGINE_PASSWORD='engine-password'\n"));
        assert.ok(!data["ovirt.conf"].includes("OVIRT_ENGINE_CLUSTER_ID"));
        assert.ok(data["send-event-to-ovirt.sh"].includes("function send_event_to_ovirt()"));
        assert.equal(data["ssh-publickey"], "ssh-ed25519 AAAAC3 ci@ovirt");
    });

    it("keeps dataJson secret, even when every input is plain", async () => {
        const profile = await make({
            pullSecret: "plain-pull-secret",
            sshPublicKey: "ssh-ed25519 plain",
            sshPrivateKey: "plain private key",
        });
        assert.equal(await isSecret(profile.secret.dataJson as pulumi.Output<string>), true);
        assert.equal(await isSecret(profile.keys), false);
    });

    it("honours mount, path, targetClusters and a missing pull secret", async () => {
        const profile = await make({
            mount: "secret",
            path: "a/b",
            targetClusters: "build01,build02",
            pullSecret: undefined,
        });
        const data = JSON.parse(await settle(profile.secret.dataJson as pulumi.Output<string>)) as Record<
            string,
            string
        >;
        assert.equal(registrations[1].inputs.mount, "secret");
        assert.equal(registrations[1].inputs.name, "a/b");
        assert.equal(data["secretsync/target-clusters"], "build01,build02");
        assert.ok(!("pull-secret" in data));
    });

    it("rejects misnamed lease files and colliding extra files", async () => {
        await assert.rejects(make({ leaseFiles: { "ovirt10.json": "{}" } }), /must be named ovirt-N.json/);
        await assert.rejects(make({ extraFiles: { "ovirt.conf": "x=1" } }), /ovirt.conf is given twice/);
    });
});

describe("GeneratedCredentials (mocks)", () => {
    before(() => useMocks());
    beforeEach(() => {
        registrations.length = 0;
    });

    it("creates one RandomPassword without special characters, as a secret", async () => {
        const { GeneratedCredentials } = await import("../../components/generatedCredentials");
        const creds = new GeneratedCredentials("creds");
        assert.equal(await isSecret(creds.haproxyStatsPassword), true);
        await settle(creds.haproxyStatsPassword);
        const pw = registrations.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
        assert.deepEqual(
            pw.map((r) => [r.name, r.inputs.length, r.inputs.special]),
            [["creds-haproxy-stats", 24, false]],
        );
    });
});
