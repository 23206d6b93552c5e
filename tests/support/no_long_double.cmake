cmake_minimum_required(VERSION 3.20)
# Fails (ctest no_long_double) when the engine's code computes in `long
# double`: the type, a long-double floating literal (1.0L, 1e5L, .5L,
# 0x1p3L; integers such as 0L are fine) or a long-double function of the C
# library (sqrtl, expl, logl, powl, fabsl, strtold, ..., also as std::).
# Its width differs by platform (80-bit x86, 128-bit wasm, 64-bit ARM), so
# results computed in it differ in the last bits between the CLI and the
# browser; core/stats/double_double.h is what to use instead.
# Comments, string and character literals may name it (R's own sums use it);
# only code is checked.
#
# Usage: cmake -DROOT=<repo> -P no_long_double.cmake    (core/, cli/, wasm/)
#        cmake "-DFILES=a.cpp;b.h" -P no_long_double.cmake
# tests/support/check_catches.cmake shows it catching each form on no_long_double/.
if(DEFINED FILES)
  set(files ${FILES})
else()
  set(files "")
  foreach(dir core cli wasm)
    file(GLOB_RECURSE found_here ${ROOT}/${dir}/*.cpp ${ROOT}/${dir}/*.h ${ROOT}/${dir}/*.c)
    list(APPEND files ${found_here})
  endforeach()
endif()

# One left-to-right pass removes comments and literals, as the compiler's
# lexer does: whichever starts first wins, so `//` inside "http://..." is
# text, and `"` inside a comment or a character literal is not a string.
# Raw strings R"(...)" (the only raw strings used) before plain ones.
set(block_comment "/\\*([^*]|\\*+[^*/])*\\*+/")
set(line_comment "//[^\n]*")
set(raw_string "R\"\\(([^)]|\\)+[^)\"])*\\)+\"")
set(string_literal "\"([^\"\\\\\n]|\\\\.)*\"")
set(char_literal "'([^'\\\\\n]|\\\\.)*'")
set(not_code "${block_comment}|${line_comment}|${raw_string}|${string_literal}|${char_literal}")

# Before and after a token: anything that cannot be part of an identifier
# or a number.
set(lead "(^|[^A-Za-z0-9_.])")
set(trail "([^A-Za-z0-9_]|$)")
set(long_double_type "long[ \t\r\n]+double")
set(decimal_literal "${lead}(([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)[lL]${trail}")
set(hex_literal "${lead}0[xX][0-9a-fA-F]*\\.?[0-9a-fA-F]*[pP][+-]?[0-9]+[lL]${trail}")
set(math_names
    acos asin atan atan2 cos sin tan acosh asinh atanh cosh sinh tanh exp exp2 expm1 frexp
    ilogb ldexp log log10 log1p log2 logb modf scalbn scalbln cbrt fabs hypot pow sqrt erf erfc
    lgamma tgamma ceil floor nearbyint rint lrint llrint round lround llround trunc fmod
    remainder remquo copysign nan nextafter fdim fmax fmin fma)
list(TRANSFORM math_names APPEND l)
list(APPEND math_names lgammal_r strtold wcstold stold)
list(JOIN math_names "|" math_alternatives)
# Called (or named with ::): a variable that happens to be called `logl`
# is not a call.
set(math_call "(^|[^A-Za-z0-9_])(${math_alternatives})[ \t\r\n]*\\(")

set(findings "")
foreach(f ${files})
  file(READ ${f} text)
  string(REGEX REPLACE "${not_code}" " " code "${text}")
  foreach(kind long_double_type decimal_literal hex_literal math_call)
    string(REGEX MATCH "${${kind}}" hit "${code}")
    if(hit)
      string(STRIP "${hit}" hit)
      string(REGEX REPLACE "[ \t\r\n]+" " " hit "${hit}")
      list(APPEND findings "${f}: ${hit}")
    endif()
  endforeach()
endforeach()
if(findings)
  list(JOIN findings "\n  " list)
  message(FATAL_ERROR "long double in code (use core/stats/double_double.h):\n  ${list}")
endif()
list(LENGTH files n)
message(STATUS "no long double in ${n} files")
