/**
 * Adoption (pure): from what `npm run adopt` discovered on the engine, the proxy and in Vault (scripts/adopt.ts,
 * read-only), the verdict per object for the first `pulumi up` and the stack config that makes that `up` change
 * nothing a running CI job depends on (docs/operator.md "Day one"). What cannot be mapped is a refusal that names
 * the object and the operator's choice; with a refusal no config is written.
 *
 * Verdicts: `adopt` (taken over as it is), `change` (changed in place, nothing a job uses is interrupted: a
 * description, a graceful HAProxy reload, a new object), `touch` (the `up` would interrupt a job: a VM stop, a NIC
 * removed, a lease's dnsmasq restarted; the written config avoids each one where it can, the rest are refusals).
 */
import type { OvirtCiConfig } from "./config";
import { leases as deriveLeases } from "./leaseModel";
import { playbooksNetName, renderPlaybooksDnsmasq, renderPlaybooksHaproxy } from "./render/playbooks";
import { proxyTargetFor } from "./proxy/targets";
import { leaseDnsmasqConfig } from "./render/proxy/lease";

/** What discovery found on the engine (ids left out: names are the identity the program adopts by). */
export interface EngineDiscovery {
    readonly dataCenter: boolean;
    readonly cluster: boolean;
    /** The main storage domain and its storage type (nfs, iscsi, …), absent when not found. */
    readonly mainStorageDomain?: { readonly name: string; readonly type: string };
    /** The proxy VM under the configured name. */
    readonly proxy?: ProxyVmDiscovery;
    /** Other VMs whose name starts with proxy-vm (the live one may carry another name). */
    readonly proxyCandidates: readonly string[];
    /** The configured leases' networks found, with the VMs other than the proxy on them (a job's cluster). */
    readonly networks: readonly { readonly name: string; readonly jobVms: readonly string[] }[];
    /** The OVN provider's entry. */
    readonly ovnEntry?: { readonly url?: string; readonly authUrl?: string; readonly username?: string };
}

export interface ProxyVmDiscovery {
    readonly name: string;
    readonly memoryMiB: number;
    readonly biosType: string;
    readonly cpuCores: number;
    readonly status: string;
    /** cloud-init's static address of the external NIC, if any. */
    readonly externalAddress?: { readonly address: string; readonly prefixLength: number; readonly gateway?: string };
    /** NICs with their MAC and network (absent: no vNIC profile). */
    readonly nics: readonly { readonly name: string; readonly mac: string; readonly network?: string }[];
}

/** What discovery found on the proxy over SSH (read-only commands). */
export interface ProxyDiscovery {
    /** Guest interfaces with their MAC and IPv4 addresses (CIDR). */
    readonly interfaces: readonly { readonly name: string; readonly mac: string; readonly ipv4: readonly string[] }[];
    /** File contents by absolute path (absent: no such file). */
    readonly files: Readonly<Record<string, string | undefined>>;
    /** Whether each lease's instance runs, by unit name (`dnsmasq@net-NN.service`, `dnsmasq@ovirt-NN.service`). */
    readonly running: Readonly<Record<string, boolean>>;
    readonly masquerade: boolean;
    readonly os: string;
    readonly versions: string;
}

export type Verdict = "adopt" | "change" | "touch";

export interface AdoptionLine {
    readonly object: string;
    readonly verdict: Verdict;
    readonly detail: string;
}

/** The result: lines to print, refusals, and the config values to write (`ovirt-ci:` keys, objects as values). */
export interface Adoption {
    readonly lines: AdoptionLine[];
    readonly refusals: string[];
    readonly config: Record<string, unknown>;
}

/** The files the judge reads from the proxy, for discovery to fetch. */
export function proxyFilesToRead(config: OvirtCiConfig): string[] {
    const files = ["/etc/haproxy/haproxy.cfg", "/usr/lib/systemd/system/dnsmasq@.service"];
    for (const l of deriveLeases(config.leases, config)) {
        files.push(`/var/lib/dnsmasq/dnsmasq-${playbooksNetName(l)}.conf`, `/etc/dnsmasq-leases/${l.name}.conf`);
    }
    return files.map((f) => (config.proxyVm.rootDir === "/" ? f : `${config.proxyVm.rootDir}${f}`));
}

