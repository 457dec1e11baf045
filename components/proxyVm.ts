import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { ProxyVmSettings } from "../lib/config";
import { isIpv4, netmask } from "../lib/ip";
import { LeaseInfo } from "../lib/leaseModel";
import type { ProxyTarget } from "../lib/proxy/target";
import { adminKeyScripts, adminKeyStdin } from "../lib/render/proxy/adminKey";
import { setupScripts } from "../lib/render/proxy/base";
import { firewallScripts, proxyFirewallRuleset } from "../lib/render/proxy/firewall";
import { haproxyScripts, proxyHaproxyConfig } from "../lib/render/proxy/haproxy";
import { Vm, CloudInit, BiosType } from "../providers/ovirt/vm";
import { VmNic } from "../providers/ovirt/vmNic";
import { EngineObject } from "../providers/ovirt/engineObject";
import { SshHostKey } from "../providers/ovirt/sshHostKey";
import { PROTECTED_ENTRIES, protectionOf } from "../lib/protection";

/** Arguments for {@link ProxyVm}. */
export interface ProxyVmArgs {
    readonly dataCenterId: pulumi.Input<string>;
    readonly clusterId: pulumi.Input<string>;
    /** The validated `proxyVm` settings. */
    readonly settings: ProxyVmSettings;
    /** Where and how the configuration is applied (lib/proxy/targets.ts picks it for the settings). */
    readonly target: ProxyTarget;
    /** Every install lease: HAProxy's single file is rendered from all of them. */
    readonly leases: readonly LeaseInfo[];
    /**
     * ovirt-ci's own admin key (`proxyAdminSshPublicKey`, never the CI jobs' key): authorized for `settings.sshUser`
     * by cloud-init on the first boot, then kept the only line of its authorized_keys over SSH (rotation).
     */
    readonly sshPublicKey: pulumi.Input<string>;
    /** Private key of the SSH connection that pushes the configuration (kept secret). */
    readonly sshPrivateKey: pulumi.Input<string>;
    /**
     * Only while rotating the admin key: the old private key the VM still accepts; the rotation command logs in with
     * it and installs `sshPublicKey` (absent = log in with `sshPrivateKey`).
     */
    readonly previousSshPrivateKey?: pulumi.Input<string>;
    /** HAProxy statistics password (secret). */
    readonly statsPassword: pulumi.Input<string>;
    /**
     * What must be ready before the VM is created: the hosts it can run on. Only the VM waits for them; the
     * template and management-network lookups run meanwhile (a component-wide `dependsOn` would hold them too).
     */
    readonly vmDependsOn?: pulumi.Input<pulumi.Resource>[];
    /** `ovirt-ci:allowReplace`: the VM is protected unless it lists `proxyVm` (lib/protection.ts). */
    readonly allowReplace?: readonly string[];
}

/** The SSH connection of the configuration commands. */
export interface ProxyConnection {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly privateKey: string;
    /**
     * The pinned host public key (authorized_keys form): `proxyVm.connection.hostKey` when configured, else the key
     * recorded on first contact (`<name>-host-key`, providers/ovirt/sshHostKey.ts).
     */
    readonly hostKey: string;
}

/** Packages the proxy needs; installed by cloud-init on first boot. */
const CLOUD_CONFIG = "#cloud-config\npackages:\n  - dnsmasq\n  - haproxy\n  - nftables\n";

/** How long the external NIC waits for the guest agent to report the proxy's DHCP address. */
export const EXTERNAL_IP_WAIT_SECONDS = 300;

/** The first IPv4 address the guest agent reports, or "" when none yet. */
export function firstIpv4(ips: readonly string[] | undefined): string {
    return (ips ?? []).find((ip) => isIpv4(ip)) ?? "";
}

/**
 * The proxy VM (`docs/ci-contract.md` section 12.2): router, NAT gateway, DHCP and DNS for every lease network, and
 * HAProxy's SNI entry point. A VM from its template with cloud-init (static external address when configured,
 * the SSH key), highly available and delete-protected on the engine, its external NIC on the management network,
 * then over SSH the base setup every lease builds on and the HAProxy file rendered from all leases. The
 * per-lease NICs and configuration belong to each `Lease`.
 */
