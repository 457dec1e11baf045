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
import { LeaseInfo } from "../../leaseModel";
import type { PlaybooksLeaseParts, ProxyTarget, ScriptBodies } from "../../proxy/target";
import { playbooksNetName, playbooksPaths } from "../playbooks";
import { shellQuote } from "../shell";
import { at } from "./paths";
import { ScriptPair, fail, install, wrap, writeNew } from "./script";

/** The firewalld zone file where the playbooks' permanent masquerade lives (firewalld's own layout). */
export const FIREWALLD_PUBLIC_ZONE = "/etc/firewalld/zones/public.xml";

/** The checks of the playbooks' shared set-up; writes nothing. */
export function playbooksBaseScripts(target: ProxyTarget): ScriptPair {
    const unit = playbooksPaths("net-0").templateUnit;
    const checks =
        `[ -f ${shellQuote(at(target, unit))} ] || { ${fail(`proxy layout playbooks: ${unit} (the playbooks' dnsmasq template unit) is missing. Nothing was changed. Fix: run npm run adopt to see the proxy's real layout, or set ovirt-ci:proxyVm.layout to ovirt-ci`)}; }\n` +
        target.playbooksMasqueradeCheck(at(target, FIREWALLD_PUBLIC_ZONE));
    return { create: wrap(target, checks), delete: wrap(target, "true\n") };
}

/** The real VM's check of the playbooks' NAT: firewalld's zone public masquerades. */
export function vmPlaybooksMasqueradeCheck(): string {
    return `firewall-cmd --zone=public --query-masquerade >/dev/null || { ${fail("proxy layout playbooks: firewalld's zone public does not masquerade: the lease networks would have no NAT. Nothing was changed. Fix: run npm run adopt, or set ovirt-ci:proxyVm.layout to ovirt-ci")}; }\n`;
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
    const paths = playbooksPaths(playbooksNetName(lease));
    const config = at(target, paths.config);
    const what = `lease ${lease.name} (playbooks layout, ${paths.unit})`;
    const own = target.playbooksLease({
        lease,
        nic,
        mac,
        what,
        unit: paths.unit,
        files: {
            config,
            leases: at(target, paths.leases),
            pid: at(target, paths.pid),
            ifcfg: at(target, `/etc/sysconfig/network-scripts/ifcfg-${nic}`),
            udevRules: at(target, paths.udevRules),
        },
        requireSame: requireSame(config, target.playbooksDnsmasq(lease, nic, target.rootDir), what),
    });
    return { create: wrap(target, own.create), delete: wrap(target, own.delete) };
}

/** A lease of the playbooks' layout on the real VM: its interface and file checked, its unit kept running. */
export function vmPlaybooksLease({
    lease,
    nic,
    mac,
    what,
    unit,
    files,
    requireSame,
}: PlaybooksLeaseParts): ScriptBodies {
    const m = mac.toLowerCase();
    const u = shellQuote(unit);
    const udev = files.udevRules;
    return {
        create:
            `dev=""\nfor d in /sys/class/net/*; do if [ "$(cat "$d/address" 2>/dev/null)" = ${shellQuote(m)} ]; then dev="\${d##*/}"; fi; done\n` +
            `[ "$dev" = ${shellQuote(nic)} ] || { ${fail(`${what}: the interface with MAC ${m} is "$dev", not ${nic}. Nothing was changed. Fix: check the udev rule in ${playbooksPaths("net-0").udevRules} and proxyVm.playbooksLeases`)}; }\n` +
            `ip -4 -o addr show dev ${shellQuote(nic)} | grep -qF ' ${lease.gateway}/${lease.subnetPrefixLength} ' || { ${fail(`${what}: ${nic} does not have ${lease.gateway}/${lease.subnetPrefixLength}. Nothing was changed. Fix: check /etc/sysconfig/network-scripts/ifcfg-${nic}`)}; }\n` +
            requireSame +
            `systemctl is-enabled -q ${u} || systemctl enable ${u}\n` +
            `systemctl is-active -q ${u} || systemctl start ${u}\n`,
        delete:
            `systemctl disable --now ${u} 2>/dev/null || true\n` +
            `ip addr del ${lease.gateway}/${lease.subnetPrefixLength} dev ${shellQuote(nic)} 2>/dev/null || true\n` +
            `if [ -f ${shellQuote(udev)} ]; then grep -v ${shellQuote(`ATTR{address}=="${m}"`)} ${shellQuote(udev)} > ${shellQuote(`${udev}.new`)} || true; ` +
            `${install(udev).trim()}; fi\n` +
            `rm -f ${shellQuote(files.config)} ${shellQuote(files.leases)} ${shellQuote(files.ifcfg)}\n`,
    };
}

/**
 * Lines run before our layout's create on a playbooks proxy: stop and disable what the playbooks ran for this
 * lease, so a lease moved to our layout never has two DHCP servers or two processes on one port. Nothing when the
 * lease never was in their layout.
 */
export function playbooksTakeover(target: ProxyTarget, lease: LeaseInfo): string {
    const paths = playbooksPaths(playbooksNetName(lease));
    return wrap(target, target.playbooksTakeover(paths.unit, at(target, paths.pid)));
}

/** The real VM's takeover: their unit instance disabled and stopped. */
export function vmPlaybooksTakeover(unit: string): string {
    return `systemctl disable --now ${shellQuote(unit)} 2>/dev/null || true\n`;
}
