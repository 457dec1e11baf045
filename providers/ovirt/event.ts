// Event (ovirt-api.md 5.10): a custom audit-log event (the port of OpenShift CI's send-event function).
// Immutable: every change replaces it. (origin, customId) is unique in the engine, so create first looks for it.
import * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, Session } from "./client";
import { CheckFailure, OvirtProviderBase, compact, fieldDiff, optEnum, optId, optInt, reqString } from "./common";
import { decodeInt, decodeList, decodeString, refId, searchQuote } from "./representation";
import { OvirtProviderStub } from "./stub";

export const EVENT_PROVIDER_VERSION = 1;
export const SEVERITIES = ["normal", "warning", "error", "alert"] as const;

export interface EventArgs {
    description: pulumi.Input<string>;
    severity?: pulumi.Input<typeof SEVERITIES[number]>;
    /** Origin, e.g. openshift-ci (not "oVirt"). */
    origin: pulumi.Input<string>;
    /** Integer, unique per origin. */
    customId: pulumi.Input<number>;
    vmId?: pulumi.Input<string>;
    hostId?: pulumi.Input<string>;
    clusterId?: pulumi.Input<string>;
    dataCenterId?: pulumi.Input<string>;
    storageDomainId?: pulumi.Input<string>;
    /** Seconds the engine suppresses duplicates (default 30). */
    floodRate?: pulumi.Input<number>;
}

export interface EventInputs {
    description: string;
    severity: typeof SEVERITIES[number];
    origin: string;
    customId: number;
    vmId?: string;
    hostId?: string;
    clusterId?: string;
    dataCenterId?: string;
    storageDomainId?: string;
    floodRate?: number;
}

export interface EventState extends EventInputs {
    index: number;
    code: number;
    /** Epoch milliseconds. */
    time: number;
    providerVersion: number;
}

const REPLACE = ["description", "severity", "origin", "customId", "vmId", "hostId", "clusterId", "dataCenterId", "storageDomainId", "floodRate"] as const;

const REFS = [["vmId", "vm"], ["hostId", "host"], ["clusterId", "cluster"], ["dataCenterId", "data_center"], ["storageDomainId", "storage_domain"]] as const;

function toState(e: Record<string, unknown>, inputs: EventInputs): EventState {
    const st: EventState = {
        description: decodeString(e.description) ?? inputs.description,
        severity: (decodeString(e.severity) as EventInputs["severity"]) ?? inputs.severity,
        origin: decodeString(e.origin) ?? inputs.origin,
        customId: decodeInt(e.custom_id, inputs.customId),
        floodRate: inputs.floodRate,
        index: decodeInt(e.index),
        code: decodeInt(e.code),
        time: decodeInt(e.time),
        providerVersion: EVENT_PROVIDER_VERSION,
    };
    for (const [k, ref] of REFS) if (inputs[k] !== undefined) st[k] = refId(e[ref]) ?? inputs[k];
    // the engine truncates long descriptions: keep the input so that no permanent diff appears
    if (inputs.description && inputs.description.startsWith(st.description)) st.description = inputs.description;
    return st;
}

async function findEvent(s: Session, origin: string, customId: number): Promise<Record<string, unknown> | undefined> {
    const body = await s.get("/events", { params: { search: `origin=${searchQuote(origin)} and custom_event_id=${customId}` } });
    return decodeList(body, "event").find((e) => e.origin === origin && decodeInt(e.custom_id, NaN) === customId);
}

export class EventProvider extends OvirtProviderBase implements pulumi.dynamic.ResourceProvider<EventInputs, EventState> {
    async check(_olds: EventInputs, news: EventInputs): Promise<pulumi.dynamic.CheckResult<EventInputs>> {
        const n = news as unknown as Record<string, unknown>;
        const failures: CheckFailure[] = [];
        const origin = reqString(n, "origin", failures, "e.g. openshift-ci");
        if (origin.toLowerCase() === "ovirt") failures.push({ property: "origin", reason: `origin must not be "oVirt" (reserved by the engine); use e.g. "openshift-ci"` });
        const inputs: EventInputs = {
            description: reqString(n, "description", failures),
            severity: optEnum(n, "severity", failures, SEVERITIES, "normal"),
            origin,
            customId: optInt(n, "customId", failures, -2147483648, 2147483647) ?? 0,
            vmId: optId(n, "vmId", failures),
            hostId: optId(n, "hostId", failures),
            clusterId: optId(n, "clusterId", failures),
            dataCenterId: optId(n, "dataCenterId", failures),
            storageDomainId: optId(n, "storageDomainId", failures),
            floodRate: optInt(n, "floodRate", failures, 0, 86400),
        };
        if (n.customId === undefined) failures.push({ property: "customId", reason: "customId is required: an integer unique per origin (e.g. a timestamp in seconds)" });
        return { inputs: compact(inputs), failures };
    }

