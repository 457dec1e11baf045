/**
 * The proxy target: where and how the proxy's configuration is applied. The renderers of lib/render/proxy/ write
 * every script from a lease's data and the target; the target says only what differs between the real proxy VM
 * (lib/proxy/systemd.ts: files under /etc, systemd units, `ip` and `nft` applied) and a stand-in for it (the
 * workshop's sandbox, local/proxyTarget.ts: files under a directory, plain processes on loopback ports, the
 * network changes only recorded):
 *
 * - where files live ({@link ProxyTarget.rootDir}) and whether scripts run under sudo;
 * - how a lease's dnsmasq and HAProxy listen ({@link ProxyTarget.dnsmasqListen}, {@link ProxyTarget.haproxyListen},
 *   the playbooks' files as the target holds them);
 * - how the set-up, a lease, HAProxy and the packet filter are applied, or only checked and recorded, from the
 *   parts the renderers computed (files written and checked, network commands): {@link ProxyTarget.base} … ;
 * - the admin user's authorized_keys ({@link ProxyTarget.authorizedKeysFile});
 * - what must hold on this machine before any change ({@link ProxyTarget.preflightProblems}).
 *
 * Which target a stack uses is its `proxyVm.serviceMode`, looked up in lib/proxy/targets.ts. The methods read
 * nothing of the target but their own settings (ports, the stats address): the shared fields reach them through
 * the parts, so a copy with another `rootDir` or `upstreamDns` (`{ ...target, rootDir }`) renders for that.
 */
import type { LeaseInfo } from "../leaseModel";
import type { DnsmasqOptions } from "../render/dnsmasq";
import type { HaproxyOptions } from "../render/haproxy";
import type { LeasePaths, ProxyPaths } from "../render/proxy/paths";

/** The create and delete script bodies of one command, before `wrap` (lib/render/proxy/script.ts) makes them one line. */
export interface ScriptBodies {
    readonly create: string;
    readonly delete: string;
}

/** A file rendered on the proxy: the lines that write it to `<path>.new` and the lines that check that file. */
export interface CheckedFile {
    readonly write: string;
    readonly check: string;
}

/** What the proxy's shared set-up is made of (lib/render/proxy/base.ts). */
export interface BaseParts {
    readonly paths: ProxyPaths;
    /** The directories every lease writes into, shell-quoted and space-separated (created before the target's part). */
    readonly dirs: string;
    readonly layout?: ProxyTarget["layout"];
}

/** What one lease's configuration is made of (lib/render/proxy/lease.ts). */
export interface LeaseParts {
    readonly lease: LeaseInfo;
    /** MAC of the proxy's NIC on the lease network. */
    readonly mac: string;
    readonly paths: LeasePaths;
    /** The lease's dnsmasq unit instance, `<template>@<lease>.service`. */
    readonly dnsmasqUnit: string;
    readonly dnsmasq: CheckedFile;
    /** The lease's NAT table; absent where NAT is firewalld's masquerade (the playbooks' layout). */
    readonly nat?: CheckedFile;
    /** The commands that give the lease's interface its name and gateway address (and load its NAT table). */
    readonly network: string;
}

/** What HAProxy's step is made of (lib/render/proxy/haproxy.ts). */
export interface HaproxyParts {
    readonly paths: ProxyPaths;
    /** Lines that write the file from stdin, check it and install it (`changed=1` when it changed). */
    readonly files: string;
}

/** What the packet filter's step is made of (lib/render/proxy/firewall.ts); the file was written from stdin. */
export interface FirewallParts {
    readonly paths: ProxyPaths;
    /** The table's file. */
    readonly file: string;
    /** The command that checks `<file>.new` (one line, no newline). */
    readonly check: string;
}

