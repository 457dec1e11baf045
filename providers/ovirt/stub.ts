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

/* eslint-disable @typescript-eslint/no-require-imports -- the stub captures only its kind: every module is required at call time, in the provider process */
import type * as pulumi from "@pulumi/pulumi";
import type { OvirtKind } from "./runtime";

/** The provider interface every oVirt kind implements (the optional methods of `pulumi.dynamic.ResourceProvider`). */
type LoadedProvider = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">> & {
    configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
};

/** The file the stub loads, relative to the project directory (the one with Pulumi.yaml). */
export const RUNTIME_MODULE = "providers/ovirt/runtime.ts";

/** Environment variable naming the ovirt-ci checkout when the provider process does not run inside it. */
export const PROJECT_DIR_ENV = "OVIRT_CI_PROJECT_DIR";

/**
 * The ovirt-ci checkout the provider process runs in: `$OVIRT_CI_PROJECT_DIR`, else the first of the working
 * directory and its parents that holds the runtime module (the CLI starts the provider in the program's directory).
 */
export function findProjectDir(kind: string): string {
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    const explicit = process.env[PROJECT_DIR_ENV];
    if (explicit) {
        if (fs.existsSync(path.join(explicit, RUNTIME_MODULE))) return path.resolve(explicit);
        throw new Error(`oVirt provider (${kind}): ${PROJECT_DIR_ENV}=${JSON.stringify(explicit)} has no ${RUNTIME_MODULE}; ` +
            "set it to an ovirt-ci checkout or unset it");
    }
    const start = process.cwd();
    for (let dir = start; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, RUNTIME_MODULE))) return dir;
        if (path.dirname(dir) === dir) break;
    }
    throw new Error(`oVirt provider (${kind}): no ovirt-ci checkout (${RUNTIME_MODULE}) in ${JSON.stringify(start)} or its parents; ` +
        `run pulumi from the ovirt-ci project directory, or set ${PROJECT_DIR_ENV} to the checkout`);
}

/** Loads the runtime module of the checkout, registering ts-node (transpile only) when nothing compiles .ts yet. */
export function loadRuntime(kind: string): { createOvirtProvider(kind: string): LoadedProvider } {
    const path = require("node:path") as typeof import("node:path");
    const root = findProjectDir(kind);
    const proc = process as unknown as Record<symbol, unknown>;
    if (!proc[Symbol.for("ts-node.register.instance")]) {
        let tsNode: string;
        try {
            tsNode = require.resolve("ts-node", { paths: [root] });
        } catch {
            throw new Error(`oVirt provider (${kind}): ts-node is not installed in ${root}; run npm ci there (scripts/setup.sh does)`);
        }
            (require(tsNode) as { register(o: object): void }).register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
    }
    return require(path.join(root, RUNTIME_MODULE));
}

/** The stub of one kind; see the file comment. Methods forward to the real provider, loaded on first use. */
export class OvirtProviderStub {
    private loaded?: Promise<LoadedProvider>;
    private configureRequest?: pulumi.dynamic.ConfigureRequest;

    constructor(readonly kind: OvirtKind) {}

    private provider(): Promise<LoadedProvider> {
        this.loaded ??= (async () => {
            const p = loadRuntime(this.kind).createOvirtProvider(this.kind);
            if (this.configureRequest) await p.configure(this.configureRequest);
            return p;
        })();
        return this.loaded;
    }

    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        this.configureRequest = req;
        this.loaded = undefined; // a new configuration: the next call loads (from the module cache) and configures again
    }

    async check(olds: unknown, news: unknown) { return (await this.provider()).check(olds, news); }
    async diff(id: string, olds: unknown, news: unknown) { return (await this.provider()).diff(id, olds, news); }
    async create(inputs: unknown) { return (await this.provider()).create(inputs); }
    async read(id: string, props?: unknown) { return (await this.provider()).read(id, props); }
    async update(id: string, olds: unknown, news: unknown) { return (await this.provider()).update(id, olds, news); }
    async delete(id: string, props: unknown) { return (await this.provider()).delete(id, props); }
}
