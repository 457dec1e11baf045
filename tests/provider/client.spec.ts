// The API client against a small scripted HTTP server: login caching, 401 renewal, retries, fault mapping.
// (The lifecycle specs run the same paths against the engine emulator; this spec pins the edge cases exactly.)
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import {
    DEFAULT_RETRY,
    Endpoint,
    OvirtApiError,
    createOrAdopt,
    loginCount,
    openSession,
    resetProcessCache,
    resolveEndpoint,
    waitFor,
} from "../../providers/ovirt/client";

const PASSWORD = "client-spec-Pa55word";

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

describe("oVirt API client", () => {
    let server: http.Server;
    let url: string;
    let handler: Handler;
    const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
    let tokenSeq = 0;
    let validToken = "";

    function ep(over: Partial<Endpoint> = {}): Endpoint {
        return {
            apiUrl: `${url}/ovirt-engine/api`,
            username: "admin@internal",
            password: PASSWORD,
            insecure: false,
            retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
            requestTimeoutMs: 5000,
            ...over,
        };
    }

    function json(res: http.ServerResponse, status: number, body: unknown): void {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(body === undefined ? "" : JSON.stringify(body));
    }

    before(async () => {
        server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c) => (body += c));
            req.on("end", () => {
                seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
                if (req.url === "/ovirt-engine/sso/oauth/token") {
                    const form = new URLSearchParams(body);
                    if (form.get("password") !== PASSWORD || form.get("scope") !== "ovirt-app-api") {
                        return json(res, 400, {
                            error_code: "access_denied",
                            error: "Cannot authenticate user 'admin@internal': The username or password is incorrect.",
                        });
                    }
                    validToken = `tok-${++tokenSeq}`;
                    return json(res, 200, {
                        access_token: validToken,
                        token_type: "bearer",
                        scope: "",
                        exp: String(Date.now() + 3600_000),
                    });
                }
                if (req.headers.authorization !== `Bearer ${validToken}`) return json(res, 401, undefined);
                handler(req, body, res);
            });
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));
    beforeEach(() => {
        resetProcessCache();
        seen.length = 0;
        handler = (_q, _b, res) => json(res, 200, {});
    });

    it("logs in once per process and sends Version, JSON and one Correlation-Id per operation", async () => {
        handler = (_q, _b, res) => json(res, 200, { vm: [{ id: "1", name: "a" }] });
        const s1 = await openSession(ep(), "read Vm a");
        await s1.get("/vms");
        await s1.get("/vms");
        const s2 = await openSession(ep(), "read Vm b");
        await s2.get("/vms");
        assert.equal(loginCount(), 1);
        const api = seen.filter((r) => r.url.startsWith("/ovirt-engine/api"));
        assert.equal(api.length, 3);
        for (const r of api) {
            assert.equal(r.headers.version, "4");
            assert.equal(r.headers.accept, "application/json");
        }
        assert.equal(api[0].headers["correlation-id"], api[1].headers["correlation-id"]);
        assert.notEqual(api[0].headers["correlation-id"], api[2].headers["correlation-id"]);
        assert.match(String(api[0].headers["correlation-id"]), /^[0-9a-zA-Z_-]{1,36}$/);
        const login = seen.find((r) => r.url.startsWith("/ovirt-engine/sso"))!;
        assert.equal(login.headers["content-type"], "application/x-www-form-urlencoded");
        assert.equal(new URLSearchParams(login.body).get("grant_type"), "password");
    });

    it("renews the token once on a 401 and succeeds", async () => {
        const s = await openSession(ep(), "read Vm a");
        await s.get("/vms");
        validToken = "rotated-by-server"; // the server forgot our token
        await s.get("/vms");
        assert.equal(loginCount(), 2);
    });

    it("retries 503, 409 lock and connection resets, then succeeds", async () => {
        let n = 0;
        handler = (req, _b, res) => {
            n++;
            if (n === 1) return json(res, 503, undefined);
            if (n === 2)
                return json(res, 409, {
                    reason: "Operation Failed",
                    detail: "[Cannot stop VM. Related operation is currently in progress. Please try again later.]",
                });
            if (n === 3) return void req.socket.destroy();
            json(res, 200, { status: "complete" });
        };
        const s = await openSession(ep(), "stop Vm a");
        const r = await s.action("/vms/1/stop", {});
        assert.equal(r.status, "complete");
        assert.equal(n, 4);
    });

    it("gives up after the bounded number of attempts", async () => {
        let n = 0;
        handler = (_q, _b, res) => {
            n++;
            json(res, 503, undefined);
        };
        const s = await openSession(ep(), "read Vm a");
        await assert.rejects(s.get("/vms/1"), (e: OvirtApiError) => e.httpStatus === 503);
        assert.equal(n, 4);
    });

    it("never retries an add blindly; createOrAdopt looks the object up before posting again", async () => {
        let posts = 0;
        let created = false;
        handler = (req, _b, res) => {
            if (req.method === "POST") {
                posts++;
                created = true; // the engine made it, but the answer is lost
                return void req.socket.destroy();
            }
            json(res, 200, created ? { vm: [{ id: "42", name: "a" }] } : {});
        };
        const s = await openSession(ep(), "create Vm a");
        await assert.rejects(s.add("/vms", { name: "a" }), (e: OvirtApiError) => e.code !== undefined);
        assert.equal(posts, 1);
        created = false;
        posts = 0;
        const { obj, adopted } = await createOrAdopt(
            s,
            "Vm a",
            async () => (await s.get<{ vm?: Array<{ id: string }> }>("/vms")).vm?.[0],
            () => s.add("/vms", { name: "a" }),
        );
        assert.equal(posts, 1);
        assert.equal(obj.id, "42");
        assert.equal(adopted, false, "made by this create");
    });

    it("maps bare faults and action-wrapped faults; errors name the operation and never hold secrets", async () => {
        handler = (req, _b, res) => {
            if (req.method === "DELETE")
                return json(res, 409, { reason: "Operation Failed", detail: "[Cannot remove VM. VM is running.]" });
            json(res, 409, {
                status: "failed",
                fault: {
                    reason: "Operation Failed",
                    detail: "[Cannot start VM. Operation can be performed only when Host status is Up.]",
                },
            });
        };
        const s = await openSession(ep(), "delete Vm worker-0");
        await assert.rejects(s.remove("/vms/1"), (e: OvirtApiError) => {
            assert.equal(e.name, "OvirtApiError");
            assert.equal(
                e.message,
                "delete Vm worker-0: DELETE /vms/1 failed: HTTP 409: Operation Failed: [Cannot remove VM. VM is running.]",
            );
            assert.ok(!JSON.stringify(e).includes(validToken) && !e.message.includes(validToken));
            assert.ok(!JSON.stringify(e).includes(PASSWORD));
            return true;
        });
        await assert.rejects(s.action("/vms/1/start", {}), (e: OvirtApiError) => {
            assert.equal(e.detail, "[Cannot start VM. Operation can be performed only when Host status is Up.]");
            assert.equal(e.httpStatus, 409);
            return true;
        });
    });

    it("404 is undefined for find and false for remove", async () => {
        handler = (_q, _b, res) => {
            res.writeHead(404);
            res.end();
        };
        const s = await openSession(ep(), "delete Tag x");
        assert.equal(await s.find("/tags/1"), undefined);
        assert.equal(await s.remove("/tags/1"), false);
    });

    it("a 404 for a parameter of a DELETE (an unknown host) is an error while the object still reads", async () => {
        handler = (req, _b, res) => {
            if (req.method === "DELETE")
                return json(res, 404, { reason: "Operation Failed", detail: "Entity not found: nope" });
            json(res, 200, { id: "7", name: "ovirt-upgrade-1" });
        };
        const s = await openSession(ep(), "delete StorageDomain ovirt-upgrade-1");
        await assert.rejects(
            s.remove("/storagedomains/7", { params: { host: "nope" } }),
            (e: OvirtApiError) => e.httpStatus === 404 && /Entity not found: nope/.test(e.message),
        );
        handler = (_q, _b, res) => {
            res.writeHead(404);
            res.end();
        };
        assert.equal(
            await s.remove("/storagedomains/7", { params: { host: "nope" } }),
            false,
            "gone for the GET too: already removed",
        );
    });

    it("surfaces SSO errors without the password", async () => {
        const s = await openSession(ep({ password: "wrong-" + PASSWORD }), "read Vm a");
        await assert.rejects(s.get("/vms"), (e: OvirtApiError) => {
            assert.match(e.message, /login as admin@internal.*HTTP 400: access_denied: Cannot authenticate user/);
            assert.ok(!e.message.includes(PASSWORD));
            return true;
        });
    });

    it("waitFor notices a transition within about 8 % of its duration", async () => {
        const start = Date.now();
        await waitFor(
            "x",
            async () => Date.now() - start,
            (t) => t >= 1000,
            { timeoutMs: 5000 },
        );
        const overshoot = Date.now() - start - 1000;
        assert.ok(overshoot <= 80 + 25, `overshoot ${overshoot} ms`);
        await assert.rejects(
            waitFor(
                "Vm a: waiting for up",
                async () => "down",
                (t) => t === "up",
                { timeoutMs: 150, describe: (t) => t },
            ),
            /Vm a: waiting for up: timed out after 0 s \(last seen: down\)/,
        );
    });

    it("resolves the endpoint from config first, then the environment, and validates it", () => {
        const saved = { ...process.env };
        try {
            process.env.OVIRT_ENGINE_URL = "https://env.example/ovirt-engine/api";
            process.env.OVIRT_ENGINE_PASSWORD = "envpw";
            delete process.env.OVIRT_ENGINE_USERNAME;
            const cfg = {
                get: (k: string) =>
                    (
                        ({
                            "ovirt-ci:engineUrl": "https://cfg.example/ovirt-engine/api/",
                            "ovirt-ci:engineInsecure": "true",
                        }) as Record<string, string>
                    )[k],
            };
            const e = resolveEndpoint(cfg);
            assert.equal(e.apiUrl, "https://cfg.example/ovirt-engine/api");
            assert.equal(e.password, "envpw");
            assert.equal(e.username, "admin@internal");
            assert.equal(e.insecure, true);
            assert.deepEqual(e.retry, DEFAULT_RETRY);
            const thrower = {
                get: () => {
                    throw new Error("no config");
                },
            };
            assert.equal(resolveEndpoint(thrower).apiUrl, "https://env.example/ovirt-engine/api");
            process.env.OVIRT_ENGINE_URL = "https://env.example/";
            assert.throws(() => resolveEndpoint(), /must be the API root ending in \/ovirt-engine\/api/);
            delete process.env.OVIRT_ENGINE_URL;
            delete process.env.OVIRT_ENGINE_PASSWORD;
            assert.throws(() => resolveEndpoint(), /missing ovirt-ci:engineUrl .*ovirt-ci:enginePassword/);
        } finally {
            process.env = saved;
        }
    });
});
