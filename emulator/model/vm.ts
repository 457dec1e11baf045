/**
 * VMs and their NICs: add (from a template, copying its disks), update, start (scheduling on a host), stop, shutdown,
 * remove, the guest agent's report, and NICs. Sources (oVirt/ovirt-engine at 0111fc6, below
 * backend/manager/modules/): statuses are common/…/businessentities/VMStatus.java as restapi/types/…/VmMapper.java
 * names them (MigratingFrom and MigratingTo are both `migrating`); steps are the bll commands named in the table.
 */
import { EngineCore, correlationOf, jobOf } from "./core";
import type { ActionResult, Ctx, StepHandler } from "./core";
import { NotFound, badParameter, conflict, incomplete, requireFields, texts } from "./errors";
import { EVENT } from "./events";
import { Obj, bool, enumValue, int, obj, ref, str, wrappedList } from "./input";
import { ClockStep, Lifecycle, accepts, isOneOf } from "./lifecycle";
import { DISK_FORMATS, DISK_LIFECYCLE } from "./disk";
import type { Disk, Host, Initialization, Job, Nic, Vm, VmHardware } from "./types";

/** VMStatus.java, in its order, as VmMapper names them (ImageIllegal has no case in VmMapper; kept under the engine's name). */
export const VM_STATUSES = [
    "unassigned",
    "down",
    "up",
    "powering_up",
    "paused",
    "migrating",
    "unknown",
    "not_responding",
    "wait_for_launch",
    "reboot_in_progress",
    "saving_state",
    "restoring_state",
    "suspended",
    "image_illegal",
    "image_locked",
    "powering_down",
] as const;
export type VmStatus = (typeof VM_STATUSES)[number];

/** VMStatus.isNotRunning() (Down, Suspended, ImageLocked, ImageIllegal), and Unassigned. */
const VM_NOT_RUNNING: readonly VmStatus[] = ["unassigned", "down", "suspended", "image_locked", "image_illegal"];

/** VM statuses in which the VM runs on a host (also when the OVN provider allocates its ports: emulator/ovn/model.ts). */
export const VM_RUNNING: readonly VmStatus[] = VM_STATUSES.filter((s) => !VM_NOT_RUNNING.includes(s));

/** VM types and placement affinities: common/…/VmType.java, MigrationSupport.java as the REST API names them. */
export const VM_TYPES = ["desktop", "server", "high_performance"] as const;
export const VM_AFFINITIES = ["migratable", "user_migratable", "pinned"] as const;
/** NIC models: common/…/network/VmInterfaceType.java as the REST API names them (NicInterface). */
export const NIC_INTERFACES = ["virtio", "e1000", "rtl8139", "pci_passthrough", "spapr_vlan", "e1000e"] as const;

/**
 * `bios.type` of a VM: ovirt-engine common/…/businessentities/BiosType.java as the REST API names it
 * (ovirt-engine-api-model BiosType): cluster_default takes the cluster's.
 */
export const BIOS_TYPES = [
    "cluster_default",
    "i440fx_sea_bios",
    "q35_sea_bios",
    "q35_ovmf",
    "q35_secure_boot",
] as const;

/**
 * How many NICs a Q35 VM takes. The engine gives a Q35 VM `NumOfPciExpressPorts` PCIe root ports (16, ovirt-engine
 * packaging/dbscripts/upgrade/pre_upgrade/0000_config.sql; LibvirtVmXmlBuilder.writePciEControllers) and each
 * PCIe device (disk and SCSI controllers, virtio-serial, balloon, RNG, USB, video) takes one; with the template's
 * devices 8 are left for NICs: oVirt/ocp-on-ovirt commit 00d09ea moved the proxy VM to i440fx_sea_bios "to allow
 * more then 8 nics". An i440fx VM has a flat PCI bus of 32 slots (no such limit for 16 lease NICs).
 */
export const Q35_MAX_NICS = 8;

/** libvirt's refusal when no PCI slot is left (src/qemu/qemu_domain_address.c), as VDSM passes it to the engine. */
export const NO_PCI_SLOT = "internal error: No more available PCI slots";

