#include "conf/documents.h"

#include <libvirt/virterror.h>

#include "conf/domain/domain_def.h"
#include "conf/network/network.h"
#include "conf/network/port.h"
#include "conf/nwfilter/nwfilter.h"
#include "conf/nwfilter/binding.h"
#include "conf/interface/interface.h"
#include "conf/storage/pool.h"
#include "conf/storage/volume.h"
#include "conf/nodedev/nodedev.h"
#include "conf/secret/secret.h"
#include "conf/snapshot/snapshot.h"
#include "conf/checkpoint/checkpoint.h"
#include "conf/capabilities/capabilities.h"
#include "conf/capabilities/domaincaps.h"

namespace vh::conf {

namespace {

template <class Def>
Result<std::string> through(Result<std::unique_ptr<Def>> (*parse)(std::string_view, unsigned int),
                            std::string (*format)(const Def &, unsigned int), std::string_view xml, unsigned int flags)
{
    auto def = parse(xml, 0);
    if (!def)
        return std::move(def).error();
    return format(**def, flags);
}

// Snapshots and checkpoints embed a domain, read with the driver's options.
template <class Def>
Result<std::string> throughWithDomain(Result<std::unique_ptr<Def>> (*parse)(std::string_view, const DomainXMLOptions &, unsigned int),
                                      std::string (*format)(const Def &, unsigned int), std::string_view xml,
                                      const DomainXMLOptions &domainOptions, unsigned int flags)
{
    auto def = parse(xml, domainOptions, 0);
    if (!def)
        return std::move(def).error();
    return format(**def, flags);
}

} // namespace

std::vector<std::string> documentKinds()
{
    return {"domain", "network", "networkport", "nwfilter", "nwfilterbinding", "interface", "pool", "volume", "nodedev", "secret", "snapshot", "checkpoint", "capabilities", "domaincaps"};
}

Result<std::string> roundTrip(std::string_view kind, std::string_view xml, const DomainXMLOptions &domainOptions,
                              unsigned int formatFlags)
{
    if (kind == "domain") {
        auto def = parseDomain(xml, domainOptions, PARSE_INACTIVE);
        if (!def)
            return std::move(def).error();
        return formatDomain(**def, formatFlags);
    }
    if (kind == "network")
        return through(parseNetwork, formatNetwork, xml, formatFlags);
    if (kind == "networkport")
        return through(parseNetworkPort, formatNetworkPort, xml, formatFlags);
    if (kind == "nwfilter")
        return through(parseNWFilter, formatNWFilter, xml, formatFlags);
    if (kind == "nwfilterbinding")
        return through(parseNWFilterBinding, formatNWFilterBinding, xml, formatFlags);
    if (kind == "interface")
        return through(parseHostInterface, formatHostInterface, xml, formatFlags);
    if (kind == "pool")
        return through(parseStoragePool, formatStoragePool, xml, formatFlags);
    if (kind == "volume")
        return through(parseStorageVol, formatStorageVol, xml, formatFlags);
    if (kind == "nodedev")
        return through(parseNodeDevice, formatNodeDevice, xml, formatFlags);
    if (kind == "secret")
        return through(parseSecret, formatSecret, xml, formatFlags);
    if (kind == "snapshot")
        return throughWithDomain(parseSnapshot, formatSnapshot, xml, domainOptions, formatFlags);
    if (kind == "checkpoint")
        return throughWithDomain(parseCheckpoint, formatCheckpoint, xml, domainOptions, formatFlags);
    if (kind == "capabilities")
        return through(parseCapabilities, formatCapabilities, xml, formatFlags);
    if (kind == "domaincaps")
        return through(parseDomainCaps, formatDomainCaps, xml, formatFlags);
    return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "unknown document kind %.*s", static_cast<int>(kind.size()), kind.data());
}

} // namespace vh::conf
