// OvnNetworkPortSecurity and OvnPortSecurity against the engine emulator's OVN provider API (docs/ovn.md): create,
// one-GET read, drift turned back on by hand, ports created before and after the network's change, one token per
// provider process, bad password, faults, CA verification, endpoint resolution and the reusable read.
import * as assert from "node:assert/strict";
import * as https from "node:https";
import axios, { AxiosInstance } from "axios";
import type { RunningEngine } from "../../emulator";
import { SEED_IDS } from "../../emulator/model/seed";
import {
    OvnNetworkPortSecurityProvider,
    OvnPortSecurityProvider,
    ovnLoginCount,
    readOvnPortSecurity,
    resolveOvnEndpoint,
} from "../../providers/ovirt";
import { Admin, configured, fakeConfig, freshProcess, useTestEngine } from "./helpers";

describe("OVN port security against the engine emulator's OVN provider", function () {
    this.timeout(60_000);
    let e: RunningEngine;
    let admin: Admin;
    let engine: AxiosInstance;

    useTestEngine((x, a) => {
        e = x;
        admin = a;
    });

    const agent = () => new https.Agent({ ca: e.caPem });

    beforeEach(async () => {
        const t = await axios.post(
            `${e.url}/ovirt-engine/sso/oauth/token`,
            new URLSearchParams({
                grant_type: "password",
                scope: "ovirt-app-api",
                username: e.username,
                password: e.password,
            }),
            { httpsAgent: agent(), headers: { Accept: "application/json" } },
        );
        engine = axios.create({
            baseURL: e.apiUrl,
            httpsAgent: agent(),
            headers: { Authorization: `Bearer ${t.data.access_token}`, Accept: "application/json", Version: "4" },
        });
    });

    /** The OVN API as an operator would use it by hand (e.g. to turn port security back on). */
    async function byHand(): Promise<AxiosInstance> {
        const t = await axios.post(
            `${e.ovnAuthUrl}/tokens`,
            { auth: { passwordCredentials: { username: e.username, password: e.password } } },
            { httpsAgent: agent() },
        );
        return axios.create({
            baseURL: e.ovnNetworkUrl,
            httpsAgent: agent(),
            headers: { "X-Auth-Token": t.data.access.token.id },
        });
    }

    async function ovnStats(): Promise<{ requests: Record<string, number>; tokens: number }> {
        return (await axios.get(`${e.adminUrl}/ovn/stats`, { httpsAgent: agent() })).data;
    }

    async function network(name: string): Promise<string> {
        const r = await engine.post("/networks", {
            name,
            data_center: { id: SEED_IDS.ciDc },
            external_provider: { id: SEED_IDS.ovn },
        });
        return r.data.id as string;
    }

    async function runningVm(name: string): Promise<string> {
        const r = await engine.post("/vms", {
            name,
            cluster: { name: "OCP-45" },
            template: { name: "centos-stream-9" },
        });
        for (let i = 0; (await engine.get(`/vms/${r.data.id}`)).data.status !== "down"; i++)
            await new Promise((res) => setTimeout(res, 20));
        await engine.post(`/vms/${r.data.id}/start`, {});
        for (let i = 0; (await engine.get(`/vms/${r.data.id}`)).data.status !== "up"; i++)
            await new Promise((res) => setTimeout(res, 20));
        return r.data.id as string;
    }

    async function nic(vmId: string, name: string, networkId: string): Promise<string> {
        const profile = (await engine.get(`/networks/${networkId}/vnicprofiles`)).data.vnic_profile[0].id;
        return (await engine.post(`/vms/${vmId}/nics`, { name, vnic_profile: { id: profile } })).data.mac
            .address as string;
    }

    it("network: create turns it off, read is one GET, a flag turned on by hand is drift that update corrects", async () => {
        await network("ovn-vmnet-20");
        const p = await configured(new OvnNetworkPortSecurityProvider(), e);
        const inputs = (await p.check({} as never, { networkName: "ovn-vmnet-20" } as never)).inputs!;
        assert.equal(inputs.portSecurityEnabled, false);
        const c = await p.create(inputs);
        const ovn = await byHand();
        assert.equal((await ovn.get(`/networks/${c.id}`)).data.network.port_security_enabled, false);

        const before = await ovnStats();
        const r = await p.read(c.id, c.outs);
        const after = await ovnStats();
        assert.equal(
            after.requests["neutron GET /networks/{id}"] - (before.requests["neutron GET /networks/{id}"] ?? 0),
            1,
        );
        assert.equal(after.tokens, before.tokens, "the provider process reuses its token");
        assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);

        await ovn.put(`/networks/${c.id}`, { network: { port_security_enabled: true } });
        const drifted = await p.read(c.id, c.outs);
        assert.equal(drifted.inputs!.portSecurityEnabled, true);
        const d = await p.diff(c.id, drifted.props!, inputs);
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        const u = await p.update(c.id, drifted.props!, inputs);
        assert.equal(u.outs!.portSecurityEnabled, false);
        assert.equal((await ovn.get(`/networks/${c.id}`)).data.network.port_security_enabled, false);
        assert.equal(ovnLoginCount(), 1, "one token per provider process");
        await p.delete(c.id, u.outs!); // only forgets
        assert.equal((await ovn.get(`/networks/${c.id}`)).data.network.port_security_enabled, false);
    });

    it("ports: one created before the network's change keeps port security until its own resource turns it off; one created after has it off", async () => {
        const netId = await network("ovn-vmnet-21");
        const vm = await runningVm("proxy-vm");
        const early = await nic(vm, "vmnet21", netId);
        const net = await (
            await configured(new OvnNetworkPortSecurityProvider(), e)
        ).create({ networkName: "ovn-vmnet-21", portSecurityEnabled: false });
        const late = await nic(vm, "vmnet21b", netId);
        const ovn = await byHand();
        const ports = (await ovn.get("/ports", { params: { network_id: net.id } })).data.ports as Array<{
            mac_address: string;
            port_security_enabled: boolean;
        }>;
        assert.deepEqual(
            ports.map((x) => [x.mac_address, x.port_security_enabled]).sort(),
            [
                [early, true],
                [late, false],
            ].sort(),
        );

        const p = await configured(new OvnPortSecurityProvider(), e);
        const a = await p.create(
            (await p.check({} as never, { networkName: "ovn-vmnet-21", macAddress: early.toUpperCase() } as never))
                .inputs!,
        );
        assert.equal(a.outs!.portSecurityEnabled, false);
        assert.equal(a.outs!.deviceId, vm);
        assert.equal(a.outs!.portName, "vmnet21");
        const before = await ovnStats();
        const b = await p.create({ networkName: "ovn-vmnet-21", macAddress: late, portSecurityEnabled: false });
        assert.equal(
            (await ovnStats()).requests["neutron PUT /ports/{id}"] ?? 0,
            before.requests["neutron PUT /ports/{id}"] ?? 0,
            "already off: no write",
        );
        const read = await readOvnPortSecurity("ovn-vmnet-21", { endpoint: resolveOvnEndpoint(fakeConfig(e).config) });
        assert.equal(read.network.portSecurityEnabled, false);
        assert.deepEqual(
            read.ports.map((x) => x.portSecurityEnabled),
            [false, false],
        );

        // turned back on by hand: drift, corrected by update
        await ovn.put(`/ports/${b.id}`, { port: { port_security_enabled: true } });
        const drifted = await p.read(b.id, b.outs);
        assert.equal(drifted.inputs!.portSecurityEnabled, true);
        assert.equal((await p.diff(b.id, drifted.props!, b.outs as never)).changes, true);
        await p.update(b.id, drifted.props!, {
            networkName: "ovn-vmnet-21",
            macAddress: late,
            portSecurityEnabled: false,
        });
        assert.equal((await ovn.get(`/ports/${b.id}`)).data.port.port_security_enabled, false);
        // the NIC unplugged and removed: the port is gone, the resource reads as gone
        const nicId = (await engine.get(`/vms/${vm}/nics`)).data.nic.find(
            (n: { name: string }) => n.name === "vmnet21",
        ).id;
        await engine.put(`/vms/${vm}/nics/${nicId}`, { plugged: false });
        await engine.delete(`/vms/${vm}/nics/${nicId}`);
        assert.equal((await p.read(a.id, a.outs)).id, undefined);
    });

    it("a port that never appears times out naming the MAC, the network and why", async () => {
        await network("ovn-vmnet-22");
        const p = await configured(new OvnPortSecurityProvider(), e);
        await assert.rejects(
            p.create({
                networkName: "ovn-vmnet-22",
                macAddress: "56:6f:00:00:00:99",
                portSecurityEnabled: false,
                timeoutSeconds: 1,
            }),
            /OVN port 56:6f:00:00:00:99 on network ovn-vmnet-22: timed out .*the engine allocates it when the VM runs/,
        );
        const bad = await p.check({} as never, { networkName: "ovn-vmnet-22", macAddress: "nope" } as never);
        assert.match(bad.failures![0].reason, /macAddress must be a MAC/);
        const n = await configured(new OvnNetworkPortSecurityProvider(), e);
        const badNet = await n.check(
            {} as never,
            { networkName: "ovn-vmnet-22", networkId: "nope", portSecurityEnabled: "no" } as never,
        );
        assert.deepEqual(badNet.failures!.map((f) => f.property).sort(), ["networkId", "portSecurityEnabled"]);
    });

    it("a missing network and a bad password fail naming the network, with no credential", async () => {
        const p = await configured(new OvnNetworkPortSecurityProvider(), e);
        await assert.rejects(
            p.create({ networkName: "ovn-vmnet-99", portSecurityEnabled: false }),
            /OVN network ovn-vmnet-99: not on the OVN provider/,
        );
        await network("ovn-vmnet-23");
        freshProcess(); // tokens are per process and user: a new process with the wrong password
        const q = await configured(new OvnNetworkPortSecurityProvider(), e, {
            "ovirt-ci:enginePassword": "wrong-Pa55word",
        });
        await assert.rejects(q.create({ networkName: "ovn-vmnet-23", portSecurityEnabled: false }), (err: Error) => {
            assert.match(
                err.message,
                /set port security of OVN network ovn-vmnet-23 \(OVN token for admin@internal\): POST \/v2\.0\/tokens failed: HTTP 401: Unauthorized: Error during SSO authentication/,
            );
            assert.ok(!err.message.includes("wrong-Pa55word"));
            return true;
        });
    });

    it("an expired token is renewed once; 503 and reset faults are retried", async () => {
        await network("ovn-vmnet-24");
        const p = await configured(new OvnNetworkPortSecurityProvider(), e);
        const c = await p.create({ networkName: "ovn-vmnet-24", portSecurityEnabled: false });
        await admin.expireTokens();
        assert.equal((await p.read(c.id, c.outs)).id, c.id);
        assert.equal(ovnLoginCount(), 2);
        await admin.faults([
            { method: "GET", path: "^/v2.0/networks/", kind: "503", times: 1 },
            { method: "PUT", path: "^/v2.0/networks/", kind: "reset", times: 1 },
        ]);
        const r = await p.read(c.id, c.outs);
        assert.equal(r.id, c.id);
        const u = await p.update(
            c.id,
            { ...c.outs!, portSecurityEnabled: true },
            { networkName: "ovn-vmnet-24", portSecurityEnabled: false },
        );
        assert.equal(u.outs!.portSecurityEnabled, false);
        const hits = (await axios.get(`${e.adminUrl}/faults`, { httpsAgent: agent() })).data.hits as unknown[];
        assert.equal(hits.length, 2);
    });

    it("verifies the provider's certificate against the engine CA; the endpoint defaults to the engine's host", async () => {
        await network("ovn-vmnet-25");
        const p = await configured(new OvnNetworkPortSecurityProvider(), e, { "ovirt-ci:engineCaPem": "" });
        await assert.rejects(
            p.create({ networkName: "ovn-vmnet-25", portSecurityEnabled: false }),
            /self[- ]signed|certificate/i,
        );
        const cfg = (m: Record<string, string>) => ({ get: (k: string) => m[k] });
        const d = resolveOvnEndpoint(
            cfg({ "ovirt-ci:engineUrl": "https://engine.lan/ovirt-engine/api", "ovirt-ci:enginePassword": "x" }),
        );
        assert.equal(d.authUrl, "https://engine.lan:35357/v2.0");
        assert.equal(d.networkUrl, "https://engine.lan:9696/v2.0");
        assert.throws(
            () =>
                resolveOvnEndpoint(
                    cfg({
                        "ovirt-ci:engineUrl": "https://engine.lan/ovirt-engine/api",
                        "ovirt-ci:enginePassword": "x",
                        "ovirt-ci:ovnNetworkUrl": "https://engine.lan:9696",
                    }),
                ),
            /ovirt-ci:ovnNetworkUrl \(or OVIRT_OVN_NETWORK_URL\) must be the OVN provider's root ending in \/v2\.0/,
        );
        const engine = { "ovirt-ci:engineUrl": "https://engine.lan/ovirt-engine/api", "ovirt-ci:enginePassword": "x" };
        assert.throws(
            () => resolveOvnEndpoint(cfg({ ...engine, "ovirt-ci:ovnAuthUrl": "http://engine.lan:35357/v2.0" })),
            /ovirt-ci:ovnAuthUrl http:\/\/engine\.lan:35357\/v2\.0 is not https/,
        );
        assert.throws(
            () => resolveOvnEndpoint(cfg({ ...engine, "ovirt-ci:ovnNetworkUrl": "https://evil.example:9696/v2.0" })),
            /is not on the engine's host engine\.lan/,
        );
        const allowed = resolveOvnEndpoint(
            cfg({
                ...engine,
                "ovirt-ci:ovnNetworkUrl": "https://ovn.lan:9696/v2.0",
                "ovirt-ci:ovnAllowForeignUrl": "true",
            }),
        );
        assert.equal(allowed.networkUrl, "https://ovn.lan:9696/v2.0");
    });
});
