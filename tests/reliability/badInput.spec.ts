// Reliability 3a: bad input through the real CLI. Each case changes the valid local stack config into an invalid one
// (every validation rule family of lib/config.ts and its edges, wrong types, typos in keys, hostile strings with
// shell metacharacters, newlines and very long values, bad secret values) and runs `pulumi up --yes --skip-preview`
// of the real program: every one fails before any engine or Vault write (the emulator's API writes stay 0, the
// Vault item stays absent), with a message naming the key, the value and the fix. Two stacks work in parallel.
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { readKv } from "../../local/openbao";
import { applyLocalStackConfig, localStackConfig } from "../../local/stack";
import {
    E2eServices,
    E2eStack,
    apiWrites,
    engineStats,
    programStack,
    pulumiCli,
    startServices,
    withExtra,
} from "../e2e/helpers";
import { figure } from "./helpers";

type Plain = Record<string, unknown>;
interface Case {
    name: string;
    /** New plain values (namespaced keys; undefined removes). */
    plain?: (base: Plain) => Plain;
    secrets?: Record<string, string>;
    /** The key the message must name (without the namespace). */
    key: string;
    /** Text of the value the message must show (default: none checked beyond the key). */
    shows?: string;
    /**
     * `cli`: the CLI's own check against Pulumi.yaml's schema rejects it before the program runs (message
     * "validating stack config: ... 'engineUrl' ..."): the key is named, the CLI gives no fix line.
     */
    by?: "cli";
}

const ns = (k: string) => `ovirt-ci:${k}`;
const proxy = (base: Plain, change: Plain) => ({ [ns("proxyVm")]: { ...(base[ns("proxyVm")] as Plain), ...change } });
const LONG = "x".repeat(5000);
const HOSTILE = "$(touch /tmp/pwned); `id` | rm -rf / && echo '\"";

