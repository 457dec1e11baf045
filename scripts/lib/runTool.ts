/** Running a command-line tool of the toolchain and keeping its output (the scripts' CLI calls). */
import { spawn } from "node:child_process";

/** One finished run. */
export interface ToolRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/**
 * Runs `cmd args` with `input` on stdin (none: stdin closed) and resolves with its exit code and output, whatever the
 * code; rejects only when it cannot start: with `missing()` when the tool is not on PATH.
 */
export function runTool(
    cmd: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: Buffer | string; missing: () => Error },
): Promise<ToolRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", (e: NodeJS.ErrnoException) => reject(e.code === "ENOENT" ? opts.missing() : e));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(opts.input);
    });
}
