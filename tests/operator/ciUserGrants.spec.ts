// The doctor's over-grant check of the CI user (scripts/lib/doctor/ciUser.ts) against the engine emulator seeded as
// upstream's playbook left the live engine (local/liveFixture.ts seedLiveCiUserGroup): the report names the group and
// its roles beyond the stack's set, with the fix; the stack's own grants (and the creator's) are not reported.
import * as assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { CI_USER, SEED_IDS } from "../../emulator/model/seed";
import { UPSTREAM_CI_GROUP, seedLiveCiUserGroup } from "../../local/liveFixture";
import { Endpoint, openSession, resolveEndpoint } from "../../providers/ovirt/client";
import { overGrantFix, overGrants, readCiUserGrants } from "../../scripts/lib/doctor/ciUser";
import { start } from "../emulator/helpers";
import { rawConfig } from "../provider/helpers";

describe("doctor: the CI user's grants beyond the stack's (live fixture)", function () {
    this.timeout(60_000);
    let e: RunningEngine;
    let endpoint: Endpoint;
    const places = { dataCenterId: SEED_IDS.ciDc, clusterId: SEED_IDS.ciCluster };

    before(async () => {
        e = await start();
        const raw = rawConfig(e);
        endpoint = resolveEndpoint({ get: (k) => raw[k] });
    });
    after(async () => e.stop());

    const report = async () => {
        const s = await openSession(endpoint, "test");
        const held = await readCiUserGrants(s, CI_USER);
        assert.ok(held, "the CI user is in the engine");
        return {
            held,
            found: overGrants(
                held.grants,
                places,
                { id: held.id, userName: CI_USER, authz: held.authz },
                endpoint.apiUrl,
            ),
        };
    };

    it("names upstream's group and each of its roles, and the fix (leave the group, or the REST calls)", async () => {
        await seedLiveCiUserGroup(endpoint, SEED_IDS.ciDc);
        await seedLiveCiUserGroup(endpoint, SEED_IDS.ciDc); // idempotent
        const { held, found } = await report();
        // every group grant is beyond the stack's set: the stack grants the user, never a group
        assert.deepEqual(
            found.map((o) => [o.grant.holder.kind, o.grant.holder.name, o.grant.roleName, o.grant.objectType]).sort(),
            [
                ["group", "ocp-administrator", "ClusterAdmin", "data_center"],
                ["group", "ocp-administrator", "DiskCreator", "system"],
                ["group", "ocp-administrator", "DiskOperator", "data_center"],
                ["group", "ocp-administrator", "TagManager", "system"],
                ["group", "ocp-administrator", "TemplateCreator", "data_center"],
                ["group", "ocp-administrator", "TemplateOwner", "data_center"],
                ["group", "ocp-administrator", "UserTemplateBasedVm", "data_center"],
            ],
        );
        // Everyone's grants are listed by the engine, and not reported
        assert.ok(held.grants.some((g) => g.holder.name === "Everyone"));
        const fix = overGrantFix(found);
        assert.match(fix, /take ocpadmin@internal out of the group ocp-administrator/);
        assert.match(fix, /ovirt-aaa-jdbc-tool group-manage userdel ocp-administrator --user=ocpadmin/);
        assert.match(fix, /DELETE https:\/\/.*\/groups\/[0-9a-f-]+\/permissions\/[0-9a-f-]+/);
    });

    it("reports nothing once the user leaves the group, and a wide grant of the user's own with its DELETE", async () => {
        const m = e.server.model;
        const group = m.addedGroups().find((g) => g.name === UPSTREAM_CI_GROUP.group)!;
        // what `ovirt-aaa-jdbc-tool group-manage userdel` does in the directory
        group.memberIds = group.memberIds.filter((id) => id !== SEED_IDS.ciUser);
        const roles = new Map(m.roles().map((r) => [r.name, r.id]));
        // the stack's grants: not reported
        m.addPermission(
            { role: { id: roles.get("UserTemplateBasedVm") }, user: { id: SEED_IDS.ciUser } },
            { type: "dataCenter", id: SEED_IDS.ciDc },
        );
        m.addPermission(
            { role: { id: roles.get("TagManager") }, user: { id: SEED_IDS.ciUser } },
            { type: "system", id: "aaa00000-0000-0000-0000-123456789aaa" },
        );
        assert.deepEqual((await report()).found, []);
        const wide = m.addPermission(
            { role: { id: roles.get("ClusterAdmin") }, user: { id: SEED_IDS.ciUser } },
            { type: "cluster", id: SEED_IDS.ciCluster },
        );
        const { found } = await report();
        assert.deepEqual(
            found.map((o) => [o.grant.holder.kind, o.grant.roleName, o.grant.objectType]),
            [["user", "ClusterAdmin", "cluster"]],
        );
        assert.match(
            overGrantFix(found),
            new RegExp(`DELETE https://.*/users/${SEED_IDS.ciUser}/permissions/${wide.id}`),
        );
    });
});
