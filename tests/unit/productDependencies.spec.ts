// The product and its workshop apart (README, "Dependencies and why"): what the program, the oVirt provider and the
// operator commands load at run time is in `dependencies` (what `npm ci --omit=dev` installs); the emulator's, the
// stand-ins' and the tests' libraries are devDependencies. Follows every import and require from the product's entry
// points through the repository's own files and fails naming the file that reaches a package outside `dependencies`.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
};

/**
 * What runs in production: the program (the language host runs index.ts under ts-node, with SWC as tsconfig.json
 * says), the provider process (the stub package loads providers/ovirt/runtime.ts) and the operator commands.
 */
const ENTRY_POINTS = [
    "index.ts",
    "providers/ovirt/runtime.ts",
    "providers/ovirt/stub/stub.js",
    "scripts/recover.ts",
    "scripts/drift.ts",
    "scripts/doctor.ts",
    "scripts/boskos.ts",
];

/** Packages the product needs without importing them: the language host's TypeScript loader (Pulumi.yaml). */
const LOADED_BY_THE_RUNTIME = ["ts-node", "typescript", "@swc/core"];

/** The libraries only the workshop uses (emulator, stand-in plugins, tests, lint): never a product dependency. */
const WORKSHOP_ONLY = ["fastify", "fast-xml-parser", "negotiator", "node-forge", "bcryptjs", "mocha", "eslint"];

const SPECIFIER =
    /(?:import|export)\s[^"';]*?from\s*["']([\w@./-]+)["']|(?:require|import)\(\s*["']([\w@./-]+)["']\s*\)/g;

function resolveLocal(from: string, spec: string): string | undefined {
    const base = path.resolve(path.dirname(from), spec);
    for (const c of [base, `${base}.ts`, `${base}.js`, path.join(base, "index.ts"), path.join(base, "index.js")])
        if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
    return undefined;
}

const packageName = (spec: string) =>
    spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];

/** Every package the entry points reach, with the first file that imports it. */
function reachedPackages(): Map<string, string> {
    const seen = new Set<string>();
    const packages = new Map<string, string>();
    const queue = ENTRY_POINTS.map((e) => path.join(root, e));
    while (queue.length) {
        const file = queue.pop()!;
        if (seen.has(file)) continue;
        seen.add(file);
        const text = fs.readFileSync(file, "utf8");
        for (const m of text.matchAll(SPECIFIER)) {
            const spec = m[1] ?? m[2];
            if (spec.startsWith(".")) {
                const local = resolveLocal(file, spec);
                if (!local) throw new Error(`${path.relative(root, file)}: cannot resolve ${spec}`);
                queue.push(local);
            } else if (!spec.startsWith("node:") && !builtinModules.includes(packageName(spec))) {
                const name = packageName(spec);
                if (!packages.has(name)) packages.set(name, path.relative(root, file));
            }
        }
    }
    return packages;
}

describe("product and workshop dependencies", () => {
    it("everything the program, the provider and the operator commands import is a dependency", () => {
        const reached = reachedPackages();
        assert.ok(reached.has("@pulumi/pulumi") && reached.has("axios"), [...reached.keys()].join(", "));
        const outside = [...reached].filter(([name]) => !(name in pkg.dependencies));
        assert.deepEqual(
            outside.map(([name, file]) => `${name} (imported by ${file})`),
            [],
            "move them to dependencies, or keep the product from importing the workshop",
        );
    });

    it("the runtime's TypeScript loader is a dependency; the workshop's libraries are devDependencies only", () => {
        for (const name of LOADED_BY_THE_RUNTIME) assert.ok(name in pkg.dependencies, name);
        for (const name of WORKSHOP_ONLY) {
            assert.ok(!(name in pkg.dependencies), `${name} is a production dependency`);
            assert.ok(name in pkg.devDependencies, `${name} is not a devDependency`);
        }
    });
});
