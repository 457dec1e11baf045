/**
 * The lease forms of `leases` and `upgradeLeases`: `{from, to}`, `N`, `[N, ...]`, `[{from, to}, ...]` (mixable),
 * read into sorted lease numbers. A number and a range are checked by their schemas (`LeaseNumberSchema`,
 * `LeaseRangeSchema`); what remains here is what relates the entries: empty and huge ranges, overlaps, duplicates.
 */
import { LeaseNumberSchema, LeaseRangeSchema } from "../configSchema";
import { Problems } from "./problems";
import { decode, schemaProblems } from "./schemaProblems";

/** More is a typo, not a pool. */
const MAX_RANGE_LEASES = 1000;

/** The numbers of the lease set `v` at `key` (Pulumi's text or typed values), sorted; undefined after a problem. */
export function readLeaseSet(p: Problems, key: string, v: unknown): number[] | undefined {
    if (typeof v === "string" && /^\d+$/.test(v.trim())) v = Number(v.trim());
    const items = Array.isArray(v) ? v : [v];
    const before = p.list.length;
    const ranges: { from: number; to: number; label: string }[] = [];
    items.forEach((item, i) => {
        const at = Array.isArray(v) ? `${key}[${i}]` : key;
        const it = typeof item === "string" && /^\d+$/.test(item.trim()) ? Number(item.trim()) : item;
        const errorsBefore = p.list.length;
        if (typeof it === "number") {
            schemaProblems(p, LeaseNumberSchema, it, item, at);
            if (p.list.length === errorsBefore) ranges.push({ from: it, to: it, label: `${it}` });
            return;
        }
        if (it && typeof it === "object" && !Array.isArray(it)) {
            const r = decode(LeaseRangeSchema, it, true) as { from: number; to: number };
            schemaProblems(p, LeaseRangeSchema, r, it, at);
            if (p.list.length > errorsBefore) return;
            if (r.from > r.to) {
                p.add(
                    at,
                    item,
                    `is an empty range (from ${r.from} > to ${r.to})`,
                    `swap the bounds: {from: ${r.to}, to: ${r.from}}`,
                );
            } else if (r.to - r.from > MAX_RANGE_LEASES) {
                p.add(at, item, `spans more than ${MAX_RANGE_LEASES} leases`, "use a realistic range");
            } else {
                ranges.push({ from: r.from, to: r.to, label: `${r.from}..${r.to}` });
            }
            return;
        }
        p.add(at, item, "must be a lease number or a {from, to} range", "write e.g. 10 or {from: 10, to: 23}");
    });
    for (let i = 0; i < ranges.length; i++) {
        for (let j = i + 1; j < ranges.length; j++) {
            const a = ranges[i];
            const b = ranges[j];
            if (a.from <= b.to && b.from <= a.to) {
                const same = a.from === b.from && a.to === b.to;
                p.add(
                    key,
                    v,
                    same ? `lists ${a.label} twice (duplicate)` : `has overlapping ranges ${a.label} and ${b.label}`,
                    "list every lease number exactly once",
                );
            }
        }
    }
    if (p.list.length > before) return undefined;
    return ranges.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i)).sort((x, y) => x - y);
}
