/**
 * Views: model entities → format-neutral trees, with hrefs, `link`s, `actions` and `follow` inlining.
 */
import type { EngineModel } from "../model/engine";
import type {
    AffinityGroup,
    Cluster,
    DataCenter,
    Disk,
    DiskAttachment,
    EngineEvent,
    Host,
    Job,
    Network,
    Nic,
    OpenStackNetworkProvider,
    StorageDomain,
    Tag,
    Template,
    Vm,
    VnicProfile,
    GuestDevice,
    Initialization,
} from "../model/types";
import { SEED_IDS } from "../model/seed";
import { Dec, Node, NodeObject, Wrapped } from "./tree";

/** `follow=nics,disk_attachments.disk` → {nics: {}, diskattachments: {disk: {}}} (keys without underscores). */
export type Follow = Map<string, Follow>;

export function parseFollow(s: string | undefined): Follow | undefined {
    if (!s) return undefined;
    const root: Follow = new Map();
    for (const path of s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)) {
        let cur = root;
        for (const seg of path.split(".")) {
            const k = seg.replace(/_/g, "").toLowerCase();
            if (!cur.has(k)) cur.set(k, new Map());
            cur = cur.get(k)!;
        }
    }
    return root;
}

export interface ViewCtx {
    /** `/ovirt-engine/api` or `/ovirt-engine/api/v4` when the version came from the URL. */
    readonly base: string;
    readonly model: EngineModel;
    readonly follow?: Follow;
    readonly allContent?: boolean;
}

type Obj = { [k: string]: Node | undefined };

function ref(ctx: ViewCtx, path: string, id: string | undefined): NodeObject | undefined {
    return id === undefined ? undefined : { href: `${ctx.base}/${path}/${id}`, id };
}

interface Sub {
    rel: string;
    key?: string;
    elem?: string;
    load?: (f: Follow, c: ViewCtx) => Node[];
}

/** Adds `link`s for sub-collections and inlines those named in `follow`. */
function decorate(ctx: ViewCtx, o: Obj, href: string, subs: Sub[], actions: string[] = []): Obj {
    const follow = ctx.follow;
    if (actions.length) o.actions = { link: actions.map((a) => ({ href: `${href}/${a}`, rel: a })) };
    const links: NodeObject[] = [];
    for (const s of subs) {
        const f = follow?.get(s.rel) ?? (s.key ? follow?.get(s.key.replace(/_/g, "")) : undefined);
        if (f && s.load && s.key && s.elem) {
            o[s.key] = new Wrapped(s.elem, s.load(f, { ...ctx, follow: f }), true);
        }
        links.push({ href: `${href}/${s.rel}`, rel: s.rel });
    }
    if (links.length) o.link = links;
    return o;
}

const plain = (rels: string[]): Sub[] => rels.map((rel) => ({ rel }));

function version(v: { major: number; minor: number }): NodeObject {
    return { major: v.major, minor: v.minor };
}

// ------------------------------------------------------------------ root

export function apiRootView(ctx: ViewCtx, user: { id: string }): Obj {
    const s = ctx.model.state;
    const vmsUp = s.vms.filter((v) => v.status === "up").length;
    const collections = [
        "affinitylabels",
        "bookmarks",
        "clusterlevels",
        "clusters",
        "cpuprofiles",
        "datacenters",
        "diskprofiles",
        "disks",
        "domains",
        "events",
        "externalhostproviders",
        "externaltemplateimports",
        "externalvmimports",
        "groups",
        "hosts",
        "icons",
        "imagetransfers",
        "instancetypes",
        "jobs",
        "katelloerrata",
        "macpools",
        "networkfilters",
        "networks",
        "openstackimageproviders",
        "openstacknetworkproviders",
        "openstackvolumeproviders",
        "operatingsystems",
        "options",
        "permissions",
        "roles",
        "schedulingpolicies",
        "schedulingpolicyunits",
        "storageconnections",
        "storagedomains",
        "tags",
        "templates",
        "users",
        "vmpools",
        "vms",
        "vnicprofiles",
    ];
    const links: NodeObject[] = collections.map((c) => ({ href: `${ctx.base}/${c}`, rel: c }));
    for (const c of [
        "clusters",
        "datacenters",
        "disks",
        "events",
        "hosts",
        "storagedomains",
        "templates",
        "vms",
        "vmpools",
        "users",
        "groups",
    ]) {
        links.push({ href: `${ctx.base}/${c}?search={query}`, rel: `${c}/search` });
    }
    return {
        link: links,
        authenticated_user: ref(ctx, "users", user.id),
        effective_user: ref(ctx, "users", user.id),
        product_info: {
            instance_id: "8c1e5b5a-6d2e-11ee-a1c4-00163e000000",
            name: "oVirt Engine",
            vendor: "ovirt.org",
            version: { build: 6, full_version: "4.5.6-1.el9", major: 4, minor: 5, revision: 0 },
        },
        special_objects: {
            blank_template: ref(ctx, "templates", SEED_IDS.blankTemplate),
            root_tag: ref(ctx, "tags", SEED_IDS.rootTag),
        },
        summary: {
            hosts: { active: s.hosts.filter((h) => h.status === "up").length, total: s.hosts.length },
            storage_domains: {
                active: s.storageDomains.filter((d) => d.attachments.some((a) => a.status === "active")).length,
                total: s.storageDomains.length,
            },
            users: { active: 1, total: s.users.length },
            vms: { active: vmsUp, total: s.vms.length },
        },
        time: new Date(ctx.model.now()),
    };
}

