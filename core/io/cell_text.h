// What the readers of a cell's text share (csv.cpp, dates.cpp): blanks are
// spaces and tabs only, as read.csv's strip.white, and digits are ASCII only,
// whatever the C locale says.
#pragma once
#include <string_view>

namespace localsurv {

inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace localsurv
