import assert from "node:assert/strict";
import type { AxiosInstance } from "axios";
import type { RunningEngine } from "../../emulator";
import { SEED, api, failed, start, waitStatus } from "./helpers";

// A Q35 VM gets NumOfPciExpressPorts (16) PCIe root ports and its other devices take 8 of them: 8 NICs is the
// most it runs with (emulator/model/vm.ts Q35_MAX_NICS; oVirt/ocp-on-ovirt commit 00d09ea moved the proxy to
// i440fx_sea_bios "to allow more then 8 nics"). libvirt's "No more available PCI slots" comes back as the engine's
// 400 "Operation Failed".
describe("emulator: BIOS type and the Q35 NIC limit", () => {
    let e: RunningEngine;
    let c: AxiosInstance;
    before(async () => {
        e = await start();
        c = await api(e);
    });
    after(async () => e.stop());
    beforeEach(async () => e.reset());

    async function vm(name: string, bios?: string): Promise<string> {
        const r = await c.post("/vms", {
            name,
            cluster: { id: SEED.ciCluster },
            template: { name: "centos-stream-9" },
            ...(bios ? { bios: { type: bios } } : {}),
        });
        assert.equal(r.status, 201, JSON.stringify(r.data));
        await waitStatus(c, `/vms/${r.data.id}`, "down");
        return r.data.id as string;
    }
    const nic = (id: string, i: number) =>
        c.post(`/vms/${id}/nics`, { name: `eth${i}`, vnic_profile: { id: "c1a45000-0000-4000-8000-000000000032" } });

    it("reports the BIOS type it was given; cluster_default when none; refuses a type the engine does not know", async () => {
        const a = await vm("bios-a", "i440fx_sea_bios");
        assert.equal((await c.get(`/vms/${a}`)).data.bios.type, "i440fx_sea_bios");
        const b = await vm("bios-b");
        assert.equal((await c.get(`/vms/${b}`)).data.bios.type, "cluster_default");
        const bad = await c.post("/vms", {
            name: "bios-c",
            cluster: { id: SEED.ciCluster },
            template: { name: "centos-stream-9" },
            bios: { type: "q35" },
        });
        assert.equal(bad.status, 400);
    });

    it("a running Q35 VM takes 8 NICs and refuses a 9th hot plug; an i440fx VM takes 16", async () => {
        const q35 = await vm("q35-proxy", "q35_ovmf");
        for (let i = 0; i < 8; i++) assert.equal((await nic(q35, i)).status, 201);
        assert.equal((await c.post(`/vms/${q35}/start`, {})).status, 200);
        await waitStatus(c, `/vms/${q35}`, "up");
        const ninth = await nic(q35, 8);
        assert.equal(ninth.status, 400);
        assert.deepEqual(ninth.data, failed("internal error: No more available PCI slots"));

        const i440 = await vm("i440fx-proxy", "i440fx_sea_bios");
        assert.equal((await c.post(`/vms/${i440}/start`, {})).status, 200);
        await waitStatus(c, `/vms/${i440}`, "up");
        for (let i = 0; i < 16; i++) assert.equal((await nic(i440, i)).status, 201);
    });

    it("a Q35 VM with 9 NICs does not start", async () => {
        const id = await vm("q35-many", "q35_ovmf");
        for (let i = 0; i < 9; i++) assert.equal((await nic(id, i)).status, 201);
        const st = await c.post(`/vms/${id}/start`, {});
        assert.equal(st.status, 400);
        // an action's fault comes wrapped in the action (as every failed action of the engine)
        assert.deepEqual(st.data, { status: "failed", fault: failed("internal error: No more available PCI slots") });
    });
});
