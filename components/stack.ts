/**
 * The stack's resources for a validated config: every component, wired (docs/program.md), and the stack's outputs.
 * `index.ts` calls it once the config is valid and the preflight checks passed, so nothing registers before them.
 */
import * as pulumi from "@pulumi/pulumi";
import { CiSecrets } from "./ciSecrets";
import { CiUser } from "./ciUser";
import { foreignKeyKeeper } from "./vaultForeignKeys";
import { Engine } from "./engine";
import { GeneratedCredentials } from "./generatedCredentials";
import { Hosts } from "./hosts";
import { Lease } from "./lease";
import { ProxyVm } from "./proxyVm";
import { UpgradeLease } from "./upgradeLease";
import { programOutputs, storageHostName } from "./program";
import type { LoadedConfig } from "../lib/config";
import { leases as deriveLeases, upgradeLeases as deriveUpgradeLeases } from "../lib/leaseModel";
import { leaseLayout } from "../lib/proxy/layout";
import { proxyTargetFor } from "../lib/proxy/targets";
import { ovirtBoskosEntries } from "../lib/render/boskos";
import { ovirtConfFromConfig } from "../lib/render/ovirtConf";
import { renderSendEventScript, sendEventOptionsFromConfig } from "../lib/render/sendEvent";
import { NFS_VERSIONS } from "../providers/ovirt/storageDomain";

/** Registers every resource of the stack; returns the stack's outputs. */
export function defineStack(config: LoadedConfig) {
    const leaseInfos = deriveLeases(config.leases, config);
    const upgradeInfos = deriveUpgradeLeases(config.upgradeLeases, config.upgradeStorage);

    const ovirtEngine = new Engine("engine", {
        dataCenter: config.dataCenter,
        cluster: config.cluster,
        mainStorageDomain: config.mainStorageDomain,
        ovnProviderName: config.ovnProviderName,
        caPem: config.engineCaPem,
        allowReplace: config.allowReplace,
    });
    const hosts = new Hosts("hosts", {
        clusterId: ovirtEngine.clusterId,
        hosts: config.hosts,
        allowReplace: config.allowReplace,
    });
    const generated = new GeneratedCredentials("generated");
    const proxyVm = new ProxyVm("proxy", {
        dataCenterId: ovirtEngine.dataCenterId,
        clusterId: ovirtEngine.clusterId,
        settings: config.proxyVm,
        target: proxyTargetFor(config.proxyVm),
        leases: leaseInfos,
        sshPublicKey: config.secrets.proxyAdminSshPublicKey,
        sshPrivateKey: config.secrets.proxyAdminSshPrivateKey,
        previousSshPrivateKey: config.secrets.proxyAdminSshPreviousPrivateKey,
        statsPassword: generated.haproxyStatsPassword,
        vmDependsOn: [hosts],
        allowReplace: config.allowReplace,
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
                layout: leaseLayout(config.proxyVm, info.number),
            }),
    );
    new CiUser("ci-user", {
        userName: config.ciEngineUsername,
        dataCenterId: ovirtEngine.dataCenterId,
        clusterId: ovirtEngine.clusterId,
        leaseVnicProfileIds: Object.fromEntries(leaseComponents.map((l) => [l.info.name, l.vnicProfileId])),
    });
    const upgradeComponents = upgradeInfos.map(
        (info) =>
            new UpgradeLease(
                info.name,
                {
                    info,
                    dataCenterId: ovirtEngine.dataCenterId,
                    hostId: hosts.hostIds[storageHostName(config.hosts)],
                    nfsVersion: config.upgradeStorage.nfsVersion as (typeof NFS_VERSIONS)[number],
                    allowReplace: config.allowReplace,
                    formatUpgradeStorage: config.formatUpgradeStorage,
                },
                { dependsOn: [hosts] },
            ),
    );
    const vaultProvider = new pulumi.Config("vault");
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
        allowReplace: config.allowReplace,
        keepForeignKeys: foreignKeyKeeper({
            mount: config.vault.mount,
            path: config.vault.path,
            writesPullSecret: config.ciProfile.pullSecret,
            provider: { address: vaultProvider.get("address"), namespace: vaultProvider.get("namespace") },
            token: vaultProvider.getSecret("token"),
        }),
    });

    const outputs = programOutputs({
        leases: leaseComponents,
        upgrades: upgradeComponents,
        engine: ovirtEngine,
        proxy: proxyVm,
        vaultItemPath: profile.itemPath,
    });
    return {
        /** The `_boskos.yaml` entries (`npm run boskos` prints them in the upstream format). */
        boskos: ovirtBoskosEntries({
            leases: config.leases,
            upgradeLeases: config.upgradeLeases,
            clusterbotPoolSize: config.clusterbotPoolSize,
        }),
        leases: outputs.leases,
        upgradeStorageDomainIds: outputs.upgradeStorageDomainIds,
        dnsRecords: outputs.dnsRecords,
        engine: outputs.engine,
        vaultItemPath: outputs.vaultItemPath,
        proxy: outputs.proxy,
    };
}
