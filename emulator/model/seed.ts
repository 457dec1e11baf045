import * as fs from "node:fs";
import { EVERYONE, ROLE_ID, SYSTEM_ID } from "./roles";
import type { Permission, State } from "./types";

/** Well-known ids of the default seed (stable across resets and restarts). */
/** The seeded CI user (oVirt/ocp-on-ovirt installer-tools/ocpadmin) and its password in the emulator. */
export const CI_USER = "ocpadmin@internal";
export const CI_USER_PASSWORD = "ocpadmin-emulator";
/** The directory group upstream put the CI user in and granted its roles to (installer-tools/ocpadmin). */
export const CI_GROUP = "ocp-administrator";

export const SEED_IDS = {
    blankTemplate: "00000000-0000-0000-0000-000000000000",
    rootTag: "00000000-0000-0000-0000-000000000000",
    macPool: "58ca604b-017d-0374-0220-00000000014e",
    defaultDc: "5e0ac0a4-0d8c-11ee-9a2e-00163e000001",
    defaultCluster: "5e0ac0a4-0d8c-11ee-9a2e-00163e000002",
    ciDc: "c1a45000-0000-4000-8000-000000000001",
    ciCluster: "c1a45000-0000-4000-8000-000000000002",
    host1: "c1a45000-0000-4000-8000-000000000011",
    nfs: "c1a45000-0000-4000-8000-000000000021",
    ovirtmgmtDefault: "00000000-0000-0000-0000-000000000009",
    ovirtmgmtDefaultProfile: "0000000a-000a-000a-000a-000000000398",
    ovirtmgmtCi: "c1a45000-0000-4000-8000-000000000031",
    ovirtmgmtCiProfile: "c1a45000-0000-4000-8000-000000000032",
    ovn: "c1a45000-0000-4000-8000-000000000041",
    proxyTemplate: "c1a45000-0000-4000-8000-000000000051",
    proxyTemplateDisk: "c1a45000-0000-4000-8000-000000000052",
    /** `centos-7`: the template the CI environment's proxy VM uses (docs/ci-contract.md §8: the cleanup job spares it). */
    centos7Template: "c1a45000-0000-4000-8000-000000000053",
    centos7TemplateDisk: "c1a45000-0000-4000-8000-000000000054",
    admin: "c1a45000-0000-4000-8000-0000000000a1",
    disabledUser: "c1a45000-0000-4000-8000-0000000000a2",
    ciUser: "c1a45000-0000-4000-8000-0000000000a3",
    ciGroup: "c1a45000-0000-4000-8000-0000000000a4",
} as const;

const GiB = 1024 ** 3;

/**
 * The permissions of a fresh engine: SuperUser on the system for the admin (engine-setup,
 * dbscripts/attach_user_to_su_role.sql), and Everyone's UserTemplateBasedVm on the Blank template and VnicProfileUser
 * on the default `ovirtmgmt` profile (dbscripts/data/00600_insert_permissions.sql, same ids).
 */
function seedPermissions(adminId: string): Permission[] {
    return [
        {
            id: "c1a45000-0000-4000-8000-0000000000b1",
            roleId: ROLE_ID.superUser,
            userId: adminId,
            objectType: "system",
            objectId: SYSTEM_ID,
        },
        {
            id: "00000004-0004-0004-0004-000000000355",
            roleId: ROLE_ID.userTemplateBasedVm,
            userId: EVERYONE,
            objectType: "template",
            objectId: SEED_IDS.blankTemplate,
        },
        {
            id: "0000000b-000b-000b-000b-0000000001d5",
            roleId: ROLE_ID.vnicProfileUser,
            userId: EVERYONE,
            objectType: "vnicProfile",
            objectId: SEED_IDS.ovirtmgmtDefaultProfile,
        },
    ];
}

/** The CI environment's bare-metal hosts (docs/ci-contract.md §13); the emulator installs only these. */
export const CI_BAREMETAL = Array.from(
    { length: 10 },
    (_, i) => `baremetal${String(i + 1).padStart(2, "0")}.ocp-on-ovirt.gcp.devcluster.openshift.com`,
);

