import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, ConfigProblem, validateConfig } from "../../lib/config";
import { minimalStackConfig } from "../helpers/stackConfig";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, leases } from "../../lib/leaseModel";
import { judgeLayoutMoves } from "../../lib/layoutGuard";
import {
    PLAYBOOKS_DNSMASQ_UNIT,
    renderPlaybooksDnsmasq,
    renderPlaybooksHaproxy,
    renderPlaybooksResolver,
} from "../../lib/render/playbooks";
import { leaseLayout } from "../../lib/proxy/layout";
import { systemdTarget } from "../../lib/proxy/systemd";
import type { ProxyTarget } from "../../lib/proxy/target";
import { baseScripts } from "../../lib/render/proxy/base";
import { leaseScripts } from "../../lib/render/proxy/lease";
import { playbooksBaseScripts, playbooksLeaseScripts, playbooksTakeover } from "../../lib/render/proxy/playbooksLayout";
import { freeDnsBase } from "../../local/portCheck";
import { sandboxTarget } from "../../local/proxyTarget";

// The fixtures are the files as Ansible rendered them from oVirt/ocp-on-ovirt at eb4903d
// (roles/ocp-rhv-proxy-vm: templates/haproxy.cfg.j2, templates/dnsmasq_ocp.j2 and the dnsmasq `copy` task), with
// config/ci-bm-params-45.yml's first two networks and Ansible's template defaults (trim_blocks, trailing newline).
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", "playbooks", name), "utf8");
const scheme = { baseDomain: "gcp.devcluster.openshift.com", addressing: DEFAULT_ADDRESSING, naming: DEFAULT_NAMING };
const [l10, l11] = leases([10, 11], scheme);

function problems(proxyVm: Record<string, unknown>): ConfigProblem[] {
    try {
        validateConfig(minimalStackConfig({ proxyVm }));
    } catch (e) {
        assert.ok(e instanceof ConfigError);
        return [...e.problems];
    }
    return [];
}

describe("the playbooks' layout: files as they rendered them", () => {
    it("a lease's dnsmasq file, net-0's resolver and haproxy.cfg are byte for byte what Ansible wrote", () => {
        assert.equal(renderPlaybooksDnsmasq(l10, "eth1"), fixture("dnsmasq-net-10.conf"));
        assert.equal(renderPlaybooksResolver([l10, l11], "8.8.8.8"), fixture("dnsmasq-net-0.conf"));
        assert.equal(renderPlaybooksHaproxy([l11, l10], "52.117.142.2"), fixture("haproxy.cfg"));
        assert.match(
            PLAYBOOKS_DNSMASQ_UNIT,
            /ExecStart=\/usr\/sbin\/dnsmasq -k --conf-file=\/var\/lib\/dnsmasq\/dnsmasq-%i\.conf/,
        );
    });
});

