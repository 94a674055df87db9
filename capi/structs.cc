// Free functions for the structs libvirt returns in lists.
#include <cstdlib>

#include <libvirt/libvirt.h>

extern "C" {

void virDomainFSInfoFree(virDomainFSInfoPtr info)
{
    if (!info)
        return;
    free(info->mountpoint);
    free(info->name);
    free(info->fstype);
    for (size_t i = 0; i < info->ndevAlias; i++)
        free(info->devAlias[i]);
    free(info->devAlias);
    free(info);
}

void virDomainIOThreadInfoFree(virDomainIOThreadInfoPtr info)
{
    if (!info)
        return;
    free(info->cpumap);
    free(info);
}

void virDomainInterfaceFree(virDomainInterfacePtr iface)
{
    if (!iface)
        return;
    free(iface->name);
    free(iface->hwaddr);
    for (unsigned int i = 0; i < iface->naddrs; i++)
        free(iface->addrs[i].addr);
    free(iface->addrs);
    free(iface);
}

void virNetworkDHCPLeaseFree(virNetworkDHCPLeasePtr lease)
{
    if (!lease)
        return;
    free(lease->iface);
    free(lease->mac);
    free(lease->iaid);
    free(lease->ipaddr);
    free(lease->hostname);
    free(lease->clientid);
    free(lease);
}

void virDomainStatsRecordListFree(virDomainStatsRecordPtr *stats)
{
    if (!stats)
        return;
    for (virDomainStatsRecordPtr *s = stats; *s; s++) {
        virTypedParamsFree((*s)->params, (*s)->nparams);
        virDomainFree((*s)->dom);
        free(*s);
    }
    free(stats);
}

} // extern "C"
