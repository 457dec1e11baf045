/**
 * `npm run doctor -- [--stack <name>] [--cwd <project dir>] [--boskos <release checkout or _boskos.yaml>] [ovirt-NN|ovirt-upgrade-N ...]`
 *
 * Checks leases from the CI's point of view (docs/operator.md, "Lease doctor"): the Vault item (scripts/lib/doctor/
 * vault.ts), the engine (engine.ts), the proxy's DNS, HAProxy and lease address (proxy.ts), boskos (boskos.ts). One
 * line per check with what was expected, what was found and the fix. Read-only: GETs, DNS queries, `cat` and
 * `ip addr show` over SSH; nothing is changed anywhere.
 *
 * Exit codes: 0 healthy, 1 findings, 2 could not check (a service unreachable, the stack unreadable, bad arguments).
 * The backend and passphrase come from the environment like any pulumi command; for `--stack local` without
 * PULUMI_BACKEND_URL, the local default's (`.pulumi-state/`, `.local/passphrase`). Default stack: `ci`.
 */
import * as path from "node:path";
import { ContextError, DoctorContext, loadContext, stackEnvironment } from "./lib/doctor/context";
import { boskosChecks } from "./lib/doctor/boskos";
import {
    EngineFacts,
    findStorageDomain,
    leaseEngineChecks,
    proxyVmCheck,
    readEngineFacts,
    upgradeEngineCheck,
} from "./lib/doctor/engine";
import { upgradeLeases as deriveUpgradeLeases } from "../lib/leaseModel";
import { ciUserGrantsCheck } from "./lib/doctor/ciUser";
import { proxyChecks } from "./lib/doctor/proxy";
import { CheckResult, EXIT, exitCode, fail, formatResult, summary } from "./lib/doctor/report";
import { expectedProfile, readProfileItem, vaultChecks } from "./lib/doctor/vault";
import { StandinRefusal, operatorCliEnv } from "./lib/standinPlugins";

const ROOT = path.resolve(__dirname, "..");
const USAGE =
    "usage: npm run doctor -- [--stack <name>] [--cwd <project dir>] [--boskos <release checkout or _boskos.yaml>] [ovirt-NN|ovirt-upgrade-N ...]";

interface Options {
    stack: string;
    cwd: string;
    boskos?: string;
    names: string[];
}

function parseArgs(argv: readonly string[]): Options {
    const o: Options = { stack: "ci", cwd: ROOT, names: [] };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--help" || a === "-h") {
            console.log(USAGE);
            process.exit(0);
        }
        if (a.startsWith("--")) {
            const v = argv[++i];
            if (!["--stack", "--cwd", "--boskos"].includes(a) || v === undefined || v.startsWith("--"))
                throw new ContextError(`unexpected argument ${JSON.stringify(a)}\n${USAGE}`);
            if (a === "--stack") o.stack = v;
            else if (a === "--cwd") o.cwd = path.resolve(v);
            else o.boskos = v;
        } else {
            o.names.push(a);
        }
    }
    return o;
}

/** Every check, in output order: per subject grouped. */
export async function runChecks(ctx: DoctorContext, boskos: string | undefined): Promise<CheckResult[]> {
    const facts: Promise<EngineFacts> = readEngineFacts(ctx);
    facts.catch(() => undefined); // each check reports it
    // what the program writes: every lease of the stack is in the profile, whichever the doctor was asked about
    const expected = (async () => {
        const f = await facts;
        const domainIds = new Map<string, string>();
        for (const u of deriveUpgradeLeases(ctx.config.upgradeLeases, ctx.config.upgradeStorage)) {
            const sd = await findStorageDomain(f, u);
            if (sd) domainIds.set(u.name, String(sd.id));
        }
        return expectedProfile(ctx, f, domainIds);
    })();
    expected.catch(() => undefined);
    const item = readProfileItem(ctx);
    item.catch(() => undefined);

    const results: CheckResult[] = [
        ...ctx.undeclared.map((name) => ({
            subject: name,
            check: "stack.declared",
            ...fail(
                `${name} declared by stack ${ctx.stack}`,
                "not declared (not in ovirt-ci:leases / upgradeLeases)",
                `add it to Pulumi.${ctx.stack}.yaml and run up, or check the name`,
            ),
        })),
        await proxyVmCheck(ctx, facts),
        await ciUserGrantsCheck(ctx, facts),
        ...(await vaultChecks(ctx, item, expected)),
    ];
    for (const lease of ctx.leases) results.push(...(await leaseEngineChecks(ctx, facts, lease)));
    results.push(...(await proxyChecks(ctx)));
    for (const u of ctx.upgradeLeases) results.push(await upgradeEngineCheck(ctx, facts, u));
    results.push(...(await boskosChecks(ctx, boskos)));
    const order = [
        ...new Set([
            "proxy",
            "ci-user",
            "profile",
            ...ctx.leases.map((l) => l.name),
            ...ctx.upgradeLeases.map((u) => u.name),
            ...ctx.undeclared,
        ]),
    ];
    return results.sort((a, b) => order.indexOf(a.subject) - order.indexOf(b.subject));
}

export async function main(argv: readonly string[]): Promise<number> {
    let ctx: DoctorContext;
    let o: Options;
    try {
        o = parseArgs(argv);
        Object.assign(process.env, stackEnvironment(o.stack, ROOT));
        // reads config and outputs only, but like every operator command refuses a real stack a stand-in would serve
        Object.assign(process.env, operatorCliEnv(o.stack, process.env));
        ctx = loadContext(o.stack, o.cwd, o.names);
    } catch (e) {
        console.error(`doctor: ${(e as Error).message}${e instanceof StandinRefusal ? `\n  fix: ${e.fix}` : ""}`);
        return EXIT.couldNotCheck;
    }
    const results = await runChecks(ctx, o.boskos);
    for (const r of results) console.log(formatResult(r));
    console.log(summary(results));
    return exitCode(results);
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (e: Error) => {
            console.error(`doctor: ${e.stack ?? e.message}`);
            process.exitCode = EXIT.couldNotCheck;
        },
    );
}
