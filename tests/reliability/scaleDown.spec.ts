// Reliability: scale-down never breaks a running CI job (issue 18). A CI job's VMs on lease ovirt-12's network: a
// config that removes ovirt-12 is refused by `preview` and by `up` before any change (0 engine writes; the proxy's
// NIC, dnsmasq file, HAProxy routes and the Vault key of ovirt-12 all stay), naming the lease, the VMs and the way
// out. The explicit override (`removeLeasesInUse`) shows in the preview as a warning, and `up` then removes the
// job's NICs and the lease, converging with 0 duplicates. The same up-front refusal for an upgrade lease whose
// storage domain holds disks is in security.spec.ts (6b).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { readKv } from "../../local/openbao";
import { E2eServices, apiWrites, engineStats, inventory, pulumiCli } from "../e2e/helpers";
import { census, desiredNames, figure, setStackConfig, showCensus, useProgramStack } from "./helpers";

/** A call on the engine's REST API as the admin (basic auth), like a CI job's installer does. */
function engineApi(s: E2eServices, method: string, p: string, body?: unknown): Promise<Record<string, unknown>> {
    const data = body === undefined ? "" : JSON.stringify(body);
    const auth = Buffer.from(`${s.engine.username}:${s.engine.password}`).toString("base64");
    return new Promise((resolve, reject) => {
        const req = https.request(
            `${s.engine.apiUrl}${p}`,
            {
                method,
                ca: s.engine.caPem,
                headers: {
                    Authorization: `Basic ${auth}`,
                    Accept: "application/json",
                    "Content-Type": "application/json",
                    "Content-Length": Buffer.byteLength(data),
                },
            },
            (res) => {
                let text = "";
                res.on("data", (d) => (text += d));
                res.on("end", () =>
                    (res.statusCode ?? 500) < 300
                        ? resolve(text ? JSON.parse(text) : {})
                        : reject(new Error(`${method} ${p}: HTTP ${res.statusCode}: ${text}`)),
                );
            },
        );
        req.on("error", reject);
        req.end(data);
    });
}

const JOB_VMS = ["ovirt12-abcde-master-0", "ovirt12-abcde-worker-0"];

