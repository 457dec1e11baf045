/**
 * Hosts: add (install), reinstall, activate, maintenance, refresh, update, remove, and the host's compliance with its
 * cluster's required networks. Sources (oVirt/ovirt-engine at 0111fc6, paths below
 * backend/manager/modules/): the statuses are common/…/businessentities/VDSStatus.java as the REST API names them
 * (restapi/types/…/HostMapper.java `map(VDSStatus, HostStatus)`); the steps are the bll commands named in the table.
 */
import { EngineCore, correlationOf, jobOf } from "./core";
import type { ActionResult, Ctx, StepHandler } from "./core";
import { conflict, incomplete, requireFields, texts } from "./errors";
import { EVENT } from "./events";
import { Obj, bool, int, obj, ref, str } from "./input";
import { ClockStep, Lifecycle, Step, accepts, isOneOf } from "./lifecycle";
import type { Host, Job, Network } from "./types";
import { VM_RUNNING } from "./vm";

const GiB = 1024 ** 3;

/** VDSStatus.java, in its order, as HostMapper names them. */
export const HOST_STATUSES = [
    "unassigned",
    "down",
    "maintenance",
    "up",
    "non_responsive",
    "error",
    "installing",
    "install_failed",
    "reboot",
    "preparing_for_maintenance",
    "non_operational",
    "pending_approval",
    "initializing",
    "connecting",
    "installing_os",
    "kdumping",
] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];

/**
 * Statuses in which the host is busy with a flow of its own: activate, maintenance and remove are refused with the
 * engine's "locked" text (ACTION_TYPE_FAILED_OBJECT_LOCKED). The emulator's choice of the engine's transient statuses.
 */
export const HOST_BUSY: readonly HostStatus[] = [
    "installing",
    "initializing",
    "preparing_for_maintenance",
    "unassigned",
    "connecting",
    "reboot",
];

/** The statuses a host can be removed from: bll/RemoveVdsCommand.java `statusLegalForRemove`. */
const HOST_REMOVABLE: readonly HostStatus[] = [
    "maintenance",
    "install_failed",
    "non_responsive",
    "down",
    "pending_approval",
    "non_operational",
    "unassigned",
    "installing_os",
];

const INSTALL_FROM: readonly HostStatus[] = ["maintenance", "install_failed", "non_operational", "non_responsive"];

