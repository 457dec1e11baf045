import assert from "node:assert/strict";
import * as path from "node:path";
import type { RunningEngine } from "../../emulator";
import { start } from "../emulator/helpers";
import { connectionEnv, runClient, steps } from "./helpers";

const SCRIPT = path.join(__dirname, "sdk_lifecycle.py");

describe("clients: the official oVirt Python SDK (ovirtsdk4, unmodified) against the emulator", function () {
    this.timeout(600_000);
    let e: RunningEngine;
    before(async () => {
        e = await start({ latency: "fast" });
    });
    after(async () => e.stop());

    it("connects through SSO, builds and tears down every lifecycle, and sees the engine's refusals", async () => {
        const run = await runClient("python", [SCRIPT], {
            ...connectionEnv(e),
            OVIRT_PREFIX: "sdk",
            OVIRT_HOST_ADDRESS: "baremetal05.ocp-on-ovirt.gcp.devcluster.openshift.com",
            OVIRT_NFS_ADDRESS: "nfs.sdk.test",
            OVIRT_NFS_PATH: "/exports/sdk",
        });
        const report = steps(run.stdout);
        const failed = report.find((s) => !s.ok);
        assert.equal(run.code, 0, `the SDK script failed at ${failed?.step}: ${failed?.error}\n${run.stderr}`);
        assert.deepEqual(
            report.map((s) => s.step),
            [
                "api",
                "list and follow",
                "refused: duplicate data center name",
                "data center and cluster",
                "host up",
                "storage domain active",
                "refused: detach an active storage domain",
                "storage domain removed",
                "OVN network",
                "refused: duplicate VM name",
                "vm up",
                "refused: remove a running VM",
                "affinity group, tag, event",
                "vm removed",
                "cleaned up",
            ],
        );
        // nothing the script made is left behind, and the emulator saw the SDK's XML (no JSON Accept) requests
        const inv = e.server.model.state;
        for (const list of [
            inv.dataCenters,
            inv.clusters,
            inv.hosts,
            inv.storageDomains,
            inv.networks,
            inv.vms,
            inv.tags,
            inv.affinityGroups,
        ]) {
            assert.deepEqual(
                (list as Array<{ name: string }>).filter((x) => x.name.startsWith("sdk-")).map((x) => x.name),
                [],
            );
        }
        assert.ok(inv.events.some((ev) => ev.origin === "sdk" && ev.description === "sdk lifecycle"));
    });

    it("reports a wrong password as the SDK's AuthError with the engine's SSO text", async () => {
        const code = [
            "import os, ovirtsdk4 as sdk",
            "c = sdk.Connection(url=os.environ['OVIRT_URL'], username='admin@internal', password='wrong', ca_file=os.environ['OVIRT_CA_FILE'])",
            "try:\n    c.system_service().get()\nexcept sdk.AuthError as e:\n    print('AUTH', e)",
        ].join("\n");
        const run = await runClient("python", ["-c", code], connectionEnv(e));
        assert.equal(run.code, 0, run.stderr);
        assert.match(
            run.stdout,
            /^AUTH Error during SSO authentication access_denied : Cannot authenticate user 'admin@internal': The username or password is incorrect/m,
        );
    });

    it("refuses a CA the engine's certificate does not chain to", async () => {
        const code = [
            "import os, ovirtsdk4 as sdk",
            "c = sdk.Connection(url=os.environ['OVIRT_URL'], username='admin@internal', password='x', ca_file='/etc/ssl/certs/ca-certificates.crt')",
            "try:\n    c.system_service().get()\nexcept sdk.Error as e:\n    print('TLS', e)",
        ].join("\n");
        const run = await runClient("python", ["-c", code], connectionEnv(e));
        assert.match(run.stdout, /^TLS .*(certificate|SSL)/im, run.stderr);
    });
});
