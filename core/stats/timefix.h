// Near-equal survival times merged into one, as R survival 3.5-3's aeqSurv(),
// which survfit, survdiff, coxph and concordance apply to the response when
// timefix = TRUE (their default). Times that should be equal but were stored
// with floating-point noise (0.1 + 0.2 vs 0.3) would otherwise split one event
// time into two risk sets. The one implementation behind kaplan_meier,
// log_rank, cox_fit and concordance.
//
// Inputs:
//   time       survival or censoring times, in any order (already sorted
//              input takes a linear pass instead of a sort).
//   tolerance  aeqSurv(tolerance = ): sqrt(.Machine$double.eps) by default
//              (kTimefixTolerance). tolerance <= 0 or NaN changes nothing,
//              as aeqSurv returns its input for tolerance <= 0.
// Output: `time` rewritten in place. The distinct times y_1 < ... < y_m are
// compared with their predecessor: y_k is tied to y_{k-1} when
//   y_k - y_{k-1} <= tolerance   or   (y_k - y_{k-1}) / mean(|y|) <= tolerance,
// and a run of tied steps (a chain: 10, 10 + 1e-8, 10 + 2e-8) collapses onto
// its first value, so every returned time is one of the input times. Returns
// how many distinct times were folded into a predecessor (0 = unchanged).
// mean(|y|) is computed as R's mean() does (long double sum plus a
// correction pass), because the decision can sit on the tolerance boundary.
//
// Preconditions: the callers pass finite times (missing rows already left
// out). Non-finite entries are not part of the rule and are left as they are
// (aeqSurv also drops them from the distinct times, but then maps Inf onto the
// largest cut, which no caller here can produce).
//
// Cost: O(n) for sorted input, else O(n log n); no quadratic step.
#pragma once
#include <vector>

namespace localsurv {

// aeqSurv's default tolerance, sqrt(.Machine$double.eps); every Options
// struct with a timefix uses it.
constexpr double kTimefixTolerance = 1.4901161193847656e-08;

int apply_timefix(std::vector<double>& time, double tolerance = kTimefixTolerance);

}  // namespace localsurv
