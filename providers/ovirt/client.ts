// oVirt Engine REST API v4 client (docs/engine-api.md sections 1-4) for the dynamic providers.
//
// Serialization rules (docs/provider.md, docs/toolchain.md section 11): nothing here holds a library, a client or a
// credential at module scope. Libraries are imported inside functions; the per-process caches (SSO tokens, HTTPS
// agents, the insecure warning) live on `globalThis` under a Symbol and are created lazily at call time, so they are
// never captured when a provider is serialized and they are shared by every provider in one provider process.
// Local modules (./representation) are pure functions and are serialized by value with the provider.

import { decodeInt, decodeList, decodeString } from "./representation";
import { PROVIDER_INTEGER_SETTINGS, parseProviderInteger } from "./settings";

/** Where and how to reach the engine. Built at call time from provider config or the environment. */
export interface Endpoint {
    /** API root, e.g. https://engine.lan/ovirt-engine/api */
    apiUrl: string;
    username: string;
    password: string;
    /** PEM of the engine CA; the server certificate is verified against it. */
    caPem?: string;
    /** Skip certificate verification. Only when set explicitly; a warning is logged once per provider process. */
    insecure: boolean;
    retry: RetryPolicy;
    /** Default overall timeout for status waits when a resource sets no `timeoutSeconds`. */
    defaultTimeoutSeconds?: number;
    /** Per-request HTTP timeout. */
    requestTimeoutMs: number;
}

export interface RetryPolicy {
    /** Total attempts of one request (first try included). */
    attempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
    attempts: PROVIDER_INTEGER_SETTINGS.engineRetryAttempts.fallback,
    baseDelayMs: PROVIDER_INTEGER_SETTINGS.engineRetryBaseMs.fallback,
    maxDelayMs: 4000,
};

/** Minimal view of `pulumi.dynamic.Config`: `get` may also throw when the engine sent no config at all. */
export interface ConfigSource {
    get(key: string): string | undefined;
}

/** Engine error: names the operation and the object, carries the engine's reason and detail. Never the token. */
export interface OvirtApiError extends Error {
    readonly name: "OvirtApiError";
    readonly operation: string;
    readonly method: string;
    readonly path: string;
    readonly httpStatus?: number;
    readonly reason?: string;
    readonly detail?: string;
    /** Network error code (ECONNRESET, ETIMEDOUT, ...) when there was no HTTP response. */
    readonly code?: string;
}

export interface OvirtApiErrorFields {
    operation: string;
    method: string;
    path: string;
    httpStatus?: number;
    reason?: string;
    detail?: string;
    code?: string;
    message?: string;
}

/**
 * Build an OvirtApiError: a plain `Error` with fields. A factory, not a subclass: closure serialization turns
 * classes into functions calling `Error.call(this)`, which yields objects that are not real Errors.
 */
export function ovirtApiError(f: OvirtApiErrorFields): OvirtApiError {
    const what =
        f.httpStatus !== undefined
            ? `HTTP ${f.httpStatus}` +
              (f.reason || f.detail ? `: ${[f.reason, f.detail].filter(Boolean).join(": ")}` : "")
            : `${f.code ?? "network error"}${f.message ? `: ${f.message}` : ""}`;
    const err = new Error(`${f.operation}: ${f.method} ${f.path} failed: ${what}`) as Error & Record<string, unknown>;
    err.name = "OvirtApiError";
    err.operation = f.operation;
    err.method = f.method;
    err.path = f.path;
    if (f.httpStatus !== undefined) err.httpStatus = f.httpStatus;
    if (f.reason !== undefined) err.reason = f.reason;
    if (f.detail !== undefined) err.detail = f.detail;
    if (f.code !== undefined) err.code = f.code;
    return err as unknown as OvirtApiError;
}

// Classification by shape, never `instanceof`: a serialized provider carries its own copy of OvirtApiError whose
// prototype chain does not reach the realm's Error.prototype.
export function isOvirtApiError(e: unknown): e is OvirtApiError {
    return apiError(e) !== undefined;
}

