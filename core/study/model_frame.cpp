#include "study/model_frame.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>

#include "error.h"
#include "io/csv.h"

namespace localsurv {
namespace {

bool as_number(const std::string& s, double& out) { return parse_csv_number(s, false, out); }

}  // namespace

// The cell that made the reader take the column as text is one that is not a
// number as read_csv reads numbers (so "0x10" and "inf" count, which strtod
// would take). With a decimal comma "1,5" was a number, so cells that are
// text either way are looked for first.
[[noreturn]] void not_numeric(const Column& column, const std::string& use,
                              const std::vector<std::size_t>* rows) {
  double v;
  const std::size_t n = rows ? rows->size() : column.size();
  for (bool comma : {true, false})
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t r = rows ? (*rows)[i] : i;
      if (column.is_missing(r) || parse_csv_number(column.text(r), comma, v)) continue;
      const std::string reason = not_a_number_reason(column.text(r));
      const long line = column.line(r);
      const std::string where =
          column.file_column > 0 ? ", column " + std::to_string(column.file_column) : "";
      throw Error("column '" + column.name + "' holds text, so it cannot be used as " + use +
                      ": line " + std::to_string(line) + where + " has '" + column.text(r) + "'" +
                      (reason.empty() ? "" : ", " + reason),
                  column.name, line, column.file_column > 0 ? column.file_column : -1);
    }
  throw Error("column '" + column.name + "' holds text, so it cannot be used as " + use,
              column.name);
}

namespace {

bool is_factor(const Column& column, const TermSpec& term) {
  if (term.kind == TermKind::Auto) return column.type == ColumnType::Categorical;
  if (term.kind == TermKind::Numeric && column.type == ColumnType::Categorical)
    not_numeric(column, "a numeric covariate", nullptr);
  return term.kind == TermKind::Factor;
}

// Cell text equals a level, numerically when both are numbers ("1" = "1.0").
bool same_value(const std::string& a, const std::string& b) {
  if (a == b) return true;
  double x, y;
  return as_number(a, x) && as_number(b, y) && x == y;
}

}  // namespace

std::vector<std::string> factor_levels(const Column& column, const TermSpec& term) {
  std::vector<std::string> levels = term.levels;
  if (levels.empty()) {
    // The distinct cell texts, sorted as text (R's factor() then sorts
    // numbers as numbers, below). Each distinct value is made text once, not
    // each cell: a numeric column by its bits (-0 and 0 are different texts).
    std::set<std::string> distinct;
    if (column.type == ColumnType::Numeric) {
      std::set<uint64_t> seen;
      for (std::size_t r = 0; r < column.size(); ++r) {
        if (column.is_missing(r)) continue;
        uint64_t bits;
        std::memcpy(&bits, &column.numbers[r], sizeof bits);
        if (seen.insert(bits).second) distinct.insert(column.text(r));
      }
    } else {
      std::vector<char> used(column.levels.size(), 0);
      for (std::size_t r = 0; r < column.size(); ++r)
        if (!column.is_missing(r)) used[static_cast<std::size_t>(column.codes[r])] = 1;
      for (std::size_t k = 0; k < used.size(); ++k)
        if (used[k]) distinct.insert(column.levels[k]);
    }
    levels.assign(distinct.begin(), distinct.end());
    bool all_numbers = true;
    double v;
    for (const auto& l : levels) all_numbers = all_numbers && as_number(l, v);
    if (all_numbers)
      std::stable_sort(levels.begin(), levels.end(),
                       [](const std::string& a, const std::string& b) {
                         return std::strtod(a.c_str(), nullptr) < std::strtod(b.c_str(), nullptr);
                       });
  }
  if (!term.reference.empty()) {
    auto it = std::find_if(levels.begin(), levels.end(),
                           [&](const std::string& l) { return same_value(l, term.reference); });
    if (it == levels.end())
      throw Error(
          "reference level '" + term.reference + "' is not a level of column '" + column.name + "'",
          column.name);
    std::rotate(levels.begin(), it, it + 1);
  }
  return levels;
}