// ------------------------------------------------------------------ data centers, clusters

export function dataCenterView(ctx: ViewCtx, dc: DataCenter): Obj {
    const href = `${ctx.base}/datacenters/${dc.id}`;
    return decorate(
        ctx,
        {
            href,
            id: dc.id,
            name: dc.name,
            description: dc.description,
            comment: dc.comment,
            local: dc.local,
            quota_mode: dc.quotaMode,
            status: dc.status,
            storage_format: dc.storageFormat,
            supported_versions: new Wrapped("version", [
                version({ major: 4, minor: 2 }),
                version({ major: 4, minor: 3 }),
                version({ major: 4, minor: 4 }),
                version({ major: 4, minor: 5 }),
                version({ major: 4, minor: 6 }),
                version({ major: 4, minor: 7 }),
            ]),
            version: version(dc.version),
            mac_pool: ref(ctx, "macpools", dc.macPoolId),
        },
        href,
        [
            {
                rel: "clusters",
                key: "clusters",
                elem: "cluster",
                load: (_f, c) =>
                    c.model.state.clusters.filter((x) => x.dataCenterId === dc.id).map((x) => clusterView(c, x)),
            },
            { rel: "iscsibonds" },
            {
                rel: "networks",
                key: "networks",
                elem: "network",
                load: (_f, c) =>
                    c.model.state.networks.filter((n) => n.dataCenterId === dc.id).map((n) => networkView(c, n)),
            },
            { rel: "permissions" },
            { rel: "quotas" },
            { rel: "qoss" },
            {
                rel: "storagedomains",
                key: "storage_domains",
                elem: "storage_domain",
                load: (_f, c) =>
                    c.model.state.storageDomains
                        .filter((s) => s.attachments.some((a) => a.dataCenterId === dc.id))
                        .map((s) => attachedStorageDomainView(c, dc.id, s)),
            },
        ],
        ["cleanfinishedtasks", "setmaster"],
    );
}

