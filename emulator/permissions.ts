/**
 * The API side of the engine's permissions: the `/users`, `/roles` and `…/permissions` routes, and, per route, the
 * action groups a call needs on which objects (each command's getPermissionCheckSubjects in oVirt/ovirt-engine
 * backend/manager/modules/bll, at 0111fc63036bca662aa6275a8ad16282cccf86bf; the action group of a command in
 * common/…/action/ActionType.java). The model (emulator/model/permission.ts) holds roles, grants and inheritance.
 */
import type { ApiRequest, ApiResponse, Router } from "./api";
import type { EngineModel } from "./model/engine";
import { NotFound, incomplete } from "./model/errors";
import { Obj, isObj, obj, ref } from "./model/input";
import { body, created, ok } from "./replies";
import type { EnginePermit } from "../lib/engineActionGroups";
import {
    ACTION_GROUP as G,
    AnyRole,
    PERMISSION_OBJECT_KEYS,
    PermissionSubject,
    ROLE_ID,
    SYSTEM_ID,
    engineUserName,
} from "./model/permission";
import type { DirectoryGroup, Permission, PermissionObjectType, User } from "./model/types";
import { Collection, NodeObject } from "./representation/tree";
import type { ViewCtx } from "./representation/views";

type Need = (r: ApiRequest, m: EngineModel) => PermissionSubject[];

const on =
    (type: PermissionObjectType, param: string, group: number): Need =>
    (r) => [{ type, id: r.params[param], group }];
const onSystem =
    (group: number): Need =>
    () => [{ type: "system", id: SYSTEM_ID, group }];

/** The object the body names by `{id}` or `{name}` under `key` (a cluster, a data center, …). */
const named =
    (
        type: PermissionObjectType,
        list: (m: EngineModel) => ReadonlyArray<{ id: string; name: string }>,
        key: string,
        group: number,
    ): Need =>
    (r, m) =>
        some({ type, id: refTo(list(m), bodyOf(r)[key]) ?? "", group });

/** The id of `{id}` or `{name}` in a list, if it names one (else the handler's own 404/400 answers). */
function refTo(list: ReadonlyArray<{ id: string; name: string }>, v: unknown): string | undefined {
    const r = ref(v);
    if (!r) return undefined;
    return (r.id ? list.find((x) => x.id === r.id) : list.find((x) => x.name === r.name))?.id;
}

function bodyOf(r: ApiRequest): Obj {
    return isObj(r.body) ? r.body : {};
}

/** Subjects whose object the body did not name are left out: the handler then refuses the call as the engine does. */
function some(...subjects: Array<PermissionSubject | undefined>): PermissionSubject[] {
    return subjects.filter((s): s is PermissionSubject => s !== undefined && !!s.id);
}

/** A permission on an object's `…/permissions` collection is AddPermissionCommand's: MANIPULATE_PERMISSIONS there. */
const PERMISSION_OWNERS: Array<[string, string, PermissionObjectType]> = [
    ["/datacenters/:dc", "dc", "dataCenter"],
    ["/clusters/:cluster", "cluster", "cluster"],
    ["/hosts/:host", "host", "host"],
    ["/storagedomains/:sd", "sd", "storageDomain"],
    ["/networks/:network", "network", "network"],
    ["/vnicprofiles/:profile", "profile", "vnicProfile"],
    ["/vms/:vm", "vm", "vm"],
    ["/templates/:template", "template", "template"],
    ["/disks/:disk", "disk", "disk"],
];

/** A grant posted on a user's or a group's collection: MANIPULATE_PERMISSIONS on the object the body names. */
const onObjectInBody: Need = (r) => {
    const b = bodyOf(r);
    for (const [key, type] of Object.entries(PERMISSION_OBJECT_KEYS)) {
        const id = ref(b[key])?.id;
        if (id) return [{ type, id, group: G.MANIPULATE_PERMISSIONS }];
    }
    return [];
};

