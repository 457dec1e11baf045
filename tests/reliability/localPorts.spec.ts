// Reliability: the local default never collides half-way (issue 18). A loopback port the proxy sandbox needs (one
// of HAProxy's, one lease's DNS port) taken by another process stops `up` before any resource is created, naming the
// port, its holder and the setting; nothing exists afterwards. Freed, the same `up` goes through.
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { readKv } from "../../local/openbao";
import { apiWrites, engineStats, inventory, pulumiCli } from "../e2e/helpers";
import { census, desiredNames, figure, showCensus, useProgramStack } from "./helpers";

function listen(port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(port, "127.0.0.1", () => resolve(srv));
    });
}

describe("reliability: a taken local port is refused before any resource (real program, real CLI)", function () {
    this.timeout(600_000);
    const ctx = useProgramStack({ leases: { from: 10, to: 11 }, upgradeLeases: { from: 1, to: 1 } });

    it("HAProxy's https port and lease 11's DNS port in use: up refuses naming both, creates nothing; freed, up goes through", async () => {
        const https = ctx.s.local.localHaproxyPorts.https;
        const dns = ctx.s.local.localDnsPort + 11;
        const blockers = [await listen(https), await listen(dns)];
        try {
            const w0 = apiWrites(await engineStats(ctx.s.engine));
            const r = await pulumiCli(ctx.t, ["up", "--yes", "--skip-preview"]);
            const out = r.stdout + r.stderr;
            assert.notEqual(r.status, 0, out);
            assert.match(out, /ovirt-ci: refused before any change \(2 problems\)/);
            assert.match(
                out,
                new RegExp(
                    `port ${https}/tcp on 127\\.0\\.0\\.1, needed for HAProxy's https frontend, is in use by pid ${process.pid} .*Fix: stop that process, or choose another port with ovirt-ci:proxyVm\\.localHaproxyPorts\\.https`,
                ),
            );
            assert.match(
                out,
                new RegExp(
                    `port ${dns}/tcp on 127\\.0\\.0\\.1, needed for dnsmasq of ovirt-11 \\(localDnsPort \\+ 11\\), is in use by pid ${process.pid} .*ovirt-ci:proxyVm\\.localDnsPort`,
                ),
            );
            assert.doesNotMatch(out, /Address already in use/);
            assert.equal(apiWrites(await engineStats(ctx.s.engine)) - w0, 0, "no engine write");
            const c = census(await inventory(ctx.s.engine), desiredNames({ from: 1, to: 0 }, []));
            assert.equal(c.owned, 0, `nothing created: ${showCensus(c)}`);
            assert.equal(
                await readKv(ctx.s.bao, "kv", "selfservice/ovirt/cluster-secrets-ovirt"),
                undefined,
                "no Vault item",
            );
        } finally {
            for (const b of blockers) await new Promise((r) => b.close(r));
        }
        const r2 = await pulumiCli(ctx.t, ["up", "--yes", "--skip-preview"]);
        assert.equal(r2.status, 0, r2.stdout + r2.stderr);
        const c = census(await inventory(ctx.s.engine), desiredNames({ from: 10, to: 11 }, { from: 1, to: 1 }));
        assert.deepEqual([c.duplicates, c.leaked, c.missing], [[], [], []], showCensus(c));
        figure("local ports", { refusedPorts: 2, engineWrites: 0, createdBeforeRefusal: 0 });
    });
});