export function clusterView(ctx: ViewCtx, c: Cluster): Obj {
    const href = `${ctx.base}/clusters/${c.id}`;
    const mgmt = ctx.model.state.networks.find(
        (n) =>
            n.dataCenterId === c.dataCenterId &&
            n.usages.includes("management") &&
            c.networks.some((cn) => cn.networkId === n.id),
    );
    return decorate(
        ctx,
        {
            href,
            id: c.id,
            name: c.name,
            description: c.description,
            comment: c.comment,
            ballooning_enabled: c.ballooningEnabled,
            bios_type: c.biosType,
            cpu: { architecture: c.architecture, type: c.cpuType },
            error_handling: { on_error: "migrate" },
            fencing_policy: { enabled: true },
            firewall_type: c.firewallType,
            gluster_service: false,
            ha_reservation: false,
            ksm: { enabled: true, merge_across_nodes: true },
            memory_policy: {
                over_commit: { percent: c.memoryOverCommitPercent },
                transparent_hugepages: { enabled: true },
            },
            migration: {
                auto_converge: "inherit",
                bandwidth: { assignment_method: "auto" },
                compressed: "inherit",
                encrypted: "inherit",
            },
            required_rng_sources: new Wrapped("required_rng_source", ["urandom"]),
            switch_type: c.switchType,
            threads_as_cores: c.threadsAsCores,
            trusted_service: false,
            tunnel_migration: false,
            version: version(c.version),
            virt_service: true,
            vnc_encryption: false,
            data_center: ref(ctx, "datacenters", c.dataCenterId),
            management_network: ref(ctx, "networks", mgmt?.id),
            mac_pool: ref(ctx, "macpools", SEED_IDS.macPool),
            scheduling_policy: ref(ctx, "schedulingpolicies", "b4ed2332-a7ac-4d5f-9596-99a439cb2812"),
        },
        href,
        [
            {
                rel: "affinitygroups",
                key: "affinity_groups",
                elem: "affinity_group",
                load: (_f, x) =>
                    x.model.state.affinityGroups
                        .filter((g) => g.clusterId === c.id)
                        .map((g) => affinityGroupView(x, g)),
            },
            { rel: "cpuprofiles" },
            { rel: "enabledfeatures" },
            { rel: "externalnetworkproviders" },
            { rel: "glusterhooks" },
            { rel: "glustervolumes" },
            { rel: "networkfilters" },
            {
                rel: "networks",
                key: "networks",
                elem: "network",
                load: (_f, x) =>
                    c.networks.map((cn) =>
                        clusterNetworkView(x, c.id, x.model.network(cn.networkId), cn.required, cn.display),
                    ),
            },
            { rel: "permissions" },
        ],
        ["resetemulatedmachine", "syncallnetworks", "upgrade"],
    );
}

// ------------------------------------------------------------------ hosts

export function hostView(ctx: ViewCtx, h: Host): Obj {
    const href = `${ctx.base}/hosts/${h.id}`;
    const s = ctx.model.state;
    const vms = s.vms.filter((v) => v.hostId === h.id);
    return decorate(
        ctx,
        {
            href,
            id: h.id,
            name: h.name,
            description: h.description,
            comment: h.comment,
            address: h.address,
            auto_numa_status: "unknown",
            certificate: {
                organization: "ocp-on-ovirt.gcp.devcluster.openshift.com",
                subject: `O=ocp-on-ovirt,CN=${h.address}`,
            },
            cpu: {
                name: "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz",
                speed: new Dec(2500),
                topology: { cores: Math.max(1, h.cores / 2), sockets: 2, threads: 1 },
                type: "Intel Cascadelake Server Family",
            },
            external_status: h.externalStatus,
            kdump_status: "disabled",
            max_scheduling_memory: h.memory,
            memory: h.memory,
            // The engine always maps power_management (defaults: off, kdump detection on, automatic PM on) and the
            // os's custom_kernel_cmdline ("" when unset); ovirt.ovirt's ovirt_host reads both on every run.
            // Source: ovirt-engine HostMapper.java, map(VDS, PowerManagement) and mapOperatingSystem(VDS).
            power_management: { automatic_pm_enabled: true, enabled: false, kdump_detection: true },
            os: { custom_kernel_cmdline: "", type: "RHEL", version: { full_version: "9 - 4.el9", major: 9 } },
            port: h.port,
            protocol: "stomp",
            reinstallation_required: false,
            se_linux: { mode: "enforcing" },
            spm: { priority: h.spmPriority, status: h.spmStatus },
            ssh: { fingerprint: "SHA256:emulatedemulatedemulatedemulatedemulatedem", port: 22, public_key: "" },
            status: h.status,
            summary: { active: vms.filter((v) => v.status === "up").length, migrating: 0, total: vms.length },
            type: h.type,
            update_available: false,
            cluster: ref(ctx, "clusters", h.clusterId),
        },
        href,
        [
            { rel: "affinitylabels" },
            { rel: "devices" },
            { rel: "externalnetworkproviderconfigurations" },
            { rel: "fenceagents" },
            { rel: "hooks" },
            { rel: "katelloerrata" },
            { rel: "networkattachments" },
            { rel: "nics" },
            { rel: "numanodes" },
            { rel: "permissions" },
            { rel: "statistics" },
            { rel: "storage" },
            { rel: "storageconnectionextensions" },
            { rel: "tags" },
            { rel: "unmanagednetworks" },
        ],
        [
            "activate",
            "approve",
            "commitnetconfig",
            "copyhostnetworks",
            "deactivate",
            "discoveriscsi",
            "enrollcertificate",
            "fence",
            "forceselectspm",
            "install",
            "iscsidiscover",
            "iscsilogin",
            "refresh",
            "setupnetworks",
            "syncallnetworks",
            "unregisteredstoragedomainsdiscover",
            "upgrade",
            "upgradecheck",
        ],
    );
}

