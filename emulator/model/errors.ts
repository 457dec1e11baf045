/**
 * Engine faults. The model throws these; the HTTP layer turns them into status codes and fault bodies.
 * Texts follow ovirt-api.md §4 and §7 (clients match them by substring).
 */
export class EngineFault extends Error {
    constructor(
        readonly status: number,
        readonly reason: string,
        readonly detail?: string,
    ) {
        super(detail ? `${reason}: ${detail}` : reason);
    }
}

/** 404 with an empty body. */
export class NotFound extends Error {
    constructor(readonly what: string) { super(`not found: ${what}`); }
}

/** Backend validation failure with HTTP 409 (wrong state, name in use, locked). Detail is wrapped in `[...]`. */
export function conflict(detail: string): EngineFault {
    return new EngineFault(409, "Operation Failed", `[${detail}]`);
}

/** Backend validation failure with HTTP 400 (bad parameters). */
export function badParameter(detail: string): EngineFault {
    return new EngineFault(400, "Operation Failed", `[${detail}]`);
}

/** Missing mandatory attributes: `Vm [name] required for add`. */
export function incomplete(type: string, fields: string[], action = "add"): EngineFault {
    return new EngineFault(400, "Incomplete parameters", `${type} [${fields.join(", ")}] required for ${action}`);
}

export function inputValidation(detail: string): EngineFault {
    return new EngineFault(400, "Input validation failed.", detail);
}

export function entityNotFound(type: string, key: string): EngineFault {
    return new EngineFault(400, "Operation Failed", `Entity not found: ${type}: ${key}`);
}

/** `image_locked` → `Image Locked`: how the engine prints a status enum inside messages. */
export function statusWords(status: string): string {
    return status.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");
}

export const texts = {
    nameInUse: (action: string, type: string) =>
        `Cannot ${action} ${type}. The ${type} name is already in use, please choose a unique name and try again.`,
    locked: (action: string, type: string) =>
        `Cannot ${action} ${type}. Related operation is currently in progress. Please try again later.`,
    vmLocked: (action: string, type: string) => `Cannot ${action} ${type}: VM is locked. Please try again in a few minutes.`,
    disksLocked: (action: string, type: string, aliases: string) =>
        `Cannot ${action} ${type}: The following disks are locked: ${aliases}. Please try again in a few minutes.`,
    vmWrongState: (action: string, type: string, status: string) =>
        `Cannot ${action} ${type} because the VM is in ${statusWords(status)} status.`,
    vmRunning: (action: string) => `Cannot ${action} VM. VM is running.`,
    vmNotRunning: (action: string) => `Cannot ${action} VM. VM is not running.`,
    vmNotDown: "Cannot remove VM that its state is not down.\n-Please stop the VM first.",
    deleteProtected: (action: string, type: string) =>
        `Cannot ${action} ${type}. Delete protection is enabled. In order to delete, disable Delete protection first.`,
    hostWrongState: (action: string, status: string) =>
        `Cannot ${action} Host. Operation can be performed only when Host status is ${statusWords(status)}.`,
    hostOperational: "Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first.",
    sdWrongState: (action: string, status: string) =>
        `Cannot ${action} Storage. The relevant Storage Domain's status is ${statusWords(status)}.`,
    sdInaccessible: (action: string) =>
        `Cannot ${action} Storage. The relevant Storage Domain is inaccessible.\n-Please handle Storage Domain issues and retry the operation.`,
    hostNotUp: (action: string, host: string) => `Cannot ${action} Storage. Host ${host} is not up.`,
    noBootableDisk:
        "Cannot run VM without at least one bootable disk.\nAlternatives:\n-Create a disk for this VM, and rerun the VM.\n" +
        "-Change the boot sequence using 'Edit VM' command (Boot Option sub-tab).\n-Use 'Run-Once' command to select a different boot option and rerun the VM.",
    duplicateCustomEvent: "=Cannot add External Event. External Event with this custom id already exists.",
    illegalOrigin: (origin: string) => `Cannot add External Event. Illegal Origin for External Event : ${origin}`,
};
