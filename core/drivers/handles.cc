#include "drivers/handles.h"

#include <cstdlib>

#include "drivers/driver_tables.h"

namespace vh::drv {

namespace {
// The tables of a connection whose driver does not provide them: every slot is unsupported.
HypervisorDriver noHypervisor;
NetworkDriver noNetwork;
StorageDriver noStorage;
NodedevDriver noNodedev;
InterfaceDriver noInterface;
SecretDriver noSecret;
NwfilterDriver noNwfilter;
StreamDriver noStream;
} // namespace

DriverSet::DriverSet()
    : hypervisor(&noHypervisor), network(&noNetwork), storage(&noStorage), nodedev(&noNodedev),
      interface(&noInterface), secret(&noSecret), nwfilter(&noNwfilter)
{
}

StreamDriver *unsupportedStreams()
{
    return &noStream;
}

} // namespace vh::drv

_virConnect::~_virConnect()
{
    free(err.message);
    free(err.str1);
    free(err.str2);
    free(err.str3);
}

_virStream::_virStream(virConnectPtr c, unsigned int f)
    : ConnectChild(kMagic, c), flags(f), driver(vh::drv::unsupportedStreams())
{
}
