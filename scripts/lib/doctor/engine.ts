/**
 * The doctor's engine checks, read through the provider's client (`providers/ovirt/client.ts`, GETs only): the
 * objects the program looks up (data center, cluster, main storage domain, OVN provider) once, then per install lease
 * its OVN network with its vNIC profile and the proxy VM's NIC on it, per upgrade lease its storage domain active in
 * the data center. The facts read here (ids) are also what the Vault checks render the lease files from.
 */
import type { LeaseInfo, UpgradeLeaseInfo } from "../../../lib/leaseModel";
import { Session, openSession } from "../../../providers/ovirt/client";
import {
    lookupCluster,
    lookupDataCenter,
    lookupOvnProvider,
    lookupStorageDomain,
} from "../../../providers/ovirt/lookup";
import { decodeBool, decodeList, decodeString, refId, searchQuote } from "../../../providers/ovirt/representation";
import { findVmByName } from "../../../providers/ovirt/vm";
import { readOvnPortSecurity } from "../../../providers/ovirt/ovnClient";
import { nicReportedIps } from "../../../providers/ovirt/vmNic";
import type { DoctorContext } from "./context";
import { CheckResult, Verdict, fail, guarded, ok, skip } from "./report";

/** What the program looks up on the engine, read once. */
export interface EngineFacts {
    readonly session: Session;
    readonly dataCenterId: string;
    readonly clusterId: string;
    readonly mainStorageDomainId: string;
    readonly ovnProviderId: string;
    /** The proxy VM with its NICs (and the guest agent's report), undefined when it does not exist. */
    readonly proxyVm?: Record<string, unknown>;
    readonly proxyNics: readonly Record<string, unknown>[];
}

/** Reads the facts; throws (all engine-derived checks then say "could not check"). */
export async function readEngineFacts(ctx: DoctorContext): Promise<EngineFacts> {
    const opts = { endpoint: ctx.endpoint };
    const [dc, cluster, sd, ovn] = await Promise.all([
        lookupDataCenter(ctx.config.dataCenter, opts),
        lookupCluster(ctx.config.cluster, opts),
        lookupStorageDomain(ctx.config.mainStorageDomain, opts),
        lookupOvnProvider(ctx.config.ovnProviderName, opts),
    ]);
    const session = await openSession(ctx.endpoint, "doctor");
    const found = await findVmByName(session, ctx.config.proxyVm.name);
    const proxyVm = found
        ? await session.get<Record<string, unknown>>(`/vms/${found.id}`, { params: { follow: "reported_devices" } })
        : undefined;
    const proxyNics = proxyVm ? decodeList(await session.get(`/vms/${proxyVm.id}/nics`), "nic") : [];
    return {
        session,
        dataCenterId: dc.id,
        clusterId: cluster.id,
        mainStorageDomainId: sd.id,
        ovnProviderId: ovn.id,
        proxyVm,
        proxyNics,
    };
}

const ENGINE_FIX = (ctx: DoctorContext) =>
    `check that the engine ${ctx.endpoint.apiUrl} answers and the stack's engine credentials are right (pulumi config --stack ${ctx.stack}), then run the doctor again`;
const UP_FIX = (ctx: DoctorContext) =>
    `run \`pulumi up --refresh --stack ${ctx.stack}\` (re-applies the program), then the doctor again`;

/** A lease network as the engine has it. */
export interface LeaseNetwork {
    readonly network: Record<string, unknown>;
    readonly vnicProfileId?: string;
}

/**
 * Further checks of a lease's network, each one small function.
 */
export const LEASE_NETWORK_CHECKS: readonly {
    readonly check: string;
    readonly expected: (lease: LeaseInfo) => string;
    readonly run: (ctx: DoctorContext, facts: EngineFacts, lease: LeaseInfo, net: LeaseNetwork) => Promise<Verdict>;
}[] = [
    {
        // OVN port security (docs/ovn.md, docs/ci-contract.md 12.1): the installer's VIPs are dropped while it is on, on the
        // network or on any port of it (the proxy's, a job's VMs'); read through the OVN provider's Networking API.
        check: "ovn.port-security",
        expected: (lease) =>
            `port security as ovnPortSecurity says (off, by the CI contract) on OVN network ${lease.networkName} and on every port of it`,
        run: async (ctx, _facts, lease) => portSecurityVerdict(ctx, lease),
    },
];

