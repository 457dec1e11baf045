/**
 * The oVirt part of openshift/release's `core-services/prow/02_config/generate-boskos.py`: recognising it and
 * rewriting it (pure: text in, text out). The rest of the file is never touched, byte for byte.
 *
 * The shape this recognises is the upstream file's (read from openshift/release, e.g. the 2023 versions of
 * `core-services/prow/02_config/generate-boskos.py`; `docs/ci-contract.md` section 9):
 *
 * ```python
 * CONFIG = {
 *     ...
 *     'ovirt-quota-slice': {},
 *     'ovirt-upgrade-quota-slice': {},
 *     'ovirt-clusterbot-quota-slice': {
 *         'default': 3,
 *     },
 *     ...
 * }
 * ...
 * for i in range(10, 24):
 *     CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1
 *
 * for i in range(1, 7):
 *     CONFIG['ovirt-upgrade-quota-slice']['ovirt-upgrade-{}'.format(i)] = 1
 * ...
 * for typeName, data in sorted(CONFIG.items()):   # the rendering: 'default' = dynamic pool, else names
 * ...
 *     f.write('# generated with generate-boskos.py; do not edit directly\n')
 *     yaml.dump(config, f, default_flow_style=False)
 * ```
 *
 * Older versions (before 2022) have no `ovirt-clusterbot-quota-slice` entry: it is added after the upgrade entry.
 * Anything else that names an oVirt type (a static name in the map, a `del`, a loop of another shape, the oVirt
 * loops not next to each other) is not recognised: {@link rewriteGenerator} throws and the caller writes nothing.
 */
import {
    BOSKOS_HEADER,
    DEFAULT_CLUSTERBOT_POOL_SIZE,
    OVIRT_BOSKOS_TYPES,
    OvirtBoskosInput,
    contiguousRuns,
    renderGeneratorSnippet,
} from "./render/boskos";

/** Where the generator lives in a release checkout (the Makefile's `boskos-config` target runs it there). */
export const GENERATOR_DIR = "core-services/prow/02_config";
export const GENERATOR_FILE = `${GENERATOR_DIR}/generate-boskos.py`;
export const BOSKOS_FILE = `${GENERATOR_DIR}/_boskos.yaml`;

/** What the oVirt part of a generator declares. */
export interface GeneratorLeases {
    readonly leases: number[];
    readonly upgradeLeases: number[];
    /** Absent when the file has no `ovirt-clusterbot-quota-slice` entry (generators before 2022). */
    readonly clusterbotPoolSize?: number;
}

/** A generator that is not of the recognised shape; the message names what and how to proceed. */
export class UnrecognisedGeneratorError extends Error {}

const STEM = { [OVIRT_BOSKOS_TYPES.install]: "ovirt-", [OVIRT_BOSKOS_TYPES.upgrade]: "ovirt-upgrade-" } as Record<
    string,
    string
>;

const EMPTY_ENTRY = (type: string) => new RegExp(`^([ \\t]*)'${type}'\\s*:\\s*\\{\\s*\\},[ \\t]*$`, "m");
const POOL_ENTRY = new RegExp(
    `'${OVIRT_BOSKOS_TYPES.clusterbot}'\\s*:\\s*\\{\\s*'default'\\s*:\\s*(\\d+)\\s*,?\\s*\\},`,
);
/** One lease loop: `for i in range(a, b):` and its single body line, both lines complete. */
const LOOP =
    /^for i in range\(\s*(\d+)\s*,\s*(\d+)\s*\):[ \t]*\n[ \t]+CONFIG\['(ovirt-[a-z-]+)'\]\['(ovirt-[a-z-]*)\{\}'\.format\(i\)\] = 1[ \t]*\n/gm;
/** Anything left naming an oVirt boskos type or name in code after the recognised parts are taken out. */
const OVIRT_LEFT = /'ovirt-|ovirt-(quota|upgrade-quota|clusterbot-quota)-slice/;
/** Marks of the upstream rendering (the dynamic pool by `default`, PyYAML, the header). */
const RENDER_MARKS = [
    "sorted(CONFIG.items())",
    "'default'",
    "min-count",
    "max-count",
    "yaml.dump(",
    "_boskos.yaml",
    BOSKOS_HEADER,
];

