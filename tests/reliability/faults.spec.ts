// Reliability 1: injected faults. The emulator answers 5 % of API and SSO requests with a 503, resets 2 % of the
// connections and refuses 2 % with the engine's lock conflict (409), seeded. `pulumi up` of the real program under
// the real CLI converges anyway; afterwards the engine holds exactly seed + desired (0 duplicates, 0 leaks), a
// second `up --refresh` under the same faults changes nothing, `destroy` under them leaves the seed, and the provider's retries are counted from its log
// lines. Default: 6 leases + 2 upgrade leases; `npm run soak`: 20 + 6.
import * as assert from "node:assert/strict";
import { E2eServices, E2eStack, apiWrites, engineStats, inventory, programStack, startServices } from "../e2e/helpers";
import { unprotectAll } from "../../scripts/lib/unprotect";
import {
    SMALL_FOOTPRINT,
    SOAK,
    adminCall,
    census,
    desiredNames,
    faultMix,
    figure,
    retryLines,
    showCensus,
} from "./helpers";

const LEASES = SOAK ? { from: 10, to: 29 } : { from: 10, to: 15 };
const UPGRADES = SOAK ? { from: 1, to: 6 } : { from: 1, to: 2 };
const FAULT_SEED = Number(process.env.RELIABILITY_SEED ?? 9);

describe(`reliability: up of ${LEASES.to - LEASES.from + 1} leases + ${UPGRADES.to} upgrade leases under injected faults (seed ${FAULT_SEED})`, function () {
    this.timeout(SOAK ? 1_800_000 : 600_000);
    let s: E2eServices;
    let t: E2eStack;

    before(async () => {
        s = await startServices({ maxLease: LEASES.to });
        t = await programStack(
            s,
            { leases: LEASES, upgradeLeases: UPGRADES },
            { plain: { "ovirt-ci:clusterFootprint": SMALL_FOOTPRINT } },
        );
    });
    after(async () => {
        try {
            if (s) await adminCall(s.engine, "DELETE", "faults");
            await t?.dispose();
        } finally {
            await s?.stop();
        }
    });

    it("converges: exactly seed + desired on the engine, every retry logged and counted, a second up changes nothing, destroy leaves the seed", async () => {
        await adminCall(s.engine, "POST", "faults", faultMix(FAULT_SEED));
        let output = "";
        const t0 = Date.now();
        const up = await t.stack.up({ onOutput: (o) => (output += o) });
        const upSeconds = (Date.now() - t0) / 1000;
        assert.equal(up.summary.result, "succeeded");
        const after1 = await engineStats(s.engine);
        const c = census(await inventory(s.engine), desiredNames(LEASES, UPGRADES));
        assert.deepEqual([c.duplicates, c.leaked, c.missing, c.seedLost], [[], [], [], []], showCensus(c));

        const retries1 = retryLines(output).length;
        const kinds = (st: typeof after1) =>
            Object.fromEntries(
                ["503", "reset", "lock409"].map((k) => [
                    k,
                    Object.entries(st.requests)
                        .filter(([key]) => key.endsWith(`(fault:${k})`))
                        .reduce((a, [, v]) => a + v, 0),
                ]),
            );
        assert.ok(after1.faultsInjected >= 5, `faults were injected: ${after1.faultsInjected}`);
        // every injected fault that reached the provider is retried (a fault on a create is followed by a lookup and
        // a retry too); the stand-in plugins never talk to the engine
        assert.ok(
            retries1 >= 1 && retries1 <= after1.faultsInjected,
            `retries ${retries1} vs faults ${after1.faultsInjected}`,
        );

        let output2 = "";
        const t1 = Date.now();
        const up2 = await t.stack.up({ refresh: true, onOutput: (o) => (output2 += o) });
        const up2Seconds = (Date.now() - t1) / 1000;
        const ch = up2.summary.resourceChanges!;
        assert.deepEqual(Object.keys(ch), ["same"], `the second up changes nothing: ${JSON.stringify(ch)}`);
        const after2 = await engineStats(s.engine);
        assert.equal(apiWrites(after2), apiWrites(after1), "the second up wrote nothing to the engine");
        const c2 = census(await inventory(s.engine), desiredNames(LEASES, UPGRADES));
        assert.deepEqual([c2.duplicates, c2.leaked, c2.missing], [[], [], []], showCensus(c2));

        // destroy under the same faults: back to exactly the seed
        let output3 = "";
        const t2 = Date.now();
        await unprotectAll(t.stack);
        await t.stack.destroy({ onOutput: (o) => (output3 += o) });
        const destroySeconds = (Date.now() - t2) / 1000;
        const c3 = census(await inventory(s.engine), desiredNames({ from: 1, to: 0 }, []));
        const after3 = await engineStats(s.engine);
        assert.deepEqual(
            [c3.duplicates, c3.leaked, c3.seedLost, c3.owned],
            [[], [], [], 0],
            `destroy leaves the seed: ${showCensus(c3)}`,
        );

        await adminCall(s.engine, "DELETE", "faults");
        figure("faults", {
            leases: LEASES.to - LEASES.from + 1,
            upgradeLeases: UPGRADES.to,
            seed: FAULT_SEED,
            requests: after3.reads + after3.writes,
            faultsInjected: after3.faultsInjected,
            byKind: kinds(after3),
            retries: retries1 + retryLines(output2).length + retryLines(output3).length,
            duplicates: c2.duplicates.length,
            leaked: c2.leaked.length,
            ownedObjects: c2.owned,
            upSeconds,
            secondUpSeconds: up2Seconds,
            destroySeconds,
        });
    });
});
