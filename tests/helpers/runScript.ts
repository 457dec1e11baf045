/**
 * Runs one of the repository's scripts (`scripts/<name>.ts`) as a child process, asynchronously: tests whose services
 * (emulator, OpenBao) live in the test process's event loop must not block it with spawnSync.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

/** Exit status and output of a script run. */
export interface ScriptRun {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** `node -r ts-node/register/transpile-only <script> <args>` from the repository root, with `env` added to this process's. */
export function runScript(
    script: string,
    args: readonly string[],
    env: Record<string, string> = {},
): Promise<ScriptRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", script, ...args], {
            cwd: root,
            env: { ...process.env, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}
