/**
 * The emulated engine's entities. Plain JSON-serializable records (the whole `State` is what `--state` persists);
 * they carry oVirt's domain values, not any wire representation. Each kind's statuses are declared once, in its
 * module (host.ts, vm.ts, …), with the engine source they follow.
 */
import type { DataCenterStatus } from "./dataCenter";
import type { DiskStatus } from "./disk";
import type { EventSeverity } from "./events";
import type { HostStatus } from "./host";
import type { JobStatus } from "./jobs";
import type { StorageDomainStatus } from "./storageDomain";
import type { TemplateStatus } from "./template";
import type { VmStatus } from "./vm";

export interface Version {
    major: number;
    minor: number;
}

export interface DataCenter {
    id: string;
    name: string;
    description?: string;
    comment?: string;
    local: boolean;
    status: DataCenterStatus;
    version: Version;
    storageFormat: string;
    quotaMode: string;
    macPoolId: string;
}

export interface ClusterNetwork {
    networkId: string;
    required: boolean;
    display?: boolean;
}

export interface Cluster {
    id: string;
    name: string;
    description?: string;
    comment?: string;
    dataCenterId?: string;
    cpuType: string;
    architecture: string;
    version: Version;
    networks: ClusterNetwork[];
    memoryOverCommitPercent: number;
    ballooningEnabled: boolean;
    threadsAsCores: boolean;
    firewallType: string;
    switchType: string;
    biosType: string;
}

export interface Host {
    id: string;
    name: string;
    description?: string;
    comment?: string;
    address: string;
    port: number;
    clusterId: string;
    status: HostStatus;
    spmPriority: number;
    spmStatus: string;
    type: string;
    authMethod: "password" | "publickey";
    memory: number;
    cores: number;
    externalStatus: string;
    /** Networks the host carries (by name); a required cluster network missing here makes it non_operational. */
    networkNames: string[];
}

export interface Attachment {
    dataCenterId: string;
    status: StorageDomainStatus;
}

export interface StorageDomain {
    id: string;
    name: string;
    description?: string;
    comment?: string;
    type: string;
    storageType: string;
    address?: string;
    path?: string;
    nfsVersion?: string;
    mountOptions?: string;
    nfsTimeo?: number;
    nfsRetrans?: number;
    storageFormat: string;
    available: number;
    used: number;
    committed: number;
    master: boolean;
    externalStatus: string;
    wipeAfterDelete: boolean;
    discardAfterDelete: boolean;
    backup: boolean;
    warningLowSpaceIndicator: number;
    criticalSpaceActionBlocker: number;
    blockSize: number;
    /** At most one data center in practice; `[]` means unattached. */
    attachments: Attachment[];
    /** `unattached` while not attached; `locked` while being created. Not shown once attached. */
    status: StorageDomainStatus;
}

export interface Network {
    id: string;
    name: string;
    description?: string;
    comment?: string;
    dataCenterId: string;
    mtu: number;
    vlanId?: number;
    stp: boolean;
    usages: string[];
    externalProviderId?: string;
    profileRequired: boolean;
    portIsolation: boolean;
    /** The provider-side id of a network on an external provider (the engine's `provider_network_external_id`). */
    externalId?: string;
}

export interface VnicProfile {
    id: string;
    name: string;
    description?: string;
    networkId: string;
    passThrough: string;
    portMirroring: boolean;
}

export interface OpenStackNetworkProvider {
    id: string;
    name: string;
    description?: string;
    url: string;
    requiresAuthentication: boolean;
    username?: string;
    authenticationUrl?: string;
    tenantName?: string;
    pluginType: string;
    autoSync: boolean;
    unmanaged: boolean;
    readOnly: boolean;
    type: string;
}

export interface Disk {
    id: string;
    name: string;
    description?: string;
    status: DiskStatus;
    provisionedSize: number;
    actualSize: number;
    totalSize: number;
    format: string;
    sparse: boolean;
    storageDomainId?: string;
    storageType: string;
    shareable: boolean;
    wipeAfterDelete: boolean;
    contentType: string;
    templateId?: string;
    vmId?: string;
}

export interface DiskAttachment {
    diskId: string;
    interface: string;
    bootable: boolean;
    active: boolean;
    readOnly: boolean;
    logicalName?: string;
}

export interface Nic {
    id: string;
    name: string;
    interface: string;
    mac: string;
    plugged: boolean;
    linked: boolean;
    vnicProfileId?: string;
}

export interface Initialization {
    hostName?: string;
    customScript?: string;
    userName?: string;
    rootPassword?: string;
    authorizedSshKeys?: string;
    dnsServers?: string;
    dnsSearch?: string;
    timezone?: string;
    regenerateSshKeys?: boolean;
    nicConfigurations?: Array<{
        name?: string;
        onBoot?: boolean;
        bootProtocol?: string;
        ip?: { address?: string; netmask?: string; gateway?: string; version?: string };
    }>;
    cloudInitNetworkProtocol?: string;
}

export interface Template {
    id: string;
    name: string;
    description?: string;
    comment?: string;
    status: TemplateStatus;
    clusterId?: string;
    memory: number;
    sockets: number;
    cores: number;
    threads: number;
    osType: string;
    bootDevices: string[];
    type: string;
    creationTime: number;
    diskAttachments: DiskAttachment[];
    versionNumber: number;
    versionName?: string;
    highAvailability: boolean;
    stateless: boolean;
    deleteProtected: boolean;
}

export interface GuestDevice {
    name: string;
    mac: string;
    ips: Array<{ address: string; version: string }>;
}

