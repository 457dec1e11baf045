// Types of the fixture stubV1.js (the stub as states written before the stub package hold it).
/** The stub of one kind, as ovirt-ci serialized it into every state before the stub package. */
export declare class OvirtProviderStub {
    readonly kind: string;
    constructor(kind: string);
}
