/**
 * What the doctor knows about a stack before it checks anything: the validated config, the secret config values
 * (kept in memory only, never printed), the stack outputs, and the leases asked for. Read with the Pulumi CLI like
 * `npm run drift` (the backend and passphrase come from the environment): `pulumi config --json --show-secrets` and
 * `pulumi stack output --json`. Read-only: neither command changes the stack.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEYS, OvirtCiConfig, OvirtCiSecrets, PROJECT, validateConfig } from "../../../lib/config";
import {
    LeaseInfo,
    UpgradeLeaseInfo,
    leaseName,
    leases as deriveLeases,
    upgradeLeaseName,
    upgradeLeases as deriveUpgradeLeases,
} from "../../../lib/leaseModel";
import { ConfigSource, Endpoint, resolveEndpoint } from "../../../providers/ovirt/client";
import { OvnEndpoint, resolveOvnEndpoint } from "../../../providers/ovirt/ovnClient";
import { fileBackendUrl } from "../fileBackend";

/** The secret config values the checks compare against (never printed): the program's secrets, resolved, and Vault's token. */
export type DoctorSecrets = { readonly [K in keyof OvirtCiSecrets]: string } & { readonly vaultToken: string };

/** Everything the check groups read. */
export interface DoctorContext {
    readonly stack: string;
    readonly config: OvirtCiConfig;
    readonly secrets: DoctorSecrets;
    readonly vaultAddress: string;
    readonly endpoint: Endpoint;
    /** The OVN provider's Identity and Networking API (`ovnAuthUrl`/`ovnNetworkUrl`, else derived from the engine URL). */
    readonly ovnEndpoint: OvnEndpoint;
    /** The `proxy.address` output: the proxy's external address as the last `up` learnt it ("" when unknown). */
    readonly proxyAddress: string;
    /** The host key the program pins (stack output `proxy.hostKey`: configured or recorded on first contact). */
    readonly proxyHostKey?: string;
    /** The install and upgrade leases to check (all of the stack's unless names were given). */
    readonly leases: readonly LeaseInfo[];
    readonly upgradeLeases: readonly UpgradeLeaseInfo[];
    /** Names given on the command line that the stack does not declare. */
    readonly undeclared: readonly string[];
}

/** The stack could not be read: the doctor exits 2 with this. */
export class ContextError extends Error {}

interface ConfigEntry {
    value?: string;
    secret?: boolean;
}

function pulumiJson(args: string[], cwd: string, what: string): unknown {
    try {
        return JSON.parse(
            execFileSync("pulumi", [...args, "--non-interactive"], {
                cwd,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
                maxBuffer: 64 * 1024 * 1024,
            }),
        );
    } catch (e) {
        const err = e as { stderr?: string; message: string; code?: string };
        if (err.code === "ENOENT")
            throw new ContextError(
                "the pulumi CLI is not on PATH; fix: run scripts/setup.sh, then `source scripts/lib/env.sh`",
            );
        throw new ContextError(
            `${what} failed: ${(err.stderr || err.message).trim().split("\n").slice(-3).join(" ")}; fix: set PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE for the stack's backend, check the stack name (pulumi stack ls)`,
        );
    }
}

/**
 * The environment for a stack: for the local default (`--stack local` without PULUMI_BACKEND_URL) the repository's
 * file backend and `.local/passphrase`, as `npm run up:local` uses them; otherwise the caller's environment.
 */
export function stackEnvironment(
    stack: string,
    repoRoot: string,
    env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
    if (stack !== "local" || env.PULUMI_BACKEND_URL) return env;
    const passFile = path.join(repoRoot, ".local", "passphrase");
    return {
        ...env,
        PULUMI_BACKEND_URL: fileBackendUrl(path.join(repoRoot, ".pulumi-state")),
        ...(fs.existsSync(passFile) && !env.PULUMI_CONFIG_PASSPHRASE
            ? { PULUMI_CONFIG_PASSPHRASE: fs.readFileSync(passFile, "utf8").trim() }
            : {}),
    };
}

/** Splits `ovirt-12 ovirt-upgrade-3` into numbers; throws on anything else. */
export function parseLeaseNames(names: readonly string[]): { leases: number[]; upgradeLeases: number[] } {
    const out = { leases: [] as number[], upgradeLeases: [] as number[] };
    for (const n of names) {
        const up = /^ovirt-upgrade-([1-9]\d*)$/.exec(n);
        const inst = /^ovirt-([1-9]\d*)$/.exec(n);
        if (up) out.upgradeLeases.push(Number(up[1]));
        else if (inst) out.leases.push(Number(inst[1]));
        else
            throw new ContextError(
                `${JSON.stringify(n)} is not a lease name; fix: name leases as in boskos, e.g. ovirt-12 or ovirt-upgrade-3`,
            );
    }
    return out;
}

