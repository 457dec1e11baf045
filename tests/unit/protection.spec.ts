// Protection of what holds data or running jobs (lib/protection.ts): the opt-in keys' validation, the resource option
// and guard input they give, and the oVirt kinds' refusal of a replacing change in `diff` (what `pulumi preview` runs).
import * as assert from "node:assert/strict";
import { ConfigError, validateConfig } from "../../lib/config";
import { minimalStackConfig } from "../helpers/stackConfig";
import { formatsOnRemove, hostEntry, protectionOf, protectionProblems } from "../../lib/protection";
import { HostProvider } from "../../providers/ovirt/host";
import { StorageDomainProvider } from "../../providers/ovirt/storageDomain";
import { VmProvider } from "../../providers/ovirt/vm";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // the SDK's unknown sentinel in a preview
const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";

function base(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return minimalStackConfig(
        {
            leases: [10],
            upgradeLeases: [1, 2],
            upgradeStorage: { nfsServer: "nfs.example.com" },
            hosts: [{ name: "bm01", address: "bm01.example.com", cpuCores: 96, memoryGiB: 96 }],
            ...extra,
        },
        1,
    );
}

describe("protection: the opt-in keys", () => {
    it("default: nothing may be replaced, nothing is formatted", () => {
        const c = validateConfig(base());
        assert.deepEqual(c.allowReplace, []);
        assert.deepEqual(c.formatUpgradeStorage, []);
        for (const entry of ["proxyVm", "mainStorageDomain", "vaultItem", hostEntry("bm01"), "ovirt-upgrade-1"]) {
            const p = protectionOf(c.allowReplace, entry);
            assert.equal(p.protect, true, entry);
            assert.match(p.protection!, new RegExp(`add "${entry}" to ovirt-ci:allowReplace`));
        }
        assert.equal(formatsOnRemove(c.formatUpgradeStorage, "ovirt-upgrade-1"), false);
    });

    it("an entry unprotects only its resource; formatting needs its own entry", () => {
        const c = validateConfig(
            base({ allowReplace: ["host:bm01", "ovirt-upgrade-2"], formatUpgradeStorage: ["ovirt-upgrade-2"] }),
        );
        assert.deepEqual(protectionOf(c.allowReplace, "host:bm01"), { protect: false });
        assert.equal(protectionOf(c.allowReplace, "proxyVm").protect, true);
        assert.equal(formatsOnRemove(c.formatUpgradeStorage, "ovirt-upgrade-2"), true);
        assert.equal(formatsOnRemove(c.formatUpgradeStorage, "ovirt-upgrade-1"), false);
    });

    it("refuses unknown entries and formatting a domain that is still protected, naming the fix", () => {
        const problems = (extra: Record<string, unknown>) => {
            try {
                validateConfig(base(extra));
            } catch (e) {
                assert.ok(e instanceof ConfigError);
                return e.problems.map((p) => `${p.key}: ${p.problem} Fix: ${p.fix}`);
            }
            return [];
        };
        assert.match(
            problems({ allowReplace: ["proxy"] }).join("\n"),
            /allowReplace: must be a list of proxyVm.*"proxy"/,
        );
        assert.match(
            problems({ formatUpgradeStorage: ["ovirt-upgrade-1"] }).join("\n"),
            /formatUpgradeStorage: names ovirt-upgrade-1, which allowReplace does not list.*Fix: add ovirt-upgrade-1 to allowReplace/,
        );
        assert.deepEqual(protectionProblems(["vaultItem"], []), []);
    });
});

describe("protection: a replacing change of a protected oVirt object is refused in diff (preview)", () => {
    const guard = protectionOf([], "proxyVm").protection!;

    it("Vm: another template (an id not known until applied) is refused, naming the field and the way out", async () => {
        const p = new VmProvider();
        const olds = { name: "proxy-vm", clusterId: A, templateId: A, providerVersion: 1 };
        await assert.rejects(
            p.diff(
                "id",
                olds as never,
                { name: "proxy-vm", clusterId: A, templateId: UNKNOWN, protection: guard } as never,
            ),
            /Vm proxy-vm is protected: the change of templateId "1111.*" → \(another object, known once applied\) would replace it .*Nothing was changed\. Revert the change, or add "proxyVm" to ovirt-ci:allowReplace/,
        );
        // cloud-init values are never quoted (they hold keys)
        await assert.rejects(
            p.diff(
                "id",
                { ...olds, cloudInit: { authorizedSshKeys: "ssh-ed25519 OLD" } } as never,
                { ...olds, cloudInit: { authorizedSshKeys: "ssh-ed25519 NEW" }, protection: guard } as never,
            ),
            (e: Error) => /cloudInit \(changed; not shown\)/.test(e.message) && !/OLD|NEW/.test(e.message),
        );
    });

    it("Host: an address written as an IP instead of the FQDN is refused; without the guard it is a replace", async () => {
        const p = new HostProvider();
        const olds = { name: "bm01", address: "bm01.example.com", clusterId: A, providerVersion: 1 };
        const news = { name: "bm01", address: "192.0.2.7", clusterId: A };
        await assert.rejects(
            p.diff("id", olds as never, { ...news, protection: protectionOf([], "host:bm01").protection } as never),
            /Host bm01 is protected: the change of address "bm01\.example\.com" → "192\.0\.2\.7" would replace it/,
        );
        const allowed = await p.diff("id", olds as never, news as never);
        assert.deepEqual(allowed.replaces, ["address"]);
    });

    it("StorageDomain: nfsVersion v4_1 against auto is refused; in-place changes pass", async () => {
        const p = new StorageDomainProvider();
        const olds = {
            name: "ovirt-upgrade-1",
            dataCenterId: A,
            hostId: A,
            nfsAddress: "nfs.example.com",
            nfsPath: "/exports/ovirt-upgrade-1",
            nfsVersion: "auto",
            providerVersion: 1,
        };
        const protection = protectionOf([], "ovirt-upgrade-1").protection;
        await assert.rejects(
            p.diff("id", olds as never, { ...olds, nfsVersion: "v4_1", protection } as never),
            /StorageDomain ovirt-upgrade-1 is protected: the change of nfsVersion "auto" → "v4_1"/,
        );
        const inPlace = await p.diff("id", olds as never, { ...olds, hostId: B, protection } as never);
        assert.equal(inPlace.changes, true);
        assert.deepEqual(inPlace.replaces, []);
    });
});
