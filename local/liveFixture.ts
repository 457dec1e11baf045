/**
 * The live-layout fixture (`npm run up:local -- --live-fixture`, docs/local.md): the local default's engine
 * emulator, proxy sandbox and OpenBao seeded the way the Ansible playbooks of oVirt/ocp-on-ovirt left the CI
 * environment (`docs/live-environment.md`), so that `npm run adopt` and the first `pulumi up` meet what
 * they meet on day one. Nothing here is the program: the engine is seeded through its REST API with the calls the
 * playbooks' `ovirt_network`, `ovirt_vm` and `ovirt_nic` modules make, the sandbox with the playbooks' files in their
 * sandbox variant (lib/render/playbooks.ts: loopback ports, no DHCP, which cannot be served on loopback), and
 * OpenBao with an item holding a key ovirt-ci does not render (`insights-live.yaml`, docs/ci-contract.md).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { LeaseInfo } from "../lib/leaseModel";
import {
    PLAYBOOKS_DNSMASQ_UNIT,
    renderPlaybooksDnsmasq,
    renderPlaybooksHaproxy,
    renderPlaybooksResolver,
} from "../lib/render/playbooks";
import { Endpoint, openSession, waitFor } from "../providers/ovirt/client";
import { decodeList, refId, searchQuote } from "../providers/ovirt/representation";
import type { LocalHaproxyPorts } from "../lib/config";

/** The live proxy's facts (config/ci-bm-params-45.yml at eb4903d). */
export const LIVE_PROXY = Object.freeze({
    name: "proxy-vm-45",
    memoryMiB: 2048,
    biosType: "i440fx_sea_bios",
    address: "52.117.142.2",
    netmask: "255.255.255.240",
    gateway: "52.117.142.1",
    template: "centos-7",
    managementNetwork: "ovirtmgmt",
});

/** The foreign key of the fixture's Vault item (one ovirt-ci does not render). */
export const FOREIGN_VAULT_KEY = "insights-live.yaml";

/** The NIC the playbooks gave lease i of the list (eth1, eth2, … in lease order). */
export function playbooksNic(index: number): string {
    return `eth${index + 1}`;
}

/**
 * The engine as the playbooks left it: lease networks on the OVN provider (assigned to the cluster, not required),
 * the proxy VM from the template with 2 GiB, i440fx_sea_bios, HA priority 50, delete protection, cloud-init's static
 * address, NIC eth0 on ovirtmgmt and ethK per lease, running. Idempotent (found objects are kept).
 */