/**
 * What each writing route needs. Sources (bll, getPermissionCheckSubjects of the command the restapi resource runs):
 * AddVmCommand (CREATE_VM on the cluster and the template), RemoveVmCommand (DELETE_VM on the VM), RunVm/StopVm/
 * ShutdownVm/UpdateVm (their group on the VM), AddVmInterfaceCommand (CONFIGURE_VM_NETWORK on the VM and the vNIC
 * profile), AddDiskCommand (CONFIGURE_VM_STORAGE on the VM, CREATE_DISK on the storage domain), RemoveDiskCommand
 * (DELETE_DISK on the disk), TagsCommandBase (TAG_MANAGEMENT on the system, also attaching a tag to a VM),
 * AffinityGroupCRUDCommand (MANIPULATE_AFFINITY_GROUPS on the cluster), ExternalEventCommandBase.getPermissionList
 * (INJECT_EXTERNAL_EVENTS on the objects the event names, else the system), AddVmTemplateCommand (CREATE_TEMPLATE on
 * the cluster), RemoveVmTemplateCommand (DELETE_TEMPLATE), AddNetworkCommand (CREATE_STORAGE_POOL_NETWORK on the data
 * center), RemoveNetwork/UpdateNetwork (CONFIGURE_STORAGE_POOL_NETWORK on the network), vNIC profiles
 * (CREATE/DELETE_NETWORK_VNIC_PROFILE), and the administrators' calls on hosts, storage, data centers and clusters.
 * GETs need nothing here (not filtered: docs/emulator.md).
 */
