"""Reads what an engine holds through the official oVirt Python SDK (ovirtsdk4, unmodified) and prints it as one
JSON object: an independent view of the state a `pulumi up` built (tests/e2e).

Environment: OVIRT_URL, OVIRT_CA_FILE, OVIRT_USERNAME, OVIRT_PASSWORD; OVIRT_CLUSTER (the CI cluster's name) and
OVIRT_PROXY_VM (the proxy VM's name).
"""
import json
import os

import ovirtsdk4 as sdk

ENV = os.environ


def main():
    conn = sdk.Connection(url=ENV["OVIRT_URL"], username=ENV["OVIRT_USERNAME"], password=ENV["OVIRT_PASSWORD"],
                          ca_file=ENV["OVIRT_CA_FILE"])
    system = conn.system_service()
    providers = {p.id: p.name for p in system.openstack_network_providers_service().list()}
    cluster = system.clusters_service().list(search="name=%s" % ENV["OVIRT_CLUSTER"])[0]
    in_cluster = {n.id: n.required for n in system.clusters_service().cluster_service(cluster.id).networks_service().list()}
    profiles = {p.id: p for p in system.vnic_profiles_service().list()}
    networks = {}
    for n in system.networks_service().list(follow="vnic_profiles"):
        networks[n.name] = {
            "provider": providers.get(n.external_provider.id) if n.external_provider else None,
            "profiles": sorted(p.name for p in n.vnic_profiles),
            "in_cluster": n.id in in_cluster,
            "required": in_cluster.get(n.id),
        }
    network_names = {n.id: n.name for n in system.networks_service().list()}
    vms = system.vms_service().list(search="name=%s" % ENV["OVIRT_PROXY_VM"])
    nics = {}
    proxy = None
    if vms:
        vm_service = system.vms_service().vm_service(vms[0].id)
        proxy = {"status": vms[0].status.value}
        for nic in vm_service.nics_service().list():
            profile = profiles.get(nic.vnic_profile.id) if nic.vnic_profile else None
            nics[nic.name] = network_names.get(profile.network.id) if profile else None
    domains = {}
    for d in system.storage_domains_service().list():
        statuses = []
        for dc in d.data_centers or []:
            attached = system.data_centers_service().data_center_service(dc.id).storage_domains_service() \
                .storage_domain_service(d.id).get()
            statuses.append(attached.status.value)
        domains[d.name] = {"type": d.storage.type.value, "path": d.storage.path, "statuses": statuses}
    hosts = {h.name: h.status.value for h in system.hosts_service().list()}
    print(json.dumps({"networks": networks, "proxy": proxy, "nics": nics, "storage_domains": domains, "hosts": hosts}))
    conn.close()


if __name__ == "__main__":
    main()
