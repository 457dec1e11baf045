/**
 * The local embedded default: the stack configuration of a local stack, built from running local services (the
 * engine emulator, an OpenBao dev server, a loopback sshd standing in for the proxy VM). One function for
 * `npm run up:local` (scripts/local.ts) and the end-to-end tests (tests/e2e/), so both run the same stack.
 *
 * `localStackConfig` is pure (values in, config out); `applyLocalStackConfig` writes it into a stack through the
 * Automation API: structured values into the stack settings file (Pulumi.yaml declares their types), secrets with
 * `setAllConfig(..., secret)` so they are encrypted with the stack's passphrase.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { LocalHaproxyPorts, PROJECT } from "../lib/config";
import { CI_BAREMETAL, CI_USER, CI_USER_PASSWORD } from "../emulator/model/seed";

/** The running services a local stack points at. */
export interface LocalServices {
    engine: {
        /** `https://127.0.0.1:<port>/ovirt-engine/api` */
        apiUrl: string;
        /** The OVN provider's Identity v2.0 root (`https://127.0.0.1:<port>/v2.0`): not derivable, its port is free-picked. */
        ovnAuthUrl: string;
        /** The OVN provider's Networking v2.0 root. */
        ovnNetworkUrl: string;
        caPem: string;
        username: string;
        password: string;
    };
    vault: {
        /** `http://127.0.0.1:<port>` */
        address: string;
        token: string;
    };
    /** The proxy VM's stand-in: an sshd on loopback whose user runs the `local` service mode's scripts. */
    sshd: {
        host: string;
        port: number;
        user: string;
        /** ovirt-ci's admin key pair, which the sshd authorizes (proxyAdminSsh*). */
        privateKeyPem: string;
        publicKey: string;
        /** The CI jobs' key pair (sshPublicKey/sshPrivateKey, in the Vault item): the sshd does not authorize it. */
        ciPrivateKeyPem: string;
        ciPublicKey: string;
        /** The sshd's host public key: pinned as proxyVm.connection.hostKey. */
        hostPublicKey: string;
    };
    /** `proxyVm.rootDir`: every file the proxy scripts write goes below it. */
    sandboxDir: string;
    /** Lease N's dnsmasq answers on 127.0.0.1:(localDnsPort + N). */
    localDnsPort: number;
    localHaproxyPorts: LocalHaproxyPorts;
}

/** A lease set in any of the config's forms. */
export type LeaseSetValue = { from: number; to: number } | number[] | { from: number; to: number }[];

/** Options of {@link localStackConfig}. */
export interface LocalStackOptions {
    /** @default {from: 10, to: 12} */
    leases?: LeaseSetValue;
    /** @default {from: 1, to: 2} */
    upgradeLeases?: LeaseSetValue;
}

/** The config of a local stack: plain (possibly structured) values and secrets, keys with their namespace. */
export interface LocalStackConfig {
    plain: Record<string, unknown>;
    secrets: Record<string, string>;
}

/** The pull secret of the local stack: valid JSON of the right shape, obviously not a credential. */
export const FAKE_PULL_SECRET = JSON.stringify({
    auths: {
        "registry.invalid": {
            auth: Buffer.from("not-a-real-user:not-a-real-pull-secret").toString("base64"),
            email: "nobody@example.invalid",
        },
    },
});

/** Base domain of the local lease clusters (`.test` is reserved for testing: never resolvable publicly). */
export const LOCAL_BASE_DOMAIN = "ovirt-ci.test";

/** NFS server of the local upgrade storage domains: the seed's NFS server (the emulator accepts any address). */
export const LOCAL_NFS_SERVER = "nfs.ocp-on-ovirt.gcp.devcluster.openshift.com";

/**
 * The hosts of the local stack: two of the CI bare-metal addresses the emulator installs, not the seed's
 * `baremetal04` (which already exists; adopting it would make `destroy` remove a seed object).
 */
export const LOCAL_HOSTS = [1, 2].map((n) => ({
    name: `baremetal0${n}`,
    address: CI_BAREMETAL[n - 1],
    cpuCores: 96,
    memoryGiB: 96,
}));

/** Builds the local stack's configuration from the running services. */
export function localStackConfig(s: LocalServices, opts: LocalStackOptions = {}): LocalStackConfig {
    const ns = (k: string) => `${PROJECT}:${k}`;
    const plain: Record<string, unknown> = {
        [ns("engineUrl")]: s.engine.apiUrl,
        [ns("engineUsername")]: s.engine.username,
        [ns("ciEngineUsername")]: CI_USER,
        [ns("engineCaPem")]: s.engine.caPem,
        [ns("ovnAuthUrl")]: s.engine.ovnAuthUrl,
        [ns("ovnNetworkUrl")]: s.engine.ovnNetworkUrl,
        [ns("baseDomain")]: LOCAL_BASE_DOMAIN,
        [ns("dataCenter")]: "OCP-45",
        [ns("cluster")]: "OCP-45",
        [ns("mainStorageDomain")]: "nfs-ovirt45",
        [ns("leases")]: opts.leases ?? { from: 10, to: 12 },
        [ns("upgradeLeases")]: opts.upgradeLeases ?? { from: 1, to: 2 },
        [ns("hosts")]: LOCAL_HOSTS,
        // Small clusters so that scaling to a handful of leases fits the two local hosts (capacity guard).
        [ns("clusterFootprint")]: { masters: 3, workers: 2, vcpus: 4, memoryMiB: 8192 },
        [ns("upgradeStorage")]: { nfsServer: LOCAL_NFS_SERVER },
        // No externalAddress: like the CI stack, the proxy takes DHCP on ovirtmgmt and the program learns the address
        // from the guest agent (the emulator reports one); the SSH connection goes to the loopback sshd.
        [ns("proxyVm")]: {
            serviceMode: "local",
            rootDir: s.sandboxDir,
            connection: { host: s.sshd.host, port: s.sshd.port, user: s.sshd.user, hostKey: s.sshd.hostPublicKey },
            localDnsPort: s.localDnsPort,
            localHaproxyPorts: s.localHaproxyPorts,
        },
        "vault:address": s.vault.address,
        // The token is the CI secret collection's (local/ci-secret-collection-policy.hcl): like the CI's, it may not
        // create child tokens, so the provider must use it as is. The dev server's version needs no probe.
        "vault:skipChildToken": true,
        "vault:skipGetVaultVersion": true,
    };
    const secrets: Record<string, string> = {
        [ns("enginePassword")]: s.engine.password,
        [ns("ciEnginePassword")]: CI_USER_PASSWORD,
        [ns("pullSecret")]: FAKE_PULL_SECRET,
        [ns("sshPublicKey")]: s.sshd.ciPublicKey,
        [ns("sshPrivateKey")]: s.sshd.ciPrivateKeyPem,
        [ns("proxyAdminSshPublicKey")]: s.sshd.publicKey,
        [ns("proxyAdminSshPrivateKey")]: s.sshd.privateKeyPem,
        "vault:token": s.vault.token,
    };
    return { plain, secrets };
}

/**
 * Writes the configuration into the stack (replacing its config): plain values into the stack settings file, then
 * the secrets encrypted with the stack's secrets provider.
 */
export async function applyLocalStackConfig(stack: Stack, cfg: LocalStackConfig): Promise<void> {
    const ws = stack.workspace;
    const settings = await ws.stackSettings(stack.name);
    settings.config = { ...cfg.plain };
    await ws.saveStackSettings(stack.name, settings);
    await stack.setAllConfig(
        Object.fromEntries(Object.entries(cfg.secrets).map(([k, v]) => [k, { value: v, secret: true }])),
    );
}
