/**
 * The engine model's shared core: the clock (pending clock steps, one timer), status history, jobs per correlation
 * id, the audit log, id allocation and lookups. Every kind module (dataCenter.ts, host.ts, vm.ts, …) extends this
 * class; `EngineModel` (engine.ts) mixes them into one object. No kind's own rules live here.
 */
import { randomUUID } from "node:crypto";
import type { LatencyTable } from "../latency";
import { NotFound, conflict, entityNotFound, inputValidation, texts } from "./errors";
import { Obj, RefInput, str } from "./input";
import type { Step } from "./lifecycle";
import { SEED_IDS } from "./seed";
import type {
    AffinityGroup,
    Cluster,
    DataCenter,
    Disk,
    EngineEvent,
    Host,
    Job,
    Network,
    OpenStackNetworkProvider,
    Pending,
    State,
    StorageDomain,
    Tag,
    Template,
    Vm,
    VnicProfile,
} from "./types";
import type { EngineModel } from "./engine";
import type { EventSeverity } from "./events";

/** The request's context: its correlation id (the `Correlation-Id` header, or one the server made). */
export interface Ctx {
    correlationId: string;
    /** The logged-in user (permission checks, the creator's grants); undefined for internal calls. */
    userId?: string;
}

/** Result of an action: the job it ran under. */
export interface ActionResult {
    job: Job;
}

/** A clock step's handler: `target` is the entity's id, `args` what the scheduling action stored. */
export type StepHandler = (target: string, args: Obj) => void;

const HISTORY_LIMIT = 50;
const JOB_LIMIT = 2000;
const EVENT_LIMIT = 5000;

/** The job id and correlation id a clock step carries from the action that scheduled it. */
export function jobOf(args: Obj): string | undefined {
    return typeof args.jobId === "string" ? args.jobId : undefined;
}

export function correlationOf(args: Obj): string | undefined {
    return typeof args.correlationId === "string" ? args.correlationId : undefined;
}

export abstract class EngineCore {
    state: State;
    latency: LatencyTable;
    /** Set when the state changed since the last `takeDirty()`; the server persists then. */
    protected dirty = false;
    private timer?: NodeJS.Timeout;
    /** Clock-step handlers by `Pending.op`; EngineModel fills it from every kind's table. */
    protected ops: Record<string, StepHandler> = {};

    constructor(
        state: State,
        latency: LatencyTable,
        private readonly onSettled?: () => void,
    ) {
        this.state = state;
        this.latency = latency;
    }

    /** This object as the whole engine: kinds call one another's rules through it (EngineModel mixes in every kind). */
    protected get engine(): EngineModel {
        return this as unknown as EngineModel;
    }

    // ---------------------------------------------------------------- clock

    now(): number {
        return Date.now();
    }

    /** A new entity id (the engine's are random UUIDs: Guid.newGuid). */
    newId(): string {
        return randomUUID();
    }

    /** Replaces the whole state (admin reset, restart). */
    replaceState(s: State): void {
        this.state = s;
        this.dirty = true;
        this.arm();
    }

    takeDirty(): boolean {
        const d = this.dirty;
        this.dirty = false;
        return d;
    }

    markDirty(): void {
        this.dirty = true;
    }

