// Cluster (ovirt-api.md 5.2). Adopts an existing cluster with the same name (it must be in the given data
// center), or creates one.
import * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, Session } from "./client";
import { CheckFailure, OvirtProviderBase, compact, fieldDiff, isUnknown, optBool, optString, reqId, reqName } from "./common";
import { versionBody, versionString } from "./dataCenter";
import { decodeList, decodeString, refId, searchQuote } from "./representation";
import { OvirtProviderStub } from "./stub";

export const CLUSTER_PROVIDER_VERSION = 1;

export interface ClusterArgs {
    name: pulumi.Input<string>;
    dataCenterId: pulumi.Input<string>;
    /** CPU type, e.g. "Intel Cascadelake Server Family". Required to create; updated in place. */
    cpuType?: pulumi.Input<string>;
    /** CPU architecture (default x86_64). Replaces on change. */
    cpuArchitecture?: pulumi.Input<string>;
    /** Compatibility version "major.minor". Updated in place. */
    version?: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    /** Remove the cluster on delete even when it existed before (default false). */
    removeAdopted?: pulumi.Input<boolean>;
}

export interface ClusterInputs {
    name: string;
    dataCenterId: string;
    cpuType?: string;
    cpuArchitecture: string;
    version?: string;
    description?: string;
    removeAdopted: boolean;
}

export interface ClusterState extends ClusterInputs {
    adopted: boolean;
    /** Live CPU type and compatibility version. */
    effectiveCpuType: string;
    compatibilityVersion: string;
    providerVersion: number;
}

const REPLACE = ["name", "dataCenterId", "cpuArchitecture"] as const;
const UPDATE = ["cpuType", "version", "description", "removeAdopted"] as const;

function toState(c: Record<string, unknown>, inputs: ClusterInputs, adopted: boolean): ClusterState {
    const cpu = (c.cpu ?? {}) as Record<string, unknown>;
    const live = versionString(c.version);
    return {
        name: String(c.name),
        dataCenterId: refId(c.data_center) ?? inputs.dataCenterId,
        cpuType: inputs.cpuType === undefined ? undefined : decodeString(cpu.type) ?? "",
        cpuArchitecture: decodeString(cpu.architecture) ?? inputs.cpuArchitecture,
        version: inputs.version === undefined ? undefined : live,
        description: inputs.description === undefined ? undefined : decodeString(c.description) ?? "",
        removeAdopted: inputs.removeAdopted,
        adopted,
        effectiveCpuType: decodeString(cpu.type) ?? "",
        compatibilityVersion: live,
        providerVersion: CLUSTER_PROVIDER_VERSION,
    };
}

function updateBody(c: Record<string, unknown>, inputs: ClusterInputs): Record<string, unknown> | undefined {
    const cpu = (c.cpu ?? {}) as Record<string, unknown>;
    const body: Record<string, unknown> = {};
    if (inputs.description !== undefined && (decodeString(c.description) ?? "") !== inputs.description) body.description = inputs.description;
    if (inputs.version !== undefined && versionString(c.version) !== inputs.version) body.version = versionBody(inputs.version);
    if (inputs.cpuType !== undefined && decodeString(cpu.type) !== inputs.cpuType) body.cpu = { type: inputs.cpuType, architecture: inputs.cpuArchitecture };
    return Object.keys(body).length ? body : undefined;
}

export async function findClusterByName(s: Session, name: string): Promise<Record<string, unknown> | undefined> {
    const body = await s.get("/clusters", { params: { search: `name=${searchQuote(name)}` } });
    return decodeList(body, "cluster").find((c) => c.name === name);
}

export class ClusterProvider extends OvirtProviderBase implements pulumi.dynamic.ResourceProvider<ClusterInputs, ClusterState> {
    async check(_olds: ClusterInputs, news: ClusterInputs): Promise<pulumi.dynamic.CheckResult<ClusterInputs>> {
        const n = news as unknown as Record<string, unknown>;
        const failures: CheckFailure[] = [];
        const version = optString(n, "version", failures)?.trim();
        if (version !== undefined && !isUnknown(version) && !/^\d+\.\d+$/.test(version)) {
            failures.push({ property: "version", reason: `version must be "major.minor", e.g. "4.7", got ${JSON.stringify(version)}` });
        }
        const arch = optString(n, "cpuArchitecture", failures) ?? "x86_64";
        if (!isUnknown(arch) && !["x86_64", "ppc64", "s390x", "aarch64"].includes(arch)) {
            failures.push({ property: "cpuArchitecture", reason: `cpuArchitecture must be x86_64, ppc64, s390x or aarch64, got ${JSON.stringify(arch)}` });
        }
        const inputs: ClusterInputs = {
            name: reqName(n, "name", failures, 40),
            dataCenterId: reqId(n, "dataCenterId", failures),
            cpuType: optString(n, "cpuType", failures),
            cpuArchitecture: arch,
            version,
            description: optString(n, "description", failures),
            removeAdopted: optBool(n, "removeAdopted", failures, false),
        };
        return { inputs: compact(inputs), failures };
    }

