#include "stats/cutpoint.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "error.h"
#include "stats/distributions.h"
#include "stats/not_estimable.h"
#include "stats/rng.h"

namespace localsurv {
namespace {

struct Complete {
  std::vector<double> time;
  std::vector<int> status;
  std::vector<double> x;
  std::size_t n_missing = 0;
};

// Validates and drops rows with a missing entry, as model.frame's na.omit.
Complete complete_rows(const char* function, const std::vector<double>& time,
                       const std::vector<int>& status, const std::vector<double>& x) {
  check_same_size(function, "time", time, "status", status);
  check_same_size(function, "time", time, "x", x);
  // NaN and a negative status are missing values, not errors.
  const auto not_infinite = [](double v) { return !std::isinf(v); };
  check_each(function, "time", time, not_infinite, "survival times must be finite numbers");
  check_each(function, "x", x, not_infinite, "the variable to cut must hold finite numbers");
  check_each(
      function, "status", status, [](int s) { return s <= 1; },
      "the event indicator must be 0 or 1");
  Complete c;
  for (std::size_t i = 0; i < time.size(); ++i) {
    if (std::isnan(time[i]) || status[i] < 0 || std::isnan(x[i])) {
      ++c.n_missing;
      continue;
    }
    c.time.push_back(time[i]);
    c.status.push_back(status[i]);
    c.x.push_back(x[i]);
  }
  return c;
}

std::vector<std::size_t> stable_order(const std::vector<double>& v) {
  std::vector<std::size_t> o(v.size());
  std::iota(o.begin(), o.end(), std::size_t{0});
  std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  return o;
}

}  // namespace

std::vector<double> log_rank_scores(const std::vector<double>& time,
                                    const std::vector<int>& status) {
  check_same_size("log_rank_scores", "time", time, "status", status);
  const std::size_t n = time.size();
  std::vector<double> scores(n);
  const std::vector<std::size_t> o = stable_order(time);
  double cumulative = 0.0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && time[o[j + 1]] == time[o[i]]) ++j;
    // Every member of a tied run shares the highest rank j + 1, so every
    // death in it is divided by N - (j + 1) + 1.
    const double denominator = static_cast<double>(n - j);
    for (std::size_t k = i; k <= j; ++k) cumulative += status[o[k]] / denominator;
    for (std::size_t k = i; k <= j; ++k) scores[o[k]] = status[o[k]] - cumulative;
    i = j + 1;
  }
  return scores;
}

double p_lausen94(double b, std::size_t n, const std::vector<std::size_t>& m) {
  const double N = static_cast<double>(n);
  double d = 0.0;
  if (m.size() > 1) {
    const double bb = b * b;
    const double weight = std::exp(-bb / 2.0) / 3.141592653589793238462643383280;
    for (std::size_t i = 0; i + 1 < m.size(); ++i) {
      const double m1 = static_cast<double>(m[i]), m2 = static_cast<double>(m[i + 1]);
      const double t = std::sqrt(1.0 - m1 * (N - m2) / ((N - m1) * m2));
      d += weight * (t - (bb / 4.0 - 1.0) * (t * t * t) / 6.0);
    }
  }
  // R's own expression, cancellation included, so extreme b gives R's number.
  return 1.0 - (normal_cdf(b) - normal_cdf(-b)) + d;
}

