// The test driver's in-memory world: the node, its domains and their states.
//
// test:///default opens one state shared by every connection of the process (created at the
// first open, dropped with the last close); test:///PATH.xml loads a fresh state from a node
// file. Nothing is written to disk except save images.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <libvirt/libvirt.h>

#include "conf/domain/domain_def.h"
#include "drivers/domain_obj.h"
#include "drivers/domain_table.h"
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
    bool managedSave = false;
};

// How the test driver reads domain XML: its defaults and post-parse rules.
const conf::DomainXMLOptions &domainXMLOptions();

class State : public DomainTable<DomainObj> {
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
    int nextId = 1;
    const conf::DomainXMLOptions &xmlopt = domainXMLOptions();
    std::shared_ptr<EventState> events = std::make_shared<EventState>();

    // The domains (DomainTable: lookups, add, remove, rename) are changed under `lock`.
    // Starts an inactive domain: a new id and the given running reason.
    void start(DomainObj &obj, int reason);
    // Stops an active domain; a transient one is removed (callers must not use obj after).
    void stop(DomainObj *obj, int reason);

    std::string capabilities() const;

private:
    Result<void> loadNode(const xmlNode *root, const std::string &dir);
};

} // namespace vh::drv::test
