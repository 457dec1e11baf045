import * as assert from "node:assert/strict";
import { ConfigError, ConfigProblem, validateConfig } from "../../lib/config";
import { minimalStackConfig } from "../helpers/stackConfig";

function base(proxyVm: Record<string, unknown> = {}): Record<string, unknown> {
    return minimalStackConfig({ proxyVm }, 3);
}

function problems(proxyVm: Record<string, unknown>): ConfigProblem[] {
    try {
        validateConfig(base(proxyVm));
    } catch (e) {
        assert.ok(e instanceof ConfigError);
        return [...e.problems];
    }
    assert.fail("expected a ConfigError");
}

describe("proxyVm connection, rootDir, serviceMode and local ports", () => {
    it("defaults to the real VM: systemd, rootDir /, no connection override", () => {
        const c = validateConfig(base());
        assert.equal(c.proxyVm.serviceMode, "systemd");
        assert.equal(c.proxyVm.rootDir, "/");
        assert.equal(c.proxyVm.connection, undefined);
        assert.equal(c.proxyVm.localDnsPort, 15300);
        assert.deepEqual(c.proxyVm.localHaproxyPorts, { api: 16443, https: 18443, http: 18080, stats: 18404 });
    });

    it("accepts a local sandbox with a connection and string-typed numbers", () => {
        const c = validateConfig(
            base({
                serviceMode: "local",
                rootDir: "/tmp/ovirt-ci-proxy",
                connection: { host: "127.0.0.1", port: "2222", user: "ci" },
                localDnsPort: 25300,
                localHaproxyPorts: { api: 26443 },
            }),
        );
        assert.deepEqual(c.proxyVm.connection, { host: "127.0.0.1", port: 2222, user: "ci" });
        assert.equal(c.proxyVm.rootDir, "/tmp/ovirt-ci-proxy");
        assert.deepEqual(c.proxyVm.localHaproxyPorts, { api: 26443, https: 18443, http: 18080, stats: 18404 });
    });

    const cases: [string, Record<string, unknown>, string, string][] = [
        ["unknown service mode", { serviceMode: "docker" }, "proxyVm.serviceMode", '"systemd" or "local"'],
        ["relative rootDir", { rootDir: "tmp/x" }, "proxyVm.rootDir", "absolute"],
        ["rootDir with ..", { rootDir: "/tmp/../etc" }, "proxyVm.rootDir", "'..'"],
        ["rootDir with a space", { rootDir: "/tmp/a b" }, "proxyVm.rootDir", "absolute"],
        ["local mode writing into /", { serviceMode: "local" }, "proxyVm.rootDir", "sandbox"],
        ["privileged local DNS port", { localDnsPort: 53 }, "proxyVm.localDnsPort", "1024"],
        ["DNS port + lease beyond 65535", { localDnsPort: 65530 }, "proxyVm.localDnsPort", "exceeds 65535"],
        ["duplicate HAProxy port", { localHaproxyPorts: { api: 18443 } }, "proxyVm.localHaproxyPorts", "distinct"],
        [
            "typo in localHaproxyPorts",
            { localHaproxyPorts: { stat: 1 } },
            "proxyVm.localHaproxyPorts.stat",
            'did you mean "stats"',
        ],
        ["typo in connection", { connection: { hots: "x" } }, "proxyVm.connection.hots", 'did you mean "host"'],
        ["bad connection port", { connection: { port: 70000 } }, "proxyVm.connection.port", "65535"],
        ["bad connection user", { connection: { user: "Root User" } }, "proxyVm.connection.user", "user name"],
        ["bad connection host", { connection: { host: "a b" } }, "proxyVm.connection.host", "host name"],
    ];
    for (const [name, proxyVm, key, mention] of cases) {
        it(`rejects ${name} (${key})`, () => {
            const found = problems(proxyVm).filter((p) => p.key === key);
            assert.equal(found.length, 1, JSON.stringify(problems(proxyVm)));
            assert.ok(`${found[0].problem} ${found[0].fix}`.includes(mention), `${found[0].problem} / ${found[0].fix}`);
        });
    }
});
