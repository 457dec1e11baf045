/**
 * The in-memory engine: entities, their lifecycles on a clock, validation with the engine's own texts,
 * jobs per correlation id and the audit log (events). No HTTP or wire format here.
 */
import { randomUUID } from "node:crypto";
import type { LatencyTable } from "../latency";
import {
    EngineFault, NotFound, badParameter, conflict, entityNotFound, incomplete, inputValidation, statusWords, texts,
} from "./errors";
import { Obj, RefInput, bool, enumValue, int, num, obj, ref, str, wrappedList } from "./input";
import type {
    AffinityGroup, Cluster, DataCenter, Disk, DiskAttachment, EngineEvent, Host, Initialization, Job, Network, Nic,
    Pending, Rule, State, StorageDomain, Tag, Template, Vm, VnicProfile,
} from "./types";
import { SEED_IDS } from "./seed";

export interface Ctx { correlationId: string }

/** Result of an action: the job it ran under. */
export interface ActionResult { job: Job }

const GiB = 1024 ** 3;
const MAX_EVENT_DESCRIPTION = 4000;
const HISTORY_LIMIT = 50;

/** VM statuses in which the VM runs on a host (also when the OVN provider allocates its ports: emulator/ovn/model.ts). */
export const VM_RUNNING = ["up", "powering_up", "wait_for_launch", "powering_down", "reboot_in_progress", "migrating", "paused",
    "not_responding", "saving_state", "restoring_state", "unknown"];
const VM_REMOVABLE = ["unassigned", "down", "image_illegal", "image_locked"];
/** RemoveVdsCommand.statusLegalForRemove. */
const HOST_REMOVABLE = ["maintenance", "install_failed", "non_responsive", "down", "pending_approval", "non_operational", "unassigned", "installing_os"];
const HOST_TRANSIENT = ["installing", "initializing", "preparing_for_maintenance", "unassigned", "connecting", "reboot"];
const SD_ACTIVATABLE = ["inactive", "unknown", "maintenance", "preparing_for_maintenance"];

/**
 * Engine event codes: the values of oVirt/ovirt-engine common/…/AuditLogType.java (0111fc6), named in each comment.
 * External events are EXTERNAL_EVENT_NORMAL/WARNING/ERROR and EXTERNAL_ALERT (AddExternalEventCommand).
 */
export const EVENT = {
    external: { normal: 9801, warning: 9802, error: 9803, alert: 9804 } as Record<string, number>,
    dcAdded: 950 /* USER_ADD_STORAGE_POOL */, dcRemoved: 954 /* USER_REMOVE_STORAGE_POOL */,
    clusterAdded: 809 /* USER_ADD_CLUSTER */, clusterRemoved: 813 /* USER_REMOVE_CLUSTER */,
    hostAdded: 42 /* USER_ADD_VDS */, hostInstalling: 509 /* VDS_INSTALL_IN_PROGRESS */, hostInstallFailed: 505 /* VDS_INSTALL_FAILED */,
    hostUp: 13 /* VDS_DETECTED */, hostNonResponsive: 12 /* VDS_FAILURE */,
    hostNonOperational: 519 /* VDS_SET_NONOPERATIONAL_NETWORK: the only cause modelled is a missing required network */,
    hostMaintenance: 15 /* VDS_MAINTENANCE */, hostActivated: 16 /* VDS_ACTIVATE */, hostRemoved: 44 /* USER_REMOVE_VDS */,
    sdAdded: 956 /* USER_ADD_STORAGE_DOMAIN */, sdAttached: 962 /* USER_ATTACH_STORAGE_DOMAIN_TO_POOL */,
    sdActivated: 966 /* USER_ACTIVATED_STORAGE_DOMAIN */, sdDeactivated: 968 /* USER_DEACTIVATED_STORAGE_DOMAIN */,
    sdDetached: 964 /* USER_DETACH_STORAGE_DOMAIN_FROM_POOL */, sdRemoved: 960 /* USER_REMOVE_STORAGE_DOMAIN */,
    networkAdded: 942 /* NETWORK_ADD_NETWORK */, networkRemoved: 944 /* NETWORK_REMOVE_NETWORK */,
    vmAdded: 34 /* USER_ADD_VM */, vmAddFinished: 53 /* USER_ADD_VM_FINISHED_SUCCESS */, vmStarted: 153 /* USER_STARTED_VM */,
    vmUp: 32 /* USER_RUN_VM */, vmDown: 61 /* VM_DOWN */, vmStopped: 33 /* USER_STOP_VM */, vmShutdown: 73 /* USER_INITIATED_SHUTDOWN_VM */,
    vmRemoved: 113 /* USER_REMOVE_VM_FINISHED */, templateAdded: 48 /* USER_ADD_VM_TEMPLATE */,
    templateAddFinished: 51 /* USER_ADD_VM_TEMPLATE_FINISHED_SUCCESS */, templateRemoved: 50 /* USER_REMOVE_VM_TEMPLATE */,
    nicAdded: 932 /* NETWORK_ADD_VM_INTERFACE */, diskAdded: 2021 /* USER_ADD_DISK_FINISHED_SUCCESS */, tagAdded: 432 /* USER_ADD_TAG */,
    affinityAdded: 10350 /* USER_ADDED_AFFINITY_GROUP */,
};

export class EngineModel {
    state: State;
    /** Set when the state changed since the last `takeDirty()`; the server persists then. */
    private dirty = false;
    private timer?: NodeJS.Timeout;
    private readonly ops: Record<string, (target: string, args: Obj) => void>;

    constructor(state: State, public latency: LatencyTable, private readonly onSettled?: () => void) {
        this.state = state;
        this.ops = this.transitionHandlers();
    }

    // ---------------------------------------------------------------- clock

    now(): number { return Date.now(); }

    /** Replaces the whole state (admin reset, restart). */
    replaceState(s: State): void {
        this.state = s;
        this.dirty = true;
        this.arm();
    }

    takeDirty(): boolean { const d = this.dirty; this.dirty = false; return d; }
    markDirty(): void { this.dirty = true; }

    private schedule(delayMs: number, op: string, target: string, args: Obj = {}): void {
        const p: Pending = { seq: ++this.state.counters.pending, due: this.now() + delayMs, op, target, args };
        this.state.pending.push(p);
        this.dirty = true;
        this.arm();
    }

    /** Applies every transition that is due (in due order); transitions scheduled with 0 ms settle in the same call. */
    tick(): boolean {
        let changed = false;
        for (let guard = 0; guard < 10_000; guard++) {
            const now = this.now();
            let best = -1;
            for (let i = 0; i < this.state.pending.length; i++) {
                const p = this.state.pending[i];
                if (p.due > now) continue;
                if (best < 0 || p.due < this.state.pending[best].due ||
                    (p.due === this.state.pending[best].due && p.seq < this.state.pending[best].seq)) best = i;
            }
            if (best < 0) break;
            const [p] = this.state.pending.splice(best, 1);
            const h = this.ops[p.op];
            try {
                h?.(p.target, p.args ?? {});
            } catch {
                // the target vanished (removed meanwhile): the transition is moot
            }
            changed = true;
        }
        if (changed) this.dirty = true;
        return changed;
    }

