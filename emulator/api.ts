/**
 * The REST API v4 routes: path templates → model calls → representation. Framework-free, so the router also
 * names the path template for the admin statistics and fault injection.
 */
import { NON_BLOCKING_EXPECTATION, expectations } from "./expect";
import type { Ctx, EngineModel } from "./model/engine";
import { EngineFault, NotFound, inputValidation } from "./model/errors";
import { bool, int } from "./model/input";
import { SearchError, SearchKeys, search, searchPage } from "./model/search";
import { searchKeys } from "./model/queries";
import type { Job } from "./model/types";
import { Collection, Node } from "./representation/tree";
import * as V from "./representation/views";
import { isUuid } from "../lib/uuid";
import { addPermissionRoutes } from "./permissions";
import { body, created, ok } from "./replies";

export interface ApiRequest {
    method: string;
    params: Record<string, string>;
    query: URLSearchParams;
    body: unknown;
    headers: Record<string, string | string[] | undefined>;
    ctx: Ctx;
    view: V.ViewCtx;
    /** `https://127.0.0.1:1234`, for `Location`. */
    origin: string;
}

export interface ApiResponse {
    status: number;
    body?: Node | Collection;
    headers?: Record<string, string>;
}

type Handler = (r: ApiRequest) => ApiResponse | Promise<ApiResponse>;

interface Route {
    method: string;
    template: string;
    segs: string[];
    handler: Handler;
}

/** Id parameters that are not UUIDs in the engine. */
const NUMERIC_PARAMS = new Set(["event"]);
/** Ids the restapi does not parse as UUIDs: a permit's (BackendPermitResource.asGuidOr404 returns null; 404 if unknown). */
const FREE_PARAMS = new Set(["permit"]);

export class Router {
    private readonly routes: Route[] = [];

    add(method: string, template: string, handler: Handler): void {
        this.routes.push({ method, template, segs: template.split("/").filter(Boolean), handler });
    }

    /**
     * Finds the route for a path below the API root. Returns the template even when the method is not allowed
     * (for statistics), `undefined` template when nothing matches.
     */
    match(
        method: string,
        segs: string[],
    ): { route?: Route; template?: string; params: Record<string, string>; methodMismatch: boolean } {
        let template: string | undefined;
        for (const r of this.routes) {
            if (r.segs.length !== segs.length) continue;
            const params: Record<string, string> = {};
            let ok = true;
            for (let i = 0; i < segs.length && ok; i++) {
                const p = r.segs[i];
                if (p.startsWith(":")) params[p.slice(1)] = segs[i];
                else if (p !== segs[i]) ok = false;
            }
            if (!ok) continue;
            template ??= r.template;
            if (r.method === method) return { route: r, template: r.template, params, methodMismatch: false };
        }
        return { template, params: {}, methodMismatch: template !== undefined };
    }
}

/** Throws 400 "Operation failed" for ids that are not UUIDs (numbers for events). */
export function validateParams(params: Record<string, string>): void {
    for (const [k, v] of Object.entries(params)) {
        if (FREE_PARAMS.has(k)) continue;
        const ok = NUMERIC_PARAMS.has(k) ? /^\d+$/.test(v) : isUuid(v);
        if (!ok) throw new EngineFault(400, "Operation failed", `Invalid UUID string: ${v}`);
    }
}

// ------------------------------------------------------------------ helpers

/** A boolean query parameter (`force`, `format`, `activate`); not a body value, so not a BodyValueError. */
function qBool(r: ApiRequest, k: string, dflt = false): boolean {
    const v = r.query.get(k) ?? undefined;
    try {
        return bool(v, k) ?? dflt;
    } catch {
        throw inputValidation(`Invalid value '${v}' for boolean attribute '${k}'.`);
    }
}

function isAsync(r: ApiRequest): boolean {
    return qBool(r, "async") || expectations(r.headers).has(NON_BLOCKING_EXPECTATION);
}

function removed(r: ApiRequest, job: Job): ApiResponse {
    if (isAsync(r)) return { status: 202 };
    return ok({ job: V.jobRef(r.view, job), status: "complete" });
}

