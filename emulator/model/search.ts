/**
 * The engine's search language, as far as clients use it:
 * `[Type:] key op value [and|or key op value ...] [sortby key [asc|desc]] [page N]`.
 * Values may be quoted; `*` is a wildcard; matching is case-insensitive unless `case_sensitive=true`.
 */

export type SearchValue = string | number | boolean | undefined | Array<string | number | undefined>;

export interface SearchKey<T> {
    get(e: T): SearchValue;
    /** Ordering for `<`/`>` on enumerations (e.g. event severity). */
    rank?: readonly string[];
}

export type SearchKeys<T> = Record<string, SearchKey<T> | ((e: T) => SearchValue)>;

export class SearchError extends Error {}

interface Token {
    kind: "word" | "quoted" | "op";
    text: string;
}
interface Clause {
    key?: string;
    op: string;
    value: string;
}
type Expr = { or: Clause[][] };

const OPS = ["!=", "<=", ">=", "=", "<", ">"];

function tokenize(q: string): Token[] {
    const out: Token[] = [];
    let i = 0;
    while (i < q.length) {
        const c = q[i];
        if (/\s/.test(c)) {
            i++;
            continue;
        }
        if (c === '"') {
            const end = q.indexOf('"', i + 1);
            if (end < 0) throw new SearchError(`unterminated quote in "${q}"`);
            out.push({ kind: "quoted", text: q.slice(i + 1, end) });
            i = end + 1;
            continue;
        }
        const op = OPS.find((o) => q.startsWith(o, i));
        if (op) {
            out.push({ kind: "op", text: op });
            i += op.length;
            continue;
        }
        let j = i;
        while (j < q.length && !/\s/.test(q[j]) && q[j] !== '"' && !OPS.some((o) => q.startsWith(o, j))) j++;
        out.push({ kind: "word", text: q.slice(i, j) });
        i = j;
    }
    return out;
}

interface Parsed {
    expr: Expr;
    sortBy?: string;
    desc: boolean;
    page?: number;
}

function parse(q: string): Parsed {
    let text = q.trim();
    const prefix = /^[A-Za-z]+\s*:\s*/.exec(text); // "Vms: name=x" (the web UI's form)
    if (prefix) text = text.slice(prefix[0].length);
    const toks = tokenize(text);
    const res: Parsed = { expr: { or: [[]] }, desc: false };
    let i = 0;
    const isWord = (t: Token | undefined, w: string) => t?.kind === "word" && t.text.toLowerCase() === w;
    while (i < toks.length) {
        const t = toks[i];
        if (isWord(t, "sortby")) {
            const f = toks[i + 1];
            if (!f || f.kind === "op") throw new SearchError("sortby needs a field");
            res.sortBy = f.text.toLowerCase();
            i += 2;
            if (isWord(toks[i], "asc")) i++;
            else if (isWord(toks[i], "desc")) {
                res.desc = true;
                i++;
            }
            continue;
        }
        if (isWord(t, "page")) {
            const n = Number(toks[i + 1]?.text);
            if (!Number.isInteger(n) || n < 1) throw new SearchError("page needs a positive number");
            res.page = n;
            i += 2;
            continue;
        }
        if (isWord(t, "and")) {
            i++;
            continue;
        }
        if (isWord(t, "or")) {
            res.expr.or.push([]);
            i++;
            continue;
        }
        if (t.kind === "op") throw new SearchError(`unexpected "${t.text}"`);
        const next = toks[i + 1];
        const current = res.expr.or[res.expr.or.length - 1];
        if (next?.kind === "op") {
            const v = toks[i + 2];
            if (!v || v.kind === "op") throw new SearchError(`missing value after ${t.text}${next.text}`);
            current.push({ key: t.text.toLowerCase(), op: next.text, value: v.text });
            i += 3;
        } else {
            current.push({ op: "=", value: t.text }); // free text: matched against the name
            i++;
        }
    }
    return res;
}

function wildcard(pattern: string, caseSensitive: boolean): RegExp {
    const esc = pattern
        .split("*")
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*");
    return new RegExp(`^${esc}$`, caseSensitive ? "" : "i");
}

function compare(
    actual: string | number | boolean | undefined,
    c: Clause,
    rank: readonly string[] | undefined,
    cs: boolean,
): boolean {
    if (actual === undefined) return c.op === "!=";
    if (c.op === "=" || c.op === "!=") {
        const m = wildcard(c.value, cs).test(String(actual));
        return c.op === "=" ? m : !m;
    }
    let a: number;
    let b: number;
    if (rank) {
        a = rank.indexOf(String(actual).toLowerCase());
        b = rank.indexOf(c.value.toLowerCase());
    } else {
        a = typeof actual === "number" ? actual : Number(actual);
        b = Number(c.value);
    }
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    switch (c.op) {
        case "<":
            return a < b;
        case ">":
            return a > b;
        case "<=":
            return a <= b;
        default:
            return a >= b;
    }
}

/**
 * The `page N` of a query, or undefined. The engine pages with the request's `max` as the page size: page N is
 * rows (N-1)·max+1 … N·max (searchbackend SyntaxChecker.getPagePhrase; without `max` the size is unlimited,
 * SearchParameters' Integer.MAX_VALUE, so only page 1 has rows).
 */
export function searchPage(query: string): number | undefined {
    return parse(query).page;
}

/** Filters (and sorts) `items` by an engine search query. Throws `SearchError` on syntax errors or unknown keys. */
export function search<T>(items: readonly T[], query: string, keys: SearchKeys<T>, caseSensitive = false): T[] {
    const p = parse(query);
    const spec = (k: string): SearchKey<T> => {
        const s = keys[k];
        if (!s) throw new SearchError(`unknown search key "${k}"; supported: ${Object.keys(keys).join(", ")}`);
        return typeof s === "function" ? { get: s } : s;
    };
    const nameKey = keys.name ? "name" : Object.keys(keys)[0];
    const clauses = p.expr.or.map((and) => and.map((c) => ({ c, s: spec(c.key ?? nameKey) })));
    let out = items.filter((e) =>
        clauses.some((and) =>
            and.every(({ c, s }) => {
                const v = s.get(e);
                if (Array.isArray(v)) {
                    return c.op === "!="
                        ? v.every((x) => compare(x, c, s.rank, caseSensitive))
                        : v.some((x) => compare(x, c, s.rank, caseSensitive));
                }
                return compare(v, c, s.rank, caseSensitive);
            }),
        ),
    );
    if (p.sortBy) {
        const s = spec(p.sortBy);
        const val = (e: T) => {
            const v = s.get(e);
            return Array.isArray(v) ? v[0] : v;
        };
        out = [...out].sort((x, y) => {
            const a = val(x);
            const b = val(y);
            const r =
                typeof a === "number" && typeof b === "number" ? a - b : String(a ?? "").localeCompare(String(b ?? ""));
            return p.desc ? -r : r;
        });
    }
    return out;
}
