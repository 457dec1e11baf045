// The repository is self-contained: nothing refers to reference docs outside it (`../shared/docs`); what the code
// and tests need of them is in docs/ci-contract.md, docs/engine-api.md, docs/toolchain.md and
// docs/live-environment.md. After a merge that
// brought references back: npx ts-node --transpile-only tests/helpers/rewriteSharedDocRefs.ts
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");

describe("a self-contained repository", () => {
    it("no tracked file refers to ../shared/docs (or names its pages)", () => {
        const files = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" })
            .split("\n")
            .filter(
                (f) => f && f !== "tests/helpers/rewriteSharedDocRefs.ts" && f !== "tests/unit/selfContained.spec.ts",
            )
            .filter((f) => fs.existsSync(path.join(root, f)));
        const hits = files.flatMap((f) =>
            fs
                .readFileSync(path.join(root, f), "utf8")
                .split("\n")
                .flatMap((l, i) =>
                    /\.\.\/shared\/|shared\/docs|ovirt-api\.md|pulumi-offline\.md/.test(l) ? [`${f}:${i + 1}`] : [],
                ),
        );
        assert.deepEqual(hits, [], "run: npx ts-node --transpile-only tests/helpers/rewriteSharedDocRefs.ts");
    });

    it("the pages that replace them exist", () => {
        for (const p of ["docs/ci-contract.md", "docs/engine-api.md", "docs/toolchain.md", "docs/live-environment.md"])
            assert.ok(fs.existsSync(path.join(root, p)), p);
    });
});
