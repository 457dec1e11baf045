/**
 * Helpers for the tiers that run the real Pulumi CLI (smoke, end-to-end): a throwaway file backend,
 * a unique stack, and clean-up that always runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { fileBackendUrl } from "../../scripts/lib/fileBackend";

/** Fails with the fix when the toolchain from scripts/setup.sh is not on PATH (never a silent skip). */
export function requirePulumiCli(): string {
    try {
        return execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim();
    } catch {
        throw new Error(
            "the Pulumi CLI is not on PATH: run scripts/setup.sh, then `source scripts/lib/env.sh` (the README's test command does both)",
        );
    }
}

/** Whether an executable is on PATH. */
export function onPath(name: string): boolean {
    return (process.env.PATH ?? "").split(path.delimiter).some((d) => {
        try {
            fs.accessSync(path.join(d, name), fs.constants.X_OK);
            return true;
        } catch {
            return false;
        }
    });
}

/** A stack on a throwaway file backend, and the function that destroys and removes it all. */
export interface ThrowawayStack {
    stack: Stack;
    backendDir: string;
    /** Destroys the stack, removes it and deletes the backend directory. */
    dispose(): Promise<void>;
}

/** Creates a uniquely named stack of the program in `workDir` on a fresh `file://` backend (no sidecars: scripts/lib/fileBackend.ts). */
export async function throwawayStack(workDir: string, envVars: Record<string, string> = {}): Promise<ThrowawayStack> {
    requirePulumiCli();
    const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-state-"));
    const stackName = `t-${randomUUID().slice(0, 8)}`;
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, workDir },
        {
            envVars: {
                PULUMI_BACKEND_URL: fileBackendUrl(backendDir),
                PULUMI_CONFIG_PASSPHRASE: "throwaway-test-passphrase",
                PULUMI_SKIP_UPDATE_CHECK: "true",
                PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
                ...envVars,
            },
        },
    );
    const dispose = async () => {
        try {
            await stack.destroy();
        } finally {
            await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
            fs.rmSync(backendDir, { recursive: true, force: true });
        }
    };
    return { stack, backendDir, dispose };
}