const NEEDS: Record<string, Need> = {
    "POST /vms": (r, m) => {
        const b = bodyOf(r);
        const s = m.state;
        return some(
            { type: "cluster", id: refTo(s.clusters, b.cluster) ?? "", group: G.CREATE_VM },
            { type: "template", id: refTo(s.templates, b.template) ?? "", group: G.CREATE_VM },
        );
    },
    "PUT /vms/:vm": on("vm", "vm", G.EDIT_VM_PROPERTIES),
    "DELETE /vms/:vm": on("vm", "vm", G.DELETE_VM),
    "POST /vms/:vm/start": on("vm", "vm", G.RUN_VM),
    "POST /vms/:vm/stop": on("vm", "vm", G.STOP_VM),
    "POST /vms/:vm/shutdown": on("vm", "vm", G.SHUT_DOWN_VM),
    "POST /vms/:vm/nics": (r, m) =>
        some(
            { type: "vm", id: r.params.vm, group: G.CONFIGURE_VM_NETWORK },
            {
                type: "vnicProfile",
                id: refTo(m.state.vnicProfiles, bodyOf(r).vnic_profile) ?? "",
                group: G.CONFIGURE_VM_NETWORK,
            },
        ),
    "PUT /vms/:vm/nics/:nic": on("vm", "vm", G.CONFIGURE_VM_NETWORK),
    "DELETE /vms/:vm/nics/:nic": on("vm", "vm", G.CONFIGURE_VM_NETWORK),
    "POST /vms/:vm/diskattachments": (r, m) => {
        const disk = obj(bodyOf(r).disk);
        const sds = obj(disk?.storage_domains);
        const first = Array.isArray(sds?.storage_domain) ? sds.storage_domain[0] : sds?.storage_domain;
        const existing = ref(disk)?.id && m.state.disks.some((d) => d.id === ref(disk)?.id);
        return some(
            { type: "vm", id: r.params.vm, group: G.CONFIGURE_VM_STORAGE },
            existing
                ? { type: "disk", id: String(ref(disk)?.id), group: G.ATTACH_DISK }
                : { type: "storageDomain", id: refTo(m.state.storageDomains, first) ?? "", group: G.CREATE_DISK },
        );
    },
    "DELETE /vms/:vm/diskattachments/:disk": on("vm", "vm", G.CONFIGURE_VM_STORAGE),
    "DELETE /disks/:disk": on("disk", "disk", G.DELETE_DISK),
    "POST /vms/:vm/tags": onSystem(G.TAG_MANAGEMENT),
    "DELETE /vms/:vm/tags/:tag": onSystem(G.TAG_MANAGEMENT),
    "POST /tags": onSystem(G.TAG_MANAGEMENT),
    "PUT /tags/:tag": onSystem(G.TAG_MANAGEMENT),
    "DELETE /tags/:tag": onSystem(G.TAG_MANAGEMENT),
    "POST /clusters/:cluster/affinitygroups": on("cluster", "cluster", G.MANIPULATE_AFFINITY_GROUPS),
    "PUT /clusters/:cluster/affinitygroups/:group": on("cluster", "cluster", G.MANIPULATE_AFFINITY_GROUPS),
    "DELETE /clusters/:cluster/affinitygroups/:group": on("cluster", "cluster", G.MANIPULATE_AFFINITY_GROUPS),
    "POST /clusters/:cluster/affinitygroups/:group/vms": on("cluster", "cluster", G.MANIPULATE_AFFINITY_GROUPS),
    "DELETE /clusters/:cluster/affinitygroups/:group/vms/:vm": on("cluster", "cluster", G.MANIPULATE_AFFINITY_GROUPS),
    "POST /events": (r, m) => {
        const b = bodyOf(r);
        const s = m.state;
        const named = some(
            { type: "storageDomain", id: ref(b.storage_domain)?.id ?? "", group: G.INJECT_EXTERNAL_EVENTS },
            { type: "dataCenter", id: ref(b.data_center)?.id ?? "", group: G.INJECT_EXTERNAL_EVENTS },
            { type: "cluster", id: ref(b.cluster)?.id ?? "", group: G.INJECT_EXTERNAL_EVENTS },
            { type: "vm", id: refTo(s.vms, b.vm) ?? "", group: G.INJECT_EXTERNAL_EVENTS },
            { type: "template", id: ref(b.template)?.id ?? "", group: G.INJECT_EXTERNAL_EVENTS },
            { type: "host", id: ref(b.host)?.id ?? "", group: G.INJECT_EXTERNAL_EVENTS },
        );
        return named.length ? named : onSystem(G.INJECT_EXTERNAL_EVENTS)(r, m);
    },
    "POST /jobs": onSystem(G.INJECT_EXTERNAL_TASKS),
    "POST /jobs/:job/end": onSystem(G.INJECT_EXTERNAL_TASKS),
    "POST /jobs/:job/clear": onSystem(G.INJECT_EXTERNAL_TASKS),
    "POST /templates": named("cluster", (m) => m.state.clusters, "cluster", G.CREATE_TEMPLATE),
    "PUT /templates/:template": on("template", "template", G.EDIT_TEMPLATE_PROPERTIES),
    "DELETE /templates/:template": on("template", "template", G.DELETE_TEMPLATE),
    "POST /networks": named("dataCenter", (m) => m.state.dataCenters, "data_center", G.CREATE_STORAGE_POOL_NETWORK),
    "PUT /networks/:network": on("network", "network", G.CONFIGURE_STORAGE_POOL_NETWORK),
    "DELETE /networks/:network": on("network", "network", G.CONFIGURE_STORAGE_POOL_NETWORK),
    "POST /networks/:network/vnicprofiles": on("network", "network", G.CREATE_NETWORK_VNIC_PROFILE),
    "POST /vnicprofiles": named("network", (m) => m.state.networks, "network", G.CREATE_NETWORK_VNIC_PROFILE),
    "DELETE /vnicprofiles/:profile": on("vnicProfile", "profile", G.DELETE_NETWORK_VNIC_PROFILE),
    "POST /clusters/:cluster/networks": on("cluster", "cluster", G.ASSIGN_CLUSTER_NETWORK),
    "DELETE /clusters/:cluster/networks/:network": on("cluster", "cluster", G.ASSIGN_CLUSTER_NETWORK),
    "POST /hosts": onSystem(G.CREATE_HOST),
    "PUT /hosts/:host": on("host", "host", G.EDIT_HOST_CONFIGURATION),
    "DELETE /hosts/:host": on("host", "host", G.DELETE_HOST),
    "POST /hosts/:host/activate": on("host", "host", G.MANIPULATE_HOST),
    "POST /hosts/:host/deactivate": on("host", "host", G.MANIPULATE_HOST),
    "POST /hosts/:host/install": on("host", "host", G.MANIPULATE_HOST),
    "POST /hosts/:host/refresh": on("host", "host", G.MANIPULATE_HOST),
    "POST /storagedomains": onSystem(G.CREATE_STORAGE_DOMAIN),
    "PUT /storagedomains/:sd": on("storageDomain", "sd", G.EDIT_STORAGE_DOMAIN_CONFIGURATION),
    "DELETE /storagedomains/:sd": on("storageDomain", "sd", G.DELETE_STORAGE_DOMAIN),
    "POST /datacenters/:dc/storagedomains": on("dataCenter", "dc", G.MANIPULATE_STORAGE_DOMAIN),
    "POST /datacenters/:dc/storagedomains/:sd/activate": on("storageDomain", "sd", G.MANIPULATE_STORAGE_DOMAIN),
    "POST /datacenters/:dc/storagedomains/:sd/deactivate": on("storageDomain", "sd", G.MANIPULATE_STORAGE_DOMAIN),
    "DELETE /datacenters/:dc/storagedomains/:sd": on("storageDomain", "sd", G.MANIPULATE_STORAGE_DOMAIN),
    "POST /datacenters": onSystem(G.CREATE_STORAGE_POOL),
    "PUT /datacenters/:dc": on("dataCenter", "dc", G.EDIT_STORAGE_POOL_CONFIGURATION),
    "DELETE /datacenters/:dc": on("dataCenter", "dc", G.DELETE_STORAGE_POOL),
    "POST /clusters": named("dataCenter", (m) => m.state.dataCenters, "data_center", G.CREATE_CLUSTER),
    "PUT /clusters/:cluster": on("cluster", "cluster", G.EDIT_CLUSTER_CONFIGURATION),
    "DELETE /clusters/:cluster": on("cluster", "cluster", G.DELETE_CLUSTER),
    // AddUserCommand: MANIPULATE_USERS on the system; AddPermission/RemovePermission: MANIPULATE_PERMISSIONS on the object
    "POST /users": onSystem(G.MANIPULATE_USERS),
    "POST /groups": onSystem(G.MANIPULATE_USERS), // AddGroupCommand
    // ActionType: AddRoleWithActionGroups (on the system), RemoveRole, Attach/DetachActionGroupsToRole (on the role,
    // whose only parent is the system): MANIPULATE_ROLES
    "POST /roles": onSystem(G.MANIPULATE_ROLES),
    "PUT /roles/:role": onSystem(G.MANIPULATE_ROLES),
    "DELETE /roles/:role": onSystem(G.MANIPULATE_ROLES),
    "POST /roles/:role/permits": onSystem(G.MANIPULATE_ROLES),
    "DELETE /roles/:role/permits/:permit": onSystem(G.MANIPULATE_ROLES),
    "POST /permissions": onSystem(G.MANIPULATE_PERMISSIONS),
    "DELETE /permissions/:permission": onSystem(G.MANIPULATE_PERMISSIONS),
    "POST /users/:user/permissions": onObjectInBody,
    "POST /groups/:group/permissions": onObjectInBody,
    ...Object.fromEntries(
        PERMISSION_OWNERS.flatMap(([path, param, type]) => [
            [`POST ${path}/permissions`, on(type, param, G.MANIPULATE_PERMISSIONS)],
            [`DELETE ${path}/permissions/:permission`, on(type, param, G.MANIPULATE_PERMISSIONS)],
        ]),
    ),
};

