// libvirt-common.h: virTypedParams*, for applications building and reading parameter arrays.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <strings.h>

#include "capi/entry.h"
#include "util/typed_params.h"

namespace {

using vh::Error;

// Appends one parameter, growing the caller's array as libvirt does (maxparams tracks the
// allocation). The new element is zeroed apart from its name and type.
vh::Result<virTypedParameterPtr> append(virTypedParameterPtr *params, int *nparams, int *maxparams,
                                        const char *name, int type)
{
    if (!params || !nparams || !maxparams || !name)
        return Error::make(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "params, nparams, maxparams and name are required");
    if (strlen(name) >= VIR_TYPED_PARAM_FIELD_LENGTH)
        return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "Field name '%s' too long", name);
    if (*nparams >= *maxparams) {
        int grow = *maxparams < 4 ? 4 : *maxparams;
        auto *bigger = static_cast<virTypedParameterPtr>(realloc(*params, sizeof(virTypedParameter) * (*maxparams + grow)));
        if (!bigger)
            throw std::bad_alloc();
        memset(bigger + *maxparams, 0, sizeof(virTypedParameter) * grow);
        *params = bigger;
        *maxparams += grow;
    }
    virTypedParameterPtr p = &(*params)[*nparams];
    memset(p, 0, sizeof(*p));
    strcpy(p->field, name);
    p->type = type;
    ++*nparams;
    return p;
}

template <class Set>
int add(const char *fn, virTypedParameterPtr *params, int *nparams, int *maxparams, const char *name, int type, Set &&set)
{
    vh::capi::Entry e_(fn, VIR_FROM_NONE);
    return e_.run<int>(-1, [&]() -> vh::Result<int> {
        auto p = append(params, nparams, maxparams, name, type);
        if (!p)
            return std::move(p).error();
        if (!set(*p)) {
            --*nparams;
            throw std::bad_alloc();
        }
        return 0;
    });
}

// 1 and *out set when name is there with the right type, 0 when absent, -1 on a type mismatch.
template <class T, class Read>
int get(const char *fn, virTypedParameterPtr params, int nparams, const char *name, int type, T *out, Read &&read)
{
    vh::capi::Entry e_(fn, VIR_FROM_NONE);
    virTypedParameterPtr p = virTypedParamsGet(params, nparams, name);
    if (!p)
        return 0;
    if (p->type != type) {
        e_.report(Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG,
                                "Invalid type '%s' requested for parameter '%s', actual type is '%s'",
                                vh::typedParamTypeName(type), name, vh::typedParamTypeName(p->type)));
        return -1;
    }
    if (out)
        *out = read(p);
    return 1;
}

} // namespace

extern "C" {

int virTypedParamsAddInt(virTypedParameterPtr *params, int *nparams, int *maxparams, const char *name, int value)
{
    return add(__func__, params, nparams, maxparams, name, VIR_TYPED_PARAM_INT,
               [&](virTypedParameterPtr p) { p->value.i = value; return true; });
}

int virTypedParamsAddUInt(virTypedParameterPtr *params, int *nparams, int *maxparams, const char *name, unsigned int value)
{
    return add(__func__, params, nparams, maxparams, name, VIR_TYPED_PARAM_UINT,
               [&](virTypedParameterPtr p) { p->value.ui = value; return true; });
}

int virTypedParamsAddLLong(virTypedParameterPtr *params, int *nparams, int *maxparams, const char *name, long long value)
{
    return add(__func__, params, nparams, maxparams, name, VIR_TYPED_PARAM_LLONG,
               [&](virTypedParameterPtr p) { p->value.l = value; return true; });
}

int virTypedParamsAddULLong(virTypedParameterPtr *params, int *nparams, int *maxparams, const char *name, unsigned long long value)
{
    return add(__func__, params, nparams, maxparams, name, VIR_TYPED_PARAM_ULLONG,
               [&](virTypedParameterPtr p) { p->value.ul = value; return true; });
}

int virTypedParamsAddDouble(virTypedParameterPtr *params, int *nparams, int *maxparams, const char *name, double value)
{
    return add(__func__, params, nparams, maxparams, name, VIR_TYPED_PARAM_DOUBLE,
               [&](virTypedParameterPtr p) { p->value.d = value; return true; });
}

int virTypedParamsAddBoolean(virTypedParameterPtr *params, int *nparams, int *maxparams, const char *name, int value)
{
    return add(__func__, params, nparams, maxparams, name, VIR_TYPED_PARAM_BOOLEAN,
               [&](virTypedParameterPtr p) { p->value.b = value ? 1 : 0; return true; });
}

int virTypedParamsAddString(virTypedParameterPtr *params, int *nparams, int *maxparams, const char *name, const char *value)
{
    return add(__func__, params, nparams, maxparams, name, VIR_TYPED_PARAM_STRING,
               [&](virTypedParameterPtr p) { return (p->value.s = strdup(value ? value : "")) != nullptr; });
}

int virTypedParamsAddStringList(virTypedParameterPtr *params, int *nparams, int *maxparams, const char *name, const char **values)
{
    for (size_t i = 0; values && values[i]; i++)
        if (virTypedParamsAddString(params, nparams, maxparams, name, values[i]) < 0)
            return -1;
    return 0;
}

int virTypedParamsAddFromString(virTypedParameterPtr *params, int *nparams, int *maxparams, const char *name, int type, const char *value)
{
    vh::capi::Entry e_(__func__, VIR_FROM_NONE);
    return e_.run<int>(-1, [&]() -> vh::Result<int> {
        if (!value)
            return Error::make(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "value must not be NULL");
        auto bad = [&](const char *expected) {
            return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "Invalid value for field '%s': expected %s", name, expected);
        };
        char *end = nullptr;
        errno = 0;
        virTypedParameter v{};
        switch (type) {
        case VIR_TYPED_PARAM_INT: {
            long n = strtol(value, &end, 10);
            if (errno || *end || end == value || n < INT32_MIN || n > INT32_MAX)
                return bad("int");
            v.value.i = static_cast<int>(n);
            break;
        }
        case VIR_TYPED_PARAM_UINT: {
            // as libvirt: a negative number wraps around ("-1" is 4294967295)
            bool negative = value[strspn(value, " \t")] == '-';
            long long n = negative ? strtoll(value, &end, 10) : static_cast<long long>(strtoull(value, &end, 10));
            if (errno || *end || end == value || (negative ? n < INT32_MIN : static_cast<unsigned long long>(n) > UINT32_MAX))
                return bad("unsigned int");
            v.value.ui = static_cast<unsigned int>(n);
            break;
        }
        case VIR_TYPED_PARAM_LLONG:
            v.value.l = strtoll(value, &end, 10);
            if (errno || *end || end == value)
                return bad("long long");
            break;
        case VIR_TYPED_PARAM_ULLONG:
            v.value.ul = strtoull(value, &end, 10);
            if (errno || *end || end == value)
                return bad("unsigned long long");
            break;
        case VIR_TYPED_PARAM_DOUBLE:
            v.value.d = strtod(value, &end);
            if (errno || *end || end == value)
                return bad("double");
            break;
        case VIR_TYPED_PARAM_BOOLEAN:
            if (strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0)
                v.value.b = 1;
            else if (strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0)
                v.value.b = 0;
            else
                return Error::format(VIR_FROM_NONE, VIR_ERR_INVALID_ARG, "Invalid boolean value for field '%s'", name);
            break;
        case VIR_TYPED_PARAM_STRING:
            break;
        default:
            return Error::format(VIR_FROM_NONE, VIR_ERR_INTERNAL_ERROR, "unexpected type %d for field %s", type, name);
        }
        auto p = append(params, nparams, maxparams, name, type);
        if (!p)
            return std::move(p).error();
        (*p)->value = v.value;
        if (type == VIR_TYPED_PARAM_STRING && !((*p)->value.s = strdup(value))) {
            --*nparams;
            throw std::bad_alloc();
        }
        return 0;
    });
}

