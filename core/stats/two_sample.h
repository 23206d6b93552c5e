// Two-sample tests for a numeric covariate between two groups (Table 1,
// balance checks), as R's stats package computes them:
//   t_test:                 t.test(x ~ g, var.equal = FALSE | TRUE, conf.level)
//   wilcoxon_rank_sum_test: wilcox.test(x ~ g, exact = NULL | TRUE | FALSE,
//                                       correct = TRUE | FALSE)
// both two-sided with mu = 0. Group 0 is R's first factor level (R's `x`),
// group 1 the second (`y`): the mean difference is mean0 - mean1 and W is the
// Mann-Whitney count for group 0, as R reports them.
//
// Inputs: one value per row (NaN = missing) and a group code per row
// (0, 1, or -1 = missing); rows missing either are dropped, as t.test's
// formula method drops incomplete cases. The caller applies any population
// filter first (e.g. pbc: rows with trt).
// Outputs: the Result structs below; NaN where R gives NA or stops.
// Preconditions (Errors, naming the row where there is one): values and
// group of equal length; group codes in {-1, 0, 1}; no value +-Inf (R's
// t.test fails on those too); conf_level in [0, 1].
// Degenerate data (R stops with an error; here NaN plus a warning that says
// what is wrong and quotes R): a group with too few values (t-test: fewer
// than 2, or with var_equal fewer than 1 and 3 in all; Wilcoxon: none),
// "data are essentially constant" (t-test). Where R returns NA/NaN without
// stopping we return the same NaN with a warning: every value 0 (t = 0/0),
// every value tied (Wilcoxon: W = n0 n1 / 2 is still reported, p is NaN).
//
// Work: the t-test is three linear passes. The Wilcoxon test sorts once
// (O(n log n)) for midranks and tie counts; its exact p-value counts the
// null distribution of W below the observed value with the q-binomial
// product (one prefix sum and one difference per factor, in probabilities so
// nothing overflows): O(min(n0, n1) x min(W, n0 n1 - W)) steps and
// min(W, n0 n1 - W) + 1 doubles, taken by default only when both groups have
// fewer than 50 values and there are no ties (R's exact = NULL). Forced
// (exact = TRUE) it is refused with an Error beyond 200 values in the
// smaller group, where its rounding errors would show (R's own exact
// counting takes seconds at 200 and minutes and gigabytes beyond).
#pragma once
#include <array>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "stats/flag.h"
#include "stats/test_statistic.h"

namespace localsurv {

struct TTestOptions {
  bool var_equal = false;    // t.test var.equal: FALSE = Welch, TRUE = pooled (Student)
  double conf_level = 0.95;  // t.test conf.level
  // R stops with "data are essentially constant" when
  // stderr < this x max(|mean0|, |mean1|).
  double constant_tolerance = 10 * DBL_EPSILON;
};

// statistic = t, df = Welch-Satterthwaite (or n0 + n1 - 2 pooled),
// p = 2 pt(-|t|, df).
struct TTestResult : TestStatistic {
  std::array<std::size_t, 2> n{{0, 0}};        // non-missing values per group
  std::array<double, 2> mean{{NAN, NAN}};      // estimate: mean in group 0, group 1
  std::array<double, 2> variance{{NAN, NAN}};  // var() per group (n - 1); NaN if n < 2
  double mean_difference = NAN;                // mean0 - mean1
  double std_error = NAN;                      // R's stderr of the difference
  double conf_low = NAN, conf_high = NAN;      // conf.int of mean0 - mean1
  double conf_level = NAN;
  std::string method;  // "Welch Two Sample t-test" or "Two Sample t-test"
  std::vector<Flag> warnings;
};

TTestResult t_test(const std::vector<double>& values, const std::vector<int>& group,
                   const TTestOptions& options = {});

enum class WilcoxonExact {
  Auto,    // exact = NULL: exact p when both groups have < exact_below values and no ties
  Always,  // exact = TRUE: exact p unless there are ties (then R warns and approximates)
  Never    // exact = FALSE: normal approximation
};

struct WilcoxonOptions {
  WilcoxonExact exact = WilcoxonExact::Auto;  // wilcox.test exact = NULL
  bool correct = true;                        // wilcox.test correct: continuity correction
  std::size_t exact_below = 50;               // R's exact = NULL rule: both n < 50
  // exact = TRUE on large groups: refuse (Error) beyond this many counting
  // steps, min(n0, n1) x (min(W, n0 n1 - W) + 1); 5e8 is about a second.
  double exact_work_limit = 5e8;
  // ... and when the smaller group has more values than this: the counting
  // divides by (1 - q^k), whose rounding errors grow with the smaller group
  // (P(W <= median) is off by 4e-14 at 200, 7e-9 at 400, 1e-4 at 550).
  std::size_t exact_max_smaller_group = 200;
};

// statistic = W = (sum of group-0 midranks) - n0 (n0 + 1) / 2, df = NaN
// (none), p two-sided.
struct WilcoxonResult : TestStatistic {
  std::array<std::size_t, 2> n{{0, 0}};  // non-missing values per group
  bool exact = false;                    // p from the exact null distribution of W
  bool ties = false;                     // some values are tied
  bool continuity_correction = false;    // normal approximation with correct = TRUE
  double z = NAN;      // normal approximation: (W - n0 n1 / 2 - correction) / sigma
  double sigma = NAN;  // normal approximation: tie-corrected SD of W
  std::string method;  // R's METHOD, e.g. "Wilcoxon rank sum exact test"
  std::vector<Flag> warnings;
};

WilcoxonResult wilcoxon_rank_sum_test(const std::vector<double>& values,
                                      const std::vector<int>& group,
                                      const WilcoxonOptions& options = {});

// P(W <= w) for the Mann-Whitney W of samples of m and n values without
// ties, as pwilcox(w, m, n) (w is floored as R does). Throws Error when the
// counting would exceed work_limit steps or min(m, n) > max_smaller_group
// (see WilcoxonOptions); agrees with pwilcox to ~1e-13 relative within them.
double wilcoxon_rank_sum_cdf(double w, std::size_t m, std::size_t n, double work_limit = 5e8,
                             std::size_t max_smaller_group = 200);

}  // namespace localsurv
