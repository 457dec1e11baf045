// Day one pins the proxy's SSH host key (issue 26): on the live-layout fixture with no key configured, `npm run
// adopt` reads the key the proxy's sshd (the loopback stand-in) answers with, prints its fingerprint and writes it as
// proxyVm.connection.hostKey beside the connection settings already there; with another key configured it refuses,
// naming both fingerprints, and writes nothing.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, leases as deriveLeases } from "../../lib/leaseModel";
import { LOCAL_BASE_DOMAIN, localStackConfig } from "../../local/stack";
import { LIVE_PROXY } from "../../local/liveFixture";
import { fingerprintOf } from "../../providers/ovirt/sshHostKey";
import { E2eServices, E2eStack, killSandboxProcesses, programStack, requireTools, startServices } from "./helpers";
import { runAdopt, seedLiveFixture } from "./adoptRun";

describe("day one: adopt pins the proxy's SSH host key", function () {
    this.timeout(10 * 60_000);
    const opts = { leases: { from: 10, to: 11 }, upgradeLeases: [] };
    let svc: E2eServices;
    let t: E2eStack;
    let stackFile: string;
    const stackYaml = () => YAML.parse(fs.readFileSync(stackFile, "utf8")) as { config: Record<string, unknown> };
    const connection = () =>
        (stackYaml().config["ovirt-ci:proxyVm"] as { connection: Record<string, unknown> }).connection;

    before(async () => {
        requireTools();
        svc = await startServices({ maxLease: 11 });
        // the local config without its pinned key: the state of a stack before adopt ever ran
        const proxyVm = localStackConfig(svc.local, opts).plain["ovirt-ci:proxyVm"] as {
            connection: Record<string, unknown>;
        };
        const { hostKey: _pinned, ...unpinned } = proxyVm.connection;
        t = await programStack(svc, opts, { plain: { "ovirt-ci:proxyVm": { ...proxyVm, connection: unpinned } } });
        stackFile = path.join(t.workDir, `Pulumi.${t.stack.name}.yaml`);
        const leaseInfos = deriveLeases([10, 11], {
            baseDomain: LOCAL_BASE_DOMAIN,
            addressing: DEFAULT_ADDRESSING,
            naming: DEFAULT_NAMING,
        });
        await seedLiveFixture(svc, leaseInfos);
    });
    after(async () => {
        await t?.stack.workspace.removeStack(t.stack.name, { force: true }).catch(() => undefined);
        if (svc) killSandboxProcesses(path.join(svc.local.sandboxDir, "var"));
        await svc?.stop();
    });

    it("no key configured: writes the key the proxy answered with, keeping the connection settings", async () => {
        assert.equal(connection().hostKey, undefined, "starts unpinned");
        const sshdKey = svc.sshd.hostPublicKey.split(" ").slice(0, 2).join(" ");
        const adopt = await runAdopt(t, ["--proxy", LIVE_PROXY.name]);
        assert.equal(adopt.code, 0, adopt.out);
        assert.ok(
            adopt.out.includes(
                `adopt  proxy host key: ssh-ed25519 ${fingerprintOf(sshdKey)} at 127.0.0.1:${svc.sshd.port}`,
            ),
            adopt.out,
        );
        assert.deepEqual(connection(), {
            host: svc.sshd.host,
            port: svc.sshd.port,
            user: svc.sshd.user,
            hostKey: sshdKey,
        });
    });

    it("another key configured: refused with both fingerprints and the fix, nothing written", async () => {
        const impostor = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyThanTheProxysOwnXXXXXXXXXXXXXXXX";
        const yaml = YAML.parseDocument(fs.readFileSync(stackFile, "utf8"));
        yaml.setIn(["config", "ovirt-ci:proxyVm", "connection", "hostKey"], impostor);
        fs.writeFileSync(stackFile, yaml.toString());
        const before = fs.readFileSync(stackFile, "utf8");

        const adopt = await runAdopt(t, ["--proxy", LIVE_PROXY.name]);
        assert.equal(adopt.code, 1, adopt.out);
        const sshdKey = svc.sshd.hostPublicKey.split(" ").slice(0, 2).join(" ");
        assert.ok(adopt.out.includes(fingerprintOf(sshdKey)) && adopt.out.includes(fingerprintOf(impostor)), adopt.out);
        assert.match(adopt.out, /Fix: compare both with `ssh-keygen -lf \/etc\/ssh\/ssh_host_ed25519_key.pub`/);
        assert.equal(fs.readFileSync(stackFile, "utf8"), before, "nothing was written");
    });
});
