/**
 * Where the wall time of an `up` goes: one `up` from empty of the real program (like bench/harness.ts), with each
 * resource's start (resourcePreEvent) and end (resOutputsEvent) taken from the Automation API's event stream, as
 * arrival times relative to the start of the `up`. Prints the resources sorted by end, the program's and the CLI's
 * share, and the gaps where nothing finished. With `--add K`, the `up` from empty is not timed; the timed one is the
 * next `up`, which adds K leases to that stack (the peer section's "add one lease").
 *
 *   npx ts-node --transpile-only bench/timeline.ts [--leases 20] [--upgrade-leases 6] [--latency realistic] [--add K] [--parallel N] [--env K=V]…
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { LatencyProfile } from "../emulator/latency";
import { programStack, startServices } from "../tests/e2e/helpers";
import { setLeases } from "./harness";

function arg(name: string, dflt: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

async function main(): Promise<void> {
    const leases = Number(arg("leases", "20"));
    const upgrades = Number(arg("upgrade-leases", "6"));
    const latency = arg("latency", "realistic") as LatencyProfile;
    const extraEnv: Record<string, string> = {};
    process.argv.forEach((a, i) => {
        if (a === "--env") {
            const [k, ...v] = process.argv[i + 1].split("=");
            extraEnv[k] = v.join("=");
        }
    });
    const add = Number(arg("add", "0"));
    const s = await startServices({ latency, maxLease: 10 + leases + add });
    try {
        const t = await programStack(s, {
            leases: { from: 10, to: 10 + leases - 1 },
            upgradeLeases: upgrades ? { from: 1, to: upgrades } : [],
        });
        const ws = t.stack.workspace;
        const settings = await ws.stackSettings(t.stack.name);
        settings.config = { ...settings.config, "ovirt-ci:capacityOverride": true as never };
        await ws.saveStackSettings(t.stack.name, settings);
        Object.assign(ws.envVars, extraEnv);
        if (add) {
            const r = await t.stack.up();
            if (r.summary.result !== "succeeded")
                throw new Error(`timeline: the untimed up from empty: ${r.summary.result}`);
            await setLeases(t, { from: 10, to: 10 + leases + add - 1 });
        }
        const start = new Map<string, number>();
        const end = new Map<string, number>();
        let first: number | undefined;
        const t0 = Date.now();
        const onEvent = (e: EngineEvent) => {
            const now = (Date.now() - t0) / 1000;
            const pre = e.resourcePreEvent?.metadata;
            const out = e.resOutputsEvent?.metadata;
            if (pre && pre.type !== "pulumi:pulumi:Stack") {
                first ??= now;
                start.set(pre.urn, now);
            }
            if (out) end.set(out.urn, now);
        };
        const parallel = Number(arg("parallel", "0"));
        await t.stack.up({ onEvent, ...(parallel ? { parallel } : {}) });
        const wall = (Date.now() - t0) / 1000;
        const rows = [...end.entries()]
            .filter(([u]) => start.has(u))
            .map(([u, e]) => ({ name: u.split("::").pop()!, start: start.get(u)!, end: e }))
            .sort((a, b) => a.end - b.end);
        for (const r of rows)
            process.stdout.write(
                `${r.start.toFixed(1).padStart(7)} → ${r.end.toFixed(1).padStart(7)}  ${(r.end - r.start).toFixed(1).padStart(6)} s  ${r.name}\n`,
            );
        const lastEnd = Math.max(...rows.map((r) => r.end));
        process.stdout.write(
            `wall ${wall.toFixed(1)} s; first resource event at ${first?.toFixed(1)} s; last resource done at ${lastEnd.toFixed(1)} s; after it ${(wall - lastEnd).toFixed(1)} s\n`,
        );
    } finally {
        await s.stop();
    }
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
