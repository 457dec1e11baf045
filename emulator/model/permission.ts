/**
 * Users, roles and permissions: the engine's multi-level administration, as far as the calls we emulate need it.
 *
 * Source: oVirt/ovirt-engine master at 0111fc63036bca662aa6275a8ad16282cccf86bf.
 * - Roles and their action groups: packaging/dbscripts/data/00500_insert_roles.sql (ids, names, administrative) and
 *   00700_insert_roles_groups.sql (role → action group ids); the groups' ids and names in
 *   common/…/businessentities/ActionGroup.java. Only the roles ovirt-ci grants or documents are here, with their whole
 *   group lists (docs/ci-user.md).
 * - Who may run a command: bll/CommandBase.isUserAuthorizedToRunAction → checkPermissions: every PermissionSubject
 *   (object, action group) of the command must be granted, on the object or on one of its parents
 *   (dbscripts/create_functions.sql fn_get_entity_parents: VM → cluster → data center → system; network → data
 *   center; vNIC profile → network → data center; storage domain → its data centers; template/disk → storage
 *   domain → data center). A refusal is USER_NOT_AUTHORIZED_TO_PERFORM_ACTION, ErrorType.NO_PERMISSION → HTTP 403
 *   (restapi util/ErrorMessageHelper), text "User is not authorized to perform this action." (AppErrors.properties).
 * - The creator of a VM becomes its UserVmManager when it may not manipulate the VM's permissions itself
 *   (bll/AddVmCommand.addVmPermission/isMakeCreatorExplicitOwner, PredefinedRoles.VM_OPERATOR); the creator of a
 *   VM's disks their DiskOperator (AddVmCommand.addDiskPermissions), of a template its TemplateOwner.
 * - The group Everyone holds UserTemplateBasedVm on the Blank template and VnicProfileUser on the default
 *   `ovirtmgmt` profile (dbscripts/data/00600_insert_permissions.sql).
 * GETs are not filtered: the engine's user-level API (`Filter: true`) is not emulated (docs/emulator.md).
 */
import { ENGINE_PERMITS, EnginePermit, permitById, permitByName } from "../../lib/engineActionGroups";
import { EngineCore } from "./core";
import { EngineFault, NotFound, badParameter, conflict, incomplete } from "./errors";
import { Obj, isObj, obj, ref, str } from "./input";
import {
    ACTION_GROUP,
    EVERYONE,
    PERMISSION_OBJECT_KEYS,
    PermissionSubject,
    ROLES,
    RoleDef,
    SYSTEM_ID,
    notAuthorized,
} from "./roles";
import type { CustomRole, DirectoryGroup, Permission, PermissionObjectType, User } from "./types";

export * from "./roles";

/** A role as the API shows it: predefined (read-only) or created through the API (mutable). */
export type AnyRole = RoleDef & { readonly mutable: boolean };

export abstract class PermissionKind extends EngineCore {
    /** Every role: the predefined ones, then those created through the API (GetAllRoles). */
    roles(): AnyRole[] {
        return [
            ...ROLES.map((r) => ({ ...r, mutable: false })),
            ...(this.state.roles ?? []).map((r) => ({ ...r, mutable: true })),
        ];
    }

    role(id: string): AnyRole {
        const r = this.roles().find((x) => x.id === id);
        if (!r) throw new NotFound(`role ${id}`);
        return r;
    }

    /**
     * Creates a role with its permits (restapi BackendRolesResource.add: `name` and `permits.id` required, an id that
     * is no ActionGroup a 400 "<id> is not a valid permit ID."; AddRoleWithActionGroupsCommand.validate, in its order:
     * no permits ACTION_LIST_CANNOT_BE_EMPTY, a name in use ACTION_TYPE_FAILED_NAME_ALREADY_USED (409), no
     * `administrative` ROLE_TYPE_CANNOT_BE_EMPTY, an administrator's permit in a user role
     * CANNOT_ADD_ACTION_GROUPS_TO_ROLE_TYPE (409)). The engine checks MANIPULATE_ROLES on the system first.
     */
    addRole(b: Obj): AnyRole {
        const name = str(b.name);
        const permits = listOf(obj(b.permits)?.permit);
        if (!name || permits.length === 0 || permits.some((p) => !str(p.id)))
            throw incomplete("Role", ["name", "permits.id"]);
        const groups: EnginePermit[] = [];
        for (const p of permits) {
            const g = permitById(Number(str(p.id)));
            if (!g || !/^\d+$/.test(String(str(p.id))))
                throw new EngineFault(400, `${str(p.id)} is not a valid permit ID.`);
            if (!groups.includes(g)) groups.push(g);
        }
        if (this.roles().some((r) => r.name === name))
            throw conflict(
                "Cannot add Role. The Role name is already in use, please choose a unique name and try again.",
            );
        const admin = b.administrative;
        if (admin === undefined) throw badParameter("Invalid Role Type.");
        const administrative = admin === true || admin === "true";
        if (!administrative && groups.some((g) => g.administrative))
            throw conflict("Cannot add administrator's action group to a User Role.");
        const role: CustomRole = {
            id: this.newId(),
            name,
            description: str(b.description) ?? "",
            administrative,
            groups: groups.map((g) => g.id),
        };
        this.state.roles.push(role);
        this.dirty = true;
        return { ...role, mutable: true };
    }

