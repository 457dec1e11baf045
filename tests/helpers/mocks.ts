/**
 * Pulumi mocks for unit tests: every registration is recorded, invokes are strict.
 * `setMocks` is process-global: all unit specs share the project "ovirt-ci" and stack "ci".
 */
import * as pulumi from "@pulumi/pulumi";

export const registrations: pulumi.runtime.MockResourceArgs[] = [];

/**
 * Installs strict Pulumi mocks for project "ovirt-ci", stack "ci": `newResource` decides each registration's id and
 * state, every invoke fails (the program must not depend on unmocked invokes). Then sets the stack config.
 */
export async function installMocks(
    newResource: (args: pulumi.runtime.MockResourceArgs) => { id: string | undefined; state: Record<string, unknown> },
    config: Record<string, string>,
    secretKeys: string[],
): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource,
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

/** Mocks that record every registration and echo its inputs as its state. */
export async function useMocks(config: Record<string, string> = {}, secretKeys: string[] = []): Promise<void> {
    await installMocks(
        (args) => {
            registrations.push(args);
            return { id: `${args.name}_id`, state: args.inputs };
        },
        config,
        secretKeys,
    );
}

/** Resolves an Output's value (mocks resolve every value, also during "preview: false"). */
export function settle<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}

/** Whether an Output is marked secret. */
export function isSecret<T>(o: pulumi.Output<T>): Promise<boolean> {
    return pulumi.isSecret(o);
}
