"use strict";
// The provider every OvnNetworkPortSecurity resource stores: its state holds `require("ovirt-ci-provider-stub/OvnNetworkPortSecurity.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("OvnNetworkPortSecurity");
