import * as assert from "node:assert/strict";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, leases as deriveLeases } from "../../lib/leaseModel";
import { LOCAL_BASE_DOMAIN } from "../../local/stack";
import { FOREIGN_VAULT_KEY, LIVE_PROXY } from "../../local/liveFixture";
import { readKv } from "../../local/openbao";
import {
    E2eServices,
    E2eStack,
    inventory,
    killSandboxProcesses,
    programStack,
    requireTools,
    startServices,
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
    const leaseInfos = deriveLeases(LEASES, {
        baseDomain: LOCAL_BASE_DOMAIN,
        addressing: DEFAULT_ADDRESSING,
        naming: DEFAULT_NAMING,
    });

    before(async () => {
        requireTools();
        svc = await startServices({ maxLease: 12 });
        t = await programStack(svc, { leases: { from: 10, to: 12 }, upgradeLeases: [] });
        await seedLiveFixture(svc, leaseInfos);
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
        const keysBefore = Object.keys(
            (await readKv(svc.bao, "kv", "selfservice/ovirt/cluster-secrets-ovirt")) ?? {},
        ).sort();
        assert.ok(keysBefore.includes(FOREIGN_VAULT_KEY));

        // the probe: every 200 ms, net-0 must answer api.ovirtNN with the VIP and every lease instance must answer
        const gaps: string[] = [];
        let probes = 0;
        let probing = true;
        const probe = (async () => {
            while (probing) {
                for (const l of leaseInfos) {
                    const api = await query(svc.local.localDnsPort, l.apiFqdn);
                    if (api?.a !== l.apiVip)
                        gaps.push(`${new Date().toISOString()} net-0 ${l.apiFqdn}: ${JSON.stringify(api)}`);
                    const own = await query(svc.local.localDnsPort + l.number, l.apiFqdn);
                    if (!own) gaps.push(`${new Date().toISOString()} ${l.name}'s instance did not answer`);
                }
                probes++;
                await new Promise((r) => setTimeout(r, 200));
            }
        })();

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
            probing = false;
            await probe;
        }

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
        const keysAfter = Object.keys(
            (await readKv(svc.bao, "kv", "selfservice/ovirt/cluster-secrets-ovirt")) ?? {},
        ).sort();
        for (const k of vaultKeysBefore) assert.ok(keysAfter.includes(k), `the Vault item keeps ${k}`);
    });
});

describe("state lost: adopt what ovirt-ci itself built, then up twice", function () {
    this.timeout(15 * 60_000);
    let svc: E2eServices;
    let built: E2eStack;

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

    it("a new stack adopts the running greenfield proxy: no VM stop, no NIC change, no dnsmasq restart; the second up changes nothing", async () => {
        const before = await inventory(svc.engine);
        const vm = before.vms.find((v) => v.name === "proxy-vm")!;
        const nics = vm.nics.map((n) => `${n.name}/${n.mac}`).sort();
        const history = [...(before.history[vm.id] ?? [])];
        const pidsOf = () =>
            ["ovirt-10", "ovirt-11"].map((l) =>
                fs.readFileSync(path.join(svc.local.sandboxDir, "run", `dnsmasq-${l}.pid`), "utf8").trim(),
            );
        const pids = pidsOf();

        const lost = await programStack(svc, { leases: { from: 10, to: 11 }, upgradeLeases: [] });
        const adopt = await runAdopt(lost);
        assert.equal(adopt.code, 0, adopt.out);
        assert.match(adopt.out, /adopt +lease ovirt-10: ovirt-ci layout: NIC vmnet10, file as rendered/);
        await lost.stack.up({ onOutput: () => undefined });
        await assertSecondUpChangesNothing(lost.stack);

        const after = await inventory(svc.engine);
        const vmAfter = after.vms.find((v) => v.id === vm.id)!;
        assert.deepEqual(after.history[vm.id], history, "no stop, start or reboot of the proxy VM");
        assert.deepEqual(vmAfter.nics.map((n) => `${n.name}/${n.mac}`).sort(), nics, "no NIC added or removed");
        assert.deepEqual(pidsOf(), pids, "each lease's dnsmasq kept its process");
        assert.equal(after.vms.filter((v) => v.name === "proxy-vm").length, 1);
    });
});
