"use strict";
// The provider every Host resource stores: its state holds `require("ovirt-ci-provider-stub/Host.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("Host");
