// One description per oVirt resource kind (`defineKind`): its input fields (how `check` validates each, whether a
// change replaces the object or updates it in place), its output fields, its provider version and whether a
// replacement deletes first. From it come the Args, Inputs and State types (by inference, no generated code), the
// provider's `check` and `diff` (`KindProvider`), the picking of inputs out of a state for `read`, and the
// `pulumi.dynamic.Resource` class with its serialized stub (`resourceClass`). A kind's file adds only what is its
// own: the field table, create/read/update/delete, and its engine calls; then one line in ./runtime registers it.
//
// Serialization: a kind's provider is stored in states written before the stub (docs/provider.md), so
// `KindProvider` and the descriptions hold only plain data and functions of ./common; the resource class (which
// needs `@pulumi/pulumi`) is built apart from the description and never referenced by a provider.
import * as pulumi from "@pulumi/pulumi";
import {
    CheckFailure,
    OvirtProviderBase,
    compact,
    fieldDiff,
    hasUnknown,
    optBool,
    optEnum,
    optId,
    optInt,
    optString,
    reqId,
    reqName,
    reqString,
} from "./common";
import type { OvirtProviderStub } from "ovirt-ci-provider-stub";
import { stubOf } from "./stubOf";

/** Validates and normalises one field of the program's inputs, pushing a failure that names the field and the fix. */
export type Checker<T> = (news: Record<string, unknown>, field: string, failures: CheckFailure[]) => T;

/** What changing an input does: replace the engine object, or update it in place. */
export type Change = "replace" | "update";

/** One input field. `omittable`: the program may leave it out (it is optional, or `check` fills a default). */
export interface InputField<T = unknown, Omittable extends boolean = boolean> {
    readonly change: Change;
    readonly check: Checker<T>;
    readonly omittable: Omittable;
}

/** One output-only field of the state (its type only; the provider's create/read/update fill it). */
export interface OutputField<T = unknown> {
    readonly type?: T; // phantom: carries the type for inference, never set
}

/** An input the program must set. */
export function required<T>(change: Change, check: Checker<T>): InputField<T, false> {
    return { change, check, omittable: false };
}

/** An input the program may leave out: absent in the inputs when `check` gives undefined, else its default. */
export function optional<T>(change: Change, check: Checker<T>): InputField<T, true> {
    return { change, check, omittable: true };
}

/** An output-only field of type T. */
export function output<T>(): OutputField<T> {
    return {};
}

/** The common field checks of ./common, as field-table entries (same failure texts). */
export const is = {
    /** An engine name: 1..max letters, digits, `-`, `_`, `.`. */
    name:
        (max = 50): Checker<string> =>
        (n, f, fl) =>
            reqName(n, f, fl, max),
    /** A non-empty string (trimmed); `hint` says what it should be. */
    text:
        (hint = ""): Checker<string> =>
        (n, f, fl) =>
            reqString(n, f, fl, hint),
    /** An engine id (UUID), lower-cased. */
    id: ((n, f, fl) => reqId(n, f, fl)) as Checker<string>,
    optId: ((n, f, fl) => optId(n, f, fl)) as Checker<string | undefined>,
    optText: ((n, f, fl) => optString(n, f, fl)) as Checker<string | undefined>,
    bool:
        (dflt: boolean): Checker<boolean> =>
        (n, f, fl) =>
            optBool(n, f, fl, dflt),
    /** An optional integer in min..max. */
    int:
        (min: number, max: number): Checker<number | undefined> =>
        (n, f, fl) =>
            optInt(n, f, fl, min, max),
    /** An integer in min..max, `dflt` when absent. */
    intOr:
        (min: number, max: number, dflt: number): Checker<number> =>
        (n, f, fl) =>
            optInt(n, f, fl, min, max, dflt) as number,
    oneOf:
        <T extends string>(allowed: readonly T[], dflt: T): Checker<T> =>
        (n, f, fl) =>
            optEnum(n, f, fl, allowed, dflt),
    /** `timeoutSeconds`: the overall wait, 1 s .. 24 h. */
    timeout: ((n, f, fl) => optInt(n, f, fl, 1, 24 * 3600)) as Checker<number | undefined>,
};

type InputTable = Record<string, InputField>;
type OutputTable = Record<string, OutputField>;

/** A kind's description, as written in its file. */
export interface KindDescription<I extends InputTable = InputTable, O extends OutputTable = OutputTable> {
    /** The `<Kind>` of the type token `pulumi-nodejs:dynamic/ovirt:<Kind>` and the key in ./runtime. */
    readonly kind: string;
    /** Bumped when the state's shape changes: a stale version is an in-place update (docs/provider.md). */
    readonly providerVersion: number;
    /** A replacement deletes the old object first (the engine enforces unique names). */
    readonly deleteBeforeReplace: boolean;
    /** The program's inputs, in the order `check` validates them. */
    readonly inputs: I;
    /** What the state holds beyond the inputs (and `providerVersion`). */
    readonly outputs: O;
    /** Checks across fields, after every field's own check. */
    readonly crossCheck?: (inputs: Record<string, unknown>, failures: CheckFailure[]) => void;
}

