/**
 * The named string formats of the config schema (`format: "<name>"` in ./configSchema), declared once: each is
 * registered with TypeBox's `FormatRegistry` (so `Value.Errors`/the compiled checker test it) and says what is wrong
 * with a bad value, which lib/config/schemaProblems.ts turns into the "what; got; Fix:" message.
 *
 * Dependency-free apart from ./ip, so that ./configSchema (which ./leaseModel imports) can import it.
 */
import { FormatRegistry } from "@sinclair/typebox";
import { explainBadCidr, isIpv4, parseIpv4Cidr } from "./ip";

/** What a format says of a bad value: the problem, and the fix when the format knows it better than the key. */
export type FormatVerdict = string | { readonly problem: string; readonly fix: string };

/** One named format. */
export interface ConfigFormat {
    /** The problem with `value`, or undefined when it has the format. `engineObject` names the kind of an engine object. */
    readonly explain: (value: string, options: { readonly engineObject?: string }) => FormatVerdict | undefined;
    /** What a message shows of a bad value (default: the value itself). */
    readonly shown?: (value: string) => string;
}

/** `{n}` → the lease number, `{nn}` → the number zero-padded to two digits. */
export function expandPattern(pattern: string, n: number): string {
    return pattern.replaceAll("{nn}", String(n).padStart(2, "0")).replaceAll("{n}", String(n));
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const HOST_NAME =
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** What the engine accepts as the name of a data center, cluster, host, network or storage domain. */
const OVIRT_NAME = /^[A-Za-z0-9_.-]{1,50}$/;
const LINUX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
/** IFNAMSIZ is 16 bytes with the terminating NUL. */
const LINUX_IFNAME = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;

const when = (bad: boolean, verdict: FormatVerdict) => (bad ? verdict : undefined);

/**
 * A name pattern holds `{n}` (or `{nn}`), else every lease gets the same name; then `expanded` checks what the
 * pattern gives. The fixes quote the key's default (`{default}`).
 */
function perLease(sharing: string, expanded: (value: string) => FormatVerdict | undefined): ConfigFormat["explain"] {
    return (value) =>
        !value.includes("{n}") && !value.includes("{nn}")
            ? { problem: `does not contain {n}: ${sharing}`, fix: 'add the lease number, e.g. "{default}"' }
            : expanded(value);
}

/** A name pattern whose expansion (for lease `sample`) names an engine object of `kind`. */
function engineNamePattern(sharing: string, sample: number, kind: string): ConfigFormat {
    return {
        explain: perLease(sharing, (v) =>
            when(!OVIRT_NAME.test(expandPattern(v, sample)), {
                problem: `gives an invalid ${kind} name`,
                fix: 'use letters, digits, "_", "-", ".", e.g. "{default}"',
            }),
        ),
    };
}

/** Every named format of the schema. */
export const CONFIG_FORMATS = {
    url: {
        explain: (v) => {
            try {
                new URL(v);
                return undefined;
            } catch {
                return "is not a URL";
            }
        },
    },
    "engine-login": {
        explain: (v) => when(!/^[^@\s]+@[^@\s]+$/.test(v), "must be user@domain (the engine's profile suffix)"),
    },
    /** Empty = the system trust store. */
    "pem-certificate": {
        explain: (v) =>
            when(
                v !== "" && !/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(v),
                "is not a PEM certificate",
            ),
        shown: (v) => `${v.slice(0, 40)}…`,
    },
    "dns-domain": {
        explain: (v) => when(!DNS_NAME.test(v), "is not a lowercase DNS domain (no trailing dot, no scheme)"),
    },
    "ovirt-name": {
        explain: (v, o) =>
            when(!OVIRT_NAME.test(v), {
                problem: `is not a valid ${o.engineObject} name (letters, digits, "_", "-", ".", at most 50 characters)`,
                fix: `use the ${o.engineObject} name exactly as the engine shows it`,
            }),
    },
    "ipv4-cidr": {
        explain: (v) => when(!parseIpv4Cidr(v), `is not a valid IPv4 CIDR: it ${explainBadCidr(v)}`),
    },
    ipv4: { explain: (v) => when(!isIpv4(v), "is not an IPv4 address") },
    /** An FQDN or IPv4 address (a name of digits and dots only is a malformed address, not a name). */
    host: {
        explain: (v) =>
            when(
                !(isIpv4(v) || (HOST_NAME.test(v) && !/^[0-9.]+$/.test(v))),
                "is neither an IPv4 address nor a host name",
            ),
    },
    "linux-user": { explain: (v) => when(!LINUX_USER.test(v), "is not a valid Linux user name") },
    "linux-ifname": { explain: (v) => when(!LINUX_IFNAME.test(v), "is not a Linux interface name") },
    "cluster-name-pattern": {
        explain: perLease("every lease would get the same name", (v) => {
            const sample = expandPattern(v, 10);
            if (sample.includes("-"))
                return {
                    problem: `gives cluster names with a dash (${sample}); the PR finder matches VMs by the part of the name before the first "-" (docs/ci-contract.md sections 11, 14)`,
                    fix: 'remove the dash, e.g. "{default}"',
                };
            return when(!/^[a-z][a-z0-9]*$/.test(sample), {
                problem: `gives ${JSON.stringify(sample)}, not a lowercase DNS label without "-" or ";"`,
                fix: 'use lowercase letters and digits only, e.g. "{default}"',
            });
        }),
    },
    "network-name-pattern": engineNamePattern("every lease would get the same name", 10, "oVirt network"),
    "interface-name-pattern": {
        explain: perLease("every lease would get the same name", (v) =>
            when(!/^[a-z][a-z0-9_-]{0,10}$/.test(expandPattern(v, 10)), {
                problem: "gives an invalid Linux interface name (at most 15 characters with the lease number)",
                fix: 'use a short prefix, e.g. "{default}"',
            }),
        ),
    },
    "export-path-pattern": {
        explain: perLease("every upgrade lease would share it", (v) =>
            when(!v.startsWith("/") || v.endsWith("/") || /\s|:/.test(v), {
                problem: "is not an absolute export path (starts with /, no trailing /, no spaces or colons)",
                fix: 'write e.g. "{default}"',
            }),
        ),
    },
    "storage-domain-name-pattern": engineNamePattern("every upgrade lease would share it", 1, "storage domain"),
} satisfies Record<string, ConfigFormat>;

/** Name of a format of {@link CONFIG_FORMATS}. */
export type ConfigFormatName = keyof typeof CONFIG_FORMATS;

for (const [name, format] of Object.entries(CONFIG_FORMATS) as [string, ConfigFormat][]) {
    FormatRegistry.Set(name, (value) => format.explain(value, {}) === undefined);
}
