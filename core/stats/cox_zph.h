// Test of proportional hazards for a fitted Cox model, as R survival
// 3.5-3's cox.zph(fit, transform, terms = TRUE / FALSE, global = TRUE): the
// score test (survival 3.x, Grambsch & Therneau 1994) of adding, for each
// coefficient beta_j, a time-varying term x_j * g(t), where g is the chosen
// transform of time centred at its mean over the events. It is not the 2.x
// approximation from scaled Schoenfeld residuals and fit$var, which differs.
//
// Inputs:
//   input    the CoxInput the model was fitted on (time, status, x, strata,
//            weights; `cluster` is ignored, as cox.zph uses the model-based
//            information). Same preconditions as cox_fit: no missing values.
//   fit      its CoxResult: the coefficients (NaN = aliased: the column is
//            dropped, as cox.zph does), the ties method and the names.
//   terms    the term each column of x belongs to (Design::terms from
//            build_design); columns sharing a term are tested jointly in
//            `by_term` (a factor's indicators). Empty = every column its own
//            term.
// Outputs (CoxZphResult): two tables with one row per term (by_term,
// cox.zph(terms = TRUE)) or per coefficient (by_coefficient, terms = FALSE),
// then a "GLOBAL" row when options.global: chi-square, df = number of
// columns tested, p = P(chi2_df > chisq).
//
// What is computed (re-derived from survival's cox.zph R code and its C
// routine zph1): with the fitted beta held fixed, the 2p-vector score U and
// 2p x 2p information I of the model with covariates (x, x g(t)), summed
// over the event times within strata (Efron or Breslow, as the fit). The
// first p scores are zero at the MLE, so the test for a set J of
// coefficients is u' A^{-1} u, where A is I restricted to the first p and
// the J time-interaction rows and columns and u = (0, U_{p+J}). g is
// evaluated at the event time (a time-dependent covariate): every member of
// a risk set gets x_i g(t). Transforms (of the time after timefix):
//   km        1 - S(t-), the left-continuous Kaplan-Meier over all rows
//             (ignoring strata and weights), R's default;
//   identity  t;   rank  the average rank of t among all rows;   log  log(t).
// g = transform - its unweighted mean over the rows with an event.
//
// Degenerate data: no events, or no estimated coefficient, give NaN rows
// (or no rows) with a warning; an information block R's solve() rejects as
// singular (e.g. every event at one time: g = 0) gives a NaN chi-square and p
// with a warning where R stops. log with a time <= 0 is an Error.
//
// Cost: two O(n log n) sorts, one O(n p^2) pass, then p + 1 dense solves of
// size <= 2p.
#pragma once
#include <cfloat>
#include <string>
#include <vector>

#include "stats/cox.h"
#include "stats/flag.h"
#include "stats/test_statistic.h"
#include "stats/timefix.h"

namespace localsurv {

enum class ZphTransform { KaplanMeier, Identity, Rank, Log };

// "km" | "identity" | "rank" | "log", as cox.zph's transform argument.
const char* zph_transform_name(ZphTransform transform);

struct CoxZphOptions {
  ZphTransform transform = ZphTransform::KaplanMeier;
  bool global = true;
  // Must match the fit's: coxph applies aeqSurv before cox.zph sees the times.
  bool timefix = true;
  double timefix_tolerance = kTimefixTolerance;
  // R's solve() refuses a system whose reciprocal condition number is below
  // .Machine$double.eps.
  double toler_solve = DBL_EPSILON;
};

struct CoxZphTable {
  std::vector<std::string> term;  // row names; "GLOBAL" last when options.global
  std::vector<TestStatistic> test;
};

struct CoxZphResult {
  CoxZphTable by_term;         // cox.zph(fit, terms = TRUE)
  CoxZphTable by_coefficient;  // cox.zph(fit, terms = FALSE)
  ZphTransform transform = ZphTransform::KaplanMeier;
  std::size_t n = 0;
  std::size_t nevent = 0;
  std::vector<Flag> warnings;
};

CoxZphResult cox_zph(const CoxInput& input, const CoxResult& fit,
                     const std::vector<std::string>& terms = {}, const CoxZphOptions& options = {});

}  // namespace localsurv
