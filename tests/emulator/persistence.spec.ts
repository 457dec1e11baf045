import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SEED, api, start, waitStatus } from "./helpers";

describe("emulator: persistence", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-state-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("keeps the inventory across a restart, written atomically", async () => {
        const statePath = path.join(dir, "engine.json");
        const e1 = await start({ statePath });
        const c1 = await api(e1);
        const dc = await c1.post("/datacenters", { name: "persisted" });
        const vm = await c1.post("/vms", {
            name: "persisted-vm",
            cluster: { id: SEED.ciCluster },
            template: { name: "centos-stream-9" },
        });
        await waitStatus(c1, `/vms/${vm.data.id}`, "down");
        await c1.post(`/vms/${vm.data.id}/start`, {});
        await waitStatus(c1, `/vms/${vm.data.id}`, "up");
        await e1.stop();
        assert.deepEqual(fs.readdirSync(dir), ["engine.json"], "no temporary files left behind");
        JSON.parse(fs.readFileSync(statePath, "utf8"));

        const e2 = await start({ statePath });
        try {
            const c2 = await api(e2);
            assert.equal((await c2.get(`/datacenters/${dc.data.id}`)).data.name, "persisted");
            assert.equal((await c2.get(`/vms/${vm.data.id}`)).data.status, "up");
            assert.equal((await c2.get(`/vms/${vm.data.id}/diskattachments`)).data.disk_attachment.length, 1);
        } finally {
            await e2.stop();
        }
    });

    it("pending transitions survive a restart and settle afterwards", async () => {
        const statePath = path.join(dir, "engine.json");
        const e1 = await start({ statePath, latency: "realistic" });
        const c1 = await api(e1);
        const h = await c1.post("/hosts", {
            name: "bm03",
            address: SEED.baremetal(3),
            cluster: { id: SEED.ciCluster },
            root_password: "x",
        });
        assert.equal(h.data.status, "installing");
        await e1.stop();
        const saved = JSON.parse(fs.readFileSync(statePath, "utf8"));
        assert.ok(
            saved.state.pending.some((p: { target: string }) => p.target === h.data.id),
            "the install is still pending in the file",
        );
        // rewind the clock on the saved transitions so they are due now (as if the emulator was down for a minute)
        for (const p of saved.state.pending) p.due = Date.now() - 1;
        fs.writeFileSync(statePath, JSON.stringify(saved));
        const e2 = await start({ statePath, latency: "instant" });
        try {
            const c2 = await api(e2);
            await waitStatus(c2, `/hosts/${h.data.id}`, "up");
        } finally {
            await e2.stop();
        }
    });

    it("loads a state file saved before the model was split by kind, and settles its pending steps", async () => {
        // fixtures/state-main.json: saved by the single-file engine model (commit 22b623a) with a clock step of each
        // kind still pending (host install, storage domain attach, template, new disk, VM shutdown)
        const saved = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "state-main.json"), "utf8"));
        assert.deepEqual(saved.state.pending.map((p: { op: string }) => p.op).sort(), [
            "disk.ok",
            "host.initializing",
            "sd.attach.maintenance",
            "template.ok",
            "vm.down",
        ]);
        for (const p of saved.state.pending) p.due = Date.now() - 1;
        const statePath = path.join(dir, "engine.json");
        fs.writeFileSync(statePath, JSON.stringify(saved));
        const byName = (list: Array<{ id: string; name: string }>, name: string) => list.find((x) => x.name === name)!;
        const e = await start({ statePath, latency: "instant" });
        try {
            const c = await api(e);
            await waitStatus(c, `/hosts/${byName(saved.state.hosts, "bm05").id}`, "up");
            await waitStatus(
                c,
                `/datacenters/${SEED.ciDc}/storagedomains/${byName(saved.state.storageDomains, "nfs-two").id}`,
                "active",
            );
            await waitStatus(c, `/templates/${byName(saved.state.templates, "fixture-template").id}`, "ok");
            await waitStatus(c, `/vms/${byName(saved.state.vms, "fixture-vm").id}`, "down");
            await waitStatus(c, `/vms/${byName(saved.state.vms, "fixture-running").id}`, "down");
            const extra = saved.state.disks.find((d: { name: string; status: string }) => d.name === "extra");
            await waitStatus(c, `/disks/${extra.id}`, "ok");
            assert.deepEqual(e.server.model.state.pending, [], "every pending step ran");
        } finally {
            await e.stop();
        }
    });

    it("refuses a state file that is not one, with a message naming the flag", async () => {
        const statePath = path.join(dir, "bad.json");
        fs.writeFileSync(statePath, "{torn");
        await assert.rejects(start({ statePath }), /--state .*not valid JSON/);
    });

    it("a seed file replaces the default inventory", async () => {
        const seedPath = path.join(dir, "seed.json");
        fs.writeFileSync(
            seedPath,
            JSON.stringify({
                dataCenters: [
                    {
                        id: "aaaaaaaa-0000-4000-8000-000000000001",
                        name: "Only",
                        local: false,
                        status: "uninitialized",
                        version: { major: 4, minor: 7 },
                        storageFormat: "v5",
                        quotaMode: "disabled",
                        macPoolId: "58ca604b-017d-0374-0220-00000000014e",
                    },
                ],
            }),
        );
        const e = await start({ seedPath });
        try {
            const c = await api(e);
            assert.deepEqual(
                (await c.get("/datacenters")).data.data_center.map((d: { name: string }) => d.name),
                ["Only"],
            );
            assert.equal((await c.get(`/templates/${SEED.blank}`)).status, 200, "Blank always exists");
            assert.ok((await c.get("/events")).data.event.length >= 1, "at least one event always exists");
        } finally {
            await e.stop();
        }
    });
});
