/**
 * Storage domains: create, update, remove/destroy, and per data center attach, activate, deactivate (maintenance) and
 * detach. Sources (oVirt/ovirt-engine at 0111fc6, below backend/manager/modules/): statuses are
 * common/…/businessentities/StorageDomainStatus.java as restapi/types/…/StorageDomainMapper.java names them
 * (Uninitialized has no REST name and is not modelled); steps are the bll/storage commands named in the table. The
 * status of an attached domain is per data center (the engine's storage_pool_iso_map); the domain's own `status` is
 * shown only while unattached.
 */
import { EngineCore, correlationOf, jobOf } from "./core";
import type { ActionResult, Ctx, StepHandler } from "./core";
import {
    EngineFault,
    NotFound,
    badParameter,
    conflict,
    entityNotFound,
    incomplete,
    statusWords,
    requireFields,
    texts,
} from "./errors";
import { EVENT } from "./events";
import { Obj, bool, enumValue, inRange, int, obj, ref, str } from "./input";
import { ClockStep, Lifecycle, Step, accepts, isOneOf } from "./lifecycle";
import { STORAGE_FORMATS } from "./dataCenter";
import type { Attachment, Job, StorageDomain } from "./types";
import { VM_RUNNING } from "./vm";
import { isUuid } from "../../lib/uuid";

const GiB = 1024 ** 3;

/** StorageDomainStatus.java, in its order, as StorageDomainMapper names them. */
export const STORAGE_DOMAIN_STATUSES = [
    "unknown",
    "unattached",
    "active",
    "inactive",
    "locked",
    "maintenance",
    "preparing_for_maintenance",
    "detaching",
    "activating",
] as const;
export type StorageDomainStatus = (typeof STORAGE_DOMAIN_STATUSES)[number];

/** Storage domain types: common/…/StorageDomainType.java as the REST API names them. */
export const STORAGE_DOMAIN_TYPES = ["data", "iso", "export", "image", "volume", "managed_block_storage"] as const;
/** Storage types: common/…/storage/StorageType.java as the REST API names them. */
export const STORAGE_TYPES = [
    "iscsi",
    "fcp",
    "nfs",
    "localfs",
    "posixfs",
    "glusterfs",
    "glance",
    "cinder",
    "managed_block_storage",
] as const;
/** NFS versions: common/…/NfsVersion.java as the REST API names them. */
export const NFS_VERSIONS = ["auto", "v3", "v4", "v4_0", "v4_1", "v4_2"] as const;

/** A domain busy with a flow of its own in a data center: activate, deactivate and detach are refused as locked. */
export const STORAGE_DOMAIN_BUSY: readonly StorageDomainStatus[] = ["locked", "activating", "detaching"];

/** Storage domain lifecycle: actions (no dot) and clock steps (`sd.…`, persisted in `State.pending`). */
export const STORAGE_DOMAIN_LIFECYCLE = {
    add: {
        to: "unattached",
        job: "done at once",
        source: "bll/storage/domain/AddNFSStorageDomainCommand.java (AddStorageDomainCommand): created within the call (sdCreate)",
    },
    attach: {
        to: "locked",
        job: "started",
        next: { op: "sd.attach.maintenance", after: "sdLocked" },
        source: "bll/storage/domain/AttachStorageDomainToPoolCommand.java: the pool map is Locked while connecting",
    },
    "sd.attach.maintenance": {
        to: "maintenance",
        next: { op: "sd.activating", after: "sdMaintenanceToActivating" },
        source: "AttachStorageDomainToPoolCommand.java: Maintenance once attached, then activated (activate=true by default)",
    },
    "sd.activating": {
        to: "activating",
        next: { op: "sd.active", after: "sdActivating" },
        source: "bll/storage/domain/ActivateStorageDomainCommand.java: Activating",
    },
    activate: {
        from: ["inactive", "unknown", "maintenance", "preparing_for_maintenance"],
        to: "activating",
        job: "started",
        next: { op: "sd.active", after: "sdActivating" },
        source: "bll/storage/domain/ActivateStorageDomainCommand.java (StorageDomainValidator: not in process)",
    },
    "sd.active": {
        to: "active",
        job: "finished",
        source: "ActivateStorageDomainCommand.java: Active; the first active data domain of the pool becomes its master",
    },
    deactivate: {
        from: ["active", "inactive", "unknown"],
        to: "locked",
        job: "started",
        next: { op: "sd.preparing", after: "sdLocked" },
        source: "bll/storage/domain/DeactivateStorageDomainCommand.java: Locked while the OVF store is updated",
    },
    "sd.preparing": {
        to: "preparing_for_maintenance",
        next: { op: "sd.maintenance", after: "sdPreparingForMaintenance" },
        source: "DeactivateStorageDomainCommand.java: PreparingForMaintenance",
    },
    "sd.maintenance": {
        to: "maintenance",
        job: "finished",
        source: "DeactivateStorageDomainCommand.java: Maintenance; a master hands the role to another active data domain",
    },
    detach: {
        from: ["maintenance"],
        to: "detaching",
        job: "started",
        next: { op: "sd.detached", after: "sdDetaching" },
        source: "bll/storage/domain/DetachStorageDomainFromPoolCommand.java: Detaching",
    },
    "sd.detached": {
        to: "unattached",
        job: "finished",
        source: "DetachStorageDomainFromPoolCommand.java: the pool map is removed; unattached when no pool is left",
    },
    destroy: {
        from: ["maintenance", "unknown", "inactive"],
        source: "bll/storage/domain/ForceRemoveStorageDomainCommand.java (`destroy=true`): every attachment in one of these",
    },
    remove: {
        from: ["unattached"],
        source: "bll/storage/domain/RemoveStorageDomainCommand.java: only an unattached domain",
    },
} as const satisfies Lifecycle<StorageDomainStatus>;

