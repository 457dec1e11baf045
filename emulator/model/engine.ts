/**
 * The in-memory engine: the shared core (core.ts: clock, jobs, events, lookups) with every kind's operations and
 * lifecycle mixed in (one module per kind). No HTTP or wire format here; the API layer (emulator/api.ts) calls the
 * methods of this one object.
 */
import type { LatencyTable } from "../latency";
import { AffinityGroupKind } from "./affinityGroup";
import { ClusterKind } from "./cluster";
import { EngineCore } from "./core";
import { DataCenterKind } from "./dataCenter";
import { DiskKind } from "./disk";
import { EventKind } from "./events";
import { HostKind } from "./host";
import { JobKind } from "./jobs";
import { NetworkKind } from "./network";
import { PermissionKind } from "./permission";
import { StorageDomainKind } from "./storageDomain";
import { TagKind } from "./tag";
import { TemplateKind } from "./template";
import type { State } from "./types";
import { VmKind } from "./vm";

export type { ActionResult, Ctx } from "./core";

/** Every kind's operations, in one list: their methods become EngineModel's. */
const KINDS = [
    DataCenterKind,
    ClusterKind,
    HostKind,
    StorageDomainKind,
    NetworkKind,
    TemplateKind,
    VmKind,
    DiskKind,
    TagKind,
    AffinityGroupKind,
    EventKind,
    JobKind,
    PermissionKind,
] as const;

// The kinds' methods, typed on EngineModel (declaration merging: the class below gets them at run time from KINDS).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface EngineModel
    extends
        DataCenterKind,
        ClusterKind,
        HostKind,
        StorageDomainKind,
        NetworkKind,
        TemplateKind,
        VmKind,
        DiskKind,
        TagKind,
        AffinityGroupKind,
        EventKind,
        JobKind,
        PermissionKind {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class EngineModel extends EngineCore {
    constructor(state: State, latency: LatencyTable, onSettled?: () => void) {
        super(state, latency, onSettled);
        // every clock step of every kind's lifecycle table, by its persisted name
        this.ops = {
            ...this.hostSteps(),
            ...this.storageDomainSteps(),
            ...this.templateSteps(),
            ...this.vmSteps(),
            ...this.diskSteps(),
        };
    }

    /** The names of the clock steps this model runs (for the lifecycle tables' consistency test). */
    clockSteps(): string[] {
        return Object.keys(this.ops);
    }
}

for (const kind of KINDS) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(kind.prototype))) {
        if (name === "constructor") continue;
        if (Object.prototype.hasOwnProperty.call(EngineModel.prototype, name))
            throw new Error(`engine model: ${name} is defined by two kinds`);
        Object.defineProperty(EngineModel.prototype, name, descriptor);
    }
}
