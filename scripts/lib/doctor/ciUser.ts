/**
 * The doctor's over-grant check of the CI engine user (`ciEngineUsername`, docs/ci-user.md): read-only, it lists
 * every grant the user holds beyond the stack's set, its own and its groups'. Upstream's playbook
 * (oVirt/ocp-on-ovirt installer-tools/ocpadmin/ovirt_ocpadmin_user-setup.yml at eb4903d) granted its wider roles
 * (ClusterAdmin, DiskOperator, TemplateOwner on the data center, …) to the group `ocp-administrator` that `ocpadmin`
 * is in, so on the live engine the user may hold far more than the stack grants.
 *
 * How the engine answers: `GET /users/{id}/permissions` lists the user's own grants *and* those of its groups and of
 * Everyone (restapi aaa/BackendUserResource.getPermissionsResource → GetPermissionsOnBehalfByAdElementIdQuery →
 * dbscripts multi_level_administration_sp.sql GetPermissionsByAdElementIdAndGroupIds, oVirt/ovirt-engine at
 * 0111fc63036bca662aa6275a8ad16282cccf86bf); a group's grant names the `group` instead of the `user`.
 */
import { CI_USER_AFFINITY_ROLE, CI_USER_GRANTS, CI_USER_LEASE_ROLE } from "../../../components/ciUser";
import type { Session } from "../../../providers/ovirt/client";
import { directoryName, findEngineUser } from "../../../providers/ovirt/permission";
import { decodeList, refId } from "../../../providers/ovirt/representation";
import type { DoctorContext } from "./context";
import type { EngineFacts } from "./engine";
import { CheckResult, fail, guarded, ok, skip } from "./report";

/** The group Everyone (dbscripts/data/00200_insert_ad_groups.sql): its grants apply to every user, by design. */
const EVERYONE = "eee00000-0000-0000-0000-123456789eee";

/** The object elements of a `permission` (restapi PermissionMapper); none for the system. */
const OBJECT_ELEMENTS = [
    "data_center",
    "cluster",
    "host",
    "storage_domain",
    "network",
    "vnic_profile",
    "vm",
    "template",
    "disk",
] as const;

/** The roles the engine grants a creator on what it creates (AddVmCommand, AddDiskCommand, AddVmTemplateCommand). */
const CREATOR_ROLES: Readonly<Record<string, readonly string[]>> = {
    vm: ["UserVmManager"],
    disk: ["DiskOperator"],
    template: ["TemplateOwner", "UserTemplateBasedVm"],
};

/** One grant the user holds, as the engine lists it. */
export interface HeldGrant {
    readonly permissionId: string;
    readonly roleName: string;
    /** The holder: the user itself, or a group it is in. */
    readonly holder: { readonly kind: "user" | "group"; readonly id: string; readonly name: string };
    /** `system` or the object element (`data_center`, `cluster`, …). */
    readonly objectType: string;
    readonly objectId?: string;
}

/** A grant beyond the stack's set, with the operator's ways out. */
export interface OverGrant {
    readonly grant: HeldGrant;
    /** The REST call that removes the grant itself. */
    readonly removeCall: string;
    /** For a group's grant: taking the user out of the group (drops every grant of that group at once). */
    readonly leaveGroup?: string;
}

/** Where the stack grants what (components/ciUser.ts). */
export interface StackGrantPlaces {
    readonly dataCenterId: string;
    readonly clusterId: string;
}

/** Whether the stack (or the engine, for what the user created, or Everyone) accounts for a grant. */
function expected(g: HeldGrant, places: StackGrantPlaces): boolean {
    if (g.holder.kind === "group" && g.holder.id === EVERYONE) return true;
    if (g.holder.kind === "group") return false; // the stack grants the user only, never a group
    const on = (type: string, id?: string) => g.objectType === type && g.objectId === id;
    if (
        CI_USER_GRANTS.some(
            (s) =>
                s.roleName === g.roleName &&
                (s.on === "system" ? g.objectType === "system" : on("data_center", places.dataCenterId)),
        )
    )
        return true;
    if (g.roleName === CI_USER_AFFINITY_ROLE.name && on("cluster", places.clusterId)) return true;
    if (g.roleName === CI_USER_LEASE_ROLE && g.objectType === "vnic_profile") return true;
    return (CREATOR_ROLES[g.objectType] ?? []).includes(g.roleName);
}

function where(g: HeldGrant): string {
    return g.objectType === "system" ? "the system" : `${g.objectType} ${g.objectId}`;
}