function apiError(e: unknown): OvirtApiError | undefined {
    return typeof e === "object" && e !== null && (e as OvirtApiError).name === "OvirtApiError"
        ? (e as OvirtApiError)
        : undefined;
}

export function isNotFound(e: unknown): boolean {
    return apiError(e)?.httpStatus === 404;
}

/** Lock conflicts the engine asks to retry ("Related operation is currently in progress", "VM is locked", ...). */
export function isLockConflict(e: unknown): boolean {
    const err = apiError(e);
    return (
        err?.httpStatus === 409 &&
        /currently in progress|is locked|are locked|try again in a few minutes/i.test(
            `${err.detail ?? ""} ${err.reason ?? ""}`,
        )
    );
}

/** Network failures worth another try; TLS verification failures and bad URLs are not among them. */
const TRANSIENT_NETWORK_CODES = [
    "ECONNRESET",
    "ECONNREFUSED",
    "ECONNABORTED",
    "ETIMEDOUT",
    "EPIPE",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ENETDOWN",
    "ERR_NETWORK",
    "ERR_SOCKET_CONNECTION_TIMEOUT",
    "UND_ERR_SOCKET",
];

/** Network error, 502/503/504, or a lock conflict: safe to retry for anything but a blind create. */
export function isTransient(e: unknown): boolean {
    const err = apiError(e);
    if (!err) return false;
    if (err.httpStatus === undefined && err.code !== undefined) return TRANSIENT_NETWORK_CODES.includes(err.code);
    return err.httpStatus === 502 || err.httpStatus === 503 || err.httpStatus === 504 || isLockConflict(e);
}

/** The service was not there: no connection, no such host, or 502/503/504 (a gateway in front of a stopped service). */
export function isUnavailable(err: OvirtApiError): boolean {
    return err.httpStatus === undefined
        ? err.code !== undefined && TRANSIENT_NETWORK_CODES.concat(["ENOTFOUND"]).includes(err.code)
        : [502, 503, 504].includes(err.httpStatus);
}

/**
 * When a request finally failed because the engine is not there (no connection, or 502/503/504 after every retry),
 * says so and what to do: an operator reading `connect ECONNREFUSED 10.0.0.5:443` should not have to guess that
 * the engine is down, nor that a re-run is safe.
 */
export function withEngineHint(ep: Pick<Endpoint, "apiUrl">, err: OvirtApiError): OvirtApiError {
    if (!isUnavailable(err) || /the oVirt engine .* is unreachable/.test(err.message)) return err;
    const e = err as unknown as { message: string };
    e.message +=
        `. The oVirt engine ${ep.apiUrl} is unreachable or unavailable: check that it runs (ovirt-engine service) and that this ` +
        "machine reaches it, then run `pulumi up` again; it adopts by name what this run created";
    return err;
}

// ---------------------------------------------------------------------------------------------------------------
// Endpoint resolution: provider config first, then environment, both read at call time.

function cfg(config: ConfigSource | undefined, key: string): string | undefined {
    if (!config) return undefined;
    try {
        const v = config.get(`ovirt-ci:${key}`);
        return v === undefined || v === "" ? undefined : String(v);
    } catch {
        return undefined; // the engine sent no config to this provider process: fall back to the environment
    }
}

function parseBoolSetting(name: string, v: string | undefined): boolean {
    if (v === undefined) return false;
    const s = v.trim().toLowerCase();
    if (["true", "1", "yes"].includes(s)) return true;
    if (["false", "0", "no", ""].includes(s)) return false;
    throw new Error(`${name} must be true or false, got ${JSON.stringify(v)}`);
}

