import assert from "node:assert/strict";
import type { AxiosInstance, AxiosRequestConfig } from "axios";
import type { RunningEngine } from "../../emulator";
import { SEED, api, failed, start, waitStatus } from "./helpers";

/**
 * Probes of which check a refused call fails first, and of the fault a body the engine cannot read gets. Ground
 * truth: oVirt/ovirt-engine at 0111fc6 (the validate() of each command, AppErrors.properties, the restapi exception
 * mappers), cited in emulator/model/storageDomain.ts, emulator/model/input.ts and emulator/representation/usage.ts.
 */
describe("emulator: refusal order and malformed bodies (engine source)", () => {
    let e: RunningEngine;
    let c: AxiosInstance;
    before(async () => {
        e = await start();
        c = await api(e);
    });
    after(async () => e.stop());

    const sdPath = (id: string) => `/datacenters/${SEED.ciDc}/storagedomains/${id}`;
    const HOST = "baremetal04"; // the seed host SEED.host1
    const ovirtmgmt = "c1a45000-0000-4000-8000-000000000031"; // the seed's management network of OCP-45
    const unknownHostId = "0badc0de-0000-4000-8000-000000000099";

    it("storage domains: remove checks the host before the pool; activate checks the master, then an active host", async () => {
        const add = await c.post("/storagedomains", {
            name: "order-sd",
            type: "data",
            storage: { type: "nfs", address: "nfs.example.lan", path: "/exports/order" },
            host: { name: HOST },
        });
        assert.equal(add.status, 201);
        const id = String(add.data.id);
        const noHost = await c.delete(`/storagedomains/${id}?host=${unknownHostId}`);
        assert.equal(noHost.status, 400, "CANNOT_REMOVE_STORAGE_DOMAIN_INVALID_HOST_ID is BAD_PARAMETERS");
        assert.deepEqual(noHost.data, failed("Can not Remove Storage Domain - the underlying Host ID is invalid."));

        assert.equal((await c.post(`/datacenters/${SEED.ciDc}/storagedomains`, { id })).status, 201);
        await waitStatus(c, sdPath(id), "active");
        assert.equal((await c.post(`${sdPath(id)}/deactivate`, {})).status, 200);
        await waitStatus(c, sdPath(id), "maintenance");
        assert.equal((await c.post(`${sdPath(SEED.nfs)}/deactivate`, {})).status, 200);
        await waitStatus(c, sdPath(SEED.nfs), "maintenance");

        // the domain's status is one activate accepts; the pool's master is not up
        const noMaster = await c.post(`${sdPath(id)}/activate`, {});
        assert.equal(noMaster.status, 409);
        assert.deepEqual(
            noMaster.data.fault,
            failed(
                "Failed to activate Storage due to an error on the Data Center master Storage Domain.\n-Please activate the master Storage Domain first.",
            ),
        );

        assert.equal((await c.post(`/hosts/${SEED.host1}/deactivate`, {})).status, 200);
        await waitStatus(c, `/hosts/${SEED.host1}`, "maintenance");
        // the master itself skips the master check and meets the host check
        const noHostUp = await c.post(`${sdPath(SEED.nfs)}/activate`, {});
        assert.equal(noHostUp.status, 409);
        assert.deepEqual(
            noHostUp.data.fault,
            failed("Cannot activate Storage. There is no active Host in the Data Center."),
        );

        // attached and the host down: the host's status comes first in RemoveStorageDomainCommand.validate()
        const hostDown = await c.delete(`/storagedomains/${id}?host=${HOST}`);
        assert.equal(hostDown.status, 409);
        assert.deepEqual(hostDown.data, failed(`Cannot remove Storage. Host ${HOST} is not up.`));

        assert.equal((await c.post(`/hosts/${SEED.host1}/activate`, {})).status, 200);
        await waitStatus(c, `/hosts/${SEED.host1}`, "up");
        const stillAttached = await c.delete(`/storagedomains/${id}?host=${HOST}`);
        assert.equal(stillAttached.status, 409);
        assert.deepEqual(
            stillAttached.data,
            failed(
                "Cannot remove Storage. The relevant Storage Domain is inaccessible.\n-Please handle Storage Domain issues and retry the operation.",
            ),
        );
    });

    it("a VM: delete protection before its status; a host: activate of an up host has its own text", async () => {
        const vm = await c.post("/vms", {
            name: "order-vm",
            cluster: { id: SEED.ciCluster },
            template: { id: SEED.proxyTemplate },
            delete_protected: "true",
        });
        assert.equal(vm.status, 201);
        const id = String(vm.data.id);
        await waitStatus(c, `/vms/${id}`, "down");
        assert.equal((await c.post(`/vms/${id}/start`, {})).status, 200);
        await waitStatus(c, `/vms/${id}`, "up");
        const rm = await c.delete(`/vms/${id}`);
        assert.equal(rm.status, 409);
        assert.deepEqual(
            rm.data,
            failed(
                "Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first.",
            ),
        );
        const act = await c.post(`/hosts/${SEED.host1}/activate`, {});
        assert.equal(act.status, 409);
        assert.deepEqual(act.data.fault, failed("Cannot activate Host. Host in Up status."));
    });

    it("a network: the management network's text has no action prefix; VMs using it are listed as the engine lists them", async () => {
        const mgmt = await c.delete(`/networks/${ovirtmgmt}`);
        assert.equal(mgmt.status, 409);
        assert.deepEqual(mgmt.data, failed("The Management Network ('ovirtmgmt') is mandatory and cannot be removed."));
        const detach = await c.delete(`/clusters/${SEED.ciCluster}/networks/${ovirtmgmt}`);
        assert.deepEqual([detach.status, detach.data], [409, mgmt.data]);

        const net = await c.post("/networks", { name: "order-net", data_center: { id: SEED.ciDc } });
        assert.equal(net.status, 201);
        const profile = (await c.get(`/networks/${String(net.data.id)}/vnicprofiles`)).data.vnic_profile[0];
        const vmOn = async (name: string) => {
            const v = await c.post("/vms", { name, cluster: { id: SEED.ciCluster }, template: { id: SEED.blank } });
            await c.post(`/vms/${String(v.data.id)}/nics`, { name: "nic1", vnic_profile: { id: profile.id } });
        };
        await vmOn("order-user-1");
        const one = await c.delete(`/networks/${String(net.data.id)}`);
        assert.equal(one.status, 409);
        assert.deepEqual(
            one.data,
            failed(
                "Cannot remove Network. This logical network is used by virtual machine: order-user-1\n - Please remove it from this virtual machine and try again.",
            ),
        );
        await vmOn("order-user-2");
        const two = await c.delete(`/networks/${String(net.data.id)}`);
        assert.deepEqual(
            two.data,
            failed(
                "Cannot remove Network. This logical network is used by virtual machines: (2): \torder-user-1,\n\torder-user-2\n - Please detach virtual machines using this logical network and try again.",
            ),
        );
    });

    const asText = (contentType: string): AxiosRequestConfig => ({
        headers: { "Content-Type": contentType, Accept: "application/json" },
        transformRequest: [(d: unknown) => d],
    });
    const usage = (service: string, method: string) => ({
        reason: "Request syntactically incorrect.",
        detail: `For correct usage, see: ${e.url}/ovirt-engine/apidoc#services/${service}/methods/${method}`,
    });

    it("a body that does not parse, or is not the method's type, gets the usage fault for the method (JSON and XML)", async () => {
        const json = asText("application/json");
        const xml = asText("application/xml");
        const cases: Array<[string, string, AxiosRequestConfig, ReturnType<typeof usage>]> = [
            ["/vms", "{not json", json, usage("vms", "add")],
            ["/vms", "[]", json, usage("vms", "add")],
            [`/datacenters/${SEED.ciDc}/storagedomains`, '{"id": ', json, usage("attached_storage_domains", "add")],
            [`/hosts/${SEED.host1}/deactivate`, "{", json, usage("host", "deactivate")],
            ["/tags", "<tag><name>x</name>", xml, usage("tags", "add")],
            ["/tags", "<nonsense><name>x</name></nonsense>", xml, usage("tags", "add")],
            [`/networks/${SEED.ovn}/vnicprofiles`, "<oops/>", xml, usage("assigned_vnic_profiles", "add")],
        ];
        for (const [path, body, cfg, fault] of cases) {
            const r = await c.post(path, body, cfg);
            assert.equal(r.status, 400, `${path} ${body}`);
            assert.deepEqual(r.data, fault, `${path} ${body}`);
        }
    });

    it("a value of the wrong type: XML keeps the api parser's text (400 Invalid value), JSON gets the usage fault", async () => {
        const ref = `<cluster id="${SEED.ciCluster}"/><template id="${SEED.blank}"/>`;
        const tooBig = await c.post(
            "/vms",
            `<vm><name>t1</name>${ref}<memory>99999999999999999999</memory></vm>`,
            asText("application/xml"),
        );
        assert.equal(tooBig.status, 400);
        assert.deepEqual(tooBig.data, {
            reason: "Invalid value",
            detail: "Value 99999999999999999999 is greater than maximum long 9223372036854775807",
        });
        const notANumber = await c.post(
            "/vms",
            `<vm><name>t2</name>${ref}<memory>lots</memory></vm>`,
            asText("application/xml"),
        );
        assert.deepEqual([notANumber.status, notANumber.data], [400, usage("vms", "add")], "NumberFormatException");
        const maybe = await c.post(
            "/datacenters",
            "<data_center><name>t3</name><local>maybe</local></data_center>",
            asText("application/xml"),
        );
        assert.equal(maybe.status, 400);
        assert.deepEqual(maybe.data, {
            reason: "Invalid value",
            detail: 'Value "maybe" isn\'t a valid boolean, it should be "true" , "false", "0" or "1"',
        });
        const maybeJson = await c.post("/datacenters", { name: "t4", local: "maybe" });
        assert.deepEqual([maybeJson.status, maybeJson.data], [400, usage("data_centers", "add")]);
        const sdUpdate = await c.put(`/storagedomains/${SEED.nfs}`, { wipe_after_delete: "perhaps" });
        assert.deepEqual([sdUpdate.status, sdUpdate.data], [400, usage("storage_domain", "update")]);
        assert.equal((await c.get("/datacenters?search=name=t*")).data.data_center, undefined, "nothing was added");
    });

    it("an NFS timeout outside 0..65535 is 400 Value out of range, under the engine's own spelling", async () => {
        const r = await c.post("/storagedomains", {
            name: "timeo-sd",
            type: "data",
            storage: { type: "nfs", address: "nfs.example.lan", path: "/exports/timeo", nfs_timeo: "70000" },
            host: { name: HOST },
        });
        assert.equal(r.status, 400);
        assert.deepEqual(r.data, {
            reason: "Value out of range",
            detail: "The value 70000 of attribute 'nfs_timeio' is outside of range 0 to 65535.",
        });
    });
});
