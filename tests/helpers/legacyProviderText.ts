// The `__provider` texts older ovirt-ci checkouts wrote into every oVirt resource's state, rebuilt for tests of
// destroy, refresh and the one-time migration from such states (docs/provider.md, "What the state stores").
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { sdkProviderText } from "../serialize/sdkSerialize";
import { OvirtProviderStub as StubV1 } from "./stubV1";

/**
 * The `__provider` text of `kind` in states written after the stub and before the stub package (the 6.4 kB stub of
 * ./stubV1.js, the text every resource stored until then): the SDK's serialization of that stub object.
 */
export function stubV1ProviderText(kind: string): Promise<string> {
    return sdkProviderText(new StubV1(kind));
}

const repoRoot = path.resolve(__dirname, "../..");

/** Serializes in the child; a file, not `node -e`: from an eval'd script the closure serializer loses `exports.X`. */
const CHILD = path.join(__dirname, "legacyProviderTextChild.js");

/**
 * The `__provider` text that states written before the stub (./stubV1.js) hold for an oVirt kind: the
 * kind's whole provider closure, serialized the way those checkouts serialized it. They ran the program through
 * ts-node with the TypeScript transpiler; the SWC transpiler the program uses now compiles `import * as` into a
 * helper that caches in a WeakMap, which closure serialization cannot carry, so the old form is rebuilt in a child
 * process with the TypeScript transpiler (only the transpiler differs: same sources, same tsconfig).
 *
 * Whole-provider texts of `kinds`, keyed by kind (one child process for all of them).
 */
export function legacyProviderTexts(kinds: readonly string[]): Record<string, string> {
    const out = execFileSync(process.execPath, [CHILD, repoRoot, ...kinds], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        env: process.env,
    });
    return JSON.parse(out) as Record<string, string>;
}
