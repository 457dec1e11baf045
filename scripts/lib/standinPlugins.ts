/**
 * Where the local stand-in plugins (tools/standin-plugins, docs/standin-plugins.md) are visible, and where not.
 *
 * They serve only the runs that ask for them: the local default (scripts/local.ts) and the tests give the CLI a
 * plugin home of the stand-ins' own (`PULUMI_HOME`, {@link standinCliEnv}) whose plugin cache links to the
 * launchers; nothing puts them on `PATH`. A real plugin on `PATH` still wins: the CLI looks there first. The operator
 * commands check with {@link refuseStandinsForRealStack} that no stand-in would serve a real stack.
 *
 * How the CLI picks a resource plugin (pulumi/pulumi sdk v3.274.1, go/common/workspace/plugins.go,
 * `getPluginInfoAndPath`): an executable `pulumi-resource-<name>` on `PATH` unless `PULUMI_IGNORE_AMBIENT_PLUGINS`
 * is set (then it warns "using … from $PATH"), else the plugin cache `$PULUMI_HOME/plugins/resource-<name>-v<version>/`
 * (default `~/.pulumi`), skipping a directory with a `.partial` file beside it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/** The launchers' directory: one `pulumi-resource-<name>` per stand-in. */
export const STANDIN_BIN = path.join(ROOT, "tools/standin-plugins/bin");

/** The plugin home of the stand-ins (a `PULUMI_HOME`), made on demand; git ignores it. */
export const STANDIN_HOME = path.join(ROOT, ".pulumi-home-standins");

/** The first line of every launcher says what it is; {@link isStandin} looks for it. */
const STANDIN_MARK = "LOCAL STAND-IN for the provider plugin";

/** The plugins the stand-ins replace, with the version the SDK packages pin (tools/versions.env). */
export function standinPlugins(): { name: string; version: string }[] {
    const versions = fs.readFileSync(path.join(ROOT, "tools/versions.env"), "utf8");
    return ["command", "random", "vault"].map((name) => {
        const key = `${name.toUpperCase()}_SDK_VERSION`;
        const version = new RegExp(`^${key}=(.+)$`, "m").exec(versions)?.[1]?.trim();
        if (!version) throw new Error(`tools/versions.env has no ${key}`);
        return { name, version };
    });
}

/** Whether `file` is a stand-in launcher (of this or any other checkout). */
export function isStandin(file: string): boolean {
    try {
        const fd = fs.openSync(file, "r");
        try {
            const head = Buffer.alloc(512);
            const n = fs.readSync(fd, head, 0, head.length, 0);
            return head.subarray(0, n).toString("utf8").includes(STANDIN_MARK);
        } finally {
            fs.closeSync(fd);
        }
    } catch {
        return false;
    }
}

function executable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/**
 * The executable the CLI would run as `pulumi-resource-<name>` under `env` (the order of the file comment), or
 * undefined when it would find none.
 */
export function pluginSource(name: string, env: NodeJS.ProcessEnv): string | undefined {
    const file = `pulumi-resource-${name}`;
    if (!env.PULUMI_IGNORE_AMBIENT_PLUGINS) {
        for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
            const p = path.resolve(dir, file);
            if (executable(p)) return p;
        }
    }
    const plugins = path.join(env.PULUMI_HOME || path.join(env.HOME || os.homedir(), ".pulumi"), "plugins");
    if (!fs.existsSync(plugins)) return undefined;
    const dirs = fs
        .readdirSync(plugins)
        .filter((d) => d.startsWith(`resource-${name}-v`) && !d.endsWith(".partial") && !d.endsWith(".lock"))
        .filter((d) => !fs.existsSync(path.join(plugins, `${d}.partial`)))
        .sort()
        .reverse();
    for (const d of dirs) {
        const p = path.join(plugins, d, file);
        if (executable(p)) return p;
    }
    return undefined;
}

/** The plugins a stand-in would serve under `env`, each with the launcher the CLI would run. */
export function standinsServing(env: NodeJS.ProcessEnv): { name: string; launcher: string }[] {
    return standinPlugins()
        .map(({ name }) => ({ name, launcher: pluginSource(name, env) }))
        .filter((p): p is { name: string; launcher: string } => !!p.launcher && isStandin(p.launcher))
        .map((p) => ({ name: p.name, launcher: p.launcher }));
}

