// The rotation of the proxy's admin key through the running VM (lib/render/proxy/adminKey.ts adminKeyScripts, adminKeyStdin, ADMIN_KEY_MARK), against
// a real OpenSSH server standing in for the proxy: the script, sent over a connection made with the old key, makes
// the new key the only one; the old key and the CI jobs' key are refused afterwards.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    ADMIN_KEY_MARK,
    adminAuthorizedKeysFile,
    adminKeyScripts,
    adminKeyStdin,
} from "../../lib/render/proxy/adminKey";
import { sandboxTarget } from "../../local/proxyTarget";
import { RunningSshd, startSshd } from "../../local/sshd";
import { sshAs } from "../helpers/sshAs";

describe("proxy admin key rotation over SSH (real sshd)", function () {
    this.timeout(60_000);
    let sshd: RunningSshd;
    let tmp: string;
    const target = () =>
        sandboxTarget({
            rootDir: path.join(tmp, "proxy"),
            externalInterface: "eth0",
            upstreamDns: [],
            localDnsPort: 0,
            localHaproxyPorts: { api: 1, https: 2, http: 3, stats: 4 },
        });

    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-admin-key-"));
        sshd = await startSshd({ authorizedKeysFile: adminAuthorizedKeysFile(target()) });
    });
    after(async () => {
        await sshd?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    function keyPair(name: string): { privateKey: string; publicKey: string } {
        const file = path.join(tmp, name);
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file]);
        return { privateKey: file, publicKey: fs.readFileSync(`${file}.pub`, "utf8").trim() };
    }

    /** Runs `command` over SSH with the private key file; stdin as given. */
    const ssh = (keyFile: string, command: string, stdin = "") =>
        sshAs(sshd, fs.readFileSync(keyFile, "utf8"), command, stdin);

    it("installs the new key with the old one, then only the new key logs in; the CI key never does; other keys stay", () => {
        const oldKey = path.join(tmp, "old");
        fs.writeFileSync(oldKey, sshd.privateKeyPem, { mode: 0o600 });
        const ciKey = path.join(tmp, "ci");
        fs.writeFileSync(ciKey, sshd.ciPrivateKeyPem, { mode: 0o600 });
        assert.notEqual(ssh(ciKey, "true").status, 0, "the CI key is refused before the rotation");
        const next = keyPair("next");
        const { create } = adminKeyScripts(target());

        // an operator's own key in the same file (on the live proxy: root's) survives the rotation
        const operator = keyPair("operator");
        fs.appendFileSync(adminAuthorizedKeysFile(target()), `${operator.publicKey}\n`);
        const r = ssh(oldKey, create, adminKeyStdin(next.publicKey, sshd.privateKeyPem));
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /admin key installed/);
        const [type, blob] = next.publicKey.split(" ");
        assert.equal(
            fs.readFileSync(adminAuthorizedKeysFile(target()), "utf8"),
            `${operator.publicKey}\n${type} ${blob} ${ADMIN_KEY_MARK}\n`,
        );
        assert.equal(fs.statSync(adminAuthorizedKeysFile(target())).mode & 0o777, 0o600);

        assert.equal(ssh(next.privateKey, "echo ok").stdout.trim(), "ok", "the new key logs in");
        assert.notEqual(ssh(oldKey, "true").status, 0, "the old key is refused");
        assert.notEqual(ssh(ciKey, "true").status, 0, "the CI key is refused");

        assert.equal(ssh(operator.privateKey, "echo ok").stdout.trim(), "ok", "the operator's key still logs in");
        const again = ssh(next.privateKey, create, adminKeyStdin(next.publicKey));
        assert.equal(again.status, 0, again.stderr);
        assert.equal(again.stdout, "", "the same key again changes nothing");
    });

    it("refuses three key lines or a non-key on stdin, leaving authorized_keys as it was", () => {
        const file = adminAuthorizedKeysFile(target());
        const before = fs.readFileSync(file, "utf8");
        const current = path.join(tmp, "next");
        const { create } = adminKeyScripts(target());
        const attacker = "ssh-ed25519 AAAAattacker x";
        for (const bad of [`${attacker}\n${attacker}\n${attacker}\n`, "not a key\n", `${attacker}\nnot a key\n`]) {
            const r = ssh(current, create, bad);
            assert.notEqual(r.status, 0);
            assert.match(r.stderr, /(new|previous) admin key on stdin/);
            assert.equal(fs.readFileSync(file, "utf8"), before);
        }
    });
});
