/**
 * Helpers of the reliability tier (on top of the end-to-end helpers): the census of the engine's objects against
 * the seed and the desired leases (duplicates, leaks, missing), a seeded PRNG, fault rules, and counting the
 * provider's retries in CLI output.
 */
import { defaultSeed } from "../../emulator/model/seed";
import type { State } from "../../emulator/model/types";
import { LOCAL_HOSTS } from "../../local/stack";
import { E2eServices, E2eStack, programStack, startServices } from "../e2e/helpers";
import type { LocalStackOptions } from "../../local/stack";

/** mulberry32: the same seeded PRNG as the emulator's fault injection (one implementation, re-exported). */
export { prng } from "../../emulator/faults";

/** The fault mix on the whole API (SSO included): 5 % 503, 2 % connection resets, 2 % lock conflicts. */
export function faultMix(seed: number): { seed: number; rules: unknown[] } {
    const path = "^/ovirt-engine/(api|sso)";
    return {
        seed,
        rules: [
            { path, probability: 0.05, kind: "503" },
            { path, probability: 0.02, kind: "reset" },
            { path, probability: 0.02, kind: "lock409" },
        ],
    };
}

const range = (r: { from: number; to: number }) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i);

/** What the program should own on the engine for these leases (the local stack's names). */
export function desiredNames(leases: { from: number; to: number }, upgrades: { from: number; to: number } | number[]) {
    const ups = Array.isArray(upgrades) ? upgrades : range(upgrades);
    return {
        networks: range(leases).map((n) => `ovn-vmnet-${n}`),
        vnicProfiles: range(leases).map((n) => `ovn-vmnet-${n}`),
        storageDomains: ups.map((m) => `ovirt-upgrade-${m}`),
        vms: ["proxy-vm"],
        nics: ["nic1", ...range(leases).map((n) => `vmnet${n}`)],
        hosts: LOCAL_HOSTS.map((h) => h.name),
    };
}

/** Result of {@link census}: every list empty means the engine holds exactly seed + desired. */
export interface Census {
    /** `<kind> <name> ×<count>` for names held more than once (NICs per VM, profiles per network). */
    duplicates: string[];
    /** Objects neither in the seed nor desired. */
    leaked: string[];
    /** Desired objects that are absent. */
    missing: string[];
    /** Seed objects that are gone. */
    seedLost: string[];
    /** Objects counted (non-seed). */
    owned: number;
}

/** Compares the inventory with the seed and the desired names. */
export function census(inv: State, desired: ReturnType<typeof desiredNames>): Census {
    const seed = defaultSeed();
    const out: Census = { duplicates: [], leaked: [], missing: [], seedLost: [], owned: 0 };
    const dup = (kind: string, names: string[]) => {
        const counts = new Map<string, number>();
        for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
        for (const [n, c] of counts) if (c > 1) out.duplicates.push(`${kind} ${n} ×${c}`);
    };
    type Named = { id: string; name: string };
    const kinds: [string, Named[], Named[], string[]][] = [
        ["network", inv.networks, seed.networks, desired.networks],
        ["vnicProfile", inv.vnicProfiles, seed.vnicProfiles, desired.vnicProfiles],
        ["storageDomain", inv.storageDomains, seed.storageDomains, desired.storageDomains],
        ["vm", inv.vms, seed.vms, desired.vms],
        ["host", inv.hosts, seed.hosts, desired.hosts],
        ["affinityGroup", inv.affinityGroups, seed.affinityGroups, []],
        ["tag", inv.tags, seed.tags, []],
        ["template", inv.templates, seed.templates, []],
        ["dataCenter", inv.dataCenters, seed.dataCenters, []],
        ["cluster", inv.clusters, seed.clusters, []],
    ];
    for (const [kind, live, seeded, want] of kinds) {
        const seedIds = new Set(seeded.map((o) => o.id));
        const liveIds = new Set(live.map((o) => o.id));
        if (kind === "vnicProfile" || kind === "network") {
            // names are unique per network / data center, not globally (every data center has an `ovirtmgmt`)
            const scope = (o: Named) => o as unknown as { networkId?: string; dataCenterId?: string };
            dup(
                kind,
                live.map((o) => `${o.name}@${scope(o).networkId ?? scope(o).dataCenterId}`),
            );
        } else {
            dup(
                kind,
                live.map((o) => o.name),
            );
        }
        for (const o of live.filter((o) => !seedIds.has(o.id))) {
            out.owned++;
            if (!want.includes(o.name)) out.leaked.push(`${kind} ${o.name} (${o.id})`);
        }
        for (const n of want) if (!live.some((o) => o.name === n)) out.missing.push(`${kind} ${n}`);
        for (const o of seeded) if (!liveIds.has(o.id)) out.seedLost.push(`${kind} ${o.name}`);
    }
    for (const vm of inv.vms) {
        dup(
            `nic of ${vm.name}`,
            vm.nics.map((n) => n.name),
        );
        if (vm.name === "proxy-vm") {
            for (const n of vm.nics) if (!desired.nics.includes(n.name)) out.leaked.push(`nic ${vm.name}/${n.name}`);
            for (const n of desired.nics)
                if (!vm.nics.some((x) => x.name === n)) out.missing.push(`nic ${vm.name}/${n}`);
        }
    }
    // disks: the seed's, plus exactly those attached to a live VM (the proxy VM's copy of its template's disk)
    const seedDisks = new Set(seed.disks.map((d) => d.id));
    const attached = new Set(inv.vms.flatMap((v) => v.diskAttachments.map((a) => a.diskId)));
    for (const d of inv.disks.filter((d) => !seedDisks.has(d.id))) {
        out.owned++;
        if (!attached.has(d.id)) out.leaked.push(`disk ${d.name} (${d.id})`);
    }
    return out;
}

