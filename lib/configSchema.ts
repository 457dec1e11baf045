/**
 * Every key of the `ovirt-ci` config namespace, declared once as a TypeBox schema: type, default, secret or not,
 * bounds and the documentation text. Derived from it:
 * - the typed, validated model (`Static<…>`: {@link ConfigModel} and the section types of `lib/config.ts`),
 * - the reading of `validateConfig`: Pulumi's text converted by the schema's types, then `Value.Default`,
 * - the `config:` block of `Pulumi.yaml` and the config tables of `docs/program.md` (`scripts/configDocs.ts`,
 *   checked current by `tests/unit/configDocs.spec.ts`).
 * - the messages of a bad value: TypeBox's own checking (types, bounds, `pattern`, the named formats of
 *   ./configFormats, literals, required and unknown keys) mapped to "what; got; Fix:" by lib/config/schemaProblems.ts,
 *   with the text from the options below.
 * Rules that relate several keys (addressing vs leases, capacity, protected names, endpoint policy, service mode) are
 * small functions in lib/config/rules/.
 *
 * Extra schema options used here (TypeBox keeps unknown options on the schema object):
 * `secret` (set with `pulumi config set --secret`, never read as plain text), `what` (how an integer is named in a
 * message), `leaseSet` (the lease forms of `leases`), `providerEnv`/`providerFallback` (keys the oVirt provider also
 * reads, see providers/ovirt/settings.ts), `problem`/`fix`/`engineObject` (the message of a bad value),
 * `unsetWhenEmpty`.
 */
import { ObjectOptions, Static, TObject, TProperties, TSchema, Type } from "@sinclair/typebox";
import { PROVIDER_INTEGER_SETTINGS, PROVIDER_SECRET_SETTINGS } from "../providers/ovirt/settings";
import { ConfigFormatName } from "./configFormats";
import { ALLOW_REPLACE_ENTRY, FORMAT_ENTRY } from "./protection";

/** Options of this schema beyond JSON Schema. */
export interface ConfigOptions {
    readonly description: string;
    readonly default?: unknown;
    readonly secret?: boolean;
    readonly what?: string;
    readonly leaseSet?: boolean;
    readonly providerEnv?: string;
    readonly providerFallback?: number;
    /** The kind of engine object an `ovirt-name` names ("data center"), for its message. */
    readonly engineObject?: string;
    /**
     * The problem of a bad value here; every error at or inside this key is then reported once, at this key, with
     * the whole value (a list judged as one). `{bad}` is replaced by the items that failed.
     */
    readonly problem?: string;
    /** The fix of a bad value here (a format's own fix wins); `{default}` is replaced by the key's default. */
    readonly fix?: string;
    /** An empty string counts as unset. */
    readonly unsetWhenEmpty?: boolean;
}

/** A string of a named format of ./configFormats. */
const format = (name: ConfigFormatName) => ({ format: name });

/** A section: a map whose keys are exactly its properties (an unknown key is reported with a "did you mean"). */
const section = <T extends TProperties>(properties: T, options: ObjectOptions = {}) =>
    Type.Object(properties, { additionalProperties: false, ...options });

const port = (dflt: number, description: string) =>
    Type.Integer({
        minimum: 1024,
        maximum: 65535,
        what: "an unprivileged port 1024..65535",
        default: dflt,
        description,
    });
const hostOffset = (dflt: number, description: string) =>
    Type.Integer({ minimum: 0, what: "a host offset", default: dflt, description });
const positive = (dflt: number | undefined, description: string) =>
    Type.Integer({ minimum: 1, description, ...(dflt === undefined ? {} : { default: dflt }) });
const leaseSet = (
    description: string,
    more: { default?: unknown; minItems?: number; problem?: string; fix?: string },
) => Type.Array(Type.Integer({ minimum: 1 }), { leaseSet: true, description, ...more });