async function portSecurityVerdict(ctx: DoctorContext, lease: LeaseInfo): Promise<Verdict> {
    const want = ctx.config.ovnPortSecurity;
    const state = (on: boolean) => (on ? "on" : "off");
    const expected = `port security ${state(want)} on OVN network ${lease.networkName} and on every port of it`;
    const { network, ports } = await readOvnPortSecurity(lease.networkName, { endpoint: ctx.ovnEndpoint });
    const wrong = ports.filter((p) => p.portSecurityEnabled !== want);
    const problems = [
        ...(network.portSecurityEnabled !== want
            ? [`network ${network.id}: port security ${state(network.portSecurityEnabled)}`]
            : []),
        ...wrong.map(
            (p) =>
                `port ${p.id} (MAC ${p.macAddress}, device ${p.deviceId || "none"}): port security ${state(p.portSecurityEnabled)}`,
        ),
    ];
    if (problems.length) {
        return fail(
            expected,
            problems.join("; "),
            `${UP_FIX(ctx)} (it sets the network and the proxy's port back); a job VM's port: set port_security_enabled ${want} on it through the OVN provider's API (docs/ovn.md), or let the job end`,
        );
    }
    return ok(expected, `network ${network.id} and its ${ports.length} port(s): port security ${state(want)}`);
}

async function findLeaseNetwork(facts: EngineFacts, lease: LeaseInfo): Promise<LeaseNetwork | undefined> {
    const s = facts.session;
    const body = await s.get("/networks", { params: { search: `name=${searchQuote(lease.networkName)}` } });
    const network = decodeList(body, "network").find(
        (n) => n.name === lease.networkName && refId(n.data_center) === facts.dataCenterId,
    );
    if (!network) return undefined;
    const profile = decodeList(await s.get(`/networks/${network.id}/vnicprofiles`), "vnic_profile").find(
        (p) => p.name === lease.networkName,
    );
    return { network, vnicProfileId: profile ? String(profile.id) : undefined };
}

function networkVerdict(
    ctx: DoctorContext,
    facts: EngineFacts,
    lease: LeaseInfo,
    net: LeaseNetwork | undefined,
): Verdict {
    const expected = `network ${lease.networkName} in data center ${ctx.config.dataCenter} on ${ctx.config.ovnProviderName}, with its vNIC profile`;
    if (!net) return fail(expected, "no such network in the data center", UP_FIX(ctx));
    if (refId(net.network.external_provider) !== facts.ovnProviderId) {
        return fail(
            expected,
            `the network is not on ${ctx.config.ovnProviderName} (external provider ${refId(net.network.external_provider) ?? "none"})`,
            `remove the network by hand in the engine, then ${UP_FIX(ctx)}`,
        );
    }
    if (!net.vnicProfileId)
        return fail(
            expected,
            `the network has no vNIC profile ${lease.networkName}`,
            `add the vNIC profile ${lease.networkName} to the network in the engine (VMs attach through it)`,
        );
    return ok(
        expected,
        `network ${lease.networkName} (${net.network.id}) on ${ctx.config.ovnProviderName}, vNIC profile ${net.vnicProfileId}`,
    );
}

/**
 * The proxy's NIC on the lease network as the engine has it. The guest agent's addresses are shown, not judged: the
 * report lags behind hot-plugged NICs, and the `.1` is checked on the proxy itself (`proxy.gateway`).
 */
function proxyNicVerdict(
    ctx: DoctorContext,
    facts: EngineFacts,
    lease: LeaseInfo,
    net: LeaseNetwork | undefined,
): Verdict {
    const vm = ctx.config.proxyVm.name;
    const expected = `${vm} has NIC ${lease.interfaceName} on vNIC profile ${lease.networkName}, plugged and linked`;
    if (!facts.proxyVm) return fail(expected, `no VM ${vm}`, UP_FIX(ctx));
    const nic = facts.proxyNics.find((n) => n.name === lease.interfaceName);
    if (!nic) return fail(expected, `${vm} has no NIC ${lease.interfaceName}`, UP_FIX(ctx));
    const problems: string[] = [];
    if (net?.vnicProfileId && refId(nic.vnic_profile) !== net.vnicProfileId)
        problems.push(`it is on vNIC profile ${refId(nic.vnic_profile) ?? "none"}, not ${net.vnicProfileId}`);
    if (!decodeBool(nic.plugged, true)) problems.push("it is unplugged");
    if (!decodeBool(nic.linked, true)) problems.push("its link is down");
    if (problems.length)
        return fail(
            expected,
            `NIC ${lease.interfaceName}: ${problems.join("; ")}`,
            `plug and link the NIC in the engine, or ${UP_FIX(ctx)}`,
        );
    const mac = decodeString(((nic.mac ?? {}) as Record<string, unknown>).address) ?? "";
    const ips = nicReportedIps(facts.proxyVm, mac);
    return ok(
        expected,
        `NIC ${lease.interfaceName} (${mac}) plugged, linked, on ${lease.networkName}; guest agent reports ${ips.join(", ") || "no address"}`,
    );
}

