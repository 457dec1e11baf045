// Pure parts of the provider: representation decoding, check failures, diff replaces and providerVersion bumps.
import * as assert from "node:assert/strict";
import * as ovirt from "../../providers/ovirt";
import {
    decodeBool,
    decodeInt,
    decodeList,
    decodeNumber,
    encodeBool,
    encodeInt,
} from "../../providers/ovirt/representation";

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
        assert.deepEqual(
            ovirt.reportedIps({
                reported_devices: {
                    reported_device: [{ ips: { ip: [{ address: "192.168.201.10", version: "v4" }] } }],
                },
            }),
            ["192.168.201.10"],
        );
        assert.deepEqual(ovirt.reportedIps({}), []);
    });
});

describe("check", () => {
    it("names the field and the fix", async () => {
        const r = await new ovirt.VmProvider().check(
            {} as never,
            {
                name: "bad name!",
                clusterId: "nope",
                templateId: ID1,
                memoryMiB: 12.5,
                cloudInit: {
                    rootPassword: "x",
                    nicConfigurations: [{ name: "eth0", bootProtocol: "static", address: "10.0.0.300" }],
                },
            } as never,
        );
        const props = r.failures!.map((f) => f.property).sort();
        assert.deepEqual(props, [
            "cloudInit.nicConfigurations[0].address",
            "cloudInit.nicConfigurations[0].netmask",
            "cloudInit.rootPassword",
            "clusterId",
            "memoryMiB",
            "name",
        ]);
        assert.match(
            r.failures!.find((f) => f.property === "cloudInit.rootPassword")!.reason,
            /passwords are not accepted/,
        );
        assert.match(r.failures!.find((f) => f.property === "clusterId")!.reason, /engine id \(UUID\)/);
    });

    it("normalises inputs and fills defaults", async () => {
        const r = await new ovirt.StorageDomainProvider().check(
            {} as never,
            {
                name: "sd1",
                dataCenterId: ID1.toUpperCase(),
                hostId: ID2,
                nfsAddress: "nfs.lan",
                nfsPath: "/exports/sd1//",
            } as never,
        );
        assert.deepEqual(r.failures, []);
        assert.deepEqual(
            r.inputs,
            {
                name: "sd1",
                dataCenterId: ID1,
                hostId: ID2,
                nfsAddress: "nfs.lan",
                nfsPath: "/exports/sd1",
                nfsVersion: "auto",
                storageFormat: "v5",
                active: true,
                formatOnDelete: true,
            },
            "unset optional inputs are omitted (the provider host cannot send undefined)",
        );
    });

    it("runs a kind's checks across fields after the fields' own", async () => {
        const r = await new ovirt.EngineObjectProvider().check(
            {} as never,
            { kind: "vnicProfile", name: " ovirtmgmt " } as never,
        );
        assert.deepEqual(r.failures, [
            {
                property: "dataCenterId",
                reason: "dataCenterId is required for a vNIC profile (network names repeat across data centers)",
            },
        ]);
        assert.deepEqual(r.inputs, { kind: "vnicProfile", name: "ovirtmgmt" });
    });
});

