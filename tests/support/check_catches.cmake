# ctest <check>_catches: a source check (no_long_double.cmake,
# include_layers.cmake) must reject every fixture in <check>/caught/ for the
# reason the fixture states, and accept every fixture in <check>/clean/.
# A fixture is a file, whose first line "// expect: X" gives the words the
# finding must contain (and the finding must name the file), or a directory
# laid out as core/, whose file `expect` gives them.
#
# Usage: cmake -DCHECK=no_long_double -DMIN_CAUGHT=10 -DMIN_CLEAN=3 -P check_catches.cmake
# The check is handed a file as -DFILES=<file> and a directory as -DCORE=<dir>.
cmake_minimum_required(VERSION 3.20)
set(here ${CMAKE_CURRENT_LIST_DIR})
file(GLOB caught LIST_DIRECTORIES true ${here}/${CHECK}/caught/*)
file(GLOB clean LIST_DIRECTORIES true ${here}/${CHECK}/clean/*)
set(wrong "")
foreach(f ${caught} ${clean})
  if(IS_DIRECTORY ${f})
    set(input -DCORE=${f})
  else()
    set(input -DFILES=${f})
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} ${input} -P ${here}/${CHECK}.cmake
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(f IN_LIST clean)
    if(NOT rc EQUAL 0)
      list(APPEND wrong "${f}: rejected, but it is clean:\n${err}")
    endif()
    continue()
  endif()
  if(IS_DIRECTORY ${f})
    file(STRINGS ${f}/expect expected LIMIT_COUNT 1)
    set(at_file 0)
  else()
    file(STRINGS ${f} first LIMIT_COUNT 1)
    string(REGEX REPLACE "^// expect: " "" expected "${first}")
    string(FIND "${err}" "${f}: " at_file)
  endif()
  string(REGEX REPLACE "[ \t\r\n]+" " " flat "${err}")
  string(FIND "${flat}" "${expected}" at_hit)
  if(rc EQUAL 0)
    list(APPEND wrong "${f}: not caught (expected: ${expected})")
  elseif(at_file EQUAL -1 OR at_hit EQUAL -1)
    list(APPEND wrong "${f}: rejected, but not for '${expected}':\n${err}")
  endif()
endforeach()
list(LENGTH caught n_caught)
list(LENGTH clean n_clean)
if(n_caught LESS MIN_CAUGHT OR n_clean LESS MIN_CLEAN)
  message(FATAL_ERROR "${CHECK}: fixtures missing: ${n_caught} caught, ${n_clean} clean")
endif()
if(wrong)
  list(JOIN wrong "\n" text)
  message(FATAL_ERROR "${CHECK}.cmake is wrong on its fixtures:\n${text}")
endif()
message(STATUS "${CHECK}.cmake catches all ${n_caught} fixtures and passes ${n_clean} clean ones")
