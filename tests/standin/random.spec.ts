// The stand-in random plugin under the real CLI: stable across ups, replaced when keepers change,
// result and bcryptHash secret in the state.
import * as assert from "node:assert/strict";
import * as bcrypt from "bcryptjs";
import { standinStack, assertNotInState } from "./helpers";

describe("stand-in plugin: random (real Pulumi CLI)", function () {
    this.timeout(600_000);

    it("RandomPassword/RandomString: stable across ups and refresh, replaced when keepers change, secret in state", async () => {
        const t = await standinStack();
        try {
            await t.stack.setAllConfig({ scenario: { value: "random" }, keeper: { value: "one" } });
            const up = await t.stack.up();
            assert.deepEqual(up.summary.resourceChanges, { create: 3 });
            const pw = up.outputs.password.value as string;
            assert.equal(up.outputs.password.secret, true, "result is a secret output");
            assert.equal(up.outputs.bcryptHash.secret, true, "bcryptHash is a secret output");
            assert.match(pw, /^[A-Za-z0-9_-]{20}$/);
            assert.ok(
                (pw.match(/[0-9]/g) ?? []).length >= 2 && (pw.match(/[-_]/g) ?? []).length >= 2,
                `minimum counts: ${pw.length}`,
            );
            assert.ok(
                bcrypt.compareSync(pw, up.outputs.bcryptHash.value as string),
                "bcryptHash is the bcrypt of result",
            );
            assert.match(up.outputs.str.value as string, /^[a-z0-9]{12}$/);

            const again = await t.stack.up();
            assert.deepEqual(again.summary.resourceChanges, { same: 3 });
            assert.equal(again.outputs.password.value, pw, "stable across ups");
            const refresh = await t.stack.refresh();
            assert.deepEqual(refresh.summary.resourceChanges, { same: 3 }, "a refresh keeps the state");

            await t.stack.setConfig("keeper", { value: "two" });
            const replaced = await t.stack.up();
            assert.equal(replaced.summary.resourceChanges?.replace, 1);
            assert.notEqual(replaced.outputs.password.value, pw, "a keepers change makes a new password");
            assert.equal(replaced.outputs.str.value, up.outputs.str.value, "the other resource stays");
            assertNotInState(t.backendDir, {
                "the first password": pw,
                "the second password": replaced.outputs.password.value as string,
                "the bcrypt hash": replaced.outputs.bcryptHash.value as string,
            });
        } finally {
            await t.dispose();
        }
    });
});