// ------------------------------------------------------------------ storage domains

function sdCommon(ctx: ViewCtx, sd: StorageDomain): Obj {
    return {
        name: sd.name,
        description: sd.description,
        comment: sd.comment,
        available: sd.available,
        backup: sd.backup,
        block_size: sd.blockSize,
        committed: sd.committed,
        critical_space_action_blocker: sd.criticalSpaceActionBlocker,
        discard_after_delete: sd.discardAfterDelete,
        external_status: sd.externalStatus,
        master: sd.master,
        storage: {
            type: sd.storageType,
            address: sd.address,
            path: sd.path,
            nfs_version: sd.nfsVersion,
            mount_options: sd.mountOptions,
            nfs_timeo: sd.nfsTimeo,
            nfs_retrans: sd.nfsRetrans,
        },
        storage_format: sd.storageFormat,
        supports_discard: false,
        supports_discard_zeroes_data: false,
        type: sd.type,
        used: sd.used,
        warning_low_space_indicator: sd.warningLowSpaceIndicator,
        wipe_after_delete: sd.wipeAfterDelete,
        data_centers: new Wrapped(
            "data_center",
            sd.attachments.map((a) => ref(ctx, "datacenters", a.dataCenterId)!),
        ),
    };
}

const SD_SUBS: Sub[] = plain([
    "diskprofiles",
    "disks",
    "disksnapshots",
    "files",
    "images",
    "permissions",
    "storageconnections",
    "templates",
    "vms",
]);

/** Top-level storage domain: `status` only while not attached to any data center. */
export function storageDomainView(ctx: ViewCtx, sd: StorageDomain): Obj {
    const href = `${ctx.base}/storagedomains/${sd.id}`;
    const o: Obj = { href, id: sd.id, ...sdCommon(ctx, sd) };
    if (sd.attachments.length === 0) o.status = sd.status;
    const subs = SD_SUBS.map((s) =>
        s.rel === "disks"
            ? {
                  rel: "disks",
                  key: "disks",
                  elem: "disk",
                  load: (_f: Follow, c: ViewCtx) =>
                      c.model.state.disks.filter((d) => d.storageDomainId === sd.id).map((d) => diskView(c, d)),
              }
            : s,
    );
    return decorate(ctx, o, href, subs, ["isattached", "reduceluns", "refreshluns", "updateovfstore"]);
}

/** Storage domain as seen from a data center: per-data-center `status`. */
export function attachedStorageDomainView(ctx: ViewCtx, dcId: string, sd: StorageDomain): Obj {
    const href = `${ctx.base}/datacenters/${dcId}/storagedomains/${sd.id}`;
    const a = ctx.model.attachmentOf(sd, dcId);
    const o: Obj = {
        href,
        id: sd.id,
        ...sdCommon(ctx, sd),
        status: a.status,
        data_center: ref(ctx, "datacenters", dcId),
    };
    return decorate(ctx, o, href, plain(["disks"]), ["activate", "deactivate"]);
}

// ------------------------------------------------------------------ networks

export function networkView(ctx: ViewCtx, n: Network): Obj {
    const href = `${ctx.base}/networks/${n.id}`;
    return decorate(
        ctx,
        {
            href,
            id: n.id,
            name: n.name,
            description: n.description,
            comment: n.comment,
            mtu: n.mtu,
            port_isolation: n.portIsolation,
            stp: n.stp,
            usages: new Wrapped("usage", n.usages),
            vdsm_name: n.name.slice(0, 15),
            vlan: n.vlanId !== undefined ? { id: n.vlanId } : undefined,
            data_center: ref(ctx, "datacenters", n.dataCenterId),
            external_provider: ref(ctx, "openstacknetworkproviders", n.externalProviderId),
            profile_required: n.profileRequired,
        },
        href,
        [
            { rel: "networklabels" },
            { rel: "permissions" },
            {
                rel: "vnicprofiles",
                key: "vnic_profiles",
                elem: "vnic_profile",
                load: (_f, c) =>
                    c.model.state.vnicProfiles.filter((p) => p.networkId === n.id).map((p) => vnicProfileView(c, p)),
            },
        ],
    );
}