describe("diff", () => {
    const vmOld = {
        name: "a",
        clusterId: ID1,
        templateId: ID2,
        highAvailability: false,
        deleteProtected: false,
        started: true,
        ipWaitSeconds: 120,
        memoryMiB: 2048,
        status: "up",
        ipAddresses: [],
        adopted: false,
        providerVersion: ovirt.VM_PROVIDER_VERSION,
    };
    const vmNew = {
        name: "a",
        clusterId: ID1,
        templateId: ID2,
        highAvailability: false,
        deleteProtected: false,
        started: true,
        ipWaitSeconds: 120,
        memoryMiB: 2048,
    };

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
        const same = await new ovirt.VmProvider().diff(
            "x",
            { ...vmOld, __provider: stub } as never,
            { ...vmNew, __provider: stub } as never,
        );
        assert.equal(same.changes, false);
        const old = await new ovirt.VmProvider().diff(
            "x",
            { ...vmOld, __provider: "exports.handler = __f0; /* 50 kB */" } as never,
            { ...vmNew, __provider: stub } as never,
        );
        assert.deepEqual([old.changes, old.replaces], [true, []]);
        const adopted = await new ovirt.EngineObjectProvider().diff(
            "x",
            { kind: "cluster", name: "c", providerVersion: 1, __provider: "old" } as never,
            { kind: "cluster", name: "c", __provider: stub } as never,
        );
        assert.deepEqual([adopted.changes, adopted.replaces], [true, []]);
        // during a preview an unknown provider text is no reason for a change
        const unknown = await new ovirt.VmProvider().diff(
            "x",
            { ...vmOld, __provider: "old" } as never,
            { ...vmNew, __provider: ovirt.UNKNOWN } as never,
        );
        assert.equal(unknown.changes, false);
    });

    it("every resource replaces on name change", async () => {
        const cases: Array<
            [{ diff: (id: string, o: never, n: never) => Promise<{ replaces?: string[] }> }, Record<string, unknown>]
        > = [
            [
                new ovirt.HostProvider(),
                { name: "a", address: "h", clusterId: ID1, authMethod: "publickey", sshPort: 22 },
            ],
            [
                new ovirt.StorageDomainProvider(),
                { name: "a", hostId: ID1, nfsAddress: "n", nfsPath: "/p", nfsVersion: "auto", storageFormat: "v5" },
            ],
            [new ovirt.NetworkProvider(), { name: "a", dataCenterId: ID1, externalProviderId: ID2 }],
            [new ovirt.VmNicProvider(), { name: "a", vmId: ID1, interface: "virtio" }],
            [new ovirt.VmProvider(), { name: "a", clusterId: ID1, templateId: ID2 }],
            [new ovirt.EngineObjectProvider(), { kind: "cluster", name: "a" }],
        ];
        for (const [p, olds] of cases) {
            const d = await p.diff("x", { ...olds, providerVersion: 1 } as never, { ...olds, name: "b" } as never);
            assert.deepEqual(d.replaces, ["name"], p.constructor.name);
        }
    });
});

describe("kind descriptions", () => {
    // What replaces and what updates in place is what production states were written with: a field moved from one
    // list to the other would replace (or stop replacing) objects of existing stacks.
    const expected: Record<ovirt.OvirtKind, { replaces: string[]; updates: string[]; deleteBeforeReplace: boolean }> = {
        EngineObject: { replaces: ["kind", "name", "dataCenterId"], updates: [], deleteBeforeReplace: false },
        Host: {
            replaces: ["name", "address", "clusterId", "authMethod", "sshPort"],
            updates: ["description", "spmPriority", "timeoutSeconds"],
            deleteBeforeReplace: true,
        },
        Network: {
            replaces: ["name", "dataCenterId", "externalProviderId"],
            updates: ["clusterId", "description", "mtu"],
            deleteBeforeReplace: true,
        },
        Permission: {
            replaces: ["userName", "authzName", "roleName", "objectType", "objectId"],
            updates: [],
            deleteBeforeReplace: true,
        },
        Role: {
            replaces: ["administrative"],
            updates: ["name", "description", "permits"],
            deleteBeforeReplace: true,
        },
        OvnNetworkPortSecurity: {
            replaces: ["networkName", "networkId"],
            updates: ["portSecurityEnabled"],
            deleteBeforeReplace: false,
        },
        OvnPortSecurity: {
            replaces: ["networkName", "macAddress"],
            updates: ["portSecurityEnabled", "timeoutSeconds"],
            deleteBeforeReplace: false,
        },
        StorageDomain: {
            replaces: ["name", "nfsAddress", "nfsPath", "nfsVersion", "storageFormat"],
            updates: ["dataCenterId", "hostId", "description", "active", "formatOnDelete", "timeoutSeconds"],
            deleteBeforeReplace: true,
        },
        Vm: {
            replaces: ["name", "clusterId", "templateId", "osType", "cloudInit"],
            updates: [
                "memoryMiB",
                "cpuCores",
                "highAvailability",
                "deleteProtected",
                "description",
                "started",
                "timeoutSeconds",
                "ipWaitSeconds",
                // a running VM's BIOS type is refused in update (never a stop), not a replace
                "biosType",
            ],
            deleteBeforeReplace: true,
        },
        // the recorded key stays with its VM: another address or port is an update that reads nothing again
        SshHostKey: { replaces: ["vmId"], updates: ["host", "port", "timeoutSeconds"], deleteBeforeReplace: false },
        VmNic: {
            replaces: ["vmId", "name", "interface", "macAddress"],
            updates: ["vnicProfileId", "linked", "ipWaitSeconds"],
            deleteBeforeReplace: true,
        },
    };

    it("every registered kind replaces and updates exactly the fields its states were written with", async () => {
        assert.deepEqual([...ovirt.OVIRT_KINDS].sort(), Object.keys(expected).sort());
        for (const kind of ovirt.OVIRT_KINDS) {
            const d = (ovirt.createOvirtProvider(kind) as unknown as { description: ovirt.Kind }).description;
            assert.equal(d.kind, kind, "the description names the kind it is registered as");
            const want = expected[kind];
            assert.deepEqual(
                {
                    replaces: [...d.replaceFields].sort(),
                    updates: [...d.updateFields].sort(),
                    deleteBeforeReplace: d.deleteBeforeReplace,
                },
                {
                    replaces: [...want.replaces].sort(),
                    updates: [...want.updates].sort(),
                    deleteBeforeReplace: want.deleteBeforeReplace,
                },
                kind,
            );
            // and diff acts on them: each replace field alone replaces, each update field alone updates in place
            const p = ovirt.createOvirtProvider(kind);
            const olds = { providerVersion: d.providerVersion } as Record<string, unknown>;
            for (const f of want.replaces) {
                const r = await p.diff("x", olds as never, { [f]: "changed" } as never);
                assert.deepEqual(
                    [r.changes, r.replaces, r.deleteBeforeReplace],
                    [true, [f], want.deleteBeforeReplace],
                    `${kind}.${f}`,
                );
            }
            for (const f of want.updates) {
                const r = await p.diff("x", olds as never, { [f]: "changed" } as never);
                assert.deepEqual([r.changes, r.replaces], [true, []], `${kind}.${f}`);
            }
        }
    });

    it("the resource class carries the type token, the outputs and the stub of its kind", () => {
        const classes: Record<ovirt.OvirtKind, { provider: ovirt.OvirtProviderStub }> = {
            EngineObject: ovirt.EngineObject,
            Host: ovirt.Host,
            Network: ovirt.Network,
            OvnNetworkPortSecurity: ovirt.OvnNetworkPortSecurity,
            OvnPortSecurity: ovirt.OvnPortSecurity,
            Permission: ovirt.Permission,
            Role: ovirt.Role,
            SshHostKey: ovirt.SshHostKey,
            StorageDomain: ovirt.StorageDomain,
            Vm: ovirt.Vm,
            VmNic: ovirt.VmNic,
        };
        for (const [kind, cls] of Object.entries(classes)) assert.equal(cls.provider.kind, kind);
    });
});

