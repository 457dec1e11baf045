/**
 * Fault injection: rules per endpoint pattern, decided by a seeded PRNG so that the same seed and the same
 * request sequence give the same faults (a run replays).
 */

export type FaultKind = "503" | "reset" | "slow" | "lock409" | "expireToken";
const KINDS: readonly FaultKind[] = ["503", "reset", "slow", "lock409", "expireToken"];

export interface FaultRule {
    /** HTTP method to match (any when omitted). */
    method?: string;
    /** Regular expression matched against the request path (without the query string). */
    path: string;
    /** Chance per matching request, 0..1. @default 1 */
    probability?: number;
    kind: FaultKind;
    /** For `slow`: added delay. @default 1000 */
    delayMs?: number;
    /** Fire at most this many times. */
    times?: number;
}

export interface FaultHit {
    seq: number;
    method: string;
    path: string;
    kind: FaultKind;
    rule: number;
}

/** mulberry32: small, fast, good enough, and reproducible. */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export function validateRules(v: unknown, where: string): FaultRule[] {
    const list = Array.isArray(v)
        ? v
        : v && typeof v === "object" && Array.isArray((v as { rules?: unknown }).rules)
          ? (v as { rules: unknown[] }).rules
          : undefined;
    if (!list) throw new Error(`${where}: expected a JSON array of fault rules (or {"rules": [...], "seed": N})`);
    return list.map((r, i) => {
        const o = r as Record<string, unknown>;
        if (!o || typeof o !== "object") throw new Error(`${where}[${i}]: a rule must be an object`);
        if (typeof o.path !== "string")
            throw new Error(
                `${where}[${i}].path: a regular expression string is required, e.g. "^/ovirt-engine/api/vms"`,
            );
        try {
            new RegExp(o.path);
        } catch (e) {
            throw new Error(`${where}[${i}].path: invalid regular expression ${o.path} (${(e as Error).message})`, {
                cause: e,
            });
        }
        if (!KINDS.includes(o.kind as FaultKind))
            throw new Error(`${where}[${i}].kind: got ${JSON.stringify(o.kind)}, use one of ${KINDS.join(", ")}`);
        const p = o.probability ?? 1;
        if (typeof p !== "number" || p < 0 || p > 1)
            throw new Error(`${where}[${i}].probability: got ${JSON.stringify(p)}, use a number 0..1`);
        if (o.method !== undefined && typeof o.method !== "string")
            throw new Error(`${where}[${i}].method: must be a string such as "GET"`);
        return {
            method: o.method as string | undefined,
            path: o.path,
            probability: p,
            kind: o.kind as FaultKind,
            delayMs: typeof o.delayMs === "number" ? o.delayMs : undefined,
            times: typeof o.times === "number" ? o.times : undefined,
        };
    });
}

export class FaultInjector {
    private rules: Array<FaultRule & { re: RegExp; fired: number }> = [];
    private rand: () => number = prng(1);
    private seq = 0;
    seed = 1;
    readonly hits: FaultHit[] = [];

    constructor(rules: FaultRule[] = [], seed = 1) {
        this.set(rules, seed);
    }

    set(rules: FaultRule[], seed = this.seed): void {
        this.rules = rules.map((r) => ({ ...r, re: new RegExp(r.path), fired: 0 }));
        this.seed = seed;
        this.rand = prng(seed);
        this.seq = 0;
        this.hits.length = 0;
    }

    list(): FaultRule[] {
        return this.rules.map(({ re: _re, fired: _f, ...r }) => r);
    }

    /** One draw per matching rule, in rule order; the first that fires wins. */
    decide(method: string, path: string): FaultRule | undefined {
        if (this.rules.length === 0) return undefined;
        this.seq++;
        for (let i = 0; i < this.rules.length; i++) {
            const r = this.rules[i];
            if (r.method && r.method.toUpperCase() !== method.toUpperCase()) continue;
            if (!r.re.test(path)) continue;
            if (r.times !== undefined && r.fired >= r.times) continue;
            const draw = this.rand();
            if (draw < (r.probability ?? 1)) {
                r.fired++;
                this.hits.push({ seq: this.seq, method, path, kind: r.kind, rule: i });
                if (this.hits.length > 10_000) this.hits.shift();
                return r;
            }
        }
        return undefined;
    }
}
