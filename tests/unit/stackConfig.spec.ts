import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { CONFIG_KEYS, ConfigError, validateConfig } from "../../lib/config";
import { undeclaredKeys } from "../../lib/configDocs";
import { isSecret, settle, useMocks } from "../helpers/mocks";

const root = path.join(__dirname, "..", "..");
const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config: Record<string, { type?: string; secret?: boolean; default?: unknown; items?: unknown }>;
};
const stack = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.ci.yaml"), "utf8")) as {
    secretsprovider: string;
    config: Record<string, unknown>;
};

/** What the CLI hands the program: stack values plus Pulumi.yaml defaults, objects as JSON text, scalars as text. */
function asPulumiConfig(values: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, spec] of Object.entries(project.config)) {
        if (spec.default !== undefined) {
            out[`ovirt-ci:${key}`] =
                typeof spec.default === "object" ? JSON.stringify(spec.default) : String(spec.default);
        }
    }
    for (const [key, value] of Object.entries(values)) {
        out[key] = typeof value === "object" ? JSON.stringify(value) : String(value);
    }
    return out;
}

describe("Pulumi.yaml and lib/config.ts agree", () => {
    it("is project ovirt-ci on nodejs with TypeScript", () => {
        assert.equal(project.name, "ovirt-ci");
    });

    it("declares every key with the same secret flag, type and default", () => {
        const declared = CONFIG_KEYS.filter((k) => !undeclaredKeys().includes(k.key));
        assert.deepEqual(Object.keys(project.config).sort(), declared.map((k) => k.key).sort());
        for (const spec of declared) {
            const declared = project.config[spec.key];
            assert.equal(declared.secret ?? false, spec.secret, `${spec.key}: secret flag`);
            assert.equal(declared.type, spec.type === "leaseSet" ? undefined : spec.type, `${spec.key}: type`);
            if (!spec.secret) {
                assert.deepEqual(declared.default, spec.default, `${spec.key}: default`);
            }
        }
    });
});

describe("Pulumi.ci.yaml", () => {
    it("uses the passphrase secrets provider and holds no secret values", () => {
        assert.equal(stack.secretsprovider, "passphrase");
        for (const spec of CONFIG_KEYS.filter((k) => k.secret)) {
            assert.ok(!(`ovirt-ci:${spec.key}` in stack.config), spec.key);
        }
        assert.ok(!("encryptionsalt" in stack));
    });

    it("is accepted by validateConfig, with the contract's environment", () => {
        // The program reads only its own namespace; the provider keys (vault:…) are the plugins'.
        const c = validateConfig(
            Object.fromEntries(Object.entries(stack.config).filter(([k]) => k.startsWith("ovirt-ci:"))),
        );
        assert.equal(
            stack.config["vault:skipChildToken"],
            true,
            "the CI collection's token may not create child tokens",
        );
        assert.equal(c.engineUrl, "https://ovirt-engine.ocp-on-ovirt.gcp.devcluster.openshift.com/ovirt-engine/api");
        assert.equal(c.baseDomain, "gcp.devcluster.openshift.com");
        assert.deepEqual([c.dataCenter, c.cluster, c.mainStorageDomain], ["OCP-45", "OCP-45", "nfs-ovirt45"]);
        assert.deepEqual(
            c.leases,
            Array.from({ length: 14 }, (_, i) => 10 + i),
        );
        assert.deepEqual(c.upgradeLeases, [1, 2, 3, 4, 5, 6]);
        assert.equal(c.hosts.length, 10);
        assert.ok(
            c.hosts.every(
                (h) =>
                    h.cpuCores === 96 &&
                    h.memoryGiB === 96 &&
                    /^baremetal\d\d\.ocp-on-ovirt\.gcp\.devcluster\.openshift\.com$/.test(h.address),
            ),
        );
        assert.equal(c.capacity.fits, true);
        // the live proxy as the playbooks built it (docs/live-environment.md): adopting it changes nothing
        assert.equal(c.proxyVm.name, "proxy-vm-45");
        assert.equal(c.proxyVm.memoryMiB, 2048);
        assert.equal(c.proxyVm.biosType, "i440fx_sea_bios");
        assert.deepEqual(
            [c.proxyVm.externalAddress, c.proxyVm.externalPrefixLength, c.proxyVm.externalGateway],
            ["52.117.142.2", 28, "52.117.142.1"],
        );
        assert.equal(c.proxyVm.layout, "playbooks");
        assert.deepEqual(
            c.proxyVm.playbooksLeases.map((l) => `${l.lease}:${l.nic}`),
            c.leases.map((n, i) => `${n}:eth${i + 1}`),
        );
        assert.equal(stack.config["vault:address"], "https://vault.ci.openshift.org");
    });
});

