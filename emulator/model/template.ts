/**
 * Templates: add (from a VM, copying its disks), update, remove. Sources (oVirt/ovirt-engine at 0111fc6, below
 * backend/manager/modules/): statuses are common/…/businessentities/VmTemplateStatus.java as
 * restapi/types/…/TemplateMapper.java `mapTemplateStatus` names them; steps are the bll commands in the table.
 */
import { EngineCore, correlationOf, jobOf } from "./core";
import type { Ctx, StepHandler } from "./core";
import { conflict, requireFields, texts } from "./errors";
import { EVENT } from "./events";
import { Obj, int, obj, ref, str } from "./input";
import { ClockStep, Lifecycle, accepts } from "./lifecycle";
import { SEED_IDS } from "./seed";
import type { Disk, Job, Template } from "./types";
import { DISK_LIFECYCLE } from "./disk";
import { VM_LIFECYCLE } from "./vm";

/** VmTemplateStatus.java, in its order, as TemplateMapper names them. */
export const TEMPLATE_STATUSES = ["ok", "locked", "illegal"] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/** Template lifecycle: actions (no dot) and clock steps (`template.…`, persisted in `State.pending`). */
export const TEMPLATE_LIFECYCLE = {
    add: {
        to: "locked",
        job: "started",
        next: { op: "template.ok", after: "templateCreate" },
        source: "bll/AddVmTemplateCommand.java: Locked while the VM's disks are copied (the VM is ImageLocked meanwhile)",
    },
    "template.ok": {
        to: "ok",
        job: "finished",
        source: "AddVmTemplateCommand.java endSuccessfully: OK, the copied disks OK, the source VM back to Down",
    },
    update: { from: ["ok", "illegal"], source: "bll/UpdateVmTemplateCommand.java: not while Locked" },
    remove: { from: ["ok", "illegal"], source: "bll/RemoveVmTemplateCommand.java: not while Locked" },
} as const satisfies Lifecycle<TemplateStatus>;

const L = TEMPLATE_LIFECYCLE;

export abstract class TemplateKind extends EngineCore {
    addTemplate(b: Obj, ctx: Ctx): Template {
        const name = str(b.name);
        const vmRef = ref(b.vm);
        requireFields("Template", { name, "vm.id|name": vmRef });
        const vm = this.resolve(this.state.vms, vmRef, "VM")!;
        this.assertNameFree(this.state.templates, name!, "add", "Template");
        if (vm.status === "image_locked") throw conflict(texts.vmLocked("add", "Template"));
        if (!accepts(VM_LIFECYCLE.makeTemplate, vm.status))
            throw conflict(texts.vmWrongState("add", "Template", vm.status));
        const t: Template = {
            id: this.newId(),
            name: name!,
            description: str(b.description) ?? "",
            comment: str(b.comment),
            status: L.add.to,
            clusterId: vm.clusterId,
            memory: vm.memory,
            sockets: vm.sockets,
            cores: vm.cores,
            threads: vm.threads,
            osType: vm.osType,
            bootDevices: [...vm.bootDevices],
            type: vm.type,
            creationTime: this.now(),
            diskAttachments: [],
            versionNumber: 1,
            versionName: str(obj(b.version)?.version_name),
            highAvailability: vm.highAvailability,
            stateless: vm.stateless,
            deleteProtected: false,
        };
        for (const da of vm.diskAttachments) {
            const src = this.state.disks.find((d) => d.id === da.diskId);
            if (!src) continue;
            const copy: Disk = {
                ...src,
                id: this.newId(),
                name: `${src.name}`,
                status: DISK_LIFECYCLE.copy.to,
                vmId: undefined,
                templateId: t.id,
            };
            this.state.disks.push(copy);
            t.diskAttachments.push({ ...da, diskId: copy.id });
        }
        this.state.templates.push(t);
        this.recordHistory(t.id, t.status);
        this.setStatus(vm, VM_LIFECYCLE.makeTemplate.to);
        const job = this.startJob(`Creating Template ${t.name} from VM ${vm.name}`, ctx);
        this.event(
            EVENT.templateAdded,
            "normal",
            `Creation of Template ${t.name} from VM ${vm.name} was initiated by admin@internal-authz.`,
            { templateId: t.id, vmId: vm.id },
            ctx.correlationId,
        );
        this.scheduleNext(t.id, L.add, this.flow(job, ctx, { vmId: vm.id }));
        return t;
    }

    updateTemplate(id: string, b: Obj, ctx: Ctx): Template {
        const t = this.template(id);
        if (!accepts(L.update, t.status)) throw conflict(texts.locked("update", "Template"));
        const name = str(b.name);
        if (name && name !== t.name) {
            if (t.id === SEED_IDS.blankTemplate)
                throw conflict("Cannot update Template. Blank Template cannot be edited.");
            this.assertNameFree(this.state.templates, name, "update", "Template", id);
            t.name = name;
        }
        if (b.description !== undefined) t.description = str(b.description);
        if (b.comment !== undefined) t.comment = str(b.comment);
        t.memory = int(b.memory, "memory", true) ?? t.memory;
        this.doneJob(`Updating Template ${t.name}`, ctx);
        this.dirty = true;
        return t;
    }

    removeTemplate(id: string, ctx: Ctx): Job {
        const t = this.template(id);
        if (t.id === SEED_IDS.blankTemplate)
            throw conflict("Cannot remove Template. Removing the Blank Template is not allowed.");
        if (!accepts(L.remove, t.status)) throw conflict(texts.locked("remove", "Template"));
        const users = this.state.vms.filter((v) => v.templateId === id);
        if (users.length) throw conflict(texts.templateInUse(users.map((v) => v.name).join(",")));
        this.state.templates = this.state.templates.filter((x) => x.id !== id);
        this.state.disks = this.state.disks.filter((d) => d.templateId !== id);
        this.event(
            EVENT.templateRemoved,
            "normal",
            `Template ${t.name} was removed by admin@internal-authz.`,
            {},
            ctx.correlationId,
        );
        return this.doneJob(`Removing Template ${t.name}`, ctx);
    }

    /** The template's clock steps (TEMPLATE_LIFECYCLE). */
    protected templateSteps(): Record<ClockStep<typeof TEMPLATE_LIFECYCLE>, StepHandler> {
        return {
            "template.ok": (id, a) => {
                const t = this.template(id);
                this.setStatus(t, L["template.ok"].to);
                for (const da of t.diskAttachments) {
                    const d = this.state.disks.find((x) => x.id === da.diskId);
                    if (d) d.status = DISK_LIFECYCLE["disk.ok"].to;
                }
                const vm = this.state.vms.find((v) => v.id === a.vmId);
                if (vm && accepts(VM_LIFECYCLE.templateMade, vm.status))
                    this.setStatus(vm, VM_LIFECYCLE.templateMade.to);
                this.event(
                    EVENT.templateAddFinished,
                    "normal",
                    `Creation of Template ${t.name} has been completed.`,
                    { templateId: id },
                    correlationOf(a),
                );
                this.endJob(jobOf(a));
            },
        };
    }
}
