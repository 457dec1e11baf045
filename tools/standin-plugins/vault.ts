/**
 * LOCAL STAND-IN for pulumi-resource-vault 7.8.0 (docs/standin-plugins.md); not the upstream provider.
 * Implements `vault:kv/secretV2:SecretV2` and `vault:index/mount:Mount` against Vault's HTTP API, as the
 * upstream provider (terraform-provider-vault, bridged) documents them.
 *
 * Provider config: `vault:address` / `vault:token` (and `vault:namespace`), with the upstream fallbacks
 * VAULT_ADDR / VAULT_TOKEN / VAULT_NAMESPACE, then OpenBao's BAO_ADDR / BAO_TOKEN / BAO_NAMESPACE,
 * then the token helper file ~/.vault-token. The token is sent as is (no child token is created).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    Props, ResourceHandler, StandinError, changedKeys, get, hasUnknown, pick, plain, secret, serve, Failure,
} from "./shared";


interface Conn {
    address: string;
    token: string;
    namespace?: string;
}

function connection(resourceNamespace?: string): Conn {
    const address = config.get("address") ?? process.env.VAULT_ADDR ?? process.env.BAO_ADDR;
    if (!address) {
        throw new StandinError("no Vault address: set the stack config vault:address, or VAULT_ADDR (BAO_ADDR) in the environment");
    }
    let token = config.get("token") ?? process.env.VAULT_TOKEN ?? process.env.BAO_TOKEN;
    if (!token) {
        const helper = path.join(os.homedir(), ".vault-token");
        if (fs.existsSync(helper)) token = fs.readFileSync(helper, "utf8").trim();
    }
    if (!token) {
        throw new StandinError(`no Vault token for ${address}: set the stack config vault:token (secret), or VAULT_TOKEN (BAO_TOKEN) in the environment`);
    }
    const namespace = resourceNamespace ?? config.get("namespace") ?? process.env.VAULT_NAMESPACE ?? process.env.BAO_NAMESPACE;
    return { address: address.replace(/\/+$/, ""), token, namespace: namespace || undefined };
}

interface VaultResponse {
    status: number;
    body: { data?: Record<string, unknown>; errors?: string[] } | undefined;
}

/** One Vault HTTP API call. Errors name the address, method, path and Vault's own error text, never the token. */
async function vault(conn: Conn, method: string, apiPath: string, body?: unknown, okStatuses: number[] = []): Promise<VaultResponse> {
    const url = `${conn.address}/v1/${apiPath}`;
    const headers: Record<string, string> = { "X-Vault-Token": conn.token, "X-Vault-Request": "true" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (conn.namespace) headers["X-Vault-Namespace"] = conn.namespace;
    let res: Response;
    try {
        res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
        const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
        throw new StandinError(`Vault at ${conn.address}: ${method} /v1/${apiPath} failed: ${cause}`);
    }
    const text = await res.text();
    let parsed: VaultResponse["body"];
    try {
        parsed = text ? JSON.parse(text) : undefined;
    } catch {
        parsed = undefined;
    }
    if (res.ok || okStatuses.includes(res.status)) return { status: res.status, body: parsed };
    const detail = parsed?.errors?.length ? parsed.errors.join("; ") : text.trim().slice(0, 500) || res.statusText;
    throw new StandinError(`Vault at ${conn.address}: ${method} /v1/${apiPath}: HTTP ${res.status}: ${detail}`);
}

/** Vault's map values as the strings the upstream `data`/`metadata` outputs hold (non-strings as JSON). */
function stringMap(m: Record<string, unknown> | undefined | null): Record<string, string> {
    return Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
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

const SECRET_V2_INPUTS = ["mount", "name", "namespace", "dataJson", "cas", "deleteAllVersions", "disableRead", "customMetadata", "options"];
const SECRET_V2_REPLACE = ["mount", "name", "namespace"];

interface CustomMetadata {
    maxVersions?: number;
    casRequired?: boolean;
    deleteVersionAfter?: number;
    data?: Record<string, string>;
}

function secretV2Handler(): ResourceHandler {
    const itemPath = (inputs: Props) => `${get<string>(inputs, "mount")!.replace(/^\/+|\/+$/g, "")}/data/${get<string>(inputs, "name")!.replace(/^\/+/, "")}`;
    const metadataPath = (inputs: Props) => itemPath(inputs).replace("/data/", "/metadata/");

    async function write(inputs: Props): Promise<void> {
        const conn = connection(get<string>(inputs, "namespace"));
        const body: Props = { data: parseDataJson(get<string>(inputs, "dataJson")!) };
        const options: Props = { ...(get<Record<string, string>>(inputs, "options") ?? {}) };
        const cas = get<number>(inputs, "cas");
        if (cas !== undefined) options.cas = cas;
        if (Object.keys(options).length) body.options = options;
        await vault(conn, "POST", itemPath(inputs), body);
        const cm = get<CustomMetadata>(inputs, "customMetadata");
        if (cm) {
            await vault(conn, "POST", metadataPath(inputs), {
                max_versions: cm.maxVersions ?? 0,
                cas_required: cm.casRequired ?? false,
                delete_version_after: `${cm.deleteVersionAfter ?? 0}s`,
                custom_metadata: cm.data ?? {},
            });
        }
    }

    /** The state from Vault, or undefined when the item (its latest version) is gone. */
    async function readState(inputs: Props, previous: Props): Promise<Props | undefined> {
        const conn = connection(get<string>(inputs, "namespace"));
        const res = await vault(conn, "GET", itemPath(inputs), undefined, [404]);
        const data = res.body?.data?.data as Record<string, unknown> | null | undefined;
        if (res.status === 404 || !data) return undefined;
        const meta = await vault(conn, "GET", metadataPath(inputs), undefined, [404]);
        const md = meta.body?.data ?? {};
        const deleteAfter = typeof md.delete_version_after === "string" ? parseDuration(md.delete_version_after) : 0;
        const customMetadata: CustomMetadata = {
            maxVersions: (md.max_versions as number | undefined) ?? 0,
            casRequired: (md.cas_required as boolean | undefined) ?? false,
            deleteVersionAfter: deleteAfter,
            data: stringMap(md.custom_metadata as Record<string, unknown> | null),
        };
        // Keep the program's own JSON text when Vault holds the same data (upstream suppresses
        // JSON-equivalent differences), so a refresh without drift changes nothing.
        const previousJson = get<string>(previous, "dataJson");
        const liveJson = JSON.stringify(data);
        const dataJson = previousJson !== undefined && sameJson(previousJson, liveJson) ? previousJson : liveJson;
        return {
            ...pick(inputs, SECRET_V2_INPUTS),
            path: itemPath(inputs),
            dataJson: secret(dataJson),
            data: secret(stringMap(data)),
            metadata: stringMap(res.body?.data?.metadata as Record<string, unknown>),
            customMetadata,
        };
    }

    return {
        async check(news) {
            const failures: Failure[] = [];
            for (const k of ["mount", "name"]) {
                const v = plain(news[k]);
                if (!hasUnknown(v) && (typeof v !== "string" || v === "")) failures.push({ property: k, reason: `${k} is required` });
            }
            if (news.dataJsonWo !== undefined) {
                failures.push({ property: "dataJsonWo", reason: "write-only dataJsonWo is not implemented by the local stand-in plugin (docs/standin-plugins.md); use dataJson" });
            }
            const dj = plain(news.dataJson);
            if (dj === undefined || dj === null) {
                failures.push({ property: "dataJson", reason: "dataJson is required" });
            } else if (!hasUnknown(dj)) {
                try {
                    parseDataJson(dj as string);
                } catch (e) {
                    failures.push({ property: "dataJson", reason: `dataJson must be a JSON object: ${(e as Error).message}` });
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
            await write(inputs);
            const state = await readState(inputs, inputs);
            if (!state) throw new StandinError(`Vault item ${itemPath(inputs)} was written but cannot be read back`);
            return { id: itemPath(inputs), outs: state };
        },
        async read(id, state, oldInputs) {
            const inputs = Object.keys(oldInputs).length ? oldInputs : state;
            if (get<boolean>(inputs, "disableRead")) return { id, props: state, inputs: pick(inputs, SECRET_V2_INPUTS) };
            const live = await readState(inputs, state);
            if (!live) return undefined;
            return { id, props: live, inputs: { ...pick(inputs, SECRET_V2_INPUTS), dataJson: live.dataJson } };
        },
        async update(id, _state, news) {
            await write(news);
            const state = await readState(news, news);
            if (!state) throw new StandinError(`Vault item ${id} was written but cannot be read back`);
            return state;
        },
        async delete(_id, state) {
            const conn = connection(get<string>(state, "namespace"));
            // Upstream: delete_all_versions removes the metadata and every version; otherwise the latest
            // version is soft-deleted (it reads as 404 afterwards, its older versions stay).
            const p = get<boolean>(state, "deleteAllVersions") ? metadataPath(state) : itemPath(state);
            await vault(conn, "DELETE", p, undefined, [404]);
        },
    };
}

function parseDuration(s: string): number {
    let total = 0;
    for (const m of s.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) total += Number(m[1]) * { h: 3600, m: 60, s: 1 }[m[2] as "h" | "m" | "s"];
    return Math.round(total);
}

// ----- vault:index/mount:Mount ------------------------------------------------------------------------

const MOUNT_INPUTS = ["path", "type", "description", "options", "defaultLeaseTtlSeconds", "maxLeaseTtlSeconds", "local", "sealWrap", "externalEntropyAccess", "namespace"];
const MOUNT_REPLACE = ["path", "type", "local", "sealWrap", "externalEntropyAccess", "namespace"];

function mountHandler(): ResourceHandler {
    const mountPath = (inputs: Props) => get<string>(inputs, "path")!.replace(/^\/+|\/+$/g, "");

    async function readState(inputs: Props): Promise<Props | undefined> {
        const conn = connection(get<string>(inputs, "namespace"));
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
                if (!hasUnknown(v) && (typeof v !== "string" || v === "")) failures.push({ property: k, reason: `${k} is required` });
            }
            return { inputs: news, failures };
        },
        async diff(_id, _state, oldInputs, news) {
            const changed = changedKeys(oldInputs, news, MOUNT_INPUTS);
            return { changed, replaces: changed.filter((k) => MOUNT_REPLACE.includes(k)) };
        },
        async create(_urn, inputs) {
            const conn = connection(get<string>(inputs, "namespace"));
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
            const conn = connection(get<string>(news, "namespace"));
            await vault(conn, "POST", `sys/mounts/${mountPath(news)}/tune`, tuneBody(news));
            const state = await readState(news);
            if (!state) throw new StandinError(`mount ${id} was tuned but cannot be read back`);
            return state;
        },
        async delete(_id, state) {
            await vault(connection(get<string>(state, "namespace")), "DELETE", `sys/mounts/${mountPath(state)}`);
        },
    };
}

// Started last: the handlers above use module constants.
const config = serve({
    name: "vault",
    version: "7.8.0",
    resources: {
        "vault:kv/secretV2:SecretV2": secretV2Handler(),
        "vault:index/mount:Mount": mountHandler(),
    },
});
