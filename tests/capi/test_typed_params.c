/* capi.typed_params: every virTypedParams* function: adding each type, growing the array,
 * reading back, type mismatches, parsing from strings, clearing and freeing. */
#include "check.h"

static void test_add_and_get_each_type(void)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    int i = 0, b = -1;
    unsigned int ui = 0;
    long long l = 0;
    unsigned long long ul = 0;
    double d = 0;
    const char *s = NULL;
    CHECK_INT(virTypedParamsAddInt(&params, &n, &max, "int", -42), 0);
    CHECK_INT(virTypedParamsAddUInt(&params, &n, &max, "uint", 4000000000u), 0);
    CHECK_INT(virTypedParamsAddLLong(&params, &n, &max, "llong", -9000000000000LL), 0);
    CHECK_INT(virTypedParamsAddULLong(&params, &n, &max, "ullong", 18000000000000000000ULL), 0);
    CHECK_INT(virTypedParamsAddDouble(&params, &n, &max, "double", 2.5), 0);
    CHECK_INT(virTypedParamsAddBoolean(&params, &n, &max, "bool", 7), 0);
    CHECK_INT(virTypedParamsAddString(&params, &n, &max, "string", "hello"), 0);
    CHECK_NO_ERR();
    REQUIRE_INT(n, 7);
    CHECK(max >= n);
    CHECK_STR(params[0].field, "int");
    CHECK_INT(params[0].type, VIR_TYPED_PARAM_INT);
    CHECK_INT(params[0].value.i, -42);
    CHECK_INT(params[1].type, VIR_TYPED_PARAM_UINT);
    CHECK_INT(params[2].type, VIR_TYPED_PARAM_LLONG);
    CHECK_INT(params[3].type, VIR_TYPED_PARAM_ULLONG);
    CHECK_INT(params[4].type, VIR_TYPED_PARAM_DOUBLE);
    CHECK_INT(params[5].type, VIR_TYPED_PARAM_BOOLEAN);
    CHECK_INT(params[5].value.b, 1);   /* any non-zero value is stored as 1 */
    CHECK_INT(params[6].type, VIR_TYPED_PARAM_STRING);
    CHECK_STR(params[6].value.s, "hello");

    CHECK_INT(virTypedParamsGetInt(params, n, "int", &i), 1);
    CHECK_INT(i, -42);
    CHECK_INT(virTypedParamsGetUInt(params, n, "uint", &ui), 1);
    CHECK(ui == 4000000000u);
    CHECK_INT(virTypedParamsGetLLong(params, n, "llong", &l), 1);
    CHECK(l == -9000000000000LL);
    CHECK_INT(virTypedParamsGetULLong(params, n, "ullong", &ul), 1);
    CHECK(ul == 18000000000000000000ULL);
    CHECK_INT(virTypedParamsGetDouble(params, n, "double", &d), 1);
    CHECK(d == 2.5);
    CHECK_INT(virTypedParamsGetBoolean(params, n, "bool", &b), 1);
    CHECK_INT(b, 1);
    CHECK_INT(virTypedParamsGetString(params, n, "string", &s), 1);
    CHECK_STR(s, "hello");
    CHECK(s == params[6].value.s);   /* borrowed, not copied */
    /* a NULL value pointer only tests for presence */
    CHECK_INT(virTypedParamsGetInt(params, n, "int", NULL), 1);
    /* virTypedParamsGet */
    CHECK(virTypedParamsGet(params, n, "double") == &params[4]);
    CHECK(virTypedParamsGet(params, n, "nosuch") == NULL);
    CHECK(virTypedParamsGet(params, 3, "double") == NULL);   /* only the first nparams count */
    CHECK(virTypedParamsGet(NULL, 0, "double") == NULL);
    CHECK_NO_ERR();
    virTypedParamsFree(params, n);
}

