import { ConfigModel } from "../../configSchema";
import { Problems } from "../problems";

/** What a rule across keys reads, and where it reports. */
export interface RuleInput {
    readonly p: Problems;
    /**
     * The config as the schema reads it, defaults filled in. A value is what the schema declares only where
     * `p.ok(key)`: a rule checks that first (a key with a problem has been reported already).
     */
    readonly c: ConfigModel;
    /** The values as given (JSON text parsed, scalars not yet converted): what a problem shows. */
    readonly given: Readonly<Record<string, unknown>>;
    /** The top-level values as passed (Pulumi's text). */
    readonly raw: Readonly<Record<string, unknown>>;
    /** Install lease numbers, sorted; undefined when `leases` has a problem. */
    readonly leases?: readonly number[];
    /** Upgrade lease numbers, sorted; undefined when `upgradeLeases` has a problem. */
    readonly upgradeLeases?: readonly number[];
}
