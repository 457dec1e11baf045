/**
 * The OVN provider's HTTP(S) face, next to the engine as ovirt-provider-ovn serves it (docs/ovn.md): an Identity
 * v2.0 endpoint (`POST /v2.0/tokens`, the provider's keystone port, 35357 on a real engine) and a Networking v2.0 API
 * (networks and ports: list with filters, show, update; the neutron port, 9696), each on its own port with the
 * engine's CA and certificate.
 *
 * Tokens are the engine's own SSO tokens, as with the real provider (auth/plugins/ovirt/sso.py): the token endpoint
 * logs in at the engine's SSO endpoint with the user and password it is given, and every Networking call checks its
 * `X-Auth-Token` with the engine (unknown or expired: 401; not the provider's admin user: 403). The login is the
 * emulator calling itself, which fault rules skip (they model the clients' path; rules on `^/v2.0/...` cover the
 * OVN side). Fault rules, the
 * latency profile (`ovnRequest`) and the admin endpoint (`/__admin/ovn/...` on the engine's port) cover it like the
 * engine. Facts: oVirt/ovirt-provider-ovn commit 8a9ae857 (handlers/base_handler.py, keystone_responses.py,
 * neutron_responses.py, selecting_handler.py).
 */
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { STATUS_CODES } from "node:http";
import { INTERNAL_CALL_HEADER, type EngineServer } from "../server";
import { LATENCY_PROFILES } from "../latency";
import { OvnError, OvnModel } from "./model";
import type { OvnState } from "./types";

/** The user the provider accepts tokens of (`ovirt-admin-user-name` of the shipped ovirt-provider-ovn.conf). */
export const OVN_ADMIN_USER = "admin@internal";
/** `auth-token-timeout` of the shipped configuration: what `expires` of a token says, in seconds. */
export const OVN_TOKEN_TIMEOUT_SECONDS = 360000;
/** The Default security group's id in the seed (any fixed UUID: the provider creates it with a random one). */
export const OVN_DEFAULT_SECURITY_GROUP_ID = "c1a45000-0000-4000-8000-0000000000a1";

export interface OvnServerOptions {
    /** Port of the Identity endpoint; 0 = a free one. */
    authPort: number;
    /** Port of the Networking API; 0 = a free one. */
    networkPort: number;
    /**
     * The provider's `port-security-enabled-default`. The emulator's default is true, as the CI environment had it
     * (docs/ci-contract.md 12.1: port security had to be disabled by hand); the shipped provider configuration says false.
     */
    portSecurityDefault: boolean;
    /** The engine's provider entry this service is. @default "ovirt-provider-ovn" */
    providerName?: string;
    /**
     * `[OVIRT] ovirt-admin-user-name`: the only user the provider issues tokens to. engine-setup writes the same user
     * into this file and into the engine's provider entry (ovirt-engine 0111fc6,
     * packaging/setup/plugins/ovirt-engine-setup/ovirt-engine/network/ovirtproviderovn.py: `auth_username` of the
     * entry, and `ovirt-admin-user-name` = the Keycloak admin `admin@ovirt@internalsso` on a Keycloak engine).
     * @default the `username` of the provider entry when the server starts, else {@link OVN_ADMIN_USER}
     */
    adminUserName?: string;
}

interface OvnStats {
    requests: Record<string, number>;
    statuses: Record<string, number>;
    total: number;
    tokens: number;
    tokenFailures: number;
    unauthorized: number;
    forbidden: number;
    faultsInjected: number;
}

