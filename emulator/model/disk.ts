/**
 * Disks and disk attachments: a new disk added to a VM, an existing one attached or detached, a disk removed.
 * Sources (oVirt/ovirt-engine at 0111fc6, below backend/manager/modules/): statuses are
 * common/…/businessentities/storage/ImageStatus.java as restapi/types/…/DiskMapper.java `mapDiskStatus` names them
 * (Unassigned has no REST name); steps are the bll/storage/disk commands named in the table.
 */
import { EngineCore, jobOf } from "./core";
import type { Ctx, StepHandler } from "./core";
import { NotFound, conflict, incomplete, requireFields, texts } from "./errors";
import { EVENT } from "./events";
import { Obj, bool, enumValue, int, obj, ref, str, wrappedList } from "./input";
import { ClockStep, Lifecycle, accepts, isOneOf } from "./lifecycle";
import type { Disk, DiskAttachment, Job } from "./types";
import { VM_RUNNING } from "./vm";

const GiB = 1024 ** 3;

/** ImageStatus.java (without Unassigned), as DiskMapper names them. */
export const DISK_STATUSES = ["ok", "locked", "illegal"] as const;
export type DiskStatus = (typeof DISK_STATUSES)[number];

/** Disk formats: common/…/storage/VolumeFormat.java as the REST API names them (DiskFormat). */
export const DISK_FORMATS = ["cow", "raw"] as const;
/** Disk interfaces: common/…/storage/DiskInterface.java as the REST API names them. */
export const DISK_INTERFACES = ["virtio", "virtio_scsi", "ide", "sata", "spapr_vscsi"] as const;

/** Disk lifecycle: actions (no dot) and clock steps (`disk.…`, persisted in `State.pending`). */
export const DISK_LIFECYCLE = {
    copy: {
        to: "locked",
        source: "bll/AddVmCommand.java / AddVmTemplateCommand.java: the copied image is Locked until the copy ends (vm.created, template.ok)",
    },
    add: {
        to: "locked",
        job: "started",
        next: { op: "disk.ok", after: "diskCopy" },
        source: "bll/storage/disk/AddDiskCommand.java: Locked while the volume is created",
    },
    "disk.ok": { to: "ok", job: "finished", source: "AddDiskCommand.java endSuccessfully: OK" },
    attach: { from: ["ok", "illegal"], source: "bll/storage/disk/AttachDiskToVmCommand.java: not while Locked" },
    remove: { from: ["ok", "illegal"], source: "bll/storage/disk/RemoveDiskCommand.java: not while Locked" },
} as const satisfies Lifecycle<DiskStatus>;

const L = DISK_LIFECYCLE;

export abstract class DiskKind extends EngineCore {
    diskAttachment(owner: { diskAttachments: DiskAttachment[] }, diskId: string): DiskAttachment {
        const da = owner.diskAttachments.find((x) => x.diskId === diskId);
        if (!da) throw new NotFound(`disk attachment ${diskId}`);
        return da;
    }

