// Types of stub.js (see its header for why the stub is a JavaScript package). Keep in step with it.
import type * as pulumi from "@pulumi/pulumi";

/** The file the stub loads, relative to the checkout. */
export declare const RUNTIME_MODULE: "providers/ovirt/runtime.ts";

/** The stub of one kind; see stub.js. Methods forward to the real provider, loaded on first use. */
export declare class OvirtProviderStub {
    readonly kind: string;
    private loaded?;
    private configureRequest?;
    constructor(kind: string);
    private provider;
    configure(req: pulumi.dynamic.ConfigureRequest): Promise<void>;
    check(olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult>;
    diff(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.DiffResult>;
    create(inputs: unknown): Promise<pulumi.dynamic.CreateResult>;
    read(id: string, props?: unknown): Promise<pulumi.dynamic.ReadResult>;
    update(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.UpdateResult>;
    delete(id: string, props: unknown): Promise<void>;
}