/** VM lifecycle: actions (no dot) and clock steps (`vm.…`, persisted in `State.pending`). */
export const VM_LIFECYCLE = {
    add: {
        to: "image_locked",
        job: "started",
        next: { op: "vm.created", after: "diskCopy" },
        source: "bll/AddVmCommand.java: ImageLocked while the template's disks are copied (no disks: at once)",
    },
    "vm.created": { to: "down", job: "finished", source: "AddVmCommand.java endSuccessfully: Down, the disks OK" },
    start: {
        from: ["down", "suspended"],
        to: "wait_for_launch",
        job: "started",
        next: { op: "vm.poweringUp", after: "vmWaitForLaunch" },
        source: "bll/RunVmCommand.java (RunVmValidator): WaitForLaunch on the chosen host",
    },
    "vm.poweringUp": {
        to: "powering_up",
        next: { op: "vm.up", after: "vmPoweringUp" },
        source: "vdsbroker/…/monitoring/VmAnalyzer.java: the host reports PoweringUp",
    },
    "vm.up": {
        to: "up",
        job: "finished",
        next: { op: "vm.guestAgent", after: "vmGuestAgent" },
        source: "VmAnalyzer: Up (USER_RUN_VM)",
    },
    "vm.guestAgent": {
        from: ["up"],
        to: "up",
        source: "the guest agent's report (devices, addresses, FQDN) a while after Up; ignored once the VM is no longer up",
    },
    stop: {
        from: [...VM_RUNNING, "suspended"],
        job: "started",
        next: { op: "vm.down", after: "vmStop" },
        source: "bll/StopVmCommand.java (power off): the status stays until the host reports Down",
    },
    shutdown: {
        from: VM_RUNNING.filter((s) => s !== "powering_down"),
        to: "powering_down",
        job: "started",
        next: { op: "vm.down", after: "vmPoweringDown" },
        source: "bll/ShutdownVmCommand.java: PoweringDown until the guest is down",
    },
    "vm.down": { to: "down", job: "finished", source: "VmAnalyzer: Down (VM_DOWN)" },
    remove: {
        from: ["unassigned", "down", "image_illegal", "image_locked"],
        source: "bll/RemoveVmCommand.java validate (a Suspended VM gets its own text)",
    },
    makeTemplate: {
        from: ["down"],
        to: "image_locked",
        source: "bll/AddVmTemplateCommand.java: the source VM is ImageLocked",
    },
    templateMade: {
        from: ["image_locked"],
        to: "down",
        source: "AddVmTemplateCommand.java endSuccessfully: the VM back to Down",
    },
} as const satisfies Lifecycle<VmStatus>;

const L = VM_LIFECYCLE;

/** The hardware fields of a VM (a copy). */
export function hardwareOf(vm: VmHardware): VmHardware {
    const { memory, memoryGuaranteed, memoryMax, sockets, cores, threads } = vm;
    return { memory, memoryGuaranteed, memoryMax, sockets, cores, threads };
}

export abstract class VmKind extends EngineCore {
    protected readInitialization(v: unknown): Initialization | undefined {
        const i = obj(v);
        if (!i) return undefined;
        const nics = wrappedList(i.nic_configurations, "nic_configuration")?.map((x) => {
            const n = obj(x) ?? {};
            const ip = obj(n.ip);
            return {
                name: str(n.name),
                onBoot: bool(n.on_boot, "on_boot"),
                bootProtocol: str(n.boot_protocol)?.toLowerCase(),
                ip: ip
                    ? {
                          address: str(ip.address),
                          netmask: str(ip.netmask),
                          gateway: str(ip.gateway),
                          version: str(ip.version)?.toLowerCase(),
                      }
                    : undefined,
            };
        });
        return {
            hostName: str(i.host_name),
            customScript: str(i.custom_script),
            userName: str(i.user_name),
            rootPassword: str(i.root_password),
            authorizedSshKeys: str(i.authorized_ssh_keys),
            dnsServers: str(i.dns_servers),
            dnsSearch: str(i.dns_search),
            timezone: str(i.timezone),
            regenerateSshKeys: bool(i.regenerate_ssh_keys, "regenerate_ssh_keys"),
            nicConfigurations: nics,
            cloudInitNetworkProtocol: str(i.cloud_init_network_protocol),
        };
    }

