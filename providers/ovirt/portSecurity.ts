// Port security of an OVN network and of a port on it, through the OVN provider's Networking API (./ovnClient,
// docs/ovn.md). The engine's REST API has no such attribute (docs/engine-api.md 5.5); docs/ci-contract.md 12.1 wants it off on
// every lease network and port, or the installer's VIPs and the proxy's routed traffic are dropped.
//
// A network's flag is what ports created on it later inherit; changing it does not change existing ports
// (ovirt-provider-ovn neutron_api.py), hence one resource for the network and one per port that must follow.
// Deleting either resource only forgets it: the flag is an attribute of an object another resource owns.
import * as pulumi from "@pulumi/pulumi";
import { waitFor, timeoutMs } from "./client";
import { CheckFailure, compact, isUnknown, reqString } from "./common";
import {
    ArgsOf,
    InputsOf,
    Kind,
    KindProvider,
    StateOf,
    defineKind,
    is,
    optional,
    output,
    required,
    resourceClass,
} from "./kind";
import {
    OvnEndpoint,
    OvnSession,
    findOvnNetwork,
    networkInfo,
    ovnSession,
    portInfo,
    resolveOvnEndpoint,
} from "./ovnClient";

export const OVN_PORT_SECURITY_PROVIDER_VERSION = 1;

/** How long a port create waits by default for the engine to allocate the port (it does when the VM runs). */
export const PORT_WAIT_SECONDS = 300;

/** Base of both kinds: the OVN endpoint from the same stack config (and environment) as the engine's. */
abstract class OvnProviderBase<D extends Kind> extends KindProvider<D> {
    ovnEndpoint(): OvnEndpoint {
        return resolveOvnEndpoint(this.stackConfig);
    }

