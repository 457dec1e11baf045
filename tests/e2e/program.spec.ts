// The real program (index.ts) under the real Pulumi CLI on the local embedded default (local/stack.ts): the engine
// emulator over HTTPS, an OpenBao dev server, a loopback sshd as the proxy VM whose scripts run dnsmasq and haproxy
// in a sandbox. up (3 leases, 2 upgrade leases), a no-change up, scale 3 → 5 → 2, no secret in preview output or
// state, destroy back to the seed. The steps build on each other (one stack); `after` always cleans up.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultSeed, SEED_IDS } from "../../emulator/model/seed";
import type { State } from "../../emulator/model/types";
import { readKv, writeKv } from "../../local/openbao";
import { FAKE_PULL_SECRET, LOCAL_BASE_DOMAIN, LOCAL_HOSTS, LOCAL_NFS_SERVER } from "../../local/stack";
import { hostResourceName } from "../../components/hosts";
import { connectionEnv, runClient } from "../clients/helpers";
import { unprotectAll } from "../../scripts/lib/unprotect";
import { sshAs } from "../helpers/sshAs";
import {
    E2eServices,
    E2eStack,
    EngineStats,
    alive,
    dig,
    engineStats,
    inventory,
    ovnPortSecurity,
    ovnStats,
    programStack,
    startServices,
    treeFiles,
} from "./helpers";

const ITEM = "selfservice/ovirt/cluster-secrets-ovirt";
const SDK_INVENTORY = path.join(__dirname, "..", "clients", "sdk_inventory.py");
const LEASE_KEYS = [
    "cluster_name",
    "machine_network_cidr",
    "ovirt_apivip",
    "ovirt_cluster_id",
    "ovirt_dnsvip",
    "ovirt_ingressvip",
    "ovirt_network_name",
    "ovirt_storage_domain_id",
];
const seedNames = (() => {
    const s = defaultSeed();
    return { networks: new Set(s.networks.map((n) => n.id)), sds: new Set(s.storageDomains.map((d) => d.id)) };
})();

/** Engine objects the program owns: lease networks, proxy NICs, upgrade storage domains, the proxy VM. */
function owned(inv: State) {
    const vm = inv.vms.find((v) => v.name === "proxy-vm");
    return {
        networks: Object.fromEntries(
            inv.networks.filter((n) => !seedNames.networks.has(n.id)).map((n) => [n.name, n.id]),
        ),
        nics: Object.fromEntries((vm?.nics ?? []).map((n) => [n.name, n.id])),
        storageDomains: Object.fromEntries(
            inv.storageDomains
                .filter((d) => !seedNames.sds.has(d.id))
                .map((d) => [
                    d.name,
                    { id: d.id, status: d.attachments.map((a) => `${a.dataCenterId}:${a.status}`).join(",") },
                ]),
        ),
        vm: vm && { id: vm.id, status: vm.status },
    };
}

const ip = (n: number, host: number) => `192.168.${200 + n}.${host}`;

/**
 * Through the emulator's OVN provider API: every lease network and every port on it (the proxy's among them) has
 * port security off (docs/ci-contract.md 12.1).
 */
async function assertPortSecurityOff(s: E2eServices, leases: number[]): Promise<void> {
    const proxy = (await inventory(s.engine)).vms.find((v) => v.name === "proxy-vm")!;
    for (const n of leases) {
        const { network, ports } = await ovnPortSecurity(s.engine, `ovn-vmnet-${n}`);
        assert.equal(network.portSecurityEnabled, false, `ovn-vmnet-${n} has port security off`);
        const mac = proxy.nics.find((x) => x.name === `vmnet${n}`)!.mac;
        assert.deepEqual(
            ports.map((p) => [p.macAddress, p.deviceId, p.portSecurityEnabled]),
            [[mac, proxy.id, false]],
            `ovn-vmnet-${n}: the proxy's port, off`,
        );
    }
}
/** API writes (SSO logins are POSTs too, but change nothing). */
const apiWrites = (s: EngineStats) =>
    s.writes -
    Object.entries(s.requests)
        .filter(([k]) => /sso|services\/sso-logout/.test(k) && !k.startsWith("GET"))
        .reduce((a, [, v]) => a + v, 0);

