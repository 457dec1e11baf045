/** The text the Pulumi SDK stores as a dynamic resource's `__provider` (see sdkSerialize.js). */
export declare function sdkProviderText(provider: object): Promise<string>;
