/**
 * Readers for request bodies (docs/engine-api.md §3) that convert as the engine's api types do: booleans in any case
 * and 0/1, integers as strings or numbers, references by id or name; a value they cannot convert is a BodyValueError. Input arrives as a JSON-shaped object; an XML reader would produce the same shape.
 */
import { BodyValueError, EngineFault, inputValidation } from "./errors";

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

/** BooleanParser.parseBoolean: `true`/`false` in any case, `1`/`0`; anything else is an InvalidValueException. */
export function bool(v: unknown, attr: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === "boolean") return v;
    const s = String(v);
    if (s.toLowerCase() === "true" || s === "1") return true;
    if (s.toLowerCase() === "false" || s === "0") return false;
    throw new BodyValueError(attr, `Value "${s}" isn't a valid boolean, it should be "true" , "false", "0" or "1"`);
}

/**
 * IntegerParser.parseInt / parseLong (`wide`: 64-bit values such as sizes and memory): blank is 0; the text is an
 * xs:integer (DatatypeConverter.parseInteger: an optional sign, digits, surrounding blanks); above the type's maximum
 * is an InvalidValueException; below its minimum wraps as BigInteger.intValue()/longValue() do (no lower check).
 */
export function int(v: unknown, attr: string, wide = false): number | undefined {
    if (v === undefined || v === null) return undefined;
    const raw = String(v);
    const s = raw.trim() === "" ? "0" : raw.trim();
    if (!/^[+-]?\d+$/.test(s)) throw new BodyValueError(attr); // NumberFormatException: the usage fault
    const n = BigInt(s);
    const max = wide ? 2n ** 63n - 1n : 2n ** 31n - 1n;
    if (n > max) {
        throw new BodyValueError(attr, `Value ${raw} is greater than maximum ${wide ? "long" : "integer"} ${max}`);
    }
    return Number(wide ? BigInt.asIntN(64, n) : BigInt.asIntN(32, n));
}

/** xs:decimal (BigDecimal): anything that is not a number is the usage fault. */
export function num(v: unknown, attr: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    const s = String(v).trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new BodyValueError(attr);
    return Number(s);
}

/**
 * BaseBackendResource.validateRange: 400 `Value out of range` (restapi logging/Messages.properties
 * VALUE_OUT_OF_RANGE_*), which the engine applies only where a resource calls it (a storage domain's NFS timeout and
 * retransmissions, 0..65535, BackendStorageDomainsResource; the engine names the first `nfs_timeio`).
 */
export function inRange(v: number | undefined, name: string, min: number, max: number): number | undefined {
    if (v !== undefined && (v < min || v > max)) {
        throw new EngineFault(
            400,
            "Value out of range",
            `The value ${v} of attribute '${name}' is outside of range ${min} to ${max}.`,
        );
    }
    return v;
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
