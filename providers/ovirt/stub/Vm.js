"use strict";
// The provider every Vm resource stores: its state holds `require("ovirt-ci-provider-stub/Vm.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("Vm");
