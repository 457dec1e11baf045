/**
 * Fixtures of the boskos operator tests: `npm run boskos` as a child process, Pulumi.ci.yaml with other lease sets,
 * and a small openshift/release tree for the `--release` tests: the upstream layout (`Makefile` with `boskos-config`,
 * `core-services/prow/02_config/generate-boskos.py` and `_boskos.yaml`) and a generator of the upstream structure
 * (`docs/ci-contract.md` section 9): a CONFIG map with region counts, dynamic pools by `default`, the three oVirt entries,
 * nested and single loops around the oVirt ones, and the rendering (sorted types, `default` → min/max-count, names
 * sorted, `--` refused, counts above 1 expanded, the header, PyYAML's dump). Written for these tests; it only
 * mirrors the upstream file's shape.
 */
import * as assert from "node:assert/strict";
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { GENERATOR_DIR } from "../../lib/boskosGenerator";

const root = path.resolve(__dirname, "../..");

/** `npm run boskos -- <args>` from the repository root. */
export function boskos(args: readonly string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/boskos.ts", ...args], {
        cwd: root,
        encoding: "utf8",
        env,
    });
}

/** Pulumi.ci.yaml with other lease sets (and optionally more config lines), written as `dir/Pulumi.<name>.yaml`. */
export function config(
    dir: string,
    name: string,
    leases: string,
    upgradeLeases = "{from: 1, to: 6}",
    extra = "",
): string {
    const ci = fs.readFileSync(path.join(root, "Pulumi.ci.yaml"), "utf8");
    const text = ci
        .replace(/ {2}ovirt-ci:leases:\n {4}from: \d+\n {4}to: \d+\n/, `  ovirt-ci:leases: ${leases}\n${extra}`)
        .replace(
            / {2}ovirt-ci:upgradeLeases:\n {4}from: \d+\n {4}to: \d+\n/,
            `  ovirt-ci:upgradeLeases: ${upgradeLeases}\n`,
        );
    assert.ok(
        text.includes(`ovirt-ci:leases: ${leases}`),
        "Pulumi.ci.yaml's leases block changed shape: adjust this test",
    );
    const file = path.join(dir, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, text);
    return file;
}

/** The generator; `ovirtLoops` replaces the oVirt loops, `clusterbot` false drops the pool entry (pre-2022). */
export function fixtureGenerator(opts: { ovirtLoops?: string; clusterbot?: boolean } = {}): string {
    const ovirtLoops =
        opts.ovirtLoops ??
        "for i in range(10, 15):\n    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1\n\n" +
            "for i in range(1,7):\n    CONFIG['ovirt-upgrade-quota-slice']['ovirt-upgrade-{}'.format(i)] = 1\n";
    const clusterbot =
        opts.clusterbot === false ? "" : "    'ovirt-clusterbot-quota-slice': {\n        'default': 3,\n    },\n";
    return `#!/usr/bin/env python3

import yaml


CONFIG = {
    'aws-quota-slice': {
        # a comment the tool must keep
        'us-east-1': 3,
        'us-west-2': 2,
    },
    'libvirt-s390x-quota-slice': {},
    'metal-quota-slice': {
        'default': 100,
    },
    'ovirt-quota-slice': {},
    'ovirt-upgrade-quota-slice': {},
${clusterbot}    'vsphere-quota-slice':{},
}

for i in range(2):
    for j in range(2):
        CONFIG['libvirt-s390x-quota-slice']['libvirt-s390x-{}-{}'.format(i, j)] = 1

${ovirtLoops}
for i in range(70,73):
    CONFIG['vsphere-quota-slice']['ci-segment-{}'.format(i)] = 1

config = {
    'resources': [],
}

for typeName, data in sorted(CONFIG.items()):
    resource = {
        'type': typeName,
        'state': 'free',
    }
    if set(data.keys()) == {'default'}:
        resource['min-count'] = resource['max-count'] = data['default']
    else:
        resource['names'] = []
        for name, count in sorted(data.items()):
            if '--' in name:
                raise ValueError('double-dashes are used internally, so {!r} is invalid'.format(name))
            if count > 1:
                width = len(str(count-1))
                resource['names'].extend(['{name}--{typeName}-{i:0>{width}}'.format(name=name, typeName=typeName, i=i, width=width) for i in range(count)])
            else:
                resource['names'].append(name)
    config['resources'].append(resource)

with open('_boskos.yaml', 'w') as f:
    f.write('# generated with generate-boskos.py; do not edit directly\\n')
    yaml.dump(config, f, default_flow_style=False)
`;
}

/** Writes the tree under `dir` and generates `_boskos.yaml` with `python` (as `make boskos-config` would). */
export function writeReleaseTree(dir: string, python: string, generator = fixtureGenerator()): void {
    const cfgDir = path.join(dir, GENERATOR_DIR);
    fs.mkdirSync(cfgDir, { recursive: true });
    fs.writeFileSync(
        path.join(dir, "Makefile"),
        "boskos-config:\n\tcd core-services/prow/02_config && ./generate-boskos.py\n.PHONY: boskos-config\n",
    );
    fs.writeFileSync(path.join(cfgDir, "generate-boskos.py"), generator, { mode: 0o755 });
    const r = spawnSync(python, ["generate-boskos.py"], { cwd: cfgDir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`fixture generator failed: ${r.error?.message ?? r.stderr}`);
}
