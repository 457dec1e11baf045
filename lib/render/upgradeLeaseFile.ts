/** `ovirt-upgrade-N.json` (`docs/ci-contract.md` section 5); the implementation shares the JSON format of lease files. */
export { renderUpgradeLeaseFile, upgradeLeaseFileOutput } from "./leaseFile";