    /**
     * Renames a role or changes its description (restapi BackendRoleResource.update, UpdateRoleCommand.validate: a
     * predefined role ACTION_TYPE_FAILED_ROLE_IS_READ_ONLY (409), a new name in use ACTION_TYPE_FAILED_NAME_ALREADY_USED
     * (409), another `administrative` ERROR_CANNOT_UPDATE_ROLE_TYPE (400)).
     */
    updateRole(id: string, b: Obj): AnyRole {
        const r = this.role(id);
        if (!r.mutable) throw conflict("Cannot update Role. The Role is Read-Only.");
        const name = str(b.name);
        if (name !== undefined && name !== r.name && this.roles().some((x) => x.name === name))
            throw conflict(
                "Cannot update Role. The Role name is already in use, please choose a unique name and try again.",
            );
        if (
            b.administrative !== undefined &&
            (b.administrative === true || b.administrative === "true") !== r.administrative
        )
            throw badParameter("Cannot update Role. Changing Role type is not allowed.");
        const c = this.customRole(id);
        if (name !== undefined) c.name = name;
        const description = str(b.description);
        if (description !== undefined) c.description = description;
        this.dirty = true;
        return { ...c, mutable: true };
    }

    /**
     * RemoveRoleCommand.validate: an unknown role ERROR_CANNOT_REMOVE_ROLE_INVALID_ROLE_ID (the restapi's get() answers
     * 404 first), a predefined one ACTION_TYPE_FAILED_ROLE_IS_READ_ONLY (409), one still granted
     * ERROR_CANNOT_REMOVE_ROLE_ATTACHED_TO_PERMISSION (409).
     */
    removeRole(id: string): void {
        const r = this.role(id);
        if (!r.mutable) throw conflict("Cannot remove Role. The Role is Read-Only.");
        if (this.state.permissions.some((p) => p.roleId === id))
            throw conflict(
                "One or more Permissions is still associated with Role.\n- Please remove all Permissions first.",
            );
        this.state.roles = this.state.roles.filter((x) => x.id !== id);
        this.dirty = true;
    }

    /** A role's permits (GetRoleActionGroupsByRoleId), in the engine's order. */
    permitsOf(roleId: string): EnginePermit[] {
        const r = this.role(roleId);
        return ENGINE_PERMITS.filter((p) => r.groups.includes(p.id));
    }

    /**
     * Attaches one permit (restapi BackendPermitsResource.add: `name` or `id`; AttachActionGroupsToRoleCommand.validate:
     * a predefined role ACTION_TYPE_FAILED_ROLE_IS_READ_ONLY, a permit the role holds
     * ERROR_CANNOT_ATTACH_ACTION_GROUP_TO_ROLE_ATTACHED, an administrator's permit in a user role
     * CANNOT_ADD_ACTION_GROUPS_TO_ROLE_TYPE, all 409). A name or id that is no ActionGroup: the engine fails in its
     * mapper; the emulator answers as POST /roles does for an id (400).
     */
    attachPermit(roleId: string, b: Obj): EnginePermit {
        const r = this.role(roleId);
        const id = str(b.id);
        const name = str(b.name);
        if (!id && !name) throw incomplete("Permit", ["name|id"]);
        const g = name ? permitByName(name) : /^\d+$/.test(String(id)) ? permitById(Number(id)) : undefined;
        if (!g) throw new EngineFault(400, `${name ?? id} is not a valid permit ID.`);
        if (!r.mutable) throw conflict("Cannot attach action group to Role. The Role is Read-Only.");
        if (r.groups.includes(g.id))
            throw conflict("Cannot attach action group to Role. This action group is already attached to Role.");
        if (!r.administrative && g.administrative)
            throw conflict("Cannot add administrator's action group to a User Role.");
        this.customRole(roleId).groups.push(g.id);
        this.dirty = true;
        return g;
    }

