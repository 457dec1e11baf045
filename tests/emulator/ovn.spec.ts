import assert from "node:assert/strict";
import axios, { AxiosInstance } from "axios";
import type { RunningEngine } from "../../emulator";
import { CI_USER, CI_USER_PASSWORD } from "../../emulator/model/seed";
import { SEED, agent, api, raw, start, waitStatus } from "./helpers";

// The OVN provider's Identity and Networking v2.0 APIs next to the engine (emulator/ovn/, docs/ovn.md).
describe("emulator: OVN provider API (instant latency)", () => {
    let e: RunningEngine;
    let c: AxiosInstance;
    before(async () => {
        e = await start();
    });
    after(async () => e.stop());
    beforeEach(async () => {
        await e.reset();
        c = await api(e);
    }); // a fresh token: one test expires every token

    const ovn = (base: string) =>
        axios.create({ baseURL: base, httpsAgent: agent(e), validateStatus: () => true, timeout: 10_000 });

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed body of arbitrary shape, read by path in assertions
    async function ovnToken(password = e.password): Promise<{ status: number; data: Record<string, any> }> {
        return ovn(e.ovnAuthUrl).post("/tokens", { auth: { passwordCredentials: { username: e.username, password } } });
    }

    async function neutron(): Promise<AxiosInstance> {
        const t = await ovnToken();
        assert.equal(t.status, 200, JSON.stringify(t.data));
        return axios.create({
            baseURL: e.ovnNetworkUrl,
            httpsAgent: agent(e),
            validateStatus: () => true,
            timeout: 10_000,
            headers: { "X-Auth-Token": t.data.access.token.id },
        });
    }

    async function addOvnNetwork(name: string): Promise<string> {
        const r = await c.post("/networks", {
            name,
            data_center: { id: SEED.ciDc },
            external_provider: { id: SEED.ovn },
        });
        assert.equal(r.status, 201, JSON.stringify(r.data));
        return r.data.id as string;
    }

    async function runningVm(name: string): Promise<string> {
        const r = await c.post("/vms", { name, cluster: { name: "OCP-45" }, template: { name: "centos-stream-9" } });
        assert.equal(r.status, 201, JSON.stringify(r.data));
        await waitStatus(c, `/vms/${r.data.id}`, "down");
        assert.equal((await c.post(`/vms/${r.data.id}/start`, {})).status, 200);
        await waitStatus(c, `/vms/${r.data.id}`, "up");
        return r.data.id as string;
    }

    async function profileOf(networkId: string): Promise<string> {
        return (await c.get(`/networks/${networkId}/vnicprofiles`)).data.vnic_profile[0].id as string;
    }

    async function addNic(vmId: string, name: string, networkId: string): Promise<string> {
        const r = await c.post(`/vms/${vmId}/nics`, { name, vnic_profile: { id: await profileOf(networkId) } });
        assert.equal(r.status, 201, JSON.stringify(r.data));
        return r.data.mac.address as string;
    }

    describe("Identity v2.0 tokens", () => {
        it("engine user and password in, an engine SSO token out, with expiry and the network endpoint", async () => {
            const logins = (await raw(e).get("/__admin/stats")).data.ssoLogins as number;
            const r = await ovnToken();
            assert.equal(r.status, 200);
            assert.match(r.data.access.token.id, /\S{20,}/);
            assert.ok(Date.parse(r.data.access.token.expires) > Date.now() + 3600_000);
            const network = r.data.access.serviceCatalog.find((s: { type: string }) => s.type === "network");
            assert.equal(network.endpoints[0].publicURL, `${e.ovnNetworkUrl}/`);
            // the provider logs in at the engine's SSO: one more login there, and the token works on the engine too
            assert.equal((await raw(e).get("/__admin/stats")).data.ssoLogins, logins + 1);
            const root = await raw(e).get("/ovirt-engine/api", {
                headers: { Authorization: `Bearer ${r.data.access.token.id}`, Accept: "application/json" },
            });
            assert.equal(root.status, 200);
        });

        it("a bad password is 401 with the SSO's words; a body without auth is 400", async () => {
            const bad = await ovnToken("wrong");
            assert.equal(bad.status, 401);
            assert.equal(bad.data.error.code, 401);
            assert.equal(bad.data.error.title, "Unauthorized");
            assert.match(
                bad.data.error.message,
                /^Error during SSO authentication .*username or password is incorrect/,
            );
            const empty = await ovn(e.ovnAuthUrl).post("/tokens", { nothing: true });
            assert.equal(empty.status, 400);
            assert.equal(empty.data.error.message, "'auth'");
        });

        it("issues tokens only to its configured admin user: another valid engine user is 403 with an empty message", async () => {
            // keystone_responses.py post_tokens: create_token (the SSO login works), then validate_token
            // (authorization_by_username.py: the token's user is not ovirt-admin-user-name) → a bare Forbidden()
            const asCi = (engine: RunningEngine) =>
                ovn(engine.ovnAuthUrl).post("/tokens", {
                    auth: { passwordCredentials: { username: CI_USER, password: CI_USER_PASSWORD } },
                });
            const refused = await asCi(e);
            assert.equal(refused.status, 403);
            assert.deepEqual(refused.data, { error: { message: "", code: 403, title: "Forbidden" } });
            assert.equal(
                e.server.model.state.providers.find((p) => p.name === "ovirt-provider-ovn")?.username,
                e.username,
            );
            assert.equal((await ovnToken()).status, 200, "the entry's user, as engine-setup configures the provider");

            const other = await start({ ovnAdminUser: CI_USER });
            try {
                assert.equal((await asCi(other)).status, 200);
                const admin = await ovn(other.ovnAuthUrl).post("/tokens", {
                    auth: { passwordCredentials: { username: other.username, password: other.password } },
                });
                assert.equal(admin.status, 403);
            } finally {
                await other.stop();
            }
        });

        it("a missing, unknown or expired token is 401 on the Networking API", async () => {
            const n = await neutron();
            assert.equal((await n.get("/networks")).status, 200);
            assert.equal((await ovn(e.ovnNetworkUrl).get("/networks")).status, 401);
            assert.equal(
                (await ovn(e.ovnNetworkUrl).get("/networks", { headers: { "X-Auth-Token": "nope" } })).status,
                401,
            );
            await raw(e).post("/__admin/expire-tokens");
            const r = await n.get("/networks");
            assert.equal(r.status, 401);
            assert.equal(r.data.error.message, "Token is not active.");
        });
    });

    describe("networks and ports", () => {
        it("an engine network on the OVN provider appears with its provider-side id and the provider's default flag", async () => {
            const id = await addOvnNetwork("ovn-vmnet-10");
            await addOvnNetwork("ovn-vmnet-11");
            const n = await neutron();
            const list = await n.get("/networks", { params: { name: "ovn-vmnet-10" } });
            assert.equal(list.status, 200);
            assert.equal(list.data.networks.length, 1);
            const net = list.data.networks[0];
            assert.equal(net.port_security_enabled, true);
            assert.equal(net.status, "ACTIVE");
            assert.equal(net.mtu, 1442);
            // the engine lists the provider's networks with the same provider-side id, not its own
            const engineSide = (await c.get(`/openstacknetworkproviders/${SEED.ovn}/networks`)).data.openstack_network;
            const mine = engineSide.find((x: { name: string }) => x.name === "ovn-vmnet-10");
            assert.equal(mine.id, net.id);
            assert.notEqual(net.id, id);
            assert.equal((await n.get(`/networks/${net.id}`)).data.network.name, "ovn-vmnet-10");
            // filters: booleans case-insensitive, pagination keys ignored, numbers never equal the query string
            assert.equal((await n.get("/networks?port_security_enabled=True&limit=1")).data.networks.length, 2);
            assert.equal((await n.get("/networks?mtu=1442")).data.networks.length, 0);
            // removing the engine network removes it from the provider
            assert.equal((await c.delete(`/networks/${id}`)).status, 200);
            assert.deepEqual(
                (await n.get("/networks")).data.networks.map((x: { name: string }) => x.name),
                ["ovn-vmnet-11"],
            );
        });

        it("a NIC of a running VM is a port; it keeps the network's flag of its creation (no cascade)", async () => {
            const netId = await addOvnNetwork("ovn-vmnet-12");
            const vm = await runningVm("proxy-vm");
            const mac1 = await addNic(vm, "vmnet12", netId);
            const n = await neutron();
            const ovnNet = (await n.get("/networks?name=ovn-vmnet-12")).data.networks[0];
            const before = (await n.get("/ports", { params: { network_id: ovnNet.id } })).data.ports;
            assert.equal(before.length, 1);
            assert.equal(before[0].mac_address, mac1);
            assert.equal(before[0].device_id, vm);
            assert.equal(before[0].device_owner, "oVirt");
            assert.equal(before[0].name, "vmnet12");
            assert.equal(before[0].port_security_enabled, true);
            assert.deepEqual(before[0].security_groups.length, 1);

            const put = await n.put(`/networks/${ovnNet.id}`, { network: { port_security_enabled: false } });
            assert.equal(put.status, 200);
            assert.equal(put.data.network.port_security_enabled, false);
            assert.equal((await n.get(`/ports/${before[0].id}`)).data.port.port_security_enabled, true);

            const mac2 = await addNic(vm, "vmnet12b", netId);
            const after = (await n.get(`/ports?network_id=${ovnNet.id}&mac_address=${mac2}`)).data.ports;
            assert.equal(after.length, 1);
            assert.equal(after[0].port_security_enabled, false);
            assert.deepEqual(after[0].security_groups, []);

            // disabling it on the port with a security group listed is not refused; the group stays listed
            const fix = await n.put(`/ports/${before[0].id}`, { port: { port_security_enabled: false } });
            assert.equal(fix.status, 200, JSON.stringify(fix.data));
            assert.equal(fix.data.port.port_security_enabled, false);
            assert.equal(fix.data.port.security_groups.length, 1);
            assert.equal((await n.get("/ports?port_security_enabled=true")).data.ports.length, 0);
        });

        it("a NIC of a VM that does not run has no port until the VM starts", async () => {
            const netId = await addOvnNetwork("ovn-vmnet-13");
            const r = await c.post("/vms", {
                name: "idle",
                cluster: { name: "OCP-45" },
                template: { name: "centos-stream-9" },
            });
            await waitStatus(c, `/vms/${r.data.id}`, "down");
            await addNic(r.data.id, "nic1", netId);
            const n = await neutron();
            assert.equal((await n.get("/ports")).data.ports.length, 0);
            await c.post(`/vms/${r.data.id}/start`, {});
            await waitStatus(c, `/vms/${r.data.id}`, "up");
            assert.equal((await n.get("/ports")).data.ports.length, 1);
        });

        it("refusals: a non-boolean flag is 400, an unknown id 404, a collection PUT 405", async () => {
            await addOvnNetwork("ovn-vmnet-14");
            const n = await neutron();
            const id = (await n.get("/networks")).data.networks[0].id;
            const bad = await n.put(`/networks/${id}`, { network: { port_security_enabled: "false" } });
            assert.equal(bad.status, 400);
            assert.equal(bad.data.error.message, "port_security_enabled must be of type bool");
            const noEntity = await n.put(`/networks/${id}`, { port_security_enabled: false });
            assert.equal(noEntity.status, 400);
            const missing = await n.get("/networks/00000000-0000-4000-8000-00000000dead");
            assert.equal(missing.status, 404);
            assert.equal(missing.data.error.title, "Not Found");
            assert.equal((await n.put("/networks", { network: {} })).status, 405);
        });
    });

    describe("faults, persistence of the model, admin", () => {
        it("fault rules of the engine apply to the OVN paths; the admin counts requests; reset empties it", async () => {
            await addOvnNetwork("ovn-vmnet-15");
            const n = await neutron();
            await raw(e).post("/__admin/faults", {
                rules: [{ method: "GET", path: "^/v2.0/networks$", kind: "503", times: 1 }],
            });
            assert.equal((await n.get("/networks")).status, 503);
            assert.equal((await n.get("/networks")).status, 200);
            // the provider's own login at the engine's SSO is the emulator calling itself: engine-path rules skip it
            await raw(e).post("/__admin/faults", { rules: [{ path: "^/ovirt-engine/sso", kind: "reset" }] });
            assert.equal((await ovnToken()).status, 200);
            await raw(e).delete("/__admin/faults");
            const stats = (await raw(e).get("/__admin/ovn/stats")).data;
            assert.equal(stats.requests["neutron GET /networks"], 2);
            assert.equal(stats.faultsInjected, 1);
            assert.equal(stats.tokens, 2);
            const inv = (await raw(e).get("/__admin/ovn/inventory")).data;
            assert.deepEqual(
                inv.networks.map((x: { name: string }) => x.name),
                ["ovn-vmnet-15"],
            );
            assert.equal(inv.portSecurityDefault, true);
            await e.reset();
            assert.deepEqual((await n.get("/networks")).data.networks, []);
        });
    });
});
