// Every script and file the proxy gets, rendered for a few leases on the real VM (systemd) and in the sandbox, in
// both layouts, byte for byte as the commands in an existing stack's state hold them: a change here is a diff of
// every proxy command on the next `pulumi preview`. The fixture was written by the renderers before the proxy
// target became an interface (issue 28); regenerate it (OVIRT_CI_GOLDEN_UPDATE=1) only for a deliberate change.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, leases } from "../../lib/leaseModel";
import type { ProxyTarget } from "../../lib/proxy/target";
import { systemdTarget } from "../../lib/proxy/systemd";
import { adminAuthorizedKeysFile, adminKeyScripts } from "../../lib/render/proxy/adminKey";
import { baseScripts } from "../../lib/render/proxy/base";
import { firewallScripts } from "../../lib/render/proxy/firewall";
import { haproxyScripts, proxyHaproxyConfig, targetHaproxyConfig } from "../../lib/render/proxy/haproxy";
import { leaseCommandScripts, leaseDnsmasqConfig, leaseScripts } from "../../lib/render/proxy/lease";
import { proxyPaths } from "../../lib/render/proxy/paths";
import { playbooksBaseScripts, playbooksLeaseScripts, playbooksTakeover } from "../../lib/render/proxy/playbooksLayout";
import { sandboxTarget } from "../../local/proxyTarget";

const FIXTURE = path.join(__dirname, "fixtures", "proxyScripts", "golden.json");
const scheme = { baseDomain: "example.com", addressing: DEFAULT_ADDRESSING, naming: DEFAULT_NAMING };
const LEASES = leases([10, 11], scheme);
const MAC = (n: number) => `56:6F:00:00:00:${n.toString(16).padStart(2, "0")}`;

/** One target, as plain data: the mode and every setting a script reads. */
interface TargetCase {
    readonly mode: "systemd" | "sandbox";
    readonly rootDir: string;
    readonly sudo: boolean;
    readonly upstreamDns: readonly string[];
    readonly layout?: "ovirt-ci" | "playbooks";
    readonly statsAddress?: string;
}

const CASES: Record<string, TargetCase> = {
    vm: { mode: "systemd", rootDir: "/", sudo: true, upstreamDns: ["8.8.8.8"] },
    "vm-root-stats": {
        mode: "systemd",
        rootDir: "/",
        sudo: false,
        upstreamDns: ["8.8.8.8", "1.1.1.1"],
        statsAddress: "10.0.0.5",
    },
    "vm-playbooks": { mode: "systemd", rootDir: "/", sudo: true, upstreamDns: ["8.8.8.8"], layout: "playbooks" },
    "vm-rooted": { mode: "systemd", rootDir: "/srv/proxy", sudo: false, upstreamDns: ["8.8.8.8"] },
    sandbox: { mode: "sandbox", rootDir: "/tmp/ovirt-ci golden/proxy", sudo: false, upstreamDns: ["127.0.0.1"] },
    "sandbox-playbooks": {
        mode: "sandbox",
        rootDir: "/tmp/ovirt-ci-golden",
        sudo: false,
        upstreamDns: ["8.8.8.8"],
        layout: "playbooks",
    },
};
const SANDBOX_DNS_PORT = 25300;
const SANDBOX_HAPROXY_PORTS = { api: 16443, https: 18443, http: 18080, stats: 18404 };

function makeTarget(c: TargetCase): ProxyTarget {
    const shared = {
        rootDir: c.rootDir,
        externalInterface: "eth0",
        upstreamDns: c.upstreamDns,
        ...(c.layout ? { layout: c.layout } : {}),
    };
    return c.mode === "sandbox"
        ? sandboxTarget({ ...shared, localDnsPort: SANDBOX_DNS_PORT, localHaproxyPorts: SANDBOX_HAPROXY_PORTS })
        : systemdTarget({ ...shared, sudo: c.sudo, statsAddress: c.statsAddress });
}

/** What the components pass as a lease's proxy command (components/lease.ts). */
function leaseCommand(target: ProxyTarget, c: TargetCase, i: number): { create: string; delete: string } {
    const l = LEASES[i];
    const layout =
        i === 0 && c.layout === "playbooks"
            ? { kind: "playbooks" as const, nic: "eth1" }
            : { kind: "ovirt-ci" as const };
    return leaseCommandScripts(target, l, layout, MAC(l.number));
}

function renderAll(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, c] of Object.entries(CASES)) {
        const t = makeTarget(c);
        const put = (key: string, v: string | { create: string; delete: string }) => {
            if (typeof v === "string") out[`${name} ${key}`] = v;
            else {
                out[`${name} ${key} create`] = v.create;
                out[`${name} ${key} delete`] = v.delete;
            }
        };
        put("base", baseScripts(t));
        put("haproxy", haproxyScripts(t));
        put("haproxy.cfg", targetHaproxyConfig(t, LEASES, "admin", "Stats0Pw"));
        put("proxy haproxy.cfg", proxyHaproxyConfig(t, LEASES, "admin", "Stats0Pw", "203.0.113.10"));
        put("firewall", firewallScripts(t));
        put("admin key", adminKeyScripts(t));
        put("admin authorized_keys", adminAuthorizedKeysFile(t));
        put("paths", JSON.stringify(proxyPaths(t)));
        if (c.layout === "playbooks") put("playbooks base", playbooksBaseScripts(t));
        LEASES.forEach((l, i) => {
            put(`${l.name} dnsmasq`, leaseDnsmasqConfig(t, l));
            put(`${l.name} paths`, JSON.stringify(proxyPaths(t, l)));
            put(`${l.name} scripts`, leaseScripts(t, l, MAC(l.number)));
            put(`${l.name} command`, leaseCommand(t, c, i));
            if (c.layout === "playbooks") {
                put(`${l.name} playbooks`, playbooksLeaseScripts(t, l, `eth${i + 1}`, MAC(l.number)));
                put(`${l.name} takeover`, playbooksTakeover(t, l));
            }
        });
    }
    return out;
}

describe("proxy scripts, golden (byte for byte as an existing stack's state holds them)", () => {
    const rendered = renderAll();
    if (process.env.OVIRT_CI_GOLDEN_UPDATE === "1") {
        fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
        fs.writeFileSync(FIXTURE, `${JSON.stringify(rendered, null, 2)}\n`);
    }
    const golden = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Record<string, string>;

    it("renders the same scripts and files, no more and no fewer", () => {
        assert.deepEqual(Object.keys(rendered).sort(), Object.keys(golden).sort());
    });

    for (const key of Object.keys(golden)) {
        it(key, () => assert.equal(rendered[key], golden[key]));
    }
});
