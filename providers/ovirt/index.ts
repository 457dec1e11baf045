// oVirt dynamic provider: resources (token pulumi-nodejs:dynamic/ovirt:<Kind>), lookups and the API client.
export * from "./client";
export * from "./representation";
export * from "./lookup";
export { OvirtProviderBase, UNKNOWN, isUnknown, hasUnknown } from "./common";
export type { CheckFailure } from "./common";
export * from "./dataCenter";
export * from "./cluster";
export * from "./host";
export * from "./storageDomain";
export * from "./network";
export * from "./vm";
export * from "./vmNic";
export * from "./affinityGroup";
export * from "./tag";
export * from "./event";
export * from "./engineObject";
