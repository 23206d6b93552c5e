#include "stats/matching.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>

#include "error.h"
#include "stats/double_double.h"
#include "stats/not_estimable.h"
#include "stats/rng.h"

namespace localsurv {

namespace {

constexpr const char* kMatchFn = "nearest_neighbor_match";

// R's var() (stats cov.c): the two-pass mean rounded to double, then the
// sum of squared deviations over n - 1, both accumulated (in R in long
// double) here in double-double, so a std.caliper equals MatchIt's to the
// last bit on every platform and units at the caliper's edge fall on the
// same side natively and in wasm.
double r_sd(const std::vector<double>& x) {
  const std::size_t n = x.size();
  if (n < 2) return kNaN;
  const double m = r_mean(x).value();
  DoubleDouble ss;
  for (double v : x) {
    const DoubleDouble d = DoubleDouble::difference(v, m);
    ss += DoubleDouble::product(d.hi, d.hi);
    ss += 2 * d.hi * d.lo;
  }
  return std::sqrt((ss / static_cast<double>(n - 1)).value());
}

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// "Next still-available control" on the sorted order, both directions, with
// path compression: each removal is O(1) and each query amortised
// near-constant, instead of rescanning runs of used controls.
struct Available {
  std::vector<std::size_t> right;  // right[p]: toward the first available q >= p; n = none
  std::vector<std::size_t> left;   // left[p + 1]: toward the last available q <= p; 0 = none
  explicit Available(std::size_t n) : right(n + 1), left(n + 1) {
    std::iota(right.begin(), right.end(), std::size_t(0));
    std::iota(left.begin(), left.end(), std::size_t(0));
  }
  void remove(std::size_t p) {
    right[p] = p + 1;
    left[p + 1] = p;
  }
  std::size_t find_right(std::size_t p) {  // first available >= p, or n
    std::size_t r = p;
    while (right[r] != r) r = right[r];
    while (right[p] != r) {
      std::size_t next = right[p];
      right[p] = r;
      p = next;
    }
    return r;
  }
  // last available <= p, as index + 1 (0 = none), p given as index + 1
  std::size_t find_left1(std::size_t p1) {
    std::size_t r = p1;
    while (left[r] != r) r = left[r];
    while (left[p1] != r) {
      std::size_t next = left[p1];
      left[p1] = r;
      p1 = next;
    }
    return r;
  }
};

bool contains(const std::vector<std::size_t>& v, std::size_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string scale_unit(DistanceScale s) {
  switch (s) {
    case DistanceScale::PropensityScore:
      return "on the propensity-score scale";
    case DistanceScale::LinearLogit:
      return "on the logit scale";
    default:
      return "in distance units";
  }
}

std::string scale_name(DistanceScale s) {
  switch (s) {
    case DistanceScale::PropensityScore:
      return "propensity score";
    case DistanceScale::LinearLogit:
      return "logit of the propensity score";
    default:
      return "distance";
  }
}

}  // namespace

std::vector<std::size_t> random_permutation(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> p(n);
  std::iota(p.begin(), p.end(), std::size_t(0));
  SplitMix64 rng{seed};
  for (std::size_t i = n; i > 1; --i) {
    std::size_t j = static_cast<std::size_t>(rng.below_top(i));
    std::swap(p[i - 1], p[j]);
  }
  return p;
}

std::vector<double> logit_scores(const std::vector<double>& propensity) {
  std::vector<double> out(propensity.size());
  check_each(
      "logit_scores", "propensity", propensity, [](double p) { return p > 0 && p < 1; },
      "a score of 0 or 1 (or outside) has no logit");
  for (std::size_t i = 0; i < propensity.size(); ++i)
    out[i] = std::log(propensity[i] / (1 - propensity[i]));
  return out;
}

MatchingResult nearest_neighbor_match(const std::vector<double>& distance,
                                      const std::vector<int>& treat, const std::vector<int>& exact,
                                      const MatchingOptions& options) {
  check_same_size(kMatchFn, "distance", distance, "treat", treat);
  if (!exact.empty()) check_same_size(kMatchFn, "exact", exact, "treat", treat);
  check_finite(kMatchFn, "distance", distance);
  check(options.ratio >= 1, kMatchFn, "ratio",
        "must be at least 1 control per treated unit (got " + std::to_string(options.ratio) + ")");
  const std::size_t n = distance.size();
  check_indicator(kMatchFn, "treat", treat,
                  "the treatment must be coded 1 (treated) or 0 (control)");
  if (options.distance_scale == DistanceScale::PropensityScore)
    check_each(
        kMatchFn, "distance", distance, [](double d) { return d >= 0 && d <= 1; },
        "a propensity score lies between 0 and 1; for another score say DistanceScale::Other or "
        "LinearLogit");

  MatchingResult res;
  std::vector<std::size_t> treated;  // data positions of treated units, data order
  for (std::size_t i = 0; i < n; ++i)
    if (treat[i] == 1) treated.push_back(i);
  const std::size_t n1 = treated.size();
  res.n_treated = n1;
  res.n_control = n - n1;
  res.unit_subclass.assign(n, 0);
  res.weights.assign(n, 0.0);
  res.caliper_absolute = kNaN;
  res.distance_sd = r_sd(distance);

  // --- Caliper, as MatchIt's process.caliper: |caliper|; a non-finite one, or
  // one on a constant distance, is dropped; none on a two-valued distance.
  if (options.caliper_unit != CaliperUnit::None) {
    double cal = options.caliper;
    check(!std::isnan(cal), kMatchFn, "caliper", "is missing (NaN); give a number or no caliper");
    std::vector<double> sorted = distance;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t distinct =
        static_cast<std::size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
    if (distinct == 2)
      throw Error(std::string(kMatchFn) +
                      ": a caliper cannot be used when the distance takes only two values (as "
                      "MatchIt); drop the caliper or use a score with more than two values",
                  "caliper");
    if (std::isinf(cal)) {
      res.warnings.push_back(Flag("The caliper is infinite, so no caliper was applied."));
    } else if (distinct <= 1) {
      res.warnings.push_back(
          Flag("Every unit has the same distance, so the caliper cannot separate them and was not "
               "applied."));
    } else {
      if (cal < 0)
        res.warnings.push_back(Flag("The caliper " + fmt(cal) +
                                    " is negative; its absolute value " + fmt(-cal) +
                                    " was used (as MatchIt does)."));
      cal = std::fabs(cal);
      res.caliper_used = true;
      const std::string scale = scale_name(options.distance_scale);
      if (options.caliper_unit == CaliperUnit::StandardDeviations) {
        res.caliper_absolute = cal * res.distance_sd;
        res.caliper_description = "caliper " + fmt(cal) + " standard deviations of the " + scale +
                                  " (SD " + fmt(res.distance_sd) + " over all " +
                                  std::to_string(n) + " units) = " + fmt(res.caliper_absolute) +
                                  " " + scale_unit(options.distance_scale);
      } else {
        res.caliper_absolute = cal;
        res.caliper_description = "caliper " + fmt(cal) + " " + scale_unit(options.distance_scale);
      }
    }
  }
  if (!res.caliper_used) res.caliper_description = "no caliper";

  // --- Processing order of treated units (indices into `treated`).
  std::vector<std::size_t> order(n1);
  std::iota(order.begin(), order.end(), std::size_t(0));
  // With replacement a treated unit's controls do not depend on the others.
  switch (options.order) {
    case MatchOrder::Largest:
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return distance[treated[a]] > distance[treated[b]];
      });
      break;
    case MatchOrder::Smallest:
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return distance[treated[a]] < distance[treated[b]];
      });
      break;
    case MatchOrder::Data:
      break;
    case MatchOrder::Random:
      order = random_permutation(n1, options.seed);
      break;
    case MatchOrder::Given: {
      check(options.given_order.size() == n1, kMatchFn, "given_order",
            "must list each of the " + std::to_string(n1) + " treated units once (got " +
                std::to_string(options.given_order.size()) + ")");
      std::vector<char> seen(n1, 0);
      for (std::size_t k : options.given_order) {
        check(k < n1 && !seen[k], kMatchFn, "given_order",
              "is not a permutation of the treated units 0.." + std::to_string(n1) + "-1");
        seen[k] = 1;
      }
      order = options.given_order;
      break;
    }
  }
  for (std::size_t k : order) res.treated_order.push_back(treated[k]);

  // --- Warnings MatchIt gives before matching (only without replacement).
  bool any_stratum_with_both = n1 > 0 && n1 < n;
  if (n1 == 0 || n1 == n) {
    res.warnings.push_back(
        group_flag(FlagCode::NoArmUnits,
                   n1 == 0 ? "There are no treated units, so nothing can be matched."
                           : "There are no control units, so nothing can be matched.",
                   {n1 == 0 ? 1 : 0}));
  }
  std::vector<std::size_t> by(n);  // units sorted by (stratum, distance), stable
  std::iota(by.begin(), by.end(), std::size_t(0));
  if (exact.empty()) {
    std::stable_sort(by.begin(), by.end(),
                     [&](std::size_t a, std::size_t b) { return distance[a] < distance[b]; });
  } else {
    std::stable_sort(by.begin(), by.end(), [&](std::size_t a, std::size_t b) {
      if (exact[a] != exact[b]) return exact[a] < exact[b];
      return distance[a] < distance[b];
    });
  }
  // Stratum range [lo, hi) of each sorted position.
  std::vector<std::size_t> lo(n), hi(n);
  bool fewer_somewhere = false, short_of_ratio = false;
  any_stratum_with_both = false;
  for (std::size_t s = 0; s < n;) {
    std::size_t e = s;
    std::size_t t1 = 0;
    while (e < n && (exact.empty() || exact[by[e]] == exact[by[s]])) t1 += treat[by[e++]] == 1;
    const std::size_t t0 = (e - s) - t1;
    for (std::size_t p = s; p < e; ++p) lo[p] = s, hi[p] = e;
    if (t1 > 0 && t0 > 0) any_stratum_with_both = true;
    if (t1 > 0 && t0 < t1) fewer_somewhere = true;
    if (t1 > 0 && t0 < t1 * static_cast<std::size_t>(options.ratio)) short_of_ratio = true;
    s = e;
  }
  if (n1 > 0 && n1 < n && !options.replace) {
    const std::string in_strata = exact.empty() ? "" : " in some 'exact' strata";
    if (fewer_somewhere)
      res.warnings.push_back(
          Flag(exact.empty() ? FlagCode::FewerControls : FlagCode::FewerControlsInStrata,
               "Fewer control units than treated units" + in_strata +
                   "; not all treated units will get a match."));
    if (options.ratio > 1 && short_of_ratio && (!exact.empty() || !fewer_somewhere)) {
      Flag f(FlagCode::ShortOfRatio,
             "Not all treated units will get " + std::to_string(options.ratio) + " matches.");
      f.counts = {static_cast<std::size_t>(options.ratio)};
      res.warnings.push_back(std::move(f));
    }
  }
  if (n1 > 0 && n1 < n && !any_stratum_with_both)
    res.warnings.push_back(
        Flag(FlagCode::NoExactStratum,
             "No exact-match stratum holds both treated and control units, so no matches were "
             "found."));

  // --- Greedy matching.
  std::vector<std::size_t> pos(n);
  for (std::size_t p = 0; p < n; ++p) pos[by[p]] = p;
  std::vector<double> ds(n);
  for (std::size_t p = 0; p < n; ++p) ds[p] = distance[by[p]];
  Available avail(n);
  for (std::size_t p = 0; p < n; ++p)
    if (treat[by[p]] == 1) avail.remove(p);
  const double cal = res.caliper_used ? res.caliper_absolute : kNaN;
  std::vector<std::vector<std::size_t>> mm(n1);  // sorted positions of each treated's controls
  std::size_t remaining = n - n1;                // controls still available (no replacement)

  // No treated unit can take more distinct controls than there are.
  const std::size_t rounds = std::min(static_cast<std::size_t>(options.ratio), n - n1);
  for (std::size_t r = 0; r < rounds && remaining > 0 && any_stratum_with_both; ++r) {
    for (std::size_t k : order) {
      if (remaining == 0) break;
      const std::size_t p = pos[treated[k]];
      const double dt = ds[p];
      std::vector<std::size_t>& mine = mm[k];
      if (mine.size() < r) continue;  // fell short in an earlier round
      // Nearest available control below, skipping this unit's own controls.
      std::size_t left = n, right = n;
      std::size_t q1 = avail.find_left1(p);  // last available <= p - 1, as index + 1
      while (q1 > lo[p] && contains(mine, q1 - 1)) q1 = avail.find_left1(q1 - 1);
      if (q1 > lo[p] && !(std::fabs(dt - ds[q1 - 1]) > cal)) left = q1 - 1;
      std::size_t q = avail.find_right(p + 1);
      while (q < hi[p] && contains(mine, q)) q = avail.find_right(q + 1);
      if (q < hi[p] && !(std::fabs(dt - ds[q]) > cal)) right = q;
      std::size_t pick;
      if (left != n && right != n)
        pick = std::fabs(ds[left] - dt) <= std::fabs(ds[right] - dt) ? left : right;
      else if (left != n)
        pick = left;
      else if (right != n)
        pick = right;
      else
        continue;
      mine.push_back(pick);
      if (!options.replace) {
        avail.remove(pick);
        --remaining;
      }
    }
  }

  // --- Pairs, subclasses, counts, weights.
  std::vector<std::size_t> matched_k;  // treated with at least one control, data order
  for (std::size_t k = 0; k < n1; ++k) {
    if (mm[k].empty())
      res.unmatched_treated.push_back(treated[k]);
    else
      matched_k.push_back(k);
  }
  std::vector<int> subclass_of_k(n1, 0);
  if (!options.replace) {
    // MatchIt makes a factor of the treated units' row numbers as text; its
    // levels, hence the subclass numbers, follow text order ("10" < "9").
    std::vector<std::pair<std::string, std::size_t>> labels;
    labels.reserve(matched_k.size());
    for (std::size_t k : matched_k) labels.emplace_back(std::to_string(treated[k] + 1), k);
    std::sort(labels.begin(), labels.end());
    for (std::size_t s = 0; s < labels.size(); ++s)
      subclass_of_k[labels[s].second] = static_cast<int>(s + 1);
  }
  std::vector<double> control_weight(n, 0.0);
  for (std::size_t k : matched_k) {
    const std::size_t t = treated[k];
    res.weights[t] = 1.0;
    res.unit_subclass[t] = subclass_of_k[k];
    for (std::size_t p : mm[k]) {
      const std::size_t c = by[p];
      res.pair_treated.push_back(t);
      res.pair_control.push_back(c);
      res.pair_subclass.push_back(subclass_of_k[k]);
      res.unit_subclass[c] = subclass_of_k[k];
      control_weight[c] += 1.0 / static_cast<double>(mm[k].size());
    }
  }
  double wsum = 0;
  std::size_t nc = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (treat[i] == 0 && control_weight[i] > 0) wsum += control_weight[i], ++nc;
  for (std::size_t i = 0; i < n; ++i)
    if (treat[i] == 0 && control_weight[i] > 0)
      res.weights[i] = control_weight[i] * static_cast<double>(nc) / wsum;
  res.n_pairs = res.pair_treated.size();
  res.n_matched_treated = matched_k.size();
  res.n_unmatched_treated = n1 - matched_k.size();
  res.n_matched_control = nc;
  res.n_unmatched_control = res.n_control - nc;
  if (n1 > 0 && n1 < n && any_stratum_with_both && matched_k.empty())
    res.warnings.push_back(
        Flag(FlagCode::NoneWithinCaliper,
             "No treated unit has a control within the caliper, so nothing was matched; widen the "
             "caliper."));
  return res;
}

}  // namespace localsurv
