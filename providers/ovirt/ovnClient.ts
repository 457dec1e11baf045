// Client of the OVN provider's own API (ovirt-provider-ovn, docs/ovn.md): an Identity v2.0 token endpoint and a
// Networking v2.0 API served beside the engine. The engine's REST API cannot set port security (docs/engine-api.md 5.5);
// this API can (`port_security_enabled` of networks and ports).
//
// Serialization rules as in ./client: no library, client or credential at module scope; the token cache lives on
// `globalThis` (one token per provider process and endpoint, shared by concurrent callers, renewed once on a 401 and
// shortly before its `expires`).

import {
    ConfigSource,
    Endpoint,
    OvirtApiError,
    backoffDelay,
    httpsAgentFor,
    isTransient,
    isOvirtApiError,
    isUnavailable,
    noteRetry,
    openSession,
    ovirtApiError,
    resolveEndpoint,
} from "./client";
import { decodeList, decodeString, searchQuote } from "./representation";
import { ovnUrlRisk } from "./endpointPolicy";

/** Where the OVN provider answers, with the engine's credentials, CA and retry policy. */
export interface OvnEndpoint {
    /** Identity v2.0 root, e.g. `https://engine.lan:35357/v2.0`. */
    authUrl: string;
    /** Networking v2.0 root, e.g. `https://engine.lan:9696/v2.0`. */
    networkUrl: string;
    /** The engine endpoint: user, password, CA, insecure flag, retries, request timeout. */
    engine: Endpoint;
    /**
     * The user the provider issues tokens to (its `ovirt-admin-user-name`): `ovirt-ci:ovnUsername` /
     * `OVIRT_OVN_USERNAME`, else the engine's provider entry's `username` (read when the URLs are not configured
     * either), else the engine user.
     */
    username?: string;
    /** Where {@link username} came from (for the error when the provider refuses it); absent: the engine user. */
    usernameFrom?: "config" | "entry";
    /**
     * The engine's provider entry to read the URLs and the user from (`GET /openstacknetworkproviders`) when
     * neither URL is configured: on the real engine that entry says where and as whom to log in.
     */
    providerEntry?: string;
    /** `ovirt-ci:ovnAllowForeignUrl`: accept URLs that are not https or not on the engine's host (warned). */
    allowForeignUrl?: boolean;
}

/** The provider's default ports (provider/ovirt_provider_config.py: DEFAULT_KEYSTONE_PORT, DEFAULT_NEUTRON_PORT). */
export const OVN_DEFAULT_AUTH_PORT = 35357;
export const OVN_DEFAULT_NETWORK_PORT = 9696;

function cfg(config: ConfigSource | undefined, key: string): string | undefined {
    try {
        const v = config?.get(`ovirt-ci:${key}`);
        return v === undefined || v === "" ? undefined : String(v);
    } catch {
        return undefined; // no config reached this provider process: the environment decides
    }
}

function ovnUrl(key: string, env: string, value: string | undefined, dflt: string): string {
    const v = (value ?? dflt).replace(/\/+$/, "");
    if (!/^https?:\/\/[^/]+\/v2\.0$/.test(v)) {
        throw new Error(
            `ovirt-ci:${key} (or ${env}) must be the OVN provider's root ending in /v2.0, e.g. ${dflt}; got ${JSON.stringify(value)}`,
        );
    }
    return v;
}

/**
 * The OVN endpoint: `ovirt-ci:ovnAuthUrl` / `OVIRT_OVN_AUTH_URL` and `ovirt-ci:ovnNetworkUrl` / `OVIRT_OVN_NETWORK_URL`,
 * by default the engine's host on the provider's ports 35357 and 9696 (docs/ci-contract.md 12.1); credentials, CA and
 * retries are the engine's (the provider authenticates against the engine's SSO).
 */
