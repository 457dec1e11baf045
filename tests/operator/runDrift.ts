/** Runs `scripts/drift.ts` as a child process for a throwaway stack (the operator tier's drift tests). */
import { fileBackendUrl } from "../../scripts/lib/fileBackend";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { ThrowawayStack } from "../helpers/pulumiCli";

const root = path.resolve(__dirname, "../..");

/** `npm run drift -- --stack <t> --cwd <projectDir> …` with the stack's backend; resolves with its exit and output. */
export function runDrift(t: ThrowawayStack, projectDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/drift.ts", "--stack", t.stack.name, "--cwd", projectDir, ...extraArgs], {
            cwd: root,
            env: { ...process.env, PULUMI_BACKEND_URL: fileBackendUrl(t.backendDir), PULUMI_CONFIG_PASSPHRASE: "throwaway-test-passphrase", ...env },
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
