/**
 * The HTTP(S) face of the emulator (fastify): SSO, PKI resources, the REST API v4 under /ovirt-engine/api,
 * fault injection, persistence hooks and the /__admin endpoint.
 */
import { randomBytes, randomUUID } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiRequest, ApiResponse, Router, actionWords, buildRouter, validateParams } from "./api";
import { BLOCKING_EXPECTATION, answerUnsupportedExpect, expectations } from "./expect";
import { FaultInjector, FaultRule, validateRules } from "./faults";
import { LATENCY_PROFILES, LatencyProfile } from "./latency";
import { EngineModel } from "./model/engine";
import { BodyValueError, EngineFault, NotFound, texts } from "./model/errors";
import { isObj } from "./model/input";
import { defaultSeed, loadSeedFile } from "./model/seed";
import type { State, User } from "./model/types";
import { loadState, saveStateAtomic } from "./persistence";
import { Pki, ensurePki } from "./pki";
import { entityElement, isActionResult } from "./representation/elements";
import { JSON_CONTENT_TYPE } from "./representation/json";
import { Format, readBody, render, requestFormat, responseFormat } from "./representation/negotiate";
import { serviceMethod, usageFault } from "./representation/usage";
import { apiRootView, parseFollow } from "./representation/views";

export interface ServerOptions {
    host: string;
    port: number;
    latency: LatencyProfile;
    statePath?: string;
    seedPath?: string;
    insecureHttp: boolean;
    dataDir: string;
    tokenTtlSeconds: number;
    faults: FaultRule[];
    faultSeed: number;
    adminPassword: string;
}

export const API_ROOT = "/ovirt-engine/api";
export const ADMIN_USER = "admin@internal";
export const DEFAULT_ADMIN_PASSWORD = "ovirt-emulator";

export function defaultDataDir(): string {
    const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(cache, "ovirt-ci", "emulator");
}

interface Session {
    user: User;
    exp: number;
}

interface Stats {
    since: number;
    total: number;
    reads: number;
    writes: number;
    ssoLogins: number;
    ssoFailures: number;
    unauthorized: number;
    faultsInjected: number;
    requests: Record<string, number>;
    statuses: Record<string, number>;
}

/** One API request as the admin request log keeps it: receipt time (epoch ms), method, URL path (no query), status. */
export interface LoggedRequest {
    at: number;
    method: string;
    path: string;
    status: number;
}

/** How long an add with `X-Ovirt-Expect: 201-created` waits at most for its entity to leave a lock. */
const SETTLE_TIMEOUT_MS = 600_000;

/** The request log keeps the latest entries only. */
export const REQUEST_LOG_LIMIT = 200_000;

