import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
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

    /** Sources the script and sends one event (asynchronously: the emulator answers from this process's event loop). */
    function sendEvent(
        script: string,
        phase: string,
        jobSpec: unknown = { type: "presubmit" },
    ): Promise<{ status: number; stdout: string; stderr: string }> {
        return new Promise((resolve) =>
            execFile(
                "bash",
                ["-c", `source "$1"; send_event_to_ovirt ${phase}`, "bash", script],
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
    }

    it("sends nothing to an engine whose certificate the engine CA does not vouch for (HTTP 000, job unaffected)", async () => {
        // Another CA than the emulator's: curl must refuse the handshake before the Basic header leaves.
        const otherCa = execFileSync(
            "openssl",
            [
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "/dev/null",
            ].concat(["-subj", "/CN=another-ca", "-days", "1"]),
            { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
        );
        const script = path.join(dir, "send-event-other-ca.sh");
        fs.writeFileSync(script, renderSendEventScript({ engineCaPem: otherCa }));
        const before = e.server.model.state.events.length;
        const r = await sendEvent(script, "Started");
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /HTTP 000 /, r.stdout);
        assert.equal(e.server.model.state.events.length, before, "no event reached the engine");
    });

    it("posts an event the engine accepts (201) with the contract's description, origin and severity", async () => {
        const script = path.join(dir, "send-event-to-ovirt.sh");
        fs.writeFileSync(script, renderSendEventScript({ engineCaPem: e.caPem }));
        const jobSpec = {
            type: "presubmit",
            job: "pull-ci-openshift-installer-master-e2e-ovirt",
            note: `a<b & "c"`,
            decoration_config: { timeout: "4h" },
        };
        const r = await sendEvent(script, "Started", jobSpec);
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
