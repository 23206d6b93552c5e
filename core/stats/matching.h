// Greedy nearest-neighbour matching on a distance (propensity score), as
// MatchIt 4.5 matchit(method = "nearest") pairs units, with the caliper
// comparison done on true absolute differences (MatchIt >= 4.5.4; 4.5.1-4.5.3
// truncate |d_t - d_c| to an integer, MatchIt issue #163 — see
// tests/reference/README.md). For ratio > 1, MatchIt 4.5.1 also skips the
// wrong control when a treated unit looks for its second and later controls
// (an off-by-one in its "already mine" check); here a treated unit skips
// exactly the controls it already has (tests/r/matching.R shows the two
// bugs are the only differences). Estimand ATT: treated units look for
// controls.
//
// Algorithm (MatchIt's nn_matchC_vec, re-derived from its documentation):
//   All units are sorted by (exact-match stratum, distance), stably, so ties
//   keep data order. Treated units are visited in `order` (largest distance
//   first by default), in `ratio` rounds: round r gives every treated unit its
//   r-th control before any unit gets its (r+1)-th. For a treated unit the
//   nearest still-available control below and above it in the sorted order
//   (same stratum, not already matched to this treated unit) is found; a side
//   whose nearest available control is farther than the caliper yields
//   nothing; of the two candidates the closer wins, the lower-distance one on
//   an exact tie. Without replacement a matched control is no longer
//   available. Exact strata are matched independently (MatchIt splits the
//   data by them) but share the caliper, which is computed on all units.
//
// Inputs
//   distance  one value per unit: what is matched on. Propensity scores for
//             MatchIt's link = "logit" (the default); the linear predictor
//             (log-odds) for link = "linear.logit" — use the fitted model's
//             linear predictor, or logit_scores(ps), see below.
//   treat     1 = treated, 0 = control, per unit.
//   exact     empty, or one integer code per unit (any values; units match
//             only within equal codes). Combine several categorical
//             covariates into one code before calling.
// Preconditions (Error otherwise): equal lengths, distance finite, treat 0/1,
//   ratio >= 1, a finite caliper value when a caliper is asked for, a
//   permutation of the treated units for MatchOrder::Given, and not exactly
//   two distinct distance values with a caliper (MatchIt's rule: a caliper
//   cannot be used on a binary variable).
//
// Outputs (MatchingResult): the pairs (indices are 0-based positions in the
//   input), ordered by treated unit in data order then by round, with
//   MatchIt's subclass numbers; matched/unmatched counts per group; unmatched
//   treated units; per-unit subclass and MatchIt's matching weights; the
//   caliper applied in the distance's own units and a sentence saying on
//   which scale; warnings (MatchIt's, plus degenerate inputs).
//
// Degenerate inputs (no treated or no control units, no stratum holding both,
//   no control within the caliper of any treated unit) give an empty
//   matching with a warning. MatchIt stops with an error in those cases; here
//   the caller gets the reason and an empty matched set instead.
//
// Cost: O(n log n) to sort, then each match is found through "next available
//   control" pointers with path compression (near-constant amortised), so
//   200,000 units take a fraction of a second.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "stats/flag.h"

namespace localsurv {

// The order in which treated units choose (MatchIt's m.order).
enum class MatchOrder {
  Largest,   // decreasing distance (MatchIt's default for ATT)
  Smallest,  // increasing distance
  Data,      // as the units appear in the input
  Random,    // a permutation drawn from `seed` (splitmix64; the same on every platform)
  Given,     // `given_order` (e.g. the order R's sample.int drew, for comparisons)
};

// What `distance` is, for validation and for the caliper's description.
enum class DistanceScale {
  PropensityScore,  // probabilities in (0, 1): MatchIt link = "logit"
  LinearLogit,      // log-odds of the propensity score: link = "linear.logit"
  Other,            // any user-supplied score
};

// The unit of Options::caliper. MatchIt's std.caliper = TRUE is
// StandardDeviations (the SD of `distance` over all units, n - 1), FALSE is
// DistanceUnits. The scales issue 3 lists map to:
//   no caliper                 -> None
//   raw propensity score       -> PropensityScore + DistanceUnits
//   SD of the propensity score -> PropensityScore + StandardDeviations
//   SD of logit(score)         -> LinearLogit + StandardDeviations
enum class CaliperUnit { None, DistanceUnits, StandardDeviations };

struct MatchingOptions {
  int ratio = 1;         // controls per treated unit (MatchIt ratio)
  bool replace = false;  // a control may be matched to several treated units
  MatchOrder order = MatchOrder::Largest;
  std::uint64_t seed = 20240101;         // MatchOrder::Random only
  std::vector<std::size_t> given_order;  // MatchOrder::Given: k-th treated unit (0-based,
                                         // counting treated units in data order) per step
  DistanceScale distance_scale = DistanceScale::PropensityScore;
  CaliperUnit caliper_unit = CaliperUnit::None;
  double caliper = 0;  // in caliper_unit; MatchIt takes |caliper|
};

struct MatchingResult {
  // One entry per matched (treated, control) pair, parallel vectors.
  std::vector<std::size_t> pair_treated;
  std::vector<std::size_t> pair_control;
  // MatchIt's subclass of the pair (1-based). MatchIt numbers subclasses by
  // sorting the matched treated units' 1-based row numbers as text ("10"
  // before "9"); reproduced so subclass ids equal R's. 0 with replacement,
  // where MatchIt defines no subclasses.
  std::vector<int> pair_subclass;

  std::vector<std::size_t> unmatched_treated;  // 0-based, data order
  std::vector<int> unit_subclass;              // per unit; 0 = not in any subclass
  // MatchIt's weights (ATT): treated 1 if matched; a control gets the sum of
  // 1/(controls of its treated unit) over its matches, rescaled so matched
  // control weights sum to the number of matched controls; 0 if unmatched.
  std::vector<double> weights;

  std::size_t n_treated = 0, n_control = 0;
  std::size_t n_matched_treated = 0, n_matched_control = 0;  // distinct units
  std::size_t n_unmatched_treated = 0, n_unmatched_control = 0;
  std::size_t n_pairs = 0;

  bool caliper_used = false;
  double caliper_absolute = 0;  // in distance units (NaN when no caliper)
  double distance_sd = 0;       // SD of distance over all units (n - 1)
  std::string caliper_description;
  std::vector<std::size_t> treated_order;  // treated units (0-based data positions) as visited
  std::vector<Flag> warnings;
};

MatchingResult nearest_neighbor_match(const std::vector<double>& distance,
                                      const std::vector<int>& treat, const std::vector<int>& exact,
                                      const MatchingOptions& options = {});

// log(p / (1 - p)) per score, for a linear-logit distance when no linear
// predictor is at hand. It can differ from glm's linear predictor in the last
// bits, which can reorder units whose scores tie; pass the model's linear
// predictor for exact parity with MatchIt.
std::vector<double> logit_scores(const std::vector<double>& propensity);

// The permutation MatchOrder::Random uses: positions 0..n-1 shuffled by a
// splitmix64 stream from `seed` (Fisher-Yates, unbiased bounded draws).
std::vector<std::size_t> random_permutation(std::size_t n, std::uint64_t seed);

}  // namespace localsurv
