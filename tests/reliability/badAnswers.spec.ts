// Reliability 3b: bad answers from the engine, at the provider level against a scripted HTTP server (what
// tests/provider/client.spec.ts does not cover): malformed JSON, an HTML 500 page, an unexpected redirect, a fault
// body on a 200 action, an endpoint that never answers (timeout, retried, then a clear error), and the provider's
// retry counter and log line. Every case ends in a clear OvirtApiError naming the operation: no crash, no hang.
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { Endpoint, OvirtApiError, openSession, resetProcessCache, retryCount } from "../../providers/ovirt/client";
import { lookupDataCenter } from "../../providers/ovirt/lookup";

describe("reliability: bad answers from the engine give clear errors, not crashes or hangs", function () {
    this.timeout(30_000);
    let server: http.Server;
    let url: string;
    let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
    const ep = (over: Partial<Endpoint> = {}): Endpoint => ({
        apiUrl: `${url}/ovirt-engine/api`,
        username: "admin@internal",
        password: "bad-answers-pw",
        insecure: false,
        retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
        requestTimeoutMs: 300,
        ...over,
    });

    before(async () => {
        server = http.createServer((req, res) => {
            req.resume();
            req.on("end", () => {
                if (req.url === "/ovirt-engine/sso/oauth/token") {
                    res.writeHead(200, { "Content-Type": "application/json" });
                    res.end(JSON.stringify({ access_token: "tok", exp: String(Date.now() + 3600_000) }));
                    return;
                }
                handler(req, res);
            });
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(
        () =>
            new Promise<void>((r) => {
                server.closeAllConnections();
                server.close(() => r());
            }),
    );
    beforeEach(() => resetProcessCache());

    const send =
        (status: number, type: string, body: string) =>
        (_q: http.IncomingMessage, res: http.ServerResponse): void => {
            res.writeHead(status, { "Content-Type": type });
            res.end(body);
        };

    it("malformed JSON on a 200 is an error naming the operation, not a silent empty answer", async () => {
        handler = send(200, "application/json", '{"data_center": [{"name": "OCP-45", ');
        await assert.rejects(
            lookupDataCenter("OCP-45", { endpoint: ep() }),
            (e: Error) => /malformed|not valid JSON|JSON/i.test(e.message) && /datacenters/.test(e.message),
        );
    });

    it("text that does not claim to be JSON (the PKI resource's PEM) passes through untouched", async () => {
        const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        handler = send(200, "application/x-pem-file", pem);
        const s = await openSession(ep(), "adopt caCertificate engine");
        assert.equal(await s.get("/services/pki-resource"), pem);
    });

    it("an HTML 500 page gives HTTP 500 with the operation and path, and is not retried", async () => {
        let n = 0;
        handler = (q, r) => {
            n++;
            send(500, "text/html", "<html><body>Internal Server Error</body></html>")(q, r);
        };
        const s = await openSession(ep(), "read Vm a");
        await assert.rejects(
            s.get("/vms/1"),
            (e: OvirtApiError) => e.httpStatus === 500 && /read Vm a: GET \/vms\/1 failed: HTTP 500/.test(e.message),
        );
        assert.equal(n, 1);
    });

    it("an unexpected redirect is an error (never followed with the token)", async () => {
        handler = (_q, res) => {
            res.writeHead(302, { Location: "http://203.0.113.1/steal" });
            res.end();
        };
        const s = await openSession(ep(), "read Vm a");
        await assert.rejects(s.get("/vms/1"), (e: OvirtApiError) => e.httpStatus === 302);
    });

    it("a 200 action whose body is a failed fault is an error with the engine's reason and detail", async () => {
        handler = send(
            200,
            "application/json",
            JSON.stringify({
                status: "failed",
                fault: { reason: "Operation Failed", detail: "[Cannot start VM. No host.]" },
            }),
        );
        const s = await openSession(ep(), "start Vm a");
        await assert.rejects(s.action("/vms/1/start"), (e: OvirtApiError) =>
            /Operation Failed: \[Cannot start VM\. No host\.\]/.test(e.message),
        );
    });

    it("an engine that never answers: each attempt times out, is retried and logged, then a clear timeout error", async () => {
        handler = (): void => undefined; // hang
        const r0 = retryCount();
        const s = await openSession(ep(), "read Vm a");
        const t0 = Date.now();
        await assert.rejects(
            s.get("/vms/1"),
            (e: OvirtApiError) =>
                e.code === "ECONNABORTED" && /read Vm a: GET \/vms\/1 failed: ECONNABORTED/.test(e.message),
        );
        assert.ok(Date.now() - t0 < 5000, "bounded");
        assert.equal(retryCount() - r0, 2, "3 attempts = 2 retries counted");
    });
});