/** Host lifecycle: actions (no dot) and clock steps (`host.…`, persisted in `State.pending`). */
export const HOST_LIFECYCLE = {
    add: {
        to: "installing",
        job: "started",
        next: { op: "host.initializing", after: "hostInstalling" },
        source:
            "bll/hostdeploy/AddVdsCommand.java → hostdeploy/InstallVdsInternalCommand.java (status Installing while host-deploy runs); " +
            "a machine not in `installableHosts` takes `host.installFailed` after hostInstallFail instead",
    },
    install: {
        from: INSTALL_FROM,
        to: "installing",
        job: "started",
        next: { op: "host.initializing", after: "hostInstalling" },
        source:
            "bll/hostdeploy/InstallVdsCommand.java; the engine allows Maintenance, NonOperational, InstallFailed, InstallingOS " +
            "(validator/UpdateHostValidator.java statusSupportedForHostInstallation): the emulator takes non_responsive, not installing_os",
    },
    "host.initializing": {
        to: "initializing",
        next: { op: "host.installed", after: "hostInitializing" },
        source: "hostdeploy/InstallVdsInternalCommand.java: Initializing after deploy, until the first monitoring cycle",
    },
    "host.installed": {
        to: ["up", "maintenance", "non_operational"],
        job: "finished",
        source: "InstallVdsInternalCommand.java: `activate=false` leaves the host in Maintenance; otherwise as `host.up`",
    },
    "host.installFailed": {
        to: ["install_failed", "non_responsive"],
        job: "failed",
        source: "InstallVdsInternalCommand.java: InstallFailed; an address that does not answer: NonResponsive (VDS_FAILURE)",
    },
    activate: {
        from: ["maintenance", "non_operational", "non_responsive", "install_failed", "down"],
        to: "unassigned",
        job: "started",
        next: { op: "host.up", after: "hostActivating" },
        source:
            "bll/ActivateVdsCommand.java: setVdsStatus(Unassigned), then monitoring moves it on; the engine refuses only Up " +
            "and NonResponsive (validator/HostValidator.java validateStatusForActivation): the emulator takes non_responsive, refuses the rest",
    },
    "host.up": {
        to: ["up", "non_operational"],
        job: "finished",
        source: "vdsbroker/…/monitoring/HostMonitoring.java: Up, or NonOperational when a required cluster network is missing (VDS_SET_NONOPERATIONAL_NETWORK)",
    },
    deactivate: {
        from: HOST_STATUSES.filter((s) => s !== "maintenance" && !HOST_BUSY.includes(s)),
        to: "preparing_for_maintenance",
        job: "started",
        next: { op: "host.maintenance", after: "hostPreparingForMaintenance" },
        source:
            "bll/MaintenanceNumberOfVdssCommand.java: PreparingForMaintenance, running VMs migrate away; the engine takes " +
            "Maintenance, NonResponsive, Up, Error, PreparingForMaintenance, Down, NonOperational, InstallFailed",
    },
    "host.maintenance": {
        to: "maintenance",
        job: "finished",
        source: "bll/MaintenanceVdsCommand.java: Maintenance once no VM is left on the host",
    },
    networkMissing: {
        from: ["up"],
        to: "non_operational",
        source: "a required cluster network the host lacks (bll/network/cluster/…, VDS_SET_NONOPERATIONAL_NETWORK)",
    },
    networkBack: {
        from: ["non_operational"],
        to: "up",
        source: "the requirement dropped: the engine's monitoring recovers the host (emulator: at once)",
    },
    remove: { from: HOST_REMOVABLE, source: "bll/RemoveVdsCommand.java statusLegalForRemove" },
} as const satisfies Lifecycle<HostStatus>;

export abstract class HostKind extends EngineCore {
    addHost(b: Obj, q: { activate: boolean }, ctx: Ctx): Host {
        const name = str(b.name);
        const address = str(b.address);
        const cRef = ref(b.cluster);
        const ssh = obj(b.ssh);
        const method = str(ssh?.authentication_method)?.toLowerCase();
        requireFields("Host", { name, address, "cluster.id|name": cRef });
        if (method !== "publickey" && !str(b.root_password)) throw incomplete("Host", ["rootPassword"]);
        this.assertNameFree(this.state.hosts, name!, "add", "Host");
        if (this.state.hosts.some((h) => h.address === address)) {
            throw conflict(
                "Cannot add Host. The Host address is already in use, please choose a unique address and try again.",
            );
        }
        const c = this.resolve(this.state.clusters, cRef, "Cluster")!;
        const h: Host = {
            id: this.newId(),
            name: name!,
            description: str(b.description),
            comment: str(b.comment),
            address: address!,
            port: int(b.port, "port") ?? 54321,
            clusterId: c.id,
            status: HOST_LIFECYCLE.add.to,
            spmPriority: int(obj(b.spm)?.priority, "spm.priority") ?? 5,
            spmStatus: "none",
            type: "rhel",
            authMethod: method === "publickey" ? "publickey" : "password",
            memory: 96 * GiB,
            cores: 96,
            externalStatus: "ok",
            networkNames: ["ovirtmgmt"],
        };
        this.state.hosts.push(h);
        this.recordHistory(h.id, h.status);
        const job = this.startJob(`Adding new Host ${h.name} to Cluster ${c.name}`, ctx);
        this.event(
            EVENT.hostAdded,
            "normal",
            `Host ${h.name} was added by admin@internal-authz.`,
            { hostId: h.id, clusterId: c.id },
            ctx.correlationId,
        );
        this.beginInstall(h, HOST_LIFECYCLE.add, q.activate, job, ctx);
        return h;
    }