MaxstatResult maxstat_log_rank(const std::vector<double>& time, const std::vector<int>& status,
                               const std::vector<double>& x, const MaxstatOptions& options) {
  const char* fn = "maxstat_log_rank";
  check(options.minprop >= 0.0 && options.minprop < options.maxprop && options.maxprop <= 1.0, fn,
        "minprop/maxprop", "must satisfy 0 <= minprop < maxprop <= 1");
  check(options.pmethod != MaxstatPMethod::CondMC || options.mc_replicates > 0, fn, "mc_replicates",
        "must be at least 1");
  Complete c = complete_rows(fn, time, status, x);
  MaxstatResult r;
  r.n_missing = c.n_missing;
  const std::size_t n = c.x.size();
  r.n = n;
  if (n == 0) throw Error("maxstat_log_rank: no patient has time, status and x all recorded", "x");
  for (int s : c.status) r.nevent += static_cast<std::size_t>(s);
  r.scores = log_rank_scores(c.time, c.status);

  const std::vector<std::size_t> o = stable_order(c.x);
  const double N = static_cast<double>(n);
  // Candidate counts: m = #(x < v) at each distinct v, as maxstat's
  // which(!duplicated(sort(x))) - 1; the cut is the value just below v.
  std::vector<std::size_t> all_m;
  std::vector<double> all_cut;
  for (std::size_t i = 0; i < n; ++i)
    if (i == 0 || c.x[o[i]] != c.x[o[i - 1]]) {
      all_m.push_back(i);
      all_cut.push_back(i == 0 ? kNaN : c.x[o[i - 1]]);
    }
  std::vector<std::size_t> idx;  // positions in all_m kept
  if (options.minprop == 0.0 && options.maxprop == 1.0) {
    // maxstat drops the first and the last entry here (so never cuts at the
    // second-largest value).
    if (all_m.size() < 3)
      throw Error("maxstat_log_rank: x needs at least 3 distinct values with minprop 0, maxprop 1",
                  "x");
    for (std::size_t k = 1; k + 1 < all_m.size(); ++k) idx.push_back(k);
  } else {
    const double lo_f = std::floor(N * options.minprop), hi_f = std::floor(N * options.maxprop);
    bool any_ge_lo = false;
    for (std::size_t m : all_m) any_ge_lo = any_ge_lo || static_cast<double>(m) >= lo_f;
    if (!any_ge_lo)
      throw Error(
          "maxstat_log_rank: x takes too few distinct values to cut: no value leaves at least " +
              std::to_string(static_cast<long>(lo_f)) + " of " + std::to_string(n) +
              " patients below it (R: minprop too large)",
          "x");
    const double lo = std::max(1.0, lo_f);
    for (std::size_t k = 0; k < all_m.size(); ++k) {
      const double m = static_cast<double>(all_m[k]);
      if (m >= lo && m <= hi_f) idx.push_back(k);
    }
    if (idx.empty())
      throw Error(
          "maxstat_log_rank: no cut of x leaves between minprop and maxprop of the patients on "
          "each side (R: no data between minprop, maxprop); x has too few distinct values",
          "x");
  }

  double ss = 0.0, ss2 = 0.0;
  for (double s : r.scores) {
    ss += s;
    ss2 += s * s;
  }
  double smin = r.scores[0], smax = r.scores[0];
  for (double s : r.scores) smin = std::min(smin, s), smax = std::max(smax, s);
  const bool degenerate = smin == smax;
  if (r.nevent == 0)
    r.warnings.push_back(Flag("no events: the log-rank statistic is undefined at every cut"));
  else if (degenerate)
    r.warnings.push_back(
        Flag("all log-rank scores are equal (every event at one time, nobody censored): the "
             "statistic is undefined at every cut"));

  const double spread = N * ss2 - ss * ss;
  std::vector<double> expect, sd;
  double cum = 0.0;
  std::size_t pos = 0;
  for (std::size_t k : idx) {
    const std::size_t m = all_m[k];
    for (; pos < m; ++pos) cum += r.scores[o[pos]];
    const double md = static_cast<double>(m);
    const double e = md / N * ss;
    const double v = md * (N - md) / (N * N * (N - 1.0)) * spread;
    const double stat = degenerate ? kNaN : std::fabs((cum - e) / std::sqrt(v));
    r.m.push_back(m);
    r.cuts.push_back(all_cut[k]);
    r.statistics.push_back(stat);
    expect.push_back(e);
    sd.push_back(std::sqrt(v));
  }

  r.p_lau94_raw = kNaN;
  if (degenerate) {
    r.statistic = r.cutpoint = r.p = kNaN;
    return r;
  }
  std::size_t best = 0;
  for (std::size_t k = 1; k < r.statistics.size(); ++k)
    if (r.statistics[k] > r.statistics[best]) best = k;
  r.statistic = r.statistics[best];
  r.cutpoint = r.cuts[best];
  r.n_low = r.m[best];
  r.n_high = n - r.n_low;

  switch (options.pmethod) {
    case MaxstatPMethod::None:
      r.p = kNaN;
      break;
    case MaxstatPMethod::Lau94:
      r.p_lau94_raw = p_lausen94(r.statistic, n, r.m);
      r.p = std::min(1.0, std::max(0.0, r.p_lau94_raw));
      break;
    case MaxstatPMethod::CondMC: {
      SplitMix64 rng{options.seed};
      std::vector<double> w(n);
      for (std::size_t i = 0; i < n; ++i) w[i] = r.scores[o[i]];
      const double threshold = r.statistic * (1.0 + options.mc_tolerance);
      const std::size_t m_last = r.m.back();
      long exceed = 0;
      for (int b = 0; b < options.mc_replicates; ++b) {
        // A partial Fisher-Yates shuffle: only the first m_last positions
        // matter, and w stays a permutation of the scores across replicates.
        double sum = 0.0;
        std::size_t k = 0;
        for (std::size_t j = 0; j < m_last; ++j) {
          std::swap(w[j], w[j + rng.below(n - j)]);
          sum += w[j];
          if (j + 1 == r.m[k]) {
            if (std::fabs((sum - expect[k]) / sd[k]) > threshold) {
              ++exceed;
              break;
            }
            ++k;
          }
        }
      }
      r.mc_replicates = options.mc_replicates;
      r.p = static_cast<double>(exceed) / options.mc_replicates;
      break;
    }
  }
  return r;
}

