// validateSecretValues (lib/config.ts): the secret config values are checked before any resource exists, and a
// problem never carries the value, only its shape.
import * as assert from "node:assert/strict";
import { formatProblem, validateSecretValues } from "../../lib/config";

const GOOD = {
    enginePassword: "engine-Pa$$word 'quoted' `tick`",
    pullSecret: '{"auths":{"quay.io":{"auth":"c2VjcmV0"}}}',
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0 ci@ovirt\n",
    sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
    proxyAdminSshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdm ovirt-ci-admin\n",
    proxyAdminSshPrivateKey:
        "-----BEGIN OPENSSH PRIVATE KEY-----\nYWRtaW4ta2V5AAAA\n-----END OPENSSH PRIVATE KEY-----\n",
};

describe("validateSecretValues", () => {
    it("accepts real-looking values (shell metacharacters in a password are fine: every consumer quotes them)", () => {
        assert.deepEqual(validateSecretValues(GOOD), []);
    });
    const bad: [string, Partial<typeof GOOD>, string][] = [
        ["empty engine password", { enginePassword: "" }, "enginePassword"],
        ["engine password with a newline", { enginePassword: "hunter2-secret\n" }, "enginePassword"],
        [
            "public key with a second key on a new line",
            { sshPublicKey: "ssh-ed25519 AAAAC3Nza one\nssh-rsa AAAAB3Nza attacker" },
            "sshPublicKey",
        ],
        ["public key that is a private key", { sshPublicKey: GOOD.sshPrivateKey }, "sshPublicKey"],
        ["private key that is a public key", { sshPrivateKey: GOOD.sshPublicKey }, "sshPrivateKey"],
        [
            "proxy admin key equal to the CI key (in the Vault item every CI job mounts)",
            { proxyAdminSshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0 another-comment" },
            "proxyAdminSshPublicKey",
        ],
        [
            "proxy admin private key that is a public key",
            { proxyAdminSshPrivateKey: GOOD.sshPublicKey },
            "proxyAdminSshPrivateKey",
        ],
        ["pull secret that is not JSON", { pullSecret: "my-pull-secret-text" }, "pullSecret"],
        ["pull secret without auths", { pullSecret: '{"quay.io":{"auth":"c2VjcmV0"}}' }, "pullSecret"],
    ];
    for (const [name, change, key] of bad) {
        it(`rejects ${name}, naming the key and the fix, never the value`, () => {
            const values = { ...GOOD, ...change };
            const problems = validateSecretValues(values);
            assert.deepEqual(
                problems.map((p) => p.key),
                [key],
            );
            const text = formatProblem(problems[0]);
            assert.match(text, new RegExp(`^ovirt-ci:${key}: .*; got "\\[secret, \\d+ characters.*\\]"\\. Fix: .+`));
            const value = (values as Record<string, string>)[key];
            if (value.length > 3) assert.ok(!text.includes(value.trim()), "the value is not in the message");
        });
    }
    it("ignores the pull secret when ciProfile.pullSecret is false", () => {
        assert.deepEqual(validateSecretValues({ ...GOOD, pullSecret: "whatever" }, false), []);
    });
});
