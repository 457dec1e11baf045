"use strict";
// The provider every Network resource stores: its state holds `require("ovirt-ci-provider-stub/Network.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("Network");