    addDiskAttachment(vmId: string, b: Obj, ctx: Ctx): DiskAttachment {
        const vm = this.vm(vmId);
        const d = obj(b.disk);
        if (!d) throw incomplete("DiskAttachment", ["disk"]);
        const iface = enumValue(b.interface, "interface", DISK_INTERFACES);
        if (!iface) throw incomplete("DiskAttachment", ["interface"]);
        if (vm.status === "image_locked") throw conflict(texts.vmWrongState("attach", "Virtual Disk", vm.status));
        let disk: Disk;
        const job = this.startJob(`Attaching Disk to VM ${vm.name}`, ctx);
        if (str(d.id)) {
            disk = this.resolve(this.state.disks, { id: str(d.id) }, "Disk")!;
            if (vm.diskAttachments.some((x) => x.diskId === disk.id))
                throw conflict("Cannot attach Virtual Disk. The disk is already attached to VM.");
            if (disk.vmId && !disk.shareable)
                throw conflict(
                    `Cannot attach Virtual Disk. The disk is already attached to VM ${this.state.vms.find((v) => v.id === disk.vmId)?.name ?? disk.vmId}.`,
                );
            if (!accepts(L.attach, disk.status)) throw conflict(texts.disksLocked("attach", "Virtual Disk", disk.name));
            disk.vmId = vm.id;
            this.endJob(job.id);
        } else {
            const size = int(d.provisioned_size, "disk.provisioned_size", true);
            const format = enumValue(d.format, "disk.format", DISK_FORMATS);
            const sdRef = ref(wrappedList(d.storage_domains, "storage_domain")?.[0]);
            requireFields("DiskAttachment", {
                "disk.provisionedSize": size,
                "disk.format": format,
                "disk.storageDomains.id": sdRef,
            });
            const sd = this.resolve(this.state.storageDomains, sdRef, "StorageDomain")!;
            if (!sd.attachments.some((a) => a.status === "active"))
                throw conflict(texts.sdWrongState("add", sd.attachments[0]?.status ?? sd.status));
            disk = {
                id: this.newId(),
                name: str(d.name) ?? str(d.alias) ?? `${vm.name}_Disk${vm.diskAttachments.length + 1}`,
                description: str(d.description),
                status: L.add.to,
                provisionedSize: size!,
                actualSize: 0,
                totalSize: 0,
                format: format!,
                sparse: bool(d.sparse, "disk.sparse") ?? format === "cow",
                storageDomainId: sd.id,
                storageType: "image",
                shareable: bool(d.shareable, "disk.shareable") ?? false,
                wipeAfterDelete: false,
                contentType: "data",
                vmId: vm.id,
            };
            this.state.disks.push(disk);
            this.recordHistory(disk.id, disk.status);
            this.event(
                EVENT.diskAdded,
                "normal",
                `Add-Disk operation of '${disk.name}' was initiated by admin@internal-authz.`,
                { vmId: vm.id },
                ctx.correlationId,
            );
            this.scheduleNext(disk.id, L.add, this.flow(job, ctx));
        }
        const da: DiskAttachment = {
            diskId: disk.id,
            interface: iface,
            bootable: bool(b.bootable, "bootable") ?? false,
            active: bool(b.active, "active") ?? true,
            readOnly: bool(b.read_only, "read_only") ?? false,
        };
        if (da.bootable && vm.diskAttachments.some((x) => x.bootable)) {
            throw conflict("Cannot attach Virtual Disk. The VM already has a bootable disk.");
        }
        vm.diskAttachments.push(da);
        return da;
    }

    removeDiskAttachment(vmId: string, diskId: string, detachOnly: boolean, ctx: Ctx): Job {
        const vm = this.vm(vmId);
        const da = this.diskAttachment(vm, diskId);
        if (isOneOf(VM_RUNNING, vm.status) && da.active)
            throw conflict(texts.vmWrongState("detach", "Virtual Disk", vm.status));
        vm.diskAttachments = vm.diskAttachments.filter((x) => x.diskId !== diskId);
        if (detachOnly) {
            const d = this.state.disks.find((x) => x.id === diskId);
            if (d) d.vmId = undefined;
        } else this.state.disks = this.state.disks.filter((x) => x.id !== diskId);
        return this.doneJob(`Detaching Disk from VM ${vm.name}`, ctx);
    }

    removeDisk(id: string, ctx: Ctx): Job {
        const d = this.disk(id);
        if (!accepts(L.remove, d.status)) throw conflict(texts.disksLocked("remove", "Virtual Disk", d.name));
        if (d.templateId) throw conflict("Cannot remove Virtual Disk. The disk belongs to a Template.");
        const vm = this.state.vms.find((v) => v.id === d.vmId);
        if (vm && isOneOf(VM_RUNNING, vm.status))
            throw conflict(texts.vmWrongState("remove", "Virtual Disk", vm.status));
        if (vm) vm.diskAttachments = vm.diskAttachments.filter((x) => x.diskId !== id);
        this.state.disks = this.state.disks.filter((x) => x.id !== id);
        return this.doneJob(`Removing Disk ${d.name}`, ctx);
    }

    /** The disk's clock steps (DISK_LIFECYCLE). */
    protected diskSteps(): Record<ClockStep<typeof DISK_LIFECYCLE>, StepHandler> {
        return {
            "disk.ok": (id, a) => {
                const d = this.disk(id);
                this.setStatus(d, L["disk.ok"].to);
                d.actualSize = d.totalSize = Math.min(d.provisionedSize, 1 * GiB);
                this.endJob(jobOf(a));
            },
        };
    }
}
