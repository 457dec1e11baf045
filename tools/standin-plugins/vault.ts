/**
 * LOCAL STAND-IN for pulumi-resource-vault 7.8.0 (docs/standin-plugins.md); not the upstream provider.
 * Implements `vault:kv/secretV2:SecretV2` and `vault:index/mount:Mount` against Vault's HTTP API the way the
 * upstream provider does (terraform-provider-vault v5.8.0, bridged; every behaviour below names its source
 * in docs/standin-plugins.md).
 *
 * Provider config: `vault:address` / `vault:token` (and `vault:namespace`), with the upstream fallbacks
 * VAULT_ADDR / VAULT_TOKEN / VAULT_NAMESPACE, then OpenBao's BAO_ADDR / BAO_TOKEN / BAO_NAMESPACE,
 * then the token helper file ~/.vault-token. Like upstream, the token is looked up first and a child token
 * is created from it unless `vault:skipChildToken` is true.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    Props,
    ResourceHandler,
    StandinError,
    changedKeys,
    get,
    hasUnknown,
    pick,
    plain,
    secret,
    serve,
    Failure,
} from "./shared";
import { standinSchema, unsupportedInputFailures } from "./schema";

interface Conn {
    address: string;
    token: string;
    namespace?: string;
}

/** Config booleans arrive as JSON booleans in `args` or as the strings "true"/"false" in `variables`. */
function configBool(key: string, env: string): boolean {
    const v = config.get(key) ?? process.env[env];
    return v === "true" || v === "1";
}

/** The address and the token as configured, before the token lookup (upstream `internal/provider/meta.go`). */
function configured(resourceNamespace?: string): Conn {
    const address = config.get("address") ?? process.env.VAULT_ADDR ?? process.env.BAO_ADDR;
    if (!address) {
        throw new StandinError(
            "no Vault address: set the stack config vault:address, or VAULT_ADDR (BAO_ADDR) in the environment",
        );
    }
    let token = config.get("token") ?? process.env.VAULT_TOKEN ?? process.env.BAO_TOKEN;
    if (!token) {
        const helper = path.join(os.homedir(), ".vault-token");
        if (fs.existsSync(helper)) token = fs.readFileSync(helper, "utf8").trim();
    }
    if (!token) {
        // Upstream: "no vault token set on Client".
        throw new StandinError(
            `no vault token set on Client (Vault at ${address}): set the stack config vault:token (secret), or VAULT_TOKEN (BAO_TOKEN) in the environment`,
        );
    }
    const namespace =
        resourceNamespace ?? config.get("namespace") ?? process.env.VAULT_NAMESPACE ?? process.env.BAO_NAMESPACE;
    return { address: address.replace(/\/+$/, ""), token, namespace: namespace || undefined };
}

const sessions = new Map<string, Promise<Conn>>();

/**
 * The client every resource operation uses, set up once per plugin process like upstream's
 * `ProviderMeta.setClient` (terraform-provider-vault v5.8.0 `internal/provider/meta.go`): the token is looked up
 * (`GET auth/token/lookup-self`; a bad or expired token fails here), then, unless `skipChildToken`
 * (or TERRAFORM_VAULT_SKIP_CHILD_TOKEN) is set, a child token is created (`POST auth/token/create`, display name
 * `tokenName` / VAULT_TOKEN_NAME / "terraform", TTL and explicit max TTL `maxLeaseTtlSeconds` /
 * TERRAFORM_VAULT_MAX_TTL / 1200 s, not renewable) and used for everything after.
 */
