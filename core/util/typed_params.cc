#include "util/typed_params.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <numeric>

#include <libvirt/virterror.h>

namespace vh {

TypedParam &TypedParamList::add(std::string_view field, int type)
{
    TypedParam &p = items_.emplace_back();
    p.field = field;
    p.type = type;
    return p;
}

void TypedParamList::addInt(std::string_view f, int v) { add(f, VIR_TYPED_PARAM_INT).value.i = v; }
void TypedParamList::addUInt(std::string_view f, unsigned int v) { add(f, VIR_TYPED_PARAM_UINT).value.ui = v; }
void TypedParamList::addLLong(std::string_view f, long long v) { add(f, VIR_TYPED_PARAM_LLONG).value.l = v; }
void TypedParamList::addULLong(std::string_view f, unsigned long long v) { add(f, VIR_TYPED_PARAM_ULLONG).value.ul = v; }
void TypedParamList::addDouble(std::string_view f, double v) { add(f, VIR_TYPED_PARAM_DOUBLE).value.d = v; }
void TypedParamList::addBoolean(std::string_view f, bool v) { add(f, VIR_TYPED_PARAM_BOOLEAN).value.b = v; }
void TypedParamList::addString(std::string_view f, std::string_view v) { add(f, VIR_TYPED_PARAM_STRING).s = v; }

bool typedParamExport(const TypedParam &from, virTypedParameterPtr to)
{
    memset(to, 0, sizeof(*to));
    strncpy(to->field, from.field.c_str(), VIR_TYPED_PARAM_FIELD_LENGTH - 1);
    to->type = from.type;
    switch (from.type) {
    case VIR_TYPED_PARAM_INT: to->value.i = from.value.i; break;
    case VIR_TYPED_PARAM_UINT: to->value.ui = from.value.ui; break;
    case VIR_TYPED_PARAM_LLONG: to->value.l = from.value.l; break;
    case VIR_TYPED_PARAM_ULLONG: to->value.ul = from.value.ul; break;
    case VIR_TYPED_PARAM_DOUBLE: to->value.d = from.value.d; break;
    case VIR_TYPED_PARAM_BOOLEAN: to->value.b = from.value.b; break;
    case VIR_TYPED_PARAM_STRING:
        to->value.s = strdup(from.s.c_str());
        return to->value.s != nullptr;
    }
    return true;
}

const char *typedParamTypeName(int type)
{
    static const char *const names[] = {"", "int", "uint", "llong", "ullong", "double", "boolean", "string"};
    return type >= 1 && type <= 7 ? names[type] : "";
}

Result<void> typedParamsValidate(TypedParamSpan params, std::span<const TypedParamSpec> allowed)
{
    auto name = [&](size_t i) {
        const char *f = params[i].field;
        return std::string_view(f, strnlen(f, VIR_TYPED_PARAM_FIELD_LENGTH));
    };
    std::vector<size_t> order(params.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return name(a) < name(b); });
    for (size_t k = 0; k < order.size(); k++) {
        std::string n(name(order[k]));
        if (k > 0 && n == name(order[k - 1]))
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "parameter '%s' occurs multiple times", n.c_str());
        auto spec = std::find_if(allowed.begin(), allowed.end(), [&](const TypedParamSpec &s) { return n == s.name; });
        if (spec == allowed.end())
            return Error::format(VIR_FROM_NONE, VIR_ERR_ARGUMENT_UNSUPPORTED, "parameter '%s' not supported", n.c_str());
        int type = params[order[k]].type;
        if (type != spec->type)
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "invalid type '%s' for parameter '%s', expected '%s'",
                                 typedParamTypeName(type), n.c_str(), typedParamTypeName(spec->type));
    }
    return {};
}

} // namespace vh
