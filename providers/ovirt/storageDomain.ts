// StorageDomain (docs/engine-api.md 5.4): an NFS data domain, attached to a data center and active.
// create: POST /storagedomains → unattached; attach to the DC → locked → maintenance → activating → active.
// delete: deactivate → maintenance; detach → unattached; remove with an up host and format=true.
import * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, OvirtApiError, Session, timeoutMs, waitFor, waitGone } from "./client";
import { CheckFailure, compact, isUnknown, reqString } from "./common";
import {
    ArgsOf,
    InputsOf,
    KindProvider,
    StateOf,
    defineKind,
    is,
    optional,
    output,
    required,
    resourceClass,
} from "./kind";
import { decodeBool, decodeInt, decodeList, decodeString, refId, searchQuote } from "./representation";

export const STORAGE_DOMAIN_PROVIDER_VERSION = 1;
const DEFAULT_TIMEOUT_S = 600;

export const NFS_VERSIONS = ["auto", "v3", "v4", "v4_0", "v4_1", "v4_2"] as const;
export const STORAGE_FORMATS = ["v1", "v2", "v3", "v4", "v5"] as const;

/** The NFS export path: absolute, without trailing `/`. */
function exportPath(news: Record<string, unknown>, field: string, failures: CheckFailure[]): string {
    let path = reqString(news, field, failures, "the absolute export path, e.g. /exports/data");
    if (path && !isUnknown(path)) {
        path = path.replace(/(.)\/+$/, "$1");
        if (!path.startsWith("/"))
            failures.push({
                property: field,
                reason: `${field} must be an absolute path starting with /, got ${JSON.stringify(path)}`,
            });
    }
    return path;
}

/** The NFS server: a host name or IP, without scheme or path. */
function nfsServer(news: Record<string, unknown>, field: string, failures: CheckFailure[]): string {
    const address = reqString(news, field, failures, "the NFS server's FQDN or IP");
    if (address && !isUnknown(address) && /[/:\s]/.test(address) && !/^\[?[0-9a-f:]+\]?$/i.test(address)) {
        failures.push({
            property: field,
            reason: `${field} must be a host name or IP without scheme or path, got ${JSON.stringify(address)}`,
        });
    }
    return address;
}

/** An NFS data domain's fields; replaced (delete first) on name or NFS identity change. */
export const STORAGE_DOMAIN = defineKind({
    kind: "StorageDomain",
    providerVersion: STORAGE_DOMAIN_PROVIDER_VERSION,
    deleteBeforeReplace: true,
    // hostId only matters for the create and as the preferred host of the remove: changing it must not wipe the domain.
    inputs: {
        name: required("replace", is.name(50)),
        /** Data center to attach to. Changing it moves the domain (deactivate, detach, attach). */
        dataCenterId: required("update", is.id),
        /** Host that connects to the storage on create (must be up); preferred host of the remove. Updated in place (no engine call). */
        hostId: required("update", is.id),
        /** NFS server. Replaces on change. */
        nfsAddress: required("replace", nfsServer),
        /** Export path, e.g. /exports/data (trailing `/` stripped). Replaces on change. */
        nfsPath: required("replace", exportPath),
        nfsVersion: optional("replace", is.oneOf(NFS_VERSIONS, "auto")),
        storageFormat: optional("replace", is.oneOf(STORAGE_FORMATS, "v5")),
        description: optional("update", is.optText),
        /** Keep the domain active in its data center (default true); false leaves it in maintenance. */
        active: optional("update", is.bool(true)),
        /** Wipe the storage on delete (`format=true`, default true). */
        formatOnDelete: optional("update", is.bool(true)),
        timeoutSeconds: optional("update", is.timeout),
    },
    outputs: {
        /** Status in its data center (`active`, `maintenance`, ...), or `unattached`. */
        status: output<string>(),
        master: output<boolean>(),
        availableBytes: output<number>(),
        usedBytes: output<number>(),
        adopted: output<boolean>(),
    },
});

export type StorageDomainArgs = ArgsOf<typeof STORAGE_DOMAIN>;
export type StorageDomainInputs = InputsOf<typeof STORAGE_DOMAIN>;
export type StorageDomainState = StateOf<typeof STORAGE_DOMAIN>;

const TRANSIENT = ["locked", "activating", "preparing_for_maintenance", "detaching", "mixed"];