describe("end to end: the program on the local embedded default (real Pulumi CLI)", function () {
    this.timeout(600_000);
    let s: E2eServices;
    let t: E2eStack;
    const timings: Record<string, number> = {};
    const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        try {
            return await f();
        } finally {
            timings[name] = (Date.now() - t0) / 1000;
        }
    };
    let afterUp: ReturnType<typeof owned>;
    let dnsmasqPids: Record<number, number> = {};

    const sandbox = () => s.local.sandboxDir;
    const vaultItem = () => readKv(s.bao, "kv", ITEM);
    const leaseConfig = (leases: { from: number; to: number } | number[]) =>
        programStack(s, { leases, upgradeLeases: { from: 1, to: 2 } });

    before(async () => {
        s = await startServices();
        t = await leaseConfig({ from: 10, to: 12 });
    });
    after(async () => {
        try {
            await t?.dispose();
        } finally {
            await s?.stop();
            console.log(`      timings (s): ${JSON.stringify(timings)}`);
        }
    });

    it("1. up with 3 leases and 2 upgrade leases: engine objects, the Vault item, lease files, DNS answers", async () => {
        // The first preview (every engine id, MAC and the proxy connection still unknown) plans the whole graph.
        const preview = await timed("first preview", () => t.stack.preview());
        assert.deepEqual(
            preview.changeSummary,
            { create: 55 },
            "3 leases × 7 (the CI user's grant on each lease's profile) + 2 upgrade leases × 2 + 30 fixed resources (incl. the stack, the proxy admin key, the packet filter, the CI user's 6 grants and its affinity role)",
        );
        for (const n of [10, 11, 12])
            assert.match(
                preview.stdout,
                new RegExp(`OvnNetworkPortSecurity\\s+ovirt-${n}-port-security`),
                "the preview shows port security per lease",
            );
        const up = await timed("up", () => t.stack.up({ refresh: true }));
        assert.deepEqual(up.summary.resourceChanges, { create: 55 });
        assert.equal(up.summary.result, "succeeded");
        // What the state records: the proxy VM waits for the hosts (it needs one up to start), its template and
        // network lookups do not; every dynamic resource stores the small provider stub (docs/provider.md).
        const resources = (await t.stack.exportStack()).deployment.resources as Array<{
            urn: string;
            type: string;
            dependencies?: string[];
            outputs?: Record<string, unknown>;
        }>;
        const deps = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`))!.dependencies ?? [];
        const hostUrns = resources.filter((r) => r.type === "pulumi-nodejs:dynamic/ovirt:Host").map((r) => r.urn);
        assert.equal(hostUrns.length, 2);
        for (const h of hostUrns) assert.ok(deps("proxy-vm").includes(h), `proxy-vm depends on ${h}`);
        for (const lookup of ["proxy-template", "proxy-management-profile"])
            assert.ok(!deps(lookup).some((d) => hostUrns.includes(d)), `${lookup} does not wait for the hosts`);
        const providerSizes = resources
            .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))
            .map((r) => [r.urn.replace(/.*::/, ""), JSON.stringify(r.outputs?.__provider ?? "").length] as const);
        assert.equal(
            providerSizes.length,
            34,
            "6 adopted engine objects, 2 hosts, the proxy VM and nic1, 3 × (network, NIC, 2 port securities, the CI user's grant), 2 storage domains, the CI user's 6 other grants and its affinity role",
        );
        assert.ok(
            providerSizes.every(([, n]) => n > 100 && n <= 1_024),
            `every dynamic resource stores the stub: ${JSON.stringify(providerSizes)}`,
        );
        await assertPortSecurityOff(s, [10, 11, 12]);
        // the network's flag was off before the proxy's NIC existed: its port was created off, nothing corrected it
        assert.equal(
            (await ovnStats(s.engine)).requests["neutron PUT /ports/{id}"],
            undefined,
            "no port needed a correction",
        );
        const inv = await inventory(s.engine);
        afterUp = owned(inv);
        assert.deepEqual(Object.keys(afterUp.networks).sort(), ["ovn-vmnet-10", "ovn-vmnet-11", "ovn-vmnet-12"]);
        assert.deepEqual(Object.keys(afterUp.nics).sort(), ["nic1", "vmnet10", "vmnet11", "vmnet12"]);
        const sds: Record<string, unknown> = afterUp.storageDomains;
        assert.deepEqual(sds, {
            "ovirt-upgrade-1": { id: afterUp.storageDomains["ovirt-upgrade-1"].id, status: `${SEED_IDS.ciDc}:active` },
            "ovirt-upgrade-2": { id: afterUp.storageDomains["ovirt-upgrade-2"].id, status: `${SEED_IDS.ciDc}:active` },
        });
        assert.equal(afterUp.vm?.status, "up", "proxy-vm runs");
        const proxyVm = inv.vms.find((v) => v.name === "proxy-vm")!;
        assert.equal(
            proxyVm.nics[0].name,
            "nic1",
            "the external NIC is the VM's first NIC (eth0, configured by cloud-init)",
        );
        const nic1Ips =
            proxyVm.guestDevices.find((d) => d.mac === proxyVm.nics[0].mac)?.ips.map((i) => i.address) ?? [];
        assert.ok(nic1Ips.length > 0, "the guest agent reports nic1's address");
        assert.equal(up.outputs.proxy.value.address, nic1Ips[0], "the first up knows the proxy's DHCP address");
        assert.deepEqual(
            [...new Set(up.outputs.dnsRecords.value.map((r: { value: string }) => r.value))],
            [nic1Ips[0]],
            "the DNS records point at it",
        );
        assert.equal(inv.vms.length, 1, "no other VM");
        for (const n of [10, 11, 12]) {
            const nic = inv.vms[0].nics.find((x) => x.name === `vmnet${n}`)!;
            const profile = inv.vnicProfiles.find((p) => p.id === nic.vnicProfileId);
            assert.equal(profile?.networkId, afterUp.networks[`ovn-vmnet-${n}`], `vmnet${n} is on ovn-vmnet-${n}`);
        }

        const item = await vaultItem();
        assert.ok(item, "the Vault item exists");
        assert.deepEqual(Object.keys(item).sort(), [
            "ovirt-10.json",
            "ovirt-11.json",
            "ovirt-12.json",
            "ovirt-upgrade-1.json",
            "ovirt-upgrade-2.json",
            "ovirt.conf",
            "pull-secret",
            "secretsync/target-name",
            "secretsync/target-namespace",
            "send-event-to-ovirt.sh",
            "ssh-privatekey",
            "ssh-publickey",
        ]);
        for (const n of [10, 11, 12]) {
            const lease = JSON.parse(item[`ovirt-${n}.json`]) as Record<string, unknown>;
            assert.deepEqual(Object.keys(lease).sort(), LEASE_KEYS, `ovirt-${n}.json has exactly the eight keys`);
            assert.ok(
                Object.values(lease).every((v) => typeof v === "string"),
                "every value is a string",
            );
            assert.deepEqual(lease, {
                cluster_name: `ovirt${n}`,
                ovirt_network_name: `ovn-vmnet-${n}`,
                ovirt_apivip: ip(n, 30),
                ovirt_dnsvip: ip(n, 31),
                ovirt_ingressvip: ip(n, 32),
                machine_network_cidr: "192.168.0.0/16",
                ovirt_cluster_id: SEED_IDS.ciCluster,
                ovirt_storage_domain_id: SEED_IDS.nfs,
            });
        }
        for (const m of [1, 2]) {
            assert.deepEqual(JSON.parse(item[`ovirt-upgrade-${m}.json`]), {
                ovirt_storage_domain_id: afterUp.storageDomains[`ovirt-upgrade-${m}`].id,
            });
        }
        assert.equal(item["pull-secret"], FAKE_PULL_SECRET);
        // The CI key pair is the CI's own; the proxy's admin key never reaches the item, and the CI key gets no shell
        // (let alone root) on the proxy: the sandbox's sshd refuses it, while the admin key logs in.
        assert.equal(item["ssh-privatekey"], s.sshd.ciPrivateKeyPem);
        const itemValues = Object.values(item).join("\n");
        assert.ok(
            !itemValues.includes(s.sshd.publicKey.split(" ")[1]) && !itemValues.includes(s.sshd.privateKeyPem.trim()),
            "no admin key in the item",
        );
        assert.deepEqual(
            [sshAs(s.sshd, item["ssh-privatekey"], "id -u"), sshAs(s.sshd, s.sshd.privateKeyPem, "echo admin")].map(
                (r) => ({ status: r.status, out: r.stdout + r.stderr.replace(/\r/g, "") }),
            ),
            [
                { status: 255, out: `${s.sshd.user}@${s.sshd.host}: Permission denied (publickey).\n` },
                { status: 0, out: "admin\n" },
            ],
            "the CI key from the Vault item gets no login (so no root) on the proxy; the admin key does",
        );
        assert.equal(item["secretsync/target-namespace"], "ci");
        assert.equal(item["secretsync/target-name"], "cluster-secrets-ovirt");
        assert.match(item["ovirt.conf"], new RegExp(`OVIRT_ENGINE_URL='${s.engine.apiUrl.replace(/[.]/g, "\\.")}'`));
        // The CI jobs' own engine login (the seeded ocpadmin), never ovirt-ci's admin login.
        assert.match(
            item["ovirt.conf"],
            /\nOVIRT_ENGINE_USERNAME='ocpadmin@internal'\nOVIRT_ENGINE_PASSWORD='ocpadmin-emulator'\n/,
        );
        assert.ok(!item["ovirt.conf"].includes(s.engine.password), "no admin password in ovirt.conf");

        for (const n of [10, 11, 12]) {
            const port = s.local.localDnsPort + n;
            assert.equal(
                dig(port, `api.ovirt${n}.${LOCAL_BASE_DOMAIN}`),
                ip(n, 30),
                `lease ${n}'s dnsmasq answers the API name`,
            );
            assert.equal(
                dig(port, `console-openshift-console.apps.ovirt${n}.${LOCAL_BASE_DOMAIN}`),
                ip(n, 32),
                "and any *.apps name",
            );
        }
        assert.deepEqual(up.outputs.boskos.value.map((e: { type: string }) => e.type).sort(), [
            "ovirt-clusterbot-quota-slice",
            "ovirt-quota-slice",
            "ovirt-upgrade-quota-slice",
        ]);
    });

    it("1b. the official Python SDK, reading the engine on its own, sees what the program built", async () => {
        const run = await runClient("python", [SDK_INVENTORY], {
            ...connectionEnv(s.engine),
            OVIRT_CLUSTER: "OCP-45",
            OVIRT_PROXY_VM: "proxy-vm",
        });
        assert.equal(run.code, 0, run.stderr);
        const seen = JSON.parse(run.stdout) as {
            networks: Record<
                string,
                { provider: string | null; profiles: string[]; in_cluster: boolean; required: boolean | null }
            >;
            proxy: { status: string } | null;
            nics: Record<string, string | null>;
            storage_domains: Record<string, { type: string; path: string; statuses: string[] }>;
            hosts: Record<string, string>;
        };
        for (const n of [10, 11, 12]) {
            assert.deepEqual(seen.networks[`ovn-vmnet-${n}`], {
                provider: "ovirt-provider-ovn",
                profiles: [`ovn-vmnet-${n}`],
                in_cluster: true,
                required: false,
            });
            assert.equal(seen.nics[`vmnet${n}`], `ovn-vmnet-${n}`, `the proxy NIC vmnet${n} is on ovn-vmnet-${n}`);
        }
        assert.deepEqual(Object.keys(seen.nics).sort(), ["nic1", "vmnet10", "vmnet11", "vmnet12"]);
        assert.equal(seen.proxy?.status, "up");
        for (const m of [1, 2]) {
            assert.deepEqual(
                seen.storage_domains[`ovirt-upgrade-${m}`]?.statuses,
                ["active"],
                `ovirt-upgrade-${m} is attached and active`,
            );
            assert.equal(seen.storage_domains[`ovirt-upgrade-${m}`]?.type, "nfs");
        }
        const inv = await inventory(s.engine);
        assert.deepEqual(seen.hosts, Object.fromEntries(inv.hosts.map((h) => [h.name, "up"])), "every host is up");
    });

    it("1c. the CI user of ovirt.conf builds on a lease and removes its own VM; not the lease network nor the proxy VM", async () => {
        const conf = (await vaultItem())!["ovirt.conf"];
        const value = (k: string) => new RegExp(`\n${k}='([^']*)'`).exec(`\n${conf}`)?.[1] ?? "";
        const { default: axios } = await import("axios");
        const https = await import("node:https");
        const httpsAgent = new https.Agent({ ca: s.engine.caPem });
        const sso = await axios.post(
            `${s.engine.url}/ovirt-engine/sso/oauth/token`,
            new URLSearchParams({
                grant_type: "password",
                scope: "ovirt-app-api",
                username: value("OVIRT_ENGINE_USERNAME"),
                password: value("OVIRT_ENGINE_PASSWORD"),
            }),
            { httpsAgent, headers: { Accept: "application/json" } },
        );
        const ci = axios.create({
            baseURL: value("OVIRT_ENGINE_URL"),
            httpsAgent,
            validateStatus: () => true,
            headers: { Authorization: `Bearer ${sso.data.access_token}`, Accept: "application/json", Version: "4" },
        });
        const find = async (path: string, elem: string, name: string) =>
            ((await ci.get(path)).data[elem] as Array<{ id: string; name: string }>).find((x) => x.name === name)!;
        const network = await find("/networks", "network", "ovn-vmnet-10");
        const profile = await find(`/networks/${network.id}/vnicprofiles`, "vnic_profile", "ovn-vmnet-10");
        const vm = await ci.post("/vms", {
            name: "e2e-ci-user-vm",
            cluster: { name: "OCP-45" },
            template: { name: "Blank" },
        });
        assert.equal(vm.status, 201, JSON.stringify(vm.data));
        const nic = await ci.post(`/vms/${vm.data.id}/nics`, { name: "nic1", vnic_profile: { id: profile.id } });
        assert.equal(nic.status, 201, JSON.stringify(nic.data));
        // the installer's default affinity groups, through the stack's custom role on the cluster (docs/ci-user.md)
        const cluster = await find("/clusters", "cluster", "OCP-45");
        const group = await ci.post(`/clusters/${cluster.id}/affinitygroups`, {
            name: "e2e-controlplane",
            vms_rule: { enabled: true, positive: false, enforcing: false },
        });
        assert.equal(group.status, 201, JSON.stringify(group.data));
        assert.equal((await ci.delete(`/clusters/${cluster.id}/affinitygroups/${group.data.id}`)).status, 200);
        const refused = { reason: "Operation Failed", detail: "[User is not authorized to perform this action.]" };
        const net = await ci.delete(`/networks/${network.id}`);
        assert.deepEqual([net.status, net.data], [403, refused]);
        const proxy = await find("/vms", "vm", "proxy-vm");
        const rmProxy = await ci.delete(`/vms/${proxy.id}`);
        assert.deepEqual([rmProxy.status, rmProxy.data], [403, refused]);
        for (let i = 0; i < 100 && (await ci.get(`/vms/${vm.data.id}`)).data.status !== "down"; i++)
            await new Promise((r) => setTimeout(r, 100));
        assert.equal((await ci.delete(`/vms/${vm.data.id}`)).status, 200, "its own VM");
    });

    it("2. a second up (with refresh) reports no changes and the engine sees no write", async () => {
        const before = await engineStats(s.engine);
        const ovnBefore = await ovnStats(s.engine);
        const up = await timed("no-change up", () => t.stack.up({ refresh: true }));
        const after = await engineStats(s.engine);
        const ovnWrites = (x: { requests: Record<string, number> }) =>
            Object.entries(x.requests)
                .filter(([k]) => / PUT /.test(k))
                .reduce((a, [, v]) => a + v, 0);
        assert.equal(ovnWrites(await ovnStats(s.engine)), ovnWrites(ovnBefore), "no write to the OVN provider either");
        assert.deepEqual(up.summary.resourceChanges, { same: up.summary.resourceChanges!.same });
        assert.equal(apiWrites(after), apiWrites(before), `no API write: ${JSON.stringify(after.requests)}`);
        assert.ok(after.reads > before.reads, "the refresh did read the engine");
    });

    it("2b. protected: stack export shows it; a change that would replace one is refused in preview, nothing changed", async () => {
        const exported = (await t.stack.exportStack()).deployment.resources as { urn: string; protect?: boolean }[];
        const protectedNames = exported.filter((r) => r.protect).map((r) => r.urn.split("::").pop()!);
        assert.deepEqual(
            protectedNames.sort(),
            [
                "ci-profile-item",
                "engine-main-storage-domain",
                ...LOCAL_HOSTS.map((h) => hostResourceName("hosts", h.name)),
                "ovirt-upgrade-1-storage-domain",
                "ovirt-upgrade-2-storage-domain",
                "proxy-vm",
            ].sort(),
        );
        const writes0 = apiWrites(await engineStats(s.engine));
        const item0 = await vaultItem();
        const refused = async (change: Record<string, unknown>, expected: RegExp) => {
            const settings = await t.stack.workspace.stackSettings(t.stack.name);
            const saved = { ...settings.config };
            settings.config = { ...settings.config, ...change };
            await t.stack.workspace.saveStackSettings(t.stack.name, settings);
            try {
                await assert.rejects(
                    () => t.stack.preview(),
                    (e: Error) => expected.test(e.message),
                );
            } finally {
                settings.config = saved;
                await t.stack.workspace.saveStackSettings(t.stack.name, settings);
            }
        };
        // a host's address written as an IP instead of its FQDN (the provider's diff refuses, naming field and way out)
        const [first, ...rest] = LOCAL_HOSTS;
        await refused(
            { "ovirt-ci:hosts": [{ ...first, address: "192.0.2.10" }, ...rest] },
            new RegExp(
                `Host ${first.name} is protected: the change of address "${first.address.replace(/\./g, "\\.")}" → "192\\.0\\.2\\.10" would replace it[\\s\\S]*add "host:${first.name}" to ovirt-ci:allowReplace`,
            ),
        );
        // an upgrade storage domain's NFS version (would be removed and re-created)
        await refused(
            { "ovirt-ci:upgradeStorage": { nfsServer: LOCAL_NFS_SERVER, nfsVersion: "v4_1" } },
            // whichever upgrade domain's diff runs first names itself
            /StorageDomain (ovirt-upgrade-\d) is protected: the change of nfsVersion "auto" → "v4_1"[\s\S]*add "\1" to ovirt-ci:allowReplace/,
        );
        // the Vault item at another path: Pulumi's protect refusal, in the preview too
        await refused(
            { "ovirt-ci:vault": { path: "selfservice/ovirt/elsewhere" } },
            /unable to replace resource "[^"]*ci-profile-item"\s+as it is currently marked for protection/,
        );
        assert.equal(apiWrites(await engineStats(s.engine)), writes0, "no engine write");
        assert.deepEqual(await vaultItem(), item0, "the Vault item is unchanged");
    });

    // A key the program does not render (docs/ci-contract.md section 3: insights-live.yaml), added by hand between runs.
    const FOREIGN = { "insights-live.yaml": "live: true\nadded-by: an operator, not ovirt-ci\n" };

    it("3. scale to 5: only the two new leases are created, nothing replaced or deleted; a foreign key survives", async () => {
        await writeKv(s.bao, "kv", ITEM, { ...(await vaultItem())!, ...FOREIGN });
        await leaseConfigOn(t, { from: 10, to: 14 });
        const up = await timed("scale to 5", () => t.stack.up());
        const c = up.summary.resourceChanges!;
        assert.deepEqual(
            { create: c.create, update: c.update, replace: c.replace, delete: c.delete },
            {
                create: 14,
                update: 3,
                replace: undefined,
                delete: undefined,
            },
            `2 × (Lease, network, its port security, NIC, its port security, command, the CI user's grant) created; proxy-haproxy, proxy-firewall and ci-profile-item updated: ${JSON.stringify(c)}`,
        );
        await assertPortSecurityOff(s, [10, 11, 12, 13, 14]);
        const now = owned(await inventory(s.engine));
        for (const n of [10, 11, 12]) {
            assert.equal(
                now.networks[`ovn-vmnet-${n}`],
                afterUp.networks[`ovn-vmnet-${n}`],
                `ovn-vmnet-${n} kept its id`,
            );
            assert.equal(now.nics[`vmnet${n}`], afterUp.nics[`vmnet${n}`], `vmnet${n} kept its id`);
        }
        assert.deepEqual(
            Object.keys(now.networks).sort(),
            [10, 11, 12, 13, 14].map((n) => `ovn-vmnet-${n}`),
        );
        assert.equal(now.vm?.id, afterUp.vm?.id, "the proxy VM is the same");
        assert.deepEqual(now.storageDomains, afterUp.storageDomains);
        const item = (await vaultItem())!;
        assert.ok(item["ovirt-13.json"] && item["ovirt-14.json"]);
        assert.equal(item["insights-live.yaml"], FOREIGN["insights-live.yaml"], "the foreign key is kept as it was");
        for (const n of [13, 14]) {
            assert.equal(dig(s.local.localDnsPort + n, `api.ovirt${n}.${LOCAL_BASE_DOMAIN}`), ip(n, 30));
        }
        dnsmasqPids = Object.fromEntries(
            [10, 11, 12, 13, 14].map((n) => [
                n,
                Number(fs.readFileSync(path.join(sandbox(), "run", `dnsmasq-ovirt-${n}.pid`), "utf8")),
            ]),
        );
        assert.ok(
            Object.values(dnsmasqPids).every((p) => alive(p)),
            "every lease's dnsmasq runs",
        );
    });

    it("4. scale to 2: exactly the removed leases' objects, keys and dnsmasq processes are gone; a foreign key stays", async () => {
        await leaseConfigOn(t, [10, 11]);
        const up = await timed("scale to 2", () => t.stack.up());
        const c = up.summary.resourceChanges!;
        assert.deepEqual(
            { create: c.create, update: c.update, replace: c.replace, delete: c.delete },
            {
                create: undefined,
                update: 3,
                replace: undefined,
                delete: 21,
            },
            JSON.stringify(c),
        );
        const now = owned(await inventory(s.engine));
        assert.deepEqual(now.networks, {
            "ovn-vmnet-10": afterUp.networks["ovn-vmnet-10"],
            "ovn-vmnet-11": afterUp.networks["ovn-vmnet-11"],
        });
        assert.deepEqual(now.nics, {
            nic1: afterUp.nics.nic1,
            vmnet10: afterUp.nics.vmnet10,
            vmnet11: afterUp.nics.vmnet11,
        });
        const item = (await vaultItem())!;
        assert.deepEqual(
            Object.keys(item)
                .filter((k) => /^ovirt-\d+\.json$/.test(k))
                .sort(),
            ["ovirt-10.json", "ovirt-11.json"],
        );
        assert.equal(item["insights-live.yaml"], FOREIGN["insights-live.yaml"], "the foreign key is kept as it was");
        for (const n of [12, 13, 14]) {
            assert.equal(alive(dnsmasqPids[n]), false, `lease ${n}'s dnsmasq is stopped`);
            assert.ok(
                !fs.existsSync(path.join(sandbox(), "etc/dnsmasq-leases", `ovirt-${n}.conf`)),
                `ovirt-${n}.conf removed`,
            );
        }
        for (const n of [10, 11]) assert.ok(alive(dnsmasqPids[n]), `lease ${n}'s dnsmasq still runs (not restarted)`);
    });

    it("4b. port security turned back on by hand is drift: the next up --refresh turns it off again", async () => {
        const { network, ports } = await ovnPortSecurity(s.engine, "ovn-vmnet-10");
        const { default: axios } = await import("axios");
        const https = await import("node:https");
        const httpsAgent = new https.Agent({ ca: s.engine.caPem });
        const tok = await axios.post(
            `${s.engine.ovnAuthUrl}/tokens`,
            { auth: { passwordCredentials: { username: s.engine.username, password: s.engine.password } } },
            { httpsAgent },
        );
        const headers = { "X-Auth-Token": tok.data.access.token.id };
        await axios.put(
            `${s.engine.ovnNetworkUrl}/networks/${network.id}`,
            { network: { port_security_enabled: true } },
            { httpsAgent, headers },
        );
        await axios.put(
            `${s.engine.ovnNetworkUrl}/ports/${ports[0].id}`,
            { port: { port_security_enabled: true } },
            { httpsAgent, headers },
        );
        const up = await timed("drift up", () => t.stack.up({ refresh: true }));
        assert.equal(up.summary.resourceChanges!.update, 2, JSON.stringify(up.summary.resourceChanges));
        await assertPortSecurityOff(s, [10, 11]);
    });

    it("5. neither `preview --diff` output nor the state holds a secret value", async () => {
        await leaseConfigOn(t, [10, 11, 12]); // a pending change, so the diff shows the profile item and haproxy
        const preview = await timed("preview --diff", () => t.stack.preview({ diff: true }));
        assert.ok(
            /ci-profile-item/.test(preview.stdout) && /proxy-haproxy/.test(preview.stdout),
            "the diff shows the changing resources",
        );
        const haproxyCfg = fs.readFileSync(path.join(sandbox(), "etc/haproxy/haproxy.cfg"), "utf8");
        const statsPassword = /stats auth [^:\s]+:(\S+)/.exec(haproxyCfg)?.[1];
        assert.ok(statsPassword && statsPassword.length >= 16, "the generated stats password is in haproxy.cfg");
        const secrets: Record<string, string> = {
            "the engine password": s.engine.password,
            "the Vault token": s.bao.token,
            "the collection's Vault token": s.local.vault.token,
            "the pull secret": FAKE_PULL_SECRET,
            "the pull secret's auth": JSON.parse(FAKE_PULL_SECRET).auths["registry.invalid"].auth,
            "the stats password": statsPassword,
            ...Object.fromEntries(
                s.sshd.privateKeyPem
                    .split("\n")
                    .filter((l) => l && !l.startsWith("-----"))
                    .map((l, i) => [`line ${i + 1} of the ssh private key`, l]),
            ),
        };
        // exportStack() runs `pulumi stack export --show-secrets`: secrets come back decrypted, inside their secret
        // envelopes. Outside an envelope no secret may appear; `pulumi stack export` (no flag) must hold none at all.
        const exported = JSON.stringify(withoutSecretEnvelopes(await t.stack.exportStack()));
        const plainExport = execFileSync("pulumi", ["stack", "export", "--stack", t.stack.name], {
            cwd: t.workDir,
            env: { ...process.env, ...t.env },
            encoding: "utf8",
            maxBuffer: 64 << 20,
        });
        const texts: [string, string][] = [
            ["preview --diff output", preview.stdout + preview.stderr],
            ["exportStack() outside secret envelopes", exported],
            ["pulumi stack export", plainExport],
            ...treeFiles(t.backendDir),
            ...treeFiles(t.workDir),
        ];
        for (const [what, value] of Object.entries(secrets)) {
            const where = texts.filter(([, text]) => text.includes(value)).map(([f]) => f);
            assert.deepEqual(where, [], `${what} appears in clear text`);
        }
        await leaseConfigOn(t, [10, 11]);
    });

    it("6. destroy (after unprotecting the stack) leaves the engine with its seed inventory and removes the Vault item", async () => {
        const pids = fs
            .readdirSync(path.join(sandbox(), "run"))
            .filter((f) => f.endsWith(".pid"))
            .map((f) => Number(fs.readFileSync(path.join(sandbox(), "run", f), "utf8")));
        // The stack is thrown away whole: every protected resource is unprotected first (docs/operator.md).
        assert.ok(
            (await unprotectAll(t.stack)).length >= 4,
            "the proxy VM, hosts, storage and Vault item were protected",
        );
        await timed("destroy", () => t.stack.destroy());
        assert.deepEqual(comparable(await inventory(s.engine)), comparable(defaultSeed()));
        assert.equal(await vaultItem(), undefined, "the Vault item is gone");
        assert.deepEqual(pids.filter(alive), [], "dnsmasq and haproxy are stopped");
        // Only the admin login the VM had from its first boot (cloud-init's file, which the admin-key rotation
        // rewrites and deliberately keeps: deleting it would lock ovirt-ci out of a VM that still exists).
        assert.deepEqual(
            treeFiles(sandbox()).map(([f]) => f),
            ["home/admin/.ssh/authorized_keys"],
            "the sandbox holds no other file",
        );
    });
});

