// The proxy's SSH host key under the real CLI (issue 26): recorded on first contact by the SshHostKey kind
// (providers/ovirt/sshHostKey.ts) and pinned by a remote command (pulumi-command's `connection.hostKey`), against a
// loopback sshd. When the server's key changes, the next command fails with the SSH library's own words and runs
// nothing; a refresh keeps the recorded key; `up --replace` of the record re-pins. What the command asserts holds
// for the real plugin too: upstream pins with x/crypto/ssh `FixedHostKey` ("ssh: handshake failed: ssh: host key
// mismatch", pulumi-command v1.2.1 remote/connection.go).
import * as assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freePort } from "../../local/openbao";
import { SshdFiles, prepareSshd, sshBanner, sshdArgs } from "../../local/sshd";
import { fingerprintOf } from "../../providers/ovirt/sshHostKey";
import { standinStack } from "./helpers";

/** An sshd in `dir` on `port` whose host key can be replaced between runs (stop, new key, start on the same port). */
class RestartableSshd {
    private child?: ChildProcess;
    files!: SshdFiles;
    constructor(
        readonly dir: string,
        readonly port: number,
    ) {}

    async start(): Promise<void> {
        this.files = prepareSshd(this.dir, this.port);
        const [bin, args] = sshdArgs(this.files);
        this.child = spawn(bin, args, { stdio: "ignore" });
        for (const deadline = Date.now() + 10_000; !(await sshBanner("127.0.0.1", this.port));) {
            if (Date.now() > deadline) throw new Error(`sshd did not answer on 127.0.0.1:${this.port}`);
            await new Promise((r) => setTimeout(r, 100));
        }
    }

    async stop(): Promise<void> {
        const c = this.child;
        if (c && c.exitCode === null && c.signalCode === null) {
            const exited = new Promise((r) => c.once("exit", r));
            c.kill("SIGTERM");
            await exited;
        }
    }

    /** A new host key, as a reinstalled or impostor server would have. */
    async newHostKey(): Promise<void> {
        await this.stop();
        for (const f of ["host_ed25519", "host_ed25519.pub"]) fs.rmSync(path.join(this.dir, f));
        await this.start();
    }
}

describe("the proxy's host key: recorded on first contact, then pinned (real CLI, loopback sshd)", function () {
    this.timeout(600_000);
    let sshd: RestartableSshd;
    let logDir: string;
    before(async () => {
        sshd = new RestartableSshd(fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-hostkey-sshd-")), await freePort());
        await sshd.start();
        logDir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-hostkey-log-"));
    });
    after(async () => {
        await sshd?.stop();
        for (const d of [sshd?.dir, logDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
    });

    it("a changed host key fails the next command, nothing runs; refresh keeps the record; --replace re-pins", async () => {
        const ran = () => fs.readFileSync(path.join(logDir, "pinned.log"), "utf8").trim().split("\n");
        const t = await standinStack();
        try {
            const config = (gen: string) => ({
                scenario: { value: "hostKey" },
                logDir: { value: logDir },
                gen: { value: gen },
                sshHost: { value: "127.0.0.1" },
                sshPort: { value: String(sshd.port) },
                sshUser: { value: sshd.files.user },
                sshKey: { value: sshd.files.privateKeyPem, secret: true },
            });
            await t.stack.setAllConfig(config("g1"));
            const first = await t.stack.up();
            const original = sshd.files.hostPublicKey.split(" ").slice(0, 2).join(" ");
            assert.equal(first.outputs.hostKey.value, original, "the key the sshd has, in authorized_keys form");
            assert.equal(first.outputs.fingerprint.value, fingerprintOf(original));
            // the fingerprint as ssh-keygen prints it on the VM's console
            const keygen = execFileSync("ssh-keygen", ["-lf", path.join(sshd.dir, "host_ed25519.pub")], {
                encoding: "utf8",
            });
            assert.equal(keygen.split(" ")[1], first.outputs.fingerprint.value);
            assert.deepEqual(ran(), ["ran gen=g1"]);

            await sshd.newHostKey();
            assert.notEqual(sshd.files.hostPublicKey.split(" ")[1], original.split(" ")[1]);
            await t.stack.setAllConfig(config("g2"));
            await assert.rejects(t.stack.up(), (e: Error) => {
                assert.match(e.message, /ssh: handshake failed: ssh: host key mismatch/);
                return true;
            });
            assert.deepEqual(ran(), ["ran gen=g1"], "the command did not run against the other server");

            await t.stack.refresh();
            assert.equal((await t.stack.outputs()).hostKey.value, original, "a refresh keeps the recorded key");
            await assert.rejects(t.stack.up(), /host key mismatch/, "still refused after the refresh");
            assert.deepEqual(ran(), ["ran gen=g1"]);

            // the rotation (docs/operator.md): after checking the new fingerprint on the console, record it again
            const urn = (await t.stack.exportStack()).deployment.resources.find((r: { urn: string }) =>
                r.urn.endsWith("::proxy-host-key"),
            ).urn;
            const repinned = await t.stack.up({ replace: [urn] });
            assert.equal(repinned.outputs.hostKey.value, sshd.files.hostPublicKey.split(" ").slice(0, 2).join(" "));
            assert.deepEqual(ran(), ["ran gen=g1", "ran gen=g2"]);
        } finally {
            await t.dispose();
        }
    });
});
