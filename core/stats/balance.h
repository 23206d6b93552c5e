// Covariate balance between treated and control units, before or after
// matching, as MatchIt 4.5's summary(m, standardize = TRUE) reports it per
// model-matrix column, with the standardized mean difference (SMD) under
// either of two named denominators.
//
// Inputs
//   x             n x p numeric design: one column per numeric covariate and
//                 one 0/1 column per factor level (ALL levels, as MatchIt's
//                 summary builds it with contrasts = FALSE); MatchIt lists the
//                 propensity score first as "distance".
//   names         p column names.
//   factor_level  p flags, true for a factor-level indicator column; empty =
//                 decided by the values (every value 0 or 1). Read only by the
//                 pooled (tableone) convention, see below.
//   treat         0/1 per row (1 = treated).
//   weights       per row, >= 0: all 1 before matching; after matching 1 for
//                 matched units and 0 for unmatched ones (MatchIt's weights).
//                 Pass EVERY row of the sample, matched or not: MatchIt's
//                 ATT denominator and its eCDF grid use all of them.
// Preconditions (Error otherwise): sizes agree, x finite (drop incomplete
//   rows first, as matchit does), treat 0/1, weights finite and >= 0.
//
// Outputs per column (MatchIt's column names in brackets)
//   mean_treated, mean_control  weighted means          [Means Treated/Control]
//   smd                         (mean_t - mean_c) / denominator [Std. Mean Diff.]
//   variance_ratio              var_t / var_c, weighted, NaN for binary
//                               columns (every value 0 or 1)     [Var. Ratio]
//   ecdf_mean, ecdf_max         mean and max over the distinct values of x
//                               (all rows, weight 0 included, as MatchIt) of
//                               |F_t - F_c|, the weighted eCDFs; for binary
//                               columns both are |mean_t - mean_c|  [eCDF Mean/Max]
//   denominator, denominator_name  the SMD denominator and what it is.
// Weighted variance everywhere is MatchIt's: for binary columns p(1 - p) with
// p the weighted mean; otherwise the reliability-weights variance
// sum(w (x - m)^2) / (1 - sum(w^2)) with w normalised to sum 1, which is the
// n - 1 sample variance of the units with weight 1 when weights are 0/1.
//
// SMD denominators
//   MatchItTreated (MatchIt, estimand ATT; the goldens): the SD of ALL treated
//     rows ignoring the weights, so the same denominator before and after
//     matching: sqrt(p(1-p)) for binary columns, else the n-1 SD. If
//     |mean_t - mean_c| <= sqrt(DBL_EPSILON) the SMD is the raw difference (no
//     denominator). If the treated SD is below sqrt(DBL_EPSILON) MatchIt falls
//     back to a pooled SD over all rows (ignoring the weights): binary
//     sqrt(sum_g n_g p_g (1 - p_g) / n), else sqrt(sum of squared deviations
//     from the group means / (n - 1)).
//   PooledSample (tableone's SMD): sqrt((s_t^2 + s_c^2) / 2) with both
//     variances computed on the sample at hand (the weighted rows, so the
//     matched units after matching): a factor-level column uses the
//     proportion variance p(1 - p) (tableone's categorical formula, which
//     for a two-level factor equals its SMD), every other column the n - 1
//     variance (tableone summarises numeric variables, even 0/1 ones, as
//     continuous). tableone prints |SMD|; we keep the sign.
//
// Degenerate data (warning, NaN where R gives NA): a group with no weighted
//   unit (means NaN); both groups with fewer than two weighted units (SMD,
//   variance ratio and eCDF NaN, as MatchIt); a zero control variance
//   (variance ratio Inf or NaN, as R divides); a zero SMD denominator.
//
// Work: per column one sort of the rows (O(n log n)) and linear passes.
#pragma once
#include <Eigen/Dense>
#include <string>
#include <vector>

#include "stats/flag.h"

namespace localsurv {

enum class SmdDenominator {
  MatchItTreated,  // MatchIt ATT: SD of all treated before matching (the goldens)
  PooledSample,    // tableone: sqrt((s_t^2 + s_c^2) / 2) on the sample at hand
};

struct BalanceOptions {
  SmdDenominator denominator = SmdDenominator::MatchItTreated;
  // MatchIt: a |mean difference| at or below this is reported raw, and a
  // treated SD below it triggers the pooled fallback. sqrt(.Machine$double.eps).
  double tolerance = 1.4901161193847656e-08;
};

struct ColumnBalance {
  std::string name;
  bool binary = false;  // every value 0 or 1 (MatchIt's test)
  double mean_treated = 0, mean_control = 0;
  double smd = 0;
  double variance_ratio = 0;  // NaN for binary columns
  double ecdf_mean = 0, ecdf_max = 0;
  double denominator = 0;        // NaN when the SMD is the raw difference or undefined
  std::string denominator_name;  // e.g. "SD of all treated (n-1)"
};

struct BalanceResult {
  std::vector<ColumnBalance> columns;
  std::size_t n_treated = 0, n_control = 0;  // rows with weight > 0
  double sum_weights_treated = 0, sum_weights_control = 0;
  std::vector<Flag> warnings;
};

BalanceResult balance(const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                      const std::vector<bool>& factor_level, const std::vector<int>& treat,
                      const std::vector<double>& weights, const BalanceOptions& options = {});

}  // namespace localsurv
