/**
 * Engine faults. The model throws these; the HTTP layer turns them into status codes and fault bodies.
 * Texts follow docs/engine-api.md §4 and §7 (clients match them by substring).
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
    constructor(readonly what: string) {
        super(`not found: ${what}`);
    }
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

/** Throws `incomplete` naming, in their order, the mandatory attributes in `fields` that are missing (undefined or ""). */
export function requireFields(type: string, fields: Record<string, unknown>): void {
    const missing = Object.entries(fields)
        .filter(([, v]) => v === undefined || v === "")
        .map(([k]) => k);
    if (missing.length) throw incomplete(type, missing);
}

/**
 * A body value the engine's readers cannot convert. `invalidValue` is the text of the api's InvalidValueException
 * (oVirt/ovirt-engine 0111fc6, restapi/interface/definition/…/api/utils/BooleanParser.java, IntegerParser.java, the
 * parse methods api.xjb binds to every boolean and integer): an XML body gets it as 400 `Invalid value`
 * (IOExceptionMapper). Any other conversion failure (DatatypeConverter's NumberFormatException), and every failure in a
 * JSON body (Jackson wraps the adapter's exception in a JsonMappingException, JsonExceptionMapper), is the usage
 * fault (representation/usage.ts). The HTTP layer, which knows the body's format, makes the fault.
 */
export class BodyValueError extends Error {
    constructor(
        readonly attr: string,
        readonly invalidValue?: string,
    ) {
        super(invalidValue ?? `cannot convert the value of '${attr}'`);
    }
}

export function inputValidation(detail: string): EngineFault {
    return new EngineFault(400, "Input validation failed.", detail);
}

/**
 * A referenced entity (a cluster, a template, a host by name) that does not exist: 404 with a fault, not the bare
 * 404 of an addressed entity. restapi BackendResource.doGetEntity throws EntityNotFoundException, a
 * BackendFailureException with Status.NOT_FOUND and "Entity not found: {0}" (logging/Messages.properties), which
 * BaseBackendResource.handleError turns into a fault with that status when `notFoundAs404` is false (the default
 * of getEntity).
 */
export function entityNotFound(type: string, key: string): EngineFault {
    return new EngineFault(404, "Operation Failed", `Entity not found: ${type}: ${key}`);
}

/** `image_locked` → `Image Locked`: how the engine prints a status enum inside messages. */
export function statusWords(status: string): string {
    return status
        .split("_")
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join(" ");
}

/**
 * Validation texts, from the engine's message catalogue (oVirt/ovirt-engine frontend/…/AppErrors.properties, keys
 * named in each comment) with `${action}`/`${type}` filled as the commands fill them (VAR__ACTION__*, VAR__TYPE__*).
 * Their HTTP status follows the key's ErrorType (common/…/errors/EngineMessage.java; restapi ErrorMessageHelper:
 * CONFLICT → 409, BAD_PARAMETERS/NOT_SUPPORTED → 400).
 */
