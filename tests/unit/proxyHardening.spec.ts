// The proxy VM's least-privilege settings (docs/program.md, "The proxy configuration"): HAProxy on the VM drops root
// (user and group haproxy, chrooted to /var/lib/haproxy) and its statistics page listens only on the stats address,
// never on a lease's or the public address; the rendered file passes HAProxy's own check.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ProxyTarget, targetHaproxyConfig } from "../../components/proxyScripts";
import { ConfigError, DEFAULT_PROXY_VM, validateConfig } from "../../lib/config";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, leases } from "../../lib/leaseModel";

const scheme = { baseDomain: "example.com", addressing: DEFAULT_ADDRESSING, naming: DEFAULT_NAMING };
const vmTarget: ProxyTarget = {
    serviceMode: "systemd",
    rootDir: "/",
    sudo: true,
    externalInterface: "eth0",
    upstreamDns: ["8.8.8.8"],
    localDnsPort: DEFAULT_PROXY_VM.localDnsPort,
    localHaproxyPorts: DEFAULT_PROXY_VM.localHaproxyPorts,
};

describe("proxy hardening: HAProxy on the VM", () => {
    const cfg = targetHaproxyConfig(vmTarget, leases([10, 11], scheme), "admin", "Stats0Pw");

    it("runs as haproxy in a chroot, with the statistics page on 127.0.0.1 only", () => {
        const global = cfg.slice(cfg.indexOf("global\n"), cfg.indexOf("\ndefaults"));
        for (const line of ["chroot /var/lib/haproxy", "user haproxy", "group haproxy"])
            assert.ok(global.includes(`    ${line}\n`), line);
        const stats = cfg.slice(cfg.indexOf("frontend stats"), cfg.indexOf("frontend api"));
        assert.match(stats, /^ {4}bind 127\.0\.0\.1:8404$/m);
        assert.deepEqual(
            cfg.split("\n").filter((l) => /^\s+bind /.test(l)),
            ["    bind 127.0.0.1:8404", "    bind *:6443", "    bind *:443", "    bind *:80"],
        );
    });

    it("passes haproxy -c (the user, group and chroot directory exist where the haproxy package is installed)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-haproxy-vm-"));
        try {
            fs.writeFileSync(path.join(dir, "haproxy.cfg"), cfg);
            const r = spawnSync("haproxy", ["-c", "-f", path.join(dir, "haproxy.cfg")], { encoding: "utf8" });
            assert.equal(r.status, 0, r.stdout + r.stderr);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("proxy hardening: proxyVm.statsAddress", () => {
    const base = {
        engineUrl: "https://engine.example.com/ovirt-engine/api",
        ciEngineUsername: "ocpadmin@internal",
        baseDomain: "example.com",
        dataCenter: "OCP-45",
        cluster: "OCP-45",
        mainStorageDomain: "nfs",
        leases: [10, 11],
        hosts: ["h1", "h2"].map((name) => ({ name, address: `${name}.example.com`, cpuCores: 96, memoryGiB: 96 })),
    };
    const problem = (statsAddress: string, extra: Record<string, unknown> = {}) => {
        try {
            validateConfig({ ...base, proxyVm: { statsAddress, ...extra } });
            return undefined;
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            return e.problems.find((p) => p.key === "proxyVm.statsAddress")?.problem;
        }
    };
    it("accepts loopback (the default) and a management-only address", () => {
        assert.equal(validateConfig(base).proxyVm.statsAddress, "127.0.0.1");
        assert.equal(problem("10.0.0.5"), undefined);
    });
    it("refuses a lease network's, the public and the wildcard address", () => {
        assert.match(problem("192.168.211.1")!, /lease network/);
        assert.match(
            problem("203.0.113.10", {
                externalAddress: "203.0.113.10",
                externalPrefixLength: 24,
                externalGateway: "203.0.113.1",
            })!,
            /public address/,
        );
        assert.match(problem("0.0.0.0")!, /every address/);
        assert.match(problem("stats.example.com")!, /not an IPv4 address/);
    });
});
