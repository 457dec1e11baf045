import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** Arguments for {@link GeneratedCredentials}. */
export interface GeneratedCredentialsArgs {
    /**
     * Length of the HAProxy statistics password.
     * @default 24
     */
    readonly statsPasswordLength?: number;
}

/**
 * Values the environment generates once and keeps in state (stable across runs): the HAProxy statistics password.
 * Letters and digits only, because HAProxy's `stats auth user:password` takes the password unquoted.
 */
export class GeneratedCredentials extends pulumi.ComponentResource {
    /** HAProxy statistics password (secret). */
    public readonly haproxyStatsPassword: pulumi.Output<string>;

    constructor(name: string, args: GeneratedCredentialsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("ovirt-ci:generatedCredentials:GeneratedCredentials", name, {}, opts);
        const stats = new random.RandomPassword(
            `${name}-haproxy-stats`,
            { length: args.statsPasswordLength ?? 24, special: false, minLower: 1, minUpper: 1, minNumeric: 1 },
            { parent: this },
        );
        this.haproxyStatsPassword = pulumi.secret(stats.result);
        this.registerOutputs({ haproxyStatsPassword: this.haproxyStatsPassword });
    }
}