/** `addressing`: how lease networks are cut from the pool; the defaults reproduce docs/ci-contract.md section 11. */
export const AddressingSchema = section(
    {
        subnetPool: Type.String({
            ...format("ipv4-cidr"),
            fix: "write the network address and prefix, e.g. {default}",
            default: "192.168.0.0/16",
            description: "Pool the lease subnets are cut from; strict CIDR (no host bits)",
        }),
        subnetPrefixLength: Type.Integer({
            minimum: 1,
            maximum: 30,
            default: 24,
            description: "Prefix length of each lease subnet",
        }),
        subnetOffset: Type.Integer({
            minimum: 0,
            what: "a non-negative integer",
            default: 200,
            description: "Lease N uses subnet number subnetOffset + N of the pool, so the default holds leases 1..55",
        }),
        gatewayHost: hostOffset(
            1,
            "Host offset of the gateway (the proxy VM's NIC on the lease network); offsets count from the subnet's network address and must lie inside it",
        ),
        dhcpFirstHost: hostOffset(101, "First DHCP host offset; the range must not be empty"),
        dhcpLastHost: hostOffset(150, "Last DHCP host offset"),
        dhcpLeaseTime: Type.String({
            pattern: "^(infinite|\\d+[smhdw]?)$",
            problem: "is not a dnsmasq lease time",
            fix: 'write e.g. "5m", "1h" or "infinite"',
            default: "5m",
            description: "DHCP lease time, dnsmasq syntax",
        }),
        apiVipHost: hostOffset(
            30,
            "Host offset of the API VIP (ovirt_apivip); distinct, not the gateway, outside the DHCP range",
        ),
        dnsVipHost: hostOffset(31, "Host offset of the DNS VIP (ovirt_dnsvip); same rules"),
        ingressVipHost: hostOffset(32, "Host offset of the ingress VIP (ovirt_ingressvip); same rules"),
        machineNetworkCidr: Type.String({
            ...format("ipv4-cidr"),
            fix: "write e.g. {default}",
            default: "192.168.0.0/16",
            description: "machine_network_cidr of every lease file; must contain every lease subnet",
        }),
    },
    { description: "Lease addressing scheme; the default reproduces the CI contract (lease N → 192.168.(200+N).0/24)" },
);

/** `naming`: name patterns; `{n}` is the lease number, `{nn}` the number zero-padded to two digits. */
export const NamingSchema = section(
    {
        clusterName: Type.String({
            ...format("cluster-name-pattern"),
            default: "ovirt{n}",
            description: "OpenShift cluster name (cluster_name); never contains - or ;",
        }),
        networkName: Type.String({
            ...format("network-name-pattern"),
            default: "ovn-vmnet-{n}",
            description: "oVirt network and vNIC profile name (ovirt_network_name)",
        }),
        interfaceName: Type.String({
            ...format("interface-name-pattern"),
            default: "vmnet{n}",
            description: "Guest interface name of the proxy VM's NIC on the lease network (at most 15 characters)",
        }),
    },
    { description: 'Name patterns ({n} = lease number, {nn} = two digits); cluster names must not contain "-"' },
);

/** One oVirt host to register. */
export const HostSchema = section(
    {
        name: Type.String({
            ...format("ovirt-name"),
            engineObject: "host",
            description: "Host name in the engine (the identity of the host resource)",
        }),
        address: Type.String({
            ...format("host"),
            fix: "write the host's FQDN or IPv4 address",
            description: "FQDN or IPv4 address the engine reaches the host at",
        }),
        cpuCores: positive(undefined, "Physical CPU cores"),
        memoryGiB: positive(undefined, "Physical memory in GiB"),
    },
    { description: "One oVirt host; names and addresses are unique" },
);

/** Size of one OpenShift cluster installed on a lease. */
export const ClusterFootprintSchema = section(
    {
        masters: positive(3, "Control-plane VMs per lease"),
        workers: positive(2, "Worker VMs per lease"),
        vcpus: positive(8, "vCPUs per VM"),
        memoryMiB: positive(16384, "Memory per VM in MiB"),
    },
    { description: "Size of the OpenShift cluster on each lease (per VM vcpus and memoryMiB)" },
);

/** HAProxy ports of the `local` service mode. */
export const LocalHaproxyPortsSchema = section(
    {
        api: port(16443, "API (6443 on the real VM)"),
        https: port(18443, "Ingress HTTPS (443)"),
        http: port(18080, "Ingress HTTP (80)"),
        stats: port(18404, "Statistics page (8404)"),
    },
    { description: "local mode: HAProxy's loopback ports, distinct" },
);

