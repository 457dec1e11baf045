/**
 * Shared part of the LOCAL STAND-IN provider plugins (docs/standin-plugins.md).
 *
 * The real plugins pulumi-resource-{vault,command,random} cannot be built on this machine (their Go
 * modules are not served by the module proxy it reaches). These stand-ins speak the same gRPC protocol,
 * served by `@pulumi/pulumi/provider`'s `main`, and implement the documented behaviour of the upstream
 * providers for the resource types this project uses. They are an emulator for the local embedded
 * default and the tests, found on PATH only after the real plugin directories; never the upstream provider.
 *
 * What the SDK's provider server does not do, and this module adds by wrapping its gRPC service object:
 * - `configure` ignores the provider config: we capture `args` (and the deprecated `variables`) first.
 * - `checkConfig`/`diffConfig` are UNIMPLEMENTED: we answer them (inputs as given; a config change is an
 *   in-place update of the provider, never a replacement of every resource it manages).
 * - `diff` only passes the old *state*, and answers without the changed keys: we pass the old inputs too,
 *   and report the changed keys so the engine's `replaceOnChanges` and `--diff` output work.
 * - `read` only passes the old state: we pass the old inputs too, so a refresh can return real inputs.
 *
 * Values arrive in the provider protocol's JavaScript form: a secret is
 * `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: X}` (the server tells
 * the engine it accepts secrets), an unknown preview value is the string {@link UNKNOWN}. Outputs given
 * back in the same form stay secret in the state.
 */
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import * as provider from "@pulumi/pulumi/provider";

/** The property key that marks a special value in the provider protocol. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The value of {@link SIG_KEY} for a secret. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** An unknown value (preview: a value that is only known after an apply). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A bag of properties in the protocol's JavaScript form. */
export type Props = Record<string, unknown>;

/** Whether `v` is a secret wrapper. */
export function isSecret(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Props)[SIG_KEY] === SECRET_SIG;
}

/** Wraps `v` as a secret (once). */
export function secret<T>(v: T): unknown {
    return isSecret(v) ? v : { [SIG_KEY]: SECRET_SIG, value: v };
}

/** Wraps `v` as a secret when `cond`. */
export function secretIf<T>(cond: boolean, v: T): unknown {
    return cond ? secret(v) : v;
}

/** The value with every secret wrapper removed, deeply. */
export function plain(v: unknown): unknown {
    if (isSecret(v)) return plain(v.value);
    if (Array.isArray(v)) return v.map(plain);
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    }
    return v;
}

/** Whether `v` holds a secret anywhere. */
export function hasSecret(v: unknown): boolean {
    if (isSecret(v)) return true;
    if (Array.isArray(v)) return v.some(hasSecret);
    if (typeof v === "object" && v !== null) return Object.values(v).some(hasSecret);
    return false;
}

/** Whether `v` holds an unknown (preview) value anywhere. */
export function hasUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (isSecret(v)) return hasUnknown(v.value);
    if (Array.isArray(v)) return v.some(hasUnknown);
    if (typeof v === "object" && v !== null) return Object.values(v).some(hasUnknown);
    return false;
}

/** A property's value without secret wrappers; `undefined` for null. */
export function get<T = unknown>(props: Props, key: string): T | undefined {
    const v = plain(props[key]);
    return (v === null ? undefined : v) as T | undefined;
}

/** Whether two property values are equal once secret wrappers are removed (null and absent are equal). */
export function sameValue(a: unknown, b: unknown): boolean {
    const pa = plain(a) ?? undefined;
    const pb = plain(b) ?? undefined;
    return isDeepStrictEqual(pa, pb);
}

/** The keys among `keys` whose values differ between the old inputs and the new ones. */
export function changedKeys(olds: Props, news: Props, keys?: string[]): string[] {
    const all = keys ?? [...new Set([...Object.keys(olds), ...Object.keys(news)])];
    return all.filter((k) => hasUnknown(news[k]) || !sameValue(olds[k], news[k]));
}

/** Copies the given keys that are set (not undefined/null) from `src`. */
export function pick(src: Props, keys: string[]): Props {
    const out: Props = {};
    for (const k of keys) {
        if (src[k] !== undefined && src[k] !== null) out[k] = src[k];
    }
    return out;
}

/** The last `n` characters of a text, marked as cut when it was. */
export function tail(text: string, n = 4000): string {
    return text.length <= n ? text : `…${text.slice(-n)}`;
}