export function clusterNetworkView(
    ctx: ViewCtx,
    clusterId: string,
    n: Network,
    required: boolean,
    display?: boolean,
): Obj {
    const href = `${ctx.base}/clusters/${clusterId}/networks/${n.id}`;
    const o = networkView(ctx, n);
    return {
        ...o,
        href,
        cluster: ref(ctx, "clusters", clusterId),
        required,
        display: display ?? false,
        link: [
            { href: `${href}/networklabels`, rel: "networklabels" },
            { href: `${href}/permissions`, rel: "permissions" },
            { href: `${href}/vnicprofiles`, rel: "vnicprofiles" },
        ],
    };
}

export function vnicProfileView(ctx: ViewCtx, p: VnicProfile): Obj {
    const href = `${ctx.base}/vnicprofiles/${p.id}`;
    return decorate(
        ctx,
        {
            href,
            id: p.id,
            name: p.name,
            description: p.description,
            pass_through: { mode: p.passThrough },
            port_mirroring: p.portMirroring,
            network: ref(ctx, "networks", p.networkId),
            network_filter: ref(ctx, "networkfilters", "d2370ab4-fee3-11e9-a310-8c1645ce738e"),
        },
        href,
        plain(["permissions"]),
    );
}

export function providerView(ctx: ViewCtx, p: OpenStackNetworkProvider): Obj {
    const href = `${ctx.base}/openstacknetworkproviders/${p.id}`;
    return decorate(
        ctx,
        {
            href,
            id: p.id,
            name: p.name,
            description: p.description,
            requires_authentication: p.requiresAuthentication,
            url: p.url,
            username: p.username,
            authentication_url: p.authenticationUrl,
            tenant_name: p.tenantName,
            auto_sync: p.autoSync,
            external_plugin_type: "ovirt-provider-ovn",
            plugin_type: p.pluginType,
            read_only: p.readOnly,
            type: "external",
            unmanaged: p.unmanaged,
        },
        href,
        plain(["certificates", "networks"]),
        ["importcertificates", "testconnectivity"],
    );
}

/** A network as the OVN provider lists it (`/openstacknetworkproviders/{p}/networks`). */
export function openstackNetworkView(ctx: ViewCtx, providerId: string, n: Network): Obj {
    const id = n.externalId ?? n.id; // the provider-side id, as the engine lists the provider's networks
    const href = `${ctx.base}/openstacknetworkproviders/${providerId}/networks/${id}`;
    return decorate(
        ctx,
        { href, id, name: n.name, openstack_network_provider: ref(ctx, "openstacknetworkproviders", providerId) },
        href,
        plain(["subnets"]),
        ["import"],
    );
}

// ------------------------------------------------------------------ templates, VMs, disks

function bootNode(devices: string[]): NodeObject {
    return { boot: { devices: new Wrapped("device", devices) } };
}

function initializationNode(i: Initialization | undefined): NodeObject | undefined {
    if (!i) return undefined;
    return {
        authorized_ssh_keys: i.authorizedSshKeys,
        custom_script: i.customScript,
        dns_search: i.dnsSearch,
        dns_servers: i.dnsServers,
        host_name: i.hostName,
        regenerate_ssh_keys: i.regenerateSshKeys,
        timezone: i.timezone,
        user_name: i.userName,
        cloud_init_network_protocol: i.cloudInitNetworkProtocol,
        nic_configurations: i.nicConfigurations
            ? new Wrapped(
                  "nic_configuration",
                  i.nicConfigurations.map((n) => ({
                      name: n.name,
                      on_boot: n.onBoot,
                      boot_protocol: n.bootProtocol,
                      ip: n.ip
                          ? {
                                address: n.ip.address,
                                netmask: n.ip.netmask,
                                gateway: n.ip.gateway,
                                version: n.ip.version,
                            }
                          : undefined,
                  })),
              )
            : undefined,
    };
}

