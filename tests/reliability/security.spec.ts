// Reliability 4–6 on one set of services: TLS (a wrong engine CA is refused with 0 writes; engineInsecure works only
// when set and warns on every run), scale-down safety (removing a lease leaves the others' ids and engine history
// untouched; an upgrade storage domain that still holds a disk is refused before any change, saying what to do),
// and secrets (engine password, Vault token, pull secret, ssh private key, the generated
// HAProxy stats password: 0 occurrences in every CLI output, the error, the backend's files and the work dir).
import * as assert from "node:assert/strict";
import { CI_USER_PASSWORD } from "../../emulator/model/seed";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readKv } from "../../local/openbao";
import { FAKE_PULL_SECRET } from "../../local/stack";
import {
    E2eServices,
    E2eStack,
    apiWrites,
    engineStats,
    inventory,
    programStack,
    pulumiCli,
    startServices,
    treeFiles,
} from "../e2e/helpers";
import { census, desiredNames, figure, showCensus } from "./helpers";

const WARNING = /engineInsecure is true: TLS certificate verification of the oVirt engine \S+ is DISABLED/;

describe("reliability: TLS, scale-down safety and secrets (real program, real CLI)", function () {
    this.timeout(900_000);
    let s: E2eServices;
    let wrongCa: E2eStack;
    let t: E2eStack;
    const outputs: [string, string][] = [];

    before(async () => {
        s = await startServices();
    });
    after(async () => {
        try {
            await wrongCa?.stack.workspace.removeStack(wrongCa.stack.name, { force: true }).catch(() => undefined);
            await t?.dispose();
        } finally {
            await s?.stop();
        }
    });

    it("5a. a wrong engine CA is refused with a clear message, and nothing is created", async () => {
        const dir = fs.mkdtempSync(path.join(s.tmp, "ca-"));
        execFileSync(
            "openssl",
            [
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=not the engine CA",
                "-keyout",
                path.join(dir, "key.pem"),
                "-out",
                path.join(dir, "ca.pem"),
            ],
            { stdio: "ignore" },
        );
        wrongCa = await programStack(
            s,
            {},
            { plain: { "ovirt-ci:engineCaPem": fs.readFileSync(path.join(dir, "ca.pem"), "utf8") } },
        );
        const w0 = apiWrites(await engineStats(s.engine));
        const r = await pulumiCli(wrongCa, ["up", "--yes", "--skip-preview"]);
        outputs.push(["wrong-CA up", r.stdout + r.stderr]);
        assert.notEqual(r.status, 0);
        assert.match(
            r.stdout + r.stderr,
            /self[- ]signed certificate|unable to verify|certificate/i,
            "the error names the certificate problem",
        );
        assert.equal(apiWrites(await engineStats(s.engine)) - w0, 0, "no engine write");
        const c = census(await inventory(s.engine), desiredNames({ from: 1, to: 0 }, []));
        assert.equal(c.owned, 0, `nothing created: ${showCensus(c)}`);
    });

    it("5b. engineInsecure: true (set explicitly) works and warns on each of two consecutive runs", async () => {
        t = await programStack(
            s,
            {},
            { plain: { "ovirt-ci:engineCaPem": undefined, "ovirt-ci:engineInsecure": true } },
        );
        for (const run of ["first up", "second (no-change) up"]) {
            const r = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
            outputs.push([run, r.stdout + r.stderr]);
            assert.equal(r.status, 0, r.stdout + r.stderr);
            assert.match(r.stdout, WARNING, `${run} warns`);
        }
    });

    it("6a. removing a lease never touches another lease's objects (ids and engine history unchanged)", async () => {
        const before = await inventory(s.engine);
        const history = async (id: string) => JSON.stringify(await await fetchAdmin(s, `history?id=${id}`));
        const keep = (inv: typeof before) => ({
            networks: inv.networks.filter((n) => /^ovn-vmnet-1[01]$/.test(n.name)).map((n) => [n.name, n.id]),
            nics: inv.vms
                .find((v) => v.name === "proxy-vm")!
                .nics.filter((n) => n.name !== "vmnet12")
                .map((n) => [n.name, n.id, n.mac]),
            sds: inv.storageDomains.filter((d) => /^ovirt-upgrade/.test(d.name)).map((d) => [d.name, d.id]),
        });
        const kept = keep(before);
        const hist = await Promise.all(kept.networks.map(([, id]) => history(id)));
        await setConfig(t, { "ovirt-ci:leases": [10, 11] });
        const r = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        outputs.push(["scale-down up", r.stdout + r.stderr]);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        const after = await inventory(s.engine);
        assert.deepEqual(
            keep(after),
            kept,
            "the remaining leases' networks, NICs (ids, MACs) and storage domains are unchanged",
        );
        assert.deepEqual(
            await Promise.all(kept.networks.map(([, id]) => history(id))),
            hist,
            "and their engine history too",
        );
        const c = census(after, desiredNames({ from: 10, to: 11 }, { from: 1, to: 2 }));
        assert.deepEqual([c.duplicates, c.leaked, c.missing], [[], [], []], showCensus(c));
    });

    it("6b. an upgrade storage domain holding a disk is refused before any change, saying what to do; without the disk, unprotected, the up goes through", async () => {
        const model = (
            s.engine.server as unknown as {
                model: { state: { disks: Record<string, unknown>[]; storageDomains: { id: string; name: string }[] } };
            }
        ).model;
        const sd = model.state.storageDomains.find((d) => d.name === "ovirt-upgrade-2")!;
        model.state.disks.push({
            id: "d15c0000-0000-4000-8000-00000000d15c",
            name: "left-behind-upgrade-disk",
            status: "ok",
            provisionedSize: 1 << 30,
            actualSize: 1 << 20,
            totalSize: 1 << 20,
            format: "cow",
            sparse: true,
            storageDomainId: sd.id,
            storageType: "image",
            shareable: false,
            wipeAfterDelete: false,
            contentType: "data",
        });
        const before = await inventory(s.engine);
        await setConfig(t, { "ovirt-ci:upgradeLeases": [1] });
        const w0 = apiWrites(await engineStats(s.engine));
        const r = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        outputs.push(["refused scale-down up (the error)", r.stdout + r.stderr]);
        assert.notEqual(r.status, 0, "the up fails");
        // refused by the scale-down guard before any change (components/preflight.ts), not half-way by the delete
        assert.match(
            r.stdout + r.stderr,
            /upgrade lease ovirt-upgrade-2 is still in use: its storage domain ovirt-upgrade-2 holds 1 disk\(s\): left-behind-upgrade-disk\. Nothing was changed\. Fix: take ovirt-upgrade-2 out of boskos first/,
        );
        assert.equal(apiWrites(await engineStats(s.engine)) - w0, 0, "no engine write");
        const item = await readKv(s.bao, "kv", "selfservice/ovirt/cluster-secrets-ovirt");
        assert.ok(item && "ovirt-upgrade-2.json" in item, "the Vault item still has ovirt-upgrade-2.json");
        const after = await inventory(s.engine);
        assert.ok(
            after.storageDomains.some((d) => d.id === sd.id && d.attachments.some((a) => a.status === "active")),
            "ovirt-upgrade-2 still exists, attached and active",
        );
        assert.deepEqual(
            after.networks.map((n) => n.id).sort(),
            before.networks.map((n) => n.id).sort(),
            "no network removed",
        );
        assert.deepEqual(
            after.vms.map((v) => v.nics.map((n) => n.id)),
            before.vms.map((v) => v.nics.map((n) => n.id)),
            "no NIC removed",
        );
        assert.ok(
            after.disks.some((d) => d.name === "left-behind-upgrade-disk"),
            "the disk is kept",
        );
        // the operator's way out: remove the disk, then the documented two steps for a protected upgrade domain
        // (docs/operator.md "Replacing or removing a protected resource"): unprotect it, then remove the lease
        model.state.disks = model.state.disks.filter((d) => d.name !== "left-behind-upgrade-disk");
        await setConfig(t, { "ovirt-ci:upgradeLeases": [1, 2], "ovirt-ci:allowReplace": ["ovirt-upgrade-2"] });
        const unprotect = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        outputs.push(["unprotect ovirt-upgrade-2 (allowReplace)", unprotect.stdout + unprotect.stderr]);
        assert.equal(unprotect.status, 0, unprotect.stdout + unprotect.stderr);
        await setConfig(t, { "ovirt-ci:upgradeLeases": [1] });
        const r2 = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        outputs.push(["scale-down up after the disk is gone", r2.stdout + r2.stderr]);
        assert.equal(r2.status, 0, r2.stdout + r2.stderr);
        assert.ok(!(await inventory(s.engine)).storageDomains.some((d) => d.name === "ovirt-upgrade-2"));
    });

    it("4. no secret in any CLI output, the error, preview --diff, the backend's files or the work dir", async () => {
        await setConfig(t, { "ovirt-ci:leases": [10, 11, 12] });
        const diff = await pulumiCli(t, ["preview", "--diff"]);
        outputs.push(["preview --diff", diff.stdout + diff.stderr]);
        const up = await pulumiCli(t, ["up", "--yes", "--skip-preview", "--diff"]);
        outputs.push(["up --diff", up.stdout + up.stderr]);
        const stats = fs.readFileSync(path.join(s.local.sandboxDir, "etc/haproxy/haproxy.cfg"), "utf8");
        const statsPassword = /stats auth [^:\s]+:(\S+)/.exec(stats)?.[1];
        assert.ok(statsPassword && statsPassword.length >= 16);
        const secrets: Record<string, string> = {
            "engine password": s.engine.password,
            "Vault token": s.bao.token,
            "pull secret": FAKE_PULL_SECRET,
            "pull secret auth": JSON.parse(FAKE_PULL_SECRET).auths["registry.invalid"].auth,
            "HAProxy stats password": statsPassword,
            ...Object.fromEntries(
                s.sshd.privateKeyPem
                    .split("\n")
                    .filter((l) => l.length > 20 && !l.startsWith("-----"))
                    .map((l, i) => [`ssh private key line ${i + 1}`, l]),
            ),
            // the CI jobs' key and engine login (the Vault item's ssh-privatekey and ovirt.conf)
            ...Object.fromEntries(
                s.sshd.ciPrivateKeyPem
                    .split("\n")
                    .filter((l, i) => i > 1 && l.length > 20 && !l.startsWith("-----"))
                    .map((l, i) => [`CI ssh private key line ${i + 3}`, l]),
            ),
            "CI engine password": CI_USER_PASSWORD,
        };
        const plainExport = await pulumiCli(t, ["stack", "export"]);
        const texts: [string, string][] = [
            ...outputs,
            ["pulumi stack export", plainExport.stdout],
            ...treeFiles(t.backendDir).map(([f, text]): [string, string] => [`backend ${f}`, text]),
            ...treeFiles(t.workDir).map(([f, text]): [string, string] => [`work dir ${f}`, text]),
        ];
        const found: string[] = [];
        for (const [what, value] of Object.entries(secrets)) {
            for (const [where, text] of texts) if (text.includes(value)) found.push(`${what} in ${where}`);
        }
        assert.deepEqual(found, []);
        figure("secrets", {
            secrets: Object.keys(secrets).length,
            texts: texts.length,
            bytesScanned: texts.reduce((a, [, x]) => a + x.length, 0),
            occurrences: found.length,
        });
    });
});

async function setConfig(t: E2eStack, values: Record<string, unknown>): Promise<void> {
    const ws = t.stack.workspace;
    const settings = await ws.stackSettings(t.stack.name);
    settings.config = { ...settings.config, ...values };
    await ws.saveStackSettings(t.stack.name, settings);
}

function fetchAdmin(s: E2eServices, what: string): Promise<unknown> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const https: typeof import("node:https") = require("node:https");
    return new Promise((resolve, reject) => {
        https
            .get(`${s.engine.adminUrl}/${what}`, { ca: s.engine.caPem }, (res) => {
                let b = "";
                res.on("data", (d) => (b += d));
                res.on("end", () => resolve(JSON.parse(b)));
            })
            .on("error", reject);
    });
}
