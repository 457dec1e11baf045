/**
 * The audit log as a kind: the engine's event codes the emulator writes, external (custom) events, removing an event.
 * Writing an event is the core's (core.ts `event`).
 */
import { EngineCore } from "./core";
import type { Ctx } from "./core";
import { badParameter, entityNotFound, requireFields, texts } from "./errors";
import { Obj, bool, enumValue, int, obj, str } from "./input";
import type { EngineEvent } from "./types";

/** AddExternalEventCommand cuts the description to the audit log's column size. */
const MAX_EVENT_DESCRIPTION = 4000;

/** Severities of an event: common/…/AuditLogSeverity.java as the REST API names them (LogSeverity). */
export const EVENT_SEVERITIES = ["normal", "warning", "error", "alert"] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

/**
 * Engine event codes: the values of oVirt/ovirt-engine common/…/AuditLogType.java (0111fc6), named in each comment.
 * External events are EXTERNAL_EVENT_NORMAL/WARNING/ERROR and EXTERNAL_ALERT (AddExternalEventCommand).
 */
export const EVENT = {
    external: { normal: 9801, warning: 9802, error: 9803, alert: 9804 } as Record<EventSeverity, number>,
    dcAdded: 950 /* USER_ADD_STORAGE_POOL */,
    dcRemoved: 954 /* USER_REMOVE_STORAGE_POOL */,
    clusterAdded: 809 /* USER_ADD_CLUSTER */,
    clusterRemoved: 813 /* USER_REMOVE_CLUSTER */,
    hostAdded: 42 /* USER_ADD_VDS */,
    hostInstalling: 509 /* VDS_INSTALL_IN_PROGRESS */,
    hostInstallFailed: 505 /* VDS_INSTALL_FAILED */,
    hostUp: 13 /* VDS_DETECTED */,
    hostNonResponsive: 12 /* VDS_FAILURE */,
    hostNonOperational: 519 /* VDS_SET_NONOPERATIONAL_NETWORK: the only cause modelled is a missing required network */,
    hostMaintenance: 15 /* VDS_MAINTENANCE */,
    hostActivated: 16 /* VDS_ACTIVATE */,
    hostRemoved: 44 /* USER_REMOVE_VDS */,
    sdAdded: 956 /* USER_ADD_STORAGE_DOMAIN */,
    sdAttached: 962 /* USER_ATTACH_STORAGE_DOMAIN_TO_POOL */,
    sdActivated: 966 /* USER_ACTIVATED_STORAGE_DOMAIN */,
    sdDeactivated: 968 /* USER_DEACTIVATED_STORAGE_DOMAIN */,
    sdDetached: 964 /* USER_DETACH_STORAGE_DOMAIN_FROM_POOL */,
    sdRemoved: 960 /* USER_REMOVE_STORAGE_DOMAIN */,
    networkAdded: 942 /* NETWORK_ADD_NETWORK */,
    networkRemoved: 944 /* NETWORK_REMOVE_NETWORK */,
    vmAdded: 34 /* USER_ADD_VM */,
    vmAddFinished: 53 /* USER_ADD_VM_FINISHED_SUCCESS */,
    vmStarted: 153 /* USER_STARTED_VM */,
    vmUp: 32 /* USER_RUN_VM */,
    vmDown: 61 /* VM_DOWN */,
    vmStopped: 33 /* USER_STOP_VM */,
    vmShutdown: 73 /* USER_INITIATED_SHUTDOWN_VM */,
    vmRemoved: 113 /* USER_REMOVE_VM_FINISHED */,
    vmHotSetCpus: 2033 /* HOT_SET_NUMBER_OF_CPUS */,
    vmHotSetMemory: 2039 /* HOT_SET_MEMORY */,
    templateAdded: 48 /* USER_ADD_VM_TEMPLATE */,
    templateAddFinished: 51 /* USER_ADD_VM_TEMPLATE_FINISHED_SUCCESS */,
    templateRemoved: 50 /* USER_REMOVE_VM_TEMPLATE */,
    nicAdded: 932 /* NETWORK_ADD_VM_INTERFACE */,
    diskAdded: 2021 /* USER_ADD_DISK_FINISHED_SUCCESS */,
    tagAdded: 432 /* USER_ADD_TAG */,
    affinityAdded: 10350 /* USER_ADDED_AFFINITY_GROUP */,
};

export abstract class EventKind extends EngineCore {
    addExternalEvent(b: Obj, ctx: Ctx): EngineEvent {
        const description = str(b.description);
        const severity = enumValue(b.severity, "severity", EVENT_SEVERITIES);
        const origin = str(b.origin);
        const customId = int(b.custom_id, "custom_id");
        requireFields("Event", { description, severity, origin, customId });
        if (origin!.toLowerCase() === "ovirt") throw badParameter(texts.illegalOrigin(origin!));
        if (this.state.events.some((e) => e.origin === origin && e.customId === customId))
            throw badParameter(texts.duplicateCustomEvent);
        const refId = (k: string) => str(obj(b[k])?.id);
        const check = <T extends { id: string }>(
            list: T[],
            id: string | undefined,
            type: string,
        ): string | undefined => {
            if (id === undefined) return undefined;
            if (!list.some((x) => x.id === id)) throw entityNotFound(type, `id=${id}`);
            return id;
        };
        const ev = this.event(
            EVENT.external[severity!],
            severity!,
            description!.slice(0, MAX_EVENT_DESCRIPTION),
            {
                origin: origin!,
                customId: customId!,
                floodRate: int(b.flood_rate, "flood_rate") ?? 30,
                logOnHost: bool(b.log_on_host, "log_on_host") ?? false,
                customData: str(b.custom_data),
                vmId: check(this.state.vms, refId("vm"), "VM"),
                hostId: check(this.state.hosts, refId("host"), "Host"),
                clusterId: check(this.state.clusters, refId("cluster"), "Cluster"),
                dataCenterId: check(this.state.dataCenters, refId("data_center"), "DataCenter"),
                storageDomainId: check(this.state.storageDomains, refId("storage_domain"), "StorageDomain"),
                templateId: check(this.state.templates, refId("template"), "Template"),
            },
            ctx.correlationId,
        );
        const hostStatus = str(obj(b.host)?.external_status);
        if (ev.hostId && hostStatus) this.host(ev.hostId).externalStatus = hostStatus;
        const sdStatus = str(obj(b.storage_domain)?.external_status);
        if (ev.storageDomainId && sdStatus) this.storageDomain(ev.storageDomainId).externalStatus = sdStatus;
        return ev;
    }

    removeEvent(id: string): void {
        this.eventById(id);
        this.state.events = this.state.events.filter((e) => e.id !== id);
        if (this.state.events.length === 0) this.event(9700, "normal", "Audit log cleared."); // at least one event, always
        this.dirty = true;
    }
}
