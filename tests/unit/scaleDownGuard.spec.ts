// The scale-down guard's decisions (lib/scaleDownGuard.ts) and the removeLeasesInUse key (lib/config.ts).
import * as assert from "node:assert/strict";
import { GuardSettings, judgeScaleDown, patternNumber, removedObjectSelectors } from "../../lib/scaleDownGuard";
import { ConfigError, validateConfig } from "../../lib/config";
import { overriddenLease } from "../../providers/ovirt/network";

const G: GuardSettings = {
    leases: [10, 11],
    upgradeLeases: [1],
    networkNamePattern: "ovn-vmnet-{n}",
    storageDomainNamePattern: "ovirt-upgrade-{n}",
    proxyVmName: "proxy-vm",
    removeLeasesInUse: [],
};
const net = (name: string, vms: string[]) => ({ id: `id-${name}`, name, description: "", vms });
const sd = (name: string, disks: string[]) => ({ id: `id-${name}`, name, description: "", disks });

describe("scale-down guard", () => {
    it("patternNumber reads the lease number back, and only from names the pattern makes", () => {
        const n = patternNumber("ovn-vmnet-{n}");
        assert.equal(n("ovn-vmnet-12"), 12);
        assert.equal(n("ovn-vmnet-012"), undefined);
        assert.equal(n("ovn-vmnet-12x"), undefined);
        assert.equal(n("xovn-vmnet-12"), undefined);
        assert.equal(patternNumber("lease.{nn}")("lease.07"), 7);
        assert.equal(patternNumber("lease.{nn}")("leaseX07"), undefined, "the dot is literal");
    });

    it("selects only lease objects the config does not declare", () => {
        const sel = removedObjectSelectors(G);
        assert.deepEqual(["ovn-vmnet-10", "ovn-vmnet-12", "ovirtmgmt", "ovn-vmnet-11"].filter(sel.network), [
            "ovn-vmnet-12",
        ]);
        assert.deepEqual(["ovirt-upgrade-1", "ovirt-upgrade-2", "nfs-ovirt45"].filter(sel.storageDomain), [
            "ovirt-upgrade-2",
        ]);
    });

    it("a removed lease network with only the proxy VM on it passes; with a job's VMs it is refused naming lease, VMs and both ways out", () => {
        assert.deepEqual(judgeScaleDown(G, { networks: [net("ovn-vmnet-12", ["proxy-vm"])], storageDomains: [] }), {
            refusals: [],
            warnings: [],
        });
        const r = judgeScaleDown(G, {
            networks: [net("ovn-vmnet-12", ["proxy-vm", "ovirt12-x-master-0", "ovirt12-x-master-1"])],
            storageDomains: [],
        });
        assert.equal(r.refusals.length, 1);
        assert.match(
            r.refusals[0],
            /^lease ovirt-12 is still in use: its network ovn-vmnet-12 has VMs other than the proxy VM on it: ovirt12-x-master-0, ovirt12-x-master-1 /,
        );
        assert.match(
            r.refusals[0],
            /Nothing was changed\. Fix: take ovirt-12 out of boskos first and wait until no job holds it/,
        );
        assert.match(r.refusals[0], /pulumi config set --path 'ovirt-ci:removeLeasesInUse\[0\]' ovirt-12$/);
    });

    it("removeLeasesInUse turns the refusal into a warning for that lease only", () => {
        const r = judgeScaleDown(
            { ...G, removeLeasesInUse: ["ovirt-12"] },
            { networks: [net("ovn-vmnet-12", ["job-a"]), net("ovn-vmnet-13", ["job-b"])], storageDomains: [] },
        );
        assert.equal(r.warnings.length, 1);
        assert.match(
            r.warnings[0],
            /removing lease ovirt-12 although VMs use its network ovn-vmnet-12: job-a \(ovirt-ci:removeLeasesInUse lists it\)/,
        );
        assert.equal(r.refusals.length, 1);
        assert.match(r.refusals[0], /^lease ovirt-13 /);
    });

    it("an upgrade storage domain holding disks is refused (no override), an empty one passes; long lists are cut", () => {
        const disks = Array.from({ length: 12 }, (_, i) => `disk-${String(i).padStart(2, "0")}`);
        const r = judgeScaleDown(
            { ...G, removeLeasesInUse: ["ovirt-12"] },
            { networks: [], storageDomains: [sd("ovirt-upgrade-2", disks), sd("ovirt-upgrade-3", [])] },
        );
        assert.equal(r.refusals.length, 1);
        assert.match(
            r.refusals[0],
            /^upgrade lease ovirt-upgrade-2 is still in use: its storage domain ovirt-upgrade-2 holds 12 disk\(s\): disk-00, .*disk-09 and 2 more\. Nothing was changed\./,
        );
    });

    it("config: removeLeasesInUse defaults to [], takes removed install lease names, rejects the rest with the fix", () => {
        const base = {
            engineUrl: "https://engine.example.com/ovirt-engine/api",
            baseDomain: "example.com",
            dataCenter: "DC",
            cluster: "C",
            mainStorageDomain: "SD",
            ciEngineUsername: "ocpadmin@internal",
            leases: { from: 10, to: 11 },
            hosts: [{ name: "h1", address: "h1.example.com", cpuCores: 256, memoryGiB: 1024 }],
        };
        assert.deepEqual(validateConfig(base).removeLeasesInUse, []);
        assert.deepEqual(validateConfig({ ...base, removeLeasesInUse: '["ovirt-12"]' }).removeLeasesInUse, [
            "ovirt-12",
        ]);
        for (const [bad, text] of [
            [["ovirt-11"], /names leases the config still declares \(ovirt-11\)/],
            [["ovirt-upgrade-2"], /must be a list of install lease names/],
            ["ovirt-12", /must be a list/],
        ] as const) {
            assert.throws(
                () => validateConfig({ ...base, removeLeasesInUse: bad }),
                (e: unknown) =>
                    e instanceof ConfigError && text.test(e.message) && /ovirt-ci:removeLeasesInUse: /.test(e.message),
            );
        }
    });

    it("the Network provider applies the override only to the lease its description names", () => {
        const cfg = (v: string | undefined) => ({
            get: (k: string) => (k === "ovirt-ci:removeLeasesInUse" ? v : undefined),
        });
        assert.equal(
            overriddenLease(cfg('["ovirt-12"]'), "ovirt-ci lease ovirt-12: 192.168.212.0/24, cluster ovirt12"),
            "ovirt-12",
        );
        assert.equal(
            overriddenLease(cfg('["ovirt-12"]'), "ovirt-ci lease ovirt-13: 192.168.213.0/24, cluster ovirt13"),
            undefined,
        );
        assert.equal(overriddenLease(cfg(undefined), "ovirt-ci lease ovirt-12: x"), undefined);
        assert.equal(overriddenLease(cfg('["ovirt-12"]'), "hand-made network"), undefined);
        assert.equal(
            overriddenLease(
                {
                    get: () => {
                        throw new Error("no config");
                    },
                },
                "ovirt-ci lease ovirt-12: x",
            ),
            undefined,
        );
    });
});
