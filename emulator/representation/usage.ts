/**
 * The fault the engine answers for a request body its readers cannot take: `Request syntactically incorrect.` with
 * a link to the method's documentation. Sources (oVirt/ovirt-engine at 0111fc6, below
 * backend/manager/modules/restapi/jaxrs/src/main/java/org/ovirt/engine/api/restapi/): resource/validation/
 * UsageFinder.java builds the link from the service tree (`<root>/ovirt-engine/apidoc#services/<service>/methods/
 * <method>`, the service's name in lower case with underscores, the method `add` for POST, `update` for PUT, or the
 * action's name); IOExceptionMapper.java (XML: JAXBProvider turns every unmarshalling error into an IOException) and
 * JsonExceptionMapper.java (JSON: every Jackson JsonProcessingException) answer it with 400.
 */
import { EngineFault } from "../model/errors";

/**
 * The services of the collections the emulator serves, by their path below the parent's collection (`vms/nics`)
 * or at the root (`vms`): [the collection's service, its entity's service], as the api model names them
 * (oVirt/ovirt-engine-api-model: VmNicsService → `vm_nics`, AttachedStorageDomainService →
 * `attached_storage_domain`, …).
 */
const SERVICES: Readonly<Record<string, readonly [string, string]>> = {
    clusters: ["clusters", "cluster"],
    "clusters/affinitygroups": ["affinity_groups", "affinity_group"],
    "affinitygroups/vms": ["affinity_group_vms", "affinity_group_vm"],
    "clusters/networks": ["cluster_networks", "cluster_network"],
    datacenters: ["data_centers", "data_center"],
    "datacenters/storagedomains": ["attached_storage_domains", "attached_storage_domain"],
    disks: ["disks", "disk"],
    events: ["events", "event"],
    hosts: ["hosts", "host"],
    jobs: ["jobs", "job"],
    "jobs/steps": ["steps", "step"],
    networks: ["networks", "network"],
    "networks/vnicprofiles": ["assigned_vnic_profiles", "assigned_vnic_profile"],
    openstacknetworkproviders: ["openstack_network_providers", "openstack_network_provider"],
    storagedomains: ["storage_domains", "storage_domain"],
    tags: ["tags", "tag"],
    templates: ["templates", "template"],
    vms: ["vms", "vm"],
    "vms/diskattachments": ["disk_attachments", "disk_attachment"],
    "vms/nics": ["vm_nics", "vm_nic"],
    "vms/tags": ["assigned_tags", "assigned_tag"],
    vnicprofiles: ["vnic_profiles", "vnic_profile"],
};

/** The service a route template belongs to and the method a request calls on it. */
export interface ServiceMethod {
    /** The service's name as the documentation spells it (`attached_storage_domain`). */
    readonly service: string;
    /** `add` (POST), `update` (PUT), `remove`, `get`, or the action's name. */
    readonly method: string;
    /** An action (`POST …/start`): its body is an `<action>`. */
    readonly action: boolean;
}

/** Walks a route template such as `/vms/:vm/start` as UsageFinder walks the service tree. */
export function serviceMethod(template: string, httpMethod: string): ServiceMethod {
    let service = "";
    let collection = "";
    let method =
        httpMethod === "PUT" ? "update" : httpMethod === "DELETE" ? "remove" : httpMethod === "GET" ? "get" : "add";
    let action = false;
    for (const s of template.split("/").filter(Boolean)) {
        if (s.startsWith(":")) {
            service = SERVICES[collection]?.[1] ?? service;
            continue;
        }
        const key = collection ? `${collection.split("/").pop()}/${s}` : s;
        if (SERVICES[key]) {
            collection = key;
            service = SERVICES[key][0];
        } else {
            method = s; // an action of the entity served so far (UsageFinder.isAction)
            action = true;
        }
    }
    return { service, method, action };
}

/**
 * UsageFinder's link for a route template such as `/vms/:vm/start` (→ `…#services/vm/methods/start`) or
 * `/datacenters/:dc/storagedomains` (→ `…#services/attached_storage_domains/methods/add`).
 */
export function usageLink(origin: string, template: string, httpMethod: string): string {
    const { service, method } = serviceMethod(template, httpMethod);
    return `${origin}/ovirt-engine/apidoc#services/${service}/methods/${method}`;
}

/** The 400 fault of UsageFinder.getUsageMessage for a body the engine's readers refused. */
export function usageFault(origin: string, template: string, method: string): EngineFault {
    return new EngineFault(
        400,
        "Request syntactically incorrect.",
        `For correct usage, see: ${usageLink(origin, template, method)}`,
    );
}
