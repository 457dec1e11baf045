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
import { EngineCore } from "./core";
import { EngineFault, NotFound, badParameter, incomplete } from "./errors";
import { Obj, obj, ref, str } from "./input";
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
import type { Permission, PermissionObjectType, User } from "./types";

export * from "./roles";

export abstract class PermissionKind extends EngineCore {
    role(id: string): RoleDef {
        const r = ROLES.find((x) => x.id === id);
        if (!r) throw new NotFound(`role ${id}`);
        return r;
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

    permissionsOfUser(userId: string): Permission[] {
        return this.state.permissions.filter((p) => p.userId === userId);
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
        const role = ROLES.find((r) => r.id === roleId);
        if (!role) throw badParameter("Cannot add permission, invalid Role id");
        const uid = userId ?? ref(b.user)?.id;
        if (!uid) throw incomplete("Permission", ["user|group.id"]);
        if (!this.state.users.some((u) => u.id === uid && u.added !== false))
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
        return this.state.permissions.some(
            (p) =>
                (p.userId === userId || p.userId === EVERYONE) &&
                objects.has(p.objectId) &&
                ROLES.find((r) => r.id === p.roleId)?.groups.includes(s.group) === true,
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

/** The object of a permission posted on a user's collection: `{data_center: {id}}`, `{cluster: {id}}`, … */
function objectInBody(b: Obj): { type: PermissionObjectType; id: string } | undefined {
    for (const [key, type] of Object.entries(PERMISSION_OBJECT_KEYS)) {
        const id = ref(b[key])?.id;
        if (id) return { type, id };
    }
    return undefined;
}
