"use strict";
// The provider every StorageDomain resource stores: its state holds `require("ovirt-ci-provider-stub/StorageDomain.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("StorageDomain");
