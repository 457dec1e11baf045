"use strict";
// The provider every oVirt dynamic resource stores (`__provider`), as a package of its own: see docs/provider.md,
// "What the state stores". The program gives each resource the exports of this package's `<Kind>.js`; Pulumi's
// closure serialization captures a module that lives under node_modules by reference (`require("<package>/<file>")`,
// @pulumi/pulumi runtime/closure/createClosure.js, captureModuleAsync), so the state holds a text of about 400
// characters that names the kind, instead of this code. In the provider process that `require` finds this package in
// the checkout's node_modules (the dynamic-provider host resolves from its working directory, the program's), and the
// stub loads the real provider from the checkout.
//
// The package is installed as a copy (`install-links=true` in .npmrc): a symlinked package would resolve to its real
// path outside node_modules and be serialized by value (kind.ts refuses that). JavaScript, not TypeScript: node loads
// it from node_modules, where nothing compiles TypeScript. A change here reaches node_modules with `npm ci` after a
// version bump in package.json (tests/serialize checks that the installed copy is the source).

/** The file the stub loads, relative to the checkout. States written before this package run it too: keep it. */
const RUNTIME_MODULE = "providers/ovirt/runtime.ts";

/**
 * The ovirt-ci checkout this package is installed in: the first of its parent directories that holds the runtime
 * module (`<checkout>/node_modules/ovirt-ci-provider-stub`, or the source `<checkout>/providers/ovirt/stub`).
 */
function findCheckout(kind) {
    const fs = require("node:fs");
    const path = require("node:path");
    for (let dir = path.dirname(__dirname); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, RUNTIME_MODULE))) return dir;
        if (path.dirname(dir) === dir) break;
    }
    throw new Error(
        `oVirt provider (${kind}): no ovirt-ci checkout (${RUNTIME_MODULE}) above ${JSON.stringify(__dirname)}; ` +
            "this package works only inside the node_modules of an ovirt-ci checkout (npm ci there)",
    );
}

/** Loads the checkout's runtime module, registering ts-node (transpile only) when nothing compiles .ts yet. */
function loadRuntime(kind) {
    const path = require("node:path");
    const root = findCheckout(kind);
    if (!process[Symbol.for("ts-node.register.instance")]) {
        let tsNode;
        try {
            tsNode = require.resolve("ts-node", { paths: [root] });
        } catch {
            throw new Error(
                `oVirt provider (${kind}): ts-node is not installed in ${root}; run npm ci there (scripts/setup.sh does)`,
            );
        }
        require(tsNode).register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
    }
    return require(path.join(root, RUNTIME_MODULE));
}

/**
 * The stub of one kind. Methods forward to the real provider, loaded on first use and configured with what the host
 * passed to `configure` (the host keeps one stub per distinct `__provider` text, so one per kind per process).
 */
class OvirtProviderStub {
    constructor(kind) {
        this.kind = kind;
        this.loaded = undefined;
        this.configureRequest = undefined;
    }
    provider() {
        this.loaded ??= (async () => {
            const p = loadRuntime(this.kind).createOvirtProvider(this.kind);
            if (this.configureRequest) await p.configure(this.configureRequest);
            return p;
        })();
        return this.loaded;
    }
    async configure(req) {
        this.configureRequest = req;
        this.loaded = undefined; // a new configuration: the next call loads (from the module cache) and configures again
    }
    async check(olds, news) {
        return (await this.provider()).check(olds, news);
    }
    async diff(id, olds, news) {
        return (await this.provider()).diff(id, olds, news);
    }
    async create(inputs) {
        return (await this.provider()).create(inputs);
    }
    async read(id, props) {
        return (await this.provider()).read(id, props);
    }
    async update(id, olds, news) {
        return (await this.provider()).update(id, olds, news);
    }
    async delete(id, props) {
        return (await this.provider()).delete(id, props);
    }
}

module.exports = { RUNTIME_MODULE, OvirtProviderStub };
