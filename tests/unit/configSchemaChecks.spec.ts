// The per-key checks come from the schema (lib/configSchema.ts, lib/configFormats.ts) through TypeBox
// (lib/config/schemaProblems.ts): these cases pin the conversion rule of Pulumi's text, the formats' registration and
// the defaults, beside the bad-input table of config.spec.ts.
import * as assert from "node:assert/strict";
import { FormatRegistry, TSchema } from "@sinclair/typebox";
import {
    ConfigError,
    ConfigProblem,
    DEFAULT_PROXY_VM,
    DEFAULT_VAULT,
    formatProblem,
    validateConfig,
} from "../../lib/config";
import { CONFIG_FORMATS } from "../../lib/configFormats";
import { ConfigSchema, optionsOf } from "../../lib/configSchema";
import { minimalStackConfig } from "../helpers/stackConfig";

function problems(extra: Record<string, unknown>): ConfigProblem[] {
    try {
        validateConfig(minimalStackConfig(extra));
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return [...e.problems];
    }
    return [];
}

function line(extra: Record<string, unknown>, key: string): string {
    const found = problems(extra).filter((p) => p.key === key);
    assert.equal(found.length, 1, `one problem at ${key}: ${problems(extra).map(formatProblem).join(" | ")}`);
    return formatProblem(found[0]);
}

/** Every schema below `schema`, itself included. */
function schemasIn(schema: TSchema): TSchema[] {
    const below = [
        ...Object.values((schema as { properties?: Record<string, TSchema> }).properties ?? {}),
        ...((schema as { items?: TSchema }).items ? [(schema as unknown as { items: TSchema }).items] : []),
    ];
    return [schema, ...below.flatMap(schemasIn)];
}

describe("config: the schema's own checks", () => {
    it("registers every format the schema names, and every registered format is used", () => {
        const used = new Set(
            schemasIn(ConfigSchema)
                .map((s) => optionsOf(s).format)
                .filter((f) => f !== undefined),
        );
        for (const name of used) assert.ok(FormatRegistry.Has(name), `format ${name} is registered`);
        assert.deepEqual([...used].sort(), Object.keys(CONFIG_FORMATS).sort());
    });

    it("gives every pattern and list judged as one its message text", () => {
        for (const s of schemasIn(ConfigSchema)) {
            if ((s as { pattern?: string }).pattern !== undefined && optionsOf(s).problem === undefined) {
                // an item pattern: its list carries the text
                const holder = schemasIn(ConfigSchema).find((x) => (x as { items?: TSchema }).items === s);
                assert.ok(
                    holder && optionsOf(holder).problem,
                    `pattern ${(s as unknown as { pattern: string }).pattern}`,
                );
            }
        }
    });

    it("reads Pulumi's text as the code always did: decimal integers and true/false only", () => {
        assert.equal(validateConfig(minimalStackConfig({ clusterbotPoolSize: " 4 " })).clusterbotPoolSize, 4);
        assert.match(
            line({ clusterbotPoolSize: "10.5" }, "clusterbotPoolSize"),
            /must be a positive integer; got "10\.5"/,
        );
        assert.match(
            line({ capacityOverride: "1" }, "capacityOverride"),
            /must be a boolean; got "1"\. Fix: set it to true or false/,
        );
        assert.match(line({ engineInsecure: "yes" }, "engineInsecure"), /must be a boolean/);
    });

    it("refuses a map where a list is expected (no default merged into it)", () => {
        assert.match(
            line({ proxyVm: { dnsServers: { a: "8.8.8.8" } } }, "proxyVm.dnsServers"),
            /must be a non-empty list of IPv4 addresses; got \{"a":"8\.8\.8\.8"\}/,
        );
        assert.match(line({ allowReplace: "{}" }, "allowReplace"), /must be a list of proxyVm.*not one: \{\}/);
        assert.match(line({ hosts: {} }, "hosts"), /must be a non-empty list; got \{\}\. Fix: list the hosts/);
    });

    it("judges a list as one, naming the items that failed", () => {
        assert.match(
            line({ allowReplace: ["proxyVm", "proxy", 3] }, "allowReplace"),
            /not one: \["proxy",3\]; got \["proxyVm","proxy",3\]\. Fix: write e\.g\. \[proxyVm\]/,
        );
        assert.match(
            line({ proxyVm: { dnsServers: ["8.8.8.8", "8.8.4"] } }, "proxyVm.dnsServers"),
            /got \["8\.8\.8\.8","8\.8\.4"\]/,
        );
    });

    it("shows null as given, and takes it as unset", () => {
        assert.match(
            line({ dataCenter: null }, "dataCenter"),
            /is required; got null\. Fix: set it: pulumi config set dataCenter/,
        );
        assert.equal(validateConfig(minimalStackConfig({ proxyVm: null })).proxyVm.name, DEFAULT_PROXY_VM.name);
    });

    it("names a type error by the type, not by the key's other rules", () => {
        assert.match(
            line({ proxyVm: { serviceMode: 5 } }, "proxyVm.serviceMode"),
            /must be a string; got 5\. Fix: quote the value/,
        );
        assert.match(
            line({ proxyVm: { biosType: "q35" } }, "proxyVm.biosType"),
            /is not one of i440fx_sea_bios, q35_sea_bios/,
        );
        assert.match(line({ naming: { clusterName: 7 } }, "naming.clusterName"), /must be a string/);
    });

    it("quotes the key's default in its fix", () => {
        assert.match(
            line({ vault: { mount: "kv/x" } }, "vault.mount"),
            new RegExp(`Fix: use "${DEFAULT_VAULT.mount}"`),
        );
        assert.match(
            line({ naming: { networkName: "net" } }, "naming.networkName"),
            /Fix: add the lease number, e\.g\. "ovn-vmnet-\{n\}"/,
        );
    });

    it("fills every default from the schema, once", () => {
        const c = validateConfig(minimalStackConfig());
        // DEFAULT_PROXY_VM (defaultOf) shows the optional connection as an empty map; unset, the model has none
        const { connection, ...defaults } = DEFAULT_PROXY_VM as typeof DEFAULT_PROXY_VM & { connection?: unknown };
        assert.deepEqual(connection, {});
        assert.deepEqual(c.proxyVm, defaults);
        assert.deepEqual(c.vault, DEFAULT_VAULT);
        assert.ok(Object.isFrozen(c.proxyVm.localHaproxyPorts) && Object.isFrozen(c.hosts[0]));
    });
});
