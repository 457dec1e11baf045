/**
 * The OVN provider's Networking v2.0 behaviour over the engine's model (docs/ovn.md). One model with the engine: the
 * provider's networks and ports are derived from the engine's state before every OVN request (`sync`), the way
 * ovirt-provider-ovn learns them from the engine's calls:
 *
 * - an engine network on the OVN provider is a provider network (the engine POSTs it when the network is added; its
 *   `external_ids:ovirt_port_security` is the provider's `port-security-enabled-default` then), with the id the
 *   engine keeps as the network's `externalId`; removing the engine network removes it;
 * - a plugged NIC of a running VM on such a network is a port (the engine allocates it when the VM runs or the NIC
 *   is hot-plugged: name = NIC name, `device_id` = VM id, `device_owner` "oVirt", its MAC); the port takes the
 *   network's `port_security_enabled` at that moment (neutron_api.py `add_port`), with the `Default` security
 *   group when that is on; removing the NIC or the VM removes the port.
 *
 * Lazy derivation is exact here: the only way to change a network's flag is this API, which syncs first, so a port
 * allocated before the change is created with the old flag and one allocated after it with the new one.
 * Facts from oVirt/ovirt-provider-ovn (provider/neutron/neutron_api.py, neutron_api_mappers.py,
 * handlers/query_filter.py), commit 8a9ae857; see docs/ovn.md.
 */
import { randomUUID } from "node:crypto";
import type { EngineModel } from "../model/engine";
import { VM_RUNNING } from "../model/vm";
import type { OvnNetwork, OvnPort, OvnState } from "./types";

/** `openstack-tenant-id` of the provider's shipped configuration (provider/ovirt-provider-ovn.conf). */
export const OVN_TENANT_ID = "00000000000000000000000000000001";
/** `dhcp-mtu` default: the mtu a network shows when it was created without one. */
export const OVN_DEFAULT_MTU = 1442;
/** `url_filter_exception` of the shipped configuration: query keys that never filter. */
export const OVN_FILTER_EXCEPTIONS = ["limit", "page_reverse", "next", "previous"];
/** ovirt-provider-ovn's `DEVICE_OWNER_OVIRT`. */
export const OVN_DEVICE_OWNER = "oVirt";

/** A refusal as the provider answers it: HTTP status and its message (the body is built by the server). */
export class OvnError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

type Json = Record<string, unknown>;

/** The provider's `_boolean_or_exception`. */
function requireBool(attr: string, v: unknown): void {
    if (v !== undefined && typeof v !== "boolean") throw new OvnError(400, `${attr} must be of type bool`);
}

export class OvnModel {
    constructor(
        private readonly engine: EngineModel,
        private readonly providerName: string,
        private readonly initial: () => OvnState,
    ) {}

    /** The OVN state inside the engine's state (created on first use, e.g. after a reset). */
    get state(): OvnState {
        const s = this.engine.state as { ovn?: OvnState };
        if (!s.ovn) {
            s.ovn = this.initial();
            this.engine.markDirty();
        }
        return s.ovn;
    }

    private providerId(): string | undefined {
        return this.engine.state.providers.find((p) => p.name === this.providerName)?.id;
    }

    /** Brings the provider's networks and ports in line with the engine (see the file comment). */
    sync(): void {
        this.engine.tick();
        const ovn = this.state;
        const pid = this.providerId();
        const engineNets = pid ? this.engine.state.networks.filter((n) => n.externalProviderId === pid) : [];
        let changed = false;
        const live = new Set(engineNets.map((n) => n.id));
        const before = ovn.networks.length;
        ovn.networks = ovn.networks.filter((n) => live.has(n.engineNetworkId));
        changed ||= ovn.networks.length !== before;
        for (const n of engineNets) {
            if (ovn.networks.some((x) => x.engineNetworkId === n.id)) continue;
            const net = n as typeof n & { externalId?: string };
            net.externalId ??= randomUUID();
            ovn.networks.push({
                id: net.externalId,
                name: n.name,
                portSecurityEnabled: ovn.portSecurityDefault,
                mtu: n.mtu || OVN_DEFAULT_MTU,
                engineNetworkId: n.id,
            });
            changed = true;
        }
        // ports: one per plugged NIC of a running VM whose profile is on a provider network
        const netByEngineId = new Map(ovn.networks.map((n) => [n.engineNetworkId, n]));
        const profiles = new Map(this.engine.state.vnicProfiles.map((p) => [p.id, p.networkId]));
        const wanted = new Set<string>();
        for (const vm of this.engine.state.vms) {
            for (const nic of vm.nics) {
                const net = nic.vnicProfileId ? netByEngineId.get(profiles.get(nic.vnicProfileId) ?? "") : undefined;
                if (!net) continue;
                const existing = ovn.ports.find((p) => p.nicId === nic.id);
                if (existing && existing.networkId === net.id) {
                    wanted.add(nic.id);
                    continue;
                }
                if (!nic.plugged || !VM_RUNNING.includes(vm.status)) continue;
                if (existing) ovn.ports = ovn.ports.filter((p) => p !== existing);
                ovn.ports.push({
                    id: randomUUID(),
                    name: nic.name,
                    networkId: net.id,
                    macAddress: nic.mac,
                    deviceId: vm.id,
                    deviceOwner: OVN_DEVICE_OWNER,
                    portSecurityEnabled: net.portSecurityEnabled,
                    securityGroups: net.portSecurityEnabled ? [ovn.defaultSecurityGroupId] : [],
                    adminStateUp: true,
                    nicId: nic.id,
                });
                wanted.add(nic.id);
                changed = true;
            }
        }
        const ports = ovn.ports.length;
        ovn.ports = ovn.ports.filter((p) => wanted.has(p.nicId));
        changed ||= ovn.ports.length !== ports;
        if (changed) this.engine.markDirty();
    }