export function templateView(ctx: ViewCtx, t: Template): Obj {
    const href = `${ctx.base}/templates/${t.id}`;
    return decorate(
        ctx,
        {
            href,
            id: t.id,
            name: t.name,
            description: t.description,
            comment: t.comment,
            bios: { boot_menu: { enabled: false }, type: "cluster_default" },
            cpu: { architecture: "x86_64", topology: { cores: t.cores, sockets: t.sockets, threads: t.threads } },
            creation_time: new Date(t.creationTime),
            delete_protected: t.deleteProtected,
            high_availability: { enabled: t.highAvailability, priority: 0 },
            memory: t.memory,
            memory_policy: { ballooning: true, guaranteed: t.memory, max: t.memory * 4 },
            os: { ...bootNode(t.bootDevices), type: t.osType },
            stateless: t.stateless,
            status: t.status,
            type: t.type,
            version: {
                version_name: t.versionName,
                version_number: t.versionNumber,
                base_template: ref(ctx, "templates", t.id),
            },
            cluster: ref(ctx, "clusters", t.clusterId),
        },
        href,
        [
            { rel: "cdroms" },
            {
                rel: "diskattachments",
                key: "disk_attachments",
                elem: "disk_attachment",
                load: (f, c) => t.diskAttachments.map((da) => diskAttachmentView(c, "templates", t.id, da, f)),
            },
            { rel: "graphicsconsoles" },
            { rel: "mediateddevices" },
            { rel: "nics" },
            { rel: "permissions" },
            { rel: "tags" },
            { rel: "watchdogs" },
        ],
        ["export"],
    );
}

export function diskView(ctx: ViewCtx, d: Disk): Obj {
    const href = `${ctx.base}/disks/${d.id}`;
    return decorate(
        ctx,
        {
            href,
            id: d.id,
            name: d.name,
            alias: d.name,
            description: d.description,
            actual_size: d.actualSize,
            backup: "none",
            content_type: d.contentType,
            format: d.format,
            image_id: d.id.replace(/^.{8}/, "1a2b3c4d"),
            propagate_errors: false,
            provisioned_size: d.provisionedSize,
            qcow_version: d.format === "cow" ? "qcow2_v3" : undefined,
            shareable: d.shareable,
            sparse: d.sparse,
            status: d.status,
            storage_type: d.storageType,
            total_size: d.totalSize,
            wipe_after_delete: d.wipeAfterDelete,
            disk_profile: ref(ctx, "diskprofiles", d.storageDomainId),
            storage_domains: new Wrapped(
                "storage_domain",
                d.storageDomainId ? [ref(ctx, "storagedomains", d.storageDomainId)!] : [],
            ),
        },
        href,
        plain(["disksnapshots", "permissions", "statistics"]),
        ["copy", "export", "move", "reduce", "refreshlun", "sparsify"],
    );
}

export function diskAttachmentView(
    ctx: ViewCtx,
    ownerPath: "vms" | "templates",
    ownerId: string,
    da: DiskAttachment,
    follow?: Follow,
): Obj {
    const href = `${ctx.base}/${ownerPath}/${ownerId}/diskattachments/${da.diskId}`;
    const disk = ctx.model.state.disks.find((d) => d.id === da.diskId);
    const f = follow ?? ctx.follow;
    return {
        href,
        id: da.diskId,
        active: da.active,
        bootable: da.bootable,
        interface: da.interface,
        logical_name: da.logicalName,
        pass_discard: false,
        read_only: da.readOnly,
        uses_scsi_reservation: false,
        disk: f?.has("disk") && disk ? diskView({ ...ctx, follow: f.get("disk") }, disk) : ref(ctx, "disks", da.diskId),
        [ownerPath === "vms" ? "vm" : "template"]: ref(ctx, ownerPath, ownerId),
    };
}

export function nicView(ctx: ViewCtx, vm: Vm, n: Nic): Obj {
    const href = `${ctx.base}/vms/${vm.id}/nics/${n.id}`;
    const devs = vm.guestDevices.filter((g) => g.mac === n.mac);
    return decorate(
        ctx,
        {
            href,
            id: n.id,
            name: n.name,
            interface: n.interface,
            linked: n.linked,
            mac: { address: n.mac },
            plugged: n.plugged,
            synced: true,
            vm: ref(ctx, "vms", vm.id),
            vnic_profile: ref(ctx, "vnicprofiles", n.vnicProfileId),
        },
        href,
        [
            { rel: "networkfilterparameters" },
            {
                rel: "reporteddevices",
                key: "reported_devices",
                elem: "reported_device",
                load: (_f, c) => devs.map((g) => reportedDeviceView(c, vm, g)),
            },
            { rel: "statistics" },
        ],
        ["activate", "deactivate"],
    );
}

function deviceId(vm: Vm, g: GuestDevice): string {
    return `${vm.id.slice(0, 24)}${g.mac.replace(/:/g, "")}`;
}