describe("loadConfig (mocks)", () => {
    const secrets = {
        "ovirt-ci:enginePassword": "engine-password",
        "ovirt-ci:ciEnginePassword": "ci-engine-password",
        "ovirt-ci:pullSecret": '{"auths":{}}',
        "ovirt-ci:sshPublicKey": "ssh-ed25519 AAAA ci",
        "ovirt-ci:sshPrivateKey":
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
        "ovirt-ci:proxyAdminSshPublicKey": "ssh-ed25519 BBBB ovirt-ci-admin",
        "ovirt-ci:proxyAdminSshPrivateKey":
            "-----BEGIN OPENSSH PRIVATE KEY-----\nYWRtaW4ta2V5AAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    };

    it("reads Pulumi.ci.yaml as the CLI passes it, secrets as secret Outputs", async () => {
        await useMocks({ ...asPulumiConfig(stack.config), ...secrets }, Object.keys(secrets));
        const { loadConfig } = await import("../../lib/config");
        const c = loadConfig();
        assert.equal(c.leases.length, 14);
        assert.equal(c.memoryOvercommitPercent, 150);
        for (const [name, o] of Object.entries(c.secrets)) {
            assert.equal(await isSecret(o!), true, name);
        }
        assert.equal(await settle(c.secrets.enginePassword), "engine-password");
    });

    it("lists missing secrets and invalid values together, before any resource", async () => {
        await useMocks({
            ...asPulumiConfig(stack.config),
            "ovirt-ci:engineUrl": "https://x/ovirt-engine/api/",
            "ovirt-ci:leaseNumbers": "[1]",
        });
        const { loadConfig } = await import("../../lib/config");
        assert.throws(
            () => loadConfig(),
            (e: unknown) => {
                assert.ok(e instanceof ConfigError);
                assert.deepEqual(e.problems.map((p) => p.key).sort(), [
                    "ciEnginePassword",
                    "enginePassword",
                    "engineUrl",
                    "leaseNumbers",
                    "proxyAdminSshPrivateKey",
                    "proxyAdminSshPublicKey",
                    "pullSecret",
                    "sshPrivateKey",
                    "sshPublicKey",
                ]);
                assert.match(
                    e.message,
                    /ovirt-ci:enginePassword: is required \(secret\); got nothing \(unset\)\. Fix: run: pulumi config set --secret enginePassword <value>/,
                );
                return true;
            },
        );
    });

    it("never shows the value of an unknown key (a secret under a mistyped name)", async () => {
        const typo = { "ovirt-ci:sshPrivatKey": secrets["ovirt-ci:sshPrivateKey"] };
        await useMocks({ ...asPulumiConfig(stack.config), ...secrets, ...typo }, [
            ...Object.keys(secrets),
            ...Object.keys(typo),
        ]);
        const { loadConfig } = await import("../../lib/config");
        assert.throws(
            () => loadConfig(),
            (e: unknown) => {
                assert.ok(e instanceof ConfigError);
                assert.ok(!e.message.includes("b3BlbnNzaC1rZXktdjEAAAAA"), e.message);
                assert.match(
                    e.message,
                    /ovirt-ci:sshPrivatKey: unknown key \(did you mean "sshPrivateKey"\?\); got "\[not shown: an unknown key may hold a secret; \d+ characters\]"\. Fix: rename it to "sshPrivateKey"/,
                );
                return true;
            },
        );
    });

    it("does not require pullSecret when the platform seeds it", async () => {
        const { "ovirt-ci:pullSecret": _omitted, ...rest } = secrets;
        await useMocks(
            { ...asPulumiConfig(stack.config), ...rest, "ovirt-ci:ciProfile": JSON.stringify({ pullSecret: false }) },
            Object.keys(rest),
        );
        const { loadConfig } = await import("../../lib/config");
        assert.equal(loadConfig().secrets.pullSecret, undefined);
    });
});
