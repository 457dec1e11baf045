/**
 * The secret keys' values: checked for their form without ever showing them (a problem shows only their shape).
 */
import { CONFIG_KEYS } from "../configSchema";
import { ConfigProblem } from "./problems";

function secretShape(v: string): string {
    return `[secret, ${v.length} characters${/[\r\n]/.test(v) ? ", with line breaks" : ""}]`;
}

const SSH_PUBLIC_KEY =
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const SSH_PRIVATE_KEY =
    /^-----BEGIN (OPENSSH|RSA|EC|DSA)? ?PRIVATE KEY-----\r?\n[\s\S]+\n-----END (OPENSSH|RSA|EC|DSA)? ?PRIVATE KEY-----\s*$/;

/**
 * Validates the secret values (present ones; missing ones are reported by the caller). Problems never carry the
 * value, only {@link secretShape}. A public key must be one line (a line break would add a second, unreviewed key to
 * the proxy VM's and the clusters' authorized_keys), the private key a PEM/OpenSSH block, the pull secret JSON with
 * an `auths` map (the installer's format), the engine password free of control characters.
 */
export function validateSecretValues(values: Record<string, unknown>, wantPullSecret = true): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    const add = (key: string, v: string, problem: string, fix: string) =>
        out.push({ key, value: secretShape(v), problem, fix });
    const str = (k: string) =>
        typeof values[k] === "string" ? (values[k] as string) : values[k] === undefined ? undefined : String(values[k]);
    for (const key of ["enginePassword", "ciEnginePassword"]) {
        const pw = str(key);
        if (pw === undefined) continue;
        if (pw === "") add(key, pw, "is empty", `run: pulumi config set --secret ${key} (it prompts)`);
        // eslint-disable-next-line no-control-regex
        else if (/[\x00-\x1f\x7f]/.test(pw))
            add(
                key,
                pw,
                "contains a control character (line break, tab, NUL, ...), which no engine login accepts",
                `set it again without the trailing newline: pulumi config set --secret ${key} (it prompts)`,
            );
    }
    for (const key of ["sshPublicKey", "proxyAdminSshPublicKey"]) {
        const pub = str(key);
        if (pub !== undefined && !SSH_PUBLIC_KEY.test(pub.replace(/\r?\n$/, ""))) {
            add(
                key,
                pub,
                "is not one OpenSSH public key line (type, base64 key, optional comment; a line break would authorize a second key)",
                `run: pulumi config set --secret ${key} < id_ed25519.pub`,
            );
        }
    }
    for (const key of ["sshPrivateKey", "proxyAdminSshPrivateKey", "proxyAdminSshPreviousPrivateKey"]) {
        const priv = str(key);
        if (priv !== undefined && !SSH_PRIVATE_KEY.test(priv)) {
            add(
                key,
                priv,
                "is not a PEM or OpenSSH private key block (-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----)",
                `run: pulumi config set --secret ${key} < id_ed25519`,
            );
        }
    }
    // The CI key pair is in the Vault item every oVirt CI job mounts: it must not also be the proxy's admin login.
    const keyBlob = (k: string) => str(k)?.trim().split(/\s+/)[1];
    const ciBlob = keyBlob("sshPublicKey");
    if (ciBlob && ciBlob === keyBlob("proxyAdminSshPublicKey")) {
        add(
            "proxyAdminSshPublicKey",
            str("proxyAdminSshPublicKey")!,
            "is the CI jobs' key (sshPublicKey, in the Vault item every CI job mounts): any job could log in to the proxy as its admin",
            "generate a key pair for ovirt-ci alone (ssh-keygen -t ed25519 -f proxy-admin), set proxyAdminSshPublicKey/proxyAdminSshPrivateKey from it and rotate (docs/operator.md)",
        );
    }
    const ps = str("pullSecret");
    if (ps !== undefined && wantPullSecret) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(ps);
        } catch {
            parsed = undefined;
        }
        const auths = parsed && typeof parsed === "object" ? (parsed as { auths?: unknown }).auths : undefined;
        if (!auths || typeof auths !== "object" || Array.isArray(auths)) {
            add(
                "pullSecret",
                ps,
                'is not a pull secret: JSON of the form {"auths": {"<registry>": {"auth": "..."}}}',
                "run: pulumi config set --secret pullSecret < pull-secret.json (the file from console.redhat.com)",
            );
        }
    }
    return out;
}

/**
 * The value of an unknown top-level key is not shown by {@link loadConfig}: it may be a secret under a mistyped name
 * (`pulumi config set --secret sshPrivatKey`), which the program receives decrypted. Its length still helps.
 */
export function hideUnknownValue(problem: ConfigProblem): ConfigProblem {
    const known = CONFIG_KEYS.some((k) => k.key === problem.key) || /[.[]/.test(problem.key);
    return known || problem.value === undefined
        ? problem
        : {
              ...problem,
              value: `[not shown: an unknown key may hold a secret; ${String(problem.value).length} characters]`,
          };
}