/**
 * Throws the engine's 403 when the caller may not make this call (CommandBase.isUserAuthorizedToRunAction, before
 * the command's own validation). A writing route this table does not list needs SuperUser's whole set: it is an
 * administrator's call the CI user never makes.
 */
export function authorizeRoute(m: EngineModel, method: string, template: string, r: ApiRequest): void {
    if (method === "GET" || method === "HEAD") return;
    const need = NEEDS[`${method} ${template}`];
    const subjects = need ? need(r, m) : [{ type: "system" as const, id: SYSTEM_ID, group: G.CONFIGURE_ENGINE }];
    m.authorize(r.ctx.userId, subjects);
}

/** The engine's grants to whoever created an object (after a successful add). */
export function grantCreator(m: EngineModel, method: string, template: string, r: ApiRequest, res: ApiResponse): void {
    if (method !== "POST" || res.status >= 300) return;
    const id = (res.body as { id?: unknown } | undefined)?.id;
    if (typeof id !== "string") return;
    if (template === "/vms") {
        // AddVmCommand.addVmPermission (UserVmManager unless the creator manipulates permissions there anyway),
        // addDiskPermissions (DiskOperator on the disks copied from the template)
        m.grantCreator(r.ctx.userId, ROLE_ID.userVmManager, "vm", id, true);
        for (const a of m.state.vms.find((v) => v.id === id)?.diskAttachments ?? [])
            m.grantCreator(r.ctx.userId, ROLE_ID.diskOperator, "disk", a.diskId);
    } else if (template === "/vms/:vm/diskattachments") {
        const diskId = (res.body as { disk?: { id?: unknown } }).disk?.id;
        if (typeof diskId === "string") m.grantCreator(r.ctx.userId, ROLE_ID.diskOperator, "disk", diskId);
    } else if (template === "/templates") {
        // AddVmTemplateCommand.addPermission: TemplateOwner, and UserTemplateBasedVm (to Everyone when public)
        m.grantCreator(r.ctx.userId, ROLE_ID.templateOwner, "template", id);
        m.grantCreator(r.ctx.userId, ROLE_ID.userTemplateBasedVm, "template", id);
    }
}

