// oVirt dynamic provider: resources (token pulumi-nodejs:dynamic/ovirt:<Kind>), lookups and the API client.
export * from "./client";
export * from "./representation";
export * from "./lookup";
export { OvirtProviderBase, UNKNOWN, isUnknown, hasUnknown, providerTextChanged } from "./common";
export { OvirtProviderStub } from "./stub";
export { OVIRT_KINDS, createOvirtProvider } from "./runtime";
export { defineKind, KindProvider, resourceClass } from "./kind";
export type { ArgsOf, InputsOf, StateOf, Kind } from "./kind";
export type { OvirtKind } from "./runtime";
export type { CheckFailure } from "./common";
export * from "./host";
export * from "./storageDomain";
export * from "./network";
export * from "./vm";
export * from "./vmNic";
export * from "./engineObject";
export * from "./ovnClient";
export * from "./portSecurity";