/** Entity actions: 200 `{status: complete, job, <entity>}`; a failure is wrapped as `{status: failed, fault}`. */
function entityAction(r: ApiRequest, key: string, path: string, id: string, fn: () => { job: Job }): ApiResponse {
    try {
        const { job } = fn();
        return ok({ job: V.jobRef(r.view, job), status: "complete", [key]: V.entityRef(r.view, path, id) });
    } catch (e) {
        if (e instanceof EngineFault) {
            return { status: e.status, body: { fault: { detail: e.detail, reason: e.reason }, status: "failed" } };
        }
        throw e;
    }
}

function listOf<T>(
    r: ApiRequest,
    elem: string,
    items: readonly T[],
    view: (c: V.ViewCtx, x: T) => Node,
    keys?: SearchKeys<T>,
): ApiResponse {
    let out = [...items];
    // Collections the engine does not search (nested ones such as /vms/{id}/nics: their resources never read the
    // parameter) ignore it: the client gets the whole collection (docs/engine-api.md §3, "list and filter locally").
    const q = keys ? r.query.get("search") : null;
    let page: number | undefined;
    if (q !== null && q.trim() !== "") {
        try {
            out = search(out, q, keys!, qBool(r, "case_sensitive"));
            page = searchPage(q);
        } catch (e) {
            if (e instanceof SearchError)
                throw new EngineFault(400, "Operation Failed", `[Failed to parse the search query: ${e.message}]`);
            throw e;
        }
    }
    const max = r.query.get("max");
    const n = max !== null ? int(max, "max") : undefined;
    const size = n !== undefined && n >= 0 ? n : Infinity;
    const first = page === undefined || page === 1 ? 0 : (page - 1) * size;
    out = out.slice(first, first + size);
    return ok(
        new Collection(
            elem,
            out.map((x) => view(r.view, x)),
        ),
    );
}

// ------------------------------------------------------------------ routes

