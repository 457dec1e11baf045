/**
 * The CI jobs' engine user (`ciEngineUsername`, the login `ovirt.conf` carries): the roles the stack grants it, each
 * on the narrowest object that lets the OpenShift installer, the CSI driver and `send-event-to-ovirt.sh` work, and
 * nothing that reaches the proxy VM, the lease networks or the storage. The table and every reason: docs/ci-user.md.
 * The user itself is created on the engine machine (ovirt-aaa-jdbc-tool for `@internal`); the first grant adds it to
 * the engine. The admin login stays with ovirt-ci.
 */
import * as pulumi from "@pulumi/pulumi";
import { Permission } from "../providers/ovirt/permission";
import { Role } from "../providers/ovirt/role";

/** A grant of {@link CiUser}: a role on the system or the data center. */
export interface CiUserGrant {
    readonly roleName: string;
    readonly on: "system" | "dataCenter";
}

/**
 * The roles on the system and the data center (docs/ci-user.md has the reasons): upstream's set
 * (oVirt/ocp-on-ovirt installer-tools/ocpadmin) without ClusterAdmin, DiskOperator and TemplateOwner, whose
 * DELETE_VM/DELETE_DISK/DELETE_TEMPLATE and MANIPULATE_PERMISSIONS would reach the proxy VM and its template; the
 * engine makes the CI user UserVmManager, DiskOperator and TemplateOwner of what it creates instead.
 */
export const CI_USER_GRANTS: readonly CiUserGrant[] = [
    { roleName: "UserTemplateBasedVm", on: "dataCenter" },
    { roleName: "DiskCreator", on: "dataCenter" },
    { roleName: "TemplateCreator", on: "dataCenter" },
    { roleName: "TagManager", on: "system" },
    { roleName: "ExternalEventsCreator", on: "system" },
];

/** The role on each lease network's vNIC profile: NICs of the CI's VMs on that network, and only there. */
export const CI_USER_LEASE_ROLE = "VnicProfileUser";

/**
 * The custom role for the installer's affinity groups, granted on the cluster only. The installer creates the groups
 * `controlplane` and `compute` by default and `destroy` removes them (openshift/installer
 * pkg/types/ovirt/defaults.SetPlatformDefaults); AffinityGroupCRUDCommand needs MANIPULATE_AFFINITY_GROUPS on the
 * cluster, which no predefined role holds without DELETE_VM. It is an administrator's permit (ActionGroup.java:
 * RoleType.ADMIN), so the role is administrative (a user role may not hold it: AddRoleWithActionGroupsCommand). No
 * `login`: the engine does not require it in a role (only the portal preselects it), and the user logs in through
 * DiskCreator's.
 */
export const CI_USER_AFFINITY_ROLE = Object.freeze({
    name: "ovirt-ci-affinity",
    description: "ovirt-ci: the CI user's affinity groups of the OpenShift installer (docs/ci-user.md)",
    administrative: true,
    permits: ["manipulate_affinity_groups"] as readonly string[],
});

/** Arguments for {@link CiUser}. */
export interface CiUserArgs {
    /** The CI jobs' engine user, `principal@profile` (`ciEngineUsername`). */
    readonly userName: pulumi.Input<string>;
    /** The data center of the cluster, the storage domains and the lease networks. */
    readonly dataCenterId: pulumi.Input<string>;
    /** The CI's cluster: where the installer's affinity groups are (the affinity role is granted there only). */
    readonly clusterId: pulumi.Input<string>;
    /** Each install lease's vNIC profile, by lease name (`ovirt-12` → the profile of `ovn-vmnet-12`). */
    readonly leaseVnicProfileIds: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * The CI engine user's grants: one Permission per role and object (`<name>-<roleName>`, `<lease>-<name>`), and the
 * affinity role (`<name>-affinity-role`) with its grant on the cluster (`<name>-affinity`).
 */
export class CiUser extends pulumi.ComponentResource {
    /** Every grant's permission id, by its child name. */
    public readonly permissionIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: CiUserArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ovirt-ci:ciUser:CiUser", name, {}, opts);
        const grants: Array<[string, Permission]> = CI_USER_GRANTS.map((g) => [
            `${name}-${g.roleName}`,
            new Permission(
                `${name}-${g.roleName}`,
                {
                    userName: args.userName,
                    roleName: g.roleName,
                    objectType: g.on,
                    ...(g.on === "dataCenter" ? { objectId: args.dataCenterId } : {}),
                },
                { parent: this },
            ),
        ]);
        const affinityRole = new Role(
            `${name}-affinity-role`,
            { ...CI_USER_AFFINITY_ROLE, permits: [...CI_USER_AFFINITY_ROLE.permits] },
            { parent: this },
        );
        grants.push([
            `${name}-affinity`,
            new Permission(
                `${name}-affinity`,
                // the role's name as an output: the grant waits for the role, and goes before it on delete
                {
                    userName: args.userName,
                    roleName: affinityRole.name,
                    objectType: "cluster",
                    objectId: args.clusterId,
                },
                { parent: this },
            ),
        ]);
        // named after the lease (`ovirt-12-ci-user`): adding or removing a lease touches only `ovirt-N*` resources
        for (const [lease, profileId] of Object.entries(args.leaseVnicProfileIds)) {
            grants.push([
                `${lease}-${name}`,
                new Permission(
                    `${lease}-${name}`,
                    {
                        userName: args.userName,
                        roleName: CI_USER_LEASE_ROLE,
                        objectType: "vnicProfile",
                        objectId: profileId,
                    },
                    { parent: this },
                ),
            ]);
        }
        this.permissionIds = pulumi.output(Object.fromEntries(grants.map(([n, p]) => [n, p.id])));
        this.registerOutputs({ permissionIds: this.permissionIds });
    }
}
