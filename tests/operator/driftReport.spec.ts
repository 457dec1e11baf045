// The drift report from `pulumi preview --refresh --json` digests (shapes as the CLI v3.274.1 writes them; the
// real-CLI cases are in drift.spec.ts): causes, secrets, whole-object changes, and what is not drift.
import * as assert from "node:assert/strict";
import { analyzePreview, renderReport, show } from "../../scripts/drift";

const urn = (type: string, name: string) => `urn:pulumi:ci::ovirt-ci::ovirt-ci:lease:Lease$${type}::${name}`;
const NET = "pulumi-nodejs:dynamic/ovirt:Network";
const state = (type: string, name: string, inputs: Record<string, unknown>) => ({
    urn: urn(type, name),
    type,
    id: "id-1",
    inputs: { __provider: "exports.handler = …", ...inputs },
    outputs: {},
});

describe("drift report", () => {
    it("tells a change on the engine from a program change not applied yet", () => {
        const r = analyzePreview(
            {
                steps: [
                    {
                        op: "refresh",
                        urn: urn(NET, "ovirt-10-network"),
                        oldState: state(NET, "ovirt-10-network", { description: "lease 10", mtu: 1500 }),
                    },
                    {
                        op: "update",
                        urn: urn(NET, "ovirt-10-network"),
                        oldState: state(NET, "ovirt-10-network", { description: "hand edit", mtu: 1500 }),
                        newState: {
                            ...state(NET, "ovirt-10-network", { description: "lease 10", mtu: 1400 }),
                            inputs: { __provider: "changed code", description: "lease 10", mtu: 1400 },
                        },
                    },
                    { op: "same", urn: urn(NET, "ovirt-11-network") },
                ],
            },
            "ci",
        );
        assert.equal(r.drifted.length, 1);
        assert.deepEqual(r.drifted[0].fields, [
            { field: "description", expected: "lease 10", found: "hand edit", recorded: "lease 10", cause: "engine" },
            { field: "mtu", expected: 1400, found: 1500, recorded: 1500, cause: "program" },
        ]);
        assert.equal(
            renderReport(r).split("\n").slice(0, 4).join("\n"),
            [
                "drift: stack ci: 1 object drifted",
                `  ${NET} ovirt-10-network (update)`,
                '    description: expected "lease 10", found "hand edit" (changed outside Pulumi)',
                "    mtu: expected 1400, found 1500 (not applied yet: the last up recorded 1500)",
            ].join("\n"),
        );
    });

    it("shows secrets as [secret], whether the CLI masked them or not", () => {
        const SIG = "4dabf18193072939515e22adb298388d";
        const T = "vault:kv/secretV2:SecretV2";
        const r = analyzePreview(
            {
                steps: [
                    {
                        op: "update",
                        urn: urn(T, "ci-profile-item"),
                        oldState: state(T, "ci-profile-item", {
                            dataJson: { [SIG]: "1b47061264138c4ac30d75fd1eb44270", value: '{"pw":"hunter22"}' },
                        }),
                        newState: state(T, "ci-profile-item", { dataJson: "[secret]" }),
                    },
                ],
            },
            "ci",
        );
        const text = renderReport(r);
        assert.ok(text.includes("dataJson: expected [secret], found [secret]"), text);
        assert.ok(!text.includes("hunter22"));
    });

    it("whole objects: deleted on the engine, new in the program, removed from the program, replaced", () => {
        const r = analyzePreview(
            {
                steps: [
                    { op: "refresh", urn: urn(NET, "gone"), oldState: state(NET, "gone", { description: "x" }) },
                    { op: "create", urn: urn(NET, "gone"), newState: state(NET, "gone", { description: "x" }) },
                    { op: "create", urn: urn(NET, "new"), newState: state(NET, "new", { description: "y" }) },
                    { op: "delete", urn: urn(NET, "old"), oldState: state(NET, "old", { description: "z" }) },
                    {
                        op: "refresh",
                        urn: urn(NET, "renamed"),
                        oldState: state(NET, "renamed", { name: "ovn-vmnet-12" }),
                    },
                    {
                        op: "create-replacement",
                        urn: urn(NET, "renamed"),
                        oldState: state(NET, "renamed", { name: "by-hand" }),
                        newState: state(NET, "renamed", { name: "ovn-vmnet-12" }),
                    },
                    {
                        op: "replace",
                        urn: urn(NET, "renamed"),
                        oldState: state(NET, "renamed", { name: "by-hand" }),
                        newState: state(NET, "renamed", { name: "ovn-vmnet-12" }),
                    },
                    {
                        op: "delete-replaced",
                        urn: urn(NET, "renamed"),
                        oldState: state(NET, "renamed", { name: "by-hand" }),
                    },
                ],
            },
            "ci",
        );
        const text = renderReport(r);
        assert.match(text, /4 objects drifted/);
        assert.match(text, /ovirt:Network gone \(create\)\n {4}missing on the engine: deleted outside Pulumi/);
        assert.match(text, /ovirt:Network new \(create\)\n {4}declared by the program but not created yet/);
        assert.match(text, /ovirt:Network old \(delete\)\n {4}no longer declared by the program/);
        assert.match(
            text,
            /ovirt:Network renamed \(create-replacement, replace, delete-replaced\)\n {4}name: expected "ovn-vmnet-12", found "by-hand" \(changed outside Pulumi\)/,
        );
    });

    it("nothing but same/refresh steps is clean; long values are cut", () => {
        const r = analyzePreview(
            {
                steps: [
                    { op: "refresh", urn: urn(NET, "a") },
                    { op: "same", urn: urn(NET, "a") },
                ],
            },
            "ci",
        );
        assert.equal(renderReport(r), "drift: stack ci: nothing drifted\n");
        assert.equal(show("x".repeat(200)).length, 100);
        assert.equal(show(undefined), "(not set)");
    });
});
