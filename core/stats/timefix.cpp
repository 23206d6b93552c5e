#include "stats/timefix.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "stats/double_double.h"

namespace localsurv {

namespace {

// R's mean() of |v|: a sum (long double in R, double-double here), then a
// second pass adding the mean residual.
double r_mean_abs(const std::vector<double>& v) {
  std::vector<double> a(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) a[i] = std::fabs(v[i]);
  return r_mean(a).value();
}

}  // namespace

int apply_timefix(std::vector<double>& time, double tolerance) {
  if (!(tolerance > 0)) return 0;
  std::vector<double> distinct;
  distinct.reserve(time.size());
  for (double t : time)
    if (std::isfinite(t)) distinct.push_back(t);
  const bool sorted = std::is_sorted(distinct.begin(), distinct.end());
  if (!sorted) std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() < 2) return 0;

  const double mean_abs = r_mean_abs(distinct);
  std::vector<double> merged(distinct.size());
  int folded = 0;
  merged[0] = distinct[0];
  for (std::size_t k = 1; k < distinct.size(); ++k) {
    const double gap = distinct[k] - distinct[k - 1];
    const bool tied = gap <= tolerance || gap / mean_abs <= tolerance;
    merged[k] = tied ? merged[k - 1] : distinct[k];
    folded += tied;
  }
  if (folded == 0) return 0;

  if (sorted) {
    // The finite times appear in the order of `distinct`: walk both together.
    std::size_t k = 0;
    for (double& t : time) {
      if (!std::isfinite(t)) continue;
      while (distinct[k] != t) ++k;
      t = merged[k];
    }
  } else {
    for (double& t : time)
      if (std::isfinite(t))
        t = merged[std::lower_bound(distinct.begin(), distinct.end(), t) - distinct.begin()];
  }
  return folded;
}

}  // namespace localsurv