const freshStats = (): OvnStats => ({
    requests: {},
    statuses: {},
    total: 0,
    tokens: 0,
    tokenFailures: 0,
    unauthorized: 0,
    forbidden: 0,
    faultsInjected: 0,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The provider's error body (base_handler.py ERROR_MESSAGE through BaseHTTPRequestHandler.send_error). */
function errorBody(status: number, message: string): string {
    return JSON.stringify({ error: { message, code: status, title: STATUS_CODES[status] ?? "Error" } });
}

type Handler = (
    req: FastifyRequest,
    segs: string[],
    query: URLSearchParams,
    body: Record<string, unknown> | undefined,
) => Promise<{ status: number; body?: unknown }>;

export class OvnServer {
    readonly model: OvnModel;
    readonly auth: FastifyInstance;
    readonly network: FastifyInstance;
    private stats = freshStats();
    authUrl = "";
    networkUrl = "";
    /** The provider's configured admin user (see {@link OvnServerOptions.adminUserName}). */
    readonly adminUserName: string;

    constructor(
        private readonly engine: EngineServer,
        readonly opts: OvnServerOptions,
    ) {
        this.model = new OvnModel(engine.model, opts.providerName ?? "ovirt-provider-ovn", () => ({
            portSecurityDefault: opts.portSecurityDefault,
            defaultSecurityGroupId: OVN_DEFAULT_SECURITY_GROUP_ID,
            networks: [],
            ports: [],
        }));
        const entry = engine.model.state.providers.find((p) => p.name === (opts.providerName ?? "ovirt-provider-ovn"));
        this.adminUserName = opts.adminUserName ?? entry?.username ?? OVN_ADMIN_USER;
        this.auth = this.app("keystone", (req, segs, _q, body) => this.identity(req, segs, body));
        this.network = this.app("neutron", (req, segs, q, body) => this.networking(req, segs, q, body));
        this.adminRoutes();
    }

    /** One fastify app serving JSON under `/<version>/...` (the provider drops the first path element). */
    private app(service: string, handle: Handler): FastifyInstance {
        const insecure = this.engine.opts.insecureHttp;
        const app = Fastify({
            logger: false,
            forceCloseConnections: true,
            ...(insecure ? {} : { https: { key: this.engine.pki.keyPem, cert: this.engine.pki.certPem } }),
        } as Record<string, unknown>) as unknown as FastifyInstance;
        app.removeAllContentTypeParsers();
        app.addContentTypeParser("*", { parseAs: "string" }, (_req, b, done) => done(null, b));
        app.all("/*", async (req, reply) => {
            const url = new URL(req.url, "http://x");
            const segs = url.pathname
                .replace(/\.json$/i, "")
                .split("/")
                .filter(Boolean)
                .map((s) => decodeURIComponent(s))
                .slice(1);
            const template = `${service} ${req.method} /${segs.map((s, i) => (i % 2 === 1 ? "{id}" : s)).join("/")}`;
            const send = (status: number, body?: unknown, type = "application/json") => {
                this.stats.total++;
                this.stats.requests[template] = (this.stats.requests[template] ?? 0) + 1;
                this.stats.statuses[status] = (this.stats.statuses[status] ?? 0) + 1;
                if (body === undefined) return reply.code(status).send();
                return reply
                    .code(status)
                    .type(type)
                    .send(typeof body === "string" ? body : JSON.stringify(body));
            };
            const rule = this.engine.faults.decide(req.method, url.pathname);
            if (rule) {
                this.stats.faultsInjected++;
                if (rule.kind === "slow") await sleep(rule.delayMs ?? 1000);
                if (rule.kind === "reset") {
                    reply.hijack();
                    req.raw.socket.destroy();
                    return reply;
                }
                if (rule.kind === "503") {
                    return send(
                        503,
                        "<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>",
                        "text/html",
                    );
                }
                if (rule.kind === "expireToken") await this.logout(String(req.headers["x-auth-token"] ?? ""));
                // lock409 is the engine's own conflict text: the provider has no such answer, so the rule does not apply
            }
            const delay = LATENCY_PROFILES[this.engine.opts.latency].ovnRequest;
            if (delay > 0) await sleep(delay);
            let body: Record<string, unknown> | undefined;
            try {
                if (typeof req.body === "string" && req.body.trim() !== "") {
                    try {
                        const v = JSON.parse(req.body) as unknown;
                        body = v && typeof v === "object" ? (v as Record<string, unknown>) : {};
                    } catch (e) {
                        throw new OvnError(400, (e as Error).message);
                    }
                }
                const r = await handle(req, segs, url.searchParams, body);
                return send(r.status, r.body);
            } catch (e) {
                if (e instanceof OvnError) return send(e.status, errorBody(e.status, e.message));
                return send(500, errorBody(500, (e as Error).message));
            } finally {
                this.engine.persist();
            }
        });
        return app;
    }

    // ------------------------------------------------------------------ Identity v2.0 (keystone_responses.py)

    private async identity(req: FastifyRequest, segs: string[], body: Record<string, unknown> | undefined) {
        const path = segs.join("/");
        if (req.method === "GET" && path === "") {
            return {
                status: 200,
                body: {
                    versions: [{ status: "CURRENT", id: "v2.0", links: [{ href: `${this.authUrl}/`, rel: "self" }] }],
                },
            };
        }
        if (path !== "tokens") throw new OvnError(404, `Incorrect path: ${req.url}`);
        if (req.method !== "POST") throw new OvnError(405, `Method not allowed: ${req.method}`);
        const auth = body?.auth as Record<string, unknown> | undefined;
        if (!auth || typeof auth !== "object") throw new OvnError(400, "'auth'");
        let token: string;
        const pc = auth.passwordCredentials as Record<string, unknown> | undefined;
        if (pc && typeof pc === "object") {
            if (typeof pc.username !== "string") throw new OvnError(400, "'username'");
            if (typeof pc.password !== "string") throw new OvnError(400, "'password'");
            token = await this.login(pc.username, pc.password);
        } else {
            const t = (auth.token as Record<string, unknown> | undefined)?.id;
            if (typeof t !== "string") throw new OvnError(400, "'token'");
            token = t;
        }
        this.validate(token);
        this.stats.tokens++;
        const expires = new Date(Date.now() + OVN_TOKEN_TIMEOUT_SECONDS * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
        const endpoint = (url: string, id: string) => ({
            adminURL: url,
            internalURL: url,
            publicURL: url,
            region: "RegionOne",
            id,
        });
        // OpenStack Identity v2.0 answers a created token with 200, not 201 (keystone_responses.py post_tokens)
        return {
            status: 200,
            body: {
                access: {
                    token: { id: token, expires },
                    user: { username: "admin", roles_links: [], id: "", roles: [{ name: "admin" }], name: "admin" },
                    serviceCatalog: [
                        {
                            endpoints: [endpoint(`${this.networkUrl}/`, "00000000000000000000000000000001")],
                            endpoints_links: [],
                            type: "network",
                            name: "neutron",
                        },
                        {
                            endpoints: [endpoint(`${this.authUrl}/`, "00000000000000000000000000000002")],
                            endpoints_links: [],
                            type: "identity",
                            name: "keystone",
                        },
                    ],
                },
            },
        };
    }

    /** The provider's SSO login at the engine (sso.py `_get_sso_token`); an SSO error is its 401. */
    private async login(username: string, password: string): Promise<string> {
        const res = await this.engine.app.inject({
            method: "POST",
            url: "/ovirt-engine/sso/oauth/token",
            headers: {
                Accept: "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
                [INTERNAL_CALL_HEADER]: this.engine.internalCallKey,
            },
            payload: new URLSearchParams({
                grant_type: "password",
                scope: "ovirt-app-api ovirt-ext=token-info:validate",
                username,
                password,
            }).toString(),
        });
        let b: Record<string, unknown>;
        try {
            b = JSON.parse(res.body || "{}") as Record<string, unknown>;
        } catch {
            // not JSON: the provider's raise_for_status (outside its request-exception translation) makes it a 500
            throw new OvnError(500, `${res.statusCode} Server Error for url: /ovirt-engine/sso/oauth/token`);
        }
        if (res.statusCode === 200 && typeof b.access_token === "string") return b.access_token;
        this.stats.tokenFailures++;
        const details = `${String(b.error_code ?? "")}${String(b.error_description ?? "")}`;
        throw new OvnError(401, `Error during SSO authentication ${String(b.error ?? "")} : ${details}`);
    }

    private async logout(token: string): Promise<void> {
        await this.engine.app.inject({
            method: "POST",
            url: "/ovirt-engine/services/sso-logout",
            payload: new URLSearchParams({ token }).toString(),
            headers: {
                "Content-Type": "application/x-www-form-urlencoded",
                [INTERNAL_CALL_HEADER]: this.engine.internalCallKey,
            },
        });
    }

    /**
     * authorization_by_username.py: an inactive token is 401, another user's is 403 (keystone_responses.py
     * post_tokens and neutron.py raise a bare Forbidden(): the message is "").
     */
    private validate(token: string): void {
        const user = this.engine.tokenUser(token);
        if (!user) {
            this.stats.unauthorized++;
            throw new OvnError(401, "Token is not active.");
        }
        if (user.userName !== this.adminUserName) {
            this.stats.forbidden++;
            throw new OvnError(403, "");
        }
    }

    // ------------------------------------------------------------------ Networking v2.0 (neutron_responses.py)

    private async networking(
        req: FastifyRequest,
        segs: string[],
        query: URLSearchParams,
        body: Record<string, unknown> | undefined,
    ) {
        const m = this.model;
        const [kind, id, extra] = segs;
        if (segs.length === 0 && req.method === "GET") {
            this.validate(String(req.headers["x-auth-token"] ?? ""));
            return {
                status: 200,
                body: {
                    versions: [
                        { status: "CURRENT", id: "v2.0", links: [{ href: `${this.networkUrl}/`, rel: "self" }] },
                    ],
                },
            };
        }
        if (!["networks", "ports"].includes(kind ?? "") || extra !== undefined)
            throw new OvnError(404, `Incorrect path: ${req.url}`);
        const allowed = id === undefined ? ["GET"] : ["GET", "PUT"];
        if (!allowed.includes(req.method)) throw new OvnError(405, `Method not allowed: ${req.method}`);
        this.validate(String(req.headers["x-auth-token"] ?? ""));
        m.sync();
        if (kind === "networks") {
            if (id === undefined)
                return {
                    status: 200,
                    body: {
                        networks: OvnModel.filter(
                            m.state.networks.map((n) => m.networkView(n)),
                            query,
                        ),
                    },
                };
            if (req.method === "GET") return { status: 200, body: { network: m.networkView(m.network(id)) } };
            return { status: 200, body: { network: m.networkView(m.updateNetwork(id, this.entity(body, "network"))) } };
        }
        if (id === undefined)
            return {
                status: 200,
                body: {
                    ports: OvnModel.filter(
                        m.state.ports.map((p) => m.portView(p)),
                        query,
                    ),
                },
            };
        if (req.method === "GET") return { status: 200, body: { port: m.portView(m.port(id)) } };
        return { status: 200, body: { port: m.portView(m.updatePort(id, this.entity(body, "port"))) } };
    }

    /** responses_utils.py `get_entity`: the body's `{<name>: {...}}`, else 400 naming the missing key. */
    private entity(body: Record<string, unknown> | undefined, name: string): Record<string, unknown> {
        const e = body?.[name];
        if (!e || typeof e !== "object" || Array.isArray(e)) throw new OvnError(400, `'${name}'`);
        return e as Record<string, unknown>;
    }

    // ------------------------------------------------------------------ admin (on the engine's port)

    private adminRoutes(): void {
        const json = (reply: FastifyReply, v: unknown) =>
            reply
                .code(200)
                .type("application/json")
                .send(JSON.stringify(v, null, 2));
        this.engine.app.get("/__admin/ovn/stats", async (_q, reply) => json(reply, this.stats));
        this.engine.app.get("/__admin/ovn/inventory", async (_q, reply) => {
            this.model.sync();
            return json(reply, this.model.state);
        });
    }

    /** Counters back to zero (the engine's reset replaces the OVN state with the rest of its state). */
    resetStats(): void {
        this.stats = freshStats();
    }

    async listen(host: string): Promise<void> {
        const scheme = this.engine.opts.insecureHttp ? "http" : "https";
        const at = async (app: FastifyInstance, port: number) => {
            await app.listen({ host, port });
            const addr = app.server.address();
            return `${scheme}://${host}:${typeof addr === "object" && addr ? addr.port : port}/v2.0`;
        };
        this.authUrl = await at(this.auth, this.opts.authPort);
        this.networkUrl = await at(this.network, this.opts.networkPort);
    }

    async close(): Promise<void> {
        await Promise.all([this.auth.close(), this.network.close()]);
    }

    /** For tests: the OVN state as the provider sees it now. */
    inventory(): OvnState {
        this.model.sync();
        return this.model.state;
    }
}
