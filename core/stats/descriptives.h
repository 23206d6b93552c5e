// Table-1 descriptives per group and overall, as R computes them:
//   numeric:     n (non-missing), missing, mean(x, na.rm = TRUE),
//                sd(x, na.rm = TRUE) (n - 1 denominator), median(x),
//                Q1 / Q3 = quantile(x, c(.25, .75), type = 7), min, max;
//   categorical: count per level (table(factor(x, levels))), percent of the
//                non-missing values in the group, missing count.
//
// Inputs: one value per row, either doubles (NaN = missing) or level codes
// (-1 = missing) with the level names, and a group code per row in
// 0..n_groups-1. A row with group -1 (group unknown) counts in `overall`
// only; pass an empty group vector and n_groups = 0 for overall alone. The
// caller applies the population filter (e.g. pbc: rows with trt) first.
// Outputs: one summary per group (in code order) and one overall.
// Preconditions: group codes (if given) match the values in length and lie in
// -1..n_groups-1; level codes in -1..levels-1; values not +-Inf. Violations
// are Errors naming the row.
// Degenerate: a group with no non-missing value gets NaN statistics (R's NA)
// and a warning; one value gets SD NaN (R's NA) and a warning.
//
// Work: one sort of (group, value) pairs, then linear passes.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "stats/flag.h"

namespace localsurv {

struct DescriptivesOptions {
  double q1_prob = 0.25;  // quantile(x, 0.25, type = 7)
  double q3_prob = 0.75;  // quantile(x, 0.75, type = 7)
};

struct NumericSummary {
  std::size_t n = 0;                                                      // non-missing values
  std::size_t missing = 0;                                                // NaN values
  double mean = 0, sd = 0, median = 0, q1 = 0, q3 = 0, min = 0, max = 0;  // NaN when undefined
};

struct NumericDescriptives {
  std::vector<NumericSummary> by_group;
  NumericSummary overall;
  std::vector<Flag> warnings;
};

struct CategoricalSummary {
  std::size_t n = 0;                // non-missing values
  std::size_t missing = 0;          // code -1
  std::vector<std::size_t> counts;  // per level
  std::vector<double> percent;      // 100 * count / n; NaN when n = 0
};

struct CategoricalDescriptives {
  std::vector<std::string> levels;
  std::vector<CategoricalSummary> by_group;
  CategoricalSummary overall;
  std::vector<Flag> warnings;
};

NumericDescriptives describe_numeric(const std::vector<double>& values,
                                     const std::vector<int>& group, int n_groups,
                                     const DescriptivesOptions& options = {});

CategoricalDescriptives describe_categorical(const std::vector<int>& codes,
                                             const std::vector<std::string>& levels,
                                             const std::vector<int>& group, int n_groups);

// quantile(x, p, type = 7) of already sorted, non-missing values; NaN if empty.
double quantile_type7(const std::vector<double>& sorted, double p);

}  // namespace localsurv