/** SSH target of the proxy configuration commands; every field optional. */
export const ProxyConnectionSchema = section(
    {
        host: Type.Optional(
            Type.String({
                ...format("host"),
                fix: "write the SSH target's address, e.g. 127.0.0.1 for a local sandbox",
                description: "SSH host; default externalAddress, else the VM's first reported IPv4",
            }),
        ),
        port: Type.Optional(
            Type.Integer({
                minimum: 1,
                maximum: 65535,
                what: "a TCP port 1..65535",
                description: "SSH port; default 22",
            }),
        ),
        user: Type.Optional(
            Type.String({
                ...format("linux-user"),
                fix: 'use e.g. "root"',
                description: "SSH user; default sshUser (commands run under sudo -n unless root)",
            }),
        ),
        hostKey: Type.Optional(
            Type.String({
                description:
                    "The proxy's SSH host public key (authorized_keys form, e.g. the VM's /etc/ssh/ssh_host_ed25519_key.pub): every connection refuses any other; unset = recorded on first contact with the VM and pinned after (`npm run adopt` writes it for a live proxy)",
            }),
        ),
    },
    { description: "Where the proxy configuration is pushed over SSH" },
);

/** The long-lived proxy VM: router, NAT, DHCP/DNS for the lease networks, HAProxy entry point. */
export const ProxyVmSchema = section(
    {
        name: Type.String({
            default: "proxy-vm",
            description: "VM name; the CI cleanup job spares only proxy-vm and proxy-vm-45 (contract section 8)",
        }),
        template: Type.String({
            default: "centos-7",
            description: "Template; the cleanup job deletes every template except Blank and centos-7",
        }),
        memoryMiB: Type.Integer({ minimum: 512, default: 4096, description: "Memory in MiB" }),
        cpuCores: positive(2, "vCPUs"),
        managementNetwork: Type.String({
            ...format("ovirt-name"),
            engineObject: "network",
            default: "ovirtmgmt",
            description: "oVirt network of the external NIC",
        }),
        externalInterface: Type.String({
            ...format("linux-ifname"),
            fix: 'write the guest NIC name, e.g. "{default}"',
            default: "eth0",
            description: "Guest name of the external NIC (NAT egress, HAProxy listener)",
        }),
        externalAddress: Type.Optional(
            Type.String({
                ...format("ipv4"),
                unsetWhenEmpty: true,
                fix: "write the address only, e.g. 203.0.113.10, and the prefix in externalPrefixLength",
                description: "Static external IPv4 address; absent = DHCP on the management network",
            }),
        ),
        externalPrefixLength: Type.Optional(
            Type.Integer({
                minimum: 1,
                maximum: 32,
                what: "a prefix length 1..32",
                description: "Prefix length of the external address; required with externalAddress",
            }),
        ),
        externalGateway: Type.Optional(
            Type.String({
                ...format("ipv4"),
                fix: "write the gateway of the external network",
                description: "Default gateway of the external NIC; required with externalAddress",
            }),
        ),
        dnsServers: Type.Array(Type.String(format("ipv4")), {
            minItems: 1,
            problem: "must be a non-empty list of IPv4 addresses",
            fix: 'write e.g. ["8.8.8.8"]',
            default: ["8.8.8.8"],
            description: "Resolvers of the VM and upstream servers of every lease's dnsmasq (IPv4)",
        }),
        sshUser: Type.String({
            ...format("linux-user"),
            fix: 'use e.g. "{default}"',
            default: "centos",
            description: "Cloud-init user that gets the SSH key",
        }),
        statsUser: Type.String({
            pattern: "^[A-Za-z0-9_.-]{1,32}$",
            problem: "is not a simple user name (HAProxy's stats auth takes user:password unquoted)",
            fix: 'use letters and digits, e.g. "{default}"',
            default: "admin",
            description: "HAProxy statistics user (the password is generated)",
        }),
        statsAddress: Type.String({
            ...format("ipv4"),
            fix: 'use "127.0.0.1" (then ssh -L 8404:127.0.0.1:8404) or an address only the management network reaches',
            default: "127.0.0.1",
            description:
                "Address of HAProxy's statistics page on the VM: never a lease's or the public address (the playbooks' layout has no management-only address: reach it with ssh -L 8404:127.0.0.1:8404)",
        }),
        connection: Type.Optional(ProxyConnectionSchema),
        rootDir: Type.String({
            // absolute; no "." or ".." part; no trailing "/" but the root itself
            pattern: "^(?!.*(^|/)\\.\\.?(/|$))(?!.+/$)/[A-Za-z0-9_./-]*$",
            problem:
                "is not an absolute directory path of letters, digits, '_', '.', '-' and '/' (no trailing '/', no '.' or '..' parts)",
            fix: 'use "/" for the real VM, or a sandbox directory such as "/tmp/ovirt-ci-proxy"',
            default: "/",
            description: "Prefix of every file path written on the target (a sandbox directory in local mode)",
        }),
        serviceMode: Type.Union([Type.Literal("systemd"), Type.Literal("local")], {
            problem: 'must be "systemd" (the real proxy VM) or "local" (a sandbox: plain processes, loopback ports)',
            fix: 'use "systemd" or "local"',
            default: "systemd",
            description:
                "systemd = the real VM (files under /etc, systemctl, nft); local = a sandbox under rootDir (plain processes on loopback ports; refuses rootDir /)",
        }),
        localDnsPort: port(
            15300,
            "local mode: lease N's dnsmasq answers DNS on 127.0.0.1 port localDnsPort + N (≤ 65535)",
        ),
        localHaproxyPorts: LocalHaproxyPortsSchema,
        biosType: Type.Union(
            ["i440fx_sea_bios", "q35_sea_bios", "q35_ovmf", "q35_secure_boot", "cluster_default"].map((v) =>
                Type.Literal(v),
            ),
            {
                default: "i440fx_sea_bios",
                description:
                    "BIOS type (the engine's BiosType); a Q35 VM takes at most 8 NICs, so the proxy of more than 7 leases needs i440fx_sea_bios. An existing VM with another type is refused, never restarted",
            },
        ),
        externalNicName: Type.String({
            default: "nic1",
            description: "Engine name of the external NIC (the playbooks named it eth0)",
        }),
        layout: Type.Union([Type.Literal("ovirt-ci"), Type.Literal("playbooks")], {
            default: "ovirt-ci",
            description:
                'How the proxy\'s shared set-up was built: ovirt-ci (our dnsmasq@ unit, nftables NAT, our haproxy.cfg) or playbooks (oVirt/ocp-on-ovirt: adopted in place, firewalld masquerade, their haproxy.cfg layout); docs/operator.md "Day one"',
        }),
        playbooksLeases: Type.Array(
            section({
                lease: Type.Integer({ minimum: 1, description: "Lease number" }),
                nic: Type.String({
                    ...format("linux-ifname"),
                    fix: 'write the NIC name the playbooks gave it, e.g. "eth1"',
                    description: "Its NIC's name, on the engine and in the guest (eth1, eth2, …)",
                }),
            }),
            {
                fix: "write it as a YAML list of {lease: 10, nic: eth1}",
                default: [],
                description:
                    "Leases still in the playbooks' layout (NIC ethK, dnsmasq@net-NN, /var/lib/dnsmasq/dnsmasq-net-NN.conf), adopted as they are; removing one moves it to ours (refused while a job holds it); an entry for a lease not in ovirt-ci:leases has no effect. Needs layout playbooks",
            },
        ),
    },
    { description: 'Proxy VM settings and how its configuration is pushed (see "The proxy configuration")' },
);

