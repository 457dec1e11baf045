/**
 * The sequential way, as the Ansible roles converge the environment: the same engine operations as the program's
 * `up` (hosts, the proxy VM and its external NIC, the lease networks and proxy NICs, the upgrade storage domains),
 * one after another, each waiting for its ready state, through the program's own provider classes (check, then
 * create). The SSH configuration of the proxy and the Vault item are left out: this counts engine time only, which
 * favours the sequential side.
 */
import type { RunningEngine } from "../emulator";
import { engineObjectProvider } from "../providers/ovirt/engineObject";
import { hostProvider } from "../providers/ovirt/host";
import { networkProvider } from "../providers/ovirt/network";
import { storageDomainProvider } from "../providers/ovirt/storageDomain";
import { vmProvider } from "../providers/ovirt/vm";
import { vmNicProvider } from "../providers/ovirt/vmNic";
import { LOCAL_HOSTS, LOCAL_NFS_SERVER } from "../local/stack";
import { EXTERNAL_IP_WAIT_SECONDS } from "../components/proxyVm";

interface Provider {
    configure(req: { config: { get(k: string): string | undefined; require(k: string): string } }): Promise<void>;
    check?(
        olds: unknown,
        news: unknown,
    ): Promise<{ inputs?: unknown; failures?: { property: string; reason: string }[] }>;
    create(inputs: unknown): Promise<{ id: string; outs?: Record<string, unknown> }>;
}

/** One operation of the sequential run and how long it took. */
export interface SequentialStep {
    kind: string;
    name: string;
    seconds: number;
}

export interface SequentialResult {
    seconds: number;
    steps: SequentialStep[];
}

/** Runs the sequential convergence of `leases` lease numbers and `upgradeLeases` upgrade lease numbers against `engine`. */
export async function runSequential(
    engine: RunningEngine,
    leases: number[],
    upgradeLeases: number[],
): Promise<SequentialResult> {
    const raw: Record<string, string> = {
        "ovirt-ci:engineUrl": engine.apiUrl,
        "ovirt-ci:engineUsername": engine.username,
        "ovirt-ci:enginePassword": engine.password,
        "ovirt-ci:engineCaPem": engine.caPem,
    };
    const config = {
        get: (k: string) => raw[k.includes(":") ? k : `ovirt-ci:${k}`],
        require: (k: string) => {
            const v = raw[k.includes(":") ? k : `ovirt-ci:${k}`];
            if (v === undefined) throw new Error(`missing config ${k}`);
            return v;
        },
    };
    const providers = [
        engineObjectProvider,
        hostProvider,
        networkProvider,
        storageDomainProvider,
        vmProvider,
        vmNicProvider,
    ] as unknown as Provider[];
    for (const p of providers) await p.configure({ config });
    const steps: SequentialStep[] = [];
    const t0 = Date.now();
    const make = async (p: unknown, kind: string, name: string, inputs: Record<string, unknown>) => {
        const prov = p as Provider;
        const s0 = Date.now();
        let checked: unknown = inputs;
        if (prov.check) {
            const c = await prov.check({}, inputs);
            if (c.failures?.length)
                throw new Error(`${kind} ${name}: ${c.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
            checked = c.inputs ?? inputs;
        }
        const r = await prov.create(checked);
        steps.push({ kind, name, seconds: (Date.now() - s0) / 1000 });
        return { id: r.id, outs: r.outs ?? {} };
    };
    // What the roles look up first (the program adopts the same objects).
    const dc = await make(engineObjectProvider, "EngineObject", "OCP-45", { kind: "dataCenter", name: "OCP-45" });
    const cluster = await make(engineObjectProvider, "EngineObject", "OCP-45", {
        kind: "cluster",
        name: "OCP-45",
        dataCenterId: dc.id,
    });
    const ovn = await make(engineObjectProvider, "EngineObject", "ovirt-provider-ovn", {
        kind: "ovnProvider",
        name: "ovirt-provider-ovn",
    });
    const template = await make(engineObjectProvider, "EngineObject", "centos-7", {
        kind: "template",
        name: "centos-7",
    });
    const mgmt = await make(engineObjectProvider, "EngineObject", "ovirtmgmt", {
        kind: "vnicProfile",
        name: "ovirtmgmt",
        dataCenterId: dc.id,
    });
    const hostIds: string[] = [];
    for (const h of LOCAL_HOSTS) {
        hostIds.push(
            (
                await make(hostProvider, "Host", h.name, {
                    name: h.name,
                    address: h.address,
                    clusterId: cluster.id,
                    authMethod: "publickey",
                })
            ).id,
        );
    }
    for (const n of upgradeLeases) {
        await make(storageDomainProvider, "StorageDomain", `ovirt-upgrade-${n}`, {
            name: `ovirt-upgrade-${n}`,
            dataCenterId: dc.id,
            hostId: hostIds[0],
            nfsAddress: LOCAL_NFS_SERVER,
            nfsPath: `/exports/ovirt-upgrade-${n}`,
            nfsVersion: "auto",
            active: true,
        });
    }
    const vm = await make(vmProvider, "Vm", "proxy-vm", {
        name: "proxy-vm",
        clusterId: cluster.id,
        templateId: template.id,
        memoryMiB: 4096,
        cpuCores: 2,
        highAvailability: true,
        deleteProtected: true,
        started: true,
        cloudInit: {
            hostName: "proxy-vm",
            userName: "centos",
            authorizedSshKeys: "ssh-ed25519 AAAA bench",
            nicConfigurations: [{ name: "eth0", bootProtocol: "dhcp", onBoot: true }],
        },
    });
    await make(vmNicProvider, "VmNic", "nic1", {
        vmId: vm.id,
        name: "nic1",
        vnicProfileId: mgmt.id,
        ipWaitSeconds: EXTERNAL_IP_WAIT_SECONDS,
    });
    for (const n of leases) {
        const net = await make(networkProvider, "Network", `ovn-vmnet-${n}`, {
            name: `ovn-vmnet-${n}`,
            dataCenterId: dc.id,
            externalProviderId: ovn.id,
            clusterId: cluster.id,
        });
        await make(vmNicProvider, "VmNic", `vmnet${n}`, {
            vmId: vm.id,
            name: `vmnet${n}`,
            vnicProfileId: String(net.outs.vnicProfileId),
        });
    }
    return { seconds: (Date.now() - t0) / 1000, steps };
}
