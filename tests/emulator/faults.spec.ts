import assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { api, raw, start } from "./helpers";

describe("emulator: fault injection", () => {
    let e: RunningEngine;
    before(async () => {
        e = await start();
    });
    after(async () => e.stop());
    afterEach(async () => {
        await raw(e).delete("/__admin/faults");
    });

    async function statuses(n: number): Promise<number[]> {
        const c = await api(e);
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await c.get("/datacenters")).status);
        return out;
    }

    it("the same seed replays the same fault sequence; another seed differs", async () => {
        const rules = [{ method: "GET", path: "^/ovirt-engine/api/datacenters$", probability: 0.5, kind: "503" }];
        await raw(e).post("/__admin/faults", { rules, seed: 42 });
        const a = await statuses(30);
        await raw(e).post("/__admin/faults", { rules, seed: 42 });
        const b = await statuses(30);
        assert.deepEqual(a, b);
        assert.ok(a.includes(503) && a.includes(200), `mixed outcomes expected, got ${a.join(",")}`);
        await raw(e).post("/__admin/faults", { rules, seed: 7 });
        assert.notDeepEqual(await statuses(30), a);
        const hits = (await raw(e).get("/__admin/faults")).data.hits;
        assert.ok(hits.length > 0 && hits.every((h: { kind: string }) => h.kind === "503"));
    });

    it("rules given at start apply from the first request", async () => {
        const e2 = await start({ faults: [{ path: "^/ovirt-engine/api/vms", kind: "503", times: 1 }], faultSeed: 3 });
        try {
            const c = await api(e2);
            assert.equal((await c.get("/vms")).status, 503);
            assert.equal((await c.get("/vms")).status, 200, "times: 1 fires once");
        } finally {
            await e2.stop();
        }
    });

    it("reset destroys the socket; slow delays; lock409 gives the engine's lock text; expireToken forces a 401", async () => {
        const c = await api(e);
        await raw(e).post("/__admin/faults", {
            rules: [{ method: "GET", path: "^/ovirt-engine/api/hosts$", kind: "reset" }],
        });
        await assert.rejects(c.get("/hosts"), /socket hang up|ECONNRESET/);
        await raw(e).post("/__admin/faults", {
            rules: [{ path: "^/ovirt-engine/api/clusters$", kind: "slow", delayMs: 150 }],
        });
        const t0 = Date.now();
        assert.equal((await c.get("/clusters")).status, 200);
        assert.ok(Date.now() - t0 >= 140);
        await raw(e).post("/__admin/faults", { rules: [{ method: "POST", path: "/start$", kind: "lock409" }] });
        const lk = await c.post("/vms/11111111-2222-3333-4444-555555555555/start", {});
        assert.equal(lk.status, 409);
        assert.deepEqual(lk.data, {
            reason: "Operation Failed",
            detail: "[Cannot run VM. Related operation is currently in progress. Please try again later.]",
        });
        await raw(e).post("/__admin/faults", {
            rules: [{ path: "^/ovirt-engine/api/tags$", kind: "expireToken", times: 1 }],
        });
        assert.equal((await c.get("/tags")).status, 401);
        assert.equal((await c.get("/datacenters")).status, 401, "the token stays expired");
    });

    it("rejects malformed rules with a message naming the field", async () => {
        const r = await raw(e).post("/__admin/faults", { rules: [{ path: "x", kind: "boom" }] });
        assert.equal(r.status, 400);
        assert.match(r.data.error, /kind/);
        const p = await raw(e).post("/__admin/faults", { rules: [{ path: "(", kind: "503" }] });
        assert.equal(p.status, 400);
        assert.match(p.data.error, /path/);
    });
});