export const texts = {
    /** ACTION_TYPE_FAILED_NAME_ALREADY_USED (VMs, templates, hosts): 409. */
    nameInUse: (action: string, type: string) =>
        `Cannot ${action} ${type}. The ${type} name is already in use, please choose a unique name and try again.`,
    /** ACTION_TYPE_FAILED_STORAGE_POOL_NAME_ALREADY_EXIST: 409. */
    dataCenterNameInUse: (action: string) => `Cannot ${action} Data Center. The Data Center name is already in use.`,
    /** CLUSTER_CANNOT_DO_ACTION_NAME_IN_USE (ClusterValidator): 409. */
    clusterNameInUse: (action: string) => `Cannot ${action} Cluster. Cluster name is already in use.`,
    /** ACTION_TYPE_FAILED_STORAGE_DOMAIN_NAME_ALREADY_EXIST: 409. */
    storageDomainNameInUse: (action: string) => `Cannot ${action} Storage. The Storage Domain name is already in use.`,
    /** ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE (NetworkValidator, per data center): 409. */
    networkNameInUse: (action: string, name: string) =>
        `Cannot ${action} Network. The name of the logical network '${name}' is already used by an existing logical network in the same data-center.\n-Please choose a different name.`,
    /** ACTION_TYPE_FAILED_VNIC_PROFILE_NAME_IN_USE (VnicProfileValidator, per network): 409. */
    vnicProfileNameInUse: (action: string) =>
        `Cannot ${action} VM network interface profile. The VM network interface profile's name is already used by an existing profile for the same network.\n-Please choose a different name.`,
    /** TAGS_SPECIFY_TAG_IS_IN_USE (AddTagCommand, UpdateTagCommand; the key has no action or type): 409. */
    tagNameInUse: "The specified Tag name already exists.",
    /** ACTION_TYPE_FAILED_AFFINITY_GROUP_NAME_EXISTS (AddAffinityGroupCommand: names are unique engine-wide): 400. */
    affinityGroupNameExists: (action: string) => `Cannot ${action} Affinity Group. Affinity Group name already exists.`,
    /** ACTION_TYPE_FAILED_EXTERNAL_NETWORK_CANNOT_BE_REQUIRED (NetworkClusterValidatorBase): 400. */
    externalNetworkRequired: "Cannot attach Network. External network cannot be set as required in the cluster.",
    /** VDS_CANNOT_REMOVE_VDS_DETECTED_RUNNING_VM: 409. */
    hostHasRunningVms: "Cannot remove Host. One or more VMs are still running on this Host.",
    /** ACTION_TYPE_FAILED_DETECTED_PINNED_VMS: 409. */
    hostHasPinnedVms: (vmNames: string) =>
        `Cannot remove Host. The following VMs are set to run specifically only on this Host: ${vmNames}.\nIn order to remove Host, you need to remove the association between the VMs and the Host (Using Edit VM properties).`,
    locked: (action: string, type: string) =>
        `Cannot ${action} ${type}. Related operation is currently in progress. Please try again later.`,
    vmLocked: (action: string, type: string) =>
        `Cannot ${action} ${type}: VM is locked. Please try again in a few minutes.`,
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
    /** ERROR_CANNOT_DETACH_LAST_STORAGE_DOMAIN (StorageDomainCommandBase; the key has no action or type): 409. */
    masterDetach:
        "Cannot detach the master Storage Domain from the Data Center while there are other storage domains attached to it.\n-Please try to activate another Storage Domain in the Data Center.",
    /** VMT_CANNOT_REMOVE_DETECTED_DERIVED_VM (RemoveVmTemplateCommand, names joined by ","): 409. */
    templateInUse: (vmNames: string) =>
        `Cannot delete Template. Template is being used by the following VMs: ${vmNames}.`,
    /** NETWORK_INTERFACE_NAME_ALREADY_IN_USE (VmHandler; no action or type): 409. */
    nicNameInUse: "Network interface name is already in use",
    /** VDS_ALREADY_UP (HostValidator.validateStatusForActivation): 409. */
    hostAlreadyUp: (action: string) => `Cannot ${action} Host. Host in Up status.`,
    /** NETWORK_CANNOT_REMOVE_MANAGEMENT_NETWORK (NetworkValidator, remove and detach from a cluster; no action or type): 409. */
    managementNetwork: (name: string) => `The Management Network ('${name}') is mandatory and cannot be removed.`,
    /**
     * NetworkValidator.networkNotUsedByVms (PluralMessages): ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE for one VM,
     * ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES for more, the names as ReplacementUtils.replaceWith lists them (each
     * after a tab, joined by ",\n", at most 5 and then "\t..."): 409.
     */
    networkUsedByVms: (action: string, vmNames: readonly string[]) =>
        vmNames.length === 1
            ? `Cannot ${action} Network. This logical network is used by virtual machine: ${vmNames[0]}\n - Please remove it from this virtual machine and try again.`
            : `Cannot ${action} Network. This logical network is used by virtual machines: (${vmNames.length}): ${[
                  ...vmNames.slice(0, 5).map((n) => `\t${n}`),
                  ...(vmNames.length > 5 ? ["\t..."] : []),
              ].join(",\n")}\n - Please detach virtual machines using this logical network and try again.`,
    /** VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL: 409. */
    hostOperational: "Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first.",
    /** ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2: 409. */
    sdWrongState: (action: string, status: string) =>
        `Cannot ${action} Storage. The relevant Storage Domain's status is ${statusWords(status)}.`,
    /** ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL (also a domain still in a pool, StorageDomainToPoolRelationValidator): 409. */
    sdInaccessible: (action: string) =>
        `Cannot ${action} Storage. The relevant Storage Domain is inaccessible.\n-Please handle Storage Domain issues and retry the operation.`,
    /** CANNOT_REMOVE_STORAGE_DOMAIN_HOST_NOT_UP: 409. */
    hostNotUp: (action: string, host: string) => `Cannot ${action} Storage. Host ${host} is not up.`,
    /** CANNOT_REMOVE_STORAGE_DOMAIN_INVALID_HOST_ID (the key has no action or type): 400 (BAD_PARAMETERS). */
    removeSdInvalidHost: "Can not Remove Storage Domain - the underlying Host ID is invalid.",
    /** ACTION_TYPE_FAILED_MASTER_STORAGE_DOMAIN_NOT_ACTIVE: 409. */
    masterNotActive: (action: string, type: string) =>
        `Failed to ${action} ${type} due to an error on the Data Center master Storage Domain.\n-Please activate the master Storage Domain first.`,
    /** ACTION_TYPE_FAILED_NO_VDS_IN_POOL: 409. */
    noActiveHost: (action: string, type: string) =>
        `Cannot ${action} ${type}. There is no active Host in the Data Center.`,
    noBootableDisk:
        "Cannot run VM without at least one bootable disk.\nAlternatives:\n-Create a disk for this VM, and rerun the VM.\n" +
        "-Change the boot sequence using 'Edit VM' command (Boot Option sub-tab).\n-Use 'Run-Once' command to select a different boot option and rerun the VM.",
    duplicateCustomEvent: "=Cannot add External Event. External Event with this custom id already exists.",
    illegalOrigin: (origin: string) => `Cannot add External Event. Illegal Origin for External Event : ${origin}`,
};
