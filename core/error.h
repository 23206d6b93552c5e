// Errors a clinician can act on. Every exception thrown by core/ is an Error:
// it says what is wrong in words and, where it applies, which row, column or
// spec field caused it, so the wasm boundary can hand those back as fields.
#pragma once
#include <cmath>
#include <stdexcept>
#include <string>

namespace localsurv {

// The message with control characters shown as \u00XX: a NUL in a name (from
// a link or a spec) would otherwise cut the message short wherever it is read
// as a C string (what()), and a newline would break a log line.
inline std::string visible_message(const std::string& message) {
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  out.reserve(message.size());
  for (char ch : message) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
  return out;
}

struct Error : std::runtime_error {
  explicit Error(const std::string& message, std::string field_ = {}, long line_ = -1,
                 long column_ = -1)
      : std::runtime_error(visible_message(message)),
        field(std::move(field_)),
        line(line_),
        column(column_) {}
  std::string field;  // spec field or data column name, empty if none
  long line;          // 1-based line in the input file, -1 if none
  long column;        // 1-based column in the input file, -1 if none
};

// Stan-Math-style checks: they name the function and the argument so a
// failure deep in a fitter still tells the caller what was wrong.
inline void check(bool ok, const char* function, const char* argument, const std::string& what) {
  if (!ok) throw Error(std::string(function) + ": " + argument + " " + what, argument);
}

template <class Vec>
void check_finite(const char* function, const char* argument, const Vec& v) {
  for (std::size_t i = 0; i < static_cast<std::size_t>(v.size()); ++i)
    if (!std::isfinite(static_cast<double>(v[i])))
      throw Error(std::string(function) + ": " + argument + "[" + std::to_string(i + 1) +
                      "] is not a finite number",
                  argument);
}

template <class A, class B>
void check_same_size(const char* function, const char* a_name, const A& a, const char* b_name,
                     const B& b) {
  if (static_cast<std::size_t>(a.size()) != static_cast<std::size_t>(b.size()))
    throw Error(std::string(function) + ": " + a_name + " has " + std::to_string(a.size()) +
                    " elements but " + b_name + " has " + std::to_string(b.size()),
                a_name);
}

}  // namespace localsurv
