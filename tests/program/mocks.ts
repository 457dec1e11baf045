/**
 * Mocks of the program spec (their own mocha process: Pulumi mocks are process-global). Every registration is
 * recorded; ids are deterministic UUIDs derived from the resource name, and the outputs the program reads from
 * providers (MACs, vNIC profile ids, the CA, the generated password, reported IPs) are filled in.
 */
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { installMocks } from "../helpers/mocks";
import { defineStack } from "../../components/stack";
// the program composed as index.ts composes it for a local stack: the sandbox's proxy target registered
import "../../local/proxyTarget";
import { loadConfig } from "../../lib/config";
import { fingerprintOf } from "../../providers/ovirt/sshHostKey";

export interface Registration {
    readonly type: string;
    readonly name: string;
    /** Inputs without the serialized dynamic provider (`__provider`), secrets revealed. */
    readonly inputs: Record<string, unknown>;
    /** Top-level input names that arrived as secrets. */
    readonly secretInputs: readonly string[];
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isSecretValue(v: unknown): v is { value: unknown } {
    return !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Replaces secret wrappers (as the mock monitor passes them) by their values; reports whether any was found. */
function reveal(v: unknown, found: { secret: boolean }): unknown {
    if (isSecretValue(v)) {
        found.secret = true;
        return reveal(v.value, found);
    }
    if (Array.isArray(v)) return v.map((x) => reveal(x, found));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x, found)]));
    return v;
}

export const registrations: Registration[] = [];

/** A stable UUID for a name. */
export function uuidOf(name: string): string {
    const h = crypto.createHash("sha256").update(name).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A stable MAC for a name. */
export function macOf(name: string): string {
    const h = crypto.createHash("sha256").update(name).digest("hex");
    return `56:6f:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}`;
}

export const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBmock\n-----END CERTIFICATE-----\n";
export const STATS_PASSWORD = "Mock0Stats0Password0xyz";
/** The host key the mocked SshHostKey "records" on first contact. */
export const RECORDED_HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRecordedOnFirstContact";

function outputsFor(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "pulumi-nodejs:dynamic/ovirt:EngineObject":
            return { status: "up", pem: inputs.kind === "caCertificate" ? CA_PEM : "" };
        case "pulumi-nodejs:dynamic/ovirt:Network":
            return { vnicProfileId: uuidOf(`${name}-profile`), adopted: false };
        case "pulumi-nodejs:dynamic/ovirt:VmNic":
            return { mac: macOf(name), plugged: true };
        case "pulumi-nodejs:dynamic/ovirt:Vm":
            return { status: "up", ipAddresses: ["fe80::1", "10.0.0.5"], adopted: false };
        case "pulumi-nodejs:dynamic/ovirt:Host":
        case "pulumi-nodejs:dynamic/ovirt:StorageDomain":
            return { status: type.endsWith("Host") ? "up" : "active", adopted: false };
        case "random:index/randomPassword:RandomPassword":
            return { result: STATS_PASSWORD };
        case "command:remote:Command":
            return { stdout: "", stderr: "" };
        case "pulumi-nodejs:dynamic/ovirt:SshHostKey":
            return { publicKey: RECORDED_HOST_KEY, fingerprintSha256: fingerprintOf(RECORDED_HOST_KEY) };
        default:
            return {};
    }
}

export async function useProgramMocks(config: Record<string, string>, secretKeys: string[]): Promise<void> {
    await installMocks(
        (args) => {
            const { __provider: _p, ...raw } = args.inputs as Record<string, unknown>;
            const inputs: Record<string, unknown> = {};
            const secretInputs: string[] = [];
            for (const [k, v] of Object.entries(raw)) {
                const found = { secret: false };
                inputs[k] = reveal(v, found);
                if (found.secret) secretInputs.push(k);
            }
            registrations.push({ type: args.type, name: args.name, inputs, secretInputs: secretInputs.sort() });
            const id = args.custom ? uuidOf(args.name) : undefined;
            return { id: id ?? `${args.name}_id`, state: { ...inputs, ...outputsFor(args.type, args.name, inputs) } };
        },
        config,
        secretKeys,
    );
}

/** Waits until every registration the program started has completed. */
export async function drain(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
}

const programPath = path.join(__dirname, "..", "..", "index.ts");

/** The stack outputs resolved, and the registrations of this run. */
async function settled(
    outputs: Record<string, unknown>,
): Promise<{ exports: Record<string, unknown>; regs: Registration[] }> {
    const resolved: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs)) {
        resolved[k] = pulumi.Output.isInstance(v) ? await new Promise((r) => v.apply(r)) : v;
    }
    await drain();
    return { exports: resolved, regs: [...registrations] };
}

/**
 * Runs the program with the given config the way `index.ts` does, but without the preflight checks (they need an
 * engine, which the mocks do not have): the config is loaded and validated, then components/stack.ts registers the
 * resources. Returns the stack's outputs and the registrations of this run.
 */
export async function runProgram(
    config: Record<string, string>,
    secretKeys: string[],
): Promise<{ exports: Record<string, unknown>; regs: Registration[] }> {
    registrations.length = 0;
    await useProgramMocks(config, secretKeys);
    return settled(defineStack(loadConfig()));
}

/**
 * Runs `index.ts` itself, as the language host does (it awaits the exported function): config, preflight checks,
 * resources. Under the mocks the preflight reaches for the engine of the config.
 */
export async function runEntry(
    config: Record<string, string>,
    secretKeys: string[],
): Promise<{ exports: Record<string, unknown>; regs: Registration[] }> {
    registrations.length = 0;
    await useProgramMocks(config, secretKeys);
    delete require.cache[require.resolve(programPath)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require(programPath) as () => Promise<Record<string, unknown>>;
    try {
        return await settled(await entry());
    } finally {
        await drain();
    }
}
