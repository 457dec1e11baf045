/**
 * The independent-client tier: the official oVirt Python SDK and Ansible's ovirt.ovirt modules, unmodified,
 * against the engine emulator. Their virtual environment comes from scripts/setup.sh (OVIRT_CLIENTS_DIR).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunningEngine } from "../../emulator";

/** The clients' virtual environment; a missing one fails the tier with the fix. */
export function clientsDir(): string {
    const dir = process.env.OVIRT_CLIENTS_DIR;
    if (!dir) throw new Error("OVIRT_CLIENTS_DIR is not set: source scripts/lib/env.sh (after scripts/setup.sh)");
    if (!fs.existsSync(path.join(dir, "bin", "python"))) {
        throw new Error(`the oVirt clients are not installed in ${dir}: run scripts/setup.sh`);
    }
    return dir;
}

export interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
    ms: number;
}

/** Runs a program of the clients' environment; resolves with its exit code and output (never rejects on exit code). */
export function runClient(
    program: string,
    args: string[],
    env: Record<string, string>,
    timeoutMs = 300_000,
): Promise<Run> {
    const dir = clientsDir();
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(path.join(dir, "bin", program), args, {
            env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH ?? ""}`, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => {
            stdout += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
            stderr += d.toString();
        });
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr, ms: Date.now() - started });
        });
    });
}

/** What every client needs to reach the emulator: the SDK's connection parameters as environment variables. */
export function connectionEnv(e: RunningEngine): Record<string, string> {
    return { OVIRT_URL: e.apiUrl, OVIRT_CA_FILE: e.caFile, OVIRT_USERNAME: e.username, OVIRT_PASSWORD: e.password };
}

/** One JSON report line per step, as tests/clients/*.py print them. */
export interface StepReport {
    step: string;
    ok: boolean;
    error?: string;
    [k: string]: unknown;
}

export function steps(out: string): StepReport[] {
    return out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as StepReport);
}

/** The counters of an ansible-playbook run's play recap (`localhost : ok=6 changed=0 …`); undefined when it has none. */
export function playRecap(out: string): Record<string, number> | undefined {
    const line = /^localhost\s+:\s+(.*)$/m.exec(out);
    if (!line) return undefined;
    return Object.fromEntries(
        line[1]
            .trim()
            .split(/\s+/)
            .map((kv) => {
                const [k, v] = kv.split("=");
                return [k, Number(v)];
            }),
    );
}

/** The environment ansible-playbook runs with: quiet, no colour, its temporary and home directories under `dir`. */
export function ansibleEnv(dir: string): Record<string, string> {
    return {
        ANSIBLE_LOCALHOST_WARNING: "false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING: "false",
        ANSIBLE_NOCOLOR: "1",
        ANSIBLE_LOCAL_TEMP: path.join(dir, "tmp"),
        ANSIBLE_HOME: path.join(dir, "home"),
    };
}
