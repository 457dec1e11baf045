import { strict as assert } from "node:assert";
import type { AxiosInstance } from "axios";
import type { RunningEngine } from "../../emulator";
import { CI_USER, CI_USER_PASSWORD } from "../../emulator/model/seed";
import { SEED, api, failed, start, waitStatus } from "./helpers";

const CI_LOGIN = { username: CI_USER, password: CI_USER_PASSWORD };
/** USER_NOT_AUTHORIZED_TO_PERFORM_ACTION (AppErrors.properties), HTTP 403 (ErrorType.NO_PERMISSION). */
const NOT_AUTHORIZED = failed("User is not authorized to perform this action.");

describe("emulator: users, roles and permissions (the CI user)", function () {
    this.timeout(30_000);
    let e: RunningEngine;
    let admin: AxiosInstance;
    let ci: AxiosInstance;
    let leaseNetwork: string;
    let leaseProfile: string;
    let proxyVm: string;
    let ciUserId: string;

    async function roleId(name: string): Promise<string> {
        const roles = (await admin.get("/roles")).data.role as Array<{ id: string; name: string }>;
        const r = roles.find((x) => x.name === name);
        assert.ok(r, `role ${name}`);
        return r.id;
    }

    before(async () => {
        e = await start();
        admin = await api(e);
        const n = await admin.post("/networks", {
            name: "ovirt-12",
            data_center: { id: SEED.ciDc },
            external_provider: { id: SEED.ovn },
        });
        assert.equal(n.status, 201, JSON.stringify(n.data));
        leaseNetwork = n.data.id;
        await admin.post(`/clusters/${SEED.ciCluster}/networks`, { id: leaseNetwork, required: "false" });
        leaseProfile = (await admin.get(`/networks/${leaseNetwork}/vnicprofiles`)).data.vnic_profile[0].id;
        const p = await admin.post("/vms", {
            name: "proxy-vm",
            cluster: { id: SEED.ciCluster },
            template: { id: SEED.proxyTemplate },
        });
        assert.equal(p.status, 201);
        proxyVm = p.data.id;
        await waitStatus(admin, `/vms/${proxyVm}`, "down");
    });
    after(async () => e.stop());

    it("lists the directory user only once added (POST /users), and refuses a name not in the directory", async () => {
        const before = (await admin.get("/users")).data.user as Array<{ user_name: string }>;
        assert.ok(!before.some((u) => u.user_name === "ocpadmin@internal-authz"), "not added yet");
        const missing = await admin.post("/users", {
            user_name: "nobody@internal-authz",
            domain: { name: "internal-authz" },
        });
        assert.equal(missing.status, 400);
        const added = await admin.post("/users", {
            user_name: "ocpadmin@internal-authz",
            domain: { name: "internal-authz" },
        });
        assert.equal(added.status, 201, JSON.stringify(added.data));
        assert.equal(added.data.user_name, "ocpadmin@internal-authz");
        ciUserId = added.data.id;
    });

    it("grants upstream's narrowed roles: on the system, the data center and the lease's vNIC profile", async () => {
        const grants: Array<[string, string, Record<string, unknown>]> = [
            ["UserTemplateBasedVm", `/datacenters/${SEED.ciDc}/permissions`, {}],
            ["DiskCreator", `/datacenters/${SEED.ciDc}/permissions`, {}],
            ["TemplateCreator", `/datacenters/${SEED.ciDc}/permissions`, {}],
            ["TagManager", "/permissions", {}],
            ["ExternalEventsCreator", "/permissions", {}],
            ["VnicProfileUser", `/vnicprofiles/${leaseProfile}/permissions`, {}],
        ];
        for (const [role, path] of grants) {
            const r = await admin.post(path, { role: { id: await roleId(role) }, user: { id: ciUserId } });
            assert.equal(r.status, 201, `${role}: ${JSON.stringify(r.data)}`);
        }
        const onBehalf = (await admin.get(`/users/${ciUserId}/permissions`)).data.permission as Array<{
            role: { id: string };
            user?: { id: string };
            group?: { id: string };
            vnic_profile?: { id: string };
        }>;
        // the engine lists Everyone's grants beside the user's own (GetPermissionsByAdElementIdAndGroupIds)
        const mine = onBehalf.filter((p) => p.user?.id === ciUserId);
        assert.equal(mine.length, 6);
        assert.equal(onBehalf.filter((p) => p.group).length, 2);
        assert.ok(mine.some((p) => p.vnic_profile?.id === leaseProfile));
        const bad = await admin.post("/permissions", {
            role: { id: "def0ffff-0000-0000-0000-def000000000" },
            user: { id: ciUserId },
        });
        assert.equal(bad.status, 400);
        assert.deepEqual(bad.data, failed("Cannot add permission, invalid Role id"));
        ci = await api(e, CI_LOGIN);
    });

    it("as the CI user: creates a VM on the lease network (NIC on the lease's profile, a disk), sends an event, deletes its VM", async () => {
        const vm = await ci.post("/vms", {
            name: "ci-master-0",
            cluster: { id: SEED.ciCluster },
            template: { id: SEED.proxyTemplate },
        });
        assert.equal(vm.status, 201, JSON.stringify(vm.data));
        await waitStatus(ci, `/vms/${vm.data.id}`, "down");
        const nic = await ci.post(`/vms/${vm.data.id}/nics`, { name: "nic1", vnic_profile: { id: leaseProfile } });
        assert.equal(nic.status, 201, JSON.stringify(nic.data));
        const disk = await ci.post(`/vms/${vm.data.id}/diskattachments`, {
            interface: "virtio_scsi",
            bootable: "false",
            active: "true",
            disk: {
                name: "pv",
                provisioned_size: String(1024 ** 3),
                format: "cow",
                storage_domains: { storage_domain: [{ id: SEED.nfs }] },
            },
        });
        assert.equal(disk.status, 201, JSON.stringify(disk.data));
        await waitStatus(ci, `/disks/${disk.data.disk.id}`, "ok");
        const ev = await ci.post("/events", {
            description: "Openshift CI - cluster installation;ovirt-12;install;job",
            severity: "normal",
            origin: "openshift-ci",
            custom_id: "4712",
        });
        assert.equal(ev.status, 201, JSON.stringify(ev.data));
        // the engine made the creator the VM's UserVmManager (AddVmCommand.addVmPermission)
        const onVm = (await admin.get(`/vms/${vm.data.id}/permissions`)).data.permission as Array<{
            role: { id: string };
            user: { id: string };
        }>;
        assert.deepEqual(
            onVm.map((p) => [p.role.id, p.user.id]),
            [[await roleId("UserVmManager"), ciUserId]],
        );
        const rm = await ci.delete(`/vms/${vm.data.id}`);
        assert.equal(rm.status, 200, JSON.stringify(rm.data));
        assert.equal((await admin.get(`/vms/${vm.data.id}`)).status, 404);
    });

    it("as the CI user: cannot delete the lease network nor the proxy VM, nor plug a NIC on ovirtmgmt (403, the engine's fault)", async () => {
        const net = await ci.delete(`/networks/${leaseNetwork}`);
        assert.equal(net.status, 403);
        assert.deepEqual(net.data, NOT_AUTHORIZED);
        const proxy = await ci.delete(`/vms/${proxyVm}`);
        assert.equal(proxy.status, 403);
        assert.deepEqual(proxy.data, NOT_AUTHORIZED);
        const stop = await ci.post(`/vms/${proxyVm}/stop`, {});
        assert.equal(stop.status, 403);
        const mgmt = (await admin.get("/vnicprofiles")).data.vnic_profile.find(
            (p: { name: string; network: { id: string } }) =>
                p.name === "ovirtmgmt" && p.network.id === "c1a45000-0000-4000-8000-000000000031",
        );
        const vm = await ci.post("/vms", {
            name: "ci-master-1",
            cluster: { id: SEED.ciCluster },
            template: { id: SEED.blank },
        });
        assert.equal(vm.status, 201, JSON.stringify(vm.data));
        const nic = await ci.post(`/vms/${vm.data.id}/nics`, { name: "nic1", vnic_profile: { id: mgmt.id } });
        assert.equal(nic.status, 403);
        assert.equal((await admin.get(`/networks/${leaseNetwork}`)).status, 200);
        assert.equal((await admin.get(`/vms/${proxyVm}`)).status, 200);
    });

    it("the admin (SuperUser on the system) still removes what the CI user may not; a removed grant stops the call", async () => {
        const grants = (await admin.get(`/users/${ciUserId}/permissions`)).data.permission as Array<{
            id: string;
            role: { id: string };
        }>;
        const eventsRole = await roleId("ExternalEventsCreator");
        const grant = grants.find((p) => p.role.id === eventsRole)!;
        assert.equal((await admin.delete(`/permissions/${grant.id}`)).status, 200);
        const ev = await ci.post("/events", {
            description: "x",
            severity: "normal",
            origin: "openshift-ci",
            custom_id: "4713",
        });
        assert.equal(ev.status, 403);
        assert.deepEqual(ev.data, NOT_AUTHORIZED);
        assert.equal((await admin.delete(`/vms/${proxyVm}`)).status, 200);
    });
});