function toState(
    sd: Record<string, unknown>,
    inputs: StorageDomainInputs,
    status: string,
    dataCenterId: string,
    adopted: boolean,
): StorageDomainState {
    const st = (sd.storage ?? {}) as Record<string, unknown>;
    return {
        name: String(sd.name),
        dataCenterId,
        hostId: inputs.hostId,
        nfsAddress: decodeString(st.address) ?? inputs.nfsAddress,
        nfsPath: (decodeString(st.path) ?? inputs.nfsPath).replace(/(.)\/+$/, "$1"),
        nfsVersion: (decodeString(st.nfs_version) as StorageDomainInputs["nfsVersion"]) ?? inputs.nfsVersion,
        storageFormat:
            (decodeString(sd.storage_format) as StorageDomainInputs["storageFormat"]) ?? inputs.storageFormat,
        description: inputs.description === undefined ? undefined : (decodeString(sd.description) ?? ""),
        active: status === "active",
        formatOnDelete: inputs.formatOnDelete,
        timeoutSeconds: inputs.timeoutSeconds,
        status,
        master: decodeBool(sd.master),
        availableBytes: decodeInt(sd.available),
        usedBytes: decodeInt(sd.used),
        adopted,
        providerVersion: STORAGE_DOMAIN_PROVIDER_VERSION,
    };
}

export async function findStorageDomainByName(s: Session, name: string): Promise<Record<string, unknown> | undefined> {
    const body = await s.get("/storagedomains", { params: { search: `name=${searchQuote(name)}` } });
    return decodeList(body, "storage_domain").find((d) => d.name === name);
}

function attachmentPath(dc: string, sd: string): string {
    return `/datacenters/${dc}/storagedomains/${sd}`;
}

/** Explain engine refusals that mean "the domain still holds disks". */
function explainDisks(e: unknown, name: string): unknown {
    const err = e as OvirtApiError;
    if (err?.httpStatus && /disk|image|template|vm/i.test(`${err.detail ?? ""}`)) {
        return new Error(
            `StorageDomain ${name} cannot be removed while it holds disks (of VMs or templates); remove or move them first. Engine said: ${err.message}`,
        );
    }
    return e;
}

async function waitAttachment(
    s: Session,
    name: string,
    dc: string,
    sd: string,
    target: string,
    budgetMs: number,
): Promise<Record<string, unknown> | undefined> {
    return waitFor(
        `StorageDomain ${name}: waiting for ${target} in data center ${dc}`,
        () => s.find(attachmentPath(dc, sd)),
        (a) => (target === "detached" ? a === undefined : a?.status === target),
        {
            timeoutMs: budgetMs,
            describe: (a) => (a ? String(a.status) : "detached"),
            failed: (a) => {
                if (target === "detached" || !a) return a ? undefined : `the domain is no longer attached`;
                const st = String(a.status);
                if (st === "unknown" || (st === "inactive" && target !== "inactive"))
                    return `the domain went ${st} (check the storage server and the hosts' access to it)`;
                return undefined;
            },
        },
    );
}

export class StorageDomainProvider extends KindProvider<typeof STORAGE_DOMAIN> {
    protected readonly description = STORAGE_DOMAIN;

    async create(inputs: StorageDomainInputs): Promise<pulumi.dynamic.CreateResult<StorageDomainState>> {
        const s = await this.session(`create StorageDomain ${inputs.name}`);
        const budget = timeoutMs(s.endpoint, inputs.timeoutSeconds, DEFAULT_TIMEOUT_S);
        const { obj, adopted } = await createOrAdopt(
            s,
            `StorageDomain ${inputs.name}`,
            () => findStorageDomainByName(s, inputs.name),
            () =>
                s.add<Record<string, unknown>>("/storagedomains", {
                    name: inputs.name,
                    type: "data",
                    description: inputs.description ?? "",
                    host: { id: inputs.hostId },
                    storage: {
                        type: "nfs",
                        address: inputs.nfsAddress,
                        path: inputs.nfsPath,
                        nfs_version: inputs.nfsVersion,
                    },
                    storage_format: inputs.storageFormat,
                }),
        );
        const id = String(obj.id);
        if (adopted) {
            const st = (obj.storage ?? {}) as Record<string, unknown>;
            if (
                st.type !== "nfs" ||
                st.address !== inputs.nfsAddress ||
                String(st.path).replace(/(.)\/+$/, "$1") !== inputs.nfsPath
            ) {
                throw new Error(
                    `create StorageDomain ${inputs.name}: a domain with this name already exists on ${st.type} ${st.address}:${st.path}, not nfs ${inputs.nfsAddress}:${inputs.nfsPath}; choose another name`,
                );
            }
        }
        const a = await this.ensureAttached(s, inputs, id, budget);
        const sd = await s.get(`/storagedomains/${id}`);
        return {
            id,
            outs: compact(
                toState(
                    { ...sd, ...pickFacts(a) },
                    inputs,
                    String(a?.status ?? "unattached"),
                    inputs.dataCenterId,
                    adopted,
                ),
            ),
        };
    }

