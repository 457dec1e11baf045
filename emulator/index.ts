/**
 * Importable entry point of the oVirt engine emulator (issue 2): start on a free port, reset, stop.
 */
import { FaultRule } from "./faults";
import { LatencyProfile, isLatencyProfile } from "./latency";
import { OvnServer } from "./ovn/server";
import { ADMIN_USER, API_ROOT, DEFAULT_ADMIN_PASSWORD, EngineServer, defaultDataDir } from "./server";

export type { LatencyProfile } from "./latency";
export { LATENCY_PROFILES } from "./latency";
export type { LatencyTable } from "./latency";
export type { FaultRule, FaultKind } from "./faults";
export { EngineServer } from "./server";
export { OvnServer } from "./ovn/server";

export interface EngineOptions {
    /** TCP port; 0 = a free port. @default 0 */
    port?: number;
    /** Listen address (loopback only). @default "127.0.0.1" */
    host?: string;
    /** @default "fast" */
    latency?: LatencyProfile;
    /** Persist the inventory here (load on start, atomic save after every write). */
    statePath?: string;
    /** JSON seed replacing the default inventory. */
    seedPath?: string;
    /** Serve plain HTTP instead of HTTPS. @default false */
    insecureHttp?: boolean;
    /** Where the CA and server certificate live. @default `${XDG_CACHE_HOME:-~/.cache}/ovirt-ci/emulator` */
    dataDir?: string;
    /** SSO token lifetime. @default 36000 */
    tokenTtlSeconds?: number;
    /** Fault-injection rules active from the start. */
    faults?: FaultRule[];
    /** Seed of the fault PRNG. @default 1 */
    faultSeed?: number;
    /** Password of admin@internal. @default "ovirt-emulator" */
    adminPassword?: string;
    /** Port of the OVN provider's Identity endpoint (35357 on a real engine); 0 = a free one. @default 0 */
    ovnAuthPort?: number;
    /** Port of the OVN provider's Networking API (9696 on a real engine); 0 = a free one. @default 0 */
    ovnNetworkPort?: number;
    /** The OVN provider's `port-security-enabled-default` (docs/ovn.md). @default true, as in the CI environment */
    ovnPortSecurityDefault?: boolean;
    /**
     * The OVN provider's `ovirt-admin-user-name`, the only user it issues tokens to (docs/ovn.md).
     * @default the user of the engine's provider entry `ovirt-provider-ovn`, as engine-setup configures both
     */
    ovnAdminUser?: string;
}

export interface RunningEngine {
    /** `https://127.0.0.1:<port>` (http with `insecureHttp`). */
    url: string;
    /** `url + "/ovirt-engine/api"`. */
    apiUrl: string;
    /** `url + "/__admin"`. */
    adminUrl: string;
    caPem: string;
    caFile: string;
    /** `admin@internal`. */
    username: string;
    password: string;
    /** The OVN provider's Identity v2.0 root, `https://127.0.0.1:<port>/v2.0` (docs/ovn.md). */
    ovnAuthUrl: string;
    /** The OVN provider's Networking v2.0 root, `https://127.0.0.1:<port>/v2.0`. */
    ovnNetworkUrl: string;
    /** Back to the seed inventory, counters zero. */
    reset(): Promise<void>;
    stop(): Promise<void>;
    /** The server object, for tests that need the model directly. */
    server: EngineServer;
    /** The OVN provider's server (its model: `ovn.model`, `ovn.inventory()`). */
    ovn: OvnServer;
}

export async function startEngine(opts: EngineOptions = {}): Promise<RunningEngine> {
    const host = opts.host ?? "127.0.0.1";
    if (!["127.0.0.1", "localhost", "::1"].includes(host)) {
        throw new Error(`startEngine: host must be a loopback address (127.0.0.1, ::1 or localhost), got ${host}`);
    }
    const latency = opts.latency ?? "fast";
    if (!isLatencyProfile(latency))
        throw new Error(`startEngine: latency must be instant, fast or realistic, got ${String(latency)}`);
    const server = new EngineServer({
        host,
        port: opts.port ?? 0,
        latency,
        statePath: opts.statePath,
        seedPath: opts.seedPath,
        insecureHttp: opts.insecureHttp ?? false,
        dataDir: opts.dataDir ?? defaultDataDir(),
        tokenTtlSeconds: opts.tokenTtlSeconds ?? 36000,
        faults: opts.faults ?? [],
        faultSeed: opts.faultSeed ?? 1,
        adminPassword: opts.adminPassword ?? DEFAULT_ADMIN_PASSWORD,
    });
    // the OVN provider's admin routes go on the engine's app, so it is built before the engine listens
    const ovn = new OvnServer(server, {
        authPort: opts.ovnAuthPort ?? 0,
        networkPort: opts.ovnNetworkPort ?? 0,
        portSecurityDefault: opts.ovnPortSecurityDefault ?? true,
        adminUserName: opts.ovnAdminUser,
    });
    const url = await server.listen();
    try {
        await ovn.listen(host);
    } catch (e) {
        await server.close();
        throw e;
    }
    return {
        url,
        apiUrl: url + API_ROOT,
        adminUrl: url + "/__admin",
        caPem: server.pki.caPem,
        caFile: server.pki.caFile,
        username: ADMIN_USER,
        password: server.opts.adminPassword,
        ovnAuthUrl: ovn.authUrl,
        ovnNetworkUrl: ovn.networkUrl,
        reset: async () => {
            server.reset();
            ovn.resetStats();
        },
        stop: async () => {
            await ovn.close();
            await server.close();
        },
        server,
        ovn,
    };
}
