/** Tags: add (under a parent, the root by default), update, remove (with their subtree), and tagging VMs. No statuses. */
import { EngineCore } from "./core";
import type { Ctx } from "./core";
import { NotFound, conflict, incomplete, texts } from "./errors";
import { EVENT } from "./events";
import { Obj, ref, str } from "./input";
import { SEED_IDS } from "./seed";
import type { Job, Tag } from "./types";

export abstract class TagKind extends EngineCore {
    addTag(b: Obj, ctx: Ctx): Tag {
        const name = str(b.name);
        if (!name) throw incomplete("Tag", ["name"]);
        this.assertNameUnused(this.state.tags, name, texts.tagNameInUse);
        const pRef = ref(b.parent);
        const parent = pRef ? this.resolve(this.state.tags, pRef, "Tag") : undefined;
        const t: Tag = {
            id: this.newId(),
            name,
            description: str(b.description),
            parentId: parent?.id ?? SEED_IDS.rootTag,
        };
        this.state.tags.push(t);
        this.event(
            EVENT.tagAdded,
            "normal",
            `New Tag ${name} was created by admin@internal-authz.`,
            {},
            ctx.correlationId,
        );
        this.doneJob(`Adding Tag ${name}`, ctx);
        return t;
    }

    updateTag(id: string, b: Obj, ctx: Ctx): Tag {
        const t = this.tag(id);
        const name = str(b.name);
        if (name && name !== t.name) {
            this.assertNameUnused(this.state.tags, name, texts.tagNameInUse, id);
            t.name = name;
        }
        if (b.description !== undefined) t.description = str(b.description);
        this.doneJob(`Updating Tag ${t.name}`, ctx);
        this.dirty = true;
        return t;
    }

    removeTag(id: string, ctx: Ctx): Job {
        const t = this.tag(id);
        if (id === SEED_IDS.rootTag) throw conflict("Cannot remove Tag. The root Tag cannot be removed.");
        const gone = new Set([id]);
        for (let changed = true; changed;) {
            changed = false;
            for (const x of this.state.tags)
                if (x.parentId && gone.has(x.parentId) && !gone.has(x.id)) {
                    gone.add(x.id);
                    changed = true;
                }
        }
        this.state.tags = this.state.tags.filter((x) => !gone.has(x.id));
        for (const v of this.state.vms) v.tagIds = v.tagIds.filter((x) => !gone.has(x));
        return this.doneJob(`Removing Tag ${t.name}`, ctx);
    }

    tagVm(vmId: string, b: Obj, ctx: Ctx): Tag {
        const vm = this.vm(vmId);
        const r = ref(b);
        if (!r) throw incomplete("Tag", ["id|name"]);
        const t = this.resolve(this.state.tags, r, "Tag")!;
        if (vm.tagIds.includes(t.id)) throw conflict("Cannot attach Tag. The Tag is already attached to the VM.");
        vm.tagIds.push(t.id);
        this.doneJob(`Attaching Tag ${t.name} to VM ${vm.name}`, ctx);
        this.dirty = true;
        return t;
    }

    untagVm(vmId: string, tagId: string, ctx: Ctx): Job {
        const vm = this.vm(vmId);
        if (!vm.tagIds.includes(tagId)) throw new NotFound(`tag ${tagId} on vm`);
        vm.tagIds = vm.tagIds.filter((x) => x !== tagId);
        return this.doneJob(`Detaching Tag from VM ${vm.name}`, ctx);
    }
}
