/**
 * Keys of the CI profile item that the program does not render survive its writes (issue "keys we do not own").
 *
 * `vault.kv.SecretV2` writes the item whole: a key missing from `dataJson` is missing from the new latest version,
 * which the CI syncs into every job. So the program reads the live item just before it writes (`CiSecrets`, once every
 * rendered value is known) and writes the keys it does not own back unchanged (merge at write time, chosen over
 * refusing: an operator's `insights-live.yaml` needs no config change and no second run).
 *
 * Owned keys, which the program removes when it no longer renders them: lease files `ovirt-N.json` and
 * `ovirt-upgrade-N.json` (a scale-down removes them), `ovirt.conf`, `ssh-publickey`, `ssh-privatekey`,
 * `send-event-to-ovirt.sh`, the `secretsync/*` keys, the configured extra files, and `pull-secret` only when the stack
 * writes it (`ciProfile.pullSecret`): with `false` a `pull-secret` in the item is the platform's or the operator's and
 * is kept as it is.
 *
 * Races, honestly: the read is the last thing before the write (it runs when the item's inputs resolve, right
 * before the provider writes), so the window is that of one Pulumi step, not the whole `up`. A key added by hand
 * inside that window is not in the new latest version; KV v2 keeps it in the previous version
 * (`vault kv get -version=<n>`), and the next `up` does not bring it back by itself. KV v2's check-and-set cannot
 * close the window here: the version would have to be a resource input, which changes with every write and would
 * make every `up` rewrite the item.
 */
import * as pulumi from "@pulumi/pulumi";
import { readItem, VaultAccess } from "../scripts/vaultDrift";
import { PROFILE_FILES, SYNC_KEYS } from "./ciSecrets";

const LEASE_FILE = /^ovirt-(upgrade-)?[1-9][0-9]*\.json$/;

/** Whether the program owns `key` (writes it, or removes it when it no longer renders it). */
export function ownsKey(key: string, writesPullSecret: boolean, extraFiles: readonly string[] = []): boolean {
    if (key === PROFILE_FILES.pullSecret) return writesPullSecret;
    return (
        LEASE_FILE.test(key) ||
        (Object.values(PROFILE_FILES) as string[]).includes(key) ||
        (Object.values(SYNC_KEYS) as string[]).includes(key) ||
        extraFiles.includes(key)
    );
}

/** The live item's keys the program does not own, with their values (what the next write carries over). */
export function foreignKeys(
    live: Readonly<Record<string, unknown>>,
    writesPullSecret: boolean,
    extraFiles: readonly string[] = [],
): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(live)) {
        if (ownsKey(key, writesPullSecret, extraFiles)) continue;
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

/** The rendered item with the live item's foreign keys added (rendered keys win; keys sorted, as rendered). */
export function mergeForeignKeys(
    rendered: Readonly<Record<string, string>>,
    foreign: Readonly<Record<string, string>>,
): Record<string, string> {
    const all: Record<string, string> = { ...foreign, ...rendered };
    return Object.fromEntries(
        Object.keys(all)
            .sort()
            .map((k) => [k, all[k]]),
    );
}

/**
 * Reads the live item's data: `{}` when there is no item (first `up`, or deleted); throws naming the path and the fix
 * when Vault cannot be read (writing without knowing the foreign keys could drop them).
 */
export async function readLiveItem(access: VaultAccess, mount: string, path: string): Promise<Record<string, unknown>> {
    try {
        const r = await readItem(access, mount, path);
        return r.found === "present" ? r.data : {};
    } catch (e) {
        throw new Error(
            `CiSecrets: cannot read the live item ${mount}/${path} to keep the keys the program does not write: ` +
                `${(e as Error).message}. Nothing was written.`,
            { cause: e },
        );
    }
}

/** The Vault connection the vault provider uses: `vault:address`/`vault:token`/`vault:namespace`, else the environment. */
export function providerAccess(
    config: { address?: string; namespace?: string },
    token: string | undefined,
    env: NodeJS.ProcessEnv = process.env,
): VaultAccess | undefined {
    const address = config.address || env.VAULT_ADDR;
    const tok = token || env.VAULT_TOKEN;
    if (!address || !tok) return undefined;
    const namespace = config.namespace || env.VAULT_NAMESPACE;
    return { address, token: tok, ...(namespace ? { namespace } : {}) };
}

/** Where the item is, whether the stack writes `pull-secret`, and how the vault provider is configured. */
export interface ForeignKeyKeeperArgs {
    readonly mount: string;
    readonly path: string;
    readonly writesPullSecret: boolean;
    readonly extraFiles?: readonly string[];
    /** `vault:address` and `vault:namespace` of the stack (the provider falls back to the environment, so do we). */
    readonly provider: { address?: string; namespace?: string };
    /** `vault:token` (secret). */
    readonly token: pulumi.Input<string | undefined>;
}

/**
 * `CiSecrets`' `keepForeignKeys`: the rendered item merged with the live item's foreign keys. Without any Vault
 * address or token (the program's mock tests) nothing is read: the vault provider could not write either.
 */
export function foreignKeyKeeper(
    args: ForeignKeyKeeperArgs,
): (rendered: Record<string, string>) => pulumi.Output<Record<string, string>> {
    return (rendered) =>
        pulumi.output(args.token).apply(async (token) => {
            const access = providerAccess(args.provider, token);
            if (!access) return rendered;
            const live = await readLiveItem(access, args.mount, args.path);
            return mergeForeignKeys(rendered, foreignKeys(live, args.writesPullSecret, args.extraFiles));
        });
}
