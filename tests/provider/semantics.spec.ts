// Pure parts of the provider: representation decoding, check failures, diff replaces and providerVersion bumps.
import * as assert from "node:assert/strict";
import * as ovirt from "../../providers/ovirt";
import { decodeBool, decodeInt, decodeList, decodeNumber, encodeBool, encodeInt } from "../../providers/ovirt/representation";

const ID1 = "c1a45000-0000-4000-8000-000000000001";
const ID2 = "c1a45000-0000-4000-8000-000000000002";
const ID3 = "c1a45000-0000-4000-8000-000000000003";

describe("representation", () => {
    it("decodes string and numeric booleans and integers, and missing collections", () => {
        assert.equal(decodeBool("true"), true);
        assert.equal(decodeBool("FALSE"), false);
        assert.equal(decodeBool(true), true);
        assert.equal(decodeBool(undefined, true), true);
        assert.throws(() => decodeBool("maybe"), /engine boolean/);
        assert.equal(decodeInt("17179869184"), 17179869184);
        assert.equal(decodeInt(17179869184), 17179869184);
        assert.equal(decodeInt(undefined, 7), 7);
        assert.throws(() => decodeInt("4.5"), /engine integer/);
        assert.equal(decodeNumber(1.5), 1.5);
        assert.deepEqual(decodeList({}, "vm"), []);
        assert.deepEqual(decodeList({ vm: [{ id: "1" }] }, "vm"), [{ id: "1" }]);
        assert.deepEqual(decodeList({ vm: { id: "1" } }, "vm"), [{ id: "1" }]);
        assert.equal(encodeBool(false), "false");
        assert.equal(encodeInt(4096), "4096");
        assert.throws(() => encodeInt(1.5));
    });

    it("reads guest IPs from reported devices", () => {
        assert.deepEqual(ovirt.reportedIps({ reported_devices: { reported_device: [{ ips: { ip: [{ address: "192.168.201.10", version: "v4" }] } }] } }), ["192.168.201.10"]);
        assert.deepEqual(ovirt.reportedIps({}), []);
    });
});

describe("check", () => {
    it("names the field and the fix", async () => {
        const r = await new ovirt.VmProvider().check({} as never, {
            name: "bad name!", clusterId: "nope", templateId: ID1, memoryMiB: 12.5,
            cloudInit: { rootPassword: "x", nicConfigurations: [{ name: "eth0", bootProtocol: "static", address: "10.0.0.300" }] },
        } as never);
        const props = r.failures!.map((f) => f.property).sort();
        assert.deepEqual(props, ["cloudInit.nicConfigurations[0].address", "cloudInit.nicConfigurations[0].netmask", "cloudInit.rootPassword", "clusterId", "memoryMiB", "name"]);
        assert.match(r.failures!.find((f) => f.property === "cloudInit.rootPassword")!.reason, /passwords are not accepted/);
        assert.match(r.failures!.find((f) => f.property === "clusterId")!.reason, /engine id \(UUID\)/);
    });

    it("normalises inputs and fills defaults", async () => {
        const r = await new ovirt.StorageDomainProvider().check({} as never, {
            name: "sd1", dataCenterId: ID1.toUpperCase(), hostId: ID2, nfsAddress: "nfs.lan", nfsPath: "/exports/sd1//",
        } as never);
        assert.deepEqual(r.failures, []);
        assert.deepEqual(r.inputs, {
            name: "sd1", dataCenterId: ID1, hostId: ID2, nfsAddress: "nfs.lan", nfsPath: "/exports/sd1", nfsVersion: "auto",
            storageFormat: "v5", active: true, formatOnDelete: true,
        }, "unset optional inputs are omitted (the provider host cannot send undefined)");
        const ev = await new ovirt.EventProvider().check({} as never, { description: "d", origin: "oVirt" } as never);
        assert.deepEqual(ev.failures!.map((f) => f.property).sort(), ["customId", "origin"]);
    });
});

