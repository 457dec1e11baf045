/**
 * The doctor's boskos check: openshift/release's `_boskos.yaml` (the file boskos is configured from) lists the lease
 * under its type. Given with `--boskos <_boskos.yaml or release checkout>`; without it the check is skipped.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BOSKOS_FILE } from "../../../lib/boskosGenerator";
import { OVIRT_BOSKOS_TYPES, parseOvirtBoskosEntries } from "../../../lib/render/boskos";
import type { DoctorContext } from "./context";
import { CheckResult, fail, guarded, ok, skip } from "./report";

/** The `_boskos.yaml` of a path that is the file or a release checkout. */
export function boskosFilePath(given: string): string {
    return fs.existsSync(given) && fs.statSync(given).isDirectory() ? path.join(given, BOSKOS_FILE) : given;
}

/** One check per selected lease. */
export async function boskosChecks(ctx: DoctorContext, given: string | undefined): Promise<CheckResult[]> {
    const subjects = [
        ...ctx.leases.map((l) => ({ name: l.name, type: OVIRT_BOSKOS_TYPES.install })),
        ...ctx.upgradeLeases.map((u) => ({ name: u.name, type: OVIRT_BOSKOS_TYPES.upgrade })),
    ];
    if (!given) {
        return subjects.map(({ name, type }) => ({
            subject: name,
            check: "boskos.listed",
            ...skip(
                `${name} in ${type}`,
                "no _boskos.yaml given",
                "pass --boskos <openshift/release checkout or its _boskos.yaml>",
            ),
        }));
    }
    const file = boskosFilePath(given);
    const fix = `pass the _boskos.yaml of an up-to-date openshift/release checkout (git pull), e.g. --boskos ~/src/release`;
    const entries = (async () => parseOvirtBoskosEntries(fs.readFileSync(file, "utf8")))();
    entries.catch(() => undefined);
    return Promise.all(
        subjects.map(({ name, type }) =>
            guarded(name, "boskos.listed", `${name} in ${type} of ${file}`, fix, async () => {
                const names = (await entries).find((e) => e.type === type)?.names ?? [];
                return names.includes(name)
                    ? ok(`${name} in ${type}`, `${name} listed in ${type} of ${file}`)
                    : fail(
                          `${name} in ${type} of ${file}`,
                          "not listed: boskos never hands it out",
                          `npm run boskos -- --stack ${ctx.stack} --release <openshift/release checkout>, then merge that pull request`,
                      );
            }),
        ),
    );
}
