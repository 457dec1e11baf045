import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
    compareBoskosEntries,
    contiguousRuns,
    ovirtBoskosEntries,
    parseOvirtBoskosEntries,
    renderBoskosEntries,
    renderBoskosFile,
    renderGeneratorSnippet,
    sortNames,
} from "../../lib/render/boskos";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const GOLDEN_14_6 = `# generated with generate-boskos.py; do not edit directly
resources:
- max-count: 3
  min-count: 3
  state: free
  type: ovirt-clusterbot-quota-slice
- names:
  - ovirt-10
  - ovirt-11
  - ovirt-12
  - ovirt-13
  - ovirt-14
  - ovirt-15
  - ovirt-16
  - ovirt-17
  - ovirt-18
  - ovirt-19
  - ovirt-20
  - ovirt-21
  - ovirt-22
  - ovirt-23
  state: free
  type: ovirt-quota-slice
- names:
  - ovirt-upgrade-1
  - ovirt-upgrade-2
  - ovirt-upgrade-3
  - ovirt-upgrade-4
  - ovirt-upgrade-5
  - ovirt-upgrade-6
  state: free
  type: ovirt-upgrade-quota-slice
`;

describe("boskos entries (docs/ci-contract.md section 9)", () => {
    const entries = ovirtBoskosEntries({ leases: range(10, 23), upgradeLeases: range(1, 6) });

    it("renders the 14 + 6 leases exactly as the upstream generator", () => {
        assert.equal(renderBoskosFile(entries), GOLDEN_14_6);
    });

    it("matches PyYAML's own dump of the same data", () => {
        // scripts/setup.sh installs PyYAML (tools/versions.env) and env.sh names its python
        const python = process.env.OVIRT_CI_PYTHON ?? "python3";
        const probe = spawnSync(python, ["-c", "import yaml"], { encoding: "utf8" });
        assert.equal(
            probe.status,
            0,
            `PyYAML is not importable by ${python}: run scripts/setup.sh (${probe.stderr ?? probe.error})`,
        );
        // The generator's own rendering rules, applied to the same map.
        const py = `
import sys, yaml
CONFIG = {'ovirt-quota-slice': {}, 'ovirt-upgrade-quota-slice': {}, 'ovirt-clusterbot-quota-slice': {'default': 3}}
for i in [int(x) for x in sys.argv[1].split(',')]:
    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1
for i in [int(x) for x in sys.argv[2].split(',') if x]:
    CONFIG['ovirt-upgrade-quota-slice']['ovirt-upgrade-{}'.format(i)] = 1
config = {'resources': []}
for typeName, data in sorted(CONFIG.items()):
    resource = {'type': typeName, 'state': 'free'}
    if set(data.keys()) == {'default'}:
        resource['min-count'] = resource['max-count'] = data['default']
    else:
        resource['names'] = [name for name, count in sorted(data.items())]
    config['resources'].append(resource)
sys.stdout.write('# generated with generate-boskos.py; do not edit directly\\n')
yaml.dump(config, sys.stdout, default_flow_style=False)
`;
        for (const [leases, upgrades] of [
            [range(10, 23), range(1, 6)],
            [[9, 10, 11, 100, 101], []],
            [[1, 2, 3, 20, 200], [7]],
        ] as const) {
            const want = spawnSync(python, ["-c", py, leases.join(","), upgrades.join(",")], { encoding: "utf8" });
            assert.equal(want.status, 0, want.stderr);
            assert.equal(
                renderBoskosFile(ovirtBoskosEntries({ leases: [...leases], upgradeLeases: [...upgrades] })),
                want.stdout,
            );
        }
    });

    it("sorts names as plain strings and leaves them unpadded", () => {
        assert.deepEqual(sortNames(["ovirt-11", "ovirt-9", "ovirt-100", "ovirt-10"]), [
            "ovirt-10",
            "ovirt-100",
            "ovirt-11",
            "ovirt-9",
        ]);
        const text = renderBoskosEntries(ovirtBoskosEntries({ leases: [9, 11, 100], upgradeLeases: [] }));
        assert.ok(
            text.includes(
                "- names:\n  - ovirt-100\n  - ovirt-11\n  - ovirt-9\n  state: free\n  type: ovirt-quota-slice\n",
            ),
            text,
        );
        assert.ok(text.includes("- names: []\n  state: free\n  type: ovirt-upgrade-quota-slice\n"), text);
    });

    it("sizes the cluster-bot pool from config", () => {
        assert.ok(
            renderBoskosEntries(
                ovirtBoskosEntries({ leases: [10], upgradeLeases: [], clusterbotPoolSize: 5 }),
            ).startsWith("- max-count: 5\n  min-count: 5\n  state: free\n"),
        );
    });

    it("prints the generator lines, one range() per contiguous run", () => {
        assert.deepEqual(contiguousRuns([14, 10, 11, 12, 20]), [
            [10, 12],
            [14, 14],
            [20, 20],
        ]);
        const snippet = renderGeneratorSnippet({ leases: range(10, 23), upgradeLeases: range(1, 6) });
        assert.equal(
            snippet.loops,
            "for i in range(10, 24):\n    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1\n\n" +
                "for i in range(1, 7):\n    CONFIG['ovirt-upgrade-quota-slice']['ovirt-upgrade-{}'.format(i)] = 1\n",
        );
        assert.equal(
            snippet.configEntries,
            "    'ovirt-quota-slice': {},\n    'ovirt-upgrade-quota-slice': {},\n    'ovirt-clusterbot-quota-slice': {\n        'default': 3,\n    },\n",
        );
    });

    it("parses the oVirt entries of a full _boskos.yaml and finds no difference when in sync", () => {
        const full =
            GOLDEN_14_6.replace(
                "resources:\n",
                "resources:\n- names:\n  - openstack-ppc64le-00\n  state: free\n  type: openstack-ppc64le-quota-slice\n",
            ) + "- max-count: 60\n  min-count: 60\n  state: free\n  type: packet-quota-slice\n";
        const parsed = parseOvirtBoskosEntries(full);
        assert.deepEqual(
            parsed.map((e) => e.type),
            ["ovirt-clusterbot-quota-slice", "ovirt-quota-slice", "ovirt-upgrade-quota-slice"],
        );
        assert.deepEqual(compareBoskosEntries(entries, parsed), []);
    });

    it("reports the differences after scaling down to ovirt-10..14", () => {
        const smaller = ovirtBoskosEntries({
            leases: range(10, 14),
            upgradeLeases: range(1, 6),
            clusterbotPoolSize: 2,
        });
        assert.deepEqual(compareBoskosEntries(smaller, parseOvirtBoskosEntries(GOLDEN_14_6)), [
            "ovirt-clusterbot-quota-slice: min-count/max-count are 3/3, expected 2/2",
            "ovirt-quota-slice: unexpected names ovirt-15, ovirt-16, ovirt-17, ovirt-18, ovirt-19, ovirt-20, ovirt-21, ovirt-22, ovirt-23",
        ]);
    });
});
