/**
 * The shape of a kind's lifecycle table: which status follows which, on which client action or clock step, after
 * which delay, and what happens to the action's job. Each kind module (host.ts, storageDomain.ts, vm.ts, …) declares
 * its statuses as one `as const` list and its lifecycle as one table of this shape; the model reads the guards
 * (`from`), the status set (`to`) and the step that follows (`next`, `after`) from the table, so the table is what
 * the emulator does, not a description beside it.
 */
import type { LatencyTable } from "../latency";

/** What a step does to the job of the action that started the flow. */
export type JobEffect = "started" | "finished" | "failed" | "done at once";

/** One step of a lifecycle: a client action (key without a dot) or a clock step (key `kind.step`, see `Pending.op`). */
export interface Step<S extends string> {
    /** The statuses the action is accepted from (others are refused with the engine's text); absent: not checked here. */
    readonly from?: readonly S[];
    /** The status the step sets; a list when the outcome depends on the entity (the first is the usual one); absent: the entity is removed. */
    readonly to?: S | readonly S[];
    /** The clock step scheduled next (its key in the same table) and the latency-table entry of its delay. */
    readonly next?: { readonly op: string; readonly after: keyof LatencyTable | "none" };
    /** What happens to the action's job at this step. */
    readonly job?: JobEffect;
    /** Where the engine does this (ovirt-engine path at the commit named in the kind module), or how we differ. */
    readonly source: string;
}

/** A kind's lifecycle: its steps by name. Clock steps' names are persisted in `State.pending`: never rename one. */
export type Lifecycle<S extends string> = Readonly<Record<string, Step<S>>>;

/** Clock steps of a table (keys with a dot), as a union type: what a kind's transition handlers must cover. */
export type ClockStep<L> = Extract<keyof L, `${string}.${string}`>;

/** Every status a table names (in `from` and `to`), for the consistency test. */
export function statusesNamed<S extends string>(table: Lifecycle<S>): S[] {
    const out = new Set<S>();
    for (const step of Object.values(table)) {
        for (const s of step.from ?? []) out.add(s);
        for (const s of typeof step.to === "string" ? [step.to] : (step.to ?? [])) out.add(s as S);
    }
    return [...out];
}

/** Whether `status` is one the step accepts (a persisted or drifted status outside the union is simply not in it). */
export function accepts<S extends string>(step: Step<S>, status: string): boolean {
    return (step.from as readonly string[] | undefined)?.includes(status) ?? true;
}

/** `status` is one of `list` (a list of a kind's statuses, compared with whatever string the state holds). */
export function isOneOf<S extends string>(list: readonly S[], status: string): status is S {
    return (list as readonly string[]).includes(status);
}
