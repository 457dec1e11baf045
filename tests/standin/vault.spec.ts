// The stand-in vault plugin under the real CLI against an OpenBao dev server: the KV v2 item is written,
// updated in place, drift is seen by refresh, destroy removes it; config from the stack or VAULT_*;
// the token and the item's data never in clear text in the state.
import * as assert from "node:assert/strict";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { startOpenBao, readKv, writeKv, RunningOpenBao } from "../../local/openbao";
import { standinStack, assertNotInState } from "./helpers";

describe("stand-in plugin: vault (real Pulumi CLI, OpenBao)", function () {
    this.timeout(600_000);
    let bao: RunningOpenBao;
    before(async () => {
        bao = await startOpenBao({ kvMounts: ["kv"] });
    });
    after(async () => bao?.stop());

    it("SecretV2 and Mount: write, update in place, refresh sees drift, destroy removes; secrets stay secret", async () => {
        const first = { user: "u1", password: "pw-first-3e1f" };
        const second = { user: "u1", password: "pw-second-77ab" };
        const t = await standinStack();
        try {
            await t.stack.setAllConfig({
                scenario: { value: "vault" },
                vaultMount: { value: "kv" },
                itemName: { value: "standin/item" },
                // Secret config (history files keep the stack config); the program reads it as plain text, so the
                // plugin is what keeps dataJson/data secret in the state.
                itemData: { value: JSON.stringify(first), secret: true },
                withMount: { value: "true" },
                extraMount: { value: "extra" },
                "vault:address": { value: bao.address },
                "vault:token": { value: bao.token, secret: true },
            });
            const up = await t.stack.up();
            assert.deepEqual(up.summary.resourceChanges, { create: 4 });
            assert.deepEqual(await readKv(bao, "kv", "standin/item"), first);
            assert.deepEqual(await readKv(bao, "extra", "x"), { a: "b" }, "the item in the new mount");
            assert.equal(up.outputs.itemPath.value, "kv/data/standin/item");
            assert.equal(up.outputs.itemData.secret, true, "data is a secret output");
            assert.deepEqual(up.outputs.itemData.value, first);
            assert.equal(up.outputs.itemVersion.value, "1");

            await t.stack.setConfig("itemData", { value: JSON.stringify(second), secret: true });
            const updated = await t.stack.up();
            assert.deepEqual(updated.summary.resourceChanges, { same: 3, update: 1 }, "a data change updates in place");
            assert.equal(updated.outputs.itemVersion.value, "2");
            assert.deepEqual(await readKv(bao, "kv", "standin/item"), second);

            const noDrift = await t.stack.refresh();
            assert.deepEqual(noDrift.summary.resourceChanges, { same: 4 }, "a refresh without drift changes nothing");

            await writeKv(bao, "kv", "standin/item", { user: "intruder" });
            const refresh = await t.stack.refresh();
            assert.equal(refresh.summary.resourceChanges?.update, 1, "refresh sees the change made behind Pulumi's back");
            const preview = await t.stack.preview();
            assert.equal(preview.changeSummary.update, 1, "the next up puts the program's data back");
            await t.stack.up();
            assert.deepEqual(await readKv(bao, "kv", "standin/item"), second);

            assertNotInState(t.backendDir, { "the Vault token": bao.token, "the first password": first.password, "the second password": second.password });
        } finally {
            await t.dispose();
        }
        assert.equal(await readKv(bao, "kv", "standin/item"), undefined, "destroy removes the item");
        const mounts = (await (await fetch(`${bao.address}/v1/sys/mounts`, { headers: { "X-Vault-Token": bao.token } })).json()) as { data: Record<string, unknown> };
        assert.ok(!("extra/" in mounts.data), "destroy removes the mount");
    });

    it("takes address and token from VAULT_ADDR/VAULT_TOKEN; an error names the address and path, never the token", async () => {
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
            const err = await t.stack.up().then(() => undefined, (e: Error) => e);
            assert.ok(err, "up with a wrong token fails");
            const msg = String(err);
            assert.match(msg, new RegExp(`Vault at ${bao.address.replace(/[.]/g, "\\.")}: POST /v1/kv/data/standin/env: HTTP 403: .*permission denied`));
            assert.ok(!msg.includes(badToken), "the error does not show the token");

            (t.stack.workspace as LocalWorkspace).envVars.VAULT_TOKEN = bao.token;
            await t.stack.up();
            assert.deepEqual(await readKv(bao, "kv", "standin/env"), { k: "v" });
        } finally {
            await t.dispose();
        }
        const meta = await fetch(`${bao.address}/v1/kv/metadata/standin/env`, { headers: { "X-Vault-Token": bao.token } });
        assert.equal(meta.status, 404, "deleteAllVersions: destroy removes the metadata and every version");
    });
});
