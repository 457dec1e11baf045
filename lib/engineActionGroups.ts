/**
 * The engine's action groups, which the REST API calls *permits*: name (`ActionGroup.name().toLowerCase()`, restapi
 * PermitMapper), id and whether it is an administrator's group (`ActionGroup.getRoleType() == RoleType.ADMIN`; a
 * user role may not hold one: AddRoleWithActionGroupsCommand.validate, CANNOT_ADD_ACTION_GROUPS_TO_ROLE_TYPE).
 * Source: oVirt/ovirt-engine backend/manager/modules/common/src/main/java/org/ovirt/engine/core/common/
 * businessentities/ActionGroup.java at 0111fc63036bca662aa6275a8ad16282cccf86bf, in its order. Shared by the Role
 * kind (names → ids, providers/ovirt/role.ts) and the engine emulator (emulator/model/roles.ts).
 */

/** One permit: the engine's ActionGroup. */
export interface EnginePermit {
    /** `ActionGroup.getId()`, the permit's id in the API. */
    readonly id: number;
    /** The permit's name in the API, e.g. `manipulate_affinity_groups`. */
    readonly name: string;
    /** RoleType.ADMIN: only an administrative role may hold it. */
    readonly administrative: boolean;
}

// prettier-ignore
const TABLE: ReadonlyArray<readonly [string, number, "U" | "A"]> = [
    ["create_vm", 1, "U"],
    ["delete_vm", 2, "U"],
    ["edit_vm_properties", 3, "U"],
    ["reboot_vm", 17, "U"],
    ["reset_vm", 23, "U"],
    ["stop_vm", 18, "U"],
    ["shut_down_vm", 19, "U"],
    ["hibernate_vm", 21, "U"],
    ["run_vm", 22, "U"],
    ["change_vm_cd", 5, "U"],
    ["migrate_vm", 6, "U"],
    ["connect_to_serial_console", 1664, "U"],
    ["connect_to_vm", 7, "U"],
    ["import_export_vm", 8, "A"],
    ["configure_vm_network", 9, "U"],
    ["configure_vm_storage", 10, "U"],
    ["move_vm", 11, "U"],
    ["manipulate_vm_snapshots", 12, "U"],
    ["reconnect_to_vm", 13, "U"],
    ["change_vm_custom_properties", 14, "A"],
    ["edit_admin_vm_properties", 15, "A"],
    ["create_instance", 16, "U"],
    ["create_host", 100, "A"],
    ["edit_host_configuration", 101, "A"],
    ["delete_host", 102, "A"],
    ["manipulate_host", 103, "A"],
    ["configure_host_network", 104, "A"],
    ["create_template", 200, "U"],
    ["edit_template_properties", 201, "U"],
    ["delete_template", 202, "U"],
    ["copy_template", 203, "U"],
    ["configure_template_network", 204, "U"],
    ["edit_admin_template_properties", 205, "A"],
    ["create_vm_pool", 300, "U"],
    ["edit_vm_pool_configuration", 301, "U"],
    ["delete_vm_pool", 302, "U"],
    ["vm_pool_basic_operations", 303, "U"],
    ["create_cluster", 400, "A"],
    ["edit_cluster_configuration", 401, "A"],
    ["delete_cluster", 402, "A"],
    ["configure_cluster_network", 403, "A"],
    ["assign_cluster_network", 404, "A"],
    ["manipulate_users", 500, "A"],
    ["manipulate_roles", 501, "A"],
    ["manipulate_permissions", 502, "U"],
    ["add_users_and_groups_from_directory", 503, "U"],
    ["edit_profile", 504, "U"],
    ["create_storage_domain", 600, "A"],
    ["edit_storage_domain_configuration", 601, "A"],
    ["delete_storage_domain", 602, "A"],
    ["manipulate_storage_domain", 603, "A"],
    ["create_storage_pool", 700, "A"],
    ["delete_storage_pool", 701, "A"],
    ["edit_storage_pool_configuration", 702, "A"],
    ["configure_storage_pool_network", 703, "A"],
    ["create_storage_pool_network", 704, "A"],
    ["delete_storage_pool_network", 705, "A"],
    ["configure_engine", 800, "A"],
    ["configure_quota", 900, "A"],
    ["consume_quota", 901, "U"],
    ["create_gluster_volume", 1000, "A"],
    ["manipulate_gluster_volume", 1001, "A"],
    ["delete_gluster_volume", 1002, "A"],
    ["manipulate_gluster_hook", 1003, "A"],
    ["manipulate_gluster_service", 1004, "A"],
    ["create_disk", 1100, "U"],
    ["attach_disk", 1101, "U"],
    ["edit_disk_properties", 1102, "U"],
    ["configure_disk_storage", 1103, "U"],
    ["delete_disk", 1104, "U"],
    ["configure_scsi_generic_io", 1105, "A"],
    ["access_image_storage", 1106, "U"],
    ["disk_live_storage_migration", 1107, "U"],
    ["sparsify_disk", 1108, "U"],
    ["reduce_disk", 1109, "A"],
    ["backup_disk", 1110, "A"],
    ["configure_network_vnic_profile", 1203, "A"],
    ["create_network_vnic_profile", 1204, "A"],
    ["delete_network_vnic_profile", 1205, "A"],
    ["login", 1300, "U"],
    ["inject_external_events", 1400, "A"],
    ["inject_external_tasks", 1500, "A"],
    ["tag_management", 1301, "A"],
    ["bookmark_management", 1302, "A"],
    ["event_notification_management", 1303, "A"],
    ["audit_log_management", 1304, "A"],
    ["manipulate_affinity_groups", 1550, "A"],
    ["configure_storage_disk_profile", 1560, "A"],
    ["create_storage_disk_profile", 1561, "A"],
    ["delete_storage_disk_profile", 1562, "A"],
    ["attach_disk_profile", 1563, "U"],
    ["create_mac_pool", 1660, "A"],
    ["edit_mac_pool", 1661, "A"],
    ["delete_mac_pool", 1662, "A"],
    ["configure_mac_pool", 1663, "A"],
    ["delete_cpu_profile", 1665, "A"],
    ["update_cpu_profile", 1666, "A"],
    ["create_cpu_profile", 1667, "A"],
    ["assign_cpu_profile", 1668, "A"],
];

/** Every permit of the engine, in ActionGroup.java's order. */
export const ENGINE_PERMITS: readonly EnginePermit[] = TABLE.map(([name, id, type]) => ({
    id,
    name,
    administrative: type === "A",
}));

/** The permit of a name (`manipulate_affinity_groups`, case-insensitive as ActionGroup.valueOf(name.toUpperCase())). */
export function permitByName(name: string): EnginePermit | undefined {
    const n = name.trim().toLowerCase();
    return ENGINE_PERMITS.find((p) => p.name === n);
}

/** The permit of an id. */
export function permitById(id: number): EnginePermit | undefined {
    return ENGINE_PERMITS.find((p) => p.id === id);
}