/** Makes the stand-ins' plugin home: `plugins/resource-<name>-v<version>/pulumi-resource-<name>` → the launcher. */
export function standinPluginHome(): string {
    for (const { name, version } of standinPlugins()) {
        const dir = path.join(STANDIN_HOME, "plugins", `resource-${name}-v${version}`);
        const link = path.join(dir, `pulumi-resource-${name}`);
        const target = path.join(STANDIN_BIN, `pulumi-resource-${name}`);
        fs.mkdirSync(dir, { recursive: true });
        let current: string | undefined;
        try {
            current = fs.readlinkSync(link);
        } catch {
            current = undefined;
        }
        if (current !== target) {
            // renamed into place: test processes running side by side may make the home at the same time
            const fresh = `${link}.${process.pid}`;
            fs.rmSync(fresh, { force: true });
            fs.symlinkSync(target, fresh);
            fs.renameSync(fresh, link);
        }
    }
    return STANDIN_HOME;
}

let announced = false;

/**
 * The environment of a CLI run that the stand-ins may serve (the local default, the tests): the stand-ins' plugin
 * home as `PULUMI_HOME`. Says once per process which plugins they serve under it (none when real plugins are on
 * `PATH`), instead of a warning per plugin.
 */
export function standinCliEnv(
    base: NodeJS.ProcessEnv = process.env,
    say: (msg: string) => void = (m) => process.stderr.write(`[ovirt-ci] ${m}\n`),
): { PULUMI_HOME: string } {
    const env = { PULUMI_HOME: standinPluginHome() };
    if (!announced) {
        announced = true;
        const serving = standinsServing({ ...base, ...env }).map((p) => p.name);
        if (serving.length)
            say(
                `local stand-ins serve the ${serving.join(", ")} plugin(s) of this run (tools/standin-plugins, not the upstream providers; docs/standin-plugins.md)`,
            );
    }
    return env;
}

/** A real stack that a stand-in would serve; the message names the plugins, the fix how to run without them. */
export class StandinRefusal extends Error {
    constructor(
        message: string,
        readonly fix: string,
    ) {
        super(message);
    }
}

/**
 * Whether `stack` under `env` is a local one: not the production stack `ci`, on a `file://` backend (the local
 * default, the tests). Without PULUMI_BACKEND_URL, the local default's backend counts when `localDefault` is set
 * (the commands that fall back to it), else the CLI's logged-in backend, which is not local.
 */
export function isLocalStack(stack: string, env: NodeJS.ProcessEnv, localDefault = false): boolean {
    if (stack === "ci") return false;
    const url = env.PULUMI_BACKEND_URL;
    if (!url) return localDefault;
    return url.startsWith("file://") || isLoopbackS3(url);
}

/** An `s3://` backend whose endpoint is on this machine's loopback: the local default's SeaweedFS (local/seaweedfs.ts). */
function isLoopbackS3(url: string): boolean {
    if (!url.startsWith("s3://")) return false;
    const endpoint = new URLSearchParams(url.split("?")[1] ?? "").get("endpoint");
    if (!endpoint) return false;
    const host = endpoint
        .replace(/^https?:\/\//, "")
        .replace(/:\d+$/, "")
        .replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Refuses, before anything runs, an operator command on a stack that is not local when a stand-in would serve one of
 * its plugins under `env` (e.g. a shell where PULUMI_HOME is the stand-ins' home, or their launchers on PATH).
 */
export function refuseStandinsForRealStack(stack: string, env: NodeJS.ProcessEnv, localDefault = false): void {
    if (isLocalStack(stack, env, localDefault)) return;
    const serving = standinsServing(env);
    if (!serving.length) return;
    throw new StandinRefusal(
        `the stack ${stack} is not a local one, but the local stand-in plugins would serve it: ${serving.map((p) => `pulumi-resource-${p.name} → ${p.launcher}`).join(", ")}`,
        `run it where the real plugins are found: unset PULUMI_HOME (or point it at a home with the real plugins: pulumi plugin install resource <name> <version>) and drop ${STANDIN_BIN} from PATH; nothing was changed`,
    );
}

/**
 * What an operator command (recover, drift, doctor, boskos) adds to the CLI's environment for `stack`: for a local
 * stack, the stand-ins' plugin home (unless OVIRT_CI_REAL_PLUGINS=1), so a local refresh finds its plugins; for any
 * other, nothing, after refusing when a stand-in would serve it ({@link refuseStandinsForRealStack}).
 */
export function operatorCliEnv(
    stack: string,
    env: NodeJS.ProcessEnv,
    localDefault = false,
    say?: (msg: string) => void,
): Record<string, string> {
    if (!isLocalStack(stack, env, localDefault)) {
        refuseStandinsForRealStack(stack, env, localDefault);
        return {};
    }
    return env.OVIRT_CI_REAL_PLUGINS === "1" ? {} : standinCliEnv(env, say);
}
