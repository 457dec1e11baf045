/**
 * `npm run boskos -- [--stack <name> | --config <Pulumi.<stack>.yaml>] [--check <path to _boskos.yaml>]`
 *
 * Prints the oVirt entries of `_boskos.yaml` exactly as the upstream generator renders them (header line,
 * `resources:`, the three ovirt-* entries), from the `boskos` output of a stack (`pulumi stack output boskos --json`)
 * or, without `--stack`, from a stack config file (default `Pulumi.ci.yaml`), validated like the program does.
 * With `--check`, compares the ovirt-* entries of an existing `_boskos.yaml` (e.g. openshift/release
 * `core-services/prow/02_config/_boskos.yaml`), prints the differences and the `generate-boskos.py` lines to
 * change, and exits 1 when they differ (also when the names are right but not in the generator's order).
 *
 * With `--stack` and `--check`, the stack's config (`--config`, else `Pulumi.<stack>.yaml` in the working directory
 * when it exists) is compared with what the stack has deployed: a lease the next `up` would remove that the file
 * still lists gets a warning and exit 1 (scale-down order: boskos first, wait until no job holds it, then `up`).
 * With `--release <openshift/release checkout>`, rewrites the oVirt part of the checkout's `generate-boskos.py`,
 * regenerates its `_boskos.yaml` with the checkout's own generator, and prints the diff and a pull request title and
 * body (scripts/lib/releaseCheckout.ts); exit 0, or 2 with nothing changed.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { ConfigError, PROJECT, validateConfig } from "../lib/config";
import { updateRelease } from "./lib/releaseCheckout";
import { StandinRefusal, operatorCliEnv } from "./lib/standinPlugins";
import {
    BoskosEntry,
    OVIRT_BOSKOS_TYPES,
    OvirtBoskosInput,
    compareBoskosEntries,
    ovirtBoskosEntries,
    parseOvirtBoskosEntries,
    renderBoskosFile,
    renderGeneratorSnippet,
} from "../lib/render/boskos";

interface Options {
    stack?: string;
    config?: string;
    check?: string;
    release?: string;
}

const USAGE =
    "usage: npm run boskos -- [--stack <name> | --config <Pulumi.<stack>.yaml>] [--check <_boskos.yaml> | --release <openshift/release checkout>]";

function parseArgs(argv: readonly string[]): Options {
    const o: Options = {};
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = argv[i + 1];
        if (flag === "--help" || flag === "-h") {
            console.log(USAGE);
            process.exit(0);
        }
        if (
            !["--stack", "--config", "--check", "--release"].includes(flag) ||
            value === undefined ||
            value.startsWith("--")
        ) {
            throw new Error(
                `${flag === undefined ? "missing argument" : `unexpected argument ${JSON.stringify(flag)}`}\n${USAGE}`,
            );
        }
        o[flag.slice(2) as keyof Options] = value;
        i++;
    }
    if (o.stack && o.config && !o.check) {
        throw new Error(
            `--stack and --config go together only with --check (then --config is the stack's next config)\n${USAGE}`,
        );
    }
    if (o.check && o.release) {
        throw new Error(`--check and --release exclude each other\n${USAGE}`);
    }
    return o;
}

/** The entries from a stack's `boskos` output. */
export function entriesFromStack(stack: string): BoskosEntry[] {
    let text: string;
    try {
        text = execFileSync("pulumi", ["stack", "output", "boskos", "--json", "--stack", stack], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
    } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`pulumi stack output boskos --stack ${stack} failed: ${(err.stderr ?? err.message).trim()}`, {
            cause: e,
        });
    }
    const value = JSON.parse(text) as unknown;
    if (!Array.isArray(value) || value.length === 0) {
        throw new Error(`stack ${stack} has no boskos output (run pulumi up first, or use --config)`);
    }
    return value as BoskosEntry[];
}

/** The entries a stack config file leads to. */
export function entriesFromConfig(file: string): BoskosEntry[] {
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const own = Object.fromEntries(Object.entries(doc?.config ?? {}).filter(([k]) => k.startsWith(`${PROJECT}:`)));
    const c = validateConfig(own);
    return programEntries(c.leases, c.upgradeLeases, c.clusterbotPoolSize);
}

function programEntries(leases: readonly number[], upgradeLeases: readonly number[], pool: number): BoskosEntry[] {
    // The same function builds the program's `boskos` output.
    return ovirtBoskosEntries({ leases, upgradeLeases, clusterbotPoolSize: pool });
}

/** Lease numbers back from names, for the generator snippet. */
function numbers(entries: readonly BoskosEntry[], type: string, stem: string): number[] {
    return (entries.find((e) => e.type === type)?.names ?? [])
        .map((n) => Number(n.slice(stem.length)))
        .filter(Number.isInteger);
}

/**
 * Same names in another order. `generate-boskos.py` always writes them sorted as plain strings (contract section 9),
 * so an upstream file in any other order was not generated (edited by hand): reported, since `make boskos-config`
 * would rewrite it. The order of the lease numbers in our config never matters (the entries are sorted the same way).
 */
