// Proves the toolchain: the language host runs TypeScript, the dynamic-provider launcher serves a
// dynamic resource, and (when `withPlugins` is set) the command, random and vault plugins work.
import * as pulumi from "@pulumi/pulumi";

interface EchoInputs {
    message: string;
}

/** A dynamic provider with no captures: create, diff and delete are all the engine calls. */
class EchoProvider implements pulumi.dynamic.ResourceProvider<EchoInputs, EchoInputs & { length: number }> {
    async create(inputs: EchoInputs) {
        return { id: `echo-${inputs.message.length}`, outs: { ...inputs, length: inputs.message.length } };
    }
    async diff(_id: string, olds: EchoInputs, news: EchoInputs) {
        return { changes: olds.message !== news.message, replaces: olds.message !== news.message ? ["message"] : [] };
    }
}

class Echo extends pulumi.dynamic.Resource {
    declare readonly length: pulumi.Output<number>;
    constructor(name: string, message: string) {
        super(new EchoProvider(), name, { message, length: undefined }, {}, "smoke", "Echo");
    }
}

const config = new pulumi.Config();
const echo = new Echo("echo", config.get("message") ?? "hello");
export const echoLength = echo.length;

if (config.getBoolean("withPlugins")) {
    // Loaded only here, so the stack without plugins never asks the engine for them.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const random = require("@pulumi/random") as typeof import("@pulumi/random");
    const command = require("@pulumi/command") as typeof import("@pulumi/command");
    const vault = require("@pulumi/vault") as typeof import("@pulumi/vault");
    const password = new random.RandomPassword("password", { length: 24, special: false });
    const local = new command.local.Command("hostname", { create: "echo smoke-$((6*7))" });
    const item = new vault.kv.SecretV2("item", {
        mount: config.require("vaultMount"),
        name: "smoke/item",
        dataJson: pulumi.jsonStringify({ password: password.result, said: local.stdout }),
    });
    exports.said = local.stdout;
    exports.itemPath = item.path;
}