/**
 * Build the endpoint from stack config (`ovirt-ci:engineUrl`, `engineUsername`, `enginePassword`, `engineCaPem`,
 * `engineInsecure`, optional `engineTimeoutSeconds`, `engineRetryAttempts`, `engineRetryBaseMs`) with the
 * environment as fallback (`OVIRT_ENGINE_URL`, `OVIRT_ENGINE_USERNAME`, `OVIRT_ENGINE_PASSWORD`,
 * `OVIRT_ENGINE_CA_PEM` or `OVIRT_ENGINE_CA_FILE`, `OVIRT_ENGINE_INSECURE`, `OVIRT_ENGINE_TIMEOUT_SECONDS`, ...).
 */
export function resolveEndpoint(config?: ConfigSource): Endpoint {
    const env = process.env;
    const rawUrl = cfg(config, "engineUrl") ?? env.OVIRT_ENGINE_URL;
    const username = cfg(config, "engineUsername") ?? env.OVIRT_ENGINE_USERNAME ?? "admin@internal";
    const password = cfg(config, "enginePassword") ?? env.OVIRT_ENGINE_PASSWORD;
    let caPem = cfg(config, "engineCaPem") ?? env.OVIRT_ENGINE_CA_PEM;
    if (!caPem && env.OVIRT_ENGINE_CA_FILE) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fs: typeof import("node:fs") = require("node:fs");
        caPem = fs.readFileSync(env.OVIRT_ENGINE_CA_FILE, "utf8");
    }
    const insecure = parseBoolSetting(
        "ovirt-ci:engineInsecure / OVIRT_ENGINE_INSECURE",
        cfg(config, "engineInsecure") ?? env.OVIRT_ENGINE_INSECURE,
    );
    const missing: string[] = [];
    if (!rawUrl) missing.push("ovirt-ci:engineUrl (or OVIRT_ENGINE_URL)");
    if (!password)
        missing.push("ovirt-ci:enginePassword (set it with `pulumi config set --secret`, or OVIRT_ENGINE_PASSWORD)");
    if (missing.length) throw new Error(`oVirt provider is not configured: missing ${missing.join(", ")}`);
    const apiUrl = rawUrl!.replace(/\/+$/, "");
    if (!/^https?:\/\/[^/]+\/ovirt-engine\/api$/.test(apiUrl)) {
        throw new Error(
            `ovirt-ci:engineUrl must be the API root ending in /ovirt-engine/api, e.g. https://engine.lan/ovirt-engine/api; got ${JSON.stringify(rawUrl)}`,
        );
    }
    // the bounds and fallbacks are the ones the program's config check applies (./settings, lib/configSchema.ts)
    const setting = (key: keyof typeof PROVIDER_INTEGER_SETTINGS) =>
        parseProviderInteger(key, cfg(config, key) ?? env[PROVIDER_INTEGER_SETTINGS[key].env]);
    const attempts = setting("engineRetryAttempts");
    const baseMs = setting("engineRetryBaseMs");
    const timeout = setting("engineTimeoutSeconds");
    return {
        apiUrl,
        username,
        password: password!,
        caPem,
        insecure,
        retry: {
            attempts: attempts ?? DEFAULT_RETRY.attempts,
            baseDelayMs: baseMs ?? DEFAULT_RETRY.baseDelayMs,
            maxDelayMs: Math.max(baseMs ?? 0, DEFAULT_RETRY.maxDelayMs),
        },
        defaultTimeoutSeconds: timeout,
        requestTimeoutMs: 60_000,
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Per-process caches, created lazily on globalThis (never captured by closure serialization).

interface TokenEntry {
    token: Promise<{ accessToken: string; expMs?: number }>;
}
interface ProcessCache {
    tokens: Map<string, TokenEntry>;
    agents: Map<string, unknown>;
    warnedInsecure: Set<string>;
    logins: number;
    retries: number;
}

function processCache(): ProcessCache {
    const key = Symbol.for("ovirt-ci.ovirt.client.cache");
    const g = globalThis as unknown as Record<symbol, ProcessCache | undefined>;
    let c = g[key];
    if (!c) {
        c = { tokens: new Map(), agents: new Map(), warnedInsecure: new Set(), logins: 0, retries: 0 };
        g[key] = c;
    }
    return c;
}

/** Forget cached tokens and agents of this process (tests simulate a fresh provider process with it). */
export function resetProcessCache(): void {
    const c = processCache();
    for (const a of c.agents.values()) (a as { destroy?: () => void }).destroy?.();
    c.tokens.clear();
    c.agents.clear();
    c.warnedInsecure.clear();
    c.logins = 0;
    c.retries = 0;
}

/** Number of SSO logins this process performed (diagnostics and tests). */
export function loginCount(): number {
    return processCache().logins;
}

/** Number of retries after transient failures this process made (diagnostics and tests). */
export function retryCount(): number {
    return processCache().retries;
}

/**
 * Counts one retry and logs it on stderr (the CLI shows a provider's stderr lines in its output, so operators and
 * tests see every retry): `ovirt-ci: retry <n>/<max> of <what> in <ms> ms after: <error message>`. The message of
 * an OvirtApiError holds the operation, method, path and the engine's reason, never a token or a password.
 */
export function noteRetry(ep: Endpoint, attempt: number, delayMs: number, err: OvirtApiError): void {
    processCache().retries++;
    console.error(`ovirt-ci: retry ${attempt + 1}/${ep.retry.attempts - 1} in ${delayMs} ms after: ${err.message}`);
}

function engineBase(apiUrl: string): string {
    return apiUrl.replace(/\/ovirt-engine\/api$/, "");
}

export function httpsAgentFor(ep: Endpoint): unknown {
    const c = processCache();
    const key = `${ep.apiUrl}\u0000${ep.insecure}\u0000${ep.caPem ?? ""}`;
    let agent = c.agents.get(key);
    if (!agent) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const https: typeof import("node:https") = require("node:https");
        if (ep.insecure) {
            if (!c.warnedInsecure.has(ep.apiUrl)) {
                c.warnedInsecure.add(ep.apiUrl);
                console.warn(
                    `WARNING: oVirt engine ${ep.apiUrl}: TLS certificate verification is DISABLED (engineInsecure=true). Set ovirt-ci:engineCaPem instead.`,
                );
            }
            agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
        } else {
            agent = new https.Agent({ keepAlive: true, ...(ep.caPem ? { ca: ep.caPem } : {}) });
        }
        c.agents.set(key, agent);
    }
    return agent;
}