/** The checks of one install lease. */
export async function leaseEngineChecks(
    ctx: DoctorContext,
    facts: Promise<EngineFacts>,
    lease: LeaseInfo,
): Promise<CheckResult[]> {
    const fix = ENGINE_FIX(ctx);
    let net: LeaseNetwork | undefined;
    const network = await guarded(lease.name, "engine.network", `network ${lease.networkName}`, fix, async () => {
        const f = await facts;
        net = await findLeaseNetwork(f, lease);
        return networkVerdict(ctx, f, lease, net);
    });
    const more = await Promise.all(
        LEASE_NETWORK_CHECKS.map((c) =>
            guarded(lease.name, c.check, c.expected(lease), fix, async () => {
                const f = await facts;
                // the missing network is engine.network's finding; one cause, one finding
                if (!net)
                    return skip(c.expected(lease), `no network ${lease.networkName} (see engine.network)`, UP_FIX(ctx));
                return c.run(ctx, f, lease, net);
            }),
        ),
    );
    const nic = await guarded(
        lease.name,
        "engine.proxy-nic",
        `${ctx.config.proxyVm.name} NIC ${lease.interfaceName}`,
        fix,
        async () => proxyNicVerdict(ctx, await facts, lease, net),
    );
    return [network, ...more, nic];
}

/** The upgrade lease's storage domain by name, undefined when the engine has none. */
export async function findStorageDomain(
    facts: EngineFacts,
    u: UpgradeLeaseInfo,
): Promise<Record<string, unknown> | undefined> {
    const body = await facts.session.get("/storagedomains", {
        params: { search: `name=${searchQuote(u.storageDomainName)}` },
    });
    return decodeList(body, "storage_domain").find((d) => d.name === u.storageDomainName);
}

/** The upgrade lease's storage domain: exists, attached to the data center and active there. Returns its id too. */
export async function upgradeEngineCheck(
    ctx: DoctorContext,
    facts: Promise<EngineFacts>,
    u: UpgradeLeaseInfo,
): Promise<CheckResult> {
    const expected = `storage domain ${u.storageDomainName} (${u.nfsServer}:${u.nfsPath}) active in data center ${ctx.config.dataCenter}`;
    return guarded(u.name, "engine.storage-domain", expected, ENGINE_FIX(ctx), async () => {
        const f = await facts;
        const sd = await findStorageDomain(f, u);
        if (!sd) return fail(expected, `no storage domain ${u.storageDomainName}`, UP_FIX(ctx));
        const attached = await f.session.find<Record<string, unknown>>(
            `/datacenters/${f.dataCenterId}/storagedomains/${sd.id}`,
        );
        const status = attached ? String(attached.status ?? "unknown") : "not attached to the data center";
        if (status !== "active") {
            return fail(
                expected,
                `${u.storageDomainName} (${sd.id}) is ${status}`,
                `activate it in data center ${ctx.config.dataCenter} (engine UI: Storage → Domains → Activate), or ${UP_FIX(ctx)}`,
            );
        }
        return ok(expected, `${u.storageDomainName} (${sd.id}) active in ${ctx.config.dataCenter}`);
    });
}

/** The proxy VM as a whole: exists and is up. */
export async function proxyVmCheck(ctx: DoctorContext, facts: Promise<EngineFacts>): Promise<CheckResult> {
    const vm = ctx.config.proxyVm.name;
    return guarded("proxy", "engine.proxy-vm", `VM ${vm} up`, ENGINE_FIX(ctx), async () => {
        const f = await facts;
        if (!f.proxyVm) return fail(`VM ${vm} up`, `no VM ${vm}`, UP_FIX(ctx));
        const status = String(f.proxyVm.status ?? "unknown");
        return status === "up"
            ? ok(`VM ${vm} up`, `VM ${vm} (${f.proxyVm.id}) up`)
            : fail(
                  `VM ${vm} up`,
                  `VM ${vm} is ${status}`,
                  `start ${vm} in the engine (it routes, serves DHCP/DNS and HAProxy for every lease)`,
              );
    });
}
