"use strict";
// The provider every Permission resource stores: its state holds `require("ovirt-ci-provider-stub/Permission.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("Permission");
