// Permission (docs/ci-user.md): one predefined role granted to one engine user on one object (the system, a data
// center, a cluster, a storage domain, a network or a vNIC profile). The user is named `principal@profile` as it logs
// in; when it is in the engine's authz directory but not yet added to the engine, `create` adds it (`POST /users`),
// as the administration portal's "Add permission" does (restapi aaa/BackendUsersResource, AddUserCommand). Every field
// replaces: a grant has nothing to update. `delete` removes the grant only, never the user or the object.
import * as pulumi from "@pulumi/pulumi";
import { OvirtApiError, Session, createOrAdopt, isNotFound } from "./client";
import { CheckFailure, compact, isUnknown } from "./common";
import {
    ArgsOf,
    InputsOf,
    KindProvider,
    StateOf,
    defineKind,
    is,
    optional,
    output,
    required,
    resourceClass,
} from "./kind";
import { decodeList, refId } from "./representation";

export const PERMISSION_PROVIDER_VERSION = 1;

/** What a permission is granted on. */
export const PERMISSION_OBJECT_TYPES = [
    "system",
    "dataCenter",
    "cluster",
    "storageDomain",
    "network",
    "vnicProfile",
] as const;
export type PermissionObjectType = (typeof PERMISSION_OBJECT_TYPES)[number];

/** The API collection of each object type; the system's permissions are `/permissions`. */
const COLLECTIONS: Record<PermissionObjectType, string> = {
    system: "",
    dataCenter: "/datacenters",
    cluster: "/clusters",
    storageDomain: "/storagedomains",
    network: "/networks",
    vnicProfile: "/vnicprofiles",
};

/** The `permission` element naming the object (api model Permission); none for the system. */
const OBJECT_ELEMENTS: Record<PermissionObjectType, string | undefined> = {
    system: undefined,
    dataCenter: "data_center",
    cluster: "cluster",
    storageDomain: "storage_domain",
    network: "network",
    vnicProfile: "vnic_profile",
};

/** `principal@profile`, e.g. `ocpadmin@internal`. */
function loginName(news: Record<string, unknown>, field: string, failures: CheckFailure[]): string {
    const v = news[field];
    if (isUnknown(v)) return v as string;
    if (typeof v !== "string" || !/^[^@\s]+@[^@\s]+$/.test(v.trim())) {
        failures.push({
            property: field,
            reason: `${field} must be the user's login name, principal@profile (e.g. ocpadmin@internal), got ${JSON.stringify(v)}`,
        });
        return "";
    }
    return v.trim();
}

/** A grant's fields; every one replaces (a grant has nothing to update). */
export const PERMISSION = defineKind({
    kind: "Permission",
    providerVersion: PERMISSION_PROVIDER_VERSION,
    // a replacement may name the same grant (authzName set to its default): create-first would adopt it, then delete it
    deleteBeforeReplace: true,
    inputs: {
        /** The user as it logs in, `principal@profile` (e.g. `ocpadmin@internal`). */
        userName: required("replace", loginName),
        /**
         * The authz provider (directory) of the user. Defaults to `internal-authz` for the profile `internal` (the
         * engine's own users, ovirt-aaa-jdbc-tool), else to the profile's name.
         */
        authzName: optional("replace", is.optText),
        /** A role of the engine by name, e.g. `UserTemplateBasedVm` (GET /roles lists them). */
        roleName: required("replace", is.text("a role name of the engine, e.g. UserTemplateBasedVm")),
        /** What the role is granted on. */
        objectType: required("replace", is.oneOf(PERMISSION_OBJECT_TYPES, "system")),
        /** The object's id; absent for the system. */
        objectId: optional("replace", is.optId),
    },
    outputs: {
        /** The engine's id of the user. */
        userId: output<string>(),
        /** The engine's id of the role. */
        roleId: output<string>(),
    },
    crossCheck: (inputs, failures) => {
        if (inputs.objectType !== "system" && !inputs.objectId)
            failures.push({
                property: "objectId",
                reason: `objectId is required for objectType ${String(inputs.objectType)} (the object's id); only objectType system has none`,
            });
        if (inputs.objectType === "system" && inputs.objectId)
            failures.push({
                property: "objectId",
                reason: `objectId must be absent for objectType system, got ${JSON.stringify(inputs.objectId)}`,
            });
    },
});

export type PermissionArgs = ArgsOf<typeof PERMISSION>;
export type PermissionInputs = InputsOf<typeof PERMISSION>;
export type PermissionState = StateOf<typeof PERMISSION>;

/** `principal` and the authz name of a login name (`admin@internal` → `admin`, `internal-authz`). */
export function directoryName(userName: string, authzName?: string): { principal: string; authz: string } {
    const at = userName.lastIndexOf("@");
    const principal = userName.slice(0, at);
    const profile = userName.slice(at + 1);
    return { principal, authz: authzName ?? (profile === "internal" ? "internal-authz" : profile) };
}

/** The path of a grant's collection: `/permissions` (system) or `/<objects>/{id}/permissions`. */
function permissionsPath(type: PermissionObjectType, objectId: string | undefined): string {
    return type === "system" ? "/permissions" : `${COLLECTIONS[type]}/${objectId}/permissions`;
}