function tokenKey(ep: Endpoint): string {
    return `${ep.apiUrl}\u0000${ep.username}`;
}

async function login(ep: Endpoint, operation: string): Promise<{ accessToken: string; expMs?: number }> {
    const { default: axios } = await import("axios");
    const path = "/ovirt-engine/sso/oauth/token";
    const op = `${operation} (login as ${ep.username})`;
    // a login is idempotent: transient failures (network, 502/503/504) are retried like any read
    return withRetries(
        ep,
        async () => {
            processCache().logins++;
            let res: import("axios").AxiosResponse;
            try {
                res = await axios.post(
                    `${engineBase(ep.apiUrl)}${path}`,
                    new URLSearchParams({
                        grant_type: "password",
                        scope: "ovirt-app-api",
                        username: ep.username,
                        password: ep.password,
                    }).toString(),
                    {
                        httpsAgent: httpsAgentFor(ep) as import("node:https").Agent,
                        headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
                        timeout: ep.requestTimeoutMs,
                        validateStatus: () => true,
                    },
                );
            } catch (e) {
                throw networkError(op, "POST", path, e);
            }
            const body = (res.data && typeof res.data === "object" ? res.data : {}) as Record<string, unknown>;
            if (res.status === 200 && typeof body.access_token === "string") {
                const exp = Number(body.exp);
                return { accessToken: body.access_token, expMs: Number.isFinite(exp) && exp > 0 ? exp : undefined };
            }
            // SSO errors: {error_code, error} with scope ovirt-app-api, else {error, error_description}
            const code = String(body.error_code ?? body.error ?? "");
            const msg = String(body.error_code !== undefined ? (body.error ?? "") : (body.error_description ?? ""));
            throw ovirtApiError({
                operation: op,
                method: "POST",
                path,
                httpStatus: res.status,
                reason: code || undefined,
                detail: msg || undefined,
            });
        },
        isTransient,
    );
}

