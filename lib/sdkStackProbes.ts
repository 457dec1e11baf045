/**
 * Pulumi's Node.js SDK takes a stack trace, with `new Error().stack`, of every resource it registers (its source
 * position, `Resource.callsites` in @pulumi/pulumi 3.270.0 resource.js, with an unlimited `Error.stackTraceLimit`)
 * and of every promise it tracks (`debuggablePromise`, runtime/debuggable.js). Under ts-node each such trace goes
 * through source-map-support, which maps every frame back to TypeScript: on a 20 + 6 lease preview that was ≈ 2.5 s
 * of the program's ≈ 9 s of CPU (a CPU profile of the program process, docs/bench.md). The SDK's probes are errors
 * without a message and their text is never shown to anyone: the positions only go into the state's
 * `sourcePosition` / `stackTrace` metadata. So probes get V8's own format (the JavaScript positions, which the
 * SDK's frame parser reads the same way), and every error with a message keeps its TypeScript positions.
 */

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;
const FAST = Symbol.for("ovirt-ci.sdkStackProbes");

/** Lets the SDK's message-less probe errors skip source mapping; a no-op without a mapping hook, or when done already. */
export function skipSourceMapsForSdkProbes(): void {
    const mapped = Error.prepareStackTrace as (PrepareStackTrace & { [FAST]?: true }) | undefined;
    if (!mapped || mapped[FAST]) return;
    const fast: PrepareStackTrace = (error, frames) =>
        error.message === "" && error.name === "Error" ? v8Format(error, frames) : mapped(error, frames);
    Error.prepareStackTrace = Object.assign(fast, { [FAST]: true as const });
}

/** V8's default `stack` text: the error's string, then one `    at <frame>` line per call site. */
function v8Format(error: Error, frames: NodeJS.CallSite[]): string {
    return [String(error), ...frames.map((f) => `    at ${f}`)].join("\n");
}
