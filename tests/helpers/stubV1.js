"use strict";
// FIXTURE, not product code: the provider stub as ovirt-ci wrote it into every state from the stub's introduction
// until the stub package (providers/ovirt/stub/, docs/provider.md). Kept byte for byte (tests/serialize pins the
// text it serializes to by the digest those states hold) so that tests can build a state "written by an older
// main" and prove that destroy, refresh and the one-time migration by `up` work from it. States that hold this text
// run it in the provider process, so providers/ovirt/runtime.ts must stay where RUNTIME_MODULE says.
// The original header follows.
// Plain JavaScript on purpose, in the shape TypeScript 5.9 emits for CommonJS (the stub was stub.ts until the
// program moved to the SWC transpiler): Pulumi serializes the source text of these functions into the `__provider`
// of every oVirt resource in the state (the dynamic provider's closure serialization reads `Function.toString()`).
// Written in TypeScript, that text was the transpiler's output, so changing the transpiler, or a TypeScript release
// that prints differently, would change the `__provider` of every resource of every stack, and the next preview
// would show every oVirt resource as an update. Node loads this file as it is, whatever compiles the .ts files.
// Its types are in stub.d.ts. Edit it knowingly: any change to a function's text below is such a change of every
// state (tests/serialize/providers.spec.ts pins the stub's text by digest and says so when it moves).
// Not formatted by prettier for the same reason (.prettierignore).
// What every oVirt dynamic resource serializes into its state (`__provider`): a stub of a few kB that, in the provider
// process, loads the real provider (./runtime) from the ovirt-ci checkout it runs in, instead of the provider's whole
// closure (client, representation and the resource's own module, ≈ 50 kB, stored twice per resource).
//
// Why: the file backend writes the whole checkpoint around every step. With the closure in every resource a
// 20-lease stack's state was 6 MB and the checkpoint writes serialized the `up` (docs/bench.md). The stub makes the
// state 4–5× smaller and keeps it the same across checkouts and provider edits (it names the kind, no path).
//
// Serialization rules: the stub captures only its kind. Node built-ins, ts-node and the runtime module are required
// inside methods; the loaded provider lives on the stub object, so each deserialized stub (the host keeps one per
// distinct `__provider` text, configured once) has its own, configured with what the host passed to this stub.
Object.defineProperty(exports, "__esModule", { value: true });
exports.OvirtProviderStub = exports.PROJECT_DIR_ENV = exports.RUNTIME_MODULE = void 0;
exports.findProjectDir = findProjectDir;
exports.loadRuntime = loadRuntime;
/** The file the stub loads, relative to the project directory (the one with Pulumi.yaml). */
exports.RUNTIME_MODULE = "providers/ovirt/runtime.ts";
/** Environment variable naming the ovirt-ci checkout when the provider process does not run inside it. */
exports.PROJECT_DIR_ENV = "OVIRT_CI_PROJECT_DIR";
/**
 * The ovirt-ci checkout the provider process runs in: `$OVIRT_CI_PROJECT_DIR`, else the first of the working
 * directory and its parents that holds the runtime module (the CLI starts the provider in the program's directory).
 */
function findProjectDir(kind) {
    const fs = require("node:fs");
    const path = require("node:path");
    const explicit = process.env[exports.PROJECT_DIR_ENV];
    if (explicit) {
        if (fs.existsSync(path.join(explicit, exports.RUNTIME_MODULE)))
            return path.resolve(explicit);
        throw new Error(`oVirt provider (${kind}): ${exports.PROJECT_DIR_ENV}=${JSON.stringify(explicit)} has no ${exports.RUNTIME_MODULE}; ` +
            "set it to an ovirt-ci checkout or unset it");
    }
    const start = process.cwd();
    for (let dir = start;; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, exports.RUNTIME_MODULE)))
            return dir;
        if (path.dirname(dir) === dir)
            break;
    }
    throw new Error(`oVirt provider (${kind}): no ovirt-ci checkout (${exports.RUNTIME_MODULE}) in ${JSON.stringify(start)} or its parents; ` +
        `run pulumi from the ovirt-ci project directory, or set ${exports.PROJECT_DIR_ENV} to the checkout`);
}
/** Loads the runtime module of the checkout, registering ts-node (transpile only) when nothing compiles .ts yet. */
function loadRuntime(kind) {
    const path = require("node:path");
    const root = findProjectDir(kind);
    const proc = process;
    if (!proc[Symbol.for("ts-node.register.instance")]) {
        let tsNode;
        try {
            tsNode = require.resolve("ts-node", { paths: [root] });
        }
        catch {
            throw new Error(`oVirt provider (${kind}): ts-node is not installed in ${root}; run npm ci there (scripts/setup.sh does)`);
        }
        require(tsNode).register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
    }
    return require(path.join(root, exports.RUNTIME_MODULE));
}
/** The stub of one kind; see the file comment. Methods forward to the real provider, loaded on first use. */
class OvirtProviderStub {
    kind;
    loaded;
    configureRequest;
    constructor(kind) {
        this.kind = kind;
    }
    provider() {
        this.loaded ??= (async () => {
            const p = loadRuntime(this.kind).createOvirtProvider(this.kind);
            if (this.configureRequest)
                await p.configure(this.configureRequest);
            return p;
        })();
        return this.loaded;
    }
    async configure(req) {
        this.configureRequest = req;
        this.loaded = undefined; // a new configuration: the next call loads (from the module cache) and configures again
    }
    async check(olds, news) { return (await this.provider()).check(olds, news); }
    async diff(id, olds, news) { return (await this.provider()).diff(id, olds, news); }
    async create(inputs) { return (await this.provider()).create(inputs); }
    async read(id, props) { return (await this.provider()).read(id, props); }
    async update(id, olds, news) { return (await this.provider()).update(id, olds, news); }
    async delete(id, props) { return (await this.provider()).delete(id, props); }
}
exports.OvirtProviderStub = OvirtProviderStub;