export function buildRouter(m: EngineModel): Router {
    const R = new Router();
    const keys = searchKeys(m);
    const s = () => m.state;
    const get = R.add.bind(R, "GET");
    const post = R.add.bind(R, "POST");
    const put = R.add.bind(R, "PUT");
    const del = R.add.bind(R, "DELETE");

    // data centers
    get("/datacenters", (r) => listOf(r, "data_center", s().dataCenters, V.dataCenterView, keys.dataCenters));
    get("/datacenters/:dc", (r) => ok(V.dataCenterView(r.view, m.dataCenter(r.params.dc))));
    post("/datacenters", (r) => created(r, V.dataCenterView(r.view, m.addDataCenter(body(r), r.ctx))));
    put("/datacenters/:dc", (r) => ok(V.dataCenterView(r.view, m.updateDataCenter(r.params.dc, body(r), r.ctx))));
    del("/datacenters/:dc", (r) => removed(r, m.removeDataCenter(r.params.dc, qBool(r, "force"), r.ctx)));
    get("/datacenters/:dc/clusters", (r) => {
        m.dataCenter(r.params.dc);
        return listOf(
            r,
            "cluster",
            s().clusters.filter((c) => c.dataCenterId === r.params.dc),
            V.clusterView,
        );
    });
    get("/datacenters/:dc/networks", (r) => {
        m.dataCenter(r.params.dc);
        return listOf(
            r,
            "network",
            s().networks.filter((n) => n.dataCenterId === r.params.dc),
            V.networkView,
        );
    });
    get("/datacenters/:dc/storagedomains", (r) => {
        const dc = m.dataCenter(r.params.dc);
        return listOf(
            r,
            "storage_domain",
            s().storageDomains.filter((sd) => sd.attachments.some((a) => a.dataCenterId === dc.id)),
            (c, sd) => V.attachedStorageDomainView(c, dc.id, sd),
        );
    });
    get("/datacenters/:dc/storagedomains/:sd", (r) => {
        m.dataCenter(r.params.dc);
        const sd = m.storageDomain(r.params.sd);
        m.attachmentOf(sd, r.params.dc);
        return ok(V.attachedStorageDomainView(r.view, r.params.dc, sd));
    });
    post("/datacenters/:dc/storagedomains", (r) =>
        created(
            r,
            V.attachedStorageDomainView(r.view, r.params.dc, m.attachStorageDomain(r.params.dc, body(r), r.ctx)),
        ),
    );
    post("/datacenters/:dc/storagedomains/:sd/activate", (r) =>
        entityAction(r, "storage_domain", `datacenters/${r.params.dc}/storagedomains`, r.params.sd, () =>
            m.activateStorageDomain(r.params.dc, r.params.sd, r.ctx),
        ),
    );
    post("/datacenters/:dc/storagedomains/:sd/deactivate", (r) =>
        entityAction(r, "storage_domain", `datacenters/${r.params.dc}/storagedomains`, r.params.sd, () =>
            m.deactivateStorageDomain(r.params.dc, r.params.sd, bool(body(r).force, "force") ?? false, r.ctx),
        ),
    );
    del("/datacenters/:dc/storagedomains/:sd", (r) =>
        removed(r, m.detachStorageDomain(r.params.dc, r.params.sd, r.ctx)),
    );

    // clusters
    get("/clusters", (r) => listOf(r, "cluster", s().clusters, V.clusterView, keys.clusters));
    get("/clusters/:cluster", (r) => ok(V.clusterView(r.view, m.cluster(r.params.cluster))));
    post("/clusters", (r) => created(r, V.clusterView(r.view, m.addCluster(body(r), r.ctx))));
    put("/clusters/:cluster", (r) => ok(V.clusterView(r.view, m.updateCluster(r.params.cluster, body(r), r.ctx))));
    del("/clusters/:cluster", (r) => removed(r, m.removeCluster(r.params.cluster, r.ctx)));
    get("/clusters/:cluster/networks", (r) => {
        const c = m.cluster(r.params.cluster);
        return listOf(r, "network", c.networks, (v, cn) =>
            V.clusterNetworkView(v, c.id, m.network(cn.networkId), cn.required, cn.display),
        );
    });
    get("/clusters/:cluster/networks/:network", (r) => {
        const cn = m.clusterNetwork(r.params.cluster, r.params.network);
        return ok(V.clusterNetworkView(r.view, r.params.cluster, cn.network, cn.required, cn.display));
    });
    post("/clusters/:cluster/networks", (r) => {
        const n = m.assignNetwork(r.params.cluster, body(r), r.ctx);
        const cn = m.clusterNetwork(r.params.cluster, n.id);
        return created(r, V.clusterNetworkView(r.view, r.params.cluster, n, cn.required, cn.display));
    });
    del("/clusters/:cluster/networks/:network", (r) =>
        removed(r, m.unassignNetwork(r.params.cluster, r.params.network, r.ctx)),
    );
    get("/clusters/:cluster/affinitygroups", (r) => {
        m.cluster(r.params.cluster);
        return listOf(
            r,
            "affinity_group",
            s().affinityGroups.filter((g) => g.clusterId === r.params.cluster),
            V.affinityGroupView,
        );
    });
    get("/clusters/:cluster/affinitygroups/:group", (r) =>
        ok(V.affinityGroupView(r.view, m.affinityGroup(r.params.cluster, r.params.group))),
    );
    post("/clusters/:cluster/affinitygroups", (r) =>
        created(r, V.affinityGroupView(r.view, m.addAffinityGroup(r.params.cluster, body(r), r.ctx))),
    );
    put("/clusters/:cluster/affinitygroups/:group", (r) =>
        ok(V.affinityGroupView(r.view, m.updateAffinityGroup(r.params.cluster, r.params.group, body(r), r.ctx))),
    );
    del("/clusters/:cluster/affinitygroups/:group", (r) =>
        removed(r, m.removeAffinityGroup(r.params.cluster, r.params.group, r.ctx)),
    );
    get("/clusters/:cluster/affinitygroups/:group/vms", (r) => {
        const g = m.affinityGroup(r.params.cluster, r.params.group);
        return listOf(
            r,
            "vm",
            g.vmIds.map((id) => s().vms.find((v) => v.id === id)).filter((v) => !!v),
            (c, v) => V.vmView(c, v!),
        );
    });
    post("/clusters/:cluster/affinitygroups/:group/vms", (r) =>
        ok(V.vmView(r.view, m.addAffinityVm(r.params.cluster, r.params.group, body(r), r.ctx))),
    );
    del("/clusters/:cluster/affinitygroups/:group/vms/:vm", (r) =>
        removed(r, m.removeAffinityVm(r.params.cluster, r.params.group, r.params.vm, r.ctx)),
    );

    // hosts
    get("/hosts", (r) => listOf(r, "host", s().hosts, V.hostView, keys.hosts));
    get("/hosts/:host", (r) => ok(V.hostView(r.view, m.host(r.params.host))));
    post("/hosts", (r) =>
        created(r, V.hostView(r.view, m.addHost(body(r), { activate: qBool(r, "activate", true) }, r.ctx))),
    );
    put("/hosts/:host", (r) => ok(V.hostView(r.view, m.updateHost(r.params.host, body(r), r.ctx))));
    del("/hosts/:host", (r) => removed(r, m.removeHost(r.params.host, qBool(r, "force"), r.ctx)));
    post("/hosts/:host/activate", (r) =>
        entityAction(r, "host", "hosts", r.params.host, () => m.activateHost(r.params.host, r.ctx)),
    );
    post("/hosts/:host/deactivate", (r) =>
        entityAction(r, "host", "hosts", r.params.host, () => m.deactivateHost(r.params.host, r.ctx)),
    );
    post("/hosts/:host/install", (r) =>
        entityAction(r, "host", "hosts", r.params.host, () => m.reinstallHost(r.params.host, body(r), r.ctx)),
    );
    post("/hosts/:host/refresh", (r) =>
        entityAction(r, "host", "hosts", r.params.host, () => m.refreshHost(r.params.host, r.ctx)),
    );

    // storage domains
    get("/storagedomains", (r) =>
        listOf(r, "storage_domain", s().storageDomains, V.storageDomainView, keys.storageDomains),
    );
    get("/storagedomains/:sd", (r) => ok(V.storageDomainView(r.view, m.storageDomain(r.params.sd))));
    post("/storagedomains", async (r) =>
        created(r, V.storageDomainView(r.view, await m.addStorageDomain(body(r), r.ctx))),
    );
    put("/storagedomains/:sd", (r) =>
        ok(V.storageDomainView(r.view, m.updateStorageDomain(r.params.sd, body(r), r.ctx))),
    );
    del("/storagedomains/:sd", (r) =>
        removed(
            r,
            m.removeStorageDomain(
                r.params.sd,
                { host: r.query.get("host") ?? undefined, format: qBool(r, "format"), destroy: qBool(r, "destroy") },
                r.ctx,
            ),
        ),
    );
    get("/storagedomains/:sd/disks", (r) => {
        m.storageDomain(r.params.sd);
        return listOf(
            r,
            "disk",
            s().disks.filter((d) => d.storageDomainId === r.params.sd),
            V.diskView,
        );
    });

    // networks, vNIC profiles, OVN
    get("/networks", (r) => listOf(r, "network", s().networks, V.networkView, keys.networks));
    get("/networks/:network", (r) => ok(V.networkView(r.view, m.network(r.params.network))));
    post("/networks", (r) => created(r, V.networkView(r.view, m.addNetwork(body(r), r.ctx))));
    put("/networks/:network", (r) => ok(V.networkView(r.view, m.updateNetwork(r.params.network, body(r), r.ctx))));
    del("/networks/:network", (r) => removed(r, m.removeNetwork(r.params.network, r.ctx)));
    get("/networks/:network/vnicprofiles", (r) => {
        m.network(r.params.network);
        return listOf(
            r,
            "vnic_profile",
            s().vnicProfiles.filter((p) => p.networkId === r.params.network),
            V.vnicProfileView,
        );
    });
    post("/networks/:network/vnicprofiles", (r) =>
        created(r, V.vnicProfileView(r.view, m.addVnicProfile(body(r), r.ctx, r.params.network))),
    );
    get("/vnicprofiles", (r) => listOf(r, "vnic_profile", s().vnicProfiles, V.vnicProfileView, keys.vnicProfiles));
    get("/vnicprofiles/:profile", (r) => ok(V.vnicProfileView(r.view, m.vnicProfile(r.params.profile))));
    post("/vnicprofiles", (r) => created(r, V.vnicProfileView(r.view, m.addVnicProfile(body(r), r.ctx))));
    del("/vnicprofiles/:profile", (r) => removed(r, m.removeVnicProfile(r.params.profile, r.ctx)));
    get("/openstacknetworkproviders", (r) => listOf(r, "openstack_network_provider", s().providers, V.providerView));
    get("/openstacknetworkproviders/:provider", (r) => ok(V.providerView(r.view, m.provider(r.params.provider))));
    get("/openstacknetworkproviders/:provider/networks", (r) => {
        const p = m.provider(r.params.provider);
        return listOf(
            r,
            "openstack_network",
            s().networks.filter((n) => n.externalProviderId === p.id),
            (c, n) => V.openstackNetworkView(c, p.id, n),
        );
    });
    get("/openstacknetworkproviders/:provider/networks/:network", (r) => {
        const p = m.provider(r.params.provider);
        const n = s().networks.find((x) => x.externalId === r.params.network) ?? m.network(r.params.network);
        if (n.externalProviderId !== p.id) throw new NotFound("network");
        return ok(V.openstackNetworkView(r.view, p.id, n));
    });

    // templates
    get("/templates", (r) => listOf(r, "template", s().templates, V.templateView, keys.templates));
    get("/templates/:template", (r) => ok(V.templateView(r.view, m.template(r.params.template))));
    post("/templates", (r) => created(r, V.templateView(r.view, m.addTemplate(body(r), r.ctx))));
    put("/templates/:template", (r) => ok(V.templateView(r.view, m.updateTemplate(r.params.template, body(r), r.ctx))));
    del("/templates/:template", (r) => removed(r, m.removeTemplate(r.params.template, r.ctx)));
    get("/templates/:template/diskattachments", (r) => {
        const t = m.template(r.params.template);
        return listOf(r, "disk_attachment", t.diskAttachments, (c, da) =>
            V.diskAttachmentView(c, "templates", t.id, da),
        );
    });
    get("/templates/:template/diskattachments/:disk", (r) => {
        const t = m.template(r.params.template);
        return ok(V.diskAttachmentView(r.view, "templates", t.id, m.diskAttachment(t, r.params.disk)));
    });

    // Sub-collections the emulator advertises as links but does not model: the engine lists them (a VM has a cdrom,
    // a graphics console, statistics, …); here they are empty lists, so clients that read them work (ovirt.ovirt's
    // ovirt_vm reads a VM's numanodes, ovirt_nic a NIC's networkfilterparameters). docs/emulator.md lists them.
    const emptySubs: Array<[string, (p: Record<string, string>) => unknown, Record<string, string>]> = [
        [
            "/vms/:vm",
            (p) => m.vm(p.vm),
            {
                affinitylabels: "affinity_label",
                applications: "application",
                cdroms: "cdrom",
                graphicsconsoles: "graphics_console",
                hostdevices: "host_device",
                katelloerrata: "katello_erratum",
                mediateddevices: "vm_mediated_device",
                numanodes: "vm_numa_node",
                sessions: "session",
                snapshots: "snapshot",
                statistics: "statistic",
                watchdogs: "watchdog",
            },
        ],
        [
            "/vms/:vm/nics/:nic",
            (p) => m.nic(m.vm(p.vm).id, p.nic),
            { networkfilterparameters: "network_filter_parameter", statistics: "statistic" },
        ],
    ];
    for (const [owner, exists, subs] of emptySubs) {
        for (const [sub, elem] of Object.entries(subs)) {
            get(`${owner}/${sub}`, (r) => {
                exists(r.params);
                return ok(new Collection(elem, []));
            });
        }
    }

    // VMs
    get("/vms", (r) => listOf(r, "vm", s().vms, V.vmView, keys.vms));
    // next_run=true: the next-run configuration (restapi BackendVmResource.java, GetVmNextRunConfiguration)
    get("/vms/:vm", (r) => {
        const vm = m.vm(r.params.vm);
        return ok(V.vmView(r.view, qBool(r, "next_run") && vm.nextRun ? { ...vm, ...vm.nextRun } : vm));
    });
    post("/vms", (r) => created(r, V.vmView(r.view, m.addVm(body(r), r.ctx))));
    put("/vms/:vm", (r) => ok(V.vmView(r.view, m.updateVm(r.params.vm, body(r), r.ctx, qBool(r, "next_run")))));
    del("/vms/:vm", (r) => removed(r, m.removeVm(r.params.vm, { detachOnly: qBool(r, "detach_only") }, r.ctx)));
    post("/vms/:vm/start", (r) =>
        entityAction(r, "vm", "vms", r.params.vm, () => m.startVm(r.params.vm, body(r), r.ctx)),
    );
    post("/vms/:vm/stop", (r) => entityAction(r, "vm", "vms", r.params.vm, () => m.stopVm(r.params.vm, r.ctx)));
    post("/vms/:vm/shutdown", (r) => entityAction(r, "vm", "vms", r.params.vm, () => m.shutdownVm(r.params.vm, r.ctx)));
    get("/vms/:vm/nics", (r) => {
        const vm = m.vm(r.params.vm);
        return listOf(r, "nic", vm.nics, (c, n) => V.nicView(c, vm, n));
    });
    get("/vms/:vm/nics/:nic", (r) => {
        const vm = m.vm(r.params.vm);
        return ok(V.nicView(r.view, vm, m.nic(vm.id, r.params.nic)));
    });
    post("/vms/:vm/nics", (r) => {
        const vm = m.vm(r.params.vm);
        return created(r, V.nicView(r.view, vm, m.addNic(vm.id, body(r), r.ctx)));
    });
    put("/vms/:vm/nics/:nic", (r) => {
        const vm = m.vm(r.params.vm);
        return ok(V.nicView(r.view, vm, m.updateNic(vm.id, r.params.nic, body(r), r.ctx)));
    });
    del("/vms/:vm/nics/:nic", (r) => removed(r, m.removeNic(r.params.vm, r.params.nic, r.ctx)));
    get("/vms/:vm/nics/:nic/reporteddevices", (r) => {
        const vm = m.vm(r.params.vm);
        const nic = m.nic(vm.id, r.params.nic);
        return listOf(
            r,
            "reported_device",
            vm.guestDevices.filter((g) => g.mac === nic.mac),
            (c, g) => V.reportedDeviceView(c, vm, g),
        );
    });
    get("/vms/:vm/reporteddevices", (r) => {
        const vm = m.vm(r.params.vm);
        return listOf(r, "reported_device", vm.guestDevices, (c, g) => V.reportedDeviceView(c, vm, g));
    });
    get("/vms/:vm/diskattachments", (r) => {
        const vm = m.vm(r.params.vm);
        return listOf(r, "disk_attachment", vm.diskAttachments, (c, da) => V.diskAttachmentView(c, "vms", vm.id, da));
    });
    get("/vms/:vm/diskattachments/:disk", (r) => {
        const vm = m.vm(r.params.vm);
        return ok(V.diskAttachmentView(r.view, "vms", vm.id, m.diskAttachment(vm, r.params.disk)));
    });
    post("/vms/:vm/diskattachments", (r) => {
        const vm = m.vm(r.params.vm);
        return created(r, V.diskAttachmentView(r.view, "vms", vm.id, m.addDiskAttachment(vm.id, body(r), r.ctx)));
    });
    del("/vms/:vm/diskattachments/:disk", (r) =>
        removed(r, m.removeDiskAttachment(r.params.vm, r.params.disk, qBool(r, "detach_only"), r.ctx)),
    );
    get("/vms/:vm/tags", (r) => {
        const vm = m.vm(r.params.vm);
        return listOf(
            r,
            "tag",
            vm.tagIds.map((t) => s().tags.find((x) => x.id === t)).filter((t) => !!t),
            (c, t) => V.vmTagView(c, vm.id, t!),
        );
    });
    get("/vms/:vm/tags/:tag", (r) => {
        const vm = m.vm(r.params.vm);
        if (!vm.tagIds.includes(r.params.tag)) throw new NotFound("tag");
        return ok(V.vmTagView(r.view, vm.id, m.tag(r.params.tag)));
    });
    post("/vms/:vm/tags", (r) => created(r, V.vmTagView(r.view, r.params.vm, m.tagVm(r.params.vm, body(r), r.ctx))));
    del("/vms/:vm/tags/:tag", (r) => removed(r, m.untagVm(r.params.vm, r.params.tag, r.ctx)));

    // disks
    get("/disks", (r) =>
        listOf(r, "disk", s().disks, V.diskView, {
            name: (d) => d.name,
            alias: (d) => d.name,
            status: (d) => d.status,
            id: (d) => d.id,
        }),
    );
    get("/disks/:disk", (r) => ok(V.diskView(r.view, m.disk(r.params.disk))));
    del("/disks/:disk", (r) => removed(r, m.removeDisk(r.params.disk, r.ctx)));

    // tags
    get("/tags", (r) =>
        listOf(r, "tag", s().tags, V.tagView, {
            name: (t) => t.name,
            description: (t) => t.description,
            id: (t) => t.id,
        }),
    );
    get("/tags/:tag", (r) => ok(V.tagView(r.view, m.tag(r.params.tag))));
    post("/tags", (r) => created(r, V.tagView(r.view, m.addTag(body(r), r.ctx))));
    put("/tags/:tag", (r) => ok(V.tagView(r.view, m.updateTag(r.params.tag, body(r), r.ctx))));
    del("/tags/:tag", (r) => removed(r, m.removeTag(r.params.tag, r.ctx)));

    // events
    get("/events", (r) => {
        let evs = [...s().events].sort((a, b) => b.index - a.index);
        const from = r.query.get("from");
        if (from !== null) {
            const n = int(from, "from");
            if (n !== undefined) evs = evs.filter((e) => e.index > n);
        }
        return listOf(r, "event", evs, V.eventView, keys.events);
    });
    get("/events/:event", (r) => ok(V.eventView(r.view, m.eventById(r.params.event))));
    post("/events", (r) => created(r, V.eventView(r.view, m.addExternalEvent(body(r), r.ctx))));
    del("/events/:event", (r) => {
        m.removeEvent(r.params.event);
        return ok({ status: "complete" });
    });

    // jobs
    get("/jobs", (r) =>
        listOf(
            r,
            "job",
            [...s().jobs].sort((a, b) => b.startTime - a.startTime),
            V.jobView,
            keys.jobs,
        ),
    );
    get("/jobs/:job", (r) => ok(V.jobView(r.view, m.job(r.params.job))));
    get("/jobs/:job/steps", (r) => {
        m.job(r.params.job);
        return ok(new Collection("step", []));
    });
    post("/jobs", (r) => created(r, V.jobView(r.view, m.addExternalJob(body(r), r.ctx))));
    post("/jobs/:job/end", (r) =>
        ok({ job: V.jobView(r.view, m.endExternalJob(r.params.job, body(r))), status: "complete" }),
    );
    post("/jobs/:job/clear", (r) => ok({ job: V.jobView(r.view, m.clearJob(r.params.job)), status: "complete" }));

    addPermissionRoutes(R, m);
    return R;
}

