// Throwaway program of tests/standin: one scenario per stack (config `scenario`), each using only the
// package it tests, so a stack asks the engine for one plugin.
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const scenario = config.require("scenario");

/* eslint-disable @typescript-eslint/no-require-imports */
if (scenario === "vault") {
    const vault = require("@pulumi/vault") as typeof import("@pulumi/vault");
    const item = new vault.kv.SecretV2("item", {
        mount: config.require("vaultMount"),
        name: config.require("itemName"),
        dataJson: JSON.stringify(config.requireObject<Record<string, string>>("itemData")),
        deleteAllVersions: config.getBoolean("deleteAllVersions"),
        disableRead: config.getBoolean("disableRead"),
    });
    exports.itemPath = item.path;
    exports.itemData = item.data;
    exports.itemVersion = item.metadata.apply((m) => m.version);
    if (config.getBoolean("withMount")) {
        const mount = new vault.Mount("extra", {
            path: config.require("extraMount"),
            type: "kv",
            options: { version: "2" },
            description: "stand-in test",
        });
        const inMount = new vault.kv.SecretV2("in-mount", {
            mount: mount.path,
            name: "x",
            dataJson: JSON.stringify({ a: "b" }),
            deleteAllVersions: true,
        });
        exports.mountAccessor = mount.accessor;
        exports.inMountPath = inMount.path;
    }
}

if (scenario === "random") {
    const random = require("@pulumi/random") as typeof import("@pulumi/random");
    const pw = new random.RandomPassword("pw", {
        length: 20,
        minSpecial: 2,
        minNumeric: 2,
        overrideSpecial: "-_",
        keepers: { k: config.require("keeper") },
    });
    const str = new random.RandomString("str", { length: 12, special: false, upper: false });
    exports.password = pw.result;
    exports.bcryptHash = pw.bcryptHash;
    exports.str = str.result;
}

if (scenario === "command") {
    const command = require("@pulumi/command") as typeof import("@pulumi/command");
    const logDir = config.require("logDir");
    const local = new command.local.Command("local", {
        create: `echo local-$((6*7)) && echo to-stderr >&2`,
        environment: { STANDIN_LOCAL: config.require("gen") },
        update: `echo "local-updated prev=$PULUMI_COMMAND_STDOUT gen=$STANDIN_LOCAL"`,
    });
    exports.localStdout = local.stdout;
    exports.localStderr = local.stderr;
    if (config.getBoolean("failLocal")) {
        new command.local.Command("failing", { create: "echo some-stdout; echo boom-on-stderr >&2; exit 3" });
    }
    const secretWord = config.getSecret("secretWord");
    if (secretWord) {
        // A command whose text is a secret: its stdout is not secret (the provider marks only the connection),
        // and when it fails the error quotes the whole text.
        const quiet = new command.local.Command("secret-text", {
            create: pulumi.interpolate`echo quiet >/dev/null # ${secretWord}`,
        });
        exports.secretTextCreate = quiet.create;
        exports.secretTextStdout = quiet.stdout;
        if (config.getBoolean("failSecret")) {
            new command.local.Command("secret-fails", {
                create: pulumi.interpolate`echo "holds ${secretWord}"; exit 4`,
            });
        }
    }
    const deadPort = config.getNumber("deadPort");
    if (deadPort) {
        new command.remote.Command("unreachable", {
            connection: {
                host: "127.0.0.1",
                port: deadPort,
                user: "nobody",
                password: "x",
                dialErrorLimit: config.getNumber("dialErrorLimit"),
            },
            create: "true",
        });
    }
    if (config.get("sshHost")) {
        const remote = new command.remote.Command("remote", {
            connection: {
                host: config.require("sshHost"),
                port: config.requireNumber("sshPort"),
                user: config.require("sshUser"),
                privateKey: config.requireSecret("sshKey"),
                hostKey: config.get("sshHostKey"),
            },
            environment: { STANDIN_GEN: config.require("gen") },
            create: `echo "created gen=$STANDIN_GEN" >> ${logDir}/remote.log && echo hello-remote`,
            update: `echo "updated gen=$STANDIN_GEN prev=$PULUMI_COMMAND_STDOUT" >> ${logDir}/remote.log && echo hello-updated`,
            delete: `echo "deleted prev=$PULUMI_COMMAND_STDOUT" >> ${logDir}/remote.log`,
            triggers: [config.require("trigger")],
        });
        exports.remoteStdout = remote.stdout;
    }
}
if (scenario === "proxyStep") {
    // The program's real HAProxy step (lib/render/proxy/haproxy.ts) on the sandbox's target over SSH, its file on
    // stdin; a file that fails `haproxy -c` makes the step fail the way the command provider reports it.
    const command = require("@pulumi/command") as typeof import("@pulumi/command");
    const { haproxyScripts, targetHaproxyConfig } =
        require("../../../lib/render/proxy/haproxy") as typeof import("../../../lib/render/proxy/haproxy");
    const { sandboxTarget } = require("../../../local/proxyTarget") as typeof import("../../../local/proxyTarget");
    const ports = {
        api: config.requireNumber("port"),
        https: config.requireNumber("port") + 1,
        http: config.requireNumber("port") + 2,
        stats: config.requireNumber("port") + 3,
    };
    const target = sandboxTarget({
        rootDir: config.require("rootDir"),
        externalInterface: "eth0",
        upstreamDns: [],
        localDnsPort: 0,
        localHaproxyPorts: ports,
    });
    const scripts = haproxyScripts(target);
    const file = config
        .requireSecret("statsPassword")
        .apply(
            (pw) =>
                targetHaproxyConfig(target, [], "admin", pw) +
                (config.getBoolean("breakIt") ? "frontend broken\n    bind 127.0.0.1:notaport\n" : ""),
        );
    new command.remote.Command("proxy-haproxy", {
        connection: {
            host: config.require("sshHost"),
            port: config.requireNumber("sshPort"),
            user: config.require("sshUser"),
            privateKey: config.requireSecret("sshKey"),
        },
        create: scripts.create,
        delete: scripts.delete,
        stdin: file,
        addPreviousOutputInEnv: false,
    });
}
if (scenario === "hostKey") {
    // The proxy's host key recorded on first contact (the SshHostKey kind, providers/ovirt/sshHostKey.ts, through the
    // stub its resources store: the program does not compile the provider) and pinned by a remote command, as
    // components/proxyVm.ts wires them.
    const command = require("@pulumi/command") as typeof import("@pulumi/command");
    const host = config.require("sshHost");
    const port = config.requireNumber("sshPort");
    class SshHostKey extends pulumi.dynamic.Resource {
        declare readonly publicKey: pulumi.Output<string>;
        declare readonly fingerprintSha256: pulumi.Output<string>;
    }
    const recorded = new SshHostKey(
        require("ovirt-ci-provider-stub/SshHostKey.js"),
        "proxy-host-key",
        {
            publicKey: undefined,
            fingerprintSha256: undefined,
            providerVersion: undefined,
            host,
            port,
            timeoutSeconds: 30,
        },
        undefined,
        "ovirt",
        "SshHostKey",
    );
    const pinned = new command.remote.Command("pinned", {
        connection: {
            host,
            port,
            user: config.require("sshUser"),
            privateKey: config.requireSecret("sshKey"),
            hostKey: recorded.publicKey,
            dialErrorLimit: 1,
        },
        create: `echo "ran gen=${config.require("gen")}" >> ${config.require("logDir")}/pinned.log`,
    });
    exports.hostKey = recorded.publicKey;
    exports.fingerprint = recorded.fingerprintSha256;
    exports.ran = pinned.stdout;
}