/** The resource type of a URN (`urn:pulumi:stack::project::parent$type::name`). */
export function typeOfUrn(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.split("$").pop() ?? qualified;
}

/** The resource name of a URN. */
export function nameOfUrn(urn: string): string {
    return urn.split("::").slice(3).join("::");
}

/** A validation failure of {@link ResourceHandler.check}. */
export interface Failure {
    property: string;
    reason: string;
}

/** What a diff found. */
export interface DiffOutcome {
    /** Properties whose change the resource must be replaced for. */
    replaces?: string[];
    /** Properties that changed (replaces included). */
    changed: string[];
    deleteBeforeReplace?: boolean;
}

/** One resource type of a stand-in provider. All values are in the protocol's JavaScript form. */
export interface ResourceHandler {
    /** Validates the new inputs and applies defaults. */
    check?(news: Props, olds: Props, urn: string): Promise<{ inputs: Props; failures?: Failure[] }>;
    /** Compares the new inputs with the old inputs (and the old state). */
    diff(id: string, oldState: Props, oldInputs: Props, news: Props): Promise<DiffOutcome>;
    create(urn: string, inputs: Props): Promise<{ id: string; outs: Props }>;
    /** The live state; `undefined` when the resource is gone. `inputs` are the inputs that lead to it. */
    read(
        id: string,
        state: Props,
        oldInputs: Props,
        urn: string,
    ): Promise<{ id?: string; props: Props; inputs?: Props } | undefined>;
    update?(id: string, oldState: Props, news: Props, urn: string): Promise<Props>;
    delete(id: string, state: Props, urn: string): Promise<void>;
}

/** The provider configuration the engine sent with `Configure` (keys without the `<pkg>:` prefix). */
export interface ProviderConfig {
    /** Config values as given (a secret stays wrapped), from the request's `args`. */
    args: Props;
    /** Looks a key up: `args[key]`, then the deprecated `variables["<pkg>:config:<key>"]`; plain text. */
    get(key: string): string | undefined;
}

/** What a stand-in provider is. */
export interface StandinDefinition {
    /** The package name (`vault`, `command`, `random`). */
    name: string;
    /** The version reported by `getPluginInfo`: the version of the npm SDK it stands in for. */
    version: string;
    /** Resource handlers by type token. */
    resources: Record<string, ResourceHandler>;
}