function prefixOf(netmask: string): number {
    return netmask.split(".").reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, "").length, 0);
}

/** A dotted netmask as a prefix length (cloud-init stores the netmask). */
export const netmaskPrefix = prefixOf;

/**
 * Judges the discovery against the stack's config. `vaultKeys`: the item's key names (undefined: no item yet);
 * `renderedKeys`: the keys the program writes.
 */
export function judgeAdoption(
    config: OvirtCiConfig,
    engine: EngineDiscovery,
    proxy: ProxyDiscovery | undefined,
    vault: { readonly keys?: readonly string[]; readonly renderedKeys: readonly string[] },
): Adoption {
    const lines: AdoptionLine[] = [];
    const refusals: string[] = [];
    const out: Record<string, unknown> = {};
    const line = (object: string, verdict: Verdict, detail: string) => lines.push({ object, verdict, detail });
    const s = config.proxyVm;
    const at = (p: string) => (s.rootDir === "/" ? p : `${s.rootDir}${p}`);

    for (const [ok, what, key] of [
        [engine.dataCenter, `data center ${config.dataCenter}`, "dataCenter"],
        [engine.cluster, `cluster ${config.cluster}`, "cluster"],
        [engine.mainStorageDomain !== undefined, `storage domain ${config.mainStorageDomain}`, "mainStorageDomain"],
    ] as const) {
        if (ok) {
            if (key !== "mainStorageDomain") line(what, "adopt", "found by name"); // the domain's line names its type
        } else
            refusals.push(
                `${what} is not on the engine: the program adopts it by name and creates none. Fix: set ovirt-ci:${key} to the name the engine has`,
            );
    }
    if (engine.mainStorageDomain) {
        line(
            `storage domain ${engine.mainStorageDomain.name}`,
            "adopt",
            `found by name, type ${engine.mainStorageDomain.type}`,
        );
    }

    // The proxy VM
    const vm = engine.proxy;
    if (!vm) {
        if (engine.proxyCandidates.length > 0) {
            refusals.push(
                `no VM named ${s.name} on the engine, but ${engine.proxyCandidates.join(", ")} ${engine.proxyCandidates.length === 1 ? "is" : "are"}: an up would build a second router on the networks the live proxy serves (two .1 gateways, two DHCP servers). Fix: set ovirt-ci:proxyVm.name to the live proxy's name (npm run adopt -- --stack <name> --proxy ${engine.proxyCandidates[0]}), or remove the stale VM`,
            );
        } else {
            line(`VM ${s.name}`, "change", "not on the engine: the first up creates it");
        }
        return { lines, refusals, config: out };
    }
    const proxyVm: Record<string, unknown> = {};
    proxyVm.name = vm.name;
    if (vm.memoryMiB !== s.memoryMiB) {
        line(
            `VM ${vm.name} memory`,
            "adopt",
            `${vm.memoryMiB} MiB kept (the config said ${s.memoryMiB}: changing it stops and starts the proxy)`,
        );
    } else line(`VM ${vm.name} memory`, "adopt", `${vm.memoryMiB} MiB`);
    proxyVm.memoryMiB = vm.memoryMiB;
    if (vm.cpuCores !== s.cpuCores) {
        line(`VM ${vm.name} CPU`, "adopt", `${vm.cpuCores} cores kept (the config said ${s.cpuCores})`);
    }
    proxyVm.cpuCores = vm.cpuCores;
    proxyVm.biosType = vm.biosType;
    line(`VM ${vm.name} BIOS type`, "adopt", vm.biosType);
    if (!["up"].includes(vm.status)) {
        refusals.push(
            `VM ${vm.name} is ${vm.status}, not up: adopting it would start it. Fix: find out why it is not running (a proxy that is down serves no lease), start it by hand, then run adopt again`,
        );
    }
    const leases = deriveLeases(config.leases, config);
    const leaseNetworks = new Map(leases.map((l) => [l.networkName, l]));
    const mgmt = vm.nics.filter((n) => n.network === s.managementNetwork);
    if (mgmt.length !== 1) {
        refusals.push(
            `VM ${vm.name} has ${mgmt.length} NICs on ${s.managementNetwork} (${mgmt.map((n) => n.name).join(", ") || "none"}): the program manages exactly one external NIC. Fix: set ovirt-ci:proxyVm.managementNetwork to the network of the proxy's external NIC`,
        );
    } else {
        proxyVm.externalNicName = mgmt[0].name;
        line(`NIC ${vm.name}/${mgmt[0].name}`, "adopt", `external NIC on ${s.managementNetwork}, MAC ${mgmt[0].mac}`);
        const guest = proxy?.interfaces.find((i) => i.mac.toLowerCase() === mgmt[0].mac.toLowerCase());
        if (guest) proxyVm.externalInterface = guest.name;
    }
    if (vm.externalAddress) {
        proxyVm.externalAddress = vm.externalAddress.address;
        proxyVm.externalPrefixLength = vm.externalAddress.prefixLength;
        if (vm.externalAddress.gateway) proxyVm.externalGateway = vm.externalAddress.gateway;
    }
    for (const n of vm.nics) {
        if (n.network === s.managementNetwork || (n.network && leaseNetworks.has(n.network))) continue;
        line(
            `NIC ${vm.name}/${n.name}`,
            "adopt",
            `on ${n.network ?? "no network"}: not a lease of this stack, left alone`,
        );
    }

    // Leases
    const playbooksLeases: { lease: number; nic: string }[] = [];
    let anyPlaybooks = false;
    for (const l of leases) {
        const net = engine.networks.find((n) => n.name === l.networkName);
        const nics = vm.nics.filter((n) => n.network === l.networkName);
        if (!net) {
            line(
                `lease ${l.name}`,
                "change",
                `network ${l.networkName} is not on the engine: the first up creates the lease`,
            );
            continue;
        }
        const held = net.jobVms.length > 0 ? ` (held: ${net.jobVms.slice(0, 5).join(", ")})` : "";
        if (nics.length === 0) {
            line(
                `lease ${l.name}`,
                "change",
                `network ${l.networkName} found, the proxy has no NIC on it: the first up adds one${held}`,
            );
            continue;
        }
        if (nics.length > 1) {
            refusals.push(
                `lease ${l.name}: the proxy has ${nics.length} NICs on ${l.networkName} (${nics.map((n) => n.name).join(", ")}), two gateways on one network. Fix: remove the stray NIC by hand when no job holds the lease, then run adopt again`,
            );
            continue;
        }
        const nic = nics[0];
        const playbooksConf = proxy?.files[at(`/var/lib/dnsmasq/dnsmasq-${playbooksNetName(l)}.conf`)];
        const oursConf = proxy?.files[at(`/etc/dnsmasq-leases/${l.name}.conf`)];
        if (playbooksConf !== undefined && oursConf !== undefined) {
            refusals.push(
                `lease ${l.name}: the proxy has both the playbooks' dnsmasq file (dnsmasq-${playbooksNetName(l)}.conf) and ours (${l.name}.conf): two DHCP servers may run on ${l.networkName}. Fix: stop and remove one by hand when no job holds the lease, then run adopt again`,
            );
            continue;
        }
        if (playbooksConf !== undefined) {
            anyPlaybooks = true;
            playbooksLeases.push({ lease: l.number, nic: nic.name });
            const guest = proxy?.interfaces.find((i) => i.mac.toLowerCase() === nic.mac.toLowerCase());
            if (s.serviceMode !== "local" && guest?.name !== nic.name) {
                refusals.push(
                    `lease ${l.name}: the engine's NIC ${nic.name} (MAC ${nic.mac}) is "${guest?.name ?? "not present"}" in the guest; the playbooks' layout names both alike. Fix: check /usr/lib/udev/rules.d/60-net.rules on the proxy`,
                );
                continue;
            }
            if (s.serviceMode !== "local" && !guest?.ipv4.includes(`${l.gateway}/${l.subnetPrefixLength}`)) {
                refusals.push(
                    `lease ${l.name}: ${nic.name} does not have ${l.gateway}/${l.subnetPrefixLength} on the proxy (has ${guest?.ipv4.join(", ") || "none"}). Fix: check /etc/sysconfig/network-scripts/ifcfg-${nic.name}`,
                );
                continue;
            }
            const rendered = renderPlaybooksDnsmasq(
                l,
                nic.name,
                s.serviceMode === "local" ? { rootDir: s.rootDir, port: s.localDnsPort + l.number } : undefined,
            );
            if (rendered !== playbooksConf) {
                refusals.push(
                    `lease ${l.name}: its dnsmasq file /var/lib/dnsmasq/dnsmasq-${playbooksNetName(l)}.conf differs from the playbooks' rendering${held}; adopting it would rewrite it and restart dnsmasq@${playbooksNetName(l)}, cutting the lease's DHCP and DNS. Fix: when no job holds ${l.name}, either restore the playbooks' file or move the lease to the ovirt-ci layout (drop it from proxyVm.playbooksLeases), then run adopt again`,
                );
                continue;
            }
            const unit = `dnsmasq@${playbooksNetName(l)}.service`;
            line(
                `lease ${l.name}`,
                proxy?.running[unit] === false ? "change" : "adopt",
                `playbooks' layout: NIC ${nic.name}, ${unit}${proxy?.running[unit] === false ? " is stopped: the first up starts it" : " running, file as rendered"}${held}`,
            );
            continue;
        }
        // our own layout (a greenfield ovirt-ci proxy whose stack state was lost)
        if (nic.name !== l.interfaceName) {
            refusals.push(
                `lease ${l.name}: the proxy's NIC on ${l.networkName} is ${nic.name}, not ${l.interfaceName} (naming.interfaceName), and the proxy has no playbooks' dnsmasq file for it: adopting would replace the NIC${held}. Fix: set naming.interfaceName to the pattern the NIC follows, or move the lease when no job holds it`,
            );
            continue;
        }
        if (oursConf !== undefined) {
            const rendered = leaseDnsmasqConfig(proxyTargetFor(s), l);
            line(
                `lease ${l.name}`,
                rendered === oursConf ? "adopt" : "touch",
                rendered === oursConf
                    ? `ovirt-ci layout: NIC ${nic.name}, file as rendered${held}`
                    : `ovirt-ci layout: its dnsmasq file differs: the first up rewrites it and restarts its dnsmasq${held}`,
            );
            if (rendered !== oursConf && held) {
                refusals.push(
                    `lease ${l.name}: its dnsmasq file differs from what the program renders and a job holds the lease${held}: the first up would restart its dnsmasq. Fix: wait until no job holds ${l.name}, or make the stack config match the live one`,
                );
            }
        } else {
            line(
                `lease ${l.name}`,
                "change",
                `NIC ${nic.name} found, no dnsmasq for it yet: the first up starts one${held}`,
            );
        }
    }
    if (anyPlaybooks) {
        proxyVm.layout = "playbooks";
        proxyVm.playbooksLeases = playbooksLeases;
        if (s.serviceMode !== "local" && proxy && !proxy.masquerade) {
            refusals.push(
                "the proxy runs leases in the playbooks' layout but firewalld's zone public does not masquerade: their NAT is not where the program expects it. Fix: check the proxy's firewalld (firewall-cmd --zone=public --list-all)",
            );
        }
        const tmpl = proxy?.files[at("/usr/lib/systemd/system/dnsmasq@.service")];
        if (tmpl === undefined) {
            refusals.push(
                "the proxy has playbooks' lease files but no /usr/lib/systemd/system/dnsmasq@.service: not the layout the program adopts. Fix: check how the proxy's dnsmasq instances are started",
            );
        }
        const address = vm.externalAddress?.address;
        const live = proxy?.files[at("/etc/haproxy/haproxy.cfg")];
        if (address || s.serviceMode === "local") {
            const rendered = renderPlaybooksHaproxy(
                leases,
                address ?? "",
                s.serviceMode === "local" ? s.localHaproxyPorts : undefined,
            );
            line(
                "HAProxy",
                rendered === live ? "adopt" : "change",
                rendered === live
                    ? "haproxy.cfg as the playbooks' template renders it: not reloaded"
                    : "haproxy.cfg differs from the playbooks' template for these leases: the first up validates it and reloads HAProxy (graceful: open connections stay)",
            );
        }
    } else {
        proxyVm.layout = "ovirt-ci";
        proxyVm.playbooksLeases = [];
    }
    out.proxyVm = proxyVm;

    // OVN provider entry
    if (engine.ovnEntry?.username && engine.ovnEntry.username !== config.engineUsername) {
        line(
            "OVN provider",
            "adopt",
            `tokens for ${engine.ovnEntry.username} (the entry's user), not ${config.engineUsername}`,
        );
        out.ovnUsername = engine.ovnEntry.username;
    } else if (engine.ovnEntry)
        line("OVN provider", "adopt", `entry found, user ${engine.ovnEntry.username ?? config.engineUsername}`);

    // Vault
    if (vault.keys === undefined) line("Vault item", "change", "not there: the first up writes it");
    else {
        const foreign = vault.keys.filter((k) => !vault.renderedKeys.includes(k));
        const missing = vault.renderedKeys.filter((k) => !vault.keys!.includes(k));
        line(
            "Vault item",
            "change",
            `${vault.keys.length} keys; written in place${missing.length ? `, adds ${missing.join(", ")}` : ""}${foreign.length ? `; keys ovirt-ci does not render, which must survive the write (check after the first up): ${foreign.join(", ")}` : ""}`,
        );
    }
    return { lines, refusals, config: out };
}

