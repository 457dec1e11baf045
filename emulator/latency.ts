/**
 * Durations (milliseconds) of every timed transition the emulated engine models, per latency profile.
 * One table, exported, so benchmarks and tests can compute critical paths from it
 * (e.g. host add → up = hostInstalling + hostInitializing).
 */
export type LatencyProfile = "instant" | "fast" | "realistic";

export interface LatencyTable {
    /** Host `installing` → `initializing`. */
    readonly hostInstalling: number;
    /** Host `initializing` → `up` / `maintenance` / `non_operational`. */
    readonly hostInitializing: number;
    /** Host `installing` → `install_failed` / `non_responsive` for addresses it does not know. */
    readonly hostInstallFail: number;
    /** Host `preparing_for_maintenance` → `maintenance`. */
    readonly hostPreparingForMaintenance: number;
    /** Host `unassigned` → `up` after activate. */
    readonly hostActivating: number;
    /** Time the `POST /storagedomains` call itself takes (the engine connects and creates synchronously). */
    readonly sdCreate: number;
    /** Attached storage domain `locked` → `maintenance` (attach) and `locked` → `preparing_for_maintenance` (deactivate, OVF update). */
    readonly sdLocked: number;
    /** Attached storage domain `maintenance` → `activating` during attach. */
    readonly sdMaintenanceToActivating: number;
    /** `activating` → `active`. */
    readonly sdActivating: number;
    /** `preparing_for_maintenance` → `maintenance`. */
    readonly sdPreparingForMaintenance: number;
    /** `detaching` → unattached. */
    readonly sdDetaching: number;
    /** Disk `locked` → `ok` (template disk copy / new disk creation); the VM is `image_locked` meanwhile. */
    readonly diskCopy: number;
    /** Template `locked` → `ok`. */
    readonly templateCreate: number;
    /** VM `wait_for_launch` → `powering_up`. */
    readonly vmWaitForLaunch: number;
    /** VM `powering_up` → `up`. */
    readonly vmPoweringUp: number;
    /** VM `up` → guest agent reports devices and IP addresses. */
    readonly vmGuestAgent: number;
    /** VM `powering_down` → `down` (shutdown). */
    readonly vmPoweringDown: number;
    /** VM stop (power off) → `down`. */
    readonly vmStop: number;
    /** Time one request to the OVN provider's API takes (it asks the engine's SSO to validate the token each time). */
    readonly ovnRequest: number;
}

/** The latency profiles. `instant` settles every transition on the next tick (or the next request). */
export const LATENCY_PROFILES: Readonly<Record<LatencyProfile, LatencyTable>> = {
    instant: {
        hostInstalling: 0,
        hostInitializing: 0,
        hostInstallFail: 0,
        hostPreparingForMaintenance: 0,
        hostActivating: 0,
        sdCreate: 0,
        sdLocked: 0,
        sdMaintenanceToActivating: 0,
        sdActivating: 0,
        sdPreparingForMaintenance: 0,
        sdDetaching: 0,
        diskCopy: 0,
        templateCreate: 0,
        vmWaitForLaunch: 0,
        vmPoweringUp: 0,
        vmGuestAgent: 0,
        vmPoweringDown: 0,
        vmStop: 0,
        ovnRequest: 0,
    },
    fast: {
        hostInstalling: 60,
        hostInitializing: 30,
        hostInstallFail: 50,
        hostPreparingForMaintenance: 20,
        hostActivating: 20,
        sdCreate: 20,
        sdLocked: 20,
        sdMaintenanceToActivating: 20,
        sdActivating: 20,
        sdPreparingForMaintenance: 20,
        sdDetaching: 20,
        diskCopy: 40,
        templateCreate: 40,
        vmWaitForLaunch: 20,
        vmPoweringUp: 30,
        vmGuestAgent: 50,
        vmPoweringDown: 30,
        vmStop: 10,
        ovnRequest: 2,
    },
    realistic: {
        hostInstalling: 30_000,
        hostInitializing: 10_000,
        hostInstallFail: 25_000,
        hostPreparingForMaintenance: 3_000,
        hostActivating: 4_000,
        sdCreate: 3_000,
        sdLocked: 2_000,
        sdMaintenanceToActivating: 1_500,
        sdActivating: 2_500,
        sdPreparingForMaintenance: 2_000,
        sdDetaching: 3_000,
        diskCopy: 8_000,
        templateCreate: 15_000,
        vmWaitForLaunch: 2_000,
        vmPoweringUp: 5_000,
        vmGuestAgent: 20_000,
        vmPoweringDown: 4_000,
        vmStop: 1_000,
        ovnRequest: 60,
    },
};

export function isLatencyProfile(v: unknown): v is LatencyProfile {
    return v === "instant" || v === "fast" || v === "realistic";
}
