/**
 * The problems of a configuration: one per bad value, each naming the key, the value and the fix
 * (`ovirt-ci:<key>: <problem>; got <value>. Fix: <fix>`), and the "did you mean" of an unknown key.
 */

/** The config namespace (the Pulumi project name). */
export const PROJECT = "ovirt-ci";

/** One invalid value. */
export interface ConfigProblem {
    /** Key path, e.g. `addressing.apiVipHost` or `hosts[2].memoryGiB`. */
    readonly key: string;
    /** The offending value (undefined = missing). */
    readonly value: unknown;
    readonly problem: string;
    readonly fix: string;
}

/** Thrown by `validateConfig` / `loadConfig`; lists every problem found. */
export class ConfigError extends Error {
    constructor(public readonly problems: readonly ConfigProblem[]) {
        super(
            `invalid ${PROJECT} configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** `ovirt-ci:<key>: <problem>; got <value>. Fix: <fix>` */
export function formatProblem(p: ConfigProblem): string {
    return `${PROJECT}:${p.key}: ${p.problem}; got ${show(p.value)}. Fix: ${p.fix}`;
}

function show(v: unknown): string {
    if (v === undefined) {
        return "nothing (unset)";
    }
    const text = JSON.stringify(v) ?? String(v);
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
    const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let diag = prev[0];
        prev[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = prev[j];
            prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
            diag = tmp;
        }
    }
    return prev[b.length];
}

/** The closest known name, if plausibly a typo. */
export function suggest(name: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestScore = Infinity;
    for (const candidate of known) {
        const score =
            candidate.toLowerCase() === name.toLowerCase() ? 0 : distance(name.toLowerCase(), candidate.toLowerCase());
        if (score < bestScore) {
            bestScore = score;
            best = candidate;
        }
    }
    return best !== undefined && bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** `name` under `path`: `a.b`, or `name` at the top. */
export function keyPath(path: string, name: string): string {
    return path ? `${path}.${name}` : name;
}

/** The problem of a key that `known` (the keys of the map at `path`) does not hold. */
export function unknownKeyProblem(path: string, name: string, value: unknown, known: readonly string[]): ConfigProblem {
    const hint = suggest(name, known);
    return {
        key: keyPath(path, name),
        value,
        problem: `unknown key${hint ? ` (did you mean "${hint}"?)` : ""}`,
        fix: hint
            ? `rename it to "${hint}"`
            : `remove it; known keys${path ? ` of ${path}` : ""} are ${known.join(", ")}`,
    };
}

/** True when `key` is `at` or lies inside it (`at.x`, `at[0]`). */
function within(key: string, at: string): boolean {
    return key === at || key.startsWith(`${at}.`) || key.startsWith(`${at}[`);
}

/** The problems found so far, in the order found. */
export class Problems {
    readonly list: ConfigProblem[] = [];
    add(key: string, value: unknown, problem: string, fix: string): void {
        this.list.push({ key, value, problem, fix });
    }
    push(...problems: readonly ConfigProblem[]): void {
        this.list.push(...problems);
    }
    /** No problem at `key`, inside it or at a key that holds it: a rule can trust its value. */
    ok(...keys: readonly string[]): boolean {
        return keys.every((key) => !this.list.some((p) => within(p.key, key) || within(key, p.key)));
    }
    /** A problem at `key` or at a key that holds it: nothing more is said about it. */
    reportedAtOrAbove(key: string): boolean {
        return this.list.some((p) => within(key, p.key));
    }
}
