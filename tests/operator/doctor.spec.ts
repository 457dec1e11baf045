// `npm run doctor` (issue 19) on the local embedded default: the real program up under the real CLI against the
// engine emulator, OpenBao and the loopback sshd (proxy sandbox with dnsmasq and HAProxy), leases 10–12 and upgrade
// leases 1–2. Healthy → exit 0, one `ok` line per check; then one thing broken by hand per check (as an operator or a
// failure would: through Vault's and the engine's APIs, in the proxy's files and processes), each giving exit 1 with
// a line naming expected, found and the fix, and put back; a service the doctor cannot reach → exit 2. The doctor
// never writes: the engine sees no write and the Vault item's version stays.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { openSession, resolveEndpoint, Session } from "../../providers/ovirt/client";
import { ovnSession, resolveOvnEndpoint } from "../../providers/ovirt/ovnClient";
import { readKv, writeKv, freePort } from "../../local/openbao";
import { ovirtBoskosEntries, renderBoskosFile } from "../../lib/render/boskos";
import { seedLiveCiUserGroup } from "../../local/liveFixture";
import {
    E2eServices,
    E2eStack,
    apiWrites,
    engineStats,
    inventory,
    ovnPortSecurity,
    programStack,
    startServices,
} from "../e2e/helpers";
import { Admin } from "../provider/helpers";
import { ScriptRun, runScript } from "../helpers/runScript";

const ITEM = "selfservice/ovirt/cluster-secrets-ovirt";

type Run = ScriptRun;

