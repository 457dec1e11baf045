// `npm run drift` and the Vault item, which Pulumi cannot see (scripts/vaultDrift.ts): a throwaway stack of
// tests/operator/vault-project on a file backend, OpenBao with the CI collection's least-privilege token and
// skipChildToken. Clean → 0; a hand edit (a changed, a removed and an added key) → 1 naming the keys, never a value;
// the item deleted → 1; a bad token → 2 with the fix. Plus the comparison and report on their own.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { startOpenBao, ciCollectionToken, writeKv, RunningOpenBao } from "../../local/openbao";
import { throwawayStack, ThrowawayStack } from "../helpers/pulumiCli";
import { standinCliEnv } from "../../scripts/lib/standinPlugins";
import { compareItem, renderVaultDrift } from "../../scripts/vaultDrift";
import { runDrift } from "./runDrift";

const projectDir = path.join(__dirname, "vault-project");
const ITEM = "selfservice/ovirt/drift-item";

const drift = (t: ThrowawayStack) => runDrift(t, projectDir, [], { VAULT_TOKEN: "", BAO_TOKEN: "" });

describe("Vault item drift: comparison and report", () => {
    it("compares by digest and names keys only", () => {
        const r = compareItem({ a: "1", b: "2", c: "3" }, { a: "1", b: "two", d: "4" });
        assert.deepEqual(r, { missing: ["c"], changed: ["b"], extra: ["d"] });
        const text = renderVaultDrift([{ name: "ci-profile-item", path: "kv/x", found: "present", ...r }]);
        assert.match(text, /missing keys: c\n/);
        assert.match(text, /changed keys: b\n/);
        assert.match(text, /extra keys: d\n/);
        assert.ok(!/two|"2"|"4"/.test(text), "no value in the report");
        assert.match(
            renderVaultDrift([{ name: "i", path: "kv/x", found: "present", missing: [], changed: [], extra: [] }]),
            /every key as the last up wrote it/,
        );
    });
});

describe("npm run drift: the Vault item (real CLI, OpenBao, least-privilege token)", function () {
    this.timeout(300_000);
    let bao: RunningOpenBao;
    let t: ThrowawayStack;
    let token: string;
    const data = {
        "ovirt.conf": "OVIRT_URL=https://engine\nPASSWORD=drift-pw-5ad1\n",
        "pull-secret": '{"auths":{}}',
        "secretsync/target-name": "cluster-secrets-ovirt",
    };

    before(async () => {
        bao = await startOpenBao({ kvMounts: ["kv"] });
        token = await ciCollectionToken(bao);
        t = await throwawayStack(projectDir, standinCliEnv());
        await t.stack.setAllConfig({
            "operator:itemName": { value: ITEM },
            "operator:itemData": { value: JSON.stringify(data), secret: true },
            "vault:address": { value: bao.address },
            "vault:token": { value: token, secret: true },
            "vault:skipChildToken": { value: "true" },
        });
        const up = await t.stack.up();
        assert.equal(up.summary.result, "succeeded");
    });
    after(async () => {
        await t?.stack.setConfig("vault:token", { value: token, secret: true }).catch(() => undefined);
        await t?.dispose();
        await bao?.stop();
    });

    const noValues = (text: string) => {
        for (const v of ["drift-pw-5ad1", "hand-edited-9e", "extra-value-77", token, bao.token])
            assert.ok(!text.includes(v), `the output shows a value or token: ${v}`);
    };

    it("exit 0 when Vault holds what the last up wrote; 1 naming changed, missing and extra keys after a hand edit; 1 when the item is gone", async () => {
        const clean = await drift(t);
        assert.equal(clean.status, 0, clean.stdout + clean.stderr);
        assert.match(clean.stdout, /1 Vault item: every key as the last up wrote it/);

        const edited: Record<string, string> = {
            ...data,
            "ovirt.conf": "hand-edited-9e",
            "insights-live.yaml": "extra-value-77",
        };
        delete edited["pull-secret"];
        await writeKv(bao, "kv", ITEM, edited);
        const r = await drift(t);
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, new RegExp(`vault:kv/secretV2:SecretV2 profile-item \\(kv/${ITEM}\\)`));
        assert.match(r.stdout, /changed keys: ovirt\.conf\n/);
        assert.match(r.stdout, /missing keys: pull-secret\n/);
        assert.match(r.stdout, /extra keys: insights-live\.yaml\n/);
        noValues(r.stdout + r.stderr);

        // What the report's fix says: replacing the item writes it again.
        const urn = (await t.stack.exportStack()).deployment.resources.find(
            (x: { type: string }) => x.type === "vault:kv/secretV2:SecretV2",
        ).urn as string;
        await t.stack.up({ replace: [urn] });
        assert.equal((await drift(t)).status, 0, "up --replace of the item restores it");

        await fetch(`${bao.address}/v1/kv/metadata/${ITEM}`, {
            method: "DELETE",
            headers: { "X-Vault-Token": bao.token },
        });
        const gone = await drift(t);
        assert.equal(gone.status, 1, gone.stdout + gone.stderr);
        assert.match(gone.stdout, /the item is missing from Vault/);
        noValues(gone.stdout + gone.stderr);
    });

    it("exit 2 with the fix when the token is invalid or expired", async () => {
        await t.stack.setConfig("vault:token", { value: "s.expired-0f3c", secret: true });
        const r = await drift(t);
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.match(r.stderr, /token .* is invalid or expired.*pulumi config set --secret vault:token/s);
        assert.ok(!(r.stdout + r.stderr).includes("s.expired-0f3c"), "the token is not shown");
        await t.stack.setConfig("vault:token", { value: token, secret: true });
    });
});
