/**
 * A minimal valid stack config for validateConfig tests: the engine, the data center, one main storage domain, the CI
 * engine user and `hostCount` hosts; `extra` adds or overrides keys (leases, proxyVm, upgradeLeases, …).
 */
export function minimalStackConfig(extra: Record<string, unknown> = {}, hostCount = 2): Record<string, unknown> {
    return {
        engineUrl: "https://engine.example.com/ovirt-engine/api",
        baseDomain: "example.com",
        dataCenter: "OCP-45",
        cluster: "OCP-45",
        mainStorageDomain: "nfs-ovirt45",
        ciEngineUsername: "ocpadmin@internal",
        leases: [10, 11, 12],
        hosts: Array.from({ length: hostCount }, (_, i) => ({
            name: `bm${i + 1}`,
            address: `bm${i + 1}.example.com`,
            cpuCores: 96,
            memoryGiB: 96,
        })),
        ...extra,
    };
}
