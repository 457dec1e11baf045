// AffinityGroup (ovirt-api.md 5.8): a cluster's VM affinity group with its member VMs.
import * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, Session } from "./client";
import { CheckFailure, OvirtProviderBase, compact, fieldDiff, hasUnknown, isUnknown, optString, reqId, reqName } from "./common";
import { decodeBool, decodeList, decodeNumber, decodeString, refId } from "./representation";
import { OvirtProviderStub } from "./stub";

export const AFFINITY_GROUP_PROVIDER_VERSION = 1;

export interface AffinityRule { enabled: boolean; positive: boolean; enforcing: boolean }

export interface AffinityGroupArgs {
    clusterId: pulumi.Input<string>;
    name: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    /** Priority (decimal, default 1). Updated in place. */
    priority?: pulumi.Input<number>;
    /** VM-to-VM rule (default enabled, negative, enforcing: spread the members). Updated in place. */
    vmsRule?: pulumi.Input<AffinityRule>;
    /** VM-to-host rule (default disabled). Updated in place. */
    hostsRule?: pulumi.Input<AffinityRule>;
    /** Member VM ids. Updated in place (added/removed one by one). */
    vmIds?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface AffinityGroupInputs {
    clusterId: string;
    name: string;
    description?: string;
    priority: number;
    vmsRule: AffinityRule;
    hostsRule: AffinityRule;
    vmIds: string[];
}

export interface AffinityGroupState extends AffinityGroupInputs {
    providerVersion: number;
}

const REPLACE = ["clusterId", "name"] as const;
const UPDATE = ["description", "priority", "vmsRule", "hostsRule", "vmIds"] as const;

function rule(v: unknown, dflt: AffinityRule): AffinityRule {
    if (!v || typeof v !== "object") return dflt;
    const r = v as Record<string, unknown>;
    return { enabled: decodeBool(r.enabled, dflt.enabled), positive: decodeBool(r.positive, dflt.positive), enforcing: decodeBool(r.enforcing, dflt.enforcing) };
}

function ruleBody(r: AffinityRule): Record<string, string> {
    return { enabled: String(r.enabled), positive: String(r.positive), enforcing: String(r.enforcing) };
}

const DEFAULT_VMS_RULE: AffinityRule = { enabled: true, positive: false, enforcing: true };
const DEFAULT_HOSTS_RULE: AffinityRule = { enabled: false, positive: false, enforcing: false };

function members(g: Record<string, unknown>): string[] {
    return decodeList(g.vms, "vm").map((v) => refId(v) ?? "").filter(Boolean).sort();
}

function toState(g: Record<string, unknown>, inputs: AffinityGroupInputs, vmIds: string[]): AffinityGroupState {
    return {
        clusterId: refId(g.cluster) ?? inputs.clusterId,
        name: String(g.name),
        description: inputs.description === undefined ? undefined : decodeString(g.description) ?? "",
        priority: decodeNumber(g.priority, 1),
        vmsRule: rule(g.vms_rule, DEFAULT_VMS_RULE),
        hostsRule: rule(g.hosts_rule, DEFAULT_HOSTS_RULE),
        vmIds,
        providerVersion: AFFINITY_GROUP_PROVIDER_VERSION,
    };
}

function checkRule(v: unknown, field: string, failures: CheckFailure[], dflt: AffinityRule): AffinityRule {
    if (v === undefined || v === null) return dflt;
    if (hasUnknown(v)) return v as AffinityRule;
    const r = v as Record<string, unknown>;
    const out = { ...dflt };
    for (const k of ["enabled", "positive", "enforcing"] as const) {
        if (r[k] === undefined) continue;
        if (typeof r[k] !== "boolean") failures.push({ property: `${field}.${k}`, reason: `${field}.${k} must be true or false` });
        else out[k] = r[k] as boolean;
    }
    return out;
}

async function findGroup(s: Session, clusterId: string, name: string): Promise<Record<string, unknown> | undefined> {
    return decodeList(await s.get(`/clusters/${clusterId}/affinitygroups`), "affinity_group").find((g) => g.name === name);
}

export class AffinityGroupProvider extends OvirtProviderBase implements pulumi.dynamic.ResourceProvider<AffinityGroupInputs, AffinityGroupState> {
    async check(_olds: AffinityGroupInputs, news: AffinityGroupInputs): Promise<pulumi.dynamic.CheckResult<AffinityGroupInputs>> {
        const n = news as unknown as Record<string, unknown>;
        const failures: CheckFailure[] = [];
        const priority = n.priority === undefined ? 1 : n.priority;
        if (!isUnknown(priority) && (typeof priority !== "number" || !Number.isFinite(priority) || priority < 0)) {
            failures.push({ property: "priority", reason: `priority must be a number >= 0, got ${JSON.stringify(n.priority)}` });
        }
        let vmIds: string[] = [];
        if (isUnknown(n.vmIds)) {
            vmIds = n.vmIds as never;
        } else if (n.vmIds !== undefined) {
            if (!Array.isArray(n.vmIds)) failures.push({ property: "vmIds", reason: "vmIds must be a list of VM ids" });
            else vmIds = n.vmIds.map((v, i) => reqId({ [`vmIds[${i}]`]: v }, `vmIds[${i}]`, failures));
        }
        const inputs: AffinityGroupInputs = {
            clusterId: reqId(n, "clusterId", failures),
            name: reqName(n, "name", failures, 255),
            description: optString(n, "description", failures),
            priority: typeof priority === "number" || isUnknown(priority) ? priority as number : 1,
            vmsRule: checkRule(n.vmsRule, "vmsRule", failures, DEFAULT_VMS_RULE),
            hostsRule: checkRule(n.hostsRule, "hostsRule", failures, DEFAULT_HOSTS_RULE),
            vmIds: isUnknown(vmIds) ? vmIds : [...new Set(vmIds)].sort(),
        };
        return { inputs: compact(inputs), failures };
    }

