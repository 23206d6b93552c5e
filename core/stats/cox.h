// Cox proportional-hazards regression for right-censored data, as R
// survival 3.5-3's coxph(Surv(time, status) ~ x [+ strata(s)], ties =
// "efron" | "breslow", cluster = id), reproducing its iteration and not only
// its maximum: R's default stopping rule leaves estimates up to ~1e-6
// relative from the true MLE, so matching R to 1e-6 means taking the same
// Newton-Raphson steps (the C kernel coxfit6 and the R wrapper coxph.fit).
//
// Inputs (CoxInput; one entry per patient, all the same length n):
//   time     follow-up time, finite (any sign).
//   status   1 = event, 0 = censored.
//   x        n x p design matrix, no intercept column (build_design in
//            model_frame.h gives treatment contrasts named as R names them);
//            every entry finite. p = 0 fits the null model (loglik only).
//   names    p coefficient names; empty = "x1".."xp".
//   strata   empty = none; else a non-negative code per patient: separate
//            baseline hazards per code (coxph(... + strata(s))).
//   cluster  empty = none; else a non-negative code per patient: robust
//            (sandwich) variance grouping rows by code, as coxph(..., cluster
//            = id). `var` then is the robust variance and `naive_var` the
//            model-based one.
//   weights  empty = all 1; else positive finite case weights (coxph stops
//            on a weight <= 0: "Invalid weights, must be >0"; drop such rows,
//            e.g. unmatched patients, first). As in R, non-integer weights
//            switch on the robust variance (each row its own cluster unless
//            `cluster` is given) unless options.naive_only. Weighted risk
//            sets: the loglik, score and information sum w exp(x b) over the
//            risk set and w x over the events; Efron adds the tied events'
//            weighted risk in 1/d fractions, each fraction carrying the mean
//            weight of the tied events (coxfit6). n and nevent count rows,
//            as coxph's fit$n and fit$nevent.
// Preconditions: no missing values (pick complete cases first with
// complete_rows); violations throw localsurv::Error naming the argument and
// the row.
//
// What is computed (survival 3.5-3, re-derived from its sources):
//   - timefix: near-equal times are merged into the first of their run
//     (aeqSurv; apply_timefix in core/stats/timefix.h).
//   - Rows sorted by (stratum, time), stably. Each column whose values are not
//     all in `nocenter` ({-1, 0, 1}) is centred at its weighted mean and
//     scaled by 1 / mean |x - mean|; 0/1 indicators are left as they are.
//   - Newton-Raphson from `init` (0): each pass over the sorted rows from the
//     last time backwards accumulates the risk-set sums (O(n p^2)), giving the
//     log partial likelihood, score and information (Efron or Breslow ties).
//     The information is factored by a Cholesky that zeroes any pivot below
//     toler_chol x (largest diagonal): such columns (aliased, or constant) get
//     no step and end with NaN coefficients, excluded from every df. A step
//     that lowers the loglik is pulled back towards the last good beta
//     (1/2, then 2/3, 3/4 ... of the way back); the loop stops when
//     |1 - loglik_old / loglik_new| <= eps (without requiring the step to be
//     small), or after iter_max steps (then iterations = iter_max + 1, the
//     last good beta is returned and, as R does, `var` holds only the
//     reciprocals of the information diagonal).
//   - Warnings as coxph.fit: "Ran out of iterations and did not converge"
//     (+ "one or more coefficients may be infinite" if the linear predictor
//     exceeds 500); "Loglik converged before variable k; coefficient may be
//     infinite" when the next Newton step |u' V|_k exceeds both eps and
//     toler_inf x |coef_k| (perfect separation).
//   - Tests: score test at init (u' I^- u), likelihood ratio 2 (loglik -
//     loglik_null), Wald (coef - init)' V^- (coef - init) with V = `var`
//     (robust when robust). df = number of non-aliased coefficients.
//     summary.coxph rounds the Wald statistic to 2 decimals; we do not.
//   - Robust variance: score residuals at the fit (linear time, cumulative
//     hazard sums instead of R's quadratic loop), times the naive variance,
//     times the weights, summed within cluster: var = D'D. Robust score test:
//     the same score residuals at init, summed within cluster: U' (S'S)^- U.
//   - Per coefficient: hr = exp(coef); z = coef / se; p = P(chi2_1 > z^2);
//     CI = exp(coef -/+ qnorm((1 + conf_level) / 2) se), where se is the
//     robust SE for robust fits.
//   - linear_predictors: R's fit$linear.predictors, x coef - sum(coef means)
//     where means are 0 for the uncentred (0/1) columns, in input row order.
//
// Degenerate data: n = 0 or no events give NaN coefficients and tests with a
// warning (R stops, or returns NA coefficients and loglik 0, kept here); a
// column that is constant or a linear combination of earlier columns gets a
// NaN coefficient, SE, z, p and CI, a zero row/column in `var` (as R's
// fit$var; summary() shows se 0 there) and a warning (R: coef NA, "X matrix
// deemed to be singular" only when singular.ok = FALSE).
//
// Cost: one O(n log n) sort, O(n p^2) per iteration, O(n p^2) for the robust
// variance. 200,000 rows x 10 covariates take well under a second.
#pragma once
#include <Eigen/Dense>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "stats/flag.h"
#include "stats/test_statistic.h"
#include "stats/timefix.h"

