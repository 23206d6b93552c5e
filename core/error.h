// Errors a clinician can act on. Every exception thrown by core/ is an Error:
// it says what is wrong in words and, where it applies, which row, column or
// spec field caused it, so the wasm boundary can hand those back as fields.
#pragma once
#include <cmath>
#include <cstdio>
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

// A number as a message shows it: as printf's %g writes it (0, -1.5, 1e+09),
// with the two values that are not numbers to a reader said in words.
inline std::string value_text(double v) {
  if (std::isnan(v)) return "missing (NaN)";
  if (std::isinf(v)) return v > 0 ? "infinite" : "minus infinite";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
inline std::string value_text(int v) { return std::to_string(v); }
inline std::string value_text(long v) { return std::to_string(v); }

// "function: a_name has 3 rows but b_name has 4 entries": two counts that
// must agree (rows of a design and entries of a vector, names and columns).
inline void check_count(const char* function, const char* a_name, std::size_t a_count,
                        const char* a_unit, const char* b_name, std::size_t b_count,
                        const char* b_unit) {
  if (a_count != b_count)
    throw Error(std::string(function) + ": " + a_name + " has " + std::to_string(a_count) + " " +
                    a_unit + " but " + b_name + " has " + std::to_string(b_count) +
                    (*b_unit ? std::string(" ") + b_unit : std::string()),
                a_name);
}

template <class A, class B>
void check_same_size(const char* function, const char* a_name, const A& a, const char* b_name,
                     const B& b) {
  check_count(function, a_name, static_cast<std::size_t>(a.size()), "elements", b_name,
              static_cast<std::size_t>(b.size()), "");
}

// The first element that `ok` refuses, named by its row (counting from 1):
// "function: status of row 3 is 2; <rule>". Kernels state the rule and the
// remedy once; the loop, the numbering and the value's wording live here.
template <class Vec, class Ok>
void check_each(const char* function, const char* argument, const Vec& v, Ok ok,
                const std::string& rule) {
  for (std::size_t i = 0; i < static_cast<std::size_t>(v.size()); ++i)
    if (!ok(v[i]))
      throw Error(std::string(function) + ": " + argument + " of row " + std::to_string(i + 1) +
                      " is " + value_text(v[i]) + "; " + rule,
                  argument);
}

template <class Vec>
void check_finite(const char* function, const char* argument, const Vec& v) {
  check_each(
      function, argument, v, [](double x) { return std::isfinite(x); },
      "it must be a finite number");
}

// A 0/1 code (event indicator, treatment, binary outcome) in every row.
template <class Vec>
void check_indicator(const char* function, const char* argument, const Vec& v,
                     const std::string& rule) {
  check_each(
      function, argument, v, [](auto code) { return code == 0 || code == 1; }, rule);
}

// Every cell of a design matrix (Eigen) is a finite number:
// "function: <argument> 'age' is missing or not finite in row 4; <remedy>",
// the column named by `names` (or by its number when there are none).
template <class Matrix, class Names>
void check_finite_cells(const char* function, const char* argument, const Matrix& x,
                        const Names& names, const std::string& remedy) {
  for (decltype(x.cols()) j = 0; j < x.cols(); ++j)
    for (decltype(x.rows()) i = 0; i < x.rows(); ++i)
      if (!std::isfinite(x(i, j))) {
        const auto column = static_cast<std::size_t>(j);
        const std::string name =
            column < names.size() ? "'" + names[column] + "'" : std::to_string(column + 1);
        throw Error(std::string(function) + ": " + argument + " " + name +
                        " is missing or not finite in row " + std::to_string(i + 1) + "; " + remedy,
                    column < names.size() ? names[column] : argument);
      }
}

}  // namespace localsurv
