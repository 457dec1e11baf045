// Reliability: outages of the services `up` talks to, in the middle of an `up` (issue 18). One stack, growing by one
// lease per case so every case has work left when the outage hits (the trigger: the engine's first write of the run):
//
//   A. the SSO token revoked (the engine forgets every token): the provider logs in again and the up goes through;
//   B. the engine stopped, then started again from its persisted state on the same port: the up fails naming the
//      engine and what to do; the re-run converges;
//   C. Vault down when the up starts: refused before any change; Vault going away mid-up: the up fails naming Vault;
//      Vault back (a new dev server, empty): `up --refresh` writes the item again and converges;
//   D. the proxy VM's sshd refusing connections: the up fails naming the SSH target; sshd back: the re-run converges
//      and the new lease's DNS answers.
//
// After every case: 0 duplicates, 0 leaked objects, nothing missing (census), no pending operation in the state,
// and a further `preview --expect-no-changes` passes.
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEngine } from "../../emulator";
import { ciCollectionToken, readKv, startOpenBao } from "../../local/openbao";
import { prepareSshd, sshBanner, sshdArgs } from "../../local/sshd";
import {
    E2eServices,
    E2eStack,
    apiWrites,
    dig,
    engineStats,
    inventory,
    programStack,
    pulumiCli,
    startServices,
} from "../e2e/helpers";
import { adminCall, census, desiredNames, figure, setStackConfig, showCensus } from "./helpers";

const ITEM = "selfservice/ovirt/cluster-secrets-ovirt";

