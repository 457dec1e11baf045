import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunningEngine } from "../../emulator";
import { SEED, raw, start } from "../emulator/helpers";
import { Run, ansibleEnv, connectionEnv, playRecap, runClient } from "./helpers";

const PLAYBOOK = path.join(__dirname, "lease.yml");

/** `localhost : ok=6 changed=0 unreachable=0 failed=0 …` → its counters. */
function recap(run: Run): Record<string, number> {
    const counters = playRecap(run.stdout);
    assert.ok(counters, `no play recap in the output:\n${run.stdout}\n${run.stderr}`);
    return counters;
}

describe("clients: the oVirt Ansible collection (ovirt.ovirt 3.2.0, unmodified) against the emulator", function () {
    this.timeout(600_000);
    let e: RunningEngine;
    let dir: string;
    before(async () => {
        e = await start({ latency: "fast" });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-ansible-"));
    });
    after(async () => {
        await e.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("builds one lease (OVN network, proxy NIC, upgrade storage domain), then changes nothing on a second run", async () => {
        const conn = connectionEnv(e);
        const vars = path.join(dir, "vars.json");
        fs.writeFileSync(
            vars,
            JSON.stringify({
                engine_url: conn.OVIRT_URL,
                engine_ca_file: conn.OVIRT_CA_FILE,
                engine_user: conn.OVIRT_USERNAME,
                engine_password: conn.OVIRT_PASSWORD,
                lease_number: 10,
                upgrade_number: 1,
                nfs_server: "nfs.ci.test",
                proxy_vm: "proxy-vm",
            }),
            { mode: 0o600 },
        );
        const env = ansibleEnv(dir);
        const first = await runClient("ansible-playbook", [PLAYBOOK, "-e", `@${vars}`], env);
        assert.equal(first.code, 0, first.stdout + first.stderr);
        assert.deepEqual([recap(first).changed, recap(first).failed], [4, 0], first.stdout);

        const st = e.server.model.state;
        const net = st.networks.find((n) => n.name === "ovn-vmnet-10");
        assert.ok(net, "the lease network exists");
        assert.equal(net.externalProviderId, SEED.ovn);
        const assigned = st.clusters
            .find((c) => c.id === SEED.ciCluster)!
            .networks.find((cn) => cn.networkId === net.id);
        assert.equal(assigned?.required, false, "assigned to the CI cluster as not required");
        const profile = st.vnicProfiles.find((p) => p.networkId === net.id);
        assert.equal(profile?.name, "ovn-vmnet-10");
        const proxy = st.vms.find((v) => v.name === "proxy-vm");
        assert.deepEqual(
            proxy?.nics.map((n) => [n.name, n.vnicProfileId]),
            [["vmnet10", profile!.id]],
        );
        const sd = st.storageDomains.find((d) => d.name === "ovirt-upgrade-1");
        assert.deepEqual(
            sd?.attachments.map((a) => [a.dataCenterId, a.status]),
            [[SEED.ciDc, "active"]],
        );
        assert.equal(sd?.path, "/exports/ovirt-upgrade-1");

        const since = Date.now();
        const second = await runClient("ansible-playbook", [PLAYBOOK, "-e", `@${vars}`], env);
        assert.equal(second.code, 0, second.stdout + second.stderr);
        assert.deepEqual([recap(second).changed, recap(second).failed], [0, 0], second.stdout);
        const requests = (await raw(e).get(`/__admin/requests?since=${since}`)).data as Array<{
            method: string;
            path: string;
        }>;
        assert.ok(requests.length > 0, "the second run read the engine");
        assert.deepEqual(
            requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`),
            [],
            "no API write on the second run",
        );
    });
});