static void test_absent(void)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0, i = 99;
    const char *s = "unchanged";
    CHECK_INT(virTypedParamsAddInt(&params, &n, &max, "a", 1), 0);
    CHECK_INT(virTypedParamsGetInt(params, n, "b", &i), 0);
    CHECK_INT(i, 99);
    CHECK_INT(virTypedParamsGetString(params, n, "b", &s), 0);
    CHECK_STR(s, "unchanged");
    CHECK_INT(virTypedParamsGetInt(NULL, 0, "a", &i), 0);
    CHECK_NO_ERR();
    virTypedParamsFree(params, n);
}

static void test_type_mismatch(void)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0, i = 99;
    unsigned long long ul = 7;
    const char *s = NULL;
    CHECK_INT(virTypedParamsAddString(&params, &n, &max, "name", "value"), 0);
    CHECK_INT(virTypedParamsAddUInt(&params, &n, &max, "count", 3), 0);
    CHECK_INT(virTypedParamsGetInt(params, n, "name", &i), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE,
              "invalid argument: Invalid type 'int' requested for parameter 'name', actual type is 'string'");
    CHECK_INT(i, 99);
    CHECK_INT(virTypedParamsGetString(params, n, "count", &s), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE,
              "invalid argument: Invalid type 'string' requested for parameter 'count', actual type is 'uint'");
    CHECK(s == NULL);
    CHECK_INT(virTypedParamsGetULLong(params, n, "count", &ul), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE,
              "invalid argument: Invalid type 'ullong' requested for parameter 'count', actual type is 'uint'");
    CHECK_INT(ul, 7);
    CHECK_INT(virTypedParamsGetBoolean(params, n, "count", NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE,
              "invalid argument: Invalid type 'boolean' requested for parameter 'count', actual type is 'uint'");
    CHECK_INT(virTypedParamsGetDouble(params, n, "count", NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE,
              "invalid argument: Invalid type 'double' requested for parameter 'count', actual type is 'uint'");
    CHECK_INT(virTypedParamsGetLLong(params, n, "name", NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE,
              "invalid argument: Invalid type 'llong' requested for parameter 'name', actual type is 'string'");
    CHECK_INT(virTypedParamsGetUInt(params, n, "name", NULL), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE,
              "invalid argument: Invalid type 'uint' requested for parameter 'name', actual type is 'string'");
    /* a later success clears the error */
    CHECK_INT(virTypedParamsGetUInt(params, n, "count", NULL), 1);
    CHECK_NO_ERR();
    virTypedParamsFree(params, n);
}

static void test_growth(void)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0, k, v;
    char name[32];
    for (k = 0; k < 100; k++) {
        snprintf(name, sizeof(name), "p%d", k);
        CHECK_INT(virTypedParamsAddInt(&params, &n, &max, name, k * 3), 0);
        CHECK_INT(n, k + 1);
        CHECK(max >= n);
    }
    for (k = 0; k < 100; k++) {
        snprintf(name, sizeof(name), "p%d", k);
        v = -1;
        CHECK_INT(virTypedParamsGetInt(params, n, name, &v), 1);
        CHECK_INT(v, k * 3);
    }
    virTypedParamsFree(params, n);

    /* a caller's own array grows from where it is */
    params = calloc(2, sizeof(*params));
    REQUIRE(params != NULL);
    n = 0;
    max = 2;
    for (k = 0; k < 5; k++) {
        snprintf(name, sizeof(name), "s%d", k);
        CHECK_INT(virTypedParamsAddString(&params, &n, &max, name, name), 0);
    }
    CHECK_INT(n, 5);
    CHECK(max >= 5);
    for (k = 0; k < 5; k++) {
        const char *s = NULL;
        snprintf(name, sizeof(name), "s%d", k);
        CHECK_INT(virTypedParamsGetString(params, n, name, &s), 1);
        CHECK_STR(s, name);
    }
    virTypedParamsFree(params, n);
}

static void test_field_names(void)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0, v = 0;
    char longest[VIR_TYPED_PARAM_FIELD_LENGTH], too_long[VIR_TYPED_PARAM_FIELD_LENGTH + 1];
    memset(longest, 'a', sizeof(longest) - 1);
    longest[sizeof(longest) - 1] = '\0';
    memset(too_long, 'b', sizeof(too_long) - 1);
    too_long[sizeof(too_long) - 1] = '\0';
    CHECK_INT(virTypedParamsAddInt(&params, &n, &max, longest, 5), 0);
    CHECK_INT(virTypedParamsGetInt(params, n, longest, &v), 1);
    CHECK_INT(v, 5);
    CHECK_INT(virTypedParamsAddInt(&params, &n, &max, too_long, 6), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_NONE, NULL);
    CHECK_SUBSTR(virGetLastErrorMessage(), "too long");
    CHECK_INT(n, 1);
    /* the same name twice: both kept, the first one is found */
    CHECK_INT(virTypedParamsAddInt(&params, &n, &max, "dup", 1), 0);
    CHECK_INT(virTypedParamsAddInt(&params, &n, &max, "dup", 2), 0);
    CHECK_INT(n, 3);
    CHECK_INT(virTypedParamsGetInt(params, n, "dup", &v), 1);
    CHECK_INT(v, 1);
    virTypedParamsFree(params, n);
}

