/**
 * The proxy as the Ansible playbooks of oVirt/ocp-on-ovirt built it (`proxyVm.layout: playbooks`), adopted in
 * place: scripts that check what is there against what the playbooks wrote (lib/render/playbooks.ts) and change
 * nothing a running CI job depends on (`docs/live-environment.md`, docs/operator.md "Day one").
 *
 * - The shared set-up is theirs: the template unit `/usr/lib/systemd/system/dnsmasq@.service`, NAT by firewalld's
 *   masquerade in zone `public`. The base script only checks both (a proxy without them is not the playbooks'
 *   layout: refused, naming the missing piece). Leases in our layout on such a proxy run our dnsmasq as
 *   `ovirt-ci-dnsmasq@<lease>` (ours as `dnsmasq@` would override their template unit and break their instances
 *   on the next restart) and take NAT from firewalld (no nftables table).
 * - A lease in their layout (`proxyVm.playbooksLeases`) keeps its NIC `ethK` (udev rule and ifcfg as they are), its
 *   address, its file `/var/lib/dnsmasq/dnsmasq-net-NN.conf` and its unit `dnsmasq@net-NN`. The script checks the
 *   interface (found by MAC, with the gateway address) and the file; an identical file changes nothing, a stopped
 *   unit is started (a start is not a restart: nothing is served while it is stopped), a differing file is refused
 *   with the difference (restarting the instance would cut the lease's DHCP and DNS). Its delete script (the move
 *   to our layout, or the lease's removal) stops the unit and removes the files the playbooks wrote for it.
 * - HAProxy's one file is rendered from their template; equal to the live one, nothing is reloaded.
 */
import { LeaseInfo } from "../lib/leaseModel";
import { playbooksNetName, playbooksPaths, renderPlaybooksDnsmasq } from "../lib/render/playbooks";
import { shellQuote } from "../lib/render/shell";
import type { ProxyVmSettings } from "../lib/config";
import { ProxyTarget, ScriptPair, aliveCheck, at, install, stopPid, wrap, writeNew } from "./proxyScripts";

/** How one lease is laid out on the proxy. */
export type LeaseLayout = { readonly kind: "ovirt-ci" } | { readonly kind: "playbooks"; readonly nic: string };

/** The layout of lease `n` under these settings. */
export function leaseLayout(settings: Pick<ProxyVmSettings, "playbooksLeases">, n: number): LeaseLayout {
    const p = settings.playbooksLeases.find((x) => x.lease === n);
    return p ? { kind: "playbooks", nic: p.nic } : { kind: "ovirt-ci" };
}

/** The NIC name (engine and guest) of a lease in its layout. */
export function leaseNicName(lease: LeaseInfo, layout: LeaseLayout): string {
    return layout.kind === "playbooks" ? layout.nic : lease.interfaceName;
}

/** The firewalld zone file where the playbooks' permanent masquerade lives (firewalld's own layout). */
const FIREWALLD_PUBLIC_ZONE = "/etc/firewalld/zones/public.xml";

function fail(message: string): string {
    return `echo ${shellQuote(message)} >&2; exit 1`;
}

