// The real oVirt providers, by kind: what the stub every resource stores (the package ./stub) loads in the provider
// process. Adding a kind means its file (a `defineKind` description, its provider and `resourceClass`, ./kind), its
// line here and its `<Kind>.js` in ./stub. States hold stubs that load this file by its path: it stays where it is.
import { EngineObjectProvider } from "./engineObject";
import { HostProvider } from "./host";
import { NetworkProvider } from "./network";
import { PermissionProvider } from "./permission";
import { OvnNetworkPortSecurityProvider, OvnPortSecurityProvider } from "./portSecurity";
import { RoleProvider } from "./role";
import { SshHostKeyProvider } from "./sshHostKey";
import { StorageDomainProvider } from "./storageDomain";
import { VmProvider } from "./vm";
import { VmNicProvider } from "./vmNic";

const PROVIDERS = {
    EngineObject: EngineObjectProvider,
    Host: HostProvider,
    Network: NetworkProvider,
    OvnNetworkPortSecurity: OvnNetworkPortSecurityProvider,
    OvnPortSecurity: OvnPortSecurityProvider,
    Permission: PermissionProvider,
    Role: RoleProvider,
    SshHostKey: SshHostKeyProvider,
    StorageDomain: StorageDomainProvider,
    Vm: VmProvider,
    VmNic: VmNicProvider,
} as const;

/** An oVirt resource kind: the `<Kind>` of the type token `pulumi-nodejs:dynamic/ovirt:<Kind>`. */
export type OvirtKind = keyof typeof PROVIDERS;

/** Every kind, in a stable order. */
export const OVIRT_KINDS = Object.keys(PROVIDERS) as OvirtKind[];

/** A fresh, unconfigured provider of `kind`. */
export function createOvirtProvider(kind: string): InstanceType<(typeof PROVIDERS)[OvirtKind]> {
    const ctor = (PROVIDERS as Record<string, (typeof PROVIDERS)[OvirtKind]>)[kind];
    if (!ctor)
        throw new Error(
            `oVirt provider: unknown kind ${JSON.stringify(kind)} in the state; this checkout knows ${OVIRT_KINDS.join(", ")} (is it older than the state?)`,
        );
    return new ctor();
}
