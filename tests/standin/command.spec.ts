// The command plugin under the real CLI, asserting only what the real provider (pulumi-command 1.2.1) does too:
// a local command's stdout/stderr, and remote commands over SSH against a throwaway local sshd: create/update/delete
// commands that write files, the previous output in PULUMI_COMMAND_STDOUT, triggers replace, a failing command's
// error (the whole command text and output, even a secret one), stdout not secret, the dial retries, no private
// key in state.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSshd, RunningSshd } from "../../local/sshd";
import { freePort } from "../../local/openbao";
import { standinStack, assertNotInState } from "./helpers";

describe("plugin: command (real Pulumi CLI, local sshd)", function () {
    this.timeout(600_000);
    let sshd: RunningSshd;
    let logDir: string;
    before(async () => {
        sshd = await startSshd({ acceptEnv: ["STANDIN_*", "PULUMI_COMMAND_*"] });
        logDir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-standin-cmd-"));
    });
    /** The config every command scenario starts from. */
    const base = () => ({ scenario: { value: "command" }, logDir: { value: logDir }, gen: { value: "g1" } });
    after(async () => {
        await sshd?.stop();
        if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
    });

    it("local and remote Command: create, update with the previous output, triggers replace, delete", async () => {
        const log = () => fs.readFileSync(path.join(logDir, "remote.log"), "utf8").trim().split("\n");
        const t = await standinStack();
        try {
            await t.stack.setAllConfig({
                ...base(),
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
            assert.deepEqual(
                log().slice(2),
                ["created gen=g2", "deleted prev=hello-updated"],
                "create the new one, then delete the old one",
            );

            const pemBody = sshd.privateKeyPem.split("\n").filter((l) => l && !l.startsWith("-----"));
            assertNotInState(
                t.backendDir,
                Object.fromEntries(pemBody.map((l, i) => [`line ${i + 1} of the private key`, l])),
            );

            await t.stack.setConfig("failLocal", { value: "true" });
            const err = await t.stack.up().then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(err, "a failing command fails the up");
            assert.match(String(err), /exit status 3: running .*:\n.*boom-on-stderr/s);
            await t.stack.removeConfig("failLocal");
        } finally {
            await t.dispose();
        }
        assert.deepEqual(log().slice(4), ["deleted prev=hello-remote"], "destroy runs the delete command");
    });

    it("a secret command text: stdout is not secret, and a failure quotes the whole text and output", async () => {
        const word = "sekrit-word-9d41";
        const t = await standinStack();
        try {
            await t.stack.setAllConfig({ ...base(), secretWord: { value: word, secret: true } });
            const up = await t.stack.up();
            assert.equal(up.outputs.secretTextCreate.secret, true, "an output named like a secret input stays secret");
            assert.equal(up.outputs.secretTextStdout.secret, false, "stdout is not made secret by a secret command");
            assertNotInState(t.backendDir, { "the secret word": word });

            await t.stack.setConfig("failSecret", { value: "true" });
            const err = String(
                await t.stack.up().then(
                    () => "",
                    (e: Error) => e,
                ),
            );
            assert.match(err, /exit status 4: running /);
            // The whole command text ("; exit 4" is only in it) and the output, whatever quoting the CLI adds around
            // them; where the word itself shows depends on the engine's masking of known secrets, not on the plugin.
            assert.ok(err.includes("; exit 4"), `the error quotes the whole secret command: ${err}`);
            assert.ok(/holds (sekrit-word-9d41|\[secret\])/.test(err), `and its whole output: ${err}`);
            await t.stack.removeConfig("failSecret");
        } finally {
            await t.dispose();
        }
    });

    it("a failing proxy step (the program's HAProxy script) leaks the stats password nowhere: error, engine log, state", async () => {
        const password = "Stats-pw-c0ffee-41";
        const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-proxy-step-"));
        const t = await standinStack();
        try {
            await t.stack.setAllConfig({
                scenario: { value: "proxyStep" },
                rootDir: { value: rootDir },
                port: { value: String(await freePort()) },
                statsPassword: { value: password, secret: true },
                breakIt: { value: "true" },
                sshHost: { value: sshd.host },
                sshPort: { value: String(sshd.port) },
                sshUser: { value: sshd.user },
                sshKey: { value: sshd.privateKeyPem, secret: true },
            });
            let log = "";
            const err = String(
                await t.stack.up({ onOutput: (o) => (log += o) }).then(
                    () => "",
                    (e: Error) => e,
                ),
            );
            assert.match(
                err,
                /Process exited with status 1: running "sh -c/,
                "the step fails with the provider's error, quoting the script",
            );
            assert.match(err, /haproxy/i);
            for (const [what, text] of [
                ["the error", err],
                ["the engine log", log],
            ] as const) {
                assert.ok(!text.includes(password), `${what} shows the stats password`);
            }
            assertNotInState(t.backendDir, { "the stats password": password });
            assert.ok(
                !fs.existsSync(path.join(rootDir, "etc/haproxy/haproxy.cfg")),
                "the broken file did not replace the live one",
            );

            await t.stack.setConfig("breakIt", { value: "false" });
            await t.stack.up({ onOutput: (o) => (log += o) });
            assert.ok(
                fs.readFileSync(path.join(rootDir, "etc/haproxy/haproxy.cfg"), "utf8").includes(password),
                "the file arrived through stdin",
            );
            assert.ok(!log.includes(password), "the engine log never shows it");
            assertNotInState(t.backendDir, { "the stats password": password });
        } finally {
            await t.dispose();
            fs.rmSync(rootDir, { recursive: true, force: true });
        }
    });

    it("an unreachable host: dialErrorLimit + 1 attempts with a 100 ms wait growing 1.5x, then 'after N failed attempts'", async () => {
        const t = await standinStack();
        try {
            await t.stack.setAllConfig({ ...base(), deadPort: { value: String(await freePort()) } });
            const started = Date.now();
            const byDefault = String(
                await t.stack.up().then(
                    () => "",
                    (e: Error) => e,
                ),
            );
            const defaultSeconds = (Date.now() - started) / 1000;
            assert.match(byDefault, /after 10 failed attempts: /);
            // Waits 0.1 + 0.15 + … (10 of them, none reaching the 5 s cap) ≈ 11.3 s, plus the CLI's own time.
            assert.ok(
                defaultSeconds >= 11,
                `the default dial gives up after ≈ 11 s of waits (took ${defaultSeconds.toFixed(1)} s)`,
            );

            await t.stack.setConfig("dialErrorLimit", { value: "2" });
            const limited = String(
                await t.stack.up().then(
                    () => "",
                    (e: Error) => e,
                ),
            );
            // Its 0.25 s of waits are not timed here: the CLI's own time on a loaded machine varies by more.
            assert.match(limited, /after 2 failed attempts: /);
        } finally {
            await t.dispose();
        }
    });
});
