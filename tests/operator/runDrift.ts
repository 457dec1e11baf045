/** Runs `scripts/drift.ts` as a child process for a throwaway stack (the operator tier's drift tests). */
import { fileBackendUrl } from "../../scripts/lib/fileBackend";
import { ThrowawayStack } from "../helpers/pulumiCli";
import { ScriptRun, runScript } from "../helpers/runScript";

/** `npm run drift -- --stack <t> --cwd <projectDir> …` with the stack's backend; resolves with its exit and output. */
export function runDrift(
    t: ThrowawayStack,
    projectDir: string,
    extraArgs: string[] = [],
    env: Record<string, string> = {},
): Promise<ScriptRun> {
    return runScript("scripts/drift.ts", ["--stack", t.stack.name, "--cwd", projectDir, ...extraArgs], {
        PULUMI_BACKEND_URL: fileBackendUrl(t.backendDir),
        PULUMI_CONFIG_PASSPHRASE: "throwaway-test-passphrase",
        ...env,
    });
}
