/**
 * LOCAL STAND-IN for pulumi-resource-random 4.21.1 (docs/standin-plugins.md); not the upstream provider.
 * Implements `random:index/randomPassword:RandomPassword` and `random:index/randomString:RandomString`
 * as upstream (terraform-provider-random, bridged) documents them: crypto-random characters with the
 * minimum counts per class, every input change replaces the resource, a refresh keeps the state.
 */
import { randomInt } from "node:crypto";
import * as bcrypt from "bcryptjs";
import { Failure, Props, ResourceHandler, changedKeys, get, hasUnknown, plain, secret, serve } from "./shared";
import { standinSchema } from "./schema";

/** Upstream's default special characters. */
const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NUMERIC = "0123456789";

const TYPES = {
    password: "random:index/randomPassword:RandomPassword",
    string: "random:index/randomString:RandomString",
} as const;
const INPUTS = [...standinSchema(TYPES.password).inputs];

/** Crypto-random string as upstream builds it: the minimum of each class, the rest from all enabled classes, shuffled. */
export function generate(inputs: Props): string {
    const length = get<number>(inputs, "length")!;
    const special = get<string>(inputs, "overrideSpecial") ?? DEFAULT_SPECIAL;
    const classes: [boolean, string, number][] = [
        [get<boolean>(inputs, "lower") !== false, LOWER, get<number>(inputs, "minLower") ?? 0],
        [get<boolean>(inputs, "upper") !== false, UPPER, get<number>(inputs, "minUpper") ?? 0],
        [get<boolean>(inputs, "numeric") !== false, NUMERIC, get<number>(inputs, "minNumeric") ?? 0],
        [get<boolean>(inputs, "special") !== false, special, get<number>(inputs, "minSpecial") ?? 0],
    ];
    const pickFrom = (set: string) => set[randomInt(set.length)];
    const chars: string[] = [];
    let all = "";
    for (const [enabled, set, min] of classes) {
        if (!enabled || set.length === 0) continue;
        all += set;
        for (let i = 0; i < min; i++) chars.push(pickFrom(set));
    }
    if (all.length === 0) throw new Error("at least one character class must be enabled");
    while (chars.length < length) chars.push(pickFrom(all));
    for (let i = chars.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    return chars.join("");
}

function randomHandler(isPassword: boolean): ResourceHandler {
    return {
        async check(news) {
            const failures: Failure[] = [];
            const inputs: Props = { ...news };
            for (const k of ["special", "upper", "lower"])
                if (inputs[k] === undefined || inputs[k] === null) inputs[k] = true;
            // `number` is the deprecated name of `numeric`; upstream keeps the two equal.
            if (inputs.numeric === undefined || inputs.numeric === null) inputs.numeric = inputs.number ?? true;
            inputs.number = inputs.numeric;
            for (const k of ["minLower", "minUpper", "minNumeric", "minSpecial"])
                if (inputs[k] === undefined || inputs[k] === null) inputs[k] = 0;
            const length = plain(inputs.length);
            if (!hasUnknown(inputs)) {
                const mins = ["minLower", "minUpper", "minNumeric", "minSpecial"].reduce(
                    (s, k) => s + (get<number>(inputs, k) ?? 0),
                    0,
                );
                if (typeof length !== "number" || !Number.isInteger(length) || length < 1) {
                    failures.push({ property: "length", reason: "length is required and must be an integer >= 1" });
                } else if (length < mins) {
                    failures.push({
                        property: "length",
                        reason: `length (${length}) must be >= minUpper + minLower + minNumeric + minSpecial (${mins})`,
                    });
                }
                if (!["lower", "upper", "numeric", "special"].some((k) => get<boolean>(inputs, k))) {
                    failures.push({
                        property: "lower",
                        reason: "at least one of lower, upper, numeric and special must be true",
                    });
                }
            }
            return { inputs, failures };
        },
        async diff(_id, _state, oldInputs, news) {
            // Upstream: every argument requires replacement.
            const changed = changedKeys(oldInputs, news, INPUTS);
            const replacing = standinSchema(isPassword ? TYPES.password : TYPES.string).replacesOnDiff;
            return { changed, replaces: changed.filter((k) => replacing.includes(k)) };
        },
        async create(_urn, inputs) {
            const result = generate(inputs);
            const outs: Props = { ...inputs };
            if (isPassword) {
                outs.result = secret(result);
                outs.bcryptHash = secret(await bcrypt.hash(result, 10));
                return { id: "none", outs };
            }
            // Upstream: a RandomString's id is its result, and the result is not a secret.
            outs.result = result;
            return { id: result, outs };
        },
        async read(id, state) {
            // Nothing lives outside the state: a refresh keeps it.
            return { id, props: state };
        },
        async delete() {
            // Nothing to remove.
        },
    };
}

// Started last: the handlers above use module constants.
serve({
    name: "random",
    version: "4.21.1",
    resources: {
        [TYPES.password]: randomHandler(true),
        [TYPES.string]: randomHandler(false),
    },
});
