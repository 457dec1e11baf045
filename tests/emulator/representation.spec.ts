import assert from "node:assert/strict";
import axios from "axios";
import type { AxiosInstance } from "axios";
import type { RunningEngine } from "../../emulator";
import { SEED, api, raw, start } from "./helpers";

describe("emulator: representation and protocol", () => {
    let e: RunningEngine;
    let c: AxiosInstance;
    before(async () => {
        e = await start();
        c = await api(e);
    });
    after(async () => e.stop());

    it("verifies TLS against the emulator CA, and fails without it", async () => {
        const ok = await raw(e).get("/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA");
        assert.equal(ok.status, 200);
        assert.equal(ok.data, e.caPem);
        await assert.rejects(
            axios.get(`${e.url}/ovirt-engine/services/pki-resource?resource=ca-certificate`),
            /self.signed|unable to verify|certificate/i,
        );
    });

    it("serves the PKI resources and refuses bad values with 400", async () => {
        const r = raw(e);
        assert.match(
            (await r.get("/ovirt-engine/services/pki-resource?resource=ca-certificate")).data,
            /BEGIN CERTIFICATE/,
        );
        assert.match(
            (await r.get("/ovirt-engine/services/pki-resource?resource=engine-certificate&format=X509-PEM")).data,
            /BEGIN CERTIFICATE/,
        );
        assert.match(
            (await r.get("/ovirt-engine/services/pki-resource?resource=engine-certificate&format=OPENSSH-PUBKEY")).data,
            /^ssh-rsa AAAA/,
        );
        assert.equal((await r.get("/ovirt-engine/services/pki-resource?resource=nope")).status, 400);
        assert.equal(
            (await r.get("/ovirt-engine/services/pki-resource?resource=ca-certificate&format=DER")).status,
            400,
        );
    });

    it("API root has product_info, special_objects, summary and links", async () => {
        const r = await c.get("");
        assert.equal(r.status, 200);
        assert.equal(r.data.special_objects.blank_template.id, SEED.blank);
        assert.match(r.data.product_info.version.full_version, /^4\.5/);
        assert.equal(typeof r.data.summary.hosts.total, "string");
        assert.equal(typeof r.data.time, "number");
        assert.ok(r.data.link.some((l: { rel: string }) => l.rel === "vms"));
    });

    it("writes booleans and integers as strings, dates as numbers, references as {href,id}, no root wrapper", async () => {
        const r = await c.get(`/datacenters/${SEED.ciDc}`);
        assert.equal(r.data.id, SEED.ciDc);
        assert.equal(r.data.local, "false");
        assert.deepEqual(r.data.version, { major: "4", minor: "7" });
        assert.deepEqual(r.data.mac_pool, {
            href: `/ovirt-engine/api/macpools/${r.data.mac_pool.id}`,
            id: r.data.mac_pool.id,
        });
        const t = await c.get(`/templates/${SEED.proxyTemplate}`);
        assert.equal(t.data.memory, String(4 * 1024 ** 3));
        assert.equal(typeof t.data.creation_time, "number");
        assert.deepEqual(t.data.os.boot.devices, { device: ["hd"] });
        const sd = await c.get(`/storagedomains/${SEED.nfs}`);
        assert.equal(sd.data.master, "true");
        assert.equal(typeof sd.data.available, "string");
        assert.ok(sd.data.actions.link.length > 0);
        assert.ok(sd.data.link.some((l: { rel: string }) => l.rel === "disks"));
    });

    it("keys collections by the singular type and writes an empty collection as {}", async () => {
        assert.ok(Array.isArray((await c.get("/datacenters")).data.data_center));
        assert.ok(Array.isArray((await c.get("/storagedomains")).data.storage_domain));
        assert.ok(Array.isArray((await c.get("/vnicprofiles")).data.vnic_profile));
        assert.deepEqual((await c.get("/vms")).data, {});
        assert.deepEqual((await c.get("/datacenters?search=name%3Dnothing-here")).data, {});
    });

    it("404 with an empty body for unknown ids, 400 for malformed ids", async () => {
        const nf = await c.get("/vms/11111111-2222-3333-4444-555555555555", { responseType: "text" });
        assert.equal(nf.status, 404);
        assert.equal(nf.data, "");
        const bad = await c.get("/vms/not-a-uuid");
        assert.equal(bad.status, 400);
        assert.equal(bad.data.reason, "Operation failed");
        assert.equal((await c.get("/no-such-collection")).status, 404);
        assert.equal((await c.get("/events/abc")).status, 400);
    });

    it("201 with Location for adds; 400 Incomplete parameters naming the missing field; 400 usage fault on malformed JSON", async () => {
        const r = await c.post("/tags", { name: "repr-tag", description: "d" });
        assert.equal(r.status, 201);
        assert.equal(r.headers.location, `${e.url}/ovirt-engine/api/tags/${r.data.id}`);
        const inc = await c.post("/vms", { cluster: { id: SEED.ciCluster }, template: { id: SEED.blank } });
        assert.equal(inc.status, 400);
        assert.deepEqual(inc.data, { reason: "Incomplete parameters", detail: "Vm [name] required for add" });
        const bad = await c.post("/vms", "{not json", { transformRequest: [(d) => d] });
        assert.equal(bad.status, 400);
        assert.equal(bad.data.reason, "Request syntactically incorrect."); // JsonExceptionMapper
        const range = await c.post("/vms", {
            name: "x",
            cluster: { id: SEED.ciCluster },
            template: { id: SEED.blank },
            memory: "99999999999999999999",
        });
        assert.equal(range.status, 400);
        // IntegerParser's InvalidValueException inside Jackson is a JsonMappingException: the usage fault
        assert.equal(range.data.reason, "Request syntactically incorrect.");
    });

    it("accepts lenient input: booleans in any case and 0/1, integers as numbers", async () => {
        const r = await c.post("/datacenters", { name: "lenient-dc", local: "FALSE", version: { major: 4, minor: 7 } });
        assert.equal(r.status, 201);
        assert.equal(r.data.local, "false");
        assert.equal(r.data.status, "uninitialized");
        assert.equal((await c.post("/datacenters", { name: "lenient-dc2", local: 0 })).data.local, "false");
        const bad = await c.post("/datacenters", { name: "lenient-dc3", local: "maybe" });
        assert.equal(bad.status, 400);
    });

    it("echoes Correlation-Id: sanitized, cut to 36 characters, generated when absent", async () => {
        assert.equal(
            (await c.get("/datacenters", { headers: { "Correlation-Id": "abc-123_x" } })).headers["correlation-id"],
            "abc-123_x",
        );
        assert.equal(
            (await c.get("/datacenters", { headers: { "Correlation-Id": "a b!c$d" } })).headers["correlation-id"],
            "abcd",
        );
        assert.equal(
            (await c.get("/datacenters", { headers: { "Correlation-Id": "x".repeat(50) } })).headers["correlation-id"],
            "x".repeat(36),
        );
        assert.match((await c.get("/datacenters")).headers["correlation-id"], /^[0-9a-f-]{36}$/);
        assert.equal((await c.get("/datacenters?correlation_id=from-query")).headers["correlation-id"], "from-query");
        assert.equal(
            (await c.get("/vms/not-a-uuid", { headers: { "Correlation-Id": "on-error" } })).headers["correlation-id"],
            "on-error",
        );
    });

    it("version: /v4 prefix puts v4 in hrefs; an unsupported version is a bare 400", async () => {
        const r = await c.get(`/v4/datacenters/${SEED.ciDc}`);
        assert.equal(r.data.href, `/ovirt-engine/api/v4/datacenters/${SEED.ciDc}`);
        const v3 = await c.get("/v3/datacenters", { responseType: "text" });
        assert.equal(v3.status, 400);
        assert.equal(v3.data, "");
        const hv = await c.get("/datacenters", { headers: { Version: "3" }, responseType: "text" });
        assert.equal(hv.status, 400);
        assert.equal(hv.data, "");
    });

    it("search: name=, quotes, wildcard, and, case-insensitive, cross keys; max; follow=nics", async () => {
        const names = async (u: string) =>
            ((await c.get(u)).data.data_center ?? []).map((d: { name: string }) => d.name).sort();
        assert.deepEqual(await names("/datacenters?search=name%3DOCP-45"), ["OCP-45"]);
        assert.deepEqual(await names(`/datacenters?search=${encodeURIComponent('name="ocp-45"')}`), ["OCP-45"]);
        assert.deepEqual(await names("/datacenters?search=name%3DOC*"), ["OCP-45"]);
        assert.deepEqual(await names(`/datacenters?search=${encodeURIComponent("name=OCP* and status=up")}`), [
            "OCP-45",
        ]);
        assert.deepEqual(
            await names(`/datacenters?search=${encodeURIComponent("name=OCP* and status=maintenance")}`),
            [],
        );
        assert.deepEqual(await names(`/datacenters?search=${encodeURIComponent("storage=nfs-ovirt45")}`), ["OCP-45"]);
        const hosts = await c.get(`/hosts?search=${encodeURIComponent("cluster=OCP-45 and status=up")}`);
        assert.equal(hosts.data.host.length, 1);
        const nets = await c.get(`/networks?search=${encodeURIComponent("datacenter=OCP-45")}`);
        assert.deepEqual(
            nets.data.network.map((n: { name: string }) => n.name),
            ["ovirtmgmt"],
        );
        assert.equal((await c.get("/datacenters?max=1")).data.data_center.length, 1);
        assert.equal((await c.get(`/datacenters?search=${encodeURIComponent("bogus_key=1")}`)).status, 400);
        const vm = await c.post("/vms", {
            name: "follow-vm",
            cluster: { id: SEED.ciCluster },
            template: { id: SEED.blank },
        });
        await c.post(`/vms/${vm.data.id}/nics`, { name: "nic1", interface: "virtio" });
        const f = await c.get(`/vms?search=name%3Dfollow-vm&follow=nics`);
        assert.equal(f.data.vm[0].nics.nic[0].name, "nic1");
        assert.match(f.data.vm[0].nics.nic[0].mac.address, /^56:6f(:[0-9a-f]{2}){4}$/);
        const one = await c.get(`/vms/${vm.data.id}?follow=disk_attachments.disk`);
        assert.deepEqual(one.data.disk_attachments, {});
        await c.delete(`/vms/${vm.data.id}`);
    });
});
