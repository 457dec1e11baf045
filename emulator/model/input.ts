/**
 * Lenient readers for request bodies (docs/engine-api.md §3): booleans in any case and 0/1, integers as strings or
 * numbers, references by id or name. Input arrives as a JSON-shaped object; an XML reader would produce the same shape.
 */
import { EngineFault, inputValidation } from "./errors";

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function obj(v: unknown): Obj | undefined {
    return isObj(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return undefined;
}

export function bool(v: unknown, attr: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === "boolean") return v;
    const s = String(v).toLowerCase();
    if (s === "true" || s === "1") return true;
    if (s === "false" || s === "0") return false;
    throw inputValidation(`Invalid value '${String(v)}' for boolean attribute '${attr}'.`);
}

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };

/** Integer attribute; `wide` for 64-bit values (sizes, memory). Out of range → 400 "Value out of range". */
export function int(v: unknown, attr: string, wide = false): number | undefined {
    if (v === undefined || v === null) return undefined;
    const s = String(v).trim();
    if (!/^-?\d+$/.test(s)) throw inputValidation(`Invalid value '${s}' for integer attribute '${attr}'.`);
    const r = wide ? INT64 : INT32;
    const n = BigInt(s);
    if (n < r.min || n > r.max) {
        throw new EngineFault(
            400,
            "Value out of range",
            `The value ${s} of attribute '${attr}' is outside of range ${r.min} to ${r.max}.`,
        );
    }
    return Number(n);
}

export function num(v: unknown, attr: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    const n = Number(v);
    if (Number.isNaN(n)) throw inputValidation(`Invalid value '${String(v)}' for decimal attribute '${attr}'.`);
    return n;
}

export interface RefInput {
    id?: string;
    name?: string;
}

export function ref(v: unknown): RefInput | undefined {
    const o = obj(v);
    if (!o) return undefined;
    const id = str(o.id);
    const name = str(o.name);
    return id || name ? { id, name } : undefined;
}

/** `{"usages": {"usage": ["vm"]}}` → `["vm"]`; also accepts a bare array. */
export function wrappedList(v: unknown, elem: string): unknown[] | undefined {
    if (Array.isArray(v)) return v;
    const o = obj(v);
    if (!o) return undefined;
    const inner = o[elem];
    if (inner === undefined) return [];
    return Array.isArray(inner) ? inner : [inner];
}

const ENUM_HINT = (attr: string, allowed: readonly string[], got: string) =>
    `Invalid value '${got}' for attribute '${attr}'. Valid values are: ${allowed.join(", ")}.`;

export function enumValue<T extends string>(v: unknown, attr: string, allowed: readonly T[]): T | undefined {
    const s = str(v);
    if (s === undefined) return undefined;
    const lower = s.toLowerCase() as T;
    if (!allowed.includes(lower)) throw inputValidation(ENUM_HINT(attr, allowed, s));
    return lower;
}
