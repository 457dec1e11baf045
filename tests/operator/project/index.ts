// The drift check's test program (tests/operator/drift.spec.ts): real oVirt dynamic resources against the engine
// emulator, credentials and CA in the stack config under the `ovirt-ci:` keys the provider reads (docs/provider.md).
import * as pulumi from "@pulumi/pulumi";
import { EngineObject, Network, OvnNetworkPortSecurity } from "../../../providers/ovirt";

const config = new pulumi.Config("operator");
const suffix = config.get("suffix") ?? "drift";

const dataCenter = new EngineObject("dc", { kind: "dataCenter", name: "OCP-45" });
const cluster = new EngineObject("cluster", { kind: "cluster", name: "OCP-45", dataCenterId: dataCenter.id });
const ovn = new EngineObject("ovn", { kind: "ovnProvider", name: "ovirt-provider-ovn" });

const network = new Network("net", {
    name: `ovn-${suffix}`,
    dataCenterId: dataCenter.id,
    externalProviderId: ovn.id,
    clusterId: cluster.id,
    description: "lease network (drift test)",
});
// port security off through the OVN provider's API, as on a lease network (docs/ovn.md)
new OvnNetworkPortSecurity("net-port-security", {
    networkName: network.name,
    networkId: network.id,
    portSecurityEnabled: false,
});
// a second object of the program's kinds, with no cluster and no port security: drift on one of two, deletion
const spare = new Network("spare", {
    name: `ovn-${suffix}-spare`,
    dataCenterId: dataCenter.id,
    externalProviderId: ovn.id,
    description: "managed by pulumi",
});

export const networkId = network.id;
export const spareId = spare.id;
