// Lookups by name: plain async functions, run in the Pulumi program process (not dynamic resources, so they add
// nothing to state). Use them directly or inside `pulumi.output(...)`:
//     const cluster = pulumi.output(lookupCluster("OCP-45"));
//     new Vm("proxy", { clusterId: cluster.id, ... });
// The endpoint comes from the `ovirt-ci:engine*` stack config of the running program, else the OVIRT_ENGINE_*
// environment (the same keys as the providers), or from `opts.endpoint`.
import { ConfigSource, Endpoint, openSession, resolveEndpoint, Session } from "./client";
import { decodeInt, decodeList, decodeString, refId, searchQuote } from "./representation";

export interface LookupOptions {
    endpoint?: Endpoint;
}

export interface DataCenterInfo {
    id: string;
    name: string;
    status: string;
    version: string;
}
export interface ClusterInfo {
    id: string;
    name: string;
    dataCenterId: string;
    cpuType: string;
}
export interface TemplateInfo {
    id: string;
    name: string;
    status: string;
    memoryMiB: number;
}
export interface StorageDomainInfo {
    id: string;
    name: string;
    type: string;
    status?: string;
    availableBytes: number;
    dataCenterIds: string[];
}
export interface HostInfo {
    id: string;
    name: string;
    address: string;
    status: string;
    clusterId: string;
}
export interface OvnProviderInfo {
    id: string;
    name: string;
}
export interface VnicProfileInfo {
    id: string;
    name: string;
    networkId: string;
}

function programConfig(): ConfigSource {
    return {
        get(key: string) {
            try {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const pulumi: typeof import("@pulumi/pulumi") = require("@pulumi/pulumi");
                return pulumi.runtime.getConfig(key);
            } catch {
                return undefined;
            }
        },
    };
}

/** A session of the program process for a read named `what` (the endpoint of `opts`, else the stack config). */
export async function lookupSession(what: string, opts?: LookupOptions): Promise<Session> {
    return openSession(opts?.endpoint ?? resolveEndpoint(programConfig()), `lookup ${what}`);
}

async function byName(
    what: string,
    collection: string,
    key: string,
    name: string,
    opts?: LookupOptions,
    search = true,
): Promise<Record<string, unknown>> {
    const s = await lookupSession(`${what} ${name}`, opts);
    const body = await s.get(collection, search ? { params: { search: `name=${searchQuote(name)}` } } : undefined);
    const all = decodeList(body, key);
    const hit = all.filter((x) => x.name === name);
    if (hit.length === 1) return hit[0];
    if (hit.length > 1)
        throw new Error(
            `lookup ${what} ${JSON.stringify(name)}: ${hit.length} objects have this name (ids ${hit.map((h) => h.id).join(", ")})`,
        );
    throw new Error(
        `lookup ${what} ${JSON.stringify(name)}: not found on the engine` +
            (search ? "" : ` (existing: ${all.map((x) => x.name).join(", ") || "none"})`),
    );
}

export async function lookupDataCenter(name: string, opts?: LookupOptions): Promise<DataCenterInfo> {
    const d = await byName("data center", "/datacenters", "data_center", name, opts);
    const v = (d.version ?? {}) as Record<string, unknown>;
    return {
        id: String(d.id),
        name,
        status: String(d.status ?? ""),
        version: v.major !== undefined ? `${v.major}.${v.minor}` : "",
    };
}

export async function lookupCluster(name: string, opts?: LookupOptions): Promise<ClusterInfo> {
    const c = await byName("cluster", "/clusters", "cluster", name, opts);
    return {
        id: String(c.id),
        name,
        dataCenterId: refId(c.data_center) ?? "",
        cpuType: decodeString(((c.cpu ?? {}) as Record<string, unknown>).type) ?? "",
    };
}

export async function lookupTemplate(name: string, opts?: LookupOptions): Promise<TemplateInfo> {
    const t = await byName("template", "/templates", "template", name, opts);
    return {
        id: String(t.id),
        name,
        status: String(t.status ?? ""),
        memoryMiB: Math.round(decodeInt(t.memory) / (1024 * 1024)),
    };
}

export async function lookupStorageDomain(name: string, opts?: LookupOptions): Promise<StorageDomainInfo> {
    const d = await byName("storage domain", "/storagedomains", "storage_domain", name, opts);
    return {
        id: String(d.id),
        name,
        type: String(d.type ?? ""),
        status: decodeString(d.status),
        availableBytes: decodeInt(d.available),
        dataCenterIds: decodeList(d.data_centers, "data_center")
            .map((x) => refId(x) ?? "")
            .filter(Boolean),
    };
}

export async function lookupHost(name: string, opts?: LookupOptions): Promise<HostInfo> {
    const h = await byName("host", "/hosts", "host", name, opts);
    return {
        id: String(h.id),
        name,
        address: String(h.address ?? ""),
        status: String(h.status ?? ""),
        clusterId: refId(h.cluster) ?? "",
    };
}

/** The OVN network provider (default name `ovirt-provider-ovn`). */
export async function lookupOvnProvider(name = "ovirt-provider-ovn", opts?: LookupOptions): Promise<OvnProviderInfo> {
    const p = await byName(
        "OVN provider",
        "/openstacknetworkproviders",
        "openstack_network_provider",
        name,
        opts,
        false,
    );
    return { id: String(p.id), name };
}

/**
 * A vNIC profile by name. Profiles are named after their network and several data centers can each have one
 * (`ovirtmgmt`): pass `networkId` to pick the right one; without it the name must be unique.
 */
export async function lookupVnicProfile(
    name: string,
    networkId?: string,
    opts?: LookupOptions,
): Promise<VnicProfileInfo> {
    const s = await lookupSession(`vNIC profile ${name}`, opts);
    const body = await s.get(networkId ? `/networks/${networkId}/vnicprofiles` : "/vnicprofiles");
    const hit = decodeList(body, "vnic_profile").filter(
        (p) => p.name === name && (!networkId || refId(p.network) === networkId || !refId(p.network)),
    );
    if (hit.length === 1) return { id: String(hit[0].id), name, networkId: refId(hit[0].network) ?? networkId ?? "" };
    if (hit.length > 1)
        throw new Error(
            `lookup vNIC profile ${JSON.stringify(name)}: ${hit.length} profiles have this name; pass the networkId`,
        );
    throw new Error(
        `lookup vNIC profile ${JSON.stringify(name)}: not found` + (networkId ? ` on network ${networkId}` : ""),
    );
}