const CASES: Case[] = [
    { name: "engineUrl missing", plain: () => ({ [ns("engineUrl")]: undefined }), key: "engineUrl", by: "cli" },
    {
        name: "engineUrl with a trailing slash",
        plain: (b) => ({ [ns("engineUrl")]: `${b[ns("engineUrl")]}/` }),
        key: "engineUrl",
        shows: "/ovirt-engine/api/",
    },
    {
        name: "engineUrl over http without engineAllowHttp",
        plain: () => ({ [ns("engineUrl")]: "http://127.0.0.1:1/ovirt-engine/api" }),
        key: "engineUrl",
        shows: "http://127.0.0.1:1",
    },
    {
        name: "engineUrl with shell metacharacters",
        plain: () => ({ [ns("engineUrl")]: HOSTILE }),
        key: "engineUrl",
        shows: "touch /tmp/pwned",
    },
    {
        name: "engineUsername without a domain",
        plain: () => ({ [ns("engineUsername")]: "admin" }),
        key: "engineUsername",
        shows: '"admin"',
    },
    {
        name: "engineCaPem not a PEM",
        plain: () => ({ [ns("engineCaPem")]: "not a certificate" }),
        key: "engineCaPem",
        shows: "not a certificate",
    },
    {
        name: "engineInsecure together with engineCaPem",
        plain: () => ({ [ns("engineInsecure")]: true }),
        key: "engineInsecure",
        shows: "true",
    },
    {
        name: "baseDomain with upper case and a trailing dot",
        plain: () => ({ [ns("baseDomain")]: "Example.COM." }),
        key: "baseDomain",
        shows: "Example.COM.",
    },
    {
        name: "baseDomain with command substitution",
        plain: () => ({ [ns("baseDomain")]: "$(reboot).example.com" }),
        key: "baseDomain",
        shows: "$(reboot)",
    },
    {
        name: "dataCenter with a shell command",
        plain: () => ({ [ns("dataCenter")]: "OCP-45; rm -rf /" }),
        key: "dataCenter",
        shows: "rm -rf /",
    },
    {
        name: "cluster with a newline",
        plain: () => ({ [ns("cluster")]: "OCP-45\nevil" }),
        key: "cluster",
        shows: "OCP-45\\nevil",
    },
    {
        name: "mainStorageDomain of 5000 characters",
        plain: () => ({ [ns("mainStorageDomain")]: LONG }),
        key: "mainStorageDomain",
        shows: "xxxxxxxx...",
    },
    {
        name: "leases as an empty range",
        plain: () => ({ [ns("leases")]: { from: 12, to: 10 } }),
        key: "leases",
        shows: '"from":12',
    },
    { name: "leases empty", plain: () => ({ [ns("leases")]: [] }), key: "leases", shows: "[]" },
    {
        name: "leases listing a number twice",
        plain: () => ({ [ns("leases")]: [10, 10] }),
        key: "leases",
        shows: "[10,10]",
    },
    {
        name: "leases with overlapping ranges",
        plain: () => ({
            [ns("leases")]: [
                { from: 10, to: 12 },
                { from: 12, to: 13 },
            ],
        }),
        key: "leases",
        shows: "10..12",
    },
    { name: "lease number 0", plain: () => ({ [ns("leases")]: { from: 0, to: 2 } }), key: "leases.from", shows: "0" },
    {
        name: "typo in a lease range key",
        plain: () => ({ [ns("leases")]: { from: 10, too: 12 } }),
        key: "leases.too",
        shows: "did you mean",
    },
    {
        name: "lease outside the addressing scheme",
        plain: () => ({ [ns("leases")]: [60] }),
        key: "leases",
        shows: "60",
    },
    { name: "leases as text", plain: () => ({ [ns("leases")]: "ten" }), key: "leases", shows: '"ten"' },
    {
        name: "upgradeLeases as an empty range",
        plain: () => ({ [ns("upgradeLeases")]: { from: 2, to: 1 } }),
        key: "upgradeLeases",
        shows: '"from":2',
    },
    {
        name: "upgrade leases without an NFS server",
        plain: () => ({ [ns("upgradeStorage")]: {} }),
        key: "upgradeStorage.nfsServer",
        shows: "unset",
    },
    {
        name: "relative export path",
        plain: () => ({ [ns("upgradeStorage")]: { nfsServer: "nfs.example.com", exportPathPattern: "exports/x-{n}" } }),
        key: "upgradeStorage.exportPathPattern",
        shows: "exports/x-{n}",
    },
    {
        name: "subnet pool with host bits",
        plain: () => ({ [ns("addressing")]: { subnetPool: "192.168.1.0/16" } }),
        key: "addressing.subnetPool",
        shows: "192.168.1.0/16",
    },
    {
        name: "API VIP on the gateway",
        plain: () => ({ [ns("addressing")]: { apiVipHost: 1 } }),
        key: "addressing.apiVipHost",
        shows: "1",
    },
    {
        name: "DHCP range reversed",
        plain: () => ({ [ns("addressing")]: { dhcpFirstHost: 150, dhcpLastHost: 101 } }),
        key: "addressing.dhcp",
        shows: "1",
    },
    {
        name: "typo in addressing",
        plain: () => ({ [ns("addressing")]: { subnetPrefix: 24 } }),
        key: "addressing.subnetPrefix",
        shows: "unknown key",
    },
    {
        name: "cluster name pattern with a dash",
        plain: () => ({ [ns("naming")]: { clusterName: "ovirt-{n}" } }),
        key: "naming.clusterName",
        shows: "ovirt-{n}",
    },
    { name: "no hosts", plain: () => ({ [ns("hosts")]: [] }), key: "hosts", shows: "[]" },
    {
        name: "host with negative memory",
        plain: (b) => ({ [ns("hosts")]: (b[ns("hosts")] as Plain[]).map((h, i) => (i ? h : { ...h, memoryGiB: -1 })) }),
        key: "hosts[0].memoryGiB",
        shows: "-1",
    },
    {
        name: "zero masters",
        plain: () => ({ [ns("clusterFootprint")]: { masters: 0, workers: 2, vcpus: 4, memoryMiB: 8192 } }),
        key: "clusterFootprint.masters",
        shows: "0",
    },
    {
        name: "overcommit as text with a percent sign",
        plain: () => ({ [ns("memoryOvercommitPercent")]: "150%" }),
        key: "memoryOvercommitPercent",
        by: "cli",
    },
    {
        name: "more leases than the hosts hold",
        plain: () => ({ [ns("clusterFootprint")]: { masters: 3, workers: 2, vcpus: 4, memoryMiB: 65536 } }),
        key: "leases",
        shows: "at most",
    },
    {
        name: "proxy VM name the cleanup job deletes",
        plain: (b) => proxy(b, { name: "my-proxy" }),
        key: "proxyVm.name",
        shows: "my-proxy",
    },
    {
        name: "proxy template the cleanup job deletes",
        plain: (b) => proxy(b, { template: "rhel-9" }),
        key: "proxyVm.template",
        shows: "rhel-9",
    },
    {
        name: "stats user with a colon",
        plain: (b) => proxy(b, { statsUser: "admin:pw" }),
        key: "proxyVm.statsUser",
        shows: "admin:pw",
    },
    { name: "local service mode on /", plain: (b) => proxy(b, { rootDir: "/" }), key: "proxyVm.rootDir", shows: '"/"' },
    {
        name: "HAProxy ports reused",
        plain: (b) => proxy(b, { localHaproxyPorts: { api: 20001, https: 20001, http: 20002, stats: 20003 } }),
        key: "proxyVm.localHaproxyPorts",
        shows: "20001",
    },
    {
        name: "SSH user with a shell command",
        plain: (b) =>
            proxy(b, { connection: { ...((b[ns("proxyVm")] as Plain).connection as Plain), user: "root; id" } }),
        key: "proxyVm.connection.user",
        shows: "root; id",
    },
    {
        name: "Vault path with the data/ prefix",
        plain: () => ({ [ns("vault")]: { path: "/data/selfservice/x" } }),
        key: "vault.path",
        shows: "/data/selfservice/x",
    },
    {
        name: "top-level typo",
        plain: () => ({ [ns("lease")]: { from: 10, to: 12 } }),
        key: "lease",
        shows: "did you mean",
    },
    {
        name: "clusterbot pool of 0",
        plain: () => ({ [ns("clusterbotPoolSize")]: 0 }),
        key: "clusterbotPoolSize",
        shows: "0",
    },
    {
        name: "engine password with a newline",
        secrets: { [ns("enginePassword")]: "hostile-password\n$(id)" },
        key: "enginePassword",
        shows: "[secret,",
    },
    {
        name: "ssh public key with a second key injected",
        secrets: { [ns("sshPublicKey")]: "ssh-ed25519 AAAAC3Nza a\nssh-rsa AAAAB3Nza attacker" },
        key: "sshPublicKey",
        shows: "[secret,",
    },
    {
        name: "ssh private key that is not a key",
        secrets: { [ns("sshPrivateKey")]: HOSTILE },
        key: "sshPrivateKey",
        shows: "[secret,",
    },
    {
        name: "pull secret that is not JSON",
        secrets: { [ns("pullSecret")]: `${LONG}'"` },
        key: "pullSecret",
        shows: "[secret,",
    },
];

