#include "stats/balance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "error.h"
#include "stats/not_estimable.h"

namespace localsurv {

namespace {

// MatchIt's wvar over the rows `idx` with weights w (nullptr = all 1):
// p(1 - p) for binary columns, else the reliability-weights variance, which
// is what keeps weights 0/1 equal to the n-1 variance of the matched units.
double weighted_variance(const Eigen::MatrixXd& x, Eigen::Index col, const std::vector<int>& idx,
                         const std::vector<double>* w, bool binary) {
  double total = 0;
  for (int i : idx) total += w ? (*w)[std::size_t(i)] : 1.0;
  double mean = 0, sum_w2 = 0;
  for (int i : idx) {
    double wi = (w ? (*w)[std::size_t(i)] : 1.0) / total;
    mean += wi * x(i, col);
    sum_w2 += wi * wi;
  }
  if (idx.empty()) mean = 0;  // R: sum() of nothing
  if (binary) return mean * (1 - mean);
  double ss = 0;
  for (int i : idx) {
    double wi = (w ? (*w)[std::size_t(i)] : 1.0) / total;
    double d = x(i, col) - mean;
    ss += wi * d * d;
  }
  return ss / (1 - sum_w2);
}

// MatchIt's fallback when the treated SD is (near) zero: pooled_sd(...,
// contribution = "proportional") with unit weights over every row.
double pooled_fallback_sd(const Eigen::MatrixXd& x, Eigen::Index col,
                          const std::vector<int>& treated, const std::vector<int>& control,
                          bool binary) {
  const double n = double(treated.size() + control.size());
  double var = 0;
  if (binary) {
    for (const auto* g : {&treated, &control}) {
      if (g->empty()) continue;
      double s = 0;
      for (int i : *g) s += x(i, col);
      var += s * (1 - s / double(g->size())) / n;
    }
  } else {
    double ss = 0;
    for (const auto* g : {&treated, &control}) {
      if (g->empty()) continue;
      double m = 0;
      for (int i : *g) m += x(i, col);
      m /= double(g->size());
      for (int i : *g) ss += (x(i, col) - m) * (x(i, col) - m);
    }
    // Unit weights normalised to 1/n: sum(w x^2) / (1 - sum(w^2)) = ss / (n - 1).
    var = (ss / n) / (1 - 1 / n);
  }
  return std::sqrt(var);
}

// MatchIt's qqsum(standardize = TRUE): |F_t - F_c| at every distinct value of
// the column over ALL rows (zero-weight rows add grid points but no mass).
void ecdf_differences(const Eigen::MatrixXd& x, Eigen::Index col, const std::vector<int>& treat,
                      const std::vector<double>& w, double total_t, double total_c,
                      std::vector<int>& order, double& mean, double& max) {
  const std::size_t n = treat.size();
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return x(a, col) < x(b, col); });
  double cum = 0, sum = 0, worst = 0;
  std::size_t points = 0;
  bool nan = false;
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t i = std::size_t(order[k]);
    cum += treat[i] == 1 ? w[i] / total_t : -w[i] / total_c;
    if (k + 1 < n && x(order[k + 1], col) == x(order[k], col)) continue;  // end of tie run only
    double d = std::fabs(cum);
    if (std::isnan(d)) nan = true;
    sum += d;
    worst = std::max(worst, d);
    ++points;
  }
  mean = nan || points == 0 ? kNaN : sum / double(points);
  max = nan || points == 0 ? kNaN : worst;
}

}  // namespace

