/**
 * `npm run engine -- --port <p> [--state <file>] [--latency instant|fast|realistic] [--seed <file>]
 *   [--insecure-http] [--faults <file>] [--fault-seed <n>] [--data-dir <d>] [--token-ttl <s>] [--admin-password <pw>]
 *   [--ovn-auth-port <p>] [--ovn-network-port <p>] [--ovn-port-security-default true|false] [--ovn-admin-user <user@domain>]`
 */
import * as fs from "node:fs";
import { validateRules } from "./faults";
import { isLatencyProfile } from "./latency";
import { EngineOptions, startEngine } from "./index";

const USAGE = `usage: npm run engine -- [--port <p>] [--state <file>] [--latency instant|fast|realistic] [--seed <file>]
       [--insecure-http] [--faults <file>] [--fault-seed <n>] [--data-dir <dir>] [--token-ttl <seconds>] [--admin-password <pw>]
       [--ovn-auth-port <p>] [--ovn-network-port <p>] [--ovn-port-security-default true|false] [--ovn-admin-user <user@domain>]`;

function fail(msg: string): never {
    process.stderr.write(`engine emulator: ${msg}\n${USAGE}\n`);
    process.exit(2);
}

export function parseArgs(argv: string[]): EngineOptions {
    const o: EngineOptions = { port: 8443, latency: "fast" };
    const value = (i: number, flag: string): string => {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith("--")) fail(`${flag} needs a value`);
        return v;
    };
    const intArg = (v: string, flag: string, min: number, max: number, fix: string): number => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < min || n > max) fail(`${flag} ${v} is not valid: ${fix}`);
        return n;
    };
    for (let i = 0; i < argv.length; i++) {
        let a = argv[i];
        let inline: string | undefined;
        if (a.startsWith("--") && a.includes("=")) {
            inline = a.slice(a.indexOf("=") + 1);
            a = a.slice(0, a.indexOf("="));
            argv.splice(i + 1, 0, inline);
        }
        switch (a) {
            case "--port":
                o.port = intArg(value(i, a), a, 0, 65535, "use a TCP port 0..65535 (0 picks a free one)");
                i++;
                break;
            case "--state":
                o.statePath = value(i, a);
                i++;
                break;
            case "--seed": {
                const f = value(i, a);
                i++;
                if (!fs.existsSync(f))
                    fail(`--seed ${f}: no such file; write a JSON inventory (see docs/emulator.md) or omit --seed`);
                o.seedPath = f;
                break;
            }
            case "--latency": {
                const v = value(i, a);
                i++;
                if (!isLatencyProfile(v)) fail(`--latency ${v} is not a profile: use instant, fast or realistic`);
                o.latency = v;
                break;
            }
            case "--insecure-http":
                o.insecureHttp = true;
                if (inline !== undefined) argv.splice(i + 1, 1);
                break;
            case "--faults": {
                const f = value(i, a);
                i++;
                let doc: unknown;
                try {
                    doc = JSON.parse(fs.readFileSync(f, "utf8"));
                } catch (e) {
                    fail(`--faults ${f}: cannot read JSON (${(e as Error).message})`);
                }
                try {
                    o.faults = validateRules(doc, `--faults ${f}`);
                } catch (e) {
                    fail((e as Error).message);
                }
                const seed = (doc as { seed?: unknown }).seed;
                if (typeof seed === "number" && o.faultSeed === undefined) o.faultSeed = seed;
                break;
            }
            case "--fault-seed":
                o.faultSeed = intArg(value(i, a), a, 0, 2 ** 32 - 1, "use an integer 0..4294967295");
                i++;
                break;
            case "--data-dir":
                o.dataDir = value(i, a);
                i++;
                break;
            case "--token-ttl":
                o.tokenTtlSeconds = intArg(value(i, a), a, 1, 10 * 365 * 86400, "use a number of seconds >= 1");
                i++;
                break;
            case "--admin-password":
                o.adminPassword = value(i, a);
                i++;
                break;
            case "--ovn-auth-port":
                o.ovnAuthPort = intArg(value(i, a), a, 0, 65535, "use a TCP port 0..65535 (0 picks a free one)");
                i++;
                break;
            case "--ovn-network-port":
                o.ovnNetworkPort = intArg(value(i, a), a, 0, 65535, "use a TCP port 0..65535 (0 picks a free one)");
                i++;
                break;
            case "--ovn-port-security-default": {
                const v = value(i, a);
                i++;
                if (v !== "true" && v !== "false") fail(`${a} ${v} is not valid: use true or false`);
                o.ovnPortSecurityDefault = v === "true";
                break;
            }
            case "--ovn-admin-user": {
                const v = value(i, a);
                i++;
                if (!/^[^@\s]+@\S+$/.test(v))
                    fail(`${a} ${v} is not valid: use the engine user the provider accepts, e.g. admin@internal`);
                o.ovnAdminUser = v;
                break;
            }
            case "--help":
            case "-h":
                process.stdout.write(`${USAGE}\n`);
                process.exit(0);
                break;
            default:
                fail(`unknown flag ${a}`);
        }
    }
    return o;
}

async function main(): Promise<void> {
    const opts = parseArgs(process.argv.slice(2));
    let engine;
    try {
        engine = await startEngine(opts);
    } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === "EADDRINUSE")
            fail(
                `a port is in use (--port ${opts.port}, --ovn-auth-port ${opts.ovnAuthPort ?? 0}, --ovn-network-port ${opts.ovnNetworkPort ?? 0}): pick others or 0`,
            );
        fail(err.message);
    }
    process.stdout.write(
        [
            `oVirt engine emulator (latency ${opts.latency}${opts.statePath ? `, state ${opts.statePath}` : ""})`,
            `  URL:       ${engine.url}`,
            `  API:       ${engine.apiUrl}`,
            `  CA file:   ${engine.caFile}`,
            `  user:      ${engine.username}`,
            `  password:  ${engine.password}`,
            `  admin:     ${engine.adminUrl}/stats (no auth, loopback only)`,
            `  OVN auth:  ${engine.ovnAuthUrl}/tokens (Identity v2.0, engine credentials)`,
            `  OVN API:   ${engine.ovnNetworkUrl} (Networking v2.0)`,
            "",
        ].join("\n"),
    );
    let stopping = false;
    const stop = (sig: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`engine emulator: ${sig}, shutting down\n`);
        engine.stop().then(
            () => process.exit(0),
            (e) => {
                process.stderr.write(`${(e as Error).message}\n`);
                process.exit(1);
            },
        );
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
    void main();
}
