// Matching until balanced (the paper's "several rounds of matching until all
// parameters were balanced"), as tests/r/rounds.R does it by hand in R:
//   round 1: the propensity score on the score covariates (all covariates
//   unless analyses.matching.score_covariates), nearest-neighbour matching
//   (exactly on analyses.matching.exact), and every covariate judged on the
//   matched units: factors and two-valued columns by chi-square or Fisher,
//   other numerics by Welch's t, |SMD| over each of its balance columns;
//   next round: the unbalanced covariates join the exact set (round_rule
//   "exact"; continuous ones join the score model instead) or the score
//   model ("model"); stop when no pairs were formed, all are balanced,
//   nothing can be added, or the round limit is reached.
// Every round uses the same rows: the cohort's rows complete on every
// covariate and exact-match column. Plain results; the matching section
// (study/matched_cohort.cpp) writes them as JSON.
#pragma once
#include <cmath>
#include <exception>
#include <string>
#include <vector>

#include "io/spec.h"
#include "io/table.h"
#include "stats/balance.h"
#include "stats/contingency.h"
#include "stats/logistic.h"
#include "stats/matching.h"
#include "stats/two_sample.h"
#include "study/cohort.h"
#include "study/plain_words.h"

namespace localsurv {

// A numeric covariate with more than two distinct values (not a 0/1 flag).
bool is_continuous(const Table& table, const TermSpec& term);

// What one round of matching is run with.
struct MatchPlan {
  std::vector<TermSpec> score;     // propensity-model terms
  std::vector<std::string> exact;  // columns matched exactly
};

// One covariate's treatment comparison (before or after matching).
struct CovariateTest {
  bool continuous = false;  // Welch's t (t); else chi-square and Fisher
  TTestResult t;
  ChisqResult chisq;
  FisherResult fisher;
  double p = NAN;    // the p the balance criterion uses ...
  std::string test;  // ... and its test: chisq | fisher | welch_t
};

// One covariate after matching, judged against the balance criterion.
struct CovariateCheck {
  std::string variable;
  double max_abs_smd = NAN;  // over its balance columns (every level of a factor)
  double p = NAN;            // of the test named in `test` (after matching)
  std::string test;          // chisq | fisher | welch_t
  bool balanced = true;
  CovariateTest before, after;
};

struct MatchRound {
  MatchPlan plan;
  LogisticResult propensity;
  MatchingResult m;
  BalanceResult before, after;          // the distance and every covariate's columns
  std::vector<CovariateCheck> checks;   // every covariate, in the spec's order
  std::vector<std::string> unbalanced;  // those not balanced
  std::vector<Said> warnings;           // the round's, in the user's words
};

struct BalanceRounds {
  Frame frame;                     // the rows every round matches
  std::vector<MatchRound> rounds;  // those run, in order
  std::string stop;                // why no further round was run
  bool balanced = false;           // the last round balanced every covariate, with pairs
  // A round that could not be run: the rounds before it stand (their
  // warnings are the run's), then this error ends the matching analysis.
  std::exception_ptr failure;
};

// The matchit() call of a round, as R would be given it.
std::string matchit_call(const AnalysisSpec& spec, const MatchPlan& plan);

// The rounds of spec.matching on the cohort; `words` names the treatment
// (a Failure when the cohort has no two arms or no complete rows).
BalanceRounds balance_rounds(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                             const Vocabulary& words);

}  // namespace localsurv
