// Role (docs/ci-user.md, docs/provider.md): a custom role of the engine with its permits (action groups), created as
// the engine's API creates one: `POST /roles` with `name`, `administrative` and `permits.id` (restapi
// BackendRolesResource.add, AddRoleWithActionGroupsCommand), permits attached and detached one by one in place
// (`POST /roles/{id}/permits`, `DELETE /roles/{id}/permits/{permit}`: Attach/DetachActionGroupsToRoleCommand), the name
// and the description by `PUT /roles/{id}` (UpdateRoleCommand). The role type (`administrative`) cannot change in
// the engine (ERROR_CANNOT_UPDATE_ROLE_TYPE): it replaces. `delete` is refused by the engine while the role is granted
// (RemoveRoleCommand: ERROR_CANNOT_REMOVE_ROLE_ATTACHED_TO_PERMISSION); Pulumi deletes the grants first, as they
// depend on the role. Sources: oVirt/ovirt-engine at 0111fc63036bca662aa6275a8ad16282cccf86bf.
import * as pulumi from "@pulumi/pulumi";
import { ENGINE_PERMITS, permitById, permitByName } from "../../lib/engineActionGroups";
import { Session, createOrAdopt, isNotFound } from "./client";
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
import { decodeList } from "./representation";

export const ROLE_PROVIDER_VERSION = 1;

/** The closest permit names to a wrong one (most words in common first), for the error's fix. */
function closePermits(name: string): string[] {
    const words = name
        .toLowerCase()
        .split(/[_\s-]+/)
        .filter((w) => w.length > 2);
    const score = (p: string) => words.filter((w) => p.includes(w)).length;
    return ENGINE_PERMITS.map((p) => p.name)
        .filter((p) => score(p) > 0)
        .sort((a, b) => score(b) - score(a))
        .slice(0, 4);
}

/** Permit names of the engine (ActionGroup, lower case): unique, sorted, each one known. */
function permitNames(news: Record<string, unknown>, field: string, failures: CheckFailure[]): string[] {
    const v = news[field];
    if (isUnknown(v)) return v as string[];
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== "string")) {
        failures.push({
            property: field,
            reason: `${field} must be a non-empty list of the engine's permit names (e.g. ["manipulate_affinity_groups"]), got ${JSON.stringify(v)}`,
        });
        return [];
    }
    const names = new Set<string>();
    for (const raw of v as string[]) {
        const p = permitByName(raw);
        if (!p) {
            const close = closePermits(raw);
            failures.push({
                property: field,
                reason:
                    `${field}: ${JSON.stringify(raw)} is not a permit of the engine (ActionGroup.java). ` +
                    `Fix: use a permit name as GET /api/roles/{id}/permits lists it` +
                    (close.length ? `, e.g. ${close.join(", ")}` : ", e.g. manipulate_affinity_groups, login"),
            });
            continue;
        }
        names.add(p.name);
    }
    return [...names].sort();
}

/** A custom role's fields. */
export const ROLE = defineKind({
    kind: "Role",
    providerVersion: ROLE_PROVIDER_VERSION,
    // the engine refuses a second role of the same name
    deleteBeforeReplace: true,
    inputs: {
        /** The role's name, unique in the engine (renamed in place). */
        name: required("update", is.name(126)),
        /** What the role is for, as the administration portal shows it. */
        description: optional("update", is.optText),
        /**
         * An administrator's role (RoleType.ADMIN): required for any administrator's permit, e.g.
         * `manipulate_affinity_groups`. The engine cannot change it on a role: a change replaces the role.
         */
        administrative: required("replace", is.bool(false)),
        /** The engine's permit (action group) names, e.g. `manipulate_affinity_groups`; changed in place. */
        permits: required("update", permitNames),
    },
    outputs: {
        /** The permits' ids, in the order of `permits`. */
        permitIds: output<string[]>(),
    },
    crossCheck: (inputs, failures) => {
        const permits = inputs.permits;
        if (inputs.administrative !== false || !Array.isArray(permits)) return;
        const admin = permits.filter((n) => typeof n === "string" && permitByName(n)?.administrative);
        if (admin.length)
            failures.push({
                property: "administrative",
                reason:
                    `administrative is false, but ${admin.join(", ")} ${admin.length > 1 ? "are" : "is an"} administrator's ` +
                    `permit${admin.length > 1 ? "s" : ""} (RoleType.ADMIN), which the engine refuses in a user role ` +
                    `("Cannot add administrator's action group to a User Role."). Fix: set administrative: true`,
            });
    },
});

export type RoleArgs = ArgsOf<typeof ROLE>;
export type RoleInputs = InputsOf<typeof ROLE>;
export type RoleState = StateOf<typeof ROLE>;

/** A permit's id by its name (names come checked; one the engine lists but this table lacks keeps its name). */
function idOf(name: string): string {
    return String(permitByName(name)?.id ?? name);
}

