// One OpenSSH client call with a given private key, for tests that ask what a key may do on the proxy's stand-in
// (the loopback sshd): batch mode (never prompts), only that key, no known_hosts written.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Result of {@link sshAs}. */
export interface SshResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs `command` as `target.user` on `target` with the private key text; `stdin` is sent to it. */
export function sshAs(
    target: { host: string; port: number; user: string },
    privateKeyPem: string,
    command: string,
    stdin = "",
): SshResult {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-key-"));
    const key = path.join(dir, "id");
    fs.writeFileSync(key, privateKeyPem, { mode: 0o600 });
    try {
        const r = spawnSync(
            "ssh",
            ["-i", key, "-p", String(target.port), "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes"]
                .concat([
                    "-o",
                    "StrictHostKeyChecking=no",
                    "-o",
                    "UserKnownHostsFile=/dev/null",
                    "-o",
                    "LogLevel=ERROR",
                ])
                .concat([`${target.user}@${target.host}`, command]),
            { encoding: "utf8", input: stdin, timeout: 30_000 },
        );
        return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
