/**
 * The doctor's Vault checks: the CI profile item (KV v2, read with one GET) has exactly the keys the program writes
 * and each value equals what the program would write now (`profileItemData` of components/ciSecrets.ts, from the
 * stack config and the engine's ids). Values are compared by SHA-256 digest and never printed, not even the digest.
 */
import { createHash } from "node:crypto";
import { profileItemData } from "../../../components/ciSecrets";
import { renderSendEventScript, sendEventOptionsFromConfig } from "../../../lib/render/sendEvent";
import { leases as deriveLeases, upgradeLeases as deriveUpgradeLeases } from "../../../lib/leaseModel";
import { renderLeaseFile, renderUpgradeLeaseFile } from "../../../lib/render/leaseFile";
import { ovirtConfFromConfig } from "../../../lib/render/ovirtConf";
import { ownsKey } from "../../../components/vaultForeignKeys";
import type { DoctorContext } from "./context";
import type { EngineFacts } from "./engine";
import { CheckResult, Verdict, fail, guarded, ok } from "./report";

const digest = (v: string) => createHash("sha256").update(v).digest("hex");

/** The item's `data` (KV v2 `GET /v1/<mount>/data/<path>`); undefined when the item does not exist. */
export async function readProfileItem(ctx: DoctorContext): Promise<Record<string, string> | undefined> {
    const { mount, path } = ctx.config.vault;
    const url = `${ctx.vaultAddress.replace(/\/+$/, "")}/v1/${mount}/data/${path}`;
    const res = await fetch(url, {
        headers: { "X-Vault-Token": ctx.secrets.vaultToken },
        signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`Vault ${ctx.vaultAddress} answered HTTP ${res.status} for ${mount}/${path}`);
    const body = (await res.json()) as { data?: { data?: Record<string, string> | null } };
    return body.data?.data ?? undefined;
}

/** What the program writes, given the engine's ids; upgrade domain ids by lease name (absent = not on the engine). */
export function expectedProfile(
    ctx: DoctorContext,
    facts: EngineFacts,
    upgradeDomainIds: ReadonlyMap<string, string>,
): Record<string, string> {
    const c = ctx.config;
    const ids = { clusterId: facts.clusterId, storageDomainId: facts.mainStorageDomainId };
    // the profile holds every lease of the stack, whichever the doctor was asked about
    const leases = deriveLeases(c.leases, c);
    const upgradeLeases = deriveUpgradeLeases(c.upgradeLeases, c.upgradeStorage);
    return profileItemData("ci-profile", {
        leaseFiles: Object.fromEntries(leases.map((l) => [l.fileName, renderLeaseFile(l, ids)])),
        upgradeLeaseFiles: Object.fromEntries(
            upgradeLeases
                .filter((u) => upgradeDomainIds.has(u.name))
                .map((u) => [u.fileName, renderUpgradeLeaseFile(upgradeDomainIds.get(u.name)!)]),
        ),
        ovirtConf: ovirtConfFromConfig(c, ctx.secrets.ciEnginePassword, ids),
        ...(ctx.secrets.pullSecret !== undefined ? { pullSecret: ctx.secrets.pullSecret } : {}),
        sshPublicKey: ctx.secrets.sshPublicKey,
        sshPrivateKey: ctx.secrets.sshPrivateKey,
        sendEventScript: renderSendEventScript(sendEventOptionsFromConfig(c)),
        targetNamespace: c.vault.targetNamespace,
        targetName: c.vault.targetName,
        targetClusters: c.vault.targetClusters,
    });
}

function compareKey(
    ctx: DoctorContext,
    item: Record<string, string> | undefined,
    expected: Record<string, string>,
    key: string,
): Verdict {
    const where = `${ctx.config.vault.mount}/${ctx.config.vault.path}`;
    const want = `key ${key} in ${where}, equal to what the program writes`;
    const fix = `run \`pulumi up --refresh --stack ${ctx.stack}\` (rewrites the item), then the doctor again`;
    if (!item) return fail(want, `no item ${where}`, fix);
    if (!(key in expected))
        return fail(
            want,
            "the program would not write it (its storage domain is missing on the engine)",
            "fix the engine check first",
        );
    if (!(key in item)) return fail(want, "the key is missing", fix);
    if (digest(item[key]) !== digest(expected[key]))
        return fail(want, "the value differs (compared by digest; not shown)", fix);
    return ok(want, `${key} equal to what the program writes (by digest)`);
}

/**
 * The Vault checks: once for the profile (the key set, and every key that is not a lease file), and per lease its
 * file. `item` and `expected` are promises so every check reports its own "could not check".
 */
export async function vaultChecks(
    ctx: DoctorContext,
    item: Promise<Record<string, string> | undefined>,
    expected: Promise<Record<string, string>>,
): Promise<CheckResult[]> {
    const fix = `check that Vault ${ctx.vaultAddress} answers and vault:token of stack ${ctx.stack} can read ${ctx.config.vault.mount}/${ctx.config.vault.path}, and the engine checks`;
    const out: CheckResult[] = [];
    out.push(
        await guarded("profile", "vault.keys", "exactly the keys the program writes", fix, async () => {
            const [have, want] = [await item, await expected];
            const where = `${ctx.config.vault.mount}/${ctx.config.vault.path}`;
            if (!have) return fail(`item ${where}`, "no such item", `run \`pulumi up --refresh --stack ${ctx.stack}\``);
            const missing = Object.keys(want).filter((k) => !(k in have));
            // keys the program does not own (insights-live.yaml, ...) are kept by every up: not a fault
            const extra = Object.keys(have).filter(
                (k) => !(k in want) && ownsKey(k, ctx.secrets.pullSecret !== undefined),
            );
            if (missing.length || extra.length) {
                return fail(
                    "exactly the keys the program writes",
                    [
                        missing.length ? `missing ${missing.join(", ")}` : "",
                        extra.length ? `not written by the program ${extra.join(", ")}` : "",
                    ]
                        .filter(Boolean)
                        .join("; "),
                    `run \`pulumi up --refresh --stack ${ctx.stack}\` (it removes the keys it owns but no longer writes; keys it does not own are kept)`,
                );
            }
            return ok(
                "exactly the keys the program writes",
                `${Object.keys(have).length} keys, as the program writes them`,
            );
        }),
    );
    const common = Object.keys(await expected.catch(() => ({}) as Record<string, string>)).filter(
        (k) => !/^ovirt-(upgrade-)?\d+\.json$/.test(k),
    );
    for (const key of common.length ? common : ["ovirt.conf"]) {
        out.push(
            await guarded("profile", `vault.${key}`, `key ${key}`, fix, async () =>
                compareKey(ctx, await item, await expected, key),
            ),
        );
    }
    for (const l of ctx.leases)
        out.push(
            await guarded(l.name, "vault.file", `key ${l.fileName}`, fix, async () =>
                compareKey(ctx, await item, await expected, l.fileName),
            ),
        );
    for (const u of ctx.upgradeLeases)
        out.push(
            await guarded(u.name, "vault.file", `key ${u.fileName}`, fix, async () =>
                compareKey(ctx, await item, await expected, u.fileName),
            ),
        );
    return out;
}
