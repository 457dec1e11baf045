/** Search keys per collection (docs/engine-api.md §5), evaluated against the model. */
import type { EngineModel } from "./engine";
import { EVENT_SEVERITIES } from "./events";
import type { SearchKeys } from "./search";
import type {
    Cluster,
    DataCenter,
    EngineEvent,
    Host,
    Job,
    Network,
    StorageDomain,
    Template,
    Vm,
    VnicProfile,
} from "./types";

export function searchKeys(m: EngineModel) {
    const s = () => m.state;
    const dcName = (id?: string) => s().dataCenters.find((d) => d.id === id)?.name;
    const clusterName = (id?: string) => s().clusters.find((c) => c.id === id)?.name;
    const hostName = (id?: string) => s().hosts.find((h) => h.id === id)?.name;
    const clusterDc = (id?: string) => dcName(s().clusters.find((c) => c.id === id)?.dataCenterId);
    const tagNames = (ids: string[]) => ids.map((t) => s().tags.find((x) => x.id === t)?.name);

    const dataCenters: SearchKeys<DataCenter> = {
        name: (d) => d.name,
        description: (d) => d.description,
        comment: (d) => d.comment,
        local: (d) => String(d.local),
        status: (d) => d.status,
        compatibility_version: (d) => `${d.version.major}.${d.version.minor}`,
        id: (d) => d.id,
        storage: (d) =>
            s()
                .storageDomains.filter((sd) => sd.attachments.some((a) => a.dataCenterId === d.id))
                .map((sd) => sd.name),
        cluster: (d) =>
            s()
                .clusters.filter((c) => c.dataCenterId === d.id)
                .map((c) => c.name),
        // cross-entity keys of the engine's search backend (`Datacenter: Clusters.name=x`); ovirt.ovirt's ovirt_nic uses it
        "clusters.name": (d) =>
            s()
                .clusters.filter((c) => c.dataCenterId === d.id)
                .map((c) => c.name),
    };
    const clusters: SearchKeys<Cluster> = {
        name: (c) => c.name,
        description: (c) => c.description,
        comment: (c) => c.comment,
        architecture: (c) => c.architecture,
        compatibility_level: (c) => `${c.version.major}.${c.version.minor}`,
        cpu_type: (c) => c.cpuType,
        datacenter: (c) => dcName(c.dataCenterId),
        id: (c) => c.id,
    };
    const hosts: SearchKeys<Host> = {
        name: (h) => h.name,
        address: (h) => h.address,
        cluster: (h) => clusterName(h.clusterId),
        datacenter: (h) => clusterDc(h.clusterId),
        status: (h) => h.status,
        external_status: (h) => h.externalStatus,
        type: (h) => h.type,
        id: (h) => h.id,
        active_vms: (h) => s().vms.filter((v) => v.hostId === h.id && v.status === "up").length,
        spm_id: (h) => (h.spmStatus === "spm" ? 1 : 0),
        tag: () => [],
        comment: (h) => h.comment,
        description: (h) => h.description,
    };
    const storageDomains: SearchKeys<StorageDomain> = {
        name: (d) => d.name,
        description: (d) => d.description,
        comment: (d) => d.comment,
        type: (d) => d.type,
        storage_type: (d) => d.storageType,
        status: (d) => (d.attachments.length ? d.attachments.map((a) => a.status) : d.status),
        datacenter: (d) => d.attachments.map((a) => dcName(a.dataCenterId)),
        external_status: (d) => d.externalStatus,
        id: (d) => d.id,
        size: (d) => Math.floor(d.available / 1024 ** 3),
        used: (d) => Math.floor(d.used / 1024 ** 3),
        committed: (d) => Math.floor(d.committed / 1024 ** 3),
    };
    const networks: SearchKeys<Network> = {
        name: (n) => n.name,
        description: (n) => n.description,
        comment: (n) => n.comment,
        vlanid: (n) => n.vlanId,
        stp: (n) => String(n.stp),
        mtu: (n) => n.mtu,
        vmnetwork: (n) => String(n.usages.includes("vm")),
        datacenter: (n) => dcName(n.dataCenterId),
        label: () => [],
        provider_name: (n) => s().providers.find((p) => p.id === n.externalProviderId)?.name,
        qos_name: () => undefined,
        id: (n) => n.id,
    };
    const templates: SearchKeys<Template> = {
        name: (t) => t.name,
        comment: (t) => t.comment,
        description: (t) => t.description,
        os: (t) => t.osType,
        status: (t) => t.status,
        mem: (t) => Math.floor(t.memory / 1024 ** 2),
        cluster: (t) => clusterName(t.clusterId),
        datacenter: (t) => clusterDc(t.clusterId),
        childcount: (t) => s().vms.filter((v) => v.templateId === t.id).length,
        creationdate: (t) => t.creationTime,
        architecture: () => "x86_64",
        version_name: (t) => t.versionName,
        sealed: () => "false",
        tag: () => [],
        quota: () => undefined,
        id: (t) => t.id,
        // `Template: vm.name=x`, the template a VM was made from (ovirt.ovirt ovirt_vm)
        "vm.name": (t) =>
            s()
                .vms.filter((v) => v.templateId === t.id)
                .map((v) => v.name),
    };
    const vms: SearchKeys<Vm> = {
        name: (v) => v.name,
        comment: (v) => v.comment,
        description: (v) => v.description,
        status: (v) => v.status,
        on_host: (v) => hostName(v.hostId),
        ip: (v) => v.guestDevices.flatMap((g) => g.ips.map((i) => i.address)),
        fqdn: (v) => v.fqdn,
        uptime: (v) => (v.startTime ? Math.floor((m.now() - v.startTime) / 1000) : 0),
        os: (v) => v.osType,
        creationdate: (v) => v.creationTime,
        address: (v) => v.fqdn,
        memory: (v) => Math.floor(v.memory / 1024 ** 2),
        cluster: (v) => clusterName(v.clusterId),
        pool: () => undefined,
        tag: (v) => tagNames(v.tagIds),
        datacenter: (v) => clusterDc(v.clusterId),
        type: (v) => v.type,
        id: (v) => v.id,
        template: (v) => s().templates.find((t) => t.id === v.templateId)?.name,
        host: (v) => hostName(v.hostId),
    };
    const events: SearchKeys<EngineEvent> = {
        type: (e) => e.code,
        severity: { get: (e) => e.severity, rank: EVENT_SEVERITIES },
        message: (e) => e.description,
        time: (e) => e.time,
        usrname: () => "admin@internal-authz",
        event_host: (e) => hostName(e.hostId),
        event_vm: (e) => s().vms.find((v) => v.id === e.vmId)?.name,
        event_template: (e) => s().templates.find((t) => t.id === e.templateId)?.name,
        event_storage: (e) => s().storageDomains.find((d) => d.id === e.storageDomainId)?.name,
        event_datacenter: (e) => dcName(e.dataCenterId),
        correlation_id: (e) => e.correlationId,
        origin: (e) => e.origin,
        custom_event_id: (e) => e.customId,
        deleted: () => "false",
        index: (e) => e.index,
        name: (e) => e.description,
        "vm.id": (e) => e.vmId,
        "vm.name": (e) => s().vms.find((v) => v.id === e.vmId)?.name,
    };
    const jobs: SearchKeys<Job> = { correlation_id: (j) => j.correlationId };
    /** searchbackend VnicProfileConditionFieldAutoCompleter (the search type BackendVnicProfilesResource uses). */
    const vnicProfiles: SearchKeys<VnicProfile> = {
        name: (p) => p.name,
        description: (p) => p.description,
        port_mirroring: (p) => String(p.portMirroring),
        passthrough: (p) => String(p.passThrough === "enabled"),
        network_name: (p) => s().networks.find((n) => n.id === p.networkId)?.name,
        datacenter: (p) => dcName(s().networks.find((n) => n.id === p.networkId)?.dataCenterId),
        compatibility_version: (p) => {
            const dc = s().dataCenters.find(
                (d) => d.id === s().networks.find((n) => n.id === p.networkId)?.dataCenterId,
            );
            return dc && `${dc.version.major}.${dc.version.minor}`;
        },
        qos_name: () => undefined,
        network_filter: () => "vdsm-no-mac-spoofing",
        failover: () => undefined,
        id: (p) => p.id,
    };
    return { dataCenters, clusters, hosts, storageDomains, networks, templates, vms, events, jobs, vnicProfiles };
}
