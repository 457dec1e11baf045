"use strict";
// The provider every EngineObject resource stores: its state holds `require("ovirt-ci-provider-stub/EngineObject.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("EngineObject");
