// Shared pieces of the oVirt dynamic providers: configuration, sessions, check/diff helpers.
import type * as pulumi from "@pulumi/pulumi";
import { Endpoint, openSession, resolveEndpoint, ConfigSource, Session } from "./client";
import { isUuid } from "../../lib/uuid";

export type CheckFailure = { property: string; reason: string };

/**
 * Base of every oVirt provider. `configure` keeps the stack config object handed over by the provider process;
 * the endpoint is resolved at call time from it, falling back to the environment (pulumi 3.270 calls `configure`
 * once per deserialized provider with the whole stack config; when the engine sent no config at all the
 * environment still works). Nothing is stored at construction, so the serialized provider holds no credential.
 */
export abstract class OvirtProviderBase {
    protected stackConfig?: ConfigSource;

    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        this.stackConfig = req.config;
    }

    /** The endpoint, resolved now (config, then environment). */
    endpoint(): Endpoint {
        return resolveEndpoint(this.stackConfig);
    }

    session(operation: string): Promise<Session> {
        return openSession(this.endpoint(), operation);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// check helpers: each returns the normalised value and pushes a failure naming the field and the fix.
// During a preview, inputs computed from other resources arrive as Pulumi's unknown sentinel: they are passed
// through unvalidated (they are checked again, known, before create/update).

/** `rpc.unknownValue` of @pulumi/pulumi: what an unknown (not yet computed) input looks like inside a provider. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(v: unknown): boolean {
    return v === UNKNOWN;
}

/** True when the value or anything nested in it is unknown. */
export function hasUnknown(v: unknown): boolean {
    if (isUnknown(v)) return true;
    if (Array.isArray(v)) return v.some(hasUnknown);
    if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
    return false;
}

export function reqString(news: Record<string, unknown>, field: string, failures: CheckFailure[], hint = ""): string {
    if (isUnknown(news[field])) return UNKNOWN;
    const v = news[field];
    if (typeof v !== "string" || v.trim() === "") {
        failures.push({
            property: field,
            reason: `${field} is required and must be a non-empty string${hint ? ` (${hint})` : ""}, got ${JSON.stringify(v)}`,
        });
        return "";
    }
    return v.trim();
}

export function optString(news: Record<string, unknown>, field: string, failures: CheckFailure[]): string | undefined {
    if (isUnknown(news[field])) return UNKNOWN;
    const v = news[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") {
        failures.push({ property: field, reason: `${field} must be a string, got ${JSON.stringify(v)}` });
        return undefined;
    }
    return v;
}

export function optBool(
    news: Record<string, unknown>,
    field: string,
    failures: CheckFailure[],
    dflt: boolean,
): boolean {
    if (isUnknown(news[field])) return news[field] as never;
    const v = news[field];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== "boolean") {
        failures.push({ property: field, reason: `${field} must be true or false, got ${JSON.stringify(v)}` });
        return dflt;
    }
    return v;
}

export function optInt(
    news: Record<string, unknown>,
    field: string,
    failures: CheckFailure[],
    min: number,
    max: number,
    dflt?: number,
): number | undefined {
    if (isUnknown(news[field])) return news[field] as never;
    const v = news[field];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
        failures.push({
            property: field,
            reason: `${field} must be an integer ${min}..${max}, got ${JSON.stringify(v)}`,
        });
        return dflt;
    }
    return v;
}

export function optEnum<T extends string>(
    news: Record<string, unknown>,
    field: string,
    failures: CheckFailure[],
    allowed: readonly T[],
    dflt: T,
): T {
    if (isUnknown(news[field])) return news[field] as never;
    const v = news[field];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
        failures.push({
            property: field,
            reason: `${field} must be one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`,
        });
        return dflt;
    }
    return v as T;
}

/** An engine id (UUID), lower-cased. */
export function reqId(news: Record<string, unknown>, field: string, failures: CheckFailure[]): string {
    if (isUnknown(news[field])) return UNKNOWN;
    const v = news[field];
    if (typeof v !== "string" || !isUuid(v.trim())) {
        failures.push({
            property: field,
            reason: `${field} must be an engine id (UUID), e.g. from a lookup or another resource's id; got ${JSON.stringify(v)}`,
        });
        return typeof v === "string" ? v : "";
    }
    return v.trim().toLowerCase();
}

export function optId(news: Record<string, unknown>, field: string, failures: CheckFailure[]): string | undefined {
    if (news[field] === undefined || news[field] === null) return undefined;
    return reqId(news, field, failures);
}

/** oVirt entity names: 1..max characters of letters, digits, `-`, `_`, `.`. */
export function reqName(
    news: Record<string, unknown>,
    field: string,
    failures: CheckFailure[],
    max = 50,
    pattern = /^[A-Za-z0-9_.-]+$/,
): string {
    const v = reqString(news, field, failures);
    if (v && !isUnknown(v) && (v.length > max || !pattern.test(v))) {
        failures.push({
            property: field,
            reason: `${field} must be 1..${max} characters of letters, digits, '-', '_' or '.', got ${JSON.stringify(v)}`,
        });
    }
    return v;
}

/**
 * Drop undefined values (deeply). The dynamic-provider host converts every result with protobuf
 * `Struct.fromJavaScript`, which throws "Unexpected struct type." on `undefined`.
 */
export function compact<T>(v: T): T {
    if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compact) as unknown as T;
    if (v && typeof v === "object") {
        const o: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) o[k] = compact(x);
        return o as T;
    }
    return v;
}

// ---------------------------------------------------------------------------------------------------------------
// diff

/** Stable JSON (sorted keys) so that field comparison ignores key order. */
export function canonical(v: unknown): string {
    if (v === undefined) return "undefined";
    if (v === null || typeof v !== "object") return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
        .join(",")}}`;
}

export function changedFields(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    fields: readonly string[],
): string[] {
    return fields.filter((f) => canonical(olds[f]) !== canonical(news[f]));
}

/**
 * True when the state was written with another serialized provider than the program now sends (`__provider`, e.g. the
 * whole closure each resource carried before the stub of ./stub). Reported as an in-place change so `update`, which
 * writes nothing to the engine when no field differs, stores the current one: `delete` and `read` use the provider
 * stored in the state, so the state would otherwise keep the old text, and its size, until the next real change.
 */
export function providerTextChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
    const [o, n] = [olds.__provider, news.__provider];
    return typeof o === "string" && typeof n === "string" && !isUnknown(n) && o !== n;
}

/** True when `update` must rewrite the state although no field differs: another provider version or provider text. */
export function staleState(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    providerVersion: number,
): boolean {
    return olds.providerVersion !== providerVersion || providerTextChanged(olds, news);
}

/**
 * Per-field diff: `replaceFields` force a replacement (`deleteBeforeReplace` when the engine enforces unique names),
 * `updateFields` update in place; a stale `providerVersion` or provider text is an in-place change so `update` rewrites it.
 */
export function fieldDiff(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    replaceFields: readonly string[],
    updateFields: readonly string[],
    providerVersion: number,
    deleteBeforeReplace: boolean,
): pulumi.dynamic.DiffResult {
    const replaces = changedFields(olds, news, replaceFields);
    const updates = changedFields(olds, news, updateFields);
    const stale = staleState(olds, news, providerVersion);
    const changes = replaces.length > 0 || updates.length > 0 || stale;
    return {
        changes,
        replaces,
        stables: replaceFields.filter((f) => !replaces.includes(f)),
        deleteBeforeReplace: replaces.length > 0 && deleteBeforeReplace,
    };
}