/** NFS storage for upgrade leases: one export and one storage domain per upgrade lease. */
export const UpgradeStorageSchema = section(
    {
        nfsServer: Type.Optional(
            Type.String({
                ...format("host"),
                fix: "write the NFS server's FQDN or address, without a path",
                description: "NFS server host name or address; required when there are upgrade leases",
            }),
        ),
        exportPathPattern: Type.String({
            ...format("export-path-pattern"),
            default: "/exports/ovirt-upgrade-{n}",
            description: "Export path of upgrade lease {n}",
        }),
        storageDomainNamePattern: Type.String({
            ...format("storage-domain-name-pattern"),
            default: "ovirt-upgrade-{n}",
            description: "Storage domain name of upgrade lease {n}",
        }),
        nfsVersion: Type.Union(
            ["auto", "v3", "v4", "v4_0", "v4_1", "v4_2"].map((v) => Type.Literal(v)),
            { problem: "is not an oVirt NFS version", default: "auto", description: "oVirt nfs_version" },
        ),
    },
    { description: "NFS storage of upgrade leases" },
);

/** Where the CI profile lives in Vault (`docs/ci-contract.md` section 2). */
export const VaultSchema = section(
    {
        mount: Type.String({
            pattern: "^[A-Za-z0-9_-]+$",
            problem: "is not a single mount name (no slashes)",
            fix: 'use "{default}"',
            default: "kv",
            description: "KV v2 mount",
        }),
        path: Type.String({
            pattern: "^(?!data/)[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$",
            problem: "is not a KV v2 item path relative to the mount (no leading or trailing slash, no data/ prefix)",
            fix: 'use "{default}"',
            default: "selfservice/ovirt/cluster-secrets-ovirt",
            description: "Item path relative to the mount",
        }),
        // The CI's Vault proxy refuses sync values that are not DNS-1123 labels (≤ 63 characters; each namespace of
        // the list): openshift/ci-tools cmd/vault-subpath-proxy/kv_update_transport.go.
        targetNamespace: Type.String({
            pattern: "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(,[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
            problem: "is not a namespace or comma-separated list of namespaces",
            fix: 'use "{default}"',
            default: "ci",
            description: "secretsync/target-namespace",
        }),
        targetName: Type.String({
            pattern: "^cluster-secrets-[a-z0-9]([a-z0-9-]*[a-z0-9])?$",
            maxLength: 63,
            problem:
                "must be cluster-secrets-<profile>, a DNS-1123 label of at most 63 characters (docs/ci-contract.md section 2.1)",
            fix: 'use "{default}"',
            default: "cluster-secrets-ovirt",
            description: "secretsync/target-name: cluster-secrets-<profile>",
        }),
        targetClusters: Type.String({
            pattern: "^$|^[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*$",
            problem: "is not a comma-separated list of build cluster names",
            fix: 'write e.g. "build01,build02", or leave it empty for all clusters',
            default: "",
            description: "secretsync/target-clusters; empty = key absent (all clusters)",
        }),
    },
    { description: "Vault item of the CI cluster profile and its secretsync keys" },
);