export function resolveOvnEndpoint(config?: ConfigSource): OvnEndpoint {
    const engine = resolveEndpoint(config);
    const host = new URL(engine.apiUrl).hostname;
    const h = host.includes(":") ? `[${host}]` : host;
    const explicitUrl =
        (cfg(config, "ovnAuthUrl") ?? process.env.OVIRT_OVN_AUTH_URL ?? cfg(config, "ovnNetworkUrl")) !== undefined ||
        process.env.OVIRT_OVN_NETWORK_URL !== undefined;
    const username = cfg(config, "ovnUsername") ?? process.env.OVIRT_OVN_USERNAME;
    const endpoint: OvnEndpoint = {
        username,
        usernameFrom: username === undefined ? undefined : "config",
        providerEntry: explicitUrl ? undefined : (cfg(config, "ovnProviderName") ?? "ovirt-provider-ovn"),
        authUrl: ovnUrl(
            "ovnAuthUrl",
            "OVIRT_OVN_AUTH_URL",
            cfg(config, "ovnAuthUrl") ?? process.env.OVIRT_OVN_AUTH_URL,
            `https://${h}:${OVN_DEFAULT_AUTH_PORT}/v2.0`,
        ),
        networkUrl: ovnUrl(
            "ovnNetworkUrl",
            "OVIRT_OVN_NETWORK_URL",
            cfg(config, "ovnNetworkUrl") ?? process.env.OVIRT_OVN_NETWORK_URL,
            `https://${h}:${OVN_DEFAULT_NETWORK_PORT}/v2.0`,
        ),
        engine,
    };
    // The same rule as the config check (lib/config.ts), for the provider's own inputs (environment, old state):
    // refused before the first login sends the engine password.
    endpoint.allowForeignUrl =
        (cfg(config, "ovnAllowForeignUrl") ?? process.env.OVIRT_OVN_ALLOW_FOREIGN_URL) === "true";
    refuseForeignUrls(endpoint, "ovirt-ci:");
    return endpoint;
}

/**
 * Throws when an OVN URL is not https or (unless `httpsOnly`, for the engine's own provider entry) not on the engine's
 * host: the engine password would be sent there. Never with `allowForeignUrl`. `source` names where the URLs came
 * from: the config keys, or the engine's provider entry.
 */
function refuseForeignUrls(endpoint: OvnEndpoint, source: string, httpsOnly = false): void {
    if (endpoint.allowForeignUrl) return;
    for (const [key, url] of [
        ["ovnAuthUrl", endpoint.authUrl],
        ["ovnNetworkUrl", endpoint.networkUrl],
    ] as const) {
        // the host of the engine's own entry is the engine's word (it may name its FQDN where engineUrl names an
        // address); clear text is refused all the same
        const risk = httpsOnly
            ? ovnUrlRisk(url, url.replace(/^http:/, "https:"))
            : ovnUrlRisk(url, endpoint.engine.apiUrl);
        if (risk) {
            throw new Error(
                `${source}${key} ${url} ${risk}; point it at the OVN provider beside the engine, or set ovirt-ci:ovnAllowForeignUrl (OVIRT_OVN_ALLOW_FOREIGN_URL=true) if it really is there`,
            );
        }
    }
}

/** Like the engine's hint (client.ts withEngineHint): a provider that is not there is named, with what to do. */
function withOvnHint(url: string, err: OvirtApiError): OvirtApiError {
    if (!isUnavailable(err) || /the OVN provider .* is unreachable/.test(err.message)) return err;
    (err as unknown as { message: string }).message +=
        `. The OVN provider ${new URL(url).origin} (ovirt-provider-ovn, beside the oVirt engine) is unreachable or unavailable: ` +
        "check that it and the engine run and that this machine reaches them, then run `pulumi up` again";
    return err;
}

interface OvnToken {
    id: string;
    expiresMs?: number;
}
interface OvnCache {
    tokens: Map<string, Promise<OvnToken>>;
    logins: number;
}

function ovnCache(): OvnCache {
    const key = Symbol.for("ovirt-ci.ovn.client.cache");
    const g = globalThis as unknown as Record<symbol, OvnCache | undefined>;
    return (g[key] ??= { tokens: new Map(), logins: 0 });
}

/** Tokens fetched by this process (diagnostics and tests). */
export function ovnLoginCount(): number {
    return ovnCache().logins;
}

/** Forget this process's OVN tokens (tests simulate a fresh provider process with it). */
export function resetOvnCache(): void {
    ovnCache().tokens.clear();
    ovnCache().logins = 0;
}

