// Shared helpers of the provider lifecycle specs: an engine emulator per suite, a fake stack config pointing at
// it, and the emulator's admin endpoint (request counts, faults, token expiry, drift).
import * as https from "node:https";
import type { RunningEngine } from "../../emulator";
import { resetProcessCache } from "../../providers/ovirt/client";

export const CONFIG_KEYS = ["ovirt-ci:engineUrl", "ovirt-ci:engineUsername", "ovirt-ci:enginePassword", "ovirt-ci:engineCaPem"];

export async function startTestEngine(): Promise<RunningEngine> {
    const { startEngine } = await import("../../emulator");
    return startEngine({ latency: "fast" });
}

/** What the dynamic-provider host hands to `configure`: the stack config, keys `ovirt-ci:<key>`. */
export function fakeConfig(e: RunningEngine, extra: Record<string, string> = {}): { config: { get(k: string): string | undefined; require(k: string): string } } {
    const values: Record<string, string> = {
        "ovirt-ci:engineUrl": e.apiUrl,
        "ovirt-ci:engineUsername": e.username,
        "ovirt-ci:enginePassword": e.password,
        "ovirt-ci:engineCaPem": e.caPem,
        "ovirt-ci:engineRetryBaseMs": "20",
        ...extra,
    };
    return { config: { get: (k) => values[k], require: (k) => { if (!(k in values)) throw new Error(`missing ${k}`); return values[k]; } } };
}

/** A provider as the provider process would have it: fresh process caches, configured from the fake config. */
export async function configured<T extends { configure(req: unknown): Promise<void> }>(p: T, e: RunningEngine, extra?: Record<string, string>): Promise<T> {
    await p.configure(fakeConfig(e, extra));
    return p;
}

export function freshProcess(): void {
    resetProcessCache();
}

export interface Stats { total: number; reads: number; writes: number; ssoLogins: number; unauthorized: number; requests: Record<string, number>; statuses: Record<string, number>; faultsInjected: number }

export class Admin {
    constructor(private readonly e: RunningEngine) {}

    private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
        const { default: axios } = await import("axios");
        const res = await axios.request({
            method, url: `${this.e.adminUrl}${path}`, data: body === undefined ? undefined : JSON.stringify(body),
            headers: { "Content-Type": "application/json" }, httpsAgent: new https.Agent({ ca: this.e.caPem }), validateStatus: () => true,
        });
        if (res.status >= 300) throw new Error(`admin ${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.data)}`);
        return res.data as T;
    }

    stats(): Promise<Stats> { return this.call("GET", "/stats"); }
    reset(): Promise<unknown> { return this.call("POST", "/reset"); }
    inventory(): Promise<Record<string, Array<Record<string, unknown>>>> { return this.call("GET", "/inventory"); }
    expireTokens(): Promise<{ expired: number }> { return this.call("POST", "/expire-tokens"); }
    faults(rules: Array<Record<string, unknown>>): Promise<unknown> { return this.call("POST", "/faults", { rules }); }
    clearFaults(): Promise<unknown> { return this.call("DELETE", "/faults"); }
    mutate(kind: string, id: string, set: Record<string, unknown>): Promise<Record<string, unknown>> { return this.call("POST", "/mutate", { kind, id, set }); }
    remove(kind: string, id: string): Promise<unknown> { return this.call("POST", "/mutate", { kind, id, delete: true }); }

    /** Request counts between two stats snapshots, only keys that changed. */
    static delta(before: Stats, after: Stats): Record<string, number> {
        const d: Record<string, number> = {};
        for (const [k, v] of Object.entries(after.requests)) {
            const n = v - (before.requests[k] ?? 0);
            if (n) d[k] = n;
        }
        return d;
    }
}

export const API = "/ovirt-engine/api";
export const SSO = "POST /ovirt-engine/sso/oauth/token";
