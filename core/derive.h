// Derived columns, computed in the order given, before any filter or
// analysis (so later ones, filters and analyses can use earlier ones):
//  - cut: a numeric column into labelled categories at thresholds. With
//    breaks b1 < ... < bk, right = false gives [-inf, b1), [b1, b2), ...,
//    [bk, inf) as R's cut(x, c(-Inf, b, Inf), right = FALSE); right = true
//    gives (-inf, b1], (b1, b2], ... as cut(..., right = TRUE).
//  - bed: biologically effective dose D * (1 + d / (alpha/beta)), d = D / n.
//  - eqd2: equivalent dose in 2 Gy fractions D * (d + alpha/beta) / (2 + alpha/beta).
//  - flag: 1 where the column's value is one of `values` (numbers match
//    numerically), else 0: R's as.integer(x %in% values).
//  - date_diff: follow-up time from two date columns (core/dates.h), end -
//    start in whole days divided by the unit's days (weeks 7, months
//    30.4375, years 365.25): R's as.numeric(difftime(as.Date(end),
//    as.Date(start), units = "days")) / 30.4375 for months. Each column's
//    date format is read as core/dates.h describes (auto decides per
//    column); times of day are dropped. An end before its start is an Error
//    naming the line and both dates (a negative follow-up is a data error).
// A missing input gives a missing result. Errors name the derived column.
#pragma once
#include <string>
#include <vector>

#include "dates.h"
#include "table.h"

namespace localsurv {

struct DeriveSpec {
  enum class Kind { Cut, Bed, Eqd2, Flag, DateDiff } kind = Kind::Cut;
  std::string name;                 // the new column; must not exist yet
  std::string column;               // cut: the numeric column; flag: any column
  std::vector<std::string> values;  // flag
  std::vector<double> breaks;
  std::vector<std::string> labels;  // breaks.size() + 1 labels
  bool right = false;
  std::string dose;       // bed / eqd2: total dose column (Gy)
  std::string fractions;  // bed / eqd2: number of fractions column
  double alpha_beta = 10;
  std::string start;               // date_diff: the start date column (e.g. diagnosis)
  std::string end;                 // date_diff: the end date column (last follow-up or death)
  TimeUnit unit = TimeUnit::Days;  // date_diff
  DateFormat date_format = DateFormat::Auto;  // date_diff: both columns
};

// Appends each derived column to `table`.
void derive_columns(Table& table, const std::vector<DeriveSpec>& specs);

}  // namespace localsurv