/** Default inventory: a fresh engine's `Default` DC/cluster plus the CI environment's `OCP-45` set-up. */
export function defaultSeed(now = Date.now()): State {
    const v = { major: 4, minor: 7 };
    const clusterBase = {
        cpuType: "Intel Cascadelake Server Family",
        architecture: "x86_64",
        version: v,
        memoryOverCommitPercent: 100,
        ballooningEnabled: true,
        threadsAsCores: false,
        firewallType: "firewalld",
        switchType: "legacy",
        biosType: "q35_ovmf",
    };
    return {
        dataCenters: [
            {
                id: SEED_IDS.defaultDc,
                name: "Default",
                description: "The default Data Center",
                local: false,
                status: "uninitialized",
                version: v,
                storageFormat: "v5",
                quotaMode: "disabled",
                macPoolId: SEED_IDS.macPool,
            },
            {
                id: SEED_IDS.ciDc,
                name: "OCP-45",
                description: "",
                local: false,
                status: "up",
                version: v,
                storageFormat: "v5",
                quotaMode: "disabled",
                macPoolId: SEED_IDS.macPool,
            },
        ],
        clusters: [
            {
                ...clusterBase,
                id: SEED_IDS.defaultCluster,
                name: "Default",
                description: "The default server cluster",
                dataCenterId: SEED_IDS.defaultDc,
                networks: [{ networkId: SEED_IDS.ovirtmgmtDefault, required: true, display: true }],
            },
            {
                ...clusterBase,
                id: SEED_IDS.ciCluster,
                name: "OCP-45",
                description: "",
                dataCenterId: SEED_IDS.ciDc,
                memoryOverCommitPercent: 150,
                networks: [{ networkId: SEED_IDS.ovirtmgmtCi, required: true, display: true }],
            },
        ],
        hosts: [
            {
                id: SEED_IDS.host1,
                name: "baremetal04",
                address: CI_BAREMETAL[3],
                port: 54321,
                clusterId: SEED_IDS.ciCluster,
                status: "up",
                spmPriority: 5,
                spmStatus: "spm",
                type: "rhel",
                authMethod: "publickey",
                memory: 96 * GiB,
                cores: 96,
                externalStatus: "ok",
                networkNames: ["ovirtmgmt"],
            },
        ],
        storageDomains: [
            {
                id: SEED_IDS.nfs,
                name: "nfs-ovirt45",
                description: "",
                type: "data",
                storageType: "nfs",
                address: "nfs.ocp-on-ovirt.gcp.devcluster.openshift.com",
                path: "/exports/nfs-ovirt45",
                nfsVersion: "auto",
                storageFormat: "v5",
                available: 8 * 1024 * GiB,
                used: 2 * 1024 * GiB,
                committed: 1536 * GiB,
                master: true,
                externalStatus: "ok",
                wipeAfterDelete: false,
                discardAfterDelete: false,
                backup: false,
                warningLowSpaceIndicator: 10,
                criticalSpaceActionBlocker: 5,
                blockSize: 512,
                attachments: [{ dataCenterId: SEED_IDS.ciDc, status: "active" }],
                status: "active",
            },
        ],
        networks: [
            {
                id: SEED_IDS.ovirtmgmtDefault,
                name: "ovirtmgmt",
                description: "Management Network",
                dataCenterId: SEED_IDS.defaultDc,
                mtu: 0,
                stp: false,
                usages: ["management", "vm", "display", "migration", "default_route"],
                profileRequired: true,
                portIsolation: false,
            },
            {
                id: SEED_IDS.ovirtmgmtCi,
                name: "ovirtmgmt",
                description: "Management Network",
                dataCenterId: SEED_IDS.ciDc,
                mtu: 0,
                stp: false,
                usages: ["management", "vm", "display", "migration", "default_route"],
                profileRequired: true,
                portIsolation: false,
            },
        ],
        vnicProfiles: [
            {
                id: SEED_IDS.ovirtmgmtDefaultProfile,
                name: "ovirtmgmt",
                networkId: SEED_IDS.ovirtmgmtDefault,
                passThrough: "disabled",
                portMirroring: false,
            },
            {
                id: SEED_IDS.ovirtmgmtCiProfile,
                name: "ovirtmgmt",
                networkId: SEED_IDS.ovirtmgmtCi,
                passThrough: "disabled",
                portMirroring: false,
            },
        ],
        providers: [
            {
                id: SEED_IDS.ovn,
                name: "ovirt-provider-ovn",
                description: "oVirt network provider for OVN",
                url: "https://ovirt-engine.ocp-on-ovirt.gcp.devcluster.openshift.com:9696",
                requiresAuthentication: true,
                username: "admin@internal",
                authenticationUrl: "https://ovirt-engine.ocp-on-ovirt.gcp.devcluster.openshift.com:35357/v2.0/",
                tenantName: "oVirt",
                pluginType: "open_vswitch",
                autoSync: true,
                unmanaged: false,
                readOnly: false,
                type: "network",
            },
        ],
        templates: [
            {
                id: SEED_IDS.blankTemplate,
                name: "Blank",
                description: "Blank template",
                status: "ok",
                memory: 1 * GiB,
                sockets: 1,
                cores: 1,
                threads: 1,
                osType: "other",
                bootDevices: ["hd"],
                type: "server",
                creationTime: 1199145600000,
                diskAttachments: [],
                versionNumber: 1,
                versionName: "base version",
                highAvailability: false,
                stateless: false,
                deleteProtected: false,
            },
            {
                id: SEED_IDS.proxyTemplate,
                name: "centos-stream-9",
                description: "CentOS Stream 9 for the proxy VM",
                status: "ok",
                clusterId: SEED_IDS.ciCluster,
                memory: 4 * GiB,
                sockets: 2,
                cores: 1,
                threads: 1,
                osType: "rhel_9x64",
                bootDevices: ["hd"],
                type: "server",
                creationTime: now,
                versionNumber: 1,
                versionName: "base version",
                highAvailability: false,
                stateless: false,
                deleteProtected: false,
                diskAttachments: [
                    {
                        diskId: SEED_IDS.proxyTemplateDisk,
                        interface: "virtio_scsi",
                        bootable: true,
                        active: true,
                        readOnly: false,
                    },
                ],
            },
            {
                id: SEED_IDS.centos7Template,
                name: "centos-7",
                description: "CentOS 7 (the proxy VM's template in the CI environment)",
                status: "ok",
                clusterId: SEED_IDS.ciCluster,
                memory: 4 * GiB,
                sockets: 2,
                cores: 1,
                threads: 1,
                osType: "rhel_7x64",
                bootDevices: ["hd"],
                type: "server",
                creationTime: now,
                versionNumber: 1,
                versionName: "base version",
                highAvailability: false,
                stateless: false,
                deleteProtected: false,
                diskAttachments: [
                    {
                        diskId: SEED_IDS.centos7TemplateDisk,
                        interface: "virtio_scsi",
                        bootable: true,
                        active: true,
                        readOnly: false,
                    },
                ],
            },
        ],
        vms: [],
        disks: [
            {
                id: SEED_IDS.proxyTemplateDisk,
                name: "centos-stream-9_Disk1",
                status: "ok",
                provisionedSize: 20 * GiB,
                actualSize: 2 * GiB,
                totalSize: 2 * GiB,
                format: "cow",
                sparse: true,
                storageDomainId: SEED_IDS.nfs,
                storageType: "image",
                shareable: false,
                wipeAfterDelete: false,
                contentType: "data",
                templateId: SEED_IDS.proxyTemplate,
            },
            {
                id: SEED_IDS.centos7TemplateDisk,
                name: "centos-7_Disk1",
                status: "ok",
                provisionedSize: 10 * GiB,
                actualSize: 1 * GiB,
                totalSize: 1 * GiB,
                format: "cow",
                sparse: true,
                storageDomainId: SEED_IDS.nfs,
                storageType: "image",
                shareable: false,
                wipeAfterDelete: false,
                contentType: "data",
                templateId: SEED_IDS.centos7Template,
            },
        ],
        affinityGroups: [],
        tags: [{ id: SEED_IDS.rootTag, name: "root", description: "root" }],
        events: [
            {
                id: "1",
                index: 1,
                code: 9700,
                severity: "normal",
                time: now,
                description: "Engine emulator started.",
                origin: "oVirt",
                customId: -1,
                floodRate: 30,
                logOnHost: false,
            },
        ],
        jobs: [],
        users: [
            {
                id: SEED_IDS.admin,
                name: "admin",
                userName: "admin@internal",
                domain: "internal-authz",
                password: "",
                disabled: false,
            },
            {
                id: SEED_IDS.disabledUser,
                name: "locked",
                userName: "locked@internal",
                domain: "internal-authz",
                password: "locked",
                disabled: true,
            },
            {
                // The CI jobs' least-privilege user, as upstream's installer-tools/ocpadmin creates it in internal-authz.
                id: SEED_IDS.ciUser,
                name: "ocpadmin",
                userName: CI_USER,
                domain: "internal-authz",
                password: CI_USER_PASSWORD,
                disabled: false,
                // in the directory only: the engine adds it on `POST /api/users` or its first login
                added: false,
            },
        ],
        permissions: seedPermissions(SEED_IDS.admin),
        roles: [],
        // upstream's group of installer-tools/ocpadmin (ovirt_ocpadmin_user-setup.yml, ocp_admin_groupname), made in
        // internal-authz with ocpadmin in it; the engine adds it on `POST /api/groups` (the live fixture does)
        groups: [
            {
                id: SEED_IDS.ciGroup,
                name: CI_GROUP,
                domain: "internal-authz",
                memberIds: [SEED_IDS.ciUser],
                added: false,
            },
        ],
        installableHosts: [...CI_BAREMETAL],
        pending: [],
        history: {},
        counters: { event: 1, mac: 0, pending: 0 },
        startedAt: now,
    };
}

