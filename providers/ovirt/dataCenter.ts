// DataCenter (ovirt-api.md 5.1). Adopts an existing data center with the same name, or creates one.
import * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, Session } from "./client";
import { CheckFailure, OvirtProviderBase, compact, fieldDiff, isUnknown, optBool, optString, reqName } from "./common";
import { decodeBool, decodeList, decodeString, searchQuote } from "./representation";
import { OvirtProviderStub } from "./stub";

export const DATA_CENTER_PROVIDER_VERSION = 1;

export interface DataCenterArgs {
    name: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    /** Local storage data center (default false). Replaces on change. */
    local?: pulumi.Input<boolean>;
    /** Compatibility version "major.minor", e.g. "4.7". Updated in place (the engine only raises it). */
    version?: pulumi.Input<string>;
    /** Remove the data center on delete even when it existed before this resource adopted it (default false). */
    removeAdopted?: pulumi.Input<boolean>;
}

export interface DataCenterInputs {
    name: string;
    description?: string;
    local: boolean;
    version?: string;
    removeAdopted: boolean;
}

export interface DataCenterState extends DataCenterInputs {
    status: string;
    /** True when the data center existed before create (then delete leaves it unless removeAdopted). */
    adopted: boolean;
    /** Live compatibility version. */
    compatibilityVersion: string;
    providerVersion: number;
}

const REPLACE = ["name", "local"] as const;
const UPDATE = ["description", "version", "removeAdopted"] as const;

export function versionString(v: unknown): string {
    const o = (v ?? {}) as { major?: unknown; minor?: unknown };
    return o.major === undefined ? "" : `${o.major}.${o.minor ?? 0}`;
}

export function versionBody(v: string): { major: string; minor: string } {
    const [major, minor] = v.split(".");
    return { major, minor };
}

function toState(dc: Record<string, unknown>, inputs: DataCenterInputs, adopted: boolean): DataCenterState {
    const live = versionString(dc.version);
    return {
        name: String(dc.name),
        description: inputs.description === undefined ? undefined : decodeString(dc.description) ?? "",
        local: decodeBool(dc.local),
        version: inputs.version === undefined ? undefined : live,
        removeAdopted: inputs.removeAdopted,
        status: String(dc.status ?? "unknown"),
        adopted,
        compatibilityVersion: live,
        providerVersion: DATA_CENTER_PROVIDER_VERSION,
    };
}

/** The PUT body that brings `dc` to the inputs (description, version), or undefined when nothing differs. */
function updateBody(dc: Record<string, unknown>, inputs: DataCenterInputs): Record<string, unknown> | undefined {
    const body: Record<string, unknown> = {};
    if (inputs.description !== undefined && (decodeString(dc.description) ?? "") !== inputs.description) body.description = inputs.description;
    if (inputs.version !== undefined && versionString(dc.version) !== inputs.version) body.version = versionBody(inputs.version);
    return Object.keys(body).length ? body : undefined;
}

export async function findDataCenterByName(s: Session, name: string): Promise<Record<string, unknown> | undefined> {
    const body = await s.get("/datacenters", { params: { search: `name=${searchQuote(name)}` } });
    return decodeList(body, "data_center").find((d) => d.name === name);
}

export class DataCenterProvider extends OvirtProviderBase implements pulumi.dynamic.ResourceProvider<DataCenterInputs, DataCenterState> {
    async check(_olds: DataCenterInputs, news: DataCenterInputs): Promise<pulumi.dynamic.CheckResult<DataCenterInputs>> {
        const n = news as unknown as Record<string, unknown>;
        const failures: CheckFailure[] = [];
        const version = optString(n, "version", failures)?.trim();
        if (version !== undefined && !isUnknown(version) && !/^\d+\.\d+$/.test(version)) {
            failures.push({ property: "version", reason: `version must be "major.minor", e.g. "4.7", got ${JSON.stringify(version)}` });
        }
        const inputs: DataCenterInputs = {
            name: reqName(n, "name", failures, 40),
            description: optString(n, "description", failures),
            local: optBool(n, "local", failures, false),
            version,
            removeAdopted: optBool(n, "removeAdopted", failures, false),
        };
        return { inputs: compact(inputs), failures };
    }

