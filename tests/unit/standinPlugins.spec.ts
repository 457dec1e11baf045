// Where the local stand-in plugins are visible (scripts/lib/standinPlugins.ts, docs/standin-plugins.md): only in
// their own plugin home, never on the PATH scripts/lib/env.sh builds, and every operator command refuses a real
// stack they would serve, before it runs anything. No CLI needed: the refusal comes first.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    STANDIN_BIN,
    isLocalStack,
    isStandin,
    operatorCliEnv,
    pluginSource,
    refuseStandinsForRealStack,
    standinPluginHome,
    standinPlugins,
    standinsServing,
} from "../../scripts/lib/standinPlugins";
import { runScript } from "../helpers/runScript";

const root = path.resolve(__dirname, "../..");

describe("stand-in plugins: where they are visible", function () {
    this.timeout(60_000);
    let tmp: string;
    beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-standins-"))));
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** An executable `pulumi-resource-<name>` in `dir` that is not a stand-in. */
    const realPlugin = (dir: string, name: string) => {
        fs.mkdirSync(dir, { recursive: true });
        const f = path.join(dir, `pulumi-resource-${name}`);
        fs.writeFileSync(f, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
        return f;
    };

    it("every launcher is marked as a stand-in; the plugin home links each plugin at the SDK's version to it", () => {
        const home = standinPluginHome();
        assert.deepEqual(
            standinPlugins().map((p) => p.name),
            ["command", "random", "vault"],
        );
        for (const { name, version } of standinPlugins()) {
            const launcher = path.join(STANDIN_BIN, `pulumi-resource-${name}`);
            assert.ok(isStandin(launcher), launcher);
            const link = path.join(home, "plugins", `resource-${name}-v${version}`, `pulumi-resource-${name}`);
            assert.equal(fs.realpathSync(link), fs.realpathSync(launcher));
        }
        assert.equal(standinPluginHome(), home, "idempotent");
        assert.deepEqual(
            standinsServing({ PATH: tmp, PULUMI_HOME: home }).map((p) => p.name),
            ["command", "random", "vault"],
        );
    });

    it("finds a plugin the CLI's way: PATH first (unless PULUMI_IGNORE_AMBIENT_PLUGINS), then PULUMI_HOME's cache without .partial", () => {
        const home = path.join(tmp, "home");
        const cached = realPlugin(path.join(home, "plugins", "resource-vault-v7.8.0"), "vault");
        const onPath = realPlugin(path.join(tmp, "bin"), "vault");
        assert.equal(pluginSource("vault", { PATH: path.join(tmp, "bin"), PULUMI_HOME: home }), onPath);
        assert.equal(
            pluginSource("vault", {
                PATH: path.join(tmp, "bin"),
                PULUMI_HOME: home,
                PULUMI_IGNORE_AMBIENT_PLUGINS: "1",
            }),
            cached,
        );
        assert.equal(pluginSource("vault", { PATH: "", PULUMI_HOME: home }), cached);
        fs.writeFileSync(path.join(home, "plugins", "resource-vault-v7.8.0.partial"), "");
        assert.equal(pluginSource("vault", { PATH: "", PULUMI_HOME: home }), undefined);
        assert.equal(pluginSource("random", { PATH: path.join(tmp, "bin"), PULUMI_HOME: home }), undefined);
    });

    it("a real plugin on PATH wins over the stand-ins' home", () => {
        realPlugin(path.join(tmp, "bin"), "vault");
        const serving = standinsServing({ PATH: path.join(tmp, "bin"), PULUMI_HOME: standinPluginHome() });
        assert.deepEqual(
            serving.map((p) => p.name),
            ["command", "random"],
        );
    });

    it("the environment of scripts/lib/env.sh shows no stand-in, even in a shell an older env.sh put them on PATH in", () => {
        const env = execFileSync(
            "bash",
            ["-c", `PATH="${STANDIN_BIN}:$PATH"; unset PULUMI_HOME; . scripts/lib/env.sh; env -0`],
            { cwd: root, encoding: "utf8" },
        );
        const vars = Object.fromEntries(
            env
                .split("\0")
                .filter(Boolean)
                .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
        );
        assert.ok(!vars.PATH.split(":").includes(STANDIN_BIN), vars.PATH);
        assert.deepEqual(standinsServing(vars), []);
    });

    it("local stacks: the production stack ci never, a file:// backend yes, the logged-in backend only for the local default", () => {
        assert.equal(isLocalStack("ci", { PULUMI_BACKEND_URL: "file:///x" }), false);
        assert.equal(isLocalStack("local", { PULUMI_BACKEND_URL: "file:///x?metadata=skip" }), true);
        assert.equal(isLocalStack("e2e-1234", { PULUMI_BACKEND_URL: "s3://bucket/ovirt-ci" }), false);
        // the local default's and the s3 tier's SeaweedFS on loopback is local; a bucket elsewhere is not
        const s3 = (endpoint: string) =>
            `s3://ovirt-ci-state/ovirt-ci?endpoint=${endpoint}&disableSSL=true&s3ForcePathStyle=true&region=us-east-1`;
        assert.equal(isLocalStack("local", { PULUMI_BACKEND_URL: s3("127.0.0.1:8333") }), true);
        assert.equal(isLocalStack("ci", { PULUMI_BACKEND_URL: s3("127.0.0.1:8333") }), false);
        assert.equal(isLocalStack("local", { PULUMI_BACKEND_URL: s3("s3.example.com") }), false);
        assert.equal(isLocalStack("local", {}), false);
        assert.equal(isLocalStack("local", {}, true), true);
    });

    it("an operator's real stack is refused when a stand-in would serve it, naming the plugins and the fix", () => {
        const home = standinPluginHome();
        const env = { PATH: tmp, PULUMI_HOME: home, PULUMI_BACKEND_URL: "s3://bucket/ovirt-ci" };
        assert.throws(
            () => refuseStandinsForRealStack("ci", env),
            (e: Error & { fix: string }) => {
                assert.match(
                    e.message,
                    /the stack ci is not a local one, but the local stand-in plugins would serve it/,
                );
                assert.match(e.message, /pulumi-resource-vault → /);
                assert.match(e.fix, /unset PULUMI_HOME/);
                return true;
            },
        );
        assert.doesNotThrow(() => refuseStandinsForRealStack("ci", { ...env, PULUMI_HOME: path.join(tmp, "h") }));
        assert.deepEqual(
            operatorCliEnv("t-1", { ...env, PULUMI_BACKEND_URL: "file:///x" }, false, () => undefined),
            {
                PULUMI_HOME: home,
            },
        );
    });

    describe("every operator command refuses before it runs anything", () => {
        const env = () => ({ PULUMI_HOME: standinPluginHome(), PULUMI_BACKEND_URL: "s3://bucket/ovirt-ci" });
        const cases: [string, string[], number][] = [
            ["scripts/recover.ts", ["--stack", "ci"], 1],
            ["scripts/drift.ts", ["--stack", "ci"], 2],
            ["scripts/doctor.ts", ["--stack", "ci", "ovirt-10"], 2],
            ["scripts/boskos.ts", ["--stack", "ci"], 2],
        ];
        for (const [script, args, exit] of cases) {
            it(`${script} ${args.join(" ")}`, async () => {
                const r = await runScript(script, args, env());
                assert.equal(r.status, exit, r.stdout + r.stderr);
                assert.match(
                    r.stderr,
                    /the stack ci is not a local one, but the local stand-in plugins would serve it/,
                );
                assert.match(r.stderr, /fix: run it where the real plugins are found/);
            });
        }
    });
});
