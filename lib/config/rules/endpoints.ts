/**
 * Endpoint policy: where the engine and OVN passwords may be sent, and how the engine's TLS is verified. The shapes
 * of the keys (a URL, user@domain, a PEM) are the schema's; what remains relates keys to each other.
 */
import { ovnUrlRisk } from "../../../providers/ovirt/endpointPolicy";
import { RuleInput } from "./input";

/** https unless engineAllowHttp; exactly …/ovirt-engine/api (the CI strips the last four characters to reach the CA). */
export function checkEngineUrl({ p, c }: RuleInput): void {
    if (!p.ok("engineUrl")) return;
    const s = c.engineUrl;
    const url = new URL(s);
    const fixed = `https://${url.host || "<engine-fqdn>"}/ovirt-engine/api`;
    if (url.protocol !== "https:" && !(c.engineAllowHttp === true && url.protocol === "http:")) {
        p.add(
            "engineUrl",
            s,
            `must use https (the CI config step fetches the engine CA over https)${url.protocol === "http:" ? "" : `, not ${url.protocol}`}`,
            `use ${fixed}, or set engineAllowHttp: true for the emulator`,
        );
        return;
    }
    if (
        url.username ||
        url.password ||
        url.search ||
        url.hash ||
        !s.endsWith("/ovirt-engine/api") ||
        url.pathname !== "/ovirt-engine/api"
    ) {
        p.add(
            "engineUrl",
            s,
            "must end exactly in /ovirt-engine/api, with no trailing slash, query or credentials (CI strips the last four characters to reach the CA download)",
            `use ${url.protocol}//${url.host}/ovirt-engine/api`,
        );
    }
}

/** The CI jobs' engine user is not ovirt-ci's own login. */
export function checkCiEngineUser({ p, c }: RuleInput): void {
    const ciUser = c.ciEngineUsername;
    if (p.ok("ciEngineUsername") && ciUser.toLowerCase() === String(c.engineUsername).toLowerCase()) {
        p.add(
            "ciEngineUsername",
            ciUser,
            "is ovirt-ci's own engine login (engineUsername): every CI job would hold the admin login",
            'create a user for the CI jobs (docs/program.md, "The CI engine user") and name it here',
        );
    }
}

/** A CA to verify against and verification off do not go together. */
export function checkEngineTls({ p, c }: RuleInput): void {
    if (typeof c.engineCaPem === "string" && c.engineCaPem && c.engineInsecure === true) {
        p.add(
            "engineInsecure",
            true,
            "contradicts engineCaPem (a CA is given, yet verification is off)",
            "set engineInsecure: false, or drop engineCaPem",
        );
    }
}

/** The OVN provider's Identity and Networking ports (ovirt-provider-ovn DEFAULT_KEYSTONE_PORT, DEFAULT_NEUTRON_PORT; docs/ovn.md). */
const OVN_PORTS = { ovnAuthUrl: 35357, ovnNetworkUrl: 9696 } as const;

/** An OVN URL receives the engine password: https, on the engine's host, unless ovnAllowForeignUrl (docs/ovn.md). */
export function checkOvnUrls({ p, c }: RuleInput): void {
    for (const key of ["ovnAuthUrl", "ovnNetworkUrl"] as const) {
        const url = c[key];
        if (!url || !p.ok(key, "engineUrl") || c.ovnAllowForeignUrl === true) continue;
        const risk = ovnUrlRisk(url, c.engineUrl);
        if (risk) {
            p.add(
                key,
                url,
                risk,
                `write https://${new URL(c.engineUrl).host.replace(/:\d+$/, "")}:${OVN_PORTS[key]}/v2.0 (or leave it empty), or set ovnAllowForeignUrl: true if the provider really is there (warned on every run)`,
            );
        }
    }
}
