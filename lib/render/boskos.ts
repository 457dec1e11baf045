/**
 * The oVirt entries of `_boskos.yaml` as the upstream generator (`generate-boskos.py` in openshift/release)
 * renders them (`docs/ci-contract.md` section 9): header line, `resources:`, entries sorted by type, keys sorted
 * alphabetically (PyYAML's default), list items not indented under their key, names unpadded and sorted as plain
 * strings (`ovirt-100` before `ovirt-11`), `state: free` everywhere, and the cluster-bot dynamic pool as
 * `min-count`/`max-count`. Also: the generator lines to paste upstream, and a parser/comparer for an existing file.
 */
import * as YAML from "yaml";
import { ConfigSchema, defaultOf } from "../configSchema";
import { leaseName, upgradeLeaseName } from "../leaseModel";

/** `ovirt-ci:clusterbotPoolSize`'s default (the schema's). */
export const DEFAULT_CLUSTERBOT_POOL_SIZE = defaultOf(ConfigSchema.properties.clusterbotPoolSize) as number;

export const BOSKOS_HEADER = "# generated with generate-boskos.py; do not edit directly";

/** The three oVirt resource types. */
export const OVIRT_BOSKOS_TYPES = Object.freeze({
    install: "ovirt-quota-slice",
    upgrade: "ovirt-upgrade-quota-slice",
    clusterbot: "ovirt-clusterbot-quota-slice",
});

/** One entry of `resources:`; either `names` (static) or `minCount`/`maxCount` (dynamic pool). */
export interface BoskosEntry {
    readonly type: string;
    readonly state: string;
    readonly names?: readonly string[];
    readonly minCount?: number;
    readonly maxCount?: number;
}

/** Inputs of {@link ovirtBoskosEntries}. */
export interface OvirtBoskosInput {
    readonly leases: readonly number[];
    readonly upgradeLeases: readonly number[];
    /** @default {@link DEFAULT_CLUSTERBOT_POOL_SIZE} */
    readonly clusterbotPoolSize?: number;
}