YoudenResult youden_cutpoint(const std::vector<double>& time, const std::vector<int>& status,
                             const std::vector<double>& x, const YoudenOptions& options) {
  const char* fn = "youden_cutpoint";
  check(!std::isnan(options.horizon), fn, "horizon", "must be a number (or infinity for none)");
  Complete c = complete_rows(fn, time, status, x);
  YoudenResult r;
  r.n_missing = c.n_missing;
  std::vector<double> xs;
  std::vector<int> y;
  const bool at_horizon = std::isfinite(options.horizon);
  for (std::size_t i = 0; i < c.x.size(); ++i) {
    int outcome = c.status[i];
    if (at_horizon) {
      if (c.time[i] < options.horizon && c.status[i] == 0) {
        ++r.n_excluded_censored;
        continue;
      }
      outcome = (c.status[i] == 1 && c.time[i] <= options.horizon) ? 1 : 0;
    }
    xs.push_back(c.x[i]);
    y.push_back(outcome);
  }
  r.n = xs.size();
  for (int v : y) r.n_cases += static_cast<std::size_t>(v);
  r.n_controls = r.n - r.n_cases;
  r.auc = r.threshold = r.cutpoint = r.sensitivity = r.specificity = r.youden = kNaN;
  if (r.n_cases == 0 || r.n_controls == 0) {
    r.warnings.push_back(r.n_cases == 0
                             ? Flag(FlagCode::RocNoCases, "no cases (events): the ROC is undefined")
                             : Flag(FlagCode::RocNoControls, "no controls: the ROC is undefined"));
    return r;
  }
  const std::vector<std::size_t> o = stable_order(xs);
  // Distinct values ascending with cases/controls at each.
  std::vector<double> value;
  std::vector<std::int64_t> cases, controls;
  for (std::size_t i = 0; i < o.size(); ++i) {
    if (i == 0 || xs[o[i]] != xs[o[i - 1]]) {
      value.push_back(xs[o[i]]);
      cases.push_back(0);
      controls.push_back(0);
    }
    (y[o[i]] ? cases : controls).back() += 1;
  }
  const std::int64_t n1 = static_cast<std::int64_t>(r.n_cases);
  const std::int64_t n0 = static_cast<std::int64_t>(r.n_controls);
  // AUC = P(x_case > x_control) + P(equal)/2, from counts below each value.
  double auc_num = 0.0;
  std::int64_t controls_below = 0;
  for (std::size_t k = 0; k < value.size(); ++k) {
    auc_num += static_cast<double>(cases[k]) *
               (static_cast<double>(controls_below) + 0.5 * static_cast<double>(controls[k]));
    controls_below += controls[k];
  }
  r.auc = auc_num / (static_cast<double>(n1) * static_cast<double>(n0));
  r.higher_is_event = r.auc > 0.5;

  // Scanning thresholds from the top, TP/FP = cases/controls with x >= u.
  // J compared exactly as tp*n0 - fp*n1 (integers) so mathematical ties are
  // ties; the first met (highest threshold) wins, as which.max in ROCit's
  // decreasing order. The +Inf threshold (J = 0) comes first in that order.
  const std::size_t kd = value.size();
  r.thresholds = value;
  r.j.assign(kd, 0.0);
  std::int64_t tp = 0, fp = 0;
  std::int64_t best_score = 0;  // the +Inf threshold
  long best = -1;
  const int sign = r.higher_is_event ? 1 : -1;
  std::vector<std::int64_t> tp_at(kd), fp_at(kd);
  for (std::size_t kk = kd; kk-- > 0;) {
    tp += cases[kk];
    fp += controls[kk];
    tp_at[kk] = tp;
    fp_at[kk] = fp;
    r.j[kk] = static_cast<double>(tp) / n1 - static_cast<double>(fp) / n0;
    const std::int64_t score = sign * (tp * n0 - fp * n1);
    if (score > best_score) {
      best_score = score;
      best = static_cast<long>(kk);
    }
  }
  if (best < 0) {
    r.warnings.push_back(Flag(
        FlagCode::NoYoudenCut,
        "no threshold of x separates cases from controls better than chance: no Youden cutpoint"));
    return r;
  }
  const double tpr = static_cast<double>(tp_at[best]) / n1;
  const double fpr = static_cast<double>(fp_at[best]) / n0;
  r.threshold = value[best];
  r.cutpoint = best > 0 ? value[best - 1] : kNaN;
  if (r.higher_is_event) {
    r.sensitivity = tpr;
    r.specificity = 1.0 - fpr;
  } else {
    r.sensitivity = 1.0 - tpr;
    r.specificity = fpr;
  }
  r.youden = r.sensitivity + r.specificity - 1.0;
  return r;
}

MedianSplitResult median_split(const std::vector<double>& x) {
  check_each(
      "median_split", "x", x, [](double v) { return !std::isinf(v); },
      "the variable must be finite");
  MedianSplitResult r;
  std::vector<double> v;
  for (double xi : x) {
    if (std::isnan(xi)) {
      ++r.n_missing;
      continue;
    }
    v.push_back(xi);
  }
  r.n = v.size();
  if (v.empty()) {
    r.cutpoint = kNaN;
    r.warnings.push_back(
        Flag(FlagCode::MedianNoValues, "no recorded values of x: the median is undefined"));
    return r;
  }
  const std::size_t half = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + half, v.end());
  double upper = v[half];
  if (v.size() % 2 == 1) {
    r.cutpoint = upper;
  } else {
    const double lower = *std::max_element(v.begin(), v.begin() + half);
    r.cutpoint = (lower + upper) / 2.0;
  }
  for (double xi : v) (xi > r.cutpoint ? r.n_high : r.n_low) += 1;
  if (r.n_high == 0)
    r.warnings.push_back(
        Flag("more than half the patients share the largest value: nobody is above the median"));
  return r;
}

}  // namespace localsurv