/** Engine words for a route, used by the `lock409` fault: `Cannot ${action} ${type}. Related operation ...`. */
export function actionWords(method: string, template: string): { action: string; type: string } {
    const segs = template.split("/").filter(Boolean);
    const types: Record<string, string> = {
        vms: "VM",
        hosts: "Host",
        storagedomains: "Storage",
        datacenters: "Data Center",
        clusters: "Cluster",
        networks: "Network",
        templates: "Template",
        nics: "Interface",
        diskattachments: "Virtual Disk",
        disks: "Virtual Disk",
        tags: "Tag",
        affinitygroups: "Affinity Group",
        events: "External Event",
        vnicprofiles: "VM network interface profile",
        jobs: "Job",
        permissions: "Permission",
        users: "User",
    };
    let type = "Object";
    for (const s of segs) if (types[s]) type = types[s];
    const last = segs[segs.length - 1] ?? "";
    const verbs: Record<string, string> = {
        start: "run",
        stop: "stop",
        shutdown: "shutdown",
        activate: "activate",
        deactivate: "deactivate",
    };
    let action = method === "DELETE" ? "remove" : method === "PUT" ? "update" : method === "GET" ? "get" : "add";
    if (method === "POST" && verbs[last]) action = verbs[last];
    if (method === "POST" && last === "deactivate" && type === "Host") action = "maintenance";
    return { action, type };
}
