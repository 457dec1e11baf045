/**
 * Helpers of the plugin tests: a throwaway stack of tests/standin/project whose engine finds the LOCAL STAND-IN
 * plugins (their own plugin home, and no real plugin directory on PATH, so these tests test the stand-ins even where
 * a real plugin exists), unless OVIRT_CI_REAL_PLUGINS=1: then the same tests run against the real plugins on PATH or
 * in the plugin cache of PULUMI_HOME (README, "Tests"). And the text of everything the file backend stored.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { standinCliEnv, standinPlugins } from "../../scripts/lib/standinPlugins";
import { throwawayStack, ThrowawayStack } from "../helpers/pulumiCli";

export const projectDir = path.join(__dirname, "project");

/** Whether this run tests the real plugins (OVIRT_CI_REAL_PLUGINS=1) instead of the stand-ins. */
export const realPlugins = process.env.OVIRT_CI_REAL_PLUGINS === "1";

/** A stack on a fresh file backend whose plugins are the stand-ins (or the real ones: OVIRT_CI_REAL_PLUGINS=1). */
export function standinStack(envVars: Record<string, string> = {}): Promise<ThrowawayStack> {
    if (realPlugins) return throwawayStack(projectDir, envVars);
    // a real plugin on PATH would win over the plugin home (scripts/lib/standinPlugins.ts): keep those directories off
    const names = standinPlugins().map((p) => `pulumi-resource-${p.name}`);
    const withoutReal = (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter((d) => !names.some((n) => fs.existsSync(path.join(d, n))));
    return throwawayStack(projectDir, { ...standinCliEnv(), PATH: withoutReal.join(path.delimiter), ...envVars });
}

/** Every file the backend holds (state, backups, history): path relative to the backend, text. */
export function backendFiles(backendDir: string): [string, string][] {
    const out: [string, string][] = [];
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else out.push([path.relative(backendDir, p), fs.readFileSync(p, "latin1")]);
        }
    };
    walk(backendDir);
    return out;
}

/** Fails naming which secret appears in clear text in which of the backend's files. */
export function assertNotInState(backendDir: string, secrets: Record<string, string>): void {
    const files = backendFiles(backendDir);
    assert.ok(
        files.some(([f]) => f.endsWith(".json") && f.includes("stacks")),
        "the backend holds a stack state file",
    );
    for (const [what, value] of Object.entries(secrets)) {
        const where = files.filter(([, text]) => value && text.includes(value)).map(([f]) => f);
        assert.deepEqual(where, [], `the state holds ${what} in clear text`);
    }
}
