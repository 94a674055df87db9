// The unit test runner of the C++ core.
#define BOOST_TEST_MODULE virthub_core
#include <boost/test/unit_test.hpp>
