// lib/sdkStackProbes.ts: the SDK's message-less probe errors skip the source-map hook; errors with a message keep it.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { skipSourceMapsForSdkProbes } from "../../lib/sdkStackProbes";

describe("skipSourceMapsForSdkProbes", () => {
    const saved = Error.prepareStackTrace;
    let mappedCalls = 0;
    beforeEach(() => {
        mappedCalls = 0;
        // stands for source-map-support's hook: marks the text so the test sees which path formatted it
        Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
            mappedCalls++;
            return `MAPPED ${error}\n${frames.map((f) => `    at ${f}`).join("\n")}`;
        };
        skipSourceMapsForSdkProbes();
    });
    after(() => {
        Error.prepareStackTrace = saved;
    });

    it("formats a probe the way V8 does, without the mapping hook", () => {
        const stack = new Error().stack!;
        assert.equal(mappedCalls, 0);
        assert.match(stack, /^Error\n {4}at /);
    });

    it("keeps the mapping for an error with a message, and for other error classes", () => {
        assert.match(new Error("engine unreachable").stack!, /^MAPPED Error: engine unreachable/);
        assert.match(new TypeError("").stack!, /^MAPPED TypeError/);
        assert.equal(mappedCalls, 2);
    });

    it("leaves positions the SDK's frame parser reads (Resource.callsites)", () => {
        const frames = (pulumi.Resource as unknown as { callsites(): { file?: string; line?: number }[] }).callsites();
        assert.ok(
            frames.some((f) => f.file?.endsWith("sdkStackProbes.spec.ts") && typeof f.line === "number"),
            JSON.stringify(frames.slice(0, 4)),
        );
        assert.equal(mappedCalls, 0);
    });

    it("wraps once: a second call does not stack another layer", () => {
        const once = Error.prepareStackTrace;
        skipSourceMapsForSdkProbes();
        assert.equal(Error.prepareStackTrace, once);
    });
});
