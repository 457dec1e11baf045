import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, lease } from "../../lib/leaseModel";
import { ProxyTool, versionGateLines } from "../../lib/render/proxyVersions";
import { systemdTarget } from "../../lib/proxy/systemd";
import { baseScripts } from "../../lib/render/proxy/base";
import { haproxyScripts, targetHaproxyConfig } from "../../lib/render/proxy/haproxy";
import { leaseScripts } from "../../lib/render/proxy/lease";
import { proxyPaths } from "../../lib/render/proxy/paths";
import { CLOUD_INIT_WAIT, wrap } from "../../lib/render/proxy/script";
import { sandboxTarget } from "../../local/proxyTarget";

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
    const shared = { rootDir: root, externalInterface: "eth0", upstreamDns: ["127.0.0.1"] };
    const localDnsPort = 20000 + (process.pid % 20000);
    const target = sandboxTarget({
        ...shared,
        localDnsPort,
        localHaproxyPorts: { api: 41443, https: 41444, http: 41445, stats: 41446 },
    });
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
                baseScripts(systemdTarget({ ...shared, sudo: false, rootDir: "/" })).create.includes(
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
        assert.equal(await resolveA(localDnsPort + 10, "api.ovirt10.example.com"), "192.168.210.30");
        assert.equal(await resolveA(localDnsPort + 11, "x.apps.ovirt11.example.com"), "192.168.211.32");
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

    it("reads each tool's version as it prints it; the oldest supported passes, one below is refused", () => {
        const fakeBin = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-versions-"));
        const env = { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` };
        const say = (tool: string, line: string) =>
            fs.writeFileSync(path.join(fakeBin, tool), `#!/bin/sh\necho '${line}'\n`, { mode: 0o755 });
        const gate = (tool: ProxyTool) => () => sh(wrap(target, `${versionGateLines(tool)}echo ok\n`), "", env);
        try {
            const cases: [ProxyTool, string, string][] = [
                ["haproxy", "HA-Proxy version 1.5.18 2016/05/10", "HA-Proxy version 1.5.4 2014/09/02"],
                [
                    "haproxy",
                    "HAProxy version 2.6.12-1+deb12u1 2023/12/16 - https://haproxy.org/",
                    "HA-Proxy version 1.4.24 2013/06/17",
                ],
                [
                    "dnsmasq",
                    "Dnsmasq version 2.76  Copyright (c) 2000-2016 Simon Kelley",
                    "Dnsmasq version 2.66  Copyright (c) 2000-2013 Simon Kelley",
                ],
                ["nft", "nftables v0.8 (Joe Btfsplk)", "nftables v0.7 (Scrooge McDuck)"],
            ];
            for (const [tool, supported, older] of cases) {
                say(tool, supported);
                assert.equal(gate(tool)().trim(), "ok", supported);
                say(tool, older);
                assert.throws(gate(tool), (e: { stderr?: string }) =>
                    new RegExp(
                        `the proxy's ${tool} is ${/[0-9][0-9.]+/.exec(older.replace(/^[^0-9]*/, ""))![0].replace(/\./g, "\\.")};`,
                    ).test(e.stderr ?? ""),
                );
            }
            say("nft", "something else");
            assert.throws(gate("nft"), (e: { stderr?: string }) =>
                /the proxy's nft is of unknown version/.test(e.stderr ?? ""),
            );
        } finally {
            fs.rmSync(fakeBin, { recursive: true, force: true });
        }
    });

    it("a stricter checker or an older tool on the proxy's PATH: the live file and the running service stay untouched", () => {
        // The proxy's own binaries decide (here: wrappers in front of the real ones, as an older proxy would answer).
        const fakeBin = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-strict-"));
        const real = (tool: string) => execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
        const wrapper = (tool: string, body: string) =>
            fs.writeFileSync(path.join(fakeBin, tool), `#!/bin/sh\n${body}\nexec ${real(tool)} "$@"\n`, {
                mode: 0o755,
            });
        const strict = { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` };
        try {
            // HAProxy: running with one lease; the next file is refused by the proxy's checker
            const p = proxyPaths(target);
            const scripts = haproxyScripts(target);
            const live = targetHaproxyConfig(target, [l11], "admin", "Stats0Pw");
            sh(scripts.create, live);
            const running = pid(p.haproxyPid);
            wrapper(
                "haproxy",
                `case " $* " in *" -c "*) echo "[ALERT] (stricter) parsing: unknown keyword 'req.hdr'" >&2; exit 1;; esac`,
            );
            const next = targetHaproxyConfig(target, [l10, l11], "admin", "Stats0Pw");
            assert.throws(
                () => sh(scripts.create, next, strict),
                (e: { stderr?: string }) =>
                    /the proxy's haproxy rejects the new \S*haproxy\.cfg; the live file and the running service are unchanged\. haproxy said: \[ALERT\] \(stricter\)/.test(
                        e.stderr ?? "",
                    ) && !(e.stderr ?? "").includes("Stats0Pw"),
            );
            assert.equal(fs.readFileSync(p.haproxyConfig, "utf8"), live, "the live file is the old one");
            assert.ok(!fs.existsSync(`${p.haproxyConfig}.new`), "no rendered file left behind");
            assert.equal(pid(p.haproxyPid), running, "not reloaded");
            assert.ok(alive(running), "still running");
            // an older HAProxy than the renderers write for is refused with the version found
            wrapper("haproxy", `case " $* " in *" -v "*) echo "HA-Proxy version 1.4.24 2013/06/17"; exit 0;; esac`);
            assert.throws(
                () => sh(scripts.create, next, strict),
                (e: { stderr?: string }) =>
                    /the proxy's haproxy is 1\.4\.24; ovirt-ci writes files for haproxy 1\.5\.18 or newer/.test(
                        e.stderr ?? "",
                    ),
            );
            assert.equal(fs.readFileSync(p.haproxyConfig, "utf8"), live);
            assert.equal(pid(p.haproxyPid), running);
            sh(scripts.delete);

            // dnsmasq: lease 10 runs; a changed file the proxy's dnsmasq rejects is not installed, no restart
            sh(baseScripts(target).create);
            const before = leaseScripts(target, l10, MAC);
            sh(before.create);
            const p10 = proxyPaths(target, l10);
            const dnsmasqPid = pid(p10.dnsmasqPid!);
            const liveConf = fs.readFileSync(p10.dnsmasqConfig!, "utf8");
            wrapper(
                "dnsmasq",
                `case " $* " in *" --test "*) echo "dnsmasq: bad option at line 5 of the new file (stricter)" >&2; exit 1;; esac`,
            );
            const changed = leaseScripts({ ...target, upstreamDns: ["127.0.0.2"] }, l10, MAC);
            assert.throws(
                () => sh(changed.create, "", strict),
                (e: { stderr?: string }) =>
                    /the proxy's dnsmasq rejects the new \S*ovirt-10\.conf; the live file and the running service are unchanged\. dnsmasq said: dnsmasq: bad option/.test(
                        e.stderr ?? "",
                    ),
            );
            assert.equal(fs.readFileSync(p10.dnsmasqConfig!, "utf8"), liveConf);
            assert.ok(!fs.existsSync(`${p10.dnsmasqConfig!}.new`));
            assert.equal(pid(p10.dnsmasqPid!), dnsmasqPid, "not restarted");
            assert.ok(alive(dnsmasqPid));
            sh(before.delete);
        } finally {
            fs.rmSync(fakeBin, { recursive: true, force: true });
        }
    });
});

describe("proxy scripts, systemd service mode (the proxy's tools as recording stand-ins)", () => {
    it("a lease whose dnsmasq or NAT file the proxy rejects changes nothing: no interface, NAT, unit or file", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-systemd-"));
        const fakeBin = path.join(root, "fake-bin");
        const log = path.join(root, "calls.log");
        fs.mkdirSync(fakeBin);
        // Every tool the script could change the proxy with only records its call; the checkers answer as told.
        const fake = (tool: string, body = "") =>
            fs.writeFileSync(path.join(fakeBin, tool), `#!/bin/sh\n${body}\necho "${tool} $*" >> ${log}\n`, {
                mode: 0o755,
            });
        for (const tool of ["ip", "systemctl", "udevadm", "sysctl"]) fake(tool);
        const target = systemdTarget({
            rootDir: root,
            sudo: false,
            externalInterface: "eth0",
            upstreamDns: ["8.8.8.8"],
        });
        const l10 = lease(10, scheme);
        const p = proxyPaths(target, l10);
        const env = { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` };
        try {
            for (const [rejecting, dnsmasqTest, nftCheck] of [
                ["dnsmasq", "exit 1", "exit 0"],
                ["nft", "exit 0", "exit 1"],
            ]) {
                fake(
                    "dnsmasq",
                    `case " $* " in *" --version "*) echo "Dnsmasq version 2.76"; exit 0;; *" --test "*) echo "bad option (stricter)" >&2; ${dnsmasqTest};; esac`,
                );
                fake(
                    "nft",
                    `case " $* " in *" --version "*) echo "nftables v0.8"; exit 0;; *" -c "*) echo "syntax error (stricter)" >&2; ${nftCheck};; esac`,
                );
                fs.rmSync(log, { force: true });
                assert.throws(
                    () => sh(leaseScripts(target, l10, MAC).create, "", env),
                    (e: { stderr?: string }) =>
                        new RegExp(`the proxy's ${rejecting} rejects the new`).test(e.stderr ?? ""),
                );
                const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
                assert.doesNotMatch(calls, /^(ip|systemctl|udevadm|sysctl) /m, `${rejecting}: nothing applied`);
                assert.doesNotMatch(calls, /^nft (?!.*(-c|--version))/m, `${rejecting}: no NAT table loaded`);
                for (const f of [p.dnsmasqConfig!, p.nftFile!, p.udevRule!, p.ifcfg!]) {
                    assert.ok(!fs.existsSync(f), `${rejecting}: ${f} not written`);
                    assert.ok(!fs.existsSync(`${f}.new`), `${rejecting}: no ${f}.new left behind`);
                }
            }
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
