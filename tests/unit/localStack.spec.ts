// local/stack.ts: the local embedded default's config is valid for the program (lib/config.ts) and points every
// piece at the given services; secrets are only in the secret part.
import * as assert from "node:assert/strict";
import { validateConfig } from "../../lib/config";
import { FAKE_PULL_SECRET, LOCAL_HOSTS, localStackConfig, LocalServices } from "../../local/stack";
import { CI_BAREMETAL, defaultSeed } from "../../emulator/model/seed";

const services: LocalServices = {
    engine: {
        apiUrl: "https://127.0.0.1:8443/ovirt-engine/api",
        ovnAuthUrl: "https://127.0.0.1:35357/v2.0",
        ovnNetworkUrl: "https://127.0.0.1:9696/v2.0",
        caPem: "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
        username: "admin@internal",
        password: "engine-pw",
    },
    vault: { address: "http://127.0.0.1:8200", token: "vault-token" },
    sshd: {
        host: "127.0.0.1",
        port: 2222,
        user: "me",
        privateKeyPem: "-----BEGIN OPENSSH PRIVATE KEY-----\nK\n-----END OPENSSH PRIVATE KEY-----\n",
        publicKey: "ssh-ed25519 AAAA me",
        ciPrivateKeyPem: "-----BEGIN OPENSSH PRIVATE KEY-----\nC\n-----END OPENSSH PRIVATE KEY-----\n",
        ciPublicKey: "ssh-ed25519 CCCC ci",
        hostPublicKey: "ssh-ed25519 HHHH host",
    },
    sandboxDir: "/tmp/sandbox",
    localDnsPort: 25300,
    localHaproxyPorts: { api: 26443, https: 28443, http: 28080, stats: 28404 },
};

describe("local/stack.ts: the local embedded default's stack config", () => {
    it("passes the program's validation with the local proxy target, the default 10–12 and 1–2 leases", () => {
        const { plain } = localStackConfig(services);
        const own = Object.fromEntries(Object.entries(plain).filter(([k]) => k.startsWith("ovirt-ci:")));
        const c = validateConfig(own);
        assert.deepEqual(
            [c.leases, c.upgradeLeases],
            [
                [10, 11, 12],
                [1, 2],
            ],
        );
        assert.equal(c.proxyVm.serviceMode, "local");
        assert.equal(c.proxyVm.rootDir, "/tmp/sandbox");
        assert.deepEqual(c.proxyVm.connection, {
            host: "127.0.0.1",
            port: 2222,
            user: "me",
            hostKey: "ssh-ed25519 HHHH host",
        });
        assert.equal(c.proxyVm.template, "centos-7");
        assert.equal(c.engineCaPem, services.engine.caPem);
        assert.deepEqual(
            [c.ovnAuthUrl, c.ovnNetworkUrl, c.ovnPortSecurity],
            ["https://127.0.0.1:35357/v2.0", "https://127.0.0.1:9696/v2.0", false],
        );
        assert.equal(plain["vault:address"], "http://127.0.0.1:8200");
    });

    it("scales to 5 leases within the capacity guard", () => {
        const { plain } = localStackConfig(services, { leases: { from: 10, to: 14 } });
        const c = validateConfig(Object.fromEntries(Object.entries(plain).filter(([k]) => k.startsWith("ovirt-ci:"))));
        assert.deepEqual(c.leases, [10, 11, 12, 13, 14]);
    });

    it("uses hosts the emulator installs and that are not in its seed; secrets only in the secret part", () => {
        const seedHosts = defaultSeed().hosts.map((h) => h.name);
        for (const h of LOCAL_HOSTS) {
            assert.ok(CI_BAREMETAL.includes(h.address));
            assert.ok(!seedHosts.includes(h.name), `${h.name} is not a seed host (destroy would remove it)`);
        }
        const { plain, secrets } = localStackConfig(services);
        assert.deepEqual(Object.keys(secrets).sort(), [
            "ovirt-ci:ciEnginePassword",
            "ovirt-ci:enginePassword",
            "ovirt-ci:proxyAdminSshPrivateKey",
            "ovirt-ci:proxyAdminSshPublicKey",
            "ovirt-ci:pullSecret",
            "ovirt-ci:sshPrivateKey",
            "ovirt-ci:sshPublicKey",
            "vault:token",
        ]);
        const text = JSON.stringify(plain);
        for (const v of ["engine-pw", "vault-token", "OPENSSH PRIVATE KEY", FAKE_PULL_SECRET])
            assert.ok(!text.includes(v));
        assert.ok(JSON.parse(FAKE_PULL_SECRET).auths, "the fake pull secret has the right shape");
    });
});