    /** Attach to inputs.dataCenterId (unless attached) and bring to active/maintenance per inputs.active. */
    private async ensureAttached(
        s: Session,
        inputs: StorageDomainInputs,
        id: string,
        budget: number,
    ): Promise<Record<string, unknown> | undefined> {
        const dc = inputs.dataCenterId;
        let attachedNow = false;
        await createOrAdopt(
            s,
            `StorageDomain ${inputs.name} attachment`,
            () => s.find(attachmentPath(dc, id)),
            async () => {
                attachedNow = true;
                return s.add<Record<string, unknown>>(`/datacenters/${dc}/storagedomains`, { id });
            },
        );
        // wait out transient states; a fresh attach activates by itself (locked → maintenance → activating →
        // active), so there `maintenance` is transient too
        const a: Record<string, unknown> | undefined = await waitFor(
            `StorageDomain ${inputs.name}: waiting for the attachment to settle`,
            () => s.find(attachmentPath(dc, id)),
            (x) =>
                x === undefined ||
                (!TRANSIENT.includes(String(x.status)) && !(attachedNow && x.status === "maintenance")),
            {
                timeoutMs: budget,
                describe: (x) => String(x?.status),
                failed: (x) =>
                    x?.status === "unknown" ? "the domain went unknown (check the storage server)" : undefined,
            },
        );
        if (!a) throw new Error(`create StorageDomain ${inputs.name}: the attachment to data center ${dc} disappeared`);
        return this.ensureActivation(s, inputs, id, a, budget);
    }

    private async ensureActivation(
        s: Session,
        inputs: StorageDomainInputs,
        id: string,
        a: Record<string, unknown>,
        budget: number,
    ): Promise<Record<string, unknown> | undefined> {
        const dc = inputs.dataCenterId;
        const status = String(a.status);
        if (inputs.active && status !== "active") {
            await s.action(`${attachmentPath(dc, id)}/activate`, {});
            return waitAttachment(s, inputs.name, dc, id, "active", budget);
        }
        if (!inputs.active && status === "active") {
            await s.action(`${attachmentPath(dc, id)}/deactivate`, {});
            return waitAttachment(s, inputs.name, dc, id, "maintenance", budget);
        }
        return a;
    }

    /** Deactivate (if needed) and detach from `dc`, waiting until the attachment is gone. */
    private async detach(s: Session, name: string, dc: string, id: string, budget: number): Promise<void> {
        let a = await s.find(attachmentPath(dc, id));
        if (!a) return;
        if (TRANSIENT.includes(String(a.status))) {
            a = await waitFor(
                `StorageDomain ${name}: waiting out ${a.status}`,
                () => s.find(attachmentPath(dc, id)),
                (x) => x === undefined || !TRANSIENT.includes(String(x.status)),
                { timeoutMs: budget, describe: (x) => String(x?.status) },
            );
            if (!a) return;
        }
        if (a.status === "active") {
            try {
                await s.action(`${attachmentPath(dc, id)}/deactivate`, {});
            } catch (e) {
                throw explainDisks(e, name);
            }
            await waitAttachment(s, name, dc, id, "maintenance", budget);
        } else if (a.status !== "maintenance") {
            throw new Error(
                `delete StorageDomain ${name}: it is ${a.status} in data center ${dc}; only an active or maintenance domain can be detached (fix the storage, then retry)`,
            );
        }
        try {
            await s.remove(attachmentPath(dc, id));
        } catch (e) {
            throw explainDisks(e, name);
        }
        await waitAttachment(s, name, dc, id, "detached", budget);
    }

