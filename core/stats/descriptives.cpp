#include "stats/descriptives.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "error.h"
#include "stats/not_estimable.h"

namespace localsurv {

namespace {

double quantile7(const double* sorted, std::size_t n, double p) {
  if (n == 0) return kNaN;
  check(p >= 0 && p <= 1, "quantile_type7", "p", "must be between 0 and 1");
  // R: index = 1 + (n - 1) p (1-based, kept so the weight index - lo rounds
  // as R's does); interpolate (1 - h) x[lo] + h x[hi] unless they are equal.
  const double index = 1 + static_cast<double>(n - 1) * p;
  const double lo = std::floor(index);
  const double hi = std::ceil(index);
  const double q = sorted[static_cast<std::size_t>(lo) - 1];
  const double qh = sorted[static_cast<std::size_t>(hi) - 1];
  if (index > lo && qh != q) {
    const double w = index - lo;
    return (1 - w) * q + w * qh;
  }
  return q;
}

void check_groups(const char* fn, std::size_t n_values, const std::vector<int>& group,
                  int n_groups) {
  check(n_groups >= 0, fn, "n_groups", "must be >= 0");
  if (group.empty()) return;
  check_count(fn, "group", group.size(), "codes", "the values", n_values, "entries");
  check_each(
      fn, "group", group, [n_groups](int g) { return g >= -1 && g < n_groups; },
      "a group code lies between 0 and " + std::to_string(n_groups - 1) + " (-1 = missing)");
}

// Summary of one group's sorted non-missing values.
NumericSummary summarise(const double* x, std::size_t n, std::size_t missing,
                         const DescriptivesOptions& o) {
  NumericSummary s;
  s.n = n;
  s.missing = missing;
  if (n == 0) {
    s.mean = s.sd = s.median = s.q1 = s.q3 = s.min = s.max = kNaN;
    return s;
  }
  // R's mean: the sum / n, then corrected by the mean residual (two passes),
  // which keeps large offsets (e.g. dates) from losing digits.
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  double mean = sum / static_cast<double>(n);
  double resid = 0;
  for (std::size_t i = 0; i < n; ++i) resid += x[i] - mean;
  mean += resid / static_cast<double>(n);
  s.mean = mean;
  if (n >= 2) {
    double ss = 0;
    for (std::size_t i = 0; i < n; ++i) ss += (x[i] - mean) * (x[i] - mean);
    s.sd = std::sqrt(ss / static_cast<double>(n - 1));
  } else {
    s.sd = kNaN;
  }
  s.min = x[0];
  s.max = x[n - 1];
  // median(): the middle value, or the mean of the middle two.
  s.median = n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
  s.q1 = quantile7(x, n, o.q1_prob);
  s.q3 = quantile7(x, n, o.q3_prob);
  return s;
}

// Groups counted from 1 in the kernel's own words; the whole sample when
// `groups` is empty.
std::string who_of(const std::vector<int>& groups) {
  return groups.empty() ? "The whole sample" : "Group " + std::to_string(groups[0] + 1);
}

}  // namespace

double quantile_type7(const std::vector<double>& sorted, double p) {
  return quantile7(sorted.data(), sorted.size(), p);
}

NumericDescriptives describe_numeric(const std::vector<double>& values,
                                     const std::vector<int>& group, int n_groups,
                                     const DescriptivesOptions& o) {
  const char* fn = "describe_numeric";
  check_groups(fn, values.size(), group, n_groups);
  check_each(
      fn, "values", values, [](double v) { return !std::isinf(v); },
      "only finite numbers or missing");
  NumericDescriptives res;
  // One sort of (group, value) over non-missing rows gives every group's
  // sorted values as a contiguous run.
  std::vector<std::pair<int, double>> gv;
  gv.reserve(values.size());
  std::vector<std::size_t> missing(n_groups, 0);
  std::size_t missing_all = 0;
  std::vector<double> all;
  all.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int g = group.empty() ? -1 : group[i];
    if (std::isnan(values[i])) {
      ++missing_all;
      if (g >= 0) ++missing[g];
      continue;
    }
    all.push_back(values[i]);
    if (g >= 0) gv.push_back({g, values[i]});
  }
  std::sort(gv.begin(), gv.end());
  std::sort(all.begin(), all.end());
  std::vector<double> run;
  std::size_t a = 0;
  for (int g = 0; g < n_groups; ++g) {
    run.clear();
    while (a < gv.size() && gv[a].first == g) run.push_back(gv[a++].second);
    res.by_group.push_back(summarise(run.data(), run.size(), missing[g], o));
  }
  res.overall = summarise(all.data(), all.size(), missing_all, o);
  auto warn = [&](const NumericSummary& s, std::vector<int> groups) {
    const std::string who = who_of(groups);
    if (s.n == 0)
      res.warnings.push_back(group_flag(FlagCode::NoValues,
                                        who + " has no non-missing values: its statistics are NA.",
                                        std::move(groups)));
    else if (s.n == 1)
      res.warnings.push_back(group_flag(
          FlagCode::SingleValue, who + " has a single value: its SD is NA.", std::move(groups)));
  };
  for (int g = 0; g < n_groups; ++g) warn(res.by_group[g], {g});
  warn(res.overall, {});
  return res;
}

CategoricalDescriptives describe_categorical(const std::vector<int>& codes,
                                             const std::vector<std::string>& levels,
                                             const std::vector<int>& group, int n_groups) {
  const char* fn = "describe_categorical";
  check_groups(fn, codes.size(), group, n_groups);
  check(!levels.empty(), fn, "levels", "is empty: a categorical variable needs its levels");
  const int L = static_cast<int>(levels.size());
  check_each(
      fn, "codes", codes, [L](int c) { return c >= -1 && c < L; },
      "it is not a level (0.." + std::to_string(L - 1) + ") or -1 (missing)");
  CategoricalDescriptives res;
  res.levels = levels;
  CategoricalSummary empty;
  empty.counts.assign(L, 0);
  res.by_group.assign(n_groups, empty);
  res.overall = empty;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const int g = group.empty() ? -1 : group[i];
    CategoricalSummary* targets[2] = {&res.overall, g >= 0 ? &res.by_group[g] : nullptr};
    for (CategoricalSummary* s : targets) {
      if (!s) continue;
      if (codes[i] < 0)
        ++s->missing;
      else {
        ++s->n;
        ++s->counts[codes[i]];
      }
    }
  }
  auto finish = [&](CategoricalSummary& s, std::vector<int> groups) {
    s.percent.assign(L, kNaN);
    if (s.n == 0) {
      const std::string who = who_of(groups);
      res.warnings.push_back(group_flag(FlagCode::NoValuesToPercent,
                                        who + " has no non-missing values: its percentages are NA.",
                                        std::move(groups)));
      return;
    }
    for (int l = 0; l < L; ++l)
      s.percent[l] = 100.0 * static_cast<double>(s.counts[l]) / static_cast<double>(s.n);
  };
  for (int g = 0; g < n_groups; ++g) finish(res.by_group[g], {g});
  finish(res.overall, {});
  return res;
}

}  // namespace localsurv
