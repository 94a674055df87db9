#include "capi/export.h"

#include <new>
#include <unistd.h>

namespace vh::capi {

namespace {
char *dup(const std::string &s)
{
    char *c = strdup(s.c_str());
    if (!c)
        throw std::bad_alloc();
    return c;
}
} // namespace

std::string absolutePath(const char *path)
{
    if (!path || path[0] == '/')
        return path ? path : "";
    char cwd[4096];
    if (!getcwd(cwd, sizeof(cwd)))
        return path;
    return std::string(cwd) + "/" + path;
}

vh::Result<char *> exportString(const std::string &s)
{
    return dup(s);
}

vh::Result<int> exportArray(const std::vector<std::string> &from, char **const to, int max)
{
    int n = std::min(static_cast<int>(from.size()), max);
    for (int i = 0; i < n; i++)
        to[i] = dup(from[i]);
    return n;
}

vh::Result<int> exportArray(const std::vector<int> &from, int *to, int max)
{
    int n = std::min(static_cast<int>(from.size()), max);
    std::copy(from.begin(), from.begin() + n, to);
    return n;
}

vh::Result<int> exportList(std::vector<std::string> &&from, char ***to)
{
    int n = static_cast<int>(from.size());
    if (!to)
        return n;
    auto **out = static_cast<char **>(calloc(from.size() + 1, sizeof(char *)));
    if (!out)
        throw std::bad_alloc();
    for (size_t i = 0; i < from.size(); i++)
        out[i] = dup(from[i]);
    *to = out;
    return n;
}

vh::Result<int> fillTypedParams(const vh::TypedParamList &from, virTypedParameterPtr params, int *nparams)
{
    if (*nparams == 0) {
        *nparams = static_cast<int>(from.size());
        return 0;
    }
    int n = std::min(static_cast<int>(from.size()), *nparams);
    for (int i = 0; i < n; i++)
        if (!vh::typedParamExport(from.items()[i], &params[i]))
            throw std::bad_alloc();
    *nparams = n;
    return 0;
}

namespace {
template <class Count>
vh::Result<int> exportAll(const vh::TypedParamList &from, virTypedParameterPtr *params, Count *nparams)
{
    auto *out = static_cast<virTypedParameterPtr>(calloc(from.size() + 1, sizeof(virTypedParameter)));
    if (!out)
        throw std::bad_alloc();
    for (size_t i = 0; i < from.size(); i++) {
        if (!vh::typedParamExport(from.items()[i], &out[i])) {
            virTypedParamsFree(out, static_cast<int>(i));
            throw std::bad_alloc();
        }
    }
    *params = out;
    *nparams = static_cast<Count>(from.size());
    return 0;
}
} // namespace

vh::Result<int> exportTypedParams(vh::TypedParamList &&from, virTypedParameterPtr *params, int *nparams)
{
    return exportAll(from, params, nparams);
}

vh::Result<int> exportTypedParams(vh::TypedParamList &&from, virTypedParameterPtr *params, unsigned int *nparams)
{
    return exportAll(from, params, nparams);
}

vh::Result<int> exportRecords(std::vector<vh::drv::DomainStatsRecord> &&from, virDomainStatsRecordPtr **to)
{
    auto *out = static_cast<virDomainStatsRecordPtr *>(calloc(from.size() + 1, sizeof(virDomainStatsRecordPtr)));
    if (!out)
        throw std::bad_alloc();
    for (size_t i = 0; i < from.size(); i++) {
        auto *rec = static_cast<virDomainStatsRecordPtr>(calloc(1, sizeof(virDomainStatsRecord)));
        if (!rec) {
            virDomainStatsRecordListFree(out);
            throw std::bad_alloc();
        }
        out[i] = rec;
        rec->dom = from[i].dom.release();
        if (auto exported = exportAll(from[i].params, &rec->params, &rec->nparams); !exported) {
            virDomainStatsRecordListFree(out);
            return exported;
        }
    }
    *to = out;
    return static_cast<int>(from.size());
}

} // namespace vh::capi