BalanceResult balance(const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                      const std::vector<bool>& factor_level, const std::vector<int>& treat,
                      const std::vector<double>& weights, const BalanceOptions& options) {
  const char* fn = "balance";
  const std::size_t n = std::size_t(x.rows());
  const Eigen::Index p = x.cols();
  check_count(fn, "names", names.size(), "names", "x", std::size_t(p), "columns");
  if (!factor_level.empty())
    check_count(fn, "factor_level", factor_level.size(), "flags", "x", std::size_t(p), "columns");
  check_count(fn, "treat", treat.size(), "values", "x", n, "rows");
  check_count(fn, "weights", weights.size(), "values", "x", n, "rows");
  check_indicator(fn, "treat", treat, "the treatment must be 0 or 1");
  check_each(
      fn, "weights", weights, [](double w) { return std::isfinite(w) && w >= 0; },
      "weights must be finite and not negative");
  check_finite_cells(fn, "covariate", x, names, "drop incomplete rows before comparing groups");

  BalanceResult r;
  std::vector<int> treated, control;
  for (std::size_t i = 0; i < n; ++i) {
    (treat[i] == 1 ? treated : control).push_back(int(i));
    if (weights[i] > 0) (treat[i] == 1 ? r.n_treated : r.n_control)++;
    (treat[i] == 1 ? r.sum_weights_treated : r.sum_weights_control) += weights[i];
  }
  // MatchIt leaves SMD, variance ratio and eCDF undefined only when BOTH
  // groups are this small (its `&&`).
  const bool too_small = r.n_treated < 2 && r.n_control < 2;
  if (r.n_treated == 0 || r.n_control == 0)
    r.warnings.push_back(
        group_flag(FlagCode::EmptyArmInSample,
                   std::string("no ") + (r.n_treated == 0 ? "treated" : "control") +
                       " unit is in the sample (weight > 0): the groups cannot be compared",
                   {r.n_treated == 0 ? 1 : 0}));
  else if (too_small)
    r.warnings.push_back(
        Flag(FlagCode::BalanceTooSmall,
             "fewer than two units in each group: standardized differences, variance ratios and "
             "eCDF statistics are not available"));

  std::vector<int> order(n);
  for (Eigen::Index j = 0; j < p; ++j) {
    ColumnBalance c;
    c.name = names[std::size_t(j)];
    c.binary = true;
    for (std::size_t i = 0; i < n && c.binary; ++i) {
      double v = x(Eigen::Index(i), j);
      c.binary = v == 0 || v == 1;
    }
    double sxt = 0, sxc = 0;
    for (int i : treated) sxt += weights[std::size_t(i)] * x(i, j);
    for (int i : control) sxc += weights[std::size_t(i)] * x(i, j);
    c.mean_treated = sxt / r.sum_weights_treated;  // 0/0 = NaN, as R's wm
    c.mean_control = sxc / r.sum_weights_control;
    const double diff = c.mean_treated - c.mean_control;

    c.denominator = kNaN;
    if (options.denominator == SmdDenominator::MatchItTreated) {
      if (std::isnan(diff)) {
        c.smd = kNaN;
        c.denominator_name = "none (a group is empty)";
      } else if (!(std::fabs(diff) > options.tolerance)) {
        c.smd = diff;
        c.denominator_name = "none: |difference| <= sqrt(machine epsilon), raw difference";
      } else if (too_small) {
        c.smd = kNaN;
        c.denominator_name = "none (fewer than two units in each group)";
      } else {
        double sd = std::sqrt(weighted_variance(x, j, treated, nullptr, c.binary));
        c.denominator_name = c.binary ? "sqrt(p(1-p)) of all treated before matching"
                                      : "SD (n-1) of all treated before matching";
        if (!std::isfinite(sd) || sd < options.tolerance) {
          sd = pooled_fallback_sd(x, j, treated, control, c.binary);
          c.denominator_name = c.binary
                                   ? "pooled sqrt(sum n_g p_g(1-p_g) / n) before matching "
                                     "(treated SD is zero)"
                                   : "pooled within-group SD (n-1) before matching (treated SD "
                                     "is zero)";
        }
        c.denominator = sd;
        c.smd = diff / sd;
      }
    } else {
      const bool proportion = factor_level.empty() ? c.binary : bool(factor_level[std::size_t(j)]);
      const double vt = weighted_variance(x, j, treated, &weights, proportion);
      const double vc = weighted_variance(x, j, control, &weights, proportion);
      c.denominator = std::sqrt((vt + vc) / 2);
      c.denominator_name = proportion ? "pooled sqrt((p_t(1-p_t) + p_c(1-p_c)) / 2) of the sample"
                                      : "pooled SD sqrt((s_t^2 + s_c^2) / 2) of the sample";
      c.smd = diff / c.denominator;
    }

    c.variance_ratio = kNaN;
    if (c.binary) {
      c.ecdf_mean = c.ecdf_max = std::fabs(diff);
    } else if (too_small) {
      c.ecdf_mean = c.ecdf_max = kNaN;
    } else {
      c.variance_ratio = weighted_variance(x, j, treated, &weights, false) /
                         weighted_variance(x, j, control, &weights, false);
      ecdf_differences(x, j, treat, weights, r.sum_weights_treated, r.sum_weights_control, order,
                       c.ecdf_mean, c.ecdf_max);
    }

    if (!too_small && r.n_treated > 0 && r.n_control > 0) {
      if (!std::isfinite(c.smd))
        r.warnings.push_back(
            Flag("'" + c.name +
                 "': the standardized mean difference is undefined (the SD used as "
                 "denominator is zero)"));
      if (!c.binary && !std::isfinite(c.variance_ratio))
        r.warnings.push_back(
            Flag("'" + c.name +
                 "': the variance ratio is undefined (a group has zero variance or a "
                 "single unit)"));
    }
    r.columns.push_back(std::move(c));
  }
  return r;
}

}  // namespace localsurv