describe("reliability: scale-down never breaks a running CI job (real program, real CLI)", function () {
    this.timeout(900_000);
    const ctx = useProgramStack({ leases: { from: 10, to: 12 }, upgradeLeases: { from: 1, to: 1 } });

    before(async () => {
        const r = await pulumiCli(ctx.t, ["up", "--yes", "--skip-preview"]);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        // a CI job's cluster on ovirt-12: two VMs with a NIC on ovn-vmnet-12
        const net = (
            (await engineApi(ctx.s, "GET", "/networks?search=name%3Dovn-vmnet-12")).network as { id: string }[]
        )[0];
        const profile = (
            (await engineApi(ctx.s, "GET", `/networks/${net.id}/vnicprofiles`)).vnic_profile as { id: string }[]
        )[0];
        for (const name of JOB_VMS) {
            const vm = await engineApi(ctx.s, "POST", "/vms", {
                name,
                cluster: { name: "OCP-45" },
                template: { name: "Blank" },
            });
            await engineApi(ctx.s, "POST", `/vms/${vm.id}/nics`, { name: "nic1", vnic_profile: { id: profile.id } });
        }
    });

    it("removing ovirt-12 is refused by preview and by up, before any change, naming the lease, the VMs and the way out", async () => {
        await setStackConfig(ctx.t, { "ovirt-ci:leases": [10, 11] });
        const before = await inventory(ctx.s.engine);
        const w0 = apiWrites(await engineStats(ctx.s.engine));
        const t0 = Date.now();
        const preview = await pulumiCli(ctx.t, ["preview"]);
        const previewMs = Date.now() - t0;
        const up = await pulumiCli(ctx.t, ["up", "--yes", "--skip-preview"]);
        for (const [what, r] of [
            ["preview", preview],
            ["up", up],
        ] as const) {
            const out = r.stdout + r.stderr;
            assert.notEqual(r.status, 0, `${what} fails: ${out}`);
            assert.match(
                out,
                /lease ovirt-12 is still in use: its network ovn-vmnet-12 has VMs other than the proxy VM on it: ovirt12-abcde-master-0, ovirt12-abcde-worker-0/,
                what,
            );
            assert.match(
                out,
                /Nothing was changed\. Fix: take ovirt-12 out of boskos first and wait until no job holds it/,
                what,
            );
            assert.match(out, /pulumi config set --path 'ovirt-ci:removeLeasesInUse\[0\]' ovirt-12/, what);
            assert.doesNotMatch(out, /\n\s+at .*\.ts:\d+/, `${what}: no stack trace`);
        }
        assert.equal(apiWrites(await engineStats(ctx.s.engine)) - w0, 0, "no engine write");
        const after = await inventory(ctx.s.engine);
        assert.deepEqual(
            after.vms.find((v) => v.name === "proxy-vm")!.nics.map((n) => n.id),
            before.vms.find((v) => v.name === "proxy-vm")!.nics.map((n) => n.id),
            "the proxy's NICs (vmnet12 too) stay",
        );
        assert.ok(
            fs.existsSync(path.join(ctx.s.local.sandboxDir, "etc/dnsmasq-leases/ovirt-12.conf")),
            "ovirt-12's dnsmasq file stays",
        );
        assert.match(
            fs.readFileSync(path.join(ctx.s.local.sandboxDir, "etc/haproxy/haproxy.cfg"), "utf8"),
            /api\.ovirt12\./,
            "HAProxy still routes ovirt-12",
        );
        const item = await readKv(ctx.s.bao, "kv", "selfservice/ovirt/cluster-secrets-ovirt");
        assert.ok(item && "ovirt-12.json" in item, "the Vault item still has ovirt-12.json");
        figure("scale-down refused", { previewMs, engineWrites: 0, jobVms: JOB_VMS.length });
    });

    it("the override removeLeasesInUse shows in the preview, and up then removes the job's NICs and the lease: 0 duplicates", async () => {
        await setStackConfig(ctx.t, { "ovirt-ci:removeLeasesInUse": ["ovirt-12"] });
        const preview = await pulumiCli(ctx.t, ["preview"]);
        assert.equal(preview.status, 0, preview.stdout + preview.stderr);
        assert.match(
            preview.stdout + preview.stderr,
            /removing lease ovirt-12 although VMs use its network ovn-vmnet-12: ovirt12-abcde-master-0, ovirt12-abcde-worker-0 \(ovirt-ci:removeLeasesInUse lists it\)/,
        );
        const up = await pulumiCli(ctx.t, ["up", "--yes", "--skip-preview"]);
        assert.equal(up.status, 0, up.stdout + up.stderr);
        const inv = await inventory(ctx.s.engine);
        assert.ok(!inv.networks.some((n) => n.name === "ovn-vmnet-12"), "ovn-vmnet-12 is gone");
        for (const name of JOB_VMS) {
            const vm = inv.vms.find((v) => v.name === name);
            assert.ok(vm, `${name} itself stays (the CI cleanup removes it)`);
            assert.deepEqual(vm.nics, [], `${name} lost its NIC on the removed network`);
        }
        const c = census(
            { ...inv, vms: inv.vms.filter((v) => !JOB_VMS.includes(v.name)) },
            desiredNames({ from: 10, to: 11 }, { from: 1, to: 1 }),
        );
        assert.deepEqual([c.duplicates, c.leaked, c.missing], [[], [], []], showCensus(c));
        await setStackConfig(ctx.t, { "ovirt-ci:removeLeasesInUse": [] });
        const again = await pulumiCli(ctx.t, ["preview", "--expect-no-changes"]);
        assert.equal(again.status, 0, again.stdout + again.stderr);
        figure("scale-down with override", {
            duplicates: c.duplicates.length,
            leaked: c.leaked.length,
            missing: c.missing.length,
        });
    });
});