const L = STORAGE_DOMAIN_LIFECYCLE;

export abstract class StorageDomainKind extends EngineCore {
    /** The domain's attachment to data center `dcId` (its per-data-center status). */
    attachmentOf(sd: StorageDomain, dcId: string): Attachment {
        const a = sd.attachments.find((x) => x.dataCenterId === dcId);
        if (!a) throw new NotFound(`storage domain ${sd.id} in data center ${dcId}`);
        return a;
    }

    async addStorageDomain(b: Obj, ctx: Ctx): Promise<StorageDomain> {
        const name = str(b.name);
        const type = enumValue(b.type, "type", STORAGE_DOMAIN_TYPES);
        const storage = obj(b.storage);
        const stype = enumValue(storage?.type, "storage.type", STORAGE_TYPES);
        const hRef = ref(b.host);
        const nfsTimeo = int(storage?.nfs_timeo, "storage.nfs_timeo");
        const nfsRetrans = int(storage?.nfs_retrans, "storage.nfs_retrans");
        requireFields("StorageDomain", { type, "storage.type": stype, "host.id|name": hRef });
        inRange(nfsTimeo, "nfs_timeio", 0, 65535); // BackendStorageDomainsResource.add, its spelling
        inRange(nfsRetrans, "nfs_retrans", 0, 65535);
        if (stype === "nfs") {
            requireFields("StorageDomain", {
                name,
                "storage.address": str(storage?.address),
                "storage.path": str(storage?.path),
            });
        }
        const host = this.resolve(this.state.hosts, hRef, "Host")!;
        const sdName = name ?? `${stype}-${this.newId().slice(0, 8)}`;
        this.assertNameUnused(this.state.storageDomains, sdName, texts.storageDomainNameInUse("add"));
        if (host.status !== "up") throw conflict(texts.hostNotUp("add", host.name));
        const address = str(storage?.address);
        const path = str(storage?.path)?.replace(/\/+$/, "");
        if (address && path && this.state.storageDomains.some((s) => s.address === address && s.path === path)) {
            throw conflict("Cannot add Storage Connection. Storage connection already exists.");
        }
        const job = this.startJob(`Adding ${statusWords(stype!)} Storage Domain ${sdName}`, ctx);
        await new Promise((r) => setTimeout(r, this.latency.sdCreate)); // the engine creates the domain within the call
        if (this.state.storageDomains.some((s) => s.name === sdName)) {
            this.endJob(job.id, "failed");
            throw conflict(texts.storageDomainNameInUse("add"));
        }
        const sd: StorageDomain = {
            id: this.newId(),
            name: sdName,
            description: str(b.description) ?? "",
            comment: str(b.comment),
            type: type!,
            storageType: stype!,
            address,
            path,
            nfsVersion:
                enumValue(storage?.nfs_version, "storage.nfs_version", NFS_VERSIONS) ??
                (stype === "nfs" ? "auto" : undefined),
            mountOptions: str(storage?.mount_options),
            nfsTimeo,
            nfsRetrans,
            storageFormat: enumValue(b.storage_format, "storage_format", STORAGE_FORMATS) ?? "v5",
            available: 600 * GiB,
            used: 4 * GiB,
            committed: 0,
            master: false,
            externalStatus: "ok",
            wipeAfterDelete: bool(b.wipe_after_delete, "wipe_after_delete") ?? false,
            discardAfterDelete: bool(b.discard_after_delete, "discard_after_delete") ?? false,
            backup: bool(b.backup, "backup") ?? false,
            warningLowSpaceIndicator: int(b.warning_low_space_indicator, "warning_low_space_indicator") ?? 10,
            criticalSpaceActionBlocker: int(b.critical_space_action_blocker, "critical_space_action_blocker") ?? 5,
            blockSize: int(b.block_size, "block_size") ?? 512,
            attachments: [],
            status: L.add.to,
        };
        this.state.storageDomains.push(sd);
        this.recordHistory(sd.id, sd.status);
        this.endJob(job.id);
        this.event(
            EVENT.sdAdded,
            "normal",
            `Storage Domain ${sd.name} was added by admin@internal-authz`,
            { storageDomainId: sd.id },
            ctx.correlationId,
        );
        return sd;
    }

