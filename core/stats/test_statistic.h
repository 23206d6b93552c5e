// The shape every hypothesis test in core/ returns: a statistic, its degrees
// of freedom and the p-value, NaN where R gives NA. Log-rank (survdiff and
// the pairwise comparisons), Cox (likelihood ratio, Wald, score, robust
// score) and the contingency chi-square all report one.
#pragma once
#include <limits>

#include "stats/distributions.h"

namespace localsurv {

struct TestStatistic {
  double statistic = std::numeric_limits<double>::quiet_NaN();
  double df = std::numeric_limits<double>::quiet_NaN();
  double p = std::numeric_limits<double>::quiet_NaN();
};

// A chi-square test: p = pchisq(statistic, df, lower.tail = FALSE), with
// chisq_upper's conventions (NaN when either is NaN, 1 when statistic <= 0).
// Callers whose R function reports NA in other cases (no df, say) decide
// that before calling.
inline TestStatistic chisq_test_result(double statistic, double df) {
  return {statistic, df, chisq_upper(statistic, df)};
}

}  // namespace localsurv
