/**
 * The proxy targets by `proxyVm.serviceMode`. The product provides `systemd`, the real VM (lib/proxy/systemd.ts);
 * a stand-in registers its own mode when its module is loaded (the workshop's sandbox, `local`: local/proxyTarget.ts,
 * which the program's entry loads for a local stack only), so nothing of the product depends on it.
 */
import type { ProxyServiceMode, ProxyVmSettings } from "../config";
import { systemdTarget } from "./systemd";
import type { ProxyTarget } from "./target";

/** Makes the target of a stack's validated `proxyVm` settings. */
export type ProxyTargetFactory = (settings: ProxyVmSettings) => ProxyTarget;

/** The settings every target takes the same way from `proxyVm`. */
export function sharedTargetOptions(
    settings: ProxyVmSettings,
): Pick<ProxyTarget, "rootDir" | "externalInterface" | "upstreamDns" | "layout"> {
    return {
        rootDir: settings.rootDir,
        externalInterface: settings.externalInterface,
        upstreamDns: settings.dnsServers,
        layout: settings.layout,
    };
}

const factories = new Map<ProxyServiceMode, ProxyTargetFactory>([
    [
        "systemd",
        (s) =>
            systemdTarget({
                ...sharedTargetOptions(s),
                sudo: (s.connection?.user ?? s.sshUser) !== "root",
                statsAddress: s.statsAddress,
            }),
    ],
]);

/** Makes `factory` the target of `serviceMode` in this process (a second registration replaces the first). */
export function registerProxyTarget(serviceMode: ProxyServiceMode, factory: ProxyTargetFactory): void {
    factories.set(serviceMode, factory);
}

/** The target of these settings, by their `serviceMode`. */
export function proxyTargetFor(settings: ProxyVmSettings): ProxyTarget {
    const factory = factories.get(settings.serviceMode);
    if (!factory) {
        throw new Error(
            `ovirt-ci:proxyVm.serviceMode: no proxy target for this mode is loaded in this process; got "${settings.serviceMode}" ` +
                `(loaded: ${[...factories.keys()].join(", ")}). Fix: run the stack through the program's entry (index.ts), ` +
                `which loads the stand-in of a local stack, or set proxyVm.serviceMode to systemd`,
        );
    }
    return factory(settings);
}