function freshStats(): Stats {
    return {
        since: Date.now(),
        total: 0,
        reads: 0,
        writes: 0,
        ssoLogins: 0,
        ssoFailures: 0,
        unauthorized: 0,
        faultsInjected: 0,
        requests: {},
        statuses: {},
    };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Characters outside [0-9a-zA-Z_-] stripped, cut to 36; generated when absent (docs/engine-api.md §5.11). */
export function sanitizeCorrelationId(v: string | undefined): string {
    const c = (v ?? "").replace(/[^0-9a-zA-Z_-]/g, "").slice(0, 36);
    return c || randomUUID();
}

/** Header of the emulator's calls to itself (the OVN provider's SSO login), with {@link EngineServer.internalCallKey}. */
export const INTERNAL_CALL_HEADER = "x-ovirt-ci-emulator-internal";

export class EngineServer {
    readonly app: FastifyInstance;
    /**
     * Marks the emulator's own calls to itself (the OVN provider logging in at the engine's SSO, on the same host):
     * fault rules model the path between clients and the emulator, so they skip these. Random per process.
     */
    readonly internalCallKey = randomBytes(16).toString("hex");
    readonly model: EngineModel;
    readonly faults: FaultInjector;
    readonly pki: Pki;
    private readonly router: Router;
    private readonly tokens = new Map<string, Session>();
    private readonly sessions = new Map<string, Session>();
    private stats = freshStats();
    private requestLog: LoggedRequest[] = [];
    private readonly seed: () => State;

    constructor(readonly opts: ServerOptions) {
        this.pki = ensurePki(opts.dataDir);
        const seedPath = opts.seedPath;
        this.seed = seedPath ? () => loadSeedFile(seedPath) : () => defaultSeed();
        const initial = (opts.statePath ? loadState(opts.statePath) : undefined) ?? this.seed();
        this.model = new EngineModel(initial, LATENCY_PROFILES[opts.latency], () => this.persist());
        this.model.tick(); // transitions that fell due while the emulator was down settle now
        this.model.arm(); // the rest resume on the clock
        this.persist(true);
        this.router = buildRouter(this.model);
        this.faults = new FaultInjector(opts.faults, opts.faultSeed);
        this.app = Fastify({
            logger: false,
            forceCloseConnections: true,
            bodyLimit: 8 * 1024 * 1024,
            ...(opts.insecureHttp ? {} : { https: { key: this.pki.keyPem, cert: this.pki.certPem } }),
        } as Record<string, unknown>) as unknown as FastifyInstance;
        // an `Expect` other than 100-continue: httpd's 417 page, as the engine's Apache front answers (expect.ts)
        this.app.server.on("checkExpectation", (req, res) =>
            answerUnsupportedExpect(req, res, (m) => this.count(m, "(expectation failed)", 417)),
        );
        this.routes();
    }

    /** Saves the state when it changed (or always with `force`); the OVN provider emulator calls it after its requests. */
    persist(force = false): void {
        const dirty = this.model.takeDirty();
        if (!this.opts.statePath || (!dirty && !force)) return;
        try {
            saveStateAtomic(this.opts.statePath, this.model.state);
        } catch (e) {
            process.stderr.write(
                `engine emulator: cannot save state to ${this.opts.statePath}: ${(e as Error).message}\n`,
            );
        }
    }

    reset(): void {
        this.model.replaceState(this.seed());
        this.stats = freshStats();
        this.requestLog = [];
        this.faults.set(this.faults.list(), this.faults.seed);
        this.persist(true);
    }

    /** The user of a valid bearer token, or undefined (the OVN provider emulator checks its tokens here: docs/ovn.md). */
    tokenUser(token: string): User | undefined {
        const s = this.tokens.get(token);
        return s && s.exp > Date.now() ? s.user : undefined;
    }

    expireTokens(): number {
        const n = this.tokens.size + this.sessions.size;
        this.tokens.clear();
        this.sessions.clear();
        return n;
    }

    private count(method: string, template: string, status?: number): void {
        const key = `${method} ${template}`;
        this.stats.requests[key] = (this.stats.requests[key] ?? 0) + 1;
        this.stats.total++;
        if (method === "GET" || method === "HEAD") this.stats.reads++;
        else this.stats.writes++;
        if (status !== undefined) this.stats.statuses[status] = (this.stats.statuses[status] ?? 0) + 1;
    }

    private origin(req: FastifyRequest): string {
        return `${this.opts.insecureHttp ? "http" : "https"}://${req.headers.host ?? `${this.opts.host}:${this.opts.port}`}`;
    }

    // ------------------------------------------------------------------ routes

    private routes(): void {
        const app = this.app;
        app.removeAllContentTypeParsers();
        app.addContentTypeParser("*", { parseAs: "string" }, (_req, b, done) => done(null, b));

        app.setNotFoundHandler((req, reply) => {
            this.count(req.method, "(unmatched)", 404);
            void reply.code(404).send();
        });
        app.setErrorHandler((err, _req, reply) => {
            const status = (err as { statusCode?: number }).statusCode ?? 500;
            void reply
                .code(status >= 400 ? status : 500)
                .type(JSON_CONTENT_TYPE)
                .send(
                    JSON.stringify({
                        reason: status === 500 ? "Operation Failed" : "Bad Request",
                        detail: (err as Error).message,
                    }),
                );
        });

        // correlation id + fault injection for everything the engine serves
        app.addHook("onRequest", async (req, reply) => {
            if (!req.url.startsWith("/ovirt-engine") || req.headers[INTERNAL_CALL_HEADER] === this.internalCallKey)
                return;
            const q = new URL(req.url, "http://x").searchParams;
            const header = req.headers["correlation-id"];
            const cid = sanitizeCorrelationId(
                (Array.isArray(header) ? header[0] : header) ?? q.get("correlation_id") ?? undefined,
            );
            (req as FastifyRequest & { cid?: string }).cid = cid;
            void reply.header("Correlation-Id", cid);
            const p = req.url.split("?")[0];
            const rule = this.faults.decide(req.method, p);
            if (!rule) return;
            this.stats.faultsInjected++;
            switch (rule.kind) {
                case "slow":
                    await sleep(rule.delayMs ?? 1000);
                    return;
                case "reset":
                    this.count(req.method, "(fault:reset)");
                    reply.hijack();
                    req.raw.socket.destroy();
                    return;
                case "503":
                    this.count(req.method, "(fault:503)", 503);
                    return reply
                        .code(503)
                        .type("text/html; charset=iso-8859-1")
                        .send(
                            "<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>",
                        );
                case "lock409": {
                    const segs = p.slice(API_ROOT.length).split("/").filter(Boolean);
                    if (segs[0] && /^v\d+$/.test(segs[0])) segs.shift();
                    const m = this.router.match(req.method, segs);
                    const w = actionWords(req.method, m.template ?? p);
                    this.count(req.method, "(fault:lock409)", 409);
                    const doc = render(responseFormat(req.headers.accept) ?? "json", "fault", {
                        detail: `[${texts.locked(w.action, w.type)}]`,
                        reason: "Operation Failed",
                    });
                    return reply.code(409).type(doc.contentType).send(doc.text);
                }
                case "expireToken": {
                    const auth = String(req.headers.authorization ?? "");
                    if (auth.toLowerCase().startsWith("bearer ")) this.tokens.delete(auth.slice(7).trim());
                    else this.expireTokens();
                    return;
                }
            }
        });

        app.get("/ovirt-engine/services/pki-resource", async (req, reply) => this.pkiResource(req, reply));
        app.post("/ovirt-engine/sso/oauth/token", async (req, reply) => this.ssoToken(req, reply));
        app.get("/ovirt-engine/sso/oauth/token", async (req, reply) => this.ssoToken(req, reply));
        app.post("/ovirt-engine/services/sso-logout", async (req, reply) => {
            const p = this.formParams(req);
            const token = p.get("token") ?? "";
            this.count("POST", "/ovirt-engine/services/sso-logout", 200);
            this.tokens.delete(token);
            return reply.code(200).type(JSON_CONTENT_TYPE).send("{}");
        });

        const api = async (req: FastifyRequest, reply: FastifyReply) => this.api(req, reply);
        app.all(API_ROOT, api);
        app.all(`${API_ROOT}/*`, api);

        this.adminRoutes();
    }

    private formParams(req: FastifyRequest): URLSearchParams {
        const p = new URLSearchParams(req.url.includes("?") ? req.url.slice(req.url.indexOf("?") + 1) : "");
        if (typeof req.body === "string" && req.body.length) {
            for (const [k, v] of new URLSearchParams(req.body)) p.set(k, v);
        }
        return p;
    }

    private pkiResource(req: FastifyRequest, reply: FastifyReply) {
        const q = new URL(req.url, "http://x").searchParams;
        const resource = q.get("resource");
        const format = q.get("format") ?? "X509-PEM-CA";
        this.count("GET", "/ovirt-engine/services/pki-resource");
        const resources = ["ca-certificate", "qemu-ca-certificate", "engine-certificate"];
        const formats = ["X509-PEM", "X509-PEM-CA", "OPENSSH-PUBKEY"];
        if (!resource || !resources.includes(resource) || !formats.includes(format)) {
            return reply
                .code(400)
                .type("text/plain")
                .send(
                    `Invalid resource '${resource ?? ""}' or format '${format}'. ` +
                        `Valid resources: ${resources.join(", ")}; valid formats: ${formats.join(", ")}.`,
                );
        }
        if (format === "OPENSSH-PUBKEY") {
            return reply
                .type("text/plain")
                .send(`${resource === "engine-certificate" ? this.pki.engineSshPub : this.pki.caSshPub}\n`);
        }
        const pem = resource === "engine-certificate" ? this.pki.certPem : this.pki.caPem;
        return reply
            .type(format === "X509-PEM-CA" ? "application/x-x509-ca-cert" : "application/x-x509-cert")
            .send(pem);
    }

    private userByName(name: string): User | undefined {
        const n = name.toLowerCase().replace(/@internal-authz$/, "@internal");
        return this.model.state.users.find((u) => u.userName.toLowerCase() === n);
    }

    private checkPassword(u: User, pw: string): boolean {
        return u.userName === ADMIN_USER ? pw === this.opts.adminPassword : pw === u.password;
    }

    private ssoToken(req: FastifyRequest, reply: FastifyReply) {
        const p = this.formParams(req);
        const scope = p.get("scope") ?? "";
        const appScope = scope.split(/\s+/).includes("ovirt-app-api");
        const fail = (code: string, message: string) => {
            this.stats.ssoFailures++;
            this.count(req.method, "/ovirt-engine/sso/oauth/token", 400);
            return reply
                .code(400)
                .type(JSON_CONTENT_TYPE)
                .send(
                    JSON.stringify(
                        appScope ? { error_code: code, error: message } : { error: code, error_description: message },
                    ),
                );
        };
        if (!scope) return fail("invalid_request", "The request is missing a required parameter: scope.");
        if (!appScope)
            return fail("invalid_scope", `The requested scope '${scope}' is invalid. Scope ovirt-app-api is required.`);
        const grant = p.get("grant_type");
        if (!grant) return fail("invalid_request", "The request is missing a required parameter: grant_type.");
        if (grant !== "password")
            return fail(
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            );
        const username = p.get("username");
        const password = p.get("password");
        if (!username || password === null)
            return fail("invalid_request", "The request is missing a required parameter: username, password.");
        const u = this.userByName(username);
        if (!u || !this.checkPassword(u, password)) {
            return fail(
                "access_denied",
                `Cannot authenticate user '${username}': The username or password is incorrect..`,
            );
        }
        if (u.disabled) {
            return fail(
                "access_denied",
                `Cannot authenticate user '${username}': The user account is disabled or locked, please contact your system administrator.`,
            );
        }
        const token = randomBytes(48).toString("base64url");
        const exp = Date.now() + this.opts.tokenTtlSeconds * 1000;
        this.tokens.set(token, { user: u, exp });
        this.stats.ssoLogins++;
        this.count(req.method, "/ovirt-engine/sso/oauth/token", 200);
        return reply
            .code(200)
            .type(JSON_CONTENT_TYPE)
            .send(
                JSON.stringify({ access_token: token, scope: "ovirt-app-api", exp: String(exp), token_type: "bearer" }),
            );
    }

    private authenticate(req: FastifyRequest, reply: FastifyReply): User | undefined {
        const auth = String(req.headers.authorization ?? "");
        const now = Date.now();
        const persistent = String(req.headers.prefer ?? "")
            .toLowerCase()
            .includes("persistent-auth");
        if (/^bearer /i.test(auth)) {
            const t = auth.slice(7).trim();
            const s = this.tokens.get(t);
            if (!s) return undefined;
            if (s.exp <= now) {
                this.tokens.delete(t);
                return undefined;
            }
            return s.user;
        }
        if (/^basic /i.test(auth)) {
            const dec = Buffer.from(auth.slice(6).trim(), "base64").toString("utf8");
            const i = dec.lastIndexOf(":");
            if (i < 0) return undefined;
            const u = this.userByName(dec.slice(0, i));
            if (!u || u.disabled || !this.checkPassword(u, dec.slice(i + 1))) return undefined;
            if (persistent) {
                const sid = randomBytes(24).toString("hex");
                this.sessions.set(sid, { user: u, exp: now + this.opts.tokenTtlSeconds * 1000 });
                void reply.header("Set-Cookie", `JSESSIONID=${sid}; Path=${API_ROOT}; Secure; HttpOnly`);
            }
            return u;
        }
        const cookie = /(?:^|;\s*)JSESSIONID=([^;]+)/.exec(String(req.headers.cookie ?? ""));
        if (cookie) {
            const s = this.sessions.get(cookie[1]);
            if (!s || s.exp <= now) return undefined;
            if (!persistent) this.sessions.delete(cookie[1]); // a request without Prefer: persistent-auth ends the session
            return s.user;
        }
        return undefined;
    }

    private async api(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
        const receivedAt = Date.now();
        const url = new URL(req.url, "http://x");
        let segs = url.pathname
            .slice(API_ROOT.length)
            .split("/")
            .filter(Boolean)
            .map((s) => decodeURIComponent(s));
        let base = API_ROOT;
        const method = req.method.toUpperCase();
        // version: URL prefix, else the Version header, else the default (4); anything else is a bare 400
        if (segs[0] && /^v\d+$/i.test(segs[0])) {
            if (segs[0].toLowerCase() !== "v4") {
                this.count(method, "(bad version)", 400);
                return reply.code(400).send();
            }
            segs = segs.slice(1);
            base = `${API_ROOT}/v4`;
        } else if (
            req.headers.version !== undefined &&
            !["4", "v4"].includes(String(req.headers.version).trim().toLowerCase())
        ) {
            this.count(method, "(bad version)", 400);
            return reply.code(400).send();
        }
        const match = this.router.match(method, segs);
        const template = segs.length === 0 ? "" : (match.template ?? "(unmatched)").replace(/:(\w+)/g, "{$1}");
        const statKey = `${API_ROOT}${template}`;
        const user = this.authenticate(req, reply);
        if (!user) {
            this.stats.unauthorized++;
            this.count(method, statKey, 401);
            return reply.code(401).header("WWW-Authenticate", 'Bearer realm="RESTAPI"').send();
        }
        const format: Format | undefined = responseFormat(req.headers.accept);
        if (!format) {
            this.count(method, statKey, 406);
            return reply.code(406).send();
        }
        const send = (r: ApiResponse, root?: string) => {
            this.count(method, statKey, r.status);
            this.requestLog.push({ at: receivedAt, method, path: url.pathname, status: r.status });
            if (this.requestLog.length > REQUEST_LOG_LIMIT)
                this.requestLog.splice(0, this.requestLog.length - REQUEST_LOG_LIMIT);
            if (r.headers) for (const [k, v] of Object.entries(r.headers)) void reply.header(k, v);
            if (r.body === undefined) return reply.code(r.status).send();
            const name =
                root ??
                (segs.length === 0 ? "api" : isActionResult(r.body) ? "action" : entityElement(match.template ?? ""));
            const doc = render(format, name, r.body);
            return reply.code(r.status).type(doc.contentType).send(doc.text);
        };
        const fault = (f: EngineFault) =>
            send(
                {
                    status: f.status,
                    body: f.detail !== undefined ? { detail: f.detail, reason: f.reason } : { reason: f.reason },
                },
                "fault",
            );
        let bodyFormat: Format | undefined;
        try {
            this.model.tick();
            const view = { base, model: this.model, follow: parseFollow(url.searchParams.get("follow") ?? undefined) };
            if (segs.length === 0) {
                if (method !== "GET" && method !== "HEAD") return send({ status: 405 });
                return send({ status: 200, body: apiRootView(view, user) });
            }
            if (!match.route) {
                if (match.methodMismatch) return send({ status: 405 });
                return send({ status: 404 });
            }
            validateParams(match.params);
            let body: unknown;
            const usage = () => usageFault(this.origin(req), match.template ?? "", method);
            if ((method === "POST" || method === "PUT") && typeof req.body === "string" && req.body.trim() !== "") {
                bodyFormat = requestFormat(req.headers["content-type"], req.body);
                if (!bodyFormat) {
                    this.count(method, statKey, 415);
                    return reply.code(415).send(); // no provider @Consumes this media type (JAX-RS)
                }
                let doc: { root?: string; body: unknown };
                try {
                    doc = readBody(bodyFormat, req.body);
                } catch {
                    // XML: JAXBProvider → IOException → IOExceptionMapper; JSON: Jackson's JsonParseException →
                    // JsonExceptionMapper. Both answer UsageFinder's fault (representation/usage.ts).
                    return fault(usage());
                }
                const sm = serviceMethod(match.template ?? "", method);
                if (
                    doc.root !== undefined &&
                    doc.root !== (sm.action ? "action" : entityElement(match.template ?? ""))
                ) {
                    // JAXB reports an element it cannot bind as an ERROR event, which JAXBValidationEventHandler does
                    // not tolerate: the unmarshaller fails and IOExceptionMapper answers the usage fault. (A root
                    // of another api type binds, and RESTEasy's argument mismatch answers instead: not modelled.)
                    return fault(usage());
                }
                if (bodyFormat === "json" && !isObj(doc.body)) return fault(usage()); // Jackson: MismatchedInputException
                body = doc.body;
            }
            const cid = (req as FastifyRequest & { cid?: string }).cid ?? sanitizeCorrelationId(undefined);
            const areq: ApiRequest = {
                method,
                params: match.params,
                query: url.searchParams,
                body,
                headers: req.headers,
                ctx: { correlationId: cid },
                view,
                origin: this.origin(req),
            };
            let res = await match.route.handler(areq);
            if (res.status === 201 && expectations(req.headers).has(BLOCKING_EXPECTATION))
                res = await this.settled(res, areq);
            return send(res);
        } catch (e) {
            if (e instanceof NotFound) return send({ status: 404 });
            if (e instanceof EngineFault) return fault(e);
            if (e instanceof BodyValueError) {
                // the engine converts values while it reads the body (BodyValueError): XML keeps the parser's text
                return fault(
                    bodyFormat === "xml" && e.invalidValue !== undefined
                        ? new EngineFault(400, "Invalid value", e.invalidValue)
                        : usageFault(this.origin(req), match.template ?? "", method),
                );
            }
            return fault(new EngineFault(500, "Operation Failed", `[Internal Engine Error: ${(e as Error).message}]`));
        } finally {
            this.persist();
        }
    }

    /**
     * `X-Ovirt-Expect: 201-created` on an add: the engine waits for the command's asynchronous tasks and answers with
     * the entity as it is then (AbstractBackendCollectionResource.fetchCreatedEntity). Here those tasks are the
     * lock transitions (`image_locked`, `locked`); the entity is read again through its own GET route.
     */
    private async settled(res: ApiResponse, areq: ApiRequest): Promise<ApiResponse> {
        const href = String((res.body as { href?: unknown } | undefined)?.href ?? "");
        const segs = href.slice(areq.view.base.length).split("/").filter(Boolean);
        const get = this.router.match("GET", segs);
        if (!get.route) return res;
        const locked = (r: ApiResponse) =>
            ["image_locked", "locked"].includes(String((r.body as { status?: unknown } | undefined)?.status));
        const deadline = Date.now() + SETTLE_TIMEOUT_MS;
        let current = res;
        while (locked(current) && Date.now() < deadline) {
            await sleep(10);
            this.model.tick();
            const again = await get.route.handler({ ...areq, method: "GET", params: get.params, body: undefined });
            if (again.status !== 200) return res;
            current = { ...res, body: again.body };
        }
        return current;
    }

    // ------------------------------------------------------------------ admin

    private adminRoutes(): void {
        const app = this.app;
        const json = (reply: FastifyReply, code: number, v: unknown) =>
            reply
                .code(code)
                .type(JSON_CONTENT_TYPE)
                .send(JSON.stringify(v, null, 2));
        const parse = (req: FastifyRequest): Record<string, unknown> => {
            if (typeof req.body !== "string" || !req.body.trim()) return {};
            const v = JSON.parse(req.body) as unknown;
            if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("body must be a JSON object");
            return v as Record<string, unknown>;
        };
        const guard =
            (fn: (req: FastifyRequest, reply: FastifyReply) => unknown) =>
            async (req: FastifyRequest, reply: FastifyReply) => {
                try {
                    return await fn(req, reply);
                } catch (e) {
                    if (e instanceof NotFound) return json(reply, 404, { error: e.message });
                    return json(reply, 400, { error: (e as Error).message });
                }
            };
        app.get(
            "/__admin",
            guard((_q, reply) =>
                json(reply, 200, {
                    endpoints: [
                        "GET /__admin/stats",
                        "GET /__admin/inventory",
                        "GET /__admin/history?id=<entity id>[@<dc id>]",
                        "POST /__admin/reset",
                        "GET|POST|DELETE /__admin/faults",
                        "POST /__admin/expire-tokens",
                        "POST /__admin/mutate",
                        "GET /__admin/latency",
                        "GET /__admin/requests[?since=<epoch ms>][&path=<regex>]",
                    ],
                }),
            ),
        );
        app.get(
            "/__admin/requests",
            guard((req, reply) => {
                const q = new URL(req.url, "http://x").searchParams;
                const since = Number(q.get("since") ?? 0);
                const re = q.get("path") ? new RegExp(q.get("path")!) : undefined;
                return json(
                    reply,
                    200,
                    this.requestLog.filter((r) => r.at >= since && (!re || re.test(r.path))),
                );
            }),
        );
        app.get(
            "/__admin/stats",
            guard((_q, reply) =>
                json(reply, 200, { ...this.stats, tokens: this.tokens.size, faultHits: this.faults.hits.length }),
            ),
        );
        app.get(
            "/__admin/inventory",
            guard((_q, reply) => {
                this.model.tick();
                return json(reply, 200, this.model.state);
            }),
        );
        app.get(
            "/__admin/history",
            guard((req, reply) => {
                this.model.tick();
                const id = new URL(req.url, "http://x").searchParams.get("id") ?? "";
                return json(reply, 200, this.model.state.history[id] ?? []);
            }),
        );
        app.get(
            "/__admin/latency",
            guard((_q, reply) =>
                json(reply, 200, { profile: this.opts.latency, table: LATENCY_PROFILES[this.opts.latency] }),
            ),
        );
        app.post(
            "/__admin/reset",
            guard((_q, reply) => {
                this.reset();
                return json(reply, 200, { status: "reset" });
            }),
        );
        app.post(
            "/__admin/expire-tokens",
            guard((_q, reply) => json(reply, 200, { expired: this.expireTokens() })),
        );
        app.get(
            "/__admin/faults",
            guard((_q, reply) =>
                json(reply, 200, { seed: this.faults.seed, rules: this.faults.list(), hits: this.faults.hits }),
            ),
        );
        app.post(
            "/__admin/faults",
            guard((req, reply) => {
                const b = parse(req);
                const rules = validateRules(b.rules ?? [], "rules");
                const seed = b.seed === undefined ? this.faults.seed : Number(b.seed);
                if (!Number.isInteger(seed)) throw new Error(`seed: got ${JSON.stringify(b.seed)}, use an integer`);
                this.faults.set(rules, seed);
                return json(reply, 200, { seed, rules: this.faults.list() });
            }),
        );
        app.delete(
            "/__admin/faults",
            guard((_q, reply) => {
                this.faults.set([], this.faults.seed);
                return json(reply, 200, { rules: [] });
            }),
        );
        app.post(
            "/__admin/mutate",
            guard((req, reply) => {
                const b = parse(req);
                const kind = String(b.kind ?? "") as keyof State;
                const set = b.set && typeof b.set === "object" ? (b.set as Record<string, unknown>) : undefined;
                const e = this.model.mutate(
                    kind,
                    b.id as string | undefined,
                    b.name as string | undefined,
                    set,
                    b.delete === true,
                );
                this.persist();
                return json(reply, 200, e);
            }),
        );
    }

    async listen(): Promise<string> {
        await this.app.listen({ host: this.opts.host, port: this.opts.port });
        const addr = this.app.server.address();
        const port = typeof addr === "object" && addr ? addr.port : this.opts.port;
        this.opts.port = port;
        return `${this.opts.insecureHttp ? "http" : "https"}://${this.opts.host}:${port}`;
    }

    async close(): Promise<void> {
        this.model.stopClock();
        this.persist();
        await this.app.close();
    }
}
