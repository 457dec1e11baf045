// What the drift check's OVN part looks at (scripts/drift/ovnPortSecurity.ts), from preview digests shaped as the CLI
// writes them (refresh steps carry the recorded state, changed steps the program's inputs); the real-CLI case is in
// drift.spec.ts.
import * as assert from "node:assert/strict";
import { configSource, ovnTargets } from "../../scripts/drift/ovnPortSecurity";

const NET = "pulumi-nodejs:dynamic/ovirt:OvnNetworkPortSecurity";
const PORT = "pulumi-nodejs:dynamic/ovirt:OvnPortSecurity";
const st = (type: string, id: string, inputs: Record<string, unknown>) => ({
    type,
    id,
    inputs: { __provider: "…", ...inputs },
});

describe("drift: the OVN port security targets of a digest", () => {
    it("every declared network with the program's flag, and the ports resources own", () => {
        const t = ovnTargets([
            {
                op: "refresh",
                urn: "u1",
                oldState: st(NET, "n10", { networkName: "ovn-vmnet-10", portSecurityEnabled: false }),
            },
            {
                op: "refresh",
                urn: "u2",
                oldState: st(NET, "n11", { networkName: "ovn-vmnet-11", portSecurityEnabled: false }),
            },
            // the program now wants it on for lease 11 (ovnPortSecurity: true): the update step's inputs win
            {
                op: "update",
                urn: "u2",
                oldState: st(NET, "n11", { networkName: "ovn-vmnet-11", portSecurityEnabled: false }),
                newState: st(NET, "n11", { networkName: "ovn-vmnet-11", portSecurityEnabled: true }),
            },
            {
                op: "refresh",
                urn: "u3",
                oldState: st(PORT, "port-a", { networkName: "ovn-vmnet-10", macAddress: "56:6f:00:00:00:01" }),
            },
            { op: "same", urn: "u4" },
            // a lease not made yet: nothing to check (its network name may still be unknown)
            {
                op: "create",
                urn: "u6",
                newState: st(NET, "", {
                    networkName: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
                    portSecurityEnabled: false,
                }),
            },
            // a lease being removed is no target any more
            {
                op: "refresh",
                urn: "u5",
                oldState: st(NET, "n12", { networkName: "ovn-vmnet-12", portSecurityEnabled: false }),
            },
            {
                op: "delete",
                urn: "u5",
                oldState: st(NET, "n12", { networkName: "ovn-vmnet-12", portSecurityEnabled: false }),
            },
        ]);
        assert.deepEqual(t.networks, [
            { name: "ovn-vmnet-10", portSecurityEnabled: false },
            { name: "ovn-vmnet-11", portSecurityEnabled: true },
        ]);
        assert.deepEqual([...t.managedPortIds], ["port-a"]);
        assert.deepEqual(
            ovnTargets([{ op: "same", urn: "u" }]).networks,
            [],
            "a stack without port security resources: nothing to check",
        );
    });

    it("reads the stack config of `pulumi config --json` (plain and secret values alike)", () => {
        const c = configSource(
            JSON.stringify({
                "ovirt-ci:enginePassword": { value: "pw", secret: true },
                "ovirt-ci:leases": { value: { from: 10, to: 12 }, objectValue: {} },
            }),
        );
        assert.equal(c.get("ovirt-ci:enginePassword"), "pw");
        assert.equal(c.get("ovirt-ci:leases"), '{"from":10,"to":12}');
        assert.equal(c.get("ovirt-ci:ovnAuthUrl"), undefined);
    });
});
