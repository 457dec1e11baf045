import assert from "node:assert/strict";
import { LATENCY_PROFILES, RunningEngine } from "../../emulator";
import { SEED, api, history, start, waitFor, waitStatus } from "./helpers";

describe("emulator: latency profiles", () => {
    it("the profile table orders the profiles and keeps host installs in the 20–60 s range when realistic", () => {
        const r = LATENCY_PROFILES.realistic;
        const install = r.hostInstalling + r.hostInitializing;
        assert.ok(install >= 20_000 && install <= 60_000);
        for (const k of Object.keys(r) as Array<keyof typeof r>) {
            assert.equal(LATENCY_PROFILES.instant[k], 0);
            assert.ok(LATENCY_PROFILES.fast[k] <= 100 && LATENCY_PROFILES.fast[k] < r[k], k);
        }
    });

    describe("realistic: intermediate states are observable and refuse operations", () => {
        let e: RunningEngine;
        before(async () => {
            e = await start({ latency: "realistic" });
        });
        after(async () => e.stop());

        it("a fresh VM is image_locked and refuses start/remove-disk/attach with the engine texts", async () => {
            const c = await api(e);
            const vm = await c.post("/vms", {
                name: "slow",
                cluster: { id: SEED.ciCluster },
                template: { name: "centos-stream-9" },
            });
            assert.equal(vm.data.status, "image_locked");
            assert.equal((await c.get(`/vms/${vm.data.id}`)).data.status, "image_locked");
            const st = await c.post(`/vms/${vm.data.id}/start`, {});
            assert.equal(st.status, 409);
            assert.equal(st.data.fault.detail, "[Cannot run VM: VM is locked. Please try again in a few minutes.]");
            const h = await c.post("/hosts", {
                name: "slowhost",
                address: SEED.baremetal(5),
                cluster: { id: SEED.ciCluster },
                root_password: "x",
            });
            const rm = await c.delete(`/hosts/${h.data.id}`);
            assert.equal(rm.status, 409);
            assert.deepEqual(
                rm.data.detail,
                "[Cannot remove Host. Related operation is currently in progress. Please try again later.]",
            );
            const job = await c.get(`/jobs?search=correlation_id%3D${h.headers["correlation-id"]}`);
            assert.equal(job.data.job[0].status, "started", "the add job stays started until the install ends");
        });
    });

    describe("fast: transitions settle on the clock without requests", () => {
        let e: RunningEngine;
        before(async () => {
            e = await start({ latency: "fast" });
        });
        after(async () => e.stop());

        it("VM create and start pass through every state", async () => {
            const c = await api(e);
            const vm = await c.post("/vms", {
                name: "quick",
                cluster: { id: SEED.ciCluster },
                template: { name: "centos-stream-9" },
            });
            await waitStatus(c, `/vms/${vm.data.id}`, "down", 3000);
            await c.post(`/vms/${vm.data.id}/start`, {});
            const t0 = Date.now();
            await waitFor(
                "up without polling the VM",
                async () => ((await history(e, vm.data.id)).includes("up") ? true : undefined),
                3000,
                20,
            );
            assert.ok(
                Date.now() - t0 >= LATENCY_PROFILES.fast.vmWaitForLaunch + LATENCY_PROFILES.fast.vmPoweringUp - 5,
            );
            assert.deepEqual(await history(e, vm.data.id), [
                "image_locked",
                "down",
                "wait_for_launch",
                "powering_up",
                "up",
            ]);
        });
    });
});
