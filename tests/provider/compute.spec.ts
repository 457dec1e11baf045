// Lifecycle of Network, Vm and VmNic against the engine emulator ("fast" latency, HTTPS with its CA).
import * as assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { SEED_IDS } from "../../emulator/model/seed";
import { NetworkProvider, VmNicProvider, VmProvider } from "../../providers/ovirt";
import { API, Admin, configured, useTestEngine } from "./helpers";

const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFixtureKeyOnly ci@example";

describe("compute resources against the engine emulator", function () {
    this.timeout(60_000);
    let e: RunningEngine;
    let admin: Admin;

    useTestEngine((engine, a) => {
        e = engine;
        admin = a;
    });

    async function stoppedVm(name: string): Promise<string> {
        const p = await configured(new VmProvider(), e);
        const c = await p.create(
            (
                await p.check(
                    {} as never,
                    {
                        name,
                        clusterId: SEED_IDS.ciCluster,
                        templateId: SEED_IDS.blankTemplate,
                        started: false,
                    } as never,
                )
            ).inputs!,
        );
        return c.id;
    }

    describe("Network", () => {
        const args = {
            name: "ovn-vmnet-1",
            dataCenterId: SEED_IDS.ciDc,
            externalProviderId: SEED_IDS.ovn,
            clusterId: SEED_IDS.ciCluster,
            description: "lease 1",
        };

        it("create on OVN with its vNIC profile and cluster assignment; one-GET read; drift; update; replace; delete", async () => {
            const p = await configured(new NetworkProvider(), e);
            const inputs = (await p.check({} as never, args as never)).inputs!;
            const c = await p.create(inputs);
            const inv = await admin.inventory();
            const profile = inv.vnicProfiles.find((v) => v.networkId === c.id)!;
            assert.equal(c.outs!.vnicProfileId, profile.id);
            assert.equal(profile.name, "ovn-vmnet-1");
            const cl = inv.clusters.find((x) => x.id === SEED_IDS.ciCluster)!;
            assert.deepEqual(
                (cl.networks as Array<Record<string, unknown>>).find((n) => n.networkId === c.id)?.required,
                false,
            );

            const before = await admin.stats();
            const r = await p.read(c.id, c.outs);
            assert.deepEqual(Admin.delta(before, await admin.stats()), {
                [`GET ${API}/clusters/{cluster}/networks/{network}`]: 1,
            });
            assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);

            // drift: someone unassigned it from the cluster
            await admin.mutate("clusters", SEED_IDS.ciCluster, {
                networks: (cl.networks as Array<Record<string, unknown>>).filter((n) => n.networkId !== c.id),
            });
            const drifted = await p.read(c.id, c.outs);
            assert.equal(drifted.props!.clusterId, undefined);
            const d = await p.diff(c.id, drifted.props!, inputs);
            assert.deepEqual([d.changes, d.replaces], [true, []]);
            const u = await p.update(c.id, drifted.props!, { ...inputs, description: "lease 1 (renamed)" });
            assert.equal(u.outs!.clusterId, SEED_IDS.ciCluster);
            assert.equal(u.outs!.description, "lease 1 (renamed)");
            assert.equal((await p.read(c.id, u.outs)).props!.clusterId, SEED_IDS.ciCluster);

            const rep = await p.diff(c.id, u.outs!, { ...inputs, externalProviderId: SEED_IDS.ovirtmgmtCi });
            assert.deepEqual([rep.replaces, rep.deleteBeforeReplace], [["externalProviderId"], true]);

            await p.delete(c.id, u.outs!);
            assert.equal((await p.read(c.id, u.outs)).id, undefined);
            await p.delete(c.id, u.outs!);
        });

        it("re-run adopts the network and keeps one profile", async () => {
            const p = await configured(new NetworkProvider(), e);
            const inputs = (await p.check({} as never, args as never)).inputs!;
            const a = await p.create(inputs);
            const b = await p.create(inputs);
            assert.equal(b.id, a.id);
            assert.equal(b.outs!.adopted, true);
            assert.equal(b.outs!.vnicProfileId, a.outs!.vnicProfileId);
            assert.equal((await admin.stats()).requests[`POST ${API}/networks`], 1);
        });

        it("a 503 on the create POST is followed by a lookup, then one more POST: exactly one object", async () => {
            const p = await configured(new NetworkProvider(), e);
            await admin.faults([{ method: "POST", path: "^/ovirt-engine/api/networks$", kind: "503", times: 1 }]);
            const c = await p.create((await p.check({} as never, { ...args, name: "ovn-503" } as never)).inputs!);
            const s = await admin.stats();
            assert.equal(s.requests[`GET ${API}/networks`], 2, "looked up before each POST");
            assert.equal(s.requests[`POST ${API}/networks`], 1);
            assert.equal(s.requests[`POST (fault:503)`], 1);
            assert.equal((await admin.inventory()).networks.filter((n) => n.name === "ovn-503").length, 1);
            assert.equal(c.outs!.adopted, false);
        });
    });

    describe("Vm", () => {
        const args = {
            name: "proxy-vm",
            clusterId: SEED_IDS.ciCluster,
            templateId: SEED_IDS.proxyTemplate,
            memoryMiB: 2048,
            cpuCores: 2,
            highAvailability: true,
            deleteProtected: true,
            osType: "rhel_9x64",
            ipWaitSeconds: 1,
            cloudInit: {
                hostName: "proxy-vm",
                userName: "cloud-user",
                authorizedSshKeys: SSH_KEY,
                customScript: "#cloud-config\nruncmd: []\n",
                nicConfigurations: [
                    {
                        name: "eth0",
                        bootProtocol: "static",
                        address: "192.168.201.20",
                        netmask: "255.255.255.0",
                        gateway: "192.168.201.1",
                    },
                ],
            },
        };

        it("create from a template with cloud-init, start, wait up; IPs; one-GET read; drift; update; replace; protected delete", async () => {
            const p = await configured(new VmProvider(), e);
            const inputs = (await p.check({} as never, args as never)).inputs!;
            const c = await p.create(inputs);
            assert.equal(c.outs!.status, "up");
            assert.equal(c.outs!.memoryMiB, 2048);
            assert.equal(c.outs!.cpuCores, 2);
            assert.equal(c.outs!.highAvailability, true);
            assert.equal(c.outs!.deleteProtected, true);
            const vm = (await admin.inventory()).vms.find((v) => v.id === c.id)!;
            const init = vm.initialization as Record<string, unknown>;
            assert.equal(init.hostName, "proxy-vm");
            assert.equal(init.authorizedSshKeys, SSH_KEY);
            assert.deepEqual((init.nicConfigurations as Array<Record<string, unknown>>)[0].ip, {
                address: "192.168.201.20",
                netmask: "255.255.255.0",
                gateway: "192.168.201.1",
                version: "v4",
            });

            // a NIC makes the guest agent report an address; a refresh picks it up
            const nics = await configured(new VmNicProvider(), e);
            await nics.create(
                (
                    await nics.check(
                        {} as never,
                        { vmId: c.id, name: "nic1", vnicProfileId: SEED_IDS.ovirtmgmtCiProfile } as never,
                    )
                ).inputs!,
            );
            let ips: string[] = [];
            for (let i = 0; i < 50 && ips.length === 0; i++) {
                ips = (await p.read(c.id, c.outs)).props!.ipAddresses;
                if (!ips.length) await new Promise((r) => setTimeout(r, 50));
            }
            assert.deepEqual(ips, ["192.168.201.20"]);

            const before = await admin.stats();
            const r = await p.read(c.id, c.outs);
            assert.deepEqual(Admin.delta(before, await admin.stats()), { [`GET ${API}/vms/{vm}`]: 1 });
            assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);

            await admin.mutate("vms", c.id, { memory: 4096 * 1024 * 1024, highAvailability: false });
            const drifted = await p.read(c.id, c.outs);
            assert.equal(drifted.props!.memoryMiB, 4096);
            assert.equal(drifted.props!.highAvailability, false);
            const d = await p.diff(c.id, drifted.props!, inputs);
            assert.deepEqual([d.changes, d.replaces], [true, []]);
            const u = await p.update(c.id, drifted.props!, inputs);
            assert.equal(u.outs!.memoryMiB, 2048);
            assert.equal(u.outs!.highAvailability, true);
            assert.equal(u.outs!.status, "up", "still up: the decrease waits for the next run");

            const rep = await p.diff(c.id, u.outs!, { ...inputs, templateId: SEED_IDS.blankTemplate });
            assert.deepEqual([rep.replaces, rep.deleteBeforeReplace], [["templateId"], true]);
            const rep2 = await p.diff(c.id, u.outs!, {
                ...inputs,
                cloudInit: { ...inputs.cloudInit, hostName: "other" },
            });
            assert.deepEqual(rep2.replaces, ["cloudInit"]);

            await p.delete(c.id, u.outs!);
            assert.equal((await p.read(c.id, u.outs)).id, undefined);
            const s = await admin.stats();
            assert.ok(s.requests[`POST ${API}/vms/{vm}/stop`] >= 1);
            assert.equal(s.requests[`DELETE ${API}/vms/{vm}`], 1);
            await p.delete(c.id, u.outs!);
        });

        it("memory and CPU of a running VM change without a stop: hot plug, else the next run (engine history)", async () => {
            const p = await configured(new VmProvider(), e);
            const inputs = (await p.check({} as never, { ...args, name: "hot-vm", cloudInit: undefined } as never))
                .inputs!;
            const c = await p.create(inputs);
            const codes = async () =>
                ((await admin.inventory()).events as Array<{ code: number }>).map((ev) => ev.code);
            const before = (await codes()).length;

            // the preview's note: check asks the engine how the change would be taken
            const more = { ...inputs, memoryMiB: 4096, cpuCores: 4 };
            const checked = (await p.check(inputs, more as never)).inputs as Record<string, unknown>;
            assert.equal(
                checked.hardwareChange,
                "memory 2048 → 4096 MiB: hot plugged, no restart; CPUs 2 → 4: hot plugged by sockets, no restart",
            );
            const up = await p.update(c.id, c.outs!, (await p.check(inputs, more as never)).inputs!);
            assert.deepEqual([up.outs!.memoryMiB, up.outs!.cpuCores, up.outs!.status], [4096, 4, "up"]);
            const vm = () => admin.inventory().then((i) => i.vms.find((v) => v.id === c.id)!);
            assert.equal((await vm()).memory, 4096 * 1024 * 1024, "hot plugged: the running VM has it now");

            // less memory and a CPU count off the topology: the next-run configuration, the VM keeps running
            const less = { ...more, memoryMiB: 3000, cpuCores: 3 };
            const note = (await p.check(more as never, less as never)).inputs as Record<string, unknown>;
            assert.match(
                String(note.hardwareChange),
                /memory 4096 → 3000 MiB: applied on next run \(memory is not hot unplugged/,
            );
            assert.match(String(note.hardwareChange), /CPUs 4 → 3: applied on next run/);
            const later = await p.update(c.id, up.outs!, (await p.check(more as never, less as never)).inputs!);
            assert.deepEqual([later.outs!.memoryMiB, later.outs!.cpuCores, later.outs!.status], [3000, 3, "up"]);
            assert.equal(
                (await vm()).memory,
                4096 * 1024 * 1024,
                "the running VM keeps its memory until its next start",
            );
            // a refresh reads the next-run configuration: no drift, no second write
            const r = await p.read(c.id, later.outs);
            assert.equal(
                (await p.diff(c.id, r.props!, (await p.check(less as never, less as never)).inputs!)).changes,
                false,
            );

            const history = (await codes()).slice(before);
            assert.ok(history.includes(2039), "HOT_SET_MEMORY in the engine's history");
            assert.ok(history.includes(2033), "HOT_SET_NUMBER_OF_CPUS in the engine's history");
            for (const stopOrDown of [33, 61, 73])
                assert.ok(!history.includes(stopOrDown), `no stop, shutdown or down event (${stopOrDown})`);
            const s = await admin.stats();
            assert.equal(s.requests[`POST ${API}/vms/{vm}/stop`] ?? 0, 0, "never a stop");
            assert.equal(s.requests[`POST ${API}/vms/{vm}/shutdown`] ?? 0, 0, "never a shutdown");
        });

        it("update: started=false stops the VM, true starts it again", async () => {
            const p = await configured(new VmProvider(), e);
            const inputs = (
                await p.check(
                    {} as never,
                    { ...args, deleteProtected: false, cloudInit: undefined, ipWaitSeconds: 0 } as never,
                )
            ).inputs!;
            const c = await p.create(inputs);
            const stopped = await p.update(c.id, c.outs!, { ...inputs, started: false });
            assert.equal(stopped.outs!.status, "down");
            const started = await p.update(c.id, stopped.outs!, inputs);
            assert.equal(started.outs!.status, "up");
            await p.delete(c.id, started.outs!);
        });

        it("waits (bounded) for the guest agent's addresses once the VM has a NIC", async () => {
            const p = await configured(new VmProvider(), e);
            const inputs = (
                await p.check(
                    {} as never,
                    { ...args, deleteProtected: false, started: false, ipWaitSeconds: 10 } as never,
                )
            ).inputs!;
            const c = await p.create(inputs);
            assert.deepEqual([c.outs!.status, c.outs!.ipAddresses], ["down", []]);
            const nics = await configured(new VmNicProvider(), e);
            await nics.create(
                (
                    await nics.check(
                        {} as never,
                        { vmId: c.id, name: "nic1", vnicProfileId: SEED_IDS.ovirtmgmtCiProfile } as never,
                    )
                ).inputs!,
            );
            const started = Date.now();
            const u = await p.update(c.id, c.outs!, { ...inputs, started: true });
            assert.deepEqual([u.outs!.status, u.outs!.ipAddresses], ["up", ["192.168.201.20"]]);
            assert.ok(Date.now() - started < 5000, "no full ipWaitSeconds wait");
        });

        it("surfaces the engine's refusal to start a VM without a bootable disk", async () => {
            const p = await configured(new VmProvider(), e);
            const inputs = (
                await p.check(
                    {} as never,
                    { name: "diskless", clusterId: SEED_IDS.ciCluster, templateId: SEED_IDS.blankTemplate } as never,
                )
            ).inputs!;
            await assert.rejects(p.create(inputs), (err: Error) => {
                assert.match(
                    err.message,
                    /^create Vm diskless: POST \/vms\/[0-9a-f-]+\/start failed: HTTP 409: Operation Failed: \[Cannot run VM without at least one bootable disk\./,
                );
                assert.ok(!err.message.includes(e.password));
                return true;
            });
        });

        it("a re-run adopts the VM an interrupted run created and brings it up", async () => {
            const p = await configured(new VmProvider(), e);
            const inputs = (await p.check({} as never, { ...args, deleteProtected: false, ipWaitSeconds: 0 } as never))
                .inputs!;
            await p.create({ ...inputs, started: false }); // interrupted before the start
            const again = await p.create(inputs);
            assert.equal(again.outs!.adopted, true);
            assert.equal(again.outs!.status, "up");
            assert.equal((await admin.stats()).requests[`POST ${API}/vms`], 1);
        });
    });

    describe("VmNic", () => {
        it("create with a MAC output; one-GET read; drift; update profile; replace; delete", async () => {
            const vmId = await stoppedVm("nic-host");
            const net = await configured(new NetworkProvider(), e);
            const n = await net.create(
                (
                    await net.check(
                        {} as never,
                        { name: "ovn-vmnet-2", dataCenterId: SEED_IDS.ciDc, externalProviderId: SEED_IDS.ovn } as never,
                    )
                ).inputs!,
            );
            const p = await configured(new VmNicProvider(), e);
            const inputs = (
                await p.check({} as never, { vmId, name: "nic1", vnicProfileId: SEED_IDS.ovirtmgmtCiProfile } as never)
            ).inputs!;
            const c = await p.create(inputs);
            assert.match(c.outs!.mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);

            const before = await admin.stats();
            const r = await p.read(c.id, c.outs);
            assert.deepEqual(Admin.delta(before, await admin.stats()), { [`GET ${API}/vms/{vm}/nics/{nic}`]: 1 });
            assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);

            const vm = (await admin.inventory()).vms.find((v) => v.id === vmId)!;
            await admin.mutate("vms", vmId, {
                nics: (vm.nics as Array<Record<string, unknown>>).map((x) => ({ ...x, linked: false })),
            });
            const drifted = await p.read(c.id, c.outs);
            assert.equal(drifted.props!.linked, false);
            assert.deepEqual((await p.diff(c.id, drifted.props!, inputs)).replaces, []);

            const u = await p.update(c.id, drifted.props!, { ...inputs, vnicProfileId: n.outs!.vnicProfileId });
            assert.equal(u.outs!.vnicProfileId, n.outs!.vnicProfileId);
            assert.equal(u.outs!.linked, true);
            assert.equal(u.outs!.mac, c.outs!.mac);

            const rep = await p.diff(c.id, u.outs!, { ...inputs, vnicProfileId: n.outs!.vnicProfileId, name: "nic2" });
            assert.deepEqual([rep.replaces, rep.deleteBeforeReplace], [["name"], true]);

            const again = await p.create({ ...inputs, vnicProfileId: n.outs!.vnicProfileId });
            assert.equal(again.id, c.id, "re-run adopts the NIC by name");

            await p.delete(c.id, u.outs!);
            assert.equal((await p.read(c.id, u.outs)).id, undefined);
            await p.delete(c.id, u.outs!);
        });
    });

    describe("VmNic ipWaitSeconds", () => {
        it("a NIC added to a running VM reports the guest's address for its MAC (create waits, read refreshes); without it no output", async () => {
            const vms = await configured(new VmProvider(), e);
            const vm = await vms.create(
                (
                    await vms.check(
                        {} as never,
                        {
                            name: "nic-ip-vm",
                            clusterId: SEED_IDS.ciCluster,
                            templateId: SEED_IDS.centos7Template,
                            started: true,
                            ipWaitSeconds: 5,
                            cloudInit: {
                                nicConfigurations: [
                                    {
                                        name: "eth0",
                                        bootProtocol: "static",
                                        address: "192.0.2.77",
                                        netmask: "255.255.255.0",
                                        gateway: "192.0.2.1",
                                        onBoot: true,
                                    },
                                ],
                            },
                        } as never,
                    )
                ).inputs!,
            );
            assert.deepEqual(vm.outs!.ipAddresses, [], "no NIC yet: the VM cannot know its address");
            const p = await configured(new VmNicProvider(), e);
            const inputs = (
                await p.check(
                    {} as never,
                    {
                        vmId: vm.id,
                        name: "nic1",
                        vnicProfileId: SEED_IDS.ovirtmgmtCiProfile,
                        ipWaitSeconds: 30,
                    } as never,
                )
            ).inputs!;
            const c = await p.create(inputs);
            assert.deepEqual(c.outs!.ipAddresses, ["192.0.2.77"]);
            const r = await p.read(c.id, c.outs);
            assert.deepEqual(r.props!.ipAddresses, ["192.0.2.77"]);
            assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);
            const plain = await p.create(
                (
                    await p.check(
                        {} as never,
                        { vmId: vm.id, name: "nic2", vnicProfileId: SEED_IDS.ovirtmgmtCiProfile } as never,
                    )
                ).inputs!,
            );
            assert.equal(plain.outs!.ipAddresses, undefined);
            assert.equal((await p.check({} as never, { ...inputs, ipWaitSeconds: -1 } as never)).failures?.length, 1);
        });
    });
});