    async read(id: string, old?: StorageDomainState): Promise<pulumi.dynamic.ReadResult<StorageDomainState>> {
        const props = old ?? ({} as StorageDomainState);
        const s = await this.session(`read StorageDomain ${props.name ?? id}`);
        // One GET when nothing drifted: the attachment view carries the entity plus its per-DC status.
        let sd = props.dataCenterId ? await s.find(attachmentPath(props.dataCenterId, id)) : undefined;
        let dcId = props.dataCenterId;
        let status: string;
        if (sd) {
            status = String(sd.status ?? "unknown");
        } else {
            sd = await s.find(`/storagedomains/${id}`);
            if (!sd) return { id: undefined };
            const dcs = decodeList(sd.data_centers, "data_center");
            dcId = refId(dcs[0]) ?? "";
            status = String(sd.status ?? (dcs.length ? "attached elsewhere" : "unattached"));
        }
        return this.found(id, toState(sd, props, status, dcId, props.adopted ?? false));
    }

    async update(
        id: string,
        olds: StorageDomainState,
        news: StorageDomainInputs,
    ): Promise<pulumi.dynamic.UpdateResult<StorageDomainState>> {
        const s = await this.session(`update StorageDomain ${news.name}`);
        const budget = timeoutMs(s.endpoint, news.timeoutSeconds, DEFAULT_TIMEOUT_S);
        if (news.description !== undefined && news.description !== (olds.description ?? "")) {
            await s.put(`/storagedomains/${id}`, { description: news.description });
        }
        if (olds.dataCenterId && olds.dataCenterId !== news.dataCenterId) {
            await this.detach(s, news.name, olds.dataCenterId, id, budget);
        }
        const a = await this.ensureAttached(s, news, id, budget);
        const sd = await s.get(`/storagedomains/${id}`);
        return {
            outs: compact(
                toState(
                    { ...sd, ...pickFacts(a) },
                    news,
                    String(a?.status ?? "unattached"),
                    news.dataCenterId,
                    olds.adopted,
                ),
            ),
        };
    }

    async delete(id: string, props: StorageDomainState): Promise<void> {
        const s = await this.session(`delete StorageDomain ${props.name ?? id}`);
        const budget = timeoutMs(s.endpoint, props.timeoutSeconds, DEFAULT_TIMEOUT_S);
        const sd = await s.find(`/storagedomains/${id}`);
        if (!sd) return;
        const disks = decodeList(await s.find(`/storagedomains/${id}/disks`), "disk");
        if (disks.length > 0) {
            throw new Error(
                `delete StorageDomain ${props.name}: it holds ${disks.length} disk(s) (${disks
                    .slice(0, 5)
                    .map((d) => d.alias ?? d.name ?? d.id)
                    .join(", ")}); remove the VMs/templates/disks on it first`,
            );
        }
        const dcs = new Set(
            decodeList(sd.data_centers, "data_center")
                .map((d) => refId(d))
                .filter((x): x is string => !!x),
        );
        if (props.dataCenterId) dcs.add(props.dataCenterId);
        for (const dc of dcs) await this.detach(s, props.name, dc, id, budget);
        const host = await this.upHost(s, props.hostId);
        try {
            const removed = await s.remove(`/storagedomains/${id}`, {
                params: { host, format: props.formatOnDelete === false ? "false" : "true" },
            });
            if (!removed) return;
        } catch (e) {
            throw explainDisks(e, props.name);
        }
        await waitGone(s, `StorageDomain ${props.name}`, `/storagedomains/${id}`, budget);
    }

    /** An up host for the remove: the domain's own host when up, else the first up host. */
    private async upHost(s: Session, preferred: string | undefined): Promise<string> {
        if (preferred) {
            const h = await s.find(`/hosts/${preferred}`);
            if (h?.status === "up") return preferred;
        }
        const up = decodeList(await s.get("/hosts", { params: { search: "status=up" } }), "host").filter(
            (h) => h.status === "up",
        );
        if (!up.length)
            throw new Error(
                `delete StorageDomain: no host is up; the engine needs an up host to remove (and format) a storage domain. Activate a host and retry`,
            );
        return String(up[0].id);
    }
}

function pickFacts(a: Record<string, unknown> | undefined): Record<string, unknown> {
    if (!a) return {};
    const r: Record<string, unknown> = {};
    for (const k of ["master", "available", "used"]) if (a[k] !== undefined) r[k] = a[k];
    return r;
}

/** An NFS data domain (token `pulumi-nodejs:dynamic/ovirt:StorageDomain`). */
export const StorageDomain = resourceClass(STORAGE_DOMAIN);
export type StorageDomain = InstanceType<typeof StorageDomain>;

/** What StorageDomain resources serialize: a stub that loads StorageDomainProvider in the provider process (./stub). */
export const storageDomainProvider = StorageDomain.provider;
