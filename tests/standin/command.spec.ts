// The stand-in command plugin under the real CLI: a local command's stdout/stderr, and remote commands
// over SSH against a throwaway local sshd: create/update/delete commands that write files, the previous
// output in PULUMI_COMMAND_STDOUT, triggers replace, a failing command's error, no private key in state.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSshd, RunningSshd } from "../../local/sshd";
import { standinStack, assertNotInState } from "./helpers";

describe("stand-in plugin: command (real Pulumi CLI, local sshd)", function () {
    this.timeout(600_000);
    let sshd: RunningSshd;
    let logDir: string;
    before(async () => {
        sshd = await startSshd({ acceptEnv: ["STANDIN_*", "PULUMI_COMMAND_*"] });
        logDir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-standin-cmd-"));
    });
    after(async () => {
        await sshd?.stop();
        if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
    });

    it("local and remote Command: create, update with the previous output, triggers replace, delete", async () => {
        const log = () => fs.readFileSync(path.join(logDir, "remote.log"), "utf8").trim().split("\n");
        const t = await standinStack();
        try {
            await t.stack.setAllConfig({
                scenario: { value: "command" },
                logDir: { value: logDir },
                gen: { value: "g1" },
                trigger: { value: "t1" },
                sshHost: { value: sshd.host },
                sshPort: { value: String(sshd.port) },
                sshUser: { value: sshd.user },
                sshKey: { value: sshd.privateKeyPem, secret: true },
                sshHostKey: { value: sshd.hostPublicKey },
            });
            const up = await t.stack.up();
            assert.deepEqual(up.summary.resourceChanges, { create: 3 });
            assert.equal(up.outputs.localStdout.value, "local-42");
            assert.equal(up.outputs.localStderr.value, "to-stderr");
            assert.equal(up.outputs.remoteStdout.value, "hello-remote");
            assert.equal(up.outputs.remoteStdout.secret, false, "stdout is not secret when only the connection is");
            assert.deepEqual(log(), ["created gen=g1"]);

            await t.stack.setConfig("gen", { value: "g2" });
            const updated = await t.stack.up();
            assert.deepEqual(updated.summary.resourceChanges, { same: 1, update: 2 });
            assert.equal(updated.outputs.localStdout.value, "local-updated prev=local-42 gen=g2");
            assert.equal(updated.outputs.remoteStdout.value, "hello-updated");
            assert.deepEqual(log(), ["created gen=g1", "updated gen=g2 prev=hello-remote"]);

            await t.stack.setConfig("trigger", { value: "t2" });
            const replaced = await t.stack.up();
            assert.deepEqual(replaced.summary.resourceChanges, { same: 2, replace: 1 });
            assert.equal(replaced.outputs.remoteStdout.value, "hello-remote");
            assert.deepEqual(log().slice(2), ["created gen=g2", "deleted prev=hello-updated"], "create the new one, then delete the old one");

            const pemBody = sshd.privateKeyPem.split("\n").filter((l) => l && !l.startsWith("-----"));
            assertNotInState(t.backendDir, Object.fromEntries(pemBody.map((l, i) => [`line ${i + 1} of the private key`, l])));

            await t.stack.setConfig("failLocal", { value: "true" });
            const err = await t.stack.up().then(() => undefined, (e: Error) => e);
            assert.ok(err, "a failing command fails the up");
            assert.match(String(err), /exit status 3: running .*:\n.*boom-on-stderr/s);
            await t.stack.removeConfig("failLocal");
        } finally {
            await t.dispose();
        }
        assert.deepEqual(log().slice(4), ["deleted prev=hello-remote"], "destroy runs the delete command");
    });
});
