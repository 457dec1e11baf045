// Every documented key of the ovirt-ci namespace (lib/configSchema.ts), the oVirt provider's included, set in a
// stack of the real program under the real CLI: `pulumi up` accepts them, the provider runs with them, and an
// undocumented key still stops the program with "unknown key" (so the check is live, not switched off).
// The bug this guards: engineTimeoutSeconds, engineRetryAttempts, engineRetryBaseMs and hostRootPassword were
// documented in docs/provider.md, read by the provider, and refused by the program's key check.
import * as assert from "node:assert/strict";
import { CONFIG_KEYS } from "../../lib/config";
import { E2eServices, E2eStack, apiWrites, engineStats, programStack, pulumiCli, startServices } from "./helpers";
import { applyLocalStackConfig, localStackConfig } from "../../local/stack";
import { withExtra } from "./helpers";

const ns = (k: string) => `ovirt-ci:${k}`;

/** Values for the provider's keys: accepted, and harmless for a local up. */
const PROVIDER_VALUES: Record<string, unknown> = {
    engineTimeoutSeconds: 900,
    engineRetryAttempts: 4,
    engineRetryBaseMs: 50,
};

describe("e2e: every documented config key can be set in a stack (real CLI)", function () {
    this.timeout(900_000);
    let s: E2eServices;
    let t: E2eStack;
    const options = { leases: [10], upgradeLeases: [] };

    before(async () => {
        s = await startServices();
        t = await programStack(s, options);
    });
    after(async () => {
        try {
            await t?.dispose();
        } finally {
            await s?.stop();
        }
    });

    /** The local stack config plus every documented key it does not set yet (its default, or a value above). */
    function everyKey(extra: Record<string, unknown> = {}) {
        const base = localStackConfig(s.local, options);
        const plain: Record<string, unknown> = {};
        const secrets: Record<string, string> = {};
        for (const k of CONFIG_KEYS) {
            if (ns(k.key) in base.plain || ns(k.key) in base.secrets) continue;
            // The previous proxy admin key must be a key the proxy accepts: the current one (a rotation that changes nothing).
            if (k.key === "proxyAdminSshPreviousPrivateKey") secrets[ns(k.key)] = s.local.sshd.privateKeyPem;
            else if (k.secret) secrets[ns(k.key)] = `${k.key}-e2e-value`;
            else plain[ns(k.key)] = PROVIDER_VALUES[k.key] ?? k.default;
        }
        return {
            cfg: withExtra(base, { plain: { ...plain, ...extra }, secrets }),
            set: [...Object.keys(plain), ...Object.keys(secrets)],
        };
    }

    it("up succeeds with all of them set, the provider's keys included", async () => {
        const { cfg, set } = everyKey();
        for (const key of ["engineTimeoutSeconds", "engineRetryAttempts", "engineRetryBaseMs", "hostRootPassword"]) {
            assert.ok(set.includes(ns(key)), `${key} is set by this test`);
        }
        assert.deepEqual(
            CONFIG_KEYS.filter((k) => !(ns(k.key) in cfg.plain) && !(ns(k.key) in cfg.secrets)).map((k) => k.key),
            [],
            "every key is set",
        );
        await applyLocalStackConfig(t.stack, cfg);
        const r = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        const out = r.stdout + r.stderr;
        assert.doesNotMatch(out, /unknown key/);
        assert.equal(r.status, 0, out.slice(-3000));
        assert.ok(!out.includes("hostRootPassword-e2e-value"), "the secret stays out of the output");
    });

    it("an undocumented key is still refused before any engine write", async () => {
        const w0 = apiWrites(await engineStats(s.engine));
        await applyLocalStackConfig(t.stack, everyKey({ [ns("engineRetryAttemps")]: 3 }).cfg);
        const r = await pulumiCli(t, ["up", "--yes", "--skip-preview"]);
        const out = r.stdout + r.stderr;
        assert.notEqual(r.status, 0);
        assert.match(
            out,
            /ovirt-ci:engineRetryAttemps: unknown key \(did you mean "engineRetryAttempts"\?\).*Fix: rename it to "engineRetryAttempts"/,
        );
        assert.equal(apiWrites(await engineStats(s.engine)) - w0, 0, "no engine write");
        await applyLocalStackConfig(t.stack, everyKey().cfg); // so that `after` destroys with a valid config
    });
});
