// The oVirt part of generate-boskos.py: recognised shapes, rewrite in place, the rest byte for byte.
import * as assert from "node:assert/strict";
import { UnrecognisedGeneratorError, readGenerator, rewriteGenerator } from "../../lib/boskosGenerator";
import { fixtureGenerator } from "../operator/boskosFixtures";

describe("generate-boskos.py: the oVirt part", () => {
    const gen = fixtureGenerator();

    it("reads the leases and the pool, whatever the loops' spacing", () => {
        assert.deepEqual(readGenerator(gen), {
            leases: [10, 11, 12, 13, 14],
            upgradeLeases: [1, 2, 3, 4, 5, 6],
            clusterbotPoolSize: 3,
        });
        assert.deepEqual(readGenerator(fixtureGenerator({ clusterbot: false })), {
            leases: [10, 11, 12, 13, 14],
            upgradeLeases: [1, 2, 3, 4, 5, 6],
        });
    });

    it("rewrites only the loops and the pool number; the same leases in any order change nothing", () => {
        assert.equal(
            rewriteGenerator(gen, {
                leases: [14, 13, 12, 11, 10],
                upgradeLeases: [6, 5, 4, 3, 2, 1],
                clusterbotPoolSize: 3,
            }),
            gen,
        );
        const out = rewriteGenerator(gen, { leases: [10, 11, 20], upgradeLeases: [], clusterbotPoolSize: 4 });
        const [before, after] = [gen.split("for i in range(10, 15):")[0], gen.split("for i in range(70,73):")[1]];
        assert.ok(out.startsWith(before.replace("'default': 3,", "'default': 4,")));
        assert.ok(out.endsWith(`for i in range(70,73):${after}`));
        assert.ok(
            out.includes(
                "for i in range(10, 12):\n    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1\n\nfor i in range(20, 21):\n    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1\n\nfor i in range(70,73):",
            ),
        );
        assert.deepEqual(readGenerator(out), { leases: [10, 11, 20], upgradeLeases: [], clusterbotPoolSize: 4 });
        assert.equal(rewriteGenerator(out, { leases: [10, 11, 20], upgradeLeases: [], clusterbotPoolSize: 4 }), out);
    });

    it("refuses what it does not recognise", () => {
        const cases: [string, string][] = [
            [gen.replace("CONFIG = {", "RESOURCES = {"), "no `CONFIG = {` map"],
            [
                gen.replace("'ovirt-upgrade-{}'", "'upgrade-{}'"),
                "an oVirt name outside the recognised entries and loops",
            ],
            [gen.replace("range(10, 15)", "range(15, 10)"), "an empty loop range(15, 10)"],
            [
                gen.replace(
                    "\nconfig = {",
                    "\nfor i in range(12, 13):\n    CONFIG['ovirt-quota-slice']['ovirt-{}'.format(i)] = 1\nconfig = {",
                ),
                "ovirt-12 is declared twice",
            ],
        ];
        for (const [text, message] of cases) {
            assert.throws(
                () => rewriteGenerator(text, { leases: [10], upgradeLeases: [] }),
                (e: Error) => e instanceof UnrecognisedGeneratorError && e.message.includes(message),
                message,
            );
        }
    });
});
