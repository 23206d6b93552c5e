// Harrell's concordance of a risk score with a right-censored outcome, as R
// survival 3.5's coxph() stores it in fit$concordance (concordancefit() with
// timewt = "n", reverse = TRUE, on the time-fixed response).
//
// Inputs (one entry per subject, all the same length n):
//   time        follow-up time, finite.
//   status      1 = event, 0 = censored.
//   risk_score  higher = higher risk (a Cox linear predictor, centred or not:
//               only the order matters). Exact equality defines a tie.
//   strata      optional integer codes; pairs are formed only within a
//               stratum and the counts are pooled over strata.
//   weights     optional case weights, finite and >= 0 (default all 1).
//   cluster     optional integer codes; the jackknife contributions are summed
//               within cluster before squaring (coxph with cluster()).
//
// A pair (i, j) is comparable when subject i has an event and j was still at
// risk: time_j > time_i, or time_j == time_i with j censored. It is
// concordant when the subject with the event has the higher score, discordant
// when lower, tied.x when the scores are equal. tied.y counts pairs of events
// at the same time with different scores, tied.xy those with equal scores.
// Each count is the sum of w_i * w_j over its pairs.
//
// Outputs: the five counts, concordance = (concordant + tied.x / 2) /
// (concordant + discordant + tied.x), and its infinitesimal-jackknife
// standard error (fit$concordance["std"] = sqrt(concordancefit()$var)).
// Swapping the sign of the score swaps concordant and discordant.
//
// Cost: one sort, then Fenwick-tree passes: O(n log n) time, O(n) memory.
// Degenerate input (n = 0, no events, no comparable pair) gives a warning
// and NaN concordance and std, as R gives NA.
#pragma once
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "stats/flag.h"
#include "stats/timefix.h"

namespace localsurv {

struct ConcordanceOptions {
  // coxph.control(timefix = TRUE): times closer than this (absolutely, or
  // relative to the mean absolute distinct time) are treated as tied, as
  // survival's aeqSurv() does before fitting. Set timefix = false to compare
  // times exactly (concordance(..., timefix = FALSE)).
  bool timefix = true;
  double timefix_tolerance = kTimefixTolerance;  // sqrt(.Machine$double.eps)
};

struct ConcordanceResult {
  double concordant = 0;
  double discordant = 0;
  double tied_x = 0;
  double tied_y = 0;
  double tied_xy = 0;
  double concordance = std::numeric_limits<double>::quiet_NaN();
  double std_err = std::numeric_limits<double>::quiet_NaN();   // R's "std"
  double variance = std::numeric_limits<double>::quiet_NaN();  // std_err^2
  std::size_t n = 0;                                           // subjects used
  double n_events = 0;       // subjects with status 1 (unweighted)
  std::size_t n_strata = 0;  // distinct strata codes (1 when unstratified)
  std::vector<Flag> warnings;
};

ConcordanceResult concordance(const std::vector<double>& time, const std::vector<int>& status,
                              const std::vector<double>& risk_score,
                              const std::vector<int>& strata = {},
                              const std::vector<double>& weights = {},
                              const std::vector<int>& cluster = {},
                              const ConcordanceOptions& options = {});

}  // namespace localsurv
