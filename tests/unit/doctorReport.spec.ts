// The doctor's pure parts: lines, exit codes, lease names, the HAProxy lines that belong to a lease.
import * as assert from "node:assert/strict";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, lease } from "../../lib/leaseModel";
import { ContextError, parseLeaseNames } from "../../scripts/lib/doctor/context";
import { haproxyLeaseLines } from "../../scripts/lib/doctor/proxy";
import { CheckResult, exitCode, fail, formatResult, guarded, ok, skip, summary } from "../../scripts/lib/doctor/report";

const r = (status: CheckResult["status"]): CheckResult => ({
    subject: "ovirt-10",
    check: "dns.api",
    status,
    expected: "e",
    found: "f",
    fix: status === "ok" ? "" : "x",
});

describe("doctor report", () => {
    it("one line per check: ok shows what was found, the others expected, found and fix", () => {
        assert.equal(
            formatResult({ subject: "ovirt-10", check: "dns.api", ...ok("a → 1", "a → 1 (server)") }),
            "ok    ovirt-10 dns.api: a → 1 (server)",
        );
        assert.equal(
            formatResult({ subject: "ovirt-10", check: "dns.api", ...fail("a → 1", "a → 2", "run up") }),
            "FAIL  ovirt-10 dns.api: expected a → 1; found a → 2; fix: run up",
        );
        assert.equal(
            formatResult({
                subject: "ovirt-10",
                check: "boskos.listed",
                ...skip("listed", "no file", "pass --boskos"),
            }),
            "skip  ovirt-10 boskos.listed: expected listed; found no file; fix: pass --boskos",
        );
    });

    it("exit codes: 0 healthy (skips allowed), 1 findings, 2 could not check (even with findings)", () => {
        assert.equal(exitCode([r("ok"), r("skip")]), 0);
        assert.equal(exitCode([r("ok"), r("fail")]), 1);
        assert.equal(exitCode([r("fail"), r("error")]), 2);
        assert.equal(
            summary([r("ok"), r("fail"), r("error"), r("skip")]),
            "doctor: 4 checks: 1 ok, 1 findings, 1 could not check, 1 skipped",
        );
    });

    it("guarded: an exception is 'could not check' with the fix, first line of the message only", async () => {
        const res = await guarded("proxy", "engine.proxy-vm", "VM up", "check the engine", async () => {
            throw new Error("connect ECONNREFUSED 127.0.0.1:1\nstack…");
        });
        assert.deepEqual(res, {
            subject: "proxy",
            check: "engine.proxy-vm",
            status: "error",
            expected: "VM up",
            found: "could not check: connect ECONNREFUSED 127.0.0.1:1",
            fix: "check the engine",
        });
    });

    it("lease names: install and upgrade leases; anything else is refused with the fix", () => {
        assert.deepEqual(parseLeaseNames(["ovirt-12", "ovirt-upgrade-3", "ovirt-100"]), {
            leases: [12, 100],
            upgradeLeases: [3],
        });
        for (const bad of ["ovirt12", "ovirt-012", "ovirt-upgrade-0", "12"]) {
            assert.throws(
                () => parseLeaseNames([bad]),
                (e: Error) =>
                    e instanceof ContextError && /is not a lease name; fix: name leases as in boskos/.test(e.message),
                bad,
            );
        }
    });

    it("the HAProxy lines of a lease: its rules and backends for that name, from the program's renderer", () => {
        const l = lease(11, { baseDomain: "example.test", addressing: DEFAULT_ADDRESSING, naming: DEFAULT_NAMING });
        assert.deepEqual(haproxyLeaseLines(l, "api"), [
            "use_backend api-ovirt-11 if { req_ssl_sni -i api.ovirt11.example.test }",
            "backend api-ovirt-11",
            "server ovirt11-api 192.168.211.30:6443",
        ]);
        assert.deepEqual(haproxyLeaseLines(l, "apps"), [
            "use_backend apps-https-ovirt-11 if { req_ssl_sni -i -m end .apps.ovirt11.example.test }",
            "use_backend apps-http-ovirt-11 if { req.hdr(host) -i -m reg ^[^:]*[.]apps[.]ovirt11[.]example[.]test(:[0-9]+)?$ }",
            "backend apps-https-ovirt-11",
            "server ovirt11-ingress 192.168.211.32:443",
            "backend apps-http-ovirt-11",
            "server ovirt11-ingress 192.168.211.32:80",
        ]);
    });
});