interface Span {
    readonly start: number;
    readonly end: number;
}

interface Parsed extends GeneratorLeases {
    /** The lease loops, first to last (one span: only blank lines between them); absent when there is none. */
    readonly loops?: Span;
    /** The pool size digits. */
    readonly pool?: Span;
    /** The upgrade entry's line (the pool entry goes after it when missing) and its indentation. */
    readonly upgradeEntry: Span & { readonly indent: string };
}

function refuse(problem: string): never {
    throw new UnrecognisedGeneratorError(
        `generate-boskos.py is not of the shape this tool recognises: ${problem}. Nothing was changed. ` +
            "Fix: edit the oVirt part by hand to the upstream shape (the CONFIG entries 'ovirt-quota-slice': {}, " +
            "'ovirt-upgrade-quota-slice': {}, 'ovirt-clusterbot-quota-slice': {'default': N}, and one " +
            "`for i in range(a, b):` loop per run of lease numbers), or use `npm run boskos -- --check` and change it by hand",
    );
}

function parse(text: string): Parsed {
    if (!/^CONFIG = \{/m.test(text)) refuse("no `CONFIG = {` map");
    const missingMarks = RENDER_MARKS.filter((m) => !text.includes(m));
    if (missingMarks.length)
        refuse(`it does not render _boskos.yaml the upstream way (missing: ${missingMarks.join(", ")})`);

    const single = (re: RegExp, what: string): RegExpExecArray => {
        const all = [...text.matchAll(new RegExp(re.source, `${re.flags.replace("g", "")}g`))];
        if (all.length !== 1) refuse(`${all.length === 0 ? "no" : `${all.length}`} ${what}`);
        return all[0] as RegExpExecArray;
    };
    const install = single(
        EMPTY_ENTRY(OVIRT_BOSKOS_TYPES.install),
        `\`'${OVIRT_BOSKOS_TYPES.install}': {},\` entry in CONFIG`,
    );
    const upgrade = single(
        EMPTY_ENTRY(OVIRT_BOSKOS_TYPES.upgrade),
        `\`'${OVIRT_BOSKOS_TYPES.upgrade}': {},\` entry in CONFIG`,
    );
    const poolMatches = [...text.matchAll(new RegExp(POOL_ENTRY.source, "g"))];
    if (poolMatches.length > 1) refuse(`${poolMatches.length} '${OVIRT_BOSKOS_TYPES.clusterbot}' entries`);
    const poolMatch = poolMatches[0];

    const leases: number[] = [];
    const upgradeLeases: number[] = [];
    const loopSpans: Span[] = [];
    for (const m of text.matchAll(LOOP)) {
        const [whole, from, to, type, stem] = m;
        if (STEM[type] === undefined) refuse(`a loop over the unknown type '${type}'`);
        if (STEM[type] !== stem) refuse(`a loop of '${type}' that names '${stem}{}' (expected '${STEM[type]}{}')`);
        const a = Number(from);
        const b = Number(to);
        if (b <= a) refuse(`an empty loop range(${a}, ${b})`);
        const target = type === OVIRT_BOSKOS_TYPES.install ? leases : upgradeLeases;
        for (let n = a; n < b; n++) {
            if (target.includes(n)) refuse(`${stem}${n} is declared twice`);
            target.push(n);
        }
        loopSpans.push({ start: m.index!, end: m.index! + whole.length });
    }
    for (let i = 1; i < loopSpans.length; i++) {
        if (text.slice(loopSpans[i - 1].end, loopSpans[i].start).trim() !== "")
            refuse("the oVirt loops are not next to each other");
    }

    // Nothing else may name an oVirt type: it would change the entries behind this tool's back.
    const taken: Span[] = [
        { start: install.index!, end: install.index! + install[0].length },
        { start: upgrade.index!, end: upgrade.index! + upgrade[0].length },
        ...(poolMatch ? [{ start: poolMatch.index!, end: poolMatch.index! + poolMatch[0].length }] : []),
        ...loopSpans,
    ].sort((x, y) => x.start - y.start);
    let rest = "";
    let at = 0;
    for (const s of taken) {
        rest += text.slice(at, s.start);
        at = s.end;
    }
    rest += text.slice(at);
    const code = rest
        .split("\n")
        .map((l) => l.replace(/^\s*#.*$/, ""))
        .join("\n");
    const left = OVIRT_LEFT.exec(code);
    if (left) {
        const line = code.slice(0, left.index).split("\n").length;
        refuse(
            `an oVirt name outside the recognised entries and loops (near line ${line} of what is left: ${JSON.stringify(code.split("\n")[line - 1].trim())})`,
        );
    }

    const poolDigits = poolMatch
        ? poolMatch.index! + poolMatch[0].indexOf(poolMatch[1], poolMatch[0].indexOf("'default'"))
        : -1;
    return {
        leases: leases.sort((a, b) => a - b),
        upgradeLeases: upgradeLeases.sort((a, b) => a - b),
        ...(poolMatch
            ? {
                  clusterbotPoolSize: Number(poolMatch[1]),
                  pool: { start: poolDigits, end: poolDigits + poolMatch[1].length },
              }
            : {}),
        ...(loopSpans.length ? { loops: { start: loopSpans[0].start, end: loopSpans[loopSpans.length - 1].end } } : {}),
        upgradeEntry: { start: upgrade.index!, end: upgrade.index! + upgrade[0].length, indent: upgrade[1] },
    };
}

/** The leases and pool a generator declares; throws {@link UnrecognisedGeneratorError} for another shape. */
export function readGenerator(text: string): GeneratorLeases {
    const { leases, upgradeLeases, clusterbotPoolSize } = parse(text);
    return { leases, upgradeLeases, ...(clusterbotPoolSize !== undefined ? { clusterbotPoolSize } : {}) };
}

const sameNumbers = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((n, i) => n === b[i]);

/**
 * The generator with its oVirt part declaring `want`: the loops rewritten (one `range` per contiguous run, in place
 * of the old ones), the pool's number replaced (or its entry added after the upgrade entry). Returns the text
 * unchanged when it already declares `want`, whatever its loop formatting.
 */
export function rewriteGenerator(text: string, want: OvirtBoskosInput): string {
    const have = parse(text);
    const pool = want.clusterbotPoolSize ?? DEFAULT_CLUSTERBOT_POOL_SIZE;
    const leases = contiguousRuns(want.leases).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
    const upgradeLeases = contiguousRuns(want.upgradeLeases).flatMap(([a, b]) =>
        Array.from({ length: b - a + 1 }, (_, i) => a + i),
    );
    const loopsSame = sameNumbers(have.leases, leases) && sameNumbers(have.upgradeLeases, upgradeLeases);
    const edits: { span: Span; text: string }[] = [];
    if (!loopsSame) {
        const loops = renderGeneratorSnippet(want).loops;
        if (have.loops) {
            edits.push({ span: have.loops, text: loops });
        } else {
            const config = /^config = \{/m.exec(text);
            if (!config) refuse("no oVirt loops and no `config = {` line to put them before");
            edits.push({ span: { start: config.index, end: config.index }, text: `${loops}\n` });
        }
    }
    if (have.clusterbotPoolSize === undefined) {
        const i = have.upgradeEntry.indent;
        const entry = `\n${i}'${OVIRT_BOSKOS_TYPES.clusterbot}': {\n${i}    'default': ${pool},\n${i}},`;
        edits.push({ span: { start: have.upgradeEntry.end, end: have.upgradeEntry.end }, text: entry });
    } else if (have.clusterbotPoolSize !== pool) {
        edits.push({ span: have.pool!, text: String(pool) });
    }
    let out = text;
    for (const e of edits.sort((x, y) => y.span.start - x.span.start)) {
        out = out.slice(0, e.span.start) + e.text + out.slice(e.span.end);
    }
    return out;
}
