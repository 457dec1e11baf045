import assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { SEED, api, raw, start, waitStatus } from "./helpers";

describe("emulator: admin endpoint", () => {
    let e: RunningEngine;
    before(async () => {
        e = await start();
    });
    after(async () => e.stop());

    it("counts requests per method and path template, SSO logins, reads and writes; reset zeroes them and restores the seed", async () => {
        await e.reset();
        const c = await api(e);
        await c.get("/vms");
        await c.get(`/datacenters/${SEED.ciDc}`);
        await c.get(`/datacenters/${SEED.defaultDc}`);
        await c.post("/tags", { name: "counted" });
        const s = (await raw(e).get("/__admin/stats")).data;
        assert.equal(s.ssoLogins, 1);
        assert.equal(s.requests["GET /ovirt-engine/api/vms"], 1);
        assert.equal(s.requests["GET /ovirt-engine/api/datacenters/{dc}"], 2);
        assert.equal(s.requests["POST /ovirt-engine/api/tags"], 1);
        assert.equal(s.reads, 3);
        assert.equal(s.writes, 2, "the token POST and the tag POST");
        const inv = (await raw(e).get("/__admin/inventory")).data;
        assert.ok(inv.tags.some((t: { name: string }) => t.name === "counted"));
        assert.equal((await raw(e).post("/__admin/reset")).status, 200);
        const s2 = (await raw(e).get("/__admin/stats")).data;
        assert.equal(s2.total, 0);
        assert.deepEqual(s2.requests, {});
        assert.deepEqual((await c.get("/tags?search=name%3Dcounted")).data, {});
    });

    it("mutate changes an entity behind the client's back (drift) or deletes it", async () => {
        const c = await api(e);
        const vm = await c.post("/vms", {
            name: "drifter",
            cluster: { id: SEED.ciCluster },
            template: { id: SEED.blank },
        });
        await waitStatus(c, `/vms/${vm.data.id}`, "down");
        const m = await raw(e).post("/__admin/mutate", {
            kind: "vms",
            name: "drifter",
            set: { memory: 2 * 1024 ** 3, description: "changed" },
        });
        assert.equal(m.status, 200);
        const after = await c.get(`/vms/${vm.data.id}`);
        assert.equal(after.data.memory, String(2 * 1024 ** 3));
        assert.equal(after.data.description, "changed");
        await raw(e).post("/__admin/mutate", { kind: "vms", id: vm.data.id, delete: true });
        assert.equal((await c.get(`/vms/${vm.data.id}`)).status, 404);
        assert.equal((await raw(e).post("/__admin/mutate", { kind: "vms", id: "nope", set: {} })).status, 404);
        assert.equal(
            (
                await raw(e).post("/__admin/mutate", "{bad", {
                    headers: { "Content-Type": "application/json" },
                    transformRequest: [(d) => d],
                })
            ).status,
            400,
        );
    });

    it("never crashes on hostile input", async () => {
        const c = await api(e);
        for (const body of [
            "[]",
            "null",
            '"str"',
            '{"name": {"nested": 1}}',
            '{"name":"x","cluster":5,"template":[]}',
        ]) {
            const r = await c.post("/vms", body, { transformRequest: [(d) => d] });
            assert.ok(r.status >= 400 && r.status < 500, `${body} → ${r.status} ${JSON.stringify(r.data)}`);
        }
        assert.equal(
            (await c.post(`/vms/${SEED.blank}/start`, "garbage", { transformRequest: [(d) => d] })).status,
            400,
        );
        assert.equal((await c.get("/vms?max=abc")).status, 400);
        assert.equal((await c.get("/vms?search=%22unterminated")).status, 400);
        assert.equal((await c.get("/%E0%A4%A")).status, 400, "malformed URL encoding");
        assert.equal((await c.get("")).status, 200, "still alive");
    });
});
