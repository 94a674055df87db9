// The test driver's in-memory world: the node, its domains and their states.
//
// test:///default opens one state shared by every connection of the process (created at the
// first open, dropped with the last close); test:///PATH.xml loads a fresh state from a node
// file. Nothing is written to disk except save images.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <libvirt/libvirt.h>

#include "conf/domain/domain_def.h"
#include "drivers/domain_obj.h"
#include "drivers/events.h"
#include "util/result.h"

namespace vh::drv::test {

struct NodeCell {
    unsigned long long memoryKiB;
    unsigned long long freeKiB;
    int firstCpu, cpus;
};

struct Node {
    std::string model = "i686";
    unsigned long memoryKiB = 3145728;
    unsigned int cpus = 16, mhz = 1400, nodes = 2, sockets = 2, cores = 2, threads = 2;
    std::vector<NodeCell> cells;
};

struct DomainObj : DomainRecord {
    bool persistent = true;
    bool managedSave = false;
};

// How the test driver reads domain XML: its defaults and post-parse rules.
const conf::DomainXMLOptions &domainXMLOptions();

class State {
public:
    State();

    // libvirt's defaults for test:///default.
    static Result<std::shared_ptr<State>> makeDefault();
    // A <node> document (test:///ABSOLUTE/PATH.xml).
    static Result<std::shared_ptr<State>> load(const std::string &path);

    std::mutex lock;
    Node node;
    // <auth><user password='...'>name</user></auth>: who may open this node file.
    std::vector<std::pair<std::string, std::string>> users;
    std::vector<std::shared_ptr<DomainObj>> domains;   // in definition order
    int nextId = 1;
    const conf::DomainXMLOptions &xmlopt = domainXMLOptions();
    std::shared_ptr<EventState> events = std::make_shared<EventState>();

    // Lookups; callers hold `lock`.
    DomainObj *byName(const std::string &name);
    DomainObj *byUUID(const unsigned char *uuid);
    DomainObj *byId(int id);

    // libvirt's clash rules: a UUID or a name may not change owner. The domain with the same
    // name and UUID, nullptr when there is none, or the clash error.
    Result<DomainObj *> existing(const conf::DomainDef &def);
    // Adds a new domain; the caller has checked for clashes.
    DomainObj &add(std::unique_ptr<conf::DomainDef> def);
    void remove(DomainObj *obj);
    void rename(DomainObj *obj, const std::string &name);
    // Starts an inactive domain: a new id and the given running reason.
    void start(DomainObj &obj, int reason);
    // Stops an active domain; a transient one is removed (callers must not use obj after).
    void stop(DomainObj *obj, int reason);

    std::string capabilities() const;

private:
    Result<void> loadNode(const xmlNode *root, const std::string &dir);
    std::unordered_map<std::string, DomainObj *> names_;
    std::unordered_map<std::string, DomainObj *> uuids_;
};

} // namespace vh::drv::test