function describe(i: PermissionInputs): string {
    return `Permission ${i.roleName} for ${i.userName} on ${i.objectType}${i.objectId ? ` ${i.objectId}` : ""}`;
}

async function roleIdOf(s: Session, i: PermissionInputs): Promise<string> {
    const roles = decodeList(await s.get("/roles"), "role");
    const r = roles.find((x) => x.name === i.roleName);
    if (!r)
        throw new Error(
            `${describe(i)}: roleName ${JSON.stringify(i.roleName)} is not a role of this engine; ` +
                `it has ${roles.map((x) => String(x.name)).join(", ")}. Fix: use one of them (docs/ci-user.md lists the CI user's)`,
        );
    return String(r.id);
}

/** The engine's record of a login name (`principal@profile`), or undefined when the engine has not added the user. */
export async function findEngineUser(
    s: Session,
    userName: string,
    authzName?: string,
): Promise<Record<string, unknown> | undefined> {
    const { principal, authz } = directoryName(userName, authzName);
    // the engine's `user_name` is principal@authz; list and match locally (the search syntax varies by version)
    return decodeList(await s.get("/users"), "user").find((u) => u.user_name === `${principal}@${authz}`);
}

/** The engine's user id; adds a directory user to the engine first (POST /users), as the engine does on a grant. */
async function userIdOf(s: Session, i: PermissionInputs): Promise<string> {
    const { principal, authz } = directoryName(i.userName, i.authzName);
    const found = await findEngineUser(s, i.userName, i.authzName);
    if (found) return String(found.id);
    try {
        const added = await s.add<Record<string, unknown>>("/users", {
            user_name: `${principal}@${authz}`,
            domain: { name: authz },
        });
        return String(added.id);
    } catch (e) {
        if ((e as OvirtApiError).httpStatus === 400) {
            throw new Error(
                `${describe(i)}: userName ${JSON.stringify(i.userName)} is not a user of the engine's directory ${authz} ` +
                    `(POST /users: HTTP 400). Fix: create it on the engine machine (internal: ovirt-aaa-jdbc-tool user add ${principal}; ` +
                    `then set its password), or set authzName to the directory it is in`,
                { cause: e },
            );
        }
        throw e;
    }
}

function toState(p: Record<string, unknown>, i: PermissionInputs, userId: string, roleId: string): PermissionState {
    return {
        userName: i.userName,
        authzName: i.authzName,
        roleName: i.roleName,
        objectType: i.objectType,
        objectId: i.objectId,
        userId: refId(p.user) ?? userId,
        roleId: refId(p.role) ?? roleId,
        providerVersion: PERMISSION_PROVIDER_VERSION,
    };
}

export class PermissionProvider extends KindProvider<typeof PERMISSION> {
    protected readonly description = PERMISSION;

    async create(inputs: PermissionInputs): Promise<pulumi.dynamic.CreateResult<PermissionState>> {
        const s = await this.session(`create ${describe(inputs)}`);
        const roleId = await roleIdOf(s, inputs);
        const userId = await userIdOf(s, inputs);
        const elem = OBJECT_ELEMENTS[inputs.objectType];
        const path = permissionsPath(inputs.objectType, inputs.objectId);
        const { obj } = await createOrAdopt(
            s,
            describe(inputs),
            async () =>
                decodeList(await s.get(`/users/${userId}/permissions`), "permission").find(
                    // the engine lists the user's groups' and Everyone's grants here too: only the user's own count
                    (p) =>
                        refId(p.user) === userId &&
                        refId(p.role) === roleId &&
                        (elem
                            ? refId(p[elem]) === inputs.objectId
                            : Object.values(OBJECT_ELEMENTS).every((k) => !k || !p[k])),
                ),
            () => s.add<Record<string, unknown>>(path, { role: { id: roleId }, user: { id: userId } }),
        );
        return { id: String(obj.id), outs: compact(toState(obj, inputs, userId, roleId)) };
    }

    async read(id: string, old?: PermissionState): Promise<pulumi.dynamic.ReadResult<PermissionState>> {
        const props = old ?? ({} as PermissionState);
        const s = await this.session(`read Permission ${props.roleName ?? id}`);
        // gone when the grant was removed by hand, or with its object (the engine drops an object's grants with it)
        const p = await s.find(`${permissionsPath(props.objectType, props.objectId)}/${id}`);
        if (!p) return { id: undefined };
        return this.found(id, toState(p, props, props.userId, props.roleId));
    }

    async update(
        _id: string,
        olds: PermissionState,
        news: PermissionInputs,
    ): Promise<pulumi.dynamic.UpdateResult<PermissionState>> {
        // every input replaces: only a provider version change gets here
        return { outs: this.restamped(olds, news) };
    }

    async delete(id: string, props: PermissionState): Promise<void> {
        const s = await this.session(`delete Permission ${props.roleName ?? id}`);
        try {
            await s.remove(`${permissionsPath(props.objectType, props.objectId)}/${id}`);
        } catch (e) {
            if (!isNotFound(e)) throw e;
        }
    }
}

/** A role granted to an engine user on one object (token `pulumi-nodejs:dynamic/ovirt:Permission`). */
export const Permission = resourceClass(PERMISSION);
export type Permission = InstanceType<typeof Permission>;

/** What Permission resources serialize: a stub that loads PermissionProvider in the provider process (./stub). */
export const permissionProvider = Permission.provider;
