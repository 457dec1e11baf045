/**
 * Which resources hold data or running jobs, and what the operator writes to replace or remove one on purpose.
 *
 * The proxy VM (router, DHCP and DNS of every lease), the hosts, the main storage domain, the upgrade storage domains
 * and the Vault item are protected: Pulumi's `protect` option (shown by `pulumi stack export`) refuses their delete,
 * and the oVirt kinds refuse a replacing change already in `diff`, so in `pulumi preview`, naming the field and the way
 * out (providers/ovirt/kind.ts, `refuseProtectedReplace`). The opt-in is per resource, in `ovirt-ci:allowReplace`;
 * an upgrade storage domain is formatted on removal only when `ovirt-ci:formatUpgradeStorage` names its lease too.
 */

/** The `allowReplace` entries of the single protected resources; hosts are `host:<name>`, upgrade leases by name. */
export const PROTECTED_ENTRIES = Object.freeze({
    proxyVm: "proxyVm",
    mainStorageDomain: "mainStorageDomain",
    vaultItem: "vaultItem",
});

/** The `allowReplace` entry of a host. */
export function hostEntry(hostName: string): string {
    return `host:${hostName}`;
}

/** What one entry of `allowReplace` may be. */
export const ALLOW_REPLACE_ENTRY =
    /^(proxyVm|mainStorageDomain|vaultItem|host:[A-Za-z0-9_.-]+|ovirt-upgrade-[1-9][0-9]*)$/;
/** What one entry of `formatUpgradeStorage` may be. */
export const FORMAT_ENTRY = /^ovirt-upgrade-[1-9][0-9]*$/;

/** The resource option and the guard input of one protected resource. */
export interface Protection {
    /** Pulumi's `protect` resource option: false only when the operator opted in. */
    readonly protect: boolean;
    /** The kinds' guard input (`protection`): the way out a refused replace names; absent when opted in. */
    readonly protection?: string;
}

/** How the resource with `allowReplace` entry `entry` is protected under the stack's `allowReplace`. */
export function protectionOf(allowReplace: readonly string[], entry: string): Protection {
    if (allowReplace.includes(entry)) return { protect: false };
    return {
        protect: true,
        protection:
            `add "${entry}" to ovirt-ci:allowReplace and run \`pulumi up\` once (it unprotects only that resource), ` +
            'then make the change (docs/operator.md, "Replacing or removing a protected resource")',
    };
}

/** Whether the storage domain of upgrade lease `leaseName` is formatted when it is removed or replaced. */
export function formatsOnRemove(formatUpgradeStorage: readonly string[], leaseName: string): boolean {
    return formatUpgradeStorage.includes(leaseName);
}

/**
 * Problems of the two keys (pure: `lib/config.ts` reports them): each entry's form, and every `formatUpgradeStorage`
 * lease also in `allowReplace` (formatting is the second half of a removal the operator already allowed).
 */
export function protectionProblems(
    allowReplace: unknown,
    formatUpgradeStorage: unknown,
): { key: string; value: unknown; problem: string; fix: string }[] {
    const out: { key: string; value: unknown; problem: string; fix: string }[] = [];
    const list = (key: string, v: unknown, form: RegExp, forms: string): v is string[] => {
        if (Array.isArray(v) && v.every((x) => typeof x === "string" && form.test(x))) return true;
        const bad = Array.isArray(v) ? v.filter((x) => typeof x !== "string" || !form.test(x)) : v;
        out.push({
            key,
            value: v,
            problem: `must be a list of ${forms}; not one: ${JSON.stringify(bad)}`,
            fix: `write e.g. ${key === "allowReplace" ? "[proxyVm]" : "[ovirt-upgrade-3]"}, or remove the key`,
        });
        return false;
    };
    const okAllow = list(
        "allowReplace",
        allowReplace,
        ALLOW_REPLACE_ENTRY,
        "proxyVm, mainStorageDomain, vaultItem, host:<host name> or ovirt-upgrade-N",
    );
    const okFormat = list(
        "formatUpgradeStorage",
        formatUpgradeStorage,
        FORMAT_ENTRY,
        "upgrade lease names ovirt-upgrade-N",
    );
    if (okAllow && okFormat) {
        const missing = (formatUpgradeStorage as string[]).filter((n) => !(allowReplace as string[]).includes(n));
        if (missing.length > 0) {
            out.push({
                key: "formatUpgradeStorage",
                value: formatUpgradeStorage,
                problem: `names ${missing.join(", ")}, which allowReplace does not list (a protected domain is never removed, so never formatted)`,
                fix: `add ${missing.join(", ")} to allowReplace too, or remove them here`,
            });
        }
    }
    return out;
}
