// Conformance of the stand-in plugins' declared properties (tools/standin-plugins/schema.ts, which the stand-ins
// derive their behaviour from) with the facts of the real providers' schemas (fixtures/upstream-schema-facts.json,
// extracted from the upstream schema.json of each release) and with what the installed SDKs declare (the Args
// interfaces and output properties of their .d.ts, the replaceOnChanges and additionalSecretOutputs of their .js).
// Every place the stand-in knowingly differs must be named in docs/standin-plugins.md. No CLI needed.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { STANDIN_SCHEMAS } from "../../tools/standin-plugins/schema";

interface ResourceFacts {
    inputs: string[];
    outputs: string[];
    requiredInputs: string[];
    secretOutputs: string[];
    replaceOnChanges: string[];
}
interface PluginFacts {
    source: { repository: string; ref: string; file: string };
    sdkVersion: string;
    resources: Record<string, ResourceFacts>;
}

const root = path.resolve(__dirname, "../..");
const facts = JSON.parse(
    fs.readFileSync(path.join(__dirname, "fixtures/upstream-schema-facts.json"), "utf8"),
) as Record<string, PluginFacts | string>;
const plugins = Object.entries(facts).filter((e): e is [string, PluginFacts] => typeof e[1] === "object");
const doc = fs.readFileSync(path.join(root, "docs/standin-plugins.md"), "utf8");

/** `vault:kv/secretV2:SecretV2` → the SDK's module files (`kv/secretV2`) and class name (`SecretV2`). */
function sdkModule(type: string): { pkg: string; file: string; className: string } {
    const [pkg, mod, className] = type.split(":");
    // `kv/secretV2` and `index/mount` name a module file; `local` (command) names a folder holding `command`.
    const [dir, base = className[0].toLowerCase() + className.slice(1)] = mod.split("/");
    const file = dir === "index" ? base : `${dir}/${base}`;
    return { pkg, file: path.join(root, "node_modules/@pulumi", pkg, file), className };
}

/** The Args interface's property names and the class's output properties, from the SDK's .d.ts. */
function sdkDeclared(type: string): {
    inputs: string[];
    outputs: string[];
    replaceOnChanges: string[];
    secretOutputs: string[];
} {
    const m = sdkModule(type);
    const dts = ts.createSourceFile(
        `${m.file}.d.ts`,
        fs.readFileSync(`${m.file}.d.ts`, "utf8"),
        ts.ScriptTarget.Latest,
    );
    const inputs: string[] = [];
    const outputs: string[] = [];
    dts.forEachChild((node) => {
        if (ts.isInterfaceDeclaration(node) && node.name.text === `${m.className}Args`) {
            for (const member of node.members)
                if (member.name && ts.isIdentifier(member.name)) inputs.push(member.name.text);
        }
        if (ts.isClassDeclaration(node) && node.name?.text === m.className) {
            for (const member of node.members) {
                const mods = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
                if (
                    !ts.isPropertyDeclaration(member) ||
                    !ts.isIdentifier(member.name) ||
                    mods.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)
                )
                    continue;
                if (member.name.text.startsWith("__")) continue;
                outputs.push(member.name.text);
            }
        }
    });
    const js = fs.readFileSync(`${m.file}.js`, "utf8");
    const list = (key: string) =>
        [...(js.match(new RegExp(`${key}: \\[((?:"[^"]*",?\\s*)*)\\]`))?.[1] ?? "").matchAll(/"([^"]*)"/g)].map((m) =>
            m[1].replace(/\[\*\]$/, ""),
        );
    return {
        inputs: inputs.sort(),
        outputs: outputs.sort(),
        replaceOnChanges: list("replaceOnChanges").sort(),
        secretOutputs: list("additionalSecretOutputs").sort(),
    };
}

const sorted = (xs: readonly string[]) => [...xs].sort();

describe("stand-in plugins: conformance with the real schemas and the installed SDKs", () => {
    it("the fixture covers exactly the resource types the stand-ins implement, at the SDK versions installed", () => {
        const fixtureTypes = plugins.flatMap(([, p]) => Object.keys(p.resources)).sort();
        assert.deepEqual(fixtureTypes, Object.keys(STANDIN_SCHEMAS).sort());
        for (const [name, p] of plugins) {
            const pkg = JSON.parse(
                fs.readFileSync(path.join(root, "node_modules/@pulumi", name, "package.json"), "utf8"),
            ) as { version: string };
            assert.equal(
                pkg.version,
                p.sdkVersion,
                `@pulumi/${name} is the version whose schema the fixture holds (${p.source.repository} ${p.source.ref})`,
            );
        }
    });

    for (const [plugin, p] of plugins) {
        for (const [type, f] of Object.entries(p.resources)) {
            describe(type, () => {
                const s = STANDIN_SCHEMAS[type];

                it("every upstream input is implemented or refused by check; no input upstream lacks", () => {
                    assert.deepEqual(sorted([...s.inputs, ...s.unsupportedInputs]), f.inputs);
                });

                it("outputs: the echoed inputs and computed outputs are upstream's, less only the declared missing ones", () => {
                    const returned = new Set([...s.inputs, ...s.computedOutputs]);
                    for (const o of returned) assert.ok(f.outputs.includes(o), `${o} is not an upstream output`);
                    assert.deepEqual(sorted(f.outputs.filter((o) => !returned.has(o))), sorted(s.missingOutputs));
                });

                it("secret outputs are upstream's (among those returned)", () => {
                    const returned = new Set([...s.inputs, ...s.computedOutputs]);
                    assert.deepEqual(
                        sorted(s.secretOutputs),
                        f.secretOutputs.filter((o) => returned.has(o)),
                    );
                });

                it("replace-on-change inputs are upstream's; the provider diff replaces at least on them", () => {
                    assert.deepEqual(sorted(s.replaceOnChanges), f.replaceOnChanges);
                    for (const k of s.replaceOnChanges)
                        assert.ok(s.replacesOnDiff.includes(k), `the diff must replace on ${k}`);
                    const beyond = s.replacesOnDiff.filter((k) => !f.replaceOnChanges.includes(k));
                    const explained =
                        plugin === "random" ? beyond.filter(() => true) : beyond.filter((k) => s.knownDifferences?.[k]);
                    assert.deepEqual(
                        beyond,
                        explained,
                        "a replace beyond the schema's is a known, documented difference (random: every argument RequiresReplace)",
                    );
                });

                it("the installed SDK declares the same inputs, outputs, replaceOnChanges and secret outputs", () => {
                    const sdk = sdkDeclared(type);
                    assert.deepEqual(sdk.inputs, f.inputs, "the SDK's Args interface");
                    assert.deepEqual(sdk.outputs, f.outputs, "the SDK's output properties");
                    for (const k of sdk.replaceOnChanges)
                        assert.ok(
                            s.replacesOnDiff.includes(k),
                            `the SDK replaces on ${k}: the stand-in's diff must too`,
                        );
                    for (const k of sdk.secretOutputs.filter((o) => [...s.inputs, ...s.computedOutputs].includes(o))) {
                        assert.ok(s.secretOutputs.includes(k), `the SDK marks ${k} secret: so must the stand-in`);
                    }
                });

                it("every unsupported input, missing output and known difference is named in docs/standin-plugins.md", () => {
                    for (const k of [
                        ...s.unsupportedInputs,
                        ...s.missingOutputs,
                        ...Object.keys(s.knownDifferences ?? {}),
                    ]) {
                        assert.ok(doc.includes(`\`${k}\``), `docs/standin-plugins.md does not name ${k} (${type})`);
                    }
                });
            });
        }
    }
});
