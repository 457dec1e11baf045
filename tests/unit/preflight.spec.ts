// components/preflight.ts: the Vault check counts only "nothing answers" as a problem.
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { vaultProblem } from "../../components/preflight";
import { freePort } from "../../local/openbao";

describe("preflight: Vault answers", () => {
    it("a port nobody listens on: a problem naming the address, the refusal and the fix", async () => {
        const address = `http://127.0.0.1:${await freePort()}`;
        const p = await vaultProblem(address);
        assert.ok(p);
        assert.match(
            p,
            new RegExp(
                `^Vault at ${address.replace(/\./g, "\\.")} is unreachable \\(.*ECONNREFUSED.*\\)\\. Nothing was changed\\. Fix: start Vault`,
            ),
        );
    });

    it("sealed (503) or not initialized (501): a problem; any other answer is the Vault provider's to report; no address: none", async () => {
        let status = 503;
        const srv = http.createServer((_req, res) => res.writeHead(status).end("{}"));
        await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
        try {
            const { port } = srv.address() as { port: number };
            const at = `http://127.0.0.1:${port}/`;
            assert.match(
                (await vaultProblem(at)) ?? "",
                /is sealed \(GET \/v1\/sys\/health: HTTP 503\)\. Nothing was changed\. Fix: unseal/,
            );
            status = 501;
            assert.match((await vaultProblem(at)) ?? "", /is not initialized/);
            for (status of [200, 429, 472, 403]) assert.equal(await vaultProblem(at), undefined, `HTTP ${status}`);
        } finally {
            srv.close();
        }
        assert.equal(await vaultProblem(undefined), undefined);
    });
});