void virTypedParamsClear(virTypedParameterPtr params, int nparams)
{
    for (int i = 0; params && i < nparams; i++) {
        if (params[i].type == VIR_TYPED_PARAM_STRING) {
            free(params[i].value.s);
            params[i].value.s = nullptr;
        }
    }
}

void virTypedParamsFree(virTypedParameterPtr params, int nparams)
{
    virTypedParamsClear(params, nparams);
    free(params);
}

virTypedParameterPtr virTypedParamsGet(virTypedParameterPtr params, int nparams, const char *name)
{
    vh::capi::resetLastError();
    if (!params || !name)
        return nullptr;
    for (int i = 0; i < nparams; i++)
        if (strcmp(params[i].field, name) == 0)
            return &params[i];
    return nullptr;
}

int virTypedParamsGetInt(virTypedParameterPtr params, int nparams, const char *name, int *value)
{
    return get(__func__, params, nparams, name, VIR_TYPED_PARAM_INT, value, [](virTypedParameterPtr p) { return p->value.i; });
}

int virTypedParamsGetUInt(virTypedParameterPtr params, int nparams, const char *name, unsigned int *value)
{
    return get(__func__, params, nparams, name, VIR_TYPED_PARAM_UINT, value, [](virTypedParameterPtr p) { return p->value.ui; });
}

int virTypedParamsGetLLong(virTypedParameterPtr params, int nparams, const char *name, long long *value)
{
    return get(__func__, params, nparams, name, VIR_TYPED_PARAM_LLONG, value, [](virTypedParameterPtr p) { return p->value.l; });
}

int virTypedParamsGetULLong(virTypedParameterPtr params, int nparams, const char *name, unsigned long long *value)
{
    return get(__func__, params, nparams, name, VIR_TYPED_PARAM_ULLONG, value, [](virTypedParameterPtr p) { return p->value.ul; });
}

int virTypedParamsGetDouble(virTypedParameterPtr params, int nparams, const char *name, double *value)
{
    return get(__func__, params, nparams, name, VIR_TYPED_PARAM_DOUBLE, value, [](virTypedParameterPtr p) { return p->value.d; });
}

int virTypedParamsGetBoolean(virTypedParameterPtr params, int nparams, const char *name, int *value)
{
    return get(__func__, params, nparams, name, VIR_TYPED_PARAM_BOOLEAN, value, [](virTypedParameterPtr p) { return p->value.b ? 1 : 0; });
}

int virTypedParamsGetString(virTypedParameterPtr params, int nparams, const char *name, const char **value)
{
    return get(__func__, params, nparams, name, VIR_TYPED_PARAM_STRING, value,
               [](virTypedParameterPtr p) { return static_cast<const char *>(p->value.s); });
}

} // extern "C"