describe(`reliability: ${CASES.length} kinds of invalid config, each rejected by the real program under the real CLI before any write`, function () {
    this.timeout(900_000);
    let s: E2eServices;
    const stacks: E2eStack[] = [];
    const results: { name: string; ok: boolean; seconds: number }[] = [];

    before(async () => {
        s = await startServices();
        for (let i = 0; i < 2; i++) stacks.push(await programStack(s, {}));
    });
    after(async () => {
        try {
            for (const t of stacks)
                await t.stack.workspace.removeStack(t.stack.name, { force: true }).catch(() => undefined);
        } finally {
            await s?.stop();
        }
    });

    it("every case fails with key, value and fix; the engine saw 0 writes and Vault holds no item", async () => {
        const w0 = apiWrites(await engineStats(s.engine));
        const base = localStackConfig(s.local, {});
        const failures: string[] = [];
        const queue = [...CASES];
        const worker = async (t: E2eStack) => {
            for (let c = queue.shift(); c; c = queue.shift()) {
                const t0 = Date.now();
                const cfg = withExtra(base, { plain: c.plain?.(base.plain), secrets: c.secrets });
                await applyLocalStackConfig(t.stack, cfg);
                const r = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
                const out = r.stdout + r.stderr;
                const line =
                    c.by === "cli"
                        ? (out.split("\n").find((l) => /validating stack config/.test(l) && l.includes(`'${c.key}'`)) ??
                          "")
                        : (out.split("\n").find((l) => l.includes(`ovirt-ci:${c.key}`)) ?? "");
                const problems: string[] = [];
                if (r.status === 0) problems.push("the up succeeded");
                if (!line) problems.push(`no line names ovirt-ci:${c.key}`);
                if (line && c.by !== "cli" && !/Fix: \S/.test(line)) problems.push("the line gives no fix");
                if (line && c.shows && !line.includes(c.shows))
                    problems.push(`the line does not show ${JSON.stringify(c.shows)}`);
                if (/\n\s+at .*\(.*\.(ts|js):\d+:\d+\)/.test(out) && !/ConfigError/.test(out))
                    problems.push("a stack trace instead of a message");
                if (problems.length) failures.push(`${c.name}: ${problems.join(", ")}\n${line || out.slice(-1500)}`);
                results.push({ name: c.name, ok: problems.length === 0, seconds: (Date.now() - t0) / 1000 });
            }
        };
        await Promise.all(stacks.map(worker));
        const writes = apiWrites(await engineStats(s.engine)) - w0;
        const item = await readKv(s.bao, "kv", "selfservice/ovirt/cluster-secrets-ovirt");
        assert.deepEqual(failures, []);
        assert.equal(writes, 0, "no engine write");
        assert.equal(item, undefined, "no Vault item");
        figure("bad input (CLI)", {
            kinds: CASES.length,
            rejected: results.filter((r) => r.ok).length,
            byCliSchema: CASES.filter((c) => c.by === "cli").length,
            engineWrites: writes,
            vaultItem: item === undefined ? "absent" : "present",
            meanSeconds: +(results.reduce((a, r) => a + r.seconds, 0) / results.length).toFixed(1),
        });
    });

    it("an http OVN URL is refused before any request: its listener sees no connection, the engine no write", async () => {
        // A listener at the refused URL counts connections: the engine password would reach it with the first login.
        let connections = 0;
        const listener = net.createServer((sock) => {
            connections++;
            sock.destroy();
        });
        await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
        try {
            const port = (listener.address() as net.AddressInfo).port;
            const w0 = apiWrites(await engineStats(s.engine));
            const base = localStackConfig(s.local, {});
            const url = `http://127.0.0.1:${port}/v2.0`;
            await applyLocalStackConfig(stacks[0].stack, withExtra(base, { plain: { [ns("ovnAuthUrl")]: url } }));
            const r = await pulumiCli(stacks[0], ["up", "--yes", "--skip-preview"]);
            const line = (r.stdout + r.stderr).split("\n").find((l) => l.includes("ovirt-ci:ovnAuthUrl")) ?? "";
            assert.notEqual(r.status, 0);
            assert.match(line, /is not https/);
            assert.match(line, /Fix: .*ovnAllowForeignUrl/);
            assert.ok(line.includes(url), line);
            assert.equal(connections, 0, "no connection to the refused URL");
            assert.equal(apiWrites(await engineStats(s.engine)) - w0, 0, "no engine write");
        } finally {
            listener.close();
        }
    });
});