export function reportedDeviceView(ctx: ViewCtx, vm: Vm, g: GuestDevice): Obj {
    return {
        href: `${ctx.base}/vms/${vm.id}/reporteddevices/${deviceId(vm, g)}`,
        id: deviceId(vm, g),
        name: g.name,
        description: "guest reported data",
        ips: new Wrapped(
            "ip",
            g.ips.map((ip) => ({ address: ip.address, version: ip.version })),
        ),
        mac: { address: g.mac },
        type: "network",
        vm: ref(ctx, "vms", vm.id),
    };
}

export function vmView(ctx: ViewCtx, vm: Vm): Obj {
    const href = `${ctx.base}/vms/${vm.id}`;
    const running = vm.status !== "down" && vm.status !== "image_locked";
    const s = ctx.model.state;
    return decorate(
        ctx,
        {
            href,
            id: vm.id,
            name: vm.name,
            description: vm.description,
            comment: vm.comment,
            bios: { boot_menu: { enabled: false }, type: vm.biosType ?? "cluster_default" },
            cpu: {
                architecture: "x86_64",
                mode: vm.cpuMode,
                topology: { cores: vm.cores, sockets: vm.sockets, threads: vm.threads },
            },
            cpu_shares: 0,
            creation_time: new Date(vm.creationTime),
            delete_protected: vm.deleteProtected,
            display: { type: "vnc", monitors: 1, allow_override: false },
            fqdn: vm.fqdn,
            guest_operating_system: vm.guestDevices.length
                ? {
                      architecture: "x86_64",
                      distribution: "CentOS Stream",
                      family: "Linux",
                      kernel: { version: { full_version: "5.14.0-427.el9.x86_64", major: 5, minor: 14 } },
                  }
                : undefined,
            high_availability: { enabled: vm.highAvailability, priority: vm.haPriority },
            initialization: initializationNode(vm.initialization),
            memory: vm.memory,
            memory_policy: { ballooning: vm.ballooning, guaranteed: vm.memoryGuaranteed, max: vm.memoryMax },
            migration: { auto_converge: "inherit", compressed: "inherit", encrypted: "inherit" },
            next_run_configuration_exists: vm.nextRun !== undefined,
            origin: "ovirt",
            os: { ...bootNode(vm.bootDevices), type: vm.osType },
            placement_policy: {
                affinity: vm.placementAffinity,
                hosts: vm.placementHostIds.length
                    ? new Wrapped(
                          "host",
                          vm.placementHostIds.map((h) => ref(ctx, "hosts", h)!),
                      )
                    : undefined,
            },
            run_once: vm.runOnce,
            start_paused: false,
            start_time: vm.startTime !== undefined ? new Date(vm.startTime) : undefined,
            stateless: vm.stateless,
            status: vm.status,
            stop_reason: vm.stopReason,
            stop_time: vm.stopTime !== undefined ? new Date(vm.stopTime) : undefined,
            type: vm.type,
            cluster: ref(ctx, "clusters", vm.clusterId),
            cpu_profile: ref(ctx, "cpuprofiles", "58ca604e-01a7-003f-01de-000000000250"),
            host: running ? ref(ctx, "hosts", vm.hostId) : undefined,
            original_template: ref(ctx, "templates", vm.templateId),
            template: ref(ctx, "templates", vm.templateId),
        },
        href,
        [
            { rel: "affinitylabels" },
            { rel: "applications" },
            { rel: "backups" },
            { rel: "cdroms" },
            { rel: "checkpoints" },
            {
                rel: "diskattachments",
                key: "disk_attachments",
                elem: "disk_attachment",
                load: (f, c) => vm.diskAttachments.map((da) => diskAttachmentView(c, "vms", vm.id, da, f)),
            },
            { rel: "graphicsconsoles" },
            { rel: "hostdevices" },
            { rel: "katelloerrata" },
            { rel: "mediateddevices" },
            { rel: "nics", key: "nics", elem: "nic", load: (_f, c) => vm.nics.map((n) => nicView(c, vm, n)) },
            { rel: "numanodes" },
            { rel: "permissions" },
            {
                rel: "reporteddevices",
                key: "reported_devices",
                elem: "reported_device",
                load: (_f, c) => vm.guestDevices.map((g) => reportedDeviceView(c, vm, g)),
            },
            { rel: "sessions" },
            { rel: "snapshots" },
            { rel: "statistics" },
            {
                rel: "tags",
                key: "tags",
                elem: "tag",
                load: (_f, c) =>
                    vm.tagIds
                        .map((t) => s.tags.find((x) => x.id === t))
                        .filter((t): t is Tag => !!t)
                        .map((t) => vmTagView(c, vm.id, t)),
            },
            { rel: "watchdogs" },
        ],
        [
            "autopincpuandnumanodes",
            "cancelmigration",
            "clone",
            "commitsnapshot",
            "detach",
            "export",
            "freezefilesystems",
            "logon",
            "maintenance",
            "migrate",
            "previewsnapshot",
            "reboot",
            "reordermacaddresses",
            "reset",
            "screenshot",
            "shutdown",
            "start",
            "stop",
            "suspend",
            "thawfilesystems",
            "ticket",
            "undosnapshot",
        ],
    );
}

