/**
 * Clears Pulumi's `protect` flag on every resource of a stack (the `pulumi state unprotect --all` of the Automation
 * API, which has no such call): the state is exported, the flags dropped, the state imported again. Nothing on the
 * engine or in Vault changes.
 *
 * Only for stacks that are thrown away whole (the local embedded default's `down:local`, test stacks): on a real
 * stack, replacing or removing a protected resource is the per-resource opt-in `ovirt-ci:allowReplace`
 * (docs/operator.md, "Replacing or removing a protected resource").
 */
import { Stack } from "@pulumi/pulumi/automation";

/** Unprotects every resource of `stack`; returns the URNs that were protected. */
export async function unprotectAll(stack: Stack): Promise<string[]> {
    const exported = await stack.exportStack();
    const resources = (exported.deployment?.resources ?? []) as { urn: string; protect?: boolean }[];
    const protectedUrns = resources.filter((r) => r.protect).map((r) => r.urn);
    if (protectedUrns.length === 0) return [];
    for (const r of resources) delete r.protect;
    await stack.importStack(exported);
    return protectedUrns;
}
