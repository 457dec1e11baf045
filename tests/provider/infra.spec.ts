// Lifecycle of EngineObject (adoption), Host and StorageDomain against the engine emulator ("fast" latency, HTTPS
// with its CA): create, no-op read (one GET), drift via the admin endpoint, update, replace, delete, interrupted
// create + re-run, wrong-state refusals, transient faults. Each test starts like a fresh provider process.
import * as assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { SEED_IDS, CI_BAREMETAL } from "../../emulator/model/seed";
import { EngineObjectProvider, HostProvider, StorageDomainProvider } from "../../providers/ovirt";
import { API, Admin, configured, useTestEngine } from "./helpers";

describe("infra resources against the engine emulator", function () {
    this.timeout(60_000);
    let e: RunningEngine;
    let admin: Admin;

    useTestEngine((engine, a) => {
        e = engine;
        admin = a;
    });

    describe("EngineObject", () => {
        it("adopts the existing OCP-45 cluster by name; read is one GET; delete only forgets it", async () => {
            const p = await configured(new EngineObjectProvider(), e);
            const inputs = (
                await p.check(
                    {} as never,
                    { kind: "cluster", name: "OCP-45", dataCenterId: SEED_IDS.ciDc.toUpperCase() } as never,
                )
            ).inputs!;
            assert.equal(inputs.dataCenterId, SEED_IDS.ciDc);
            const c = await p.create(inputs);
            assert.deepEqual([c.id, c.outs!.status, c.outs!.providerVersion], [SEED_IDS.ciCluster, "", 1]);
            const before = await admin.stats();
            const r = await p.read(c.id, c.outs);
            assert.deepEqual(Admin.delta(before, await admin.stats()), { [`GET ${API}/clusters/{cluster}`]: 1 });
            assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);
            assert.deepEqual(r.inputs, inputs);
            const writes = (await admin.stats()).writes;
            await p.delete(c.id, c.outs!);
            assert.equal((await admin.stats()).writes, writes, "adopted, never owned: no engine write");
            assert.equal((await p.read(c.id, c.outs)).id, SEED_IDS.ciCluster, "the cluster is still there");
        });

        it("refuses a same-named cluster of another data center, and never creates a missing object", async () => {
            const p = await configured(new EngineObjectProvider(), e);
            await assert.rejects(
                p.create(
                    (
                        await p.check(
                            {} as never,
                            { kind: "cluster", name: "OCP-45", dataCenterId: SEED_IDS.defaultDc } as never,
                        )
                    ).inputs!,
                ),
                new RegExp(
                    `adopt cluster "OCP-45": the cluster belongs to data center ${SEED_IDS.ciDc}, not ${SEED_IDS.defaultDc}; fix ovirt-ci:cluster or ovirt-ci:dataCenter`,
                ),
            );
            const writes = (await admin.stats()).writes;
            await assert.rejects(
                p.create((await p.check({} as never, { kind: "cluster", name: "cl-new" } as never)).inputs!),
                /adopt cluster "cl-new": not found on the engine; this program adopts it and never creates it/,
            );
            assert.equal((await admin.stats()).writes, writes);
        });
    });

    describe("Host", () => {
        const args = { name: "host-test", address: CI_BAREMETAL[0], clusterId: SEED_IDS.ciCluster, description: "h" };

        it("add waits installing → initializing → up; read, drift, update, replace; delete via maintenance", async () => {
            const p = await configured(new HostProvider(), e);
            const inputs = (await p.check({} as never, args as never)).inputs!;
            const c = await p.create(inputs);
            assert.equal(c.outs!.status, "up");
            const inv = await admin.inventory();
            const hist = (inv.history as unknown as Record<string, Array<{ status: string }>>)[c.id].map(
                (t) => t.status,
            );
            assert.deepEqual(hist.slice(0, 3), ["installing", "initializing", "up"]);

            const before = await admin.stats();
            const r = await p.read(c.id, c.outs);
            assert.deepEqual(Admin.delta(before, await admin.stats()), { [`GET ${API}/hosts/{host}`]: 1 });
            assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);

            await admin.mutate("hosts", c.id, { status: "maintenance" });
            const drifted = await p.read(c.id, c.outs);
            assert.equal(drifted.props!.status, "maintenance");

            const u = await p.update(c.id, r.props!, { ...inputs, spmPriority: 7 });
            assert.equal(u.outs!.spmPriority, 7);
            const rep = await p.diff(c.id, u.outs!, { ...inputs, spmPriority: 7, address: CI_BAREMETAL[1] });
            assert.deepEqual([rep.replaces, rep.deleteBeforeReplace], [["address"], true]);

            await admin.mutate("hosts", c.id, { status: "up" });
            await p.delete(c.id, u.outs!);
            assert.equal((await p.read(c.id, u.outs)).id, undefined);
            const s = await admin.stats();
            assert.equal(s.requests[`POST ${API}/hosts/{host}/deactivate`], 1);
            assert.equal(s.requests[`DELETE ${API}/hosts/{host}`], 1);
            await p.delete(c.id, u.outs!); // 404 = done
        });

        it("fails with the status and the engine's latest events when the install fails", async () => {
            const p = await configured(new HostProvider(), e);
            const inputs = (
                await p.check({} as never, { ...args, name: "host-bad", address: "nowhere.example.org" } as never)
            ).inputs!;
            await assert.rejects(p.create(inputs), (err: Error) => {
                assert.match(
                    err.message,
                    /Host host-bad: waiting for status up: host host-bad is (install_failed|non_responsive); latest engine events: \[(error|warning)\]/,
                );
                return true;
            });
        });

        it("a re-run reinstalls a host whose install failed (once its cause is fixed)", async () => {
            const p = await configured(new HostProvider(), e);
            const inputs = (
                await p.check({} as never, { ...args, name: "host-retry", address: "not-yet.example.org" } as never)
            ).inputs!;
            await assert.rejects(p.create(inputs), /is (install_failed|non_responsive)/);
            const h = (await admin.inventory()).hosts.find((x) => x.name === "host-retry")!;
            await admin.mutate("hosts", String(h.id), { address: CI_BAREMETAL[2] }); // e.g. DNS fixed
            const again = await p.create(inputs);
            assert.deepEqual([again.id, again.outs!.status, again.outs!.adopted], [h.id, "up", true]);
            const s = await admin.stats();
            assert.equal(s.requests[`POST ${API}/hosts`], 1);
            assert.equal(s.requests[`POST ${API}/hosts/{host}/install`], 1);
        });

        it("a re-run adopts the host the interrupted run added", async () => {
            const p = await configured(new HostProvider(), e);
            const inputs = (await p.check({} as never, args as never)).inputs!;
            const first = await p.create(inputs);
            const again = await p.create(inputs);
            assert.equal(again.id, first.id);
            assert.equal(again.outs!.adopted, true);
            assert.equal((await admin.stats()).requests[`POST ${API}/hosts`], 1);
        });
    });

    describe("StorageDomain", () => {
        const args = {
            name: "sd-test",
            dataCenterId: SEED_IDS.ciDc,
            hostId: SEED_IDS.host1,
            nfsAddress: "nfs.lan",
            nfsPath: "/exports/sd-test/",
        };

        it("create → unattached → attached → active; one-GET read; drift to maintenance is corrected; delete the engine's way", async () => {
            const p = await configured(new StorageDomainProvider(), e);
            const inputs = (await p.check({} as never, args as never)).inputs!;
            assert.equal(inputs.nfsPath, "/exports/sd-test");
            const c = await p.create(inputs);
            assert.equal(c.outs!.status, "active");
            assert.equal(c.outs!.master, false);

            const before = await admin.stats();
            const r = await p.read(c.id, c.outs);
            assert.deepEqual(Admin.delta(before, await admin.stats()), {
                [`GET ${API}/datacenters/{dc}/storagedomains/{sd}`]: 1,
            });
            assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);

            const sd = (await admin.inventory()).storageDomains.find((x) => x.id === c.id)!;
            await admin.mutate("storageDomains", c.id, {
                attachments: (sd.attachments as Array<Record<string, unknown>>).map((a) => ({
                    ...a,
                    status: "maintenance",
                })),
            });
            const drifted = await p.read(c.id, c.outs);
            assert.equal(drifted.props!.status, "maintenance");
            const d = await p.diff(c.id, drifted.props!, inputs);
            assert.deepEqual([d.changes, d.replaces], [true, []]);
            const u = await p.update(c.id, drifted.props!, inputs);
            assert.equal(u.outs!.status, "active");

            const rep = await p.diff(c.id, u.outs!, { ...inputs, nfsPath: "/exports/other" });
            assert.deepEqual([rep.replaces, rep.deleteBeforeReplace], [["nfsPath"], true]);

            await p.delete(c.id, u.outs!);
            assert.equal((await p.read(c.id, u.outs)).id, undefined);
            const s = await admin.stats();
            assert.equal(s.requests[`POST ${API}/datacenters/{dc}/storagedomains/{sd}/deactivate`], 1);
            assert.equal(s.requests[`DELETE ${API}/datacenters/{dc}/storagedomains/{sd}`], 1);
            assert.equal(s.requests[`DELETE ${API}/storagedomains/{sd}`], 1);
            await p.delete(c.id, u.outs!);
        });

        it("a hostId change updates in place; a dataCenterId change moves the domain (detach, attach) or reports the refusal", async () => {
            const p = await configured(new StorageDomainProvider(), e);
            const inputs = (await p.check({} as never, { ...args, name: "sd-move" } as never)).inputs!;
            const c = await p.create(inputs);
            const h = await p.diff(c.id, c.outs!, { ...inputs, hostId: SEED_IDS.defaultCluster });
            assert.deepEqual([h.changes, h.replaces], [true, []]);
            const moved = { ...inputs, dataCenterId: SEED_IDS.defaultDc };
            const d = await p.diff(c.id, c.outs!, moved);
            assert.deepEqual([d.changes, d.replaces], [true, []]);
            // the Default data center has no host: the engine refuses the attach, and says why
            await assert.rejects(
                p.update(c.id, c.outs!, moved),
                /update StorageDomain sd-move: POST \/datacenters\/5e0ac0a4-0d8c-11ee-9a2e-00163e000001\/storagedomains failed: HTTP 409: Operation Failed: \[Cannot attach Storage\. There is no active Host in the Data Center\.\]/,
            );
            // the refresh shows where it is now (detached), and the next update puts it back
            const r = await p.read(c.id, c.outs);
            assert.deepEqual([r.props!.status, r.props!.dataCenterId, r.props!.active], ["unattached", "", false]);
            const back = await p.update(c.id, r.props!, inputs);
            assert.deepEqual([back.outs!.dataCenterId, back.outs!.status], [SEED_IDS.ciDc, "active"]);
        });

        it("refuses to delete a domain that holds disks, with a clear message", async () => {
            const p = await configured(new StorageDomainProvider(), e);
            const props = {
                ...(await p.check({} as never, { ...args, name: "nfs-ovirt45" } as never)).inputs!,
                status: "active",
            } as never;
            await assert.rejects(
                p.delete(SEED_IDS.nfs, props),
                /delete StorageDomain nfs-ovirt45: it holds 2 disk\(s\) \(centos-stream-9_Disk1, centos-7_Disk1\)/,
            );
        });

        it("active=false: attached, auto-activated, then deactivated; retries lock conflicts and 503s on actions and reads", async () => {
            const p = await configured(new StorageDomainProvider(), e);
            await admin.faults([
                { method: "GET", path: "/storagedomains/[^/]+$", kind: "503", times: 2 },
                { method: "POST", path: "/activate$", kind: "lock409", times: 1 },
            ]);
            const c = await p.create(
                (await p.check({} as never, { ...args, name: "sd-faulty", active: false } as never)).inputs!,
            );
            assert.equal(c.outs!.status, "maintenance");
            assert.equal(
                (await admin.stats()).requests[`POST ${API}/datacenters/{dc}/storagedomains/{sd}/deactivate`],
                1,
                "auto-activated by the attach, then deactivated",
            );
            const u = await p.update(c.id, c.outs!, { ...c.outs!, active: true });
            assert.equal(u.outs!.status, "active");
            const s = await admin.stats();
            assert.ok(s.faultsInjected >= 3, `faults injected: ${s.faultsInjected}`);
        });
    });
});