function connection(resourceNamespace?: string): Promise<Conn> {
    const conn = configured(resourceNamespace);
    const key = JSON.stringify(conn);
    let session = sessions.get(key);
    if (!session) {
        session = (async () => {
            try {
                await vault(conn, "GET", "auth/token/lookup-self");
            } catch (e) {
                throw new StandinError(`failed to lookup token, err=${(e as Error).message}`);
            }
            if (configBool("skipChildToken", "TERRAFORM_VAULT_SKIP_CHILD_TOKEN")) return conn;
            const ttl = Number(config.get("maxLeaseTtlSeconds") ?? process.env.TERRAFORM_VAULT_MAX_TTL ?? 1200);
            let child: VaultResponse;
            try {
                child = await vault(conn, "POST", "auth/token/create", {
                    display_name: config.get("tokenName") ?? process.env.VAULT_TOKEN_NAME ?? "terraform",
                    ttl: `${ttl}s`,
                    explicit_max_ttl: `${ttl}s`,
                    renewable: false,
                });
            } catch (e) {
                throw new StandinError(`failed to create limited child token: ${(e as Error).message}`);
            }
            const clientToken = (child.body as { auth?: { client_token?: string } } | undefined)?.auth?.client_token;
            if (!clientToken)
                throw new StandinError(
                    `failed to create limited child token: Vault at ${conn.address} returned no auth.client_token`,
                );
            return { ...conn, token: clientToken };
        })();
        sessions.set(key, session);
        // A failed set-up is not cached: the next operation tries again (as upstream, which keeps no client then).
        session.catch(() => sessions.delete(key));
    }
    return session;
}

interface VaultResponse {
    status: number;
    body: { data?: Record<string, unknown>; errors?: string[]; warnings?: string[] } | undefined;
}

/**
 * One Vault HTTP API call. A failed call reads like the Vault Go client's `ResponseError` (hashicorp/vault
 * `api/response.go`, the api module v1.22.0 the provider pins): "Error making API request.", the URL with its
 * method, the code and Vault's errors; never the token.
 */
