"use strict";
// The provider every VmNic resource stores: its state holds `require("ovirt-ci-provider-stub/VmNic.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("VmNic");
