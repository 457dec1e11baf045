/**
 * The engine's predefined roles and action groups, as data (no model code, so the seed can use it): oVirt/ovirt-engine
 * at 0111fc63036bca662aa6275a8ad16282cccf86bf, files named at each table. How they are checked: ./permission.ts.
 */
import { EngineFault } from "./errors";
import type { PermissionObjectType, User } from "./types";

/** Action groups by name → id (common/…/businessentities/ActionGroup.java). */
export const ACTION_GROUP = {
    CREATE_VM: 1,
    DELETE_VM: 2,
    EDIT_VM_PROPERTIES: 3,
    CONFIGURE_VM_NETWORK: 9,
    CONFIGURE_VM_STORAGE: 10,
    STOP_VM: 18,
    SHUT_DOWN_VM: 19,
    RUN_VM: 22,
    CREATE_HOST: 100,
    EDIT_HOST_CONFIGURATION: 101,
    DELETE_HOST: 102,
    MANIPULATE_HOST: 103,
    CREATE_TEMPLATE: 200,
    EDIT_TEMPLATE_PROPERTIES: 201,
    DELETE_TEMPLATE: 202,
    CREATE_CLUSTER: 400,
    EDIT_CLUSTER_CONFIGURATION: 401,
    DELETE_CLUSTER: 402,
    ASSIGN_CLUSTER_NETWORK: 404,
    MANIPULATE_USERS: 500,
    MANIPULATE_ROLES: 501,
    MANIPULATE_PERMISSIONS: 502,
    CREATE_STORAGE_DOMAIN: 600,
    EDIT_STORAGE_DOMAIN_CONFIGURATION: 601,
    DELETE_STORAGE_DOMAIN: 602,
    MANIPULATE_STORAGE_DOMAIN: 603,
    CREATE_STORAGE_POOL: 700,
    DELETE_STORAGE_POOL: 701,
    EDIT_STORAGE_POOL_CONFIGURATION: 702,
    CONFIGURE_STORAGE_POOL_NETWORK: 703,
    CREATE_STORAGE_POOL_NETWORK: 704,
    DELETE_STORAGE_POOL_NETWORK: 705,
    CONFIGURE_ENGINE: 800,
    CREATE_DISK: 1100,
    ATTACH_DISK: 1101,
    DELETE_DISK: 1104,
    CREATE_NETWORK_VNIC_PROFILE: 1204,
    DELETE_NETWORK_VNIC_PROFILE: 1205,
    LOGIN: 1300,
    TAG_MANAGEMENT: 1301,
    INJECT_EXTERNAL_EVENTS: 1400,
    INJECT_EXTERNAL_TASKS: 1500,
    MANIPULATE_AFFINITY_GROUPS: 1550,
} as const;

/** An action group's id. */
export type ActionGroupId = (typeof ACTION_GROUP)[keyof typeof ACTION_GROUP];

/** A predefined role: id and name (00500_insert_roles.sql), its action group ids (00700_insert_roles_groups.sql). */
export interface RoleDef {
    readonly id: string;
    readonly name: string;
    readonly description: string;
    readonly administrative: boolean;
    readonly groups: readonly number[];
}

