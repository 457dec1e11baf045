# The Vault policy the CI's self-service Vault gives the members of one secret collection, for the collection
# `ovirt` under the store prefix `kv/selfservice` (docs/ci-contract.md section 2: item kv/selfservice/ovirt/…).
#
# Facts it follows (openshift/ci-tools, cmd/vault-secret-collection-manager/main.go, serializedPolicyFor;
# the manager runs with --kv-store-prefix kv/selfservice and reconciles every managed policy to this form hourly):
# - <mount>/data/<prefix>/<collection>/*      create, update, read   (write and read items; no data delete)
# - <mount>/metadata/<prefix>/<collection>/*  list, delete           (list items; delete an item with every version)
# - nothing else: no metadata read, no auth/token/create. Older manager versions granted only `list` on metadata.
# The token also carries Vault's built-in `default` policy (auth/token/lookup-self, renew-self, revoke-self).
#
# What the program therefore needs (docs/standin-plugins.md, "Least privilege"): vault:skipChildToken (no child
# token), the item's disableRead (the provider's read would read the metadata), deleteAllVersions (destroy deletes
# through the metadata path).
path "kv/data/selfservice/ovirt/*" {
  capabilities = ["create", "update", "read"]
}

path "kv/metadata/selfservice/ovirt/*" {
  capabilities = ["list", "delete"]
}
