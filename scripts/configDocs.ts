// Writes the config documentation generated from lib/configSchema.ts: the `config:` block of Pulumi.yaml and the
// config tables of docs/program.md. `--check` writes nothing and exits 1 naming each stale file.
//   npm run config-docs            (after changing lib/configSchema.ts)
//   npm run config-docs -- --check
import * as fs from "node:fs";
import * as path from "node:path";
import { withConfigTables, withPulumiYamlConfig } from "../lib/configDocs";

const root = path.join(__dirname, "..");
const targets: [string, (current: string) => string][] = [
    ["Pulumi.yaml", withPulumiYamlConfig],
    ["docs/program.md", withConfigTables],
];

const check = process.argv.includes("--check");
let stale = 0;
for (const [file, render] of targets) {
    const full = path.join(root, file);
    const current = fs.readFileSync(full, "utf8");
    const wanted = render(current);
    if (wanted === current) continue;
    if (check) {
        console.error(`${file} is not what lib/configSchema.ts generates; run: npm run config-docs`);
        stale++;
    } else {
        fs.writeFileSync(full, wanted);
        console.log(`wrote ${file}`);
    }
}
process.exitCode = stale > 0 ? 1 : 0;
