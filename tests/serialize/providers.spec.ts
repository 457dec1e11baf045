// What every oVirt dynamic resource stores as `__provider`: the stub of providers/ovirt/stub.js. It must serialize
// (pulumi.runtime.serializeFunction), capture no credential and no path of this checkout, stay small, and run from
// its text, loading the real provider of the checkout at call time. The whole provider classes must still serialize
// and run on their own too: that is the form states written before the stub carry (the migration test builds it).
// Plain mocha, no mocks. Loaded texts are called against an unroutable address.
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ovirt from "../../providers/ovirt";
import { sdkProviderText } from "./sdkSerialize";
import { legacyProviderTexts } from "../helpers/legacyProviderText";

const PASSWORD = "s3cret-fixture-Pa55";
const CA_FIXTURE = "-----BEGIN CERTIFICATE-----FIXTURE-CA";
const STUB_SIZE_CEILING = 8_000;
// Vm's whole provider is the largest (≈ 87 K since it plans memory/CPU hot plug, planHardware in vm.ts); a state of
// that form is rewritten with the stub on its next update anyway.
const LEGACY_SIZE_CEILING = 96_000;
const repoRoot = path.resolve(__dirname, "../..");
/**
 * SHA-256 of the `__provider` text of a Network resource as every stack since the stub stores it (read back from the
 * state of a real `up`). When it moves, every oVirt resource of every stack shows as an update on its next preview.
 */
const NETWORK_STUB_TEXT_SHA256 = "04db617f85d861155a271050ebe5ad4cf00416b5a0730d6c6f9cad714abfb94b";

const stubs: Record<ovirt.OvirtKind, object> = {
    Host: ovirt.hostProvider,
    StorageDomain: ovirt.storageDomainProvider,
    Network: ovirt.networkProvider,
    Vm: ovirt.vmProvider,
    VmNic: ovirt.vmNicProvider,
    EngineObject: ovirt.engineObjectProvider,
    OvnNetworkPortSecurity: ovirt.ovnNetworkPortSecurityProvider,
    OvnPortSecurity: ovirt.ovnPortSecurityProvider,
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

/** Configures with no stack config and reads: the endpoint must come from the environment at call time. */
async function assertRunsFromText(p: Loaded): Promise<void> {
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
        await assert.rejects(
            p.read("00000000-0000-4000-8000-000000000001", {
                name: "x",
                clusterId: "00000000-0000-4000-8000-000000000002",
                vmId: "00000000-0000-4000-8000-000000000003",
            }),
            (e: Error) => {
                assert.match(e.message, /ECONNREFUSED/);
                assert.ok(!e.message.includes(PASSWORD));
                return true;
            },
        );
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
        const text = await sdkProviderText(new ovirt.OvirtProviderStub("Network"));
        assert.equal(
            crypto.createHash("sha256").update(text).digest("hex"),
            NETWORK_STUB_TEXT_SHA256,
            "the `__provider` text of the stub changed (providers/ovirt/stub.js, or the SDK's serialization): every oVirt resource " +
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
            assert.equal(
                text,
                await serialized(new ovirt.OvirtProviderStub(kind as ovirt.OvirtKind)),
                "the text depends on more than the kind",
            );
            await assertRunsFromText(load(text));
        });
    }

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
                await assertRunsFromText(load(text));
            });
        }
    });

    describe("a stub outside an ovirt-ci checkout", () => {
        const cwd = process.cwd();
        afterEach(() => {
            process.chdir(cwd);
            delete process.env.OVIRT_CI_PROJECT_DIR;
        });

        it("names the working directory and the fix", async () => {
            process.chdir(os.tmpdir());
            const p = load(await serialized(ovirt.vmProvider));
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
            const p = load(await serialized(ovirt.engineObjectProvider));
            const r = (await p.check({}, { kind: "dataCenter", name: "t" })) as { failures: unknown[] };
            assert.deepEqual(r.failures, []);
            process.env.OVIRT_CI_PROJECT_DIR = os.tmpdir();
            const q = load(await serialized(ovirt.engineObjectProvider));
            await assert.rejects(
                q.check({}, { kind: "dataCenter", name: "t" }),
                /OVIRT_CI_PROJECT_DIR=".*" has no providers\/ovirt\/runtime\.ts; set it to an ovirt-ci checkout or unset it/,
            );
        });
    });
});
