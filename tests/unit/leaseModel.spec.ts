import * as assert from "node:assert/strict";
import {
    DEFAULT_ADDRESSING,
    DEFAULT_NAMING,
    LeaseScheme,
    expandPattern,
    lease,
    leaseNumberRange,
    leaseSubnet,
    leases,
    upgradeLease,
} from "../../lib/leaseModel";

const scheme: LeaseScheme = {
    baseDomain: "gcp.devcluster.openshift.com",
    addressing: DEFAULT_ADDRESSING,
    naming: DEFAULT_NAMING,
};

describe("lease model (docs/ci-contract.md section 11)", () => {
    const table: [number, string, string, string][] = [
        // n, subnet, cluster, network
        [10, "192.168.210", "ovirt10", "ovn-vmnet-10"],
        [11, "192.168.211", "ovirt11", "ovn-vmnet-11"],
        [14, "192.168.214", "ovirt14", "ovn-vmnet-14"],
        [19, "192.168.219", "ovirt19", "ovn-vmnet-19"],
        [23, "192.168.223", "ovirt23", "ovn-vmnet-23"],
        [24, "192.168.224", "ovirt24", "ovn-vmnet-24"], // the historical typo was 192.168.24.30
        [55, "192.168.255", "ovirt55", "ovn-vmnet-55"],
    ];
    for (const [n, net, cluster, network] of table) {
        it(`ovirt-${n} → ${net}.0/24`, () => {
            assert.deepEqual(lease(n, scheme), {
                number: n,
                name: `ovirt-${n}`,
                fileName: `ovirt-${n}.json`,
                clusterName: cluster,
                networkName: network,
                interfaceName: `vmnet${n}`,
                subnet: `${net}.0/24`,
                subnetPrefixLength: 24,
                netmask: "255.255.255.0",
                gateway: `${net}.1`,
                dhcpRange: { start: `${net}.101`, end: `${net}.150` },
                dhcpLeaseTime: "5m",
                apiVip: `${net}.30`,
                dnsVip: `${net}.31`,
                ingressVip: `${net}.32`,
                machineNetworkCidr: "192.168.0.0/16",
                baseDomain: "gcp.devcluster.openshift.com",
                apiFqdn: `api.${cluster}.gcp.devcluster.openshift.com`,
                appsDomain: `apps.${cluster}.gcp.devcluster.openshift.com`,
                appsWildcard: `*.apps.${cluster}.gcp.devcluster.openshift.com`,
            });
        });
    }

    it("holds leases 1..55 in the default scheme and rejects 56", () => {
        assert.deepEqual(leaseNumberRange(DEFAULT_ADDRESSING), { min: 1, max: 55 });
        assert.throws(() => lease(56, scheme), /lease 56 does not fit the addressing scheme.*holds leases 1\.\.55/);
        assert.throws(() => lease(0, scheme), /lease 0 does not fit/);
    });

    it("is keyed by number: adding or removing leases never readdresses the others", () => {
        const before = leases([10, 11, 12], scheme);
        const after = leases([12, 10, 11, 13, 14], scheme);
        assert.deepEqual(after.slice(0, 3), before);
        assert.deepEqual(leases([12], scheme)[0], before[2]);
    });

    it("derives from a configurable scheme", () => {
        const custom = {
            ...DEFAULT_ADDRESSING,
            subnetPool: "10.20.0.0/16",
            subnetPrefixLength: 26,
            subnetOffset: 0,
            machineNetworkCidr: "10.20.0.0/16",
            dhcpFirstHost: 40,
            dhcpLastHost: 60,
        };
        assert.equal(leaseSubnet(3, custom), "10.20.0.192/26");
        const l = lease(3, { ...scheme, addressing: custom });
        assert.equal(l.apiVip, "10.20.0.222");
        assert.equal(l.netmask, "255.255.255.192");
        assert.equal(leaseNumberRange(custom)?.max, 1023);
    });

    it("expands {n} and {nn}", () => {
        assert.equal(expandPattern("ovn-vmnet-{nn}", 7), "ovn-vmnet-07");
        assert.equal(expandPattern("ovirt{n}", 7), "ovirt7");
        assert.equal(expandPattern("x{n}-{nn}", 123), "x123-123");
    });

    it("derives upgrade leases", () => {
        assert.deepEqual(
            upgradeLease(3, {
                nfsServer: "nfs.example.com",
                exportPathPattern: "/exports/ovirt-upgrade-{n}",
                storageDomainNamePattern: "ovirt-upgrade-{n}",
            }),
            {
                number: 3,
                name: "ovirt-upgrade-3",
                fileName: "ovirt-upgrade-3.json",
                storageDomainName: "ovirt-upgrade-3",
                nfsServer: "nfs.example.com",
                nfsPath: "/exports/ovirt-upgrade-3",
            },
        );
    });
});