export function orderDifferences(expected: readonly BoskosEntry[], actual: readonly BoskosEntry[]): string[] {
    const diffs: string[] = [];
    for (const w of expected) {
        const h = actual.find((e) => e.type === w.type);
        if (!w.names || !h?.names || w.names.length !== h.names.length) continue;
        const sameSet = new Set([...w.names, ...h.names]).size === w.names.length;
        if (sameSet && w.names.some((n, i) => h.names![i] !== n)) {
            diffs.push(
                `${w.type}: the names are not in generate-boskos.py's order (sorted as plain strings: ${w.names.join(", ")}); the file was edited by hand, regenerate it with make boskos-config`,
            );
        }
    }
    return diffs;
}

/**
 * Leases the stack has deployed, its next config no longer declares (the next `up` removes them), and `listed`
 * (the boskos file) still hands out: one warning line each.
 */
export function pendingRemovalWarnings(
    deployed: readonly BoskosEntry[],
    next: readonly BoskosEntry[],
    listed: readonly BoskosEntry[],
    stack: string,
): string[] {
    const names = (list: readonly BoskosEntry[]) => new Set(list.flatMap((e) => e.names ?? []));
    const keep = names(next);
    const inBoskos = names(listed);
    return [...names(deployed)]
        .filter((n) => !keep.has(n) && inBoskos.has(n))
        .sort()
        .map(
            (n) =>
                `stack ${stack} is about to remove ${n} (deployed, no longer in its config), but boskos still lists it: ` +
                `take ${n} out of boskos first (generate-boskos.py, make boskos-config), wait until no job holds it, then run up`,
        );
}

/** The generator's inputs back from entries. */
function generatorInput(entries: readonly BoskosEntry[]): OvirtBoskosInput {
    return {
        leases: numbers(entries, OVIRT_BOSKOS_TYPES.install, "ovirt-"),
        upgradeLeases: numbers(entries, OVIRT_BOSKOS_TYPES.upgrade, "ovirt-upgrade-"),
        clusterbotPoolSize: entries.find((e) => e.type === OVIRT_BOSKOS_TYPES.clusterbot)?.maxCount ?? 3,
    };
}

/** `--release`: the openshift/release change, its diff and the pull request text. */
function release(dir: string, entries: readonly BoskosEntry[], source: string): number {
    const change = updateRelease(path.resolve(dir), generatorInput(entries), source);
    if (!change.changedFiles.length) {
        console.log(
            `${dir}: generate-boskos.py and _boskos.yaml already hold the oVirt leases of ${source}; nothing changed`,
        );
        return 0;
    }
    console.log(`${dir}: changed ${change.changedFiles.join(", ")}\n\n${change.diff}`);
    console.log(`pull request title:\n${change.pullRequest!.title}\n\npull request body:\n${change.pullRequest!.body}`);
    return 0;
}

export function main(argv: readonly string[]): number {
    const o = parseArgs(argv);
    const source = o.stack ? `stack ${o.stack}` : (o.config ?? "Pulumi.ci.yaml");
    // reads only the stack's output, but like every operator command refuses a real stack a stand-in would serve
    if (o.stack) operatorCliEnv(o.stack, process.env);
    const entries = o.stack ? entriesFromStack(o.stack) : entriesFromConfig(path.resolve(o.config ?? "Pulumi.ci.yaml"));
    if (o.release) {
        return release(o.release, entries, source);
    }
    const rendered = renderBoskosFile(entries);
    if (!o.check) {
        process.stdout.write(rendered);
        return 0;
    }
    const actual = parseOvirtBoskosEntries(fs.readFileSync(o.check, "utf8"));
    const diffs = [...compareBoskosEntries(entries, actual), ...orderDifferences(entries, actual)];
    const nextConfig = o.stack
        ? (o.config ?? (fs.existsSync(`Pulumi.${o.stack}.yaml`) ? `Pulumi.${o.stack}.yaml` : undefined))
        : undefined;
    const warnings =
        o.stack && nextConfig
            ? pendingRemovalWarnings(entries, entriesFromConfig(path.resolve(nextConfig)), actual, o.stack)
            : [];
    for (const w of warnings) console.log(`warning: ${w}`);
    const snippet = renderGeneratorSnippet(generatorInput(entries));
    if (diffs.length === 0) {
        console.log(`${o.check}: the ovirt-* entries match ${source}`);
    } else {
        console.log(`${o.check}: the ovirt-* entries differ from ${source}:`);
        for (const d of diffs) console.log(`  - ${d}`);
        console.log(`\nexpected entries:\n${rendered}`);
    }
    console.log(
        `generate-boskos.py (CONFIG entries):\n${snippet.configEntries}\ngenerate-boskos.py (loops):\n${snippet.loops}`,
    );
    return diffs.length === 0 && warnings.length === 0 ? 0 : 1;
}

if (require.main === module) {
    try {
        process.exitCode = main(process.argv.slice(2));
    } catch (e) {
        console.error(
            e instanceof ConfigError
                ? e.message
                : `boskos: ${(e as Error).message}${e instanceof StandinRefusal ? `\n  fix: ${e.fix}` : ""}`,
        );
        process.exitCode = 2;
    }
}