describe("proxyVm.layout and playbooksLeases (config)", () => {
    it("accepts the live proxy's layout; each lease maps to its NIC", () => {
        assert.deepEqual(problems({ layout: "playbooks", playbooksLeases: [{ lease: 10, nic: "eth1" }] }), []);
        const c = validateConfig(
            minimalStackConfig({
                leases: [10, 11],
                proxyVm: { layout: "playbooks", playbooksLeases: [{ lease: 10, nic: "eth1" }] },
            }),
        );
        assert.deepEqual(leaseLayout(c.proxyVm, 10), { kind: "playbooks", nic: "eth1" });
        assert.deepEqual(leaseLayout(c.proxyVm, 11), { kind: "ovirt-ci" });
        // an entry for a lease the config does not hold (scaled down) has no effect and is no error: scaling stays a
        // change of ovirt-ci:leases alone
        assert.deepEqual(
            problems({
                layout: "playbooks",
                playbooksLeases: [
                    { lease: 10, nic: "eth1" },
                    { lease: 30, nic: "eth2" },
                ],
            }),
            [],
        );
        assert.equal(c.proxyVm.biosType, "i440fx_sea_bios", "more than 8 NICs need i440fx (the default)");
        assert.equal(c.proxyVm.externalNicName, "nic1");
    });

    for (const [title, proxyVm, key, text] of [
        [
            "a lease twice",
            {
                layout: "playbooks",
                playbooksLeases: [
                    { lease: 10, nic: "eth1" },
                    { lease: 10, nic: "eth2" },
                ],
            },
            "proxyVm.playbooksLeases[1].lease",
            /twice/,
        ],
        [
            "one NIC for two leases",
            {
                layout: "playbooks",
                playbooksLeases: [
                    { lease: 10, nic: "eth1" },
                    { lease: 11, nic: "eth1" },
                ],
            },
            "proxyVm.playbooksLeases[1].nic",
            /another NIC/,
        ],
        [
            "the external NIC",
            { layout: "playbooks", playbooksLeases: [{ lease: 10, nic: "eth0" }] },
            "proxyVm.playbooksLeases[0].nic",
            /another NIC/,
        ],
        [
            "a NIC name Linux refuses",
            { layout: "playbooks", playbooksLeases: [{ lease: 10, nic: "eth 1" }] },
            "proxyVm.playbooksLeases[0].nic",
            /not a Linux interface name/,
        ],
        [
            "playbooks leases on our layout",
            { playbooksLeases: [{ lease: 10, nic: "eth1" }] },
            "proxyVm.layout",
            /not playbooks/,
        ],
        ["an unknown layout", { layout: "ansible" }, "proxyVm.layout", /not one of ovirt-ci, playbooks/],
        ["an unknown BIOS type", { biosType: "q35" }, "proxyVm.biosType", /not one of/],
    ] as const) {
        it(`refuses ${title} (${key})`, () => {
            const p = problems(proxyVm as Record<string, unknown>);
            const hit = p.find((x) => x.key === key);
            assert.ok(hit, JSON.stringify(p));
            assert.match(hit.problem, text);
            assert.ok(hit.fix.length > 0);
        });
    }
});

describe("layout guard: a move that replaces a held lease's NIC is refused", () => {
    const g = {
        networkNamePattern: "ovn-vmnet-{n}",
        proxyVmName: "proxy-vm-45",
        nicNames: new Map([
            [10, "vmnet10"],
            [11, "eth2"],
        ]),
    };
    const net = (n: number, vms: string[], proxyNic: string) => ({
        id: `id${n}`,
        name: `ovn-vmnet-${n}`,
        description: "",
        vms: [...vms, "proxy-vm-45"].sort(),
        nics: [{ vm: "proxy-vm-45", nic: proxyNic }, ...vms.map((vm) => ({ vm, nic: "nic1" }))],
    });

    it("refuses the held lease only, naming the NICs and both ways out", () => {
        const r = judgeLayoutMoves(g, [net(10, ["ovirt10-master-0"], "eth1"), net(11, ["ovirt11-master-0"], "eth2")]);
        assert.equal(r.length, 1);
        assert.match(
            r[0],
            /lease ovirt-10 is in use.*ovirt10-master-0.*vmnet10.*eth1.*Nothing was changed.*boskos.*\{lease: 10, nic: eth1\}/,
        );
    });

    it("lets a free lease move, and a lease without a proxy NIC yet is no move", () => {
        assert.deepEqual(judgeLayoutMoves(g, [net(10, [], "eth1")]), []);
        assert.deepEqual(
            judgeLayoutMoves(g, [
                { id: "x", name: "ovn-vmnet-10", description: "", vms: ["a"], nics: [{ vm: "a", nic: "nic1" }] },
            ]),
            [],
        );
    });
});

