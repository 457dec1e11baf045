// The text the Pulumi SDK stores as a dynamic resource's `__provider`, made the SDK's way: the closure of
// `() => provider` with secrets allowed (@pulumi/pulumi 3.270.0, dynamic/index.js, serializeFunctionMaybeSecret).
// JavaScript, not TypeScript, for the reason of providers/ovirt/stub.js: the root function's own text is part of the
// serialized text, and a transpiler would print it its own way.
"use strict";
const pulumi = require("@pulumi/pulumi");

/** @param {object} provider @returns {Promise<string>} */
exports.sdkProviderText = async function (provider) {
    return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
};