    /**
     * Detaches one permit (restapi BackendPermitResource.remove: an id that is no ActionGroup 404;
     * DetachActionGroupsFromRoleCommand.validate: read-only 409, a permit the role lacks
     * ERROR_CANNOT_DETACH_ACTION_GROUP_TO_ROLE_NOT_ATTACHED, 400).
     */
    detachPermit(roleId: string, permitId: string): void {
        const r = this.role(roleId);
        const g = /^\d+$/.test(permitId) ? permitById(Number(permitId)) : undefined;
        if (!g) throw new NotFound(`permit ${permitId}`);
        if (!r.mutable) throw conflict("Cannot detach action group from Role. The Role is Read-Only.");
        if (!r.groups.includes(g.id))
            throw badParameter("Cannot detach action group from Role. This action group is not attached to this Role.");
        const c = this.customRole(roleId);
        c.groups = c.groups.filter((x) => x !== g.id);
        this.dirty = true;
    }

    private customRole(id: string): CustomRole {
        const c = this.state.roles.find((x) => x.id === id);
        if (!c) throw new NotFound(`role ${id}`);
        return c;
    }

    /** A directory group the engine has added (`/api/groups`). */
    group(id: string): DirectoryGroup {
        const g = (this.state.groups ?? []).find((x) => x.id === id && x.added);
        if (!g) throw new NotFound(`group ${id}`);
        return g;
    }

    /** Groups the engine has added. */
    addedGroups(): DirectoryGroup[] {
        return (this.state.groups ?? []).filter((g) => g.added);
    }

    /**
     * Adds a directory group to the engine (restapi aaa/BackendGroupsResource.add: `name` and `domain`; a group not
     * in the directory is a 400 "No such group: …", as for users).
     */
    addGroup(b: Obj): DirectoryGroup {
        const name = str(b.name);
        const domain = str(obj(b.domain)?.name);
        if (!name) throw incomplete("Group", ["name"]);
        if (!domain) throw incomplete("Group", ["domain.id|name"]);
        const g = (this.state.groups ?? []).find((x) => x.name === name && x.domain === domain);
        if (!g) throw new EngineFault(400, `No such group: ${name} in domain ${domain}`);
        g.added = true;
        this.dirty = true;
        return g;
    }

    /** Whether a permission's holder is a group (Everyone or a directory group), not a user. */
    isGroupHolder(id: string): boolean {
        return id === EVERYONE || (this.state.groups ?? []).some((g) => g.id === id);
    }

    /** The engine groups a user is in, by id (its directory groups the engine has added). */
    groupIdsOf(userId: string): string[] {
        return this.addedGroups()
            .filter((g) => g.memberIds.includes(userId))
            .map((g) => g.id);
    }

    /** A user the engine has added (`/api/users`); users only in the directory are not found. */
    user(id: string): User {
        const u = this.state.users.find((x) => x.id === id && x.added !== false);
        if (!u) throw new NotFound(`user ${id}`);
        return u;
    }

    /** Users the engine has added. */
    addedUsers(): User[] {
        return this.state.users.filter((u) => u.added !== false);
    }

    /**
     * Adds a directory user to the engine (restapi aaa/BackendUsersResource.add, AddUserCommand): `user_name` is
     * `principal@authz` or `principal` with `domain`; a name not in the directory is a 400 "No such user: …".
     */
    addUser(b: Obj): User {
        const userName = str(b.user_name);
        const domain = str(obj(b.domain)?.name);
        if (!userName) throw incomplete("User", ["userName"]);
        const at = userName.lastIndexOf("@");
        const principal = at > 0 ? userName.slice(0, at) : userName;
        const authz = domain ?? (at > 0 ? userName.slice(at + 1) : undefined);
        if (!authz) throw incomplete("User", ["domain.id|name"]);
        const u = this.state.users.find((x) => x.name === principal && x.domain === authz);
        // BackendUsersResource: Response.status(BAD_REQUEST).entity("No such user: " + userName + " in domain " + domain)
        if (!u) throw new EngineFault(400, `No such user: ${userName} in domain ${authz}`);
        u.added = true;
        this.dirty = true;
        return u;
    }

