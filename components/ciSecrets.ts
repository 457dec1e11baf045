import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { OvirtConfInputs, renderOvirtConf, OvirtConfValues } from "../lib/render/ovirtConf";
import { renderSendEventScript } from "../lib/render/sendEvent";
import { PROTECTED_ENTRIES, protectionOf } from "../lib/protection";
import { DEFAULT_VAULT } from "../lib/config";

/** File names (Vault keys) of the profile besides the lease files (`docs/ci-contract.md` section 3). */
export const PROFILE_FILES = Object.freeze({
    ovirtConf: "ovirt.conf",
    pullSecret: "pull-secret",
    sshPublicKey: "ssh-publickey",
    sshPrivateKey: "ssh-privatekey",
    sendEvent: "send-event-to-ovirt.sh",
});

/** The sync keys (`docs/ci-contract.md` section 2.1); dropped from the synced Secret. */
export const SYNC_KEYS = Object.freeze({
    targetNamespace: "secretsync/target-namespace",
    targetName: "secretsync/target-name",
    targetClusters: "secretsync/target-clusters",
});

/** Arguments for {@link CiSecrets}. */
export interface CiSecretsArgs {
    /**
     * KV v2 mount.
     * @default "kv"
     */
    readonly mount?: pulumi.Input<string>;
    /**
     * Item path under the mount.
     * @default "selfservice/ovirt/cluster-secrets-ovirt"
     */
    readonly path?: pulumi.Input<string>;
    /**
     * `secretsync/target-namespace`.
     * @default "ci"
     */
    readonly targetNamespace?: pulumi.Input<string>;
    /**
     * `secretsync/target-name`; must be `cluster-secrets-<profile>`.
     * @default "cluster-secrets-ovirt"
     */
    readonly targetName?: pulumi.Input<string>;
    /** `secretsync/target-clusters`; absent or empty = the key is not written (all build clusters). */
    readonly targetClusters?: pulumi.Input<string>;
    /** Install lease files: `ovirt-N.json` → JSON text (see `renderLeaseFile`). */
    readonly leaseFiles: Readonly<Record<string, pulumi.Input<string>>>;
    /** Upgrade lease files: `ovirt-upgrade-N.json` → JSON text. Defaults to none. */
    readonly upgradeLeaseFiles?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Values of `ovirt.conf`; the password should be a secret Output. */
    readonly ovirtConf: OvirtConfInputs;
    /** `pull-secret`; absent = the key is not written (open point 3: the platform may seed it). */
    readonly pullSecret?: pulumi.Input<string>;
    /** `ssh-publickey`. */
    readonly sshPublicKey: pulumi.Input<string>;
    /** `ssh-privatekey`. */
    readonly sshPrivateKey: pulumi.Input<string>;
    /**
     * `send-event-to-ovirt.sh`.
     * @default renderSendEventScript()
     */
    readonly sendEventScript?: pulumi.Input<string>;
    /** Further files (e.g. `insights-live.yaml`); must not collide with the keys above. */
    readonly extraFiles?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * What the write keeps besides the rendered keys: given the rendered item, the data to write (the rendered keys
     * plus the live item's keys the program does not own: components/vaultForeignKeys.ts). Absent = the rendered item.
     */
    readonly keepForeignKeys?: (rendered: Record<string, string>) => pulumi.Input<Record<string, string>>;
    /** `ovirt-ci:allowReplace`: the item is protected unless it lists `vaultItem` (lib/protection.ts). */
    readonly allowReplace?: readonly string[];
}

const LEASE_FILE = /^ovirt-[1-9][0-9]*\.json$/;
const UPGRADE_LEASE_FILE = /^ovirt-upgrade-[1-9][0-9]*\.json$/;
const VAULT_KEY = /^[A-Za-z0-9._-]+$/;

/** {@link CiSecretsArgs} with every value resolved: what {@link profileItemData} renders the item from. */
export interface ProfileValues {
    readonly leaseFiles: Readonly<Record<string, string>>;
    readonly upgradeLeaseFiles?: Readonly<Record<string, string>>;
    readonly ovirtConf: OvirtConfValues;
    readonly pullSecret?: string;
    readonly sshPublicKey: string;
    readonly sshPrivateKey: string;
    readonly sendEventScript?: string;
    readonly extraFiles?: Readonly<Record<string, string>>;
    readonly targetNamespace?: string;
    readonly targetName?: string;
    readonly targetClusters?: string;
}

/**
 * The profile's file names (Vault keys) in the order they are added, each checked; throws `problem(message)` for a
 * bad or doubled name. Only names: the component checks them when it is constructed, before any value is known.
 */
function profileFileNames(
    args: Pick<CiSecretsArgs, "leaseFiles" | "upgradeLeaseFiles" | "pullSecret" | "extraFiles">,
    problem: (m: string) => Error,
): string[] {
    const names: string[] = [];
    const add = (key: string) => {
        if (!VAULT_KEY.test(key)) throw problem(`${JSON.stringify(key)} is not a valid file name / Vault key`);
        if (names.includes(key)) throw problem(`file ${key} is given twice`);
        names.push(key);
    };
    for (const file of Object.keys(args.leaseFiles)) {
        if (!LEASE_FILE.test(file)) throw problem(`lease file ${JSON.stringify(file)} must be named ovirt-N.json`);
        add(file);
    }
    if (Object.keys(args.leaseFiles).length === 0)
        throw problem("leaseFiles is empty; the profile needs at least one ovirt-N.json");
    for (const file of Object.keys(args.upgradeLeaseFiles ?? {})) {
        if (!UPGRADE_LEASE_FILE.test(file))
            throw problem(`upgrade lease file ${JSON.stringify(file)} must be named ovirt-upgrade-N.json`);
        add(file);
    }
    add(PROFILE_FILES.ovirtConf);
    if (args.pullSecret !== undefined) add(PROFILE_FILES.pullSecret);
    add(PROFILE_FILES.sshPublicKey);
    add(PROFILE_FILES.sshPrivateKey);
    add(PROFILE_FILES.sendEvent);
    for (const file of Object.keys(args.extraFiles ?? {})) add(file);
    return names;
}

/**
 * The item's data (`dataJson`) from resolved values: every file and the sync keys, keys sorted. The component writes
 * exactly this; `npm run doctor` compares the item in Vault with it.
 */
export function profileItemData(name: string, v: ProfileValues): Record<string, string> {
    const files: Record<string, string> = {
        ...v.leaseFiles,
        ...v.upgradeLeaseFiles,
        [PROFILE_FILES.ovirtConf]: renderOvirtConf(v.ovirtConf),
        ...(v.pullSecret !== undefined ? { [PROFILE_FILES.pullSecret]: v.pullSecret } : {}),
        [PROFILE_FILES.sshPublicKey]: v.sshPublicKey,
        [PROFILE_FILES.sshPrivateKey]: v.sshPrivateKey,
        [PROFILE_FILES.sendEvent]: v.sendEventScript ?? renderSendEventScript(),
        ...v.extraFiles,
    };
    const out: Record<string, string> = {};
    for (const key of profileFileNames(v, (m) => new Error(`CiSecrets "${name}": ${m}`))) {
        // The CI documentation asks for secret values longer than 3 characters (they are censored from logs).
        if (typeof files[key] !== "string" || files[key].length <= 3) {
            throw new Error(
                `CiSecrets "${name}": file ${key} is empty or too short (CI requires values longer than 3 characters)`,
            );
        }
        out[key] = files[key];
    }
    const targetName = v.targetName ?? DEFAULT_VAULT.targetName;
    if (!/^cluster-secrets-[a-z0-9-]+$/.test(targetName)) {
        throw new Error(
            `CiSecrets "${name}": targetName must be cluster-secrets-<profile>, got ${JSON.stringify(targetName)}`,
        );
    }
    out[SYNC_KEYS.targetNamespace] = v.targetNamespace ?? DEFAULT_VAULT.targetNamespace;
    out[SYNC_KEYS.targetName] = targetName;
    if (v.targetClusters) {
        out[SYNC_KEYS.targetClusters] = v.targetClusters;
    }
    // Sorted keys: a stable JSON text, so reordering inputs never shows as a diff.
    return Object.fromEntries(
        Object.keys(out)
            .sort()
            .map((key) => [key, out[key]]),
    );
}

/**
 * The CI cluster profile: one Vault KV v2 item whose keys are the files OpenShift CI mounts into every oVirt job
 * (`docs/ci-contract.md` sections 2–6, 14), plus the two `secretsync/*` keys. The whole `dataJson` is a secret.
 */
export class CiSecrets extends pulumi.ComponentResource {
    /** `<mount>/<path>`, e.g. `kv/selfservice/ovirt/cluster-secrets-ovirt`. */
    public readonly itemPath: pulumi.Output<string>;
    /** The Vault keys written (file names and sync keys), sorted; not secret. */
    public readonly keys: pulumi.Output<string[]>;
    /** The underlying Vault item. */
    public readonly secret: vault.kv.SecretV2;

