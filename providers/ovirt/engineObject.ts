/**
 * `EngineObject`: a read-only, adopt-by-name dynamic resource for engine objects this program uses but never owns
 * (data center, cluster, main storage domain, OVN provider, proxy template, the management vNIC profile) and for
 * the engine CA.
 *
 * Why a resource and not `providers/ovirt/lookup.ts`: a lookup is an HTTP call in the program process, so every
 * `pulumi preview` (and every mock test) would need a live engine, and nothing would be in state to refresh. As a
 * resource, `create` finds the object by name, `read` GETs it by id (a deleted object drops out on refresh; a
 * renamed one shows as drift on `name` and the next `up` re-adopts by name), and `delete` never touches the
 * engine. The other kinds adopt by name too, but they create the object when it is missing (and `StorageDomain`
 * would need the main domain's NFS details, and would replace it on a mismatch); adopting must never create,
 * change or delete engine infrastructure.
 *
 * Credentials come from the same provider configuration as every oVirt resource (`OvirtProviderBase.configure`:
 * stack config `ovirt-ci:engine*`, then `OVIRT_ENGINE_*`); no credential is an input.
 */
import * as pulumi from "@pulumi/pulumi";
import { ArgsOf, InputsOf, KindProvider, StateOf, defineKind, optional, output, required, resourceClass } from "./kind";
import { decodeList, decodeString, refId, searchQuote } from "./representation";

export const ENGINE_OBJECT_PROVIDER_VERSION = 1;

/** What an {@link EngineObject} adopts. */
export type EngineObjectKind =
    "dataCenter" | "cluster" | "storageDomain" | "ovnProvider" | "template" | "vnicProfile" | "caCertificate";

export const ENGINE_OBJECT_KINDS: readonly EngineObjectKind[] = [
    "dataCenter",
    "cluster",
    "storageDomain",
    "ovnProvider",
    "template",
    "vnicProfile",
    "caCertificate",
];

/** An adopted engine object's fields: every one replaces (it is another object), never deleting first. */
export const ENGINE_OBJECT = defineKind({
    kind: "EngineObject",
    providerVersion: ENGINE_OBJECT_PROVIDER_VERSION,
    deleteBeforeReplace: false,
    inputs: {
        /** What it adopts. */
        kind: required("replace", (news, field, failures): EngineObjectKind => {
            if (!ENGINE_OBJECT_KINDS.includes(news[field] as EngineObjectKind)) {
                failures.push({
                    property: field,
                    reason: `${field} must be one of ${ENGINE_OBJECT_KINDS.join(", ")}, got ${JSON.stringify(news[field])}`,
                });
            }
            return news[field] as EngineObjectKind;
        }),
        /** The object's name on the engine (for `caCertificate`: a label, e.g. "engine"). */
        name: required("replace", (news, field, failures): string => {
            const v = news[field];
            if (typeof v !== "string" || v.trim() === "") {
                failures.push({
                    property: field,
                    reason: `${field} must be the object's engine name, got ${JSON.stringify(v)}`,
                });
            }
            return (typeof v === "string" ? v.trim() : v) as string;
        }),
        /**
         * Data center the object must belong to: required for `vnicProfile` (the profile of the same-named network in
         * that data center), checked for `cluster` and `storageDomain` (attached there).
         */
        dataCenterId: optional("replace", (news, field): string | undefined =>
            news[field] ? String(news[field]).toLowerCase() : undefined,
        ),
    },
    outputs: {
        /** Live status where the engine reports one (`up`, `active`, `ok`), else "". */
        status: output<string>(),
        /** The CA certificate (PEM), only for `caCertificate`. */
        pem: output<string>(),
    },
    crossCheck: (inputs, failures) => {
        if (inputs.kind === "vnicProfile" && !inputs.dataCenterId) {
            failures.push({
                property: "dataCenterId",
                reason: "dataCenterId is required for a vNIC profile (network names repeat across data centers)",
            });
        }
    },
});

/** Arguments for {@link EngineObject}. */
export type EngineObjectArgs = ArgsOf<typeof ENGINE_OBJECT>;
type EngineObjectInputs = InputsOf<typeof ENGINE_OBJECT>;
type EngineObjectState = StateOf<typeof ENGINE_OBJECT>;

const CA_PATH = "/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA";