    /** The permissions held on an object (`/<objects>/{id}/permissions`), or by a user (`/users/{id}/permissions`). */
    permissionsOn(type: PermissionObjectType, id: string): Permission[] {
        return this.state.permissions.filter((p) => p.objectType === type && p.objectId === id);
    }

    /** A user's own grants only (what a grant on `/users/{id}/permissions/{pid}` may name). */
    permissionsOfUser(userId: string): Permission[] {
        return this.state.permissions.filter((p) => p.userId === userId);
    }

    /**
     * `GET /users/{id}/permissions`: the user's own grants and those of its groups and of Everyone
     * (restapi BackendUserResource.getPermissionsResource → GetPermissionsOnBehalfByAdElementIdQuery →
     * dbscripts multi_level_administration_sp.sql GetPermissionsByAdElementIdAndGroupIds).
     */
    permissionsOnBehalfOf(userId: string): Permission[] {
        const holders = new Set([userId, EVERYONE, ...this.groupIdsOf(userId)]);
        return this.state.permissions.filter((p) => holders.has(p.userId));
    }

    /** `GET /groups/{id}/permissions`: the group's own grants. */
    permissionsOfGroup(groupId: string): Permission[] {
        return this.state.permissions.filter((p) => p.userId === groupId);
    }

    permission(id: string): Permission {
        const p = this.state.permissions.find((x) => x.id === id);
        if (!p) throw new NotFound(`permission ${id}`);
        return p;
    }

    /**
     * Grants a role (restapi BackendAssignedPermissionsResource.add: `role.id` and `user.id`, the object given by the
     * collection, or in the body on a user's collection; AddPermissionCommand.validate: an unknown role is
     * PERMISSION_ADD_FAILED_INVALID_ROLE_ID, a user the engine has not added USER_MUST_EXIST_IN_DB, both 400).
     */
    addPermission(b: Obj, on: { type: PermissionObjectType; id: string } | undefined, userId?: string): Permission {
        const roleId = ref(b.role)?.id;
        if (!roleId) throw incomplete("Permission", ["role.id"]);
        const role = this.roles().find((r) => r.id === roleId);
        if (!role) throw badParameter("Cannot add permission, invalid Role id");
        const groupId = userId ? undefined : ref(b.group)?.id;
        const uid = userId ?? ref(b.user)?.id ?? groupId;
        if (!uid) throw incomplete("Permission", ["user|group.id"]);
        if (groupId) {
            // AddPermissionCommand.validate: the group must be in the engine (USER_MUST_EXIST_IN_DB covers both)
            if (!this.addedGroups().some((g) => g.id === groupId)) throw badParameter("User must exist in Database.");
        } else if (!this.state.users.some((u) => u.id === uid && u.added !== false))
            throw badParameter("User must exist in Database.");
        const target = on ?? objectInBody(b);
        if (!target) throw incomplete("Permission", ["dataCenter|cluster|host|storageDomain|vm|vmPool|template.id"]);
        this.objectExists(target.type, target.id);
        const p: Permission = {
            id: this.newId(),
            roleId: role.id,
            userId: uid,
            objectType: target.type,
            objectId: target.id,
        };
        this.state.permissions.push(p);
        this.dirty = true;
        return p;
    }

    removePermission(id: string): void {
        this.permission(id);
        this.state.permissions = this.state.permissions.filter((p) => p.id !== id);
        this.dirty = true;
    }

    /** Drops the permissions on removed objects, as the engine's remove commands do (MultiLevelAdministrationHandler). */
    dropPermissionsOn(id: string): void {
        const n = this.state.permissions.length;
        this.state.permissions = this.state.permissions.filter((p) => p.objectId !== id);
        if (this.state.permissions.length !== n) this.dirty = true;
    }

    /** Throws 403 unless the user holds each subject's action group on its object or a parent (CommandBase.checkPermissions). */
    authorize(userId: string | undefined, subjects: readonly PermissionSubject[]): void {
        if (userId === undefined) return; // internal calls (the admin endpoint, seeds)
        for (const s of subjects) if (!this.isAuthorized(userId, s)) throw notAuthorized();
    }

    isAuthorized(userId: string, s: PermissionSubject): boolean {
        const objects = new Set(this.parentsOf(s.type, s.id));
        // the user's own grants, its groups' and Everyone's (CommandBase.checkPermissions passes the user's group ids)
        const holders = new Set([userId, EVERYONE, ...this.groupIdsOf(userId)]);
        const roles = this.roles();
        return this.state.permissions.some(
            (p) =>
                holders.has(p.userId) &&
                objects.has(p.objectId) &&
                roles.find((r) => r.id === p.roleId)?.groups.includes(s.group) === true,
        );
    }

