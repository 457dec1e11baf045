import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunningEngine } from "../../emulator";
import { renderSendEventScript } from "../../lib/render/sendEvent";
import { start } from "../emulator/helpers";

/** The CI's own XML client (docs/ci-contract.md section 14): the rendered script with the real curl, against the emulator. */
describe("clients: send-event-to-ovirt.sh (XML over Basic auth, real curl) against the emulator", () => {
    let e: RunningEngine;
    let dir: string;
    before(async () => {
        e = await start();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-send-event-"));
    });
    after(async () => {
        await e.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("posts an event the engine accepts (201) with the contract's description, origin and severity", async () => {
        const script = path.join(dir, "send-event-to-ovirt.sh");
        fs.writeFileSync(script, renderSendEventScript());
        const jobSpec = {
            type: "presubmit",
            job: "pull-ci-openshift-installer-master-e2e-ovirt",
            note: `a<b & "c"`,
            decoration_config: { timeout: "4h" },
        };
        // asynchronously: the emulator answers from this process's event loop
        const r = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
            execFile(
                "bash",
                ["-c", 'source "$1"; send_event_to_ovirt Started', "bash", script],
                {
                    encoding: "utf8",
                    timeout: 120_000,
                    env: {
                        PATH: process.env.PATH,
                        OVIRT_ENGINE_URL: e.apiUrl,
                        OVIRT_ENGINE_USERNAME: e.username,
                        OVIRT_ENGINE_PASSWORD: e.password,
                        OCP_CLUSTER: "ovirt10",
                        BUILD_ID: "1478123456789012345",
                        JOB_SPEC: JSON.stringify(jobSpec),
                        SHARED_DIR: dir,
                    },
                },
                (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
            ),
        );
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /phase 'Started', custom_id \d+, HTTP 201 /, r.stdout);
        const ev = e.server.model.state.events.find((x) => x.origin === "openshift-ci");
        assert.ok(ev, "the engine holds the event");
        assert.equal(ev.severity, "normal");
        assert.equal(ev.code, 9801, "EXTERNAL_EVENT_NORMAL");
        assert.equal(
            ev.description,
            `Openshift CI - cluster installation;ovirt10;Started;${JSON.stringify({ type: jobSpec.type, job: jobSpec.job, note: jobSpec.note })}`,
        );
    });
});
