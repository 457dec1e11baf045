/**
 * The drift check's OVN part (`npm run drift`, docs/ovn.md): every port on a lease network must have the port
 * security the program declares (off, docs/ci-contract.md 12.1), also ports no resource manages (the installer's VMs,
 * a port made by hand). The network flags and the proxy's ports are resources (OvnNetworkPortSecurity,
 * OvnPortSecurity): the preview's refresh already reports them, so this adds only the ports that are not theirs.
 *
 * What to check comes from the preview digest (the port-security resources' inputs); the endpoint from the stack's
 * config (`pulumi config --show-secrets --json`, kept in memory only), falling back to the environment like the
 * providers.
 */
import type { DriftObject } from "../drift";
import { ConfigSource } from "../../providers/ovirt/client";
import { OvnEndpoint, listOvnPorts, ovnSession, resolveOvnEndpoint } from "../../providers/ovirt/ovnClient";

interface Step {
    op: string;
    urn: string;
    oldState?: { type?: string; id?: string; inputs?: Record<string, unknown> };
    newState?: { type?: string; id?: string; inputs?: Record<string, unknown> };
}

/** What the OVN check looks at: each lease network with the flag the program wants, and the ports resources own. */
export interface OvnTargets {
    networks: { name: string; portSecurityEnabled: boolean }[];
    managedPortIds: Set<string>;
}

const NETWORK_TYPE = "pulumi-nodejs:dynamic/ovirt:OvnNetworkPortSecurity";
const PORT_TYPE = "pulumi-nodejs:dynamic/ovirt:OvnPortSecurity";

/** The targets declared in a preview digest (nothing when the stack has no port-security resources). */
export function ovnTargets(steps: readonly Step[]): OvnTargets {
    const networks = new Map<string, boolean>();
    const managedPortIds = new Set<string>();
    const deleted = new Set<string>();
    for (const s of steps) {
        const st = s.newState ?? s.oldState;
        if (!st) continue;
        // a create (a lease not made yet) has nothing to check; its name may still be unknown
        if (s.op === "create" || s.op === "create-replacement") continue;
        if (st.type === NETWORK_TYPE && typeof st.inputs?.networkName === "string") {
            // a lease being removed (a delete step besides its refresh step) is no target any more
            if (s.op === "delete") deleted.add(st.inputs.networkName);
            else networks.set(st.inputs.networkName, st.inputs.portSecurityEnabled === true);
        }
        if (st.type === PORT_TYPE) for (const id of [s.oldState?.id, s.newState?.id]) if (id) managedPortIds.add(id);
    }
    for (const name of deleted) networks.delete(name);
    return {
        networks: [...networks]
            .map(([name, portSecurityEnabled]) => ({ name, portSecurityEnabled }))
            .sort((a, b) => a.name.localeCompare(b.name)),
        managedPortIds,
    };
}

/** Ports on the target networks whose flag differs from the network's declared one and that no resource manages. */
export async function ovnPortDrift(targets: OvnTargets, endpoint: OvnEndpoint): Promise<DriftObject[]> {
    const out: DriftObject[] = [];
    const s = ovnSession(endpoint, "drift check of OVN port security");
    for (const n of targets.networks) {
        // a network gone from the provider is its resource's drift (the refresh reports it missing), not a port's
        const network = (
            await s.get<{ networks?: Record<string, unknown>[] }>("/networks", { name: n.name })
        ).networks?.find((x) => x.name === n.name);
        if (!network) continue;
        for (const p of await listOvnPorts(s, String(network.id))) {
            if (targets.managedPortIds.has(p.id) || p.portSecurityEnabled === n.portSecurityEnabled) continue;
            out.push({
                type: "OVN port",
                name: `${n.name} ${p.name} (MAC ${p.macAddress}, VM ${p.deviceId || "none"}, port ${p.id})`,
                urn: `ovn-port:${p.id}`,
                ops: ["check"],
                fields: [
                    {
                        field: "port_security_enabled",
                        expected: n.portSecurityEnabled,
                        found: p.portSecurityEnabled,
                        recorded: undefined,
                        cause: "engine",
                    },
                ],
            });
        }
    }
    return out;
}

/** The stack config as a ConfigSource (values of `pulumi config --show-secrets --json`). */
export function configSource(json: string): ConfigSource {
    const parsed = JSON.parse(json) as Record<string, { value?: unknown }>;
    return {
        get: (k: string) => {
            const v = parsed[k]?.value;
            return v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);
        },
    };
}

/**
 * The hook of scripts/drift.ts: the OVN drift of a digest's stack, or nothing when the stack declares no port
 * security. `stackConfig` returns the stack's config JSON (with secrets; never printed).
 */
export async function ovnDrift(steps: readonly Step[], stackConfig: () => Promise<string>): Promise<DriftObject[]> {
    const targets = ovnTargets(steps);
    if (targets.networks.length === 0) return [];
    const endpoint = resolveOvnEndpoint(configSource(await stackConfig()));
    return ovnPortDrift(targets, endpoint);
}