/** The grants beyond the stack's set, each with the calls that remove it. */
export function overGrants(
    grants: readonly HeldGrant[],
    places: StackGrantPlaces,
    user: { readonly id: string; readonly userName: string; readonly authz: string },
    apiUrl: string,
): OverGrant[] {
    const { principal } = directoryName(user.userName);
    return grants
        .filter((g) => !expected(g, places))
        .map((g) =>
            g.holder.kind === "group"
                ? {
                      grant: g,
                      removeCall: `DELETE ${apiUrl}/groups/${g.holder.id}/permissions/${g.permissionId}`,
                      leaveGroup:
                          `take ${user.userName} out of the group ${g.holder.name}` +
                          (user.authz === "internal-authz"
                              ? ` (on the engine machine: ovirt-aaa-jdbc-tool group-manage userdel ${g.holder.name} --user=${principal})`
                              : ` (in the directory ${user.authz})`),
                  }
                : { grant: g, removeCall: `DELETE ${apiUrl}/users/${user.id}/permissions/${g.permissionId}` },
        );
}

/** The fix, per holder: leave each group (or remove its grants), remove the user's own extra grants. */
export function overGrantFix(found: readonly OverGrant[]): string {
    const parts: string[] = [];
    for (const group of new Set(found.filter((o) => o.leaveGroup).map((o) => o.grant.holder.name))) {
        const of = found.filter((o) => o.grant.holder.kind === "group" && o.grant.holder.name === group);
        parts.push(
            `${of[0].leaveGroup}, or remove the group's grants: ${of.map((o) => o.removeCall).join(", ")} ` +
                `(administration portal: Administration > Users, the group ${group}, Permissions, Remove)`,
        );
    }
    const own = found.filter((o) => o.grant.holder.kind === "user");
    if (own.length)
        parts.push(
            `remove the user's extra grants: ${own.map((o) => o.removeCall).join(", ")} ` +
                `(administration portal: Administration > Users, the user, Permissions, Remove)`,
        );
    return parts.join("; ");
}

/** The user's grants as the engine lists them, with role and group names; undefined when the engine lacks the user. */
export async function readCiUserGrants(
    s: Session,
    userName: string,
): Promise<{ id: string; authz: string; grants: HeldGrant[] } | undefined> {
    const { authz } = directoryName(userName);
    const user = await findEngineUser(s, userName);
    if (!user) return undefined;
    const roles = new Map(decodeList(await s.get("/roles"), "role").map((r) => [String(r.id), String(r.name)]));
    const groupNames = new Map<string, string>();
    const grants: HeldGrant[] = [];
    for (const p of decodeList(await s.get(`/users/${user.id}/permissions`), "permission")) {
        const groupId = refId(p.group);
        if (groupId && !groupNames.has(groupId))
            groupNames.set(
                groupId,
                groupId === EVERYONE
                    ? "Everyone"
                    : String((await s.find<Record<string, unknown>>(`/groups/${groupId}`))?.name ?? groupId),
            );
        const elem = OBJECT_ELEMENTS.find((k) => p[k]);
        const roleId = refId(p.role) ?? "";
        grants.push({
            permissionId: String(p.id),
            roleName: roles.get(roleId) ?? roleId,
            holder: groupId
                ? { kind: "group", id: groupId, name: groupNames.get(groupId)! }
                : { kind: "user", id: String(user.id), name: userName },
            objectType: elem ?? "system",
            objectId: elem ? refId(p[elem]) : undefined,
        });
    }
    return { id: String(user.id), authz, grants };
}

/** One line per over-grant: who holds which role where, and the fix. */
export function describeOverGrants(found: readonly OverGrant[]): string {
    return found
        .map(
            (o) =>
                `${o.grant.roleName} on ${where(o.grant)} ` +
                (o.grant.holder.kind === "group" ? `through the group ${o.grant.holder.name}` : "granted to the user"),
        )
        .join("; ");
}

/** The doctor's check `engine.ci-user-grants` (subject `ci-user`). */
export async function ciUserGrantsCheck(ctx: DoctorContext, facts: Promise<EngineFacts>): Promise<CheckResult> {
    const userName = ctx.config.ciEngineUsername;
    const expectedText = `${userName} holds only the stack's grants (docs/ci-user.md)`;
    return guarded(
        "ci-user",
        "engine.ci-user-grants",
        expectedText,
        `check that the engine ${ctx.endpoint.apiUrl} answers, then run the doctor again`,
        async () => {
            const f = await facts;
            const held = await readCiUserGrants(f.session, userName);
            if (!held)
                return skip(
                    expectedText,
                    `${userName} is not in the engine yet`,
                    "the first `pulumi up` adds it with its grants; run the doctor again after it",
                );
            const found = overGrants(
                held.grants,
                { dataCenterId: f.dataCenterId, clusterId: f.clusterId },
                { id: held.id, userName, authz: held.authz },
                ctx.endpoint.apiUrl,
            );
            if (found.length === 0) return ok(expectedText, `${held.grants.length} grants, none beyond the stack's`);
            return fail(expectedText, `beyond the stack's: ${describeOverGrants(found)}`, overGrantFix(found));
        },
    );
}