    protected applyVmFields(vm: Vm, b: Obj): void {
        vm.description = b.description !== undefined ? str(b.description) : vm.description;
        vm.comment = b.comment !== undefined ? str(b.comment) : vm.comment;
        const mem = int(b.memory, "memory", true);
        if (mem !== undefined) {
            if (mem <= 0) throw badParameter("Cannot update VM. Memory size must be greater than zero.");
            vm.memory = mem;
            vm.memoryGuaranteed = Math.min(vm.memoryGuaranteed, mem);
            vm.memoryMax = Math.max(vm.memoryMax, mem);
        }
        const mp = obj(b.memory_policy);
        if (mp) {
            vm.memoryGuaranteed = int(mp.guaranteed, "memory_policy.guaranteed", true) ?? vm.memoryGuaranteed;
            vm.memoryMax = int(mp.max, "memory_policy.max", true) ?? vm.memoryMax;
            vm.ballooning = bool(mp.ballooning, "memory_policy.ballooning") ?? vm.ballooning;
        }
        const topo = obj(obj(b.cpu)?.topology);
        if (topo) {
            vm.sockets = int(topo.sockets, "cpu.topology.sockets") ?? vm.sockets;
            vm.cores = int(topo.cores, "cpu.topology.cores") ?? vm.cores;
            vm.threads = int(topo.threads, "cpu.topology.threads") ?? vm.threads;
        }
        vm.cpuMode = str(obj(b.cpu)?.mode) ?? vm.cpuMode;
        const os = obj(b.os);
        if (os) {
            vm.osType = str(os.type) ?? vm.osType;
            const devs = wrappedList(obj(os.boot)?.devices, "device");
            if (devs) vm.bootDevices = devs.map((d) => String(d).toLowerCase());
        }
        vm.type = enumValue(b.type, "type", VM_TYPES) ?? vm.type;
        vm.biosType = enumValue(obj(b.bios)?.type, "bios.type", BIOS_TYPES) ?? vm.biosType;
        const ha = obj(b.high_availability);
        if (ha) {
            vm.highAvailability = bool(ha.enabled, "high_availability.enabled") ?? vm.highAvailability;
            vm.haPriority = int(ha.priority, "high_availability.priority") ?? vm.haPriority;
        }
        vm.deleteProtected = bool(b.delete_protected, "delete_protected") ?? vm.deleteProtected;
        vm.stateless = bool(b.stateless, "stateless") ?? vm.stateless;
        const pp = obj(b.placement_policy);
        if (pp) {
            vm.placementAffinity =
                enumValue(pp.affinity, "placement_policy.affinity", VM_AFFINITIES) ?? vm.placementAffinity;
            const hosts = wrappedList(pp.hosts, "host");
            if (hosts) vm.placementHostIds = hosts.map((h) => this.resolve(this.state.hosts, ref(h), "Host")!.id);
        }
        const init = this.readInitialization(b.initialization);
        if (init) vm.initialization = init;
    }