/** Finds the object by name; returns its id and state, or undefined. Throws on ambiguity. */
async function findByName(
    p: EngineObjectProvider,
    inputs: EngineObjectInputs,
): Promise<{ id: string; status: string; pem: string } | undefined> {
    const what = `${inputs.kind} ${JSON.stringify(inputs.name)}`;
    const s = await p.session(`adopt ${what}`);
    if (inputs.kind === "caCertificate") {
        const pem = await s.get<string>(`${s.endpoint.apiUrl.replace(/\/api$/, "")}${CA_PATH}`);
        if (typeof pem !== "string" || !pem.includes("-----BEGIN CERTIFICATE-----")) {
            throw new Error(`adopt ${what}: ${CA_PATH} did not return a PEM certificate`);
        }
        return { id: "ca-certificate", status: "", pem };
    }
    const one = (list: Record<string, unknown>[]): Record<string, unknown> | undefined => {
        const hit = list.filter((x) => x.name === inputs.name);
        if (hit.length > 1) {
            throw new Error(
                `adopt ${what}: ${hit.length} objects have this name (ids ${hit.map((h) => h.id).join(", ")}); rename one on the engine`,
            );
        }
        return hit[0];
    };
    const search = { params: { search: `name=${searchQuote(inputs.name)}` } };
    let obj: Record<string, unknown> | undefined;
    switch (inputs.kind) {
        case "dataCenter":
            obj = one(decodeList(await s.get("/datacenters", search), "data_center"));
            break;
        case "cluster":
            obj = one(decodeList(await s.get("/clusters", search), "cluster"));
            if (obj && inputs.dataCenterId && refId(obj.data_center) !== inputs.dataCenterId) {
                throw new Error(
                    `adopt ${what}: the cluster belongs to data center ${refId(obj.data_center)}, not ${inputs.dataCenterId}; fix ovirt-ci:cluster or ovirt-ci:dataCenter`,
                );
            }
            break;
        case "storageDomain":
            obj = one(decodeList(await s.get("/storagedomains", search), "storage_domain"));
            if (obj && inputs.dataCenterId) {
                const attached = await s.find<Record<string, unknown>>(
                    `/datacenters/${inputs.dataCenterId}/storagedomains/${obj.id}`,
                );
                if (!attached) {
                    throw new Error(
                        `adopt ${what}: the storage domain is not attached to data center ${inputs.dataCenterId}; attach it, or fix ovirt-ci:mainStorageDomain`,
                    );
                }
                return { id: String(obj.id), status: String(attached.status ?? ""), pem: "" };
            }
            break;
        case "ovnProvider":
            obj = one(decodeList(await s.get("/openstacknetworkproviders"), "openstack_network_provider"));
            break;
        case "template":
            obj = one(decodeList(await s.get("/templates", search), "template"));
            break;
        case "vnicProfile": {
            if (!inputs.dataCenterId) {
                throw new Error(`adopt ${what}: dataCenterId is required for a vNIC profile`);
            }
            const net = decodeList(await s.get("/networks", search), "network").find(
                (n) => n.name === inputs.name && refId(n.data_center) === inputs.dataCenterId,
            );
            if (!net) return undefined;
            obj = one(decodeList(await s.get(`/networks/${net.id}/vnicprofiles`), "vnic_profile"));
            break;
        }
    }
    return obj ? { id: String(obj.id), status: decodeString(obj.status) ?? "", pem: "" } : undefined;
}

/** GETs the object by id; undefined when it is gone. */
async function getById(
    p: EngineObjectProvider,
    id: string,
    inputs: EngineObjectInputs,
): Promise<{ name: string; status: string; pem: string } | undefined> {
    if (inputs.kind === "caCertificate") {
        const found = await findByName(p, inputs);
        return found && { name: inputs.name, status: "", pem: found.pem };
    }
    const s = await p.session(`read ${inputs.kind} ${inputs.name}`);
    const path: Record<Exclude<EngineObjectKind, "caCertificate">, string> = {
        dataCenter: `/datacenters/${id}`,
        cluster: `/clusters/${id}`,
        storageDomain: inputs.dataCenterId
            ? `/datacenters/${inputs.dataCenterId}/storagedomains/${id}`
            : `/storagedomains/${id}`,
        ovnProvider: `/openstacknetworkproviders/${id}`,
        template: `/templates/${id}`,
        vnicProfile: `/vnicprofiles/${id}`,
    };
    const obj = await s.find<Record<string, unknown>>(path[inputs.kind]);
    return obj ? { name: String(obj.name ?? inputs.name), status: decodeString(obj.status) ?? "", pem: "" } : undefined;
}

/** Adopts an existing engine object by name (read-only). */
export class EngineObjectProvider extends KindProvider<typeof ENGINE_OBJECT> {
    protected readonly description = ENGINE_OBJECT;

    async create(inputs: EngineObjectInputs): Promise<pulumi.dynamic.CreateResult<EngineObjectState>> {
        const found = await findByName(this, inputs);
        if (!found) {
            throw new Error(
                `adopt ${inputs.kind} ${JSON.stringify(inputs.name)}: not found on the engine` +
                    (inputs.dataCenterId ? ` (in data center ${inputs.dataCenterId})` : "") +
                    "; this program adopts it and never creates it: create it on the engine or fix the name in the stack config",
            );
        }
        return {
            id: found.id,
            outs: { ...inputs, status: found.status, pem: found.pem, providerVersion: ENGINE_OBJECT_PROVIDER_VERSION },
        };
    }

    async read(id: string, props?: EngineObjectState): Promise<pulumi.dynamic.ReadResult<EngineObjectState>> {
        if (!props) return { id, props };
        const live = await getById(this, id, props);
        if (!live) return { id: undefined };
        return this.found(id, { ...props, name: live.name, status: live.status, pem: live.pem });
    }

    async update(
        id: string,
        olds: EngineObjectState,
        news: EngineObjectInputs,
    ): Promise<pulumi.dynamic.UpdateResult<EngineObjectState>> {
        const live = await getById(this, id, news);
        return {
            outs: {
                ...olds,
                ...news,
                status: live?.status ?? olds.status,
                pem: live?.pem ?? olds.pem,
                providerVersion: ENGINE_OBJECT_PROVIDER_VERSION,
            },
        };
    }

    async delete(_id: string, _props: EngineObjectState): Promise<void> {
        // Adopted, never owned: deleting the resource only forgets it.
    }
}

/** An adopted engine object (token `pulumi-nodejs:dynamic/ovirt:EngineObject`); its id is the engine id. */
export const EngineObject = resourceClass(ENGINE_OBJECT);
export type EngineObject = InstanceType<typeof EngineObject>;

/** What EngineObject resources serialize: a stub that loads EngineObjectProvider in the provider process (./stub). */
export const engineObjectProvider = EngineObject.provider;
