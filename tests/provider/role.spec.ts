// Lifecycle of Role against the engine emulator: create (POST /roles with the permits' ids), read, drift (a permit
// detached by hand, the role removed by hand), the permit list changed in place, delete refused while granted and
// done once the grant is gone, adoption of a role of that name, and the check's clear errors.
import * as assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { CI_USER, SEED_IDS } from "../../emulator/model/seed";
import { PermissionProvider, RoleProvider } from "../../providers/ovirt";
import { configured, useTestEngine } from "./helpers";

describe("Role against the engine emulator", function () {
    this.timeout(60_000);
    let e: RunningEngine;

    useTestEngine((engine) => {
        e = engine;
    });

    const model = () => e.server.model;
    const roleNamed = (name: string) =>
        model()
            .roles()
            .find((r) => r.name === name);
    const check = async (p: RoleProvider, args: Record<string, unknown>) => {
        const r = await p.check({} as never, args as never);
        assert.deepEqual(r.failures, []);
        return r.inputs!;
    };
    const AFFINITY = {
        name: "ovirt-ci-affinity",
        description: "affinity groups",
        administrative: true,
        permits: ["manipulate_affinity_groups"],
    };

    it("creates the role with its permits; read; drift (a permit detached, the role gone); permits changed in place", async () => {
        const p = await configured(new RoleProvider(), e);
        const inputs = await check(p, AFFINITY);
        const c = await p.create(inputs);
        assert.deepEqual(roleNamed("ovirt-ci-affinity")?.groups, [1550]);
        assert.equal(roleNamed("ovirt-ci-affinity")?.administrative, true);
        assert.deepEqual(c.outs!.permitIds, ["1550"]);
        const r = await p.read(c.id, c.outs);
        assert.equal(r.id, c.id);
        assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);

        // a second create (an interrupted run) adopts the role
        const again = await (await configured(new RoleProvider(), e)).create(inputs);
        assert.equal(again.id, c.id);
        assert.equal(
            model()
                .roles()
                .filter((x) => x.name === "ovirt-ci-affinity").length,
            1,
        );

        // drift: a permit added, the wanted one detached by hand
        model().attachPermit(c.id, { name: "login" });
        model().detachPermit(c.id, "1550");
        const drifted = await p.read(c.id, c.outs);
        assert.deepEqual(drifted.props!.permits, ["login"]);
        const d = await p.diff(c.id, drifted.props!, inputs);
        assert.deepEqual([d.changes, d.replaces], [true, []]);
        await p.update(c.id, drifted.props!, inputs);
        assert.deepEqual(roleNamed("ovirt-ci-affinity")?.groups, [1550]);

        // a permit added by the program: attached in place, same role id
        const wider = await check(p, { ...AFFINITY, permits: ["login", "manipulate_affinity_groups"] });
        const u = await p.update(c.id, c.outs as never, wider);
        assert.deepEqual(u.outs!.permits, ["login", "manipulate_affinity_groups"]);
        assert.deepEqual(roleNamed("ovirt-ci-affinity")?.groups, [1550, 1300]);

        // the role removed by hand: gone from the state
        model().removeRole(c.id);
        assert.deepEqual(await p.read(c.id, c.outs), { id: undefined });
    });

    it("delete is refused while the role is granted (the engine's text and the fix), done once the grant is gone", async () => {
        const p = await configured(new RoleProvider(), e);
        const c = await p.create(await check(p, AFFINITY));
        const perms = await configured(new PermissionProvider(), e);
        const pc = await perms.check(
            {} as never,
            {
                userName: CI_USER,
                roleName: "ovirt-ci-affinity",
                objectType: "cluster",
                objectId: SEED_IDS.ciCluster,
            } as never,
        );
        assert.deepEqual(pc.failures, []);
        const grant = await perms.create(pc.inputs!);
        await assert.rejects(
            p.delete(c.id, c.outs!),
            /delete Role ovirt-ci-affinity: the engine refuses while the role is granted.*Please remove all Permissions first.*Fix: remove its grants first/s,
        );
        await perms.delete(grant.id, grant.outs!);
        await p.delete(c.id, c.outs!);
        assert.equal(roleNamed("ovirt-ci-affinity"), undefined);
        await p.delete(c.id, c.outs!); // already gone: nothing to do
    });

    it("check: an unknown permit names the close ones; an administrator's permit in a user role names the fix", async () => {
        const p = new RoleProvider();
        const r = await p.check({} as never, { ...AFFINITY, permits: ["manipulate_affinity_group"] } as never);
        assert.equal(r.failures!.length, 1);
        assert.match(
            r.failures![0].reason,
            /"manipulate_affinity_group" is not a permit of the engine.*Fix: .*manipulate_affinity_groups/,
        );
        const user = await p.check({} as never, { ...AFFINITY, administrative: false } as never);
        assert.match(
            user.failures![0].reason,
            /administrative is false, but manipulate_affinity_groups is an administrator's permit.*Fix: set administrative: true/,
        );
        const empty = await p.check({} as never, { ...AFFINITY, permits: [] } as never);
        assert.match(empty.failures![0].reason, /permits must be a non-empty list/);
    });

    it("a change of the role type replaces the role (the engine cannot change it)", async () => {
        const p = new RoleProvider();
        const olds = { ...AFFINITY, permits: ["login"], permitIds: ["1300"], providerVersion: 1 };
        const d = await p.diff("x", olds as never, { ...AFFINITY, permits: ["login"], administrative: false } as never);
        assert.deepEqual(d.replaces, ["administrative"]);
    });
});
