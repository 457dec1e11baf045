/**
 * The per-key work of the config, done by TypeBox from the schema (lib/configSchema.ts): Pulumi's text read as the
 * schema's types ({@link decode}), then `Value.Default`, then `Value.Errors` mapped to "what; got; Fix:" problems
 * ({@link schemaProblems}). The message text comes from the schema: its bounds, its named format
 * (lib/configFormats.ts), or the `problem`/`fix` options next to the key.
 */
import { TArray, TObject, TSchema } from "@sinclair/typebox";
import { Value, ValueError, ValueErrorType } from "@sinclair/typebox/value";
import { CONFIG_FORMATS, ConfigFormat } from "../configFormats";
import { literalsOf, optionsOf } from "../configSchema";
import { ConfigProblem, Problems, unknownKeyProblem } from "./problems";

function parseJsonText(v: unknown): unknown {
    if (typeof v === "string" && /^\s*[[{]/.test(v)) {
        try {
            return JSON.parse(v);
        } catch {
            return v;
        }
    }
    return v;
}

/**
 * Reads a value as `schema` types it, the way Pulumi stores config: top-level scalars are strings and objects JSON
 * text. Where the schema wants an object or a list, JSON text is parsed; with `scalars`, an integer's decimal text
 * becomes the number and "true"/"false" the boolean. Nothing else is converted: TypeBox's `Value.Convert` would
 * truncate 10.5 to 10 and read "1" as true, accepting what the config refuses. With `scalars`, null is unset (else
 * kept, to be shown); an empty `unsetWhenEmpty` string is unset; an unset map that is not optional is an empty map. With `scalars`, an unset key gets its default
 * (`Value.Default`). Lease sets keep their forms (lib/config/leaseSet.ts reads them).
 */
export function decode(schema: TSchema, v: unknown, scalars: boolean): unknown {
    return read(schema, v, scalars);
}

function read(schema: TSchema, v: unknown, scalars: boolean): unknown {
    if ((v === null && scalars) || (v === "" && optionsOf(schema).unsetWhenEmpty)) return undefined;
    switch (schema.type) {
        case "object": {
            const obj = parseJsonText(v);
            if (!obj || typeof obj !== "object" || Array.isArray(obj)) return obj;
            const { properties, required = [] } = schema as TObject;
            const out: Record<string, unknown> = {};
            for (const [name, x] of Object.entries(obj)) {
                const d = name in properties ? read(properties[name], x, scalars) : x;
                if (d !== undefined) out[name] = d;
            }
            for (const [name, property] of Object.entries(properties)) {
                if (out[name] !== undefined) continue;
                if (required.includes(name) && property.type === "object" && !("default" in property)) {
                    out[name] = read(property, {}, scalars);
                } else if (scalars && "default" in property) {
                    // Value.Default of an unset key only: on a set value it would merge a map into a list default
                    out[name] = Value.Default(property, undefined);
                }
            }
            return out;
        }
        case "array": {
            const list = parseJsonText(v);
            if (!Array.isArray(list) || optionsOf(schema).leaseSet) return list;
            const items = (schema as TArray).items;
            return list.map(
                (x) => read(items, x, scalars) ?? (items.type === "object" ? read(items, {}, scalars) : undefined),
            );
        }
        case "integer":
            return scalars && typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v;
        case "boolean":
            return scalars && (v === "true" || v === "false") ? v === "true" : v;
        default:
            return v;
    }
}

/** The schema at each step of `segments` from `root` (shorter when the path leaves the schema). */
function schemasAlong(root: TSchema, segments: readonly string[]): TSchema[] {
    const out = [root];
    for (const s of segments) {
        const at = out[out.length - 1];
        const next =
            at.type === "object"
                ? (at as TObject).properties[s]
                : at.type === "array"
                  ? (at as TArray).items
                  : undefined;
        if (!next) break;
        out.push(next);
    }
    return out;
}

/** `hosts[2].memoryGiB` from base "" and segments hosts, 2, memoryGiB. */
function keyOf(base: string, segments: readonly string[], schemas: readonly TSchema[]): string {
    let key = base;
    segments.forEach((s, i) => {
        key = schemas[i]?.type === "array" ? `${key}[${s}]` : key ? `${key}.${s}` : s;
    });
    return key;
}

function valueAt(v: unknown, segments: readonly string[]): unknown {
    return segments.reduce<unknown>(
        (x, s) => (x && typeof x === "object" ? (x as Record<string, unknown>)[s] : undefined),
        v,
    );
}

/** How the integer at a key is named: its `what`, else by its bounds. */
function integerWhat(schema: TSchema): string {
    const o = optionsOf(schema);
    return o.what ?? (o.minimum !== undefined && o.minimum > 0 ? "a positive integer" : "an integer");
}

/** The JavaScript type a scalar schema wants (a literal union wants a string). */
function scalarKind(schema: TSchema): string | undefined {
    if (literalsOf(schema)) return "string";
    return ({ string: "string", integer: "number", boolean: "boolean" } as Record<string, string>)[schema.type];
}

/** "is required", and how to set the key. */
export function requiredProblem(key: string, schema: TSchema): ConfigProblem {
    const o = optionsOf(schema);
    const fix = o.leaseSet
        ? `set it, e.g. pulumi config set --path ${key}.from 10 && pulumi config set --path ${key}.to 23`
        : schema.type === "integer"
          ? `set it to ${o.what ?? "an integer"}`
          : schema.type === "array"
            ? fillIn(o.fix ?? "write it as a YAML list", schema)
            : `set it: pulumi config set ${key.includes(".") ? "--path " : ""}${key} <value>`;
    return { key, value: undefined, problem: "is required", fix };
}

function fillIn(text: string, schema: TSchema, bad?: unknown): string {
    return text.replaceAll("{default}", String(optionsOf(schema).default)).replaceAll("{bad}", JSON.stringify(bad));
}

/** The problem and fix of one error at a key whose schema has no `problem` of its own. */
function describe(e: ValueError, schema: TSchema, key: string, shown: unknown): ConfigProblem {
    const o = optionsOf(schema);
    const at = (problem: string, fix: string): ConfigProblem => ({ key, value: shown, problem, fix });
    switch (e.type) {
        case ValueErrorType.Integer:
            return at(`must be ${integerWhat(schema)}`, `set it to ${integerWhat(schema)}`);
        case ValueErrorType.IntegerMinimum:
            return at(
                `must be at least ${o.minimum}${o.minimum === 1 ? " (non-positive values are meaningless)" : ""}`,
                `set it to ${integerWhat(schema)} ≥ ${o.minimum}`,
            );
        case ValueErrorType.IntegerMaximum:
            return at(`must be at most ${o.maximum}`, `set it to ${integerWhat(schema)} ≤ ${o.maximum}`);
        case ValueErrorType.Boolean:
            return at("must be a boolean", "set it to true or false");
        case ValueErrorType.Object:
            return at(
                "must be an object",
                `write it as a YAML map with keys ${Object.keys((schema as TObject).properties).join(", ")}`,
            );
        case ValueErrorType.Array:
        case ValueErrorType.ArrayMinItems:
            return at(
                `must be a ${o.minItems !== undefined || e.type === ValueErrorType.ArrayMinItems ? "non-empty " : ""}list`,
                fillIn(o.fix ?? "write it as a YAML list", schema),
            );
        case ValueErrorType.Union: {
            if (typeof e.value !== "string") return at("must be a string", "quote the value");
            const allowed = literalsOf(schema)?.join(", ");
            return at(`is not one of ${allowed}`, `use one of ${allowed}`);
        }
        case ValueErrorType.StringFormat: {
            const format: ConfigFormat = CONFIG_FORMATS[o.format as keyof typeof CONFIG_FORMATS];
            const verdict = format.explain(e.value as string, o) ?? "is not valid";
            const shownValue = format.shown ? format.shown(e.value as string) : shown;
            return typeof verdict === "string"
                ? { key, value: shownValue, problem: verdict, fix: fillIn(o.fix ?? "correct it", schema) }
                : { key, value: shownValue, problem: verdict.problem, fix: fillIn(verdict.fix, schema) };
        }
        default:
            // every other check of this schema carries its `problem`; this is the type error of a string
            return at("must be a string", "quote the value");
    }
}

/**
 * Checks `value` (decoded, defaults filled) against `root` with TypeBox and reports each error once, at its key
 * (below `base`), showing the value as given (`given`: before the scalar conversion). An error at or inside a key
 * that already has a problem adds nothing; `skip` leaves out keys checked elsewhere (the secrets).
 */
export function schemaProblems(
    p: Problems,
    root: TSchema,
    value: unknown,
    given: unknown,
    base = "",
    skip: (segments: readonly string[]) => boolean = () => false,
): void {
    for (const e of Value.Errors(root, value)) {
        const segments = e.path
            .split("/")
            .slice(1)
            .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
        if (skip(segments)) continue;
        const schemas = schemasAlong(root, segments);
        const key = keyOf(base, segments, schemas);
        if (p.reportedAtOrAbove(key)) continue;
        if (e.type === ValueErrorType.ObjectRequiredProperty) {
            p.push({ ...requiredProblem(key, e.schema), value: valueAt(given, segments) });
            continue;
        }
        if (e.type === ValueErrorType.ObjectAdditionalProperties) {
            const parent = keyOf(base, segments.slice(0, -1), schemas);
            const known = Object.keys((e.schema as TObject).properties);
            p.push(unknownKeyProblem(parent, segments[segments.length - 1], e.value, known));
            continue;
        }
        // A value of the wrong JavaScript type is a type error at its own key; anything else may be judged as one
        // with the whole value at the outermost key that has a `problem` of its own (a list of IPv4 addresses).
        const kind = scalarKind(e.schema);
        const wrongType = kind !== undefined && typeof e.value !== kind;
        const whole = schemas.findIndex(
            (s, i) => optionsOf(s).problem !== undefined && (i < segments.length || !wrongType),
        );
        if (whole >= 0) {
            const at = segments.slice(0, whole);
            const atKey = keyOf(base, at, schemas);
            if (p.reportedAtOrAbove(atKey)) continue;
            const s = schemas[whole];
            const v = valueAt(given, at);
            const bad = Array.isArray(v) ? v.filter((x) => !Value.Check((s as TArray).items, x)) : v;
            p.add(atKey, v, fillIn(optionsOf(s).problem!, s, bad), fillIn(optionsOf(s).fix ?? "correct it", s));
            continue;
        }
        p.push(describe(e, e.schema, key, valueAt(given, segments)));
    }
}
