// Port security of an OVN network and of a port on it, through the OVN provider's Networking API (./ovnClient,
// docs/ovn.md). The engine's REST API has no such attribute (ovirt-api.md 5.5); ci-contract.md 12.1 wants it off on
// every lease network and port, or the installer's VIPs and the proxy's routed traffic are dropped.
//
// A network's flag is what ports created on it later inherit; changing it does not change existing ports
// (ovirt-provider-ovn neutron_api.py), hence one resource for the network and one per port that must follow.
// Deleting either resource only forgets it: the flag is an attribute of an object another resource owns.
import * as pulumi from "@pulumi/pulumi";
import { waitFor, timeoutMs } from "./client";
import { CheckFailure, OvirtProviderBase, compact, fieldDiff, isUnknown, optBool, optId, optInt, reqName, reqString } from "./common";
import { OvnEndpoint, OvnSession, findOvnNetwork, networkInfo, ovnSession, portInfo, resolveOvnEndpoint } from "./ovnClient";
import { OvirtProviderStub } from "./stub";

export const OVN_PORT_SECURITY_PROVIDER_VERSION = 1;

/** How long a port create waits by default for the engine to allocate the port (it does when the VM runs). */
export const PORT_WAIT_SECONDS = 300;

/** Base of both kinds: the OVN endpoint from the same stack config (and environment) as the engine's. */
abstract class OvnProviderBase extends OvirtProviderBase {
    ovnEndpoint(): OvnEndpoint {
        return resolveOvnEndpoint(this.stackConfig);
    }

    ovn(operation: string): OvnSession {
        return ovnSession(this.ovnEndpoint(), operation);
    }
}

function flag(news: Record<string, unknown>, failures: CheckFailure[]): boolean {
    return optBool(news, "portSecurityEnabled", failures, false);
}

// ---------------------------------------------------------------------------------------------------------------
// network

export interface OvnNetworkPortSecurityArgs {
    /** The network's name (the engine names the provider's network after its own). Replaces on change. */
    networkName: pulumi.Input<string>;
    /** The engine network (its `Network` resource's id): a new network with the same name is a new resource. */
    networkId?: pulumi.Input<string>;
    /** @default false (ci-contract.md 12.1) */
    portSecurityEnabled?: pulumi.Input<boolean>;
}

export interface OvnNetworkPortSecurityInputs { networkName: string; networkId?: string; portSecurityEnabled: boolean }
export interface OvnNetworkPortSecurityState extends OvnNetworkPortSecurityInputs { providerVersion: number }

export class OvnNetworkPortSecurityProvider extends OvnProviderBase implements pulumi.dynamic.ResourceProvider<OvnNetworkPortSecurityInputs, OvnNetworkPortSecurityState> {
    async check(_olds: OvnNetworkPortSecurityInputs, news: OvnNetworkPortSecurityInputs): Promise<pulumi.dynamic.CheckResult<OvnNetworkPortSecurityInputs>> {
        const n = news as unknown as Record<string, unknown>;
        const failures: CheckFailure[] = [];
        const inputs = { networkName: reqName(n, "networkName", failures, 256), networkId: optId(n, "networkId", failures), portSecurityEnabled: flag(n, failures) };
        return { inputs: compact(inputs), failures };
    }

    async diff(_id: string, olds: OvnNetworkPortSecurityState, news: OvnNetworkPortSecurityInputs): Promise<pulumi.dynamic.DiffResult> {
        return fieldDiff(olds as never, news as never, ["networkName", "networkId"], ["portSecurityEnabled"], OVN_PORT_SECURITY_PROVIDER_VERSION, false);
    }

    private async set(s: OvnSession, id: string, want: boolean): Promise<boolean> {
        const r = await s.put<{ network?: Record<string, unknown> }>(`/networks/${id}`, { network: { port_security_enabled: want } });
        return networkInfo(r.network ?? {}).portSecurityEnabled;
    }

    async create(inputs: OvnNetworkPortSecurityInputs): Promise<pulumi.dynamic.CreateResult<OvnNetworkPortSecurityState>> {
        const s = this.ovn(`set port security of OVN network ${inputs.networkName}`);
        const n = await findOvnNetwork(s, inputs.networkName);
        const live = n.portSecurityEnabled === inputs.portSecurityEnabled ? n.portSecurityEnabled : await this.set(s, n.id, inputs.portSecurityEnabled);
        return { id: n.id, outs: compact({ ...inputs, portSecurityEnabled: live, providerVersion: OVN_PORT_SECURITY_PROVIDER_VERSION }) };
    }

