// Lifecycle of Permission against the engine emulator: create (adding the directory user to the engine first), read,
// drift (the grant removed by hand), re-create, delete (only the grant), adoption of an existing grant, and the clear
// errors for an unknown role or user.
import * as assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { CI_USER, SEED_IDS } from "../../emulator/model/seed";
import { PermissionProvider } from "../../providers/ovirt";
import { configured, useTestEngine } from "./helpers";

describe("Permission against the engine emulator", function () {
    this.timeout(60_000);
    let e: RunningEngine;

    useTestEngine((engine) => {
        e = engine;
    });

    const model = () => e.server.model;
    const check = async (p: PermissionProvider, args: Record<string, unknown>) => {
        const r = await p.check({} as never, args as never);
        assert.deepEqual(r.failures, []);
        return r.inputs!;
    };

    it("grants a role on the data center, adding the directory user first; read, drift, re-create, delete", async () => {
        const p = await configured(new PermissionProvider(), e);
        assert.ok(
            !model()
                .addedUsers()
                .some((u) => u.userName === CI_USER),
            "in the directory only, at first",
        );
        const inputs = await check(p, {
            userName: CI_USER,
            roleName: "UserTemplateBasedVm",
            objectType: "dataCenter",
            objectId: SEED_IDS.ciDc,
        });
        const c = await p.create(inputs);
        const user = model()
            .addedUsers()
            .find((u) => u.userName === CI_USER);
        assert.ok(user, "POST /users added it");
        assert.equal(c.outs!.userId, user.id);
        assert.deepEqual(
            model()
                .permissionsOn("dataCenter", SEED_IDS.ciDc)
                .map((x) => [x.id, x.userId, model().role(x.roleId).name]),
            [[c.id, user.id, "UserTemplateBasedVm"]],
        );
        const r = await p.read(c.id, c.outs);
        assert.equal(r.id, c.id);
        assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);

        // a second create (an interrupted run) adopts the grant instead of adding another
        const again = await (await configured(new PermissionProvider(), e)).create(inputs);
        assert.equal(again.id, c.id);
        assert.equal(model().permissionsOn("dataCenter", SEED_IDS.ciDc).length, 1);

        // drift: removed by hand in the administration portal
        model().removePermission(c.id);
        assert.equal((await p.read(c.id, c.outs)).id, undefined);
        const back = await p.create(inputs);
        assert.notEqual(back.id, c.id);

        await p.delete(back.id, back.outs!);
        assert.equal(model().permissionsOn("dataCenter", SEED_IDS.ciDc).length, 0);
        await p.delete(back.id, back.outs!); // already gone: no error
        assert.ok(
            model()
                .addedUsers()
                .some((u) => u.id === user.id),
            "the user stays",
        );
        assert.ok(
            model().state.dataCenters.some((d) => d.id === SEED_IDS.ciDc),
            "the data center stays",
        );
    });

    it("grants on the system (no object id) and on a vNIC profile", async () => {
        const p = await configured(new PermissionProvider(), e);
        const sys = await p.create(
            await check(p, { userName: CI_USER, roleName: "ExternalEventsCreator", objectType: "system" }),
        );
        const prof = await p.create(
            await check(p, {
                userName: CI_USER,
                roleName: "VnicProfileUser",
                objectType: "vnicProfile",
                objectId: SEED_IDS.ovirtmgmtCiProfile,
            }),
        );
        assert.equal(model().permission(sys.id).objectType, "system");
        assert.equal(model().permission(prof.id).objectId, SEED_IDS.ovirtmgmtCiProfile);
        assert.equal((await p.read(sys.id, sys.outs)).id, sys.id);
        await p.delete(sys.id, sys.outs!);
        await p.delete(prof.id, prof.outs!);
        assert.equal((await p.read(sys.id, sys.outs)).id, undefined);
    });

    it("names the unknown role, the user missing from the directory and a missing object id", async () => {
        const p = await configured(new PermissionProvider(), e);
        await assert.rejects(
            p.create(await check(p, { userName: CI_USER, roleName: "ClusterOwner", objectType: "system" })),
            /roleName "ClusterOwner" is not a role of this engine; it has SuperUser, .*Fix: use one of them/,
        );
        await assert.rejects(
            p.create(await check(p, { userName: "nobody@internal", roleName: "TagManager", objectType: "system" })),
            /userName "nobody@internal" is not a user of the engine's directory internal-authz .*Fix: create it on the engine machine \(internal: ovirt-aaa-jdbc-tool user add nobody/,
        );
        const bad = await p.check(
            {} as never,
            { userName: "ocpadmin", roleName: "TagManager", objectType: "cluster" } as never,
        );
        assert.deepEqual(
            bad.failures!.map((f) => f.property),
            ["userName", "objectId"],
        );
        assert.match(bad.failures![1].reason, /objectId is required for objectType cluster/);
    });
});