std::vector<int> factor_codes(const Column& column, const std::vector<std::string>& levels) {
  std::vector<int> codes(column.size(), -1);
  std::vector<double> level_numbers(levels.size(), NAN);
  bool numeric = column.type == ColumnType::Numeric;
  if (numeric)
    for (std::size_t l = 0; l < levels.size(); ++l) as_number(levels[l], level_numbers[l]);
  // A text column's own level k is the first of `levels` equal to it, found
  // once per level rather than once per cell.
  std::vector<int> code_of_level;
  if (!numeric)
    for (const auto& own : column.levels)
      code_of_level.push_back(
          static_cast<int>(std::find(levels.begin(), levels.end(), own) - levels.begin()));
  for (std::size_t r = 0; r < column.size(); ++r) {
    if (column.is_missing(r)) continue;
    int code = -1;
    if (numeric) {
      for (std::size_t l = 0; l < levels.size() && code < 0; ++l)
        if (column.numbers[r] == level_numbers[l]) code = static_cast<int>(l);
    } else {
      const int k = code_of_level[static_cast<std::size_t>(column.codes[r])];
      if (k < static_cast<int>(levels.size())) code = k;
    }
    if (code < 0)
      throw Error("column '" + column.name + "' has the value '" + column.text(r) + "' on line " +
                      std::to_string(column.line(r)) + ", which is not one of its declared levels",
                  column.name, column.line(r));
    codes[r] = code;
  }
  return codes;
}

std::vector<std::size_t> all_rows(const Table& table) {
  std::vector<std::size_t> rows(table.n_rows);
  for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = r;
  return rows;
}

RowSelection complete_rows(const Table& table, const std::vector<std::string>& columns,
                           const std::vector<std::size_t>& candidates) {
  std::vector<const Column*> cols;
  RowSelection sel;
  for (const auto& name : columns) {
    if (std::find_if(cols.begin(), cols.end(), [&](const Column* c) { return c->name == name; }) !=
        cols.end())
      continue;
    cols.push_back(&table.column(name));
    sel.dropped_by_column.emplace_back(name, 0);
  }
  for (std::size_t r : candidates) {
    std::size_t k = 0;
    while (k < cols.size() && !cols[k]->is_missing(r)) ++k;
    if (k == cols.size()) {
      sel.rows.push_back(r);
    } else {
      ++sel.dropped_by_column[k].second;
      ++sel.dropped;
    }
  }
  return sel;
}

std::vector<int> event_indicator(const Column& column, const std::vector<std::string>& event_values,
                                 const std::vector<std::size_t>& rows) {
  if (event_values.empty())
    throw Error("no event value given for column '" + column.name + "'", column.name);
  std::vector<double> numbers;
  if (column.type == ColumnType::Numeric) {
    for (const auto& v : event_values) {
      double d;
      if (!as_number(v, d))
        throw Error(
            "event value '" + v + "' is not a number, but column '" + column.name + "' is numeric",
            column.name);
      numbers.push_back(d);
    }
  }
  // Whether each of a text column's levels is an event value, decided once per level.
  std::vector<char> level_is_event;
  if (column.type != ColumnType::Numeric)
    for (const auto& level : column.levels)
      level_is_event.push_back(
          std::any_of(event_values.begin(), event_values.end(),
                      [&](const std::string& v) { return same_value(level, v); }));
  std::vector<int> event(rows.size(), 0);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::size_t r = rows[i];
    if (column.is_missing(r))
      throw Error(
          "event column '" + column.name + "' is missing on line " + std::to_string(column.line(r)),
          column.name, column.line(r));
    if (column.type == ColumnType::Numeric)
      event[i] = std::find(numbers.begin(), numbers.end(), column.numbers[r]) != numbers.end();
    else
      event[i] = level_is_event[static_cast<std::size_t>(column.codes[r])];
  }
  return event;
}

std::vector<double> numeric_values(const Column& column, const std::vector<std::size_t>& rows) {
  if (column.type != ColumnType::Numeric)
    not_numeric(column, "numbers (times, doses, ages)", &rows);
  std::vector<double> v(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) v[i] = column.numbers[rows[i]];
  return v;
}

Design build_design(const Table& table, const std::vector<TermSpec>& terms,
                    const std::vector<std::size_t>& rows) {
  Design d;
  std::vector<Eigen::VectorXd> cols;
  for (const auto& term : terms) {
    const Column& column = table.column(term.column);
    if (!is_factor(column, term)) {
      Eigen::VectorXd v(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) v[i] = column.numbers[rows[i]];
      cols.push_back(std::move(v));
      d.names.push_back(term.column);
      d.terms.push_back(term.column);
      d.levels.emplace_back();
      continue;
    }
    std::vector<std::string> levels = factor_levels(column, term);
    std::vector<int> codes = factor_codes(column, levels);
    for (std::size_t l = 1; l < levels.size(); ++l) {
      Eigen::VectorXd v(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) v[i] = codes[rows[i]] == static_cast<int>(l);
      cols.push_back(std::move(v));
      d.names.push_back(term.column + levels[l]);
      d.terms.push_back(term.column);
      d.levels.push_back(levels[l]);
    }
  }
  d.x.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) d.x.col(static_cast<Eigen::Index>(j)) = cols[j];
  return d;
}

}  // namespace localsurv