/** A lease kept in the playbooks' layout (lib/render/proxy/playbooksLayout.ts). */
export interface PlaybooksLeaseParts {
    readonly lease: LeaseInfo;
    /** The lease's NIC name in the playbooks' layout (`ethK`). */
    readonly nic: string;
    readonly mac: string;
    /** How messages name the lease. */
    readonly what: string;
    /** Their unit instance, `dnsmasq@net-NN.service`. */
    readonly unit: string;
    /** Their files, under the target's root. */
    readonly files: {
        readonly config: string;
        readonly leases: string;
        readonly pid: string;
        readonly ifcfg: string;
        readonly udevRules: string;
    };
    /** Lines that refuse a live dnsmasq file other than the rendered one (nothing changed then). */
    readonly requireSame: string;
}

/** How a lease's dnsmasq listens: interface binding, address, port, DHCP (lib/render/dnsmasq.ts). */
export type DnsmasqListen = Pick<DnsmasqOptions, "interfaceName" | "listenAddress" | "port" | "dhcp">;

/** How our HAProxy file listens: addresses, ports and its `global` lines (lib/render/haproxy.ts). */
export type HaproxyListen = Pick<HaproxyOptions, "bindAddress" | "statsBindAddress" | "ports" | "globalLines">;

/** Where and how the proxy configuration is applied (see the module comment). */
export interface ProxyTarget {
    /** Prefix of every path written ("/" on the real VM). */
    readonly rootDir: string;
    /** Run the scripts under `sudo -n` (a non-root SSH user on the VM). */
    readonly sudo: boolean;
    /** Guest name of the external NIC (NAT egress). */
    readonly externalInterface: string;
    /** Upstream resolvers of every lease's dnsmasq. */
    readonly upstreamDns: readonly string[];
    /**
     * The proxy's shared set-up: `ovirt-ci` (ours) or `playbooks` (lib/render/proxy/playbooksLayout.ts): on the
     * latter our leases' dnsmasq runs as `ovirt-ci-dnsmasq@<lease>` (their `dnsmasq@` template unit stays theirs)
     * and NAT is firewalld's masquerade (no nftables table). @default "ovirt-ci"
     */
    readonly layout?: "ovirt-ci" | "playbooks";
    /**
     * The admin user's authorized_keys: an absolute path (under `rootDir`) or `~/…` (the connecting user's home,
     * where cloud-init writes the first key).
     */
    readonly authorizedKeysFile: string;

    /** How lease `lease`'s dnsmasq listens. */
    dnsmasqListen(lease: LeaseInfo): DnsmasqListen;
    /** How our HAProxy file listens. */
    haproxyListen(): HaproxyListen;
    /** A lease's dnsmasq file of the playbooks' layout (lib/render/playbooks.ts) as this target holds it. */
    playbooksDnsmasq(lease: LeaseInfo, nic: string, rootDir: string): string;
    /** The playbooks' `haproxy.cfg` for these leases as this target holds it; `address`: the proxy's external one. */
    playbooksHaproxy(leases: readonly LeaseInfo[], address: string): string;

    /** The shared set-up after its directories exist (`changed=0` set). */
    base(parts: BaseParts): ScriptBodies;
    /** One lease: its dnsmasq file and instance, its NAT table and its interface. */
    lease(parts: LeaseParts): ScriptBodies;
    /** HAProxy: its file installed, the service started or reloaded. */
    haproxy(parts: HaproxyParts): ScriptBodies;
    /** The packet filter after its file was written (`changed=0` set): checked, installed, applied. */
    firewall(parts: FirewallParts): ScriptBodies;
    /** The playbooks' layout: the line that checks their NAT (firewalld's masquerade in `zoneFile`, its zone file). */
    playbooksMasqueradeCheck(zoneFile: string): string;
    /** A lease kept in the playbooks' layout: checked and kept running. */
    playbooksLease(parts: PlaybooksLeaseParts): ScriptBodies;
    /** Stops what the playbooks ran for a lease (`unit`, pid file `pid`) before ours takes it over. */
    playbooksTakeover(unit: string, pid: string): string;

    /**
     * Problems on this machine that would make the `up` fail half-way (e.g. a port the target binds is taken), one
     * line each naming the thing, its holder and the fix; checked before any resource registers.
     */
    preflightProblems(leaseNumbers: readonly number[]): Promise<string[]>;
}
