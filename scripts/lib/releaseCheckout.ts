/**
 * `npm run boskos -- --release <openshift/release checkout>`: the openshift/release change for the leases of a
 * stack. Rewrites the oVirt part of `core-services/prow/02_config/generate-boskos.py` (lib/boskosGenerator.ts),
 * regenerates `_boskos.yaml` by running the checkout's own generator the way `make boskos-config` does (`cd
 * core-services/prow/02_config && ./generate-boskos.py`, Python 3 with PyYAML), and returns the diff and a pull
 * request title and body.
 *
 * Nothing half-made: the new generator runs in a temporary directory first, its `_boskos.yaml` must hold exactly the
 * stack's oVirt entries, and only then are the two files written into the checkout. An unrecognised generator,
 * a missing Python or PyYAML, or a failing generator leave the checkout as it was.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BOSKOS_FILE, GENERATOR_FILE, readGenerator, rewriteGenerator } from "../../lib/boskosGenerator";
import {
    BoskosEntry,
    OvirtBoskosInput,
    compareBoskosEntries,
    ovirtBoskosEntries,
    parseOvirtBoskosEntries,
} from "../../lib/render/boskos";
import { leaseName, upgradeLeaseName } from "../../lib/leaseModel";

/** What {@link updateRelease} did. */
export interface ReleaseChange {
    /** Checkout-relative paths written (empty: the checkout already had it). */
    readonly changedFiles: string[];
    /** Unified diff of the written files (`a/…`, `b/…` paths relative to the checkout), "" when nothing changed. */
    readonly diff: string;
    /** Suggested pull request title and body; undefined when nothing changed. */
    readonly pullRequest?: { readonly title: string; readonly body: string };
}

/** The Python that runs the generator: `OVIRT_CI_PYTHON` (scripts/lib/env.sh sets it), else `python3`. */
export function generatorPython(env: NodeJS.ProcessEnv = process.env): string {
    return env.OVIRT_CI_PYTHON || "python3";
}

/** Throws a clear error unless `python` runs and imports yaml. */
export function requirePythonWithYaml(python: string): void {
    const r = spawnSync(python, ["-c", "import yaml"], { encoding: "utf8" });
    if (r.error) {
        throw new Error(
            `cannot run ${python} (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}): generate-boskos.py needs Python 3 with PyYAML. ` +
                "Fix: install python3 (apt-get install python3), or point OVIRT_CI_PYTHON at one; scripts/setup.sh provides one with PyYAML",
        );
    }
    if (r.status !== 0) {
        throw new Error(
            `${python} has no PyYAML (import yaml failed: ${r.stderr.trim().split("\n").pop()}): generate-boskos.py needs it. ` +
                `Fix: ${python} -m pip install PyYAML, or run scripts/setup.sh and \`source scripts/lib/env.sh\` (OVIRT_CI_PYTHON)`,
        );
    }
}