type Callback = (err: unknown, value?: unknown) => void;
interface Call {
    request: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function sdkRequire<T>(mod: string): T {
    const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module of the SDK's own copy, resolved at run time
    return require(require.resolve(mod, { paths: [sdkDir] })) as T;
}

/** An Error whose message says which stand-in failed; never includes secret values by construction. */
export class StandinError extends Error {}

/**
 * Starts the stand-in: serves the provider protocol on a free loopback port and prints the port, like
 * every plugin. Returns the captured provider configuration holder.
 */
export function serve(def: StandinDefinition, argv = process.argv.slice(2)): ProviderConfig {
    const config: ProviderConfig & { variables: Record<string, string> } = {
        args: {},
        variables: {},
        get(key: string): string | undefined {
            const v = plain(this.args[key]);
            if (v !== undefined && v !== null && v !== "") return typeof v === "string" ? v : JSON.stringify(v);
            const fromVars = this.variables[`${def.name}:config:${key}`];
            return fromVars === undefined || fromVars === "" ? undefined : fromVars;
        },
    };
    const handlerFor = (urn: string): ResourceHandler => {
        const h = def.resources[typeOfUrn(urn)];
        if (!h) {
            throw new StandinError(
                `the local stand-in for pulumi-resource-${def.name} does not implement ${typeOfUrn(urn)} ` +
                    `(it implements ${Object.keys(def.resources).join(", ")}); see docs/standin-plugins.md`,
            );
        }
        return h;
    };

    const grpc = sdkRequire<typeof import("@grpc/grpc-js")>("@grpc/grpc-js");
    const provproto = require("@pulumi/pulumi/proto/provider_pb"); // eslint-disable-line @typescript-eslint/no-require-imports
    const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb"); // eslint-disable-line @typescript-eslint/no-require-imports
    const { Struct } = sdkRequire<{ Struct: { fromJavaScript(v: unknown): unknown } }>(
        "google-protobuf/google/protobuf/struct_pb",
    );

    const errorOf = (e: unknown) => ({
        code: grpc.status.UNKNOWN,
        details: e instanceof Error ? e.message : String(e),
        message: e instanceof Error ? e.message : String(e),
    });

    // Wrap the SDK's gRPC service object for the methods it leaves out (see the header comment).
    const originalAddService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (
        this: InstanceType<typeof grpc.Server>,
        service: unknown,
        impl: Record<string, unknown>,
    ) {
        if (service === provrpc.ResourceProviderService) {
            const sdkConfigure = (impl.configure as (call: Call, cb: Callback) => void).bind(impl);
            impl.configure = (call: Call, cb: Callback) => {
                const req = call.request;
                config.args = (req.getArgs()?.toJavaScript() as Props | undefined) ?? {};
                config.variables = Object.fromEntries(req.getVariablesMap().toArray() as [string, string][]);
                sdkConfigure(call, cb);
            };
            impl.checkConfig = (call: Call, cb: Callback) => {
                const resp = new provproto.CheckResponse();
                resp.setInputs(call.request.getNews());
                cb(null, resp);
            };
            impl.diffConfig = (call: Call, cb: Callback) => {
                const req = call.request;
                const olds = (req.getOldInputs()?.toJavaScript() ?? req.getOlds()?.toJavaScript() ?? {}) as Props;
                const news = (req.getNews()?.toJavaScript() ?? {}) as Props;
                const changed = changedKeys(olds, news).filter((k) => k !== "version");
                const resp = new provproto.DiffResponse();
                resp.setChanges(
                    changed.length
                        ? provproto.DiffResponse.DiffChanges.DIFF_SOME
                        : provproto.DiffResponse.DiffChanges.DIFF_NONE,
                );
                resp.setDiffsList(changed);
                cb(null, resp);
            };
            impl.diff = (call: Call, cb: Callback) => {
                const req = call.request;
                (async () => {
                    const oldState = (req.getOlds()?.toJavaScript() ?? {}) as Props;
                    const oldInputs = (req.getOldInputs()?.toJavaScript() ?? oldState) as Props;
                    const news = (req.getNews()?.toJavaScript() ?? {}) as Props;
                    const d = await handlerFor(req.getUrn()).diff(req.getId(), oldState, oldInputs, news);
                    const resp = new provproto.DiffResponse();
                    resp.setChanges(
                        d.changed.length
                            ? provproto.DiffResponse.DiffChanges.DIFF_SOME
                            : provproto.DiffResponse.DiffChanges.DIFF_NONE,
                    );
                    resp.setDiffsList(d.changed);
                    if (d.replaces?.length) resp.setReplacesList(d.replaces);
                    if (d.deleteBeforeReplace) resp.setDeletebeforereplace(true);
                    return resp;
                })().then(
                    (r) => cb(null, r),
                    (e) => cb(errorOf(e)),
                );
            };
            impl.read = (call: Call, cb: Callback) => {
                const req = call.request;
                (async () => {
                    const state = (req.getProperties()?.toJavaScript() ?? {}) as Props;
                    const oldInputs = (req.getInputs()?.toJavaScript() ?? {}) as Props;
                    const r = await handlerFor(req.getUrn()).read(req.getId(), state, oldInputs, req.getUrn());
                    const resp = new provproto.ReadResponse();
                    if (r) {
                        resp.setId(r.id ?? req.getId());
                        resp.setProperties(Struct.fromJavaScript(r.props));
                        if (r.inputs) resp.setInputs(Struct.fromJavaScript(r.inputs));
                    }
                    // An empty id tells the engine the resource is gone.
                    return resp;
                })().then(
                    (r) => cb(null, r),
                    (e) => cb(errorOf(e)),
                );
            };
        }
        return originalAddService.call(this, service as never, impl as never);
    };

    const p: provider.Provider = {
        version: def.version,
        async check(urn, olds, news) {
            const h = handlerFor(urn);
            if (!h.check) return { inputs: news };
            const r = await h.check(news as Props, (olds ?? {}) as Props, urn);
            return { inputs: r.inputs, failures: r.failures };
        },
        async create(urn, inputs) {
            return handlerFor(urn).create(urn, inputs as Props);
        },
        async update(id, urn, olds, news) {
            const h = handlerFor(urn);
            if (!h.update)
                throw new StandinError(`${typeOfUrn(urn)} is never updated in place (every change replaces it)`);
            return { outs: await h.update(id, olds as Props, news as Props, urn) };
        },
        async delete(id, urn, props) {
            await handlerFor(urn).delete(id, props as Props, urn);
        },
    };
    void provider.main(p, argv);
    return config;
}
