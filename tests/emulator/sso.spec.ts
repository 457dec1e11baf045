import assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { raw, start, token } from "./helpers";

describe("emulator: SSO and authentication", () => {
    let e: RunningEngine;
    before(async () => {
        e = await start({ tokenTtlSeconds: 1 });
    });
    after(async () => e.stop());

    const login = (p: Record<string, string>) =>
        raw(e).post("/ovirt-engine/sso/oauth/token", new URLSearchParams(p), {
            headers: { Accept: "application/json" },
        });
    const get = (auth: string) =>
        raw(e).get("/ovirt-engine/api/datacenters", { headers: { Authorization: auth, Accept: "application/json" } });

    it("password grant returns access_token, bearer type, scope and exp as a string of epoch ms", async () => {
        const before = Date.now();
        const r = await login({
            grant_type: "password",
            scope: "ovirt-app-api",
            username: "admin@internal",
            password: e.password,
        });
        assert.equal(r.status, 200);
        assert.equal(r.data.token_type, "bearer");
        assert.equal(r.data.scope, "ovirt-app-api");
        assert.equal(typeof r.data.exp, "string");
        assert.ok(Number(r.data.exp) >= before + 1000 && Number(r.data.exp) < before + 60_000);
        assert.equal((await get(`Bearer ${r.data.access_token}`)).status, 200);
    });

    it("errors are always 400 with the documented bodies", async () => {
        const bad = await login({
            grant_type: "password",
            scope: "ovirt-app-api",
            username: "admin@internal",
            password: "wrong",
        });
        assert.equal(bad.status, 400);
        assert.equal(bad.data.error_code, "access_denied");
        assert.match(
            bad.data.error,
            /Cannot authenticate user 'admin@internal': The username or password is incorrect/,
        );
        const locked = await login({
            grant_type: "password",
            scope: "ovirt-app-api",
            username: "locked@internal",
            password: "locked",
        });
        assert.equal(locked.status, 400);
        assert.match(locked.data.error, /user account is disabled or locked/);
        const grant = await login({
            grant_type: "client_credentials",
            scope: "ovirt-app-api",
            username: "admin@internal",
            password: e.password,
        });
        assert.equal(grant.status, 400);
        assert.equal(grant.data.error_code, "unsupported_grant_type");
        const other = await login({
            grant_type: "password",
            scope: "openid",
            username: "admin@internal",
            password: e.password,
        });
        assert.equal(other.status, 400);
        assert.equal(other.data.error, "invalid_scope");
        assert.ok(other.data.error_description);
        const noScope = await login({ grant_type: "password", username: "admin@internal", password: e.password });
        assert.equal(noScope.status, 400);
        assert.equal(noScope.data.error, "invalid_request");
    });

    it("unknown, missing and expired tokens give 401", async () => {
        assert.equal((await get("Bearer nonsense")).status, 401);
        assert.equal((await raw(e).get("/ovirt-engine/api")).status, 401);
        const t = await token(e);
        assert.equal((await get(`Bearer ${t}`)).status, 200);
        await new Promise((r) => setTimeout(r, 1100));
        assert.equal((await get(`Bearer ${t}`)).status, 401);
    });

    it("accepts Basic auth; persistent-auth sessions use a cookie", async () => {
        const basic = `Basic ${Buffer.from(`admin@internal:${e.password}`).toString("base64")}`;
        assert.equal((await get(basic)).status, 200);
        assert.equal((await get(`Basic ${Buffer.from("admin@internal:nope").toString("base64")}`)).status, 401);
        const r = await raw(e).get("/ovirt-engine/api", {
            headers: { Authorization: basic, Prefer: "persistent-auth", Accept: "application/json" },
        });
        const cookie = String(r.headers["set-cookie"]).split(";")[0];
        assert.match(cookie, /^JSESSIONID=/);
        const again = await raw(e).get("/ovirt-engine/api/vms", {
            headers: { Cookie: cookie, Prefer: "persistent-auth", Accept: "application/json" },
        });
        assert.equal(again.status, 200);
    });

    it("logout revokes the token; admin expire-tokens revokes all", async () => {
        const t = await token(e);
        const out = await raw(e).post(
            "/ovirt-engine/services/sso-logout",
            new URLSearchParams({ scope: "ovirt-app-api", token: t }),
        );
        assert.equal(out.status, 200);
        assert.equal((await get(`Bearer ${t}`)).status, 401);
        const t2 = await token(e);
        assert.equal((await raw(e).post("/__admin/expire-tokens")).status, 200);
        assert.equal((await get(`Bearer ${t2}`)).status, 401);
    });
});