/**
 * The provider's retry lines (`ovirt-ci: retry <n>/<max> in <ms> ms after: ...`) in CLI output. The CLI prints a
 * provider's stderr line twice (in the progress line of the resource and in the diagnostics at the end): only the
 * diagnostics' copy (the line starting with the message) counts.
 */
export function retryLines(output: string): string[] {
    return output.split("\n").filter((l) => /^\s*ovirt-ci: retry \d+\/\d+ in \d+ ms after: /.test(l));
}

/** Short summary of {@link Census} for assertion messages. */
export function showCensus(c: Census): string {
    return JSON.stringify({ duplicates: c.duplicates, leaked: c.leaked, missing: c.missing, seedLost: c.seedLost });
}

/** Prints a figure line into the test output (the numbers docs/reliability.md quotes). */
export function figure(name: string, values: Record<string, unknown>): void {
    console.log(`      [figures] ${name}: ${JSON.stringify(values)}`);
}

/** POST (or DELETE) JSON on the emulator's admin endpoint, verifying its CA. */
export function adminCall(
    engine: { adminUrl: string; caPem: string },
    method: "POST" | "DELETE",
    what: string,
    body?: unknown,
): Promise<unknown> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const https: typeof import("node:https") = require("node:https");
    return new Promise((resolve, reject) => {
        const data = body === undefined ? "" : JSON.stringify(body);
        const req = https.request(
            `${engine.adminUrl}/${what}`,
            {
                method,
                ca: engine.caPem,
                headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) },
            },
            (res) => {
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (d) => (text += d));
                res.on("end", () =>
                    res.statusCode === 200
                        ? resolve(text ? JSON.parse(text) : undefined)
                        : reject(new Error(`${method} /__admin/${what}: HTTP ${res.statusCode}: ${text}`)),
                );
            },
        );
        req.on("error", reject);
        req.end(data);
    });
}

/** Whether the soak sizes apply (`npm run soak` sets RELIABILITY_SOAK=1). */
export const SOAK = process.env.RELIABILITY_SOAK === "1";

/** A small cluster footprint so that the soak's 20 leases fit the two local hosts without capacityOverride. */
export const SMALL_FOOTPRINT = { masters: 3, workers: 2, vcpus: 1, memoryMiB: 2048 };

/** Merges `values` (keys with their namespace, e.g. `ovirt-ci:leases`) into the stack's config file. */
export async function setStackConfig(t: E2eStack, values: Record<string, unknown>): Promise<void> {
    const ws = t.stack.workspace;
    const settings = await ws.stackSettings(t.stack.name);
    settings.config = { ...settings.config, ...values };
    await ws.saveStackSettings(t.stack.name, settings);
}

/**
 * Mocha hooks of a suite on one set of services and one stack of the program (started before the suite, destroyed
 * and stopped after it); the returned object's `s` and `t` are set once the `before` hook ran.
 */
export function useProgramStack(stack: LocalStackOptions): { s: E2eServices; t: E2eStack } {
    const ctx = {} as { s: E2eServices; t: E2eStack };
    before(async () => {
        ctx.s = await startServices();
        ctx.t = await programStack(ctx.s, stack);
    });
    after(async () => {
        try {
            await ctx.t?.dispose();
        } finally {
            await ctx.s?.stop();
        }
    });
    return ctx;
}
