import * as assert from "node:assert/strict";
import { vaultWriteProblem } from "../../components/preflight";
import { RunningOpenBao, ciCollectionToken, startOpenBao } from "../../local/openbao";

// The preflight's write check against a real OpenBao dev server (the CI's Vault answers sys/capabilities-self the
// same way: Vault's API docs): the CI collection's token may write its item, not another collection's; a token
// the server does not know is refused; no address or no token is a refusal too.
describe("preflight: the Vault token may write the item", function () {
    this.timeout(60_000);
    let bao: RunningOpenBao;
    let collection: string;
    before(async () => {
        bao = await startOpenBao();
        collection = await ciCollectionToken(bao);
    });
    after(async () => bao?.stop());

    const item = { mount: "kv", path: "selfservice/ovirt/cluster-secrets-ovirt" };

    it("passes the root token and the collection's token on its own item", async () => {
        assert.equal(await vaultWriteProblem(bao.address, bao.token, item), undefined);
        assert.equal(await vaultWriteProblem(bao.address, collection, item), undefined);
    });

    it("refuses the collection's token on another collection's item, naming its capabilities and the fix", async () => {
        const p = await vaultWriteProblem(bao.address, collection, { mount: "kv", path: "selfservice/other/x" });
        assert.match(
            p ?? "",
            /may not write the CI item kv\/data\/selfservice\/other\/x .*capabilities there: deny.*Fix/,
        );
    });

    it("refuses a token the server does not know, a missing token and a missing address, never quoting the token", async () => {
        const bogus = "s.not-a-real-token-0123456789";
        const p = await vaultWriteProblem(bao.address, bogus, item);
        assert.match(p ?? "", /rejects the token .*HTTP 403.*Fix/);
        assert.ok(!(p ?? "").includes(bogus));
        assert.match((await vaultWriteProblem(bao.address, undefined, item)) ?? "", /no Vault token.*vault:token/);
        assert.match((await vaultWriteProblem(undefined, bao.token, item)) ?? "", /vault:address is not set.*Fix/);
    });
});