export interface Vm {
    id: string;
    name: string;
    description?: string;
    comment?: string;
    clusterId: string;
    templateId: string;
    status: VmStatus;
    memory: number;
    memoryGuaranteed: number;
    memoryMax: number;
    ballooning: boolean;
    sockets: number;
    cores: number;
    threads: number;
    cpuMode?: string;
    osType: string;
    bootDevices: string[];
    type: string;
    highAvailability: boolean;
    haPriority: number;
    deleteProtected: boolean;
    stateless: boolean;
    placementAffinity: string;
    placementHostIds: string[];
    initialization?: Initialization;
    initialized: boolean;
    hostId?: string;
    nics: Nic[];
    diskAttachments: DiskAttachment[];
    tagIds: string[];
    creationTime: number;
    startTime?: number;
    stopTime?: number;
    stopReason?: string;
    guestDevices: GuestDevice[];
    fqdn?: string;
    runOnce: boolean;
    /** The next-run configuration of a running VM's hardware (applied when it goes down); absent = none. */
    nextRun?: VmHardware;
    /** `bios.type` (BIOS_TYPES); absent = cluster_default (a state saved before the field loads as that). */
    biosType?: string;
}

/** The hardware fields of a VM that a running VM changes by hot plug or on its next run. */
export interface VmHardware {
    memory: number;
    memoryGuaranteed: number;
    memoryMax: number;
    sockets: number;
    cores: number;
    threads: number;
}

export interface Rule {
    enabled: boolean;
    positive: boolean;
    enforcing: boolean;
}

export interface AffinityGroup {
    id: string;
    name: string;
    description?: string;
    clusterId: string;
    priority: number;
    vmsRule: Rule;
    hostsRule: Rule;
    vmIds: string[];
    hostIds: string[];
}

export interface Tag {
    id: string;
    name: string;
    description?: string;
    parentId?: string;
}

export interface EngineEvent {
    id: string;
    index: number;
    code: number;
    severity: EventSeverity;
    time: number;
    description: string;
    origin: string;
    customId: number;
    correlationId?: string;
    floodRate: number;
    logOnHost: boolean;
    customData?: string;
    vmId?: string;
    hostId?: string;
    clusterId?: string;
    dataCenterId?: string;
    storageDomainId?: string;
    templateId?: string;
    userId?: string;
}

export interface Job {
    id: string;
    description: string;
    status: JobStatus;
    startTime: number;
    endTime?: number;
    lastUpdated: number;
    external: boolean;
    autoCleared: boolean;
    correlationId: string;
    ownerId: string;
}

export interface User {
    id: string;
    name: string;
    userName: string;
    domain: string;
    password: string;
    disabled: boolean;
    /**
     * Added to the engine (`/api/users`): false for a user only in the authz directory (as ovirt-aaa-jdbc-tool
     * creates one) until `POST /api/users` or its first login adds it. Absent means added.
     */
    added?: boolean;
}

/**
 * A role created through the API (`POST /api/roles`, AddRoleWithActionGroupsCommand): mutable, unlike the predefined
 * ones (emulator/model/roles.ts), with its action group ids (the role_group_map table).
 */
export interface CustomRole {
    id: string;
    name: string;
    description: string;
    administrative: boolean;
    groups: number[];
}

/**
 * A group of an authz directory (ovirt-aaa-jdbc-tool group add; group-manage useradd for `memberIds`). `added`: in
 * the engine (`POST /api/groups`, AddGroupCommand), which a grant needs; false while only in the directory.
 */
export interface DirectoryGroup {
    id: string;
    name: string;
    domain: string;
    /** Ids of the directory users in the group. */
    memberIds: string[];
    added: boolean;
}

/** What a permission is held on (the engine's VdcObjectType, as far as ovirt-ci grants). */
export type PermissionObjectType =
    | "system"
    | "dataCenter"
    | "cluster"
    | "host"
    | "storageDomain"
    | "network"
    | "vnicProfile"
    | "vm"
    | "template"
    | "disk";

/** A role granted to a user or a group (Everyone, or a directory group the engine added) on one object. */
export interface Permission {
    id: string;
    roleId: string;
    userId: string;
    objectType: PermissionObjectType;
    objectId: string;
}

/** A transition waiting on the clock: `op` names a handler in the model, so the queue is serializable. */
export interface Pending {
    seq: number;
    due: number;
    op: string;
    target: string;
    args?: Record<string, unknown>;
}

/** Per-entity status history, for tests and the admin endpoint. */
export interface Transition {
    at: number;
    status: string;
}

export interface State {
    dataCenters: DataCenter[];
    clusters: Cluster[];
    hosts: Host[];
    storageDomains: StorageDomain[];
    networks: Network[];
    vnicProfiles: VnicProfile[];
    providers: OpenStackNetworkProvider[];
    templates: Template[];
    vms: Vm[];
    disks: Disk[];
    affinityGroups: AffinityGroup[];
    tags: Tag[];
    events: EngineEvent[];
    jobs: Job[];
    users: User[];
    /** Granted roles (emulator/model/permission.ts). */
    permissions: Permission[];
    /** Roles created through the API (predefined ones: emulator/model/roles.ts). */
    roles: CustomRole[];
    /** Groups of the authz directories (emulator/model/permission.ts). */
    groups: DirectoryGroup[];
    /** Addresses (or host names) of bare-metal machines the emulator accepts for installation. */
    installableHosts: string[];
    pending: Pending[];
    history: Record<string, Transition[]>;
    counters: { event: number; mac: number; pending: number };
    startedAt: number;
    /** The OVN provider's networks and ports (emulator/ovn/); created on first use. */
    ovn?: import("../ovn/types").OvnState;
}