describe("npm run doctor (local default: real CLI, emulator, OpenBao, proxy sandbox)", function () {
    this.timeout(600_000);
    let s: E2eServices;
    let t: E2eStack;
    let api: Session;
    let admin: Admin;

    /** The doctor as a child process. */
    const doctor = (...args: string[]): Promise<Run> =>
        runScript("scripts/doctor.ts", ["--stack", t.stack.name, "--cwd", t.workDir, ...args], t.env);
    /** The lines that are not `ok` (and not the summary). */
    const findings = (r: Run) => r.stdout.split("\n").filter((l) => /^(FAIL|ERROR)/.test(l));
    const line = (r: Run, prefix: string) =>
        r.stdout.split("\n").find((l) => l.startsWith(prefix)) ??
        assert.fail(`no line ${prefix} in:\n${r.stdout}${r.stderr}`);
    const sandbox = (rel: string) => path.join(s.local.sandboxDir, rel);
    const itemVersion = async () =>
        (
            (await (
                await fetch(`${s.bao.address}/v1/kv/metadata/${ITEM}`, { headers: { "X-Vault-Token": s.bao.token } })
            ).json()) as { data: { current_version: number } }
        ).data.current_version;
    const vmId = async () => (await inventory(s.engine)).vms.find((v) => v.name === "proxy-vm")!.id;

    before(async () => {
        s = await startServices();
        t = await programStack(s, { leases: { from: 10, to: 12 }, upgradeLeases: { from: 1, to: 2 } });
        const up = await t.stack.up({ refresh: true });
        assert.equal(up.summary.result, "succeeded");
        api = await openSession(
            resolveEndpoint({
                get: (k) =>
                    ({
                        "ovirt-ci:engineUrl": s.engine.apiUrl,
                        "ovirt-ci:enginePassword": s.engine.password,
                        "ovirt-ci:engineCaPem": s.engine.caPem,
                    })[k],
            }),
            "test",
        );
        admin = new Admin(s.engine);
    });
    after(async () => {
        try {
            await t?.dispose();
        } finally {
            await s?.stop();
        }
    });

    let healthy: Run;
    it("healthy: exit 0, one ok line per check, nothing written, no secret printed", async () => {
        const engineBefore = await engineStats(s.engine);
        const itemBefore = await itemVersion();
        healthy = await doctor();
        assert.equal(healthy.status, 0, healthy.stdout + healthy.stderr);
        assert.deepEqual(findings(healthy), []);
        for (const n of [10, 11, 12]) {
            for (const check of [
                "vault.file",
                "engine.network",
                "ovn.port-security",
                "engine.proxy-nic",
                "proxy.gateway",
                "dns.api",
                "dns.apps",
                "haproxy.api",
                "haproxy.apps",
            ]) {
                assert.ok(
                    healthy.stdout.includes(`ok    ovirt-${n} ${check}: `),
                    `ovirt-${n} ${check}:\n${healthy.stdout}`,
                );
            }
            assert.ok(
                healthy.stdout.includes(
                    `skip  ovirt-${n} boskos.listed: expected ovirt-${n} in ovirt-quota-slice; found no _boskos.yaml given; fix: pass --boskos`,
                ),
            );
        }
        for (const m of [1, 2]) {
            for (const check of ["vault.file", "engine.storage-domain"])
                assert.ok(
                    healthy.stdout.includes(`ok    ovirt-upgrade-${m} ${check}: `),
                    `ovirt-upgrade-${m} ${check}`,
                );
        }
        for (const key of [
            "keys",
            "ovirt.conf",
            "pull-secret",
            "ssh-privatekey",
            "ssh-publickey",
            "send-event-to-ovirt.sh",
            "secretsync/target-name",
        ]) {
            assert.ok(healthy.stdout.includes(`ok    profile vault.${key}: `), `profile vault.${key}`);
        }
        assert.match(
            healthy.stdout,
            /ok {4}ovirt-10 dns\.api: api\.ovirt10\.ovirt-ci\.test → 192\.168\.210\.30 \(127\.0\.0\.1:\d+\)/,
        );
        assert.match(
            healthy.stdout,
            /ok {4}ovirt-11 haproxy\.apps: \*\.apps\.ovirt11\.ovirt-ci\.test → apps-https-ovirt-11, apps-http-ovirt-11 → 192\.168\.211\.32:443 and :80/,
        );
        assert.match(healthy.stdout, /ok {4}proxy engine\.proxy-vm: VM proxy-vm \(\S+\) up/);
        assert.match(healthy.stdout, /doctor: 46 checks: 41 ok, 0 findings, 0 could not check, 5 skipped\n$/);
        // read-only
        assert.equal(apiWrites(await engineStats(s.engine)), apiWrites(engineBefore), "no engine write");
        assert.equal(await itemVersion(), itemBefore, "the Vault item was not written");
        // no secret in the output
        const haproxyCfg = fs.readFileSync(sandbox("etc/haproxy/haproxy.cfg"), "utf8");
        const statsPassword = /stats auth \S+:(\S+)/.exec(haproxyCfg)![1];
        for (const secret of [
            s.engine.password,
            s.bao.token,
            statsPassword,
            s.sshd.privateKeyPem.split("\n")[1],
            "not-a-real-pull-secret",
        ]) {
            assert.ok(!(healthy.stdout + healthy.stderr).includes(secret), "a secret in the doctor's output");
        }
    });

    it("names: only the leases asked for; an undeclared lease is a finding, a bad name exit 2", async () => {
        const some = await doctor("ovirt-11", "ovirt-upgrade-2");
        assert.equal(some.status, 0, some.stdout);
        assert.ok(!/ovirt-1[02] |ovirt-upgrade-1 /.test(some.stdout), some.stdout);
        assert.ok(
            some.stdout.includes("ok    ovirt-11 dns.api: ") &&
                some.stdout.includes("ok    ovirt-upgrade-2 engine.storage-domain: "),
        );
        const undeclared = await doctor("ovirt-30");
        assert.equal(undeclared.status, 1);
        assert.match(
            line(undeclared, "FAIL  ovirt-30"),
            /stack\.declared: expected ovirt-30 declared by stack \S+; found not declared .*; fix: add it to Pulumi\.\S+\.yaml and run up/,
        );
        const bad = await doctor("ovirt12");
        assert.equal(bad.status, 2);
        assert.match(bad.stderr, /"ovirt12" is not a lease name; fix: name leases as in boskos, e.g\. ovirt-12/);
    });

    it("Vault: a changed lease file, a missing one, a stray lease file → exit 1 (a foreign key is none), values never printed", async () => {
        const item = (await readKv(s.bao, "kv", ITEM))!;
        const changed = {
            ...item,
            "ovirt-10.json": item["ovirt-10.json"].replace("192.168.210.30", "192.168.210.99"),
            "ovirt-99.json": '{"x": 1}', // a lease file the program owns but does not write
            "insights-live.yaml": "a key the program does not own: kept, not a finding",
        };
        delete (changed as Record<string, string>)["ovirt-11.json"];
        await writeKv(s.bao, "kv", ITEM, changed);
        try {
            const r = await doctor();
            assert.equal(r.status, 1, r.stdout);
            assert.match(
                line(r, "FAIL  ovirt-10 vault.file"),
                /expected key ovirt-10\.json in kv\/selfservice\/ovirt\/cluster-secrets-ovirt, equal to what the program writes; found the value differs \(compared by digest; not shown\); fix: run `pulumi up --refresh --stack \S+`/,
            );
            assert.match(line(r, "FAIL  ovirt-11 vault.file"), /found the key is missing/);
            assert.match(
                line(r, "FAIL  profile vault.keys"),
                /found missing ovirt-11\.json; not written by the program ovirt-99\.json; fix: run `pulumi up --refresh/,
            );
            assert.equal(findings(r).length, 3, r.stdout);
            assert.ok(!r.stdout.includes("192.168.210.99"), "the value is not printed");
        } finally {
            await writeKv(s.bao, "kv", ITEM, item);
        }
    });

    it("Vault unreachable → exit 2, each Vault check 'could not check' with the fix", async () => {
        await t.stack.setConfig("vault:address", { value: `http://127.0.0.1:${await freePort()}` });
        try {
            const r = await doctor();
            assert.equal(r.status, 2, r.stdout);
            assert.match(
                line(r, "ERROR profile vault.keys"),
                /found could not check: .*; fix: check that Vault http:\/\/127\.0\.0\.1:\d+ answers/,
            );
            assert.ok(
                findings(r).every((l) => / vault\./.test(l)),
                findings(r).join("\n"),
            );
        } finally {
            await t.stack.setConfig("vault:address", { value: s.bao.address });
        }
    });

    it("engine: the lease network gone (renamed behind Pulumi's back) → exit 1", async () => {
        const net = (await inventory(s.engine)).networks.find((n) => n.name === "ovn-vmnet-10")!;
        await admin.mutate("networks", net.id, { name: "ovn-vmnet-10-hand" });
        try {
            const r = await doctor("ovirt-10");
            assert.equal(r.status, 1, r.stdout);
            assert.match(
                line(r, "FAIL  ovirt-10 engine.network"),
                /expected network ovn-vmnet-10 in data center OCP-45 on ovirt-provider-ovn, with its vNIC profile; found no such network in the data center; fix: run `pulumi up --refresh/,
            );
            assert.deepEqual(findings(r).length, 1, r.stdout);
            assert.match(
                line(r, "skip  ovirt-10 ovn.port-security"),
                /found no network ovn-vmnet-10 \(see engine\.network\)/,
            );
        } finally {
            await admin.mutate("networks", net.id, { name: "ovn-vmnet-10" });
        }
    });

    it("engine: the proxy's NIC unlinked → exit 1", async () => {
        const vm = await vmId();
        const nic = (await inventory(s.engine)).vms.find((v) => v.id === vm)!.nics.find((n) => n.name === "vmnet11")!;
        await api.put(`/vms/${vm}/nics/${nic.id}`, { linked: "false" });
        try {
            const r = await doctor("ovirt-11");
            assert.equal(r.status, 1, r.stdout);
            assert.match(
                line(r, "FAIL  ovirt-11 engine.proxy-nic"),
                /found NIC vmnet11: its link is down; fix: plug and link the NIC in the engine, or run `pulumi up --refresh/,
            );
            assert.equal(findings(r).length, 1, r.stdout);
        } finally {
            await api.put(`/vms/${vm}/nics/${nic.id}`, { linked: "true" });
        }
    });

    it("engine: upstream's group with its roles and the CI user in it (as on the live engine) → exit 1, the fix", async () => {
        const dcId = (await inventory(s.engine)).dataCenters.find((d) => d.name === "OCP-45")!.id;
        await seedLiveCiUserGroup(api.endpoint, dcId);
        const group = (await api.get<{ group: Array<{ id: string }> }>("/groups")).group[0];
        try {
            const r = await doctor("ovirt-10");
            assert.equal(r.status, 1, r.stdout);
            const l = line(r, "FAIL  ci-user engine.ci-user-grants");
            assert.match(l, /ClusterAdmin on data_center \S+ through the group ocp-administrator/);
            assert.match(
                l,
                /fix: take ocpadmin@internal out of the group ocp-administrator \(on the engine machine: ovirt-aaa-jdbc-tool group-manage userdel ocp-administrator --user=ocpadmin\), or remove the group's grants: DELETE https:/,
            );
            assert.equal(findings(r).length, 1, r.stdout);
        } finally {
            const held = (await api.get<{ permission?: Array<{ id: string }> }>(`/groups/${group.id}/permissions`))
                .permission;
            for (const p of held ?? []) await api.remove(`/groups/${group.id}/permissions/${p.id}`);
        }
        assert.equal((await doctor("ovirt-10")).status, 0, "the group's grants removed: healthy again");
    });

    it("OVN: port security turned back on by hand, on the network and the proxy's port → exit 1", async () => {
        const cfg: Record<string, string> = {
            "ovirt-ci:engineUrl": s.engine.apiUrl,
            "ovirt-ci:enginePassword": s.engine.password,
            "ovirt-ci:engineCaPem": s.engine.caPem,
            "ovirt-ci:ovnAuthUrl": s.engine.ovnAuthUrl,
            "ovirt-ci:ovnNetworkUrl": s.engine.ovnNetworkUrl,
        };
        const ovn = ovnSession(resolveOvnEndpoint({ get: (k) => cfg[k] }), "test: port security by hand");
        const { network, ports } = await ovnPortSecurity(s.engine, "ovn-vmnet-12");
        assert.ok(ports.length >= 1 && !network.portSecurityEnabled, "the program left it off");
        const setAll = async (on: boolean) => {
            await ovn.put(`/networks/${network.id}`, { network: { port_security_enabled: on } });
            for (const p of ports) await ovn.put(`/ports/${p.id}`, { port: { port_security_enabled: on } });
        };
        await setAll(true);
        try {
            const r = await doctor("ovirt-12");
            assert.equal(r.status, 1, r.stdout);
            assert.match(
                line(r, "FAIL  ovirt-12 ovn.port-security"),
                new RegExp(
                    `found network ${network.id}: port security on; port ${ports[0].id} \\(MAC [0-9a-f:]+, device [^)]+\\): port security on.*; fix: run \`pulumi up --refresh`,
                ),
            );
            assert.equal(findings(r).length, 1, r.stdout);
        } finally {
            await setAll(false);
        }
        assert.deepEqual(findings(await doctor("ovirt-12")), []);
    });

    it("engine: an upgrade storage domain in maintenance → exit 1", async () => {
        const inv = await inventory(s.engine);
        const sd = inv.storageDomains.find((d) => d.name === "ovirt-upgrade-2")!;
        const dc = inv.dataCenters.find((d) => d.name === "OCP-45")!;
        const waitFor = async (status: string) => {
            for (let i = 0; i < 200; i++) {
                const a = await api.find<Record<string, unknown>>(`/datacenters/${dc.id}/storagedomains/${sd.id}`);
                if (a?.status === status) return;
                await new Promise((r) => setTimeout(r, 100));
            }
            assert.fail(`ovirt-upgrade-2 never became ${status}`);
        };
        await api.action(`/datacenters/${dc.id}/storagedomains/${sd.id}/deactivate`);
        await waitFor("maintenance");
        try {
            const r = await doctor("ovirt-upgrade-2");
            assert.equal(r.status, 1, r.stdout);
            assert.match(
                line(r, "FAIL  ovirt-upgrade-2 engine.storage-domain"),
                /expected storage domain ovirt-upgrade-2 \(\S+:\/exports\/ovirt-upgrade-2\) active in data center OCP-45; found ovirt-upgrade-2 \(\S+\) is maintenance; fix: activate it/,
            );
        } finally {
            await api.action(`/datacenters/${dc.id}/storagedomains/${sd.id}/activate`);
            await waitFor("active");
        }
    });

    it("proxy: the lease's .1 address missing → exit 1", async () => {
        const record = sandbox("var/lib/ovirt-ci/network/ovirt-12.sh");
        const text = fs.readFileSync(record, "utf8");
        fs.writeFileSync(record, text.replace(/^ip addr replace .*\n/m, ""));
        try {
            const r = await doctor("ovirt-12");
            assert.equal(r.status, 1, r.stdout);
            assert.match(
                line(r, "FAIL  ovirt-12 proxy.gateway"),
                /expected the proxy has 192\.168\.212\.1\/24 on vmnet12; found .*ovirt-12\.sh does not set 192\.168\.212\.1\/24 on vmnet12; fix: run `pulumi up --refresh/,
            );
            assert.equal(findings(r).length, 1, r.stdout);
        } finally {
            fs.writeFileSync(record, text);
        }
    });

    it("proxy: HAProxy without the lease's api rule → exit 1 for api only", async () => {
        const cfg = sandbox("etc/haproxy/haproxy.cfg");
        const text = fs.readFileSync(cfg, "utf8");
        fs.writeFileSync(cfg, text.replace(/^ +use_backend api-ovirt-11 .*\n/m, ""));
        try {
            const r = await doctor("ovirt-11");
            assert.equal(r.status, 1, r.stdout);
            assert.match(
                line(r, "FAIL  ovirt-11 haproxy.api"),
                /found haproxy\.cfg lacks 1 of the lease's lines, e\.g\. "use_backend api-ovirt-11 if \{ req_ssl_sni -i api\.ovirt11\.ovirt-ci\.test \}"; fix: run `pulumi up --refresh/,
            );
            assert.equal(findings(r).length, 1, r.stdout);
        } finally {
            fs.writeFileSync(cfg, text);
        }
    });

    it("proxy: the lease's dnsmasq not answering → exit 1 for both names", async () => {
        const pid = Number(fs.readFileSync(sandbox("run/dnsmasq-ovirt-12.pid"), "utf8").trim());
        process.kill(pid, "SIGSTOP");
        try {
            const r = await doctor("ovirt-12");
            assert.equal(r.status, 1, r.stdout);
            const port = s.local.localDnsPort + 12;
            assert.match(
                line(r, "FAIL  ovirt-12 dns.api"),
                new RegExp(
                    `expected api\\.ovirt12\\.ovirt-ci\\.test → 192\\.168\\.212\\.30 from ovirt-12's dnsmasq \\(127\\.0\\.0\\.1:${port}\\); found no answer from 127\\.0\\.0\\.1:${port} \\(ETIMEOUT\\); fix: dnsmasq of ovirt-12 in the sandbox does not answer \\(not running, or hung`,
                ),
            );
            assert.match(
                line(r, "FAIL  ovirt-12 dns.apps"),
                /doctor-probe\.apps\.ovirt12\.ovirt-ci\.test → 192\.168\.212\.32/,
            );
            assert.equal(findings(r).length, 2, r.stdout);
        } finally {
            process.kill(pid, "SIGCONT");
        }
    });

    it("boskos: --boskos with a _boskos.yaml that lacks a lease → exit 1 for it", async () => {
        const file = path.join(s.tmp, "_boskos.yaml");
        fs.writeFileSync(file, renderBoskosFile(ovirtBoskosEntries({ leases: [10, 12], upgradeLeases: [1, 2] })));
        const r = await doctor("--boskos", file);
        assert.equal(r.status, 1, r.stdout);
        assert.match(
            line(r, "FAIL  ovirt-11 boskos.listed"),
            /expected ovirt-11 in ovirt-quota-slice of .*_boskos\.yaml; found not listed: boskos never hands it out; fix: npm run boskos -- --stack \S+ --release/,
        );
        assert.match(line(r, "ok    ovirt-10 boskos.listed"), /ovirt-10 listed in ovirt-quota-slice/);
        assert.equal(findings(r).length, 1, r.stdout);
    });

    it("healthy again after every repair", async () => {
        const r = await doctor();
        assert.equal(r.status, 0, r.stdout);
        assert.equal(r.stdout.replace(/\(\d+\)/g, ""), healthy.stdout.replace(/\(\d+\)/g, ""));
    });
});
