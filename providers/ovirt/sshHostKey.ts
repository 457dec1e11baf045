/**
 * `SshHostKey`: the proxy VM's SSH host key, recorded on first contact and kept in the state (issue 26, "the proxy's
 * host key is pinned"). Every configuration command then pins it (pulumi-command's `connection.hostKey`), so a
 * server that answers later with another key is refused before anything runs (docs/operator.md, "Credentials").
 *
 * `create` connects to the new VM's sshd, takes the host key from the key exchange (ssh2's `hostVerifier`) and
 * rejects the connection there: nothing authenticates, no credential is offered, no command runs. It retries until
 * the sshd answers (the guest agent reports the address before the sshd starts). `read` returns the recorded key
 * unchanged: a refresh must never learn a changed key, or pinning would follow whoever answers. `update` (another
 * address or port of the same VM) keeps the key; another VM (`vmId`) records anew. `delete` forgets it.
 *
 * Which key: the first of {@link HOST_KEY_ALGORITHMS} the server has, ed25519 first, the key a stock OpenSSH client
 * asks for first (openssh-portable 9.x `myproposal.h`, KEX_DEFAULT_PK_ALG) and the one the operator compares on the
 * VM's console with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import {
    ArgsOf,
    InputsOf,
    KindProvider,
    StateOf,
    defineKind,
    is,
    optional,
    output,
    required,
    resourceClass,
} from "./kind";

export const SSH_HOST_KEY_PROVIDER_VERSION = 1;

/** Host key algorithms asked for, in order: ed25519, then ECDSA, then RSA with SHA-2 (never SHA-1 `ssh-rsa`). */
export const HOST_KEY_ALGORITHMS = [
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
] as const;

/** How long `create` waits for the sshd by default: a fresh VM's first boot (cloud-init installs packages). */
export const DEFAULT_HOST_KEY_WAIT_SECONDS = 600;

/** The recorded key's fields: another VM records anew; another address or port of the same VM keeps the key. */
export const SSH_HOST_KEY = defineKind({
    kind: "SshHostKey",
    providerVersion: SSH_HOST_KEY_PROVIDER_VERSION,
    deleteBeforeReplace: false,
    inputs: {
        /** Where the sshd answers (the proxy's address). Updated in place: the key is not read again. */
        host: required("update", is.text("the proxy's address")),
        /** The sshd's port (default 22). Updated in place. */
        port: optional("update", is.intOr(1, 65535, 22)),
        /** The VM whose key this is: a new VM (its first boot makes new host keys) records its key anew. */
        vmId: optional("replace", is.optId),
        /** How long `create` waits for the sshd to answer (default 600 s). */
        timeoutSeconds: optional("update", is.timeout),
    },
    outputs: {
        /** The host public key in authorized_keys form (`ssh-ed25519 AAAA…`): pulumi-command's `hostKey`. */
        publicKey: output<string>(),
        /** Its fingerprint as `ssh-keygen -l` prints it (`SHA256:…`), for the operator's check on the console. */
        fingerprintSha256: output<string>(),
    },
});

/** Arguments for {@link SshHostKey}. */
export type SshHostKeyArgs = ArgsOf<typeof SSH_HOST_KEY>;
type SshHostKeyInputs = InputsOf<typeof SSH_HOST_KEY>;
type SshHostKeyState = StateOf<typeof SSH_HOST_KEY>;

/** An SSH public key blob (RFC 4253 6.6: string type, then the key data) in authorized_keys form. */
export function authorizedKeyOf(blob: Buffer): string {
    const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
    const type = blob.subarray(4, 4 + len).toString("latin1");
    if (!/^[a-z0-9@.-]+$/.test(type)) throw new Error("the server's host key is not an SSH public key blob");
    return `${type} ${blob.toString("base64")}`;
}

/**
 * The SHA-256 fingerprint of a key in authorized_keys form, as `ssh-keygen -lf` prints it: `SHA256:` and the unpadded
 * base64 of the blob's digest (openssh-portable `sshkey.c`, sshkey_fingerprint with SSH_FP_BASE64).
 */
export function fingerprintOf(authorizedKey: string): string {
    const blob = authorizedKey.trim().split(/\s+/)[1] ?? "";
    return `SHA256:${createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "")}`;
}