    async read(id: string, old?: OvnNetworkPortSecurityState): Promise<pulumi.dynamic.ReadResult<OvnNetworkPortSecurityState>> {
        const props = old ?? ({} as OvnNetworkPortSecurityState);
        const s = this.ovn(`read port security of OVN network ${props.networkName ?? id}`);
        const n = await s.find<{ network?: Record<string, unknown> }>(`/networks/${id}`);
        if (!n?.network) return { id: undefined };
        const live = networkInfo(n.network);
        const inputs = compact({ networkName: props.networkName ?? live.name, networkId: props.networkId, portSecurityEnabled: live.portSecurityEnabled });
        return { id, props: compact({ ...props, ...inputs }), inputs: inputs as never };
    }

    async update(id: string, olds: OvnNetworkPortSecurityState, news: OvnNetworkPortSecurityInputs): Promise<pulumi.dynamic.UpdateResult<OvnNetworkPortSecurityState>> {
        let live = olds.portSecurityEnabled;
        if (news.portSecurityEnabled !== olds.portSecurityEnabled) {
            live = await this.set(this.ovn(`set port security of OVN network ${news.networkName}`), id, news.portSecurityEnabled);
        }
        return { outs: compact({ ...news, portSecurityEnabled: live, providerVersion: OVN_PORT_SECURITY_PROVIDER_VERSION }) };
    }

    async delete(_id: string, _props: OvnNetworkPortSecurityState): Promise<void> {
        // only forgotten: the flag belongs to the network, which its Network resource removes
    }
}

/** What OvnNetworkPortSecurity resources serialize: a stub (./stub). */
export const ovnNetworkPortSecurityProvider = new OvirtProviderStub("OvnNetworkPortSecurity");

/**
 * Port security of an OVN network (`pulumi-nodejs:dynamic/ovirt:OvnNetworkPortSecurity`): what ports created on it
 * later get. Its id is the provider-side network id. Create it before any port exists on the network.
 */
export class OvnNetworkPortSecurity extends pulumi.dynamic.Resource {
    declare readonly networkName: pulumi.Output<string>;
    declare readonly networkId: pulumi.Output<string | undefined>;
    declare readonly portSecurityEnabled: pulumi.Output<boolean>;
    declare readonly providerVersion: pulumi.Output<number>;

