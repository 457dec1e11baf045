import assert from "node:assert/strict";
import type { AxiosInstance } from "axios";
import type { RunningEngine } from "../../emulator";
import { SEED, api, failed, history, raw, start, waitFor, waitStatus } from "./helpers";

describe("emulator: lifecycles (instant latency)", () => {
    let e: RunningEngine;
    let c: AxiosInstance;
    before(async () => {
        e = await start();
        c = await api(e);
    });
    after(async () => e.stop());
    beforeEach(async () => e.reset());

    async function addHost(name: string, address: string, q = "") {
        const r = await c.post(
            `/hosts${q}`,
            { name, address, cluster: { name: "OCP-45" }, ssh: { authentication_method: "publickey", port: "22" } },
            { headers: { "Correlation-Id": `add-${name}` } },
        );
        assert.equal(r.status, 201, JSON.stringify(r.data));
        assert.equal(r.data.status, "installing");
        return r.data.id as string;
    }

    describe("hosts", () => {
        it("add → installing → initializing → up; the add job finishes", async () => {
            const id = await addHost("bm05", SEED.baremetal(5));
            await waitStatus(c, `/hosts/${id}`, "up");
            assert.deepEqual(await history(e, id), ["installing", "initializing", "up"]);
            const jobs = await c.get("/jobs?search=correlation_id%3Dadd-bm05");
            assert.equal(jobs.data.job.length, 1);
            assert.equal(jobs.data.job[0].status, "finished");
            assert.equal(typeof jobs.data.job[0].end_time, "number");
        });

        it("activate=false ends in maintenance; unknown addresses fail to install", async () => {
            const m = await addHost("bm06", SEED.baremetal(6), "?activate=false");
            await waitStatus(c, `/hosts/${m}`, "maintenance");
            const bad = await addHost("stranger", "stranger.example.com");
            await waitStatus(c, `/hosts/${bad}`, "install_failed");
            assert.equal((await c.get("/jobs?search=correlation_id%3Dadd-stranger")).data.job[0].status, "failed");
            const unreachable = await addHost("gone", "unreachable.example.com");
            await waitStatus(c, `/hosts/${unreachable}`, "non_responsive");
        });

        it("deactivate → preparing_for_maintenance → maintenance; activate → up; remove only in maintenance", async () => {
            const id = await addHost("bm07", SEED.baremetal(7));
            await waitStatus(c, `/hosts/${id}`, "up");
            const rm = await c.delete(`/hosts/${id}`);
            assert.equal(rm.status, 409);
            assert.deepEqual(
                rm.data,
                failed("Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first."),
            );
            const act = await c.post(`/hosts/${id}/activate`, {});
            assert.equal(act.status, 409);
            assert.equal(act.data.status, "failed");
            // HostValidator.validateStatusForActivation: VDS_ALREADY_UP
            assert.equal(act.data.fault.detail, "[Cannot activate Host. Host in Up status.]");
            const d = await c.post(`/hosts/${id}/deactivate`, {});
            assert.equal(d.status, 200);
            assert.equal(d.data.status, "complete");
            assert.equal(d.data.host.id, id);
            assert.ok(d.data.job.id);
            await waitStatus(c, `/hosts/${id}`, "maintenance");
            assert.deepEqual((await history(e, id)).slice(-2), ["preparing_for_maintenance", "maintenance"]);
            const again = await c.post(`/hosts/${id}/deactivate`, {});
            assert.equal(again.status, 409);
            assert.equal(
                again.data.fault.detail,
                "[Cannot maintenance Host. Operation can be performed only when Host status is Up.]",
            );
            assert.equal((await c.post(`/hosts/${id}/activate`, {})).status, 200);
            await waitStatus(c, `/hosts/${id}`, "up");
            await c.post(`/hosts/${id}/deactivate`, {});
            await waitStatus(c, `/hosts/${id}`, "maintenance");
            const ok = await c.delete(`/hosts/${id}`);
            assert.equal(ok.status, 200);
            assert.equal(ok.data.status, "complete");
            assert.equal((await c.get(`/hosts/${id}`)).status, 404);
        });

        it("a host missing a required cluster network goes non_operational", async () => {
            const n = await c.post("/networks", { name: "req-net", data_center: { name: "OCP-45" } });
            await c.post(`/clusters/${SEED.ciCluster}/networks`, { id: n.data.id, required: "true" });
            const id = await addHost("bm08", SEED.baremetal(8));
            await waitStatus(c, `/hosts/${id}`, "non_operational");
        });

        it("refuses a duplicate name with 409 and missing fields with Incomplete parameters", async () => {
            await addHost("dup", SEED.baremetal(9));
            const r = await c.post("/hosts", {
                name: "dup",
                address: SEED.baremetal(10),
                cluster: { id: SEED.ciCluster },
                root_password: "x",
            });
            assert.equal(r.status, 409);
            assert.match(r.data.detail, /^\[Cannot add Host\. The Host name is already in use/);
            const inc = await c.post("/hosts", { name: "x" });
            assert.equal(inc.data.reason, "Incomplete parameters");
        });
    });

    describe("storage domains", () => {
        const nfs = (name: string) => ({
            name,
            type: "data",
            host: { name: "baremetal04" },
            storage_format: "v5",
            storage: { type: "nfs", address: "nfs.example.lan", path: `/exports/${name}`, nfs_version: "auto" },
        });

        it("create → unattached; attach locked → maintenance → activating → active; deactivate; detach; remove", async () => {
            const r = await c.post("/storagedomains", nfs("upgrade-1"));
            assert.equal(r.status, 201, JSON.stringify(r.data));
            assert.equal(r.data.status, "unattached");
            assert.equal(r.data.master, "false");
            const id = r.data.id as string;
            const att = await c.post(`/datacenters/${SEED.ciDc}/storagedomains`, { id });
            assert.equal(att.status, 201);
            assert.equal(att.data.status, "locked");
            await waitStatus(c, `/datacenters/${SEED.ciDc}/storagedomains/${id}`, "active");
            assert.deepEqual(await history(e, `${id}@${SEED.ciDc}`), ["locked", "maintenance", "activating", "active"]);
            const top = await c.get(`/storagedomains/${id}`);
            assert.equal(top.data.status, undefined, "top-level status is omitted once attached");
            assert.deepEqual(
                top.data.data_centers.data_center.map((d: { id: string }) => d.id),
                [SEED.ciDc],
            );
            assert.equal(top.data.master, "false", "the seed NFS domain stays master");

            const det = await c.delete(`/datacenters/${SEED.ciDc}/storagedomains/${id}`);
            assert.equal(det.status, 409);
            assert.deepEqual(
                det.data,
                failed("Cannot detach Storage. The relevant Storage Domain's status is Active."),
            );
            const rmAttached = await c.delete(`/storagedomains/${id}?host=baremetal04`);
            assert.equal(rmAttached.status, 409);
            assert.deepEqual(
                rmAttached.data,
                // RemoveStorageDomainCommand: isStorageDomainNotInAnyPool → ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL
                failed(
                    "Cannot remove Storage. The relevant Storage Domain is inaccessible.\n-Please handle Storage Domain issues and retry the operation.",
                ),
            );

            const d = await c.post(`/datacenters/${SEED.ciDc}/storagedomains/${id}/deactivate`, {});
            assert.equal(d.status, 200);
            assert.equal(d.data.storage_domain.id, id);
            await waitStatus(c, `/datacenters/${SEED.ciDc}/storagedomains/${id}`, "maintenance");
            assert.deepEqual((await history(e, `${id}@${SEED.ciDc}`)).slice(-3), [
                "locked",
                "preparing_for_maintenance",
                "maintenance",
            ]);
            const a2 = await c.post(`/datacenters/${SEED.ciDc}/storagedomains/${id}/activate`, {});
            assert.equal(a2.status, 200);
            await waitStatus(c, `/datacenters/${SEED.ciDc}/storagedomains/${id}`, "active");
            const a3 = await c.post(`/datacenters/${SEED.ciDc}/storagedomains/${id}/activate`, {});
            assert.equal(a3.status, 409);
            assert.deepEqual(a3.data, {
                status: "failed",
                fault: failed("Cannot activate Storage. The relevant Storage Domain's status is Active."),
            });
            await c.post(`/datacenters/${SEED.ciDc}/storagedomains/${id}/deactivate`, { force: "true" });
            await waitStatus(c, `/datacenters/${SEED.ciDc}/storagedomains/${id}`, "maintenance");
            assert.equal((await c.delete(`/datacenters/${SEED.ciDc}/storagedomains/${id}`)).status, 200);
            await waitFor(
                "detach",
                async () => (await c.get(`/datacenters/${SEED.ciDc}/storagedomains/${id}`)).status === 404 || undefined,
            );
            assert.equal((await c.get(`/storagedomains/${id}`)).data.status, "unattached");

            const noHost = await c.delete(`/storagedomains/${id}`);
            assert.equal(noHost.status, 400);
            assert.equal(noHost.data.reason, "host parameter is missing");
            const ok = await c.delete(`/storagedomains/${id}?host=baremetal04&format=true`);
            assert.equal(ok.status, 200);
            assert.deepEqual(Object.keys(ok.data).sort(), ["job", "status"]);
            assert.equal((await c.get(`/storagedomains/${id}`)).status, 404);
        });

        it("the first domain initialises a data center: master, DC up", async () => {
            const dc = await c.post("/datacenters", {
                name: "fresh",
                local: "false",
                version: { major: "4", minor: "7" },
            });
            assert.equal(dc.data.status, "uninitialized");
            const cl = await c.post("/clusters", {
                name: "fresh",
                data_center: { id: dc.data.id },
                cpu: { type: "Intel Cascadelake Server Family", architecture: "x86_64" },
            });
            assert.equal(cl.status, 201);
            const sd = await c.post("/storagedomains", nfs("fresh-sd"));
            const noHostInDc = await c.post(`/datacenters/${dc.data.id}/storagedomains`, { id: sd.data.id });
            assert.equal(noHostInDc.status, 409);
            const h = await c.post("/hosts", {
                name: "bm01",
                address: SEED.baremetal(1),
                cluster: { id: cl.data.id },
                root_password: "x",
            });
            await waitStatus(c, `/hosts/${h.data.id}`, "up");
            await c.post(`/datacenters/${dc.data.id}/storagedomains`, { id: sd.data.id });
            await waitStatus(c, `/datacenters/${dc.data.id}/storagedomains/${sd.data.id}`, "active");
            assert.equal((await c.get(`/datacenters/${dc.data.id}`)).data.status, "up");
            assert.equal((await c.get(`/storagedomains/${sd.data.id}`)).data.master, "true");
        });

        it("destroy removes the record without a host; host must be up to remove", async () => {
            const sd = await c.post("/storagedomains", nfs("destroy-me"));
            const h = await c.post(
                "/hosts",
                { name: "bm02", address: SEED.baremetal(2), cluster: { id: SEED.ciCluster }, root_password: "x" },
                { params: { activate: "false" } },
            );
            await waitStatus(c, `/hosts/${h.data.id}`, "maintenance");
            const down = await c.delete(`/storagedomains/${sd.data.id}?host=bm02`);
            assert.equal(down.status, 409);
            assert.deepEqual(down.data, failed("Cannot remove Storage. Host bm02 is not up."));
            assert.equal((await c.delete(`/storagedomains/${sd.data.id}?destroy=true`)).status, 200);
            assert.equal((await c.get(`/storagedomains/${sd.data.id}`)).status, 404);
        });
    });

    describe("networks", () => {
        it("OVN network with a same-named vNIC profile, assigned to the cluster as not required", async () => {
            const prov = await c.get("/openstacknetworkproviders");
            assert.equal(prov.data.openstack_network_provider[0].name, "ovirt-provider-ovn");
            const n = await c.post("/networks", {
                name: "ovn-vmnet-12",
                data_center: { id: SEED.ciDc },
                usages: { usage: ["vm"] },
                external_provider: { id: SEED.ovn },
            });
            assert.equal(n.status, 201);
            assert.equal(n.data.external_provider.id, SEED.ovn);
            assert.deepEqual(n.data.usages, { usage: ["vm"] });
            const profiles = (await c.get("/vnicprofiles")).data.vnic_profile.filter(
                (p: { network: { id: string } }) => p.network.id === n.data.id,
            );
            assert.deepEqual(
                profiles.map((p: { name: string }) => p.name),
                ["ovn-vmnet-12"],
            );
            assert.equal((await c.get(`/networks/${n.data.id}/vnicprofiles`)).data.vnic_profile.length, 1);
            const cn = await c.post(`/clusters/${SEED.ciCluster}/networks`, { id: n.data.id, required: "false" });
            assert.equal(cn.status, 201);
            assert.equal(cn.data.required, "false");
            assert.equal((await c.get(`/clusters/${SEED.ciCluster}/networks/${n.data.id}`)).data.required, "false");
            assert.equal(
                (await c.get(`/openstacknetworkproviders/${SEED.ovn}/networks`)).data.openstack_network.length,
                1,
            );
            const dup = await c.post("/networks", { name: "ovn-vmnet-12", data_center: { id: SEED.ciDc } });
            assert.equal(dup.status, 409);
            assert.equal((await c.delete(`/clusters/${SEED.ciCluster}/networks/${n.data.id}`)).status, 200);
            assert.equal((await c.delete(`/networks/${n.data.id}`)).status, 200);
            assert.deepEqual(
                (await c.get(`/vnicprofiles`)).data.vnic_profile.filter(
                    (p: { network: { id: string } }) => p.network.id === n.data.id,
                ),
                [],
            );
        });
    });

    describe("VMs", () => {
        async function proxyVm(name = "proxy-vm") {
            const r = await c.post(
                "/vms",
                {
                    name,
                    cluster: { id: SEED.ciCluster },
                    template: { name: "centos-stream-9" },
                    memory: String(8 * 1024 ** 3),
                    cpu: { topology: { sockets: "2", cores: "2", threads: "1" } },
                    os: { type: "rhel_9x64" },
                    type: "server",
                    high_availability: { enabled: "true", priority: "1" },
                    placement_policy: { affinity: "migratable" },
                    initialization: {
                        host_name: "proxy",
                        user_name: "root",
                        authorized_ssh_keys: "ssh-ed25519 AAAA test",
                        custom_script: "#cloud-config\n",
                        dns_servers: "8.8.8.8",
                        nic_configurations: {
                            nic_configuration: [
                                {
                                    name: "eth0",
                                    on_boot: "true",
                                    boot_protocol: "static",
                                    ip: {
                                        address: "10.1.2.3",
                                        netmask: "255.255.255.0",
                                        gateway: "10.1.2.1",
                                        version: "v4",
                                    },
                                },
                            ],
                        },
                    },
                },
                { headers: { "Correlation-Id": `vm-${name}` } },
            );
            assert.equal(r.status, 201, JSON.stringify(r.data));
            return r;
        }

        it("create from a template with cloud-init: image_locked → down, disks locked → ok", async () => {
            const r = await proxyVm();
            assert.equal(r.data.status, "image_locked");
            assert.equal(r.data.memory, String(8 * 1024 ** 3));
            assert.equal(r.data.high_availability.enabled, "true");
            assert.equal(r.data.initialization.nic_configurations.nic_configuration[0].ip.address, "10.1.2.3");
            assert.equal(r.data.initialization.root_password, undefined);
            await waitStatus(c, `/vms/${r.data.id}`, "down");
            assert.deepEqual(await history(e, r.data.id), ["image_locked", "down"]);
            const das = await c.get(`/vms/${r.data.id}/diskattachments`);
            assert.equal(das.data.disk_attachment.length, 1);
            assert.equal(das.data.disk_attachment[0].bootable, "true");
            const disk = await c.get(`/disks/${das.data.disk_attachment[0].disk.id}`);
            assert.equal(disk.data.status, "ok");
            const dup = await c.post("/vms", {
                name: "proxy-vm",
                cluster: { id: SEED.ciCluster },
                template: { id: SEED.blank },
            });
            assert.equal(dup.status, 409);
            assert.deepEqual(
                dup.data,
                failed("Cannot add VM. The VM name is already in use, please choose a unique name and try again."),
            );
        });

        it("a running VM's hardware (UpdateVmCommand): hot plug within the rules, refusals, next_run applied when down", async () => {
            const GiB = 1024 ** 3;
            const r = await proxyVm("hot-plug-vm");
            const id = r.data.id as string;
            await waitStatus(c, `/vms/${id}`, "down");
            assert.equal((await c.post(`/vms/${id}/start`, {})).status, 200);
            await waitStatus(c, `/vms/${id}`, "up");
            // max memory defaults to 4 × memory (VmCommonUtils.getMaxMemorySizeDefault)
            assert.equal((await c.get(`/vms/${id}`)).data.memory_policy.max, String(32 * GiB));
            // added memory must be a multiple of 128 MiB (ArchitectureType.HOTPLUG_MEMORY_FACTOR_X86_MB)
            const odd = await c.put(`/vms/${id}`, { memory: String(8 * GiB + 100 * 1024 ** 2) });
            assert.equal(odd.status, 409);
            assert.deepEqual(
                odd.data,
                failed("Cannot edit VM. Amount of added memory (100MiB) is not dividable by 128MiB."),
            );
            const above = await c.put(`/vms/${id}`, { memory: String(40 * GiB) });
            assert.deepEqual(
                above.data,
                failed("Cannot edit VM. Memory size (40960MB) cannot exceed maximum memory size (32768MB)."),
            );
            // hot plug: memory up by 128 MiB steps, one more socket of the same shape
            const hot = await c.put(`/vms/${id}`, {
                memory: String(12 * GiB),
                cpu: { topology: { sockets: "3", cores: "2", threads: "1" } },
            });
            assert.equal(hot.status, 200, JSON.stringify(hot.data));
            assert.deepEqual(
                [
                    hot.data.memory,
                    hot.data.cpu.topology.sockets,
                    hot.data.next_run_configuration_exists,
                    hot.data.status,
                ],
                [String(12 * GiB), "3", "false", "up"],
            );
            // less memory: the next-run configuration; the running VM keeps what it has
            const later = await c.put(`/vms/${id}`, { memory: String(4 * GiB) }, { params: { next_run: "true" } });
            assert.equal(later.status, 200);
            assert.equal((await c.get(`/vms/${id}`)).data.memory, String(12 * GiB));
            assert.equal((await c.get(`/vms/${id}`)).data.next_run_configuration_exists, "true");
            assert.equal((await c.get(`/vms/${id}`, { params: { next_run: "true" } })).data.memory, String(4 * GiB));
            // a hot change of memory while a next-run memory is pending is refused (HOT_CHANGE_MEMORY_WITH_NEXT_RUN)
            const clash = await c.put(`/vms/${id}`, { memory: String(16 * GiB) });
            assert.deepEqual(
                clash.data,
                failed("Cannot hot change memory because memory next run configuration already exists."),
            );
            const events = (await c.get("/events")).data.event as { code: string; description: string }[];
            assert.ok(events.some((ev) => ev.code === "2039" && /from 8192 to 12288/.test(ev.description)));
            assert.ok(events.some((ev) => ev.code === "2033" && /from 4 to 6/.test(ev.description)));
            // down: the next-run configuration becomes the configuration
            assert.equal((await c.post(`/vms/${id}/stop`, {})).status, 200);
            await waitStatus(c, `/vms/${id}`, "down");
            const down = await c.get(`/vms/${id}`);
            assert.deepEqual([down.data.memory, down.data.next_run_configuration_exists], [String(4 * GiB), "false"]);
        });

        it("start → wait_for_launch → powering_up → up, then the guest agent reports addresses; stop; shutdown; remove", async () => {
            const r = await proxyVm();
            const id = r.data.id as string;
            await waitStatus(c, `/vms/${id}`, "down");
            const nic = await c.post(`/vms/${id}/nics`, {
                name: "nic1",
                interface: "virtio",
                vnic_profile: { id: "c1a45000-0000-4000-8000-000000000032" },
            });
            assert.equal(nic.status, 201);
            const st = await c.post(`/vms/${id}/start`, {});
            assert.equal(st.status, 200);
            assert.equal(st.data.status, "complete");
            assert.equal(st.data.vm.id, id);
            await waitStatus(c, `/vms/${id}`, "up");
            assert.deepEqual((await history(e, id)).slice(-3), ["wait_for_launch", "powering_up", "up"]);
            const up = await c.get(`/vms/${id}`);
            assert.equal(up.data.host.id, SEED.host1);
            assert.equal(typeof up.data.start_time, "number");
            const devs = await waitFor("guest addresses", async () => {
                const d = await c.get(`/vms/${id}/reporteddevices`);
                return d.data.reported_device ? d.data.reported_device : undefined;
            });
            assert.equal(devs[0].ips.ip[0].address, "10.1.2.3");
            assert.equal(devs[0].mac.address, nic.data.mac.address);
            assert.equal((await c.get(`/vms?search=${encodeURIComponent("ip=10.1.2.3")}`)).data.vm.length, 1);

            const again = await c.post(`/vms/${id}/start`, {});
            assert.equal(again.status, 409);
            assert.deepEqual(again.data, { status: "failed", fault: failed("Cannot run VM. VM is running.") });
            const rm = await c.delete(`/vms/${id}`);
            assert.equal(rm.status, 409);
            assert.deepEqual(rm.data, failed("Cannot remove VM. VM is running."));

            assert.equal((await c.post(`/vms/${id}/shutdown`, {})).data.status, "complete");
            await waitStatus(c, `/vms/${id}`, "down");
            assert.deepEqual((await history(e, id)).slice(-2), ["powering_down", "down"]);
            const stopDown = await c.post(`/vms/${id}/stop`, {});
            assert.equal(stopDown.status, 409);
            assert.deepEqual(stopDown.data.fault, failed("Cannot stop VM. VM is not running."));
            await c.post(`/vms/${id}/start`, {});
            await waitStatus(c, `/vms/${id}`, "up");
            assert.equal((await c.post(`/vms/${id}/stop`, {})).status, 200);
            await waitStatus(c, `/vms/${id}`, "down");
            assert.equal((await c.get(`/vms/${id}`)).data.host, undefined);

            await c.put(`/vms/${id}`, { delete_protected: "true" });
            const prot = await c.delete(`/vms/${id}`);
            assert.equal(prot.status, 409);
            assert.deepEqual(
                prot.data,
                failed(
                    "Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first.",
                ),
            );
            await c.put(`/vms/${id}`, { delete_protected: "false" });
            const del = await c.delete(`/vms/${id}`);
            assert.equal(del.status, 200);
            assert.equal(del.data.status, "complete");
            assert.equal((await c.get(`/vms/${id}`)).status, 404);
            const jobs = await c.get(`/jobs?search=${encodeURIComponent("correlation_id=vm-proxy-vm")}`);
            assert.equal(jobs.data.job[0].status, "finished");
        });

        it("refuses to start without a bootable disk, and refuses a suspended VM's removal", async () => {
            const r = await c.post("/vms", {
                name: "diskless",
                cluster: { id: SEED.ciCluster },
                template: { id: SEED.blank },
            });
            await waitStatus(c, `/vms/${r.data.id}`, "down");
            const st = await c.post(`/vms/${r.data.id}/start`, {});
            assert.equal(st.status, 409);
            assert.match(st.data.fault.detail, /^\[Cannot run VM without at least one bootable disk\.\nAlternatives:/);
            await raw(e).post("/__admin/mutate", { kind: "vms", id: r.data.id, set: { status: "suspended" } });
            const rm = await c.delete(`/vms/${r.data.id}`);
            assert.equal(rm.status, 409);
            assert.deepEqual(
                rm.data,
                failed("Cannot remove VM that its state is not down.\n-Please stop the VM first."),
            );
        });

        it("refuses operations on a locked VM and attaching disks while image_locked", async () => {
            const r = await proxyVm("locked-vm");
            await waitStatus(c, `/vms/${r.data.id}`, "down");
            await raw(e).post("/__admin/mutate", { kind: "vms", id: r.data.id, set: { status: "image_locked" } });
            const st = await c.post(`/vms/${r.data.id}/start`, {});
            assert.deepEqual(st.data, {
                status: "failed",
                fault: failed("Cannot run VM: VM is locked. Please try again in a few minutes."),
            });
            const da = await c.post(`/vms/${r.data.id}/diskattachments`, {
                interface: "virtio_scsi",
                bootable: "false",
                active: "true",
                disk: {
                    provisioned_size: String(1024 ** 3),
                    format: "cow",
                    storage_domains: { storage_domain: [{ id: SEED.nfs }] },
                },
            });
            assert.equal(da.status, 409);
            assert.deepEqual(da.data, failed("Cannot attach Virtual Disk because the VM is in Image Locked status."));
        });

        it("adds a new disk through a disk attachment: disk locked → ok", async () => {
            const r = await c.post("/vms", {
                name: "with-disk",
                cluster: { id: SEED.ciCluster },
                template: { id: SEED.blank },
            });
            await waitStatus(c, `/vms/${r.data.id}`, "down");
            const da = await c.post(`/vms/${r.data.id}/diskattachments`, {
                interface: "virtio_scsi",
                bootable: "true",
                active: "true",
                disk: {
                    name: "data",
                    provisioned_size: String(10 * 1024 ** 3),
                    format: "cow",
                    storage_domains: { storage_domain: [{ id: SEED.nfs }] },
                },
            });
            assert.equal(da.status, 201, JSON.stringify(da.data));
            await waitStatus(c, `/disks/${da.data.disk.id}`, "ok");
            assert.equal((await c.get(`/disks/${da.data.disk.id}`)).data.provisioned_size, String(10 * 1024 ** 3));
            assert.equal((await c.post(`/vms/${r.data.id}/start`, {})).status, 200);
        });

        it("enforcing negative affinity keeps two members off the only host", async () => {
            const a = await proxyVm("aff-a");
            const b = await proxyVm("aff-b");
            const g = await c.post(`/clusters/${SEED.ciCluster}/affinitygroups`, {
                name: "spread",
                priority: "1.0",
                vms_rule: { enabled: "true", positive: "false", enforcing: "true" },
            });
            assert.equal(g.status, 201);
            assert.equal(g.data.priority, 1);
            assert.equal(g.data.vms_rule.enforcing, "true");
            for (const v of [a, b]) {
                const m = await c.post(`/clusters/${SEED.ciCluster}/affinitygroups/${g.data.id}/vms`, {
                    id: v.data.id,
                });
                assert.equal(m.status, 200);
                assert.equal(m.data.id, v.data.id);
            }
            assert.equal(
                (await c.get(`/clusters/${SEED.ciCluster}/affinitygroups/${g.data.id}`)).data.vms.vm.length,
                2,
            );
            await waitStatus(c, `/vms/${a.data.id}`, "down");
            await waitStatus(c, `/vms/${b.data.id}`, "down");
            assert.equal((await c.post(`/vms/${a.data.id}/start`, {})).status, 200);
            const second = await c.post(`/vms/${b.data.id}/start`, {});
            assert.equal(second.status, 409);
            assert.match(second.data.fault.detail, /There is no host that satisfies current scheduling constraints/);
            assert.equal(
                (await c.delete(`/clusters/${SEED.ciCluster}/affinitygroups/${g.data.id}/vms/${b.data.id}`)).status,
                200,
            );
            assert.equal((await c.post(`/vms/${b.data.id}/start`, {})).status, 200);
            assert.equal((await c.delete(`/clusters/${SEED.ciCluster}/affinitygroups/${g.data.id}`)).status, 200);
        });

        it("tags and VM tags", async () => {
            const t = await c.post("/tags", { name: "ci", description: "CI" });
            const child = await c.post("/tags", { name: "ci-child", parent: { name: "ci" } });
            assert.equal(child.data.parent.id, t.data.id);
            const vm = await c.post("/vms", {
                name: "tagged",
                cluster: { id: SEED.ciCluster },
                template: { id: SEED.blank },
            });
            const vt = await c.post(`/vms/${vm.data.id}/tags`, { name: "ci" });
            assert.equal(vt.status, 201);
            assert.equal((await c.get(`/vms/${vm.data.id}/tags`)).data.tag[0].name, "ci");
            assert.equal((await c.get(`/vms?search=tag%3Dci`)).data.vm.length, 1);
            assert.equal((await c.delete(`/vms/${vm.data.id}/tags/${t.data.id}`)).status, 200);
            assert.deepEqual((await c.get(`/vms/${vm.data.id}/tags`)).data, {});
            assert.equal((await c.delete(`/tags/${t.data.id}`)).status, 200);
            assert.equal((await c.get(`/tags/${child.data.id}`)).status, 404);
        });

        it("templates: the seed has centos-7 (the CI proxy VM's template) with a bootable disk; a VM from it boots", async () => {
            const t = await c.get(`/templates?search=name%3Dcentos-7`);
            assert.equal(t.data.template.length, 1);
            const atts = (await c.get(`/templates/${t.data.template[0].id}/diskattachments`)).data.disk_attachment;
            assert.equal(atts.length, 1);
            assert.equal(atts[0].bootable, "true");
            const vm = await c.post("/vms", {
                name: "from-centos-7",
                cluster: { id: SEED.ciCluster },
                template: { name: "centos-7" },
            });
            assert.equal(vm.status, 201);
            await waitStatus(c, `/vms/${vm.data.id}`, "down");
            assert.equal((await c.post(`/vms/${vm.data.id}/start`, {})).status, 200);
            await waitStatus(c, `/vms/${vm.data.id}`, "up");
        });

        it("templates: Blank has the all-zero id; create from a VM locked → ok", async () => {
            const blank = await c.get(`/templates?search=name%3DBlank`);
            assert.equal(blank.data.template[0].id, SEED.blank);
            const vm = await proxyVm("tpl-src");
            await waitStatus(c, `/vms/${vm.data.id}`, "down");
            const t = await c.post("/templates", { name: "from-vm", vm: { id: vm.data.id } });
            assert.equal(t.status, 201);
            assert.equal(t.data.status, "locked");
            await waitStatus(c, `/templates/${t.data.id}`, "ok");
            assert.equal((await c.get(`/templates/${t.data.id}/diskattachments`)).data.disk_attachment.length, 1);
            const inUse = await c.post("/vms", {
                name: "child",
                cluster: { id: SEED.ciCluster },
                template: { id: t.data.id },
            });
            assert.equal(inUse.status, 201);
            assert.equal((await c.delete(`/templates/${t.data.id}`)).status, 409);
            assert.equal((await c.delete(`/templates/${SEED.blank}`)).status, 409);
        });
    });

    describe("events and jobs", () => {
        it("custom events: unique (origin, custom_id), origin oVirt refused, from/max/search, newest first", async () => {
            const all = await c.get("/events");
            assert.ok(all.data.event.length >= 1, "at least one event always exists");
            const marker = Number((await c.get("/events?max=1")).data.event[0].index);
            const ev = {
                description: "lease ovirt-12 acquired",
                severity: "normal",
                origin: "openshift-ci",
                custom_id: "4711",
                cluster: { id: SEED.ciCluster },
            };
            const r = await c.post("/events", ev);
            assert.equal(r.status, 201);
            assert.equal(r.data.custom_id, "4711");
            assert.equal(typeof r.data.time, "number");
            const dup = await c.post("/events", ev);
            assert.equal(dup.status, 400);
            assert.deepEqual(dup.data, {
                reason: "Operation Failed",
                detail: "[=Cannot add External Event. External Event with this custom id already exists.]",
            });
            const bad = await c.post("/events", { ...ev, origin: "OVIRT", custom_id: "1" });
            assert.equal(bad.status, 400);
            assert.equal(bad.data.detail, "[Cannot add External Event. Illegal Origin for External Event : OVIRT]");
            await c.post("/events", { ...ev, custom_id: "4712", severity: "warning" });
            const since = await c.get(`/events?from=${marker}`);
            assert.deepEqual(
                since.data.event.map((x: { custom_id: string }) => x.custom_id),
                ["4712", "4711"],
            );
            const s = await c.get(`/events?search=${encodeURIComponent("origin=openshift-ci and severity>normal")}`);
            assert.deepEqual(
                s.data.event.map((x: { custom_id: string }) => x.custom_id),
                ["4712"],
            );
            assert.equal(
                (await c.get(`/events?search=${encodeURIComponent("custom_event_id=4711")}`)).data.event.length,
                1,
            );
            const inc = await c.post("/events", { description: "x" });
            assert.equal(inc.data.reason, "Incomplete parameters");
        });

        it("engine events for state changes carry the correlation id; jobs search only by correlation_id", async () => {
            await c.post("/datacenters", { name: "corr-dc" }, { headers: { "Correlation-Id": "corr-1" } });
            const evs = await c.get(`/events?search=${encodeURIComponent("correlation_id=corr-1")}`);
            assert.equal(evs.data.event.length, 1);
            assert.equal(evs.data.event[0].correlation_id, "corr-1");
            const jobs = await c.get("/jobs?search=correlation_id%3Dcorr-1");
            assert.equal(jobs.data.job.length, 1);
            assert.equal(
                (await c.get(`/jobs/${jobs.data.job[0].id}`)).data.description,
                "Adding new Data Center corr-dc",
            );
            assert.equal((await c.get("/jobs?search=status%3Dfinished")).status, 400);
            assert.deepEqual((await c.get("/jobs?search=correlation_id%3Dnone")).data, {});
        });
    });
});