    async diff(_id: string, olds: AffinityGroupState, news: AffinityGroupInputs): Promise<pulumi.dynamic.DiffResult> {
        return fieldDiff(olds as never, news as never, REPLACE, UPDATE, AFFINITY_GROUP_PROVIDER_VERSION, true);
    }

    private async syncMembers(s: Session, clusterId: string, id: string, current: string[], wanted: string[]): Promise<void> {
        const base = `/clusters/${clusterId}/affinitygroups/${id}/vms`;
        for (const vm of wanted.filter((v) => !current.includes(v))) {
            await createOrAdopt(s, `VM ${vm} in affinity group ${id}`,
                async () => (members(await s.get(`/clusters/${clusterId}/affinitygroups/${id}`)).includes(vm) ? vm : undefined),
                async () => { await s.add(base, { id: vm }); return vm; });
        }
        for (const vm of current.filter((v) => !wanted.includes(v))) await s.remove(`${base}/${vm}`);
    }

    async create(inputs: AffinityGroupInputs): Promise<pulumi.dynamic.CreateResult<AffinityGroupState>> {
        const s = await this.session(`create AffinityGroup ${inputs.name}`);
        const body = {
            name: inputs.name,
            description: inputs.description ?? "",
            priority: inputs.priority,
            vms_rule: ruleBody(inputs.vmsRule),
            hosts_rule: ruleBody(inputs.hostsRule),
        };
        const { obj, adopted } = await createOrAdopt(s, `AffinityGroup ${inputs.name}`, () => findGroup(s, inputs.clusterId, inputs.name), () =>
            s.add<Record<string, unknown>>(`/clusters/${inputs.clusterId}/affinitygroups`, body));
        const id = String(obj.id);
        if (adopted) await s.put(`/clusters/${inputs.clusterId}/affinitygroups/${id}`, body);
        const cur = members(await s.get(`/clusters/${inputs.clusterId}/affinitygroups/${id}`));
        await this.syncMembers(s, inputs.clusterId, id, cur, inputs.vmIds);
        const g = await s.get(`/clusters/${inputs.clusterId}/affinitygroups/${id}`);
        return { id, outs: compact(toState(g, inputs, members(g))) };
    }

    async read(id: string, old?: AffinityGroupState): Promise<pulumi.dynamic.ReadResult<AffinityGroupState>> {
        const props = old ?? ({} as AffinityGroupState);
        const s = await this.session(`read AffinityGroup ${props.name ?? id}`);
        const g = await s.find(`/clusters/${props.clusterId}/affinitygroups/${id}`);
        if (!g) return { id: undefined };
        const st = toState(g, props, members(g));
        const { providerVersion: _pv, ...inputs } = st;
        void _pv;
        return { id, props: compact(st), inputs: compact(inputs) as never };
    }

    async update(id: string, olds: AffinityGroupState, news: AffinityGroupInputs): Promise<pulumi.dynamic.UpdateResult<AffinityGroupState>> {
        const s = await this.session(`update AffinityGroup ${news.name}`);
        const path = `/clusters/${news.clusterId}/affinitygroups/${id}`;
        const body: Record<string, unknown> = {};
        if (news.description !== undefined && news.description !== (olds.description ?? "")) body.description = news.description;
        if (news.priority !== olds.priority) body.priority = news.priority;
        if (JSON.stringify(news.vmsRule) !== JSON.stringify(olds.vmsRule)) body.vms_rule = ruleBody(news.vmsRule);
        if (JSON.stringify(news.hostsRule) !== JSON.stringify(olds.hostsRule)) body.hosts_rule = ruleBody(news.hostsRule);
        if (Object.keys(body).length) await s.put(path, body);
        await this.syncMembers(s, news.clusterId, id, olds.vmIds ?? [], news.vmIds);
        const g = await s.get(path);
        return { outs: compact(toState(g, news, members(g))) };
    }

    async delete(id: string, props: AffinityGroupState): Promise<void> {
        const s = await this.session(`delete AffinityGroup ${props.name ?? id}`);
        await s.remove(`/clusters/${props.clusterId}/affinitygroups/${id}`);
    }
}

/** What AffinityGroup resources serialize: a stub that loads AffinityGroupProvider in the provider process (./stub). */
export const affinityGroupProvider = new OvirtProviderStub("AffinityGroup");

/** An affinity group (token `pulumi-nodejs:dynamic/ovirt:AffinityGroup`). Replaced (delete first) on cluster or name change. */
export class AffinityGroup extends pulumi.dynamic.Resource {
    declare readonly clusterId: pulumi.Output<string>;
    declare readonly name: pulumi.Output<string>;
    declare readonly description: pulumi.Output<string | undefined>;
    declare readonly priority: pulumi.Output<number>;
    declare readonly vmsRule: pulumi.Output<AffinityRule>;
    declare readonly hostsRule: pulumi.Output<AffinityRule>;
    declare readonly vmIds: pulumi.Output<string[]>;
    declare readonly providerVersion: pulumi.Output<number>;

    constructor(name: string, args: AffinityGroupArgs, opts?: pulumi.CustomResourceOptions) {
        super(affinityGroupProvider, name, { providerVersion: undefined, ...args }, opts, "ovirt", "AffinityGroup");
    }
}
