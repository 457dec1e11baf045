// Every oVirt dynamic provider serializes (pulumi.runtime.serializeFunction), captures no credential and stays small.
// Plain mocha, no mocks. The serialized text is also loaded and called against an unroutable address to prove it
// is self-contained and reads its credentials at call time.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as ovirt from "../../providers/ovirt";

const PASSWORD = "s3cret-fixture-Pa55";
const CA_FIXTURE = "-----BEGIN CERTIFICATE-----FIXTURE-CA";
const SIZE_CEILING = 80_000;

const providers: Record<string, object> = {
    DataCenter: ovirt.dataCenterProvider,
    Cluster: ovirt.clusterProvider,
    Host: ovirt.hostProvider,
    StorageDomain: ovirt.storageDomainProvider,
    Network: ovirt.networkProvider,
    Vm: ovirt.vmProvider,
    VmNic: ovirt.vmNicProvider,
    AffinityGroup: ovirt.affinityGroupProvider,
    Tag: ovirt.tagProvider,
    Event: ovirt.eventProvider,
    EngineObject: ovirt.engineObjectProvider,
};

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

    for (const [kind, provider] of Object.entries(providers)) {
        it(`${kind}: serializes without credentials, under ${SIZE_CEILING} characters, and runs from its text`, async () => {
            const { text } = await pulumi.runtime.serializeFunction(() => provider);
            assert.ok(!text.includes(PASSWORD), "password captured");
            assert.ok(!text.includes(CA_FIXTURE), "CA captured");
            assert.ok(!text.includes("engine-fixture.invalid"), "endpoint captured");
            assert.ok(!text.includes("@pulumi/pulumi"), "the Pulumi SDK was captured");
            assert.ok(text.length < SIZE_CEILING, `serialized size ${text.length}`);
            // load the text like the dynamic-provider host does and call a method: it must resolve the env at call time
            const mod: { exports: { handler?: () => Record<string, (...a: unknown[]) => Promise<unknown>> } } = { exports: {} };
            new Function("module", "exports", "require", text)(mod, mod.exports, require);
            const p = mod.exports.handler!();
            process.env.OVIRT_ENGINE_URL = "https://127.0.0.1:9/ovirt-engine/api"; // nothing listens on port 9
            process.env.OVIRT_ENGINE_RETRY_ATTEMPTS = "1";
            try {
                await p.configure({ config: { get: () => { throw new Error("no config sent"); } } });
                await assert.rejects(p.read("00000000-0000-4000-8000-000000000001", { name: "x", clusterId: "00000000-0000-4000-8000-000000000002", vmId: "00000000-0000-4000-8000-000000000003" }),
                    (e: Error) => {
                        assert.match(e.message, /ECONNREFUSED/);
                        assert.ok(!e.message.includes(PASSWORD));
                        return true;
                    });
            } finally {
                process.env.OVIRT_ENGINE_URL = "https://engine-fixture.invalid:9/ovirt-engine/api";
                delete process.env.OVIRT_ENGINE_RETRY_ATTEMPTS;
            }
        });
    }
});
