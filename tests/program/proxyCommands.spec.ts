// The proxy commands the program registers (create, delete and stdin of every `command:remote:Command`), on the real
// VM and in the sandbox, in both layouts, byte for byte as an existing stack's state holds them: a change here is a
// diff of those commands on the next `pulumi preview`. The fixture was written by the program before the proxy
// target became an interface (issue 28); regenerate it (OVIRT_CI_GOLDEN_UPDATE=1) only for a deliberate change.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runProgram } from "./mocks";

const FIXTURE = path.join(__dirname, "fixtures", "proxyCommands.json");
const SECRETS = {
    "ovirt-ci:enginePassword": "engine-Pa$$word",
    "ovirt-ci:ciEnginePassword": "ci-Pa$$word",
    "ovirt-ci:pullSecret": '{"auths":{"quay.io":{"auth":"c2VjcmV0"}}}',
    "ovirt-ci:sshPublicKey": "ssh-ed25519 AAAAC3NzaMockPublicKey ci@ovirt",
    "ovirt-ci:sshPrivateKey":
        "-----BEGIN OPENSSH PRIVATE KEY-----\nMockPrivateKeyBody\n-----END OPENSSH PRIVATE KEY-----\n",
    "ovirt-ci:proxyAdminSshPublicKey": "ssh-ed25519 AAAAC3NzaMockAdminKey ovirt-ci-admin",
    "ovirt-ci:proxyAdminSshPrivateKey":
        "-----BEGIN OPENSSH PRIVATE KEY-----\nMockAdminPrivateKeyBody\n-----END OPENSSH PRIVATE KEY-----\n",
};

function config(proxyVm: Record<string, unknown>): Record<string, string> {
    const values: Record<string, unknown> = {
        engineUrl: "https://engine.example.com/ovirt-engine/api",
        ciEngineUsername: "ocpadmin@internal",
        baseDomain: "example.com",
        dataCenter: "OCP-45",
        cluster: "OCP-45",
        mainStorageDomain: "nfs-ovirt45",
        leases: [10, 11],
        upgradeLeases: [],
        hosts: [
            { name: "bm01", address: "bm01.example.com", cpuCores: 96, memoryGiB: 96 },
            { name: "bm02", address: "bm02.example.com", cpuCores: 96, memoryGiB: 96 },
        ],
        proxyVm,
    };
    const out: Record<string, string> = { ...SECRETS };
    for (const [k, v] of Object.entries(values)) out[`ovirt-ci:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return out;
}

const sandbox = {
    serviceMode: "local",
    rootDir: "/tmp/ovirt-ci-proxy",
    connection: { host: "127.0.0.1", port: 2222, user: "ci" },
    localDnsPort: 25300,
};
const STACKS: Record<string, Record<string, unknown>> = {
    vm: { externalAddress: "203.0.113.10", externalPrefixLength: 24, externalGateway: "203.0.113.1" },
    "vm-playbooks": {
        externalAddress: "203.0.113.10",
        externalPrefixLength: 24,
        externalGateway: "203.0.113.1",
        layout: "playbooks",
        playbooksLeases: [{ lease: 10, nic: "eth1" }],
    },
    sandbox: sandbox,
    "sandbox-playbooks": { ...sandbox, layout: "playbooks", playbooksLeases: [{ lease: 10, nic: "eth1" }] },
};

describe("the proxy commands, golden (byte for byte as an existing stack's state holds them)", () => {
    it("registers the same commands with the same create, delete and stdin", async () => {
        const rendered: Record<string, unknown> = {};
        for (const [name, proxyVm] of Object.entries(STACKS)) {
            const { regs } = await runProgram(config(proxyVm), Object.keys(SECRETS));
            for (const r of regs.filter((x) => x.type === "command:remote:Command")) {
                const { create, delete: del, stdin } = r.inputs;
                rendered[`${name} ${r.name}`] = { create, delete: del, ...(stdin === undefined ? {} : { stdin }) };
            }
        }
        if (process.env.OVIRT_CI_GOLDEN_UPDATE === "1") {
            fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
            fs.writeFileSync(FIXTURE, `${JSON.stringify(rendered, null, 2)}\n`);
        }
        const golden = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Record<string, unknown>;
        assert.deepEqual(Object.keys(rendered).sort(), Object.keys(golden).sort());
        for (const key of Object.keys(golden)) assert.deepEqual(rendered[key], golden[key], key);
    });
});
