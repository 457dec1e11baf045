// Shared helpers of the provider lifecycle specs: an engine emulator per suite, a fake stack config pointing at
// it, and the emulator's admin endpoint (request counts, faults, token expiry, drift).
import * as https from "node:https";
import type { RunningEngine } from "../../emulator";
import { resetProcessCache } from "../../providers/ovirt/client";
import { resetOvnCache } from "../../providers/ovirt/ovnClient";

export const CONFIG_KEYS = [
    "ovirt-ci:engineUrl",
    "ovirt-ci:engineUsername",
    "ovirt-ci:enginePassword",
    "ovirt-ci:engineCaPem",
];

export async function startTestEngine(): Promise<RunningEngine> {
    const { startEngine } = await import("../../emulator");
    return startEngine({ latency: "fast" });
}

/** The raw stack config the engine sends to the dynamic-provider host, keys `ovirt-ci:<key>`. */
export function rawConfig(e: RunningEngine, extra: Record<string, string> = {}): Record<string, string> {
    return {
        "ovirt-ci:engineUrl": e.apiUrl,
        "ovirt-ci:engineUsername": e.username,
        "ovirt-ci:enginePassword": e.password,
        "ovirt-ci:engineCaPem": e.caPem,
        "ovirt-ci:engineRetryBaseMs": "20",
        "ovirt-ci:ovnAuthUrl": e.ovnAuthUrl,
        "ovirt-ci:ovnNetworkUrl": e.ovnNetworkUrl,
        ...extra,
    };
}

/** What the dynamic-provider host hands to `configure`: its own Config class over the raw stack config. */
export function fakeConfig(
    e: RunningEngine,
    extra: Record<string, string> = {},
): { config: { get(k: string): string | undefined; require(k: string): string } } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Config } = require("@pulumi/pulumi/cmd/dynamic-provider/config") as {
        Config: new (
            raw: Record<string, string>,
            project: string,
        ) => { get(k: string): string | undefined; require(k: string): string };
    };
    return { config: new Config(rawConfig(e, extra), "ovirt-ci") };
}

const serialized = new Map<string, string>();

/**
 * The provider as the provider process runs it: the stub its resources serialize (`stubOf(kind)`, via
 * `pulumi.runtime.serializeFunction`), loaded from that text (like `requireFromString` in the dynamic-provider host).
 * The stub loads `providers/ovirt/runtime.ts` of this checkout, as the host does, so calls go through the stub and
 * reach the real provider class of `p`'s kind.
 */
export async function deserialize<T extends object>(p: T): Promise<T> {
    const { OVIRT_KINDS, createOvirtProvider, OvirtProviderStub, stubOf } = await import("../../providers/ovirt");
    const kind =
        p instanceof OvirtProviderStub
            ? p.kind
            : OVIRT_KINDS.find((k) => createOvirtProvider(k).constructor === p.constructor);
    if (!kind)
        throw new Error(`deserialize: ${p.constructor.name} is not an oVirt provider of providers/ovirt/runtime.ts`);
    let text = serialized.get(kind);
    if (!text) {
        const pulumi = await import("@pulumi/pulumi");
        const stub = stubOf(kind);
        text = (await pulumi.runtime.serializeFunction(() => stub)).text;
        serialized.set(kind, text);
    }
    const mod: { exports: { handler?: () => T } } = { exports: {} };
    new Function("module", "exports", "require", text)(mod, mod.exports, require);
    return mod.exports.handler!();
}

/**
 * A provider as the provider process would have it (see `deserialize`), configured from the fake config. Every
 * result of check, diff, create, read and update goes through protobuf `Struct.fromJavaScript` like in the
 * dynamic-provider host (it rejects `undefined`), so a result the real host could not send fails the test.
 */
export async function configured<T extends { configure(req: unknown): Promise<void> }>(
    p: T,
    e: RunningEngine,
    extra?: Record<string, string>,
): Promise<T> {
    const loaded = await deserialize(p);
    await loaded.configure(fakeConfig(e, extra));
    return structChecked(loaded);
}

export function structChecked<T extends object>(p: T): T {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
        Struct: { fromJavaScript(v: unknown): unknown };
    };
    const check = (method: string, v: unknown) => {
        const r = v as Record<string, unknown> | undefined;
        for (const k of ["inputs", "outs", "props"]) {
            if (r && r[k] !== undefined) {
                try {
                    Struct.fromJavaScript(r[k]);
                } catch (err) {
                    throw new Error(
                        `${method} returned ${k} the provider host cannot send: ${(err as Error).message}`,
                        { cause: err },
                    );
                }
            }
        }
        return v;
    };
    return new Proxy(p, {
        get(target, prop, recv) {
            const v = Reflect.get(target, prop, recv);
            if (typeof v !== "function" || !["check", "diff", "create", "read", "update"].includes(String(prop)))
                return v;
            return async (...a: unknown[]) =>
                check(String(prop), await (v as (...x: unknown[]) => Promise<unknown>).apply(target, a));
        },
    });
}

export function freshProcess(): void {
    resetProcessCache();
    resetOvnCache();
}

export interface Stats {
    total: number;
    reads: number;
    writes: number;
    ssoLogins: number;
    unauthorized: number;
    requests: Record<string, number>;
    statuses: Record<string, number>;
    faultsInjected: number;
}

export class Admin {
    constructor(private readonly e: RunningEngine) {}

    private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
        const { default: axios } = await import("axios");
        const res = await axios.request({
            method,
            url: `${this.e.adminUrl}${path}`,
            data: body === undefined ? undefined : JSON.stringify(body),
            headers: { "Content-Type": "application/json" },
            httpsAgent: new https.Agent({ ca: this.e.caPem }),
            validateStatus: () => true,
        });
        if (res.status >= 300)
            throw new Error(`admin ${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.data)}`);
        return res.data as T;
    }

    stats(): Promise<Stats> {
        return this.call("GET", "/stats");
    }
    reset(): Promise<unknown> {
        return this.call("POST", "/reset");
    }
    inventory(): Promise<Record<string, Array<Record<string, unknown>>>> {
        return this.call("GET", "/inventory");
    }
    expireTokens(): Promise<{ expired: number }> {
        return this.call("POST", "/expire-tokens");
    }
    faults(rules: Array<Record<string, unknown>>): Promise<unknown> {
        return this.call("POST", "/faults", { rules });
    }
    clearFaults(): Promise<unknown> {
        return this.call("DELETE", "/faults");
    }
    mutate(kind: string, id: string, set: Record<string, unknown>): Promise<Record<string, unknown>> {
        return this.call("POST", "/mutate", { kind, id, set });
    }
    remove(kind: string, id: string): Promise<unknown> {
        return this.call("POST", "/mutate", { kind, id, delete: true });
    }

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

/**
 * Registers a suite's hooks: one emulator per suite (stopped after it), and before each test no fault rules, the
 * seed inventory with zeroed counters, and a fresh provider process. `bind` receives the engine and its admin.
 */
export function useTestEngine(bind: (engine: RunningEngine, admin: Admin) => void): void {
    let engine: RunningEngine | undefined;
    let admin: Admin | undefined;
    before(async () => {
        engine = await startTestEngine();
        admin = new Admin(engine);
        bind(engine, admin);
    });
    after(async () => engine?.stop());
    beforeEach(async () => {
        await admin!.clearFaults();
        await admin!.reset();
        freshProcess();
    });
}
