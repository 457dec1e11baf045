// The product's components know only the proxy target's interface (lib/proxy/target.ts): the sandbox of the local
// default is the workshop's (local/proxyTarget.ts), registered for its service mode where a local stack is composed
// (index.ts), so no component names it, branches on its mode or imports from local/ (issue 28).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const components = path.resolve(__dirname, "../../components");

/** What would name the sandbox: its mode, its settings, the word, or an import of the workshop's local/. */
const SANDBOX =
    /serviceMode|["'`]local["'`]|\blocal(DnsPort|HaproxyPorts)\b|\bsandbox|from\s+["'][./]*local\/|import\(["'][./]*local\//i;

describe("no component names the sandbox", () => {
    it("no file under components/ mentions the local service mode, the sandbox or local/", () => {
        const hits = fs
            .readdirSync(components)
            .filter((f) => f.endsWith(".ts"))
            .flatMap((f) =>
                fs
                    .readFileSync(path.join(components, f), "utf8")
                    .split("\n")
                    .flatMap((l, i) => (SANDBOX.test(l) ? [`components/${f}:${i + 1}: ${l.trim()}`] : [])),
            );
        assert.deepEqual(hits, []);
    });

    it("the pattern finds what it is for", () => {
        for (const line of [
            'if (s.serviceMode === "local") {',
            'import { localPortProblems } from "../local/portCheck";',
            "target.localDnsPort + lease.number",
            "// the sandbox records it",
        ])
            assert.ok(SANDBOX.test(line), line);
        assert.ok(!SANDBOX.test("const LOOPBACK_HOSTS = localhost;"));
    });
});