describe("reliability: outages mid-up (Vault, the proxy's sshd, the engine, the SSO token)", function () {
    this.timeout(1_200_000);
    let s: E2eServices;
    let t: E2eStack;
    let to = 10;
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-outage-"));
    const extra: { stop(): Promise<void> }[] = [];

    const setLeases = async (last: number) => {
        to = last;
        await setStackConfig(t, { "ovirt-ci:leases": { from: 10, to: last } });
    };
    const up = (args: string[] = []) => pulumiCli(t, ["up", "--yes", "--skip-preview", ...args]);
    /** Resolves once the engine has taken one more write than now (polled every 50 ms). */
    const afterFirstWrite = async (): Promise<void> => {
        const w0 = apiWrites(await engineStats(s.engine));
        for (;;) {
            if (apiWrites(await engineStats(s.engine)) > w0) return;
            await new Promise((r) => setTimeout(r, 50));
        }
    };
    /** The convergence checks every case ends with. */
    const converged = async (what: string) => {
        const c = census(await inventory(s.engine), desiredNames({ from: 10, to }, { from: 1, to: 1 }));
        assert.deepEqual(
            [c.duplicates, c.leaked, c.missing, c.seedLost],
            [[], [], [], []],
            `${what}: ${showCensus(c)}`,
        );
        const state = JSON.parse((await pulumiCli(t, ["stack", "export"])).stdout) as {
            deployment: { pending_operations?: unknown[] };
        };
        assert.deepEqual(state.deployment.pending_operations ?? [], [], `${what}: no pending operation`);
        const again = await pulumiCli(t, ["preview", "--expect-no-changes"]);
        assert.equal(again.status, 0, `${what}: a further preview shows no change: ${again.stdout}${again.stderr}`);
        const item = await readKv(s.bao, "kv", ITEM);
        assert.deepEqual(
            Object.keys(item ?? {})
                .filter((k) => /^ovirt-\d+\.json$/.test(k))
                .sort(),
            Array.from({ length: to - 9 }, (_, i) => `ovirt-${10 + i}.json`).sort(),
            `${what}: the Vault item lists exactly the leases`,
        );
        return c;
    };

    before(async () => {
        s = await startServices({ engineStatePath: path.join(stateDir, "engine-state.json") });
        t = await programStack(s, { leases: { from: 10, to: 10 }, upgradeLeases: { from: 1, to: 1 } });
    });
    after(async () => {
        try {
            await t?.dispose();
        } finally {
            for (const e of extra.reverse()) await e.stop().catch(() => undefined);
            await s?.stop();
            fs.rmSync(stateDir, { recursive: true, force: true });
        }
    });

    it("A. the SSO token revoked mid-up: the provider logs in again, the up goes through", async () => {
        const logins0 = (await engineStats(s.engine)).ssoLogins;
        const run = up();
        await afterFirstWrite();
        await adminCall(s.engine, "POST", "expire-tokens");
        const r = await run;
        assert.equal(r.status, 0, r.stdout + r.stderr);
        const logins = (await engineStats(s.engine)).ssoLogins - logins0;
        assert.ok(logins >= 2, `a second login after the revocation (${logins} logins)`);
        const c = await converged("A");
        figure("outage A (SSO token revoked)", { logins, duplicates: c.duplicates.length });
    });

    it("B. the engine stopped mid-up fails naming the engine and the fix; restarted from its state, the re-run converges", async () => {
        await setLeases(11);
        const port = Number(new URL(s.engine.url).port);
        // the OVN provider's ports too: they are in the stack's config like the engine's
        const ovnAuthPort = Number(new URL(s.engine.ovnAuthUrl).port);
        const ovnNetworkPort = Number(new URL(s.engine.ovnNetworkUrl).port);
        const run = up();
        await afterFirstWrite();
        await s.engine.stop();
        const t0 = Date.now();
        const r = await run;
        const failMs = Date.now() - t0;
        const out = r.stdout + r.stderr;
        assert.notEqual(r.status, 0, out);
        // whichever call meets the stopped engine first: the engine's API or the OVN provider beside it (same process here)
        assert.match(
            out,
            /ECONNREFUSED.*(The oVirt engine https:\/\/127\.0\.0\.1:\d+\/ovirt-engine\/api|The OVN provider https:\/\/127\.0\.0\.1:\d+ \(ovirt-provider-ovn, beside the oVirt engine\)) is unreachable or unavailable: check that .* then run `pulumi up` again/,
        );
        // the same engine again: same ports, CA, password, and the inventory it persisted
        const engine = await startEngine({
            port,
            ovnAuthPort,
            ovnNetworkPort,
            latency: "fast",
            adminPassword: s.engine.password,
            statePath: path.join(stateDir, "engine-state.json"),
        });
        extra.push(engine);
        s.engine = engine;
        const r2 = await up();
        assert.equal(r2.status, 0, r2.stdout + r2.stderr);
        const c = await converged("B");
        figure("outage B (engine stopped, restarted)", { failMs, duplicates: c.duplicates.length });
    });

    it("C. Vault down at the start is refused before any change; Vault gone mid-up fails naming Vault; back, up --refresh converges", async () => {
        await setLeases(12);
        const { port } = new URL(s.bao.address);
        const restartVault = async () => {
            const bao = await startOpenBao({ port: Number(port), token: s.bao.token, kvMounts: ["kv"] });
            extra.push(bao);
            s.bao = bao;
            // a new dev server knows no token but its root one: the stack gets a new CI collection token, as an
            // operator would after a Vault rebuild
            await t.stack.setConfig("vault:token", { value: await ciCollectionToken(bao), secret: true });
        };
        await s.bao.stop();
        const w0 = apiWrites(await engineStats(s.engine));
        const early = await up();
        const earlyOut = early.stdout + early.stderr;
        assert.notEqual(early.status, 0, earlyOut);
        assert.match(
            earlyOut,
            /Vault at http:\/\/127\.0\.0\.1:\d+ is unreachable \(.*ECONNREFUSED.*\)\. Nothing was changed\. Fix: start Vault/,
        );
        assert.equal(apiWrites(await engineStats(s.engine)) - w0, 0, "nothing changed on the engine");

        await restartVault();
        // the dev server starts empty: the first run's item is gone (refresh notices it)
        const run = up(["--refresh"]);
        await afterFirstWrite();
        await s.bao.stop();
        const r = await run;
        const out = r.stdout + r.stderr;
        assert.notEqual(r.status, 0, out);
        // names Vault's address, the Vault API call and the refusal (the real provider's first call is its token lookup,
        // /v1/auth/token/lookup-self, so the path is any /v1/ one; the stand-in's words and the real plugin's both do)
        assert.match(
            out,
            new RegExp(
                `127\\.0\\.0\\.1:${port}\\b.*/v1/.*(ECONNREFUSED|connection refused)|/v1/.*127\\.0\\.0\\.1:${port}\\b.*(ECONNREFUSED|connection refused)`,
            ),
        );
        await restartVault();
        const r2 = await up(["--refresh"]);
        assert.equal(r2.status, 0, r2.stdout + r2.stderr);
        const c = await converged("C");
        figure("outage C (Vault)", { refusedEngineWrites: 0, duplicates: c.duplicates.length });
    });

    it("D. the proxy VM's sshd refusing mid-up fails naming the SSH target; sshd back, the re-run converges and the lease answers DNS", async () => {
        await setLeases(13);
        const pidFile = path.join(s.sshd.dir, "sshd.pid");
        const run = up();
        await afterFirstWrite();
        process.kill(Number(fs.readFileSync(pidFile, "utf8").trim()), "SIGTERM");
        const r = await run;
        const out = r.stdout + r.stderr;
        assert.notEqual(r.status, 0, out);
        // names the SSH target and the refusal (the stand-in's words and the real plugin's both do)
        // (upstream pulumi-command: "after N failed attempts: … connect ECONNREFUSED <host>:<port>", the address after the refusal)
        const target = `127\\.0\\.0\\.1:${s.sshd.port}\\b`;
        assert.match(
            out,
            new RegExp(`${target}.*(ECONNREFUSED|connection refused)|(ECONNREFUSED|connection refused).*${target}`),
        );
        // sshd back on the same port with the same keys
        const files = prepareSshd(s.sshd.dir, s.sshd.port);
        const [bin, args] = sshdArgs(files);
        const child: ChildProcess = spawn(bin, args, { stdio: "ignore" });
        extra.push({ stop: async () => void child.kill("SIGTERM") });
        for (let i = 0; i < 100 && !(await sshBanner("127.0.0.1", s.sshd.port)); i++)
            await new Promise((res) => setTimeout(res, 100));
        const r2 = await up();
        assert.equal(r2.status, 0, r2.stdout + r2.stderr);
        const c = await converged("D");
        assert.equal(dig(s.local.localDnsPort + 13, "api.ovirt13.ovirt-ci.test"), "192.168.213.30");
        figure("outage D (sshd)", { duplicates: c.duplicates.length });
    });
});
