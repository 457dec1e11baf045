/**
 * Clusters: add, update, remove, and the networks assigned to a cluster (required or not). Clusters have no status
 * in the REST API; a required network the hosts lack makes them non_operational (host.ts `recheckHosts`).
 */
import { EngineCore } from "./core";
import type { Ctx } from "./core";
import { NotFound, badParameter, conflict, incomplete, requireFields, texts } from "./errors";
import { EVENT } from "./events";
import { Obj, bool, enumValue, int, obj, ref, str } from "./input";
import type { Cluster, Job, Network } from "./types";

/** CPU architectures: common/…/ArchitectureType.java as the REST API names them. */
export const ARCHITECTURES = ["x86_64", "ppc64", "s390x", "undefined"] as const;

export abstract class ClusterKind extends EngineCore {
    addCluster(b: Obj, ctx: Ctx): Cluster {
        const name = str(b.name);
        const dcRef = ref(b.data_center);
        requireFields("Cluster", { name, "dataCenter.id|name": dcRef });
        this.assertNameUnused(this.state.clusters, name!, texts.clusterNameInUse("create"));
        const dc = this.resolve(this.state.dataCenters, dcRef, "DataCenter")!;
        const cpu = obj(b.cpu);
        const v = obj(b.version);
        const mgmt = this.state.networks.find((n) => n.dataCenterId === dc.id && n.name === "ovirtmgmt");
        const c: Cluster = {
            id: this.newId(),
            name: name!,
            description: str(b.description) ?? "",
            comment: str(b.comment),
            dataCenterId: dc.id,
            cpuType: str(cpu?.type) ?? "Intel Cascadelake Server Family",
            architecture: enumValue(cpu?.architecture, "cpu.architecture", ARCHITECTURES) ?? "x86_64",
            version: {
                major: int(v?.major, "version.major") ?? dc.version.major,
                minor: int(v?.minor, "version.minor") ?? dc.version.minor,
            },
            networks: mgmt ? [{ networkId: mgmt.id, required: true, display: true }] : [],
            memoryOverCommitPercent:
                int(obj(obj(b.memory_policy)?.over_commit)?.percent, "memory_policy.over_commit.percent") ?? 100,
            ballooningEnabled: bool(b.ballooning_enabled, "ballooning_enabled") ?? true,
            threadsAsCores: bool(b.threads_as_cores, "threads_as_cores") ?? false,
            firewallType: "firewalld",
            switchType: "legacy",
            biosType: str(b.bios_type) ?? "q35_ovmf",
        };
        this.state.clusters.push(c);
        this.event(
            EVENT.clusterAdded,
            "normal",
            `Cluster ${c.name} was added by admin@internal-authz`,
            { clusterId: c.id, dataCenterId: dc.id },
            ctx.correlationId,
        );
        this.doneJob(`Adding new Cluster ${c.name} to Data Center ${dc.name}`, ctx);
        return c;
    }

    updateCluster(id: string, b: Obj, ctx: Ctx): Cluster {
        const c = this.cluster(id);
        this.updateNaming(c, b, this.state.clusters, texts.clusterNameInUse("update"));
        const pct = int(obj(obj(b.memory_policy)?.over_commit)?.percent, "memory_policy.over_commit.percent");
        if (pct !== undefined) c.memoryOverCommitPercent = pct;
        this.doneJob(`Updating Cluster ${c.name}`, ctx);
        this.dirty = true;
        return c;
    }

    removeCluster(id: string, ctx: Ctx): Job {
        const c = this.cluster(id);
        if (this.state.hosts.some((h) => h.clusterId === id))
            throw conflict("Cannot remove Cluster. Host Cluster contains one or more Hosts.");
        if (this.state.vms.some((v) => v.clusterId === id))
            throw conflict("Cannot remove Cluster. Host Cluster contains one or more VMs.");
        this.state.clusters = this.state.clusters.filter((x) => x.id !== id);
        this.state.affinityGroups = this.state.affinityGroups.filter((g) => g.clusterId !== id);
        this.event(
            EVENT.clusterRemoved,
            "normal",
            `Cluster ${c.name} was removed by admin@internal-authz`,
            {},
            ctx.correlationId,
        );
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
        this.engine.recheckHosts(clusterId);
        return n;
    }

    unassignNetwork(clusterId: string, networkId: string, ctx: Ctx): Job {
        const c = this.cluster(clusterId);
        const n = this.clusterNetwork(clusterId, networkId).network;
        // DetachNetworkFromClusterInternalCommand: NetworkValidator.notManagementNetwork, the same key as a remove
        if (n.usages.includes("management")) throw conflict(texts.managementNetwork(n.name));
        c.networks = c.networks.filter((x) => x.networkId !== networkId);
        this.engine.recheckHosts(clusterId);
        return this.doneJob(`Detaching Network ${n.name} from Cluster ${c.name}`, ctx);
    }
}
