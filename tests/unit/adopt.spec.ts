import * as assert from "node:assert/strict";
import { validateConfig } from "../../lib/config";
import { EngineDiscovery, ProxyDiscovery, judgeAdoption, judgeHostKey } from "../../lib/adopt";
import { fingerprintOf } from "../../providers/ovirt/sshHostKey";
import { leases } from "../../lib/leaseModel";
import { renderPlaybooksDnsmasq, renderPlaybooksHaproxy } from "../../lib/render/playbooks";
import { proxyTargetFor } from "../../lib/proxy/targets";
import { leaseDnsmasqConfig } from "../../lib/render/proxy/lease";

// The live environment as oVirt/ocp-on-ovirt's playbooks left it (docs/live-environment.md), two leases.
const stackConfig = {
    engineUrl: "https://engine.example.com/ovirt-engine/api",
    baseDomain: "gcp.devcluster.openshift.com",
    dataCenter: "OCP-45",
    cluster: "OCP-45",
    mainStorageDomain: "nfs-ovirt45",
    ciEngineUsername: "ocpadmin@internal",
    leases: [10, 11],
    hosts: [1, 2].map((i) => ({ name: `bm${i}`, address: `bm${i}.example.com`, cpuCores: 96, memoryGiB: 96 })),
};
const config = validateConfig({ ...stackConfig, proxyVm: { name: "proxy-vm" } });
const [l10, l11] = leases([10, 11], config);
const mac = (n: number) => `56:6f:1a:61:00:${String(n).padStart(2, "0")}`;

function live(): { engine: EngineDiscovery; proxy: ProxyDiscovery } {
    return {
        engine: {
            dataCenter: true,
            cluster: true,
            mainStorageDomain: { name: "nfs-ovirt45", type: "nfs" },
            proxy: {
                name: "proxy-vm-45",
                memoryMiB: 2048,
                biosType: "i440fx_sea_bios",
                cpuCores: 2,
                status: "up",
                externalAddress: { address: "52.117.142.2", prefixLength: 28, gateway: "52.117.142.1" },
                nics: [
                    { name: "eth0", mac: mac(0), network: "ovirtmgmt" },
                    { name: "eth1", mac: mac(1), network: "ovn-vmnet-10" },
                    { name: "eth2", mac: mac(2), network: "ovn-vmnet-11" },
                ],
            },
            proxyCandidates: [],
            networks: [
                { name: "ovn-vmnet-10", jobVms: ["ovirt10-abcde-master-0"] },
                { name: "ovn-vmnet-11", jobVms: [] },
            ],
            ovnEntry: { username: "admin@ovirt@internalsso" },
        },
        proxy: {
            interfaces: [
                { name: "eth0", mac: mac(0), ipv4: ["52.117.142.2/28"] },
                { name: "eth1", mac: mac(1), ipv4: ["192.168.210.1/24"] },
                { name: "eth2", mac: mac(2), ipv4: ["192.168.211.1/24"] },
            ],
            files: {
                "/var/lib/dnsmasq/dnsmasq-net-10.conf": renderPlaybooksDnsmasq(l10, "eth1"),
                "/var/lib/dnsmasq/dnsmasq-net-11.conf": renderPlaybooksDnsmasq(l11, "eth2"),
                "/usr/lib/systemd/system/dnsmasq@.service": "[Unit]\n",
                "/etc/haproxy/haproxy.cfg": renderPlaybooksHaproxy([l10, l11], "52.117.142.2"),
            },
            running: { "dnsmasq@net-10.service": true, "dnsmasq@net-11.service": true },
            masquerade: true,
            os: "CentOS Linux 7 (Core)",
            versions: "Dnsmasq version 2.76",
        },
    };
}
const vault = { keys: ["ovirt-10.json", "insights-live.yaml"], renderedKeys: ["ovirt-10.json", "ovirt-11.json"] };

function judge(mutate: (d: ReturnType<typeof live>) => void = () => {}) {
    const d = live();
    mutate(d);
    return judgeAdoption({ ...config, proxyVm: { ...config.proxyVm, name: "proxy-vm-45" } }, d.engine, d.proxy, vault);
}

