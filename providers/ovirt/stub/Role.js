"use strict";
// The provider every Role resource stores: its state holds `require("ovirt-ci-provider-stub/Role.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("Role");
