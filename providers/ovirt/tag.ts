// Tag (ovirt-api.md 5.9): a global, uniquely named label. Name and parent are identity; description updates.
import * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, Session } from "./client";
import { CheckFailure, OvirtProviderBase, compact, fieldDiff, optString, reqName } from "./common";
import { decodeList, decodeString, refId } from "./representation";
import { OvirtProviderStub } from "./stub";

export const TAG_PROVIDER_VERSION = 1;

export interface TagArgs {
    name: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    /** Name of the parent tag; omitted = under the root tag. */
    parentName?: pulumi.Input<string>;
}

export interface TagInputs {
    name: string;
    description?: string;
    parentName?: string;
}

export interface TagState extends TagInputs {
    /** Id of the parent tag as the engine reports it. */
    parentId?: string;
    providerVersion: number;
}

const REPLACE = ["name", "parentName"] as const;
const UPDATE = ["description"] as const;

function toState(t: Record<string, unknown>, inputs: TagInputs): TagState {
    return {
        name: String(t.name),
        description: inputs.description === undefined ? undefined : decodeString(t.description) ?? "",
        parentName: inputs.parentName,
        parentId: refId(t.parent),
        providerVersion: TAG_PROVIDER_VERSION,
    };
}

async function findTag(s: Session, name: string): Promise<Record<string, unknown> | undefined> {
    // /tags has no documented search key list: list and filter locally.
    const body = await s.get("/tags");
    return decodeList(body, "tag").find((t) => t.name === name);
}

export class TagProvider extends OvirtProviderBase implements pulumi.dynamic.ResourceProvider<TagInputs, TagState> {
    async check(_olds: TagInputs, news: TagInputs): Promise<pulumi.dynamic.CheckResult<TagInputs>> {
        const n = news as unknown as Record<string, unknown>;
        const failures: CheckFailure[] = [];
        const inputs: TagInputs = {
            name: reqName(n, "name", failures),
            description: optString(n, "description", failures),
            parentName: optString(n, "parentName", failures),
        };
        return { inputs: compact(inputs), failures };
    }

    async diff(_id: string, olds: TagState, news: TagInputs): Promise<pulumi.dynamic.DiffResult> {
        return fieldDiff(olds as never, news as never, REPLACE, UPDATE, TAG_PROVIDER_VERSION, true);
    }

    async create(inputs: TagInputs): Promise<pulumi.dynamic.CreateResult<TagState>> {
        const s = await this.session(`create Tag ${inputs.name}`);
        const { obj } = await createOrAdopt(s, `Tag ${inputs.name}`, () => findTag(s, inputs.name), () =>
            s.add<Record<string, unknown>>("/tags", {
                name: inputs.name,
                description: inputs.description ?? "",
                ...(inputs.parentName ? { parent: { name: inputs.parentName } } : {}),
            }));
        return { id: String(obj.id), outs: compact(toState(obj, inputs)) };
    }

    async read(id: string, old?: TagState): Promise<pulumi.dynamic.ReadResult<TagState>> {
        const props = old ?? ({} as TagState);
        const s = await this.session(`read Tag ${props?.name ?? id}`);
        const t = await s.find(`/tags/${id}`);
        if (!t) return { id: undefined };
        const state = toState(t, props);
        return { id, props: compact(state), inputs: compact({ name: state.name, description: state.description, parentName: props.parentName }) as never };
    }

    async update(id: string, olds: TagState, news: TagInputs): Promise<pulumi.dynamic.UpdateResult<TagState>> {
        const s = await this.session(`update Tag ${news.name}`);
        if ((olds.description ?? "") !== (news.description ?? "")) {
            const t = await s.put<Record<string, unknown>>(`/tags/${id}`, { description: news.description ?? "" });
            return { outs: compact(toState(t, news)) };
        }
        return { outs: compact({ ...olds, ...news, providerVersion: TAG_PROVIDER_VERSION }) };
    }

    async delete(id: string, props: TagState): Promise<void> {
        const s = await this.session(`delete Tag ${props?.name ?? id}`);
        await s.remove(`/tags/${id}`);
    }
}

/** What Tag resources serialize: a stub that loads TagProvider in the provider process (./stub). */
export const tagProvider = new OvirtProviderStub("Tag");

/** A tag (token `pulumi-nodejs:dynamic/ovirt:Tag`). Replaced (delete first) when name or parent change. */
export class Tag extends pulumi.dynamic.Resource {
    declare readonly name: pulumi.Output<string>;
    declare readonly description: pulumi.Output<string | undefined>;
    declare readonly parentName: pulumi.Output<string | undefined>;
    declare readonly parentId: pulumi.Output<string | undefined>;
    declare readonly providerVersion: pulumi.Output<number>;

    constructor(name: string, args: TagArgs, opts?: pulumi.CustomResourceOptions) {
        super(tagProvider, name, { parentId: undefined, providerVersion: undefined, ...args }, opts, "ovirt", "Tag");
    }
}