static void test_strings(void)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    const char *list[] = {"one", "two", "three", NULL};
    const char *s = "x";
    char buf[16];
    strcpy(buf, "copied");
    CHECK_INT(virTypedParamsAddString(&params, &n, &max, "s", buf), 0);
    strcpy(buf, "changed");
    CHECK_INT(virTypedParamsGetString(params, n, "s", &s), 1);
    CHECK_STR(s, "copied");   /* the library keeps its own copy */
    CHECK_INT(virTypedParamsAddStringList(&params, &n, &max, "item", list), 0);
    CHECK_INT(n, 4);
    CHECK_STR(params[1].field, "item");
    CHECK_STR(params[1].value.s, "one");
    CHECK_STR(params[2].value.s, "two");
    CHECK_STR(params[3].value.s, "three");
    CHECK_INT(virTypedParamsGetString(params, n, "item", &s), 1);
    CHECK_STR(s, "one");
    CHECK_INT(virTypedParamsAddStringList(&params, &n, &max, "none", NULL), 0);
    CHECK_INT(n, 4);
    virTypedParamsFree(params, n);
}

static void test_from_string(void)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0, i = 0, b = -1;
    unsigned int ui = 0;
    long long l = 0;
    unsigned long long ul = 0;
    double d = 0;
    const char *s = NULL;
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "i", VIR_TYPED_PARAM_INT, "-17"), 0);
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "ui", VIR_TYPED_PARAM_UINT, "4294967295"), 0);
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "l", VIR_TYPED_PARAM_LLONG, "-9223372036854775808"), 0);
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "ul", VIR_TYPED_PARAM_ULLONG, "18446744073709551615"), 0);
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "d", VIR_TYPED_PARAM_DOUBLE, "0.125"), 0);
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "b1", VIR_TYPED_PARAM_BOOLEAN, "TRUE"), 0);
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "b0", VIR_TYPED_PARAM_BOOLEAN, "0"), 0);
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "s", VIR_TYPED_PARAM_STRING, "text 1"), 0);
    CHECK_NO_ERR();
    CHECK_INT(n, 8);
    /* what libvirt's number parsing also takes: leading blanks, a negative unsigned */
    {
        int k = n;
        CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "sp", VIR_TYPED_PARAM_INT, " 42"), 0);
        CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "neg", VIR_TYPED_PARAM_ULLONG, "-5"), 0);
        CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "negu", VIR_TYPED_PARAM_UINT, "-1"), 0);
        if (n > k + 2)
            CHECK(params[k + 2].value.ui == 4294967295u);
        CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "hex", VIR_TYPED_PARAM_INT, "0x10"), -1);
        CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: Invalid value for field 'hex': expected int");
    }
    CHECK_INT(virTypedParamsGetInt(params, n, "i", &i), 1);
    CHECK_INT(i, -17);
    CHECK_INT(virTypedParamsGetUInt(params, n, "ui", &ui), 1);
    CHECK(ui == 4294967295u);
    CHECK_INT(virTypedParamsGetLLong(params, n, "l", &l), 1);
    CHECK(l == -9223372036854775807LL - 1);
    CHECK_INT(virTypedParamsGetULLong(params, n, "ul", &ul), 1);
    CHECK(ul == 18446744073709551615ULL);
    CHECK_INT(virTypedParamsGetDouble(params, n, "d", &d), 1);
    CHECK(d == 0.125);
    CHECK_INT(virTypedParamsGetBoolean(params, n, "b1", &b), 1);
    CHECK_INT(b, 1);
    CHECK_INT(virTypedParamsGetBoolean(params, n, "b0", &b), 1);
    CHECK_INT(b, 0);
    CHECK_INT(virTypedParamsGetString(params, n, "s", &s), 1);
    CHECK_STR(s, "text 1");
    virTypedParamsFree(params, n);
}