namespace localsurv {

enum class CoxTies { Efron, Breslow };

// "efron" | "breslow", as coxph's ties argument.
const char* cox_ties_name(CoxTies ties);

struct CoxOptions {
  CoxTies ties = CoxTies::Efron;
  // coxph.control() defaults.
  double eps = 1e-9;
  double toler_chol = 1.8189894035458565e-12;  // .Machine$double.eps^0.75
  int iter_max = 20;
  double toler_inf = std::numeric_limits<double>::quiet_NaN();  // NaN = sqrt(eps), as R
  bool timefix = true;
  double timefix_tolerance = kTimefixTolerance;  // aeqSurv: sqrt(.Machine$double.eps)
  // coxph(init =): starting coefficients; empty = all 0.
  std::vector<double> init;
  // coxph(nocenter = c(-1, 0, 1)): columns whose every value is in this set
  // are neither centred nor scaled.
  std::vector<double> nocenter = {-1.0, 0.0, 1.0};
  // coxph(robust = TRUE) without a cluster: each row its own cluster. A
  // cluster or non-integer weights switch the robust variance on anyway.
  bool robust = false;
  // coxph(robust = FALSE) spelt out: the model-based variance only, even with
  // non-integer weights; a cluster is then ignored with R's warning
  // ("cluster specified with robust=FALSE, cluster ignored"). Overrides
  // `robust`.
  bool naive_only = false;
  double conf_level = 0.95;
};

struct CoxInput {
  std::vector<double> time;
  std::vector<int> status;
  Eigen::MatrixXd x;
  std::vector<std::string> names;
  std::vector<int> strata;
  std::vector<int> cluster;
  std::vector<double> weights;
};

// A Cox test before anything is estimated (no events, every coefficient
// aliased): no statistic, 0 df, no p.
inline constexpr TestStatistic kCoxTestNotDone{std::numeric_limits<double>::quiet_NaN(), 0.0,
                                               std::numeric_limits<double>::quiet_NaN()};

struct CoxResult {
  std::vector<std::string> names;
  std::vector<double> coef;          // NaN where aliased
  std::vector<double> hr;            // exp(coef)
  std::vector<double> se;            // model-based SE, sqrt(diag(naive var))
  std::vector<double> robust_se;     // empty unless robust
  std::vector<double> z;             // coef / (robust_se if robust else se)
  std::vector<double> p;             // two-sided, from z
  std::vector<double> lower, upper;  // CI for hr at conf_level
  std::vector<bool> aliased;
  Eigen::MatrixXd var;        // R's fit$var: robust when robust; 0 rows/cols where aliased
  Eigen::MatrixXd naive_var;  // robust fits only (R's fit$naive.var); else 0 x 0
  std::vector<double> means;  // centring used (0 for 0/1 columns), R's fit$means
  double loglik_null = std::numeric_limits<double>::quiet_NaN();
  double loglik = std::numeric_limits<double>::quiet_NaN();
  // df is a whole number (the estimated coefficients).
  TestStatistic lrt = kCoxTestNotDone, wald = kCoxTestNotDone, score = kCoxTestNotDone;
  TestStatistic robust_score = kCoxTestNotDone;  // robust fits only
  bool robust = false;
  std::size_t n = 0;
  std::size_t nevent = 0;
  std::size_t n_clusters = 0;  // robust fits only
  int iterations = 0;
  bool converged = false;
  CoxTies ties = CoxTies::Efron;
  // R's fit$linear.predictors, in input row order (for concordance).
  std::vector<double> linear_predictors;
  std::vector<Flag> warnings;
};

CoxResult cox_fit(const CoxInput& input, const CoxOptions& options = {});

// The data checks cox_fit makes (sizes, 0/1 status, finite time and x,
// non-negative strata/cluster codes, positive weights), for other kernels
// that take a CoxInput; errors are prefixed with `function`.
void check_cox_input(const CoxInput& input, const char* function);

}  // namespace localsurv
