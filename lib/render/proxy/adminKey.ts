/**
 * The rotation of the proxy's admin key, through the running VM (a cloud-init change would replace the VM). Standard
 * input: the new public key line, then, while rotating, the previous key's public line ({@link adminKeyStdin}). The
 * script keeps every other line of the admin user's authorized_keys (on the live proxy that is root's, holding the
 * operators' own keys), drops the previous key and any earlier line marked `ovirt-ci-admin`, and appends the new key
 * with that mark, atomically (sshd never reads a half-written file). It runs as the connecting user without sudo (it
 * edits that user's own file), over a connection made with the key the VM still accepts; every other command then
 * logs in with the new key. Re-running it with the same keys changes nothing. Deleting it leaves the file as it is
 * (the VM stays reachable).
 */
import { utils as sshUtils } from "ssh2";
import type { ProxyTarget } from "../../proxy/target";
import { shellQuote } from "../shell";
import { at } from "./paths";
import { ScriptPair, wrap } from "./script";

/** The comment that marks ovirt-ci's admin key line in the admin user's authorized_keys. */
export const ADMIN_KEY_MARK = "ovirt-ci-admin";

/** Where the admin user's authorized_keys lives on this target (`~/…`: the connecting user's home). */
export function adminAuthorizedKeysFile(target: Pick<ProxyTarget, "rootDir" | "authorizedKeysFile">): string {
    const file = target.authorizedKeysFile;
    return file.startsWith("~/") ? file : at(target, file);
}

/** The rotation's step (see the module comment). */
export function adminKeyScripts(target: Pick<ProxyTarget, "rootDir" | "authorizedKeysFile">): ScriptPair {
    const file = adminAuthorizedKeysFile(target);
    // "~/" expands only unquoted: keep it outside the quotes, quote the rest.
    const f = file.startsWith("~/") ? `"$HOME"/${shellQuote(file.slice(2))}` : shellQuote(file);
    const isKey = (v: string, what: string) =>
        `case "${v}" in ssh-*|ecdsa-*|sk-*) ;; *) echo "${what} on stdin is not one OpenSSH public key line" >&2; exit 1;; esac\n`;
    const script =
        `input="$(cat)"\n` +
        `if [ "$(printf '%s\\n' "$input" | wc -l)" -gt 2 ]; then echo "the new admin key on stdin has more than one line (and the previous key)" >&2; exit 1; fi\n` +
        `key="$(printf '%s\\n' "$input" | sed -n 1p)"; previous="$(printf '%s\\n' "$input" | sed -n 2p)"\n` +
        isKey("$key", "the new admin key") +
        `if [ -n "$previous" ]; then ${isKey("$previous", "the previous admin key").trim()}; fi\n` +
        `set -- $key; line="$1 $2 ${ADMIN_KEY_MARK}"; blob="$2"\n` +
        // the previous key's pattern as positional parameters: an unquoted optional word would be split by the shell
        `if [ -n "$previous" ]; then set -- $previous; set -- -e " $2"; else set --; fi\n` +
        `f=${f}\nmkdir -p "$(dirname "$f")"\nchmod 700 "$(dirname "$f")"\n` +
        `(umask 077; { if [ -f "$f" ]; then grep -v -F -e " $blob" -e " ${ADMIN_KEY_MARK}" "$@" "$f" || true; fi; printf '%s\\n' "$line"; } > "$f.new")\n` +
        `if cmp -s "$f.new" "$f"; then rm -f "$f.new"; else mv -f "$f.new" "$f"; echo "admin key installed"; fi\n`;
    return { create: wrap({ sudo: false }, script), delete: wrap({ sudo: false }, "true\n") };
}

/**
 * The rotation script's standard input: the new public key line, and the public line of the previous private key
 * while rotating (derived here with ssh2's key parser, so the previous key's own line is dropped from the VM's file).
 */
export function adminKeyStdin(publicKey: string, previousPrivateKey?: string): string {
    if (!previousPrivateKey) return `${publicKey.trim()}\n`;
    const parsed = sshUtils.parseKey(previousPrivateKey);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key instanceof Error || !key) {
        throw new Error(
            "ovirt-ci:proxyAdminSshPreviousPrivateKey is not an OpenSSH or PEM private key the rotation can read; set it to the private key the proxy accepts now",
        );
    }
    return `${publicKey.trim()}\n${key.type} ${key.getPublicSSH().toString("base64")}\n`;
}
