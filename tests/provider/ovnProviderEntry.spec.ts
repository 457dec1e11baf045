import assert from "node:assert/strict";
import type { RunningEngine } from "../../emulator";
import { CI_USER, CI_USER_PASSWORD } from "../../emulator/model/seed";
import {
    ovnSession,
    ovnUser,
    resetOvnCache,
    resolveOvnEndpoint,
    withProviderEntry,
} from "../../providers/ovirt/ovnClient";
import { rawConfig, startTestEngine } from "./helpers";

// The engine's provider entry (GET /openstacknetworkproviders) says where the OVN provider answers and as whom to
// log in: `url`, `authentication_url`, `username` (the password is write-only). On Keycloak engines engine-setup
// makes the provider's admin user admin@ovirt@internalsso (ovirt-engine, the OVN provider setup plugin
// ovirtproviderovn.py), and the provider issues tokens only to that user (ovirt-provider-ovn,
// handlers/keystone_responses.py): logging in as engineUsername would fail there.
describe("OVN endpoint from the engine's provider entry", function () {
    this.timeout(30_000);
    let e: RunningEngine;
    before(async () => {
        e = await startTestEngine();
    });
    after(async () => e.stop());

    const config = (extra: Record<string, string>) => {
        const raw = rawConfig(e, { "ovirt-ci:ovnAuthUrl": "", "ovirt-ci:ovnNetworkUrl": "", ...extra });
        return { get: (k: string) => raw[k] };
    };

    it("reads URL, authentication URL and user from the entry when no OVN URL is configured", async () => {
        const ep = await withProviderEntry(resolveOvnEndpoint(config({})));
        const entry = e.server.model.state.providers.find((p) => p.name === "ovirt-provider-ovn")!;
        assert.equal(ep.networkUrl, `${entry.url.replace(/\/+$/, "")}/v2.0`);
        assert.equal(ep.authUrl, entry.authenticationUrl!.replace(/\/+$/, ""));
        assert.equal(ovnUser(ep), entry.username);
    });

    it("ovnUsername overrides the entry's user; configured URLs skip the entry (and keep the engine user)", async () => {
        const ep = await withProviderEntry(
            resolveOvnEndpoint(config({ "ovirt-ci:ovnUsername": "admin@ovirt@internalsso" })),
        );
        assert.equal(ovnUser(ep), "admin@ovirt@internalsso");
        const explicit = resolveOvnEndpoint({ get: (k: string) => rawConfig(e)[k] });
        assert.equal(explicit.providerEntry, undefined);
        assert.equal(ovnUser(await withProviderEntry(explicit)), e.username);
    });

    it("names a provider the engine does not have, and the keys that bypass the entry", async () => {
        await assert.rejects(
            withProviderEntry(resolveOvnEndpoint(config({ "ovirt-ci:ovnProviderName": "no-such-provider" }))),
            /no external network provider named no-such-provider.*ovnProviderName.*ovnAuthUrl, ovnNetworkUrl and ovnUsername/,
        );
    });

    it("a user the provider refuses tokens to (403) is an error naming the user, where it came from and the fix", async () => {
        resetOvnCache();
        // the CI's least-privilege engine user logs in at the SSO, but it is not the provider's admin user
        const ci = { "ovirt-ci:engineUsername": CI_USER, "ovirt-ci:enginePassword": CI_USER_PASSWORD };
        const fromEngine = resolveOvnEndpoint({ get: (k: string) => rawConfig(e, ci)[k] });
        await assert.rejects(ovnSession(fromEngine, "read OVN networks").get("/networks"), (err: Error) => {
            assert.match(err.message, /OVN token for ocpadmin@internal.*HTTP 403: Forbidden/);
            assert.match(err.message, /issues tokens only to its admin user/);
            assert.match(err.message, /ocpadmin@internal \(from engineUsername/);
            assert.match(err.message, /Fix: set ovirt-ci:ovnUsername/);
            assert.doesNotMatch(err.message, new RegExp(CI_USER_PASSWORD));
            return true;
        });
        const fromConfig = resolveOvnEndpoint({
            get: (k: string) => rawConfig(e, { ...ci, "ovirt-ci:ovnUsername": CI_USER })[k],
        });
        await assert.rejects(
            ovnSession(fromConfig, "read OVN networks").get("/networks"),
            /ocpadmin@internal \(from ovirt-ci:ovnUsername \(OVIRT_OVN_USERNAME\)\)/,
        );
    });
});
