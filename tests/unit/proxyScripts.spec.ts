import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, lease } from "../../lib/leaseModel";
import {
    CLOUD_INIT_WAIT,
    ProxyTarget,
    baseScripts,
    haproxyScripts,
    leaseScripts,
    proxyPaths,
    targetHaproxyConfig,
    wrap,
} from "../../components/proxyScripts";

const scheme = { baseDomain: "example.com", addressing: DEFAULT_ADDRESSING, naming: DEFAULT_NAMING };
const MAC = "56:6f:00:00:00:0a";

/** Runs a wrapped command line the way the SSH session does (a login shell runs the command string). */
function sh(command: string, stdin = "", env: NodeJS.ProcessEnv = process.env): string {
    return execFileSync("sh", ["-c", command], {
        encoding: "utf8",
        input: stdin,
        stdio: ["pipe", "pipe", "pipe"],
        env,
    });
}

/** One DNS A query over UDP; resolves to the answer's IPv4 address. */
function resolveA(port: number, name: string): Promise<string> {
    const q = Buffer.concat([
        Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
        ...name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
        Buffer.from([0, 0, 1, 0, 1]),
    ]);
    return new Promise((resolve, reject) => {
        const s = dgram.createSocket("udp4");
        const t = setTimeout(() => {
            s.close();
            reject(new Error("DNS timeout"));
        }, 3000);
        s.on("message", (m) => {
            clearTimeout(t);
            s.close();
            resolve([...m.subarray(m.length - 4)].join("."));
        });
        s.send(q, port, "127.0.0.1");
    });
}

