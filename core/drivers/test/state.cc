#include "drivers/test/state.h"

#include <cstring>

#include <libvirt/virterror.h>

#include "conf/capabilities/capabilities.h"
#include "conf/xml.h"
#include "util/uuid.h"

namespace vh::drv::test {

namespace {

constexpr const char *kTestNamespace = "http://libvirt.org/schemas/domain/test/1.0";

// The domain every test:///default connection starts with.
constexpr const char *kDefaultDomain = R"(<domain type='test'>
  <name>test</name>
  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
  <memory>8388608</memory>
  <currentMemory>2097152</currentMemory>
  <vcpu>2</vcpu>
  <os>
    <type>hvm</type>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <source file='/guest/diskimage1'/>
      <target dev='vda' bus='virtio'/>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </disk>
    <interface type='network'>
      <mac address='aa:bb:cc:dd:ee:ff'/>
      <source network='default'/>
      <target dev='testnet0'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>
    </interface>
    <memballoon model='virtio'>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
    </memballoon>
  </devices>
</domain>)";

// The test namespace's children of a <domain> in a node file.
struct NodeDomainExtras {
    int runstate = VIR_DOMAIN_RUNNING;
    bool transient = false;
    bool hasManagedSave = false;
};

Result<NodeDomainExtras> readExtras(const xmlNode *domain)
{
    NodeDomainExtras x;
    for (const xmlNode *c : xml::Children(domain)) {
        if (!c->ns || !xmlStrEqual(c->ns->href, reinterpret_cast<const xmlChar *>(kTestNamespace)))
            continue;
        if (xml::is(c, "runstate")) {
            auto v = xml::toLL(xml::text(c));
            if (!v)
                return Error::make(VIR_FROM_TEST, VIR_ERR_XML_ERROR, "invalid runstate");
            if (*v < 0 || *v >= VIR_DOMAIN_LAST)   // libvirt's message has the stray quote
                return Error::format(VIR_FROM_TEST, VIR_ERR_XML_ERROR, "runstate '%lld' out of range'", *v);
            x.runstate = static_cast<int>(*v);
        } else if (xml::is(c, "transient")) {
            x.transient = true;
        } else if (xml::is(c, "hasmanagedsave")) {
            x.hasManagedSave = true;
        }
    }
    if (x.transient && x.runstate == VIR_DOMAIN_SHUTOFF)
        return Error::make(VIR_FROM_TEST, VIR_ERR_XML_ERROR, "transient domain cannot have runstate 'shutoff'");
    if (x.hasManagedSave && x.runstate != VIR_DOMAIN_SHUTOFF)
        return Error::make(VIR_FROM_TEST, VIR_ERR_XML_ERROR, "domain with managedsave data can only have runstate 'shutoff'");
    return x;
}

} // namespace

const conf::DomainXMLOptions &domainXMLOptions()
{
    static const conf::DomainXMLOptions opts = [] {
        conf::DomainXMLOptions o;
        o.defaultArch = "i686";
        o.devicesPostParse = [](conf::DomainDef &def) {
            // the test driver gives each unnamed interface the first free testnetN
            auto taken = [&](const std::string &name) {
                for (const auto &net : def.devices.interfaces)
                    if (net.targetDev == name)
                        return true;
                return false;
            };
            int next = 0;
            for (auto &net : def.devices.interfaces) {
                if (!net.targetDev.empty())
                    continue;
                while (taken("testnet" + std::to_string(next)))
                    next++;
                net.targetDev = "testnet" + std::to_string(next);
            }
        };
        return o;
    }();
    return opts;
}

State::State()
{
    node.cells = {{2097152, 1048576, 0, 8}, {4194304, 2097152, 8, 8}};
}

void State::start(DomainObj &obj, int reason)
{
    if (obj.persistent)
        obj.keepConfig();
    obj.def->id = nextId++;
    obj.state = VIR_DOMAIN_RUNNING;
    obj.reason = reason;
}

void State::stop(DomainObj *obj, int reason)
{
    obj->state = VIR_DOMAIN_SHUTOFF;
    obj->reason = reason;
    if (obj->newDef)
        obj->def = std::move(obj->newDef);
    obj->def->id = -1;
    if (!obj->persistent)
        remove(obj);
}

Result<std::shared_ptr<State>> State::makeDefault()
{
    auto st = std::make_shared<State>();
    auto def = conf::parseDomain(kDefaultDomain, st->xmlopt, conf::PARSE_INACTIVE);
    if (!def)
        return std::move(def).error();
    DomainObj &obj = st->add(std::move(*def));
    obj.persistent = true;
    st->start(obj, VIR_DOMAIN_RUNNING_UNKNOWN);
    return st;
}

Result<std::shared_ptr<State>> State::load(const std::string &path)
{
    auto doc = xml::parseFile(path, VIR_FROM_TEST);
    if (!doc)
        return std::move(doc).error();
    const xmlNode *root = xmlDocGetRootElement(doc->get());
    if (!xml::is(root, "node"))
        return Error::format(VIR_FROM_XML, VIR_ERR_XML_ERROR, "expecting root element of 'node', not '%s'",
                             reinterpret_cast<const char *>(root->name));
    auto st = std::make_shared<State>();
    st->node.cells.clear();      // a node file describes no NUMA cells
    std::string dir = path.substr(0, path.rfind('/') + 1);
    VH_TRY(st->loadNode(root, dir));
    return st;
}