    ovn(operation: string): OvnSession {
        return ovnSession(this.ovnEndpoint(), operation);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// network

/** Port security of an OVN network: replaced (without deleting first: deleting only forgets) on another network. */
export const OVN_NETWORK_PORT_SECURITY = defineKind({
    kind: "OvnNetworkPortSecurity",
    providerVersion: OVN_PORT_SECURITY_PROVIDER_VERSION,
    deleteBeforeReplace: false,
    inputs: {
        /** The network's name (the engine names the provider's network after its own). Replaces on change. */
        networkName: required("replace", is.name(256)),
        /** The engine network (its `Network` resource's id): a new network with the same name is a new resource. */
        networkId: optional("replace", is.optId),
        /** @default false (docs/ci-contract.md 12.1) */
        portSecurityEnabled: optional("update", is.bool(false)),
    },
    outputs: {},
});

export type OvnNetworkPortSecurityArgs = ArgsOf<typeof OVN_NETWORK_PORT_SECURITY>;
export type OvnNetworkPortSecurityInputs = InputsOf<typeof OVN_NETWORK_PORT_SECURITY>;
export type OvnNetworkPortSecurityState = StateOf<typeof OVN_NETWORK_PORT_SECURITY>;

export class OvnNetworkPortSecurityProvider extends OvnProviderBase<typeof OVN_NETWORK_PORT_SECURITY> {
    protected readonly description = OVN_NETWORK_PORT_SECURITY;

    private async set(s: OvnSession, id: string, want: boolean): Promise<boolean> {
        const r = await s.put<{ network?: Record<string, unknown> }>(`/networks/${id}`, {
            network: { port_security_enabled: want },
        });
        return networkInfo(r.network ?? {}).portSecurityEnabled;
    }

    async create(
        inputs: OvnNetworkPortSecurityInputs,
    ): Promise<pulumi.dynamic.CreateResult<OvnNetworkPortSecurityState>> {
        const s = this.ovn(`set port security of OVN network ${inputs.networkName}`);
        const n = await findOvnNetwork(s, inputs.networkName);
        const live =
            n.portSecurityEnabled === inputs.portSecurityEnabled
                ? n.portSecurityEnabled
                : await this.set(s, n.id, inputs.portSecurityEnabled);
        return {
            id: n.id,
            outs: compact({
                ...inputs,
                portSecurityEnabled: live,
                providerVersion: OVN_PORT_SECURITY_PROVIDER_VERSION,
            }),
        };
    }

    async read(
        id: string,
        old?: OvnNetworkPortSecurityState,
    ): Promise<pulumi.dynamic.ReadResult<OvnNetworkPortSecurityState>> {
        const props = old ?? ({} as OvnNetworkPortSecurityState);
        const s = this.ovn(`read port security of OVN network ${props.networkName ?? id}`);
        const n = await s.find<{ network?: Record<string, unknown> }>(`/networks/${id}`);
        if (!n?.network) return { id: undefined };
        const live = networkInfo(n.network);
        return this.found(id, {
            ...props,
            networkName: props.networkName ?? live.name,
            portSecurityEnabled: live.portSecurityEnabled,
        });
    }

    async update(
        id: string,
        olds: OvnNetworkPortSecurityState,
        news: OvnNetworkPortSecurityInputs,
    ): Promise<pulumi.dynamic.UpdateResult<OvnNetworkPortSecurityState>> {
        let live = olds.portSecurityEnabled;
        if (news.portSecurityEnabled !== olds.portSecurityEnabled) {
            live = await this.set(
                this.ovn(`set port security of OVN network ${news.networkName}`),
                id,
                news.portSecurityEnabled,
            );
        }
        return {
            outs: compact({ ...news, portSecurityEnabled: live, providerVersion: OVN_PORT_SECURITY_PROVIDER_VERSION }),
        };
    }

    async delete(_id: string, _props: OvnNetworkPortSecurityState): Promise<void> {
        // only forgotten: the flag belongs to the network, which its Network resource removes
    }
}

/**
 * Port security of an OVN network (`pulumi-nodejs:dynamic/ovirt:OvnNetworkPortSecurity`): what ports created on it
 * later get. Its id is the provider-side network id. Create it before any port exists on the network.
 */
export const OvnNetworkPortSecurity = resourceClass(OVN_NETWORK_PORT_SECURITY);
export type OvnNetworkPortSecurity = InstanceType<typeof OvnNetworkPortSecurity>;

/** What OvnNetworkPortSecurity resources serialize: a stub (./stub). */
export const ovnNetworkPortSecurityProvider = OvnNetworkPortSecurity.provider;

// ---------------------------------------------------------------------------------------------------------------
// port

const MAC_RE = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

/** The VM NIC's MAC, lower-cased. */
function nicMac(news: Record<string, unknown>, field: string, failures: CheckFailure[]): string {
    let mac = reqString(news, field, failures, "the VM NIC's MAC, e.g. 56:6f:1a:2b:00:01");
    if (!isUnknown(mac)) {
        mac = mac.toLowerCase();
        if (mac && !MAC_RE.test(mac))
            failures.push({
                property: field,
                reason: `${field} must be a MAC like 56:6f:1a:2b:00:01, got ${JSON.stringify(news[field])}`,
            });
    }
    return mac;
}

/** Port security of the OVN port of one VM NIC: replaced (without deleting first) on another network or MAC. */
export const OVN_PORT_SECURITY = defineKind({
    kind: "OvnPortSecurity",
    providerVersion: OVN_PORT_SECURITY_PROVIDER_VERSION,
    deleteBeforeReplace: false,
    inputs: {
        /** The network the port is on. Replaces on change. */
        networkName: required("replace", is.name(256)),
        /** The MAC of the VM NIC the port belongs to (a `VmNic`'s `mac`). Replaces on change. */
        macAddress: required("replace", nicMac),
        /** @default false */
        portSecurityEnabled: optional("update", is.bool(false)),
        /**
         * How long create waits for the port: the engine allocates it when the VM runs (or the NIC is hot-plugged).
         * @default 300
         */
        timeoutSeconds: optional("update", is.timeout),
    },
    outputs: {
        /** The NIC's name and VM as the port shows them (`name`, `device_id`). */
        portName: output<string>(),
        deviceId: output<string>(),
    },
});

export type OvnPortSecurityArgs = ArgsOf<typeof OVN_PORT_SECURITY>;
export type OvnPortSecurityInputs = InputsOf<typeof OVN_PORT_SECURITY>;
export type OvnPortSecurityState = StateOf<typeof OVN_PORT_SECURITY>;

export class OvnPortSecurityProvider extends OvnProviderBase<typeof OVN_PORT_SECURITY> {
    protected readonly description = OVN_PORT_SECURITY;

    private async set(s: OvnSession, id: string, want: boolean): Promise<boolean> {
        const r = await s.put<{ port?: Record<string, unknown> }>(`/ports/${id}`, {
            port: { port_security_enabled: want },
        });
        return portInfo(r.port ?? {}).portSecurityEnabled;
    }

    async create(inputs: OvnPortSecurityInputs): Promise<pulumi.dynamic.CreateResult<OvnPortSecurityState>> {
        const what = `OVN port ${inputs.macAddress} on network ${inputs.networkName}`;
        const s = this.ovn(`set port security of ${what}`);
        const n = await findOvnNetwork(s, inputs.networkName);
        const port = await waitFor(
            what,
            async () =>
                (
                    (
                        await s.get<{ ports?: Record<string, unknown>[] }>("/ports", {
                            network_id: n.id,
                            mac_address: inputs.macAddress,
                        })
                    ).ports ?? []
                ).map(portInfo)[0],
            (p) => p !== undefined,
            {
                timeoutMs: timeoutMs(this.endpoint(), inputs.timeoutSeconds, PORT_WAIT_SECONDS),
                describe: () =>
                    "no port with this MAC yet; the engine allocates it when the VM runs with the NIC plugged",
            },
        );
        const p = port!;
        const live =
            p.portSecurityEnabled === inputs.portSecurityEnabled
                ? p.portSecurityEnabled
                : await this.set(s, p.id, inputs.portSecurityEnabled);
        return {
            id: p.id,
            outs: compact({
                ...inputs,
                portSecurityEnabled: live,
                portName: p.name,
                deviceId: p.deviceId,
                providerVersion: OVN_PORT_SECURITY_PROVIDER_VERSION,
            }),
        };
    }

    async read(id: string, old?: OvnPortSecurityState): Promise<pulumi.dynamic.ReadResult<OvnPortSecurityState>> {
        const props = old ?? ({} as OvnPortSecurityState);
        const s = this.ovn(
            `read port security of OVN port ${props.macAddress ?? id} on network ${props.networkName ?? "?"}`,
        );
        const r = await s.find<{ port?: Record<string, unknown> }>(`/ports/${id}`);
        if (!r?.port) return { id: undefined };
        const live = portInfo(r.port);
        return this.found(id, {
            ...props,
            macAddress: props.macAddress ?? live.macAddress,
            portSecurityEnabled: live.portSecurityEnabled,
            portName: live.name,
            deviceId: live.deviceId,
        });
    }

    async update(
        id: string,
        olds: OvnPortSecurityState,
        news: OvnPortSecurityInputs,
    ): Promise<pulumi.dynamic.UpdateResult<OvnPortSecurityState>> {
        let live = olds.portSecurityEnabled;
        if (news.portSecurityEnabled !== olds.portSecurityEnabled) {
            live = await this.set(
                this.ovn(`set port security of OVN port ${news.macAddress} on network ${news.networkName}`),
                id,
                news.portSecurityEnabled,
            );
        }
        return {
            outs: compact({
                ...olds,
                ...news,
                portSecurityEnabled: live,
                providerVersion: OVN_PORT_SECURITY_PROVIDER_VERSION,
            }),
        };
    }

    async delete(_id: string, _props: OvnPortSecurityState): Promise<void> {
        // only forgotten: the port belongs to the VM NIC, which its VmNic resource removes
    }
}

/**
 * Port security of the OVN port of one VM NIC (`pulumi-nodejs:dynamic/ovirt:OvnPortSecurity`), found by network
 * and MAC. Its id is the port's id. A flag turned back on by hand is drift that the next `up --refresh` corrects.
 */
export const OvnPortSecurity = resourceClass(OVN_PORT_SECURITY);
export type OvnPortSecurity = InstanceType<typeof OvnPortSecurity>;

/** What OvnPortSecurity resources serialize: a stub (./stub). */
export const ovnPortSecurityProvider = OvnPortSecurity.provider;