describe("diff", () => {
    const vmOld = {
        name: "a", clusterId: ID1, templateId: ID2, highAvailability: false, deleteProtected: false, started: true, ipWaitSeconds: 120,
        memoryMiB: 2048, status: "up", ipAddresses: [], adopted: false, providerVersion: ovirt.VM_PROVIDER_VERSION,
    };
    const vmNew = { name: "a", clusterId: ID1, templateId: ID2, highAvailability: false, deleteProtected: false, started: true, ipWaitSeconds: 120, memoryMiB: 2048 };

    it("no change when inputs equal state", async () => {
        const d = await new ovirt.VmProvider().diff("x", vmOld as never, vmNew as never);
        assert.equal(d.changes, false);
    });

    it("replaces identity fields (delete first), updates mutable ones", async () => {
        const p = new ovirt.VmProvider();
        const rep = await p.diff("x", vmOld as never, { ...vmNew, templateId: ID3 } as never);
        assert.deepEqual([rep.changes, rep.replaces, rep.deleteBeforeReplace], [true, ["templateId"], true]);
        const upd = await p.diff("x", vmOld as never, { ...vmNew, memoryMiB: 4096 } as never);
        assert.deepEqual([upd.changes, upd.replaces, upd.deleteBeforeReplace], [true, [], false]);
    });

    it("reports a change when the state was written by another provider version", async () => {
        const d = await new ovirt.VmProvider().diff("x", { ...vmOld, providerVersion: 0 } as never, vmNew as never);
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
    });

    it("reports an in-place change when the state holds another provider text (e.g. the whole closure before the stub)", async () => {
        const stub = "exports.handler = __f0; /* stub */";
        const same = await new ovirt.VmProvider().diff("x", { ...vmOld, __provider: stub } as never, { ...vmNew, __provider: stub } as never);
        assert.equal(same.changes, false);
        const old = await new ovirt.VmProvider().diff("x", { ...vmOld, __provider: "exports.handler = __f0; /* 50 kB */" } as never, { ...vmNew, __provider: stub } as never);
        assert.deepEqual([old.changes, old.replaces], [true, []]);
        const adopted = await new ovirt.EngineObjectProvider().diff("x", { kind: "cluster", name: "c", providerVersion: 1, __provider: "old" } as never, { kind: "cluster", name: "c", __provider: stub } as never);
        assert.deepEqual([adopted.changes, adopted.replaces], [true, []]);
        // during a preview an unknown provider text is no reason for a change
        const unknown = await new ovirt.VmProvider().diff("x", { ...vmOld, __provider: "old" } as never, { ...vmNew, __provider: ovirt.UNKNOWN } as never);
        assert.equal(unknown.changes, false);
    });

    it("every resource replaces on name change", async () => {
        const cases: Array<[{ diff: (id: string, o: never, n: never) => Promise<{ replaces?: string[] }> }, Record<string, unknown>]> = [
            [new ovirt.DataCenterProvider(), { name: "a", local: false }],
            [new ovirt.ClusterProvider(), { name: "a", dataCenterId: ID1, cpuArchitecture: "x86_64" }],
            [new ovirt.HostProvider(), { name: "a", address: "h", clusterId: ID1, authMethod: "publickey", sshPort: 22 }],
            [new ovirt.StorageDomainProvider(), { name: "a", hostId: ID1, nfsAddress: "n", nfsPath: "/p", nfsVersion: "auto", storageFormat: "v5" }],
            [new ovirt.NetworkProvider(), { name: "a", dataCenterId: ID1, externalProviderId: ID2 }],
            [new ovirt.VmNicProvider(), { name: "a", vmId: ID1, interface: "virtio" }],
            [new ovirt.AffinityGroupProvider(), { name: "a", clusterId: ID1 }],
            [new ovirt.TagProvider(), { name: "a" }],
        ];
        for (const [p, olds] of cases) {
            const d = await p.diff("x", { ...olds, providerVersion: 1 } as never, { ...olds, name: "b" } as never);
            assert.deepEqual(d.replaces, ["name"], p.constructor.name);
        }
    });
});

describe("check during a preview", () => {
    it("passes unknown (not yet computed) inputs through without failures", async () => {
        const U = ovirt.UNKNOWN;
        const cases: Array<[{ check: (o: never, n: never) => Promise<{ failures?: unknown[] }> }, Record<string, unknown>]> = [
            [new ovirt.DataCenterProvider(), { name: U, version: U, local: U, description: U }],
            [new ovirt.ClusterProvider(), { name: U, dataCenterId: U, cpuType: U, cpuArchitecture: U, version: U }],
            [new ovirt.HostProvider(), { name: U, address: U, clusterId: U, spmPriority: U, sshPort: U, authMethod: U }],
            [new ovirt.StorageDomainProvider(), { name: U, dataCenterId: U, hostId: U, nfsAddress: U, nfsPath: U, nfsVersion: U, active: U }],
            [new ovirt.NetworkProvider(), { name: U, dataCenterId: U, externalProviderId: U, clusterId: U, mtu: U }],
            [new ovirt.VmProvider(), { name: U, clusterId: U, templateId: U, memoryMiB: U, cpuCores: U, started: U,
                cloudInit: { hostName: U, nicConfigurations: [{ name: "eth0", bootProtocol: "static", address: U, netmask: "255.255.255.0" }] } }],
            [new ovirt.VmNicProvider(), { vmId: U, name: "nic1", vnicProfileId: U, macAddress: U }],
            [new ovirt.AffinityGroupProvider(), { clusterId: U, name: "g", priority: U, vmIds: [U, ID1], vmsRule: { enabled: U } }],
            [new ovirt.AffinityGroupProvider(), { clusterId: U, name: "g", vmIds: U }],
            [new ovirt.TagProvider(), { name: U, description: U }],
            [new ovirt.EventProvider(), { description: U, origin: U, customId: U, severity: U, vmId: U }],
        ];
        for (const [p, news] of cases) {
            const r = await p.check({} as never, news as never);
            assert.deepEqual(r.failures, [], `${p.constructor.name}: ${JSON.stringify(r.failures)}`);
        }
    });
});
