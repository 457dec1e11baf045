// The ovirt-ci program: wiring only (docs/program.md). The configuration is loaded and validated first: an invalid
// stack, including leases that do not fit the hosts (the capacity guard, unless capacityOverride), fails here with
// one ConfigError before any resource is registered.
import { CiSecrets } from "./components/ciSecrets";
import { Engine } from "./components/engine";
import { GeneratedCredentials } from "./components/generatedCredentials";
import { Hosts } from "./components/hosts";
import { Lease } from "./components/lease";
import { ProxyVm } from "./components/proxyVm";
import { UpgradeLease } from "./components/upgradeLease";
import { loadConfig } from "./lib/config";
import { gateResources, preflight } from "./components/preflight";
import { leases as deriveLeases, upgradeLeases as deriveUpgradeLeases } from "./lib/leaseModel";
import * as pulumi from "@pulumi/pulumi";
import { ovirtBoskosEntries } from "./lib/render/boskos";
import { ovirtConfFromConfig } from "./lib/render/ovirtConf";
import { renderSendEventScript, sendEventOptionsFromConfig } from "./lib/render/sendEvent";
import { programOutputs, storageHostName } from "./components/program";
import { NFS_VERSIONS } from "./providers/ovirt/storageDomain";
import { skipSourceMapsForSdkProbes } from "./lib/sdkStackProbes";

skipSourceMapsForSdkProbes();
const config = loadConfig();
// Nothing registers before the scale-down guard and the local port check passed (components/preflight.ts).
gateResources(() => preflight(config));
const leaseInfos = deriveLeases(config.leases, config);
const upgradeInfos = deriveUpgradeLeases(config.upgradeLeases, config.upgradeStorage);

const ovirtEngine = new Engine("engine", {
    dataCenter: config.dataCenter,
    cluster: config.cluster,
    mainStorageDomain: config.mainStorageDomain,
    ovnProviderName: config.ovnProviderName,
    caPem: config.engineCaPem,
});
const hosts = new Hosts("hosts", { clusterId: ovirtEngine.clusterId, hosts: config.hosts });
const generated = new GeneratedCredentials("generated");
const proxyVm = new ProxyVm("proxy", {
    dataCenterId: ovirtEngine.dataCenterId,
    clusterId: ovirtEngine.clusterId,
    settings: config.proxyVm,
    leases: leaseInfos,
    sshPublicKey: config.secrets.proxyAdminSshPublicKey,
    sshPrivateKey: config.secrets.proxyAdminSshPrivateKey,
    previousSshPrivateKey: config.secrets.proxyAdminSshPreviousPrivateKey,
    statsPassword: generated.haproxyStatsPassword,
    vmDependsOn: [hosts],
});
const leaseComponents = leaseInfos.map(
    (info) =>
        new Lease(info.name, {
            info,
            dataCenterId: ovirtEngine.dataCenterId,
            clusterId: ovirtEngine.clusterId,
            storageDomainId: ovirtEngine.mainStorageDomainId,
            ovnProviderId: ovirtEngine.ovnProviderId,
            proxy: proxyVm,
            ovnPortSecurity: config.ovnPortSecurity,
        }),
);
const upgradeComponents = upgradeInfos.map(
    (info) =>
        new UpgradeLease(
            info.name,
            {
                info,
                dataCenterId: ovirtEngine.dataCenterId,
                hostId: hosts.hostIds[storageHostName(config.hosts)],
                nfsVersion: config.upgradeStorage.nfsVersion as (typeof NFS_VERSIONS)[number],
            },
            { dependsOn: [hosts] },
        ),
);
const profile = new CiSecrets("ci-profile", {
    ...config.vault,
    leaseFiles: Object.fromEntries(leaseComponents.map((l) => [l.info.fileName, l.leaseFile])),
    upgradeLeaseFiles: Object.fromEntries(upgradeComponents.map((u) => [u.info.fileName, u.leaseFile])),
    ovirtConf: ovirtConfFromConfig<pulumi.Input<string>>(config, config.secrets.ciEnginePassword, {
        storageDomainId: ovirtEngine.mainStorageDomainId,
        clusterId: ovirtEngine.clusterId,
    }),
    pullSecret: config.secrets.pullSecret,
    sshPublicKey: config.secrets.sshPublicKey,
    sshPrivateKey: config.secrets.sshPrivateKey,
    sendEventScript: renderSendEventScript(sendEventOptionsFromConfig(config)),
});

const outputs = programOutputs({
    leases: leaseComponents,
    upgrades: upgradeComponents,
    engine: ovirtEngine,
    proxy: proxyVm,
    vaultItemPath: profile.itemPath,
});
/** The `_boskos.yaml` entries (`npm run boskos` prints them in the upstream format). */
export const boskos = ovirtBoskosEntries({
    leases: config.leases,
    upgradeLeases: config.upgradeLeases,
    clusterbotPoolSize: config.clusterbotPoolSize,
});
export const leases = outputs.leases;
export const upgradeStorageDomainIds = outputs.upgradeStorageDomainIds;
export const dnsRecords = outputs.dnsRecords;
export const engine = outputs.engine;
export const vaultItemPath = outputs.vaultItemPath;
export const proxy = outputs.proxy;
