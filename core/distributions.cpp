#include "distributions.h"

#include <cmath>
#include <limits>
#include <unsupported/Eigen/SpecialFunctions>

namespace localsurv {

double chisq_upper(double x, double df) {
  if (std::isnan(x) || std::isnan(df)) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  return Eigen::numext::igammac(df / 2.0, x / 2.0);
}

double normal_cdf(double z) {
  if (std::isnan(z)) return z;
  return 0.5 * Eigen::numext::erfc(-z / std::sqrt(2.0));
}

double normal_two_sided_p(double z) {
  if (std::isnan(z)) return z;
  return Eigen::numext::erfc(std::fabs(z) / std::sqrt(2.0));
}

double normal_quantile(double p) { return Eigen::numext::ndtri(p); }

}  // namespace localsurv