export class ProxyVm extends pulumi.ComponentResource {
    public readonly vmId: pulumi.Output<string>;
    /** The proxy's external address: `externalAddress`, else the first IPv4 the guest agent reports ("" until then). */
    public readonly address: pulumi.Output<string>;
    /** The SSH connection of every configuration command (secret: it holds the private key). */
    public readonly connection: pulumi.Output<ProxyConnection>;
    /** The host key every configuration command pins (configured, or recorded on first contact). */
    public readonly hostKey: pulumi.Output<string>;
    /** Where and how the configuration is applied (lib/proxy/target.ts). */
    public readonly target: ProxyTarget;
    /** Base setup (directories, dnsmasq@ unit, forwarding); per-lease commands depend on it. */
    public readonly setup: command.remote.Command;
    public readonly haproxy: command.remote.Command;
    /** The packet filter table (lib/render/firewall.ts), rendered from all leases. */
    public readonly firewall: command.remote.Command;
    /**
     * The external NIC `nic1`. Lease NICs are created after it, so it is the VM's first NIC: the guest's `eth0`,
     * which cloud-init configures (static address or DHCP) and NAT and HAProxy use.
     */
    public readonly externalNic: VmNic;

    constructor(name: string, args: ProxyVmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ovirt-ci:proxyVm:ProxyVm", name, {}, opts);
        const s = args.settings;
        const template = new EngineObject(`${name}-template`, { kind: "template", name: s.template }, { parent: this });
        const mgmtProfile = new EngineObject(
            `${name}-management-profile`,
            { kind: "vnicProfile", name: s.managementNetwork, dataCenterId: args.dataCenterId },
            { parent: this },
        );
        const cloudInit: pulumi.Input<CloudInit> = pulumi.all([args.sshPublicKey]).apply(([key]) => ({
            hostName: s.name,
            userName: s.sshUser,
            authorizedSshKeys: key,
            dnsServers: [...s.dnsServers],
            customScript: CLOUD_CONFIG,
            nicConfigurations: [
                s.externalAddress
                    ? {
                          name: s.externalInterface,
                          bootProtocol: "static" as const,
                          address: s.externalAddress,
                          netmask: netmask(s.externalPrefixLength!),
                          gateway: s.externalGateway,
                          onBoot: true,
                      }
                    : { name: s.externalInterface, bootProtocol: "dhcp" as const, onBoot: true },
            ],
        }));
        // Every lease's gateway, DHCP and DNS: a replace is an outage of every running job (lib/protection.ts).
        const vmGuard = protectionOf(args.allowReplace ?? [], PROTECTED_ENTRIES.proxyVm);
        const vm = new Vm(
            `${name}-vm`,
            {
                name: s.name, // the CI cleanup job spares only this name (docs/ci-contract.md section 8)
                clusterId: args.clusterId,
                templateId: template.id,
                memoryMiB: s.memoryMiB,
                cpuCores: s.cpuCores,
                biosType: s.biosType as BiosType,
                highAvailability: true,
                deleteProtected: true,
                description: "ovirt-ci proxy: router, NAT, DHCP/DNS of the lease networks, HAProxy (managed by Pulumi)",
                cloudInit,
                started: true,
                protection: vmGuard.protection,
            },
            // The key cloud-init authorizes counts only at the first boot; later keys go through the running VM
            // (adminKey below): a cloud-init change would replace the proxy of every lease.
            {
                parent: this,
                dependsOn: args.vmDependsOn,
                protect: vmGuard.protect,
                ignoreChanges: ["cloudInit.authorizedSshKeys"],
            },
        );
        // Without a static address the VM learns its DHCP address only once this NIC exists (the VM itself has no
        // NIC when it is created): the NIC waits for the guest agent's report, so the first `up` knows the address.
        const externalNic = new VmNic(
            `${name}-external-nic`,
            {
                vmId: vm.id,
                name: s.externalNicName,
                vnicProfileId: mgmtProfile.id,
                ...(s.externalAddress ? {} : { ipWaitSeconds: EXTERNAL_IP_WAIT_SECONDS }),
            },
            { parent: this },
        );
        this.externalNic = externalNic;

        this.vmId = vm.id;
        this.address = s.externalAddress
            ? pulumi.output(s.externalAddress)
            : pulumi
                  .all([externalNic.ipAddresses, vm.ipAddresses])
                  .apply(([nicIps, vmIps]) => firstIpv4(nicIps) || firstIpv4(vmIps));
        const user = s.connection?.user ?? s.sshUser;
        const port = s.connection?.port ?? 22;
        const host = s.connection?.host
            ? pulumi.output(s.connection.host)
            : this.address.apply((a) => {
                  if (!a) {
                      throw new Error(
                          `ProxyVm "${name}": the VM ${s.name} reports no IPv4 address yet; set ovirt-ci:proxyVm.externalAddress or ` +
                              "proxyVm.connection.host, or run `pulumi up --refresh` once the guest agent reports one",
                      );
                  }
                  return a;
              });
        // The host key is always pinned: the command provider refuses any other server (upstream pulumi-command's
        // `hostKey`). Configured (day one: `npm run adopt` writes it), or recorded on first contact with the new VM
        // and kept in the state, so a later server with another key is refused (docs/operator.md, "Credentials").
        const recorded = s.connection?.hostKey
            ? undefined
            : new SshHostKey(
                  `${name}-host-key`,
                  { host, port, vmId: vm.id },
                  { parent: this, dependsOn: [externalNic] },
              );
        this.hostKey = recorded ? recorded.publicKey : pulumi.output(s.connection!.hostKey!);
        this.connection = pulumi.secret(
            pulumi
                .all([host, args.sshPrivateKey, this.hostKey])
                .apply(([h, key, hostKey]) => ({ host: h, port, user, privateKey: key, hostKey })),
        );
        this.target = args.target;

        const rotation = adminKeyScripts(this.target);
        const adminKey = new command.remote.Command(
            `${name}-admin-key`,
            {
                connection: pulumi.secret(
                    pulumi
                        .all([this.connection, args.previousSshPrivateKey])
                        .apply(([c, previous]) => ({ ...c, privateKey: previous ?? c.privateKey })),
                ),
                create: rotation.create,
                delete: rotation.delete,
                stdin: pulumi.secret(
                    pulumi
                        .all([args.sshPublicKey, args.previousSshPrivateKey])
                        .apply(([key, previous]) => adminKeyStdin(key, previous)),
                ),
                addPreviousOutputInEnv: false,
            },
            { parent: this, dependsOn: [vm, externalNic] },
        );
        const setup = setupScripts(this.target);
        this.setup = new command.remote.Command(
            `${name}-setup`,
            { connection: this.connection, create: setup.create, delete: setup.delete, addPreviousOutputInEnv: false },
            { parent: this, dependsOn: [vm, externalNic, adminKey] },
        );
        // The script text holds no secret (a failing command's error quotes it whole); the file with the stats
        // password goes on stdin, a secret input that stays secret in the state.
        const haproxy = haproxyScripts(this.target);
        const haproxyConfig = pulumi.secret(
            pulumi
                .all([args.statsPassword, s.layout === "playbooks" ? this.address : ""])
                .apply(([pw, address]) => proxyHaproxyConfig(this.target, args.leases, s.statsUser, pw, address)),
        );
        this.haproxy = new command.remote.Command(
            `${name}-haproxy`,
            {
                connection: this.connection,
                create: haproxy.create,
                delete: haproxy.delete,
                stdin: haproxyConfig,
                addPreviousOutputInEnv: false,
            },
            { parent: this, dependsOn: [this.setup] },
        );
        // The packet filter, from all leases like HAProxy's file (no secret: stdin only keeps the script text short).
        const firewall = firewallScripts(this.target);
        this.firewall = new command.remote.Command(
            `${name}-firewall`,
            {
                connection: this.connection,
                create: firewall.create,
                delete: firewall.delete,
                stdin: proxyFirewallRuleset(args.leases, s, port),
                addPreviousOutputInEnv: false,
            },
            { parent: this, dependsOn: [this.setup] },
        );
        this.registerOutputs({ vmId: this.vmId, address: this.address });
    }
}
