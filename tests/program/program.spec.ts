import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    CA_PEM,
    RECORDED_HOST_KEY,
    Registration,
    STATS_PASSWORD,
    macOf,
    registrations,
    runEntry,
    runProgram,
    uuidOf,
} from "./mocks";
import { fingerprintOf } from "../../providers/ovirt/sshHostKey";

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

function config(leases: number[], extra: Record<string, unknown> = {}): Record<string, string> {
    const values: Record<string, unknown> = {
        engineUrl: "https://engine.example.com/ovirt-engine/api",
        ciEngineUsername: "ocpadmin@internal",
        baseDomain: "example.com",
        dataCenter: "OCP-45",
        cluster: "OCP-45",
        mainStorageDomain: "nfs-ovirt45",
        leases,
        upgradeLeases: [1, 2],
        upgradeStorage: { nfsServer: "nfs.example.com" },
        hosts: [
            { name: "bm02", address: "bm02.example.com", cpuCores: 96, memoryGiB: 96 },
            { name: "bm01", address: "bm01.example.com", cpuCores: 96, memoryGiB: 96 },
        ],
        proxyVm: { externalAddress: "203.0.113.10", externalPrefixLength: 24, externalGateway: "203.0.113.1" },
        ...extra,
    };
    const out: Record<string, string> = { ...SECRETS };
    for (const [k, v] of Object.entries(values)) {
        out[`ovirt-ci:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return out;
}

/** The script inside `[sudo -n ]sh -c '<script>'`. */
function script(command: unknown): string {
    const m = /^(?:sudo -n )?sh -c '([\s\S]*)'$/.exec(String(command));
    assert.ok(m, `not a wrapped script: ${String(command).slice(0, 60)}`);
    return m[1].replaceAll("'\\''", "'");
}
const run = (leases: number[], extra: Record<string, unknown> = {}) =>
    runProgram(config(leases, extra), Object.keys(SECRETS));

const DYN = (kind: string) => `pulumi-nodejs:dynamic/ovirt:${kind}`;
const CMD = "command:remote:Command";

function leaseResources(n: number): [string, string][] {
    return [
        ["ovirt-ci:lease:Lease", `ovirt-${n}`],
        [DYN("Network"), `ovirt-${n}-network`],
        [DYN("OvnNetworkPortSecurity"), `ovirt-${n}-port-security`],
        [DYN("VmNic"), `ovirt-${n}-proxy-nic`],
        [DYN("OvnPortSecurity"), `ovirt-${n}-proxy-port-security`],
        [CMD, `ovirt-${n}-proxy-config`],
        // the CI engine user's VnicProfileUser on the lease's profile (components/ciUser.ts)
        [DYN("Permission"), `ovirt-${n}-ci-user`],
    ];
}

function upgradeResources(n: number): [string, string][] {
    return [
        ["ovirt-ci:upgradeLease:UpgradeLease", `ovirt-upgrade-${n}`],
        [DYN("StorageDomain"), `ovirt-upgrade-${n}-storage-domain`],
    ];
}

const FIXED: [string, string][] = [
    ["ovirt-ci:engine:Engine", "engine"],
    [DYN("EngineObject"), "engine-data-center"],
    [DYN("EngineObject"), "engine-cluster"],
    [DYN("EngineObject"), "engine-main-storage-domain"],
    [DYN("EngineObject"), "engine-ovn-provider"],
    [DYN("EngineObject"), "engine-ca"],
    ["ovirt-ci:hosts:Hosts", "hosts"],
    [DYN("Host"), "hosts-bm01"],
    [DYN("Host"), "hosts-bm02"],
    ["ovirt-ci:generatedCredentials:GeneratedCredentials", "generated"],
    ["random:index/randomPassword:RandomPassword", "generated-haproxy-stats"],
    ["ovirt-ci:proxyVm:ProxyVm", "proxy"],
    [DYN("EngineObject"), "proxy-template"],
    [DYN("EngineObject"), "proxy-management-profile"],
    [DYN("Vm"), "proxy-vm"],
    [DYN("VmNic"), "proxy-external-nic"],
    [DYN("SshHostKey"), "proxy-host-key"],
    [CMD, "proxy-setup"],
    [CMD, "proxy-admin-key"],
    [CMD, "proxy-firewall"],
    [CMD, "proxy-haproxy"],
    ["ovirt-ci:ciSecrets:CiSecrets", "ci-profile"],
    ["vault:kv/secretV2:SecretV2", "ci-profile-item"],
    ["ovirt-ci:ciUser:CiUser", "ci-user"],
    ...["UserTemplateBasedVm", "DiskCreator", "TemplateCreator", "TagManager", "ExternalEventsCreator"].map(
        (role): [string, string] => [DYN("Permission"), `ci-user-${role}`],
    ),
    [DYN("Role"), "ci-user-affinity-role"],
    [DYN("Permission"), "ci-user-affinity"],
];

const key = (r: Pick<Registration, "type" | "name">) => `${r.type} ${r.name}`;
const sortedKeys = (list: [string, string][]) => list.map(([type, name]) => key({ type, name })).sort();
const byName = (regs: Registration[], name: string) => {
    const hits = regs.filter((r) => r.name === name);
    assert.equal(hits.length, 1, `exactly one registration named ${name}`);
    return hits[0];
};

/** name → JSON of inputs, for comparing runs. */
function inputsByKey(regs: Registration[]): Map<string, string> {
    return new Map(regs.map((r) => [key(r), JSON.stringify(r.inputs)]));
}

describe("the program (components/stack.ts under mocks, as index.ts runs it)", function () {
    this.timeout(120_000);

    let small: Awaited<ReturnType<typeof run>>;
    before(async () => {
        small = await run([10, 11, 12]);
    });

    it("registers exactly the resource graph of 3 leases, 2 upgrade leases and 2 hosts", () => {
        const expected = sortedKeys([
            ...FIXED,
            ...[10, 11, 12].flatMap(leaseResources),
            ...[1, 2].flatMap(upgradeResources),
        ]);
        assert.deepEqual(small.regs.map(key).sort(), expected);
        assert.equal(small.regs.length, expected.length, "no resource registered twice");
    });

    it("guards what holds data or running jobs against a replace; allowReplace opts one resource out", async () => {
        const guarded = ["proxy-vm", "hosts-bm01", "hosts-bm02", "engine-main-storage-domain"];
        const upgrade = ["ovirt-upgrade-1-storage-domain", "ovirt-upgrade-2-storage-domain"];
        for (const name of [...guarded, ...upgrade]) {
            assert.match(String(byName(small.regs, name).inputs.protection), /to ovirt-ci:allowReplace/, name);
        }
        for (const name of upgrade) assert.equal(byName(small.regs, name).inputs.formatOnDelete, false, name);
        const others = small.regs.filter(
            (r) => r.type.startsWith(DYN("")) && ![...guarded, ...upgrade].includes(r.name),
        );
        assert.deepEqual(
            others.filter((r) => r.inputs.protection !== undefined).map((r) => r.name),
            [],
        );
        const optIn = await run([10, 11, 12], {
            allowReplace: ["proxyVm", "ovirt-upgrade-2"],
            formatUpgradeStorage: ["ovirt-upgrade-2"],
        });
        assert.equal(byName(optIn.regs, "proxy-vm").inputs.protection, undefined);
        assert.equal(byName(optIn.regs, "ovirt-upgrade-2-storage-domain").inputs.protection, undefined);
        assert.equal(byName(optIn.regs, "ovirt-upgrade-2-storage-domain").inputs.formatOnDelete, true);
        assert.match(String(byName(optIn.regs, "hosts-bm01").inputs.protection), /host:bm01/);
    });

    it("adopts the engine objects by name, read-only", () => {
        const eo = (name: string) => byName(small.regs, name).inputs;
        assert.deepEqual(pick(eo("engine-data-center"), ["kind", "name"]), { kind: "dataCenter", name: "OCP-45" });
        assert.deepEqual(pick(eo("engine-cluster"), ["kind", "name", "dataCenterId"]), {
            kind: "cluster",
            name: "OCP-45",
            dataCenterId: uuidOf("engine-data-center"),
        });
        assert.deepEqual(pick(eo("engine-main-storage-domain"), ["kind", "name", "dataCenterId"]), {
            kind: "storageDomain",
            name: "nfs-ovirt45",
            dataCenterId: uuidOf("engine-data-center"),
        });
        assert.deepEqual(pick(eo("engine-ovn-provider"), ["kind", "name"]), {
            kind: "ovnProvider",
            name: "ovirt-provider-ovn",
        });
        assert.deepEqual(pick(eo("proxy-template"), ["kind", "name"]), { kind: "template", name: "centos-7" });
        assert.deepEqual(pick(eo("proxy-management-profile"), ["kind", "name", "dataCenterId"]), {
            kind: "vnicProfile",
            name: "ovirtmgmt",
            dataCenterId: uuidOf("engine-data-center"),
        });
    });

    it("passes the key inputs: hosts, proxy VM, networks, NICs, storage domains, Vault item", () => {
        const cluster = uuidOf("engine-cluster");
        assert.deepEqual(
            pick(byName(small.regs, "hosts-bm01").inputs, ["name", "address", "clusterId", "authMethod"]),
            { name: "bm01", address: "bm01.example.com", clusterId: cluster, authMethod: "publickey" },
        );
        const vm = byName(small.regs, "proxy-vm").inputs;
        assert.deepEqual(
            pick(vm, [
                "name",
                "clusterId",
                "templateId",
                "highAvailability",
                "deleteProtected",
                "memoryMiB",
                "cpuCores",
                "started",
            ]),
            {
                name: "proxy-vm",
                clusterId: cluster,
                templateId: uuidOf("proxy-template"),
                highAvailability: true,
                deleteProtected: true,
                memoryMiB: 4096,
                cpuCores: 2,
                started: true,
            },
        );
        const ci = vm.cloudInit as Record<string, unknown>;
        assert.equal(ci.authorizedSshKeys, SECRETS["ovirt-ci:proxyAdminSshPublicKey"], "ovirt-ci's key, not the CI's");
        assert.deepEqual(ci.nicConfigurations, [
            {
                name: "eth0",
                bootProtocol: "static",
                address: "203.0.113.10",
                netmask: "255.255.255.0",
                gateway: "203.0.113.1",
                onBoot: true,
            },
        ]);
        assert.deepEqual(pick(byName(small.regs, "proxy-external-nic").inputs, ["vmId", "name", "vnicProfileId"]), {
            vmId: uuidOf("proxy-vm"),
            name: "nic1",
            vnicProfileId: uuidOf("proxy-management-profile"),
        });
        for (const n of [10, 11, 12]) {
            assert.deepEqual(
                pick(byName(small.regs, `ovirt-${n}-network`).inputs, [
                    "name",
                    "dataCenterId",
                    "externalProviderId",
                    "clusterId",
                ]),
                {
                    name: `ovn-vmnet-${n}`,
                    dataCenterId: uuidOf("engine-data-center"),
                    externalProviderId: uuidOf("engine-ovn-provider"),
                    clusterId: cluster,
                },
            );
            assert.deepEqual(
                pick(byName(small.regs, `ovirt-${n}-proxy-nic`).inputs, ["vmId", "name", "vnicProfileId"]),
                {
                    vmId: uuidOf("proxy-vm"),
                    name: `vmnet${n}`,
                    vnicProfileId: uuidOf(`ovirt-${n}-network-profile`),
                },
            );
            // port security off on the network and on the proxy's port (docs/ci-contract.md 12.1)
            assert.deepEqual(
                pick(byName(small.regs, `ovirt-${n}-port-security`).inputs, [
                    "networkName",
                    "networkId",
                    "portSecurityEnabled",
                ]),
                {
                    networkName: `ovn-vmnet-${n}`,
                    networkId: uuidOf(`ovirt-${n}-network`),
                    portSecurityEnabled: false,
                },
            );
            assert.deepEqual(
                pick(byName(small.regs, `ovirt-${n}-proxy-port-security`).inputs, [
                    "networkName",
                    "macAddress",
                    "portSecurityEnabled",
                ]),
                {
                    networkName: `ovn-vmnet-${n}`,
                    macAddress: macOf(`ovirt-${n}-proxy-nic`),
                    portSecurityEnabled: false,
                },
            );
            const cmd = byName(small.regs, `ovirt-${n}-proxy-config`).inputs;
            assert.match(script(cmd.create), new RegExp(`/etc/dnsmasq-leases/ovirt-${n}\\.conf`));
            assert.ok(String(cmd.create).includes(`ip addr replace 192.168.2${n}.1/24 dev`), "gateway address");
            assert.ok(String(cmd.create).includes(macOf(`ovirt-${n}-proxy-nic`)), "finds the NIC by its MAC");
            assert.ok(
                String(cmd.create).startsWith("sudo -n sh -c "),
                "systemd mode with the centos user runs under sudo",
            );
            assert.match(script(cmd.delete), new RegExp(`systemctl disable --now 'dnsmasq@ovirt-${n}.service'`));
            assert.deepEqual(pick(cmd.connection as Record<string, unknown>, ["host", "port", "user", "privateKey"]), {
                host: "203.0.113.10",
                port: 22,
                user: "centos",
                privateKey: SECRETS["ovirt-ci:proxyAdminSshPrivateKey"],
            });
        }
        for (const n of [1, 2]) {
            assert.deepEqual(
                pick(byName(small.regs, `ovirt-upgrade-${n}-storage-domain`).inputs, [
                    "name",
                    "dataCenterId",
                    "hostId",
                    "nfsAddress",
                    "nfsPath",
                    "nfsVersion",
                    "active",
                ]),
                {
                    name: `ovirt-upgrade-${n}`,
                    dataCenterId: uuidOf("engine-data-center"),
                    hostId: uuidOf("hosts-bm01"),
                    nfsAddress: "nfs.example.com",
                    nfsPath: `/exports/ovirt-upgrade-${n}`,
                    nfsVersion: "auto",
                    active: true,
                },
            );
        }
        // The HAProxy file goes on stdin (it holds the stats password); the script text holds no secret.
        const haproxyCmd = byName(small.regs, "proxy-haproxy").inputs;
        const haproxy = String(haproxyCmd.stdin);
        for (const n of [10, 11, 12])
            assert.ok(haproxy.includes(`use_backend api-ovirt-${n} if { req_ssl_sni -i api.ovirt${n}.example.com }`));
        assert.ok(haproxy.includes(`stats auth admin:${STATS_PASSWORD}`));
        assert.ok(
            !String(haproxyCmd.create).includes(STATS_PASSWORD) && !String(haproxyCmd.delete).includes(STATS_PASSWORD),
            "no password in the script text",
        );
        const item = byName(small.regs, "ci-profile-item").inputs;
        assert.deepEqual(pick(item, ["mount", "name"]), {
            mount: "kv",
            name: "selfservice/ovirt/cluster-secrets-ovirt",
        });
    });

    it("writes every profile file into the Vault item, the lease files byte for byte", () => {
        const data = JSON.parse(String(byName(small.regs, "ci-profile-item").inputs.dataJson)) as Record<
            string,
            string
        >;
        assert.deepEqual(Object.keys(data).sort(), [
            "ovirt-10.json",
            "ovirt-11.json",
            "ovirt-12.json",
            "ovirt-upgrade-1.json",
            "ovirt-upgrade-2.json",
            "ovirt.conf",
            "pull-secret",
            "secretsync/target-name",
            "secretsync/target-namespace",
            "send-event-to-ovirt.sh",
            "ssh-privatekey",
            "ssh-publickey",
        ]);
        const cluster = uuidOf("engine-cluster");
        const sd = uuidOf("engine-main-storage-domain");
        assert.equal(
            data["ovirt-10.json"],
            `{\n  "cluster_name": "ovirt10",\n  "ovirt_network_name": "ovn-vmnet-10",\n  "ovirt_apivip": "192.168.210.30",\n  "ovirt_dnsvip": "192.168.210.31",\n` +
                `  "ovirt_ingressvip": "192.168.210.32",\n  "machine_network_cidr": "192.168.0.0/16",\n  "ovirt_cluster_id": "${cluster}",\n  "ovirt_storage_domain_id": "${sd}"\n}\n`,
        );
        assert.equal(
            data["ovirt-12.json"],
            data["ovirt-10.json"]
                .replaceAll("10", "12")
                .replace(cluster.replaceAll("10", "12"), cluster)
                .replace(sd.replaceAll("10", "12"), sd),
        );
        assert.equal(
            data["ovirt-upgrade-2.json"],
            `{\n  "ovirt_storage_domain_id": "${uuidOf("ovirt-upgrade-2-storage-domain")}"\n}\n`,
        );
        // The CI jobs' own login, never ovirt-ci's admin login.
        assert.ok(
            data["ovirt.conf"].includes(
                "OVIRT_ENGINE_USERNAME='ocpadmin@internal'\nOVIRT_ENGINE_PASSWORD='ci-Pa$$word'\n",
            ),
        );
        assert.ok(!data["ovirt.conf"].includes("engine-Pa$$word") && !data["ovirt.conf"].includes("='admin@internal'"));
        assert.ok(data["ovirt.conf"].includes(`OVIRT_ENGINE_STORAGE_DOMAIN_ID='${sd}'\n`));
        assert.ok(!data["ovirt.conf"].includes("OVIRT_ENGINE_CLUSTER_ID"));
        assert.equal(data["pull-secret"], SECRETS["ovirt-ci:pullSecret"]);
        assert.equal(data["ssh-privatekey"], SECRETS["ovirt-ci:sshPrivateKey"]);
        assert.equal(data["secretsync/target-namespace"], "ci");
    });

    it("exports boskos, leases, upgrade storage domain ids, DNS records, engine ids, the Vault path and the proxy", () => {
        const e = small.exports;
        assert.deepEqual(Object.keys(e).sort(), [
            "boskos",
            "dnsRecords",
            "engine",
            "leases",
            "proxy",
            "upgradeStorageDomainIds",
            "vaultItemPath",
        ]);
        assert.deepEqual(e.boskos, [
            { type: "ovirt-clusterbot-quota-slice", state: "free", minCount: 3, maxCount: 3 },
            { type: "ovirt-quota-slice", state: "free", names: ["ovirt-10", "ovirt-11", "ovirt-12"] },
            { type: "ovirt-upgrade-quota-slice", state: "free", names: ["ovirt-upgrade-1", "ovirt-upgrade-2"] },
        ]);
        assert.deepEqual((e.leases as unknown[])[0], {
            name: "ovirt-10",
            clusterName: "ovirt10",
            network: "ovn-vmnet-10",
            subnet: "192.168.210.0/24",
            gateway: "192.168.210.1",
            vips: { api: "192.168.210.30", dns: "192.168.210.31", ingress: "192.168.210.32" },
            fqdn: { api: "api.ovirt10.example.com", apps: "*.apps.ovirt10.example.com" },
        });
        assert.deepEqual(e.upgradeStorageDomainIds, {
            "ovirt-upgrade-1": uuidOf("ovirt-upgrade-1-storage-domain"),
            "ovirt-upgrade-2": uuidOf("ovirt-upgrade-2-storage-domain"),
        });
        assert.equal((e.dnsRecords as unknown[]).length, 6);
        assert.deepEqual((e.dnsRecords as unknown[])[1], {
            name: "*.apps.ovirt10.example.com.",
            type: "A",
            ttl: 300,
            value: "203.0.113.10",
            lease: "ovirt-10",
        });
        assert.deepEqual(e.engine, {
            dataCenterId: uuidOf("engine-data-center"),
            clusterId: uuidOf("engine-cluster"),
            mainStorageDomainId: uuidOf("engine-main-storage-domain"),
            ovnProviderId: uuidOf("engine-ovn-provider"),
        });
        assert.equal(e.vaultItemPath, "kv/selfservice/ovirt/cluster-secrets-ovirt");
        assert.deepEqual(e.proxy, {
            address: "203.0.113.10",
            vmId: uuidOf("proxy-vm"),
            hostKey: RECORDED_HOST_KEY,
            hostKeyFingerprint: fingerprintOf(RECORDED_HOST_KEY),
        });
    });

    it("puts no secret into a stack output, and each secret only where it belongs", () => {
        const exported = JSON.stringify(small.exports);
        for (const [k, v] of Object.entries(SECRETS)) {
            if (k.endsWith("sshPublicKey")) continue;
            assert.ok(!exported.includes(v), `${k} in stack outputs`);
        }
        assert.ok(!exported.includes(STATS_PASSWORD) && !exported.includes(CA_PEM));
        // Rendered files nest the value in JSON text (dataJson) or shell quoting (commands): search every encoding.
        const holders = (needle: string) => {
            const forms = [
                needle,
                JSON.stringify(needle).slice(1, -1),
                JSON.stringify(JSON.stringify(needle).slice(1, -1)).slice(1, -1),
            ];
            return small.regs
                .filter((r) => forms.some((f) => JSON.stringify(r.inputs).includes(f)))
                .map((r) => r.name)
                .sort();
        };
        // The admin password is in no resource input (only the oVirt provider's config); the CI's in the item only.
        assert.deepEqual(holders(SECRETS["ovirt-ci:enginePassword"]), []);
        assert.deepEqual(holders(SECRETS["ovirt-ci:ciEnginePassword"]), ["ci-profile-item"]);
        assert.deepEqual(holders(SECRETS["ovirt-ci:pullSecret"]), ["ci-profile-item"]);
        // The CI jobs' key is in the Vault item only: nothing on the proxy accepts it.
        assert.deepEqual(holders(SECRETS["ovirt-ci:sshPrivateKey"]), ["ci-profile-item"]);
        assert.deepEqual(holders(SECRETS["ovirt-ci:proxyAdminSshPrivateKey"]), [
            "ovirt-10-proxy-config",
            "ovirt-11-proxy-config",
            "ovirt-12-proxy-config",
            "proxy-admin-key",
            "proxy-firewall",
            "proxy-haproxy",
            "proxy-setup",
        ]);
        assert.deepEqual(holders(STATS_PASSWORD), ["proxy-haproxy"]);
        const secretInputs = small.regs
            .filter((r) => r.secretInputs.length > 0)
            .map((r) => `${r.name}: ${r.secretInputs.join(",")}`)
            .sort();
        assert.deepEqual(secretInputs, [
            "ci-profile-item: dataJson",
            "ovirt-10-proxy-config: connection",
            "ovirt-11-proxy-config: connection",
            "ovirt-12-proxy-config: connection",
            "proxy-admin-key: connection,stdin",
            "proxy-firewall: connection",
            "proxy-haproxy: connection,stdin",
            "proxy-setup: connection",
            "proxy-vm: cloudInit",
        ]);
    });

    it("scales 3 → 5 → 2 leases touching only those leases' resources (plus HAProxy, the packet filter and the Vault item)", async () => {
        // Five leases need a third host's capacity; the override keeps every other input identical across the runs.
        const override = { capacityOverride: true };
        const three = inputsByKey((await run([10, 11, 12], override)).regs);
        const five = inputsByKey((await run([10, 11, 12, 13, 14], override)).regs);
        const two = inputsByKey((await run([10, 11], override)).regs);
        const diff = (a: Map<string, string>, b: Map<string, string>) => ({
            added: [...b.keys()].filter((k) => !a.has(k)).sort(),
            removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
            changed: [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k)).sort(),
        });
        const shared = [
            `${CMD} proxy-firewall`,
            `${CMD} proxy-haproxy`,
            "vault:kv/secretV2:SecretV2 ci-profile-item",
        ].sort();
        assert.deepEqual(diff(three, five), {
            added: sortedKeys([...leaseResources(13), ...leaseResources(14)]),
            removed: [],
            changed: shared,
        });
        assert.deepEqual(diff(five, two), {
            added: [],
            removed: sortedKeys([12, 13, 14].flatMap(leaseResources)),
            changed: shared,
        });
    });

    it("ovnPortSecurity: true keeps port security on for the network and the proxy's port", async () => {
        const on = await run([10], { ovnPortSecurity: true });
        assert.equal(byName(on.regs, "ovirt-10-port-security").inputs.portSecurityEnabled, true);
        assert.equal(byName(on.regs, "ovirt-10-proxy-port-security").inputs.portSecurityEnabled, true);
    });

    it("keys resources by name, never by list position: reordered hosts and leases change nothing", async () => {
        const reordered = await runProgram(
            {
                ...config([12, 10, 11], {
                    hosts: [
                        { name: "bm01", address: "bm01.example.com", cpuCores: 96, memoryGiB: 96 },
                        { name: "bm02", address: "bm02.example.com", cpuCores: 96, memoryGiB: 96 },
                    ],
                    upgradeLeases: [2, 1],
                }),
            },
            Object.keys(SECRETS),
        );
        assert.deepEqual(inputsByKey(reordered.regs), inputsByKey(small.regs));
    });

    it("fails before registering anything when the leases do not fit the hosts (capacity guard)", async () => {
        await assert.rejects(
            run([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
            (e: Error) =>
                e.name === "ConfigError" &&
                /ovirt-ci:leases: are more than the hosts can hold: 10 leases .* at most 3 leases fit/.test(
                    e.message,
                ) &&
                /capacityOverride: true/.test(e.message),
        );
        const overridden = await run([10, 11, 12, 13, 14, 15, 16, 17, 18, 19], { capacityOverride: true });
        assert.equal(overridden.regs.filter((r) => r.type === "ovirt-ci:lease:Lease").length, 10);
    });

    it("drives a local sandbox: rootDir paths, loopback ports, plain processes, no sudo", async () => {
        const local = await run([10, 11], {
            proxyVm: {
                serviceMode: "local",
                rootDir: "/tmp/ovirt-ci-proxy",
                connection: { host: "127.0.0.1", port: 2222, user: "ci", hostKey: "ssh-ed25519 AAAAHostKey proxy" },
                localDnsPort: 25300,
            },
        });
        const cmd = byName(local.regs, "ovirt-11-proxy-config").inputs;
        assert.deepEqual(pick(cmd.connection as Record<string, unknown>, ["host", "port", "user", "hostKey"]), {
            host: "127.0.0.1",
            port: 2222,
            user: "ci",
            hostKey: "ssh-ed25519 AAAAHostKey proxy",
        });
        for (const name of ["proxy-admin-key", "proxy-setup", "proxy-haproxy"])
            assert.equal(
                (byName(local.regs, name).inputs.connection as Record<string, unknown>).hostKey,
                "ssh-ed25519 AAAAHostKey proxy",
                `${name} pins the host key`,
            );
        assert.ok(String(cmd.create).startsWith("sh -c "));
        const create = script(cmd.create);
        assert.ok(create.includes("/tmp/ovirt-ci-proxy/etc/dnsmasq-leases/ovirt-11.conf"));
        assert.ok(create.includes("port=25311") && create.includes("listen-address=127.0.0.1"));
        assert.ok(
            !/\nip addr replace|systemctl|\nnft -f/.test(
                create.replace(/<<'OVIRT_CI_EOF_7f3a'[\s\S]*?OVIRT_CI_EOF_7f3a/g, ""),
            ),
            "network changes are only recorded",
        );
        assert.ok(String(byName(local.regs, "proxy-haproxy").inputs.stdin).includes("bind 127.0.0.1:16443"));
        assert.deepEqual(local.exports.proxy, {
            address: "10.0.0.5",
            vmId: uuidOf("proxy-vm"),
            hostKey: "ssh-ed25519 AAAAHostKey proxy",
            hostKeyFingerprint: fingerprintOf("ssh-ed25519 AAAAHostKey proxy"),
        });
        assert.equal(
            local.regs.filter((r) => r.type === "pulumi-nodejs:dynamic/ovirt:SshHostKey").length,
            0,
            "a configured key is pinned as it is: nothing is recorded",
        );
    });

    it("without a configured host key, records it on first contact with the VM and every command pins it", async () => {
        const { regs, exports } = await run([10, 11]);
        const recorded = regs.filter((r) => r.type === "pulumi-nodejs:dynamic/ovirt:SshHostKey");
        assert.deepEqual(
            recorded.map((r) => [r.name, pick(r.inputs, ["host", "port", "vmId"])]),
            [["proxy-host-key", { host: "203.0.113.10", port: 22, vmId: uuidOf("proxy-vm") }]],
        );
        const commands = regs.filter((r) => r.type === "command:remote:Command");
        assert.ok(commands.length >= 5, commands.map((c) => c.name).join(", "));
        for (const c of commands)
            assert.equal(
                (c.inputs.connection as Record<string, unknown>).hostKey,
                RECORDED_HOST_KEY,
                `${c.name} pins the recorded key`,
            );
        assert.deepEqual(pick(exports.proxy as Record<string, unknown>, ["hostKey", "hostKeyFingerprint"]), {
            hostKey: RECORDED_HOST_KEY,
            hostKeyFingerprint: fingerprintOf(RECORDED_HOST_KEY),
        });
    });
});

describe("the program's entry (index.ts, awaited as the language host does)", function () {
    this.timeout(60_000);

    it("an invalid config registers no resource", async () => {
        await assert.rejects(
            runEntry(config([10], { leases: "ten" }), Object.keys(SECRETS)),
            (e: Error) => e.name === "ConfigError" && /ovirt-ci:leases/.test(e.message),
        );
        await assert.rejects(
            runEntry(config([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]), Object.keys(SECRETS)),
            (e: Error) => e.name === "ConfigError" && /at most 3 leases fit/.test(e.message),
        );
        assert.deepEqual(registrations, []);
    });

    it("awaits the preflight checks: when they fail (no engine, no Vault answers), no resource registers", async () => {
        const cfg = {
            ...config([10], { engineUrl: "https://127.0.0.1:9/ovirt-engine/api", engineRetryAttempts: 1 }),
            "vault:address": "http://127.0.0.1:9", // nothing listens on port 9
        };
        await assert.rejects(runEntry(cfg, Object.keys(SECRETS)), (e: Error) => {
            assert.ok(pulumi.RunError.isInstance(e), "a RunError: the CLI shows its message without a stack trace");
            assert.match(e.message, /the scale-down check could not read the oVirt engine https:\/\/127\.0\.0\.1:9/);
            assert.match(e.message, /Nothing was changed/);
            return true;
        });
        assert.deepEqual(registrations, []);
    });
});

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
    return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}