    addVm(b: Obj, ctx: Ctx): Vm {
        const name = str(b.name);
        const cRef = ref(b.cluster);
        const tRef = ref(b.template);
        requireFields("Vm", { name, "cluster.id|name": cRef, "template.id|name": tRef });
        if (name!.length > 255 || !/^[\w.\-+]+$/u.test(name!)) {
            throw badParameter(
                "Cannot add VM. The given name contains special characters. Only lower-case and upper-case letters, numbers, '_', '-', '.' are allowed.",
            );
        }
        const cluster = this.resolve(this.state.clusters, cRef, "Cluster")!;
        const tpl = this.resolve(this.state.templates, tRef, "Template")!;
        this.assertNameFree(this.state.vms, name!, "add", "VM");
        if (tpl.status === "locked") throw conflict(texts.locked("add", "VM"));
        const t = this.now();
        const vm: Vm = {
            id: this.newId(),
            name: name!,
            clusterId: cluster.id,
            templateId: tpl.id,
            status: L.add.to,
            memory: tpl.memory,
            memoryGuaranteed: tpl.memory,
            memoryMax: tpl.memory * 4,
            ballooning: true,
            sockets: tpl.sockets,
            cores: tpl.cores,
            threads: tpl.threads,
            osType: tpl.osType,
            bootDevices: [...tpl.bootDevices],
            type: tpl.type,
            highAvailability: tpl.highAvailability,
            haPriority: 0,
            deleteProtected: false,
            stateless: tpl.stateless,
            placementAffinity: "migratable",
            placementHostIds: [],
            initialized: false,
            nics: [],
            diskAttachments: [],
            tagIds: [],
            creationTime: t,
            guestDevices: [],
            runOnce: false,
        };
        const memGiven = b.memory !== undefined;
        this.applyVmFields(vm, b);
        if (memGiven && !obj(b.memory_policy)) {
            vm.memoryGuaranteed = vm.memory;
            vm.memoryMax = vm.memory * 4;
        }
        const overrides = wrappedList(b.disk_attachments, "disk_attachment") ?? [];
        const job = this.startJob(`Creating VM ${vm.name} from Template ${tpl.name} in Cluster ${cluster.name}`, ctx);
        for (const da of tpl.diskAttachments) {
            const src = this.state.disks.find((d) => d.id === da.diskId);
            if (!src) continue;
            const ov = overrides.map(obj).find((o) => str(obj(o?.disk)?.id) === src.id);
            const ovDisk = obj(ov?.disk);
            const sdRef = ref(wrappedList(ovDisk?.storage_domains, "storage_domain")?.[0]);
            const sd = sdRef ? this.resolve(this.state.storageDomains, sdRef, "StorageDomain")! : undefined;
            const copy: Disk = {
                ...src,
                id: this.newId(),
                name: src.name.replace(tpl.name, vm.name),
                status: DISK_LIFECYCLE.copy.to,
                templateId: undefined,
                vmId: vm.id,
                storageDomainId: sd?.id ?? src.storageDomainId,
                format: enumValue(ovDisk?.format, "disk.format", DISK_FORMATS) ?? src.format,
            };
            this.state.disks.push(copy);
            vm.diskAttachments.push({ ...da, diskId: copy.id });
        }
        this.state.vms.push(vm);
        this.recordHistory(vm.id, vm.status);
        this.event(
            EVENT.vmAdded,
            "normal",
            `VM ${vm.name} creation was initiated by admin@internal-authz.`,
            { vmId: vm.id, clusterId: cluster.id },
            ctx.correlationId,
        );
        // no disks to copy: created at once
        this.schedule(
            vm.diskAttachments.length ? this.latency[L.add.next.after] : 0,
            L.add.next.op,
            vm.id,
            this.flow(job, ctx),
        );
        return vm;
    }

