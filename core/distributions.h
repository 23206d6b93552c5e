// Distribution functions used for p-values and confidence intervals. All
// come from Eigen's SpecialFunctions module (incomplete gamma, erfc, ndtri)
// rather than hand-written approximations.
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

}  // namespace localsurv