/** The checks of the playbooks' shared set-up; writes nothing. */
export function playbooksBaseScripts(target: ProxyTarget): ScriptPair {
    const unit = playbooksPaths("net-0").templateUnit;
    const checks =
        `[ -f ${shellQuote(at(target, unit))} ] || { ${fail(`proxy layout playbooks: ${unit} (the playbooks' dnsmasq template unit) is missing. Nothing was changed. Fix: run npm run adopt to see the proxy's real layout, or set ovirt-ci:proxyVm.layout to ovirt-ci`)}; }\n` +
        (target.serviceMode === "local"
            ? `grep -q '<masquerade/>' ${shellQuote(at(target, FIREWALLD_PUBLIC_ZONE))} 2>/dev/null || { ${fail(`proxy layout playbooks: no masquerade in ${FIREWALLD_PUBLIC_ZONE}: the lease networks would have no NAT. Nothing was changed. Fix: run npm run adopt, or set ovirt-ci:proxyVm.layout to ovirt-ci`)}; }\n`
            : `firewall-cmd --zone=public --query-masquerade >/dev/null || { ${fail("proxy layout playbooks: firewalld's zone public does not masquerade: the lease networks would have no NAT. Nothing was changed. Fix: run npm run adopt, or set ovirt-ci:proxyVm.layout to ovirt-ci")}; }\n`);
    return { create: wrap(target, checks), delete: wrap(target, "true\n") };
}

/**
 * Lines: the file `path` must already hold `content`. Writes `<path>.new`, compares, removes it again; on a
 * difference the script fails with the diff (nothing installed, nothing restarted).
 */
function requireSame(path: string, content: string, what: string): string {
    const p = shellQuote(path);
    const n = shellQuote(`${path}.new`);
    return (
        writeNew(path, content) +
        `if ! cmp -s ${n} ${p}; then\n` +
        `  echo ${shellQuote(`${what}: ${path} differs from what the program renders (diff live → rendered below). Nothing was changed: rewriting it means restarting the instance that serves the lease. Fix: run npm run adopt to see the difference, then either make the stack config match, or move the lease to the ovirt-ci layout when no job holds it (docs/operator.md "Day one")`)} >&2\n` +
        `  diff ${p} ${n} >&2 || true; rm -f ${n}; exit 1\nfi\nrm -f ${n}\n`
    );
}

/** A lease in the playbooks' layout: checked and kept running as it is (see the module comment). */
export function playbooksLeaseScripts(target: ProxyTarget, lease: LeaseInfo, nic: string, mac: string): ScriptPair {
    const net = playbooksNetName(lease);
    const paths = playbooksPaths(net);
    const conf = at(target, paths.config);
    const what = `lease ${lease.name} (playbooks layout, ${paths.unit})`;
    if (target.serviceMode === "local") {
        const pid = at(target, paths.pid);
        const rendered = renderPlaybooksDnsmasq(lease, nic, {
            rootDir: target.rootDir,
            port: target.localDnsPort + lease.number,
        });
        return {
            create: wrap(
                target,
                `${requireSame(conf, rendered, what)}${aliveCheck(pid)}` +
                    `if [ $running = 0 ]; then dnsmasq --conf-file=${shellQuote(conf)}; fi\n`,
            ),
            delete: wrap(target, `${stopPid(pid)}rm -f ${shellQuote(conf)} ${shellQuote(at(target, paths.leases))}\n`),
        };
    }
    const m = mac.toLowerCase();
    const unit = shellQuote(paths.unit);
    const ifcfg = at(target, `/etc/sysconfig/network-scripts/ifcfg-${nic}`);
    const udev = at(target, paths.udevRules);
    return {
        create: wrap(
            target,
            `dev=""\nfor d in /sys/class/net/*; do if [ "$(cat "$d/address" 2>/dev/null)" = ${shellQuote(m)} ]; then dev="\${d##*/}"; fi; done\n` +
                `[ "$dev" = ${shellQuote(nic)} ] || { ${fail(`${what}: the interface with MAC ${m} is "$dev", not ${nic}. Nothing was changed. Fix: check the udev rule in ${paths.udevRules} and proxyVm.playbooksLeases`)}; }\n` +
                `ip -4 -o addr show dev ${shellQuote(nic)} | grep -qF ' ${lease.gateway}/${lease.subnetPrefixLength} ' || { ${fail(`${what}: ${nic} does not have ${lease.gateway}/${lease.subnetPrefixLength}. Nothing was changed. Fix: check /etc/sysconfig/network-scripts/ifcfg-${nic}`)}; }\n` +
                requireSame(conf, renderPlaybooksDnsmasq(lease, nic), what) +
                `systemctl is-enabled -q ${unit} || systemctl enable ${unit}\n` +
                `systemctl is-active -q ${unit} || systemctl start ${unit}\n`,
        ),
        delete: wrap(
            target,
            `systemctl disable --now ${unit} 2>/dev/null || true\n` +
                `ip addr del ${lease.gateway}/${lease.subnetPrefixLength} dev ${shellQuote(nic)} 2>/dev/null || true\n` +
                `if [ -f ${shellQuote(udev)} ]; then grep -v ${shellQuote(`ATTR{address}=="${m}"`)} ${shellQuote(udev)} > ${shellQuote(`${udev}.new`)} || true; ` +
                `${install(udev).trim()}; fi\n` +
                `rm -f ${shellQuote(conf)} ${shellQuote(at(target, paths.leases))} ${shellQuote(ifcfg)}\n`,
        ),
    };
}

/**
 * Lines run before our layout's create on a playbooks proxy: stop and disable what the playbooks ran for this
 * lease (`dnsmasq@net-NN`, or its sandbox process), so a lease moved to our layout never has two DHCP servers
 * or two processes on one port. Nothing when the lease never was in their layout.
 */
export function playbooksTakeover(target: ProxyTarget, lease: LeaseInfo): string {
    const paths = playbooksPaths(playbooksNetName(lease));
    return target.serviceMode === "local"
        ? wrap(target, stopPid(at(target, paths.pid)))
        : wrap(target, `systemctl disable --now ${shellQuote(paths.unit)} 2>/dev/null || true\n`);
}