describe("proxy scripts, local service mode (real dnsmasq and haproxy in a sandbox)", function () {
    this.timeout(60_000);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-proxy-"));
    const target: ProxyTarget = {
        serviceMode: "local",
        rootDir: root,
        sudo: false,
        externalInterface: "eth0",
        upstreamDns: ["127.0.0.1"],
        localDnsPort: 20000 + (process.pid % 20000),
        localHaproxyPorts: { api: 41443, https: 41444, http: 41445, stats: 41446 },
    };
    const l10 = lease(10, scheme);
    const l11 = lease(11, scheme);
    const pid = (file: string) => Number(fs.readFileSync(file, "utf8").trim());
    const alive = (p: number) => {
        try {
            process.kill(p, 0);
            return true;
        } catch {
            return false;
        }
    };
    after(() => {
        for (const f of [
            proxyPaths(target, l10).dnsmasqPid!,
            proxyPaths(target, l11).dnsmasqPid!,
            proxyPaths(target).haproxyPid,
        ]) {
            if (fs.existsSync(f))
                try {
                    process.kill(pid(f));
                } catch {
                    /* gone */
                }
        }
        fs.rmSync(root, { recursive: true, force: true });
    });

    it("wraps scripts for sudo only when asked", () => {
        assert.equal(wrap({ sudo: false }, "true"), "sh -c 'set -eu\ntrue'");
        assert.equal(wrap({ sudo: true }, "echo 'x'"), "sudo -n sh -c 'set -eu\necho '\\''x'\\'''");
    });

    it("the set-up waits for cloud-init where it is installed: done (0) or recoverable (2) go on, failed (1) stops with the fix", () => {
        const fakeBin = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-fake-cloud-init-"));
        try {
            const calls = path.join(fakeBin, "calls");
            const fake = (rc: number) =>
                fs.writeFileSync(path.join(fakeBin, "cloud-init"), `#!/bin/sh\necho "$*" >> ${calls}\nexit ${rc}\n`, {
                    mode: 0o755,
                });
            const env = { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` };
            const script = wrap(target, `${CLOUD_INIT_WAIT}echo configured\n`);
            fake(0);
            assert.equal(sh(script, "", env).trim(), "configured");
            assert.equal(fs.readFileSync(calls, "utf8").trim(), "status --wait");
            fake(2);
            assert.equal(sh(script, "", env).trim(), "configured");
            fake(1);
            assert.throws(
                () => sh(script, "", env),
                (e: { stderr?: string; stdout?: string }) =>
                    /cloud-init failed on this VM.*cloud-init-output\.log/.test(e.stderr ?? "") &&
                    !(e.stdout ?? "").includes("configured"),
            );
            // No cloud-init at all (the local sandbox): straight on.
            assert.equal(sh(script, "", { ...process.env, PATH: "/usr/bin:/bin" }).trim(), "configured");
            assert.ok(
                baseScripts(target).create.includes("cloud-init status --wait"),
                "the base set-up (first on the VM) waits",
            );
            assert.ok(
                baseScripts({ ...target, serviceMode: "systemd", rootDir: "/" }).create.includes(
                    "cloud-init status --wait",
                ),
            );
        } finally {
            fs.rmSync(fakeBin, { recursive: true, force: true });
        }
    });

    it("starts one dnsmasq per lease on its own loopback port, idempotently; delete stops only that lease", async () => {
        sh(baseScripts(target).create);
        const s10 = leaseScripts(target, l10, MAC);
        const s11 = leaseScripts(target, l11, MAC.replace(/0a$/, "0b"));
        sh(s10.create);
        sh(s11.create);
        const p10 = proxyPaths(target, l10);
        const first = pid(p10.dnsmasqPid!);
        assert.ok(alive(first));
        assert.equal(await resolveA(target.localDnsPort + 10, "api.ovirt10.example.com"), "192.168.210.30");
        assert.equal(await resolveA(target.localDnsPort + 11, "x.apps.ovirt11.example.com"), "192.168.211.32");
        sh(s10.create); // unchanged: no restart
        assert.equal(pid(p10.dnsmasqPid!), first);
        assert.match(fs.readFileSync(p10.record!, "utf8"), /ip addr replace 192\.168\.210\.1\/24 dev 'vmnet10'/);
        assert.match(fs.readFileSync(p10.nftFile!, "utf8"), /table ip ovirt_ci_nat_ovirt_10/);
        sh(s10.delete);
        assert.ok(!alive(first));
        for (const f of [p10.dnsmasqConfig!, p10.dnsmasqPid!, p10.nftFile!, p10.record!])
            assert.ok(!fs.existsSync(f), f);
        assert.ok(alive(pid(proxyPaths(target, l11).dnsmasqPid!)), "lease 11 untouched");
        sh(s10.delete); // idempotent
    });

    it("validates, starts and reloads HAProxy; refuses a broken file before it replaces the live one", () => {
        const p = proxyPaths(target);
        const good = haproxyScripts(target);
        const config11 = targetHaproxyConfig(target, [l11], "admin", "Stats0Pw");
        assert.ok(
            !good.create.includes("Stats0Pw") && !good.delete.includes("Stats0Pw"),
            "the scripts hold no password",
        );
        sh(good.create, config11);
        const first = pid(p.haproxyPid);
        assert.ok(alive(first));
        assert.equal(
            fs.statSync(p.haproxyConfig).mode & 0o077,
            0,
            "the file with the password is readable by its owner only",
        );
        sh(good.create, config11);
        assert.equal(pid(p.haproxyPid), first, "unchanged file: no reload");
        assert.throws(() => sh(good.create, "frontend x\n    bind 127.0.0.1:notaport\n"));
        assert.equal(fs.readFileSync(p.haproxyConfig, "utf8"), config11);
        sh(good.create, targetHaproxyConfig(target, [l10, l11], "admin", "Stats0Pw"));
        const second = pid(p.haproxyPid);
        assert.notEqual(second, first, "changed file: soft reload under a new pid");
        sh(good.delete);
        assert.ok(!fs.existsSync(p.haproxyConfig));
        spawnSync("sleep", ["0.3"]);
        assert.ok(!alive(second));
    });
});
