import assert from "node:assert/strict";
import type { AxiosInstance } from "axios";
import type { RunningEngine } from "../../emulator";
import { SEED, api, failed, start, waitStatus } from "./helpers";

/**
 * Where the emulator used to differ from the engine's source (issue 16); each case names its ground truth in
 * emulator/model/errors.ts, emulator/model/engine.ts or docs/emulator.md.
 */
describe("emulator: fidelity to the engine's source", () => {
    let e: RunningEngine;
    let c: AxiosInstance;
    before(async () => {
        e = await start();
        c = await api(e);
    });
    after(async () => e.stop());

    it("refuses to attach an OVN external network to a cluster as required (400), accepts it as not required", async () => {
        const n = await c.post("/networks", {
            name: "ovn-req",
            data_center: { id: SEED.ciDc },
            external_provider: { id: SEED.ovn },
        });
        assert.equal(n.status, 201);
        const req = await c.post(`/clusters/${SEED.ciCluster}/networks`, { id: n.data.id });
        assert.equal(req.status, 400, "NetworkCluster is required by default");
        assert.deepEqual(
            req.data,
            failed("Cannot attach Network. External network cannot be set as required in the cluster."),
        );
        assert.equal(
            (await c.post(`/clusters/${SEED.ciCluster}/networks`, { id: n.data.id, required: "false" })).status,
            201,
        );
    });

    it("answers a reference to an unknown cluster or template with 404 and a fault", async () => {
        const noCluster = await c.post("/vms", {
            name: "x",
            cluster: { name: "no-such-cluster" },
            template: { name: "Blank" },
        });
        assert.equal(noCluster.status, 404);
        assert.deepEqual(noCluster.data, {
            reason: "Operation Failed",
            detail: "Entity not found: Cluster: name=no-such-cluster",
        });
        const noTemplate = await c.post("/vms", {
            name: "x",
            cluster: { id: SEED.ciCluster },
            template: { name: "no-such-template" },
        });
        assert.equal(noTemplate.status, 404);
        assert.equal(noTemplate.data.reason, "Operation Failed");
        assert.match(noTemplate.data.detail, /^Entity not found: /);
    });

    it("removes a non-operational host (RemoveVdsCommand.statusLegalForRemove)", async () => {
        const n = await c.post("/networks", { name: "req-net-2", data_center: { name: "OCP-45" } });
        await c.post(`/clusters/${SEED.ciCluster}/networks`, { id: n.data.id, required: "true" });
        const h = await c.post("/hosts", {
            name: "bm07",
            address: SEED.baremetal(7),
            cluster: { id: SEED.ciCluster },
            root_password: "x",
        });
        await waitStatus(c, `/hosts/${h.data.id}`, "non_operational");
        const r = await c.delete(`/hosts/${h.data.id}`);
        assert.equal(r.status, 200, JSON.stringify(r.data));
        await c.delete(`/clusters/${SEED.ciCluster}/networks/${n.data.id}`);
    });

    it("keeps affinity-group names unique across the engine, refusing a duplicate with 400", async () => {
        const dc = await c.post("/datacenters", { name: "ag-dc", local: "false" });
        const other = await c.post("/clusters", {
            name: "ag-cluster",
            data_center: { id: dc.data.id },
            cpu: { type: "Intel Cascadelake Server Family" },
        });
        assert.equal((await c.post(`/clusters/${SEED.ciCluster}/affinitygroups`, { name: "ag-1" })).status, 201);
        const dup = await c.post(`/clusters/${other.data.id}/affinitygroups`, { name: "ag-1" });
        assert.equal(dup.status, 400);
        assert.deepEqual(dup.data, failed("Cannot add Affinity Group. Affinity Group name already exists."));
    });

    it("gives external events the engine's codes (EXTERNAL_EVENT_NORMAL 9801 … EXTERNAL_ALERT 9804)", async () => {
        const codes: Record<string, string> = {};
        for (const [i, severity] of ["normal", "warning", "error", "alert"].entries()) {
            const r = await c.post("/events", {
                description: `ev ${severity}`,
                severity,
                origin: "fidelity",
                custom_id: String(100 + i),
            });
            codes[severity] = r.data.code;
        }
        assert.deepEqual(codes, { normal: "9801", warning: "9802", error: "9803", alert: "9804" });
    });

    it("uses each type's own name-in-use and in-use texts and statuses", async () => {
        const cases: Array<[string, unknown, number, string]> = [
            [
                "/datacenters",
                { name: "OCP-45", local: "false" },
                409,
                "Cannot create Data Center. The Data Center name is already in use.",
            ],
            [
                "/clusters",
                { name: "OCP-45", data_center: { id: SEED.ciDc } },
                409,
                "Cannot create Cluster. Cluster name is already in use.",
            ],
            [
                "/networks",
                { name: "ovirtmgmt", data_center: { id: SEED.ciDc } },
                409,
                "Cannot add Network. The name of the logical network 'ovirtmgmt' is already used by an existing logical network in the same data-center.\n-Please choose a different name.",
            ],
            ["/tags", { name: "root" }, 409, "The specified Tag name already exists."],
        ];
        const vm = await c.post("/vms", {
            name: "fid-vm",
            cluster: { id: SEED.ciCluster },
            template: { id: SEED.proxyTemplate },
        });
        await c.post(`/vms/${vm.data.id}/nics`, { name: "nic1" });
        cases.push([`/vms/${vm.data.id}/nics`, { name: "nic1" }, 409, "Network interface name is already in use"]);
        for (const [path, body, status, detail] of cases) {
            const r = await c.post(path, body);
            assert.equal(r.status, status, `${path}: ${JSON.stringify(r.data)}`);
            assert.deepEqual(r.data, failed(detail), path);
        }
        const inUse = await c.delete(`/templates/${SEED.proxyTemplate}`);
        assert.equal(inUse.status, 409);
        assert.deepEqual(
            inUse.data,
            failed("Cannot delete Template. Template is being used by the following VMs: fid-vm."),
        );
    });

    it("pages a search with `page N` and `max` as the page size", async () => {
        for (const name of ["pg-a", "pg-b", "pg-c"]) await c.post("/tags", { name });
        const page = async (q: string, max?: number) =>
            ((await c.get("/tags", { params: { search: q, max } })).data.tag ?? []).map(
                (t: { name: string }) => t.name,
            );
        assert.deepEqual(await page("name=pg-* sortby name page 1", 2), ["pg-a", "pg-b"]);
        assert.deepEqual(await page("name=pg-* sortby name page 2", 2), ["pg-c"]);
        assert.deepEqual(await page("name=pg-* sortby name page 2"), [], "without max the one page holds every row");
    });

    it("searches /vnicprofiles (SearchType.VnicProfile) and ignores `search` on nested collections", async () => {
        const r = await c.get("/vnicprofiles", { params: { search: "name=ovirtmgmt and datacenter=OCP-45" } });
        assert.equal(r.status, 200);
        assert.equal(r.data.vnic_profile.length, 1);
        assert.equal(
            (await c.get("/vnicprofiles", { params: { search: "network_name=nothing-matches" } })).data.vnic_profile,
            undefined,
        );
        const nested = await c.get(`/clusters/${SEED.ciCluster}/networks`, {
            params: { search: "name=nothing-matches" },
        });
        assert.equal(nested.status, 200);
        assert.ok(nested.data.network.length >= 1, "the whole collection");
    });
});
