/**
 * HAProxy on the proxy: one file from all leases, read from the command's standard input (it holds the stats
 * password; see `writeNewFromStdin`), checked with `haproxy -c`, then reloaded (started when not running). The
 * script text holds no secret: pass {@link proxyHaproxyConfig} as the Command's `stdin`.
 */
import { LeaseInfo } from "../../leaseModel";
import type { HaproxyParts, ProxyTarget, ScriptBodies } from "../../proxy/target";
import { renderHaproxyConfig } from "../haproxy";
import { shellQuote } from "../shell";
import { proxyPaths } from "./paths";
import { ScriptPair, checkNew, install, wrap, writeNewFromStdin } from "./script";

/** Our HAProxy file on this target. */
export function targetHaproxyConfig(
    target: ProxyTarget,
    leases: readonly LeaseInfo[],
    statsUser: string,
    statsPassword: string,
): string {
    return renderHaproxyConfig(leases, { statsUser, statsPassword, ...target.haproxyListen() });
}

/** HAProxy's file on this target: ours, or the playbooks' template for a proxy in their layout. */
export function proxyHaproxyConfig(
    target: ProxyTarget,
    leases: readonly LeaseInfo[],
    statsUser: string,
    statsPassword: string,
    address: string,
): string {
    return target.layout === "playbooks"
        ? target.playbooksHaproxy(leases, address)
        : targetHaproxyConfig(target, leases, statsUser, statsPassword);
}

/** HAProxy's step: the file from stdin, checked, installed, the service started or reloaded. */
export function haproxyScripts(target: ProxyTarget): ScriptPair {
    const p = proxyPaths(target);
    const files =
        writeNewFromStdin(p.haproxyConfig) +
        checkNew(p.haproxyConfig, "haproxy", `haproxy -c -q -f ${shellQuote(`${p.haproxyConfig}.new`)}`) +
        install(p.haproxyConfig);
    const own = target.haproxy({ paths: p, files });
    return { create: wrap(target, own.create), delete: wrap(target, own.delete) };
}

/** HAProxy on the real VM: the distribution's haproxy.service, reloaded (graceful) when its file changed. */
export function vmHaproxy({ paths: p, files }: HaproxyParts): ScriptBodies {
    return {
        create:
            `changed=0\n${files}systemctl enable haproxy.service\n` +
            `if [ $changed = 1 ]; then systemctl reload-or-restart haproxy.service; else systemctl start haproxy.service; fi\n`,
        delete: `systemctl disable --now haproxy.service 2>/dev/null || true\nrm -f ${shellQuote(p.haproxyConfig)}\n`,
    };
}