    // ------------------------------------------------------------------ views (NetworkMapper / PortMapper.row2rest)

    networkView(n: OvnNetwork): Json {
        return {
            id: n.id,
            name: n.name,
            tenant_id: OVN_TENANT_ID,
            status: "ACTIVE",
            port_security_enabled: n.portSecurityEnabled,
            mtu: n.mtu,
        };
    }

    portView(p: OvnPort): Json {
        return {
            id: p.id,
            name: p.name,
            network_id: p.networkId,
            security_groups: [...p.securityGroups],
            port_security_enabled: p.portSecurityEnabled,
            tenant_id: OVN_TENANT_ID,
            fixed_ips: [],
            admin_state_up: p.adminStateUp,
            device_id: p.deviceId,
            device_owner: p.deviceOwner,
            mac_address: p.macAddress,
        };
    }

    network(id: string): OvnNetwork {
        const n = this.state.networks.find((x) => x.id === id);
        if (!n) throw new OvnError(404, `Cannot find Logical_Switch with name=${id}`);
        return n;
    }

    port(id: string): OvnPort {
        const p = this.state.ports.find((x) => x.id === id);
        if (!p) throw new OvnError(404, `Cannot find Logical_Switch_Port with name=${id}`);
        return p;
    }

    // ------------------------------------------------------------------ updates

    /** `PUT /v2.0/networks/{id}`: name, mtu and port_security_enabled; existing ports keep their own flag. */
    updateNetwork(id: string, body: Json): OvnNetwork {
        requireBool("port_security_enabled", body.port_security_enabled);
        const n = this.network(id);
        if (typeof body.name === "string") n.name = body.name;
        if (typeof body.mtu === "number") n.mtu = body.mtu;
        if (typeof body.port_security_enabled === "boolean") n.portSecurityEnabled = body.port_security_enabled;
        this.engine.markDirty();
        return n;
    }

    /**
     * `PUT /v2.0/ports/{id}` (neutron_api.py `update_port`). Disabling port security clears the MAC from the port's
     * `port_security` and is not refused while security groups are listed (they stay listed unless the body sets
     * `security_groups`); enabling it without `security_groups` adds the groups from {Default} the port lacks and,
     * like the provider, lists only those (`security_groups or sec_groups_to_install`).
     */
    updatePort(id: string, body: Json): OvnPort {
        requireBool("admin_state_up", body.admin_state_up);
        requireBool("port_security_enabled", body.port_security_enabled);
        const p = this.port(id);
        if (typeof body.network_id === "string" && body.network_id !== p.networkId) {
            throw new OvnError(500, "Unable to change network of existing port");
        }
        if (typeof body.name === "string") p.name = body.name;
        if (typeof body.device_id === "string") p.deviceId = body.device_id;
        if (typeof body.device_owner === "string") p.deviceOwner = body.device_owner;
        if (typeof body.admin_state_up === "boolean") p.adminStateUp = body.admin_state_up;
        const ps = body.port_security_enabled as boolean | undefined;
        if (ps !== undefined) p.portSecurityEnabled = ps;
        const given = Array.isArray(body.security_groups) ? body.security_groups.map(String) : undefined;
        if (given !== undefined || ps === true) {
            const next = new Set(given ?? [this.state.defaultSecurityGroupId]);
            const toInstall = [...next].filter((g) => !p.securityGroups.includes(g));
            p.securityGroups = given && given.length > 0 ? given : toInstall;
        }
        this.engine.markDirty();
        return p;
    }

    // ------------------------------------------------------------------ lists (handlers/query_filter.py)

    /** Keeps items whose every filter (query key outside `url_filter_exception`) matches, compared the provider's way. */
    static filter(items: Json[], query: URLSearchParams): Json[] {
        const filters: Array<[string, string]> = [];
        for (const key of new Set(query.keys())) {
            const v = query.getAll(key).find((x) => x !== ""); // parse_qs drops blank values; the first value counts
            if (v !== undefined && !OVN_FILTER_EXCEPTIONS.includes(key)) filters.push([key, v]);
        }
        return items.filter((item) =>
            filters.every(([k, v]) => {
                const e = item[k];
                // booleans compare lower-cased; anything else only equals the query string if it is that string
                return typeof e === "boolean" ? String(e) === v.toLowerCase() : e === v;
            }),
        );
    }
}
