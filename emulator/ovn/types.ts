/**
 * The OVN provider's side of the emulated environment (`ovirt-provider-ovn`, see docs/ovn.md): logical switches
 * (networks) and logical switch ports as its Networking API shows them. Kept in the engine's `State` (`ovn`), so
 * `--state` persists it and `/__admin/reset` clears it with the rest.
 */

/** A network as ovirt-provider-ovn stores it: a logical switch with `ovirt_network_name`, `ovirt_port_security`, `mtu`. */
export interface OvnNetwork {
    /** The provider-side id (the logical switch's UUID); the engine's network keeps it as `externalId`. */
    id: string;
    name: string;
    /** `external_ids:ovirt_port_security`: what new ports on the network inherit. */
    portSecurityEnabled: boolean;
    mtu: number;
    /** The engine network this one was created for. */
    engineNetworkId: string;
}

/** A logical switch port the engine created for a VM NIC (`device_owner` "oVirt"). */
export interface OvnPort {
    id: string;
    /** `external_ids:ovirt_nic_name`: the NIC's name. */
    name: string;
    networkId: string;
    macAddress: string;
    /** `external_ids:ovirt_device_id`: the VM's id. */
    deviceId: string;
    deviceOwner: string;
    /** True when the port's `port_security` column holds its MAC. */
    portSecurityEnabled: boolean;
    /** `external_ids:ovirt_security_groups`, as security group ids. */
    securityGroups: string[];
    adminStateUp: boolean;
    /** The engine NIC the port was allocated for. */
    nicId: string;
}

export interface OvnState {
    /** The provider's `[NETWORK] port-security-enabled-default`: the flag of a network created without one. */
    portSecurityDefault: boolean;
    /** Id of the `Default` security group every port with port security on joins. */
    defaultSecurityGroupId: string;
    networks: OvnNetwork[];
    ports: OvnPort[];
}
