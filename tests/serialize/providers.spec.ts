// What every oVirt dynamic resource stores as `__provider`: a `require` of its kind's module of the stub package
// (providers/ovirt/stub). It must capture no credential and no path of this checkout, stay under 1 kB, and run from
// its text, loading the real provider of the checkout at call time. The forms older states hold must still run on
// their own: the 6.4 kB stub (tests/helpers/stubV1.js) and the whole provider classes before it (the migration
// tests build both). Plain mocha, no mocks. Loaded texts are called against an unroutable address.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ovirt from "../../providers/ovirt";
import { sdkProviderText } from "./sdkSerialize";
import { legacyProviderTexts, stubV1ProviderText } from "../helpers/legacyProviderText";

const PASSWORD = "s3cret-fixture-Pa55";
const CA_FIXTURE = "-----BEGIN CERTIFICATE-----FIXTURE-CA";
const STUB_SIZE_CEILING = 1_024;
const STUB_V1_SIZE_CEILING = 8_000;
// Vm's whole provider is the largest (≈ 87 K since it plans memory/CPU hot plug, planHardware in vm.ts); a state of
// that form is rewritten with the stub on its next update anyway.
const LEGACY_SIZE_CEILING = 96_000;
const repoRoot = path.resolve(__dirname, "../..");
/**
 * SHA-256 of the `__provider` text of a Network resource as every stack since the stub package stores it. When it
 * moves, every oVirt resource of every stack shows as an update on its next preview.
 */
const NETWORK_STUB_TEXT_SHA256 = "8917a2ca8cdde693698f8fcbb23160edb3ccce68674759429ff4c8c371ca430d";
/**
 * The same for the stub before the package (tests/helpers/stubV1.js), read back from the state of a real `up` of
 * those checkouts: proves that the fixture is the text those states hold.
 */
const NETWORK_STUB_V1_TEXT_SHA256 = "04db617f85d861155a271050ebe5ad4cf00416b5a0730d6c6f9cad714abfb94b";
const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

const stubs: Record<ovirt.OvirtKind, object> = {
    Host: ovirt.hostProvider,
    StorageDomain: ovirt.storageDomainProvider,
    Network: ovirt.networkProvider,
    Vm: ovirt.vmProvider,
    VmNic: ovirt.vmNicProvider,
    EngineObject: ovirt.engineObjectProvider,
    OvnNetworkPortSecurity: ovirt.ovnNetworkPortSecurityProvider,
    OvnPortSecurity: ovirt.ovnPortSecurityProvider,
    Permission: ovirt.permissionProvider,
    Role: ovirt.roleProvider,
    SshHostKey: ovirt.sshHostKeyProvider,
};

type Loaded = Record<string, (...a: unknown[]) => Promise<unknown>>;

/** Loads serialized provider text the way the dynamic-provider host does (`requireFromString(text).handler()`). */
function load(text: string): Loaded {
    const mod: { exports: { handler?: () => Loaded } } = { exports: {} };
    new Function("module", "exports", "require", text)(mod, mod.exports, require);
    return mod.exports.handler!();
}

async function serialized(p: object): Promise<string> {
    return (await pulumi.runtime.serializeFunction(() => p)).text;
}

function assertNoCapture(text: string): void {
    assert.ok(!text.includes(PASSWORD), "password captured");
    assert.ok(!text.includes(CA_FIXTURE), "CA captured");
    assert.ok(!text.includes("engine-fixture.invalid"), "endpoint captured");
    assert.ok(!text.includes("@pulumi/pulumi"), "the Pulumi SDK was captured");
}

/**
 * Configures with no stack config and reads: the endpoint must come from the environment at call time. SshHostKey
 * reads nothing on refresh (it keeps the recorded key), so it runs a create against a port where nothing listens.
 */
