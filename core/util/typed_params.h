// Typed parameters (libvirt's virTypedParameter) on the C++ side.
//
// Drivers build a TypedParamList and read a TypedParamSpan; only the C entry points convert
// between them and the malloc'd arrays callers own.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <libvirt/libvirt.h>

#include "util/result.h"

namespace vh {

struct TypedParam {
    std::string field;
    int type = 0;   // virTypedParameterType
    union {
        int i;
        unsigned int ui;
        long long l;
        unsigned long long ul;
        double d;
        bool b;
    } value{};
    std::string s;  // VIR_TYPED_PARAM_STRING
};

class TypedParamList {
public:
    void addInt(std::string_view field, int v);
    void addUInt(std::string_view field, unsigned int v);
    void addLLong(std::string_view field, long long v);
    void addULLong(std::string_view field, unsigned long long v);
    void addDouble(std::string_view field, double v);
    void addBoolean(std::string_view field, bool v);
    void addString(std::string_view field, std::string_view v);

    const std::vector<TypedParam> &items() const { return items_; }
    size_t size() const { return items_.size(); }

private:
    TypedParam &add(std::string_view field, int type);
    std::vector<TypedParam> items_;
};

// Parameters a caller passed in.
using TypedParamSpan = std::span<const virTypedParameter>;

// One parameter a call accepts: its name and virTypedParameterType.
struct TypedParamSpec {
    const char *name;
    int type;
};
// libvirt's virTypedParamsValidate: each parameter is one of `allowed`, with its type, and
// appears once. Looked at in name order (the first failure in that order is reported):
// "parameter 'x' not supported" (VIR_ERR_ARGUMENT_UNSUPPORTED), "invalid type 'string' for
// parameter 'weight', expected 'uint'" and "parameter 'x' occurs multiple times"
// (VIR_ERR_INVALID_ARG).
Result<void> typedParamsValidate(TypedParamSpan params, std::span<const TypedParamSpec> allowed);

// Fills one C parameter from a C++ one (the string is strdup'ed). False when out of memory.
bool typedParamExport(const TypedParam &from, virTypedParameterPtr to);
// libvirt's name of a virTypedParameterType ("int", "string", ...).
const char *typedParamTypeName(int type);

} // namespace vh