/** Plain string order (UTF-16 code units, identical to Python's for ASCII): `ovirt-100` < `ovirt-11`. */
export function sortNames(names: readonly string[]): string[] {
    return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function staticEntry(type: string, names: readonly string[]): BoskosEntry {
    for (const name of names) {
        if (name.includes("--")) {
            throw new Error(`double-dashes are used internally, so ${JSON.stringify(name)} is invalid`);
        }
    }
    if (new Set(names).size !== names.length) {
        throw new Error(`duplicate names in ${type}`);
    }
    return { type, state: "free", names: sortNames(names) };
}

/** The oVirt entries, sorted by type. */
export function ovirtBoskosEntries(input: OvirtBoskosInput): BoskosEntry[] {
    const pool = input.clusterbotPoolSize ?? DEFAULT_CLUSTERBOT_POOL_SIZE;
    const entries: BoskosEntry[] = [
        { type: OVIRT_BOSKOS_TYPES.clusterbot, state: "free", minCount: pool, maxCount: pool },
        staticEntry(OVIRT_BOSKOS_TYPES.install, input.leases.map(leaseName)),
        staticEntry(OVIRT_BOSKOS_TYPES.upgrade, input.upgradeLeases.map(upgradeLeaseName)),
    ];
    return sortEntries(entries);
}

/** Sorts entries by type, as `sorted(CONFIG.items())` does. */
export function sortEntries(entries: readonly BoskosEntry[]): BoskosEntry[] {
    return [...entries].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

const PLAIN = /^[a-z0-9][a-z0-9.-]*$/i;
const YAML_SPECIAL =
    /^(y|n|yes|no|on|off|true|false|null|~|[-+]?\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|0x[0-9a-f]+|0o?[0-7]+)$/i;

/** Refuses a value that YAML would have to quote. */
function assertPlain(value: string): void {
    if (!PLAIN.test(value) || YAML_SPECIAL.test(value)) {
        throw new Error(`boskos value ${JSON.stringify(value)} would need YAML quoting; not supported`);
    }
}

/**
 * Renders entries the way PyYAML's `dump(default_flow_style=False)` does (without header and `resources:`): keys
 * sorted, list items not indented under their key, plain scalars. Values that would need quoting are refused, since
 * the two libraries quote differently (tests/unit/boskos.spec.ts compares with PyYAML's output byte for byte).
 */
export function renderBoskosEntries(entries: readonly BoskosEntry[]): string {
    if (entries.length === 0) {
        return "";
    }
    const items = entries.map((e) => {
        for (const value of [e.type, e.state, ...(e.names ?? [])]) {
            assertPlain(value);
        }
        return {
            type: e.type,
            state: e.state,
            ...(e.names === undefined ? {} : { names: [...e.names] }),
            ...(e.minCount === undefined ? {} : { "min-count": e.minCount }),
            ...(e.maxCount === undefined ? {} : { "max-count": e.maxCount }),
        };
    });
    return YAML.stringify(items, { indentSeq: false, sortMapEntries: true, lineWidth: 0 });
}

/** A complete `_boskos.yaml` holding the given entries (sorted by type). */
export function renderBoskosFile(entries: readonly BoskosEntry[]): string {
    return `${BOSKOS_HEADER}\nresources:\n${renderBoskosEntries(sortEntries(entries))}`;
}

/** Splits sorted numbers into contiguous runs `[from, to]`. */
export function contiguousRuns(numbers: readonly number[]): [number, number][] {
    const sorted = [...new Set(numbers)].sort((a, b) => a - b);
    const runs: [number, number][] = [];
    for (const n of sorted) {
        const last = runs[runs.length - 1];
        if (last && n === last[1] + 1) {
            last[1] = n;
        } else {
            runs.push([n, n]);
        }
    }
    return runs;
}

/**
 * The lines to put into `generate-boskos.py`: the `CONFIG` map entries and one `for i in range(...)` loop per
 * contiguous run of lease numbers (Python's `range` excludes its end).
 */
export function renderGeneratorSnippet(input: OvirtBoskosInput): {
    readonly configEntries: string;
    readonly loops: string;
} {
    const pool = input.clusterbotPoolSize ?? DEFAULT_CLUSTERBOT_POOL_SIZE;
    const configEntries = [
        `    '${OVIRT_BOSKOS_TYPES.install}': {},`,
        `    '${OVIRT_BOSKOS_TYPES.upgrade}': {},`,
        `    '${OVIRT_BOSKOS_TYPES.clusterbot}': {`,
        `        'default': ${pool},`,
        "    },",
        "",
    ].join("\n");
    const loop = (type: string, stem: string, numbers: readonly number[]) =>
        contiguousRuns(numbers).map(
            ([from, to]) => `for i in range(${from}, ${to + 1}):\n    CONFIG['${type}']['${stem}{}'.format(i)] = 1\n`,
        );
    const loops = [
        ...loop(OVIRT_BOSKOS_TYPES.install, "ovirt-", input.leases),
        ...loop(OVIRT_BOSKOS_TYPES.upgrade, "ovirt-upgrade-", input.upgradeLeases),
    ].join("\n");
    return { configEntries, loops };
}

/** Parses a `_boskos.yaml` and returns its oVirt entries (types starting with `ovirt-`), in file order. */
export function parseOvirtBoskosEntries(text: string): BoskosEntry[] {
    const doc = YAML.parse(text) as { resources?: unknown } | null;
    if (!doc || !Array.isArray(doc.resources)) {
        throw new Error("not a boskos configuration: no resources list");
    }
    return doc.resources
        .filter(
            (r): r is Record<string, unknown> =>
                !!r && typeof r === "object" && String((r as { type?: unknown }).type).startsWith("ovirt-"),
        )
        .map((r) => ({
            type: String(r.type),
            state: String(r.state),
            ...(Array.isArray(r.names) ? { names: r.names.map(String) } : {}),
            ...(r["min-count"] !== undefined ? { minCount: Number(r["min-count"]) } : {}),
            ...(r["max-count"] !== undefined ? { maxCount: Number(r["max-count"]) } : {}),
        }));
}

/** Differences between the expected oVirt entries and those of an existing file; empty = in sync. */
export function compareBoskosEntries(expected: readonly BoskosEntry[], actual: readonly BoskosEntry[]): string[] {
    const diffs: string[] = [];
    const byType = (list: readonly BoskosEntry[]) => new Map(list.map((e) => [e.type, e]));
    const want = byType(expected);
    const have = byType(actual);
    for (const [type, w] of want) {
        const h = have.get(type);
        if (!h) {
            diffs.push(`${type}: missing`);
            continue;
        }
        if (h.state !== w.state) {
            diffs.push(`${type}: state is ${h.state}, expected ${w.state}`);
        }
        if (h.minCount !== w.minCount || h.maxCount !== w.maxCount) {
            diffs.push(
                `${type}: min-count/max-count are ${h.minCount}/${h.maxCount}, expected ${w.minCount}/${w.maxCount}`,
            );
        }
        const wn = new Set(w.names ?? []);
        const hn = new Set(h.names ?? []);
        const missing = sortNames([...wn].filter((n) => !hn.has(n)));
        const extra = sortNames([...hn].filter((n) => !wn.has(n)));
        if (missing.length) {
            diffs.push(`${type}: missing names ${missing.join(", ")}`);
        }
        if (extra.length) {
            diffs.push(`${type}: unexpected names ${extra.join(", ")}`);
        }
        if ((w.names === undefined) !== (h.names === undefined)) {
            diffs.push(`${type}: expected a ${w.names ? "static list of names" : "dynamic pool"}`);
        }
    }
    for (const type of have.keys()) {
        if (!want.has(type)) {
            diffs.push(`${type}: not managed by this stack`);
        }
    }
    return diffs;
}