/** Sets the install leases of the stack (structured config, as local/stack.ts writes it). */
async function leaseConfigOn(t: E2eStack, leases: { from: number; to: number } | number[]): Promise<void> {
    const ws = t.stack.workspace;
    const settings = await ws.stackSettings(t.stack.name);
    settings.config = { ...settings.config, "ovirt-ci:leases": leases };
    await ws.saveStackSettings(t.stack.name, settings);
}

/** The deployment with every secret envelope (`{"4dabf18193072939515e22adb298388d": ..., plaintext}`) replaced. */
function withoutSecretEnvelopes(x: unknown): unknown {
    return JSON.parse(JSON.stringify(x), (_k, v) =>
        v && typeof v === "object" && "4dabf18193072939515e22adb298388d" in v ? "[secret]" : v,
    );
}

/** The inventory's entities without what time and counters change (events, jobs, history, clocks). */
function comparable(inv: State) {
    const strip = (x: unknown): unknown =>
        JSON.parse(JSON.stringify(x, (k, v) => (/^(creationTime|startedAt)$/.test(k) ? undefined : v)));
    return strip({
        dataCenters: inv.dataCenters,
        clusters: inv.clusters,
        hosts: inv.hosts,
        storageDomains: inv.storageDomains,
        networks: inv.networks,
        vnicProfiles: inv.vnicProfiles,
        providers: inv.providers,
        templates: inv.templates,
        vms: inv.vms,
        disks: inv.disks,
        affinityGroups: inv.affinityGroups,
        tags: inv.tags,
    });
}