async function getToken(ep: Endpoint, operation: string): Promise<string> {
    const c = processCache();
    const key = tokenKey(ep);
    let entry = c.tokens.get(key);
    if (entry) {
        const t = await entry.token.catch(() => undefined);
        if (t && (t.expMs === undefined || t.expMs > Date.now() + 30_000)) return t.accessToken;
        if (c.tokens.get(key) === entry) c.tokens.delete(key);
    }
    entry = c.tokens.get(key);
    if (!entry) {
        entry = { token: login(ep, operation) };
        c.tokens.set(key, entry);
        const e = entry;
        e.token.catch(() => {
            if (c.tokens.get(key) === e) c.tokens.delete(key);
        });
    }
    return (await entry.token).accessToken;
}

/** Drop the cached token if it is still the one that got a 401 (a concurrent request may have renewed it already). */
async function invalidateToken(ep: Endpoint, token: string): Promise<void> {
    const c = processCache();
    const key = tokenKey(ep);
    const entry = c.tokens.get(key);
    if (!entry) return;
    const t = await entry.token.catch(() => undefined);
    if ((!t || t.accessToken === token) && c.tokens.get(key) === entry) c.tokens.delete(key);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

type Fault = { reason?: unknown; detail?: unknown };

function faultOf(data: unknown): { reason?: string; detail?: string } {
    if (!data || typeof data !== "object") return {};
    const body = data as Fault & { fault?: Fault };
    const f = body.fault && typeof body.fault === "object" ? body.fault : body;
    const s = (v: unknown) =>
        v === undefined || v === null || v === "" ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    return { reason: s(f.reason), detail: s(f.detail) };
}

function networkError(operation: string, method: string, path: string, e: unknown): OvirtApiError {
    const err = e as { code?: string; message?: string };
    // Only code and message: an axios error also carries its request config, which holds the bearer token.
    return ovirtApiError({ operation, method, path, code: err?.code ?? "ERR_NETWORK", message: err?.message });
}

// ---------------------------------------------------------------------------------------------------------------
// Sessions

export interface RequestOptions {
    params?: Record<string, string | number | boolean | undefined>;
    /** Retry transient failures (default true). Creates pass false and look the object up instead. */
    retry?: boolean;
    /** Names the object in errors, e.g. `VM worker-0`. Defaults to the session's object. */
    object?: string;
}

export interface ActionResult {
    status?: string;
    job?: { id?: string };
    [k: string]: unknown;
}

/** One logical operation (create VM x, delete host y): one Correlation-Id, shared token, retries. */
export interface Session {
    readonly endpoint: Endpoint;
    readonly operation: string;
    readonly correlationId: string;
    get<T = Record<string, unknown>>(path: string, opts?: RequestOptions): Promise<T>;
    /** GET, or undefined on 404. */
    find<T = Record<string, unknown>>(path: string, opts?: RequestOptions): Promise<T | undefined>;
    /** POST an add to a collection. Never retried blindly: use `createOrAdopt`. */
    add<T = Record<string, unknown>>(path: string, body: unknown, opts?: RequestOptions): Promise<T>;
    put<T = Record<string, unknown>>(path: string, body: unknown, opts?: RequestOptions): Promise<T>;
    /** POST an action; `{status:"failed", fault}` becomes an OvirtApiError. */
    action(path: string, body?: unknown, opts?: RequestOptions): Promise<ActionResult>;
    /** DELETE; returns false when the object was already gone (404, and with parameters: a GET finds it gone too). */
    remove(path: string, opts?: RequestOptions): Promise<boolean>;
    sleep(ms: number): Promise<void>;
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

/** Bounded exponential backoff with jitter: base·2^n capped, scaled by a random factor in [0.5, 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
    const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
    return Math.round(exp * (0.5 + Math.random() / 2));
}

/**
 * Runs `attempt` until it succeeds, throws an error `retryable` refuses, or the endpoint's attempts are used up;
 * every retry waits {@link backoffDelay} and is counted and logged ({@link noteRetry}). The one retry loop of the
 * client (login, every request, createOrAdopt).
 *
 * Not the `exponential-backoff` package: it offers only full jitter (a delay anywhere in [0, d], so two retries may
 * come at once) and never tells the chosen delay, which the retry log line states and the reliability tier reads.
 */
export async function withRetries<T>(
    ep: Endpoint,
    attempt: () => Promise<T>,
    retryable: (e: OvirtApiError) => boolean,
): Promise<T> {
    for (let n = 0; ; n++) {
        try {
            return await attempt();
        } catch (e) {
            if (!isOvirtApiError(e)) throw e;
            if (!retryable(e) || n + 1 >= ep.retry.attempts) throw withEngineHint(ep, e);
            const delay = backoffDelay(ep.retry, n);
            noteRetry(ep, n, delay, e);
            await sleep(delay);
        }
    }
}

function newCorrelationId(operation: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { randomUUID }: typeof import("node:crypto") = require("node:crypto");
    const prefix = operation
        .toLowerCase()
        .replace(/[^0-9a-z]+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 11);
    return `${prefix}-${randomUUID().replace(/-/g, "")}`.slice(0, 36);
}

export async function openSession(ep: Endpoint, operation: string): Promise<Session> {
    const { default: axios } = await import("axios");
    const correlationId = newCorrelationId(operation);
    const http = axios.create({
        baseURL: ep.apiUrl,
        httpsAgent: httpsAgentFor(ep) as import("node:https").Agent,
        timeout: ep.requestTimeoutMs,
        headers: { Version: "4", Accept: "application/json", "Content-Type": "application/json" },
        validateStatus: () => true,
        maxRedirects: 0,
    });

    async function request(
        method: string,
        path: string,
        data: unknown,
        opts: RequestOptions = {},
    ): Promise<{ status: number; data: unknown }> {
        const retry = opts.retry ?? true;
        const op = opts.object ? `${operation} (${opts.object})` : operation;
        let renewed = false;
        let sent = false; // a failed login has had its own retries
        return withRetries(
            ep,
            async () => {
                for (;;) {
                    sent = false;
                    const token = await getToken(ep, operation);
                    sent = true;
                    let res: import("axios").AxiosResponse;
                    try {
                        res = await http.request({
                            method,
                            url: path,
                            data: data === undefined ? undefined : JSON.stringify(data),
                            params: opts.params,
                            headers: { Authorization: `Bearer ${token}`, "Correlation-Id": correlationId },
                        });
                    } catch (e) {
                        throw networkError(op, method, path, e);
                    }
                    if (res.status === 401 && !renewed) {
                        // Tokens cannot be refreshed: log in again once (like the Python SDK), then give up.
                        renewed = true;
                        await invalidateToken(ep, token);
                        continue;
                    }
                    if (res.status >= 300)
                        throw ovirtApiError({
                            operation: op,
                            method,
                            path,
                            httpStatus: res.status,
                            ...faultOf(res.data),
                        });
                    // axios hands over unparsable JSON as a string; a truncated list read as "nothing found" would
                    // make createOrAdopt post a duplicate, so it is an error (not retried: the caller decides)
                    // only a body that claims to be JSON: the PKI resource answers PEM text on purpose
                    const claimsJson = /json/i.test(String(res.headers?.["content-type"] ?? ""));
                    if (!(claimsJson && typeof res.data === "string" && res.data.trim() !== ""))
                        return { status: res.status, data: res.data as unknown };
                    throw ovirtApiError({
                        operation: op,
                        method,
                        path,
                        httpStatus: res.status,
                        reason: "malformed response",
                        detail: `the engine's answer is not valid JSON (${res.data.length} bytes, starting ${JSON.stringify(res.data.slice(0, 60))})`,
                    });
                }
            },
            (err) => sent && retry && isTransient(err),
        );
    }

    const session: Session = {
        endpoint: ep,
        operation,
        correlationId,
        async get<T>(path: string, opts?: RequestOptions) {
            return (await request("GET", path, undefined, opts)).data as T;
        },
        async find<T>(path: string, opts?: RequestOptions) {
            try {
                return (await request("GET", path, undefined, opts)).data as T;
            } catch (e) {
                if (isNotFound(e)) return undefined;
                throw e;
            }
        },
        async add<T>(path: string, body: unknown, opts?: RequestOptions) {
            return (await request("POST", path, body, { retry: false, ...opts })).data as T;
        },
        async put<T>(path: string, body: unknown, opts?: RequestOptions) {
            return (await request("PUT", path, body, opts)).data as T;
        },
        async action(path: string, body?: unknown, opts?: RequestOptions) {
            const res = await request("POST", path, body ?? {}, opts);
            const data = (res.data ?? {}) as ActionResult;
            if (data.status === "failed") {
                const f = faultOf(data);
                throw ovirtApiError({
                    operation: opts?.object ? `${operation} (${opts.object})` : operation,
                    method: "POST",
                    path,
                    httpStatus: res.status,
                    ...f,
                });
            }
            return data;
        },
        async remove(path: string, opts?: RequestOptions) {
            try {
                await request("DELETE", path, undefined, opts);
                return true;
            } catch (e) {
                if (!isNotFound(e)) throw e;
                // The engine answers 404 "Entity not found" also for a parameter it cannot resolve, e.g. the host of
                // `DELETE /storagedomains/{id}?host=<unknown>` (restapi BackendResource.doGetEntity): the object is
                // gone only when it reads as gone.
                if (opts?.params && (await session.find(path)) !== undefined) throw e;
                return false;
            }
        },
        sleep,
    };
    return session;
}

// ---------------------------------------------------------------------------------------------------------------
// Idempotent create and status waits

/**
 * Find the object first (a previous, interrupted run may have made it); create only when it is absent. A create
 * that fails transiently is never re-sent blindly: the loop looks the object up again before another POST, and
 * a 409 "name in use" also resolves to the object found by name.
 */
export async function createOrAdopt<T>(
    s: Session,
    what: string,
    find: () => Promise<T | undefined>,
    create: () => Promise<T>,
): Promise<{ obj: T; adopted: boolean }> {
    let attemptedCreate = false;
    let creating = false;
    const nameInUse = (e: OvirtApiError) =>
        (e.httpStatus === 409 || e.httpStatus === 400) &&
        /already (in use|exists)|name is already/i.test(`${e.detail ?? ""}`);
    try {
        return await withRetries(
            s.endpoint,
            async () => {
                creating = false; // a failed lookup has had its own retries in the session
                const existing = await find();
                if (existing !== undefined) return { obj: existing, adopted: !attemptedCreate };
                attemptedCreate = creating = true;
                return { obj: await create(), adopted: false };
            },
            (e) => creating && (isTransient(e) || nameInUse(e)),
        );
    } catch (e) {
        if (creating && isOvirtApiError(e) && nameInUse(e)) {
            throw new Error(
                `${what}: the engine says the name is in use, but no matching object was found: ${e.message}`,
                { cause: e },
            );
        }
        throw e;
    }
}

export interface WaitOptions<T> {
    /** Overall budget. */
    timeoutMs: number;
    /** Return a message when the object reached a failure state. */
    failed?: (t: T) => string | undefined | Promise<string | undefined>;
    /** Human description of the current state for the timeout message. */
    describe?: (t: T) => string;
    minIntervalMs?: number;
    maxIntervalMs?: number;
}

/**
 * Polls `path` until the engine no longer has it: a DELETE the engine accepted finishes asynchronously.
 * `what` names the object in a timeout error (`Vm proxy-vm: waiting for removal: timed out ...`).
 */
export async function waitGone(s: Session, what: string, path: string, timeoutMs: number): Promise<void> {
    await waitFor(
        `${what}: waiting for removal`,
        () => s.find(path),
        (x) => x === undefined,
        { timeoutMs },
    );
}

/**
 * Share of the elapsed wait used as the next poll interval. The interval is the worst-case lateness, and the GET that
 * notices the transition adds its own time (more on a busy engine), so 8 % keeps the noticing within the 10 %
 * budget of docs/bench.md (at 10 % a 40 s host install was measured 9.8 % late); it costs ≈ 20 % more GETs per wait.
 */
export const POLL_INTERVAL_SHARE = 0.08;

/**
 * Poll `fetch` until `done`. The interval grows with the elapsed time (`POLL_INTERVAL_SHARE` of it, between 50 ms
 * and 5 s), so a transition that took D is noticed within about 0.08·D, and a long wait does not hammer the engine.
 */
export async function waitFor<T>(
    what: string,
    fetch: () => Promise<T>,
    done: (t: T) => boolean,
    opts: WaitOptions<T>,
): Promise<T> {
    const start = Date.now();
    const minI = opts.minIntervalMs ?? 50;
    const maxI = opts.maxIntervalMs ?? 5000;
    for (;;) {
        const t = await fetch();
        if (done(t)) return t;
        if (opts.failed) {
            const f = await opts.failed(t);
            if (f) throw new Error(`${what}: ${f}`);
        }
        const elapsed = Date.now() - start;
        if (elapsed >= opts.timeoutMs) {
            throw new Error(
                `${what}: timed out after ${Math.round(elapsed / 1000)} s` +
                    (opts.describe ? ` (last seen: ${opts.describe(t)})` : "") +
                    "; raise timeoutSeconds on the resource or ovirt-ci:engineTimeoutSeconds",
            );
        }
        const interval = Math.min(maxI, Math.max(minI, elapsed * POLL_INTERVAL_SHARE));
        await sleep(Math.min(interval, Math.max(0, opts.timeoutMs - elapsed)));
    }
}

/** Timeout for a wait: the resource's `timeoutSeconds`, else provider config, else the kind's default. */
export function timeoutMs(ep: Endpoint, resourceSeconds: number | undefined, kindDefaultSeconds: number): number {
    return 1000 * (resourceSeconds ?? ep.defaultTimeoutSeconds ?? kindDefaultSeconds);
}

export interface EngineEvent {
    index: number;
    severity: string;
    description: string;
    time?: number;
    code?: number;
}

/** The newest event index, used as a marker before a long operation. */
export async function eventMarker(s: Session): Promise<number | undefined> {
    try {
        const body = await s.get("/events", { params: { max: 1 } });
        const ev = decodeList(body, "event")[0];
        return ev ? decodeInt(ev.index ?? ev.id) : undefined;
    } catch {
        return undefined;
    }
}

/** WARNING/ERROR events since `marker` whose references or text match `match`, newest first, at most `max`. */
export async function latestEvents(
    s: Session,
    marker: number | undefined,
    match: (e: Record<string, unknown>) => boolean,
    max = 5,
): Promise<EngineEvent[]> {
    try {
        const body = await s.get("/events", { params: marker !== undefined ? { from: marker } : { max: 100 } });
        return decodeList(body, "event")
            .filter((e) => ["warning", "error", "alert"].includes(String(e.severity)))
            .filter(match)
            .slice(0, max)
            .map((e) => ({
                index: decodeInt(e.index),
                severity: String(e.severity),
                description: decodeString(e.description) ?? "",
                time: e.time as number | undefined,
                code: decodeInt(e.code),
            }));
    } catch {
        return [];
    }
}
