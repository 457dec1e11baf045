/**
 * Simple GETs per second against the engine emulator: N concurrent keep-alive clients doing
 * `GET /ovirt-engine/api/datacenters` with a bearer token for a few seconds, over verified TLS.
 *
 *   npx ts-node --transpile-only bench/emulator.ts [--seconds 5] [--concurrency 16] [--path /datacenters] [--insecure-http]
 */
import * as http from "node:http";
import * as https from "node:https";
import { startEngine } from "../emulator";

function arg(name: string, dflt: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

async function main(): Promise<void> {
    const seconds = Number(arg("seconds", "5"));
    const concurrency = Number(arg("concurrency", "16"));
    const apiPath = arg("path", "/datacenters");
    const insecureHttp = process.argv.includes("--insecure-http");
    const engine = await startEngine({ latency: "instant", insecureHttp });
    const mod = insecureHttp ? http : https;
    const agent = insecureHttp
        ? new http.Agent({ keepAlive: true, maxSockets: concurrency })
        : new https.Agent({ keepAlive: true, maxSockets: concurrency, ca: engine.caPem });
    const u = new URL(engine.url);
    const request = (method: string, path: string, headers: Record<string, string>, body?: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
            const req = mod.request({ hostname: u.hostname, port: u.port, path, method, agent, headers }, (res) => {
                let data = "";
                res.setEncoding("utf8");
                res.on("data", (c) => {
                    data += c;
                });
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
            });
            req.on("error", reject);
            if (body) req.write(body);
            req.end();
        });
    const login = await request(
        "POST",
        "/ovirt-engine/sso/oauth/token",
        { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        new URLSearchParams({
            grant_type: "password",
            scope: "ovirt-app-api",
            username: engine.username,
            password: engine.password,
        }).toString(),
    );
    const token = JSON.parse(login.body).access_token as string;
    const headers = { Authorization: `Bearer ${token}`, Accept: "application/json", Version: "4" };
    const target = `/ovirt-engine/api${apiPath}`;
    const latencies: number[] = [];
    let errors = 0;
    const deadline = Date.now() + seconds * 1000;
    const worker = async () => {
        while (Date.now() < deadline) {
            const t0 = process.hrtime.bigint();
            const r = await request("GET", target, headers);
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            if (r.status !== 200) errors++;
        }
    };
    const t0 = Date.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (Date.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(2);
    process.stdout.write(
        [
            `GET ${target} over ${insecureHttp ? "HTTP" : "HTTPS"} keep-alive, concurrency ${concurrency}, ${elapsed.toFixed(1)} s`,
            `  requests: ${latencies.length}  errors: ${errors}`,
            `  throughput: ${(latencies.length / elapsed).toFixed(0)} req/s`,
            `  latency ms: p50 ${pct(0.5)}  p90 ${pct(0.9)}  p99 ${pct(0.99)}  max ${latencies[latencies.length - 1].toFixed(2)}`,
            "",
        ].join("\n"),
    );
    agent.destroy();
    await engine.stop();
}

void main().catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
});