describe("adopt: verdicts and the config that makes the first up change nothing", () => {
    it("maps the live proxy: name, memory, BIOS type, external NIC and address, the playbooks' leases, the OVN user", () => {
        const a = judge();
        assert.deepEqual(a.refusals, []);
        assert.deepEqual(a.config.proxyVm, {
            name: "proxy-vm-45",
            memoryMiB: 2048,
            cpuCores: 2,
            biosType: "i440fx_sea_bios",
            externalNicName: "eth0",
            externalInterface: "eth0",
            externalAddress: "52.117.142.2",
            externalPrefixLength: 28,
            externalGateway: "52.117.142.1",
            layout: "playbooks",
            playbooksLeases: [
                { lease: 10, nic: "eth1" },
                { lease: 11, nic: "eth2" },
            ],
        });
        assert.equal(a.config.ovnUsername, "admin@ovirt@internalsso");
        const byObject = Object.fromEntries(a.lines.map((l) => [l.object, l]));
        assert.equal(byObject["lease ovirt-10"].verdict, "adopt");
        assert.match(byObject["lease ovirt-10"].detail, /held: ovirt10-abcde-master-0/);
        assert.equal(byObject["HAProxy"].verdict, "adopt");
        assert.match(byObject["Vault item"].detail, /insights-live\.yaml/);
        assert.match(byObject["VM proxy-vm-45 memory"].detail, /2048 MiB kept.*stops and starts/);
    });

    it("the adopted config validates, and the program's lease NICs are the live ones", () => {
        const a = judge();
        const c = validateConfig({ ...stackConfig, proxyVm: a.config.proxyVm, ovnUsername: a.config.ovnUsername });
        assert.equal(c.proxyVm.name, "proxy-vm-45");
    });

    const refusals: [string, (d: ReturnType<typeof live>) => void, RegExp][] = [
        [
            "the data center is missing",
            (d) => ((d.engine as { dataCenter: boolean }).dataCenter = false),
            /data center OCP-45 is not on the engine.*Fix/,
        ],
        [
            "the configured proxy name is not the live one",
            (d) => {
                (d.engine as { proxy?: unknown }).proxy = undefined;
                (d.engine as unknown as { proxyCandidates: string[] }).proxyCandidates = ["proxy-vm-45"];
            },
            /no VM named proxy-vm-45.*second router.*Fix: set ovirt-ci:proxyVm\.name/,
        ],
        [
            "the proxy is down",
            (d) => ((d.engine.proxy as { status: string }).status = "down"),
            /is down, not up.*would start it/,
        ],
        [
            "two proxy NICs on one lease network",
            (d) => (d.engine.proxy!.nics as unknown[]).push({ name: "eth9", mac: mac(9), network: "ovn-vmnet-10" }),
            /lease ovirt-10: the proxy has 2 NICs on ovn-vmnet-10.*two gateways/,
        ],
        [
            "a lease dnsmasq file that differs from the playbooks' rendering",
            (d) =>
                ((d.proxy.files as Record<string, string>)["/var/lib/dnsmasq/dnsmasq-net-10.conf"] += "cache-size=0\n"),
            /lease ovirt-10: its dnsmasq file .* differs.*restart dnsmasq@net-10.*Fix: when no job holds/,
        ],
        [
            "a guest name that differs from the engine's NIC name",
            (d) => ((d.proxy.interfaces[1] as { name: string }).name = "ens4"),
            /lease ovirt-10: the engine's NIC eth1 .* is "ens4" in the guest/,
        ],
        [
            "a lease interface without its gateway address",
            (d) => ((d.proxy.interfaces[1] as unknown as { ipv4: string[] }).ipv4 = []),
            /eth1 does not have 192\.168\.210\.1\/24/,
        ],
        [
            "both layouts' files for one lease",
            (d) => ((d.proxy.files as Record<string, string>)["/etc/dnsmasq-leases/ovirt-10.conf"] = "x\n"),
            /both the playbooks' dnsmasq file .* and ours.*two DHCP servers/,
        ],
        [
            "their leases without firewalld's masquerade",
            (d) => ((d.proxy as { masquerade: boolean }).masquerade = false),
            /does not masquerade/,
        ],
    ];
    for (const [title, mutate, text] of refusals) {
        it(`refuses when ${title}, and writes nothing`, () => {
            const a = judge(mutate);
            assert.ok(
                a.refusals.some((r) => text.test(r)),
                a.refusals.join("\n"),
            );
        });
    }

    it("our own layout (a greenfield proxy whose state was lost): adopts a matching lease, refuses a renamed NIC and a held lease whose file differs", () => {
        const d = live();
        const target = proxyTargetFor(config.proxyVm);
        (d.engine.proxy!.nics as unknown as { name: string }[])[1].name = "vmnet10";
        (d.engine.proxy!.nics as unknown as { name: string }[])[2].name = "eth2";
        const files = d.proxy.files as Record<string, string | undefined>;
        files["/var/lib/dnsmasq/dnsmasq-net-10.conf"] = undefined;
        files["/var/lib/dnsmasq/dnsmasq-net-11.conf"] = undefined;
        files["/etc/dnsmasq-leases/ovirt-10.conf"] = leaseDnsmasqConfig(target, l10);
        files["/etc/dnsmasq-leases/ovirt-11.conf"] = leaseDnsmasqConfig(target, l11);
        const a = judgeAdoption(
            { ...config, proxyVm: { ...config.proxyVm, name: "proxy-vm-45" } },
            d.engine,
            d.proxy,
            vault,
        );
        assert.equal(a.lines.find((l) => l.object === "lease ovirt-10")?.verdict, "adopt");
        assert.ok(
            a.refusals.some((r) => /lease ovirt-11: the proxy's NIC on ovn-vmnet-11 is eth2, not vmnet11/.test(r)),
        );
        files["/etc/dnsmasq-leases/ovirt-10.conf"] = "changed\n";
        const b = judgeAdoption(
            { ...config, proxyVm: { ...config.proxyVm, name: "proxy-vm-45" } },
            d.engine,
            d.proxy,
            vault,
        );
        assert.ok(b.refusals.some((r) => /lease ovirt-10: its dnsmasq file differs .* a job holds the lease/.test(r)));
        assert.equal((b.config.proxyVm as { layout: string }).layout, "ovirt-ci");
    });
});

describe("adopt: the proxy's SSH host key (judgeHostKey)", () => {
    const met = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMetOnTheProxy";
    const other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinnedBefore host";

    it("no key configured: pins the key the proxy answered with and prints its fingerprint for the console check", () => {
        const v = judgeHostKey(undefined, met, "52.117.142.2:22", fingerprintOf);
        assert.equal(v.refusal, undefined);
        assert.equal(v.hostKey, met);
        assert.equal(v.line?.verdict, "adopt");
        assert.ok(v.line?.detail.includes(`ssh-ed25519 ${fingerprintOf(met)} at 52.117.142.2:22`), v.line?.detail);
        assert.ok(v.line?.detail.includes("ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub"), v.line?.detail);
    });

    it("the same key configured (comment aside): adopted as pinned", () => {
        const v = judgeHostKey(`${met} root@proxy-vm-45`, met, "52.117.142.2:22", fingerprintOf);
        assert.equal(v.refusal, undefined);
        assert.match(v.line!.detail, /as pinned/);
    });

    it("another key configured: refused with both fingerprints and the fix, nothing to write", () => {
        const v = judgeHostKey(other, met, "52.117.142.2:22", fingerprintOf);
        assert.equal(v.hostKey, undefined);
        assert.ok(v.refusal!.includes(fingerprintOf(met)) && v.refusal!.includes(fingerprintOf(other)), v.refusal);
        assert.match(v.refusal!, /Fix: compare both with `ssh-keygen -lf/);
        assert.match(v.refusal!, /pulumi config rm --path 'ovirt-ci:proxyVm.connection.hostKey'/);
    });
});

describe("fingerprintOf", () => {
    it("prints SHA256 of the key blob, unpadded base64, as ssh-keygen -l does", () => {
        // `ssh-keygen -lf` of a file holding this key (OpenSSH 9) prints this fingerprint
        const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGEMuQc8YkYuIgoeK8DASfHXHWs9gFHGyu4xMsXkUWBd";
        assert.equal(fingerprintOf(key), "SHA256:vbeaeWFQv9B69FHfF/c3hqqf8mDRLOuomvrXZUTCk94");
        assert.equal(fingerprintOf(`${key} comment`), fingerprintOf(key));
    });
});
