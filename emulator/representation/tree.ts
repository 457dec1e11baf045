/**
 * A format-neutral representation tree. Views build it from the model; `json.ts` writes it the way the engine
 * writes JSON, and an XML writer can walk the same tree (element names are the object keys, `Wrapped` is a
 * wrapper element holding repeated child elements, arrays are repeated elements).
 *
 * Value types: string; boolean (JSON: "true"/"false"); integer `number` (JSON: string); `Dec` decimal (JSON: number);
 * `Date` (JSON: epoch ms number); plain objects; arrays (repeated elements, e.g. `link`); `Wrapped` nested lists.
 */
export class Dec {
    constructor(readonly value: number) {}
}

export class Wrapped {
    /** `keepEmpty`: written as `{}` when empty (followed links) instead of being omitted. */
    constructor(
        readonly elem: string,
        readonly items: readonly Node[],
        readonly keepEmpty = false,
    ) {}
}

export type Node = string | number | boolean | Date | Dec | Wrapped | readonly Node[] | NodeObject;
export interface NodeObject {
    readonly [k: string]: Node | undefined;
}

/** A typed collection document (`{"vm": [...]}`). */
export class Collection {
    constructor(
        readonly elem: string,
        readonly items: readonly Node[],
    ) {}
}