    async diff(_id: string, olds: EventState, news: EventInputs): Promise<pulumi.dynamic.DiffResult> {
        return fieldDiff(olds as never, news as never, REPLACE, [], EVENT_PROVIDER_VERSION, true);
    }

    async create(inputs: EventInputs): Promise<pulumi.dynamic.CreateResult<EventState>> {
        const s = await this.session(`create Event ${inputs.origin}/${inputs.customId}`);
        const body: Record<string, unknown> = {
            description: inputs.description,
            severity: inputs.severity,
            origin: inputs.origin,
            custom_id: String(inputs.customId),
            ...(inputs.floodRate !== undefined ? { flood_rate: String(inputs.floodRate) } : {}),
        };
        for (const [k, ref] of REFS) if (inputs[k]) body[ref] = { id: inputs[k] };
        const { obj, adopted } = await createOrAdopt(s, `Event ${inputs.origin}/${inputs.customId}`, () => findEvent(s, inputs.origin, inputs.customId),
            () => s.add<Record<string, unknown>>("/events", body));
        const existing = decodeString(obj.description) ?? "";
        if (adopted && !inputs.description.startsWith(existing)) {
            throw new Error(`create Event ${inputs.origin}/${inputs.customId}: the engine already has an event with this origin and customId but another description (${JSON.stringify(existing.slice(0, 80))}); (origin, customId) must be unique, choose another customId`);
        }
        return { id: String(obj.id), outs: compact(toState(obj, inputs)) };
    }

    async read(id: string, old?: EventState): Promise<pulumi.dynamic.ReadResult<EventState>> {
        const props = old ?? ({} as EventState);
        const s = await this.session(`read Event ${props.origin ?? ""}/${props.customId ?? id}`);
        const e = await s.find(`/events/${id}`);
        if (!e) return { id: undefined };
        const st = toState(e, props);
        const { index: _i, code: _c, time: _t, providerVersion: _p, ...inputs } = st;
        void [_i, _c, _t, _p];
        return { id, props: compact(st), inputs: compact(inputs) as never };
    }

    async update(_id: string, olds: EventState, news: EventInputs): Promise<pulumi.dynamic.UpdateResult<EventState>> {
        // only reached for a providerVersion bump: every input change replaces
        return { outs: compact({ ...olds, ...news, providerVersion: EVENT_PROVIDER_VERSION }) };
    }

    async delete(id: string, props: EventState): Promise<void> {
        const s = await this.session(`delete Event ${props.origin ?? ""}/${props.customId ?? id}`);
        await s.remove(`/events/${id}`);
    }
}

/** What Event resources serialize: a stub that loads EventProvider in the provider process (./stub). */
export const eventProvider = new OvirtProviderStub("Event");

/** A custom engine event (token `pulumi-nodejs:dynamic/ovirt:Event`). Immutable: any change replaces it (delete first). */
export class Event extends pulumi.dynamic.Resource {
    declare readonly description: pulumi.Output<string>;
    declare readonly severity: pulumi.Output<string>;
    declare readonly origin: pulumi.Output<string>;
    declare readonly customId: pulumi.Output<number>;
    declare readonly index: pulumi.Output<number>;
    declare readonly code: pulumi.Output<number>;
    declare readonly time: pulumi.Output<number>;
    declare readonly providerVersion: pulumi.Output<number>;

    constructor(name: string, args: EventArgs, opts?: pulumi.CustomResourceOptions) {
        super(eventProvider, name, { index: undefined, code: undefined, time: undefined, providerVersion: undefined, ...args }, opts, "ovirt", "Event");
    }
}