export async function seedLiveEngine(
    endpoint: Endpoint,
    dataCenter: string,
    cluster: string,
    leases: readonly LeaseInfo[],
): Promise<string> {
    const s = await openSession(endpoint, "live fixture: seed the engine");
    const one = async (coll: string, el: string, name: string) =>
        decodeList(await s.get(`/${coll}`, { params: { search: `name=${searchQuote(name)}` } }), el).find(
            (x) => x.name === name,
        );
    const dc = (await one("datacenters", "data_center", dataCenter))!;
    const cl = (await one("clusters", "cluster", cluster))!;
    const provider = (await one("openstacknetworkproviders", "openstack_network_provider", "ovirt-provider-ovn"))!;
    const profiles: string[] = [];
    for (const l of leases) {
        const n =
            (await one("networks", "network", l.networkName)) ??
            (await s.add<Record<string, unknown>>("/networks", {
                name: l.networkName,
                data_center: { id: dc.id },
                usages: { usage: ["vm"] },
                external_provider: { id: provider.id },
            }));
        if (!(await s.find(`/clusters/${cl.id}/networks/${n.id}`)))
            await s.add(`/clusters/${cl.id}/networks`, { id: n.id, required: "false" });
        const p = decodeList(await s.get(`/networks/${n.id}/vnicprofiles`), "vnic_profile")[0];
        profiles.push(String(p.id));
    }
    // the data center's own ovirtmgmt (every data center has one of that name)
    const mgmtNet = decodeList(await s.get(`/datacenters/${dc.id}/networks`), "network").find(
        (n) => n.name === LIVE_PROXY.managementNetwork,
    )!;
    const mgmt = decodeList(await s.get(`/networks/${mgmtNet.id}/vnicprofiles`), "vnic_profile")[0];
    const vm =
        (await one("vms", "vm", LIVE_PROXY.name)) ??
        (await s.add<Record<string, unknown>>("/vms", {
            name: LIVE_PROXY.name,
            cluster: { id: cl.id },
            template: { name: LIVE_PROXY.template },
            memory: String(LIVE_PROXY.memoryMiB * 1024 * 1024),
            bios: { type: LIVE_PROXY.biosType },
            high_availability: { enabled: "true", priority: "50" },
            delete_protected: "true",
            initialization: {
                host_name: "ovirt-proxy-vm-1.rhv45.gcp.devcluster.openshift.com",
                user_name: "root",
                dns_servers: "8.8.8.8",
                nic_configurations: {
                    nic_configuration: [
                        {
                            name: "eth0",
                            on_boot: "true",
                            boot_protocol: "static",
                            ip: {
                                address: LIVE_PROXY.address,
                                netmask: LIVE_PROXY.netmask,
                                gateway: LIVE_PROXY.gateway,
                                version: "v4",
                            },
                        },
                    ],
                },
            },
        }));
    const id = String(vm.id);
    await waitFor(
        `VM ${LIVE_PROXY.name}: disks ready`,
        () => s.get(`/vms/${id}`),
        (v) => v.status !== "image_locked",
        { timeoutMs: 120_000 },
    );
    const nics = decodeList(await s.get(`/vms/${id}/nics`), "nic").map((n) => String(n.name));
    const wanted = [
        { name: "eth0", profile: String(mgmt.id) },
        ...leases.map((_, i) => ({ name: playbooksNic(i), profile: profiles[i] })),
    ];
    for (const w of wanted) {
        if (!nics.includes(w.name))
            await s.add(`/vms/${id}/nics`, { name: w.name, interface: "virtio", vnic_profile: { id: w.profile } });
    }
    await seedLiveCiUserGroup(endpoint, String(dc.id));
    if ((await s.get(`/vms/${id}`)).status === "down") await s.action(`/vms/${id}/start`, {});
    await waitFor(
        `VM ${LIVE_PROXY.name}: up`,
        () => s.get(`/vms/${id}`),
        (v) => v.status === "up",
        { timeoutMs: 120_000 },
    );
    return id;
}

/**
 * Upstream's grants of the CI user's group, as oVirt/ocp-on-ovirt installer-tools/ocpadmin/ovirt_ocpadmin_user-setup.yml
 * (at eb4903d) left them: the group `ocp-administrator` of internal-authz (the emulator's directory has it, with
 * `ocpadmin` in it, as the playbook's ovirt.aaa-jdbc role made it) added to the engine, and its roles on the data
 * center and the system (the ovirt.permissions role: `ovirt_permission` with `group_name`, which adds the group first).
 * The user itself is in the engine since its first login (added here as that login does). Idempotent.
 */
export const UPSTREAM_GROUP_GRANTS: ReadonlyArray<{ readonly role: string; readonly on: "dataCenter" | "system" }> = [
    { role: "DiskOperator", on: "dataCenter" },
    { role: "DiskCreator", on: "system" },
    { role: "TemplateOwner", on: "dataCenter" },
    { role: "TemplateCreator", on: "dataCenter" },
    { role: "UserTemplateBasedVm", on: "dataCenter" },
    { role: "ClusterAdmin", on: "dataCenter" },
    { role: "TagManager", on: "system" },
];

/** The group of {@link UPSTREAM_GROUP_GRANTS} and the user in it (the playbook's `ocp_admin_*` variables). */
export const UPSTREAM_CI_GROUP = Object.freeze({
    group: "ocp-administrator",
    user: "ocpadmin",
    authz: "internal-authz",
});

/** Seeds {@link UPSTREAM_GROUP_GRANTS} on the data center `dataCenterId` (see there). */
export async function seedLiveCiUserGroup(endpoint: Endpoint, dataCenterId: string): Promise<void> {
    const s = await openSession(endpoint, "live fixture: upstream's group of the CI user");
    const { group, user, authz } = UPSTREAM_CI_GROUP;
    const domain = { name: authz };
    if (!decodeList(await s.get("/users"), "user").some((u) => u.user_name === `${user}@${authz}`))
        await s.add("/users", { user_name: `${user}@${authz}`, domain });
    const g =
        decodeList(await s.get("/groups"), "group").find((x) => x.name === group) ??
        (await s.add<Record<string, unknown>>("/groups", { name: group, domain }));
    const roles = new Map(decodeList(await s.get("/roles"), "role").map((r) => [String(r.name), String(r.id)]));
    const held = decodeList(await s.get(`/groups/${g.id}/permissions`), "permission");
    for (const { role, on } of UPSTREAM_GROUP_GRANTS) {
        const roleId = roles.get(role)!;
        const path = on === "system" ? "/permissions" : `/datacenters/${dataCenterId}/permissions`;
        const there = held.some(
            (p) =>
                refId(p.role) === roleId && (on === "system" ? !p.data_center : refId(p.data_center) === dataCenterId),
        );
        if (!there) await s.add(path, { role: { id: roleId }, group: { id: String(g.id) } });
    }
}

