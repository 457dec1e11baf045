/**
 * Data centers (the engine's storage pools): add, update, remove, and their status, which follows the master storage
 * domain. Sources (oVirt/ovirt-engine at 0111fc6, below backend/manager/modules/): statuses are
 * common/…/businessentities/StoragePoolStatus.java as restapi/types/…/DataCenterMapper.java `mapDataCenterStatus`
 * names them (NonResponsive is `problematic`); steps are the bll commands named in the table.
 */
import { EngineCore } from "./core";
import type { Ctx } from "./core";
import { conflict, incomplete, texts } from "./errors";
import { EVENT } from "./events";
import { Obj, bool, enumValue, int, obj, str } from "./input";
import { Lifecycle, isOneOf } from "./lifecycle";
import { SEED_IDS } from "./seed";
import type { StorageDomainStatus } from "./storageDomain";
import type { DataCenter, Job } from "./types";

/** StoragePoolStatus.java, in its order, as DataCenterMapper names them. */
export const DATA_CENTER_STATUSES = [
    "uninitialized",
    "up",
    "maintenance",
    "not_operational",
    "problematic",
    "contend",
] as const;
export type DataCenterStatus = (typeof DATA_CENTER_STATUSES)[number];

/** Storage format versions: common/…/StorageFormatType.java (V1…V5). */
export const STORAGE_FORMATS = ["v1", "v2", "v3", "v4", "v5"] as const;

/** Quota modes: common/…/QuotaEnforcementTypeEnum.java (DISABLED, SOFT_ENFORCEMENT, HARD_ENFORCEMENT) as DataCenterMapper names them. */
export const QUOTA_MODES = ["disabled", "audit", "enabled"] as const;

/** Master domain statuses that put the data center in maintenance. */
const MASTER_IN_MAINTENANCE: readonly StorageDomainStatus[] = ["maintenance", "preparing_for_maintenance", "detaching"];

/**
 * Data center lifecycle. After `add` the status is derived from the storage domains attached to it each time one
 * of them changes (`refreshDcStatus`): the steps below are those rules, in the order they are tried.
 */
export const DATA_CENTER_LIFECYCLE = {
    add: {
        to: "uninitialized",
        job: "done at once",
        source: "bll/storage/pool/AddEmptyStoragePoolCommand.java: Uninitialized",
    },
    noMaster: {
        to: ["up", "uninitialized"],
        source:
            "no master domain (yet): up while any attached domain is active, else uninitialized (emulator's reading of " +
            "bll/storage/pool/StoragePoolStatusHandler.java)",
    },
    masterActive: {
        to: "up",
        source: "bll/storage/domain/ActivateStorageDomainCommand.java: the pool is Up with its master",
    },
    masterInMaintenance: {
        to: "maintenance",
        source: "bll/storage/domain/DeactivateStorageDomainCommand.java: deactivating the last master moves the pool to Maintenance",
    },
    masterElse: {
        to: ["contend", "uninitialized"],
        source: "the master is locked or activating: Contend (SPM election), unless the pool was never up",
    },
    remove: { job: "done at once", source: "bll/storage/pool/RemoveStoragePoolCommand.java" },
} as const satisfies Lifecycle<DataCenterStatus>;

export abstract class DataCenterKind extends EngineCore {
    addDataCenter(b: Obj, ctx: Ctx): DataCenter {
        const name = str(b.name);
        if (!name) throw incomplete("DataCenter", ["name"]);
        this.assertNameUnused(this.state.dataCenters, name, texts.dataCenterNameInUse("create"));
        const v = obj(b.version);
        const dc: DataCenter = {
            id: this.newId(),
            name,
            description: str(b.description) ?? "",
            comment: str(b.comment),
            local: bool(b.local, "local") ?? false,
            status: DATA_CENTER_LIFECYCLE.add.to,
            version: { major: int(v?.major, "version.major") ?? 4, minor: int(v?.minor, "version.minor") ?? 7 },
            storageFormat: enumValue(b.storage_format, "storage_format", STORAGE_FORMATS) ?? "v5",
            quotaMode: enumValue(b.quota_mode, "quota_mode", QUOTA_MODES) ?? "disabled",
            macPoolId: SEED_IDS.macPool,
        };
        this.state.dataCenters.push(dc);
        this.recordHistory(dc.id, dc.status);
        this.event(
            EVENT.dcAdded,
            "normal",
            `Data Center ${name} was added by admin@internal-authz.`,
            { dataCenterId: dc.id },
            ctx.correlationId,
        );
        this.doneJob(`Adding new Data Center ${name}`, ctx);
        return dc;
    }

