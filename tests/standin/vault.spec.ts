// The vault plugin under the real CLI against an OpenBao dev server, asserting only what the real provider
// (pulumi-vault 7.8.0 = terraform-provider-vault v5.8.0) does too, so the file runs unchanged against a real plugin
// (README, "Tests"): the KV v2 item is written and updated in place; refresh never reads the data back (a hand edit
// and a soft-deleted latest version stay invisible), only a deletion of every version shows; the token is looked up
// and a child token made unless skipChildToken; under the CI collection's policy only skipChildToken + disableRead +
// deleteAllVersions work; the token and the item's data never in clear text in the state.
import * as assert from "node:assert/strict";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { startOpenBao, readKv, writeKv, ciCollectionToken, RunningOpenBao } from "../../local/openbao";
import { standinStack, assertNotInState } from "./helpers";

describe("plugin: vault (real Pulumi CLI, OpenBao)", function () {
    this.timeout(600_000);
    let bao: RunningOpenBao;
    const root = (method: string, p: string) =>
        fetch(`${bao.address}/v1/${p}`, { method, headers: { "X-Vault-Token": bao.token } });
    before(async () => {
        bao = await startOpenBao({ kvMounts: ["kv"] });
    });
    after(async () => bao?.stop());

    it("SecretV2 and Mount: written, updated in place; refresh is blind to the data and to a soft delete, sees a full deletion; destroy removes", async () => {
        const first = { user: "u1", password: "pw-first-3e1f" };
        const second = { user: "u1", password: "pw-second-77ab" };
        const t = await standinStack();
        try {
            await t.stack.setAllConfig({
                scenario: { value: "vault" },
                vaultMount: { value: "kv" },
                itemName: { value: "standin/item" },
                // Secret config (history files keep the stack config); the program reads it as plain text, so the
                // plugin is what keeps dataJson secret in the state.
                itemData: { value: JSON.stringify(first), secret: true },
                withMount: { value: "true" },
                extraMount: { value: "extra" },
                "vault:address": { value: bao.address },
                // The root token may create child tokens: the default (no skipChildToken) works with it.
                "vault:token": { value: bao.token, secret: true },
            });
            const up = await t.stack.up();
            assert.deepEqual(up.summary.resourceChanges, { create: 4 });
            assert.deepEqual(await readKv(bao, "kv", "standin/item"), first);
            assert.deepEqual(await readKv(bao, "extra", "x"), { a: "b" }, "the item in the new mount");
            assert.equal(up.outputs.itemPath.value, "kv/data/standin/item");
            assert.equal(up.outputs.itemData.secret, true, "data is a secret output");
            assert.deepEqual(
                up.outputs.itemData.value,
                {},
                "data is never read back (provider v5 sets it to an empty map)",
            );
            assert.equal(up.outputs.itemVersion.value, "1");

            await t.stack.setConfig("itemData", { value: JSON.stringify(second), secret: true });
            const updated = await t.stack.up();
            assert.deepEqual(updated.summary.resourceChanges, { same: 3, update: 1 }, "a data change updates in place");
            assert.equal(updated.outputs.itemVersion.value, "2");
            assert.deepEqual(await readKv(bao, "kv", "standin/item"), second);

            const noDrift = await t.stack.refresh();
            assert.deepEqual(noDrift.summary.resourceChanges, { same: 4 }, "a refresh without drift changes nothing");

            // A hand edit: the provider never compares the data, so refresh and preview see nothing.
            await writeKv(bao, "kv", "standin/item", { user: "intruder" });
            const blind = await t.stack.refresh();
            assert.deepEqual(
                blind.summary.resourceChanges,
                { same: 4 },
                "refresh does not see a hand edit of the data",
            );
            const preview = await t.stack.preview();
            assert.equal(preview.changeSummary.update ?? 0, 0, "and the next up would not restore it");
            assert.deepEqual(await readKv(bao, "kv", "standin/item"), { user: "intruder" });

            // A soft-deleted latest version still answers with its metadata: the provider counts it as present.
            assert.equal((await root("DELETE", "kv/data/standin/item")).status, 204);
            const softDeleted = await t.stack.refresh();
            assert.deepEqual(
                softDeleted.summary.resourceChanges,
                { same: 4 },
                "a soft-deleted latest version counts as present",
            );

            // Deleting every version (the metadata) is the one change refresh sees: the item leaves the state.
            assert.equal((await root("DELETE", "kv/metadata/standin/item")).status, 204);
            const gone = await t.stack.refresh();
            assert.equal(gone.summary.resourceChanges?.delete, 1, "refresh drops a fully deleted item from the state");
            const again = await t.stack.up();
            assert.equal(again.summary.resourceChanges?.create, 1, "the next up writes it again");
            assert.deepEqual(await readKv(bao, "kv", "standin/item"), second);

            assertNotInState(t.backendDir, {
                "the Vault token": bao.token,
                "the first password": first.password,
                "the second password": second.password,
            });
        } finally {
            await t.dispose();
        }
        assert.equal(await readKv(bao, "kv", "standin/item"), undefined, "destroy removes the item");
        const mounts = (await (await root("GET", "sys/mounts")).json()) as { data: Record<string, unknown> };
        assert.ok(!("extra/" in mounts.data), "destroy removes the mount");
    });

    it("a wrong token fails at the token lookup with Vault's answer, never showing the token", async () => {
        const badToken = "s.wrong-token-5c0ffee";
        const t = await standinStack({ VAULT_ADDR: bao.address, VAULT_TOKEN: badToken });
        try {
            await t.stack.setAllConfig({
                scenario: { value: "vault" },
                vaultMount: { value: "kv" },
                itemName: { value: "standin/env" },
                itemData: { value: JSON.stringify({ k: "v" }) },
                deleteAllVersions: { value: "true" },
            });
            const err = await t.stack.up().then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(err, "up with a wrong token fails");
            const msg = String(err);
            assert.match(msg, /failed to lookup token/);
            assert.match(msg, /auth\/token\/lookup-self/);
            assert.match(msg, /Code: 403/);
            assert.match(msg, /permission denied/);
            assert.ok(!msg.includes(badToken), "the error does not show the token");
            assert.equal(await readKv(bao, "kv", "standin/env"), undefined, "nothing was written");

            (t.stack.workspace as LocalWorkspace).envVars.VAULT_TOKEN = bao.token;
            await t.stack.up();
            assert.deepEqual(await readKv(bao, "kv", "standin/env"), { k: "v" });
        } finally {
            await t.dispose();
        }
        assert.equal(
            (await root("GET", "kv/metadata/standin/env")).status,
            404,
            "deleteAllVersions: destroy removes the metadata and every version",
        );
    });

    it("under the CI collection's policy: a child token is refused, the metadata read is refused, and skipChildToken + disableRead + deleteAllVersions work", async () => {
        const token = await ciCollectionToken(bao);
        const name = "selfservice/ovirt/standin-policy";
        const t = await standinStack();
        try {
            await t.stack.setAllConfig({
                scenario: { value: "vault" },
                vaultMount: { value: "kv" },
                itemName: { value: name },
                itemData: { value: JSON.stringify({ k: "v1" }), secret: true },
                deleteAllVersions: { value: "true" },
                "vault:address": { value: bao.address },
                "vault:token": { value: token, secret: true },
            });
            const noChild = String(
                await t.stack.up().then(
                    () => "",
                    (e: Error) => e,
                ),
            );
            assert.match(noChild, /failed to create limited child token/);
            assert.match(noChild, /permission denied/);
            assert.ok(!noChild.includes(token), "the error does not show the token");
            assert.equal(await readKv(bao, "kv", name), undefined, "the child token fails before any write");

            await t.stack.setConfig("vault:skipChildToken", { value: "true" });
            const metadataRead = String(
                await t.stack.up().then(
                    () => "",
                    (e: Error) => e,
                ),
            );
            assert.match(
                metadataRead,
                new RegExp(`GET ${bao.address}/v1/kv/metadata/${name}`),
                "the read after the write reads the metadata",
            );
            assert.match(metadataRead, /Code: 403/);
            // The write went through before the read failed, as upstream (the real plugin also keeps the half-made
            // resource in the state, so the next up is a create here and an update there).
            assert.deepEqual(await readKv(bao, "kv", name), { k: "v1" });

            await t.stack.setConfig("disableRead", { value: "true" });
            const up = await t.stack.up();
            assert.equal((up.summary.resourceChanges?.create ?? 0) + (up.summary.resourceChanges?.update ?? 0), 1);
            assert.deepEqual(await readKv(bao, "kv", name), { k: "v1" });
            await t.stack.setConfig("itemData", { value: JSON.stringify({ k: "v2" }), secret: true });
            const updated = await t.stack.up();
            assert.equal(updated.summary.resourceChanges?.update, 1);
            assert.deepEqual(await readKv(bao, "kv", name), { k: "v2" });
            const refresh = await t.stack.refresh();
            assert.deepEqual(
                refresh.summary.resourceChanges,
                { same: 2 },
                "refresh with disableRead reads nothing (the item and the stack)",
            );
            assertNotInState(t.backendDir, { "the collection token": token });
        } finally {
            await t.dispose();
        }
        assert.equal(
            (await root("GET", `kv/metadata/${name}`)).status,
            404,
            "destroy deleted every version through the metadata path",
        );
    });
});
