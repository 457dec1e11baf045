// Tag and Event lifecycles, authentication (one SSO login per provider process, one extra login after a token
// expiry), transient faults, TLS settings, config fallbacks and the lookups, against the engine emulator.
import * as assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { SEED_IDS } from "../../emulator/model/seed";
import {
    ClusterProvider, DataCenterProvider, EventProvider, OvirtApiError, TagProvider, VmProvider, loginCount, lookupCluster, lookupDataCenter,
    lookupHost, lookupOvnProvider, lookupStorageDomain, lookupTemplate, lookupVnicProfile, resolveEndpoint,
} from "../../providers/ovirt";
import { API, Admin, SSO, configured, fakeConfig, useTestEngine } from "./helpers";

describe("Tag, Event, auth, faults and lookups against the engine emulator", function () {
    this.timeout(60_000);
    let e: RunningEngine;
    let admin: Admin;

    useTestEngine((engine, a) => {
        e = engine;
        admin = a;
    });

    function liveTokens(): string[] {
        // test-only peek into the emulator to prove that no error text carries a live token
        return [...((e.server as unknown as { tokens: Map<string, unknown> }).tokens.keys())];
    }

    describe("Tag", () => {
        it("create, one-GET read, drift, update, replace, delete, re-run adopts", async () => {
            const p = await configured(new TagProvider(), e);
            const parent = await p.create((await p.check({} as never, { name: "ci" } as never)).inputs!);
            const inputs = (await p.check({} as never, { name: "lease-1", description: "lease 1", parentName: "ci" } as never)).inputs!;
            const c = await p.create(inputs);
            assert.equal(c.outs!.parentId, parent.id);
            const before = await admin.stats();
            const r = await p.read(c.id, c.outs);
            assert.deepEqual(Admin.delta(before, await admin.stats()), { [`GET ${API}/tags/{tag}`]: 1 });
            assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);
            await admin.mutate("tags", c.id, { description: "edited in the UI" });
            const drifted = await p.read(c.id, c.outs);
            assert.equal(drifted.props!.description, "edited in the UI");
            const u = await p.update(c.id, drifted.props!, inputs);
            assert.equal(u.outs!.description, "lease 1");
            assert.deepEqual((await p.diff(c.id, u.outs!, { ...inputs, parentName: undefined })).replaces, ["parentName"]);
            const again = await p.create(inputs);
            assert.equal(again.id, c.id);
            await p.delete(c.id, u.outs!);
            assert.equal((await p.read(c.id, u.outs)).id, undefined);
            await p.delete(c.id, u.outs!);
        });
    });

    describe("Event", () => {
        const args = { description: "cluster ci-op-1 installed", severity: "warning", origin: "openshift-ci", customId: 1001, clusterId: SEED_IDS.ciCluster };

        it("create, one-GET read, immutable (replace), delete, and a re-run does not duplicate", async () => {
            const p = await configured(new EventProvider(), e);
            const inputs = (await p.check({} as never, args as never)).inputs!;
            const c = await p.create(inputs);
            assert.match(c.id, /^\d+$/);
            assert.ok(c.outs!.index > 1);
            const before = await admin.stats();
            const r = await p.read(c.id, c.outs);
            assert.deepEqual(Admin.delta(before, await admin.stats()), { [`GET ${API}/events/{event}`]: 1 });
            assert.equal((await p.diff(c.id, r.props!, inputs)).changes, false);
            const rep = await p.diff(c.id, r.props!, { ...inputs, description: "other" });
            assert.deepEqual([rep.replaces, rep.deleteBeforeReplace], [["description"], true]);

            const again = await p.create(inputs);
            assert.equal(again.id, c.id);
            assert.equal((await admin.stats()).requests[`POST ${API}/events`], 1);
            await assert.rejects(p.create({ ...inputs, description: "a different text" }), /already has an event with this origin and customId but another description/);

            await p.delete(c.id, r.props!);
            assert.equal((await p.read(c.id, r.props)).id, undefined);
            await p.delete(c.id, r.props!);
        });

        it("check refuses the reserved origin and a missing customId", async () => {
            const r = await new EventProvider().check({} as never, { description: "x", origin: "OVIRT" } as never);
            assert.deepEqual(r.failures!.map((f) => f.property).sort(), ["customId", "origin"]);
        });
    });

    describe("authentication", () => {
        it("one SSO login per provider process, shared by every provider kind", async () => {
            const dc = await configured(new DataCenterProvider(), e);
            const cl = await configured(new ClusterProvider(), e);
            const tag = await configured(new TagProvider(), e);
            const created = await Promise.all([
                dc.create((await dc.check({} as never, { name: "auth-dc" } as never)).inputs!),
                tag.create((await tag.check({} as never, { name: "auth-tag" } as never)).inputs!),
                cl.create((await cl.check({} as never, { name: "OCP-45", dataCenterId: SEED_IDS.ciDc } as never)).inputs!),
            ]);
            await dc.read(created[0].id, created[0].outs);
            await tag.read(created[1].id, created[1].outs);
            const s = await admin.stats();
            assert.equal(s.ssoLogins, 1);
            assert.equal(s.requests[SSO], 1);
            assert.equal(loginCount(), 1);
        });

        it("renews an expired token with exactly one extra login", async () => {
            const p = await configured(new TagProvider(), e);
            const c = await p.create((await p.check({} as never, { name: "tok" } as never)).inputs!);
            assert.equal((await admin.stats()).ssoLogins, 1);
            await admin.expireTokens();
            const r = await p.read(c.id, c.outs);
            assert.equal(r.id, c.id);
            const s = await admin.stats();
            assert.equal(s.ssoLogins, 2);
            assert.equal(s.unauthorized, 1);
            await p.read(c.id, c.outs);
            assert.equal((await admin.stats()).ssoLogins, 2);
        });

        it("renews once when the engine drops the token mid-operation (expireToken fault)", async () => {
            const p = await configured(new VmProvider(), e);
            await admin.faults([{ method: "GET", path: "^/ovirt-engine/api/vms$", kind: "expireToken", times: 1 }]);
            const c = await p.create((await p.check({} as never, { name: "tok-vm", clusterId: SEED_IDS.ciCluster, templateId: SEED_IDS.blankTemplate, started: false } as never)).inputs!);
            assert.equal(c.outs!.status, "down");
            assert.equal((await admin.stats()).ssoLogins, 2);
        });

        it("retries a login that met a 503 or a connection reset", async () => {
            const p = await configured(new TagProvider(), e);
            await admin.faults([
                { path: "^/ovirt-engine/sso/oauth/token$", kind: "503", times: 1 },
                { path: "^/ovirt-engine/sso/oauth/token$", kind: "reset", times: 1 },
            ]);
            const c = await p.create({ name: "login-retry" });
            assert.equal(c.outs!.name, "login-retry");
            const s = await admin.stats();
            assert.equal(s.ssoLogins, 1);
            assert.equal(s.faultsInjected, 2);
        });

        it("a wrong password fails with the engine's SSO error and never echoes the password", async () => {
            const p = await configured(new TagProvider(), e, { "ovirt-ci:enginePassword": "wrong-Pa55-fixture" });
            await assert.rejects(p.create({ name: "x" }), (err: Error) => {
                assert.match(err.message, /create Tag x \(login as admin@internal\): POST \/ovirt-engine\/sso\/oauth\/token failed: HTTP 400: access_denied/);
                assert.ok(!err.message.includes("wrong-Pa55-fixture"));
                return true;
            });
        });
    });

    describe("transient faults", () => {
        it("retries 503, connection resets and lock conflicts to success; errors hold no secret", async () => {
            const p = await configured(new VmProvider(), e);
            await admin.faults([
                { method: "GET", path: "^/ovirt-engine/api/vms/[^/]+$", kind: "503", times: 2 },
                { method: "GET", path: "^/ovirt-engine/api/vms/[^/]+$", kind: "reset", times: 1 },
                { method: "POST", path: "/stop$", kind: "lock409", times: 2 },
            ]);
            const inputs = (await p.check({} as never, { name: "flaky", clusterId: SEED_IDS.ciCluster, templateId: SEED_IDS.proxyTemplate, ipWaitSeconds: 0 } as never)).inputs!;
            const c = await p.create(inputs);
            assert.equal(c.outs!.status, "up");
            await p.delete(c.id, c.outs!);
            const s = await admin.stats();
            assert.equal(s.requests["GET (fault:503)"], 2);
            assert.equal(s.requests["GET (fault:reset)"], 1);
            assert.equal(s.requests["POST (fault:lock409)"], 2);
            assert.equal((await admin.inventory()).vms.filter((v) => v.name === "flaky").length, 0);
        });

        it("gives up after the bounded attempts with an error naming operation, object and engine text", async () => {
            const p = await configured(new TagProvider(), e, { "ovirt-ci:engineRetryAttempts": "3" });
            const c = await p.create({ name: "t503" });
            await admin.faults([{ method: "GET", path: "^/ovirt-engine/api/tags/", kind: "503" }]);
            await assert.rejects(p.read(c.id, c.outs), (err: OvirtApiError) => {
                assert.equal(err.message, `read Tag t503: GET /tags/${c.id} failed: HTTP 503. The oVirt engine ${e.apiUrl} is unreachable or unavailable: ` +
                    "check that it runs (ovirt-engine service) and that this machine reaches it, then run `pulumi up` again; it adopts by name what this run created");
                assert.equal(err.httpStatus, 503, "still the engine's status");
                for (const t of liveTokens()) assert.ok(!err.message.includes(t) && !JSON.stringify(err).includes(t));
                assert.ok(!JSON.stringify(err).includes(e.password));
                return true;
            });
            assert.equal((await admin.stats()).requests["GET (fault:503)"], 3);
        });
    });

    describe("TLS and configuration", () => {
        it("verifies the engine certificate: without the CA the call fails (not retried)", async () => {
            const p = new TagProvider();
            const cfg = fakeConfig(e);
            await p.configure({ config: { get: (k: string) => (k === "ovirt-ci:engineCaPem" ? undefined : cfg.config.get(k)), require: cfg.config.require } } as never);
            await assert.rejects(p.create({ name: "tls" }), (err: OvirtApiError) => {
                assert.match(err.message, /login as admin@internal\): POST \/ovirt-engine\/sso\/oauth\/token failed: (SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO)/);
                return true;
            });
            assert.equal((await admin.stats()).ssoLogins, 0);
        });

        it("insecure only when set, with a warning", async () => {
            const p = new TagProvider();
            const cfg = fakeConfig(e, { "ovirt-ci:engineInsecure": "true" });
            await p.configure({ config: { get: (k: string) => (k === "ovirt-ci:engineCaPem" ? undefined : cfg.config.get(k)), require: cfg.config.require } } as never);
            const warnings: string[] = [];
            const orig = console.warn;
            console.warn = (m: string) => { warnings.push(m); };
            try {
                const c = await p.create({ name: "insecure" });
                assert.equal(c.outs!.name, "insecure");
            } finally {
                console.warn = orig;
            }
            assert.equal(warnings.length, 1);
            assert.match(warnings[0], /TLS certificate verification is DISABLED/);
        });

        it("falls back to the environment when no stack config reaches the provider", async () => {
            const saved = { ...process.env };
            try {
                Object.assign(process.env, { OVIRT_ENGINE_URL: e.apiUrl, OVIRT_ENGINE_USERNAME: e.username, OVIRT_ENGINE_PASSWORD: e.password, OVIRT_ENGINE_CA_FILE: e.caFile });
                const p = new TagProvider();
                await p.configure({ config: { get: () => { throw new TypeError("Cannot read properties of undefined"); }, require: () => "" } } as never);
                const c = await p.create({ name: "from-env" });
                assert.equal(c.outs!.name, "from-env");
            } finally {
                process.env = saved;
            }
        });
    });

    describe("lookups", () => {
        it("find the seed objects by name", async () => {
            const endpoint = resolveEndpoint(fakeConfig(e).config);
            const opts = { endpoint };
            assert.deepEqual(await lookupDataCenter("OCP-45", opts), { id: SEED_IDS.ciDc, name: "OCP-45", status: "up", version: "4.7" });
            assert.equal((await lookupCluster("OCP-45", opts)).dataCenterId, SEED_IDS.ciDc);
            assert.equal((await lookupTemplate("Blank", opts)).id, SEED_IDS.blankTemplate);
            assert.equal((await lookupTemplate("centos-stream-9", opts)).id, SEED_IDS.proxyTemplate);
            const sd = await lookupStorageDomain("nfs-ovirt45", opts);
            assert.deepEqual([sd.id, sd.type, sd.dataCenterIds], [SEED_IDS.nfs, "data", [SEED_IDS.ciDc]]);
            assert.deepEqual(await lookupHost("baremetal04", opts), { id: SEED_IDS.host1, name: "baremetal04", address: "baremetal04.ocp-on-ovirt.gcp.devcluster.openshift.com", status: "up", clusterId: SEED_IDS.ciCluster });
            assert.equal((await lookupOvnProvider(undefined, opts)).id, SEED_IDS.ovn);
            assert.equal((await lookupVnicProfile("ovirtmgmt", SEED_IDS.ovirtmgmtCi, opts)).id, SEED_IDS.ovirtmgmtCiProfile);
            await assert.rejects(lookupVnicProfile("ovirtmgmt", undefined, opts), /2 profiles have this name; pass the networkId/);
            await assert.rejects(lookupCluster("nope", opts), /lookup cluster "nope": not found/);
        });
    });
});