    updateDataCenter(id: string, b: Obj, ctx: Ctx): DataCenter {
        const dc = this.dataCenter(id);
        this.updateNaming(dc, b, this.state.dataCenters, texts.dataCenterNameInUse("update"));
        const v = obj(b.version);
        if (v)
            dc.version = {
                major: int(v.major, "version.major") ?? dc.version.major,
                minor: int(v.minor, "version.minor") ?? dc.version.minor,
            };
        this.doneJob(`Updating Data Center ${dc.name}`, ctx);
        this.dirty = true;
        return dc;
    }

    removeDataCenter(id: string, force: boolean, ctx: Ctx): Job {
        const dc = this.dataCenter(id);
        const attached = this.state.storageDomains.filter((s) => s.attachments.some((a) => a.dataCenterId === id));
        if (!force && attached.some((s) => this.engine.attachmentOf(s, id).status !== "maintenance")) {
            throw conflict(
                "Cannot remove Data Center. There are attached Storage Domains that are not in Maintenance status.",
            );
        }
        if (!force && this.state.vms.some((v) => this.clusterDc(v.clusterId) === id)) {
            throw conflict("Cannot remove Data Center. Data Center contains VMs.");
        }
        for (const s of attached) {
            s.attachments = s.attachments.filter((a) => a.dataCenterId !== id);
            s.master = false;
            if (s.attachments.length === 0) this.setStatus(s, "unattached");
        }
        for (const c of this.state.clusters) if (c.dataCenterId === id) c.dataCenterId = undefined;
        const nets = this.state.networks.filter((n) => n.dataCenterId === id).map((n) => n.id);
        this.state.networks = this.state.networks.filter((n) => n.dataCenterId !== id);
        this.state.vnicProfiles = this.state.vnicProfiles.filter((p) => !nets.includes(p.networkId));
        for (const c of this.state.clusters) c.networks = c.networks.filter((cn) => !nets.includes(cn.networkId));
        this.state.dataCenters = this.state.dataCenters.filter((d) => d.id !== id);
        this.event(
            EVENT.dcRemoved,
            "normal",
            `Data Center ${dc.name} was removed by admin@internal-authz.`,
            {},
            ctx.correlationId,
        );
        return this.doneJob(`Removing Data Center ${dc.name}`, ctx);
    }

    /** Recomputes a data center's status from its storage domains (DATA_CENTER_LIFECYCLE, after `add`). */
    refreshDcStatus(dcId: string): void {
        const dc = this.state.dataCenters.find((d) => d.id === dcId);
        if (!dc) return;
        const atts = this.state.storageDomains.flatMap((s) =>
            s.attachments.filter((a) => a.dataCenterId === dcId).map((a) => ({ s, a })),
        );
        const L = DATA_CENTER_LIFECYCLE;
        let status: DataCenterStatus;
        const master = atts.find(({ s }) => s.master);
        if (atts.length === 0 || !master)
            status = atts.some(({ a }) => a.status === "active") ? L.noMaster.to[0] : L.noMaster.to[1];
        else if (master.a.status === "active") status = L.masterActive.to;
        else if (isOneOf(MASTER_IN_MAINTENANCE, master.a.status)) status = L.masterInMaintenance.to;
        else status = dc.status === "uninitialized" ? L.masterElse.to[1] : L.masterElse.to[0];
        if (status !== dc.status) this.setStatus(dc, status);
    }
}
