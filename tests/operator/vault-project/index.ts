// The Vault drift check's test program (tests/operator/vaultDrift.spec.ts): one KV v2 item written as the real
// program writes the CI profile item (secret data, disableRead, deleteAllVersions; components/ciSecrets.ts).
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";

const config = new pulumi.Config("operator");
const item = new vault.kv.SecretV2(
    "profile-item",
    {
        mount: "kv",
        name: config.require("itemName"),
        dataJson: config.requireSecretObject<Record<string, string>>("itemData").apply((d) => JSON.stringify(d)),
        disableRead: true,
        deleteAllVersions: true,
        // As the real item: a replace of the same path must delete first, or the old item's delete (every version)
        // removes what the new one just wrote.
    },
    { deleteBeforeReplace: true },
);
export const itemPath = item.path;