/** Reads the stack through the CLI (`cwd`: the project directory) and selects the leases. */
export function loadContext(stack: string, cwd: string, names: readonly string[]): DoctorContext {
    const raw = pulumiJson(
        ["config", "--json", "--show-secrets", "--stack", stack],
        cwd,
        `pulumi config --stack ${stack}`,
    ) as Record<string, ConfigEntry>;
    const outputs = pulumiJson(
        ["stack", "output", "--json", "--stack", stack],
        cwd,
        `pulumi stack output --stack ${stack}`,
    ) as Record<string, unknown>;
    const value = (key: string) => raw[key]?.value;
    const secretKeys = new Set<string>(CONFIG_KEYS.filter((k) => k.secret).map((k) => k.key));
    const plain = Object.fromEntries(
        Object.entries(raw)
            .filter(([k]) => k.startsWith(`${PROJECT}:`) && !secretKeys.has(k.slice(PROJECT.length + 1)))
            .map(([k, v]) => [k, v.value]),
    );
    let config: OvirtCiConfig;
    try {
        // the same strings the program gets from pulumi.runtime.allConfig()
        config = validateConfig(plain);
    } catch (e) {
        throw new ContextError(`stack ${stack}: ${(e as Error).message}`);
    }
    // A local stack's proxy is the workshop's sandbox, whose target registers itself when loaded (as index.ts does).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (config.proxyVm.serviceMode === "local") require("../../../local/proxyTarget");
    const need = (key: string, what: string, secret = true) => {
        const v = value(key);
        if (!v)
            throw new ContextError(
                `stack ${stack}: ${key} is not set (${what}); fix: pulumi config set ${secret ? "--secret " : ""}${key} <value> --stack ${stack}`,
            );
        return v;
    };
    const secrets: DoctorSecrets = {
        enginePassword: need(`${PROJECT}:enginePassword`, "the engine login"),
        ciEnginePassword: need(`${PROJECT}:ciEnginePassword`, "the CI jobs' engine login in ovirt.conf"),
        ...(config.ciProfile.pullSecret
            ? { pullSecret: need(`${PROJECT}:pullSecret`, "the profile's pull-secret") }
            : {}),
        sshPublicKey: need(`${PROJECT}:sshPublicKey`, "the profile's ssh-publickey"),
        sshPrivateKey: need(`${PROJECT}:sshPrivateKey`, "the profile's ssh-privatekey"),
        proxyAdminSshPublicKey: need(`${PROJECT}:proxyAdminSshPublicKey`, "the proxy's admin key"),
        proxyAdminSshPrivateKey: need(`${PROJECT}:proxyAdminSshPrivateKey`, "the SSH login to the proxy"),
        vaultToken: need("vault:token", "the Vault login"),
    };
    const source: ConfigSource = { get: (k) => value(k) };
    let endpoint: Endpoint;
    let ovnEndpoint: OvnEndpoint;
    try {
        endpoint = resolveEndpoint(source);
        ovnEndpoint = resolveOvnEndpoint(source);
    } catch (e) {
        throw new ContextError(`stack ${stack}: ${(e as Error).message}`);
    }

    const asked = parseLeaseNames(names);
    const all = names.length === 0;
    const pick = (declared: readonly number[], wanted: number[]) =>
        all ? [...declared] : wanted.filter((n) => declared.includes(n));
    const undeclared = [
        ...asked.leases.filter((n) => !config.leases.includes(n)).map(leaseName),
        ...asked.upgradeLeases.filter((n) => !config.upgradeLeases.includes(n)).map(upgradeLeaseName),
    ];
    const proxy = outputs.proxy as { address?: unknown; hostKey?: unknown } | undefined;
    return {
        stack,
        config,
        secrets,
        vaultAddress: need("vault:address", "where the CI profile lives", false),
        endpoint,
        ovnEndpoint,
        proxyAddress: typeof proxy?.address === "string" ? proxy.address : "",
        ...(typeof proxy?.hostKey === "string" && proxy.hostKey ? { proxyHostKey: proxy.hostKey } : {}),
        leases: deriveLeases(pick(config.leases, asked.leases), config),
        upgradeLeases: deriveUpgradeLeases(pick(config.upgradeLeases, asked.upgradeLeases), config.upgradeStorage),
        undeclared,
    };
}
