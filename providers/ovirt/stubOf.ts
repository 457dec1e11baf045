// The stub a kind's resources store as `__provider` (the package providers/ovirt/stub, docs/provider.md).
import * as path from "node:path";
import type { OvirtProviderStub } from "ovirt-ci-provider-stub";

/** The package of stubs, installed as a copy in the checkout's node_modules (.npmrc `install-links=true`). */
export const STUB_PACKAGE = "ovirt-ci-provider-stub";

/**
 * The stub of `kind`: the exports of `ovirt-ci-provider-stub/<kind>.js`. Pulumi stores a module under node_modules
 * as a `require` of it, so every resource's `__provider` stays a few hundred characters; a package resolved outside
 * node_modules (a symlink, as npm makes without install-links) would be stored whole, so it is refused.
 */
export function stubOf(kind: string): OvirtProviderStub {
    const request = `${STUB_PACKAGE}/${kind}.js`;
    let file: string;
    try {
        file = require.resolve(request);
    } catch {
        throw new Error(
            `oVirt provider: ${request} is not installed; the stubs of providers/ovirt/stub/ are a dependency of ovirt-ci: run npm ci (scripts/setup.sh does)`,
        );
    }
    if (!file.split(path.sep).includes("node_modules"))
        throw new Error(
            `oVirt provider: ${request} resolves to ${file}, outside node_modules, so every resource would store the stub's whole code; ` +
                "install it as a copy: keep install-links=true in .npmrc and run npm ci",
        );
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module's exports object itself is the stub (an import would wrap it)
    return require(file) as OvirtProviderStub;
}