/** The names of a role's permits in the engine (GET /roles/{id}/permits), sorted. */
async function permitsOf(s: Session, roleId: string): Promise<string[]> {
    const permits = decodeList(await s.get(`/roles/${roleId}/permits`), "permit");
    return permits
        .map((p) => (typeof p.name === "string" ? p.name : permitById(Number(p.id))?.name))
        .filter((n): n is string => !!n)
        .sort();
}

function toState(i: RoleInputs, fields: { name?: unknown; description?: unknown }, permits: string[]): RoleState {
    return {
        name: typeof fields.name === "string" ? fields.name : i.name,
        description: typeof fields.description === "string" && fields.description ? fields.description : undefined,
        administrative: i.administrative,
        permits,
        permitIds: permits.map(idOf),
        providerVersion: ROLE_PROVIDER_VERSION,
    };
}

export class RoleProvider extends KindProvider<typeof ROLE> {
    protected readonly description = ROLE;

    async create(inputs: RoleInputs): Promise<pulumi.dynamic.CreateResult<RoleState>> {
        const what = `Role ${inputs.name}`;
        const s = await this.session(`create ${what}`);
        const { obj, adopted } = await createOrAdopt(
            s,
            what,
            async () => decodeList(await s.get("/roles"), "role").find((r) => r.name === inputs.name),
            () =>
                s.add<Record<string, unknown>>("/roles", {
                    name: inputs.name,
                    ...(inputs.description ? { description: inputs.description } : {}),
                    administrative: inputs.administrative,
                    permits: { permit: inputs.permits.map((n) => ({ id: idOf(n) })) },
                }),
        );
        const id = String(obj.id);
        if (adopted) {
            // a role of that name made by hand, or by an interrupted run: take it as the program says it
            if (String(obj.mutable) === "false")
                throw new Error(
                    `${what}: the engine's predefined role ${inputs.name} is read-only. Fix: give the custom role another name`,
                );
            if (String(obj.administrative) !== String(inputs.administrative))
                throw new Error(
                    `${what}: the engine has a role ${inputs.name} with administrative ${String(obj.administrative)}, ` +
                        `the program says ${String(inputs.administrative)}, and the engine cannot change a role's type. ` +
                        `Fix: remove that role in the administration portal (Administration > Configure > Roles) or rename this one`,
                );
            await this.setPermits(s, id, await permitsOf(s, id), inputs.permits);
            if ((obj.description ?? "") !== (inputs.description ?? ""))
                await s.put(`/roles/${id}`, { description: inputs.description ?? "" });
        }
        return {
            id,
            outs: compact(toState(inputs, { name: inputs.name, description: inputs.description }, inputs.permits)),
        };
    }

    async read(id: string, old?: RoleState): Promise<pulumi.dynamic.ReadResult<RoleState>> {
        const props = old ?? ({} as RoleState);
        const s = await this.session(`read Role ${props.name ?? id}`);
        const r = await s.find<Record<string, unknown>>(`/roles/${id}`);
        if (!r) return { id: undefined };
        const administrative = r.administrative === true || r.administrative === "true";
        return this.found(id, toState({ ...props, administrative }, r, await permitsOf(s, id)));
    }

    async update(id: string, olds: RoleState, news: RoleInputs): Promise<pulumi.dynamic.UpdateResult<RoleState>> {
        const s = await this.session(`update Role ${news.name}`);
        if (olds.name !== news.name || (olds.description ?? "") !== (news.description ?? ""))
            await s.put(`/roles/${id}`, { name: news.name, description: news.description ?? "" });
        await this.setPermits(s, id, await permitsOf(s, id), news.permits);
        return { outs: compact(toState(news, { name: news.name, description: news.description }, news.permits)) };
    }

    async delete(id: string, props: RoleState): Promise<void> {
        const s = await this.session(`delete Role ${props.name ?? id}`);
        try {
            await s.remove(`/roles/${id}`);
        } catch (e) {
            if (isNotFound(e)) return;
            if (/still associated with Role/i.test(String((e as Error).message)))
                throw new Error(
                    `delete Role ${props.name}: the engine refuses while the role is granted (${(e as Error).message}). ` +
                        `Fix: remove its grants first (Administration > Configure > Roles > ${props.name} shows none; ` +
                        `each object's Permissions tab, or DELETE /api/<objects>/{id}/permissions/{permission})`,
                    { cause: e },
                );
            throw e;
        }
    }

    /** Attaches what is missing first, then detaches what is extra: the role never lacks a wanted permit. */
    private async setPermits(s: Session, id: string, have: readonly string[], want: readonly string[]): Promise<void> {
        for (const n of want.filter((x) => !have.includes(x))) await s.add(`/roles/${id}/permits`, { id: idOf(n) });
        for (const n of have.filter((x) => !want.includes(x))) await s.remove(`/roles/${id}/permits/${idOf(n)}`);
    }
}

/** A custom role of the engine (token `pulumi-nodejs:dynamic/ovirt:Role`). */
export const Role = resourceClass(ROLE);
export type Role = InstanceType<typeof Role>;

/** What Role resources serialize: a stub that loads RoleProvider in the provider process (./stub). */
export const roleProvider = Role.provider;
