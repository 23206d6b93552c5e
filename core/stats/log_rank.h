// Log-rank test family (G-rho, Harrington & Fleming 1982) comparing survival
// between k >= 2 groups, as R survival 3.5-3's survdiff(), optionally
// stratified (survdiff(Surv(time, status) ~ group + strata(s))), and pairwise
// comparisons of every two groups with multiplicity-adjusted p-values, as
// survminer::pairwise_survdiff() (a survdiff on each pair's rows + p.adjust).
//
// Inputs (one entry per patient, all the same length):
//   time    survival or censoring time, any finite value; NaN = missing.
//   status  1 = event, 0 = censored; a negative value = missing.
//   group   level code 0..k-1 (as Column::codes); a negative value = missing.
//   strata  empty = no stratification, else level codes like `group`.
// Rows with any missing entry are left out (R's default na.omit) and counted
// in n_missing. Infinite times and status values other than 0/1 are Errors.
//
// What is computed (survdiff's C kernel survdiff2, re-derived):
//   - timefix (R's aeqSurv, apply_timefix in core/stats/timefix.h) on the rows of
//     the test: near-equal times are merged into the first of their run.
//   - Within each stratum, at each distinct event time t with N at risk, d
//     events and n_j at risk in group j, weight w = S(t-)^rho where S is the
//     Kaplan-Meier of all groups pooled within that stratum:
//       observed_j += w * d_j,  expected_j += w * d * n_j / N,
//       V_jl += w^2 * d (N - d) / (N (N - 1)) * n_j (delta_jl - n_l / N)
//     (no variance term when N = 1). With rho != 0 `observed` is therefore
//     the weighted count, exactly as survdiff reports it.
//   - Groups with expected > 0 enter the test; the first of them is dropped
//     and chisq = (O - E)' V^-1 (O - E) over the rest; df = (groups with
//     expected > 0) - 1; p = P(chi-square(df) > chisq). All three are in
//     `test` (statistic = chisq).
// Groups or strata with no patients are left out, as survdiff drops empty
// factor levels; `groups` / `strata` list the codes that remain, ascending.
//
// Degenerate data, as R:
//   - fewer than 2 groups with patients: Error (R: "There is only 1 group").
//   - no events: chisq 0, df -1, p NaN, with a warning (R: same numbers and
//     "NaNs produced").
//   - only one group with expected > 0: chisq 0, df 0, p 1, with a warning.
//   - singular variance of the compared groups (e.g. every stratum holds a
//     single group): R stops in solve(); here chisq and p are NaN with a
//     warning, so observed/expected stay available.
//
// Cost: one O(n log n) sort, then O(n + D * a^2) per test, where D is the
// number of distinct event times and a the number of groups at risk. Pairwise
// comparisons reuse the sort: O(n log n + (k - 1) n + pairs * D * 4).
#pragma once
#include <Eigen/Dense>
#include <cstddef>
#include <string>
#include <vector>

#include "stats/flag.h"
#include "stats/test_statistic.h"
#include "stats/timefix.h"

namespace localsurv {

struct LogRankOptions {
  // survdiff(rho = 0): 0 = log-rank (Mantel-Haenszel), 1 = Peto & Peto
  // modification of the Gehan-Wilcoxon test.
  double rho = 0.0;
  // survdiff(timefix = TRUE). (In survival 3.5-3 survdiff(timefix = FALSE)
  // itself fails with "variable lengths differ"; false here gives what the
  // kernel computes on the raw times.)
  bool timefix = true;
  double timefix_tolerance = kTimefixTolerance;  // aeqSurv: sqrt(.Machine$double.eps)
  // solve(vv, ...) stops when LAPACK's reciprocal condition number is below
  // .Machine$double.eps; we return NaN with a warning at the same point.
  double singular_tolerance = 2.220446049250313e-16;
  // Not in R: a grouping column with more distinct values than this is almost
  // surely an identifier or a continuous measurement, and the k x k variance
  // would be too large to compute.
  int max_groups = 100;
};

struct LogRankResult {
  std::vector<int> groups;       // group codes with patients, ascending
  std::vector<long> n;           // patients per group (table(groups))
  std::vector<double> observed;  // per group, summed over strata
  std::vector<double> expected;  // per group, summed over strata
  Eigen::MatrixXd var;           // groups x groups, summed over strata
  // survdiff's chisq, df (a whole number) and p.
  TestStatistic test;
  // Stratified only (empty otherwise): strata codes with patients, ascending,
  // patients per stratum (table(strata)), and survdiff's obs/exp matrices.
  std::vector<int> strata;
  std::vector<long> n_by_stratum;
  Eigen::MatrixXd observed_by_stratum;  // groups x strata
  Eigen::MatrixXd expected_by_stratum;  // groups x strata
  std::size_t n_used = 0;               // rows in the test
  std::size_t n_missing = 0;            // rows left out for a missing value
  std::vector<Flag> warnings;
};

// survdiff(Surv(time, status) ~ group [+ strata(strata)], rho = options.rho).
LogRankResult log_rank(const std::vector<double>& time, const std::vector<int>& status,
                       const std::vector<int>& group, const std::vector<int>& strata = {},
                       const LogRankOptions& options = {});

// stats::p.adjust methods offered for pairwise comparisons.
enum class PAdjustMethod { None, Holm, Bonferroni, BH };

// p.adjust(p, method): NaN entries stay NaN and do not count towards the
// number of comparisons, as R's NA handling.
std::vector<double> p_adjust(const std::vector<double>& p, PAdjustMethod method);

struct PairwiseLogRankOptions {
  LogRankOptions test;
  PAdjustMethod adjust = PAdjustMethod::BH;  // pairwise_survdiff(p.adjust.method = "BH")
};

struct LogRankPair {
  int group_a = 0;  // the lower code (column of R's pairwise p-value table)
  int group_b = 0;  // the higher code (row of that table)
  std::size_t n = 0;
  double observed_a = 0.0, expected_a = 0.0, observed_b = 0.0, expected_b = 0.0;
  // pairwise_survdiff takes df = (groups in the pair) - 1 = 1 even when one
  // group has expected 0 (where survdiff alone would say df = 0).
  TestStatistic test;
  double p_adjusted = 0.0;
  std::vector<Flag> warnings;
};

struct PairwiseLogRankResult {
  std::vector<int> groups;         // group codes with patients, ascending
  std::vector<LogRankPair> pairs;  // (g0,g1), (g0,g2), ..., (g1,g2), ...: R's column order
  PAdjustMethod adjust = PAdjustMethod::BH;
  std::size_t n_used = 0;
  std::size_t n_missing = 0;
  std::vector<Flag> warnings;
};

// survminer::pairwise_survdiff(Surv(time, status) ~ group [+ strata(s)],
// p.adjust.method, rho): for each pair of groups a survdiff on the rows of
// those two groups (timefix applied to that subset, as survdiff does), then
// p.adjust over all pairs.
PairwiseLogRankResult pairwise_log_rank(const std::vector<double>& time,
                                        const std::vector<int>& status,
                                        const std::vector<int>& group,
                                        const std::vector<int>& strata = {},
                                        const PairwiseLogRankOptions& options = {});

}  // namespace localsurv
