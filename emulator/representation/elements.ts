/**
 * XML root element names of single-object responses, from the route that produced them. JSON has no root
 * element, so the views do not name one; XML needs the api model's element name (oVirt/ovirt-engine-api-model:
 * the `@Type` names, written in lower case with underscores, e.g. `DataCenter` → `data_center`).
 */
import { Collection, Node } from "./tree";

/** The element of the entities a collection path segment serves. */
const SEGMENT_ELEMENTS: Readonly<Record<string, string>> = {
    affinitygroups: "affinity_group",
    clusters: "cluster",
    datacenters: "data_center",
    diskattachments: "disk_attachment",
    disks: "disk",
    events: "event",
    hosts: "host",
    jobs: "job",
    networks: "network",
    nics: "nic",
    openstacknetworkproviders: "openstack_network_provider",
    permissions: "permission",
    reporteddevices: "reported_device",
    roles: "role",
    steps: "step",
    storagedomains: "storage_domain",
    tags: "tag",
    templates: "template",
    users: "user",
    vms: "vm",
    vnicprofiles: "vnic_profile",
};

/** Paths where the same segment serves another type: the networks of an external provider are `OpenStackNetwork`s. */
const TEMPLATE_ELEMENTS: ReadonlyArray<[RegExp, string]> = [
    [/^\/openstacknetworkproviders\/:\w+\/networks(\/:\w+)?$/, "openstack_network"],
];

/** The element name of the entity served at a route template such as `/vms/:vm/nics/:nic` (→ `nic`). */
export function entityElement(template: string): string {
    for (const [re, elem] of TEMPLATE_ELEMENTS) if (re.test(template)) return elem;
    const segs = template.split("/").filter((s) => s && !s.startsWith(":"));
    for (let i = segs.length - 1; i >= 0; i--) {
        const e = SEGMENT_ELEMENTS[segs[i]];
        if (e) return e;
    }
    // a collection we do not know by name: the api model's rule of thumb (singular of the segment)
    return (segs[segs.length - 1] ?? "object").replace(/s$/, "");
}

/**
 * Action results (`POST …/start`), removal results and entity-action failures carry `status` and a `job` or a
 * `fault` but no `href`: the engine writes them as `<action>` (restapi BackendResource.performAction,
 * AbstractBackendActionableResource.actionStatus). Faults are written by the fault path, never through here.
 */
export function isActionResult(body: Node | Collection): boolean {
    if (
        body instanceof Collection ||
        typeof body !== "object" ||
        body === null ||
        Array.isArray(body) ||
        body instanceof Date
    )
        return false;
    const o = body as Record<string, unknown>;
    return (
        o.href === undefined &&
        typeof o.status === "string" &&
        (o.job !== undefined || o.fault !== undefined || Object.keys(o).length === 1)
    );
}