    async diff(_id: string, olds: DataCenterState, news: DataCenterInputs): Promise<pulumi.dynamic.DiffResult> {
        return fieldDiff(olds as never, news as never, REPLACE, UPDATE, DATA_CENTER_PROVIDER_VERSION, true);
    }

    async create(inputs: DataCenterInputs): Promise<pulumi.dynamic.CreateResult<DataCenterState>> {
        const s = await this.session(`create DataCenter ${inputs.name}`);
        const { obj, adopted } = await createOrAdopt(s, `DataCenter ${inputs.name}`, () => findDataCenterByName(s, inputs.name), () =>
            s.add<Record<string, unknown>>("/datacenters", {
                name: inputs.name,
                description: inputs.description ?? "",
                local: inputs.local ? "true" : "false",
                ...(inputs.version ? { version: versionBody(inputs.version) } : {}),
            }));
        let dc = obj;
        if (adopted) {
            const body = updateBody(dc, inputs);
            if (body) dc = await s.put(`/datacenters/${dc.id}`, body);
        }
        return { id: String(dc.id), outs: compact(toState(dc, inputs, adopted)) };
    }

    async read(id: string, old?: DataCenterState): Promise<pulumi.dynamic.ReadResult<DataCenterState>> {
        const props = old ?? ({} as DataCenterState);
        const s = await this.session(`read DataCenter ${props?.name ?? id}`);
        const dc = await s.find(`/datacenters/${id}`);
        if (!dc) return { id: undefined };
        const state = toState(dc, props, props.adopted ?? false);
        const { name, description, local, version, removeAdopted } = state;
        return { id, props: compact(state), inputs: compact({ name, description, local, version, removeAdopted }) as never };
    }

    async update(id: string, olds: DataCenterState, news: DataCenterInputs): Promise<pulumi.dynamic.UpdateResult<DataCenterState>> {
        const body = updateBody({ description: olds.description, version: olds.compatibilityVersion ? versionBody(olds.compatibilityVersion) : undefined }, news);
        if (!body) return { outs: compact({ ...olds, ...news, providerVersion: DATA_CENTER_PROVIDER_VERSION }) };
        const s = await this.session(`update DataCenter ${news.name}`);
        return { outs: compact(toState(await s.put(`/datacenters/${id}`, body), news, olds.adopted)) };
    }

    async delete(id: string, props: DataCenterState): Promise<void> {
        if (props.adopted && !props.removeAdopted) return; // pre-existing: leave it (documented)
        const s = await this.session(`delete DataCenter ${props.name ?? id}`);
        await s.remove(`/datacenters/${id}`);
    }
}

/** What DataCenter resources serialize: a stub that loads DataCenterProvider in the provider process (./stub). */
export const dataCenterProvider = new OvirtProviderStub("DataCenter");

/** A data center (token `pulumi-nodejs:dynamic/ovirt:DataCenter`). Replaced (delete first) when name or local change. */
export class DataCenter extends pulumi.dynamic.Resource {
    declare readonly name: pulumi.Output<string>;
    declare readonly description: pulumi.Output<string | undefined>;
    declare readonly local: pulumi.Output<boolean>;
    declare readonly version: pulumi.Output<string | undefined>;
    declare readonly removeAdopted: pulumi.Output<boolean>;
    declare readonly status: pulumi.Output<string>;
    declare readonly adopted: pulumi.Output<boolean>;
    declare readonly compatibilityVersion: pulumi.Output<string>;
    declare readonly providerVersion: pulumi.Output<number>;

    constructor(name: string, args: DataCenterArgs, opts?: pulumi.CustomResourceOptions) {
        super(dataCenterProvider, name,
            { status: undefined, adopted: undefined, compatibilityVersion: undefined, providerVersion: undefined, ...args },
            opts, "ovirt", "DataCenter");
    }
}