/** Loads a seed file: a (possibly partial) `State` document, as `GET /__admin/inventory` returns it. */
export function loadSeedFile(path: string, now = Date.now()): State {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(path, "utf8"));
    } catch (e) {
        throw new Error(
            `--seed ${path}: cannot read a JSON seed (${(e as Error).message}); start from the output of GET /__admin/inventory`,
            { cause: e },
        );
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new Error(`--seed ${path}: must be a JSON object with entity lists (dataCenters, clusters, hosts, ...)`);
    }
    return normalizeState(raw as Partial<State>, now);
}

/** Fills missing lists/counters of a partial state so the model can rely on every field. */
export function normalizeState(s: Partial<State>, now = Date.now()): State {
    const base = defaultSeed(now);
    const list = <K extends keyof State>(k: K): State[K] =>
        (Array.isArray(s[k]) ? s[k] : ([] as unknown as State[K])) as State[K];
    const st: State = {
        dataCenters: list("dataCenters"),
        clusters: list("clusters"),
        hosts: list("hosts"),
        storageDomains: list("storageDomains"),
        networks: list("networks"),
        vnicProfiles: list("vnicProfiles"),
        providers: list("providers"),
        templates: list("templates"),
        vms: list("vms"),
        disks: list("disks"),
        affinityGroups: list("affinityGroups"),
        tags: list("tags"),
        events: list("events"),
        jobs: list("jobs"),
        users: Array.isArray(s.users) ? s.users : base.users,
        permissions: [],
        roles: list("roles"),
        groups: Array.isArray(s.groups) ? s.groups : base.groups,
        installableHosts: Array.isArray(s.installableHosts) ? s.installableHosts : base.installableHosts,
        pending: list("pending"),
        history: s.history && typeof s.history === "object" ? s.history : {},
        counters: { event: 0, mac: 0, pending: 0, ...(s.counters ?? {}) },
        startedAt: typeof s.startedAt === "number" ? s.startedAt : now,
        ...(s.ovn && typeof s.ovn === "object" ? { ovn: s.ovn } : {}),
    };
    // A seed or state from before permissions: the engine's own grants, and SuperUser to the admin (engine-setup).
    if (!Array.isArray(s.permissions)) {
        const admin = st.users.find((u) => u.userName === "admin@internal")?.id ?? SEED_IDS.admin;
        st.permissions = seedPermissions(admin);
    } else st.permissions = s.permissions;
    if (!st.templates.some((t) => t.id === SEED_IDS.blankTemplate)) st.templates.unshift(base.templates[0]);
    if (!st.tags.some((t) => t.id === SEED_IDS.rootTag)) st.tags.unshift(base.tags[0]);
    if (st.events.length === 0) st.events.push({ ...base.events[0] });
    st.counters.event = Math.max(st.counters.event, ...st.events.map((e) => e.index));
    return st;
}
