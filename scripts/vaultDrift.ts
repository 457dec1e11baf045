/**
 * Drift of the Vault items (`vault.kv.SecretV2`), which Pulumi cannot see: the real vault provider (v5 of
 * terraform-provider-vault) never reads an item's data back, and the program sets `disableRead` (docs/standin-plugins.md),
 * so `pulumi preview --refresh` reports no hand edit or deletion of the CI profile item. `npm run drift` calls
 * {@link checkVaultItems} with the stack's resources (`pulumi stack export --show-secrets`, kept in memory only):
 * each item's data as the last `up` wrote it; the Vault address and token come from the stack's current config
 * (`pulumi config --show-secrets`), else the provider's recorded inputs, else VAULT_ADDR / VAULT_TOKEN. It reads each item through the Vault HTTP API and compares every key by SHA-256 digest; the report
 * names keys, never values. A program change not applied yet is the preview's part of the report (an update of the
 * item), so together the two say whether Vault holds what the program writes.
 */
import { createHash } from "node:crypto";

/** The type token of the items this check covers. */
export const SECRET_V2 = "vault:kv/secretV2:SecretV2";

/** What one item's comparison found; key names only. */
export interface VaultItemDrift {
    /** Resource name in the stack. */
    readonly name: string;
    /** `<mount>/<name>` in Vault. */
    readonly path: string;
    /** `present`; `soft-deleted` (latest version deleted, older ones kept); `absent` (no item). */
    readonly found: "present" | "soft-deleted" | "absent";
    readonly missing: string[];
    readonly changed: string[];
    readonly extra: string[];
}

/** The Vault part of the drift report. */
export interface VaultDriftResult {
    readonly items: VaultItemDrift[];
    /** Why the check could not run (exit 2), with the fix. */
    readonly failed?: string;
}

/** Vault connection of one item. */
export interface VaultAccess {
    readonly address: string;
    readonly token: string;
    readonly namespace?: string;
}

/** A resource of `pulumi stack export --show-secrets` (its `deployment.resources`). */
export interface ExportedResource {
    urn: string;
    type: string;
    id?: string;
    inputs?: Record<string, unknown>;
    /** `<provider urn>::<provider id>`. */
    provider?: string;
}

/** Pulumi's marker of a secret in an exported state; `--show-secrets` adds its `plaintext` (JSON text). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

const digest = (v: string) => createHash("sha256").update(v).digest("hex");

/** Compares by digest: keys the program writes that Vault lacks, holds with another value, or holds besides. */
export function compareItem(
    expected: Record<string, string>,
    found: Record<string, unknown>,
): Pick<VaultItemDrift, "missing" | "changed" | "extra"> {
    const foundText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    const missing = Object.keys(expected)
        .filter((k) => !(k in found))
        .sort();
    const changed = Object.keys(expected)
        .filter((k) => k in found && digest(expected[k]) !== digest(foundText(found[k])))
        .sort();
    const extra = Object.keys(found)
        .filter((k) => !(k in expected))
        .sort();
    return { missing, changed, extra };
}

/** An error of this check: the message names the thing, the bad value and the fix; never a token or a value. */
export class VaultCheckError extends Error {}

async function call(
    access: VaultAccess,
    apiPath: string,
): Promise<{ status: number; body: { data?: Record<string, unknown> | null; errors?: string[] } | undefined }> {
    const headers: Record<string, string> = { "X-Vault-Token": access.token, "X-Vault-Request": "true" };
    if (access.namespace) headers["X-Vault-Namespace"] = access.namespace;
    let res: Response;
    try {
        res = await fetch(`${access.address.replace(/\/+$/, "")}/v1/${apiPath}`, { headers });
    } catch (e) {
        const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
        throw new VaultCheckError(
            `Vault at ${access.address} is unreachable (GET /v1/${apiPath}: ${cause}); check vault:address and the network`,
        );
    }
    const text = await res.text();
    let body;
    try {
        body = text ? JSON.parse(text) : undefined;
    } catch {
        body = undefined;
    }
    return { status: res.status, body };
}

/**
 * Reads `<mount>/data/<name>`: the data, or how it is missing. A refused read is told apart: a token Vault does not
 * know (or that expired) fails its own lookup; a valid token without `read` on the path names that capability.
 */
export async function readItem(
    access: VaultAccess,
    mount: string,
    name: string,
): Promise<{ found: VaultItemDrift["found"]; data: Record<string, unknown> }> {
    const apiPath = `${mount}/data/${name}`;
    const r = await call(access, apiPath);
    if (r.status === 200)
        return { found: "present", data: (r.body?.data?.data as Record<string, unknown> | null) ?? {} };
    if (r.status === 404) return { found: r.body?.data ? "soft-deleted" : "absent", data: {} };
    const why = r.body?.errors?.join("; ") || `HTTP ${r.status}`;
    if (r.status === 403) {
        const self = await call(access, "auth/token/lookup-self");
        if (self.status !== 200) {
            throw new VaultCheckError(
                `the Vault token for ${access.address} is invalid or expired (auth/token/lookup-self: ${self.body?.errors?.join("; ") || `HTTP ${self.status}`}); ` +
                    "log in again and set it: pulumi config set --secret vault:token (or VAULT_TOKEN)",
            );
        }
        throw new VaultCheckError(
            `the Vault token may not read ${apiPath} (${why}): it needs the "read" capability on ${apiPath}, which the CI's secret collection grants its members (local/ci-secret-collection-policy.hcl); use a token of the collection`,
        );
    }
    throw new VaultCheckError(`reading ${apiPath} from Vault at ${access.address} failed: ${why}`);
}