    updateStorageDomain(id: string, b: Obj, ctx: Ctx): StorageDomain {
        const sd = this.storageDomain(id);
        this.updateNaming(sd, b, this.state.storageDomains, texts.storageDomainNameInUse("update"));
        sd.wipeAfterDelete = bool(b.wipe_after_delete, "wipe_after_delete") ?? sd.wipeAfterDelete;
        sd.discardAfterDelete = bool(b.discard_after_delete, "discard_after_delete") ?? sd.discardAfterDelete;
        sd.warningLowSpaceIndicator =
            int(b.warning_low_space_indicator, "warning_low_space_indicator") ?? sd.warningLowSpaceIndicator;
        sd.criticalSpaceActionBlocker =
            int(b.critical_space_action_blocker, "critical_space_action_blocker") ?? sd.criticalSpaceActionBlocker;
        this.doneJob(`Updating Storage Domain ${sd.name}`, ctx);
        this.dirty = true;
        return sd;
    }

    removeStorageDomain(id: string, q: { host?: string; format: boolean; destroy: boolean }, ctx: Ctx): Job {
        const sd = this.storageDomain(id);
        if (q.destroy) {
            const active = sd.attachments.find((a) => !accepts(L.destroy, a.status));
            if (active) throw conflict(texts.sdWrongState("destroy", active.status));
        } else {
            // BackendStorageDomainResource.remove, then RemoveStorageDomainCommand: its STORAGE lock
            // (getExclusiveLocks, taken before validate() by CommandBase.internalValidateInTransaction), then
            // validate(): the host, the host's status, the domain in no pool.
            if (!q.host) throw new EngineFault(400, "host parameter is missing");
            const byId = isUuid(q.host);
            const host = this.state.hosts.find((h) => (byId ? h.id === q.host : h.name === q.host));
            if (!host && !byId) throw entityNotFound("Host", q.host); // getHostId: GetVdsStaticByName
            if (isOneOf(STORAGE_DOMAIN_BUSY, sd.status)) throw conflict(texts.locked("remove", "Storage"));
            if (!host) throw badParameter(texts.removeSdInvalidHost); // an id no host has: getVds() is null
            if (host.status !== "up") throw conflict(texts.hostNotUp("remove", host.name));
            if (sd.attachments.length) throw conflict(texts.sdInaccessible("remove")); // L.remove: isStorageDomainNotInAnyPool
        }
        for (const s of sd.attachments) {
            sd.attachments = [];
            this.engine.refreshDcStatus(s.dataCenterId);
        }
        this.state.storageDomains = this.state.storageDomains.filter((s) => s.id !== id);
        this.state.disks = this.state.disks.filter((d) => d.storageDomainId !== id || d.vmId || d.templateId);
        this.event(
            EVENT.sdRemoved,
            "normal",
            `Storage Domain ${sd.name} was removed by admin@internal-authz`,
            {},
            ctx.correlationId,
        );
        return this.doneJob(`Removing Storage Domain ${sd.name}`, ctx);
    }

