/**
 * Rewrites every reference to the reference docs outside the repository (`../shared/docs/*.md`, and the bare names
 * `ovirt-api.md`, `pulumi-offline.md`, `style.md <section>`) to the repository's own pages: docs/ci-contract.md,
 * docs/engine-api.md (same section numbers as ovirt-api.md for every section cited), docs/toolchain.md (same for
 * pulumi-offline.md) and docs/provider.md. Idempotent; run it again after merging branches that added references:
 *
 *     npx ts-node --transpile-only tests/helpers/rewriteSharedDocRefs.ts
 *
 * Prints each file it changed; exits 1 naming what it could not rewrite. `--check` changes nothing and exits 1 when a
 * file would change (the lint of a merge).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const SELF = path.relative(ROOT, __filename);

/** Our page for each shared page. */
const PAGES: Record<string, string> = {
    "ci-contract.md": "docs/ci-contract.md",
    "ovirt-api.md": "docs/engine-api.md",
    "pulumi-offline.md": "docs/toolchain.md",
    "live-environment.md": "docs/live-environment.md",
};

/** `page` as written in `file`: a relative link in Markdown, the repository path in code and comments. */
function pageFrom(file: string, page: string): string {
    return file.endsWith(".md") ? path.posix.relative(path.posix.dirname(file), page) : page;
}

export function rewrite(file: string, text: string): string {
    const markdown = file.endsWith(".md");
    let out = text;
    for (const [shared, ours] of Object.entries(PAGES)) {
        const target = pageFrom(file, ours);
        const name = path.posix.basename(ours);
        const bare = new RegExp(`(?<![\\w/.-])${shared.replace(".", "\\.")}`, "g");
        // a Markdown link or a quoted path of the shared page: a link to ours
        out = out.replaceAll(`[\`../shared/docs/${shared}\`](../shared/docs/${shared})`, `[${name}](${target})`);
        if (markdown) out = out.replaceAll(`\`../shared/docs/${shared}\``, `[${name}](${target})`);
        out = out.replaceAll(`Our shared \`${shared}\``, `Our \`${name}\``);
        out = out.replaceAll(`../shared/docs/${shared}`, target);
        // a bare name: in code the repository path; in Markdown the page's new name (ci-contract.md keeps its name)
        if (!markdown) out = out.replace(bare, ours);
        else if (name !== shared) out = out.replace(bare, target);
    }
    // the project's style guide: its serialization rules (3.11) are docs/provider.md's; 3.15 (mocks) is said in place
    out = out.replace(/style\.md 3\.11/g, pageFrom(file, "docs/provider.md"));
    out = out.replace(/ \(style\.md 3\.15\)/g, "");
    return out;
}

function main(): number {
    const files = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
        .split("\n")
        .filter((f) => f && f !== SELF && f !== "package-lock.json" && !f.includes("/fixtures/"))
        .filter((f) => f !== "tests/unit/selfContained.spec.ts")
        .filter((f) => fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).isFile());
    const check = process.argv.includes("--check");
    const left: string[] = [];
    for (const f of files) {
        const p = path.join(ROOT, f);
        const text = fs.readFileSync(p, "utf8");
        if (text.includes("\u0000")) continue; // binary
        const next = rewrite(f, text);
        if (next !== text) {
            if (check) left.push(`${f}: would be rewritten`);
            else fs.writeFileSync(p, next);
            process.stdout.write(`${check ? "would rewrite" : "rewrote"} ${f}\n`);
        }
        next.split("\n").forEach((line, i) => {
            if (/\.\.\/shared|shared\/docs|style\.md/.test(line)) left.push(`${f}:${i + 1}: ${line.trim()}`);
        });
    }
    if (left.length) {
        process.stderr.write(`references left to rewrite by hand:\n${left.join("\n")}\n`);
        return 1;
    }
    return 0;
}

if (require.main === module) process.exitCode = main();
