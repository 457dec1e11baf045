import { strict as assert } from "node:assert";
import type { AxiosInstance } from "axios";
import type { RunningEngine } from "../../emulator";
import { CI_USER, CI_USER_PASSWORD } from "../../emulator/model/seed";
import { SEED, api, failed, start, waitStatus } from "./helpers";

const CI_LOGIN = { username: CI_USER, password: CI_USER_PASSWORD };
/** MANIPULATE_AFFINITY_GROUPS and LOGIN (ActionGroup.java). */
const AFFINITY = "1550";
const LOGIN = "1300";

// The engine's custom roles (restapi BackendRolesResource/BackendPermitsResource, AddRoleWithActionGroupsCommand,
// Attach/DetachActionGroupsToRoleCommand, RemoveRoleCommand at oVirt/ovirt-engine 0111fc63) and the affinity-group
// check (AffinityGroupCRUDCommand: MANIPULATE_AFFINITY_GROUPS on the cluster) that the CI user's role meets.
describe("emulator: custom roles and their permits (the CI user's affinity role)", function () {
    this.timeout(30_000);
    let e: RunningEngine;
    let admin: AxiosInstance;
    let ci: AxiosInstance;
    let ciUserId: string;
    let proxyVm: string;
    let roleId: string;
    let grantId: string;

    const predefined = async (name: string) =>
        ((await admin.get("/roles")).data.role as Array<{ id: string; name: string }>).find((r) => r.name === name)!.id;

    before(async () => {
        e = await start();
        admin = await api(e);
        ciUserId = (
            await admin.post("/users", { user_name: "ocpadmin@internal-authz", domain: { name: "internal-authz" } })
        ).data.id;
        // the stack's narrowed set on the data center (docs/ci-user.md): VMs, not affinity groups
        for (const role of ["UserTemplateBasedVm", "DiskCreator"])
            await admin.post(`/datacenters/${SEED.ciDc}/permissions`, {
                role: { id: await predefined(role) },
                user: { id: ciUserId },
            });
        const p = await admin.post("/vms", {
            name: "proxy-vm",
            cluster: { id: SEED.ciCluster },
            template: { id: SEED.proxyTemplate },
        });
        proxyVm = p.data.id;
        await waitStatus(admin, `/vms/${proxyVm}`, "down");
        ci = await api(e, CI_LOGIN);
    });
    after(async () => e.stop());

    it("refuses a role without permits, an unknown permit id, and an administrator's permit in a user role", async () => {
        const none = await admin.post("/roles", { name: "x", administrative: false });
        assert.equal(none.status, 400);
        const unknown = await admin.post("/roles", {
            name: "x",
            administrative: true,
            permits: { permit: [{ id: "99999" }] },
        });
        assert.equal(unknown.status, 400);
        assert.match(JSON.stringify(unknown.data), /99999 is not a valid permit ID\./);
        const userRole = await admin.post("/roles", {
            name: "x",
            administrative: false,
            permits: { permit: [{ id: AFFINITY }] },
        });
        assert.equal(userRole.status, 409);
        assert.deepEqual(userRole.data, failed("Cannot add administrator's action group to a User Role."));
        const noType = await admin.post("/roles", { name: "x", permits: { permit: [{ id: LOGIN }] } });
        assert.equal(noType.status, 400);
        assert.deepEqual(noType.data, failed("Invalid Role Type."));
    });

    it("creates an administrative role with manipulate_affinity_groups, lists its permits, refuses the name twice", async () => {
        const r = await admin.post("/roles", {
            name: "ovirt-ci-affinity",
            description: "affinity groups",
            administrative: true,
            permits: { permit: [{ id: AFFINITY }] },
        });
        assert.equal(r.status, 201, JSON.stringify(r.data));
        assert.equal(String(r.data.mutable), "true");
        roleId = r.data.id;
        const permits = (await admin.get(`/roles/${roleId}/permits`)).data.permit as Array<{
            id: string;
            name: string;
        }>;
        assert.deepEqual(
            permits.map((p) => [p.id, p.name]),
            [[AFFINITY, "manipulate_affinity_groups"]],
        );
        const again = await admin.post("/roles", {
            name: "ovirt-ci-affinity",
            administrative: true,
            permits: { permit: [{ id: AFFINITY }] },
        });
        assert.equal(again.status, 409);
        assert.deepEqual(
            again.data,
            failed("Cannot add Role. The Role name is already in use, please choose a unique name and try again."),
        );
    });

    it("attaches and detaches a permit in place; refuses one attached twice, and a predefined role's", async () => {
        assert.equal((await admin.post(`/roles/${roleId}/permits`, { id: LOGIN })).status, 201);
        const twice = await admin.post(`/roles/${roleId}/permits`, { name: "login" });
        assert.equal(twice.status, 409);
        assert.equal((await admin.delete(`/roles/${roleId}/permits/${LOGIN}`)).status, 200);
        const gone = await admin.delete(`/roles/${roleId}/permits/${LOGIN}`);
        assert.equal(gone.status, 400);
        const readOnly = await admin.post(`/roles/${await predefined("DiskCreator")}/permits`, { id: "1104" });
        assert.equal(readOnly.status, 409);
        assert.deepEqual(readOnly.data, failed("Cannot attach action group to Role. The Role is Read-Only."));
    });

    it("without the role the CI user may not create an affinity group; granted on the cluster it may", async () => {
        const body = { name: "controlplane", vms_rule: { enabled: true, positive: false, enforcing: false } };
        assert.equal((await ci.post(`/clusters/${SEED.ciCluster}/affinitygroups`, body)).status, 403);
        const g = await admin.post(`/clusters/${SEED.ciCluster}/permissions`, {
            role: { id: roleId },
            user: { id: ciUserId },
        });
        assert.equal(g.status, 201, JSON.stringify(g.data));
        grantId = g.data.id;
        const made = await ci.post(`/clusters/${SEED.ciCluster}/affinitygroups`, body);
        assert.equal(made.status, 201, JSON.stringify(made.data));
        assert.equal((await ci.delete(`/clusters/${SEED.ciCluster}/affinitygroups/${made.data.id}`)).status, 200);
        // the role holds no right on VMs: the proxy VM stays out of reach
        assert.equal((await ci.delete(`/vms/${proxyVm}`)).status, 403);
        assert.equal((await ci.post(`/vms/${proxyVm}/stop`, {})).status, 403);
    });

    it("refuses to remove the role while it is granted, removes it once the grant is gone", async () => {
        const inUse = await admin.delete(`/roles/${roleId}`);
        assert.equal(inUse.status, 409);
        assert.deepEqual(
            inUse.data,
            failed("One or more Permissions is still associated with Role.\n- Please remove all Permissions first."),
        );
        assert.equal((await admin.delete(`/clusters/${SEED.ciCluster}/permissions/${grantId}`)).status, 200);
        assert.equal((await admin.delete(`/roles/${roleId}`)).status, 200);
        assert.equal((await admin.get(`/roles/${roleId}`)).status, 404);
        const predef = await admin.delete(`/roles/${await predefined("TagManager")}`);
        assert.equal(predef.status, 409);
        assert.deepEqual(predef.data, failed("Cannot remove Role. The Role is Read-Only."));
    });

    it("the CI user may not create roles (MANIPULATE_ROLES on the system)", async () => {
        const r = await ci.post("/roles", { name: "y", administrative: true, permits: { permit: [{ id: AFFINITY }] } });
        assert.equal(r.status, 403);
    });
});