    attachStorageDomain(dcId: string, b: Obj, ctx: Ctx): StorageDomain {
        const dc = this.dataCenter(dcId);
        const r = ref(b);
        if (!r) throw incomplete("StorageDomain", ["id|name"]);
        const sd = this.resolve(this.state.storageDomains, r, "StorageDomain")!;
        if (sd.attachments.some((a) => a.dataCenterId === dcId))
            throw conflict(texts.sdWrongState("attach", this.attachmentOf(sd, dcId).status));
        if (sd.attachments.length && sd.type === "data")
            throw conflict("Cannot attach Storage. Storage Domain is already attached to a Data Center.");
        if (sd.status === "locked") throw conflict(texts.locked("attach", "Storage"));
        if (sd.storageFormat === "v5" && (dc.version.major < 4 || (dc.version.major === 4 && dc.version.minor < 3))) {
            throw conflict("Cannot attach Storage. Storage Domain format V5 is illegal.");
        }
        const up = this.state.hosts.find((h) => h.status === "up" && this.clusterDc(h.clusterId) === dcId);
        if (!up) throw conflict(texts.noActiveHost("attach", "Storage"));
        const job = this.startJob(`Attaching Storage Domain ${sd.name} to Data Center ${dc.name}`, ctx);
        sd.attachments.push({ dataCenterId: dcId, status: L.attach.to });
        sd.status = L.attach.to;
        this.recordHistory(`${sd.id}@${dcId}`, L.attach.to);
        this.scheduleNext(sd.id, L.attach, this.flow(job, ctx, { dcId }));
        return sd;
    }

    activateStorageDomain(dcId: string, sdId: string, ctx: Ctx): ActionResult {
        const sd = this.storageDomain(sdId);
        this.dataCenter(dcId);
        const a = this.attachmentOf(sd, dcId);
        // ActivateStorageDomainCommand.validate(): storageDomainStatusIsValid (a status in process is "locked"),
        // then a master that is up unless this domain is the master, then an active host in the pool
        // (StorageHandlingCommandBase.checkForActiveVds).
        if (isOneOf(STORAGE_DOMAIN_BUSY, a.status)) throw conflict(texts.locked("activate", "Storage"));
        if (!accepts(L.activate, a.status)) throw conflict(texts.sdWrongState("activate", a.status));
        const masterUp = this.state.storageDomains.some(
            (s) => s.master && s.attachments.some((x) => x.dataCenterId === dcId && x.status === "active"),
        );
        if (!sd.master && !masterUp) throw conflict(texts.masterNotActive("activate", "Storage"));
        if (!this.state.hosts.some((h) => h.status === "up" && this.clusterDc(h.clusterId) === dcId)) {
            throw conflict(texts.noActiveHost("activate", "Storage"));
        }
        const job = this.startJob(`Activating Storage Domain ${sd.name}`, ctx);
        this.moveAttachment(sd, dcId, L.activate, this.flow(job, ctx, { dcId }));
        return { job };
    }

    deactivateStorageDomain(dcId: string, sdId: string, _force: boolean, ctx: Ctx): ActionResult {
        const sd = this.storageDomain(sdId);
        this.dataCenter(dcId);
        const a = this.attachmentOf(sd, dcId);
        if (isOneOf(STORAGE_DOMAIN_BUSY, a.status)) throw conflict(texts.locked("deactivate", "Storage"));
        if (!accepts(L.deactivate, a.status)) throw conflict(texts.sdWrongState("deactivate", a.status));
        const running = this.state.vms.filter(
            (v) =>
                isOneOf(VM_RUNNING, v.status) &&
                v.diskAttachments.some(
                    (da) => this.state.disks.find((d) => d.id === da.diskId)?.storageDomainId === sd.id,
                ),
        );
        if (running.length) {
            throw conflict(
                `Cannot deactivate Storage. The following VMs are running with disks on the Storage Domain: ${running.map((v) => v.name).join(", ")}.`,
            );
        }
        const job = this.startJob(
            `Deactivating Storage Domain ${sd.name} in Data Center ${this.dataCenter(dcId).name}`,
            ctx,
        );
        this.moveAttachment(sd, dcId, L.deactivate, this.flow(job, ctx, { dcId }));
        return { job };
    }

    detachStorageDomain(dcId: string, sdId: string, ctx: Ctx): Job {
        const sd = this.storageDomain(sdId);
        const dc = this.dataCenter(dcId);
        const a = this.attachmentOf(sd, dcId);
        if (isOneOf(STORAGE_DOMAIN_BUSY, a.status)) throw conflict(texts.locked("detach", "Storage"));
        if (!accepts(L.detach, a.status)) throw conflict(texts.sdWrongState("detach", a.status));
        const others = this.state.storageDomains.filter(
            (s) => s.id !== sd.id && s.attachments.some((x) => x.dataCenterId === dcId),
        );
        if (sd.master && others.length) {
            throw conflict(texts.masterDetach);
        }
        if (
            !sd.master &&
            sd.type === "data" &&
            !this.state.storageDomains.some(
                (s) => s.master && s.attachments.some((x) => x.dataCenterId === dcId && x.status === "active"),
            )
        ) {
            throw conflict(texts.sdInaccessible("detach"));
        }
        const job = this.startJob(`Detaching Storage Domain ${sd.name} from Data Center ${dc.name}`, ctx);
        this.moveAttachment(sd, dcId, L.detach, this.flow(job, ctx, { dcId }));
        return job;
    }