/** Choices on the open points of the contract (section 16). */
export const CiProfileSchema = section(
    {
        ovirtConfClusterId: Type.Boolean({
            default: false,
            description: "Emit OVIRT_ENGINE_CLUSTER_ID in ovirt.conf (it overrides the lease files' value)",
        }),
        ovirtConfStorageDomainId: Type.Boolean({
            default: true,
            description: "Emit OVIRT_ENGINE_STORAGE_DOMAIN_ID (main storage domain) for 4.4–4.7 jobs",
        }),
        pullSecret: Type.Boolean({
            default: true,
            description: "Write pull-secret into the item (false if the CI platform seeds it)",
        }),
    },
    { description: "Choices on the contract's open points" },
);

const providerInteger = (key: keyof typeof PROVIDER_INTEGER_SETTINGS) => {
    const s: { env: string; minimum: number; fallback?: number; description: string } = PROVIDER_INTEGER_SETTINGS[key];
    return Type.Optional(
        Type.Integer({
            minimum: s.minimum,
            description: s.description,
            providerEnv: s.env,
            ...(s.fallback === undefined ? {} : { providerFallback: s.fallback }),
        }),
    );
};

/**
 * The whole namespace. Property order is the order of the generated `Pulumi.yaml` block and docs table.
 * Adding a key: one property here (plus a rule in lib/config/rules/ only when it relates to other keys), then
 * `npm run config-docs`.
 */
