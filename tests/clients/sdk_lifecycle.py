"""Drives the official oVirt Python SDK (ovirtsdk4, unmodified) through the lifecycles an engine serves.

Run by tests/clients/sdk.spec.ts against the engine emulator; runs as well against a real engine with the same
seed inventory (a data center and cluster OCP-45, template centos-7, the OVN provider ovirt-provider-ovn, an
installable host address). Every step prints one JSON line {"step": ..., "ok": true, ...}; the first failure
prints {"step": ..., "ok": false, "error": ...} and exits 1.

Environment: OVIRT_URL (…/ovirt-engine/api), OVIRT_CA_FILE, OVIRT_USERNAME, OVIRT_PASSWORD, OVIRT_HOST_ADDRESS
(an address the engine can install), OVIRT_NFS_ADDRESS and OVIRT_NFS_PATH, OVIRT_PREFIX (names of created objects).
"""
import json
import os
import sys
import time

import ovirtsdk4 as sdk
import ovirtsdk4.types as types

ENV = os.environ
PREFIX = ENV.get("OVIRT_PREFIX", "sdk")
TIMEOUT_S = float(ENV.get("OVIRT_WAIT_TIMEOUT", "120"))


def report(step, **facts):
    print(json.dumps(dict(step=step, ok=True, **facts), default=str), flush=True)


def wait_for(what, fetch, done, timeout=TIMEOUT_S):
    """Polls fetch() until done(value) holds, as the Ansible modules and the SDK examples do."""
    end = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for %s (last: %r)" % (what, getattr(value, "status", value)))
        time.sleep(0.05)


def refused(what, call, code, detail_part):
    """The call must fail with the engine's fault: HTTP code and a detail containing detail_part."""
    try:
        call()
    except sdk.Error as e:
        detail = e.fault.detail if e.fault is not None else ""
        if e.code != code or detail_part not in (detail or ""):
            raise AssertionError("%s: expected %s with %r, got %s %r (%s)" % (what, code, detail_part, e.code, detail, e))
        report("refused: " + what, code=e.code, detail=detail)
        return
    raise AssertionError("%s: the engine accepted it" % what)


