#include "study/derive.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "error.h"
#include "io/csv.h"
#include "study/model_frame.h"

namespace localsurv {
namespace {

const Column& numeric_input(const Table& table, const std::string& name,
                            const std::string& derived) {
  const Column& c = table.column(name);
  if (c.type != ColumnType::Numeric) not_numeric(c, "numbers for derived column '" + derived + "'");
  return c;
}

Column new_column(const Table& table, const std::string& name, ColumnType type) {
  if (name.empty()) throw Error("a derived column needs a name", "derive");
  if (table.find(name))
    throw Error("derived column '" + name + "' already exists in the data", name);
  Column c;
  c.name = name;
  c.type = type;
  c.missing.assign(table.n_rows, 0);
  if (!table.columns.empty()) c.row_lines = table.columns.front().row_lines;
  return c;
}

Column cut(const Table& table, const DeriveSpec& s) {
  const Column& x = numeric_input(table, s.column, s.name);
  if (s.breaks.empty())
    throw Error("derived column '" + s.name + "': cut needs at least one break", s.name);
  for (std::size_t i = 0; i < s.breaks.size(); ++i)
    if (!std::isfinite(s.breaks[i]) || (i > 0 && !(s.breaks[i] > s.breaks[i - 1])))
      throw Error("derived column '" + s.name + "': breaks must be finite and increasing", s.name);
  if (s.labels.size() != s.breaks.size() + 1)
    throw Error("derived column '" + s.name + "': " + std::to_string(s.breaks.size()) +
                    " breaks make " + std::to_string(s.breaks.size() + 1) + " groups, but " +
                    std::to_string(s.labels.size()) + " labels were given",
                s.name);
  Column c = new_column(table, s.name, ColumnType::Categorical);
  c.levels = s.labels;
  c.codes.assign(table.n_rows, -1);
  for (std::size_t r = 0; r < table.n_rows; ++r) {
    if (x.is_missing(r)) {
      c.missing[r] = 1;
      continue;
    }
    std::size_t k = 0;
    while (k < s.breaks.size() &&
           (s.right ? x.numbers[r] > s.breaks[k] : x.numbers[r] >= s.breaks[k]))
      ++k;
    c.codes[r] = static_cast<int32_t>(k);
  }
  return c;
}

Column dose(const Table& table, const DeriveSpec& s) {
  const Column& d = numeric_input(table, s.dose, s.name);
  const Column& n = numeric_input(table, s.fractions, s.name);
  if (!(s.alpha_beta > 0))
    throw Error("derived column '" + s.name + "': alpha/beta must be positive", s.name);
  Column c = new_column(table, s.name, ColumnType::Numeric);
  c.numbers.assign(table.n_rows, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t r = 0; r < table.n_rows; ++r) {
    if (d.is_missing(r) || n.is_missing(r)) {
      c.missing[r] = 1;
      continue;
    }
    if (!(n.numbers[r] > 0))
      throw Error("derived column '" + s.name + "': column '" + s.fractions + "' is " + n.text(r) +
                      " on line " + std::to_string(n.line(r)) +
                      "; a number of fractions must be positive",
                  s.name, n.line(r));
    const double total = d.numbers[r], per_fraction = total / n.numbers[r];
    c.numbers[r] = s.kind == DeriveSpec::Kind::Bed
                       ? total * (1 + per_fraction / s.alpha_beta)
                       : total * (per_fraction + s.alpha_beta) / (2 + s.alpha_beta);
  }
  return c;
}

Column flag(const Table& table, const DeriveSpec& s) {
  const Column& x = table.column(s.column);
  if (s.values.empty())
    throw Error("derived column '" + s.name + "': flag needs at least one value", s.name);
  std::vector<double> numbers(s.values.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < s.values.size(); ++k) {
    double v;
    if (parse_csv_number(s.values[k], false, v)) numbers[k] = v;
  }
  Column c = new_column(table, s.name, ColumnType::Numeric);
  c.numbers.assign(table.n_rows, std::numeric_limits<double>::quiet_NaN());
  // A text column's levels are matched once each, not once per cell.
  std::vector<char> level_hit;
  if (x.type != ColumnType::Numeric)
    for (const auto& level : x.levels)
      level_hit.push_back(std::find(s.values.begin(), s.values.end(), level) != s.values.end());
  for (std::size_t r = 0; r < table.n_rows; ++r) {
    if (x.is_missing(r)) {
      c.missing[r] = 1;
      continue;
    }
    bool hit = false;
    if (x.type == ColumnType::Numeric)
      hit = std::find(numbers.begin(), numbers.end(), x.numbers[r]) != numbers.end();
    else
      hit = level_hit[static_cast<std::size_t>(x.codes[r])] != 0;
    c.numbers[r] = hit ? 1 : 0;
  }
  return c;
}

Column date_diff(const Table& table, const DeriveSpec& s) {
  if (s.start.empty() || s.end.empty())
    throw Error("derived column '" + s.name + "': date_diff needs a start and an end column",
                s.name);
  const Column& start_column = table.column(s.start);
  const Column& end_column = table.column(s.end);
  DateOptions options;
  options.format = s.date_format;
  const DateColumn start = parse_date_column(start_column, options);
  const DateColumn end = parse_date_column(end_column, options);
  Column c = new_column(table, s.name, ColumnType::Numeric);
  c.numbers.assign(table.n_rows, std::numeric_limits<double>::quiet_NaN());
  // Divided, not multiplied by a reciprocal, so months are bit-equal to R's
  // days / 30.4375.
  const double per_unit = days_per_unit(s.unit);
  for (std::size_t r = 0; r < table.n_rows; ++r) {
    if (start.missing[r] || end.missing[r]) {
      c.missing[r] = 1;
      continue;
    }
    const double days = end.days[r] - start.days[r];
    if (days < 0)
      throw Error("derived column '" + s.name + "': on line " +
                      std::to_string(start_column.line(r)) + " the end date " + s.end + " = '" +
                      end_column.text(r) + "' is before the start date " + s.start + " = '" +
                      start_column.text(r) +
                      "'; a follow-up time cannot be negative, so one of "
                      "the two dates is wrong",
                  s.name, start_column.line(r));
    c.numbers[r] = s.unit == TimeUnit::Days ? days : days / per_unit;
  }
  return c;
}

}  // namespace

void derive_columns(Table& table, const std::vector<DeriveSpec>& specs) {
  for (const auto& s : specs)
    table.columns.push_back(s.kind == DeriveSpec::Kind::Cut        ? cut(table, s)
                            : s.kind == DeriveSpec::Kind::Flag     ? flag(table, s)
                            : s.kind == DeriveSpec::Kind::DateDiff ? date_diff(table, s)
                                                                   : dose(table, s));
}

}  // namespace localsurv