/**
 * Connects to `host:port`, takes the host key the server offers and drops the connection before authentication.
 * One attempt; rejects with the transport's error when nothing answers.
 */
export async function scanHostKey(host: string, port: number, readyTimeoutMs = 15_000): Promise<string> {
    const { Client } = await import("ssh2");
    return new Promise((resolve, reject) => {
        const client = new Client();
        let key: string | undefined;
        let failure: Error | undefined;
        client.on("error", (e) => {
            client.end();
            if (key) resolve(key);
            else reject(failure ?? e);
        });
        client.on("ready", () => {
            // never reached: the verifier refuses every key, so nothing authenticates
            client.end();
            reject(new Error("the connection was not refused after the key exchange"));
        });
        client.connect({
            host,
            port,
            username: "ovirt-ci-host-key-scan",
            readyTimeout: readyTimeoutMs,
            algorithms: { serverHostKey: [...HOST_KEY_ALGORITHMS] },
            hostVerifier: (blob: Buffer) => {
                try {
                    key = authorizedKeyOf(blob);
                } catch (e) {
                    failure = e as Error;
                }
                return false;
            },
        });
    });
}

/** Scans until the sshd answers or `timeoutSeconds` pass (waits 1 s growing 1.5× to 10 s between attempts). */
async function waitForHostKey(what: string, host: string, port: number, timeoutSeconds: number): Promise<string> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    let delayMs = 1000;
    for (let attempt = 1; ; attempt++) {
        try {
            return await scanHostKey(host, port);
        } catch (e) {
            if (Date.now() + delayMs > deadline) {
                throw new Error(
                    `${what}: no SSH server answered at ${host}:${port} within ${timeoutSeconds} s (${attempt} attempts; last: ${(e as Error).message}). ` +
                        "Fix: check on the VM's console that sshd runs and the address is right, then run `pulumi up` again; " +
                        'or pin the key yourself: ovirt-ci:proxyVm.connection.hostKey (docs/operator.md, "Credentials")',
                    { cause: e },
                );
            }
            await new Promise((r) => setTimeout(r, delayMs));
            delayMs = Math.min(delayMs * 1.5, 10_000);
        }
    }
}

/** Records the host key on first contact; see the file comment. */
export class SshHostKeyProvider extends KindProvider<typeof SSH_HOST_KEY> {
    protected readonly description = SSH_HOST_KEY;

    async create(inputs: SshHostKeyInputs): Promise<pulumi.dynamic.CreateResult<SshHostKeyState>> {
        const port = inputs.port ?? 22;
        const publicKey = await waitForHostKey(
            `record the SSH host key of ${inputs.host}:${port}`,
            inputs.host,
            port,
            inputs.timeoutSeconds ?? DEFAULT_HOST_KEY_WAIT_SECONDS,
        );
        const fingerprintSha256 = fingerprintOf(publicKey);
        return {
            id: fingerprintSha256,
            outs: { ...inputs, publicKey, fingerprintSha256, providerVersion: SSH_HOST_KEY_PROVIDER_VERSION },
        };
    }

    async read(id: string, props?: SshHostKeyState): Promise<pulumi.dynamic.ReadResult<SshHostKeyState>> {
        // The recorded key, never a fresh scan: a refresh must not accept a changed key.
        return props ? this.found(id, props) : { id, props };
    }

    async update(
        _id: string,
        olds: SshHostKeyState,
        news: SshHostKeyInputs,
    ): Promise<pulumi.dynamic.UpdateResult<SshHostKeyState>> {
        return { outs: this.restamped(olds, news) };
    }

    async delete(_id: string, _props: SshHostKeyState): Promise<void> {
        // Only the record goes: nothing on the VM changes.
    }
}

/** The recorded host key (token `pulumi-nodejs:dynamic/ovirt:SshHostKey`); its id is the key's fingerprint. */
export const SshHostKey = resourceClass(SSH_HOST_KEY);
export type SshHostKey = InstanceType<typeof SshHostKey>;

/** What SshHostKey resources serialize: a stub that loads SshHostKeyProvider in the provider process (./stub). */
export const sshHostKeyProvider = SshHostKey.provider;