/** What adopt does with the host key the live proxy answered with (`met`), given the one the config pins, if any. */
export interface HostKeyVerdict {
    readonly line?: AdoptionLine;
    /** Set when the config pins another key: adopt stops before any login to the proxy and writes nothing. */
    readonly refusal?: string;
    /** The value to write as `proxyVm.connection.hostKey`. */
    readonly hostKey?: string;
}

/**
 * Judges the proxy's SSH host key (issue 26: pinned before the first `up`). `met` is the key `where` answered with
 * (authorized_keys form); `fingerprint` gives the SHA-256 fingerprint as `ssh-keygen -l` prints it.
 */
export function judgeHostKey(
    pinned: string | undefined,
    met: string,
    where: string,
    fingerprint: (key: string) => string,
): HostKeyVerdict {
    const [type] = met.split(/\s+/);
    const shown = (k: string) => `${k.split(/\s+/)[0]} ${fingerprint(k)}`;
    const check = "`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the VM's console";
    if (pinned && pinned.trim().split(/\s+/)[1] !== met.split(/\s+/)[1]) {
        return {
            refusal:
                `the proxy at ${where} answered with host key ${shown(met)}, but ovirt-ci:proxyVm.connection.hostKey pins ${shown(pinned)}: ` +
                "the proxy was reinstalled (new host keys), or something else answers at its address; adopt logged in to nothing. " +
                `Fix: compare both with ${check}; if the VM has the new key, remove the pin ` +
                "(pulumi config rm --path 'ovirt-ci:proxyVm.connection.hostKey') and run adopt again, which pins the new one; " +
                `otherwise find out what answers at ${where}`,
        };
    }
    return {
        line: {
            object: "proxy host key",
            verdict: "adopt",
            detail: `${shown(met)} at ${where}${pinned ? ", as pinned" : `, pinned from now on (type ${type})`}; compare it with ${check} before the first up`,
        },
        hostKey: met,
    };
}
