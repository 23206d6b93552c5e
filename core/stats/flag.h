// A problem a kernel flags instead of aborting: a code saying which problem
// it is, the entities it is about as data (coefficient names, group codes,
// counts) and the kernel's own wording. The kernels know columns only by
// their coefficient names and groups only by their codes, so they never word
// a flag for the reader: study/plain_words.h does, once, from the code and
// these fields (with the analysis' vocabulary of levels and columns); nothing
// reads the text back to find what a flag is about.
//
// Fields:
//   code    which problem (below); Other = a problem whose text is already
//           what the reader should see.
//   text    the kernel's own sentence, in its own terms (coefficient names,
//           group codes); where R warns about the same thing, R's wording
//           ("X matrix deemed to be singular; variable 15 (rt_primary1)",
//           "glm.fit: algorithm did not converge"), which R users see as the
//           warning's detail. Never includes the scope below.
//   r       R's wording when the kernel's own sentence differs from it
//           ("not enough 'x' observations"); empty otherwise.
//   where   which of several fits it belongs to, set by the kernel that
//           relays a nested fit's flags ("interaction (main-effects model)",
//           "ph.ecog = 2" for a subgroup level) or by the caller that ran the
//           kernel ("Youden's index"); said before the flag as "where: ".
//   pair    a pairwise comparison's two group codes (pairwise log-rank).
//   group   the group whose own fit it is about (Kaplan-Meier by group);
//           -1 = none.
//   names   coefficient names it is about, in the kernel's order.
//   groups  group codes it is about (for matching and balance, the arm:
//           0 control, 1 treated).
//   counts  numbers it reports, as each code below says.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace localsurv {

enum class FlagCode {
  Other,
  // cox_fit (coxph.fit's warnings); names = the coefficients concerned.
  CoxSingular,       // aliased columns, NA coefficients
  CoxInfinite,       // converged with coefficients that may be infinite
  CoxNotConverged,   // ran out of iterations
  CoxMaybeInfinite,  // ... and the linear predictor ran off (no names)
  // cox_zph; names = {the term or coefficient whose test it is}.
  PhTestSingular,
  // logistic_regression (glm.fit's warnings, then the separation diagnosis).
  GlmNotConverged,
  GlmBoundary,
  GlmFittedExtreme,
  GlmStepTruncated,
  SeparationComplete,  // names = the columns that separate on their own
  SeparationQuasi,     // names = the columns that separate in part of their range
  SeparationCombined,  // names = coefficients that ran off; counts = {rows predicted, rows}
  // chisq_test: an expected count below 5.
  ChisqApproximation,
  // nearest_neighbor_match (MatchIt's warnings); groups = {arm}.
  NoArmUnits,             // groups = {the arm with no units}
  FewerControls,          // fewer controls than treated
  FewerControlsInStrata,  // ... within some exact strata
  ShortOfRatio,           // counts = {ratio}: some treated get fewer controls
  NoExactStratum,         // no exact stratum holds both arms
  NoneWithinCaliper,
  // balance.
  EmptyArmInSample,  // groups = {the arm with no unit of weight > 0}
  BalanceTooSmall,   // fewer than two units in each arm
  // kaplan_meier / median_followup, scoped by `group` when grouped.
  CurveEmpty,
  CurveNoEvents,
  CurveZeroWeightEvents,
  FollowupNotEstimable,
  // log_rank / pairwise_log_rank; groups = {code}.
  EmptyGroupLevel,  // a level code below the largest with no patients
  GroupNotAtRisk,   // expected 0: left out of the test
  OneGroupAtRisk,   // the only group at risk: nothing to compare
  // describe_numeric / describe_categorical; groups = {g}, empty = the
  // whole sample.
  NoValues,           // no non-missing values: statistics NA
  SingleValue,        // one value: SD NA
  NoValuesToPercent,  // no non-missing values: percentages NA
  // t_test / wilcoxon_rank_sum_test; groups = {g}; r = R's error.
  TTestTooFew,  // counts = {n, need}: need 1 = pooled test, 2 = Welch
  WilcoxonEmptyGroup,
  // youden_cutpoint / median_split (they call the variable x).
  RocNoCases,
  RocNoControls,
  NoYoudenCut,
  MedianNoValues,
};

struct Flag {
  Flag() = default;
  // A flag whose text is all there is to say.
  explicit Flag(std::string words) : text(std::move(words)) {}
  Flag(FlagCode which, std::string words) : code(which), text(std::move(words)) {}

  FlagCode code = FlagCode::Other;
  std::string text;
  std::string r;
  std::string where;
  std::vector<int> pair;
  int group = -1;
  std::vector<std::string> names;
  std::vector<int> groups;
  std::vector<std::size_t> counts;
};

// A flag about groups (or arms) by their codes.
inline Flag group_flag(FlagCode code, std::string text, std::vector<int> groups) {
  Flag f(code, std::move(text));
  f.groups = std::move(groups);
  return f;
}
// `f` with R's wording of the same problem.
inline Flag with_r(Flag f, std::string r) {
  f.r = std::move(r);
  return f;
}
// A flag about coefficients by their names.
inline Flag names_flag(FlagCode code, std::string text, std::vector<std::string> names) {
  Flag f(code, std::move(text));
  f.names = std::move(names);
  return f;
}

}  // namespace localsurv