    /** Queues clock step `op` for `target` in `delayMs`; it is persisted with the state and survives a restart. */
    schedule(delayMs: number, op: string, target: string, args: Obj = {}): void {
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
                if (
                    best < 0 ||
                    p.due < this.state.pending[best].due ||
                    (p.due === this.state.pending[best].due && p.seq < this.state.pending[best].seq)
                )
                    best = i;
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

    /** Drops the entity's pending clock steps; the jobs they would have ended end `aborted`. */
    cancelPending(target: string): void {
        const dropped = this.state.pending.filter((p) => p.target === target);
        this.state.pending = this.state.pending.filter((p) => p.target !== target);
        for (const p of dropped) if (p.args?.jobId) this.endJob(String(p.args.jobId), "aborted");
    }

    // ---------------------------------------------------------------- statuses

    setStatus<S extends string>(e: { id: string; status: S }, status: S): void {
        e.status = status;
        this.recordHistory(e.id, status);
    }

    recordHistory(key: string, status: string): void {
        const h = (this.state.history[key] ??= []);
        h.push({ at: this.now(), status });
        if (h.length > HISTORY_LIMIT) h.splice(0, h.length - HISTORY_LIMIT);
        this.dirty = true;
    }

    /**
     * Takes a lifecycle step with a single outcome: sets its `to` status and schedules its `next` clock step
     * (with `args`, which carry the job and correlation id along the flow).
     */
    advance<S extends string>(e: { id: string; status: S }, step: Step<S>, args: Obj = {}): void {
        this.setStatus(e, step.to as S);
        this.scheduleNext(e.id, step, args);
    }

    /** Schedules the step's `next` clock step, if it has one, after its latency. */
    scheduleNext(target: string, step: Step<string>, args: Obj = {}): void {
        if (!step.next) return;
        this.schedule(step.next.after === "none" ? 0 : this.latency[step.next.after], step.next.op, target, args);
    }

    // ---------------------------------------------------------------- jobs and events

    startJob(description: string, ctx: Ctx): Job {
        const t = this.now();
        const job: Job = {
            id: this.newId(),
            description,
            status: "started",
            startTime: t,
            lastUpdated: t,
            external: false,
            autoCleared: true,
            correlationId: ctx.correlationId,
            ownerId: SEED_IDS.admin,
        };
        this.state.jobs.push(job);
        if (this.state.jobs.length > JOB_LIMIT) this.state.jobs.splice(0, this.state.jobs.length - JOB_LIMIT);
        this.dirty = true;
        return job;
    }

    endJob(jobId: string | undefined, status: "finished" | "failed" | "aborted" = "finished"): void {
        const job = this.state.jobs.find((j) => j.id === jobId);
        if (!job || job.status !== "started") return;
        job.status = status;
        job.endTime = job.lastUpdated = this.now();
        this.dirty = true;
    }

    /** A job for a command that completes synchronously. */
    doneJob(description: string, ctx: Ctx): Job {
        const j = this.startJob(description, ctx);
        this.endJob(j.id);
        return j;
    }

    /** The job args a clock step carries: the action's job and correlation id. */
    flow(job: Job, ctx: Ctx, extra: Obj = {}): Obj {
        return { ...extra, jobId: job.id, correlationId: ctx.correlationId };
    }

    event(
        code: number,
        severity: EventSeverity,
        description: string,
        refs: Partial<EngineEvent> = {},
        correlationId?: string,
    ): EngineEvent {
        const index = ++this.state.counters.event;
        const ev: EngineEvent = {
            id: String(index),
            index,
            code,
            severity,
            time: this.now(),
            description,
            origin: "oVirt",
            customId: -1,
            floodRate: 30,
            logOnHost: false,
            correlationId,
            ...refs,
        };
        this.state.events.push(ev);
        if (this.state.events.length > EVENT_LIMIT) this.state.events.splice(0, this.state.events.length - EVENT_LIMIT);
        this.dirty = true;
        return ev;
    }

    // ---------------------------------------------------------------- lookups

    private static by<T extends { id: string }>(list: T[], id: string, what: string): T {
        const e = list.find((x) => x.id === id);
        if (!e) throw new NotFound(`${what} ${id}`);
        return e;
    }

    dataCenter(id: string): DataCenter {
        return EngineCore.by(this.state.dataCenters, id, "data center");
    }
    cluster(id: string): Cluster {
        return EngineCore.by(this.state.clusters, id, "cluster");
    }
    host(id: string): Host {
        return EngineCore.by(this.state.hosts, id, "host");
    }
    storageDomain(id: string): StorageDomain {
        return EngineCore.by(this.state.storageDomains, id, "storage domain");
    }
    network(id: string): Network {
        return EngineCore.by(this.state.networks, id, "network");
    }
    vnicProfile(id: string): VnicProfile {
        return EngineCore.by(this.state.vnicProfiles, id, "vnic profile");
    }
    template(id: string): Template {
        return EngineCore.by(this.state.templates, id, "template");
    }
    vm(id: string): Vm {
        return EngineCore.by(this.state.vms, id, "vm");
    }
    disk(id: string): Disk {
        return EngineCore.by(this.state.disks, id, "disk");
    }
    tag(id: string): Tag {
        return EngineCore.by(this.state.tags, id, "tag");
    }
    job(id: string): Job {
        return EngineCore.by(this.state.jobs, id, "job");
    }
    provider(id: string): OpenStackNetworkProvider {
        return EngineCore.by(this.state.providers, id, "provider");
    }
    eventById(id: string): EngineEvent {
        return EngineCore.by(this.state.events, id, "event");
    }

    affinityGroup(clusterId: string, id: string): AffinityGroup {
        const g = this.state.affinityGroups.find((x) => x.id === id && x.clusterId === clusterId);
        if (!g) throw new NotFound(`affinity group ${id}`);
        return g;
    }

    /** Resolves `{id}` or `{name}`; an unknown referenced entity is a 400 (not the 404 of the addressed entity). */
    resolve<T extends { id: string; name: string }>(
        list: T[],
        r: RefInput | undefined,
        type: string,
        scope?: (e: T) => boolean,
    ): T | undefined {
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

    /** Id of the data center of the cluster `clusterId`, if any. */
    clusterDc(clusterId: string): string | undefined {
        return this.state.clusters.find((c) => c.id === clusterId)?.dataCenterId;
    }

    /** A host's name for event texts; `N/A` as the engine writes it when there is none. */
    hostName(id?: string): string {
        return this.state.hosts.find((h) => h.id === id)?.name ?? "N/A";
    }

    /** 409 with the generic ACTION_TYPE_FAILED_NAME_ALREADY_USED text when another entity has the name. */
    assertNameFree(
        list: Array<{ id: string; name: string }>,
        name: string,
        action: string,
        type: string,
        exceptId?: string,
    ): void {
        this.assertNameUnused(list, name, texts.nameInUse(action, type), exceptId);
    }

    /** 409 with `detail` (the entity type's own name-in-use text, errors.ts) when another entity has the name. */
    assertNameUnused(list: Array<{ id: string; name: string }>, name: string, detail: string, exceptId?: string): void {
        if (list.some((e) => e.name === name && e.id !== exceptId)) throw conflict(detail);
    }

    /**
     * The `name`, `description` and `comment` of an update, in the engine's order: a new name must be free among
     * `list` (else 409 with `nameInUse`, the kind's own text).
     */
    updateNaming(
        e: { id: string; name: string; description?: string; comment?: string },
        b: Obj,
        list: Array<{ id: string; name: string }>,
        nameInUse: string,
    ): void {
        const name = str(b.name);
        if (name && name !== e.name) {
            this.assertNameUnused(list, name, nameInUse, e.id);
            e.name = name;
        }
        if (b.description !== undefined) e.description = str(b.description);
        if (b.comment !== undefined) e.comment = str(b.comment);
    }

    // ---------------------------------------------------------------- admin

    /** Drift for tests: change fields of an entity behind the client's back (or delete it). */
    mutate(
        kind: keyof State,
        id: string | undefined,
        name: string | undefined,
        set: Obj | undefined,
        del: boolean,
    ): unknown {
        const list = this.state[kind];
        if (!Array.isArray(list) || kind === "installableHosts" || kind === "pending")
            throw inputValidation(`unknown kind ${String(kind)}`);
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
}