export const ConfigSchema = section({
    engineUrl: Type.String({
        ...format("url"),
        fix: "write https://<engine-fqdn>/ovirt-engine/api",
        description:
            "Engine API URL https://<engine>/ovirt-engine/api; must end exactly in /ovirt-engine/api (CI strips 4 characters to reach the CA download); https unless engineAllowHttp",
    }),
    engineUsername: Type.String({
        ...format("engine-login"),
        fix: 'write e.g. "{default}"',
        default: "admin@internal",
        description: "Engine user, user@domain",
    }),
    enginePassword: Type.String({ secret: true, description: "Engine password" }),
    ciEngineUsername: Type.String({
        ...format("engine-login"),
        fix: 'write e.g. "ocpadmin@internal"',
        description:
            "The CI jobs' engine user, user@domain (OVIRT_ENGINE_USERNAME in ovirt.conf): an existing user of the engine's authz provider, granted exactly the installer's roles (docs/ci-user.md); never the admin",
    }),
    ciEnginePassword: Type.String({ secret: true, description: "Password of ciEngineUsername (ovirt.conf)" }),
    engineCaPem: Type.Optional(
        Type.String({
            ...format("pem-certificate"),
            fix: "paste the engine CA from https://<engine>/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA",
            default: "",
            description: "PEM of the engine CA; empty = system trust store; excludes engineInsecure",
        }),
    ),
    engineInsecure: Type.Boolean({
        default: false,
        description: "Skip TLS verification of the engine (emulator and tests only; warns on every run)",
    }),
    engineAllowHttp: Type.Boolean({ default: false, description: "Allow an http:// engine URL (emulator only)" }),
    engineTimeoutSeconds: providerInteger("engineTimeoutSeconds"),
    engineRetryAttempts: providerInteger("engineRetryAttempts"),
    engineRetryBaseMs: providerInteger("engineRetryBaseMs"),
    hostRootPassword: Type.Optional(
        Type.String({
            secret: true,
            description: PROVIDER_SECRET_SETTINGS.hostRootPassword.description,
            providerEnv: PROVIDER_SECRET_SETTINGS.hostRootPassword.env,
        }),
    ),
    baseDomain: Type.String({
        ...format("dns-domain"),
        fix: 'write e.g. "gcp.devcluster.openshift.com"',
        description:
            "Base DNS domain of the lease clusters (BASE_DOMAIN in ovirt.conf), e.g. gcp.devcluster.openshift.com",
    }),
    dataCenter: Type.String({
        ...format("ovirt-name"),
        engineObject: "data center",
        description: "oVirt data center name (adopted by name)",
    }),
    cluster: Type.String({
        ...format("ovirt-name"),
        engineObject: "cluster",
        description: "oVirt cluster name (adopted by name)",
    }),
    mainStorageDomain: Type.String({
        ...format("ovirt-name"),
        engineObject: "storage domain",
        description: "Storage domain shared by all install leases (adopted by name)",
    }),
    ovnProviderName: Type.String({
        pattern: "\\S",
        problem: "is empty",
        fix: 'use "{default}"',
        default: "ovirt-provider-ovn",
        description: "External network provider of the lease networks",
    }),
    ovnPortSecurity: Type.Boolean({
        default: false,
        description:
            "OVN port security of every lease network and the proxy's ports on them (the CI contract: off; docs/ovn.md)",
    }),
    ovnAuthUrl: Type.Optional(
        Type.String({
            pattern: "^(https?://[^/\\s]+/v2\\.0)?$",
            problem: "is not the OVN provider's API root",
            fix: "write https://<engine-fqdn>:35357/v2.0, or leave it empty for that default",
            default: "",
            description:
                "The OVN provider's Identity v2.0 root; empty = the engine's provider entry (authentication_url) when ovnNetworkUrl is empty too, else https://<engine host>:35357/v2.0",
        }),
    ),
    ovnNetworkUrl: Type.Optional(
        Type.String({
            pattern: "^(https?://[^/\\s]+/v2\\.0)?$",
            problem: "is not the OVN provider's API root",
            fix: "write https://<engine-fqdn>:9696/v2.0, or leave it empty for that default",
            default: "",
            description: "The OVN provider's Networking v2.0 root; empty = https://<engine host>:9696/v2.0",
        }),
    ),
    ovnUsername: Type.Optional(
        Type.String({
            default: "",
            description:
                "The user the OVN provider issues tokens to (its ovirt-admin-user-name; admin@ovirt@internalsso on Keycloak engines); empty = the engine's provider entry when neither OVN URL is set, else engineUsername. The password is enginePassword",
        }),
    ),
    ovnAllowForeignUrl: Type.Boolean({
        default: false,
        description:
            "Accept an ovnAuthUrl/ovnNetworkUrl that is not https or not on the engine URL's host (the engine password is sent there; warns on every run)",
    }),
    leases: leaseSet(
        "Install lease numbers: {from: 10, to: 23}, [10, 11, 12], or [{from: 10, to: 14}, {from: 20, to: 23}]; empty, overlapping and duplicate entries are rejected",
        { minItems: 1, problem: "is empty: at least one install lease is needed", fix: "set e.g. {from: 10, to: 23}" },
    ),
    upgradeLeases: leaseSet("Upgrade lease numbers, same forms as leases; [] = none", { default: [] }),
    addressing: AddressingSchema,
    naming: NamingSchema,
    hosts: Type.Array(HostSchema, {
        minItems: 1,
        fix: "list the hosts: [{name, address, cpuCores, memoryGiB}, ...]",
        description: "oVirt hosts: [{name, address, cpuCores, memoryGiB}, ...]",
    }),
    clusterFootprint: ClusterFootprintSchema,
    memoryOvercommitPercent: Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: 150,
        description: "Memory overcommit of the oVirt cluster, percent (capacity guard)",
    }),
    cpuOvercommitPercent: Type.Integer({
        minimum: 1,
        maximum: 10000,
        default: 100,
        description: "vCPUs allowed per 100 physical cores, percent (capacity guard)",
    }),
    capacityOverride: Type.Boolean({
        default: false,
        description: "Accept more leases than the capacity guard allows (a warning is logged)",
    }),
    removeLeasesInUse: Type.Array(Type.String({ pattern: "^ovirt-[1-9][0-9]*$" }), {
        problem: "must be a list of install lease names (ovirt-N)",
        fix: "write e.g. [ovirt-12], or remove the key",
        default: [],
        description:
            "Install leases (ovirt-N) to remove although a CI job's VMs still use their network (the scale-down guard refuses otherwise; docs/program.md)",
    }),
    allowReplace: Type.Array(Type.String({ pattern: ALLOW_REPLACE_ENTRY.source }), {
        problem:
            "must be a list of proxyVm, mainStorageDomain, vaultItem, host:<host name> or ovirt-upgrade-N; not one: {bad}",
        fix: "write e.g. [proxyVm], or remove the key",
        default: [],
        description:
            "Protected resources that may be replaced or removed (they are unprotected from the next up on): proxyVm, mainStorageDomain, vaultItem, host:<name>, ovirt-upgrade-N (docs/operator.md)",
    }),
    formatUpgradeStorage: Type.Array(Type.String({ pattern: FORMAT_ENTRY.source }), {
        problem: "must be a list of upgrade lease names ovirt-upgrade-N; not one: {bad}",
        fix: "write e.g. [ovirt-upgrade-3], or remove the key",
        default: [],
        description:
            "Upgrade leases (ovirt-upgrade-N, each also in allowReplace) whose storage domain is formatted (format=true) when removed; others are removed without formatting",
    }),
    proxyVm: ProxyVmSchema,
    upgradeStorage: UpgradeStorageSchema,
    vault: VaultSchema,
    ciProfile: CiProfileSchema,
    clusterbotPoolSize: positive(3, "min-count and max-count of the ovirt-clusterbot-quota-slice pool"),
    // Pulumi.yaml declares it required (the CLI then asks for it); the program needs it only with ciProfile.pullSecret
    pullSecret: Type.String({
        secret: true,
        description:
            'Pull secret JSON ({"auths":{...}}), written as pull-secret; needed only with ciProfile.pullSecret: true',
    }),
    sshPublicKey: Type.String({
        secret: true,
        description:
            "The CI jobs' OpenSSH public key line (ssh-publickey in the Vault item: install-config sshKey); never authorized on the proxy VM",
    }),
    sshPrivateKey: Type.String({
        secret: true,
        description: "The CI jobs' private key matching sshPublicKey (ssh-privatekey in the Vault item)",
    }),
    proxyAdminSshPublicKey: Type.String({
        secret: true,
        description:
            "ovirt-ci's own admin key for the proxy VM (cloud-init's first key, then the line marked ovirt-ci-admin in the admin user's authorized_keys); must differ from sshPublicKey; never in the Vault item",
    }),
    proxyAdminSshPrivateKey: Type.String({
        secret: true,
        description: "Private key matching proxyAdminSshPublicKey: every proxy configuration command logs in with it",
    }),
    proxyAdminSshPreviousPrivateKey: Type.Optional(
        Type.String({
            secret: true,
            description:
                "Only while rotating the proxy admin key: the old private key, which the proxy still accepts; the up installs the new public key over SSH with it (docs/operator.md), then remove it",
        }),
    ),
});

