"use strict";
// Child process of legacyProviderText.ts: prints the whole-provider texts of the kinds in argv as JSON.
const root = process.argv[2];
require(require.resolve("ts-node", { paths: [root] })).register({
    transpileOnly: true,
    swc: false,
    project: root + "/tsconfig.json",
});
const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [root] }));
const { createOvirtProvider } = require(root + "/providers/ovirt/runtime.ts");
(async () => {
    const out = {};
    for (const kind of process.argv.slice(3)) {
        const whole = createOvirtProvider(kind);
        out[kind] = (await pulumi.runtime.serializeFunction(() => whole)).text;
    }
    process.stdout.write(JSON.stringify(out));
})().catch((e) => {
    process.stderr.write(String((e && e.stack) || e));
    process.exit(1);
});
