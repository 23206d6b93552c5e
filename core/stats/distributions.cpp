#include "stats/distributions.h"

#include <cmath>
#include <limits>
#include <unsupported/Eigen/SpecialFunctions>

#include "stats/not_estimable.h"

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

namespace localsurv {
namespace {

// lgamma(x) - [(x - 1/2) log x - x + log(2 pi) / 2], the Stirling remainder,
// from its asymptotic series; for x >= 10 the first omitted term is below
// 4e-17, so differences of lgamma of large arguments keep full precision.
double stirling_remainder(double x) {
  const double r = 1.0 / (x * x);
  return (1.0 / 12.0 +
          r * (-1.0 / 360.0 +
               r * (1.0 / 1260.0 +
                    r * (-1.0 / 1680.0 +
                         r * (1.0 / 1188.0 + r * (-691.0 / 360360.0 + r * (1.0 / 156.0))))))) /
         x;
}

// I_x(a, b), y = 1 - x, by the continued fraction for the incomplete beta
// in its even-contracted form, which converges quickly for
// x < (a + 1) / (a + b + 2):
//   I = x^a y^b / (a B(a, b)) / (beta_0 + N_1 / (beta_1 + N_2 / (beta_2 + ...)))
//   beta_m = 1 + d_2m + d_2m+1,  N_m = -d_2m-1 d_2m,
//   d_2m = m (b - m) x / ((a + 2m - 1)(a + 2m)),
//   d_2m+1 = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
// For large a and x near 1 each 1 + d_2m+1 nearly cancels (the plain
// fraction loses ~1e-11 at df = 1e5 there), so beta_m can also be formed
// with y in place of 1 - x and its constant part as the polynomial
// (a + 2m)(a + 2m + 1) - (a + m)(a + b + m) = a(1 - b) + m(2a + 3m + 2 - b);
// that form cancels instead when b is large, so each beta_m uses whichever
// of the two has the smaller terms.
// The caller supplies log x and log y computed from its own inputs, because
// rounding x first and taking logs after would cost a relative error of
// ~a * eps in the prefactor x^a y^b.
double incomplete_beta_fraction(double a, double b, double x, double y, double log_x,
                                double log_y) {
  const double log_front = a * log_x + b * log_y - log_beta(a, b) - std::log(a);
  if (log_front < -760) return 0.0;  // below the smallest subnormal
  const double tiny = 1e-300;
  auto guard = [tiny](double v) { return std::fabs(v) < tiny ? tiny : v; };
  auto beta = [&](double m) {
    const double p = a + 2 * m, q = a + m, r = a + b + m;
    const double even = m > 0 ? m * (b - m) * x / ((p - 1) * p) : 0.0;
    // Two exact rearrangements of 1 + d_2m + d_2m+1; take the one whose
    // terms are smaller, i.e. the one that does not cancel.
    const double odd = q * r / (p * (p + 1));
    const double constant = (a * (1 - b) + m * (2 * a + 3 * m + 2 - b)) / (p * (p + 1));
    if (std::fabs(constant) + y * odd < 1.0 + x * odd) return constant + y * odd + even;
    return 1.0 - x * odd + even;
  };
  auto numerator = [&](double m) {
    const double p = a + 2 * m;
    return (a + m - 1) * (a + b + m - 1) * m * (b - m) * x * x / ((p - 2) * (p - 1) * (p - 1) * p);
  };
  double h = guard(beta(0));
  double c = h, d = 0;
  for (int m = 1; m <= 1000000; ++m) {
    const double bm = beta(m), nm = numerator(m);
    d = 1.0 / guard(bm + nm * d);
    c = guard(bm + nm / c);
    const double delta = c * d;
    h *= delta;
    if (std::fabs(delta - 1.0) < 1e-16) break;
  }
  return std::exp(log_front) / h;
}

// I_x(a, b) (lower) or 1 - I_x(a, b) (upper), y = 1 - x: the fraction is
// applied to whichever of (x; a, b) and (y; b, a) lies on its fast side, so
// the small tail is always computed directly rather than as 1 - (near 1).
double incomplete_beta_tail(double a, double b, double x, double y, double log_x, double log_y,
                            bool lower_tail) {
  if (x < (a + 1.0) / (a + b + 2.0)) {
    const double v = incomplete_beta_fraction(a, b, x, y, log_x, log_y);
    return lower_tail ? v : 1.0 - v;
  }
  const double v = incomplete_beta_fraction(b, a, y, x, log_y, log_x);
  return lower_tail ? 1.0 - v : v;
}

// P(|T| > |t|) for T ~ t(df), finite df > 0: I_{df/(df+t^2)}(df/2, 1/2).
// With r = t^2/df, log(df/(df+t^2)) = -log1p(r) exactly as far as doubles
// go, which is what keeps the df/2 power accurate for large df.
double t_two_sided(double t, double df) {
  const double r = (t / df) * t;
  if (std::isinf(r)) return 0.0;
  if (r == 0) return 1.0;
  const double y = 1.0 / (1.0 + r);  // df / (df + t^2)
  const double x = r / (1.0 + r);    // t^2 / (df + t^2)
  const double log_y = -std::log1p(r);
  const double log_x = r > 1 ? -std::log1p(1.0 / r) : std::log(r) - std::log1p(r);
  const double p = incomplete_beta_tail(df / 2.0, 0.5, y, x, log_y, log_x, true);
  return p > 1.0 ? 1.0 : p;
}

}  // namespace

double log_beta(double a, double b) {
  const double p = a < b ? a : b;
  const double q = a < b ? b : a;
  const double half_log_2pi = 0.91893853320467274178;
  if (p >= 10) {
    const double w = p / (p + q);
    return half_log_2pi - 0.5 * std::log(q) + stirling_remainder(p) + stirling_remainder(q) -
           stirling_remainder(p + q) + (p - 0.5) * std::log(w) + q * std::log1p(-w);
  }
  if (q >= 10) {
    // lgamma(q) - lgamma(p + q) from Stirling's formula on both terms.
    return std::lgamma(p) + stirling_remainder(q) - stirling_remainder(p + q) + p -
           p * std::log(p + q) + (q - 0.5) * std::log1p(-p / (p + q));
  }
  return std::lgamma(p) + std::lgamma(q) - std::lgamma(p + q);
}

double beta_incomplete(double x, double a, double b, bool lower_tail) {
  if (std::isnan(x) || std::isnan(a) || std::isnan(b) || a <= 0 || b <= 0 || x < 0 || x > 1)
    return kNaN;
  if (x == 0) return lower_tail ? 0.0 : 1.0;
  if (x == 1) return lower_tail ? 1.0 : 0.0;
  return incomplete_beta_tail(a, b, x, 1.0 - x, std::log(x), std::log1p(-x), lower_tail);
}

double student_t_upper(double t, double df) {
  if (std::isnan(t) || std::isnan(df) || df <= 0) return kNaN;
  if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
  if (std::isinf(df)) return normal_cdf(-t);
  const double half = 0.5 * t_two_sided(t, df);
  return t > 0 ? half : 1.0 - half;
}

double student_t_cdf(double t, double df) { return student_t_upper(-t, df); }

double student_t_two_sided_p(double t, double df) {
  if (std::isnan(t) || std::isnan(df) || df <= 0) return kNaN;
  if (std::isinf(t)) return 0.0;
  if (std::isinf(df)) return normal_two_sided_p(t);
  return t_two_sided(t, df);
}

double student_t_density(double t, double df) {
  if (std::isnan(t) || std::isnan(df) || df <= 0) return kNaN;
  if (std::isinf(t)) return 0.0;
  if (std::isinf(df)) return 0.39894228040143267794 * std::exp(-0.5 * t * t);
  return std::exp(-0.5 * (df + 1.0) * std::log1p((t / df) * t) - 0.5 * std::log(df) -
                  log_beta(0.5, 0.5 * df));
}

double student_t_quantile(double p, double df) {
  if (std::isnan(p) || std::isnan(df) || df <= 0 || p < 0 || p > 1) return kNaN;
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  if (p == 0.5) return 0.0;
  if (std::isinf(df)) return normal_quantile(p);
  // Solve P(T > t) = tail for t > 0, with tail = 1 - p the way qt forms it,
  // and mirror for p < 1/2: the tail probability is what is accurate.
  const bool negative = p < 0.5;
  const double tail = negative ? p : 1.0 - p;
  double lo = 0.0, hi = 1.0;
  while (student_t_upper(hi, df) > tail) {
    lo = hi;
    hi *= 2.0;
    if (std::isinf(hi)) return negative ? -hi : hi;
  }
  double t = normal_quantile(1.0 - tail);
  if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
  for (int iter = 0; iter < 2000; ++iter) {
    const double f = student_t_upper(t, df) - tail;
    if (f == 0) break;
    if (f > 0)
      lo = t;
    else
      hi = t;
    // d/dt P(T > t) = -density, so Newton moves by f / density.
    double next = t + f / student_t_density(t, df);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    const bool done = std::fabs(next - t) <= 4 * std::numeric_limits<double>::epsilon() * next;
    t = next;
    if (done || hi - lo <= 4 * std::numeric_limits<double>::epsilon() * lo) break;
  }
  return negative ? -t : t;
}

}  // namespace localsurv
