// Keys of the CI profile item the program does not render survive its writes (components/vaultForeignKeys.ts).
import * as assert from "node:assert/strict";
import { foreignKeys, mergeForeignKeys, ownsKey, providerAccess } from "../../components/vaultForeignKeys";

const LIVE = {
    "ovirt-10.json": "{}",
    "ovirt-12.json": "{} removed by a scale-down",
    "ovirt-upgrade-3.json": "{}",
    "ovirt.conf": "old",
    "pull-secret": '{"auths":{}}',
    "ssh-publickey": "ssh-ed25519 AAAA",
    "secretsync/target-name": "cluster-secrets-ovirt",
    "insights-live.yaml": "live: true\n",
    "pull-secret-old": "from 2021",
};

describe("Vault item: keys the program does not own", () => {
    it("owns the lease files, the profile files and the sync keys; pull-secret only when the stack writes it", () => {
        for (const k of [
            "ovirt-10.json",
            "ovirt-upgrade-3.json",
            "ovirt.conf",
            "send-event-to-ovirt.sh",
            "secretsync/target-clusters",
        ])
            assert.equal(ownsKey(k, false), true, k);
        assert.equal(ownsKey("pull-secret", true), true);
        assert.equal(ownsKey("pull-secret", false), false, "with ciProfile.pullSecret false it is the platform's");
        assert.equal(ownsKey("insights-live.yaml", true), false);
        assert.equal(
            ownsKey("insights-live.yaml", true, ["insights-live.yaml"]),
            true,
            "a configured extra file is owned",
        );
    });

    it("keeps exactly the foreign keys, values untouched; a removed lease file is not kept", () => {
        assert.deepEqual(foreignKeys(LIVE, true), {
            "insights-live.yaml": "live: true\n",
            "pull-secret-old": "from 2021",
        });
        assert.deepEqual(Object.keys(foreignKeys(LIVE, false)).sort(), [
            "insights-live.yaml",
            "pull-secret",
            "pull-secret-old",
        ]);
    });

    it("merges with the rendered keys winning, keys sorted", () => {
        const merged = mergeForeignKeys({ "ovirt.conf": "new", "ovirt-10.json": "{}" }, foreignKeys(LIVE, true));
        assert.deepEqual(Object.keys(merged), ["insights-live.yaml", "ovirt-10.json", "ovirt.conf", "pull-secret-old"]);
        assert.equal(merged["ovirt.conf"], "new");
    });

    it("reads nothing without a Vault address or token (the vault provider could not write either)", () => {
        assert.equal(providerAccess({}, undefined, {}), undefined);
        assert.deepEqual(providerAccess({ address: "https://v" }, undefined, { VAULT_TOKEN: "t" }), {
            address: "https://v",
            token: "t",
        });
    });
});
