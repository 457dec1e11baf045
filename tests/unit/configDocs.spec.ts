// The config is declared once (lib/configSchema.ts); Pulumi.yaml's config block and docs/program.md's tables are
// generated from it and must be current, and the lists derived by hand from it (the secret keys) must agree.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { CONFIG_KEYS, SECRET_KEYS, validateConfig } from "../../lib/config";
import {
    renderConfigTables,
    renderPulumiYamlConfig,
    undeclaredKeys,
    withConfigTables,
    withPulumiYamlConfig,
} from "../../lib/configDocs";
import { ConfigSchema, defaultOf } from "../../lib/configSchema";
import { PROVIDER_INTEGER_SETTINGS, PROVIDER_SECRET_SETTINGS } from "../../providers/ovirt/settings";

const root = path.join(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

describe("config documentation generated from lib/configSchema.ts", () => {
    it("Pulumi.yaml's config block is current (fix: npm run config-docs)", () => {
        const current = read("Pulumi.yaml");
        assert.equal(withPulumiYamlConfig(current), current);
        assert.ok(current.endsWith(renderPulumiYamlConfig()));
    });

    it("docs/program.md's config tables are current (fix: npm run config-docs)", () => {
        const current = read("docs/program.md");
        assert.equal(withConfigTables(current), current);
        assert.ok(current.includes(renderConfigTables()));
    });

    it("lists every key in the docs table, the provider's included", () => {
        const tables = renderConfigTables();
        for (const k of CONFIG_KEYS) assert.match(tables, new RegExp(`^\\| \`${k.key}\` \\|`, "m"), k.key);
        for (const key of [...Object.keys(PROVIDER_INTEGER_SETTINGS), ...Object.keys(PROVIDER_SECRET_SETTINGS)]) {
            assert.ok(
                CONFIG_KEYS.some((k) => k.key === key),
                `${key} is read by the provider but not in the schema`,
            );
        }
    });

    it("leaves out of Pulumi.yaml exactly the optional keys without a default", () => {
        assert.deepEqual(undeclaredKeys(), [
            "engineTimeoutSeconds",
            "engineRetryAttempts",
            "engineRetryBaseMs",
            "hostRootPassword",
            "proxyAdminSshPreviousPrivateKey",
        ]);
    });

    it("every array key in Pulumi.yaml names the type of its items (the CLI refuses the project file otherwise)", () => {
        const config = (
            YAML.parse(fs.readFileSync(path.join(__dirname, "../../Pulumi.yaml"), "utf8")) as {
                config: Record<string, { type?: string; items?: { type?: string } }>;
            }
        ).config;
        const arrays = Object.entries(config).filter(([, v]) => v.type === "array");
        assert.ok(arrays.length >= 2, "hosts and removeLeasesInUse at least");
        for (const [key, v] of arrays) assert.equal(typeof v.items?.type, "string", `${key}: no items.type`);
    });

    it("SECRET_KEYS are the schema's secret keys", () => {
        assert.deepEqual(
            [...SECRET_KEYS].sort(),
            CONFIG_KEYS.filter((k) => k.secret)
                .map((k) => k.key)
                .sort(),
        );
    });

    it("a renderer output differs when the schema changes (the check can fail)", () => {
        const before = renderConfigTables();
        const schema = ConfigSchema.properties.clusterbotPoolSize as unknown as { default: number };
        schema.default = 4;
        try {
            assert.notEqual(renderConfigTables(), before);
            assert.equal(defaultOf(ConfigSchema.properties.clusterbotPoolSize), 4);
        } finally {
            schema.default = 3;
        }
    });
});

describe("validateConfig with the provider's keys", () => {
    const base = {
        engineUrl: "https://engine.example.com/ovirt-engine/api",
        baseDomain: "example.com",
        ciEngineUsername: "ocpadmin@internal",
        dataCenter: "dc",
        cluster: "c",
        mainStorageDomain: "sd",
        leases: "[10]",
        hosts: JSON.stringify([{ name: "h1", address: "h1.example.com", cpuCores: 96, memoryGiB: 96 }]),
    };

    it("accepts them as the CLI passes them (text) and puts the non-secret ones in the model", () => {
        const c = validateConfig({
            ...base,
            engineTimeoutSeconds: "900",
            engineRetryAttempts: "2",
            engineRetryBaseMs: "20",
            hostRootPassword: "x",
        });
        assert.equal(c.engineTimeoutSeconds, 900);
        assert.equal(c.engineRetryAttempts, 2);
        assert.equal(c.engineRetryBaseMs, 20);
        assert.ok(!("hostRootPassword" in c));
    });

    it("rejects a value below the provider's bound with the fix", () => {
        assert.throws(
            () => validateConfig({ ...base, engineRetryAttempts: "0" }),
            /ovirt-ci:engineRetryAttempts: must be at least 1.*Fix: set it to a positive integer ≥ 1/,
        );
        assert.throws(
            () => validateConfig({ ...base, engineTimeoutSeconds: "soon" }),
            /ovirt-ci:engineTimeoutSeconds: must be a positive integer; got "soon"/,
        );
    });
});