/** One `{from, to}` range of a lease set (`leases`, `upgradeLeases`), both ends included. */
export const LeaseRangeSchema = section({
    from: Type.Integer({ minimum: 1, what: "a positive lease number", description: "First lease number" }),
    to: Type.Integer({ minimum: 1, what: "a positive lease number", description: "Last lease number" }),
});

/** One lease number of a lease set. */
export const LeaseNumberSchema = Type.Integer({
    minimum: 1,
    problem: "lease numbers must be positive integers",
    fix: "use a whole number ≥ 1, e.g. 10",
    description: "Lease number",
});

/** Name of a key of the namespace. */
export type ConfigKey = keyof typeof ConfigSchema.properties;

/** The validated values of every key, secrets included (the program keeps secrets as Outputs instead). */
export type ConfigModel = Static<typeof ConfigSchema>;

/** The options of a property schema: its description, default, bounds, format and the extras above. */
export type SchemaOptions = ConfigOptions & { minimum?: number; maximum?: number; minItems?: number; format?: string };

/** The options of a property schema (its description, default, bounds and the extras above). */
export function optionsOf(schema: TSchema): SchemaOptions {
    return schema as unknown as SchemaOptions;
}

/** True when the object schema lists `name` as required (TypeBox leaves `Type.Optional` properties out). */
export function isRequired(object: TObject, name: string): boolean {
    return (object.required ?? []).includes(name);
}

