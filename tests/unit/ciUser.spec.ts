import * as assert from "node:assert/strict";
import { registrations, settle, useMocks } from "../helpers/mocks";

const DC = "11111111-2222-3333-4444-555555555555";
const CLUSTER = "11111111-2222-3333-4444-666666666666";
const PROFILE_12 = "aaaaaaaa-0000-0000-0000-000000000012";
const PROFILE_13 = "aaaaaaaa-0000-0000-0000-000000000013";

describe("CiUser (mocks)", () => {
    before(() => useMocks());
    beforeEach(() => {
        registrations.length = 0;
    });

    it("grants the narrowed set on the system and the data center, and VnicProfileUser on each lease's profile", async () => {
        const { CiUser } = await import("../../components/ciUser");
        const u = new CiUser("ci-user", {
            userName: "ocpadmin@internal",
            dataCenterId: DC,
            clusterId: CLUSTER,
            leaseVnicProfileIds: { "ovirt-12": PROFILE_12, "ovirt-13": PROFILE_13 },
        });
        await settle(u.permissionIds);
        // registration order follows input resolution, not construction: compare sorted by name
        const row = (r: (typeof registrations)[number]) => [
            r.type,
            r.name,
            r.inputs.userName,
            r.inputs.roleName,
            r.inputs.objectType,
            r.inputs.objectId,
        ];
        const grant = (name: string, role: string, type: string, id?: string) => [
            "pulumi-nodejs:dynamic/ovirt:Permission",
            name,
            "ocpadmin@internal",
            role,
            type,
            id,
        ];
        const byName = (a: unknown[], b: unknown[]) => String(a[1]).localeCompare(String(b[1]));
        assert.deepEqual(
            registrations.map(row).sort(byName),
            [
                ["ovirt-ci:ciUser:CiUser", "ci-user", undefined, undefined, undefined, undefined],
                grant("ci-user-UserTemplateBasedVm", "UserTemplateBasedVm", "dataCenter", DC),
                grant("ci-user-DiskCreator", "DiskCreator", "dataCenter", DC),
                grant("ci-user-TemplateCreator", "TemplateCreator", "dataCenter", DC),
                grant("ci-user-TagManager", "TagManager", "system"),
                grant("ci-user-ExternalEventsCreator", "ExternalEventsCreator", "system"),
                // the custom affinity role, and its grant on the cluster only
                [
                    "pulumi-nodejs:dynamic/ovirt:Role",
                    "ci-user-affinity-role",
                    undefined,
                    undefined,
                    undefined,
                    undefined,
                ],
                grant("ci-user-affinity", "ovirt-ci-affinity", "cluster", CLUSTER),
                grant("ovirt-12-ci-user", "VnicProfileUser", "vnicProfile", PROFILE_12),
                grant("ovirt-13-ci-user", "VnicProfileUser", "vnicProfile", PROFILE_13),
            ].sort(byName),
        );
        // what the issue forbids: no role that can remove VMs, networks, disks or templates it did not create
        const roles = registrations.map((r) => r.inputs.roleName).filter((x) => x !== undefined);
        for (const wide of [
            "ClusterAdmin",
            "DataCenterAdmin",
            "SuperUser",
            "DiskOperator",
            "TemplateOwner",
            "UserVmManager",
        ])
            assert.ok(!roles.includes(wide), wide);
        assert.equal(Object.keys(await settle(u.permissionIds)).length, 8);
        // the affinity role: an administrator's role (the engine's type of its permit) with that permit only
        const role = registrations.find((r) => r.name === "ci-user-affinity-role")!;
        assert.deepEqual(role.inputs.permits, ["manipulate_affinity_groups"]);
        assert.equal(role.inputs.administrative, true);
        assert.equal(role.inputs.name, "ovirt-ci-affinity");
    });

    it("has no per-lease grant without leases (the profile grants follow the leases)", async () => {
        const { CiUser } = await import("../../components/ciUser");
        const u = new CiUser("ci-user", {
            userName: "ocpadmin@internal",
            dataCenterId: DC,
            clusterId: CLUSTER,
            leaseVnicProfileIds: {},
        });
        await settle(u.permissionIds);
        assert.equal(registrations.filter((r) => r.inputs.roleName === "VnicProfileUser").length, 0);
        assert.equal(registrations.length, 8);
    });
});