// ------------------------------------------------------------------ affinity, tags, events, jobs

export function affinityGroupView(ctx: ViewCtx, g: AffinityGroup): Obj {
    const href = `${ctx.base}/clusters/${g.clusterId}/affinitygroups/${g.id}`;
    const rule = (r: { enabled: boolean; positive: boolean; enforcing: boolean }) => ({
        enabled: r.enabled,
        enforcing: r.enforcing,
        positive: r.positive,
    });
    return decorate(
        ctx,
        {
            href,
            id: g.id,
            name: g.name,
            description: g.description,
            broken: false,
            enforcing: g.vmsRule.enforcing,
            hosts_rule: rule(g.hostsRule),
            positive: g.vmsRule.positive,
            priority: new Dec(g.priority),
            vms_rule: rule(g.vmsRule),
            cluster: ref(ctx, "clusters", g.clusterId),
            hosts: new Wrapped(
                "host",
                g.hostIds.map((h) => ref(ctx, "hosts", h)!),
            ),
            vms: new Wrapped(
                "vm",
                g.vmIds.map((v) => ref(ctx, "vms", v)!),
            ),
        },
        href,
        plain(["hostlabels", "hosts", "vmlabels", "vms"]),
    );
}

export function tagView(ctx: ViewCtx, t: Tag): Obj {
    const href = `${ctx.base}/tags/${t.id}`;
    return {
        href,
        id: t.id,
        name: t.name,
        description: t.description,
        parent: t.id === SEED_IDS.rootTag ? undefined : ref(ctx, "tags", t.parentId),
    };
}

export function vmTagView(ctx: ViewCtx, vmId: string, t: Tag): Obj {
    return { ...tagView(ctx, t), href: `${ctx.base}/vms/${vmId}/tags/${t.id}`, vm: ref(ctx, "vms", vmId) };
}

export function eventView(ctx: ViewCtx, e: EngineEvent): Obj {
    return {
        href: `${ctx.base}/events/${e.id}`,
        id: e.id,
        description: e.description,
        code: e.code,
        correlation_id: e.correlationId,
        custom_data: e.customData,
        custom_id: e.customId,
        flood_rate: e.floodRate,
        index: e.index,
        log_on_host: e.logOnHost,
        origin: e.origin,
        severity: e.severity,
        time: new Date(e.time),
        cluster: ref(ctx, "clusters", e.clusterId),
        data_center: ref(ctx, "datacenters", e.dataCenterId),
        host: ref(ctx, "hosts", e.hostId),
        storage_domain: ref(ctx, "storagedomains", e.storageDomainId),
        template: ref(ctx, "templates", e.templateId),
        user: ref(ctx, "users", e.userId),
        vm: ref(ctx, "vms", e.vmId),
    };
}

export function jobView(ctx: ViewCtx, j: Job): Obj {
    const href = `${ctx.base}/jobs/${j.id}`;
    return decorate(
        ctx,
        {
            href,
            id: j.id,
            description: j.description,
            auto_cleared: j.autoCleared,
            end_time: j.endTime !== undefined ? new Date(j.endTime) : undefined,
            external: j.external,
            last_updated: new Date(j.lastUpdated),
            start_time: new Date(j.startTime),
            status: j.status,
            owner: ref(ctx, "users", j.ownerId),
        },
        href,
        plain(["steps"]),
        ["clear", "end"],
    );
}

export function jobRef(ctx: ViewCtx, j: Job): NodeObject {
    return ref(ctx, "jobs", j.id)!;
}

export function entityRef(ctx: ViewCtx, path: string, id: string): NodeObject {
    return ref(ctx, path, id)!;
}
