import * as assert from "node:assert/strict";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, leases as deriveLeases } from "../../lib/leaseModel";
import { LOCAL_BASE_DOMAIN } from "../../local/stack";
import { FOREIGN_VAULT_KEY, LIVE_PROXY } from "../../local/liveFixture";
import { readKv } from "../../local/openbao";
import { Endpoint, openSession } from "../../providers/ovirt/client";
import { decodeList } from "../../providers/ovirt/representation";
import {
    E2eServices,
    E2eStack,
    apiWrites,
    engineStats,
    inventory,
    killSandboxProcesses,
    programStack,
    pulumiCli,
    requireTools,
    startServices,
    treeFiles,
} from "./helpers";
import { runAdopt, seedLiveFixture } from "./adoptRun";

// Day one, the "Done when" of docs/operator.md: on the live-layout fixture (the emulator, the sandbox proxy and
// OpenBao as the playbooks left them), a probe asks DNS in a loop while `npm run adopt`, `pulumi up` and `pulumi up`
// run. DNS is probed on the sandbox's loopback ports (the resolver net-0 answers api.ovirtNN with its VIP; each lease
// instance must answer at all); DHCP cannot be served or probed on loopback: the sandbox variant has none, and a
// lease instance that keeps its process (same pid) keeps serving DHCP on the real proxy.
const LEASES = [10, 11, 12];