async function assertRunsFromText(p: Loaded, kind?: string): Promise<void> {
    process.env.OVIRT_ENGINE_URL = "https://127.0.0.1:9/ovirt-engine/api"; // nothing listens on port 9
    process.env.OVIRT_ENGINE_RETRY_ATTEMPTS = "1";
    try {
        await p.configure({
            config: {
                get: () => {
                    throw new Error("no config sent");
                },
            },
        });
        const call =
            kind === "SshHostKey"
                ? p.create({ host: "127.0.0.1", port: 9, timeoutSeconds: 1 })
                : p.read("00000000-0000-4000-8000-000000000001", {
                      name: "x",
                      clusterId: "00000000-0000-4000-8000-000000000002",
                      vmId: "00000000-0000-4000-8000-000000000003",
                  });
        await assert.rejects(call, (e: Error) => {
            assert.match(e.message, /ECONNREFUSED/);
            assert.ok(!e.message.includes(PASSWORD));
            return true;
        });
    } finally {
        process.env.OVIRT_ENGINE_URL = "https://engine-fixture.invalid:9/ovirt-engine/api";
        delete process.env.OVIRT_ENGINE_RETRY_ATTEMPTS;
    }
}

describe("oVirt provider serialization", function () {
    this.timeout(60_000);
    const saved = { ...process.env };
    before(() => {
        // credentials present in this process: none may end up in the serialized text
        process.env.OVIRT_ENGINE_PASSWORD = PASSWORD;
        process.env.OVIRT_ENGINE_CA_PEM = CA_FIXTURE;
        process.env.OVIRT_ENGINE_URL = "https://engine-fixture.invalid:9/ovirt-engine/api";
    });
    after(() => {
        process.env = saved;
    });

    it("every kind of providers/ovirt/runtime.ts has its stub", () => {
        assert.deepEqual(Object.keys(stubs).sort(), [...ovirt.OVIRT_KINDS].sort());
        for (const [kind, stub] of Object.entries(stubs)) assert.equal((stub as ovirt.OvirtProviderStub).kind, kind);
    });

    it("the stored stub text is the one existing states hold, whatever transpiles the TypeScript", async () => {
        const text = await sdkProviderText(ovirt.networkProvider);
        assert.equal(
            sha256(text),
            NETWORK_STUB_TEXT_SHA256,
            "the `__provider` text of the stub changed (the package name or kind files of providers/ovirt/stub, or the SDK's serialization): every oVirt resource " +
                "of every stack would show as an update on its next preview. If that is intended, update the digest and say so in the release notes",
        );
    });

    for (const [kind, stub] of Object.entries(stubs)) {
        it(`${kind} stub: no credential, no checkout path, under ${STUB_SIZE_CEILING} characters, runs from its text`, async () => {
            const text = await serialized(stub);
            assertNoCapture(text);
            assert.ok(
                !text.includes(repoRoot),
                "the checkout's path was captured: the state would differ between checkouts",
            );
            assert.ok(text.length < STUB_SIZE_CEILING, `serialized size ${text.length}`);
            assert.ok(text.includes(`require("${ovirt.STUB_PACKAGE}/${kind}.js")`), text);
            await assertRunsFromText(load(text), kind);
        });
    }

    it("the installed stub package is the source in providers/ovirt/stub (else: bump its version and npm ci)", () => {
        const source = path.join(repoRoot, "providers/ovirt/stub");
        const installed = path.dirname(require.resolve(`${ovirt.STUB_PACKAGE}/package.json`));
        assert.ok(installed.split(path.sep).includes("node_modules"), `installed at ${installed}`);
        for (const f of fs.readdirSync(source))
            assert.equal(
                fs.readFileSync(path.join(installed, f), "utf8"),
                fs.readFileSync(path.join(source, f), "utf8"),
                `node_modules/${ovirt.STUB_PACKAGE}/${f} differs from providers/ovirt/stub/${f}: bump the package's version and run npm ci`,
            );
    });

    it("loads in the provider process from the program's directory, and fails outside a checkout naming the package", async () => {
        // The dynamic-provider host loads the text with require-from-string (@pulumi/pulumi cmd/dynamic-provider,
        // getProvider), which resolves modules from the working directory: the CLI starts it in the program's.
        const text = await serialized(ovirt.vmProvider);
        const requireFromString = require.resolve("require-from-string", {
            paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))],
        });
        const host = (cwd: string) =>
            execFileSync(
                process.execPath,
                [
                    "-e",
                    `process.stdout.write(require(${JSON.stringify(requireFromString)})(require("node:fs").readFileSync(0, "utf8")).handler().kind)`,
                ],
                { cwd, input: text, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] },
            );
        assert.equal(host(repoRoot), "Vm");
        assert.throws(
            () => host(os.tmpdir()),
            (e: Error & { stderr: string }) => {
                assert.match(e.stderr, /Cannot find module 'ovirt-ci-provider-stub\/Vm\.js'/);
                return true;
            },
        );
    });

    describe("the stub before the package (tests/helpers/stubV1.js), the form of states written until then", () => {
        it("is the text those states hold", async () => {
            assert.equal(sha256(await stubV1ProviderText("Network")), NETWORK_STUB_V1_TEXT_SHA256);
        });
        for (const kind of ovirt.OVIRT_KINDS) {
            it(`${kind}: under ${STUB_V1_SIZE_CEILING} characters and runs from its text`, async () => {
                const text = await stubV1ProviderText(kind);
                assertNoCapture(text);
                assert.ok(!text.includes(repoRoot), "the checkout's path was captured");
                assert.ok(text.length < STUB_V1_SIZE_CEILING, `serialized size ${text.length}`);
                await assertRunsFromText(load(text), kind);
            });
        }
    });

    describe("whole providers, the form of states written before the stub", () => {
        let legacy: Record<string, string>;
        before(() => {
            legacy = legacyProviderTexts(ovirt.OVIRT_KINDS);
        });
        for (const kind of ovirt.OVIRT_KINDS) {
            it(`${kind}: serializes under ${LEGACY_SIZE_CEILING} characters and runs from its text`, async () => {
                const text = legacy[kind];
                assertNoCapture(text);
                assert.ok(text.length < LEGACY_SIZE_CEILING, `serialized size ${text.length}`);
                await assertRunsFromText(load(text), kind);
            });
        }
    });

    describe("the stub before the package, outside an ovirt-ci checkout", () => {
        const cwd = process.cwd();
        afterEach(() => {
            process.chdir(cwd);
            delete process.env.OVIRT_CI_PROJECT_DIR;
        });

        it("names the working directory and the fix", async () => {
            process.chdir(os.tmpdir());
            const p = load(await stubV1ProviderText("Vm"));
            await p.configure({ config: { get: () => undefined } });
            await assert.rejects(p.check({}, { name: "x" }), (e: Error) => {
                assert.match(
                    e.message,
                    /oVirt provider \(Vm\): no ovirt-ci checkout \(providers\/ovirt\/runtime\.ts\) in ".*" or its parents; run pulumi from the ovirt-ci project directory, or set OVIRT_CI_PROJECT_DIR/,
                );
                return true;
            });
        });

        it("uses OVIRT_CI_PROJECT_DIR when set, and names a wrong one", async () => {
            process.chdir(os.tmpdir());
            process.env.OVIRT_CI_PROJECT_DIR = repoRoot;
            const p = load(await stubV1ProviderText("EngineObject"));
            const r = (await p.check({}, { kind: "dataCenter", name: "t" })) as { failures: unknown[] };
            assert.deepEqual(r.failures, []);
            process.env.OVIRT_CI_PROJECT_DIR = os.tmpdir();
            const q = load(await stubV1ProviderText("EngineObject"));
            await assert.rejects(
                q.check({}, { kind: "dataCenter", name: "t" }),
                /OVIRT_CI_PROJECT_DIR=".*" has no providers\/ovirt\/runtime\.ts; set it to an ovirt-ci checkout or unset it/,
            );
        });
    });
});
