/**
 * The doctor's findings: one line per check with what was expected, what was found and the fix, and the exit code.
 * Values that could be secret never reach a finding: checks of secret values say "equal" or "differs" (by digest).
 */

/** `ok`: as expected; `fail`: a finding; `error`: could not check (the check itself failed); `skip`: not asked for. */
export type CheckStatus = "ok" | "fail" | "error" | "skip";

/** One check of one subject (a lease, the profile, the proxy). */
export interface CheckResult {
    /** `ovirt-10`, `ovirt-upgrade-1`, `profile`, `proxy`. */
    readonly subject: string;
    /** `<group>.<check>`, e.g. `dns.api`, `vault.file`. */
    readonly check: string;
    readonly status: CheckStatus;
    readonly expected: string;
    /** What was found; for `error`, why it could not be checked. */
    readonly found: string;
    /** Empty for `ok`. */
    readonly fix: string;
}

/** A check's verdict before it is tied to a subject. */
export type Verdict = Omit<CheckResult, "subject" | "check">;

export const ok = (expected: string, found = expected): Verdict => ({ status: "ok", expected, found, fix: "" });
export const fail = (expected: string, found: string, fix: string): Verdict => ({
    status: "fail",
    expected,
    found,
    fix,
});
export const skip = (expected: string, why: string, fix: string): Verdict => ({
    status: "skip",
    expected,
    found: why,
    fix,
});

/** A check that could not run (engine, Vault or proxy unreachable, a tool missing). */
export function couldNotCheck(expected: string, e: unknown, fix: string): Verdict {
    const msg = e instanceof Error ? e.message : String(e);
    return { status: "error", expected, found: `could not check: ${msg.split("\n")[0]}`, fix };
}

/** Runs a check; an exception becomes "could not check" with `fix`. */
export async function guarded(
    subject: string,
    check: string,
    expected: string,
    fix: string,
    run: () => Promise<Verdict>,
): Promise<CheckResult> {
    try {
        return { subject, check, ...(await run()) };
    } catch (e) {
        return { subject, check, ...couldNotCheck(expected, e, fix) };
    }
}

const LABEL: Record<CheckStatus, string> = { ok: "ok   ", fail: "FAIL ", error: "ERROR", skip: "skip " };

/** One line: `FAIL  ovirt-10 dns.api: expected …; found …; fix: …` (`ok` lines carry only what was found). */
export function formatResult(r: CheckResult): string {
    const head = `${LABEL[r.status]} ${r.subject} ${r.check}:`;
    if (r.status === "ok") return `${head} ${r.found}`;
    return `${head} expected ${r.expected}; found ${r.found}; fix: ${r.fix}`;
}

export const EXIT = Object.freeze({ healthy: 0, findings: 1, couldNotCheck: 2 });

/** 2 when any check could not run (the verdict is incomplete), else 1 when any check failed, else 0. */
export function exitCode(results: readonly CheckResult[]): number {
    if (results.some((r) => r.status === "error")) return EXIT.couldNotCheck;
    if (results.some((r) => r.status === "fail")) return EXIT.findings;
    return EXIT.healthy;
}

/** The last line: counts per status. */
export function summary(results: readonly CheckResult[]): string {
    const n = (s: CheckStatus) => results.filter((r) => r.status === s).length;
    return `doctor: ${results.length} checks: ${n("ok")} ok, ${n("fail")} findings, ${n("error")} could not check, ${n("skip")} skipped`;
}
