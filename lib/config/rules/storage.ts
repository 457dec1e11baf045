/** Upgrade storage, scale-down and protection overrides against the leases they name. */
import { UpgradeStorageSchema } from "../../configSchema";
import { protectionProblems } from "../../protection";
import { requiredProblem } from "../schemaProblems";
import { RuleInput } from "./input";

/** Upgrade leases need the NFS server their exports live on. */
export function checkNfsServer({ p, c, upgradeLeases }: RuleInput): void {
    const key = "upgradeStorage.nfsServer";
    if ((upgradeLeases?.length ?? 0) > 0 && p.ok(key) && c.upgradeStorage.nfsServer === undefined) {
        p.push(requiredProblem(key, UpgradeStorageSchema.properties.nfsServer));
    }
}

/**
 * `removeLeasesInUse` names leases the config removes: a lease still declared makes no sense there, it would
 * silently apply to a later scale-down.
 */
export function checkRemoveLeasesInUse({ p, c, leases }: RuleInput): void {
    if (!p.ok("removeLeasesInUse")) return;
    const declared = c.removeLeasesInUse.filter((x) => leases?.includes(Number(x.slice("ovirt-".length))));
    if (declared.length > 0) {
        p.add(
            "removeLeasesInUse",
            c.removeLeasesInUse,
            `names leases the config still declares (${declared.join(", ")}); the override is for leases being removed`,
            "remove those names from removeLeasesInUse",
        );
    }
}

/** A storage domain is formatted only as part of a removal allowReplace allows (lib/protection.ts). */
export function checkProtection({ p, c }: RuleInput): void {
    if (p.ok("allowReplace", "formatUpgradeStorage"))
        p.push(...protectionProblems(c.allowReplace, c.formatUpgradeStorage));
}
