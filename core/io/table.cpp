#include "io/table.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "error.h"

namespace localsurv {

std::size_t Column::missing_count() const {
  std::size_t n = 0;
  for (auto m : missing) n += m;
  return n;
}

std::string Column::text(std::size_t row) const {
  if (missing[row]) return {};
  if (type == ColumnType::Categorical) return levels[static_cast<std::size_t>(codes[row])];
  return format_double(numbers[row]);
}

const Column* Table::find(const std::string& name) const {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

const Column& Table::column(const std::string& name) const {
  if (const Column* c = find(name)) return *c;
  std::string available;
  for (const auto& c : columns) available += (available.empty() ? "" : ", ") + c.name;
  throw Error("column '" + name + "' is not in the data (columns: " + available + ")", name);
}

std::string format_double(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  char buf[40];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  return buf;
}

}  // namespace localsurv
