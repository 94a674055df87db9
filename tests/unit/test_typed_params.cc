// The C++ side of typed parameters.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <cstring>
#include <string>

#include "util/typed_params.h"

BOOST_AUTO_TEST_SUITE(typed_params)

BOOST_AUTO_TEST_CASE(list_keeps_order_and_types)
{
    vh::TypedParamList l;
    l.addInt("i", -1);
    l.addUInt("ui", 4000000000u);
    l.addLLong("l", -5000000000LL);
    l.addULLong("ul", 18000000000000000000ULL);
    l.addDouble("d", 0.5);
    l.addBoolean("b", true);
    l.addString("s", "text");
    BOOST_REQUIRE(l.size() == 7u);
    const auto &it = l.items();
    BOOST_TEST(it[0].field == "i");
    BOOST_TEST(it[0].type == VIR_TYPED_PARAM_INT);
    BOOST_TEST(it[0].value.i == -1);
    BOOST_TEST(it[1].type == VIR_TYPED_PARAM_UINT);
    BOOST_TEST(it[1].value.ui == 4000000000u);
    BOOST_TEST(it[2].type == VIR_TYPED_PARAM_LLONG);
    BOOST_TEST(it[2].value.l == -5000000000LL);
    BOOST_TEST(it[3].type == VIR_TYPED_PARAM_ULLONG);
    BOOST_TEST(it[3].value.ul == 18000000000000000000ULL);
    BOOST_TEST(it[4].type == VIR_TYPED_PARAM_DOUBLE);
    BOOST_TEST(it[4].value.d == 0.5);
    BOOST_TEST(it[5].type == VIR_TYPED_PARAM_BOOLEAN);
    BOOST_TEST(it[5].value.b);
    BOOST_TEST(it[6].type == VIR_TYPED_PARAM_STRING);
    BOOST_TEST(it[6].s == "text");
}

BOOST_AUTO_TEST_CASE(export_each_type)
{
    vh::TypedParamList l;
    l.addInt("i", 7);
    l.addULLong("ul", 9);
    l.addBoolean("b", true);
    l.addDouble("d", 1.25);
    l.addString("s", "value");
    virTypedParameter out[5];
    for (size_t i = 0; i < 5; i++)
        BOOST_REQUIRE(vh::typedParamExport(l.items()[i], &out[i]));
    BOOST_TEST(std::string(out[0].field) == "i");
    BOOST_TEST(out[0].type == VIR_TYPED_PARAM_INT);
    BOOST_TEST(out[0].value.i == 7);
    BOOST_TEST(out[1].value.ul == 9u);
    BOOST_TEST(out[2].value.b == 1);
    BOOST_TEST(out[3].value.d == 1.25);
    BOOST_TEST(out[4].type == VIR_TYPED_PARAM_STRING);
    BOOST_REQUIRE(out[4].value.s != nullptr);
    BOOST_TEST(std::string(out[4].value.s) == "value");
    BOOST_TEST(static_cast<const void *>(out[4].value.s) != static_cast<const void *>(l.items()[4].s.c_str()));
    free(out[4].value.s);
}

BOOST_AUTO_TEST_CASE(export_truncates_long_field_names)
{
    vh::TypedParamList l;
    std::string name(200, 'x');
    l.addInt(name, 1);
    virTypedParameter out;
    memset(&out, 0xff, sizeof(out));
    BOOST_REQUIRE(vh::typedParamExport(l.items()[0], &out));
    BOOST_TEST(strlen(out.field) == size_t(VIR_TYPED_PARAM_FIELD_LENGTH - 1));
    BOOST_TEST(out.field[VIR_TYPED_PARAM_FIELD_LENGTH - 1] == '\0');
}

BOOST_AUTO_TEST_CASE(type_names)
{
    BOOST_TEST(std::string(vh::typedParamTypeName(VIR_TYPED_PARAM_INT)) == "int");
    BOOST_TEST(std::string(vh::typedParamTypeName(VIR_TYPED_PARAM_UINT)) == "uint");
    BOOST_TEST(std::string(vh::typedParamTypeName(VIR_TYPED_PARAM_LLONG)) == "llong");
    BOOST_TEST(std::string(vh::typedParamTypeName(VIR_TYPED_PARAM_ULLONG)) == "ullong");
    BOOST_TEST(std::string(vh::typedParamTypeName(VIR_TYPED_PARAM_DOUBLE)) == "double");
    BOOST_TEST(std::string(vh::typedParamTypeName(VIR_TYPED_PARAM_BOOLEAN)) == "boolean");
    BOOST_TEST(std::string(vh::typedParamTypeName(VIR_TYPED_PARAM_STRING)) == "string");
    BOOST_TEST(std::string(vh::typedParamTypeName(0)) == "");
    BOOST_TEST(std::string(vh::typedParamTypeName(8)) == "");
}

BOOST_AUTO_TEST_SUITE_END()
