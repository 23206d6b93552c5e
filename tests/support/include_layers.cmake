cmake_minimum_required(VERSION 3.20)
# Fails (ctest include_layers) when an include of core/ points up a layer.
# From the bottom: core/*.h other than api.h (error.h: shared by all),
# stats/ (kernels: one statistic per file), io/ (CSV, table, spec, dates),
# study/ (steps that combine kernels into the analyses of a spec), api.*
# (the envelope the CLI and wasm call). A file may include its own layer and
# those below it, so a kernel never sees the spec, a table or a study step.
# Every include of core/ names its folder from core/ ("stats/cox.h"), which
# is what makes the layer of each include visible here.
#
# Usage: cmake -DROOT=<repo> -P include_layers.cmake     (checks <repo>/core)
#        cmake -DCORE=<dir> -P include_layers.cmake      (a tree laid out as core/)
# tests/support/check_catches.cmake shows it catching each violation in include_layers/.
if(NOT DEFINED CORE)
  set(CORE ${ROOT}/core)
endif()
file(GLOB_RECURSE files RELATIVE ${CORE} ${CORE}/*.cpp ${CORE}/*.h)

# 0: core/*.h but api.h; 1: stats/; 2: io/; 3: study/; 4: api.*; -1: other.
function(layer_of path out)
  if(path MATCHES "^stats/[^/]+$")
    set(${out} 1 PARENT_SCOPE)
  elseif(path MATCHES "^io/[^/]+$")
    set(${out} 2 PARENT_SCOPE)
  elseif(path MATCHES "^study/[^/]+$")
    set(${out} 3 PARENT_SCOPE)
  elseif(path MATCHES "^api\\.(h|cpp)$")
    set(${out} 4 PARENT_SCOPE)
  elseif(path MATCHES "^[^/]+\\.h$")
    set(${out} 0 PARENT_SCOPE)
  else()
    set(${out} -1 PARENT_SCOPE)
  endif()
endfunction()
set(layer_names "core/ (shared headers)" "stats/" "io/" "study/" "api")

# Includes inside block comments do not count (a // comment cannot start a
# line's #include anyway).
set(block_comment "/\\*([^*]|\\*+[^*/])*\\*+/")
set(findings "")
foreach(f ${files})
  layer_of(${f} own)
  if(own EQUAL -1)
    list(APPEND findings "${f}: a file of core/ outside stats/, io/, study/ (or a header at the top)")
    continue()
  endif()
  file(READ ${CORE}/${f} text)
  string(REGEX REPLACE "${block_comment}" " " code "${text}")
  string(REGEX MATCHALL "(^|\n)[ \t]*#[ \t]*include[ \t]*\"[^\"\n]*\"" includes "${code}")
  foreach(inc ${includes})
    string(REGEX REPLACE ".*\"([^\"]*)\"" "\\1" target "${inc}")
    if(NOT EXISTS ${CORE}/${target} OR IS_DIRECTORY ${CORE}/${target})
      list(APPEND findings "${f}: #include \"${target}\" names no file of core/ (write its path from core/, e.g. \"stats/cox.h\")")
      continue()
    endif()
    layer_of(${target} theirs)
    if(theirs GREATER own)
      list(GET layer_names ${own} own_name)
      list(GET layer_names ${theirs} their_name)
      list(APPEND findings "${f}: #include \"${target}\" points up (${own_name} must not include ${their_name})")
    endif()
  endforeach()
endforeach()
if(findings)
  list(JOIN findings "\n  " list)
  message(FATAL_ERROR "includes of core/ that break its layers:\n  ${list}")
endif()
list(LENGTH files n)
message(STATUS "includes point down in ${n} files of core/")