/** The provider's error body `{"error": {"message", "code", "title"}}` as reason (title) and detail (message). */
function errorOf(data: unknown): { reason?: string; detail?: string } {
    const e =
        (data && typeof data === "object"
            ? (data as { error?: { message?: unknown; title?: unknown } }).error
            : undefined) ?? {};
    const s = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
    return { reason: s(e.title), detail: s(e.message) };
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

/** One HTTP call with the engine's retry policy for transient failures (network, 502/503/504). */
async function call(
    ep: OvnEndpoint,
    operation: string,
    method: string,
    url: string,
    data: unknown,
    headers: Record<string, string>,
): Promise<{ status: number; data: unknown }> {
    const { default: axios } = await import("axios");
    const path = new URL(url).pathname;
    for (let attempt = 0; ; attempt++) {
        let err: OvirtApiError;
        try {
            const res = await axios.request({
                method,
                url,
                data: data === undefined ? undefined : JSON.stringify(data),
                headers: { Accept: "application/json", "Content-Type": "application/json", ...headers },
                httpsAgent: httpsAgentFor({
                    ...ep.engine,
                    apiUrl: url.replace(/\/v2\.0.*$/, ""),
                }) as import("node:https").Agent,
                timeout: ep.engine.requestTimeoutMs,
                validateStatus: () => true,
                maxRedirects: 0,
            });
            if (res.status < 300) return { status: res.status, data: res.data };
            err = ovirtApiError({ operation, method, path, httpStatus: res.status, ...errorOf(res.data) });
        } catch (e) {
            const x = e as { code?: string; message?: string };
            // only code and message: an axios error carries its request config, which holds the token or password
            err = ovirtApiError({ operation, method, path, code: x?.code ?? "ERR_NETWORK", message: x?.message });
        }
        if (!isTransient(err) || attempt + 1 >= ep.engine.retry.attempts) throw withOvnHint(url, err);
        const delay = backoffDelay(ep.engine.retry, attempt);
        noteRetry(ep.engine, attempt, delay, err);
        await sleep(delay);
    }
}

/** A provider entry's URL as the API root ending in /v2.0 (the engine stores it with or without). */
function v2Root(url: string): string {
    const u = url.replace(/\/+$/, "");
    return u.endsWith("/v2.0") ? u : `${u}/v2.0`;
}

/**
 * The endpoint with what the engine's provider entry says (once per process and entry): its `url`, its
 * `authentication_url` and its `username`, where the config left them open. An entry that is missing is an error
 * naming it and the config keys that bypass it.
 */
export async function withProviderEntry(ep: OvnEndpoint): Promise<OvnEndpoint> {
    if (!ep.providerEntry) return ep;
    const name = ep.providerEntry;
    const cache = ovnEntryCache();
    const key = `${ep.engine.apiUrl}\u0000${name}`;
    let entry = cache.get(key);
    if (!entry) {
        entry = (async () => {
            const s = await openSession(ep.engine, `read the OVN provider entry ${name}`);
            const found = decodeList(
                await s.get("/openstacknetworkproviders", { params: { search: `name=${searchQuote(name)}` } }),
                "openstack_network_provider",
            ).find((p) => p.name === name);
            if (!found) {
                throw new Error(
                    `the engine has no external network provider named ${name} (GET /openstacknetworkproviders): set ovirt-ci:ovnProviderName to its name, or ovirt-ci:ovnAuthUrl, ovnNetworkUrl and ovnUsername`,
                );
            }
            return {
                url: decodeString(found.url),
                authUrl: decodeString(found.authentication_url),
                username: decodeString(found.username),
            };
        })();
        cache.set(key, entry);
        entry.catch(() => cache.delete(key));
    }
    const e = await entry;
    const resolved: OvnEndpoint = {
        ...ep,
        networkUrl: e.url ? v2Root(e.url) : ep.networkUrl,
        authUrl: e.authUrl ? v2Root(e.authUrl) : ep.authUrl,
        username: ep.username ?? e.username,
        usernameFrom: ep.username !== undefined ? ep.usernameFrom : e.username !== undefined ? "entry" : undefined,
        providerEntry: undefined,
    };
    // the entry is the engine's word about where its provider runs, but never in clear text
    refuseForeignUrls(resolved, `the engine's provider entry ${name}: `, true);
    return resolved;
}

function ovnEntryCache(): Map<string, Promise<{ url?: string; authUrl?: string; username?: string }>> {
    const key = Symbol.for("ovirt-ci.ovn.client.entries");
    const g = globalThis as unknown as Record<
        symbol,
        Map<string, Promise<{ url?: string; authUrl?: string; username?: string }>> | undefined
    >;
    return (g[key] ??= new Map());
}

/** The user the provider issues tokens to (see {@link OvnEndpoint.username}). */
export function ovnUser(ep: OvnEndpoint): string {
    return ep.username ?? ep.engine.username;
}

/**
 * A 403 from the token endpoint: the login worked but the user is not the provider's admin user
 * (ovirt-provider-ovn 8a9ae857, handlers/keystone_responses.py post_tokens: `validate_token` after `create_token`;
 * auth/plugins/ovirt/authorization_by_username.py compares the token's user with `[OVIRT] ovirt-admin-user-name`).
 * The message names the user, where it came from and the fix.
 */
function withTokenUserHint(ep: OvnEndpoint, user: string, err: OvirtApiError): OvirtApiError {
    if (err.httpStatus !== 403) return err;
    const from =
        ep.usernameFrom === "config"
            ? "ovirt-ci:ovnUsername (OVIRT_OVN_USERNAME)"
            : ep.usernameFrom === "entry"
              ? "the username of the engine's OVN provider entry"
              : "engineUsername, as ovirt-ci:ovnUsername is not set";
    (err as unknown as { message: string }).message +=
        `. The OVN provider issues tokens only to its admin user ([OVIRT] ovirt-admin-user-name in ovirt-provider-ovn.conf; ` +
        `engine-setup writes the same user into the engine's provider entry, admin@ovirt@internalsso on a Keycloak engine), ` +
        `and ${user} (from ${from}) is not that user. Fix: set ovirt-ci:ovnUsername to the provider's admin user ` +
        "(its password must be enginePassword), or correct the user of the engine's OVN provider entry (ovirt-ci:ovnProviderName)";
    return err;
}

async function login(ep: OvnEndpoint, operation: string): Promise<OvnToken> {
    ovnCache().logins++;
    const user = ovnUser(ep);
    const res = await call(
        ep,
        `${operation} (OVN token for ${user})`,
        "POST",
        `${ep.authUrl}/tokens`,
        { auth: { passwordCredentials: { username: user, password: ep.engine.password } } },
        {},
    ).catch((e: unknown) => {
        throw isOvirtApiError(e) ? withTokenUserHint(ep, user, e) : e;
    });
    const token = (res.data as { access?: { token?: { id?: unknown; expires?: unknown } } })?.access?.token;
    if (typeof token?.id !== "string") {
        throw ovirtApiError({
            operation,
            method: "POST",
            path: new URL(`${ep.authUrl}/tokens`).pathname,
            httpStatus: res.status,
            reason: "malformed response",
            detail: "the OVN provider's token answer has no access.token.id",
        });
    }
    const exp = typeof token.expires === "string" ? Date.parse(token.expires) : NaN;
    return { id: token.id, expiresMs: Number.isFinite(exp) ? exp : undefined };
}

async function token(ep: OvnEndpoint, operation: string, stale?: string): Promise<string> {
    const c = ovnCache();
    const key = `${ep.authUrl}\u0000${ovnUser(ep)}`;
    let entry = c.tokens.get(key);
    if (entry) {
        const t = await entry.catch(() => undefined);
        if (!t || t.id === stale || (t.expiresMs !== undefined && t.expiresMs < Date.now() + 30_000)) {
            if (c.tokens.get(key) === entry) c.tokens.delete(key);
        } else {
            return t.id;
        }
    }
    entry = c.tokens.get(key);
    if (!entry) {
        const fresh = login(ep, operation);
        c.tokens.set(key, fresh);
        fresh.catch(() => {
            if (c.tokens.get(key) === fresh) c.tokens.delete(key);
        });
        entry = fresh;
    }
    return (await entry).id;
}

/** One operation on the Networking API (names the network or port in every error). */
export interface OvnSession {
    get<T = Record<string, unknown>>(path: string, params?: Record<string, string>): Promise<T>;
    /** GET, or undefined on 404. */
    find<T = Record<string, unknown>>(path: string): Promise<T | undefined>;
    put<T = Record<string, unknown>>(path: string, body: unknown): Promise<T>;
}

export function ovnSession(configured: OvnEndpoint, operation: string): OvnSession {
    async function request(
        method: string,
        path: string,
        body?: unknown,
        params?: Record<string, string>,
    ): Promise<unknown> {
        const qs = params && Object.keys(params).length ? `?${new URLSearchParams(params).toString()}` : "";
        const ep = await withProviderEntry(configured);
        let t = await token(ep, operation);
        for (let renewed = false; ; renewed = true) {
            try {
                return (await call(ep, operation, method, `${ep.networkUrl}${path}${qs}`, body, { "X-Auth-Token": t }))
                    .data;
            } catch (e) {
                // an expired or revoked token: one new token, then give up (tokens cannot be refreshed)
                if ((e as OvirtApiError).httpStatus !== 401 || renewed) throw e;
                t = await token(ep, operation, t);
            }
        }
    }
    return {
        get: async <T>(path: string, params?: Record<string, string>) =>
            (await request("GET", path, undefined, params)) as T,
        find: async <T>(path: string) => {
            try {
                return (await request("GET", path)) as T;
            } catch (e) {
                if ((e as OvirtApiError).httpStatus === 404) return undefined;
                throw e;
            }
        },
        put: async <T>(path: string, body: unknown) => (await request("PUT", path, body)) as T,
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Reads shared by the resources, the drift check and other tools

/** A provider network's port security. */
export interface OvnNetworkInfo {
    id: string;
    name: string;
    portSecurityEnabled: boolean;
}
/** A port's port security and what it belongs to. */
export interface OvnPortInfo {
    id: string;
    name: string;
    networkId: string;
    macAddress: string;
    deviceId: string;
    portSecurityEnabled: boolean;
    securityGroups: string[];
}

export function networkInfo(n: Record<string, unknown>): OvnNetworkInfo {
    return { id: String(n.id), name: String(n.name ?? ""), portSecurityEnabled: n.port_security_enabled === true };
}

export function portInfo(p: Record<string, unknown>): OvnPortInfo {
    return {
        id: String(p.id),
        name: String(p.name ?? ""),
        networkId: String(p.network_id ?? ""),
        macAddress: String(p.mac_address ?? "").toLowerCase(),
        deviceId: String(p.device_id ?? ""),
        portSecurityEnabled: p.port_security_enabled === true,
        securityGroups: Array.isArray(p.security_groups) ? p.security_groups.map(String) : [],
    };
}

/** The provider network named `name`; fails naming it when none or several have the name. */
export async function findOvnNetwork(s: OvnSession, name: string): Promise<OvnNetworkInfo> {
    const list = ((await s.get<{ networks?: Record<string, unknown>[] }>("/networks", { name })).networks ?? []).filter(
        (n) => n.name === name,
    );
    if (list.length === 1) return networkInfo(list[0]);
    if (list.length > 1) {
        throw new Error(
            `OVN network ${name}: ${list.length} networks on the OVN provider have this name (ids ${list.map((n) => n.id).join(", ")}); rename the others`,
        );
    }
    throw new Error(
        `OVN network ${name}: not on the OVN provider (is the engine network on ovirt-provider-ovn, and the provider's API the one at the configured ovnNetworkUrl?)`,
    );
}

/** The ports of a provider network. */
export async function listOvnPorts(s: OvnSession, networkId: string): Promise<OvnPortInfo[]> {
    return ((await s.get<{ ports?: Record<string, unknown>[] }>("/ports", { network_id: networkId })).ports ?? []).map(
        portInfo,
    );
}

/** Options of {@link readOvnPortSecurity}. */
export interface OvnReadOptions {
    /** Where to go; default: the `ovirt-ci:` stack config of a running program, else the environment (as the providers). */
    endpoint?: OvnEndpoint;
    config?: ConfigSource;
}

/**
 * The port security of a network (by name, as the engine named it) and of every port on it, read through the OVN
 * provider's API. For tools (the drift check, the lease doctor): nothing is written.
 */
export async function readOvnPortSecurity(
    networkName: string,
    opts: OvnReadOptions = {},
): Promise<{ network: OvnNetworkInfo; ports: OvnPortInfo[] }> {
    const ep = opts.endpoint ?? resolveOvnEndpoint(opts.config);
    const s = ovnSession(ep, `read port security of OVN network ${networkName}`);
    const network = await findOvnNetwork(s, networkName);
    return { network, ports: await listOvnPorts(s, network.id) };
}
