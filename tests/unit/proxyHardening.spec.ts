// The proxy VM's least-privilege settings (docs/program.md, "The proxy configuration"): HAProxy on the VM drops root
// (user and group haproxy, chrooted to /var/lib/haproxy) and its statistics page listens only on the stats address,
// never on a lease's or the public address; the rendered file passes HAProxy's own check.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { systemdTarget } from "../../lib/proxy/systemd";
import { firewallScripts } from "../../lib/render/proxy/firewall";
import { targetHaproxyConfig } from "../../lib/render/proxy/haproxy";
import { sandboxTarget } from "../../local/proxyTarget";
import { renderNftablesFilter } from "../../lib/render/firewall";
import { ConfigError, DEFAULT_PROXY_VM, validateConfig } from "../../lib/config";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, leases } from "../../lib/leaseModel";

const scheme = { baseDomain: "example.com", addressing: DEFAULT_ADDRESSING, naming: DEFAULT_NAMING };
const vmTarget = systemdTarget({ rootDir: "/", sudo: true, externalInterface: "eth0", upstreamDns: ["8.8.8.8"] });

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

describe("proxy hardening: the packet filter (nftables)", () => {
    const ls = leases([10, 11], scheme);
    const text = renderNftablesFilter(ls, {
        externalInterface: "eth0",
        publicTcpPorts: [22, 6443, 443, 80],
        managementCidr: "203.0.113.0/24",
    });

    it("lets the leases reach HAProxy's frontends on the proxy (public names resolve to it), never its SSH", () => {
        const withHairpin = renderNftablesFilter(ls, {
            externalInterface: "eth0",
            publicTcpPorts: [22, 6443, 443, 80],
            leaseTcpPorts: [6443, 443, 80],
        })
            .split("\n")
            .map((l) => l.trim());
        const input = withHairpin.slice(withHairpin.indexOf("chain input {"), withHairpin.indexOf("chain forward {"));
        const accept = input.indexOf('iifname { "vmnet10", "vmnet11" } tcp dport { 80, 443, 6443 } accept');
        assert.ok(accept > 0 && accept < input.indexOf('iifname { "vmnet10", "vmnet11" } drop'));
        assert.ok(!withHairpin.some((l) => /vmnet.*dport.*\b22\b/.test(l)), "no SSH from a lease");
        assert.ok(withHairpin.includes("type filter hook input priority 0; policy accept;"), "nftables 0.8 syntax");
    });

    it("passes nft -c (the tool's own check)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-nft-"));
        try {
            fs.writeFileSync(path.join(dir, "filter.nft"), text);
            const r = spawnSync("nft", ["-c", "-f", path.join(dir, "filter.nft")], { encoding: "utf8" });
            assert.equal(r.status, 0, r.stdout + r.stderr);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("drops lease-to-lease, lease-to-management and lease-to-proxy traffic but DHCP, DNS, the gateway and the engine's API", () => {
        const leaseSet = '{ "vmnet10", "vmnet11" }';
        const lines = text.split("\n").map((l) => l.trim());
        const input = lines.slice(lines.indexOf("chain input {"), lines.indexOf("chain forward {"));
        const forward = lines.slice(lines.indexOf("chain forward {"));
        // first match wins: every accept for the leases comes before their drop
        assert.deepEqual(
            input.filter((l) => l.startsWith(`iifname ${leaseSet}`)),
            [
                `iifname ${leaseSet} udp dport { 53, 67 } accept`,
                `iifname ${leaseSet} tcp dport 53 accept`,
                `iifname ${leaseSet} icmp type echo-request accept`,
                `iifname ${leaseSet} drop`,
            ],
        );
        assert.deepEqual(
            forward.filter((l) => l.startsWith(`iifname ${leaseSet}`)),
            [
                `iifname ${leaseSet} oifname ${leaseSet} drop`,
                `iifname ${leaseSet} ip daddr 203.0.113.0/24 tcp dport { 443 } accept`,
                `iifname ${leaseSet} ip daddr 203.0.113.0/24 drop`,
                `iifname ${leaseSet} oifname "eth0" accept`,
                `iifname ${leaseSet} drop`,
            ],
        );
        assert.ok(input.includes('iifname "eth0" tcp dport { 22, 80, 443, 6443 } accept'), "only SSH, API and ingress");
        assert.ok(input.includes('iifname "eth0" drop'), "nothing else from outside (HAProxy's stats included)");
        assert.ok(forward.includes(`iifname "eth0" oifname ${leaseSet} drop`));
    });

    it("the sandbox keeps the checked file and what the VM would run; delete removes both", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-fw-sandbox-"));
        const target = sandboxTarget({
            rootDir: root,
            externalInterface: "eth0",
            upstreamDns: ["8.8.8.8"],
            localDnsPort: DEFAULT_PROXY_VM.localDnsPort,
            localHaproxyPorts: DEFAULT_PROXY_VM.localHaproxyPorts,
        });
        try {
            const { create, delete: del } = firewallScripts(target);
            const r = spawnSync("sh", ["-c", create], { input: text, encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
            assert.equal(fs.readFileSync(path.join(root, "etc/nftables/ovirt-ci/filter.nft"), "utf8"), text);
            assert.match(fs.readFileSync(path.join(root, "var/lib/ovirt-ci/network/firewall.sh"), "utf8"), /^nft -f /);
            const bad = spawnSync("sh", ["-c", create], { input: "table inet x { chain c { nonsense } }\n" });
            assert.notEqual(bad.status, 0, "nft -c refuses a broken file");
            assert.equal(fs.readFileSync(path.join(root, "etc/nftables/ovirt-ci/filter.nft"), "utf8"), text, "kept");
            assert.equal(spawnSync("sh", ["-c", del]).status, 0);
            assert.ok(!fs.existsSync(path.join(root, "etc/nftables/ovirt-ci/filter.nft")));
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
