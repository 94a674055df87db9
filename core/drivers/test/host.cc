// The test driver's connection, node and event functions.
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "drivers/test/test_driver.h"

namespace vh::drv::test {

namespace {

// test:///default: one state per process while any connection uses it.
std::mutex defaultLock;
std::weak_ptr<State> defaultState;

Result<std::shared_ptr<State>> sharedDefault()
{
    std::lock_guard<std::mutex> g(defaultLock);
    if (auto st = defaultState.lock())
        return st;
    auto st = State::makeDefault();
    if (!st)
        return st;
    defaultState = *st;
    return st;
}

// Asks the application's auth callback for one credential.
Result<std::string> ask(virConnectAuthPtr auth, int type, const std::string &prompt, const char *missing)
{
    bool offered = false;
    for (unsigned int i = 0; i < auth->ncredtype; i++)
        offered |= auth->credtype[i] == type;
    if (!offered)
        return Error::make(VIR_FROM_AUTH, VIR_ERR_AUTH_FAILED, missing);
    virConnectCredential cred{};
    cred.type = type;
    cred.prompt = prompt.c_str();
    if (!auth->cb || auth->cb(&cred, 1, auth->cbdata) < 0 || !cred.result) {
        free(cred.result);
        return Error::make(VIR_FROM_AUTH, VIR_ERR_AUTH_FAILED, "unable to fetch credentials");
    }
    std::string value(cred.result, cred.resultlen ? cred.resultlen : strlen(cred.result));
    free(cred.result);
    return value;
}

// A node file with <auth> admits only its users, asked for through the auth callback.
Result<void> authenticate(const State &st, virConnectAuthPtr auth)
{
    if (st.users.empty())
        return {};
    if (!auth || !auth->cb)
        return Error::make(VIR_FROM_AUTH, VIR_ERR_INVALID_ARG, "Missing authentication credentials");
    auto user = ask(auth, VIR_CRED_AUTHNAME, "Enter username for localhost", "Missing VIR_CRED_AUTHNAME credential type");
    if (!user)
        return std::move(user).error();
    const std::string *password = nullptr;
    for (const auto &[name, pw] : st.users)
        if (name == *user)
            password = &pw;
    Error refused = Error::make(VIR_FROM_TEST, VIR_ERR_AUTH_FAILED,
                                "authentication failed, see test XML for the correct username/password");
    if (password && password->empty())
        return {};
    bool passphrase = false;
    for (unsigned int i = 0; i < auth->ncredtype; i++)
        passphrase |= auth->credtype[i] == VIR_CRED_PASSPHRASE;
    auto given = ask(auth, passphrase ? VIR_CRED_PASSPHRASE : VIR_CRED_NOECHOPROMPT,
                     "Enter " + *user + "'s password for localhost",
                     "Missing VIR_CRED_PASSPHRASE or VIR_CRED_NOECHOPROMPT credential type");
    if (!given)
        return std::move(given).error();
    if (!password || *given != *password)
        return refused;
    return {};
}

} // namespace

Result<void> open(virConnectPtr conn, const Uri &uri, virConnectAuthPtr auth, unsigned int)
{
    if (uri.path.empty() || uri.path == "/")
        return Error::make(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, "testOpen: supply a path or use test:///default");
    auto st = uri.path == "/default" ? sharedDefault() : State::load(uri.path);
    if (!st)
        return std::move(st).error();
    VH_TRY(authenticate(**st, auth));
    auto drv = std::make_shared<TestDriver>(std::move(*st));
    conn->drivers.hypervisor = drv.get();
    conn->drivers.owner = std::move(drv);
    return {};
}

Result<const char *> TestDriver::connectGetType(virConnectPtr)
{
    return "TEST";
}

Result<void> TestDriver::connectGetVersion(virConnectPtr, unsigned long &hvVer)
{
    hvVer = 2;
    return {};
}

Result<std::string> TestDriver::connectGetHostname(virConnectPtr)
{
    char name[256];
    if (gethostname(name, sizeof(name)) < 0)
        return Error::system(VIR_FROM_TEST, errno, "failed to determine host name");
    name[sizeof(name) - 1] = '\0';
    return std::string(name);
}

Result<int> TestDriver::connectGetMaxVcpus(virConnectPtr, const char *)
{
    return 32;
}

Result<std::string> TestDriver::connectGetCapabilities(virConnectPtr)
{
    std::lock_guard<std::mutex> g(st_->lock);
    return st_->capabilities();
}

Result<int> TestDriver::connectIsAlive(virConnectPtr)
{
    return 1;
}

Result<int> TestDriver::connectIsSecure(virConnectPtr)
{
    return 1;     // nothing leaves the process
}

Result<int> TestDriver::connectIsEncrypted(virConnectPtr)
{
    return 0;
}

Result<void> TestDriver::nodeGetInfo(virConnectPtr, virNodeInfo &info)
{
    std::lock_guard<std::mutex> g(st_->lock);
    const Node &n = st_->node;
    memset(&info, 0, sizeof(info));
    strncpy(info.model, n.model.c_str(), sizeof(info.model) - 1);
    info.memory = n.memoryKiB;
    info.cpus = n.cpus;
    info.mhz = n.mhz;
    info.nodes = n.nodes;
    info.sockets = n.sockets;
    info.cores = n.cores;
    info.threads = n.threads;
    return {};
}

Result<unsigned long long> TestDriver::nodeGetFreeMemory(virConnectPtr)
{
    std::lock_guard<std::mutex> g(st_->lock);
    unsigned long long free = 0;       // what the NUMA cells have free (a node file has none)
    for (const NodeCell &cell : st_->node.cells)
        free += cell.freeKiB;
    return free;
}

Result<int> TestDriver::nodeGetCellsFreeMemory(virConnectPtr, unsigned long long *freeMems, int startCell, int maxCells)
{
    std::lock_guard<std::mutex> g(st_->lock);
    int cells = static_cast<int>(st_->node.cells.size());
    if (startCell < 0 || startCell >= cells)
        return Error::format(VIR_FROM_TEST, VIR_ERR_INVALID_ARG, "Range exceeds available cells");
    int n = 0;
    for (int i = startCell; i < cells && n < maxCells; i++)
        freeMems[n++] = st_->node.cells[i].memoryKiB;    // libvirt's test driver answers each cell's size
    return n;
}

Result<void> TestDriver::nodeGetSecurityModel(virConnectPtr, virSecurityModel &secmodel)
{
    memset(&secmodel, 0, sizeof(secmodel));
    strcpy(secmodel.model, "testSecurity");
    return {};
}

Result<int> TestDriver::connectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                                       virConnectDomainEventGenericCallback cb, void *opaque, virFreeCallback freecb)
{
    return st_->events->addCallback(conn, dom, eventID, cb, opaque, freecb);
}

Result<void> TestDriver::connectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    return st_->events->removeCallback(conn, callbackID);
}

Result<void> TestDriver::connectDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb, void *opaque, virFreeCallback freecb)
{
    return st_->events->addLegacy(conn, cb, opaque, freecb);
}

Result<void> TestDriver::connectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    return st_->events->removeLegacy(conn, cb);
}

} // namespace vh::drv::test
