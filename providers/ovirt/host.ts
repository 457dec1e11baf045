// Host (docs/engine-api.md 5.3): add, wait installing → initializing → up; delete = deactivate → maintenance → remove.
import * as pulumi from "@pulumi/pulumi";
import { createOrAdopt, eventMarker, latestEvents, Session, timeoutMs, waitFor, waitGone } from "./client";
import { compact } from "./common";
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
import { decodeInt, decodeList, decodeString, refId, searchQuote } from "./representation";
import { PROVIDER_SECRET_SETTINGS } from "./settings";

export const HOST_PROVIDER_VERSION = 1;
const DEFAULT_TIMEOUT_S = 1800;

/** A hypervisor host's fields; replaced (delete first) on name, address, cluster or auth change. */
export const HOST = defineKind({
    kind: "Host",
    providerVersion: HOST_PROVIDER_VERSION,
    deleteBeforeReplace: true,
    inputs: {
        name: required("replace", is.name(255)),
        /** FQDN or IP the engine connects to. Replaces on change. */
        address: required("replace", is.text("the host's FQDN or IP address")),
        clusterId: required("replace", is.id),
        description: optional("update", is.optText),
        /** "publickey" (default: the engine's SSH key must be in root's authorized_keys) or "password" (root password
         * from provider config `ovirt-ci:hostRootPassword` / env `OVIRT_HOST_ROOT_PASSWORD`, never a resource input). */
        authMethod: optional("replace", is.oneOf(["publickey", "password"] as const, "publickey")),
        sshPort: optional("replace", is.intOr(1, 65535, 22)),
        /** SPM priority -1..10. Updated in place. */
        spmPriority: optional("update", is.int(-1, 10)),
        /** Overall wait for `up` / `maintenance` (default 1800 s or ovirt-ci:engineTimeoutSeconds). */
        timeoutSeconds: optional("update", is.timeout),
    },
    outputs: { status: output<string>(), adopted: output<boolean>() },
});

export type HostArgs = ArgsOf<typeof HOST>;
export type HostInputs = InputsOf<typeof HOST>;
export type HostState = StateOf<typeof HOST>;

/** States in which the engine removes a host without maintenance. */
const REMOVABLE = ["maintenance", "install_failed", "non_responsive", "down", "pending_approval"];
const FAILED = ["install_failed", "non_operational", "non_responsive", "error"];

function toState(h: Record<string, unknown>, inputs: HostInputs, adopted: boolean): HostState {
    const spm = (h.spm ?? {}) as Record<string, unknown>;
    return {
        name: String(h.name),
        address: decodeString(h.address) ?? inputs.address,
        clusterId: refId(h.cluster) ?? inputs.clusterId,
        description: inputs.description === undefined ? undefined : (decodeString(h.description) ?? ""),
        authMethod: inputs.authMethod,
        sshPort: inputs.sshPort,
        spmPriority: inputs.spmPriority === undefined ? undefined : decodeInt(spm.priority, inputs.spmPriority),
        timeoutSeconds: inputs.timeoutSeconds,
        status: String(h.status ?? "unknown"),
        adopted,
        providerVersion: HOST_PROVIDER_VERSION,
    };
}

export async function findHostByName(s: Session, name: string): Promise<Record<string, unknown> | undefined> {
    const body = await s.get("/hosts", { params: { search: `name=${searchQuote(name)}` } });
    return decodeList(body, "host").find((h) => h.name === name);
}

async function hostFailure(
    s: Session,
    h: Record<string, unknown>,
    marker: number | undefined,
): Promise<string | undefined> {
    const status = String(h.status);
    if (!FAILED.includes(status)) return undefined;
    const id = String(h.id);
    const events = await latestEvents(
        s,
        marker,
        (e) => refId(e.host) === id || String(e.description ?? "").includes(String(h.name)),
    );
    return (
        `host ${h.name} is ${status}` +
        (events.length
            ? `; latest engine events: ${events.map((e) => `[${e.severity}] ${e.description}`).join(" | ")}`
            : "; the engine logged no warning or error event for it")
    );
}

export class HostProvider extends KindProvider<typeof HOST> {
    protected readonly description = HOST;

    private rootPassword(): string {
        const { env } = PROVIDER_SECRET_SETTINGS.hostRootPassword;
        let v: string | undefined;
        try {
            v = this.stackConfig?.get("ovirt-ci:hostRootPassword");
        } catch {
            v = undefined;
        }
        v = v || process.env[env];
        if (!v)
            throw new Error(
                `Host authMethod "password" needs the root password in provider config ovirt-ci:hostRootPassword (pulumi config set --secret hostRootPassword) or env ${env}; or use authMethod "publickey"`,
            );
        return v;
    }

    private authBody(inputs: HostInputs): Record<string, unknown> {
        return inputs.authMethod === "password"
            ? { root_password: this.rootPassword(), ssh: { port: String(inputs.sshPort) } }
            : { ssh: { authentication_method: "publickey", port: String(inputs.sshPort) } };
    }

