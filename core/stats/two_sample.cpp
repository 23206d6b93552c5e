#include "stats/two_sample.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <utility>

#include "error.h"
#include "stats/not_estimable.h"

namespace localsurv {
namespace {

// Rows with a value and a group, checked: both kernels share R's
// complete-case rule and the same input errors.
void check_input(const char* function, const std::vector<double>& values,
                 const std::vector<int>& group) {
  check_same_size(function, "values", values, "group", group);
  check_each(
      function, "group", group, [](int g) { return g >= -1 && g <= 1; },
      "expected 0, 1 or -1 (missing)");
  check_each(
      function, "values", values, [](double v) { return !std::isinf(v); },
      "recode it or mark it missing");
}

bool used(const std::vector<double>& values, const std::vector<int>& group, std::size_t i) {
  return group[i] >= 0 && !std::isnan(values[i]);
}

std::string sample_group_name(int g) {
  return g == 0 ? "the first group (code 0)" : "the second group (code 1)";
}

// What R says when group g has n usable values and that is too few: with an
// empty group the formula method stops before the test (one factor level
// left); otherwise t.test names its x (group 0) or y (group 1).
std::string r_too_few(int g, std::size_t n) {
  if (n == 0) return "grouping factor must have exactly 2 levels";
  return std::string("not enough '") + (g == 0 ? "x" : "y") + "' observations";
}

}  // namespace

TTestResult t_test(const std::vector<double>& values, const std::vector<int>& group,
                   const TTestOptions& options) {
  check_input("t_test", values, group);
  check(options.conf_level >= 0 && options.conf_level <= 1, "t_test", "conf_level",
        "must be between 0 and 1");
  TTestResult r;
  r.conf_level = options.conf_level;
  r.method = options.var_equal ? "Two Sample t-test" : "Welch Two Sample t-test";

  // mean() and var() as R forms them: the sum / n corrected by the mean
  // residual, then squared deviations from that mean over n - 1.
  std::array<double, 2> sum{{0, 0}};
  for (std::size_t i = 0; i < values.size(); ++i)
    if (used(values, group, i)) {
      sum[group[i]] += values[i];
      ++r.n[group[i]];
    }
  std::array<double, 2> resid{{0, 0}};
  for (int g = 0; g < 2; ++g) r.mean[g] = r.n[g] ? sum[g] / static_cast<double>(r.n[g]) : kNaN;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (used(values, group, i)) resid[group[i]] += values[i] - r.mean[group[i]];
  for (int g = 0; g < 2; ++g)
    if (r.n[g]) r.mean[g] += resid[g] / static_cast<double>(r.n[g]);
  std::array<double, 2> ss{{0, 0}};
  for (std::size_t i = 0; i < values.size(); ++i)
    if (used(values, group, i)) {
      const double d = values[i] - r.mean[group[i]];
      ss[group[i]] += d * d;
    }
  for (int g = 0; g < 2; ++g)
    if (r.n[g] > 1) r.variance[g] = ss[g] / static_cast<double>(r.n[g] - 1);
  r.mean_difference = r.mean[0] - r.mean[1];

  const double nx = static_cast<double>(r.n[0]), ny = static_cast<double>(r.n[1]);
  const std::size_t need = options.var_equal ? 1 : 2;
  for (int g = 0; g < 2; ++g)
    if (r.n[g] < need) {
      Flag f =
          group_flag(FlagCode::TTestTooFew,
                     "t-test not computed: " + sample_group_name(g) + " has " +
                         std::to_string(r.n[g]) + " non-missing value" + (r.n[g] == 1 ? "" : "s") +
                         "; the " + (options.var_equal ? "pooled" : "Welch") +
                         " t-test needs at least " + std::to_string(need) + " in each group",
                     {g});
      f.counts = {r.n[g], need};
      r.warnings.push_back(with_r(std::move(f), r_too_few(g, r.n[g])));
      return r;
    }
  if (options.var_equal && r.n[0] + r.n[1] < 3) {
    r.warnings.push_back(
        with_r(Flag("t-test not computed: the pooled t-test needs at least 3 values in all"),
               "not enough observations"));
    return r;
  }

  double stderr_diff, df;
  if (options.var_equal) {
    df = nx + ny - 2;
    double v = 0;
    if (r.n[0] > 1) v += (nx - 1) * r.variance[0];
    if (r.n[1] > 1) v += (ny - 1) * r.variance[1];
    v = v / df;
    stderr_diff = std::sqrt(v * (1 / nx + 1 / ny));
  } else {
    const double sx = std::sqrt(r.variance[0] / nx), sy = std::sqrt(r.variance[1] / ny);
    stderr_diff = std::sqrt(sx * sx + sy * sy);
    df = std::pow(stderr_diff, 4.0) / (std::pow(sx, 4.0) / (nx - 1) + std::pow(sy, 4.0) / (ny - 1));
  }
  if (stderr_diff <
      options.constant_tolerance * std::max(std::fabs(r.mean[0]), std::fabs(r.mean[1]))) {
    r.warnings.push_back(
        with_r(Flag("t-test not computed: the values do not vary within either group"),
               "data are essentially constant"));
    return r;
  }
  r.std_error = stderr_diff;
  r.df = df;
  r.statistic = r.mean_difference / stderr_diff;
  if (std::isnan(r.statistic))
    r.warnings.push_back(
        Flag("t-test not computed: every value is 0 in both groups, so the t statistic is 0/0 (R "
             "gives NaN)"));
  r.p = student_t_two_sided_p(r.statistic, df);
  // R: cint <- qt(1 - alpha/2, df); tstat + c(-cint, cint), times stderr.
  const double alpha = 1 - options.conf_level;
  const double q = student_t_quantile(1 - alpha / 2, df);
  r.conf_low = (r.statistic - q) * stderr_diff;
  r.conf_high = (r.statistic + q) * stderr_diff;
  return r;
}

double wilcoxon_rank_sum_cdf(double w, std::size_t m, std::size_t n, double work_limit,
                             std::size_t max_smaller_group) {
  check(m > 0 && n > 0, "wilcoxon_rank_sum_cdf", "m and n", "must both be at least 1");
  if (std::min(m, n) > max_smaller_group)
    throw Error("wilcoxon_rank_sum_cdf: exact Wilcoxon p-values are computed for up to " +
                    std::to_string(max_smaller_group) +
                    " values in the smaller group; these have " + std::to_string(m) + " and " +
                    std::to_string(n) +
                    ". Use the normal approximation (exact = auto or off), as R does from 50 "
                    "values per group",
                "exact");
  if (std::isnan(w)) return kNaN;
  const double mn = static_cast<double>(m) * static_cast<double>(n);
  const double q = std::floor(w + 1e-7);  // pwilcox's rounding of its argument
  if (q < 0) return 0.0;
  if (q >= mn) return 1.0;
  // By symmetry of W about mn/2, P(W <= q) = 1 - P(W <= mn - q - 1): count
  // only the lower half so the work is at most min(m, n) x mn/2.
  const bool upper = q > mn / 2;
  const double top = upper ? mn - q - 1 : q;
  const std::size_t small = std::min(m, n), big = std::max(m, n);
  const double work = static_cast<double>(small) * (top + 1);
  if (work > work_limit) {
    std::ostringstream msg;
    msg << "exact Wilcoxon p-value for groups of " << m << " and " << n << " values needs about "
        << work << " counting steps (limit " << work_limit
        << "); use the normal approximation (exact = auto or off), as R does from 50 values per "
           "group";
    throw Error("wilcoxon_rank_sum_cdf: " + msg.str(), "exact");
  }
  // P(W = s) is the coefficient of q^s in the q-binomial [m+n choose m]
  // divided by choose(m+n, m) = prod_k (1 - q^(big+k)) / (1 - q^k) x
  // k / (big + k), k = 1..small. Each factor only moves mass to larger s,
  // so coefficients above `top` are never needed. Dividing by (1 - q^k)
  // (a stride-k prefix sum) before multiplying by (1 - q^(big+k)) keeps
  // every intermediate non-negative; still, the division amplifies rounding
  // errors at the k-th roots of unity, which compounds with the smaller
  // group's size, hence max_smaller_group (accurate to ~1e-13 up to 200).
  const std::size_t len = static_cast<std::size_t>(top) + 1;
  std::vector<double> f(len, 0.0);
  f[0] = 1.0;
  for (std::size_t k = 1; k <= small; ++k) {
    for (std::size_t s = k; s < len; ++s) f[s] += f[s - k];
    const std::size_t shift = big + k;
    for (std::size_t s = len; s-- > shift;) f[s] -= f[s - shift];
    const double scale = static_cast<double>(k) / static_cast<double>(shift);
    for (double& v : f) v *= scale;
  }
  double p = 0;
  for (double v : f) p += v;
  return upper ? 1.0 - p : p;
}

WilcoxonResult wilcoxon_rank_sum_test(const std::vector<double>& values,
                                      const std::vector<int>& group,
                                      const WilcoxonOptions& options) {
  check_input("wilcoxon_rank_sum_test", values, group);
  WilcoxonResult r;
  r.method = "Wilcoxon rank sum test";
  std::vector<std::pair<double, int>> data;
  data.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    if (used(values, group, i)) {
      data.emplace_back(values[i], group[i]);
      ++r.n[group[i]];
    }
  for (int g = 0; g < 2; ++g)
    if (r.n[g] == 0) {
      r.warnings.push_back(with_r(group_flag(FlagCode::WilcoxonEmptyGroup,
                                             "Wilcoxon test not computed: " + sample_group_name(g) +
                                                 " has no non-missing values",
                                             {g}),
                                  r_too_few(g, 0)));
      return r;
    }
  std::sort(data.begin(), data.end());

  // Midranks of tied runs, the group-0 rank sum and R's tie term
  // sum(t^3 - t) over the runs.
  double rank_sum0 = 0, tie_term = 0;
  for (std::size_t i = 0; i < data.size();) {
    std::size_t j = i;
    std::size_t in0 = 0;
    while (j < data.size() && data[j].first == data[i].first) in0 += data[j++].second == 0;
    const double t = static_cast<double>(j - i);
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    rank_sum0 += static_cast<double>(in0) * midrank;
    if (j - i > 1) {
      r.ties = true;
      tie_term += t * t * t - t;
    }
    i = j;
  }
  const double nx = static_cast<double>(r.n[0]), ny = static_cast<double>(r.n[1]);
  r.statistic = rank_sum0 - nx * (nx + 1) / 2;

  const bool want_exact = options.exact == WilcoxonExact::Always ||
                          (options.exact == WilcoxonExact::Auto && r.n[0] < options.exact_below &&
                           r.n[1] < options.exact_below);
  if (want_exact && !r.ties) {
    r.exact = true;
    r.method = "Wilcoxon rank sum exact test";
    const double w = r.statistic, mn = nx * ny;
    const double lower =
        wilcoxon_rank_sum_cdf(std::min(w, mn - w), r.n[0], r.n[1], options.exact_work_limit,
                              options.exact_max_smaller_group);
    r.p = std::min(2 * lower, 1.0);
    return r;
  }
  const double N = nx + ny;
  double z = r.statistic - nx * ny / 2;
  r.sigma = std::sqrt((nx * ny / 12) * ((N + 1) - tie_term / (N * (N - 1))));
  double correction = 0;
  if (options.correct) {
    correction = z > 0 ? 0.5 : (z < 0 ? -0.5 : 0.0);
    r.continuity_correction = true;
    r.method += " with continuity correction";
  }
  r.z = (z - correction) / r.sigma;
  r.p = normal_two_sided_p(r.z);
  if (want_exact)
    r.warnings.push_back(
        with_r(Flag("exact Wilcoxon p-value not possible with tied values; normal approximation "
                    "used"),
               "cannot compute exact p-value with ties"));
  if (!(r.sigma > 0))
    r.warnings.push_back(Flag("Wilcoxon p-value not computed: every value is tied (R gives NA)"));
  return r;
}

}  // namespace localsurv
