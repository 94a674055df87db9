// virthub shell: domain snapshots, with virsh's commands, options and output: create and
// create-as, list (table, names or tree, sorted by name), info, current, parent, dumpxml,
// revert and delete.
#include "command.h"
#include "output.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace virthub {

namespace {

struct SnapshotRef {
    virDomainSnapshotPtr snap = nullptr;
    explicit SnapshotRef(virDomainSnapshotPtr s = nullptr) : snap(s) {}
    SnapshotRef(SnapshotRef &&o) noexcept : snap(o.snap) { o.snap = nullptr; }
    SnapshotRef(const SnapshotRef &) = delete;
    SnapshotRef &operator=(const SnapshotRef &) = delete;
    ~SnapshotRef()
    {
        if (snap)
            virDomainSnapshotFree(snap);
    }
    explicit operator bool() const { return snap != nullptr; }
    operator virDomainSnapshotPtr() const { return snap; }
};

// What the commands show of a snapshot, read from its XML document.
struct SnapshotFacts {
    std::string name, parent, state;
    long long creationTime = 0;
    bool external = false;
};

std::string xpathString(xmlXPathContextPtr ctx, const char *expr)
{
    std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> obj(
        xmlXPathEvalExpression(reinterpret_cast<const xmlChar *>(expr), ctx), xmlXPathFreeObject);
    return obj && obj->type == XPATH_STRING && obj->stringval ? reinterpret_cast<const char *>(obj->stringval) : "";
}

bool snapshotFacts(virDomainSnapshotPtr snap, SnapshotFacts &out)
{
    char *xml = virDomainSnapshotGetXMLDesc(snap, 0);
    if (!xml)
        return false;
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
        xmlReadMemory(xml, static_cast<int>(strlen(xml)), "snapshot.xml", nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR),
        xmlFreeDoc);
    free(xml);
    if (!doc)
        return false;
    std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> ctx(xmlXPathNewContext(doc.get()),
                                                                         xmlXPathFreeContext);
    out.name = xpathString(ctx.get(), "string(/domainsnapshot/name)");
    out.parent = xpathString(ctx.get(), "string(/domainsnapshot/parent/name)");
    out.state = xpathString(ctx.get(), "string(/domainsnapshot/state)");
    out.creationTime = atoll(xpathString(ctx.get(), "string(/domainsnapshot/creationTime)").c_str());
    // a disk-only snapshot, or memory or any disk kept outside the images
    out.external = out.state == "disk-snapshot" ||
                   xpathString(ctx.get(), "string(/domainsnapshot/memory/@snapshot)") == "external" ||
                   !xpathString(ctx.get(), "string(/domainsnapshot/disks/disk[@snapshot='external']/@name)").empty();
    return true;
}