/** The predefined roles ovirt-ci grants or names in its docs, each with its full list of action groups. */
export const ROLES: readonly RoleDef[] = [
    // prettier-ignore
    { id: "00000000-0000-0000-0000-000000000001", name: "SuperUser", description: "Roles management administrator", administrative: true,
      groups: [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 100, 101, 102, 103, 104, 200, 201, 202, 203, 204, 300, 301, 302, 303, 400, 401, 402, 403, 500, 501, 502, 600, 601, 602, 603, 700, 701, 702, 703, 704, 705, 800, 900, 901, 13, 1100, 1101, 1102, 1103, 1104, 1000, 1001, 1002, 14, 1300, 404, 1500, 1003, 15, 205, 1004, 1105, 1203, 1204, 1205, 1106, 1301, 1302, 1303, 1550, 503, 1304, 1660, 1661, 1662, 1663, 1560, 1561, 1562, 17, 18, 19, 21, 22, 1400, 1563, 1107, 1664, 1666, 1665, 1667, 1668] },
    // prettier-ignore
    { id: "def00001-0000-0000-0000-def000000001", name: "ClusterAdmin", description: "Administrator Role, permission for all the objects underneath a specific Cluster", administrative: true,
      groups: [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 300, 301, 302, 303, 100, 101, 102, 103, 104, 400, 401, 402, 403, 1100, 1101, 1102, 1103, 1104, 14, 502, 1300, 15, 1301, 1302, 1303, 1550, 503, 1304, 17, 18, 19, 21, 22, 1107, 1665, 1666, 1667, 1668, 1563] },
    // prettier-ignore
    { id: "def00002-0000-0000-0000-def000000002", name: "DataCenterAdmin", description: "Administrator Role, permission for all the objects underneath a specific Data Center, except Storage", administrative: true,
      groups: [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 200, 201, 202, 203, 204, 300, 301, 302, 303, 100, 101, 102, 103, 104, 400, 401, 402, 403, 700, 701, 702, 703, 704, 705, 900, 901, 1100, 1101, 1102, 1103, 1104, 14, 502, 1300, 404, 15, 205, 1105, 1203, 1204, 1205, 1301, 1302, 1303, 1550, 503, 1304, 17, 18, 19, 21, 22, 1107, 1663, 1665, 1666, 1667, 1668, 1563] },
    // prettier-ignore
    { id: "def00005-0000-0000-0000-def000000005", name: "NetworkAdmin", description: "Administrator Role, permission for all operations on a specific Logical Network", administrative: true,
      groups: [104, 403, 1300, 404, 703, 704, 705, 9, 204, 1203, 1204, 1205, 1301, 1302, 1303, 1304] },
    // prettier-ignore
    { id: "def00006-0000-0000-0000-def000000006", name: "UserVmManager", description: "User Role, with permission for any operation on Vms", administrative: false,
      groups: [1, 2, 3, 5, 7, 9, 10, 12, 1100, 1101, 1102, 1104, 502, 1300, 503, 17, 18, 19, 21, 22, 1664, 1668] },
    // prettier-ignore
    { id: "def00009-0000-0000-0000-def000000009", name: "UserTemplateBasedVm", description: "Template User", administrative: false,
      groups: [1, 1668] },
    // prettier-ignore
    { id: "def0000a-0000-0000-0000-def00000000b", name: "DiskOperator", description: "User Role, permissions for all operations on a specific disk", administrative: false,
      groups: [1100, 1101, 1102, 1104, 502, 1300, 503] },
    // prettier-ignore
    { id: "def0000a-0000-0000-0000-def00000000c", name: "DiskCreator", description: "User Role, permission to create Disks", administrative: false,
      groups: [1100, 1300] },
    // prettier-ignore
    { id: "def0000a-0000-0000-0000-def00000000d", name: "VmCreator", description: "User Role, permission to create VMs", administrative: false,
      groups: [1, 1100, 1300, 1668] },
    // prettier-ignore
    { id: "def0000a-0000-0000-0000-def00000000e", name: "TemplateCreator", description: "User Role, permission to create Templates", administrative: false,
      groups: [200, 1300] },
    // prettier-ignore
    { id: "def0000a-0000-0000-0000-def00000000f", name: "TemplateOwner", description: "User Role, permissions for all operations on Templates", administrative: false,
      groups: [201, 202, 203, 204, 1300, 502, 503] },
    // prettier-ignore
    { id: "def0000a-0000-0000-0000-def000000010", name: "VnicProfileUser", description: "VM Network Interface Profile User", administrative: false,
      groups: [9, 204, 1300] },
    // prettier-ignore
    { id: "def0000c-0000-0000-0000-def000000000", name: "ExternalEventsCreator", description: "External Events Creator", administrative: false,
      groups: [1400] },
    // prettier-ignore
    { id: "def0000c-0000-0000-0000-def00000000c", name: "ReadOnlyAdmin", description: "Read Only Administrator Role", administrative: true,
      groups: [1300] },
    // prettier-ignore
    { id: "def00011-0000-0000-0000-def000000013", name: "TagManager", description: "Tag Manager", administrative: true,
      groups: [1301, 1300, 1304] },
];

/** PredefinedRoles ids the engine grants by itself (bll/PredefinedRoles.java). */
export const ROLE_ID = {
    superUser: "00000000-0000-0000-0000-000000000001",
    userVmManager: "def00006-0000-0000-0000-def000000006",
    diskOperator: "def0000a-0000-0000-0000-def00000000b",
    templateOwner: "def0000a-0000-0000-0000-def00000000f",
    userTemplateBasedVm: "def00009-0000-0000-0000-def000000009",
    vnicProfileUser: "def0000a-0000-0000-0000-def000000010",
} as const;

/** The group Everyone (dbscripts/data/00200_insert_ad_groups.sql): its permissions apply to every user. */
export const EVERYONE = "eee00000-0000-0000-0000-123456789eee";

/** The system object's id (Guid.SYSTEM, `aaa00000-…`): the root of every object's parents. */
export const SYSTEM_ID = "aaa00000-0000-0000-0000-123456789aaa";

/** What a command needs: an action group on one object (bll/utils/PermissionSubject). */
export interface PermissionSubject {
    readonly type: PermissionObjectType;
    readonly id: string;
    readonly group: number;
}

/** The text of USER_NOT_AUTHORIZED_TO_PERFORM_ACTION (AppErrors.properties); 403 (ErrorType.NO_PERMISSION). */
export function notAuthorized(): EngineFault {
    return new EngineFault(403, "Operation Failed", "[User is not authorized to perform this action.]");
}

/** `name@profile` of a user, as the engine's `user_name` shows it: `principal@authz` (internal: `admin@internal-authz`). */
export function engineUserName(u: User): string {
    return `${u.name}@${u.domain}`;
}

/** The `permission` representation's object element → the object type. */
export const PERMISSION_OBJECT_KEYS: Record<string, PermissionObjectType> = {
    data_center: "dataCenter",
    cluster: "cluster",
    host: "host",
    storage_domain: "storageDomain",
    vm: "vm",
    template: "template",
    disk: "disk",
    network: "network",
    vnic_profile: "vnicProfile",
};
