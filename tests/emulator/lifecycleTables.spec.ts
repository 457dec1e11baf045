import assert from "node:assert/strict";
import { LATENCY_PROFILES } from "../../emulator/latency";
import { DATA_CENTER_LIFECYCLE, DATA_CENTER_STATUSES } from "../../emulator/model/dataCenter";
import { DISK_LIFECYCLE, DISK_STATUSES } from "../../emulator/model/disk";
import { EngineModel } from "../../emulator/model/engine";
import { HOST_LIFECYCLE, HOST_STATUSES } from "../../emulator/model/host";
import { Lifecycle, statusesNamed } from "../../emulator/model/lifecycle";
import { defaultSeed } from "../../emulator/model/seed";
import { STORAGE_DOMAIN_LIFECYCLE, STORAGE_DOMAIN_STATUSES } from "../../emulator/model/storageDomain";
import { TEMPLATE_LIFECYCLE, TEMPLATE_STATUSES } from "../../emulator/model/template";
import { VM_LIFECYCLE, VM_RUNNING, VM_STATUSES } from "../../emulator/model/vm";

const TABLES: Array<{ kind: string; statuses: readonly string[]; table: Lifecycle<string> }> = [
    { kind: "data center", statuses: DATA_CENTER_STATUSES, table: DATA_CENTER_LIFECYCLE },
    { kind: "host", statuses: HOST_STATUSES, table: HOST_LIFECYCLE },
    { kind: "storage domain", statuses: STORAGE_DOMAIN_STATUSES, table: STORAGE_DOMAIN_LIFECYCLE },
    { kind: "template", statuses: TEMPLATE_STATUSES, table: TEMPLATE_LIFECYCLE },
    { kind: "vm", statuses: VM_STATUSES, table: VM_LIFECYCLE },
    { kind: "disk", statuses: DISK_STATUSES, table: DISK_LIFECYCLE },
];

describe("emulator: lifecycle tables", () => {
    const model = new EngineModel(defaultSeed(), LATENCY_PROFILES.instant);
    after(() => model.stopClock());

    for (const { kind, statuses, table } of TABLES) {
        it(`${kind}: every status it names is one of the kind's, and each step cites its source`, () => {
            for (const s of statusesNamed(table)) assert.ok(statuses.includes(s), `${kind} table names status ${s}`);
            for (const [name, step] of Object.entries(table))
                assert.ok(step.source.length > 10, `${kind} step ${name} has a source`);
        });

        it(`${kind}: every next step is a clock step of the same table, after a latency the profiles define`, () => {
            for (const [name, step] of Object.entries(table)) {
                if (!step.next) continue;
                assert.ok(
                    step.next.op in table && step.next.op.includes("."),
                    `${kind} step ${name} → ${step.next.op}`,
                );
                assert.ok(
                    step.next.after === "none" || step.next.after in LATENCY_PROFILES.instant,
                    `${kind} step ${name} after ${step.next.after}`,
                );
            }
        });
    }

    it("the model runs exactly the clock steps the tables declare (their names are persisted in State.pending)", () => {
        const declared = TABLES.flatMap(({ table }) => Object.keys(table).filter((k) => k.includes("."))).sort();
        assert.deepEqual(model.clockSteps().sort(), declared);
    });

    it("a VM runs in every status but those of VMStatus.isNotRunning() and unassigned", () => {
        assert.deepEqual([...VM_RUNNING].sort(), [
            "migrating",
            "not_responding",
            "paused",
            "powering_down",
            "powering_up",
            "reboot_in_progress",
            "restoring_state",
            "saving_state",
            "unknown",
            "up",
            "wait_for_launch",
        ]);
    });

    it("every kind's method lands on the model once", () => {
        for (const m of [
            "addHost",
            "attachStorageDomain",
            "startVm",
            "addDiskAttachment",
            "addTag",
            "addAffinityGroup",
            "addExternalEvent",
            "endExternalJob",
        ]) {
            assert.equal(typeof (model as unknown as Record<string, unknown>)[m], "function", m);
        }
    });
});