/** A described kind with what is derived from its field table. */
export interface Kind<I extends InputTable = InputTable, O extends OutputTable = OutputTable> extends KindDescription<
    I,
    O
> {
    readonly replaceFields: readonly string[];
    readonly updateFields: readonly string[];
}

/** Declares a kind; see the file comment. */
export function defineKind<I extends InputTable, O extends OutputTable>(d: KindDescription<I, O>): Kind<I, O> {
    const fields = Object.entries(d.inputs);
    return {
        ...d,
        replaceFields: fields.filter(([, f]) => f.change === "replace").map(([k]) => k),
        updateFields: fields.filter(([, f]) => f.change === "update").map(([k]) => k),
    };
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Checked<F> = F extends InputField<infer T> ? T : never;
type Typed<F> = F extends OutputField<infer T> ? T : never;
type UndefinedKeys<I extends InputTable> = { [K in keyof I]: undefined extends Checked<I[K]> ? K : never }[keyof I];
type UndefinedOutputKeys<O extends OutputTable> = {
    [K in keyof O]: undefined extends Typed<O[K]> ? K : never;
}[keyof O];
type OmittableKeys<I extends InputTable> = {
    [K in keyof I]: I[K] extends InputField<unknown, true> ? K : never;
}[keyof I];
type InputTableOf<D> = D extends Kind<infer I, OutputTable> ? I : never;
type OutputTableOf<D> = D extends Kind<InputTable, infer O> ? O : never;

/** What the program passes to the resource's constructor. */
export type ArgsOf<D extends Kind> = Simplify<
    {
        [K in Exclude<keyof InputTableOf<D>, OmittableKeys<InputTableOf<D>>>]: pulumi.Input<
            Exclude<Checked<InputTableOf<D>[K]>, undefined>
        >;
    } & { [K in OmittableKeys<InputTableOf<D>>]?: pulumi.Input<Exclude<Checked<InputTableOf<D>[K]>, undefined>> }
>;

/** The checked inputs (`check`'s result, `create`'s and `update`'s argument). */
export type InputsOf<D extends Kind> = Simplify<
    { [K in Exclude<keyof InputTableOf<D>, UndefinedKeys<InputTableOf<D>>>]: Checked<InputTableOf<D>[K]> } & {
        [K in UndefinedKeys<InputTableOf<D>>]?: Exclude<Checked<InputTableOf<D>[K]>, undefined>;
    }
>;

/** The state: the inputs as the engine has them, the outputs and the provider version. */
export type StateOf<D extends Kind> = Simplify<
    InputsOf<D> & {
        [K in Exclude<keyof OutputTableOf<D>, UndefinedOutputKeys<OutputTableOf<D>>>]: Typed<OutputTableOf<D>[K]>;
    } & { [K in UndefinedOutputKeys<OutputTableOf<D>>]?: Exclude<Typed<OutputTableOf<D>[K]>, undefined> } & {
        providerVersion: number;
    }
>;

/** The resource's output properties. */
export type OutputsOf<D extends Kind> = {
    readonly [K in keyof InputTableOf<D>]-?: pulumi.Output<Checked<InputTableOf<D>[K]>>;
} & { readonly [K in keyof OutputTableOf<D>]-?: pulumi.Output<Typed<OutputTableOf<D>[K]>> } & {
    readonly providerVersion: pulumi.Output<number>;
};

/**
 * Base of every kind's provider: `check` runs the field table's checks in order (then `crossCheck`), `diff` is the
 * per-field diff of ./common with the table's replace and update fields. The kind adds create, read, update, delete.
 */
export abstract class KindProvider<D extends Kind>
    extends OvirtProviderBase
    implements pulumi.dynamic.ResourceProvider<InputsOf<D>, StateOf<D>>
{
    /** The kind's description (a module-level constant of its file). */
    protected abstract readonly description: D;

    async check(_olds: InputsOf<D>, news: InputsOf<D>): Promise<pulumi.dynamic.CheckResult<InputsOf<D>>> {
        const n = news as unknown as Record<string, unknown>;
        const failures: CheckFailure[] = [];
        const inputs: Record<string, unknown> = {};
        for (const [field, f] of Object.entries(this.description.inputs)) inputs[field] = f.check(n, field, failures);
        this.description.crossCheck?.(inputs, failures);
        const guard = checkProtection(n, failures);
        return { inputs: compact({ ...inputs, ...guard }) as InputsOf<D>, failures };
    }

    async diff(_id: string, olds: StateOf<D>, news: InputsOf<D>): Promise<pulumi.dynamic.DiffResult> {
        const d = this.description;
        const result = fieldDiff(
            olds as never,
            news as never,
            d.replaceFields,
            d.updateFields,
            d.providerVersion,
            d.deleteBeforeReplace,
        );
        refuseProtectedReplace(d.kind, olds as never, news as never, result.replaces ?? []);
        return result;
    }

    /** The inputs a state stands for (what `read` reports, so that a refresh shows drift as a diff). */
    protected inputsOf(state: StateOf<D>): InputsOf<D> {
        const s = state as Record<string, unknown>;
        return compact(Object.fromEntries(Object.keys(this.description.inputs).map((k) => [k, s[k]]))) as InputsOf<D>;
    }

    /**
     * What `read` returns for an object it found: the state, and the inputs it stands for (the SDK types `inputs`
     * like the state; the host sends it as the program's inputs).
     */
    protected found(id: string, state: StateOf<D>): pulumi.dynamic.ReadResult<StateOf<D>> {
        return { id, props: compact(state), inputs: this.inputsOf(state) as unknown as StateOf<D> };
    }

    /** The state after an update that wrote nothing: the new inputs over the old state, at this provider version. */
    protected restamped(olds: StateOf<D>, news: InputsOf<D>): StateOf<D> {
        return compact({ ...olds, ...news, providerVersion: this.description.providerVersion });
    }

    abstract create(inputs: InputsOf<D>): Promise<pulumi.dynamic.CreateResult<StateOf<D>>>;
    abstract read(id: string, props?: StateOf<D>): Promise<pulumi.dynamic.ReadResult<StateOf<D>>>;
    abstract update(id: string, olds: StateOf<D>, news: InputsOf<D>): Promise<pulumi.dynamic.UpdateResult<StateOf<D>>>;
    abstract delete(id: string, props: StateOf<D>): Promise<void>;
}

/**
 * The input every kind accepts besides its field table: `protection`, the way out a refused replace names. When it is
 * set, a change that would replace the object (delete it first) is refused in `diff`, which `pulumi preview` runs
 * too, so nothing is touched. It is a guard only: never part of the state's fields, never a diff by itself.
 */
export interface GuardArgs {
    /** Set for a protected object: what the operator does to replace it on purpose (see lib/protection.ts). */
    readonly protection?: pulumi.Input<string>;
}

/** `protection` of the program's inputs, checked: a non-empty string, or absent. */
function checkProtection(news: Record<string, unknown>, failures: CheckFailure[]): { protection?: string } {
    const v = news.protection;
    if (v === undefined || v === null || v === "") return {};
    if (typeof v !== "string") {
        failures.push({ property: "protection", reason: "protection must be a string (the way out of a refusal)" });
        return {};
    }
    return { protection: v };
}

/**
 * Throws when a protected object would be replaced: names the kind, the object, each replacing field with its old
 * and new value, and the way out. A field not known yet in a preview (an id from a lookup that is itself replaced,
 * e.g. another proxy template) is a replacing change too: the object it names is another one.
 */
export function refuseProtectedReplace(
    kind: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    replaces: readonly string[],
): void {
    const wayOut = news.protection;
    if (typeof wayOut !== "string" || !wayOut || replaces.length === 0) return;
    const value = (v: unknown) => JSON.stringify(v ?? null);
    const fields = replaces
        .map((f) =>
            /cloudInit|key|secret|password/i.test(f)
                ? `${f} (changed; not shown)`
                : hasUnknown(news[f])
                  ? `${f} ${value(olds[f])} → (another object, known once applied)`
                  : `${f} ${value(olds[f])} → ${value(news[f])}`,
        )
        .join(", ");
    throw new Error(
        `${kind} ${String(olds.name ?? news.name ?? "")} is protected: the change of ${fields} would replace it ` +
            `(delete the engine object, then create a new one). Nothing was changed. Revert the change, or ${wayOut}`,
    );
}

/** A kind's resource class: `new (name, args, opts)`, and `provider`, the stub its resources serialize. */
export interface ResourceClass<D extends Kind> {
    new (
        name: string,
        args: ArgsOf<D> & GuardArgs,
        opts?: pulumi.CustomResourceOptions,
    ): pulumi.dynamic.Resource & OutputsOf<D>;
    /** What its resources serialize as `__provider`: the stub that loads the kind's provider (./stubOf). */
    readonly provider: OvirtProviderStub;
}

/**
 * The `pulumi.dynamic.Resource` class of a kind (token `pulumi-nodejs:dynamic/ovirt:<Kind>`). Its outputs start as
 * undefined placeholders so that Pulumi reports them (the order of the classes written by hand before: outputs,
 * `providerVersion`, then the program's arguments).
 */
export function resourceClass<D extends Kind>(d: D): ResourceClass<D> {
    const stub = stubOf(d.kind);
    const placeholders = Object.fromEntries([...Object.keys(d.outputs), "providerVersion"].map((k) => [k, undefined]));
    class OvirtResource extends pulumi.dynamic.Resource {
        static readonly provider = stub;

        constructor(name: string, args: ArgsOf<D> & GuardArgs, opts?: pulumi.CustomResourceOptions) {
            super(stub, name, { ...placeholders, ...(args as object) }, opts, "ovirt", d.kind);
        }
    }
    return OvirtResource as unknown as ResourceClass<D>;
}
