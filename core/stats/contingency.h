// Tests of association in a two-way contingency table, as R's stats package:
// Pearson's chi-square (chisq.test) and Fisher's exact test (fisher.test,
// two-sided).
//
// Inputs: a table of non-negative integer counts, rows x columns (every row
// the same length), e.g. from cross_tabulate(levels of a variable, groups).
// Outputs: ChisqResult / FisherResult below; NaN where R gives NA.
// Preconditions: at least one row and one column; counts >= 0. An all-zero
// table, or one with a single non-empty row or column, is degenerate: NaN (or
// p = 1 for Fisher, the only possible table) with a warning, never an error.
//
// Conventions (those of the reference goldens):
// - Empty rows and columns are dropped before the chi-square test (R's
//   chisq.test would give NaN for them), so a 3x2 table with an empty row
//   gets Yates' correction. Fisher's p does not depend on them; as
//   fisher.test on the table as given, only an input that is 2x2 gets the
//   odds ratio and CI.
// - Chi-square: expected = row total x column total / n; Yates' correction
//   only for 2x2 tables, subtracting R's min(0.5, |O - E|) from every |O - E|;
//   df = (r - 1)(c - 1); R's warning "Chi-squared approximation may be
//   incorrect" when any expected count < 5.
// - Fisher 2x2: p sums the hypergeometric probabilities <= P(observed) x
//   (1 + 1e-7); the odds ratio is the conditional MLE and the CI inverts the
//   noncentral hypergeometric tails, both found with Brent's root finder
//   using uniroot's defaults (tol = eps^0.25) exactly as fisher.test does.
// - Fisher r x c: exact network algorithm over the margins of the smaller
//   dimension (nodes = sorted remaining margins, merged; subtrees resolved
//   from bounds on their most and least probable completion; the last stage
//   is closed-form). Many tables beyond the workspace of R's FEXACT (e.g.
//   3x3 or 4x3 with n in the thousands) still get an exact p here. A work
//   limit (Options) stops the rest within seconds: p = NaN,
//   work_limit_hit = true and a message saying what to do instead.
//   "As or less probable" uses FEXACT's tie window (log P <= log P_obs +
//   3.4525e-7), not the 2x2 code's 1 + 1e-7: on large tables the two differ
//   by up to ~1e-7 in p, and R's r x c answers follow FEXACT's.
#pragma once
#include <cfloat>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "stats/flag.h"
#include "stats/test_statistic.h"

namespace localsurv {

using CountTable = std::vector<std::vector<long>>;  // [row][column]

struct ContingencyOptions {
  double conf_level = 0.95;                 // fisher.test conf.level
  // 2x2: fisher.test's conditional MLE odds ratio and its exact CI (three
  // root searches, most of the test's time on a large table). Off for
  // callers that report only the p (the balance tests), which is unchanged.
  bool fisher_estimate = true;
  double fisher_relative_tolerance = 1e-7;  // 2x2 "as or less probable": <= P_obs (1 + tol)
  // r x c: R's FEXACT (Algorithm 643) counts tables with
  // log P <= log P_obs + 3.4525e-7, a slightly wider tie window than 2x2's.
  double fisher_rxc_log_tolerance = 3.4525e-7;
  double uniroot_tol = 0.0001220703125;  // .Machine$double.eps^0.25
  int uniroot_maxiter = 1000;            // uniroot default
  double fisher_work_limit = 5e8;        // r x c: work units (~10-30 ns each) before giving up
  double fisher_max_stored_paths = 2e7;  // r x c: paths held at once (~350 MB peak at 2e7)
  double fisher_merge_tolerance = 1e-9;  // r x c: past log-probabilities merged if this close
  double expected_warning_below = 5.0;   // chisq.test warns when any E < 5
};

// statistic, df, p (TestStatistic), then the chi-square's own diagnostics.
struct ChisqResult : TestStatistic {
  bool yates_applied = false;  // correct = TRUE and the (dropped) table is 2x2
  double min_expected = NAN;
  std::vector<std::vector<double>> expected;  // over the kept rows/columns
  std::vector<int> rows_kept, cols_kept;      // indices into the input table
  std::vector<Flag> warnings;
};

struct FisherResult {
  double p = NAN;
  bool is_2x2 = false;
  double odds_ratio = NAN;  // 2x2 only: conditional MLE
  double conf_lower = NAN;  // 2x2 only: exact CI at conf_level
  double conf_upper = NAN;
  bool work_limit_hit = false;
  double work = 0;   // r x c: work units used
  std::string note;  // r x c: how the p was obtained
  std::vector<int> rows_kept, cols_kept;
  std::vector<Flag> warnings;
};

// chisq.test(table, correct = correct) on the table without empty rows/columns.
ChisqResult chisq_test(const CountTable& table, bool correct,
                       const ContingencyOptions& options = {});

// fisher.test(table) two-sided. 2x2 is decided on the table as given (odds
// ratio and CI only then); the r x c p is computed without empty rows/columns.
FisherResult fisher_test(const CountTable& table, const ContingencyOptions& options = {});

// Counts of (row code, column code) pairs; a pair with either code -1
// (missing) is skipped, as table() does. Codes must be < the level counts.
CountTable cross_tabulate(const std::vector<int>& row_codes, int n_row_levels,
                          const std::vector<int>& col_codes, int n_col_levels);

// Brent's root finder with R's uniroot() semantics (f(lower), f(upper) of
// opposite signs; returns the last iterate when |step| <= tol). Exposed for tests.
double brent_root(const std::function<double(double)>& f, double lower, double upper,
                  double f_lower, double f_upper, double tol, int maxiter);

}  // namespace localsurv
