// The local default's proxy ports (issue 18): a port held by another process is a clear problem naming the port, the
// holder and the setting; a port held by the sandbox's own haproxy/dnsmasq (its pid file) is fine; `up:local`
// chooses free ports instead of taken ones before anything is created, and keeps them.
import * as assert from "node:assert/strict";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ephemeralPortLow, freeDnsBase, localPortProblems, neededPorts } from "../../local/portCheck";
import { freePort } from "../../local/openbao";
import { chooseProxyPorts } from "../../scripts/local";

function listenTcp(port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(port, "127.0.0.1", () => resolve(srv));
    });
}

function bindUdp(port: number): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
        const sock = dgram.createSocket("udp4");
        sock.once("error", reject);
        sock.bind(port, "127.0.0.1", () => resolve(sock));
    });
}

describe("local default: proxy sandbox ports", () => {
    let dir: string;
    const closers: (() => void)[] = [];
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-ports-"));
    });
    afterEach(() => {
        for (const c of closers.splice(0)) c();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("neededPorts: HAProxy's four and one DNS port per lease, each with its setting", () => {
        const ports = neededPorts({ api: 16443, https: 18443, http: 18080, stats: 18404 }, 15300, [10, 12]);
        assert.deepEqual(
            ports.map((p) => [p.port, p.protocols.join("+"), p.setting]),
            [
                [16443, "tcp", "ovirt-ci:proxyVm.localHaproxyPorts.api"],
                [18443, "tcp", "ovirt-ci:proxyVm.localHaproxyPorts.https"],
                [18080, "tcp", "ovirt-ci:proxyVm.localHaproxyPorts.http"],
                [18404, "tcp", "ovirt-ci:proxyVm.localHaproxyPorts.stats"],
                [15310, "tcp+udp", "ovirt-ci:proxyVm.localDnsPort"],
                [15312, "tcp+udp", "ovirt-ci:proxyVm.localDnsPort"],
            ],
        );
    });

    it("a TCP port taken by another process: names the port, the holder's pid and the setting", async () => {
        const port = await freePort();
        const srv = await listenTcp(port);
        closers.push(() => srv.close());
        const problems = await localPortProblems(neededPorts({ api: port }, 40000, []), dir);
        assert.equal(problems.length, 1);
        assert.match(
            problems[0],
            new RegExp(
                `^port ${port}/tcp on 127\\.0\\.0\\.1, needed for HAProxy's api frontend, is in use by pid ${process.pid} \\(`,
            ),
        );
        assert.match(
            problems[0],
            /Fix: stop that process, or choose another port with ovirt-ci:proxyVm\.localHaproxyPorts\.api \(pulumi config set --path 'ovirt-ci:proxyVm\.localHaproxyPorts\.api' <port>\)$/,
        );
    });

    it("a UDP DNS port taken: names the lease's dnsmasq and localDnsPort", async () => {
        const base = (await freePort()) - 10;
        const sock = await bindUdp(base + 10);
        closers.push(() => sock.close());
        const problems = await localPortProblems(neededPorts({}, base, [10]), dir);
        assert.equal(problems.length, 1);
        assert.match(
            problems[0],
            new RegExp(
                `^port ${base + 10}/udp on 127\\.0\\.0\\.1, needed for dnsmasq of ovirt-10 \\(localDnsPort \\+ 10\\), is in use by pid ${process.pid}`,
            ),
        );
        assert.match(problems[0], /ovirt-ci:proxyVm\.localDnsPort/);
    });

    it("a port held by the sandbox's own process (its pid file) is fine; free ports are fine", async () => {
        const port = await freePort();
        const srv = await listenTcp(port);
        closers.push(() => srv.close());
        fs.mkdirSync(path.join(dir, "run"));
        fs.writeFileSync(path.join(dir, "run/haproxy.pid"), `${process.pid}\n`);
        assert.deepEqual(
            await localPortProblems(neededPorts({ api: port, https: await freePort() }, 40000, []), dir),
            [],
        );
    });

    it("up:local chooses free ports when a kept one is taken, says which, and keeps the new ones", async () => {
        const taken = await freePort();
        const srv = await listenTcp(taken);
        closers.push(() => srv.close());
        const file = path.join(dir, "ports.json");
        const kept = {
            localDnsPort: 15300,
            localHaproxyPorts: { api: taken, https: await freePort(), http: await freePort(), stats: await freePort() },
        };
        fs.writeFileSync(file, JSON.stringify({ engine: 1, proxy: kept }));
        const said: string[] = [];
        const chosen = await chooseProxyPorts(file, dir, (m) => void said.push(m));
        assert.notEqual(chosen.localHaproxyPorts.api, taken);
        assert.match(
            said.join("\n"),
            new RegExp(
                `port ${taken}/tcp on 127\\.0\\.0\\.1, needed for HAProxy's api frontend, is in use by pid ${process.pid}`,
            ),
        );
        assert.match(said.join("\n"), /using free ports instead/);
        assert.deepEqual(
            await localPortProblems(
                neededPorts({ ...chosen.localHaproxyPorts }, chosen.localDnsPort, [10, 11, 12]),
                dir,
            ),
            [],
        );
        const saved = JSON.parse(fs.readFileSync(file, "utf8"));
        assert.deepEqual(saved.proxy, chosen);
        assert.equal(saved.engine, 1, "the daemons' ports are kept");
        // usable ports are kept as they are
        assert.deepEqual(await chooseProxyPorts(file, dir, () => undefined), chosen);
    });

    it("a DNS base for 200 leases lies wholly below the kernel's ephemeral range, every lease port usable", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-ports-"));
        try {
            const leases = Array.from({ length: 200 }, (_, i) => i + 10);
            for (let i = 0; i < 5; i++) {
                const base = await freeDnsBase(leases, dir);
                assert.ok(
                    base >= 16000 && base + 209 < ephemeralPortLow(),
                    `base ${base}, ephemeral range from ${ephemeralPortLow()}`,
                );
                assert.deepEqual(await localPortProblems(neededPorts({}, base, leases), dir), []);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