    /**
     * `PUT /vms/{id}[?next_run=true]`. Hardware of a running VM follows bll/UpdateVmCommand.java (ovirt-engine
     * 0111fc6): with `next_run=true` (`applyChangesLater`, restapi BackendVmResource.java) every hardware change goes
     * to the next-run configuration; without it, on an Up VM, a memory increase is hot plugged and a change of the
     * socket count alone is hot set (`updateCurrentMemory`, `hotSetCpus`; VmCommonUtils.java), and what cannot be
     * (a decrease, max memory, cores or threads per socket) goes to the next-run configuration
     * (`isRunningConfigurationNeeded` → `createNextRunSnapshot`), applied when the VM is next down. Other fields
     * apply at once, as before.
     */
    updateVm(id: string, b: Obj, ctx: Ctx, nextRun = false): Vm {
        const vm = this.vm(id);
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("update", "VM"));
        const name = str(b.name);
        if (name && name !== vm.name) {
            this.assertNameFree(this.state.vms, name, "update", "VM", id);
            vm.name = name;
        }
        const before = hardwareOf(vm);
        this.applyVmFields(vm, b);
        if (isOneOf(VM_RUNNING, vm.status)) {
            const asked = hardwareOf(vm);
            const wanted: VmHardware = { ...(vm.nextRun ?? before) };
            for (const k of Object.keys(asked) as (keyof VmHardware)[])
                if (asked[k] !== before[k]) wanted[k] = asked[k];
            Object.assign(vm, before);
            if (!nextRun && vm.status === "up") this.hotSet(vm, wanted, ctx);
            const now = hardwareOf(vm);
            vm.nextRun = (Object.keys(now) as (keyof VmHardware)[]).some((k) => now[k] !== wanted[k])
                ? wanted
                : undefined;
        }
        this.doneJob(`Editing VM ${vm.name} properties`, ctx);
        this.dirty = true;
        return vm;
    }

    /** Hot plug of memory and hot set of CPUs on an Up VM (UpdateVmCommand.java validate and execute). */
    private hotSet(vm: Vm, wanted: VmHardware, ctx: Ctx): void {
        const MiB = 1024 * 1024;
        const addedMiB = (wanted.memory - vm.memory) / MiB;
        if (addedMiB !== 0 && vm.nextRun && vm.nextRun.memory !== wanted.memory && vm.nextRun.memory !== vm.memory)
            throw conflict("Cannot hot change memory because memory next run configuration already exists.");
        if (addedMiB > 0) {
            // ArchitectureType.java: HOTPLUG_MEMORY_FACTOR_X86_MB = 128
            if (addedMiB % 128 !== 0)
                throw conflict(`Cannot edit VM. Amount of added memory (${addedMiB}MiB) is not dividable by 128MiB.`);
            if (wanted.memory > vm.memoryMax)
                throw conflict(
                    `Cannot edit VM. Memory size (${wanted.memory / MiB}MB) cannot exceed maximum memory size (${vm.memoryMax / MiB}MB).`,
                );
            this.event(
                EVENT.vmHotSetMemory,
                "normal",
                `Hotset memory: changed the amount of memory on VM ${vm.name} from ${vm.memory / MiB} to ${wanted.memory / MiB}`,
                { vmId: vm.id },
                ctx.correlationId,
            );
            vm.memory = wanted.memory;
        }
        if (wanted.sockets !== vm.sockets && wanted.cores === vm.cores && wanted.threads === vm.threads) {
            const cpus = (h: VmHardware) => h.sockets * h.cores * h.threads;
            this.event(
                EVENT.vmHotSetCpus,
                "normal",
                `Hotplug CPU: changed the number of CPUs on VM ${vm.name} from ${cpus(vm)} to ${cpus(wanted)}`,
                { vmId: vm.id },
                ctx.correlationId,
            );
            vm.sockets = wanted.sockets;
        }
    }

    protected bootable(vm: Vm): boolean {
        if (!vm.bootDevices.every((d) => d === "hd")) return true;
        return vm.diskAttachments.some((da) => da.bootable && da.active);
    }

    protected pickHost(vm: Vm): Host {
        const hosts = this.state.hosts.filter((h) => h.clusterId === vm.clusterId && h.status === "up");
        let cands =
            vm.placementAffinity === "pinned" && vm.placementHostIds.length
                ? hosts.filter((h) => vm.placementHostIds.includes(h.id))
                : hosts;
        const reasons: string[] = [];
        for (const g of this.state.affinityGroups.filter(
            (x) => x.clusterId === vm.clusterId && x.vmIds.includes(vm.id) && x.vmsRule.enabled && x.vmsRule.enforcing,
        )) {
            const peers = this.state.vms.filter(
                (v) => v.id !== vm.id && g.vmIds.includes(v.id) && v.hostId && isOneOf(VM_RUNNING, v.status),
            );
            const peerHosts = new Set(peers.map((p) => p.hostId!));
            const before = cands.length;
            cands = g.vmsRule.positive
                ? peerHosts.size
                    ? cands.filter((h) => peerHosts.has(h.id))
                    : cands
                : cands.filter((h) => !peerHosts.has(h.id));
            if (cands.length < before)
                reasons.push(
                    `The host did not satisfy internal filter VmAffinityGroups because it did not match positive or negative affinity rules of group ${g.name}.`,
                );
        }
        if (!cands.length) {
            const why = hosts.length
                ? reasons.join(", ") || "The host did not satisfy internal filter PinToHost."
                : "There are no hosts to use. Check that the cluster contains at least one host in Up state.";
            throw conflict(
                `Cannot run VM. There is no host that satisfies current scheduling constraints. See below for details:, ${why}`,
            );
        }
        // least loaded host first
        const load = (h: Host) =>
            this.state.vms.filter((v) => v.hostId === h.id && isOneOf(VM_RUNNING, v.status)).length;
        return [...cands].sort((a, b2) => load(a) - load(b2))[0];
    }

    startVm(id: string, b: Obj, ctx: Ctx): ActionResult {
        const vm = this.vm(id);
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("run", "VM"));
        const locked = vm.diskAttachments
            .map((da) => this.state.disks.find((d) => d.id === da.diskId))
            .filter((d) => d?.status === DISK_LIFECYCLE.copy.to);
        if (locked.length) throw conflict(texts.disksLocked("run", "VM", locked.map((d) => d!.name).join(", ")));
        if (isOneOf(VM_RUNNING, vm.status)) throw conflict(texts.vmRunning("run"));
        if (!accepts(L.start, vm.status)) throw conflict(texts.vmWrongState("run", "VM", vm.status));
        if (!this.bootable(vm)) throw conflict(texts.noBootableDisk);
        this.assertPciSlot(vm, 0);
        const host = this.pickHost(vm);
        const runInit = this.readInitialization(obj(b.vm)?.initialization);
        const useCloudInit = bool(b.use_cloud_init, "use_cloud_init") ?? false;
        vm.runOnce = !!runInit || useCloudInit;
        if (runInit)
            vm.initialization = {
                ...(vm.initialization ?? {}),
                ...Object.fromEntries(Object.entries(runInit).filter(([, v]) => v !== undefined)),
            };
        const job = this.startJob(`Launching VM ${vm.name}`, ctx);
        vm.hostId = host.id;
        this.event(
            EVENT.vmStarted,
            "normal",
            `VM ${vm.name} was started by admin@internal-authz (Host: ${host.name}).`,
            { vmId: vm.id, hostId: host.id },
            ctx.correlationId,
        );
        this.advance(vm, L.start, this.flow(job, ctx));
        return { job };
    }

    stopVm(id: string, ctx: Ctx): ActionResult {
        const vm = this.vm(id);
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("stop", "VM"));
        if (!accepts(L.stop, vm.status)) throw conflict(texts.vmNotRunning("stop"));
        const job = this.startJob(`Stopping VM ${vm.name}`, ctx);
        this.cancelPending(vm.id);
        this.event(
            EVENT.vmStopped,
            "normal",
            `VM ${vm.name} powered off by admin@internal-authz (Host: ${this.hostName(vm.hostId)}).`,
            { vmId: vm.id },
            ctx.correlationId,
        );
        this.scheduleNext(vm.id, L.stop, this.flow(job, ctx, { reason: "stop" }));
        return { job };
    }

    shutdownVm(id: string, ctx: Ctx): ActionResult {
        const vm = this.vm(id);
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("shutdown", "VM"));
        if (vm.status === "powering_down") throw conflict(texts.vmWrongState("shutdown", "VM", vm.status));
        if (!accepts(L.shutdown, vm.status)) throw conflict(texts.vmNotRunning("shutdown"));
        const job = this.startJob(`Shutting down VM ${vm.name}`, ctx);
        this.cancelPending(vm.id);
        this.event(
            EVENT.vmShutdown,
            "normal",
            `VM shutdown initiated by admin@internal-authz on VM ${vm.name} (Host: ${this.hostName(vm.hostId)}).`,
            { vmId: vm.id },
            ctx.correlationId,
        );
        this.advance(vm, L.shutdown, this.flow(job, ctx, { reason: "shutdown" }));
        return { job };
    }

    removeVm(id: string, q: { detachOnly: boolean }, ctx: Ctx): Job {
        const vm = this.vm(id);
        // RemoveVmCommand.validate(): delete protection before the status
        if (vm.deleteProtected) throw conflict(texts.deleteProtected("remove", "VM"));
        if (vm.status === "suspended") throw conflict(texts.vmNotDown);
        if (!accepts(L.remove, vm.status)) throw conflict(texts.vmRunning("remove"));
        this.cancelPending(vm.id);
        this.state.vms = this.state.vms.filter((x) => x.id !== id);
        const diskIds = vm.diskAttachments.map((d) => d.diskId);
        if (q.detachOnly)
            for (const d of this.state.disks) {
                if (d.vmId === id) d.vmId = undefined;
            }
        else this.state.disks = this.state.disks.filter((d) => !diskIds.includes(d.id));
        for (const g of this.state.affinityGroups) g.vmIds = g.vmIds.filter((x) => x !== id);
        this.event(EVENT.vmRemoved, "normal", `VM ${vm.name} was successfully removed.`, {}, ctx.correlationId);
        return this.doneJob(`Removing VM ${vm.name} from system`, ctx);
    }

    // NICs

    nic(vmId: string, nicId: string): Nic {
        const n = this.vm(vmId).nics.find((x) => x.id === nicId);
        if (!n) throw new NotFound(`nic ${nicId}`);
        return n;
    }

    protected nextMac(): string {
        const n = this.state.counters.mac++;
        const bytes = [0x56, 0x6f, 0x1a, 0x61, (n >> 8) & 0xff, n & 0xff];
        return bytes.map((x) => x.toString(16).padStart(2, "0")).join(":");
    }

    addNic(vmId: string, b: Obj, ctx: Ctx): Nic {
        const vm = this.vm(vmId);
        const name = str(b.name);
        if (!name) throw incomplete("Nic", ["name"]);
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("add", "Interface"));
        if (vm.nics.some((n) => n.name === name)) throw conflict(texts.nicNameInUse);
        const dcId = this.clusterDc(vm.clusterId);
        const pRef = ref(b.vnic_profile);
        const profile = pRef ? this.resolve(this.state.vnicProfiles, pRef, "VnicProfile")! : undefined;
        if (profile && this.network(profile.networkId).dataCenterId !== dcId) {
            throw conflict("Cannot add Interface. The Network does not exist in the Data Center of the VM.");
        }
        const mac = str(obj(b.mac)?.address)?.toLowerCase() ?? this.nextMac();
        if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac))
            throw badParameter("Cannot add Interface. MAC address format is invalid.");
        if (this.state.vms.some((v) => v.nics.some((n) => n.mac === mac)))
            throw conflict("Cannot add Interface. The MAC address is already in use.");
        const plugged = bool(b.plugged, "plugged") ?? true;
        if (plugged && isOneOf(VM_RUNNING, vm.status)) this.assertPciSlot(vm, 1);
        const nic: Nic = {
            id: this.newId(),
            name,
            interface: enumValue(b.interface, "interface", NIC_INTERFACES) ?? "virtio",
            mac,
            plugged,
            linked: bool(b.linked, "linked") ?? true,
            vnicProfileId: profile?.id,
        };
        vm.nics.push(nic);
        if (accepts(L["vm.guestAgent"], vm.status)) this.scheduleNext(vm.id, L["vm.up"]); // the agent reports the new NIC
        this.event(
            EVENT.nicAdded,
            "normal",
            `Interface ${nic.name} (VirtIO) was added to VM ${vm.name}.`,
            { vmId: vm.id },
            ctx.correlationId,
        );
        this.doneJob(`Adding Network Interface ${nic.name} to VM ${vm.name}`, ctx);
        return nic;
    }

    /** The chipset the VM runs with: its own BIOS type, else its cluster's. */
    vmBiosType(vm: Vm): string {
        const own = vm.biosType ?? "cluster_default";
        return own === "cluster_default"
            ? (this.state.clusters.find((c) => c.id === vm.clusterId)?.biosType ?? "q35_ovmf")
            : own;
    }

    /**
     * Refuses a start or a NIC hot plug that leaves a Q35 VM more plugged NICs than its PCIe root ports hold
     * (Q35_MAX_NICS): the engine passes libvirt's error on (a 400 "Operation Failed" as every VDSM failure).
     */
    protected assertPciSlot(vm: Vm, adding: number): void {
        if (!this.vmBiosType(vm).startsWith("q35")) return;
        const nics = vm.nics.filter((n) => n.plugged).length + adding;
        if (nics > Q35_MAX_NICS) throw badParameter(NO_PCI_SLOT);
    }

    updateNic(vmId: string, nicId: string, b: Obj, ctx: Ctx): Nic {
        const vm = this.vm(vmId);
        const nic = this.nic(vmId, nicId);
        const name = str(b.name);
        if (name && name !== nic.name) {
            if (vm.nics.some((n) => n.name === name)) throw conflict(texts.nicNameInUse);
            nic.name = name;
        }
        const pRef = ref(b.vnic_profile);
        if (pRef) nic.vnicProfileId = this.resolve(this.state.vnicProfiles, pRef, "VnicProfile")!.id;
        nic.linked = bool(b.linked, "linked") ?? nic.linked;
        nic.plugged = bool(b.plugged, "plugged") ?? nic.plugged;
        this.doneJob(`Updating Network Interface ${nic.name} of VM ${vm.name}`, ctx);
        this.dirty = true;
        return nic;
    }

    removeNic(vmId: string, nicId: string, ctx: Ctx): Job {
        const vm = this.vm(vmId);
        const nic = this.nic(vmId, nicId);
        if (isOneOf(VM_RUNNING, vm.status) && nic.plugged) {
            throw conflict(
                "Cannot remove Interface. The interface is plugged into a running VM. Please unplug it first.",
            );
        }
        vm.nics = vm.nics.filter((n) => n.id !== nicId);
        vm.guestDevices = vm.guestDevices.filter((g) => g.mac !== nic.mac);
        return this.doneJob(`Removing Network Interface ${nic.name} from VM ${vm.name}`, ctx);
    }

    /** The VM's clock steps (VM_LIFECYCLE). */
    protected vmSteps(): Record<ClockStep<typeof VM_LIFECYCLE>, StepHandler> {
        return {
            "vm.created": (id, a) => {
                const vm = this.vm(id);
                for (const da of vm.diskAttachments) {
                    const d = this.state.disks.find((x) => x.id === da.diskId);
                    if (d && d.status === DISK_LIFECYCLE.copy.to) d.status = DISK_LIFECYCLE["disk.ok"].to;
                }
                this.setStatus(vm, L["vm.created"].to);
                this.event(
                    EVENT.vmAddFinished,
                    "normal",
                    `VM ${vm.name} creation has been completed.`,
                    { vmId: id },
                    correlationOf(a),
                );
                this.endJob(jobOf(a));
            },
            "vm.poweringUp": (id, a) => {
                this.advance(this.vm(id), L["vm.poweringUp"], a);
            },
            "vm.up": (id, a) => {
                const vm = this.vm(id);
                this.setStatus(vm, L["vm.up"].to);
                vm.startTime = this.now();
                vm.initialized = true;
                this.event(
                    EVENT.vmUp,
                    "normal",
                    `VM ${vm.name} started on Host ${this.hostName(vm.hostId)}`,
                    { vmId: id, hostId: vm.hostId },
                    correlationOf(a),
                );
                this.endJob(jobOf(a));
                this.scheduleNext(id, L["vm.up"]);
            },
            "vm.guestAgent": (id) => {
                const vm = this.vm(id);
                if (!accepts(L["vm.guestAgent"], vm.status)) return;
                vm.fqdn = vm.initialization?.hostName ?? vm.name;
                vm.guestDevices = vm.nics
                    .filter((n) => n.plugged && n.linked)
                    .map((n, i) => ({
                        name: `eth${i}`,
                        mac: n.mac,
                        ips: [{ address: this.guestIp(vm, n, i), version: "v4" }],
                    }));
            },
            "vm.down": (id, a) => {
                const vm = this.vm(id);
                this.setStatus(vm, L["vm.down"].to);
                vm.stopTime = this.now();
                vm.stopReason = typeof a.reason === "string" ? a.reason : undefined;
                vm.hostId = undefined;
                vm.guestDevices = [];
                vm.fqdn = undefined;
                vm.startTime = undefined;
                vm.runOnce = false;
                if (vm.nextRun) Object.assign(vm, vm.nextRun); // the next-run configuration applies from now on
                vm.nextRun = undefined;
                this.event(
                    EVENT.vmDown,
                    "normal",
                    `VM ${vm.name} is down. Exit message: User shut down from within the guest`,
                    { vmId: id },
                    correlationOf(a),
                );
                this.endJob(jobOf(a));
            },
        };
    }

    /**
     * The guest's address on a NIC: the static address from cloud-init if any; on a CI lease network
     * (`ovn-vmnet-N` / `ovirtN`) an address from the proxy's DHCP range 192.168.(200+N).101-150; else 10.x.
     */
    protected guestIp(vm: Vm, nic: Nic, idx: number): string {
        const cfg = vm.initialization?.nicConfigurations?.find((c) => c.name === `eth${idx}` || c.name === nic.name);
        if (cfg?.bootProtocol === "static" && cfg.ip?.address) return cfg.ip.address;
        const profile = this.state.vnicProfiles.find((p) => p.id === nic.vnicProfileId);
        const net = profile ? this.state.networks.find((n) => n.id === profile.networkId) : undefined;
        const lease = net ? /(\d+)$/.exec(net.name) : null;
        const h = parseInt(nic.mac.replace(/:/g, "").slice(-4), 16);
        if (net?.externalProviderId && lease) return `192.168.${200 + Number(lease[1])}.${101 + (h % 50)}`;
        return `10.${(h >> 8) & 0xff}.${h & 0xff}.${10 + idx}`;
    }
}
