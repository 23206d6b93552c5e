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
//  - date_diff: follow-up time from two date columns (core/io/dates.h), end -
//    start in whole days divided by the unit's days (weeks 7, months
//    30.4375, years 365.25): R's as.numeric(difftime(as.Date(end),
//    as.Date(start), units = "days")) / 30.4375 for months. Each column's
//    date format is read as core/io/dates.h describes (auto decides per
//    column); times of day are dropped. An end before its start is an Error
//    naming the line and both dates (a negative follow-up is a data error).
// A missing input gives a missing result. Errors name the derived column.
#pragma once
#include <string>
#include <vector>

#include "io/spec_columns.h"
#include "io/table.h"

namespace localsurv {

// Appends each derived column to `table`.
void derive_columns(Table& table, const std::vector<DeriveSpec>& specs);

}  // namespace localsurv