describe("check during a preview", () => {
    it("passes unknown (not yet computed) inputs through without failures", async () => {
        const U = ovirt.UNKNOWN;
        const cases: Array<
            [{ check: (o: never, n: never) => Promise<{ failures?: unknown[] }> }, Record<string, unknown>]
        > = [
            [
                new ovirt.HostProvider(),
                { name: U, address: U, clusterId: U, spmPriority: U, sshPort: U, authMethod: U },
            ],
            [
                new ovirt.StorageDomainProvider(),
                { name: U, dataCenterId: U, hostId: U, nfsAddress: U, nfsPath: U, nfsVersion: U, active: U },
            ],
            [new ovirt.NetworkProvider(), { name: U, dataCenterId: U, externalProviderId: U, clusterId: U, mtu: U }],
            [
                new ovirt.VmProvider(),
                {
                    name: U,
                    clusterId: U,
                    templateId: U,
                    memoryMiB: U,
                    cpuCores: U,
                    started: U,
                    cloudInit: {
                        hostName: U,
                        nicConfigurations: [
                            { name: "eth0", bootProtocol: "static", address: U, netmask: "255.255.255.0" },
                        ],
                    },
                },
            ],
            [new ovirt.VmNicProvider(), { vmId: U, name: "nic1", vnicProfileId: U, macAddress: U }],
            [new ovirt.EngineObjectProvider(), { kind: "vnicProfile", name: U, dataCenterId: U }],
            [new ovirt.OvnNetworkPortSecurityProvider(), { networkName: U, networkId: U, portSecurityEnabled: U }],
            [new ovirt.OvnPortSecurityProvider(), { networkName: U, macAddress: U, timeoutSeconds: U }],
        ];
        for (const [p, news] of cases) {
            const r = await p.check({} as never, news as never);
            assert.deepEqual(r.failures, [], `${p.constructor.name}: ${JSON.stringify(r.failures)}`);
        }
    });
});