async function vault(
    conn: Conn,
    method: string,
    apiPath: string,
    body?: unknown,
    okStatuses: number[] = [],
): Promise<VaultResponse> {
    const url = `${conn.address}/v1/${apiPath}`;
    const headers: Record<string, string> = { "X-Vault-Token": conn.token, "X-Vault-Request": "true" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (conn.namespace) headers["X-Vault-Namespace"] = conn.namespace;
    let res: Response;
    try {
        res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
        const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
        throw new StandinError(`${method} ${url}: ${cause}`);
    }
    const text = await res.text();
    let parsed: VaultResponse["body"];
    try {
        parsed = text ? JSON.parse(text) : undefined;
    } catch {
        parsed = undefined;
    }
    if (res.ok || okStatuses.includes(res.status)) return { status: res.status, body: parsed };
    const errors = parsed?.errors;
    const detail = errors ? errors.map((e) => `* ${e}`).join("") : text;
    throw new StandinError(
        `Error making API request.\n\nURL: ${method} ${url}\nCode: ${res.status}. ${errors ? "Errors" : "Raw Message"}:\n\n${detail}`,
    );
}

/** Vault's map values as the strings the upstream `data`/`metadata` outputs hold (non-strings as JSON). */
function stringMap(m: Record<string, unknown> | undefined | null): Record<string, string> {
    return Object.fromEntries(
        Object.entries(m ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

function parseDataJson(dataJson: string): Record<string, unknown> {
    const data = JSON.parse(dataJson) as unknown;
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("not a JSON object");
    return data as Record<string, unknown>;
}

function sameJson(a: string | undefined, b: string | undefined): boolean {
    if (a === b) return true;
    if (a === undefined || b === undefined) return false;
    try {
        return changedKeys({ v: JSON.parse(a) }, { v: JSON.parse(b) }).length === 0;
    } catch {
        return false;
    }
}

// ----- vault:kv/secretV2:SecretV2 --------------------------------------------------------------------

const SECRET_V2 = "vault:kv/secretV2:SecretV2";
const SECRET_V2_INPUTS = [...standinSchema(SECRET_V2).inputs];
const SECRET_V2_REPLACE = standinSchema(SECRET_V2).replacesOnDiff;

interface CustomMetadata {
    maxVersions?: number;
    casRequired?: boolean;
    deleteVersionAfter?: number;
    data?: Record<string, string>;
}

function secretV2Handler(): ResourceHandler {
    const itemPath = (inputs: Props) =>
        `${get<string>(inputs, "mount")!.replace(/^\/+|\/+$/g, "")}/data/${get<string>(inputs, "name")!.replace(/^\/+/, "")}`;
    const metadataPath = (inputs: Props) => itemPath(inputs).replace("/data/", "/metadata/");

    /** Upstream `kvSecretV2Write`: the data (with `cas` and `options` as given), then the custom metadata when set. */
    async function write(inputs: Props): Promise<void> {
        const conn = await connection(get<string>(inputs, "namespace"));
        // Upstream sends `cas` beside `data` and `options` (KV v2 honours a check-and-set only inside `options`).
        const body: Props = {
            data: parseDataJson(get<string>(inputs, "dataJson")!),
            cas: get<number>(inputs, "cas") ?? 0,
            options: get<Record<string, string>>(inputs, "options") ?? {},
        };
        try {
            await vault(conn, "PUT", itemPath(inputs), body);
        } catch (e) {
            throw new StandinError(
                `error writing to path ${JSON.stringify(itemPath(inputs))}, err=${(e as Error).message}`,
            );
        }
        const cm = get<CustomMetadata>(inputs, "customMetadata");
        if (cm) {
            // Only the fields that are set, as upstream's `getCustomMetadata` (GetOk skips zero values).
            const fields: Props = {};
            if (cm.maxVersions) fields.max_versions = cm.maxVersions;
            if (cm.casRequired) fields.cas_required = cm.casRequired;
            if (cm.deleteVersionAfter) fields.delete_version_after = cm.deleteVersionAfter;
            if (cm.data && Object.keys(cm.data).length) fields.custom_metadata = cm.data;
            try {
                await vault(conn, "PUT", metadataPath(inputs), fields);
            } catch (e) {
                throw new StandinError(
                    `error writing custom metadata to ${metadataPath(inputs)}, err=${(e as Error).message}`,
                );
            }
        }
    }

    /**
     * Upstream `kvSecretV2Read` (terraform-provider-vault v5.8.0 `vault/resource_kv_secret_v2.go`): the item's
     * data is never read back (`data` is set to an empty map, `dataJson` keeps the state's value), so a hand edit
     * is invisible to refresh. Only presence and the metadata count: the Go client's `Logical().Read` treats a 404
     * whose body still carries data (a soft-deleted latest version: data null, metadata with a deletion_time) as
     * present, and a bare 404 as gone. When the version metadata has a `custom_metadata` key, the metadata
     * endpoint is read too (needs `read` on `<mount>/metadata/<name>`). Undefined when gone.
     */
    async function readState(inputs: Props, previous: Props): Promise<Props | undefined> {
        const conn = await connection(get<string>(inputs, "namespace"));
        let res: VaultResponse;
        try {
            res = await vault(conn, "GET", itemPath(inputs), undefined, [404]);
        } catch (e) {
            throw new StandinError(`error reading from Vault: ${(e as Error).message}`);
        }
        const payload = res.body?.data;
        const present =
            res.status !== 404 ||
            (payload !== undefined && payload !== null && Object.keys(payload).length > 0) ||
            (res.body?.warnings?.length ?? 0) > 0;
        if (!present) return undefined;
        const versionMetadata = (payload?.metadata ?? undefined) as Record<string, unknown> | undefined;
        let customMetadata: CustomMetadata | undefined = get<CustomMetadata>(previous, "customMetadata");
        if (versionMetadata && "custom_metadata" in versionMetadata) {
            const meta = await vault(conn, "GET", metadataPath(inputs), undefined, [404]);
            const md = meta.status === 404 ? undefined : meta.body?.data;
            if (md) {
                customMetadata = {
                    maxVersions: (md.max_versions as number | undefined) ?? 0,
                    casRequired: (md.cas_required as boolean | undefined) ?? false,
                    deleteVersionAfter:
                        typeof md.delete_version_after === "string" ? parseDuration(md.delete_version_after) : 0,
                    data: stringMap(md.custom_metadata as Record<string, unknown> | null),
                };
            }
        }
        return {
            ...pick(inputs, SECRET_V2_INPUTS),
            path: itemPath(inputs),
            dataJson: secret(get<string>(previous, "dataJson") ?? get<string>(inputs, "dataJson")),
            data: secret({}),
            metadata: versionMetadata ? stringMap(versionMetadata) : {},
            ...(customMetadata ? { customMetadata } : {}),
        };
    }

    /** With `disableRead` upstream sets only `path`, `mount` and `name`; `data` and `metadata` are never filled. */
    function unreadState(inputs: Props, previous: Props): Props {
        return {
            ...pick(inputs, SECRET_V2_INPUTS),
            path: itemPath(inputs),
            dataJson: secret(get<string>(inputs, "dataJson")),
            data: get(previous, "data") ?? secret({}),
            metadata: get(previous, "metadata") ?? {},
        };
    }

    async function writeAndRead(inputs: Props, previous: Props): Promise<Props> {
        await write(inputs);
        if (get<boolean>(inputs, "disableRead")) return unreadState(inputs, previous);
        const state = await readState(inputs, inputs);
        if (!state) throw new StandinError(`Vault item ${itemPath(inputs)} was written but cannot be read back`);
        return state;
    }

    return {
        async check(news) {
            const failures: Failure[] = [];
            for (const k of ["mount", "name"]) {
                const v = plain(news[k]);
                if (!hasUnknown(v) && (typeof v !== "string" || v === ""))
                    failures.push({ property: k, reason: `${k} is required` });
            }
            failures.push(...unsupportedInputFailures(SECRET_V2, news));
            const dj = plain(news.dataJson);
            if (dj === undefined || dj === null) {
                failures.push({ property: "dataJson", reason: "dataJson is required" });
            } else if (!hasUnknown(dj)) {
                try {
                    parseDataJson(dj as string);
                } catch (e) {
                    failures.push({
                        property: "dataJson",
                        reason: `dataJson must be a JSON object: ${(e as Error).message}`,
                    });
                }
            }
            // dataJson holds secrets by nature (upstream marks it sensitive).
            const inputs = { ...news };
            if (inputs.dataJson !== undefined) inputs.dataJson = secret(inputs.dataJson);
            return { inputs, failures };
        },
        async diff(_id, _state, oldInputs, news) {
            const changed = changedKeys(oldInputs, news, SECRET_V2_INPUTS).filter(
                (k) => !(k === "dataJson" && !hasUnknown(news.dataJson) && sameJson(get(oldInputs, k), get(news, k))),
            );
            return { changed, replaces: changed.filter((k) => SECRET_V2_REPLACE.includes(k)) };
        },
        async create(_urn, inputs) {
            return { id: itemPath(inputs), outs: await writeAndRead(inputs, {}) };
        },
        async read(id, state, oldInputs) {
            const inputs = Object.keys(oldInputs).length ? oldInputs : state;
            if (get<boolean>(inputs, "disableRead"))
                return { id, props: state, inputs: pick(inputs, SECRET_V2_INPUTS) };
            const live = await readState(inputs, state);
            if (!live) return undefined;
            return { id, props: live, inputs: pick(inputs, SECRET_V2_INPUTS) };
        },
        async update(_id, oldState, news) {
            return writeAndRead(news, oldState);
        },
        async delete(_id, state) {
            const conn = await connection(get<string>(state, "namespace"));
            // Upstream: delete_all_versions deletes the metadata (every version, needs `delete` on
            // <mount>/metadata/<name>); otherwise the latest version is soft-deleted (`delete` on <mount>/data/<name>).
            const p = get<boolean>(state, "deleteAllVersions") ? metadataPath(state) : itemPath(state);
            try {
                await vault(conn, "DELETE", p);
            } catch (e) {
                throw new StandinError(
                    `error deleting ${JSON.stringify(p)} from Vault: ${JSON.stringify((e as Error).message)}`,
                );
            }
        },
    };
}

function parseDuration(s: string): number {
    let total = 0;
    for (const m of s.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g))
        total += Number(m[1]) * { h: 3600, m: 60, s: 1 }[m[2] as "h" | "m" | "s"];
    return Math.round(total);
}

// ----- vault:index/mount:Mount ------------------------------------------------------------------------

const MOUNT = "vault:index/mount:Mount";
const MOUNT_INPUTS = [...standinSchema(MOUNT).inputs];
const MOUNT_REPLACE = standinSchema(MOUNT).replacesOnDiff;

function mountHandler(): ResourceHandler {
    const mountPath = (inputs: Props) => get<string>(inputs, "path")!.replace(/^\/+|\/+$/g, "");

    async function readState(inputs: Props): Promise<Props | undefined> {
        const conn = await connection(get<string>(inputs, "namespace"));
        const res = await vault(conn, "GET", `sys/mounts/${mountPath(inputs)}`, undefined, [400, 404]);
        const d = res.body?.data;
        if (res.status !== 200 || !d) return undefined;
        const cfg = (d.config ?? {}) as Record<string, unknown>;
        return {
            ...pick(inputs, MOUNT_INPUTS),
            path: mountPath(inputs),
            type: d.type,
            description: d.description ?? "",
            accessor: d.accessor,
            options: d.options ?? undefined,
            local: d.local ?? false,
            sealWrap: d.seal_wrap ?? false,
            externalEntropyAccess: d.external_entropy_access ?? false,
            defaultLeaseTtlSeconds: cfg.default_lease_ttl ?? 0,
            maxLeaseTtlSeconds: cfg.max_lease_ttl ?? 0,
            forceNoCache: cfg.force_no_cache ?? false,
            auditNonHmacRequestKeys: cfg.audit_non_hmac_request_keys ?? [],
            auditNonHmacResponseKeys: cfg.audit_non_hmac_response_keys ?? [],
        };
    }

    const tuneBody = (inputs: Props) => ({
        description: get<string>(inputs, "description") ?? "",
        default_lease_ttl: `${get<number>(inputs, "defaultLeaseTtlSeconds") ?? 0}s`,
        max_lease_ttl: `${get<number>(inputs, "maxLeaseTtlSeconds") ?? 0}s`,
        options: get<Record<string, string>>(inputs, "options"),
    });

    return {
        async check(news) {
            const failures: Failure[] = [];
            for (const k of ["path", "type"]) {
                const v = plain(news[k]);
                if (!hasUnknown(v) && (typeof v !== "string" || v === ""))
                    failures.push({ property: k, reason: `${k} is required` });
            }
            failures.push(...unsupportedInputFailures(MOUNT, news));
            return { inputs: news, failures };
        },
        async diff(_id, _state, oldInputs, news) {
            const changed = changedKeys(oldInputs, news, MOUNT_INPUTS);
            return { changed, replaces: changed.filter((k) => MOUNT_REPLACE.includes(k)) };
        },
        async create(_urn, inputs) {
            const conn = await connection(get<string>(inputs, "namespace"));
            const t = tuneBody(inputs);
            await vault(conn, "POST", `sys/mounts/${mountPath(inputs)}`, {
                type: get<string>(inputs, "type"),
                description: t.description,
                config: { default_lease_ttl: t.default_lease_ttl, max_lease_ttl: t.max_lease_ttl },
                options: t.options,
                local: get<boolean>(inputs, "local") ?? false,
                seal_wrap: get<boolean>(inputs, "sealWrap") ?? false,
                external_entropy_access: get<boolean>(inputs, "externalEntropyAccess") ?? false,
            });
            const state = await readState(inputs);
            if (!state) throw new StandinError(`mount ${mountPath(inputs)} was created but cannot be read back`);
            return { id: mountPath(inputs), outs: state };
        },
        async read(id, state, oldInputs) {
            const inputs = Object.keys(oldInputs).length ? oldInputs : state;
            const live = await readState(inputs);
            return live ? { id, props: live, inputs: pick(inputs, MOUNT_INPUTS) } : undefined;
        },
        async update(id, _state, news) {
            const conn = await connection(get<string>(news, "namespace"));
            await vault(conn, "POST", `sys/mounts/${mountPath(news)}/tune`, tuneBody(news));
            const state = await readState(news);
            if (!state) throw new StandinError(`mount ${id} was tuned but cannot be read back`);
            return state;
        },
        async delete(_id, state) {
            await vault(await connection(get<string>(state, "namespace")), "DELETE", `sys/mounts/${mountPath(state)}`);
        },
    };
}

// Started last: the handlers above use module constants.
const config = serve({
    name: "vault",
    version: "7.8.0",
    resources: {
        [SECRET_V2]: secretV2Handler(),
        [MOUNT]: mountHandler(),
    },
});
