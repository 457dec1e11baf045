/**
 * Pulumi mocks for unit tests (style.md 3.15): every registration is recorded, invokes are strict.
 * `setMocks` is process-global: all unit specs share the project "ovirt-ci" and stack "ci".
 */
import * as pulumi from "@pulumi/pulumi";

export const registrations: pulumi.runtime.MockResourceArgs[] = [];

export async function useMocks(config: Record<string, string> = {}, secretKeys: string[] = []): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                registrations.push(args);
                return { id: `${args.name}_id`, state: args.inputs };
            },
            call(args) {
                throw new Error(`unmocked invoke: ${args.token}`);
            },
        },
        "ovirt-ci",
        "ci",
        false,
    );
    pulumi.runtime.setAllConfig(config, secretKeys);
}

/** Resolves an Output's value (mocks resolve every value, also during "preview: false"). */
export function settle<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}

/** Whether an Output is marked secret. */
export function isSecret<T>(o: pulumi.Output<T>): Promise<boolean> {
    return pulumi.isSecret(o);
}