/** The sandbox proxy's ports of the fixture (the local default's). */
export interface SandboxPorts {
    readonly localDnsPort: number;
    readonly localHaproxyPorts: LocalHaproxyPorts;
}

/**
 * The sandbox proxy as the playbooks left it: their template unit, firewalld's masquerade, per lease its dnsmasq
 * file and a running instance (pid file `var/run/net-NN.pid`), the resolver net-0 (on localDnsPort + 0, answering
 * every lease's api and apps names) and HAProxy from their template. Idempotent: running instances are kept.
 */
export function seedLiveSandbox(root: string, leases: readonly LeaseInfo[], ports: SandboxPorts): void {
    const w = (rel: string, content: string) => {
        const f = path.join(root, rel);
        fs.mkdirSync(path.dirname(f), { recursive: true });
        if (!fs.existsSync(f) || fs.readFileSync(f, "utf8") !== content) fs.writeFileSync(f, content);
        return f;
    };
    const running = (pidRel: string) => {
        const f = path.join(root, pidRel);
        if (!fs.existsSync(f)) return false;
        try {
            process.kill(Number(fs.readFileSync(f, "utf8").trim()), 0);
            return true;
        } catch {
            return false;
        }
    };
    w("usr/lib/systemd/system/dnsmasq@.service", PLAYBOOKS_DNSMASQ_UNIT);
    w(
        "etc/firewalld/zones/public.xml",
        '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Public</short>\n  <masquerade/>\n</zone>\n',
    );
    fs.mkdirSync(path.join(root, "var/run"), { recursive: true });
    fs.mkdirSync(path.join(root, "run"), { recursive: true });
    leases.forEach((l, i) => {
        const conf = w(
            `var/lib/dnsmasq/dnsmasq-net-${l.number}.conf`,
            renderPlaybooksDnsmasq(l, playbooksNic(i), { rootDir: root, port: ports.localDnsPort + l.number }),
        );
        if (!running(`var/run/net-${l.number}.pid`)) execFileSync("dnsmasq", [`--conf-file=${conf}`]);
    });
    const resolver = w(
        "var/lib/dnsmasq/dnsmasq-net-0.conf",
        renderPlaybooksResolver(leases, "8.8.8.8", { rootDir: root, port: ports.localDnsPort }),
    );
    if (!running("var/run/net-0.pid")) execFileSync("dnsmasq", [`--conf-file=${resolver}`]);
    const cfg = w(
        "etc/haproxy/haproxy.cfg",
        renderPlaybooksHaproxy(leases, LIVE_PROXY.address, ports.localHaproxyPorts),
    );
    if (!running("run/haproxy.pid"))
        execFileSync("haproxy", ["-D", "-f", cfg, "-p", path.join(root, "run/haproxy.pid")]);
}

/** The Vault item as the CI left it: some lease files and a key ovirt-ci does not render. Written with the root token. */
export async function seedLiveVault(
    address: string,
    rootToken: string,
    item: { mount: string; path: string },
    leases: readonly LeaseInfo[],
): Promise<void> {
    const url = `${address.replace(/\/+$/, "")}/v1/${item.mount}/data/${item.path}`;
    const headers = { "X-Vault-Token": rootToken, "Content-Type": "application/json" };
    if ((await fetch(url, { headers })).status === 200) return;
    const data: Record<string, string> = {
        [FOREIGN_VAULT_KEY]:
            "# written by hand for the insights-live jobs; ovirt-ci does not render it\nenabled: true\n",
    };
    for (const l of leases)
        data[l.fileName] = JSON.stringify({ cluster_name: l.clusterName, from: "the playbooks era" });
    const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ data }) });
    if (!res.ok)
        throw new Error(`seeding the Vault item ${item.mount}/${item.path}: HTTP ${res.status} ${await res.text()}`);
}