    /** host-deploy: only the machines in `installableHosts` install; any other address fails after a while. */
    protected beginInstall(h: Host, step: Step<HostStatus>, activate: boolean, job: Job, ctx: Ctx): void {
        this.event(
            EVENT.hostInstalling,
            "normal",
            `Installing Host ${h.name}. Stage: Initializing.`,
            { hostId: h.id },
            ctx.correlationId,
        );
        const known = this.state.installableHosts.some(
            (a) => a.toLowerCase() === h.address.toLowerCase() || a.toLowerCase() === h.name.toLowerCase(),
        );
        if (known) this.scheduleNext(h.id, step, this.flow(job, ctx, { activate }));
        else this.schedule(this.latency.hostInstallFail, "host.installFailed", h.id, this.flow(job, ctx));
    }

    activateHost(id: string, ctx: Ctx): ActionResult {
        const h = this.host(id);
        // ActivateVdsCommand: its VDS lock (a flow in progress) before validate(), which refuses Up with its own text
        if (isOneOf(HOST_BUSY, h.status)) throw conflict(texts.locked("activate", "Host"));
        if (h.status === "up") throw conflict(texts.hostAlreadyUp("activate"));
        if (!accepts(HOST_LIFECYCLE.activate, h.status))
            throw conflict(texts.hostWrongState("activate", "maintenance"));
        const job = this.startJob(`Activating Host ${h.name}`, ctx);
        this.advance(h, HOST_LIFECYCLE.activate, this.flow(job, ctx));
        return { job };
    }

    deactivateHost(id: string, ctx: Ctx): ActionResult {
        const h = this.host(id);
        if (isOneOf(HOST_BUSY, h.status)) throw conflict(texts.locked("maintenance", "Host"));
        if (!accepts(HOST_LIFECYCLE.deactivate, h.status)) throw conflict(texts.hostWrongState("maintenance", "up"));
        const running = this.state.vms.filter((v) => v.hostId === h.id && isOneOf(VM_RUNNING, v.status));
        if (running.length) {
            const other = this.state.hosts.find(
                (x) => x.id !== h.id && x.clusterId === h.clusterId && x.status === "up",
            );
            if (!other) {
                throw conflict(
                    `Cannot switch Host ${h.name} to Maintenance mode. There are no available hosts capable of running the VMs: ${running.map((v) => v.name).join(", ")}.`,
                );
            }
            for (const v of running) v.hostId = other.id; // live migration, settled at once
        }
        const job = this.startJob(`Moving Host ${h.name} to Maintenance`, ctx);
        this.advance(h, HOST_LIFECYCLE.deactivate, this.flow(job, ctx));
        return { job };
    }

    reinstallHost(id: string, b: Obj, ctx: Ctx): ActionResult {
        const h = this.host(id);
        if (!accepts(HOST_LIFECYCLE.install, h.status)) throw conflict(texts.hostWrongState("install", "maintenance"));
        const job = this.startJob(`Installing Host ${h.name}`, ctx);
        this.setStatus(h, HOST_LIFECYCLE.install.to);
        this.beginInstall(h, HOST_LIFECYCLE.install, bool(b.activate, "activate") ?? true, job, ctx);
        return { job };
    }

    refreshHost(id: string, ctx: Ctx): ActionResult {
        const h = this.host(id);
        return { job: this.doneJob(`Refreshing Host ${h.name} capabilities`, ctx) };
    }

    updateHost(id: string, b: Obj, ctx: Ctx): Host {
        const h = this.host(id);
        this.updateNaming(h, b, this.state.hosts, texts.nameInUse("update", "Host"));
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
        if (!accepts(HOST_LIFECYCLE.remove, h.status)) {
            throw conflict(isOneOf(HOST_BUSY, h.status) ? texts.locked("remove", "Host") : texts.hostOperational);
        }
        if (this.state.vms.some((v) => v.hostId === h.id && isOneOf(VM_RUNNING, v.status)))
            throw conflict(texts.hostHasRunningVms);
        const pinned = this.state.vms.filter(
            (v) => v.placementAffinity === "pinned" && v.placementHostIds.includes(h.id),
        );
        if (pinned.length) throw conflict(texts.hostHasPinnedVms(pinned.map((v) => v.name).join(",")));
        this.state.hosts = this.state.hosts.filter((x) => x.id !== id);
        this.event(
            EVENT.hostRemoved,
            "normal",
            `Host ${h.name} was removed by admin@internal-authz.`,
            {},
            ctx.correlationId,
        );
        return this.doneJob(`Removing Host ${h.name}`, ctx);
    }

