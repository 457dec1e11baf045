import * as pulumi from "@pulumi/pulumi";
import { Host } from "../providers/ovirt/host";
import { HostSpec } from "../lib/config";
import { hostEntry, protectionOf } from "../lib/protection";

/** Arguments for {@link Hosts}. */
export interface HostsArgs {
    /** Cluster the hosts belong to. */
    readonly clusterId: pulumi.Input<string>;
    /** The hosts; each is keyed by its name, so reordering the list replaces nothing. */
    readonly hosts: readonly HostSpec[];
    /** `ovirt-ci:allowReplace`: a host is protected unless it lists `host:<name>` (lib/protection.ts). */
    readonly allowReplace?: readonly string[];
}

/** A resource-name-safe form of a host name (host names are already letters, digits, `-`, `_`, `.`). */
export function hostResourceName(prefix: string, hostName: string): string {
    return `${prefix}-${hostName.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

/**
 * Every configured oVirt host, registered in the cluster (the engine's SSH key must be in the host's root
 * `authorized_keys`: authentication by public key). One `Host` per host name, never per list position.
 */
export class Hosts extends pulumi.ComponentResource {
    /** Host name → engine host id. */
    public readonly hostIds: Readonly<Record<string, pulumi.Output<string>>>;
    /** The host resources, keyed by host name (for `dependsOn`). */
    public readonly hosts: Readonly<Record<string, Host>>;

    constructor(name: string, args: HostsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ovirt-ci:hosts:Hosts", name, {}, opts);
        const hosts: Record<string, Host> = {};
        for (const spec of args.hosts) {
            if (spec.name in hosts) {
                throw new pulumi.ResourceError(`Hosts "${name}": host ${spec.name} is listed twice`, this);
            }
            const guard = protectionOf(args.allowReplace ?? [], hostEntry(spec.name));
            hosts[spec.name] = new Host(
                hostResourceName(name, spec.name),
                {
                    name: spec.name,
                    address: spec.address,
                    clusterId: args.clusterId,
                    authMethod: "publickey",
                    protection: guard.protection,
                },
                { parent: this, protect: guard.protect },
            );
        }
        this.hosts = hosts;
        this.hostIds = Object.fromEntries(Object.entries(hosts).map(([n, h]) => [n, h.id]));
        this.registerOutputs({ hostIds: this.hostIds });
    }
}
