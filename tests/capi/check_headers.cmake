# Run by ctest as capi.headers (cmake -P): compiles test_headers.c, which includes every public
# header, with -std=c99 -pedantic and as C++11 -pedantic, then runs the built program.
#
# Under -pedantic, C99 allows only int-range enumerators, and libvirt's own headers have two
# 1U << 31 members (VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS,
# VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE): those two warnings are what libvirt's headers give too,
# so exactly they are allowed; any other diagnostic fails the test.
foreach(var CC CXX INCLUDE SRCDIR PROGRAM)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_headers.cmake: ${var} is not set")
  endif()
endforeach()

set(ENV{LC_ALL} C)
execute_process(
  COMMAND ${CC} -std=c99 -pedantic -Wall -Wextra -fsyntax-only -I${INCLUDE} -I${SRCDIR} ${SRCDIR}/test_headers.c
  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "C99 -pedantic compile failed:\n${err}")
endif()
string(REGEX MATCHALL "[^\n]*(warning|error):[^\n]*" diags "${err}")
set(enum_range 0)
foreach(d IN LISTS diags)
  if(d MATCHES "ISO C restricts enumerator values to range of")
    math(EXPR enum_range "${enum_range} + 1")
  else()
    message(FATAL_ERROR "unexpected diagnostic under -std=c99 -pedantic:\n${d}\n\nfull output:\n${err}")
  endif()
endforeach()
if(NOT enum_range EQUAL 2)
  message(FATAL_ERROR "expected the 2 enumerator-range warnings libvirt's headers give, got ${enum_range}:\n${err}")
endif()

execute_process(
  COMMAND ${CXX} -x c++ -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only -I${INCLUDE} -I${SRCDIR}
          ${SRCDIR}/test_headers.c
  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "C++11 -pedantic compile failed:\n${err}")
endif()

execute_process(COMMAND ${PROGRAM} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "capi_headers failed (${rc})")
endif()
