// Conversions from the C++ values drivers return to what libvirt's C callers own.
#pragma once

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "drivers/domain_stats.h"
#include "util/object.h"
#include "util/result.h"
#include "util/typed_params.h"

namespace vh::capi {

// path made absolute against the current directory, as libvirt's public API does.
std::string absolutePath(const char *path);

// A string the caller frees with free().
vh::Result<char *> exportString(const std::string &s);

// Fills a caller-allocated array of `max` slots; returns how many were filled.
vh::Result<int> exportArray(const std::vector<std::string> &from, char **const to, int max);
vh::Result<int> exportArray(const std::vector<int> &from, int *to, int max);

// A NULL-terminated array the caller frees (each element, then the array). `to` may be NULL,
// then only the count is returned.
vh::Result<int> exportList(std::vector<std::string> &&from, char ***to);
template <class T>
vh::Result<int> exportList(std::vector<vh::Ref<T>> &&from, T ***to)
{
    int n = static_cast<int>(from.size());
    if (!to)
        return n;
    auto **out = static_cast<T **>(calloc(from.size() + 1, sizeof(T *)));
    if (!out)
        throw std::bad_alloc();
    for (size_t i = 0; i < from.size(); i++)
        out[i] = from[i].release();
    *to = out;
    return n;
}

// libvirt's protocol for caller-allocated parameters: *nparams == 0 asks how many there are;
// otherwise up to *nparams are filled and *nparams says how many.
vh::Result<int> fillTypedParams(const vh::TypedParamList &from, virTypedParameterPtr params, int *nparams);
// A malloc'd array (free with virTypedParamsFree) and its count.
vh::Result<int> exportTypedParams(vh::TypedParamList &&from, virTypedParameterPtr *params, int *nparams);
vh::Result<int> exportTypedParams(vh::TypedParamList &&from, virTypedParameterPtr *params, unsigned int *nparams);

// A NULL-terminated array of statistics records; the caller frees it with
// virDomainStatsRecordListFree.
vh::Result<int> exportRecords(std::vector<vh::drv::DomainStatsRecord> &&from, virDomainStatsRecordPtr **to);

} // namespace vh::capi
