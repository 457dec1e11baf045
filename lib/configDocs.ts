/**
 * Renders what is written about the config from its one declaration (`./configSchema`): the `config:` block of
 * `Pulumi.yaml` and the config tables of `docs/program.md`. `scripts/configDocs.ts` writes them, and
 * `tests/unit/configDocs.spec.ts` fails when a file is not what this renders.
 */
import { TObject, TSchema } from "@sinclair/typebox";
import * as YAML from "yaml";
import { CONFIG_KEYS, ConfigSchema, defaultOf, isRequired, optionsOf, typeOf } from "./configSchema";

/** The line `Pulumi.yaml`'s generated part starts with; everything above it is kept as written. */
export const PULUMI_YAML_MARKER =
    "# Generated from lib/configSchema.ts by `npm run config-docs`: do not edit below this line.";
/** The lines around the generated tables in `docs/program.md`. */
export const DOCS_BEGIN = "<!-- generated from lib/configSchema.ts by `npm run config-docs`: begin -->";
export const DOCS_END = "<!-- generated from lib/configSchema.ts by `npm run config-docs`: end -->";

/**
 * Keys left out of `Pulumi.yaml`: optional ones without a default. The CLI treats every declared project key without
 * a default as required ("Stack … is missing configuration value", pulumi/pulumi pkg/v3 v3.274.1
 * workspace/config.go, mergeConfig) and does not refuse undeclared keys of the project's namespace.
 */
export function undeclaredKeys(): string[] {
    return CONFIG_KEYS.filter((k) => !isRequired(ConfigSchema, k.key) && k.default === undefined).map((k) => k.key);
}

/** The `config:` block of `Pulumi.yaml`, with its comment, as YAML text. */
export function renderPulumiYamlConfig(): string {
    const config: Record<string, Record<string, unknown>> = {};
    const skipped = new Set(undeclaredKeys());
    for (const k of CONFIG_KEYS.filter((spec) => !skipped.has(spec.key))) {
        const schema = ConfigSchema.properties[k.key] as TSchema;
        const entry: Record<string, unknown> = {};
        if (k.type !== "leaseSet") {
            entry.type = k.type; // a lease set is untyped on purpose: {from, to}, a list of numbers, or a list of ranges
        }
        const items = itemsOf(schema);
        // the CLI refuses an array key without the type of its items (workspace/config.go)
        if (k.type === "array" && typeof items?.type === "string") {
            entry.items = { type: items.type };
        }
        if (k.secret) {
            entry.secret = true;
        }
        entry.description = `${k.description}.`;
        if (k.default !== undefined && !k.secret) {
            entry.default = k.default;
        }
        config[k.key] = entry;
    }
    const comment = [
        PULUMI_YAML_MARKER,
        "# Every key of the ovirt-ci namespace (docs/program.md explains them; lib/config.ts validates the values).",
        "# Keys without a default are required. Optional keys without a default are not declared here, because the",
        `# CLI would require them: ${[...skipped].join(", ")}.`,
    ];
    return `${comment.join("\n")}\n${YAML.stringify({ config }, { lineWidth: 0 })}`;
}

/** `Pulumi.yaml` with its generated block replaced (or appended when it has none yet). */
export function withPulumiYamlConfig(current: string): string {
    const at = current.indexOf(PULUMI_YAML_MARKER);
    if (at < 0) {
        throw new Error(
            `Pulumi.yaml has no line "${PULUMI_YAML_MARKER}"; put it where the generated config block starts`,
        );
    }
    return current.slice(0, at) + renderPulumiYamlConfig();
}

/** The item schema of a list. */
function itemsOf(schema: TSchema): TSchema | undefined {
    return (schema as { items?: TSchema }).items;
}

function code(v: unknown): string {
    const text = typeof v === "string" ? v : JSON.stringify(v);
    return text === "" ? '`""`' : `\`${text.replace(/\|/g, "\\|")}\``;
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|");
}

/** The default column: the value, or what happens without one. */
function defaultCell(schema: TSchema, required: boolean, inline: boolean): string {
    const o = optionsOf(schema);
    if (o.providerFallback !== undefined) return `— (provider: ${o.providerFallback})`;
    const d = defaultOf(schema);
    if (d === undefined) return required ? "— (required)" : "—";
    if (!inline && typeof d === "object" && !Array.isArray(d)) return "see below";
    return code(d);
}

function bounds(schema: TSchema): string {
    const o = optionsOf(schema);
    if (o.minimum !== undefined && o.maximum !== undefined) return ` ${o.minimum}..${o.maximum}`;
    if (o.minimum !== undefined) return ` ≥ ${o.minimum}`;
    return "";
}

function typeCell(schema: TSchema): string {
    const literals = (schema as { anyOf?: { const: string }[] }).anyOf?.map((s) => code(s.const));
    if (literals) return literals.join(" \\| ");
    const type = typeOf(schema);
    return type === "leaseSet" ? "lease set" : type === "array" ? "list" : `${type}${bounds(schema)}`;
}

/** Rows of one object's fields, nested objects flattened as `parent.field`. */
function fieldRows(object: TObject, prefix = ""): string[] {
    return Object.entries(object.properties).flatMap(([name, schema]) => {
        const required = isRequired(object, name);
        const own = `| \`${prefix}${name}\` | ${typeCell(schema)} | ${defaultCell(schema, required && defaultOf(schema) === undefined, true)} | ${cell(optionsOf(schema).description)} |`;
        return schema.type === "object" ? [own, ...fieldRows(schema as TObject, `${prefix}${name}.`)] : [own];
    });
}

/** The config tables of `docs/program.md`: every key, then the fields of every structured key. */
export function renderConfigTables(): string {
    const out = ["| key | type | secret | default | meaning |", "|---|---|---|---|---|"];
    for (const k of CONFIG_KEYS) {
        const schema = ConfigSchema.properties[k.key] as TSchema;
        const env = k.providerEnv ? ` (oVirt provider; environment fallback \`${k.providerEnv}\`)` : "";
        out.push(
            `| \`${k.key}\` | ${typeCell(schema)} | ${k.secret ? "yes" : ""} | ${defaultCell(schema, k.required, false)} | ${cell(k.description)}${env} |`,
        );
    }
    for (const [key, schema] of Object.entries(ConfigSchema.properties) as [string, TSchema][]) {
        const items = itemsOf(schema);
        const object =
            schema.type === "object" ? (schema as TObject) : items?.type === "object" ? (items as TObject) : undefined;
        if (!object) continue;
        out.push(
            "",
            `\`${key}\`${schema.type === "array" ? " (each item)" : ""}: ${optionsOf(object).description ?? optionsOf(schema).description}.`,
            "",
        );
        out.push("| field | type | default | meaning |", "|---|---|---|---|", ...fieldRows(object));
    }
    return out.join("\n");
}

/** `docs/program.md` with its generated tables replaced. */
export function withConfigTables(current: string): string {
    const begin = current.indexOf(DOCS_BEGIN);
    const end = current.indexOf(DOCS_END);
    if (begin < 0 || end < begin) {
        throw new Error(
            `docs/program.md has no "${DOCS_BEGIN}" … "${DOCS_END}" pair; put both where the config tables go`,
        );
    }
    return `${current.slice(0, begin)}${DOCS_BEGIN}\n\n${renderConfigTables()}\n\n${current.slice(end)}`;
}