/** After a successful remove: the engine drops the permissions held on the object. */
export function dropPermissions(m: EngineModel, method: string, r: ApiRequest, res: ApiResponse): void {
    if (method !== "DELETE" || res.status >= 300) return;
    const ids = Object.entries(r.params).filter(([k]) => k !== "permission");
    const last = ids[ids.length - 1];
    if (last) m.dropPermissionsOn(last[1]);
}

// ------------------------------------------------------------------ representation

const COLLECTION_OF: Record<PermissionObjectType, string> = {
    system: "",
    dataCenter: "datacenters",
    cluster: "clusters",
    host: "hosts",
    storageDomain: "storagedomains",
    network: "networks",
    vnicProfile: "vnicprofiles",
    vm: "vms",
    template: "templates",
    disk: "disks",
};

function link(c: ViewCtx, path: string, id: string): NodeObject {
    return { href: `${c.base}/${path}/${id}`, id };
}

/** restapi PermissionMapper: role, user (or group) and the object; a system permission names no object. */
export function permissionView(
    c: ViewCtx,
    p: Permission,
    hrefBase: string,
    isGroup: (id: string) => boolean,
): NodeObject {
    const elem = Object.entries(PERMISSION_OBJECT_KEYS).find(([, t]) => t === p.objectType)?.[0];
    return {
        href: `${c.base}/${hrefBase}/permissions/${p.id}`.replace(/\/\//g, "/").replace(":/", "://"),
        id: p.id,
        role: link(c, "roles", p.roleId),
        ...(isGroup(p.userId) ? { group: link(c, "groups", p.userId) } : { user: link(c, "users", p.userId) }),
        ...(elem ? { [elem]: link(c, COLLECTION_OF[p.objectType], p.objectId) } : {}),
    };
}

/** restapi RoleMapper: id, name, description, administrative, mutable (false for predefined roles). */
export function roleView(c: ViewCtx, r: AnyRole): NodeObject {
    return {
        href: `${c.base}/roles/${r.id}`,
        id: r.id,
        name: r.name,
        description: r.description,
        administrative: r.administrative,
        mutable: r.mutable,
    };
}

/** restapi PermitMapper: id, name (lower case), administrative, and the role (BackendPermitsResource.addParents). */
export function permitView(c: ViewCtx, roleId: string, p: EnginePermit): NodeObject {
    return {
        href: `${c.base}/roles/${roleId}/permits/${p.id}`,
        id: String(p.id),
        name: p.name,
        administrative: p.administrative,
        role: link(c, "roles", roleId),
    };
}

/** restapi GroupMapper: name, domain (by name). */
export function groupView(c: ViewCtx, g: DirectoryGroup): NodeObject {
    return { href: `${c.base}/groups/${g.id}`, id: g.id, name: g.name, domain: { name: g.domain } };
}

/** restapi UserMapper: `user_name` is `principal@authz`, `principal` and `domain` (by name) beside it. */
export function userView(c: ViewCtx, u: User): NodeObject {
    return {
        href: `${c.base}/users/${u.id}`,
        id: u.id,
        name: u.name,
        user_name: engineUserName(u),
        principal: u.name,
        domain: { name: u.domain },
    };
}

// ------------------------------------------------------------------ routes

/** Registers `/roles`, `/users`, `/permissions` (system) and every object's `…/permissions`. */
export function addPermissionRoutes(R: Router, m: EngineModel): void {
    const removed = (): ApiResponse => ok({ status: "complete" });
    R.add("GET", "/roles", (r) =>
        ok(
            new Collection(
                "role",
                m.roles().map((x) => roleView(r.view, x)),
            ),
        ),
    );
    R.add("GET", "/roles/:role", (r) => ok(roleView(r.view, m.role(r.params.role))));
    R.add("POST", "/roles", (r) => created(r, roleView(r.view, m.addRole(body(r)))));
    R.add("PUT", "/roles/:role", (r) => ok(roleView(r.view, m.updateRole(r.params.role, body(r)))));
    R.add("DELETE", "/roles/:role", (r) => {
        m.removeRole(r.params.role);
        return removed();
    });
    R.add("GET", "/roles/:role/permits", (r) =>
        ok(
            new Collection(
                "permit",
                m.permitsOf(r.params.role).map((p) => permitView(r.view, r.params.role, p)),
            ),
        ),
    );
    R.add("POST", "/roles/:role/permits", (r) =>
        created(r, permitView(r.view, r.params.role, m.attachPermit(r.params.role, body(r)))),
    );
    R.add("GET", "/roles/:role/permits/:permit", (r) => {
        const p = m.permitsOf(r.params.role).find((x) => String(x.id) === r.params.permit);
        if (!p) throw new NotFound(`permit ${r.params.permit}`);
        return ok(permitView(r.view, r.params.role, p));
    });
    R.add("DELETE", "/roles/:role/permits/:permit", (r) => {
        m.detachPermit(r.params.role, r.params.permit);
        return removed();
    });
    R.add("GET", "/groups", (r) =>
        ok(
            new Collection(
                "group",
                m.addedGroups().map((g) => groupView(r.view, g)),
            ),
        ),
    );
    R.add("GET", "/groups/:group", (r) => ok(groupView(r.view, m.group(r.params.group))));
    R.add("POST", "/groups", (r) => created(r, groupView(r.view, m.addGroup(body(r)))));
    R.add("GET", "/users", (r) =>
        ok(
            new Collection(
                "user",
                m.addedUsers().map((u) => userView(r.view, u)),
            ),
        ),
    );
    R.add("GET", "/users/:user", (r) => ok(userView(r.view, m.user(r.params.user))));
    R.add("POST", "/users", (r) => created(r, userView(r.view, m.addUser(body(r)))));

    const isGroup = (id: string) => m.isGroupHolder(id);
    const list = (r: ApiRequest, ps: Permission[], base: string) =>
        ok(
            new Collection(
                "permission",
                ps.map((p) => permissionView(r.view, p, base, isGroup)),
            ),
        );
    const one = (r: ApiRequest, p: Permission, base: string) => ok(permissionView(r.view, p, base, isGroup));

    // the user's own collection: the object in the body (BackendAssignedPermissionsResource, principal sub-collection)
    R.add("GET", "/users/:user/permissions", (r) =>
        list(r, m.permissionsOnBehalfOf(m.user(r.params.user).id), `users/${r.params.user}`),
    );
    R.add("POST", "/users/:user/permissions", (r) =>
        created(
            r,
            permissionView(
                r.view,
                m.addPermission(body(r), undefined, m.user(r.params.user).id),
                `users/${r.params.user}`,
                isGroup,
            ),
        ),
    );
    const ofUser = (r: ApiRequest) => {
        const p = m.permission(r.params.permission);
        if (p.userId !== m.user(r.params.user).id) throw new NotFound("permission");
        return p;
    };
    R.add("GET", "/users/:user/permissions/:permission", (r) => one(r, ofUser(r), `users/${r.params.user}`));
    R.add("DELETE", "/users/:user/permissions/:permission", (r) => {
        m.removePermission(ofUser(r).id);
        return removed();
    });

    // a group's own grants (restapi aaa/BackendGroupResource.getPermissionsResource: GetPermissionsByAdElementId)
    R.add("GET", "/groups/:group/permissions", (r) =>
        list(r, m.permissionsOfGroup(m.group(r.params.group).id), `groups/${r.params.group}`),
    );
    R.add("POST", "/groups/:group/permissions", (r) =>
        created(
            r,
            permissionView(
                r.view,
                m.addPermission({ ...body(r), group: { id: m.group(r.params.group).id }, user: undefined }, undefined),
                `groups/${r.params.group}`,
                isGroup,
            ),
        ),
    );
    R.add("DELETE", "/groups/:group/permissions/:permission", (r) => {
        const p = m.permission(r.params.permission);
        if (p.userId !== m.group(r.params.group).id) throw new NotFound("permission");
        m.removePermission(p.id);
        return removed();
    });

    // system permissions (/api/permissions: BackendSystemPermissionsResource)
    const system = (r: ApiRequest) => {
        const p = m.permission(r.params.permission);
        if (p.objectType !== "system") throw new NotFound("permission");
        return p;
    };
    R.add("GET", "/permissions", (r) => list(r, m.permissionsOn("system", SYSTEM_ID), ""));
    R.add("POST", "/permissions", (r) => {
        if (!ref(body(r).user)?.id && !ref(body(r).group)?.id) throw incomplete("Permission", ["user|group.id"]);
        return created(
            r,
            permissionView(r.view, m.addPermission(body(r), { type: "system", id: SYSTEM_ID }), "", isGroup),
        );
    });
    R.add("GET", "/permissions/:permission", (r) => one(r, system(r), ""));
    R.add("DELETE", "/permissions/:permission", (r) => {
        m.removePermission(system(r).id);
        return removed();
    });

    for (const [path, param, type] of PERMISSION_OWNERS) {
        const base = (r: ApiRequest) => `${COLLECTION_OF[type]}/${r.params[param]}`;
        const exists = (r: ApiRequest) => m.objectExists(type, r.params[param]);
        const onObject = (r: ApiRequest) => {
            exists(r);
            const p = m.permission(r.params.permission);
            if (p.objectType !== type || p.objectId !== r.params[param]) throw new NotFound("permission");
            return p;
        };
        R.add("GET", `${path}/permissions`, (r) => {
            exists(r);
            return list(r, m.permissionsOn(type, r.params[param]), base(r));
        });
        R.add("POST", `${path}/permissions`, (r) => {
            exists(r);
            return created(
                r,
                permissionView(r.view, m.addPermission(body(r), { type, id: r.params[param] }), base(r), isGroup),
            );
        });
        R.add("GET", `${path}/permissions/:permission`, (r) => one(r, onObject(r), base(r)));
        R.add("DELETE", `${path}/permissions/:permission`, (r) => {
            m.removePermission(onObject(r).id);
            return removed();
        });
    }
}