def main():
    conn = sdk.Connection(url=ENV["OVIRT_URL"], username=ENV["OVIRT_USERNAME"], password=ENV["OVIRT_PASSWORD"],
                          ca_file=ENV["OVIRT_CA_FILE"])
    system = conn.system_service()

    # --- connect through SSO, list and follow
    api = system.get()
    report("api", version=api.product_info.version.full_version, time=api.time)
    clusters = system.clusters_service()
    ci_cluster = clusters.list(search="name=OCP-45")[0]
    ci_dc = conn.follow_link(ci_cluster.data_center)
    assert ci_dc.name == "OCP-45", ci_dc.name
    report("list and follow", cluster=ci_cluster.name, data_center=ci_dc.name)

    # --- data center and cluster
    dcs = system.data_centers_service()
    dc = dcs.add(types.DataCenter(name=PREFIX + "-dc", local=False,
                                  version=types.Version(major=4, minor=7)))
    refused("duplicate data center name", lambda: dcs.add(types.DataCenter(name=PREFIX + "-dc", local=False)),
            409, "name is already in use")
    cluster = clusters.add(types.Cluster(name=PREFIX + "-cluster", data_center=types.DataCenter(id=dc.id),
                                         cpu=types.Cpu(architecture=types.Architecture.X86_64,
                                                       type="Intel Cascadelake Server Family")))
    report("data center and cluster", data_center=dc.id, cluster=cluster.id)

    # --- host: install to up, maintenance, remove
    hosts = system.hosts_service()
    host = hosts.add(types.Host(name=PREFIX + "-host", address=ENV["OVIRT_HOST_ADDRESS"], root_password="unused",
                                cluster=types.Cluster(name="OCP-45")))
    host_service = hosts.host_service(host.id)
    host = wait_for("host up", host_service.get, lambda h: h.status == types.HostStatus.UP)
    report("host up", host=host.name)

    # --- NFS storage domain: add, attach, activate, maintenance, detach, remove
    sds = system.storage_domains_service()
    sd = sds.add(types.StorageDomain(
        name=PREFIX + "-nfs", type=types.StorageDomainType.DATA, host=types.Host(name=host.name),
        storage=types.HostStorage(type=types.StorageType.NFS, address=ENV["OVIRT_NFS_ADDRESS"],
                                  path=ENV["OVIRT_NFS_PATH"])))
    sd_service = sds.storage_domain_service(sd.id)
    wait_for("storage domain unattached", sd_service.get, lambda d: d.status == types.StorageDomainStatus.UNATTACHED)
    attached = system.data_centers_service().data_center_service(ci_dc.id).storage_domains_service()
    attached.add(types.StorageDomain(id=sd.id))
    attached_service = attached.storage_domain_service(sd.id)
    wait_for("storage domain active", attached_service.get, lambda d: d.status == types.StorageDomainStatus.ACTIVE)
    report("storage domain active", storage_domain=sd.name)
    refused("detach an active storage domain", lambda: attached_service.remove(), 409, "Storage Domain's status is Active")
    attached_service.deactivate()
    wait_for("storage domain in maintenance", attached_service.get,
             lambda d: d.status == types.StorageDomainStatus.MAINTENANCE)
    attached_service.remove()
    wait_for("storage domain unattached again", sd_service.get,
             lambda d: d.status == types.StorageDomainStatus.UNATTACHED)
    sd_service.remove(host=host.name, format=True)
    report("storage domain removed")

    # --- OVN network with its vNIC profile
    provider = [p for p in system.openstack_network_providers_service().list() if p.name == "ovirt-provider-ovn"][0]
    networks = system.networks_service()
    net = networks.add(types.Network(name=PREFIX + "-ovn", data_center=types.DataCenter(id=ci_dc.id),
                                     external_provider=types.OpenStackNetworkProvider(id=provider.id)))
    profiles = [p for p in networks.network_service(net.id).vnic_profiles_service().list()]
    assert [p.name for p in profiles] == [net.name], [p.name for p in profiles]
    clusters.cluster_service(ci_cluster.id).networks_service().add(types.Network(id=net.id, required=False))
    report("OVN network", network=net.name, profile=profiles[0].id)

    # --- VM from a template with NICs: start, up, stop, remove
    vms = system.vms_service()
    vm = vms.add(types.Vm(name=PREFIX + "-vm", cluster=types.Cluster(name="OCP-45"),
                          template=types.Template(name="centos-7"), memory=2 * 2**30))
    vm_service = vms.vm_service(vm.id)
    wait_for("vm down", vm_service.get, lambda v: v.status == types.VmStatus.DOWN)
    nic = vm_service.nics_service().add(types.Nic(name="nic1", vnic_profile=types.VnicProfile(id=profiles[0].id)))
    assert nic.mac.address, "the engine assigns a MAC"
    refused("duplicate VM name", lambda: vms.add(types.Vm(name=vm.name, cluster=types.Cluster(name="OCP-45"),
                                                          template=types.Template(name="centos-7"))),
            409, "name is already in use")
    vm_service.start()
    vm = wait_for("vm up", vm_service.get, lambda v: v.status == types.VmStatus.UP)
    report("vm up", vm=vm.name, host=vm.host.id if vm.host else None, nic=nic.mac.address)
    refused("remove a running VM", lambda: vm_service.remove(), 409, "VM is running")

    # --- affinity group, tag, event
    groups = clusters.cluster_service(ci_cluster.id).affinity_groups_service()
    group = groups.add(types.AffinityGroup(name=PREFIX + "-ag", enforcing=False, positive=False,
                                           vms_rule=types.AffinityRule(enabled=True, enforcing=False, positive=False)))
    groups.group_service(group.id).vms_service().add(types.Vm(id=vm.id))
    tags = system.tags_service()
    tag = tags.add(types.Tag(name=PREFIX + "-tag"))
    vm_service.tags_service().add(types.Tag(name=tag.name))
    event = system.events_service().add(types.Event(description="sdk lifecycle", severity=types.LogSeverity.NORMAL,
                                                    origin=PREFIX, custom_id=int(time.time()) % 100000))
    report("affinity group, tag, event", group=group.id, tag=tag.id, event=event.id)

    vm_service.stop()
    wait_for("vm down after stop", vm_service.get, lambda v: v.status == types.VmStatus.DOWN)
    groups.group_service(group.id).remove()
    tags.tag_service(tag.id).remove()
    vm_service.remove()
    wait_for("vm gone", lambda: vms.list(search="name=%s" % vm.name), lambda l: len(l) == 0)
    report("vm removed")

    # --- host maintenance and removal; network, cluster, data center removal
    host_service.deactivate()
    wait_for("host in maintenance", host_service.get, lambda h: h.status == types.HostStatus.MAINTENANCE)
    host_service.remove()
    wait_for("host gone", lambda: hosts.list(search="name=%s" % host.name), lambda l: len(l) == 0)
    networks.network_service(net.id).remove()
    clusters.cluster_service(cluster.id).remove()
    dcs.data_center_service(dc.id).remove()
    report("cleaned up")
    conn.close()


if __name__ == "__main__":
    step = "lifecycle"
    try:
        main()
    except Exception as e:  # the report names the failure; the spec prints it
        print(json.dumps(dict(step=step, ok=False, error="%s: %s" % (type(e).__name__, e))), flush=True)
        sys.exit(1)
