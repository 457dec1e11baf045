// Where the engine password may be sent. The OVN provider logs in with the engine's user and password
// (ovirt-provider-ovn `handlers/keystone_responses.py`: POST /v2.0/tokens checks them against the engine's SSO), so
// an OVN URL is as sensitive as the engine URL: it must be https (the provider's certificate comes from the engine's
// own CA, engine-setup's OVN PKI entities) and on the engine's host (the provider runs beside the engine). Shared by
// the config check (lib/config.ts, before any request) and the provider's own endpoint resolution (ovnClient.ts).
// Pure and dependency-free: the provider's serialized closures may capture it.

/**
 * Why `url` must not receive the engine password, or undefined when it may: not https, or not on the host of
 * `engineApiUrl`. Host names compare case-insensitively; ports may differ (the provider has its own ports).
 */
export function ovnUrlRisk(url: string, engineApiUrl: string): string | undefined {
    let u: URL;
    let e: URL;
    try {
        u = new URL(url);
        e = new URL(engineApiUrl);
    } catch {
        return undefined; // the shape checks name an unparsable URL themselves
    }
    if (u.protocol !== "https:") return `is not https (the engine password would travel in clear text)`;
    if (u.hostname.toLowerCase() !== e.hostname.toLowerCase()) {
        return `is not on the engine's host ${e.hostname} (the engine password would be sent to ${u.hostname})`;
    }
    return undefined;
}
