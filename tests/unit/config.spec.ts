import * as assert from "node:assert/strict";
import { ConfigError, ConfigProblem, checkCapacity, formatProblem, validateConfig } from "../../lib/config";

const hosts = (n: number, cores = 96, gib = 96) =>
    Array.from({ length: n }, (_, i) => ({
        name: `bm${i + 1}`,
        address: `bm${i + 1}.example.com`,
        cpuCores: cores,
        memoryGiB: gib,
    }));

/** A minimal valid configuration; each case changes one thing. */
function base(): Record<string, unknown> {
    return {
        engineUrl: "https://engine.example.com/ovirt-engine/api",
        ciEngineUsername: "ocpadmin@internal",
        baseDomain: "gcp.devcluster.openshift.com",
        dataCenter: "OCP-45",
        cluster: "OCP-45",
        mainStorageDomain: "nfs-ovirt45",
        leases: { from: 10, to: 23 },
        upgradeLeases: { from: 1, to: 6 },
        upgradeStorage: { nfsServer: "nfs.example.com" },
        hosts: hosts(10),
    };
}

function problemsOf(raw: Record<string, unknown>): ConfigProblem[] {
    try {
        validateConfig(raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return [...e.problems];
    }
    assert.fail("expected validateConfig to throw");
}

interface Case {
    readonly name: string;
    readonly change: (raw: Record<string, unknown>) => void;
    /** Key path of the expected problem. */
    readonly key: string;
    /** The bad value as it must appear in the message (JSON text). */
    readonly value: unknown;
    /** Words the problem or fix must contain. */
    readonly mentions: readonly string[];
}

const set = (path: string, value: unknown) => (raw: Record<string, unknown>) => {
    const parts = path.split(".");
    let obj = raw;
    for (const part of parts.slice(0, -1)) {
        obj[part] = { ...((obj[part] as Record<string, unknown>) ?? {}) };
        obj = obj[part] as Record<string, unknown>;
    }
    obj[parts[parts.length - 1]] = value;
};

const CASES: Case[] = [
    {
        name: "engine URL with a trailing slash",
        change: set("engineUrl", "https://engine.example.com/ovirt-engine/api/"),
        key: "engineUrl",
        value: "https://engine.example.com/ovirt-engine/api/",
        mentions: ["/ovirt-engine/api", "use https://engine.example.com/ovirt-engine/api"],
    },
    {
        name: "engine URL without /api",
        change: set("engineUrl", "https://engine.example.com/ovirt-engine"),
        key: "engineUrl",
        value: "https://engine.example.com/ovirt-engine",
        mentions: ["must end exactly in /ovirt-engine/api"],
    },
    {
        name: "engine URL with no path",
        change: set("engineUrl", "https://engine.example.com"),
        key: "engineUrl",
        value: "https://engine.example.com",
        mentions: ["must end exactly in /ovirt-engine/api"],
    },
    {
        name: "http engine URL without engineAllowHttp",
        change: set("engineUrl", "http://engine.example.com/ovirt-engine/api"),
        key: "engineUrl",
        value: "http://engine.example.com/ovirt-engine/api",
        mentions: ["https", "engineAllowHttp"],
    },
    {
        name: "http OVN Identity URL",
        change: set("ovnAuthUrl", "http://engine.example.com:35357/v2.0"),
        key: "ovnAuthUrl",
        value: "http://engine.example.com:35357/v2.0",
        mentions: ["not https", "https://engine.example.com:35357/v2.0", "ovnAllowForeignUrl"],
    },
    {
        name: "OVN Networking URL on another host than the engine",
        change: set("ovnNetworkUrl", "https://elsewhere.example.net:9696/v2.0"),
        key: "ovnNetworkUrl",
        value: "https://elsewhere.example.net:9696/v2.0",
        mentions: ["not on the engine's host engine.example.com", "ovnAllowForeignUrl"],
    },
    {
        name: "CI engine user that is the admin login",
        change: set("ciEngineUsername", "Admin@internal"),
        key: "ciEngineUsername",
        value: "Admin@internal",
        mentions: ["every CI job would hold the admin login", "The CI engine user"],
    },
    {
        name: "engine URL that is not a URL",
        change: set("engineUrl", "engine.example.com"),
        key: "engineUrl",
        value: "engine.example.com",
        mentions: ["not a URL"],
    },
    {
        name: "engine user without a domain",
        change: set("engineUsername", "admin"),
        key: "engineUsername",
        value: "admin",
        mentions: ["user@domain", "admin@internal"],
    },
    {
        name: "base domain with a trailing dot",
        change: set("baseDomain", "example.com."),
        key: "baseDomain",
        value: "example.com.",
        mentions: ["DNS domain"],
    },
    {
        name: "missing data center",
        change: (r) => delete r.dataCenter,
        key: "dataCenter",
        value: undefined,
        mentions: ["is required", "pulumi config set dataCenter"],
    },
    {
        name: "top-level typo",
        change: (r) => {
            r.baseDomian = r.baseDomain;
        },
        key: "baseDomian",
        value: "gcp.devcluster.openshift.com",
        mentions: ['did you mean "baseDomain"', 'rename it to "baseDomain"'],
    },
    {
        name: "empty lease range",
        change: set("leases", { from: 23, to: 10 }),
        key: "leases",
        value: { from: 23, to: 10 },
        mentions: ["empty range", "{from: 10, to: 23}"],
    },
    {
        name: "overlapping lease ranges",
        change: set("leases", [
            { from: 10, to: 14 },
            { from: 12, to: 16 },
        ]),
        key: "leases",
        value: [
            { from: 10, to: 14 },
            { from: 12, to: 16 },
        ],
        mentions: ["overlapping ranges 10..14 and 12..16", "exactly once"],
    },
    {
        name: "duplicate lease numbers",
        change: set("leases", [10, 11, 10]),
        key: "leases",
        value: [10, 11, 10],
        mentions: ["lists 10 twice (duplicate)"],
    },
    {
        name: "duplicate lease ranges",
        change: set("leases", [
            { from: 10, to: 12 },
            { from: 10, to: 12 },
        ]),
        key: "leases",
        value: [
            { from: 10, to: 12 },
            { from: 10, to: 12 },
        ],
        mentions: ["10..12 twice"],
    },
    {
        name: "empty lease list",
        change: set("leases", []),
        key: "leases",
        value: [],
        mentions: ["is empty", "from: 10, to: 23"],
    },
    {
        name: "typo inside a lease range",
        change: set("leases", { from: 10, too: 23 }),
        key: "leases.too",
        value: 23,
        mentions: ['did you mean "to"'],
    },
    {
        name: "non-integer lease number",
        change: set("leases", [10.5]),
        key: "leases[0]",
        value: 10.5,
        mentions: ["positive integers"],
    },
    {
        name: "lease number the scheme cannot hold",
        change: set("leases", { from: 50, to: 56 }),
        key: "leases",
        value: 56,
        mentions: ["does not fit the addressing scheme", "1..55"],
    },
    {
        name: "subnet pool with prefix above 32",
        change: set("addressing.subnetPool", "192.168.0.0/33"),
        key: "addressing.subnetPool",
        value: "192.168.0.0/33",
        mentions: ["not a valid IPv4 CIDR", "above 32"],
    },
    {
        name: "subnet pool with host bits",
        change: set("addressing.subnetPool", "192.168.1.0/16"),
        key: "addressing.subnetPool",
        value: "192.168.1.0/16",
        mentions: ["host bits", "192.168.0.0/16"],
    },
    {
        name: "machine network without prefix",
        change: set("addressing.machineNetworkCidr", "192.168.0.0"),
        key: "addressing.machineNetworkCidr",
        value: "192.168.0.0",
        mentions: ["a.b.c.d/n"],
    },
    {
        name: "machine network not covering the leases",
        change: set("addressing.machineNetworkCidr", "10.0.0.0/16"),
        key: "addressing.machineNetworkCidr",
        value: "10.0.0.0/16",
        mentions: ["does not contain lease ovirt-10's subnet 192.168.210.0/24"],
    },
    {
        name: "API VIP outside its subnet",
        change: set("addressing.apiVipHost", 300),
        key: "addressing.apiVipHost",
        value: 300,
        mentions: ["outside its /24 subnet", "between 1 and 254"],
    },
    {
        name: "ingress VIP inside the DHCP range",
        change: set("addressing.ingressVipHost", 120),
        key: "addressing.ingressVipHost",
        value: 120,
        mentions: ["inside the DHCP range", "outside the DHCP range"],
    },
    {
        name: "DNS VIP equal to the API VIP",
        change: set("addressing.dnsVipHost", 30),
        key: "addressing.dnsVipHost",
        value: 30,
        mentions: ["same host offset as apiVipHost"],
    },
    {
        name: "typo in addressing",
        change: set("addressing.apiVIPHost", 40),
        key: "addressing.apiVIPHost",
        value: 40,
        mentions: ['did you mean "apiVipHost"'],
    },
    {
        name: "inverted DHCP range",
        change: (r) => {
            set("addressing.dhcpFirstHost", 150)(r);
            set("addressing.dhcpLastHost", 101)(r);
        },
        key: "addressing.dhcpFirstHost",
        value: 150,
        mentions: ["DHCP range is empty"],
    },
    {
        name: "cluster name with a dash",
        change: set("naming.clusterName", "ovirt-{n}"),
        key: "naming.clusterName",
        value: "ovirt-{n}",
        mentions: ["dash", "before the first", 'e.g. "ovirt{n}"'],
    },
    {
        name: "network name without the lease number",
        change: set("naming.networkName", "ovn-vmnet"),
        key: "naming.networkName",
        value: "ovn-vmnet",
        mentions: ["{n}", "same name"],
    },
    {
        name: "zero memory per VM",
        change: set("clusterFootprint.memoryMiB", 0),
        key: "clusterFootprint.memoryMiB",
        value: 0,
        mentions: ["at least 1", "non-positive"],
    },
    {
        name: "negative masters",
        change: set("clusterFootprint.masters", -3),
        key: "clusterFootprint.masters",
        value: -3,
        mentions: ["at least 1"],
    },
    {
        name: "typo in the footprint",
        change: set("clusterFootprint.vcpu", 4),
        key: "clusterFootprint.vcpu",
        value: 4,
        mentions: ['did you mean "vcpus"'],
    },
    { name: "no hosts", change: set("hosts", []), key: "hosts", value: [], mentions: ["non-empty list"] },
    {
        name: "host with zero cores",
        change: (r) => {
            (r.hosts as Record<string, unknown>[])[0] = { ...hosts(1)[0], cpuCores: 0 };
        },
        key: "hosts[0].cpuCores",
        value: 0,
        mentions: ["at least 1"],
    },
    {
        name: "duplicate host names",
        change: (r) => {
            (r.hosts as Record<string, unknown>[])[1] = { ...hosts(2)[1], name: "bm1" };
        },
        key: "hosts[1].name",
        value: "bm1",
        mentions: ["duplicates hosts[0].name"],
    },
    {
        name: "typo in a host",
        change: (r) => {
            (r.hosts as Record<string, unknown>[])[2] = {
                name: "bm3",
                address: "bm3.example.com",
                cpuCores: 96,
                memoryGib: 96,
            };
        },
        key: "hosts[2].memoryGib",
        value: 96,
        mentions: ['did you mean "memoryGiB"'],
    },
    {
        name: "more leases than the hosts hold",
        change: set("hosts", hosts(2)),
        key: "leases",
        value: { from: 10, to: 23 },
        mentions: ["more than the hosts can hold", "at most 3 leases", "capacityOverride: true"],
    },
    {
        name: "overcommit that is not a number",
        change: set("memoryOvercommitPercent", "lots"),
        key: "memoryOvercommitPercent",
        value: "lots",
        mentions: ["integer"],
    },
    {
        name: "proxy VM the cleanup job would delete",
        change: set("proxyVm.name", "my-proxy"),
        key: "proxyVm.name",
        value: "my-proxy",
        mentions: ["cleanup job", '"proxy-vm"'],
    },
    {
        name: "proxy template the cleanup job would delete",
        change: set("proxyVm.template", "rhel-9"),
        key: "proxyVm.template",
        value: "rhel-9",
        mentions: ["Blank and centos-7"],
    },
    {
        name: "proxy gateway outside the external network",
        change: (r) => {
            r.proxyVm = { externalAddress: "203.0.113.10", externalPrefixLength: 24, externalGateway: "198.51.100.1" };
        },
        key: "proxyVm.externalGateway",
        value: "198.51.100.1",
        mentions: ["outside the external network"],
    },
    {
        name: "upgrade leases without an NFS server",
        change: set("upgradeStorage", {}),
        key: "upgradeStorage.nfsServer",
        value: undefined,
        mentions: ["is required"],
    },
    {
        name: "export path without the lease number",
        change: set("upgradeStorage.exportPathPattern", "/exports/upgrade"),
        key: "upgradeStorage.exportPathPattern",
        value: "/exports/upgrade",
        mentions: ["{n}"],
    },
    {
        name: "relative export path",
        change: set("upgradeStorage.exportPathPattern", "exports/ovirt-upgrade-{n}"),
        key: "upgradeStorage.exportPathPattern",
        value: "exports/ovirt-upgrade-{n}",
        mentions: ["absolute"],
    },
    {
        name: "secret name that secret sync rejects",
        change: set("vault.targetName", "secrets-ovirt"),
        key: "vault.targetName",
        value: "secrets-ovirt",
        mentions: ["cluster-secrets-<profile>"],
    },
    {
        name: "secret name longer than a DNS-1123 label (the CI's Vault proxy refuses it)",
        change: set("vault.targetName", `cluster-secrets-${"x".repeat(48)}`),
        key: "vault.targetName",
        value: `cluster-secrets-${"x".repeat(48)}`,
        mentions: ["63 characters"],
    },
    {
        name: "sync namespace that is not a DNS-1123 label",
        change: set("vault.targetNamespace", "ci,Test_NS"),
        key: "vault.targetNamespace",
        value: "ci,Test_NS",
        mentions: ["namespace"],
    },
    {
        name: "vault path with a leading slash",
        change: set("vault.path", "/selfservice/ovirt/cluster-secrets-ovirt"),
        key: "vault.path",
        value: "/selfservice/ovirt/cluster-secrets-ovirt",
        mentions: ["no leading or trailing slash"],
    },
    {
        name: "CA and insecure together",
        change: (r) => {
            r.engineInsecure = true;
            r.engineCaPem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        },
        key: "engineInsecure",
        value: true,
        mentions: ["contradicts engineCaPem"],
    },
    {
        name: "typo in ciProfile",
        change: set("ciProfile.pullSecrets", false),
        key: "ciProfile.pullSecrets",
        value: false,
        mentions: ['did you mean "pullSecret"'],
    },
    {
        name: "clusterbot pool of zero",
        change: set("clusterbotPoolSize", 0),
        key: "clusterbotPoolSize",
        value: 0,
        mentions: ["at least 1"],
    },
];

describe("validateConfig: invalid values", () => {
    it("has at least 25 cases", () => assert.ok(CASES.length >= 25));

    for (const c of CASES) {
        it(`rejects ${c.name}, naming key, value and fix`, () => {
            const raw = base();
            c.change(raw);
            const problems = problemsOf(raw);
            const p = problems.find((x) => x.key === c.key);
            assert.ok(p, `no problem for ${c.key}; got ${problems.map(formatProblem).join(" | ")}`);
            assert.deepEqual(p.value, c.value);
            const line = formatProblem(p);
            assert.ok(line.startsWith(`ovirt-ci:${c.key}: `), line);
            assert.ok(
                line.includes(c.value === undefined ? "nothing (unset)" : `got ${JSON.stringify(c.value)}`),
                line,
            );
            assert.match(line, /\. Fix: \S/);
            for (const m of c.mentions) {
                assert.ok(line.includes(m), `"${m}" missing from: ${line}`);
            }
            // the thrown message lists it too
            assert.throws(
                () => validateConfig(raw),
                (e: Error) => e.message.includes(line),
            );
        });
    }

    it("reports every problem at once", () => {
        const raw = base();
        raw.engineUrl = "https://e/ovirt-engine/api/";
        raw.leases = { from: 23, to: 10 };
        raw.naming = { clusterName: "ovirt-{n}" };
        raw.clusterFootprint = { memoryMiB: -1 };
        const keys = problemsOf(raw).map((p) => p.key);
        assert.deepEqual(keys.sort(), ["clusterFootprint.memoryMiB", "engineUrl", "leases", "naming.clusterName"]);
    });
});

describe("validateConfig: valid values", () => {
    it("fills every default of the contract", () => {
        const c = validateConfig(base());
        assert.deepEqual(c.leases, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
        assert.deepEqual(c.upgradeLeases, [1, 2, 3, 4, 5, 6]);
        assert.equal(c.engineUsername, "admin@internal");
        assert.equal(c.ovnProviderName, "ovirt-provider-ovn");
        assert.deepEqual(c.clusterFootprint, { masters: 3, workers: 2, vcpus: 8, memoryMiB: 16384 });
        assert.equal(c.memoryOvercommitPercent, 150);
        assert.equal(c.proxyVm.name, "proxy-vm");
        assert.equal(c.proxyVm.managementNetwork, "ovirtmgmt");
        assert.deepEqual(c.vault, {
            mount: "kv",
            path: "selfservice/ovirt/cluster-secrets-ovirt",
            targetNamespace: "ci",
            targetName: "cluster-secrets-ovirt",
            targetClusters: "",
        });
        assert.deepEqual(c.ciProfile, { ovirtConfClusterId: false, ovirtConfStorageDomainId: true, pullSecret: true });
        assert.equal(c.clusterbotPoolSize, 3);
        assert.equal(c.addressing.subnetOffset, 200);
        assert.equal(c.capacity.fits, true);
        assert.ok(Object.isFrozen(c));
    });

    it("accepts the string forms Pulumi stores (numbers, booleans, JSON objects)", () => {
        const raw: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(base())) {
            raw[`ovirt-ci:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
        }
        raw["ovirt-ci:memoryOvercommitPercent"] = "200";
        raw["ovirt-ci:capacityOverride"] = "false";
        const c = validateConfig(raw);
        assert.equal(c.memoryOvercommitPercent, 200);
        assert.equal(c.leases.length, 14);
    });

    it("accepts several ranges, lists and single numbers, sorted", () => {
        const c = validateConfig({
            ...base(),
            leases: [{ from: 20, to: 21 }, 12, { from: 10, to: 10 }],
            upgradeLeases: [3, 1],
        });
        assert.deepEqual(c.leases, [10, 12, 20, 21]);
        assert.deepEqual(c.upgradeLeases, [1, 3]);
    });

    it("accepts no upgrade leases without an NFS server", () => {
        const raw = base();
        delete raw.upgradeLeases;
        delete raw.upgradeStorage;
        assert.deepEqual(validateConfig(raw).upgradeLeases, []);
    });

    it("accepts too many leases with capacityOverride, keeping the report", () => {
        const c = validateConfig({ ...base(), hosts: hosts(2), capacityOverride: true });
        assert.equal(c.capacity.fits, false);
        assert.equal(c.capacity.maxLeases, 3);
    });

    it("accepts a different addressing scheme", () => {
        const c = validateConfig({
            ...base(),
            leases: { from: 1, to: 3 },
            addressing: {
                subnetPool: "10.10.0.0/16",
                subnetPrefixLength: 25,
                subnetOffset: 0,
                machineNetworkCidr: "10.10.0.0/16",
                dhcpFirstHost: 50,
                dhcpLastHost: 100,
            },
        });
        assert.equal(c.addressing.apiVipHost, 30);
        assert.equal(c.addressing.subnetPrefixLength, 25);
    });

    it("accepts http for the emulator only when allowed", () => {
        const c = validateConfig({
            ...base(),
            engineUrl: "http://127.0.0.1:8443/ovirt-engine/api",
            engineAllowHttp: true,
        });
        assert.equal(c.engineUrl, "http://127.0.0.1:8443/ovirt-engine/api");
    });

    it("accepts an OVN URL off the engine's host only with ovnAllowForeignUrl, and https on the engine's host always", () => {
        const engineUrl = "https://Engine.example.com/ovirt-engine/api";
        const ok = validateConfig({ ...base(), engineUrl, ovnAuthUrl: "https://engine.example.com:35357/v2.0" });
        assert.equal(ok.ovnAuthUrl, "https://engine.example.com:35357/v2.0");
        const foreign = validateConfig({
            ...base(),
            engineUrl,
            ovnNetworkUrl: "http://ovn.example.net:9696/v2.0",
            ovnAllowForeignUrl: true,
        });
        assert.equal(foreign.ovnNetworkUrl, "http://ovn.example.net:9696/v2.0");
    });
});

describe("checkCapacity", () => {
    const footprint = { masters: 3, workers: 2, vcpus: 8, memoryMiB: 16384 };
    it("matches the contract: ~16-17 clusters fit on 10 × 96 GiB at 150 %", () => {
        const r = checkCapacity({
            hosts: hosts(10),
            footprint,
            leaseCount: 14,
            memoryOvercommitPercent: 150,
            cpuOvercommitPercent: 100,
            reservedMemoryMiB: 4096,
            reservedVcpus: 2,
        });
        assert.equal(r.memoryCapacityMiB, 10 * 96 * 1024 * 1.5);
        assert.equal(r.memoryDemandMiB, 14 * 5 * 16384 + 4096);
        assert.equal(r.vcpuDemand, 14 * 40 + 2);
        assert.equal(r.maxLeases, 17);
        assert.equal(r.fits, true);
    });
    it("fails on the vCPU budget too", () => {
        const r = checkCapacity({
            hosts: hosts(10, 8, 1024),
            footprint,
            leaseCount: 3,
            memoryOvercommitPercent: 100,
            cpuOvercommitPercent: 100,
        });
        assert.equal(r.fits, false);
        assert.equal(r.maxLeases, 2);
    });
    it("is exact at the boundary", () => {
        const r = checkCapacity({
            hosts: [{ cpuCores: 40, memoryGiB: 80 }],
            footprint,
            leaseCount: 1,
            memoryOvercommitPercent: 100,
            cpuOvercommitPercent: 100,
        });
        assert.equal(r.fits, true);
        assert.equal(r.maxLeases, 1);
    });
});