    constructor(name: string, args: CiSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ovirt-ci:ciSecrets:CiSecrets", name, {}, opts);
        const fileKeys = profileFileNames(
            args,
            (m) => new pulumi.ResourceError(`CiSecrets "${name}": ${m}`, this),
        ).sort();
        const { mount: _mount, path: _path, allowReplace: _allowReplace, keepForeignKeys, ...values } = args;
        const rendered = pulumi.output(values).apply((v) => profileItemData(name, v as unknown as ProfileValues));
        const data = keepForeignKeys ? rendered.apply((r) => keepForeignKeys(r)) : rendered;

        const mount = args.mount ?? DEFAULT_VAULT.mount;
        const path = args.path ?? DEFAULT_VAULT.path;
        this.secret = new vault.kv.SecretV2(
            `${name}-item`,
            {
                mount,
                name: path,
                dataJson: pulumi.secret(pulumi.jsonStringify(data)),
                // The CI collection's token may not read the item's metadata, which the provider's read does
                // whenever Vault reports custom metadata; the read never compares the data anyway (provider v5), so
                // `npm run drift` checks the item through the Vault API instead (docs/standin-plugins.md).
                disableRead: true,
                // The token may delete only through the metadata path (every version), not soft-delete a version.
                deleteAllVersions: true,
            },
            // A new path claims the same keys for the same synced Secret (the CI's Vault proxy refuses keys another item
            // still claims), and a replace of the same path would delete every version just written: the old item goes first.
            // Protected (lib/protection.ts): a new mount or path would delete every version of the item CI syncs.
            {
                parent: this,
                deleteBeforeReplace: true,
                protect: protectionOf(args.allowReplace ?? [], PROTECTED_ENTRIES.vaultItem).protect,
            },
        );
        this.itemPath = pulumi.interpolate`${mount}/${path}`;
        this.keys = pulumi
            .output(args.targetClusters ?? DEFAULT_VAULT.targetClusters)
            .apply((tc) =>
                [
                    ...fileKeys,
                    SYNC_KEYS.targetNamespace,
                    SYNC_KEYS.targetName,
                    ...(tc ? [SYNC_KEYS.targetClusters] : []),
                ].sort(),
            );
        this.registerOutputs({ itemPath: this.itemPath, keys: this.keys });
    }
}
