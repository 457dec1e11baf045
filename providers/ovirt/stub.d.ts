// Types of stub.js (see its header for why the stub is JavaScript). Keep in step with it.
import type * as pulumi from "@pulumi/pulumi";
import type { OvirtKind } from "./runtime";

/** The provider interface every oVirt kind implements (the optional methods of `pulumi.dynamic.ResourceProvider`). */
type LoadedProvider = Required<
    Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">
> & {
    configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
};

/** The file the stub loads, relative to the project directory (the one with Pulumi.yaml). */
export declare const RUNTIME_MODULE = "providers/ovirt/runtime.ts";
/** Environment variable naming the ovirt-ci checkout when the provider process does not run inside it. */
export declare const PROJECT_DIR_ENV = "OVIRT_CI_PROJECT_DIR";
/**
 * The ovirt-ci checkout the provider process runs in: `$OVIRT_CI_PROJECT_DIR`, else the first of the working
 * directory and its parents that holds the runtime module (the CLI starts the provider in the program's directory).
 */
export declare function findProjectDir(kind: string): string;
/** Loads the runtime module of the checkout, registering ts-node (transpile only) when nothing compiles .ts yet. */
export declare function loadRuntime(kind: string): { createOvirtProvider(kind: string): LoadedProvider };
/** The stub of one kind; see stub.js. Methods forward to the real provider, loaded on first use. */
export declare class OvirtProviderStub {
    readonly kind: OvirtKind;
    private loaded?;
    private configureRequest?;
    constructor(kind: OvirtKind);
    private provider;
    configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
    check(olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult>;
    diff(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.DiffResult>;
    create(inputs: unknown): Promise<pulumi.dynamic.CreateResult>;
    read(id: string, props?: unknown): Promise<pulumi.dynamic.ReadResult>;
    update(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.UpdateResult>;
    delete(id: string, props: unknown): Promise<void>;
}
export {};