    constructor(name: string, args: OvnNetworkPortSecurityArgs, opts?: pulumi.CustomResourceOptions) {
        super(ovnNetworkPortSecurityProvider, name, { providerVersion: undefined, ...args }, opts, "ovirt", "OvnNetworkPortSecurity");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// port

export interface OvnPortSecurityArgs {
    /** The network the port is on. Replaces on change. */
    networkName: pulumi.Input<string>;
    /** The MAC of the VM NIC the port belongs to (a `VmNic`'s `mac`). Replaces on change. */
    macAddress: pulumi.Input<string>;
    /** @default false */
    portSecurityEnabled?: pulumi.Input<boolean>;
    /**
     * How long create waits for the port: the engine allocates it when the VM runs (or the NIC is hot-plugged).
     * @default 300
     */
    timeoutSeconds?: pulumi.Input<number>;
}

export interface OvnPortSecurityInputs { networkName: string; macAddress: string; portSecurityEnabled: boolean; timeoutSeconds?: number }
export interface OvnPortSecurityState extends OvnPortSecurityInputs {
    /** The NIC's name and VM as the port shows them (`name`, `device_id`). */
    portName: string;
    deviceId: string;
    providerVersion: number;
}

const MAC_RE = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

export class OvnPortSecurityProvider extends OvnProviderBase implements pulumi.dynamic.ResourceProvider<OvnPortSecurityInputs, OvnPortSecurityState> {
    async check(_olds: OvnPortSecurityInputs, news: OvnPortSecurityInputs): Promise<pulumi.dynamic.CheckResult<OvnPortSecurityInputs>> {
        const n = news as unknown as Record<string, unknown>;
        const failures: CheckFailure[] = [];
        let mac = reqString(n, "macAddress", failures, "the VM NIC's MAC, e.g. 56:6f:1a:2b:00:01");
        if (!isUnknown(mac)) {
            mac = mac.toLowerCase();
            if (mac && !MAC_RE.test(mac)) failures.push({ property: "macAddress", reason: `macAddress must be a MAC like 56:6f:1a:2b:00:01, got ${JSON.stringify(n.macAddress)}` });
        }
        const inputs = { networkName: reqName(n, "networkName", failures, 256), macAddress: mac, portSecurityEnabled: flag(n, failures),
            timeoutSeconds: optInt(n, "timeoutSeconds", failures, 1, 24 * 3600) };
        return { inputs: compact(inputs), failures };
    }

    async diff(_id: string, olds: OvnPortSecurityState, news: OvnPortSecurityInputs): Promise<pulumi.dynamic.DiffResult> {
        return fieldDiff(olds as never, news as never, ["networkName", "macAddress"], ["portSecurityEnabled", "timeoutSeconds"], OVN_PORT_SECURITY_PROVIDER_VERSION, false);
    }

    private async set(s: OvnSession, id: string, want: boolean): Promise<boolean> {
        const r = await s.put<{ port?: Record<string, unknown> }>(`/ports/${id}`, { port: { port_security_enabled: want } });
        return portInfo(r.port ?? {}).portSecurityEnabled;
    }

    async create(inputs: OvnPortSecurityInputs): Promise<pulumi.dynamic.CreateResult<OvnPortSecurityState>> {
        const what = `OVN port ${inputs.macAddress} on network ${inputs.networkName}`;
        const s = this.ovn(`set port security of ${what}`);
        const n = await findOvnNetwork(s, inputs.networkName);
        const port = await waitFor(what, async () => ((await s.get<{ ports?: Record<string, unknown>[] }>("/ports", { network_id: n.id, mac_address: inputs.macAddress })).ports ?? []).map(portInfo)[0],
            (p) => p !== undefined,
            { timeoutMs: timeoutMs(this.endpoint(), inputs.timeoutSeconds, PORT_WAIT_SECONDS),
                describe: () => "no port with this MAC yet; the engine allocates it when the VM runs with the NIC plugged" });
        const p = port!;
        const live = p.portSecurityEnabled === inputs.portSecurityEnabled ? p.portSecurityEnabled : await this.set(s, p.id, inputs.portSecurityEnabled);
        return { id: p.id, outs: compact({ ...inputs, portSecurityEnabled: live, portName: p.name, deviceId: p.deviceId, providerVersion: OVN_PORT_SECURITY_PROVIDER_VERSION }) };
    }

    async read(id: string, old?: OvnPortSecurityState): Promise<pulumi.dynamic.ReadResult<OvnPortSecurityState>> {
        const props = old ?? ({} as OvnPortSecurityState);
        const s = this.ovn(`read port security of OVN port ${props.macAddress ?? id} on network ${props.networkName ?? "?"}`);
        const r = await s.find<{ port?: Record<string, unknown> }>(`/ports/${id}`);
        if (!r?.port) return { id: undefined };
        const live = portInfo(r.port);
        const inputs = compact({ networkName: props.networkName, macAddress: props.macAddress ?? live.macAddress, portSecurityEnabled: live.portSecurityEnabled,
            timeoutSeconds: props.timeoutSeconds });
        return { id, props: compact({ ...props, ...inputs, portName: live.name, deviceId: live.deviceId }), inputs: inputs as never };
    }

    async update(id: string, olds: OvnPortSecurityState, news: OvnPortSecurityInputs): Promise<pulumi.dynamic.UpdateResult<OvnPortSecurityState>> {
        let live = olds.portSecurityEnabled;
        if (news.portSecurityEnabled !== olds.portSecurityEnabled) {
            live = await this.set(this.ovn(`set port security of OVN port ${news.macAddress} on network ${news.networkName}`), id, news.portSecurityEnabled);
        }
        return { outs: compact({ ...olds, ...news, portSecurityEnabled: live, providerVersion: OVN_PORT_SECURITY_PROVIDER_VERSION }) };
    }

    async delete(_id: string, _props: OvnPortSecurityState): Promise<void> {
        // only forgotten: the port belongs to the VM NIC, which its VmNic resource removes
    }
}

/** What OvnPortSecurity resources serialize: a stub (./stub). */
export const ovnPortSecurityProvider = new OvirtProviderStub("OvnPortSecurity");

/**
 * Port security of the OVN port of one VM NIC (`pulumi-nodejs:dynamic/ovirt:OvnPortSecurity`), found by network
 * and MAC. Its id is the port's id. A flag turned back on by hand is drift that the next `up --refresh` corrects.
 */
export class OvnPortSecurity extends pulumi.dynamic.Resource {
    declare readonly networkName: pulumi.Output<string>;
    declare readonly macAddress: pulumi.Output<string>;
    declare readonly portSecurityEnabled: pulumi.Output<boolean>;
    declare readonly portName: pulumi.Output<string>;
    declare readonly deviceId: pulumi.Output<string>;
    declare readonly providerVersion: pulumi.Output<number>;

    constructor(name: string, args: OvnPortSecurityArgs, opts?: pulumi.CustomResourceOptions) {
        super(ovnPortSecurityProvider, name, { portName: undefined, deviceId: undefined, providerVersion: undefined, ...args }, opts, "ovirt", "OvnPortSecurity");
    }
}
