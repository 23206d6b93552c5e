# Fails (ctest no_long_double) when `long double` appears in the code of the
# given folders. Its width differs by platform (80-bit x86, 128-bit wasm,
# 64-bit ARM), so results computed in it differ in the last bits between the
# CLI and the browser; core/double_double.h is what to use instead.
# Comments may name it (R's own sums use it); only code is checked.
# Usage: cmake -DROOT=<repo> -P no_long_double.cmake
set(found "")
foreach(dir core cli wasm)
  file(GLOB_RECURSE files ${ROOT}/${dir}/*.cpp ${ROOT}/${dir}/*.h ${ROOT}/${dir}/*.c)
  foreach(f ${files})
    file(READ ${f} text)
    # Block comments, then line comments, then string literals.
    string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " text "${text}")
    string(REGEX REPLACE "//[^\n]*" " " text "${text}")
    string(REGEX REPLACE "\"([^\"\\\\\n]|\\\\.)*\"" "\"\"" text "${text}")
    if(text MATCHES "long[ \t\r\n]+double")
      list(APPEND found ${f})
    endif()
  endforeach()
endforeach()
if(found)
  list(JOIN found "\n  " list)
  message(FATAL_ERROR "`long double` in code (use core/double_double.h):\n  ${list}")
endif()
message(STATUS "no long double in core/, cli/ or wasm/")