    async diff(_id: string, olds: ClusterState, news: ClusterInputs): Promise<pulumi.dynamic.DiffResult> {
        return fieldDiff(olds as never, news as never, REPLACE, UPDATE, CLUSTER_PROVIDER_VERSION, true);
    }

    async create(inputs: ClusterInputs): Promise<pulumi.dynamic.CreateResult<ClusterState>> {
        const s = await this.session(`create Cluster ${inputs.name}`);
        const { obj, adopted } = await createOrAdopt(s, `Cluster ${inputs.name}`, () => findClusterByName(s, inputs.name), () => {
            if (!inputs.cpuType) {
                throw new Error(`create Cluster ${inputs.name}: no cluster with this name exists, and cpuType is needed to create one; set cpuType (e.g. "Intel Cascadelake Server Family")`);
            }
            return s.add<Record<string, unknown>>("/clusters", {
                name: inputs.name,
                description: inputs.description ?? "",
                data_center: { id: inputs.dataCenterId },
                cpu: { type: inputs.cpuType, architecture: inputs.cpuArchitecture },
                ...(inputs.version ? { version: versionBody(inputs.version) } : {}),
            });
        });
        let c = obj;
        const dc = refId(c.data_center);
        if (dc !== inputs.dataCenterId) {
            throw new Error(`create Cluster ${inputs.name}: a cluster with this name already exists in data center ${dc}, not in ${inputs.dataCenterId}; choose another name or the right dataCenterId`);
        }
        if (adopted) {
            const body = updateBody(c, inputs);
            if (body) c = await s.put(`/clusters/${c.id}`, body);
        }
        return { id: String(c.id), outs: compact(toState(c, inputs, adopted)) };
    }

    async read(id: string, old?: ClusterState): Promise<pulumi.dynamic.ReadResult<ClusterState>> {
        const props = old ?? ({} as ClusterState);
        const s = await this.session(`read Cluster ${props.name ?? id}`);
        const c = await s.find(`/clusters/${id}`);
        if (!c) return { id: undefined };
        const st = toState(c, props, props.adopted ?? false);
        const { name, dataCenterId, cpuType, cpuArchitecture, version, description, removeAdopted } = st;
        return { id, props: compact(st), inputs: compact({ name, dataCenterId, cpuType, cpuArchitecture, version, description, removeAdopted }) as never };
    }

    async update(id: string, olds: ClusterState, news: ClusterInputs): Promise<pulumi.dynamic.UpdateResult<ClusterState>> {
        const live = {
            description: olds.description,
            version: olds.compatibilityVersion ? versionBody(olds.compatibilityVersion) : undefined,
            cpu: { type: olds.effectiveCpuType },
        };
        const body = updateBody(live, news);
        if (!body) return { outs: compact({ ...olds, ...news, providerVersion: CLUSTER_PROVIDER_VERSION }) };
        const s = await this.session(`update Cluster ${news.name}`);
        return { outs: compact(toState(await s.put(`/clusters/${id}`, body), news, olds.adopted)) };
    }

    async delete(id: string, props: ClusterState): Promise<void> {
        if (props.adopted && !props.removeAdopted) return; // pre-existing: leave it (documented)
        const s = await this.session(`delete Cluster ${props.name ?? id}`);
        await s.remove(`/clusters/${id}`);
    }
}

/** What Cluster resources serialize: a stub that loads ClusterProvider in the provider process (./stub). */
export const clusterProvider = new OvirtProviderStub("Cluster");

/** A cluster (token `pulumi-nodejs:dynamic/ovirt:Cluster`). Replaced (delete first) on name, data center or architecture change. */
export class Cluster extends pulumi.dynamic.Resource {
    declare readonly name: pulumi.Output<string>;
    declare readonly dataCenterId: pulumi.Output<string>;
    declare readonly cpuType: pulumi.Output<string | undefined>;
    declare readonly cpuArchitecture: pulumi.Output<string>;
    declare readonly version: pulumi.Output<string | undefined>;
    declare readonly description: pulumi.Output<string | undefined>;
    declare readonly removeAdopted: pulumi.Output<boolean>;
    declare readonly adopted: pulumi.Output<boolean>;
    declare readonly effectiveCpuType: pulumi.Output<string>;
    declare readonly compatibilityVersion: pulumi.Output<string>;
    declare readonly providerVersion: pulumi.Output<number>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.CustomResourceOptions) {
        super(clusterProvider, name,
            { adopted: undefined, effectiveCpuType: undefined, compatibilityVersion: undefined, providerVersion: undefined, ...args },
            opts, "ovirt", "Cluster");
    }
}
