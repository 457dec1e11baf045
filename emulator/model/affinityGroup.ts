/**
 * Affinity groups of a cluster and their VMs. No statuses; their VM rule is applied when a VM is scheduled
 * (vm.ts `pickHost`).
 */
import { EngineCore } from "./core";
import type { Ctx } from "./core";
import { NotFound, badParameter, conflict, incomplete, texts } from "./errors";
import { EVENT } from "./events";
import { Obj, bool, num, obj, ref, str, wrappedList } from "./input";
import type { AffinityGroup, Job, Rule, Vm } from "./types";

export abstract class AffinityGroupKind extends EngineCore {
    protected readRule(v: unknown, attr: string, dflt: Rule): Rule {
        const o = obj(v);
        if (!o) return dflt;
        return {
            enabled: bool(o.enabled, `${attr}.enabled`) ?? true,
            positive: bool(o.positive, `${attr}.positive`) ?? dflt.positive,
            enforcing: bool(o.enforcing, `${attr}.enforcing`) ?? dflt.enforcing,
        };
    }

    addAffinityGroup(clusterId: string, b: Obj, ctx: Ctx): AffinityGroup {
        const c = this.cluster(clusterId);
        const name = str(b.name);
        if (!name) throw incomplete("AffinityGroup", ["name"]);
        // AddAffinityGroupCommand: affinityGroupDao.getByName, i.e. unique across the engine, not per cluster
        if (this.state.affinityGroups.some((g) => g.name === name))
            throw badParameter(texts.affinityGroupNameExists("add"));
        const legacy: Rule = {
            enabled: b.positive !== undefined || b.enforcing !== undefined,
            positive: bool(b.positive, "positive") ?? false,
            enforcing: bool(b.enforcing, "enforcing") ?? false,
        };
        const g: AffinityGroup = {
            id: this.newId(),
            name,
            description: str(b.description),
            clusterId,
            priority: num(b.priority, "priority") ?? 1,
            vmsRule: this.readRule(b.vms_rule, "vms_rule", legacy),
            hostsRule: this.readRule(b.hosts_rule, "hosts_rule", { enabled: false, positive: false, enforcing: false }),
            vmIds: [],
            hostIds: [],
        };
        for (const v of wrappedList(b.vms, "vm") ?? []) g.vmIds.push(this.resolve(this.state.vms, ref(v), "VM")!.id);
        for (const h of wrappedList(b.hosts, "host") ?? [])
            g.hostIds.push(this.resolve(this.state.hosts, ref(h), "Host")!.id);
        this.state.affinityGroups.push(g);
        this.event(
            EVENT.affinityAdded,
            "normal",
            `Affinity Group ${name} was added to Cluster ${c.name}.`,
            { clusterId },
            ctx.correlationId,
        );
        this.doneJob(`Adding Affinity Group ${name}`, ctx);
        return g;
    }

    updateAffinityGroup(clusterId: string, id: string, b: Obj, ctx: Ctx): AffinityGroup {
        const g = this.affinityGroup(clusterId, id);
        const name = str(b.name);
        if (name && name !== g.name) {
            if (this.state.affinityGroups.some((x) => x.name === name))
                throw badParameter(texts.affinityGroupNameExists("update"));
            g.name = name;
        }
        if (b.description !== undefined) g.description = str(b.description);
        g.priority = num(b.priority, "priority") ?? g.priority;
        if (b.vms_rule) g.vmsRule = this.readRule(b.vms_rule, "vms_rule", g.vmsRule);
        if (b.hosts_rule) g.hostsRule = this.readRule(b.hosts_rule, "hosts_rule", g.hostsRule);
        this.doneJob(`Updating Affinity Group ${g.name}`, ctx);
        this.dirty = true;
        return g;
    }

    removeAffinityGroup(clusterId: string, id: string, ctx: Ctx): Job {
        const g = this.affinityGroup(clusterId, id);
        this.state.affinityGroups = this.state.affinityGroups.filter((x) => x.id !== id);
        return this.doneJob(`Removing Affinity Group ${g.name}`, ctx);
    }

    addAffinityVm(clusterId: string, id: string, b: Obj, ctx: Ctx): Vm {
        const g = this.affinityGroup(clusterId, id);
        const r = ref(b);
        if (!r) throw incomplete("Vm", ["id|name"]);
        const vm = this.resolve(this.state.vms, r, "VM")!;
        if (vm.clusterId !== clusterId)
            throw conflict("Cannot add VM to Affinity Group. The VM is not in the Affinity Group's Cluster.");
        if (g.vmIds.includes(vm.id))
            throw conflict("Cannot add VM to Affinity Group. The VM is already in the Affinity Group.");
        g.vmIds.push(vm.id);
        this.doneJob(`Adding VM ${vm.name} to Affinity Group ${g.name}`, ctx);
        this.dirty = true;
        return vm;
    }

    removeAffinityVm(clusterId: string, id: string, vmId: string, ctx: Ctx): Job {
        const g = this.affinityGroup(clusterId, id);
        if (!g.vmIds.includes(vmId)) throw new NotFound(`vm ${vmId} in affinity group`);
        g.vmIds = g.vmIds.filter((x) => x !== vmId);
        return this.doneJob(`Removing VM from Affinity Group ${g.name}`, ctx);
    }
}
