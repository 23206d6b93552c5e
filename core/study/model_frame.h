// From a Table to the plain vectors and design matrices the fitters take:
// which rows are complete for an analysis, the event indicator, group codes,
// and treatment-contrast design matrices named as R names coefficients.
//
// Preconditions: column names exist (Error naming the column otherwise).
// Factor levels: a declared list wins; otherwise the column's distinct
// values sorted (numerically when every level is a number, else by bytes, as
// R's factor() does in the C locale). Reference = first level unless named.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "io/spec_columns.h"
#include "io/table.h"

namespace localsurv {

// Levels of a column read as a factor, reference first.
std::vector<std::string> factor_levels(const Column& column, const TermSpec& term);

// Level code (index into `levels`) per row; -1 where missing. A value not in
// `levels` is an Error naming the column, the value and the row.
std::vector<int> factor_codes(const Column& column, const std::vector<std::string>& levels);

// Rows (0-based) among `candidates` with no missing value in any of `columns`,
// and how many were dropped because of each column (first missing column).
struct RowSelection {
  std::vector<std::size_t> rows;
  std::vector<std::pair<std::string, std::size_t>> dropped_by_column;
  std::size_t dropped = 0;
};
RowSelection complete_rows(const Table& table, const std::vector<std::string>& columns,
                           const std::vector<std::size_t>& candidates);
std::vector<std::size_t> all_rows(const Table& table);

// 1 where the cell equals one of `event_values`, else 0, for the given rows.
// Values that are numbers match numerically ("2" matches 2.0, also in a text
// column), others by text. Missing cells must have been dropped by
// complete_rows.
std::vector<int> event_indicator(const Column& column, const std::vector<std::string>& event_values,
                                 const std::vector<std::size_t>& rows);

std::vector<double> numeric_values(const Column& column, const std::vector<std::size_t>& rows);

// The Error for a text column where numbers are needed (`use` says what
// for): it names the first cell among `rows` (all rows when null) that is
// not a number, with its line, column and why ("a hexadecimal number", ...).
[[noreturn]] void not_numeric(const Column& column, const std::string& use,
                              const std::vector<std::size_t>* rows = nullptr);

struct Design {
  Eigen::MatrixXd x;                // rows.size() x number of coefficients
  std::vector<std::string> names;   // "age", "celltypesmallcell", ...
  std::vector<std::string> terms;   // the column each coefficient comes from
  std::vector<std::string> levels;  // factor level of the coefficient, "" for numerics
};

// Treatment contrasts: a numeric term is one column; a factor with L levels
// gives L-1 indicator columns (reference omitted).
Design build_design(const Table& table, const std::vector<TermSpec>& terms,
                    const std::vector<std::size_t>& rows);

}  // namespace localsurv