    /** Takes a single-outcome step of the domain in data center `dcId` and schedules the step that follows. */
    protected moveAttachment(sd: StorageDomain, dcId: string, step: Step<StorageDomainStatus>, args: Obj): void {
        this.setAttachment(sd, dcId, step.to as StorageDomainStatus);
        this.scheduleNext(sd.id, step, args);
    }

    protected setAttachment(sd: StorageDomain, dcId: string, status: StorageDomainStatus): void {
        const a = this.attachmentOf(sd, dcId);
        a.status = status;
        sd.status = status;
        this.recordHistory(`${sd.id}@${dcId}`, status);
        this.engine.refreshDcStatus(dcId);
    }

    /** The storage domain's clock steps (STORAGE_DOMAIN_LIFECYCLE). */
    protected storageDomainSteps(): Record<ClockStep<typeof STORAGE_DOMAIN_LIFECYCLE>, StepHandler> {
        return {
            "sd.attach.maintenance": (id, a) => {
                const sd = this.storageDomain(id);
                const dcId = String(a.dcId);
                this.moveAttachment(sd, dcId, L["sd.attach.maintenance"], a);
            },
            "sd.activating": (id, a) => {
                const sd = this.storageDomain(id);
                this.moveAttachment(sd, String(a.dcId), L["sd.activating"], a);
            },
            "sd.active": (id, a) => {
                const sd = this.storageDomain(id);
                const dcId = String(a.dcId);
                if (
                    sd.type === "data" &&
                    !this.state.storageDomains.some(
                        (s) => s.master && s.attachments.some((x) => x.dataCenterId === dcId),
                    )
                ) {
                    sd.master = true;
                }
                this.setAttachment(sd, dcId, L["sd.active"].to);
                this.event(
                    EVENT.sdActivated,
                    "normal",
                    `Storage Domain ${sd.name} (Data Center ${this.dataCenter(dcId).name}) was activated by admin@internal-authz`,
                    { storageDomainId: id, dataCenterId: dcId },
                    correlationOf(a),
                );
                this.endJob(jobOf(a));
            },
            "sd.preparing": (id, a) => {
                const sd = this.storageDomain(id);
                this.moveAttachment(sd, String(a.dcId), L["sd.preparing"], a);
            },
            "sd.maintenance": (id, a) => {
                const sd = this.storageDomain(id);
                const dcId = String(a.dcId);
                if (sd.master) {
                    const heir = this.state.storageDomains.find(
                        (s) =>
                            s.id !== id &&
                            s.type === "data" &&
                            s.attachments.some((x) => x.dataCenterId === dcId && x.status === "active"),
                    );
                    if (heir) {
                        sd.master = false;
                        heir.master = true;
                    }
                }
                this.setAttachment(sd, dcId, L["sd.maintenance"].to);
                this.event(
                    EVENT.sdDeactivated,
                    "normal",
                    `Storage Domain ${sd.name} (Data Center ${this.dataCenter(dcId).name}) was deactivated and has moved to 'Maintenance' after it finished copying its OVF.`,
                    { storageDomainId: id, dataCenterId: dcId },
                    correlationOf(a),
                );
                this.endJob(jobOf(a));
            },
            "sd.detached": (id, a) => {
                const sd = this.storageDomain(id);
                const dcId = String(a.dcId);
                sd.attachments = sd.attachments.filter((x) => x.dataCenterId !== dcId);
                sd.master = false;
                this.recordHistory(`${sd.id}@${dcId}`, "detached");
                this.setStatus(sd, sd.attachments.length ? sd.attachments[0].status : L["sd.detached"].to);
                this.engine.refreshDcStatus(dcId);
                this.event(
                    EVENT.sdDetached,
                    "normal",
                    `Storage Domain ${sd.name} was detached from Data Center ${this.dataCenter(dcId).name} by admin@internal-authz`,
                    { storageDomainId: id, dataCenterId: dcId },
                    correlationOf(a),
                );
                this.endJob(jobOf(a));
            },
        };
    }
}
