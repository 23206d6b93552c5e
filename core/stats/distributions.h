// Distribution functions used for p-values and confidence intervals. The
// chi-square and normal ones come from Eigen's SpecialFunctions module
// (incomplete gamma, erfc, ndtri); Student t and the incomplete beta are
// below.
#pragma once

namespace localsurv {

// P(X > x) for X ~ chi-square(df), as R's pchisq(x, df, lower.tail = FALSE).
// NaN when x or df is NaN; 1 when x <= 0.
double chisq_upper(double x, double df);

// Standard normal P(Z <= z), as pnorm(z).
double normal_cdf(double z);

// Two-sided p for a z statistic: 2 * pnorm(-|z|).
double normal_two_sided_p(double z);

// Standard normal quantile, as qnorm(p). Requires 0 < p < 1.
double normal_quantile(double p);

// The Student t and incomplete beta functions below are written here (not
// taken from Eigen, whose betainc loses relative accuracy in the far tails
// and for large parameters) to agree with R's pt/qt/pbeta to ~1e-13
// relative for every df > 0, including the df of a t-test on 200,000 rows.

// Regularized incomplete beta I_x(a, b), as pbeta(x, a, b) (lower tail) or
// pbeta(x, a, b, lower.tail = FALSE). NaN when an argument is NaN, a <= 0,
// b <= 0 or x outside [0, 1]. Relative accuracy vs R: ~1e-13 when a or b is
// below ~10 (the t distribution's case); ~1e-11 when both are in the
// thousands, where the rounding of x itself dominates.
double beta_incomplete(double x, double a, double b, bool lower_tail = true);

// log(Beta(a, b)) = lgamma(a) + lgamma(b) - lgamma(a + b), computed without
// the cancellation of that difference for large a or b. Requires a, b > 0.
double log_beta(double a, double b);

// P(T <= t) for T ~ Student t(df), as pt(t, df). df = +Inf is the normal.
// NaN when t or df is NaN or df <= 0.
double student_t_cdf(double t, double df);

// P(T > t), as pt(t, df, lower.tail = FALSE), accurate in the far tail.
double student_t_upper(double t, double df);

// Two-sided p for a t statistic: 2 * pt(-|t|, df).
double student_t_two_sided_p(double t, double df);

// Density of Student t(df) at t, as dt(t, df).
double student_t_density(double t, double df);

// Student t quantile, as qt(p, df): the t with pt(t, df) = p, found by
// Newton steps on the tail probability inside a bracket that bisection
// falls back to. -Inf / +Inf at p = 0 / 1; NaN when p is outside [0, 1],
// p or df is NaN, or df <= 0.
double student_t_quantile(double p, double df);

}  // namespace localsurv