// exclusive() in the shorter wording some of virsh's snapshot commands use.
bool exclusiveBare(const Cmd &cmd, const char *a, const char *b)
{
    if (cmd.has(a) && cmd.has(b)) {
        printError("--%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

// The snapshot a command names by --snapshotname or --current, of the domain it names.
SnapshotRef chosenSnapshot(Ctl &ctl, const Cmd &cmd, DomainRef &dom)
{
    dom.dom = commandDomain(ctl, cmd, "domain", nullptr);
    if (!dom)
        return SnapshotRef();
    const char *name = nullptr;
    if (optString(ctl, cmd, "snapshotname", &name) < 0 || !exclusiveBare(cmd, "snapshotname", "current"))
        return SnapshotRef();
    bool current = cmd.has("current");
    if (name)
        return SnapshotRef(virDomainSnapshotLookupByName(dom, name, 0));
    if (current)
        return SnapshotRef(virDomainSnapshotCurrent(dom, 0));
    printError("--snapshotname or --current is required");
    return SnapshotRef();
}

unsigned int createFlags(const Cmd &cmd)
{
    static const std::pair<const char *, unsigned int> options[] = {
        {"redefine", VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE},   {"current", VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT},
        {"no-metadata", VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA}, {"halt", VIR_DOMAIN_SNAPSHOT_CREATE_HALT},
        {"disk-only", VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY}, {"reuse-external", VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT},
        {"quiesce", VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE},     {"atomic", VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC},
        {"live", VIR_DOMAIN_SNAPSHOT_CREATE_LIVE},           {"validate", VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE},
    };
    unsigned int flags = 0;
    for (const auto &[name, flag] : options)
        if (cmd.has(name))
            flags |= flag;
    return flags;
}

// Creates the snapshot and says so (the line ends with the command's newline, as virsh's).
bool createSnapshot(Ctl &ctl, const Cmd &cmd, virDomainPtr dom, const std::string &xml, const char *from)
{
    SnapshotRef snap(virDomainSnapshotCreateXML(dom, xml.c_str(), createFlags(cmd)));
    if (!snap)
        return false;
    const char *name = virDomainSnapshotGetName(snap);
    if (from)
        printExtra(ctl, "Domain snapshot %s created from '%s'", name, from);
    else
        printExtra(ctl, "Domain snapshot %s created", name);
    return true;
}

std::string formatTime(long long seconds)
{
    time_t t = static_cast<time_t>(seconds);
    struct tm tm;
    char buf[64];
    localtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", &tm);
    return buf;
}

// One line of a tree and then its children, drawn as virsh draws them.
void printTree(const std::vector<SnapshotFacts> &all, size_t node, const std::string &indent, bool root, bool last)
{
    print("%s%s%s\n", indent.c_str(), root ? "" : "+- ", all[node].name.c_str());
    std::string own = root ? indent : indent + (last ? "  " : "| ");
    std::vector<size_t> children;
    for (size_t i = 0; i < all.size(); ++i)
        if (i != node && all[i].parent == all[node].name)
            children.push_back(i);
    if (!children.empty())
        print("%s  |\n", own.c_str());
    for (size_t i = 0; i < children.size(); ++i)
        printTree(all, children[i], own + "  ", false, i + 1 == children.size());
    if (children.empty() && last)
        print("%s\n", own.c_str());
}

bool printSnapshotXml(const Cmd &cmd, virDomainSnapshotPtr snap)
{
    char *xml = virDomainSnapshotGetXMLDesc(snap, cmd.has("security-info") ? VIR_DOMAIN_SNAPSHOT_XML_SECURE : 0);
    if (!xml)
        return false;
    print("%s", xml);
    free(xml);
    return true;
}

}  // namespace

static bool cmdSnapshotCreate(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    const char *file = nullptr;
    if (optString(ctl, cmd, "xmlfile", &file) < 0)
        return false;
    std::string xml = "<domainsnapshot/>";
    if (file && !readFile(ctl, file, xml))
        return false;
    return createSnapshot(ctl, cmd, dom, xml, file);
}

static bool cmdSnapshotCreateAs(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;
    const char *name = nullptr, *description = nullptr;
    if (optString(ctl, cmd, "name", &name) < 0 || optString(ctl, cmd, "description", &description) < 0)
        return false;
    std::string xml = "<domainsnapshot>\n";
    if (name)
        xml += "  <name>" + xmlEscape(name) + "</name>\n";
    if (description)
        xml += "  <description>" + xmlEscape(description) + "</description>\n";
    xml += "</domainsnapshot>\n";
    if (cmd.has("print-xml")) {
        print("%s\n", xml.c_str());
        return true;
    }
    return createSnapshot(ctl, cmd, dom, xml, nullptr);
}

static bool cmdSnapshotCurrent(Ctl &ctl, const Cmd &cmd)
{
    const char *domName = nullptr;
    DomainRef dom(commandDomain(ctl, cmd, "domain", &domName));
    if (!dom)
        return false;
    const char *name = nullptr;
    if (optString(ctl, cmd, "snapshotname", &name) < 0 || !exclusive(ctl, cmd, "name", "snapshotname"))
        return false;
    if (name) {
        // making a snapshot current is redefining it as current
        SnapshotRef snap(virDomainSnapshotLookupByName(dom, name, 0));
        if (!snap)
            return false;
        char *xml = virDomainSnapshotGetXMLDesc(snap, VIR_DOMAIN_SNAPSHOT_XML_SECURE);
        if (!xml)
            return false;
        SnapshotRef again(virDomainSnapshotCreateXML(
            dom, xml, VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT));
        free(xml);
        if (!again)
            return false;
        printExtra(ctl, "Snapshot %s set as current", name);
        return true;
    }
    int has = virDomainHasCurrentSnapshot(dom, 0);
    if (has < 0)
        return false;
    if (has == 0) {
        printError("domain '%s' has no current snapshot", domName);
        return false;
    }
    SnapshotRef snap(virDomainSnapshotCurrent(dom, 0));
    if (!snap)
        return false;
    if (cmd.has("name")) {
        print("%s", virDomainSnapshotGetName(snap));
        return true;
    }
    return printSnapshotXml(cmd, snap);
}

static bool cmdSnapshotInfo(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom;
    SnapshotRef snap = chosenSnapshot(ctl, cmd, dom);
    SnapshotFacts facts;
    if (!snap || !snapshotFacts(snap, facts))
        return false;
    int current = virDomainSnapshotIsCurrent(snap, 0);
    int children = virDomainSnapshotNumChildren(snap, 0);
    int descendants = virDomainSnapshotNumChildren(snap, VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS);
    int metadata = virDomainSnapshotHasMetadata(snap, 0);
    if (current < 0 || children < 0 || descendants < 0 || metadata < 0)
        return false;
    const int width = 15;
    printKeyValue("Name:", width, facts.name);
    printKeyValue("Domain:", width, virDomainGetName(dom));
    printKeyValue("Current:", width, current ? "yes" : "no");
    printKeyValue("State:", width, facts.state);
    printKeyValue("Location:", width, facts.external ? "external" : "internal");
    printKeyValue("Parent:", width, facts.parent.empty() ? "-" : facts.parent);
    printKeyValue("Children:", width, std::to_string(children));
    printKeyValue("Descendants:", width, std::to_string(descendants));
    printKeyValue("Metadata:", width, metadata ? "yes" : "no");
    return true;
}

static bool cmdSnapshotParent(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom;
    SnapshotRef snap = chosenSnapshot(ctl, cmd, dom);
    SnapshotFacts facts;
    if (!snap || !snapshotFacts(snap, facts))
        return false;
    if (facts.parent.empty()) {
        printError("snapshot '%s' has no parent", facts.name.c_str());
        return false;
    }
    print("%s", facts.parent.c_str());
    return true;
}

static bool cmdSnapshotDumpxml(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom;
    SnapshotRef snap = chosenSnapshot(ctl, cmd, dom);
    return snap && printSnapshotXml(cmd, snap);
}

static bool cmdSnapshotRevert(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom;
    SnapshotRef snap = chosenSnapshot(ctl, cmd, dom);
    if (!snap)
        return false;
    unsigned int flags = 0;
    if (cmd.has("running"))
        flags |= VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING;
    if (cmd.has("paused"))
        flags |= VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED;
    if (cmd.has("reset-nvram"))
        flags |= VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM;
    int rc = virDomainRevertToSnapshot(snap, flags);
    // --force asks again only when the driver calls the revert risky
    virErrorPtr err = virGetLastError();
    if (rc < 0 && cmd.has("force") && err && err->code == VIR_ERR_SNAPSHOT_REVERT_RISKY) {
        resetError(ctl);
        rc = virDomainRevertToSnapshot(snap, flags | VIR_DOMAIN_SNAPSHOT_REVERT_FORCE);
    }
    const char *name = virDomainSnapshotGetName(snap);
    if (rc < 0) {
        printError("Failed to revert snapshot %s", name);
        return false;
    }
    printExtra(ctl, "Domain snapshot %s reverted\n", name);
    return true;
}

static bool cmdSnapshotDelete(Ctl &ctl, const Cmd &cmd)
{
    DomainRef dom;
    SnapshotRef snap = chosenSnapshot(ctl, cmd, dom);
    if (!snap)
        return false;
    unsigned int flags = 0;
    if (cmd.has("children"))
        flags |= VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN;
    if (cmd.has("children-only"))
        flags |= VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY;
    if (cmd.has("metadata"))
        flags |= VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY;
    const char *name = virDomainSnapshotGetName(snap);
    if (virDomainSnapshotDelete(snap, flags) < 0) {
        printError("Failed to delete snapshot %s", name);
        return false;
    }
    if (flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)
        printExtra(ctl, "Domain snapshot %s children deleted\n", name);
    else
        printExtra(ctl, "Domain snapshot %s deleted\n", name);
    return true;
}

static bool cmdSnapshotList(Ctl &ctl, const Cmd &cmd)
{
    static const char *const pairs[][2] = {
        {"parent", "roots"}, {"parent", "tree"}, {"roots", "tree"}, {"roots", "from"}, {"roots", "current"},
    };
    for (const auto &p : pairs)
        if (!exclusive(ctl, cmd, p[0], p[1]))
            return false;
    if (!exclusiveBare(cmd, "from", "current") || !exclusive(ctl, cmd, "tree", "name") ||
        !exclusiveBare(cmd, "leaves", "tree") || !exclusiveBare(cmd, "no-leaves", "tree"))
        return false;
    bool tree = cmd.has("tree"), fromCurrent = cmd.has("current");
    const char *from = nullptr;
    if (optString(ctl, cmd, "from", &from) < 0)
        return false;
    if (cmd.has("descendants") && !from && !fromCurrent) {
        printError("--descendants requires either --from or --current");
        return false;
    }
    DomainRef dom(commandDomain(ctl, cmd, "domain", nullptr));
    if (!dom)
        return false;

    static const std::pair<const char *, unsigned int> filters[] = {
        {"roots", VIR_DOMAIN_SNAPSHOT_LIST_ROOTS},         {"leaves", VIR_DOMAIN_SNAPSHOT_LIST_LEAVES},
        {"no-leaves", VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES}, {"metadata", VIR_DOMAIN_SNAPSHOT_LIST_METADATA},
        {"no-metadata", VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA}, {"inactive", VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE},
        {"active", VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE},       {"disk-only", VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY},
        {"internal", VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL},   {"external", VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL},
        {"descendants", VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS}, {"topological", VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL},
    };
    unsigned int flags = 0;
    for (const auto &[name, flag] : filters)
        if (cmd.has(name))
            flags |= flag;

    SnapshotRef start(from          ? virDomainSnapshotLookupByName(dom, from, 0)
                      : fromCurrent ? virDomainSnapshotCurrent(dom, 0)
                                    : nullptr);
    if ((from || fromCurrent) && !start)
        return false;
    virDomainSnapshotPtr *list = nullptr;
    int n = start ? virDomainSnapshotListAllChildren(start, &list, flags) : virDomainListAllSnapshots(dom, &list, flags);
    if (n < 0)
        return false;
    std::vector<SnapshotRef> snaps;
    for (int i = 0; i < n; ++i)
        snaps.emplace_back(list[i]);
    free(list);

    std::vector<SnapshotFacts> all(snaps.size());
    for (size_t i = 0; i < snaps.size(); ++i)
        if (!snapshotFacts(snaps[i], all[i]))
            return false;
    if (tree && start) {
        // the tree grows from the snapshot it starts at
        all.emplace_back();
        if (!snapshotFacts(start, all.back()))
            return false;
    }
    if (!(flags & VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL))
        std::stable_sort(all.begin(), all.end(),
                         [](const SnapshotFacts &a, const SnapshotFacts &b) { return a.name < b.name; });

    if (tree) {
        // its roots: the snapshots whose parent is not listed
        std::set<std::string> listed;
        for (const auto &f : all)
            listed.insert(f.name);
        for (size_t i = 0; i < all.size(); ++i)
            if (!listed.count(all[i].parent))
                printTree(all, i, "", true, true);
        return true;
    }
    if (cmd.has("name")) {
        for (const auto &f : all)
            print("%s\n", f.name.c_str());
        return true;
    }
    bool parent = cmd.has("parent");
    std::vector<std::string> header = {"Name", "Creation Time", "State"};
    if (parent)
        header.push_back("Parent");
    Table table(header);
    for (const auto &f : all) {
        std::vector<std::string> row = {f.name, formatTime(f.creationTime), f.state};
        if (parent)
            row.push_back(f.parent);
        table.addRow(row);
    }
    table.print(ctl);
    return true;
}

#define END_OPTS {nullptr, OptType::Bool, 0, nullptr}
#define DOMAIN_OPT {"domain", OptType::String, OPT_REQ, "name, ID or UUID of the domain"}
#define CHOSEN_OPTS                                                                    \
    {"snapshotname", OptType::String, 0, "the snapshot, by name"},                     \
    {"current", OptType::Bool, 0, "the domain's current snapshot"}
#define CREATE_FLAG_OPTS                                                                    \
    {"no-metadata", OptType::Bool, 0, "leave no record of the snapshot in virthub"},       \
    {"halt", OptType::Bool, 0, "shut the domain off once the snapshot is taken"},          \
    {"disk-only", OptType::Bool, 0, "take the disks only, not the memory"},                \
    {"reuse-external", OptType::Bool, 0, "write into external files that already exist"},  \
    {"quiesce", OptType::Bool, 0, "have the guest agent freeze the file systems first"},   \
    {"atomic", OptType::Bool, 0, "all disks or none"},                                     \
    {"live", OptType::Bool, 0, "keep the domain running while its memory is written"},     \
    {"validate", OptType::Bool, 0, "check the document against the schema first"}

static const OptDef optsSnapshotCreate[] = {
    DOMAIN_OPT,
    {"xmlfile", OptType::String, 0, "a file holding the <domainsnapshot> document"},
    {"redefine", OptType::Bool, 0, "restore the record of a snapshot taken before"},
    {"current", OptType::Bool, 0, "with --redefine, make it the current snapshot"},
    CREATE_FLAG_OPTS,
    END_OPTS,
};

static const OptDef optsSnapshotCreateAs[] = {
    DOMAIN_OPT,
    {"name", OptType::String, 0, "what to call the snapshot (default: the time in seconds)"},
    {"description", OptType::String, 0, "free text kept with the snapshot"},
    {"print-xml", OptType::Bool, 0, "only print the document that would be used"},
    CREATE_FLAG_OPTS,
    END_OPTS,
};

static const OptDef optsSnapshotCurrent[] = {
    DOMAIN_OPT,
    {"name", OptType::Bool, 0, "print the name only, not the document"},
    {"security-info", OptType::Bool, 0, "include passwords and other secrets"},
    {"snapshotname", OptType::String, 0, "make this snapshot the current one"},
    END_OPTS,
};

static const OptDef optsSnapshotChosen[] = {DOMAIN_OPT, CHOSEN_OPTS, END_OPTS};

static const OptDef optsSnapshotDelete[] = {
    DOMAIN_OPT,
    CHOSEN_OPTS,
    {"children", OptType::Bool, 0, "its descendants too"},
    {"children-only", OptType::Bool, 0, "its descendants only, keeping it"},
    {"metadata", OptType::Bool, 0, "forget the record, keep the data in the images"},
    END_OPTS,
};

static const OptDef optsSnapshotDumpxml[] = {
    DOMAIN_OPT,
    {"snapshotname", OptType::String, OPT_REQ, "the snapshot, by name"},
    {"security-info", OptType::Bool, 0, "include passwords and other secrets"},
    END_OPTS,
};

static const OptDef optsSnapshotRevert[] = {
    DOMAIN_OPT,
    CHOSEN_OPTS,
    {"running", OptType::Bool, 0, "have the domain running afterwards"},
    {"paused", OptType::Bool, 0, "have the domain paused afterwards"},
    {"force", OptType::Bool, 0, "go ahead where the driver finds the revert risky"},
    {"reset-nvram", OptType::Bool, 0, "start over from the firmware's variable template"},
    END_OPTS,
};

static const OptDef optsSnapshotList[] = {
    DOMAIN_OPT,
    {"parent", OptType::Bool, 0, "add each snapshot's parent as a column"},
    {"roots", OptType::Bool, 0, "only snapshots that have no parent"},
    {"leaves", OptType::Bool, 0, "only snapshots that have no children"},
    {"no-leaves", OptType::Bool, 0, "only snapshots that have children"},
    {"metadata", OptType::Bool, 0, "only snapshots recorded by virthub"},
    {"no-metadata", OptType::Bool, 0, "only snapshots not recorded by virthub"},
    {"inactive", OptType::Bool, 0, "only snapshots of the domain shut off"},
    {"active", OptType::Bool, 0, "only snapshots of the running domain, memory included"},
    {"disk-only", OptType::Bool, 0, "only snapshots of the disks alone"},
    {"internal", OptType::Bool, 0, "only snapshots kept inside the disk images"},
    {"external", OptType::Bool, 0, "only snapshots kept in files of their own"},
    {"tree", OptType::Bool, 0, "draw the snapshots as a tree"},
    {"from", OptType::String, 0, "the children of this snapshot"},
    {"current", OptType::Bool, 0, "the children of the current snapshot"},
    {"descendants", OptType::Bool, 0, "with --from or --current: all descendants"},
    {"name", OptType::Bool, 0, "print the names only"},
    {"topological", OptType::Bool, 0, "parents before children instead of by name"},
    END_OPTS,
};

const CmdDef snapshotCommands[] = {
    {"snapshot-create", cmdSnapshotCreate, optsSnapshotCreate, "take a snapshot from a document",
     "Take a snapshot of a domain as a <domainsnapshot> file describes it\n"
     "(or with defaults), or record one again with --redefine.", 0},
    {"snapshot-create-as", cmdSnapshotCreateAs, optsSnapshotCreateAs, "take a snapshot by name",
     "Take a snapshot of a domain, naming and describing it on the\n"
     "command line.", 0},
    {"snapshot-current", cmdSnapshotCurrent, optsSnapshotCurrent, "show or choose the current snapshot",
     "Print the current snapshot of a domain, or make another one current.", 0},
    {"snapshot-delete", cmdSnapshotDelete, optsSnapshotDelete, "delete a snapshot",
     "Delete a snapshot, its descendants with it, or only its descendants.", 0},
    {"snapshot-dumpxml", cmdSnapshotDumpxml, optsSnapshotDumpxml, "print a snapshot's XML document",
     "Print the <domainsnapshot> document of one snapshot.", 0},
    {"snapshot-info", cmdSnapshotInfo, optsSnapshotChosen, "show an overview of a snapshot",
     "Print a snapshot's state, place, parent, children and whether it is\n"
     "the current one.", 0},
    {"snapshot-list", cmdSnapshotList, optsSnapshotList, "show the snapshots of a domain",
     "Print a table, the names or a tree of a domain's snapshots, all or\n"
     "those the filters keep.", 0},
    {"snapshot-parent", cmdSnapshotParent, optsSnapshotChosen, "print the parent of a snapshot",
     "Print the name of the snapshot this one was taken after.", 0},
    {"snapshot-revert", cmdSnapshotRevert, optsSnapshotRevert, "return a domain to a snapshot",
     "Bring the domain back to the state, disks and (where kept) memory\n"
     "of a snapshot.", 0},
    {nullptr, nullptr, nullptr, nullptr, nullptr, 0},
};

}  // namespace virthub
