import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import axios, { AxiosInstance, AxiosResponse } from "axios";
import { EngineOptions, RunningEngine, startEngine } from "../../emulator";

/** One PKI for the whole test process (generated once, reused by every engine). */
export const TEST_DATA_DIR = path.join(os.tmpdir(), "ovirt-ci-emulator-tests-pki");

export async function start(opts: EngineOptions = {}): Promise<RunningEngine> {
    return startEngine({ latency: "instant", dataDir: TEST_DATA_DIR, ...opts });
}

export function agent(e: RunningEngine): https.Agent {
    return new https.Agent({ ca: e.caPem, keepAlive: false });
}

/** Raw client: verifies TLS against the emulator's CA; never throws on HTTP status. */
export function raw(e: RunningEngine): AxiosInstance {
    return axios.create({
        baseURL: e.url,
        httpsAgent: agent(e),
        validateStatus: () => true,
        timeout: 10_000,
        transitional: { silentJSONParsing: true },
    });
}

/** A login other than the emulator's admin (e.g. the seeded CI user). */
export interface Login {
    username: string;
    password: string;
}

export async function token(e: RunningEngine, login: Login = e): Promise<string> {
    const r = await raw(e).post(
        "/ovirt-engine/sso/oauth/token",
        new URLSearchParams({
            grant_type: "password",
            scope: "ovirt-app-api",
            username: login.username,
            password: login.password,
        }),
        { headers: { Accept: "application/json" } },
    );
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.data)}`);
    return r.data.access_token as string;
}

/** API client with a bearer token, JSON headers and `Version: 4`. */
export async function api(e: RunningEngine, login: Login = e): Promise<AxiosInstance> {
    const t = await token(e, login);
    return axios.create({
        baseURL: e.apiUrl,
        httpsAgent: agent(e),
        validateStatus: () => true,
        timeout: 10_000,
        headers: {
            Authorization: `Bearer ${t}`,
            Accept: "application/json",
            "Content-Type": "application/json",
            Version: "4",
        },
    });
}

export async function waitFor<T>(
    what: string,
    fn: () => Promise<T | undefined>,
    timeoutMs = 5000,
    everyMs = 10,
): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
        const v = await fn();
        if (v !== undefined && v !== false) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, everyMs));
    }
}

export async function waitStatus(
    c: AxiosInstance,
    url: string,
    status: string,
    timeoutMs = 5000,
): Promise<AxiosResponse> {
    return waitFor(
        `${url} to be ${status}`,
        async () => {
            const r = await c.get(url);
            return r.status === 200 && r.data.status === status ? r : undefined;
        },
        timeoutMs,
    );
}

export async function history(e: RunningEngine, id: string): Promise<string[]> {
    const r = await raw(e).get(`/__admin/history?id=${encodeURIComponent(id)}`);
    return (r.data as Array<{ status: string }>).map((h) => h.status);
}

export const SEED = {
    ciDc: "c1a45000-0000-4000-8000-000000000001",
    ciCluster: "c1a45000-0000-4000-8000-000000000002",
    defaultDc: "5e0ac0a4-0d8c-11ee-9a2e-00163e000001",
    host1: "c1a45000-0000-4000-8000-000000000011",
    nfs: "c1a45000-0000-4000-8000-000000000021",
    proxyTemplate: "c1a45000-0000-4000-8000-000000000051",
    ovn: "c1a45000-0000-4000-8000-000000000041",
    blank: "00000000-0000-0000-0000-000000000000",
    baremetal: (n: number) => `baremetal${String(n).padStart(2, "0")}.ocp-on-ovirt.gcp.devcluster.openshift.com`,
};

/** Operation Failed fault detail in brackets. */
export function failed(detail: string) {
    return { reason: "Operation Failed", detail: `[${detail}]` };
}
