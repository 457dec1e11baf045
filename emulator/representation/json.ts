/**
 * The engine's JSON dialect (docs/engine-api.md §3): no root wrapper; collections keyed by the singular type; an empty
 * collection is `{}`; booleans and integers as strings; decimals as numbers; dates as epoch milliseconds;
 * absent attributes omitted (never null); nested lists keep their XML-style wrapper.
 */
import { Collection, Dec, Node, Wrapped } from "./tree";

export const JSON_CONTENT_TYPE = "application/json";

export function toJson(n: Node): unknown {
    if (typeof n === "string") return n;
    if (typeof n === "boolean") return n ? "true" : "false";
    if (typeof n === "number") return Number.isInteger(n) ? String(n) : n;
    if (n instanceof Date) return n.getTime();
    if (n instanceof Dec) return n.value;
    if (n instanceof Wrapped) return n.items.length ? { [n.elem]: n.items.map(toJson) } : {};
    if (Array.isArray(n)) return (n as readonly Node[]).map(toJson);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n as Record<string, Node | undefined>)) {
        if (v === undefined) continue;
        if (v instanceof Wrapped && v.items.length === 0 && !v.keepEmpty) continue;
        out[k] = toJson(v);
    }
    return out;
}

export function collectionToJson(c: Collection): unknown {
    return c.items.length ? { [c.elem]: c.items.map(toJson) } : {};
}

export function serialize(doc: Node | Collection): string {
    if (isCollection(doc)) return JSON.stringify(collectionToJson(doc));
    return JSON.stringify(toJson(doc));
}

function isCollection(d: Node | Collection): d is Collection {
    return d instanceof Collection;
}
