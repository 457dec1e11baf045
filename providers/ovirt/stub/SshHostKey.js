"use strict";
// The provider every SshHostKey resource stores: its state holds `require("ovirt-ci-provider-stub/SshHostKey.js")` (stub.js).
module.exports = new (require("./stub.js").OvirtProviderStub)("SshHostKey");
