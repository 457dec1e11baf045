"use strict";
// The provider every OvnPortSecurity resource stores: its state holds `require("ovirt-ci-provider-stub/OvnPortSecurity.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("OvnPortSecurity");