/** Runs the generator text as `make boskos-config` would, in a scratch directory; returns its `_boskos.yaml`. */
function runGenerator(python: string, generatorText: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boskos-gen-"));
    try {
        fs.writeFileSync(path.join(dir, "generate-boskos.py"), generatorText, { mode: 0o755 });
        const r = spawnSync(python, ["generate-boskos.py"], { cwd: dir, encoding: "utf8" });
        if (r.error || r.status !== 0) {
            throw new Error(
                `generate-boskos.py failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr ?? "").trim()}. Nothing was changed. Fix: run make boskos-config in the checkout to see why`,
            );
        }
        return fs.readFileSync(path.join(dir, "_boskos.yaml"), "utf8");
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** `diff -u` of one file with `a/<rel>` and `b/<rel>` labels (what `git apply` takes); "" when equal. */
function unifiedDiff(rel: string, before: string, after: string): string {
    if (before === after) return "";
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boskos-diff-"));
    try {
        fs.writeFileSync(path.join(dir, "old"), before);
        fs.writeFileSync(path.join(dir, "new"), after);
        const r = spawnSync("diff", ["-u", "--label", `a/${rel}`, "--label", `b/${rel}`, "old", "new"], {
            cwd: dir,
            encoding: "utf8",
        });
        if (r.error || r.status === 2)
            throw new Error(`diff -u failed: ${r.error?.message ?? r.stderr}. Fix: install diffutils`);
        return r.stdout;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function names(numbers: readonly number[], name: (n: number) => string): string[] {
    return numbers.map(name);
}

/** The pull request's title and body for going from `have` to `want`; undefined when they declare the same. */
export function pullRequestText(have: ReturnType<typeof readGenerator>, want: OvirtBoskosInput, source: string) {
    const wantLeases = [...new Set(want.leases)].sort((a, b) => a - b);
    const wantUpgrades = [...new Set(want.upgradeLeases)].sort((a, b) => a - b);
    const added = [
        ...names(
            wantLeases.filter((n) => !have.leases.includes(n)),
            leaseName,
        ),
        ...names(
            wantUpgrades.filter((n) => !have.upgradeLeases.includes(n)),
            upgradeLeaseName,
        ),
    ];
    const removed = [
        ...names(
            have.leases.filter((n) => !wantLeases.includes(n)),
            leaseName,
        ),
        ...names(
            have.upgradeLeases.filter((n) => !wantUpgrades.includes(n)),
            upgradeLeaseName,
        ),
    ];
    const pool = want.clusterbotPoolSize ?? 3;
    const poolChange = have.clusterbotPoolSize === pool ? undefined : `${have.clusterbotPoolSize ?? "none"} → ${pool}`;
    if (!added.length && !removed.length && !poolChange) return undefined;
    const parts = [
        ...(added.length ? [`add ${added.join(", ")}`] : []),
        ...(removed.length ? [`remove ${removed.join(", ")}`] : []),
        ...(poolChange ? [`clusterbot pool ${poolChange}`] : []),
    ];
    const title = `boskos: oVirt leases: ${parts.join("; ")}`;
    const body = [
        `Generated by ovirt-ci (\`npm run boskos -- --release\`) from ${source}.`,
        "",
        ...(added.length
            ? [
                  `Added: ${added.join(", ")}. They exist on the engine, in the CI profile and on the proxy (\`pulumi up\` of ovirt-ci ran first).`,
              ]
            : []),
        ...(removed.length
            ? [
                  `Removed: ${removed.join(", ")}. Merge this before ovirt-ci removes them; they are removed there once no job holds them.`,
              ]
            : []),
        ...(poolChange ? [`ovirt-clusterbot-quota-slice pool (min-count = max-count): ${poolChange}.`] : []),
        "",
        `Only the oVirt part of \`${GENERATOR_FILE}\` changed; \`${BOSKOS_FILE}\` is regenerated with it (\`make boskos-config\`).`,
    ].join("\n");
    return { title, body };
}

/**
 * Brings the checkout's generator and `_boskos.yaml` to `want`. Throws (changing nothing) for a checkout without the
 * generator, a generator of another shape, Python or PyYAML missing, or a generator whose output disagrees.
 */
export function updateRelease(
    releaseDir: string,
    want: OvirtBoskosInput,
    source: string,
    python = generatorPython(),
): ReleaseChange {
    const genPath = path.join(releaseDir, GENERATOR_FILE);
    const yamlPath = path.join(releaseDir, BOSKOS_FILE);
    if (!fs.existsSync(genPath)) {
        throw new Error(
            `${releaseDir} is not an openshift/release checkout: ${GENERATOR_FILE} is missing. Fix: pass the checkout's top directory to --release`,
        );
    }
    const oldGen = fs.readFileSync(genPath, "utf8");
    const oldYaml = fs.existsSync(yamlPath) ? fs.readFileSync(yamlPath, "utf8") : "";
    const have = readGenerator(oldGen);
    const newGen = rewriteGenerator(oldGen, want);
    requirePythonWithYaml(python);
    const newYaml = runGenerator(python, newGen);

    const expected: BoskosEntry[] = ovirtBoskosEntries(want);
    const produced = parseOvirtBoskosEntries(newYaml);
    const diffs = compareBoskosEntries(expected, produced);
    if (diffs.length) {
        throw new Error(
            `the rewritten generate-boskos.py renders other oVirt entries than ${source} (${diffs.join("; ")}). Nothing was changed. Fix: check the generator by hand`,
        );
    }

    const changedFiles: string[] = [];
    if (newGen !== oldGen) {
        fs.writeFileSync(genPath, newGen); // an existing file keeps its mode (the generator is executable)
        changedFiles.push(GENERATOR_FILE);
    }
    if (newYaml !== oldYaml) {
        fs.writeFileSync(yamlPath, newYaml);
        changedFiles.push(BOSKOS_FILE);
    }
    const diff = unifiedDiff(GENERATOR_FILE, oldGen, newGen) + unifiedDiff(BOSKOS_FILE, oldYaml, newYaml);
    const pr =
        pullRequestText(have, want, source) ??
        (changedFiles.length
            ? {
                  title: "boskos: regenerate _boskos.yaml",
                  body: `The oVirt part of \`${GENERATOR_FILE}\` already matches ${source}; \`${BOSKOS_FILE}\` was not generated from it (\`make boskos-config\`).`,
              }
            : undefined);
    return { changedFiles, diff, ...(pr ? { pullRequest: pr } : {}) };
}