    /** Hosts lacking a required cluster network are non_operational; they recover when the requirement goes. */
    recheckHosts(clusterId: string): void {
        for (const h of this.state.hosts.filter((x) => x.clusterId === clusterId)) {
            const missing = this.missingRequiredNetworks(h);
            if (accepts(HOST_LIFECYCLE.networkMissing, h.status) && missing.length) {
                this.setStatus(h, HOST_LIFECYCLE.networkMissing.to);
                this.event(
                    EVENT.hostNonOperational,
                    "error",
                    `Host ${h.name} does not comply with the cluster ${this.cluster(clusterId).name} networks, the following networks are missing on host: '${missing.join(",")}'`,
                    { hostId: h.id },
                );
            } else if (accepts(HOST_LIFECYCLE.networkBack, h.status) && !missing.length) {
                this.setStatus(h, HOST_LIFECYCLE.networkBack.to);
            }
        }
    }

    protected missingRequiredNetworks(h: Host): string[] {
        const c = this.state.clusters.find((x) => x.id === h.clusterId);
        if (!c) return [];
        return c.networks
            .filter((cn) => cn.required)
            .map((cn) => this.state.networks.find((n) => n.id === cn.networkId))
            .filter((n): n is Network => !!n && !n.externalProviderId && !h.networkNames.includes(n.name))
            .map((n) => n.name);
    }

    /** The host's clock steps (HOST_LIFECYCLE). */
    protected hostSteps(): Record<ClockStep<typeof HOST_LIFECYCLE>, StepHandler> {
        return {
            "host.initializing": (id, a) => this.advance(this.host(id), HOST_LIFECYCLE["host.initializing"], a),
            "host.installed": (id, a) => {
                const h = this.host(id);
                this.event(
                    EVENT.hostInstalling,
                    "normal",
                    `Host ${h.name} installation finished.`,
                    { hostId: id },
                    correlationOf(a),
                );
                if (a.activate === false) {
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
                    this.event(
                        EVENT.hostNonOperational,
                        "error",
                        `Host ${h.name} does not comply with the cluster networks, the following networks are missing on host: '${missing.join(",")}'`,
                        { hostId: id },
                        correlationOf(a),
                    );
                    this.endJob(jobOf(a), "failed");
                    return;
                }
                this.setStatus(h, "up");
                const dcId = this.clusterDc(h.clusterId);
                if (!this.state.hosts.some((x) => x.spmStatus === "spm" && this.clusterDc(x.clusterId) === dcId))
                    h.spmStatus = "spm";
                this.event(
                    EVENT.hostUp,
                    "normal",
                    `Status of host ${h.name} was set to Up.`,
                    { hostId: id },
                    correlationOf(a),
                );
                this.endJob(jobOf(a));
            },
            "host.installFailed": (id, a) => {
                const h = this.host(id);
                const unreachable = /unreachable|invalid|^10\.255\./i.test(h.address);
                this.setStatus(h, unreachable ? "non_responsive" : "install_failed");
                this.event(
                    unreachable ? EVENT.hostNonResponsive : EVENT.hostInstallFailed,
                    "error",
                    unreachable
                        ? `Host ${h.name} is not responding. It will stay in Connecting state for a grace period of 60 seconds and after that an attempt to fence the host will be issued.`
                        : `Host ${h.name} installation failed. Failed to connect to host ${h.address} using SSH: connection refused.`,
                    { hostId: id },
                    correlationOf(a),
                );
                this.endJob(jobOf(a), "failed");
            },
            "host.maintenance": (id, a) => {
                const h = this.host(id);
                this.setStatus(h, HOST_LIFECYCLE["host.maintenance"].to);
                if (h.spmStatus === "spm") h.spmStatus = "none";
                this.event(
                    EVENT.hostMaintenance,
                    "normal",
                    `Host ${h.name} was switched to Maintenance Mode.`,
                    { hostId: id },
                    correlationOf(a),
                );
                this.endJob(jobOf(a));
            },
        };
    }
}