Result<void> State::loadNode(const xmlNode *root, const std::string &dir)
{
    if (const xmlNode *cpu = xml::child(root, "cpu")) {
        std::optional<unsigned int> active;
        for (const xmlNode *c : xml::Children(cpu)) {
            std::string text = xml::text(c);
            if (xml::is(c, "model")) {
                node.model = text;
                continue;
            }
            auto v = xml::toULL(text);
            if (!v || *v > 0xffffffffull)
                return Error::format(VIR_FROM_TEST, VIR_ERR_XML_ERROR, "invalid node cpu %s value",
                                     reinterpret_cast<const char *>(c->name));
            unsigned int n = static_cast<unsigned int>(*v);
            if (xml::is(c, "mhz"))
                node.mhz = n;
            else if (xml::is(c, "nodes"))
                node.nodes = n;
            else if (xml::is(c, "sockets"))
                node.sockets = n;
            else if (xml::is(c, "cores"))
                node.cores = n;
            else if (xml::is(c, "threads"))
                node.threads = n;
            else if (xml::is(c, "active"))
                active = n;
        }
        node.cpus = active ? *active : node.nodes * node.sockets * node.cores * node.threads;
    }
    if (auto mem = xml::childText(root, "memory")) {
        auto v = xml::toULL(*mem);
        if (!v)
            return Error::make(VIR_FROM_TEST, VIR_ERR_XML_ERROR, "invalid node memory value");
        node.memoryKiB = static_cast<unsigned long>(*v);
    }
    if (const xmlNode *auth = xml::child(root, "auth")) {
        for (const xmlNode *u : xml::Children(auth))
            if (xml::is(u, "user"))
                users.emplace_back(xml::text(u), xml::attr(u, "password").value_or(""));
    }
    for (const xmlNode *c : xml::Children(root)) {
        if (!xml::is(c, "domain"))
            continue;
        xml::Doc fileDoc;
        const xmlNode *domain = c;
        if (auto file = xml::attr(c, "file")) {
            std::string full = (*file)[0] == '/' ? *file : dir + *file;
            auto d = xml::parseFile(full, VIR_FROM_TEST);
            if (!d)
                return std::move(d).error();
            fileDoc = std::move(*d);
            domain = xmlDocGetRootElement(fileDoc.get());
        }
        auto def = conf::parseDomainNode(domain, xmlopt, conf::PARSE_INACTIVE);
        if (!def)
            return std::move(def).error();
        auto extras = readExtras(domain);
        if (!extras)
            return std::move(extras).error();
        auto clash = existing(**def);
        if (!clash)
            return std::move(clash).error();
        if (*clash)
            return Error::format(VIR_FROM_DOMAIN, VIR_ERR_OPERATION_FAILED, "domain '%s' is already defined", (*def)->name.c_str());
        DomainObj &obj = add(std::move(*def));
        obj.persistent = !extras->transient;
        obj.managedSave = extras->hasManagedSave;
        if (extras->runstate != VIR_DOMAIN_SHUTOFF) {
            start(obj, 0);
            obj.state = extras->runstate;
        }
    }
    return {};
}

std::string State::capabilities() const
{
    conf::CapabilitiesDef caps;
    conf::CapsHost &host = caps.host;
    host.cpu.arch = node.model;
    host.cpu.features = {"pae", "nonpae"};
    host.cpu.pages = {4, 8, 2048, 1048576};
    host.cells.emplace();
    const unsigned int pageSize[] = {4, 8};
    for (size_t i = 0; i < node.cells.size(); i++) {
        const NodeCell &nc = node.cells[i];
        conf::CapsCell cell;
        cell.id = static_cast<int>(i);
        cell.memoryKiB = nc.memoryKiB;
        unsigned int small = pageSize[i % 2];
        cell.pages = {{small, nc.memoryKiB / small}, {2048, 0}, {1048576, 0}};
        for (int c = 0; c < nc.cpus; c++) {
            conf::CapsCellCpu cpu;
            cpu.id = static_cast<unsigned int>(nc.firstCpu + c);
            cpu.socket = static_cast<int>(i);
            cpu.core = c;
            cpu.siblings = std::to_string(cpu.id);
            cell.cpus.push_back(std::move(cpu));
        }
        host.cells->push_back(std::move(cell));
    }
    host.secModels.push_back({"testSecurity", "", {}});
    for (const char *osType : {"hvm", "xen"}) {
        conf::CapsGuest guest;
        guest.osType = osType;
        guest.arch = "i686";
        guest.wordsize = 32;
        guest.emulator = "/usr/bin/test-hv";
        guest.domains.push_back({"test", "", "", {}});
        guest.features[static_cast<size_t>(conf::CapsGuestFeature::Pae)].present = true;
        guest.features[static_cast<size_t>(conf::CapsGuestFeature::NonPae)].present = true;
        caps.guests.push_back(std::move(guest));
    }
    return conf::formatCapabilities(caps, 0);
}

} // namespace vh::drv::test