/** Runs a wrapped command line the way the SSH session does. */
function sh(command: string): string {
    return execFileSync("sh", ["-c", command], { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}
const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
};

describe("the playbooks' layout adopted in place (sandbox proxy, real dnsmasq)", function () {
    this.timeout(60_000);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-playbooks-"));
    let target: ProxyTarget;
    let dnsPort: number; // lease 10 answers on dnsPort + 10
    const shared = { rootDir: root, externalInterface: "eth0", upstreamDns: ["8.8.8.8"], layout: "playbooks" as const };
    const conf = path.join(root, "var/lib/dnsmasq/dnsmasq-net-10.conf");
    const pidFile = path.join(root, "var/run/net-10.pid");
    const pid = () => Number(fs.readFileSync(pidFile, "utf8").trim());

    before(async () => {
        dnsPort = await freeDnsBase([10], root);
        target = sandboxTarget({
            ...shared,
            localDnsPort: dnsPort,
            localHaproxyPorts: { api: 1, https: 2, http: 3, stats: 4 }, // HAProxy is not started here
        });
        // what the playbooks left (the sandbox variant of their files): template unit, masquerade, net-10 running
        fs.mkdirSync(path.join(root, "usr/lib/systemd/system"), { recursive: true });
        fs.writeFileSync(path.join(root, "usr/lib/systemd/system/dnsmasq@.service"), PLAYBOOKS_DNSMASQ_UNIT);
        fs.mkdirSync(path.join(root, "etc/firewalld/zones"), { recursive: true });
        fs.writeFileSync(path.join(root, "etc/firewalld/zones/public.xml"), "<zone><masquerade/></zone>\n");
        fs.mkdirSync(path.join(root, "var/lib/dnsmasq"), { recursive: true });
        fs.mkdirSync(path.join(root, "var/run"), { recursive: true });
        fs.writeFileSync(conf, renderPlaybooksDnsmasq(l10, "eth1", { rootDir: root, port: dnsPort + 10 }));
        sh(`dnsmasq --conf-file=${conf}`);
    });
    after(() => {
        for (const f of fs.readdirSync(path.join(root, "var/run"))) {
            const p = Number(fs.readFileSync(path.join(root, "var/run", f), "utf8"));
            if (p > 0 && alive(p)) process.kill(p);
        }
        fs.rmSync(root, { recursive: true, force: true });
    });

    it("the base check passes on their set-up, writes nothing, and refuses a proxy without their unit", () => {
        sh(playbooksBaseScripts(target).create);
        const other = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-notplaybooks-"));
        try {
            assert.throws(
                () => sh(playbooksBaseScripts({ ...target, rootDir: other }).create),
                /dnsmasq template unit\) is missing.*Nothing was changed/s,
            );
        } finally {
            fs.rmSync(other, { recursive: true, force: true });
        }
        const real = baseScripts(systemdTarget({ ...shared, sudo: false, rootDir: "/" })).create;
        assert.ok(!/nftables\.(conf|service)/.test(real), "NAT stays firewalld's");
        assert.match(real, /ovirt-ci-dnsmasq@\.service/, "their dnsmasq@ template unit is not overridden");
    });

    it("adopts a running lease instance without restarting it; twice is a no-op", () => {
        const before = pid();
        const s = playbooksLeaseScripts(target, l10, "eth1", "56:6f:1a:61:00:01");
        sh(s.create);
        sh(s.create);
        assert.equal(pid(), before, "the instance serving the lease kept running (same process)");
        assert.ok(alive(before));
    });

    it("refuses a differing file with the diff, changing nothing and restarting nothing", () => {
        const before = pid();
        const live = fs.readFileSync(conf, "utf8");
        fs.writeFileSync(conf, live.replace("log-queries\n", "log-queries\ncache-size=0\n"));
        const s = playbooksLeaseScripts(target, l10, "eth1", "56:6f:1a:61:00:01");
        assert.throws(() => sh(s.create), /differs from what the program renders.*Nothing was changed.*cache-size=0/s);
        assert.equal(pid(), before);
        assert.match(fs.readFileSync(conf, "utf8"), /cache-size=0/);
        assert.ok(!fs.existsSync(`${conf}.new`));
        fs.writeFileSync(conf, live);
    });

    it("starts a stopped instance (a start, not a restart)", () => {
        const old = pid();
        process.kill(old);
        for (let i = 0; i < 50 && alive(old); i++) execFileSync("sleep", ["0.1"]);
        sh(playbooksLeaseScripts(target, l10, "eth1", "56:6f:1a:61:00:01").create);
        assert.ok(alive(pid()));
    });

    it("moving the lease to our layout stops their instance before ours takes the port", () => {
        const theirs = pid();
        const ours = leaseScripts(target, l10, "56:6f:1a:61:00:02");
        sh(baseScripts(target).create); // the proxy's set-up runs before any lease's
        sh(`${playbooksTakeover(target, l10)} && ${ours.create}`);
        assert.ok(!alive(theirs), "the playbooks' instance is stopped");
        assert.ok(!ours.create.includes("nft"), "no nftables NAT on their proxy");
        const mine = Number(fs.readFileSync(path.join(root, "run/dnsmasq-ovirt-10.pid"), "utf8"));
        assert.ok(alive(mine));
        sh(ours.delete);
        sh(playbooksLeaseScripts(target, l10, "eth1", "56:6f:1a:61:00:01").delete);
        assert.ok(!fs.existsSync(conf));
    });
});
