// Authentication (one SSO login per provider process, one extra login after a token
// expiry), transient faults, TLS settings, config fallbacks and the lookups, against the engine emulator.
import * as assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { SEED_IDS } from "../../emulator/model/seed";
import {
    EngineObjectProvider,
    NetworkProvider,
    OvirtApiError,
    VmProvider,
    loginCount,
    lookupCluster,
    lookupDataCenter,
    lookupHost,
    lookupOvnProvider,
    lookupStorageDomain,
    lookupTemplate,
    lookupVnicProfile,
    resolveEndpoint,
} from "../../providers/ovirt";
import { Admin, SSO, configured, fakeConfig, useTestEngine } from "./helpers";

describe("auth, faults and lookups against the engine emulator", function () {
    this.timeout(60_000);
    let e: RunningEngine;
    let admin: Admin;

    useTestEngine((engine, a) => {
        e = engine;
        admin = a;
    });

    /** A network's checked inputs (the simplest kind that creates an engine object). */
    const network = (name: string) => ({ name, dataCenterId: SEED_IDS.ciDc, externalProviderId: SEED_IDS.ovn });
    /** An EngineObject's inputs: adopts the seed data center (writes nothing). */
    const dataCenter = { kind: "dataCenter" as const, name: "OCP-45" };

    function liveTokens(): string[] {
        // test-only peek into the emulator to prove that no error text carries a live token
        return [...(e.server as unknown as { tokens: Map<string, unknown> }).tokens.keys()];
    }

    describe("authentication", () => {
        it("one SSO login per provider process, shared by every provider kind", async () => {
            const dc = await configured(new EngineObjectProvider(), e);
            const net = await configured(new NetworkProvider(), e);
            const vm = await configured(new VmProvider(), e);
            const [adopted, created] = await Promise.all([
                dc.create(dataCenter),
                net.create(network("auth-net")),
                vm.create(
                    (
                        await vm.check(
                            {} as never,
                            {
                                name: "auth-vm",
                                clusterId: SEED_IDS.ciCluster,
                                templateId: SEED_IDS.blankTemplate,
                                started: false,
                            } as never,
                        )
                    ).inputs!,
                ),
            ]);
            await dc.read(adopted.id, adopted.outs);
            await net.read(created.id, created.outs);
            const s = await admin.stats();
            assert.equal(s.ssoLogins, 1);
            assert.equal(s.requests[SSO], 1);
            assert.equal(loginCount(), 1);
        });

        it("renews an expired token with exactly one extra login", async () => {
            const p = await configured(new NetworkProvider(), e);
            const c = await p.create(network("tok"));
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
            const c = await p.create(
                (
                    await p.check(
                        {} as never,
                        {
                            name: "tok-vm",
                            clusterId: SEED_IDS.ciCluster,
                            templateId: SEED_IDS.blankTemplate,
                            started: false,
                        } as never,
                    )
                ).inputs!,
            );
            assert.equal(c.outs!.status, "down");
            assert.equal((await admin.stats()).ssoLogins, 2);
        });

        it("retries a login that met a 503 or a connection reset", async () => {
            const p = await configured(new NetworkProvider(), e);
            await admin.faults([
                { path: "^/ovirt-engine/sso/oauth/token$", kind: "503", times: 1 },
                { path: "^/ovirt-engine/sso/oauth/token$", kind: "reset", times: 1 },
            ]);
            const c = await p.create(network("login-retry"));
            assert.equal(c.outs!.name, "login-retry");
            const s = await admin.stats();
            assert.equal(s.ssoLogins, 1);
            assert.equal(s.faultsInjected, 2);
        });

        it("a wrong password fails with the engine's SSO error and never echoes the password", async () => {
            const p = await configured(new NetworkProvider(), e, { "ovirt-ci:enginePassword": "wrong-Pa55-fixture" });
            await assert.rejects(p.create(network("x")), (err: Error) => {
                assert.match(
                    err.message,
                    /create Network x \(login as admin@internal\): POST \/ovirt-engine\/sso\/oauth\/token failed: HTTP 400: access_denied/,
                );
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
            const inputs = (
                await p.check(
                    {} as never,
                    {
                        name: "flaky",
                        clusterId: SEED_IDS.ciCluster,
                        templateId: SEED_IDS.proxyTemplate,
                        ipWaitSeconds: 0,
                    } as never,
                )
            ).inputs!;
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
            const p = await configured(new NetworkProvider(), e, { "ovirt-ci:engineRetryAttempts": "3" });
            const c = await p.create(network("t503"));
            await admin.faults([{ method: "GET", path: "^/ovirt-engine/api/networks/", kind: "503" }]);
            await assert.rejects(p.read(c.id, c.outs), (err: OvirtApiError) => {
                assert.equal(
                    err.message,
                    `read Network t503: GET /networks/${c.id} failed: HTTP 503. The oVirt engine ${e.apiUrl} is unreachable or unavailable: ` +
                        "check that it runs (ovirt-engine service) and that this machine reaches it, then run `pulumi up` again; it adopts by name what this run created",
                );
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
            const p = new EngineObjectProvider();
            const cfg = fakeConfig(e);
            await p.configure({
                config: {
                    get: (k: string) => (k === "ovirt-ci:engineCaPem" ? undefined : cfg.config.get(k)),
                    require: cfg.config.require,
                },
            } as never);
            await assert.rejects(p.create(dataCenter), (err: OvirtApiError) => {
                assert.match(
                    err.message,
                    /login as admin@internal\): POST \/ovirt-engine\/sso\/oauth\/token failed: (SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO)/,
                );
                return true;
            });
            assert.equal((await admin.stats()).ssoLogins, 0);
        });

        it("insecure only when set, with a warning", async () => {
            const p = new EngineObjectProvider();
            const cfg = fakeConfig(e, { "ovirt-ci:engineInsecure": "true" });
            await p.configure({
                config: {
                    get: (k: string) => (k === "ovirt-ci:engineCaPem" ? undefined : cfg.config.get(k)),
                    require: cfg.config.require,
                },
            } as never);
            const warnings: string[] = [];
            const orig = console.warn;
            console.warn = (m: string) => {
                warnings.push(m);
            };
            try {
                const c = await p.create(dataCenter);
                assert.equal(c.id, SEED_IDS.ciDc);
            } finally {
                console.warn = orig;
            }
            assert.equal(warnings.length, 1);
            assert.match(warnings[0], /TLS certificate verification is DISABLED/);
        });

        it("falls back to the environment when no stack config reaches the provider", async () => {
            const saved = { ...process.env };
            try {
                Object.assign(process.env, {
                    OVIRT_ENGINE_URL: e.apiUrl,
                    OVIRT_ENGINE_USERNAME: e.username,
                    OVIRT_ENGINE_PASSWORD: e.password,
                    OVIRT_ENGINE_CA_FILE: e.caFile,
                });
                const p = new NetworkProvider();
                await p.configure({
                    config: {
                        get: () => {
                            throw new TypeError("Cannot read properties of undefined");
                        },
                        require: () => "",
                    },
                } as never);
                const c = await p.create(network("from-env"));
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
            assert.deepEqual(await lookupDataCenter("OCP-45", opts), {
                id: SEED_IDS.ciDc,
                name: "OCP-45",
                status: "up",
                version: "4.7",
            });
            assert.equal((await lookupCluster("OCP-45", opts)).dataCenterId, SEED_IDS.ciDc);
            assert.equal((await lookupTemplate("Blank", opts)).id, SEED_IDS.blankTemplate);
            assert.equal((await lookupTemplate("centos-stream-9", opts)).id, SEED_IDS.proxyTemplate);
            const sd = await lookupStorageDomain("nfs-ovirt45", opts);
            assert.deepEqual([sd.id, sd.type, sd.dataCenterIds], [SEED_IDS.nfs, "data", [SEED_IDS.ciDc]]);
            assert.deepEqual(await lookupHost("baremetal04", opts), {
                id: SEED_IDS.host1,
                name: "baremetal04",
                address: "baremetal04.ocp-on-ovirt.gcp.devcluster.openshift.com",
                status: "up",
                clusterId: SEED_IDS.ciCluster,
            });
            assert.equal((await lookupOvnProvider(undefined, opts)).id, SEED_IDS.ovn);
            assert.equal(
                (await lookupVnicProfile("ovirtmgmt", SEED_IDS.ovirtmgmtCi, opts)).id,
                SEED_IDS.ovirtmgmtCiProfile,
            );
            await assert.rejects(
                lookupVnicProfile("ovirtmgmt", undefined, opts),
                /2 profiles have this name; pass the networkId/,
            );
            await assert.rejects(lookupCluster("nope", opts), /lookup cluster "nope": not found/);
        });
    });
});
