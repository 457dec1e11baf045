/**
 * `npm run bench [-- --reps 2 --leases 20 --upgrade-leases 6 --latency realistic --scaling 10,50,100,200
 *   --scaling-latency fast --emulator-seconds 3 --sections up,sequential,scaling,emulator,peer --out bench/results]`
 * See bench/harness.ts; results in bench/results/<date>.json and bench/results/latest.md (also printed).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isLatencyProfile } from "../emulator/latency";
import { BenchOptions, DEFAULT_OPTIONS, SECTIONS, Section, runBench } from "./harness";

function parse(argv: string[]): Partial<BenchOptions> {
    const o: Partial<BenchOptions> = {};
    const int = (flag: string, v: string, min: number) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < min) throw new Error(`${flag} ${v}: expected an integer ≥ ${min}`);
        return n;
    };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const v = argv[++i];
        if (v === undefined) throw new Error(`${flag} needs a value`);
        switch (flag) {
            case "--reps":
                o.reps = int(flag, v, 1);
                break;
            case "--leases":
                o.leases = int(flag, v, 1);
                break;
            case "--upgrade-leases":
                o.upgradeLeases = int(flag, v, 0);
                break;
            case "--latency":
            case "--scaling-latency":
                if (!isLatencyProfile(v)) throw new Error(`${flag} ${v}: use instant, fast or realistic`);
                if (flag === "--latency") o.latency = v;
                else o.scalingLatency = v;
                break;
            case "--scaling":
                o.scaling = v === "" || v === "none" ? [] : v.split(",").map((x) => int(flag, x, 1));
                break;
            case "--emulator-seconds":
                o.emulatorSeconds = int(flag, v, 1);
                break;
            case "--sections": {
                const s = v.split(",");
                const bad = s.filter((x) => !SECTIONS.includes(x as Section));
                if (bad.length) throw new Error(`--sections: unknown ${bad.join(", ")}; use ${SECTIONS.join(",")}`);
                o.sections = s as Section[];
                break;
            }
            case "--out":
                o.outDir = path.resolve(v);
                break;
            default:
                throw new Error(`unknown flag ${flag}`);
        }
    }
    return o;
}

async function main(): Promise<void> {
    const opts = parse(process.argv.slice(2));
    const { jsonPath, mdPath } = await runBench({ ...DEFAULT_OPTIONS, ...opts });
    process.stdout.write(`${fs.readFileSync(mdPath, "utf8")}\nresults: ${jsonPath}\n         ${mdPath}\n`);
}

main().catch((e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