/** A value of an exported state, its secret unwrapped (`--show-secrets`); undefined when not a string. */
function plainString(v: unknown): string | undefined {
    if (v && typeof v === "object" && SECRET_SIG in (v as object)) {
        const text = (v as { plaintext?: string }).plaintext;
        if (text === undefined) return undefined;
        v = JSON.parse(text) as unknown;
    }
    return typeof v === "string" ? v : undefined;
}

/** The stack's current `vault:*` config (`pulumi config --json --show-secrets`): key without prefix → value. */
export type VaultConfig = Readonly<Partial<Record<"address" | "token" | "namespace", string>>>;

/**
 * The Vault connection: the stack's current config (what the next `up` uses), else the item's provider inputs as the
 * last `up` recorded them, else the environment (as the provider falls back).
 */
export function accessFor(
    resources: readonly ExportedResource[],
    item: ExportedResource,
    config: VaultConfig = {},
    env: NodeJS.ProcessEnv = process.env,
): VaultAccess {
    const ref = item.provider ?? "";
    const cut = ref.lastIndexOf("::");
    const provider = resources.find((r) => r.urn === ref.slice(0, cut) && r.id === ref.slice(cut + 2))?.inputs ?? {};
    const address = config.address ?? plainString(provider.address) ?? env.VAULT_ADDR ?? env.BAO_ADDR;
    const token = config.token ?? plainString(provider.token) ?? env.VAULT_TOKEN ?? env.BAO_TOKEN;
    const namespace =
        plainString(item.inputs?.namespace) ??
        config.namespace ??
        plainString(provider.namespace) ??
        env.VAULT_NAMESPACE;
    if (!address)
        throw new VaultCheckError(
            "no Vault address for the drift check: set vault:address in the stack config (or VAULT_ADDR)",
        );
    if (!token)
        throw new VaultCheckError(
            `no Vault token for ${address}: set it with pulumi config set --secret vault:token (or VAULT_TOKEN)`,
        );
    return { address, token, ...(namespace ? { namespace } : {}) };
}

/**
 * Compares every Vault item of an exported stack (`--show-secrets`: plain secrets, kept in memory) with Vault; only
 * key names leave this function.
 */
export async function checkVaultItems(
    resources: readonly ExportedResource[],
    config: VaultConfig = {},
    env: NodeJS.ProcessEnv = process.env,
): Promise<VaultDriftResult> {
    const items: VaultItemDrift[] = [];
    try {
        for (const r of resources) {
            if (r.type !== SECRET_V2) continue;
            const name = r.urn.split("::").slice(3).join("::");
            const mount = plainString(r.inputs?.mount);
            const itemName = plainString(r.inputs?.name);
            const dataJson = plainString(r.inputs?.dataJson);
            if (!mount || !itemName || dataJson === undefined) {
                throw new VaultCheckError(
                    `the state has no data of Vault item ${name} (mount, name or dataJson missing); run pulumi up first`,
                );
            }
            const expected = JSON.parse(dataJson) as Record<string, unknown>;
            const expectedText = Object.fromEntries(
                Object.entries(expected).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
            );
            const got = await readItem(accessFor(resources, r, config, env), mount, itemName);
            items.push({
                name,
                path: `${mount}/${itemName}`,
                found: got.found,
                ...compareItem(expectedText, got.data),
            });
        }
    } catch (e) {
        if (e instanceof VaultCheckError) return { items, failed: e.message };
        throw e;
    }
    return { items };
}

/** Whether an item drifted. */
export function itemDrifted(i: VaultItemDrift): boolean {
    return i.found !== "present" || i.missing.length + i.changed.length + i.extra.length > 0;
}

/** Report lines (key names only); empty when the stack has no item. */
export function renderVaultDrift(items: readonly VaultItemDrift[]): string {
    const drifted = items.filter(itemDrifted);
    if (drifted.length === 0)
        return items.length
            ? `drift: ${items.length} Vault item${items.length === 1 ? "" : "s"}: every key as the last up wrote it\n`
            : "";
    const lines = [
        `drift: ${drifted.length} Vault item${drifted.length === 1 ? "" : "s"} drifted (compared by digest; values are never shown)`,
    ];
    for (const i of drifted) {
        lines.push(`  ${SECRET_V2} ${i.name} (${i.path})`);
        if (i.found === "absent") lines.push("    the item is missing from Vault");
        if (i.found === "soft-deleted") lines.push("    its latest version is deleted (older versions remain)");
        if (i.missing.length) lines.push(`    missing keys: ${i.missing.join(", ")}`);
        if (i.changed.length) lines.push(`    changed keys: ${i.changed.join(", ")}`);
        if (i.extra.length) lines.push(`    extra keys: ${i.extra.join(", ")}`);
    }
    lines.push(
        "",
        "Fix: a plain `pulumi up` cannot see this either; `pulumi up --replace <urn of the item>` writes it again.",
    );
    return `${lines.join("\n")}\n`;
}
