/**
 * Public DNS records the `gcp.devcluster.openshift.com` zone needs (`docs/ci-contract.md` section 12.2): `api` and
 * `*.apps` of every lease pointing at the proxy VM's external address (open point 5: taken, not confirmed).
 * They are an output for the zone's owners; this program does not manage the zone.
 */
import { LeaseInfo } from "../leaseModel";

/** One A record. */
export interface DnsRecord {
    /** Fully qualified name with a trailing dot, as zone files and Cloud DNS write it. */
    readonly name: string;
    readonly type: "A";
    readonly ttl: number;
    readonly value: string;
    /** The lease it serves. */
    readonly lease: string;
}

/** The records of every lease, ordered by lease number (api first). */
export function dnsRecords(leases: readonly LeaseInfo[], proxyExternalAddress: string, ttl = 300): DnsRecord[] {
    return [...leases]
        .sort((a, b) => a.number - b.number)
        .flatMap((l) => [
            { name: `${l.apiFqdn}.`, type: "A" as const, ttl, value: proxyExternalAddress, lease: l.name },
            { name: `${l.appsWildcard}.`, type: "A" as const, ttl, value: proxyExternalAddress, lease: l.name },
        ]);
}

/** The records as zone-file lines (`name ttl IN A value`). */
export function renderZoneRecords(records: readonly DnsRecord[]): string {
    return records.map((r) => `${r.name} ${r.ttl} IN ${r.type} ${r.value}\n`).join("");
}