/** The accepted values of a union of string literals (`serviceMode`, `nfsVersion`), else undefined. */
export function literalsOf(schema: TSchema): string[] | undefined {
    const anyOf = (schema as { anyOf?: { const?: unknown }[] }).anyOf;
    return anyOf?.every((s) => typeof s.const === "string") ? anyOf.map((s) => s.const as string) : undefined;
}

/**
 * The default of a schema: its own `default`, else for an object the defaults of its properties (properties without
 * one left out), else undefined.
 */
export function defaultOf(schema: TSchema): unknown {
    const own = optionsOf(schema).default;
    if (own !== undefined) return own;
    if (schema.type === "object" && (schema as TObject).properties) {
        const out: Record<string, unknown> = {};
        for (const [name, prop] of Object.entries((schema as TObject).properties)) {
            const d = defaultOf(prop);
            if (d !== undefined) out[name] = d;
        }
        return out;
    }
    return undefined;
}

/** The type of a key as the docs and Pulumi.yaml name it. */
export type ConfigKeyType = "string" | "integer" | "boolean" | "object" | "array" | "leaseSet";

/** The documented kind of a schema. */
export function typeOf(schema: TSchema): ConfigKeyType {
    if (optionsOf(schema).leaseSet) return "leaseSet";
    if (literalsOf(schema)) return "string";
    return schema.type as ConfigKeyType;
}

/** Description of one top-level key, derived from {@link ConfigSchema}. */
export interface ConfigKeySpec {
    readonly key: ConfigKey;
    readonly type: ConfigKeyType;
    readonly secret: boolean;
    /** Required: no default and not optional. */
    readonly required: boolean;
    readonly default?: unknown;
    readonly description: string;
    /** The oVirt provider also reads it, with this environment variable as the fallback. */
    readonly providerEnv?: string;
    /** The provider's value when unset. */
    readonly providerFallback?: number;
}

/** Every top-level key, in declaration order. */
export const CONFIG_KEYS: readonly ConfigKeySpec[] = Object.entries(ConfigSchema.properties).map(([key, schema]) => {
    const o = optionsOf(schema);
    const dflt = defaultOf(schema);
    return {
        key: key as ConfigKey,
        type: typeOf(schema),
        secret: o.secret ?? false,
        required: dflt === undefined && isRequired(ConfigSchema, key),
        ...(dflt === undefined ? {} : { default: dflt }),
        description: o.description,
        ...(o.providerEnv === undefined ? {} : { providerEnv: o.providerEnv }),
        ...(o.providerFallback === undefined ? {} : { providerFallback: o.providerFallback }),
    };
});