    /**
     * The engine's grant to a creator: `roleId` on the new object for `userId`. `unlessManipulator`: only when the
     * creator may not already manipulate the object's permissions (AddVmCommand.isMakeCreatorExplicitOwner); disks
     * and templates are granted always (AddDiskCommand.addDiskPermissions, AddVmTemplateCommand.addPermission).
     * A no-op for internal calls.
     */
    grantCreator(
        userId: string | undefined,
        roleId: string,
        type: PermissionObjectType,
        id: string,
        unlessManipulator = false,
    ): void {
        if (userId === undefined) return;
        if (unlessManipulator && this.isAuthorized(userId, { type, id, group: ACTION_GROUP.MANIPULATE_PERMISSIONS }))
            return;
        this.state.permissions.push({ id: this.newId(), roleId, userId, objectType: type, objectId: id });
        this.dirty = true;
    }

    /** The object and its parents, up to the system (create_functions.sql fn_get_entity_parents). */
    parentsOf(type: PermissionObjectType, id: string): string[] {
        const s = this.state;
        const dcsOfSd = (sdId?: string) =>
            s.storageDomains.find((d) => d.id === sdId)?.attachments.map((a) => a.dataCenterId) ?? [];
        const clusterChain = (clusterId?: string) => {
            const dc = s.clusters.find((c) => c.id === clusterId)?.dataCenterId;
            return [clusterId, dc];
        };
        let up: Array<string | undefined> = [];
        switch (type) {
            case "vm":
                up = clusterChain(s.vms.find((v) => v.id === id)?.clusterId);
                break;
            case "host":
                up = clusterChain(s.hosts.find((h) => h.id === id)?.clusterId);
                break;
            case "cluster":
                up = [s.clusters.find((c) => c.id === id)?.dataCenterId];
                break;
            case "network":
                up = [s.networks.find((n) => n.id === id)?.dataCenterId];
                break;
            case "vnicProfile": {
                const net = s.vnicProfiles.find((p) => p.id === id)?.networkId;
                up = [net, s.networks.find((n) => n.id === net)?.dataCenterId];
                break;
            }
            case "storageDomain":
                up = dcsOfSd(id);
                break;
            case "template": {
                const t = s.templates.find((x) => x.id === id);
                const sds = s.disks.filter((d) => d.templateId === id).map((d) => d.storageDomainId);
                up = [...sds, ...sds.flatMap(dcsOfSd), ...(t?.clusterId ? clusterChain(t.clusterId).slice(1) : [])];
                break;
            }
            case "disk": {
                const d = s.disks.find((x) => x.id === id);
                up = [d?.storageDomainId, ...dcsOfSd(d?.storageDomainId)];
                const vm = s.vms.find((v) => v.diskAttachments.some((a) => a.diskId === id));
                if (vm) up.push(vm.id, ...clusterChain(vm.clusterId));
                break;
            }
            case "dataCenter":
            case "system":
                break;
        }
        return [id, ...up.filter((x): x is string => !!x), SYSTEM_ID];
    }

    /** 404 (bare) when the object a permission is added on does not exist. */
    objectExists(type: PermissionObjectType, id: string): void {
        const s = this.state;
        const lists: Record<PermissionObjectType, Array<{ id: string }>> = {
            system: [{ id: SYSTEM_ID }],
            dataCenter: s.dataCenters,
            cluster: s.clusters,
            host: s.hosts,
            storageDomain: s.storageDomains,
            network: s.networks,
            vnicProfile: s.vnicProfiles,
            vm: s.vms,
            template: s.templates,
            disk: s.disks,
        };
        if (!lists[type].some((x) => x.id === id)) throw new NotFound(`${type} ${id}`);
    }
}

/** An element that may be one object or a list of them (`permits: {permit: …}`). */
function listOf(v: unknown): Obj[] {
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(isObj);
}

/** The object of a permission posted on a user's collection: `{data_center: {id}}`, `{cluster: {id}}`, … */
function objectInBody(b: Obj): { type: PermissionObjectType; id: string } | undefined {
    for (const [key, type] of Object.entries(PERMISSION_OBJECT_KEYS)) {
        const id = ref(b[key])?.id;
        if (id) return { type, id };
    }
    return undefined;
}
