// `npm run drift` with the real Pulumi CLI against the engine emulator: a throwaway stack of tests/operator/project
// (two OVN networks, the engine's CA in the stack config) on a file backend. Clean → 0; a change made behind
// Pulumi's back through the emulator's admin `mutate` → the report names object, field, expected and found, exit 1;
// `pulumi up --refresh` puts it back → 0; OVN port security turned on by hand on the network and on a port no resource
// manages → 1, both named; an object deleted on the engine → 1; the engine stopped → 2.
// The drift script runs as a child process (asynchronously: the emulator lives in this process's event loop).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEngine, RunningEngine } from "../../emulator";
import { throwawayStack, ThrowawayStack } from "../helpers/pulumiCli";
import { Admin } from "../provider/helpers";
import { runDrift } from "./runDrift";

const projectDir = path.join(__dirname, "project");

const drift = (t: ThrowawayStack, ...extra: string[]) => runDrift(t, projectDir, extra);

describe("npm run drift (real CLI, engine emulator)", function () {
    this.timeout(300_000);
    let e: RunningEngine | undefined;
    let t: ThrowawayStack | undefined;
    let admin: Admin;
    let tmp: string;
    let port = 0;
    let ovnAuthPort = 0;
    let ovnNetworkPort = 0;
    const projectYaml = fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8");
    const start = async () => {
        // A state file, so the engine restarted after the "stopped" case still has the objects to destroy.
        e = await startEngine({
            latency: "fast",
            port,
            ovnAuthPort,
            ovnNetworkPort,
            statePath: path.join(tmp, "engine.json"),
        });
        port = Number(new URL(e.url).port);
        ovnAuthPort = Number(new URL(e.ovnAuthUrl).port);
        ovnNetworkPort = Number(new URL(e.ovnNetworkUrl).port);
        admin = new Admin(e);
    };

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-drift-"));
        await start();
        t = await throwawayStack(projectDir);
        await t.stack.setAllConfig({
            "ovirt-ci:engineUrl": { value: e!.apiUrl },
            "ovirt-ci:enginePassword": { value: e!.password, secret: true },
            "ovirt-ci:engineCaPem": { value: e!.caPem },
            "ovirt-ci:ovnAuthUrl": { value: e!.ovnAuthUrl },
            "ovirt-ci:ovnNetworkUrl": { value: e!.ovnNetworkUrl },
            // the stopped-engine case should fail fast, not after the default six attempts
            "ovirt-ci:engineRetryAttempts": { value: "2" },
            "ovirt-ci:engineRetryBaseMs": { value: "20" },
        });
    });

    after(async () => {
        try {
            if (!e) await start();
            await t?.dispose();
        } finally {
            await e?.stop();
            fs.rmSync(tmp, { recursive: true, force: true });
        }
        assert.equal(
            fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"),
            projectYaml,
            "the project's Pulumi.yaml must not change",
        );
    });

    it("exit 0 after up; 1 with object, field, expected and found after a change behind Pulumi's back; 0 after up --refresh", async () => {
        const up = await t!.stack.up();
        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual(up.summary.resourceChanges, { create: 7 });

        const clean = await drift(t!);
        assert.equal(clean.status, 0, clean.stdout + clean.stderr);
        assert.match(clean.stdout, /nothing drifted/);

        await admin.mutate("networks", up.outputs.spareId.value, { description: "edited in the UI" });
        await admin.mutate("networks", up.outputs.networkId.value, { description: "hand edit" });
        const r = await drift(t!);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /2 objects drifted/);
        assert.ok(
            r.stdout.includes(
                'pulumi-nodejs:dynamic/ovirt:Network spare (update)\n    description: expected "managed by pulumi", found "edited in the UI" (changed outside Pulumi)\n',
            ),
            r.stdout,
        );
        assert.ok(
            r.stdout.includes(
                'pulumi-nodejs:dynamic/ovirt:Network net (update)\n    description: expected "lease network (drift test)", found "hand edit" (changed outside Pulumi)\n',
            ),
            r.stdout,
        );
        assert.ok(
            !r.stdout.includes(e!.password) && !r.stderr.includes(e!.password),
            "the engine password leaked into the report",
        );

        const json = await drift(t!, "--json");
        assert.equal(json.status, 1);
        const report = JSON.parse(json.stdout) as {
            drifted: {
                type: string;
                name: string;
                fields: { field: string; expected: unknown; found: unknown; cause: string }[];
            }[];
        };
        assert.deepEqual(report.drifted.find((o) => o.name === "spare")?.fields, [
            {
                field: "description",
                expected: "managed by pulumi",
                found: "edited in the UI",
                recorded: "managed by pulumi",
                cause: "engine",
            },
        ]);

        // The documented fix: up --refresh re-applies the program.
        const fix = await t!.stack.up({ refresh: true });
        assert.equal(fix.summary.resourceChanges?.update, 2);
        const again = await drift(t!);
        assert.equal(again.status, 0, again.stdout + again.stderr);
    });

    it("exit 1 for OVN port security turned on by hand, on the network and on a port no resource manages", async () => {
        const { default: axios } = await import("axios");
        const https = await import("node:https");
        const httpsAgent = new https.Agent({ ca: e!.caPem });
        const sso = await axios.post(
            `${e!.url}/ovirt-engine/sso/oauth/token`,
            new URLSearchParams({
                grant_type: "password",
                scope: "ovirt-app-api",
                username: e!.username,
                password: e!.password,
            }),
            { httpsAgent, headers: { Accept: "application/json" } },
        );
        const api = axios.create({
            baseURL: e!.apiUrl,
            httpsAgent,
            headers: { Authorization: `Bearer ${sso.data.access_token}`, Accept: "application/json", Version: "4" },
        });
        const until = async (vm: string, status: string) => {
            while ((await api.get(`/vms/${vm}`)).data.status !== status) await new Promise((r) => setTimeout(r, 20));
        };
        // an installer-like VM on the network: its port is no resource's
        const vm = (
            await api.post("/vms", {
                name: "installer-vm",
                cluster: { name: "OCP-45" },
                template: { name: "centos-stream-9" },
            })
        ).data.id as string;
        await until(vm, "down");
        const networkId = (await t!.stack.outputs()).networkId.value as string;
        const profile = (await api.get(`/networks/${networkId}/vnicprofiles`)).data.vnic_profile[0].id;
        const mac = (await api.post(`/vms/${vm}/nics`, { name: "nic1", vnic_profile: { id: profile } })).data.mac
            .address as string;
        await api.post(`/vms/${vm}/start`, {});
        await until(vm, "up");
        try {
            const tok = await axios.post(
                `${e!.ovnAuthUrl}/tokens`,
                { auth: { passwordCredentials: { username: e!.username, password: e!.password } } },
                { httpsAgent },
            );
            const ovn = axios.create({
                baseURL: e!.ovnNetworkUrl,
                httpsAgent,
                headers: { "X-Auth-Token": tok.data.access.token.id },
            });
            const net = (await ovn.get("/networks", { params: { name: "ovn-drift" } })).data.networks[0];
            const ports = (await ovn.get("/ports", { params: { network_id: net.id } })).data.ports;
            assert.deepEqual(
                ports.map((p: { port_security_enabled: boolean }) => p.port_security_enabled),
                [false],
                "the port was made after the network's flag was off",
            );
            assert.equal((await drift(t!)).status, 0, "a port that follows the network is no drift");

            await ovn.put(`/networks/${net.id}`, { network: { port_security_enabled: true } });
            await ovn.put(`/ports/${ports[0].id}`, { port: { port_security_enabled: true } });
            const r = await drift(t!);
            assert.equal(r.status, 1, r.stdout + r.stderr);
            assert.match(r.stdout, /2 objects drifted/);
            assert.ok(
                r.stdout.includes(
                    "pulumi-nodejs:dynamic/ovirt:OvnNetworkPortSecurity net-port-security (update)\n    portSecurityEnabled: expected false, found true (changed outside Pulumi)\n",
                ),
                r.stdout,
            );
            assert.ok(
                r.stdout.includes(
                    `OVN port ovn-drift nic1 (MAC ${mac}, VM ${vm}, port ${ports[0].id}) (check)\n    port_security_enabled: expected false, found true (changed outside Pulumi)\n`,
                ),
                r.stdout,
            );
            assert.ok(
                !r.stdout.includes(e!.password) && !r.stderr.includes(e!.password),
                "the engine password leaked into the report",
            );

            const fix = await t!.stack.up({ refresh: true });
            assert.equal(fix.summary.resourceChanges?.update, 1, "the network's flag is the program's again");
            await ovn.put(`/ports/${ports[0].id}`, { port: { port_security_enabled: false } });
            assert.equal((await drift(t!)).status, 0);
        } finally {
            await api.post(`/vms/${vm}/stop`, {});
            await until(vm, "down");
            await api.delete(`/vms/${vm}`);
        }
    });

    it("exit 1 for an object deleted on the engine", async () => {
        const outputs = await t!.stack.outputs();
        await admin.remove("networks", outputs.spareId.value as string);
        const r = await drift(t!);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(
            r.stdout,
            /pulumi-nodejs:dynamic\/ovirt:Network spare \(create\)\n {4}missing on the engine: deleted outside Pulumi/,
        );
        assert.match(r.stdout, /1 object drifted/);
    });

    it("exit 2 with the reason when the engine is stopped, or the stack does not exist", async () => {
        await e!.stop();
        e = undefined;
        const r = await drift(t!);
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /drift: the check of stack t-\w+ failed \(exit 2\):/);
        assert.match(r.stderr, /ECONNREFUSED/);

        const none = await drift(t!, "--stack", "no-such-stack");
        assert.equal(none.status, 2);
        assert.match(none.stderr, /no stack named 'no-such-stack' found/);
    });
});
