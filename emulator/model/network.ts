/**
 * Logical networks (with the vNIC profile the engine makes for a VM network) and vNIC profiles. Networks' and
 * profiles' own statuses are not modelled; removing a network or a profile in use by a VM is refused.
 */
import { EngineCore } from "./core";
import type { Ctx } from "./core";
import { conflict, requireFields, texts } from "./errors";
import { EVENT } from "./events";
import { Obj, bool, int, obj, ref, str, wrappedList } from "./input";
import type { Job, Network, VnicProfile } from "./types";

export abstract class NetworkKind extends EngineCore {
    addNetwork(b: Obj, ctx: Ctx): Network {
        const name = str(b.name);
        const dcRef = ref(b.data_center);
        requireFields("Network", { name, "dataCenter.id|name": dcRef });
        const dc = this.resolve(this.state.dataCenters, dcRef, "DataCenter")!;
        if (this.state.networks.some((n) => n.dataCenterId === dc.id && n.name === name)) {
            throw conflict(texts.networkNameInUse("add", name!));
        }
        const provRef = ref(b.external_provider);
        const prov = provRef ? this.resolve(this.state.providers, provRef, "OpenStackNetworkProvider") : undefined;
        const usages = wrappedList(b.usages, "usage")?.map((u) => String(u).toLowerCase()) ?? ["vm"];
        const n: Network = {
            id: this.newId(),
            name: name!,
            description: str(b.description) ?? "",
            comment: str(b.comment),
            dataCenterId: dc.id,
            mtu: int(b.mtu, "mtu") ?? 0,
            vlanId: int(obj(b.vlan)?.id, "vlan.id"),
            stp: bool(b.stp, "stp") ?? false,
            usages,
            externalProviderId: prov?.id,
            externalId: prov ? this.newId() : undefined,
            profileRequired: bool(b.profile_required, "profile_required") ?? true,
            portIsolation: bool(b.port_isolation, "port_isolation") ?? false,
        };
        this.state.networks.push(n);
        if (n.profileRequired && usages.includes("vm")) {
            this.state.vnicProfiles.push({
                id: this.newId(),
                name: n.name,
                networkId: n.id,
                passThrough: "disabled",
                portMirroring: false,
            });
        }
        this.event(
            EVENT.networkAdded,
            "normal",
            `Network ${n.name} was added to Data Center: ${dc.name}`,
            { dataCenterId: dc.id },
            ctx.correlationId,
        );
        this.doneJob(`Adding new Network ${n.name} to Data Center ${dc.name}`, ctx);
        return n;
    }

    updateNetwork(id: string, b: Obj, ctx: Ctx): Network {
        const n = this.network(id);
        const name = str(b.name);
        if (name && name !== n.name) {
            if (this.state.networks.some((x) => x.dataCenterId === n.dataCenterId && x.name === name))
                throw conflict(texts.networkNameInUse("update", name));
            n.name = name;
        }
        if (b.description !== undefined) n.description = str(b.description);
        if (b.comment !== undefined) n.comment = str(b.comment);
        n.mtu = int(b.mtu, "mtu") ?? n.mtu;
        this.doneJob(`Updating Network ${n.name}`, ctx);
        this.dirty = true;
        return n;
    }

    removeNetwork(id: string, ctx: Ctx): Job {
        const n = this.network(id);
        // RemoveNetworkCommand.validate(): the management network, then VMs using it (NetworkValidator)
        if (n.usages.includes("management")) throw conflict(texts.managementNetwork(n.name));
        const profiles = this.state.vnicProfiles.filter((p) => p.networkId === id).map((p) => p.id);
        const users = this.state.vms.filter((v) =>
            v.nics.some((nic) => nic.vnicProfileId && profiles.includes(nic.vnicProfileId)),
        );
        if (users.length)
            throw conflict(
                texts.networkUsedByVms(
                    "remove",
                    users.map((v) => v.name),
                ),
            );
        this.state.vnicProfiles = this.state.vnicProfiles.filter((p) => p.networkId !== id);
        for (const c of this.state.clusters) c.networks = c.networks.filter((cn) => cn.networkId !== id);
        this.state.networks = this.state.networks.filter((x) => x.id !== id);
        this.event(
            EVENT.networkRemoved,
            "normal",
            `Network ${n.name} was removed from Data Center.`,
            { dataCenterId: n.dataCenterId },
            ctx.correlationId,
        );
        for (const c of this.state.clusters) this.engine.recheckHosts(c.id);
        return this.doneJob(`Removing Network ${n.name}`, ctx);
    }

    addVnicProfile(b: Obj, ctx: Ctx, networkId?: string): VnicProfile {
        const name = str(b.name);
        const netRef = networkId ? { id: networkId } : ref(b.network);
        requireFields("VnicProfile", { name, "network.id": netRef });
        const n = this.resolve(this.state.networks, netRef, "Network")!;
        if (this.state.vnicProfiles.some((p) => p.networkId === n.id && p.name === name)) {
            throw conflict(texts.vnicProfileNameInUse("add"));
        }
        const p: VnicProfile = {
            id: this.newId(),
            name: name!,
            description: str(b.description),
            networkId: n.id,
            passThrough: "disabled",
            portMirroring: bool(b.port_mirroring, "port_mirroring") ?? false,
        };
        this.state.vnicProfiles.push(p);
        this.doneJob(`Adding VM network interface profile ${p.name}`, ctx);
        return p;
    }

    removeVnicProfile(id: string, ctx: Ctx): Job {
        const p = this.vnicProfile(id);
        const users = this.state.vms.filter((v) => v.nics.some((nic) => nic.vnicProfileId === id));
        if (users.length) {
            throw conflict(
                `Cannot remove VM network interface profile. The VM network interface profile is in use by the following VMs: ${users.map((v) => v.name).join(", ")}.`,
            );
        }
        this.state.vnicProfiles = this.state.vnicProfiles.filter((x) => x.id !== id);
        return this.doneJob(`Removing VM network interface profile ${p.name}`, ctx);
    }
}