    /** Arms one timer for the earliest pending transition. */
    arm(): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        if (this.state.pending.length === 0) return;
        const due = Math.min(...this.state.pending.map((p) => p.due));
        const delay = Math.min(Math.max(0, due - this.now()), 2 ** 31 - 1);
        this.timer = setTimeout(() => {
            this.timer = undefined;
            if (this.tick()) this.onSettled?.();
            this.arm();
        }, delay);
        this.timer.unref();
    }

    stopClock(): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
    }

    private setStatus(e: { id: string; status: string }, status: string): void {
        e.status = status;
        this.recordHistory(e.id, status);
    }

    private recordHistory(key: string, status: string): void {
        const h = (this.state.history[key] ??= []);
        h.push({ at: this.now(), status });
        if (h.length > HISTORY_LIMIT) h.splice(0, h.length - HISTORY_LIMIT);
        this.dirty = true;
    }

    // ---------------------------------------------------------------- jobs and events

    private startJob(description: string, ctx: Ctx): Job {
        const t = this.now();
        const job: Job = { id: randomUUID(), description, status: "started", startTime: t, lastUpdated: t, external: false,
            autoCleared: true, correlationId: ctx.correlationId, ownerId: SEED_IDS.admin };
        this.state.jobs.push(job);
        if (this.state.jobs.length > 2000) this.state.jobs.splice(0, this.state.jobs.length - 2000);
        this.dirty = true;
        return job;
    }

    private endJob(jobId: string | undefined, status: "finished" | "failed" | "aborted" = "finished"): void {
        const job = this.state.jobs.find((j) => j.id === jobId);
        if (!job || job.status !== "started") return;
        job.status = status;
        job.endTime = job.lastUpdated = this.now();
        this.dirty = true;
    }

    /** A job for a command that completes synchronously. */
    private doneJob(description: string, ctx: Ctx): Job {
        const j = this.startJob(description, ctx);
        this.endJob(j.id);
        return j;
    }

    event(code: number, severity: string, description: string, refs: Partial<EngineEvent> = {}, correlationId?: string): EngineEvent {
        const index = ++this.state.counters.event;
        const ev: EngineEvent = { id: String(index), index, code, severity, time: this.now(), description, origin: "oVirt",
            customId: -1, floodRate: 30, logOnHost: false, correlationId, ...refs };
        this.state.events.push(ev);
        if (this.state.events.length > 5000) this.state.events.splice(0, this.state.events.length - 5000);
        this.dirty = true;
        return ev;
    }

    // ---------------------------------------------------------------- lookups

    private static by<T extends { id: string }>(list: T[], id: string, what: string): T {
        const e = list.find((x) => x.id === id);
        if (!e) throw new NotFound(`${what} ${id}`);
        return e;
    }

    dataCenter(id: string): DataCenter { return EngineModel.by(this.state.dataCenters, id, "data center"); }
    cluster(id: string): Cluster { return EngineModel.by(this.state.clusters, id, "cluster"); }
    host(id: string): Host { return EngineModel.by(this.state.hosts, id, "host"); }
    storageDomain(id: string): StorageDomain { return EngineModel.by(this.state.storageDomains, id, "storage domain"); }
    network(id: string): Network { return EngineModel.by(this.state.networks, id, "network"); }
    vnicProfile(id: string): VnicProfile { return EngineModel.by(this.state.vnicProfiles, id, "vnic profile"); }
    template(id: string): Template { return EngineModel.by(this.state.templates, id, "template"); }
    vm(id: string): Vm { return EngineModel.by(this.state.vms, id, "vm"); }
    disk(id: string): Disk { return EngineModel.by(this.state.disks, id, "disk"); }
    tag(id: string): Tag { return EngineModel.by(this.state.tags, id, "tag"); }
    job(id: string): Job { return EngineModel.by(this.state.jobs, id, "job"); }
    provider(id: string): import("./types").OpenStackNetworkProvider { return EngineModel.by(this.state.providers, id, "provider"); }
    eventById(id: string): EngineEvent { return EngineModel.by(this.state.events, id, "event"); }

    affinityGroup(clusterId: string, id: string): AffinityGroup {
        const g = this.state.affinityGroups.find((x) => x.id === id && x.clusterId === clusterId);
        if (!g) throw new NotFound(`affinity group ${id}`);
        return g;
    }

    /** Resolves `{id}` or `{name}`; an unknown referenced entity is a 400 (not the 404 of the addressed entity). */
    private resolve<T extends { id: string; name: string }>(list: T[], r: RefInput | undefined, type: string, scope?: (e: T) => boolean): T | undefined {
        if (!r) return undefined;
        const cands = scope ? list.filter(scope) : list;
        const e = r.id ? cands.find((x) => x.id === r.id) : cands.find((x) => x.name === r.name);
        if (!e) throw entityNotFound(type, r.id ? `id=${r.id}` : `name=${r.name}`);
        return e;
    }

    /** Data center of a cluster (clusters of a removed data center have none). */
    dcOfCluster(c: Cluster): DataCenter | undefined {
        return this.state.dataCenters.find((d) => d.id === c.dataCenterId);
    }

    attachmentOf(sd: StorageDomain, dcId: string): { dataCenterId: string; status: string } {
        const a = sd.attachments.find((x) => x.dataCenterId === dcId);
        if (!a) throw new NotFound(`storage domain ${sd.id} in data center ${dcId}`);
        return a;
    }

    /** 409 with the generic ACTION_TYPE_FAILED_NAME_ALREADY_USED text when another entity has the name. */
    private assertNameFree(list: Array<{ id: string; name: string }>, name: string, action: string, type: string, exceptId?: string): void {
        this.assertNameUnused(list, name, texts.nameInUse(action, type), exceptId);
    }

    /** 409 with `detail` (the entity type's own name-in-use text, errors.ts) when another entity has the name. */
    private assertNameUnused(list: Array<{ id: string; name: string }>, name: string, detail: string, exceptId?: string): void {
        if (list.some((e) => e.name === name && e.id !== exceptId)) throw conflict(detail);
    }

    // ---------------------------------------------------------------- data centers

    addDataCenter(b: Obj, ctx: Ctx): DataCenter {
        const name = str(b.name);
        if (!name) throw incomplete("DataCenter", ["name"]);
        this.assertNameUnused(this.state.dataCenters, name, texts.dataCenterNameInUse("create"));
        const v = obj(b.version);
        const dc: DataCenter = { id: randomUUID(), name, description: str(b.description) ?? "", comment: str(b.comment),
            local: bool(b.local, "local") ?? false, status: "uninitialized",
            version: { major: int(v?.major, "version.major") ?? 4, minor: int(v?.minor, "version.minor") ?? 7 },
            storageFormat: enumValue(b.storage_format, "storage_format", ["v1", "v2", "v3", "v4", "v5"]) ?? "v5",
            quotaMode: enumValue(b.quota_mode, "quota_mode", ["disabled", "audit", "enabled"]) ?? "disabled", macPoolId: SEED_IDS.macPool };
        this.state.dataCenters.push(dc);
        this.recordHistory(dc.id, dc.status);
        this.event(EVENT.dcAdded, "normal", `Data Center ${name} was added by admin@internal-authz.`, { dataCenterId: dc.id }, ctx.correlationId);
        this.doneJob(`Adding new Data Center ${name}`, ctx);
        return dc;
    }

    updateDataCenter(id: string, b: Obj, ctx: Ctx): DataCenter {
        const dc = this.dataCenter(id);
        const name = str(b.name);
        if (name && name !== dc.name) { this.assertNameUnused(this.state.dataCenters, name, texts.dataCenterNameInUse("update"), id); dc.name = name; }
        if (b.description !== undefined) dc.description = str(b.description);
        if (b.comment !== undefined) dc.comment = str(b.comment);
        const v = obj(b.version);
        if (v) dc.version = { major: int(v.major, "version.major") ?? dc.version.major, minor: int(v.minor, "version.minor") ?? dc.version.minor };
        this.doneJob(`Updating Data Center ${dc.name}`, ctx);
        this.dirty = true;
        return dc;
    }

    removeDataCenter(id: string, force: boolean, ctx: Ctx): Job {
        const dc = this.dataCenter(id);
        const attached = this.state.storageDomains.filter((s) => s.attachments.some((a) => a.dataCenterId === id));
        if (!force && attached.some((s) => this.attachmentOf(s, id).status !== "maintenance")) {
            throw conflict("Cannot remove Data Center. There are attached Storage Domains that are not in Maintenance status.");
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
        this.event(EVENT.dcRemoved, "normal", `Data Center ${dc.name} was removed by admin@internal-authz.`, {}, ctx.correlationId);
        return this.doneJob(`Removing Data Center ${dc.name}`, ctx);
    }

    private clusterDc(clusterId: string): string | undefined {
        return this.state.clusters.find((c) => c.id === clusterId)?.dataCenterId;
    }

    /** Recomputes a data center's status from its storage domains. */
    private refreshDcStatus(dcId: string): void {
        const dc = this.state.dataCenters.find((d) => d.id === dcId);
        if (!dc) return;
        const atts = this.state.storageDomains.flatMap((s) => s.attachments.filter((a) => a.dataCenterId === dcId).map((a) => ({ s, a })));
        let status: string;
        const master = atts.find(({ s }) => s.master);
        if (atts.length === 0 || !master) status = atts.some(({ a }) => a.status === "active") ? "up" : "uninitialized";
        else if (master.a.status === "active") status = "up";
        else if (["maintenance", "preparing_for_maintenance", "detaching"].includes(master.a.status)) status = "maintenance";
        else if (dc.status === "uninitialized") status = "uninitialized";
        else status = "contend";
        if (status !== dc.status) this.setStatus(dc, status);
    }

    // ---------------------------------------------------------------- clusters

    addCluster(b: Obj, ctx: Ctx): Cluster {
        const name = str(b.name);
        const dcRef = ref(b.data_center);
        const missing = [!name && "name", !dcRef && "dataCenter.id|name"].filter((x): x is string => !!x);
        if (missing.length) throw incomplete("Cluster", missing);
        this.assertNameUnused(this.state.clusters, name!, texts.clusterNameInUse("create"));
        const dc = this.resolve(this.state.dataCenters, dcRef, "DataCenter")!;
        const cpu = obj(b.cpu);
        const v = obj(b.version);
        const mgmt = this.state.networks.find((n) => n.dataCenterId === dc.id && n.name === "ovirtmgmt");
        const c: Cluster = { id: randomUUID(), name: name!, description: str(b.description) ?? "", comment: str(b.comment),
            dataCenterId: dc.id, cpuType: str(cpu?.type) ?? "Intel Cascadelake Server Family",
            architecture: enumValue(cpu?.architecture, "cpu.architecture", ["x86_64", "ppc64", "s390x", "undefined"]) ?? "x86_64",
            version: { major: int(v?.major, "version.major") ?? dc.version.major, minor: int(v?.minor, "version.minor") ?? dc.version.minor },
            networks: mgmt ? [{ networkId: mgmt.id, required: true, display: true }] : [],
            memoryOverCommitPercent: int(obj(obj(b.memory_policy)?.over_commit)?.percent, "memory_policy.over_commit.percent") ?? 100,
            ballooningEnabled: bool(b.ballooning_enabled, "ballooning_enabled") ?? true,
            threadsAsCores: bool(b.threads_as_cores, "threads_as_cores") ?? false, firewallType: "firewalld",
            switchType: "legacy", biosType: str(b.bios_type) ?? "q35_ovmf" };
        this.state.clusters.push(c);
        this.event(EVENT.clusterAdded, "normal", `Cluster ${c.name} was added by admin@internal-authz`, { clusterId: c.id, dataCenterId: dc.id }, ctx.correlationId);
        this.doneJob(`Adding new Cluster ${c.name} to Data Center ${dc.name}`, ctx);
        return c;
    }

    updateCluster(id: string, b: Obj, ctx: Ctx): Cluster {
        const c = this.cluster(id);
        const name = str(b.name);
        if (name && name !== c.name) { this.assertNameUnused(this.state.clusters, name, texts.clusterNameInUse("update"), id); c.name = name; }
        if (b.description !== undefined) c.description = str(b.description);
        if (b.comment !== undefined) c.comment = str(b.comment);
        const pct = int(obj(obj(b.memory_policy)?.over_commit)?.percent, "memory_policy.over_commit.percent");
        if (pct !== undefined) c.memoryOverCommitPercent = pct;
        this.doneJob(`Updating Cluster ${c.name}`, ctx);
        this.dirty = true;
        return c;
    }

    removeCluster(id: string, ctx: Ctx): Job {
        const c = this.cluster(id);
        if (this.state.hosts.some((h) => h.clusterId === id)) throw conflict("Cannot remove Cluster. Host Cluster contains one or more Hosts.");
        if (this.state.vms.some((v) => v.clusterId === id)) throw conflict("Cannot remove Cluster. Host Cluster contains one or more VMs.");
        this.state.clusters = this.state.clusters.filter((x) => x.id !== id);
        this.state.affinityGroups = this.state.affinityGroups.filter((g) => g.clusterId !== id);
        this.event(EVENT.clusterRemoved, "normal", `Cluster ${c.name} was removed by admin@internal-authz`, {}, ctx.correlationId);
        return this.doneJob(`Removing Cluster ${c.name}`, ctx);
    }

    clusterNetwork(clusterId: string, networkId: string): { network: Network; required: boolean; display?: boolean } {
        const c = this.cluster(clusterId);
        const cn = c.networks.find((x) => x.networkId === networkId);
        if (!cn) throw new NotFound(`network ${networkId} in cluster ${clusterId}`);
        return { network: this.network(networkId), required: cn.required, display: cn.display };
    }

    assignNetwork(clusterId: string, b: Obj, ctx: Ctx): Network {
        const c = this.cluster(clusterId);
        const r = ref(b);
        if (!r) throw incomplete("Network", ["id|name"]);
        const n = this.resolve(this.state.networks, r, "Network", (x) => x.dataCenterId === c.dataCenterId)!;
        if (c.networks.some((x) => x.networkId === n.id)) {
            throw conflict("Cannot attach Network to Cluster. The Network is already attached to the Cluster.");
        }
        // NetworkCluster is required unless the client says otherwise; an external (OVN) network cannot be
        // (NetworkClusterCommandBase.validateAttachment → NetworkClusterValidatorBase.externalNetworkNotRequired)
        const required = bool(b.required, "required") ?? true;
        if (required && n.externalProviderId) throw badParameter(texts.externalNetworkRequired);
        c.networks.push({ networkId: n.id, required, display: bool(b.display, "display") ?? false });
        this.doneJob(`Attaching Network ${n.name} to Cluster ${c.name}`, ctx);
        this.dirty = true;
        this.recheckHosts(clusterId);
        return n;
    }

    unassignNetwork(clusterId: string, networkId: string, ctx: Ctx): Job {
        const c = this.cluster(clusterId);
        const n = this.clusterNetwork(clusterId, networkId).network;
        if (n.usages.includes("management")) {
            throw conflict("Cannot detach Network from Cluster. The Management Network ('ovirtmgmt') is mandatory and cannot be removed.");
        }
        c.networks = c.networks.filter((x) => x.networkId !== networkId);
        this.recheckHosts(clusterId);
        return this.doneJob(`Detaching Network ${n.name} from Cluster ${c.name}`, ctx);
    }

    /** Hosts lacking a required cluster network are non_operational; they recover when the requirement goes. */
    private recheckHosts(clusterId: string): void {
        for (const h of this.state.hosts.filter((x) => x.clusterId === clusterId)) {
            const missing = this.missingRequiredNetworks(h);
            if (h.status === "up" && missing.length) {
                this.setStatus(h, "non_operational");
                this.event(EVENT.hostNonOperational, "error",
                    `Host ${h.name} does not comply with the cluster ${this.cluster(clusterId).name} networks, the following networks are missing on host: '${missing.join(",")}'`, { hostId: h.id });
            } else if (h.status === "non_operational" && !missing.length) {
                this.setStatus(h, "up");
            }
        }
    }

    private missingRequiredNetworks(h: Host): string[] {
        const c = this.state.clusters.find((x) => x.id === h.clusterId);
        if (!c) return [];
        return c.networks.filter((cn) => cn.required)
            .map((cn) => this.state.networks.find((n) => n.id === cn.networkId))
            .filter((n): n is Network => !!n && !n.externalProviderId && !h.networkNames.includes(n.name))
            .map((n) => n.name);
    }

    // ---------------------------------------------------------------- hosts

    addHost(b: Obj, q: { activate: boolean }, ctx: Ctx): Host {
        const name = str(b.name);
        const address = str(b.address);
        const cRef = ref(b.cluster);
        const ssh = obj(b.ssh);
        const method = str(ssh?.authentication_method)?.toLowerCase();
        const missing = [!name && "name", !address && "address", !cRef && "cluster.id|name"].filter((x): x is string => !!x);
        if (missing.length) throw incomplete("Host", missing);
        if (method !== "publickey" && !str(b.root_password)) throw incomplete("Host", ["rootPassword"]);
        this.assertNameFree(this.state.hosts, name!, "add", "Host");
        if (this.state.hosts.some((h) => h.address === address)) {
            throw conflict("Cannot add Host. The Host address is already in use, please choose a unique address and try again.");
        }
        const c = this.resolve(this.state.clusters, cRef, "Cluster")!;
        const h: Host = { id: randomUUID(), name: name!, description: str(b.description), comment: str(b.comment), address: address!,
            port: int(b.port, "port") ?? 54321, clusterId: c.id, status: "installing",
            spmPriority: int(obj(b.spm)?.priority, "spm.priority") ?? 5, spmStatus: "none", type: "rhel",
            authMethod: method === "publickey" ? "publickey" : "password", memory: 96 * GiB, cores: 96, externalStatus: "ok",
            networkNames: ["ovirtmgmt"] };
        this.state.hosts.push(h);
        this.recordHistory(h.id, "installing");
        const job = this.startJob(`Adding new Host ${h.name} to Cluster ${c.name}`, ctx);
        this.event(EVENT.hostAdded, "normal", `Host ${h.name} was added by admin@internal-authz.`, { hostId: h.id, clusterId: c.id }, ctx.correlationId);
        this.beginInstall(h, q.activate, job.id, ctx.correlationId);
        return h;
    }

    private beginInstall(h: Host, activate: boolean, jobId: string, correlationId: string): void {
        this.event(EVENT.hostInstalling, "normal", `Installing Host ${h.name}. Stage: Initializing.`, { hostId: h.id }, correlationId);
        const known = this.state.installableHosts.some((a) => a.toLowerCase() === h.address.toLowerCase() || a.toLowerCase() === h.name.toLowerCase());
        if (known) this.schedule(this.latency.hostInstalling, "host.initializing", h.id, { activate, jobId, correlationId });
        else this.schedule(this.latency.hostInstallFail, "host.installFailed", h.id, { jobId, correlationId });
    }

    activateHost(id: string, ctx: Ctx): ActionResult {
        const h = this.host(id);
        if (HOST_TRANSIENT.includes(h.status)) throw conflict(texts.locked("activate", "Host"));
        if (h.status === "up") throw conflict(texts.hostWrongState("activate", "maintenance"));
        if (!["maintenance", "non_operational", "non_responsive", "install_failed", "down"].includes(h.status)) {
            throw conflict(texts.hostWrongState("activate", "maintenance"));
        }
        const job = this.startJob(`Activating Host ${h.name}`, ctx);
        this.setStatus(h, "unassigned");
        this.schedule(this.latency.hostActivating, "host.up", h.id, { jobId: job.id, correlationId: ctx.correlationId });
        return { job };
    }

    deactivateHost(id: string, ctx: Ctx): ActionResult {
        const h = this.host(id);
        if (HOST_TRANSIENT.includes(h.status)) throw conflict(texts.locked("maintenance", "Host"));
        if (h.status === "maintenance") throw conflict(texts.hostWrongState("maintenance", "up"));
        const running = this.state.vms.filter((v) => v.hostId === h.id && VM_RUNNING.includes(v.status));
        if (running.length) {
            const other = this.state.hosts.find((x) => x.id !== h.id && x.clusterId === h.clusterId && x.status === "up");
            if (!other) {
                throw conflict(`Cannot switch Host ${h.name} to Maintenance mode. There are no available hosts capable of running the VMs: ${running.map((v) => v.name).join(", ")}.`);
            }
            for (const v of running) v.hostId = other.id;       // live migration, settled at once
        }
        const job = this.startJob(`Moving Host ${h.name} to Maintenance`, ctx);
        this.setStatus(h, "preparing_for_maintenance");
        this.schedule(this.latency.hostPreparingForMaintenance, "host.maintenance", h.id, { jobId: job.id, correlationId: ctx.correlationId });
        return { job };
    }

    reinstallHost(id: string, b: Obj, ctx: Ctx): ActionResult {
        const h = this.host(id);
        if (!["maintenance", "install_failed", "non_operational", "non_responsive"].includes(h.status)) {
            throw conflict(texts.hostWrongState("install", "maintenance"));
        }
        const job = this.startJob(`Installing Host ${h.name}`, ctx);
        this.setStatus(h, "installing");
        this.beginInstall(h, bool(b.activate, "activate") ?? true, job.id, ctx.correlationId);
        return { job };
    }

    refreshHost(id: string, ctx: Ctx): ActionResult {
        const h = this.host(id);
        return { job: this.doneJob(`Refreshing Host ${h.name} capabilities`, ctx) };
    }

    updateHost(id: string, b: Obj, ctx: Ctx): Host {
        const h = this.host(id);
        const name = str(b.name);
        if (name && name !== h.name) { this.assertNameFree(this.state.hosts, name, "update", "Host", id); h.name = name; }
        if (b.description !== undefined) h.description = str(b.description);
        if (b.comment !== undefined) h.comment = str(b.comment);
        const prio = int(obj(b.spm)?.priority, "spm.priority");
        if (prio !== undefined) h.spmPriority = prio;
        this.doneJob(`Updating Host ${h.name}`, ctx);
        this.dirty = true;
        return h;
    }

    /** `force` only matters for Gluster bricks in the engine (RemoveVdsCommand), which are not modelled. */
    removeHost(id: string, _force: boolean, ctx: Ctx): Job {
        const h = this.host(id);
        // RemoveVdsCommand.validate: the status first, then running VMs, then VMs pinned to the host
        if (!HOST_REMOVABLE.includes(h.status)) {
            throw conflict(HOST_TRANSIENT.includes(h.status) ? texts.locked("remove", "Host") : texts.hostOperational);
        }
        if (this.state.vms.some((v) => v.hostId === h.id && VM_RUNNING.includes(v.status))) throw conflict(texts.hostHasRunningVms);
        const pinned = this.state.vms.filter((v) => v.placementAffinity === "pinned" && v.placementHostIds.includes(h.id));
        if (pinned.length) throw conflict(texts.hostHasPinnedVms(pinned.map((v) => v.name).join(",")));
        this.state.hosts = this.state.hosts.filter((x) => x.id !== id);
        this.event(EVENT.hostRemoved, "normal", `Host ${h.name} was removed by admin@internal-authz.`, {}, ctx.correlationId);
        return this.doneJob(`Removing Host ${h.name}`, ctx);
    }

    // ---------------------------------------------------------------- storage domains

    async addStorageDomain(b: Obj, ctx: Ctx): Promise<StorageDomain> {
        const name = str(b.name);
        const type = enumValue(b.type, "type", ["data", "iso", "export", "image", "volume", "managed_block_storage"]);
        const storage = obj(b.storage);
        const stype = enumValue(storage?.type, "storage.type",
            ["iscsi", "fcp", "nfs", "localfs", "posixfs", "glusterfs", "glance", "cinder", "managed_block_storage"]);
        const hRef = ref(b.host);
        const missing = [!type && "type", !stype && "storage.type", !hRef && "host.id|name"].filter((x): x is string => !!x);
        if (missing.length) throw incomplete("StorageDomain", missing);
        if (stype === "nfs") {
            const m = [!name && "name", !str(storage?.address) && "storage.address", !str(storage?.path) && "storage.path"].filter((x): x is string => !!x);
            if (m.length) throw incomplete("StorageDomain", m);
        }
        const host = this.resolve(this.state.hosts, hRef, "Host")!;
        const sdName = name ?? `${stype}-${randomUUID().slice(0, 8)}`;
        this.assertNameUnused(this.state.storageDomains, sdName, texts.storageDomainNameInUse("add"));
        if (host.status !== "up") throw conflict(texts.hostNotUp("add", host.name));
        const address = str(storage?.address);
        const path = str(storage?.path)?.replace(/\/+$/, "");
        if (address && path && this.state.storageDomains.some((s) => s.address === address && s.path === path)) {
            throw conflict("Cannot add Storage Connection. Storage connection already exists.");
        }
        const job = this.startJob(`Adding ${statusWords(stype!)} Storage Domain ${sdName}`, ctx);
        await new Promise((r) => setTimeout(r, this.latency.sdCreate));   // the engine creates the domain within the call
        if (this.state.storageDomains.some((s) => s.name === sdName)) { this.endJob(job.id, "failed"); throw conflict(texts.storageDomainNameInUse("add")); }
        const sd: StorageDomain = { id: randomUUID(), name: sdName, description: str(b.description) ?? "", comment: str(b.comment),
            type: type!, storageType: stype!, address, path, nfsVersion: enumValue(storage?.nfs_version, "storage.nfs_version",
                ["auto", "v3", "v4", "v4_0", "v4_1", "v4_2"]) ?? (stype === "nfs" ? "auto" : undefined),
            mountOptions: str(storage?.mount_options), nfsTimeo: int(storage?.nfs_timeo, "storage.nfs_timeo"),
            nfsRetrans: int(storage?.nfs_retrans, "storage.nfs_retrans"),
            storageFormat: enumValue(b.storage_format, "storage_format", ["v1", "v2", "v3", "v4", "v5"]) ?? "v5",
            available: 600 * GiB, used: 4 * GiB, committed: 0, master: false, externalStatus: "ok",
            wipeAfterDelete: bool(b.wipe_after_delete, "wipe_after_delete") ?? false,
            discardAfterDelete: bool(b.discard_after_delete, "discard_after_delete") ?? false, backup: bool(b.backup, "backup") ?? false,
            warningLowSpaceIndicator: int(b.warning_low_space_indicator, "warning_low_space_indicator") ?? 10,
            criticalSpaceActionBlocker: int(b.critical_space_action_blocker, "critical_space_action_blocker") ?? 5,
            blockSize: int(b.block_size, "block_size") ?? 512, attachments: [], status: "unattached" };
        this.state.storageDomains.push(sd);
        this.recordHistory(sd.id, "unattached");
        this.endJob(job.id);
        this.event(EVENT.sdAdded, "normal", `Storage Domain ${sd.name} was added by admin@internal-authz`, { storageDomainId: sd.id }, ctx.correlationId);
        return sd;
    }

    updateStorageDomain(id: string, b: Obj, ctx: Ctx): StorageDomain {
        const sd = this.storageDomain(id);
        const name = str(b.name);
        if (name && name !== sd.name) { this.assertNameUnused(this.state.storageDomains, name, texts.storageDomainNameInUse("update"), id); sd.name = name; }
        if (b.description !== undefined) sd.description = str(b.description);
        if (b.comment !== undefined) sd.comment = str(b.comment);
        sd.wipeAfterDelete = bool(b.wipe_after_delete, "wipe_after_delete") ?? sd.wipeAfterDelete;
        sd.discardAfterDelete = bool(b.discard_after_delete, "discard_after_delete") ?? sd.discardAfterDelete;
        sd.warningLowSpaceIndicator = int(b.warning_low_space_indicator, "warning_low_space_indicator") ?? sd.warningLowSpaceIndicator;
        sd.criticalSpaceActionBlocker = int(b.critical_space_action_blocker, "critical_space_action_blocker") ?? sd.criticalSpaceActionBlocker;
        this.doneJob(`Updating Storage Domain ${sd.name}`, ctx);
        this.dirty = true;
        return sd;
    }

    removeStorageDomain(id: string, q: { host?: string; format: boolean; destroy: boolean }, ctx: Ctx): Job {
        const sd = this.storageDomain(id);
        if (q.destroy) {
            const active = sd.attachments.find((a) => a.status !== "maintenance" && a.status !== "unknown" && a.status !== "inactive");
            if (active) throw conflict(texts.sdWrongState("destroy", active.status));
        } else {
            if (!q.host) throw new EngineFault(400, "host parameter is missing");
            const host = this.state.hosts.find((h) => h.id === q.host || h.name === q.host);
            if (!host) throw entityNotFound("Host", q.host);
            if (sd.attachments.length) throw conflict(texts.sdWrongState("remove", sd.attachments[0].status));
            if (sd.status === "locked") throw conflict(texts.locked("remove", "Storage"));
            if (host.status !== "up") throw conflict(texts.hostNotUp("remove", host.name));
        }
        for (const s of sd.attachments) {
            sd.attachments = [];
            this.refreshDcStatus(s.dataCenterId);
        }
        this.state.storageDomains = this.state.storageDomains.filter((s) => s.id !== id);
        this.state.disks = this.state.disks.filter((d) => d.storageDomainId !== id || d.vmId || d.templateId);
        this.event(EVENT.sdRemoved, "normal", `Storage Domain ${sd.name} was removed by admin@internal-authz`, {}, ctx.correlationId);
        return this.doneJob(`Removing Storage Domain ${sd.name}`, ctx);
    }

    attachStorageDomain(dcId: string, b: Obj, ctx: Ctx): StorageDomain {
        const dc = this.dataCenter(dcId);
        const r = ref(b);
        if (!r) throw incomplete("StorageDomain", ["id|name"]);
        const sd = this.resolve(this.state.storageDomains, r, "StorageDomain")!;
        if (sd.attachments.some((a) => a.dataCenterId === dcId)) throw conflict(texts.sdWrongState("attach", this.attachmentOf(sd, dcId).status));
        if (sd.attachments.length && sd.type === "data") throw conflict("Cannot attach Storage. Storage Domain is already attached to a Data Center.");
        if (sd.status === "locked") throw conflict(texts.locked("attach", "Storage"));
        if (sd.storageFormat === "v5" && (dc.version.major < 4 || (dc.version.major === 4 && dc.version.minor < 3))) {
            throw conflict("Cannot attach Storage. Storage Domain format V5 is illegal.");
        }
        const up = this.state.hosts.find((h) => h.status === "up" && this.clusterDc(h.clusterId) === dcId);
        if (!up) throw conflict("Cannot attach Storage. There is no active Host in the Data Center.");
        const job = this.startJob(`Attaching Storage Domain ${sd.name} to Data Center ${dc.name}`, ctx);
        sd.attachments.push({ dataCenterId: dcId, status: "locked" });
        sd.status = "locked";
        this.recordHistory(`${sd.id}@${dcId}`, "locked");
        this.schedule(this.latency.sdLocked, "sd.attach.maintenance", sd.id, { dcId, jobId: job.id, correlationId: ctx.correlationId });
        return sd;
    }

    activateStorageDomain(dcId: string, sdId: string, ctx: Ctx): ActionResult {
        const sd = this.storageDomain(sdId);
        this.dataCenter(dcId);
        const a = this.attachmentOf(sd, dcId);
        if (a.status === "locked" || a.status === "activating" || a.status === "detaching") throw conflict(texts.locked("activate", "Storage"));
        if (!SD_ACTIVATABLE.includes(a.status)) throw conflict(texts.sdWrongState("activate", a.status));
        const job = this.startJob(`Activating Storage Domain ${sd.name}`, ctx);
        this.setAttachment(sd, dcId, "activating");
        this.schedule(this.latency.sdActivating, "sd.active", sd.id, { dcId, jobId: job.id, correlationId: ctx.correlationId });
        return { job };
    }

    deactivateStorageDomain(dcId: string, sdId: string, _force: boolean, ctx: Ctx): ActionResult {
        const sd = this.storageDomain(sdId);
        this.dataCenter(dcId);
        const a = this.attachmentOf(sd, dcId);
        if (a.status === "locked" || a.status === "activating" || a.status === "detaching") throw conflict(texts.locked("deactivate", "Storage"));
        if (!["active", "inactive", "unknown"].includes(a.status)) throw conflict(texts.sdWrongState("deactivate", a.status));
        const running = this.state.vms.filter((v) => VM_RUNNING.includes(v.status) &&
            v.diskAttachments.some((da) => this.state.disks.find((d) => d.id === da.diskId)?.storageDomainId === sd.id));
        if (running.length) {
            throw conflict(`Cannot deactivate Storage. The following VMs are running with disks on the Storage Domain: ${running.map((v) => v.name).join(", ")}.`);
        }
        const job = this.startJob(`Deactivating Storage Domain ${sd.name} in Data Center ${this.dataCenter(dcId).name}`, ctx);
        this.setAttachment(sd, dcId, "locked");
        this.schedule(this.latency.sdLocked, "sd.preparing", sd.id, { dcId, jobId: job.id, correlationId: ctx.correlationId });
        return { job };
    }

    detachStorageDomain(dcId: string, sdId: string, ctx: Ctx): Job {
        const sd = this.storageDomain(sdId);
        const dc = this.dataCenter(dcId);
        const a = this.attachmentOf(sd, dcId);
        if (a.status === "locked" || a.status === "detaching" || a.status === "activating") throw conflict(texts.locked("detach", "Storage"));
        if (a.status !== "maintenance") throw conflict(texts.sdWrongState("detach", a.status));
        const others = this.state.storageDomains.filter((s) => s.id !== sd.id && s.attachments.some((x) => x.dataCenterId === dcId));
        if (sd.master && others.length) {
            throw conflict(texts.masterDetach);
        }
        if (!sd.master && sd.type === "data" && !this.state.storageDomains.some((s) => s.master && s.attachments.some((x) => x.dataCenterId === dcId && x.status === "active"))) {
            throw conflict(texts.sdInaccessible("detach"));
        }
        const job = this.startJob(`Detaching Storage Domain ${sd.name} from Data Center ${dc.name}`, ctx);
        this.setAttachment(sd, dcId, "detaching");
        this.schedule(this.latency.sdDetaching, "sd.detached", sd.id, { dcId, jobId: job.id, correlationId: ctx.correlationId });
        return job;
    }

    private setAttachment(sd: StorageDomain, dcId: string, status: string): void {
        const a = this.attachmentOf(sd, dcId);
        a.status = status;
        sd.status = status;
        this.recordHistory(`${sd.id}@${dcId}`, status);
        this.refreshDcStatus(dcId);
    }

    // ---------------------------------------------------------------- networks, profiles, providers

    addNetwork(b: Obj, ctx: Ctx): Network {
        const name = str(b.name);
        const dcRef = ref(b.data_center);
        const missing = [!name && "name", !dcRef && "dataCenter.id|name"].filter((x): x is string => !!x);
        if (missing.length) throw incomplete("Network", missing);
        const dc = this.resolve(this.state.dataCenters, dcRef, "DataCenter")!;
        if (this.state.networks.some((n) => n.dataCenterId === dc.id && n.name === name)) {
            throw conflict(texts.networkNameInUse("add", name!));
        }
        const provRef = ref(b.external_provider);
        const prov = provRef ? this.resolve(this.state.providers, provRef, "OpenStackNetworkProvider") : undefined;
        const usages = wrappedList(b.usages, "usage")?.map((u) => String(u).toLowerCase()) ?? ["vm"];
        const n: Network = { id: randomUUID(), name: name!, description: str(b.description) ?? "", comment: str(b.comment),
            dataCenterId: dc.id, mtu: int(b.mtu, "mtu") ?? 0, vlanId: int(obj(b.vlan)?.id, "vlan.id"),
            stp: bool(b.stp, "stp") ?? false, usages, externalProviderId: prov?.id, externalId: prov ? randomUUID() : undefined,
            profileRequired: bool(b.profile_required, "profile_required") ?? true, portIsolation: bool(b.port_isolation, "port_isolation") ?? false };
        this.state.networks.push(n);
        if (n.profileRequired && usages.includes("vm")) {
            this.state.vnicProfiles.push({ id: randomUUID(), name: n.name, networkId: n.id, passThrough: "disabled", portMirroring: false });
        }
        this.event(EVENT.networkAdded, "normal", `Network ${n.name} was added to Data Center: ${dc.name}`, { dataCenterId: dc.id }, ctx.correlationId);
        this.doneJob(`Adding new Network ${n.name} to Data Center ${dc.name}`, ctx);
        return n;
    }

    updateNetwork(id: string, b: Obj, ctx: Ctx): Network {
        const n = this.network(id);
        const name = str(b.name);
        if (name && name !== n.name) {
            if (this.state.networks.some((x) => x.dataCenterId === n.dataCenterId && x.name === name)) throw conflict(texts.networkNameInUse("update", name));
            n.name = name;
        }
        if (b.description !== undefined) n.description = str(b.description);
        if (b.comment !== undefined) n.comment = str(b.comment);
        n.mtu = int(b.mtu, "mtu") ?? n.mtu;
        this.doneJob(`Updating Network ${n.name}`, ctx);
        this.dirty = true;
        return n;
    }

    removeNetwork(id: string, ctx: Ctx): Job {
        const n = this.network(id);
        if (n.usages.includes("management")) {
            throw conflict("Cannot remove Network. The Management Network ('ovirtmgmt') is mandatory and cannot be removed.");
        }
        const profiles = this.state.vnicProfiles.filter((p) => p.networkId === id).map((p) => p.id);
        const users = this.state.vms.filter((v) => v.nics.some((nic) => nic.vnicProfileId && profiles.includes(nic.vnicProfileId)));
        if (users.length) {
            throw conflict(`Cannot remove Network. Several VMs (${users.map((v) => v.name).join(", ")}) are using this logical network.`);
        }
        this.state.vnicProfiles = this.state.vnicProfiles.filter((p) => p.networkId !== id);
        for (const c of this.state.clusters) c.networks = c.networks.filter((cn) => cn.networkId !== id);
        this.state.networks = this.state.networks.filter((x) => x.id !== id);
        this.event(EVENT.networkRemoved, "normal", `Network ${n.name} was removed from Data Center.`, { dataCenterId: n.dataCenterId }, ctx.correlationId);
        for (const c of this.state.clusters) this.recheckHosts(c.id);
        return this.doneJob(`Removing Network ${n.name}`, ctx);
    }

    addVnicProfile(b: Obj, ctx: Ctx, networkId?: string): VnicProfile {
        const name = str(b.name);
        const netRef = networkId ? { id: networkId } : ref(b.network);
        const missing = [!name && "name", !netRef && "network.id"].filter((x): x is string => !!x);
        if (missing.length) throw incomplete("VnicProfile", missing);
        const n = this.resolve(this.state.networks, netRef, "Network")!;
        if (this.state.vnicProfiles.some((p) => p.networkId === n.id && p.name === name)) {
            throw conflict(texts.vnicProfileNameInUse("add"));
        }
        const p: VnicProfile = { id: randomUUID(), name: name!, description: str(b.description), networkId: n.id,
            passThrough: "disabled", portMirroring: bool(b.port_mirroring, "port_mirroring") ?? false };
        this.state.vnicProfiles.push(p);
        this.doneJob(`Adding VM network interface profile ${p.name}`, ctx);
        return p;
    }

    removeVnicProfile(id: string, ctx: Ctx): Job {
        const p = this.vnicProfile(id);
        const users = this.state.vms.filter((v) => v.nics.some((nic) => nic.vnicProfileId === id));
        if (users.length) {
            throw conflict(`Cannot remove VM network interface profile. The VM network interface profile is in use by the following VMs: ${users.map((v) => v.name).join(", ")}.`);
        }
        this.state.vnicProfiles = this.state.vnicProfiles.filter((x) => x.id !== id);
        return this.doneJob(`Removing VM network interface profile ${p.name}`, ctx);
    }

    // ---------------------------------------------------------------- templates

    addTemplate(b: Obj, ctx: Ctx): Template {
        const name = str(b.name);
        const vmRef = ref(b.vm);
        const missing = [!name && "name", !vmRef && "vm.id|name"].filter((x): x is string => !!x);
        if (missing.length) throw incomplete("Template", missing);
        const vm = this.resolve(this.state.vms, vmRef, "VM")!;
        this.assertNameFree(this.state.templates, name!, "add", "Template");
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("add", "Template"));
        if (vm.status !== "down") throw conflict(texts.vmWrongState("add", "Template", vm.status));
        const t: Template = { id: randomUUID(), name: name!, description: str(b.description) ?? "", comment: str(b.comment), status: "locked",
            clusterId: vm.clusterId, memory: vm.memory, sockets: vm.sockets, cores: vm.cores, threads: vm.threads, osType: vm.osType,
            bootDevices: [...vm.bootDevices], type: vm.type, creationTime: this.now(), diskAttachments: [], versionNumber: 1,
            versionName: str(obj(b.version)?.version_name), highAvailability: vm.highAvailability, stateless: vm.stateless, deleteProtected: false };
        for (const da of vm.diskAttachments) {
            const src = this.state.disks.find((d) => d.id === da.diskId);
            if (!src) continue;
            const copy: Disk = { ...src, id: randomUUID(), name: `${src.name}`, status: "locked", vmId: undefined, templateId: t.id };
            this.state.disks.push(copy);
            t.diskAttachments.push({ ...da, diskId: copy.id });
        }
        this.state.templates.push(t);
        this.recordHistory(t.id, "locked");
        this.setStatus(vm, "image_locked");
        const job = this.startJob(`Creating Template ${t.name} from VM ${vm.name}`, ctx);
        this.event(EVENT.templateAdded, "normal", `Creation of Template ${t.name} from VM ${vm.name} was initiated by admin@internal-authz.`,
            { templateId: t.id, vmId: vm.id }, ctx.correlationId);
        this.schedule(this.latency.templateCreate, "template.ok", t.id, { vmId: vm.id, jobId: job.id, correlationId: ctx.correlationId });
        return t;
    }

    updateTemplate(id: string, b: Obj, ctx: Ctx): Template {
        const t = this.template(id);
        if (t.status === "locked") throw conflict(texts.locked("update", "Template"));
        const name = str(b.name);
        if (name && name !== t.name) {
            if (t.id === SEED_IDS.blankTemplate) throw conflict("Cannot update Template. Blank Template cannot be edited.");
            this.assertNameFree(this.state.templates, name, "update", "Template", id);
            t.name = name;
        }
        if (b.description !== undefined) t.description = str(b.description);
        if (b.comment !== undefined) t.comment = str(b.comment);
        t.memory = int(b.memory, "memory", true) ?? t.memory;
        this.doneJob(`Updating Template ${t.name}`, ctx);
        this.dirty = true;
        return t;
    }

    removeTemplate(id: string, ctx: Ctx): Job {
        const t = this.template(id);
        if (t.id === SEED_IDS.blankTemplate) throw conflict("Cannot remove Template. Removing the Blank Template is not allowed.");
        if (t.status === "locked") throw conflict(texts.locked("remove", "Template"));
        const users = this.state.vms.filter((v) => v.templateId === id);
        if (users.length) throw conflict(texts.templateInUse(users.map((v) => v.name).join(",")));
        this.state.templates = this.state.templates.filter((x) => x.id !== id);
        this.state.disks = this.state.disks.filter((d) => d.templateId !== id);
        this.event(EVENT.templateRemoved, "normal", `Template ${t.name} was removed by admin@internal-authz.`, {}, ctx.correlationId);
        return this.doneJob(`Removing Template ${t.name}`, ctx);
    }

    // ---------------------------------------------------------------- VMs

    private readInitialization(v: unknown): Initialization | undefined {
        const i = obj(v);
        if (!i) return undefined;
        const nics = wrappedList(i.nic_configurations, "nic_configuration")?.map((x) => {
            const n = obj(x) ?? {};
            const ip = obj(n.ip);
            return { name: str(n.name), onBoot: bool(n.on_boot, "on_boot"), bootProtocol: str(n.boot_protocol)?.toLowerCase(),
                ip: ip ? { address: str(ip.address), netmask: str(ip.netmask), gateway: str(ip.gateway), version: str(ip.version)?.toLowerCase() } : undefined };
        });
        return { hostName: str(i.host_name), customScript: str(i.custom_script), userName: str(i.user_name),
            rootPassword: str(i.root_password), authorizedSshKeys: str(i.authorized_ssh_keys), dnsServers: str(i.dns_servers),
            dnsSearch: str(i.dns_search), timezone: str(i.timezone), regenerateSshKeys: bool(i.regenerate_ssh_keys, "regenerate_ssh_keys"),
            nicConfigurations: nics, cloudInitNetworkProtocol: str(i.cloud_init_network_protocol) };
    }

    private applyVmFields(vm: Vm, b: Obj): void {
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
        vm.type = enumValue(b.type, "type", ["desktop", "server", "high_performance"]) ?? vm.type;
        const ha = obj(b.high_availability);
        if (ha) {
            vm.highAvailability = bool(ha.enabled, "high_availability.enabled") ?? vm.highAvailability;
            vm.haPriority = int(ha.priority, "high_availability.priority") ?? vm.haPriority;
        }
        vm.deleteProtected = bool(b.delete_protected, "delete_protected") ?? vm.deleteProtected;
        vm.stateless = bool(b.stateless, "stateless") ?? vm.stateless;
        const pp = obj(b.placement_policy);
        if (pp) {
            vm.placementAffinity = enumValue(pp.affinity, "placement_policy.affinity", ["migratable", "user_migratable", "pinned"]) ?? vm.placementAffinity;
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
        const missing = [!name && "name", !cRef && "cluster.id|name", !tRef && "template.id|name"].filter((x): x is string => !!x);
        if (missing.length) throw incomplete("Vm", missing);
        if (name!.length > 255 || !/^[\w.\-+]+$/u.test(name!)) {
            throw badParameter("Cannot add VM. The given name contains special characters. Only lower-case and upper-case letters, numbers, '_', '-', '.' are allowed.");
        }
        const cluster = this.resolve(this.state.clusters, cRef, "Cluster")!;
        const tpl = this.resolve(this.state.templates, tRef, "Template")!;
        this.assertNameFree(this.state.vms, name!, "add", "VM");
        if (tpl.status === "locked") throw conflict(texts.locked("add", "VM"));
        const t = this.now();
        const vm: Vm = { id: randomUUID(), name: name!, clusterId: cluster.id, templateId: tpl.id, status: "image_locked",
            memory: tpl.memory, memoryGuaranteed: tpl.memory, memoryMax: tpl.memory * 4, ballooning: true, sockets: tpl.sockets,
            cores: tpl.cores, threads: tpl.threads, osType: tpl.osType, bootDevices: [...tpl.bootDevices], type: tpl.type,
            highAvailability: tpl.highAvailability, haPriority: 0, deleteProtected: false, stateless: tpl.stateless,
            placementAffinity: "migratable", placementHostIds: [], initialized: false, nics: [], diskAttachments: [], tagIds: [],
            creationTime: t, guestDevices: [], runOnce: false };
        const memGiven = b.memory !== undefined;
        this.applyVmFields(vm, b);
        if (memGiven && !obj(b.memory_policy)) { vm.memoryGuaranteed = vm.memory; vm.memoryMax = vm.memory * 4; }
        const overrides = wrappedList(b.disk_attachments, "disk_attachment") ?? [];
        const job = this.startJob(`Creating VM ${vm.name} from Template ${tpl.name} in Cluster ${cluster.name}`, ctx);
        for (const da of tpl.diskAttachments) {
            const src = this.state.disks.find((d) => d.id === da.diskId);
            if (!src) continue;
            const ov = overrides.map(obj).find((o) => str(obj(o?.disk)?.id) === src.id);
            const ovDisk = obj(ov?.disk);
            const sdRef = ref(wrappedList(ovDisk?.storage_domains, "storage_domain")?.[0]);
            const sd = sdRef ? this.resolve(this.state.storageDomains, sdRef, "StorageDomain")! : undefined;
            const copy: Disk = { ...src, id: randomUUID(), name: src.name.replace(tpl.name, vm.name), status: "locked", templateId: undefined,
                vmId: vm.id, storageDomainId: sd?.id ?? src.storageDomainId,
                format: enumValue(ovDisk?.format, "disk.format", ["cow", "raw"]) ?? src.format };
            this.state.disks.push(copy);
            vm.diskAttachments.push({ ...da, diskId: copy.id });
        }
        this.state.vms.push(vm);
        this.recordHistory(vm.id, "image_locked");
        this.event(EVENT.vmAdded, "normal", `VM ${vm.name} creation was initiated by admin@internal-authz.`, { vmId: vm.id, clusterId: cluster.id }, ctx.correlationId);
        this.schedule(vm.diskAttachments.length ? this.latency.diskCopy : 0, "vm.created", vm.id, { jobId: job.id, correlationId: ctx.correlationId });
        return vm;
    }

    updateVm(id: string, b: Obj, ctx: Ctx): Vm {
        const vm = this.vm(id);
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("update", "VM"));
        const name = str(b.name);
        if (name && name !== vm.name) { this.assertNameFree(this.state.vms, name, "update", "VM", id); vm.name = name; }
        this.applyVmFields(vm, b);
        this.doneJob(`Editing VM ${vm.name} properties`, ctx);
        this.dirty = true;
        return vm;
    }

    private bootable(vm: Vm): boolean {
        if (!vm.bootDevices.every((d) => d === "hd")) return true;
        return vm.diskAttachments.some((da) => da.bootable && da.active);
    }

    private pickHost(vm: Vm): Host {
        const hosts = this.state.hosts.filter((h) => h.clusterId === vm.clusterId && h.status === "up");
        let cands = vm.placementAffinity === "pinned" && vm.placementHostIds.length ? hosts.filter((h) => vm.placementHostIds.includes(h.id)) : hosts;
        const reasons: string[] = [];
        for (const g of this.state.affinityGroups.filter((x) => x.clusterId === vm.clusterId && x.vmIds.includes(vm.id) && x.vmsRule.enabled && x.vmsRule.enforcing)) {
            const peers = this.state.vms.filter((v) => v.id !== vm.id && g.vmIds.includes(v.id) && v.hostId && VM_RUNNING.includes(v.status));
            const peerHosts = new Set(peers.map((p) => p.hostId!));
            const before = cands.length;
            cands = g.vmsRule.positive ? (peerHosts.size ? cands.filter((h) => peerHosts.has(h.id)) : cands) : cands.filter((h) => !peerHosts.has(h.id));
            if (cands.length < before) reasons.push(`The host did not satisfy internal filter VmAffinityGroups because it did not match positive or negative affinity rules of group ${g.name}.`);
        }
        if (!cands.length) {
            const why = hosts.length ? reasons.join(", ") || "The host did not satisfy internal filter PinToHost." : "There are no hosts to use. Check that the cluster contains at least one host in Up state.";
            throw conflict(`Cannot run VM. There is no host that satisfies current scheduling constraints. See below for details:, ${why}`);
        }
        // least loaded host first
        const load = (h: Host) => this.state.vms.filter((v) => v.hostId === h.id && VM_RUNNING.includes(v.status)).length;
        return [...cands].sort((a, b2) => load(a) - load(b2))[0];
    }

    startVm(id: string, b: Obj, ctx: Ctx): ActionResult {
        const vm = this.vm(id);
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("run", "VM"));
        const locked = vm.diskAttachments.map((da) => this.state.disks.find((d) => d.id === da.diskId)).filter((d) => d?.status === "locked");
        if (locked.length) throw conflict(texts.disksLocked("run", "VM", locked.map((d) => d!.name).join(", ")));
        if (VM_RUNNING.includes(vm.status)) throw conflict(texts.vmRunning("run"));
        if (vm.status !== "down" && vm.status !== "suspended") throw conflict(texts.vmWrongState("run", "VM", vm.status));
        if (!this.bootable(vm)) throw conflict(texts.noBootableDisk);
        const host = this.pickHost(vm);
        const runInit = this.readInitialization(obj(b.vm)?.initialization);
        const useCloudInit = bool(b.use_cloud_init, "use_cloud_init") ?? false;
        vm.runOnce = !!runInit || useCloudInit;
        if (runInit) vm.initialization = { ...(vm.initialization ?? {}), ...Object.fromEntries(Object.entries(runInit).filter(([, v]) => v !== undefined)) };
        const job = this.startJob(`Launching VM ${vm.name}`, ctx);
        vm.hostId = host.id;
        this.setStatus(vm, "wait_for_launch");
        this.event(EVENT.vmStarted, "normal", `VM ${vm.name} was started by admin@internal-authz (Host: ${host.name}).`, { vmId: vm.id, hostId: host.id }, ctx.correlationId);
        this.schedule(this.latency.vmWaitForLaunch, "vm.poweringUp", vm.id, { jobId: job.id, correlationId: ctx.correlationId });
        return { job };
    }

    stopVm(id: string, ctx: Ctx): ActionResult {
        const vm = this.vm(id);
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("stop", "VM"));
        if (!VM_RUNNING.includes(vm.status) && vm.status !== "suspended") throw conflict(texts.vmNotRunning("stop"));
        const job = this.startJob(`Stopping VM ${vm.name}`, ctx);
        this.cancelPending(vm.id);
        this.event(EVENT.vmStopped, "normal", `VM ${vm.name} powered off by admin@internal-authz (Host: ${this.hostName(vm.hostId)}).`, { vmId: vm.id }, ctx.correlationId);
        this.schedule(this.latency.vmStop, "vm.down", vm.id, { jobId: job.id, correlationId: ctx.correlationId, reason: "stop" });
        return { job };
    }

    shutdownVm(id: string, ctx: Ctx): ActionResult {
        const vm = this.vm(id);
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("shutdown", "VM"));
        if (vm.status === "powering_down") throw conflict(texts.vmWrongState("shutdown", "VM", vm.status));
        if (!VM_RUNNING.includes(vm.status)) throw conflict(texts.vmNotRunning("shutdown"));
        const job = this.startJob(`Shutting down VM ${vm.name}`, ctx);
        this.cancelPending(vm.id);
        this.setStatus(vm, "powering_down");
        this.event(EVENT.vmShutdown, "normal", `VM shutdown initiated by admin@internal-authz on VM ${vm.name} (Host: ${this.hostName(vm.hostId)}).`, { vmId: vm.id }, ctx.correlationId);
        this.schedule(this.latency.vmPoweringDown, "vm.down", vm.id, { jobId: job.id, correlationId: ctx.correlationId, reason: "shutdown" });
        return { job };
    }

    private hostName(id?: string): string { return this.state.hosts.find((h) => h.id === id)?.name ?? "N/A"; }

    private cancelPending(target: string): void {
        const dropped = this.state.pending.filter((p) => p.target === target);
        this.state.pending = this.state.pending.filter((p) => p.target !== target);
        for (const p of dropped) if (p.args?.jobId) this.endJob(String(p.args.jobId), "aborted");
    }

    removeVm(id: string, q: { detachOnly: boolean }, ctx: Ctx): Job {
        const vm = this.vm(id);
        if (vm.status === "suspended") throw conflict(texts.vmNotDown);
        if (!VM_REMOVABLE.includes(vm.status)) throw conflict(texts.vmRunning("remove"));
        if (vm.deleteProtected) throw conflict(texts.deleteProtected("remove", "VM"));
        this.cancelPending(vm.id);
        this.state.vms = this.state.vms.filter((x) => x.id !== id);
        const diskIds = vm.diskAttachments.map((d) => d.diskId);
        if (q.detachOnly) for (const d of this.state.disks) { if (d.vmId === id) d.vmId = undefined; }
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

    private nextMac(): string {
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
        if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac)) throw badParameter("Cannot add Interface. MAC address format is invalid.");
        if (this.state.vms.some((v) => v.nics.some((n) => n.mac === mac))) throw conflict("Cannot add Interface. The MAC address is already in use.");
        const nic: Nic = { id: randomUUID(), name, interface: enumValue(b.interface, "interface", ["virtio", "e1000", "rtl8139", "pci_passthrough", "spapr_vlan", "e1000e"]) ?? "virtio",
            mac, plugged: bool(b.plugged, "plugged") ?? true, linked: bool(b.linked, "linked") ?? true, vnicProfileId: profile?.id };
        vm.nics.push(nic);
        if (vm.status === "up") this.schedule(this.latency.vmGuestAgent, "vm.guestAgent", vm.id, {});
        this.event(EVENT.nicAdded, "normal", `Interface ${nic.name} (VirtIO) was added to VM ${vm.name}.`, { vmId: vm.id }, ctx.correlationId);
        this.doneJob(`Adding Network Interface ${nic.name} to VM ${vm.name}`, ctx);
        return nic;
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
        if (VM_RUNNING.includes(vm.status) && nic.plugged) {
            throw conflict("Cannot remove Interface. The interface is plugged into a running VM. Please unplug it first.");
        }
        vm.nics = vm.nics.filter((n) => n.id !== nicId);
        vm.guestDevices = vm.guestDevices.filter((g) => g.mac !== nic.mac);
        return this.doneJob(`Removing Network Interface ${nic.name} from VM ${vm.name}`, ctx);
    }

    // Disks

    diskAttachment(owner: { diskAttachments: DiskAttachment[] }, diskId: string): DiskAttachment {
        const da = owner.diskAttachments.find((x) => x.diskId === diskId);
        if (!da) throw new NotFound(`disk attachment ${diskId}`);
        return da;
    }

    addDiskAttachment(vmId: string, b: Obj, ctx: Ctx): DiskAttachment {
        const vm = this.vm(vmId);
        const d = obj(b.disk);
        if (!d) throw incomplete("DiskAttachment", ["disk"]);
        const iface = enumValue(b.interface, "interface", ["virtio", "virtio_scsi", "ide", "sata", "spapr_vscsi"]);
        if (!iface) throw incomplete("DiskAttachment", ["interface"]);
        if (vm.status === "image_locked") throw conflict(texts.vmWrongState("attach", "Virtual Disk", vm.status));
        let disk: Disk;
        const job = this.startJob(`Attaching Disk to VM ${vm.name}`, ctx);
        if (str(d.id)) {
            disk = this.resolve(this.state.disks, { id: str(d.id) }, "Disk")!;
            if (vm.diskAttachments.some((x) => x.diskId === disk.id)) throw conflict("Cannot attach Virtual Disk. The disk is already attached to VM.");
            if (disk.vmId && !disk.shareable) throw conflict(`Cannot attach Virtual Disk. The disk is already attached to VM ${this.state.vms.find((v) => v.id === disk.vmId)?.name ?? disk.vmId}.`);
            if (disk.status === "locked") throw conflict(texts.disksLocked("attach", "Virtual Disk", disk.name));
            disk.vmId = vm.id;
            this.endJob(job.id);
        } else {
            const size = int(d.provisioned_size, "disk.provisioned_size", true);
            const format = enumValue(d.format, "disk.format", ["cow", "raw"]);
            const sdRef = ref(wrappedList(d.storage_domains, "storage_domain")?.[0]);
            const missing = [size === undefined && "disk.provisionedSize", !format && "disk.format", !sdRef && "disk.storageDomains.id"].filter((x): x is string => !!x);
            if (missing.length) throw incomplete("DiskAttachment", missing);
            const sd = this.resolve(this.state.storageDomains, sdRef, "StorageDomain")!;
            if (!sd.attachments.some((a) => a.status === "active")) throw conflict(texts.sdWrongState("add", sd.attachments[0]?.status ?? sd.status));
            disk = { id: randomUUID(), name: str(d.name) ?? str(d.alias) ?? `${vm.name}_Disk${vm.diskAttachments.length + 1}`,
                description: str(d.description), status: "locked", provisionedSize: size!, actualSize: 0, totalSize: 0, format: format!,
                sparse: bool(d.sparse, "disk.sparse") ?? format === "cow", storageDomainId: sd.id, storageType: "image",
                shareable: bool(d.shareable, "disk.shareable") ?? false, wipeAfterDelete: false, contentType: "data", vmId: vm.id };
            this.state.disks.push(disk);
            this.recordHistory(disk.id, "locked");
            this.event(EVENT.diskAdded, "normal", `Add-Disk operation of '${disk.name}' was initiated by admin@internal-authz.`, { vmId: vm.id }, ctx.correlationId);
            this.schedule(this.latency.diskCopy, "disk.ok", disk.id, { jobId: job.id, correlationId: ctx.correlationId });
        }
        const da: DiskAttachment = { diskId: disk.id, interface: iface, bootable: bool(b.bootable, "bootable") ?? false,
            active: bool(b.active, "active") ?? true, readOnly: bool(b.read_only, "read_only") ?? false };
        if (da.bootable && vm.diskAttachments.some((x) => x.bootable)) {
            throw conflict("Cannot attach Virtual Disk. The VM already has a bootable disk.");
        }
        vm.diskAttachments.push(da);
        return da;
    }

    removeDiskAttachment(vmId: string, diskId: string, detachOnly: boolean, ctx: Ctx): Job {
        const vm = this.vm(vmId);
        const da = this.diskAttachment(vm, diskId);
        if (VM_RUNNING.includes(vm.status) && da.active) throw conflict(texts.vmWrongState("detach", "Virtual Disk", vm.status));
        vm.diskAttachments = vm.diskAttachments.filter((x) => x.diskId !== diskId);
        if (detachOnly) { const d = this.state.disks.find((x) => x.id === diskId); if (d) d.vmId = undefined; }
        else this.state.disks = this.state.disks.filter((x) => x.id !== diskId);
        return this.doneJob(`Detaching Disk from VM ${vm.name}`, ctx);
    }

    removeDisk(id: string, ctx: Ctx): Job {
        const d = this.disk(id);
        if (d.status === "locked") throw conflict(texts.disksLocked("remove", "Virtual Disk", d.name));
        if (d.templateId) throw conflict("Cannot remove Virtual Disk. The disk belongs to a Template.");
        const vm = this.state.vms.find((v) => v.id === d.vmId);
        if (vm && VM_RUNNING.includes(vm.status)) throw conflict(texts.vmWrongState("remove", "Virtual Disk", vm.status));
        if (vm) vm.diskAttachments = vm.diskAttachments.filter((x) => x.diskId !== id);
        this.state.disks = this.state.disks.filter((x) => x.id !== id);
        return this.doneJob(`Removing Disk ${d.name}`, ctx);
    }

    // ---------------------------------------------------------------- tags

    addTag(b: Obj, ctx: Ctx): Tag {
        const name = str(b.name);
        if (!name) throw incomplete("Tag", ["name"]);
        this.assertNameUnused(this.state.tags, name, texts.tagNameInUse);
        const pRef = ref(b.parent);
        const parent = pRef ? this.resolve(this.state.tags, pRef, "Tag") : undefined;
        const t: Tag = { id: randomUUID(), name, description: str(b.description), parentId: parent?.id ?? SEED_IDS.rootTag };
        this.state.tags.push(t);
        this.event(EVENT.tagAdded, "normal", `New Tag ${name} was created by admin@internal-authz.`, {}, ctx.correlationId);
        this.doneJob(`Adding Tag ${name}`, ctx);
        return t;
    }

    updateTag(id: string, b: Obj, ctx: Ctx): Tag {
        const t = this.tag(id);
        const name = str(b.name);
        if (name && name !== t.name) { this.assertNameUnused(this.state.tags, name, texts.tagNameInUse, id); t.name = name; }
        if (b.description !== undefined) t.description = str(b.description);
        this.doneJob(`Updating Tag ${t.name}`, ctx);
        this.dirty = true;
        return t;
    }

    removeTag(id: string, ctx: Ctx): Job {
        const t = this.tag(id);
        if (id === SEED_IDS.rootTag) throw conflict("Cannot remove Tag. The root Tag cannot be removed.");
        const gone = new Set([id]);
        for (let changed = true; changed;) {
            changed = false;
            for (const x of this.state.tags) if (x.parentId && gone.has(x.parentId) && !gone.has(x.id)) { gone.add(x.id); changed = true; }
        }
        this.state.tags = this.state.tags.filter((x) => !gone.has(x.id));
        for (const v of this.state.vms) v.tagIds = v.tagIds.filter((x) => !gone.has(x));
        return this.doneJob(`Removing Tag ${t.name}`, ctx);
    }

    tagVm(vmId: string, b: Obj, ctx: Ctx): Tag {
        const vm = this.vm(vmId);
        const r = ref(b);
        if (!r) throw incomplete("Tag", ["id|name"]);
        const t = this.resolve(this.state.tags, r, "Tag")!;
        if (vm.tagIds.includes(t.id)) throw conflict("Cannot attach Tag. The Tag is already attached to the VM.");
        vm.tagIds.push(t.id);
        this.doneJob(`Attaching Tag ${t.name} to VM ${vm.name}`, ctx);
        this.dirty = true;
        return t;
    }

    untagVm(vmId: string, tagId: string, ctx: Ctx): Job {
        const vm = this.vm(vmId);
        if (!vm.tagIds.includes(tagId)) throw new NotFound(`tag ${tagId} on vm`);
        vm.tagIds = vm.tagIds.filter((x) => x !== tagId);
        return this.doneJob(`Detaching Tag from VM ${vm.name}`, ctx);
    }

    // ---------------------------------------------------------------- affinity groups

    private readRule(v: unknown, attr: string, dflt: Rule): Rule {
        const o = obj(v);
        if (!o) return dflt;
        return { enabled: bool(o.enabled, `${attr}.enabled`) ?? true, positive: bool(o.positive, `${attr}.positive`) ?? dflt.positive,
            enforcing: bool(o.enforcing, `${attr}.enforcing`) ?? dflt.enforcing };
    }

    addAffinityGroup(clusterId: string, b: Obj, ctx: Ctx): AffinityGroup {
        const c = this.cluster(clusterId);
        const name = str(b.name);
        if (!name) throw incomplete("AffinityGroup", ["name"]);
        // AddAffinityGroupCommand: affinityGroupDao.getByName, i.e. unique across the engine, not per cluster
        if (this.state.affinityGroups.some((g) => g.name === name)) throw badParameter(texts.affinityGroupNameExists("add"));
        const legacy: Rule = { enabled: b.positive !== undefined || b.enforcing !== undefined,
            positive: bool(b.positive, "positive") ?? false, enforcing: bool(b.enforcing, "enforcing") ?? false };
        const g: AffinityGroup = { id: randomUUID(), name, description: str(b.description), clusterId, priority: num(b.priority, "priority") ?? 1,
            vmsRule: this.readRule(b.vms_rule, "vms_rule", legacy), hostsRule: this.readRule(b.hosts_rule, "hosts_rule", { enabled: false, positive: false, enforcing: false }),
            vmIds: [], hostIds: [] };
        for (const v of wrappedList(b.vms, "vm") ?? []) g.vmIds.push(this.resolve(this.state.vms, ref(v), "VM")!.id);
        for (const h of wrappedList(b.hosts, "host") ?? []) g.hostIds.push(this.resolve(this.state.hosts, ref(h), "Host")!.id);
        this.state.affinityGroups.push(g);
        this.event(EVENT.affinityAdded, "normal", `Affinity Group ${name} was added to Cluster ${c.name}.`, { clusterId }, ctx.correlationId);
        this.doneJob(`Adding Affinity Group ${name}`, ctx);
        return g;
    }

    updateAffinityGroup(clusterId: string, id: string, b: Obj, ctx: Ctx): AffinityGroup {
        const g = this.affinityGroup(clusterId, id);
        const name = str(b.name);
        if (name && name !== g.name) {
            if (this.state.affinityGroups.some((x) => x.name === name)) throw badParameter(texts.affinityGroupNameExists("update"));
            g.name = name;
        }
        if (b.description !== undefined) g.description = str(b.description);
        g.priority = num(b.priority, "priority") ?? g.priority;
        if (b.vms_rule) g.vmsRule = this.readRule(b.vms_rule, "vms_rule", g.vmsRule);
        if (b.hosts_rule) g.hostsRule = this.readRule(b.hosts_rule, "hosts_rule", g.hostsRule);
        this.doneJob(`Updating Affinity Group ${g.name}`, ctx);
        this.dirty = true;
        return g;
    }

    removeAffinityGroup(clusterId: string, id: string, ctx: Ctx): Job {
        const g = this.affinityGroup(clusterId, id);
        this.state.affinityGroups = this.state.affinityGroups.filter((x) => x.id !== id);
        return this.doneJob(`Removing Affinity Group ${g.name}`, ctx);
    }

    addAffinityVm(clusterId: string, id: string, b: Obj, ctx: Ctx): Vm {
        const g = this.affinityGroup(clusterId, id);
        const r = ref(b);
        if (!r) throw incomplete("Vm", ["id|name"]);
        const vm = this.resolve(this.state.vms, r, "VM")!;
        if (vm.clusterId !== clusterId) throw conflict("Cannot add VM to Affinity Group. The VM is not in the Affinity Group's Cluster.");
        if (g.vmIds.includes(vm.id)) throw conflict("Cannot add VM to Affinity Group. The VM is already in the Affinity Group.");
        g.vmIds.push(vm.id);
        this.doneJob(`Adding VM ${vm.name} to Affinity Group ${g.name}`, ctx);
        this.dirty = true;
        return vm;
    }

    removeAffinityVm(clusterId: string, id: string, vmId: string, ctx: Ctx): Job {
        const g = this.affinityGroup(clusterId, id);
        if (!g.vmIds.includes(vmId)) throw new NotFound(`vm ${vmId} in affinity group`);
        g.vmIds = g.vmIds.filter((x) => x !== vmId);
        return this.doneJob(`Removing VM from Affinity Group ${g.name}`, ctx);
    }

    // ---------------------------------------------------------------- events and jobs

    addExternalEvent(b: Obj, ctx: Ctx): EngineEvent {
        const description = str(b.description);
        const severity = enumValue(b.severity, "severity", ["normal", "warning", "error", "alert"]);
        const origin = str(b.origin);
        const customId = int(b.custom_id, "custom_id");
        const missing = [!description && "description", !severity && "severity", !origin && "origin", customId === undefined && "customId"]
            .filter((x): x is string => !!x);
        if (missing.length) throw incomplete("Event", missing);
        if (origin!.toLowerCase() === "ovirt") throw badParameter(texts.illegalOrigin(origin!));
        if (this.state.events.some((e) => e.origin === origin && e.customId === customId)) throw badParameter(texts.duplicateCustomEvent);
        const refId = (k: string) => str(obj(b[k])?.id);
        const check = <T extends { id: string }>(list: T[], id: string | undefined, type: string): string | undefined => {
            if (id === undefined) return undefined;
            if (!list.some((x) => x.id === id)) throw entityNotFound(type, `id=${id}`);
            return id;
        };
        const ev = this.event(EVENT.external[severity!], severity!, description!.slice(0, MAX_EVENT_DESCRIPTION), {
            origin: origin!, customId: customId!, floodRate: int(b.flood_rate, "flood_rate") ?? 30,
            logOnHost: bool(b.log_on_host, "log_on_host") ?? false, customData: str(b.custom_data),
            vmId: check(this.state.vms, refId("vm"), "VM"), hostId: check(this.state.hosts, refId("host"), "Host"),
            clusterId: check(this.state.clusters, refId("cluster"), "Cluster"),
            dataCenterId: check(this.state.dataCenters, refId("data_center"), "DataCenter"),
            storageDomainId: check(this.state.storageDomains, refId("storage_domain"), "StorageDomain"),
            templateId: check(this.state.templates, refId("template"), "Template"),
        }, ctx.correlationId);
        const hostStatus = str(obj(b.host)?.external_status);
        if (ev.hostId && hostStatus) this.host(ev.hostId).externalStatus = hostStatus;
        const sdStatus = str(obj(b.storage_domain)?.external_status);
        if (ev.storageDomainId && sdStatus) this.storageDomain(ev.storageDomainId).externalStatus = sdStatus;
        return ev;
    }

    removeEvent(id: string): void {
        this.eventById(id);
        this.state.events = this.state.events.filter((e) => e.id !== id);
        if (this.state.events.length === 0) this.event(9700, "normal", "Audit log cleared.");   // at least one event, always
        this.dirty = true;
    }

    addExternalJob(b: Obj, ctx: Ctx): Job {
        const description = str(b.description);
        if (!description) throw incomplete("Job", ["description"]);
        const job = this.startJob(description, ctx);
        job.external = true;
        job.autoCleared = bool(b.auto_cleared, "auto_cleared") ?? true;
        return job;
    }

    endExternalJob(id: string, b: Obj): Job {
        const job = this.job(id);
        if (!job.external) throw badParameter("Cannot end Job. The Job is not external.");
        if (job.status !== "started") throw conflict("Cannot end Job. The Job has already ended.");
        this.endJob(id, bool(b.succeeded, "succeeded") === false ? "failed" : "finished");
        return job;
    }

    clearJob(id: string): Job {
        const job = this.job(id);
        this.state.jobs = this.state.jobs.filter((j) => j.id !== id);
        return job;
    }

    // ---------------------------------------------------------------- admin

    /** Drift for tests: change fields of an entity behind the client's back (or delete it). */
    mutate(kind: keyof State, id: string | undefined, name: string | undefined, set: Obj | undefined, del: boolean): unknown {
        const list = this.state[kind];
        if (!Array.isArray(list) || kind === "installableHosts" || kind === "pending") throw inputValidation(`unknown kind ${String(kind)}`);
        const items = list as Array<{ id: string; name?: string }>;
        const e = items.find((x) => (id !== undefined && x.id === id) || (name !== undefined && x.name === name));
        if (!e) throw new NotFound(`${String(kind)} ${id ?? name}`);
        if (del) {
            (this.state as unknown as Record<string, unknown[]>)[kind] = items.filter((x) => x !== e);
        } else if (set) {
            Object.assign(e, set);
            if (typeof set.status === "string") this.recordHistory(e.id, set.status);
        }
        this.dirty = true;
        return e;
    }

    // ---------------------------------------------------------------- transitions

    private transitionHandlers(): Record<string, (target: string, args: Obj) => void> {
        const jobOf = (a: Obj) => (typeof a.jobId === "string" ? a.jobId : undefined);
        const corr = (a: Obj) => (typeof a.correlationId === "string" ? a.correlationId : undefined);
        return {
            "host.initializing": (id, a) => {
                const h = this.host(id);
                this.setStatus(h, "initializing");
                this.schedule(this.latency.hostInitializing, "host.installed", id, a);
            },
            "host.installed": (id, a) => {
                const h = this.host(id);
                const activate = a.activate !== false;
                this.event(EVENT.hostInstalling, "normal", `Host ${h.name} installation finished.`, { hostId: id }, corr(a));
                if (!activate) {
                    this.setStatus(h, "maintenance");
                    this.endJob(jobOf(a));
                    return;
                }
                this.ops["host.up"](id, a);
            },
            "host.up": (id, a) => {
                const h = this.host(id);
                const missing = this.missingRequiredNetworks(h);
                if (missing.length) {
                    this.setStatus(h, "non_operational");
                    this.event(EVENT.hostNonOperational, "error",
                        `Host ${h.name} does not comply with the cluster networks, the following networks are missing on host: '${missing.join(",")}'`, { hostId: id }, corr(a));
                    this.endJob(jobOf(a), "failed");
                    return;
                }
                this.setStatus(h, "up");
                const dcId = this.clusterDc(h.clusterId);
                if (!this.state.hosts.some((x) => x.spmStatus === "spm" && this.clusterDc(x.clusterId) === dcId)) h.spmStatus = "spm";
                this.event(EVENT.hostUp, "normal", `Status of host ${h.name} was set to Up.`, { hostId: id }, corr(a));
                this.endJob(jobOf(a));
            },
            "host.installFailed": (id, a) => {
                const h = this.host(id);
                const unreachable = /unreachable|invalid|^10\.255\./i.test(h.address);
                this.setStatus(h, unreachable ? "non_responsive" : "install_failed");
                this.event(unreachable ? EVENT.hostNonResponsive : EVENT.hostInstallFailed, "error", unreachable
                    ? `Host ${h.name} is not responding. It will stay in Connecting state for a grace period of 60 seconds and after that an attempt to fence the host will be issued.`
                    : `Host ${h.name} installation failed. Failed to connect to host ${h.address} using SSH: connection refused.`, { hostId: id }, corr(a));
                this.endJob(jobOf(a), "failed");
            },
            "host.maintenance": (id, a) => {
                const h = this.host(id);
                this.setStatus(h, "maintenance");
                if (h.spmStatus === "spm") h.spmStatus = "none";
                this.event(EVENT.hostMaintenance, "normal", `Host ${h.name} was switched to Maintenance Mode.`, { hostId: id }, corr(a));
                this.endJob(jobOf(a));
            },
            "sd.attach.maintenance": (id, a) => {
                const sd = this.storageDomain(id);
                const dcId = String(a.dcId);
                this.setAttachment(sd, dcId, "maintenance");
                this.schedule(this.latency.sdMaintenanceToActivating, "sd.activating", id, a);
            },
            "sd.activating": (id, a) => {
                const sd = this.storageDomain(id);
                this.setAttachment(sd, String(a.dcId), "activating");
                this.schedule(this.latency.sdActivating, "sd.active", id, a);
            },
            "sd.active": (id, a) => {
                const sd = this.storageDomain(id);
                const dcId = String(a.dcId);
                if (sd.type === "data" && !this.state.storageDomains.some((s) => s.master && s.attachments.some((x) => x.dataCenterId === dcId))) {
                    sd.master = true;
                }
                this.setAttachment(sd, dcId, "active");
                this.event(EVENT.sdActivated, "normal", `Storage Domain ${sd.name} (Data Center ${this.dataCenter(dcId).name}) was activated by admin@internal-authz`,
                    { storageDomainId: id, dataCenterId: dcId }, corr(a));
                this.endJob(jobOf(a));
            },
            "sd.preparing": (id, a) => {
                const sd = this.storageDomain(id);
                this.setAttachment(sd, String(a.dcId), "preparing_for_maintenance");
                this.schedule(this.latency.sdPreparingForMaintenance, "sd.maintenance", id, a);
            },
            "sd.maintenance": (id, a) => {
                const sd = this.storageDomain(id);
                const dcId = String(a.dcId);
                if (sd.master) {
                    const heir = this.state.storageDomains.find((s) => s.id !== id && s.type === "data" &&
                        s.attachments.some((x) => x.dataCenterId === dcId && x.status === "active"));
                    if (heir) { sd.master = false; heir.master = true; }
                }
                this.setAttachment(sd, dcId, "maintenance");
                this.event(EVENT.sdDeactivated, "normal", `Storage Domain ${sd.name} (Data Center ${this.dataCenter(dcId).name}) was deactivated and has moved to 'Maintenance' after it finished copying its OVF.`,
                    { storageDomainId: id, dataCenterId: dcId }, corr(a));
                this.endJob(jobOf(a));
            },
            "sd.detached": (id, a) => {
                const sd = this.storageDomain(id);
                const dcId = String(a.dcId);
                sd.attachments = sd.attachments.filter((x) => x.dataCenterId !== dcId);
                sd.master = false;
                this.recordHistory(`${sd.id}@${dcId}`, "detached");
                this.setStatus(sd, sd.attachments.length ? sd.attachments[0].status : "unattached");
                this.refreshDcStatus(dcId);
                this.event(EVENT.sdDetached, "normal", `Storage Domain ${sd.name} was detached from Data Center ${this.dataCenter(dcId).name} by admin@internal-authz`,
                    { storageDomainId: id, dataCenterId: dcId }, corr(a));
                this.endJob(jobOf(a));
            },
            "template.ok": (id, a) => {
                const t = this.template(id);
                this.setStatus(t, "ok");
                for (const da of t.diskAttachments) { const d = this.state.disks.find((x) => x.id === da.diskId); if (d) d.status = "ok"; }
                const vm = this.state.vms.find((v) => v.id === a.vmId);
                if (vm && vm.status === "image_locked") this.setStatus(vm, "down");
                this.event(EVENT.templateAddFinished, "normal", `Creation of Template ${t.name} has been completed.`, { templateId: id }, corr(a));
                this.endJob(jobOf(a));
            },
            "vm.created": (id, a) => {
                const vm = this.vm(id);
                for (const da of vm.diskAttachments) { const d = this.state.disks.find((x) => x.id === da.diskId); if (d && d.status === "locked") d.status = "ok"; }
                this.setStatus(vm, "down");
                this.event(EVENT.vmAddFinished, "normal", `VM ${vm.name} creation has been completed.`, { vmId: id }, corr(a));
                this.endJob(jobOf(a));
            },
            "disk.ok": (id, a) => {
                const d = this.disk(id);
                this.setStatus(d, "ok");
                d.actualSize = d.totalSize = Math.min(d.provisionedSize, 1 * GiB);
                this.endJob(jobOf(a));
            },
            "vm.poweringUp": (id, a) => {
                const vm = this.vm(id);
                this.setStatus(vm, "powering_up");
                this.schedule(this.latency.vmPoweringUp, "vm.up", id, a);
            },
            "vm.up": (id, a) => {
                const vm = this.vm(id);
                this.setStatus(vm, "up");
                vm.startTime = this.now();
                vm.initialized = true;
                this.event(EVENT.vmUp, "normal", `VM ${vm.name} started on Host ${this.hostName(vm.hostId)}`, { vmId: id, hostId: vm.hostId }, corr(a));
                this.endJob(jobOf(a));
                this.schedule(this.latency.vmGuestAgent, "vm.guestAgent", id, {});
            },
            "vm.guestAgent": (id) => {
                const vm = this.vm(id);
                if (vm.status !== "up") return;
                vm.fqdn = vm.initialization?.hostName ?? vm.name;
                vm.guestDevices = vm.nics.filter((n) => n.plugged && n.linked).map((n, i) => ({
                    name: `eth${i}`, mac: n.mac, ips: [{ address: this.guestIp(vm, n, i), version: "v4" }],
                }));
            },
            "vm.down": (id, a) => {
                const vm = this.vm(id);
                this.setStatus(vm, "down");
                vm.stopTime = this.now();
                vm.stopReason = typeof a.reason === "string" ? a.reason : undefined;
                vm.hostId = undefined;
                vm.guestDevices = [];
                vm.fqdn = undefined;
                vm.startTime = undefined;
                vm.runOnce = false;
                this.event(EVENT.vmDown, "normal", `VM ${vm.name} is down. Exit message: User shut down from within the guest`, { vmId: id }, corr(a));
                this.endJob(jobOf(a));
            },
        };
    }

    /**
     * The guest's address on a NIC: the static address from cloud-init if any; on a CI lease network
     * (`ovn-vmnet-N` / `ovirtN`) an address from the proxy's DHCP range 192.168.(200+N).101-150; else 10.x.
     */
    private guestIp(vm: Vm, nic: Nic, idx: number): string {
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