    async create(inputs: HostInputs): Promise<pulumi.dynamic.CreateResult<HostState>> {
        const s = await this.session(`create Host ${inputs.name}`);
        const marker = await eventMarker(s);
        const { obj, adopted } = await createOrAdopt(
            s,
            `Host ${inputs.name}`,
            () => findHostByName(s, inputs.name),
            () =>
                s.add<Record<string, unknown>>(
                    "/hosts",
                    {
                        name: inputs.name,
                        address: inputs.address,
                        description: inputs.description ?? "",
                        cluster: { id: inputs.clusterId },
                        ...(inputs.spmPriority !== undefined ? { spm: { priority: String(inputs.spmPriority) } } : {}),
                        ...this.authBody(inputs),
                    },
                    { params: { activate: "true", reboot: "false" } },
                ),
        );
        const id = String(obj.id);
        if (adopted && refId(obj.cluster) !== inputs.clusterId) {
            throw new Error(
                `create Host ${inputs.name}: a host with this name already exists in cluster ${refId(obj.cluster)}, not ${inputs.clusterId}`,
            );
        }
        let since = marker;
        if (adopted) {
            // a previous run left it failed: retry once the way the engine allows (the cause may be fixed now)
            const st = String(obj.status);
            if (st === "install_failed" || st === "non_responsive") {
                since = await eventMarker(s);
                await s.action(`/hosts/${id}/install`, this.authBody(inputs));
            } else if (st === "non_operational") {
                since = await eventMarker(s);
                await s.action(`/hosts/${id}/activate`, {});
            } else {
                since = undefined; // whatever failed happened before this run: report the latest events
            }
        }
        const h = await this.waitUp(s, id, inputs, since);
        return { id, outs: compact(toState(h, inputs, adopted)) };
    }

    private async waitUp(
        s: Session,
        id: string,
        inputs: HostInputs,
        marker: number | undefined,
    ): Promise<Record<string, unknown>> {
        let activated = false;
        return waitFor(
            `Host ${inputs.name}: waiting for status up`,
            () => s.get(`/hosts/${id}`),
            (h) => h.status === "up",
            {
                timeoutMs: timeoutMs(s.endpoint, inputs.timeoutSeconds, DEFAULT_TIMEOUT_S),
                describe: (h) => String(h.status),
                failed: async (h) => {
                    if (h.status === "maintenance" && !activated) {
                        activated = true; // added with activate=false earlier, or deactivated: bring it up
                        await s.action(`/hosts/${id}/activate`, {});
                        return undefined;
                    }
                    return hostFailure(s, h, marker);
                },
            },
        );
    }

    async read(id: string, old?: HostState): Promise<pulumi.dynamic.ReadResult<HostState>> {
        const props = old ?? ({} as HostState);
        const s = await this.session(`read Host ${props.name ?? id}`);
        const h = await s.find(`/hosts/${id}`);
        if (!h) return { id: undefined };
        return this.found(id, toState(h, props, props.adopted ?? false));
    }

    async update(id: string, olds: HostState, news: HostInputs): Promise<pulumi.dynamic.UpdateResult<HostState>> {
        const body: Record<string, unknown> = {};
        if (news.description !== undefined && news.description !== (olds.description ?? ""))
            body.description = news.description;
        if (news.spmPriority !== undefined && news.spmPriority !== olds.spmPriority)
            body.spm = { priority: String(news.spmPriority) };
        if (Object.keys(body).length === 0) return { outs: this.restamped(olds, news) };
        const s = await this.session(`update Host ${news.name}`);
        return { outs: compact(toState(await s.put(`/hosts/${id}`, body), news, olds.adopted)) };
    }

    async delete(id: string, props: HostState): Promise<void> {
        const s = await this.session(`delete Host ${props.name ?? id}`);
        const budget = timeoutMs(s.endpoint, props.timeoutSeconds, DEFAULT_TIMEOUT_S);
        const h = await s.find(`/hosts/${id}`);
        if (!h) return;
        if (!REMOVABLE.includes(String(h.status))) {
            if (h.status !== "preparing_for_maintenance") await s.action(`/hosts/${id}/deactivate`, {});
            await waitFor(
                `Host ${props.name}: waiting for maintenance before removal`,
                () => s.find(`/hosts/${id}`),
                (x) => x === undefined || x.status === "maintenance",
                {
                    timeoutMs: budget,
                    describe: (x) => String(x?.status),
                },
            );
        }
        if (!(await s.remove(`/hosts/${id}`))) return;
        await waitGone(s, `Host ${props.name}`, `/hosts/${id}`, budget);
    }
}

/** A hypervisor host (token `pulumi-nodejs:dynamic/ovirt:Host`). Replaced (delete first) on name, address, cluster or auth change. */
export const Host = resourceClass(HOST);
export type Host = InstanceType<typeof Host>;

/** What Host resources serialize: a stub that loads HostProvider in the provider process (./stub). */
export const hostProvider = Host.provider;