/** One DNS A query over UDP: the answer's rcode and its last A record (or undefined on no answer in 1 s). */
function query(port: number, name: string): Promise<{ rcode: number; a?: string } | undefined> {
    const q = Buffer.concat([
        Buffer.from([Math.floor(Math.random() * 256), 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
        ...name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
        Buffer.from([0, 0, 1, 0, 1]),
    ]);
    return new Promise((resolve) => {
        const s = dgram.createSocket("udp4");
        const t = setTimeout(() => {
            s.close();
            resolve(undefined);
        }, 1000);
        s.on("message", (m) => {
            clearTimeout(t);
            s.close();
            const answers = m.readUInt16BE(6);
            resolve({ rcode: m[3] & 0x0f, a: answers > 0 ? [...m.subarray(m.length - 4)].join(".") : undefined });
        });
        s.send(q, port, "127.0.0.1");
    });
}

type LeaseInfo = ReturnType<typeof deriveLeases>[number];

/**
 * The probe of "Done when": every 200 ms, each lease instance in `instances` must answer `api.ovirtNN` (on
 * localDnsPort + N) and, with `resolver`, the playbooks' resolver net-0 (localDnsPort + 0) must answer it with the
 * lease's API VIP. `stop()` ends it and gives the rounds run and every gap seen.
 */
function startDnsProbe(
    localDnsPort: number,
    instances: readonly LeaseInfo[],
    resolver: readonly LeaseInfo[] = [],
): { stop(): Promise<{ probes: number; gaps: string[] }> } {
    const gaps: string[] = [];
    let probes = 0;
    let probing = true;
    const run = (async () => {
        while (probing) {
            for (const l of resolver) {
                const api = await query(localDnsPort, l.apiFqdn);
                if (api?.a !== l.apiVip)
                    gaps.push(`${new Date().toISOString()} net-0 ${l.apiFqdn}: ${JSON.stringify(api)}`);
            }
            for (const l of instances) {
                const own = await query(localDnsPort + l.number, l.apiFqdn);
                if (!own) gaps.push(`${new Date().toISOString()} ${l.name}'s instance did not answer`);
            }
            probes++;
            await new Promise((r) => setTimeout(r, 200));
        }
    })();
    return {
        async stop() {
            probing = false;
            await run;
            return { probes, gaps };
        },
    };
}

/** The Vault item's key names (never values). */
async function vaultKeys(svc: E2eServices): Promise<string[]> {
    return Object.keys((await readKv(svc.bao, "kv", "selfservice/ovirt/cluster-secrets-ovirt")) ?? {}).sort();
}

/** Runs `up` again and asserts it changes nothing; a failure quotes the lines of the resources it changed. */
async function assertSecondUpChangesNothing(stack: { up: Stack["up"] }): Promise<void> {
    let out = "";
    const second = await stack.up({ onOutput: (o) => (out += o) });
    const changes = Object.entries(second.summary.resourceChanges ?? {}).filter(([k]) => k !== "same");
    const changed = out
        .split("\n")
        .filter((l) => /[~+-] |update|replace/.test(l))
        .join("\n");
    assert.deepEqual(changes, [], `the second up changes nothing; it said:\n${changed}`);
}

describe("day one: adopt the live layout, then up twice, without a gap", function () {
    this.timeout(15 * 60_000);
    let svc: E2eServices;
    let t: E2eStack;
    let vaultKeysBefore: string[] = [];
    let endpoint: Endpoint;
    const leaseInfos = deriveLeases(LEASES, {
        baseDomain: LOCAL_BASE_DOMAIN,
        addressing: DEFAULT_ADDRESSING,
        naming: DEFAULT_NAMING,
    });

    before(async () => {
        requireTools();
        svc = await startServices({ maxLease: 12 });
        t = await programStack(svc, { leases: { from: 10, to: 12 }, upgradeLeases: [] });
        endpoint = await seedLiveFixture(svc, leaseInfos);
    });
    after(async () => {
        await t?.stack.workspace.removeStack(t.stack.name, { force: true }).catch(() => undefined);
        // the playbooks' instances of the fixture (var/run/*.pid); svc.stop() stops the program's (run/*.pid)
        if (svc) killSandboxProcesses(path.join(svc.local.sandboxDir, "var"));
        await svc?.stop();
    });

    it("adopt writes the config; up changes nothing a job depends on; the second up changes nothing", async () => {
        const before = await inventory(svc.engine);
        const vm = before.vms.find((v) => v.name === LIVE_PROXY.name)!;
        const nicsBefore = vm.nics.map((n) => `${n.name}/${n.mac}`).sort();
        const historyBefore = [...(before.history[vm.id] ?? [])];
        const keysBefore = await vaultKeys(svc);
        assert.ok(keysBefore.includes(FOREIGN_VAULT_KEY));

        // the probe: every 200 ms, net-0 must answer api.ovirtNN with the VIP and every lease instance must answer
        const probe = startDnsProbe(svc.local.localDnsPort, leaseInfos, leaseInfos);
        let probed: { probes: number; gaps: string[] };
        try {
            // 1. adopt (read-only), writing the stack config
            const adopt = await runAdopt(t, ["--proxy", LIVE_PROXY.name]);
            assert.equal(adopt.code, 0, adopt.out);
            assert.match(adopt.out, /adopt +lease ovirt-10: playbooks' layout: NIC eth1/);
            const writesAfterAdopt = await inventory(svc.engine);
            assert.deepEqual(writesAfterAdopt.history[vm.id], historyBefore, "adopt changed nothing on the engine");

            // 2. the first up
            const first = await t.stack.up({ onOutput: () => undefined });
            assert.equal(first.summary.result, "succeeded");
            // 3. the second up: no change at all
            await assertSecondUpChangesNothing(t.stack);
        } finally {
            probed = await probe.stop();
        }
        const { probes, gaps } = probed;

        assert.ok(probes >= 3, `the probe ran (${probes} rounds)`);
        assert.deepEqual(gaps, [], "DNS answered throughout");
        const after = await inventory(svc.engine);
        const vmAfter = after.vms.find((v) => v.id === vm.id)!;
        assert.deepEqual(after.history[vm.id], historyBefore, "no stop, start or reboot of the proxy VM");
        assert.deepEqual(vmAfter.nics.map((n) => `${n.name}/${n.mac}`).sort(), nicsBefore, "no NIC added or removed");
        assert.equal(vmAfter.memory, LIVE_PROXY.memoryMiB * 1024 * 1024);
        vaultKeysBefore = keysBefore;
    });

    // Apart from the rest: the item is written whole unless the program keeps the keys it does not render.
    it("the Vault item keeps every key it had, the ones ovirt-ci does not render too", async () => {
        assert.ok(vaultKeysBefore.length > 0, "runs after the up above");
        const keysAfter = await vaultKeys(svc);
        for (const k of vaultKeysBefore) assert.ok(keysAfter.includes(k), `the Vault item keeps ${k}`);
    });

    // The move of a lease from the playbooks' layout to ovirt-ci's is its own step (docs/operator.md "Day one",
    // lib/layoutGuard.ts): the real CLI's preview refuses it while a job holds the lease, with nothing changed; on a
    // free lease `up` moves it while every other lease keeps answering.
    it("moving a held lease to ovirt-ci's layout is refused by preview, nothing changed; a free lease moves, the others without a gap", async () => {
        assert.ok(vaultKeysBefore.length > 0, "runs after the up above");
        const ws = t.stack.workspace;
        const settings = await ws.stackSettings(t.stack.name);
        const proxyVm = settings.config?.["ovirt-ci:proxyVm"] as { playbooksLeases?: { lease: number; nic: string }[] };
        const adopted = proxyVm.playbooksLeases ?? [];
        assert.deepEqual(
            adopted.map((e) => e.lease),
            LEASES,
            "adopt kept every lease in the playbooks' layout",
        );
        /** The config with `lease` left out of proxyVm.playbooksLeases (every other adopted lease kept). */
        const move = async (lease: number) => {
            const playbooksLeases = adopted.filter((e) => e.lease !== lease);
            settings.config = { ...settings.config, "ovirt-ci:proxyVm": { ...proxyVm, playbooksLeases } };
            await ws.saveStackSettings(t.stack.name, settings);
        };
        // the proxy's own files, not its logs
        const proxyFiles = () =>
            treeFiles(svc.local.sandboxDir).filter(([p]) => !/\.log$|\.leases$|(^|\/)log\//.test(p));

        // a CI job's cluster on ovirt-11: a VM with a NIC on ovn-vmnet-11
        const s = await openSession(endpoint, "a CI job's VM on ovirt-11");
        const net = decodeList(await s.get("/networks", { params: { search: "name=ovn-vmnet-11" } }), "network")[0];
        const profile = decodeList(await s.get(`/networks/${String(net.id)}/vnicprofiles`), "vnic_profile")[0];
        const jobVm = await s.add("/vms", {
            name: "ovirt11-abcde-master-0",
            cluster: { name: "OCP-45" },
            template: { name: "Blank" },
        });
        await s.add(`/vms/${String(jobVm.id)}/nics`, { name: "nic1", vnic_profile: { id: profile.id } });

        await move(11);
        const filesBefore = proxyFiles();
        const invBefore = await inventory(svc.engine);
        const proxyBefore = invBefore.vms.find((v) => v.name === LIVE_PROXY.name)!;
        const historyBefore = [...(invBefore.history[proxyBefore.id] ?? [])];
        const writesBefore = apiWrites(await engineStats(svc.engine));
        const preview = await pulumiCli(t, ["preview"]);
        const out = preview.stdout + preview.stderr;
        assert.notEqual(preview.status, 0, out);
        assert.match(
            out,
            /lease ovirt-11 is in use: its network ovn-vmnet-11 has VMs other than the proxy VM on it \(ovirt11-abcde-master-0\), and the config names the proxy's NIC on it vmnet11 while the proxy has eth2/,
        );
        assert.match(out, /Nothing was changed\. Fix: take ovirt-11 out of boskos first/);
        assert.equal(apiWrites(await engineStats(svc.engine)) - writesBefore, 0, "no engine write");
        const proxyAfterPreview = (await inventory(svc.engine)).vms.find((v) => v.id === proxyBefore.id)!;
        assert.deepEqual(proxyAfterPreview.nics, proxyBefore.nics, "the proxy's NICs stay");
        assert.deepEqual(proxyFiles(), filesBefore, "no file of the proxy changed");

        // ovirt-12 is free: the move goes through; ovirt-10 and ovirt-11 (and net-0 for all) answer throughout
        await move(12);
        const probe = startDnsProbe(
            svc.local.localDnsPort,
            leaseInfos.filter((l) => l.number !== 12),
            leaseInfos,
        );
        let probed: { probes: number; gaps: string[] };
        try {
            const up = await t.stack.up({ onOutput: () => undefined });
            assert.equal(up.summary.result, "succeeded");
        } finally {
            probed = await probe.stop();
        }
        assert.ok(probed.probes >= 2, `the probe ran (${probed.probes} rounds)`);
        assert.deepEqual(probed.gaps, [], "the leases not moved answered throughout");
        const after = await inventory(svc.engine);
        const proxyAfter = after.vms.find((v) => v.id === proxyBefore.id)!;
        assert.deepEqual(after.history[proxyBefore.id], historyBefore, "no stop, start or reboot of the proxy VM");
        const nicNames = proxyAfter.nics.map((n) => n.name).sort();
        assert.ok(
            nicNames.includes("vmnet12") && !nicNames.includes("eth3"),
            `ovirt-12's NIC moved: ${nicNames.join(", ")}`,
        );
        assert.ok(nicNames.includes("eth2"), "the held ovirt-11 keeps its NIC");
        const l12 = leaseInfos.find((l) => l.number === 12)!;
        assert.ok(await query(svc.local.localDnsPort + 12, l12.apiFqdn), "ovirt-12's new instance answers");
    });
});

describe("state lost: adopt what ovirt-ci itself built, then up twice", function () {
    this.timeout(15 * 60_000);
    let svc: E2eServices;
    let built: E2eStack;
    const leaseInfos = deriveLeases([10, 11], {
        baseDomain: LOCAL_BASE_DOMAIN,
        addressing: DEFAULT_ADDRESSING,
        naming: DEFAULT_NAMING,
    });

    before(async () => {
        requireTools();
        svc = await startServices({ maxLease: 11 });
        built = await programStack(svc, { leases: { from: 10, to: 11 }, upgradeLeases: [] });
        await built.stack.up({ onOutput: () => undefined });
    });
    after(async () => {
        await built?.stack.workspace.removeStack(built.stack.name, { force: true }).catch(() => undefined);
        await svc?.stop();
    });

    it("a new stack adopts the running greenfield proxy: DNS without a gap, no VM stop, no NIC change, no dnsmasq restart, every Vault key kept; the second up changes nothing", async () => {
        const before = await inventory(svc.engine);
        const vm = before.vms.find((v) => v.name === "proxy-vm")!;
        const nics = vm.nics.map((n) => `${n.name}/${n.mac}`).sort();
        const history = [...(before.history[vm.id] ?? [])];
        const pidsOf = () =>
            ["ovirt-10", "ovirt-11"].map((l) =>
                fs.readFileSync(path.join(svc.local.sandboxDir, "run", `dnsmasq-${l}.pid`), "utf8").trim(),
            );
        const pids = pidsOf();
        const keysBefore = await vaultKeys(svc);
        assert.ok(keysBefore.length > 0, "the first stack wrote the Vault item");

        // the same probe as on the live layout: each lease's instance answers throughout (no net-0 in our layout)
        const lost = await programStack(svc, { leases: { from: 10, to: 11 }, upgradeLeases: [] });
        const probe = startDnsProbe(svc.local.localDnsPort, leaseInfos);
        let probed: { probes: number; gaps: string[] };
        try {
            const adopt = await runAdopt(lost);
            assert.equal(adopt.code, 0, adopt.out);
            assert.match(adopt.out, /adopt +lease ovirt-10: ovirt-ci layout: NIC vmnet10, file as rendered/);
            await lost.stack.up({ onOutput: () => undefined });
            await assertSecondUpChangesNothing(lost.stack);
        } finally {
            probed = await probe.stop();
        }
        assert.ok(probed.probes >= 3, `the probe ran (${probed.probes} rounds)`);
        assert.deepEqual(probed.gaps, [], "DNS answered throughout");
        const keysAfter = await vaultKeys(svc);
        for (const k of keysBefore) assert.ok(keysAfter.includes(k), `the Vault item keeps ${k}`);

        const after = await inventory(svc.engine);
        const vmAfter = after.vms.find((v) => v.id === vm.id)!;
        assert.deepEqual(after.history[vm.id], history, "no stop, start or reboot of the proxy VM");
        assert.deepEqual(vmAfter.nics.map((n) => `${n.name}/${n.mac}`).sort(), nics, "no NIC added or removed");
        assert.deepEqual(pidsOf(), pids, "each lease's dnsmasq kept its process");
        assert.equal(after.vms.filter((v) => v.name === "proxy-vm").length, 1);
    });
});