static void test_from_string_errors(void)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "f", VIR_TYPED_PARAM_INT, "abc"), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: Invalid value for field 'f': expected int");
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "f", VIR_TYPED_PARAM_INT, "12x"), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: Invalid value for field 'f': expected int");
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "f", VIR_TYPED_PARAM_INT, "2147483648"), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: Invalid value for field 'f': expected int");
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "f", VIR_TYPED_PARAM_INT, ""), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: Invalid value for field 'f': expected int");
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "f", VIR_TYPED_PARAM_UINT, "4294967296"), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: Invalid value for field 'f': expected unsigned int");
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "f", VIR_TYPED_PARAM_LLONG, "9223372036854775808"), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: Invalid value for field 'f': expected long long");
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "f", VIR_TYPED_PARAM_ULLONG, "18446744073709551616"), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE,
              "invalid argument: Invalid value for field 'f': expected unsigned long long");
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "f", VIR_TYPED_PARAM_DOUBLE, "1.5.5"), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: Invalid value for field 'f': expected double");
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "f", VIR_TYPED_PARAM_BOOLEAN, "yes"), -1);
    CHECK_ERR(VIR_ERR_INVALID_ARG, VIR_FROM_NONE, "invalid argument: Invalid boolean value for field 'f'");
    CHECK_INT(virTypedParamsAddFromString(&params, &n, &max, "f", 99, "1"), -1);
    CHECK_ERR(VIR_ERR_INTERNAL_ERROR, VIR_FROM_NONE, "internal error: unexpected type 99 for field f");
    /* nothing was added */
    CHECK_INT(n, 0);
    virTypedParamsFree(params, n);
}

static void test_clear_and_free(void)
{
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    CHECK_INT(virTypedParamsAddString(&params, &n, &max, "a", "x"), 0);
    CHECK_INT(virTypedParamsAddInt(&params, &n, &max, "b", 1), 0);
    CHECK_INT(virTypedParamsAddString(&params, &n, &max, "c", "y"), 0);
    virTypedParamsClear(params, n);
    /* strings are freed and reset; the array and the other values stay */
    CHECK(params[0].value.s == NULL);
    CHECK(params[2].value.s == NULL);
    CHECK_INT(params[1].value.i, 1);
    CHECK_STR(params[1].field, "b");
    virTypedParamsClear(params, n);   /* twice is harmless */
    free(params);
    /* NULL arrays are fine */
    virTypedParamsClear(NULL, 0);
    virTypedParamsFree(NULL, 0);
    /* a string parameter added with no value holds an empty string */
    params = NULL;
    n = max = 0;
    CHECK_INT(virTypedParamsAddString(&params, &n, &max, "null", NULL), 0);
    {
        const char *s = NULL;
        CHECK_INT(virTypedParamsGetString(params, n, "null", &s), 1);
        CHECK_STR(s, "");
    }
    virTypedParamsFree(params, n);
}

int main(void)
{
    check_init(1);
    RUN(test_add_and_get_each_type);
    RUN(test_absent);
    RUN(test_type_mismatch);
    RUN(test_growth);
    RUN(test_field_names);
    RUN(test_strings);
    RUN(test_from_string);
    RUN(test_from_string_errors);
    RUN(test_clear_and_free);
    return check_done("capi.typed_params");
}
