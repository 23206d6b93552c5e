// Kaplan-Meier survival curves as R's survfit(Surv(time, status) ~ g)
// (survival 3.5-3 defaults: stype 1, ctype 1, Greenwood variance,
// conf.type "log", 95%, timefix = TRUE), with the derived summaries R users
// read off a fit:
//   quantile(fit, probs, conf.int = TRUE)          -> km_quantiles()
//   summary(fit, times, extend = TRUE)             -> km_at_times()
//   survfit(Surv(time, 1 - status) ~ g) median     -> median_followup*()
//
// Inputs
//   time     follow-up time of each subject; any finite value (0 and
//            negative times are allowed, as in R).
//   status   1 = event, 0 = censored.
//   group    (grouped calls) an integer code per subject; a negative code
//            marks a missing group and drops the subject entirely, as
//            model.frame's na.omit does before survfit sees the data.
//            One curve is returned per code present, in increasing code
//            order (R orders strata by factor level).
//   weights  (the *_weighted calls) survfit(weights =) case weights, one per
//            subject; empty = all 1. Finite and >= 0; a zero-weight subject
//            still contributes its time as a row of the curve (with nothing
//            happening there) and counts in n, as in R.
// Preconditions: time and status have equal length; time finite; status
//   0/1; group and weights (if given) have the same length. Violations throw
//   localsurv::Error naming the first offending element.
//
// Case weights (survfitkm, survival 3.5-3): n_risk_weighted, n_event_weighted
//   and n_censor_weighted are weight sums (survfit's n.risk, n.event,
//   n.censor); the integer n_risk/n_event/n_censor keep counting rows. The
//   product-limit step is (n - d)/n on the weighted sums at every time with
//   at least one event of positive weight. Variance (options.variance):
//   Greenwood is sum d / (n (n - d)) on the weighted sums; the robust
//   (infinitesimal-jackknife) variance treats each row as its own cluster:
//   var S(t) = sum_i (dS(t)/dw_i)^2, and likewise for the Nelson-Aalen
//   cumulative hazard. R picks the robust one by itself when any weight is
//   not a whole number (MatchIt's matching weights usually are not), so
//   survfit(..., weights = weights) on a matched cohort reports it. R's
//   survfit then stores the SE of S itself (logse = FALSE); here std_err is
//   always the SE of -log S (that SE / S, 0 where it is 0, as R's
//   survfit_confint converts it), so confidence bands, quantiles and
//   km_at_times work the same for both. The robust sums are kept in closed
//   form (each row's influence is its weight times a running sum fixed when
//   it leaves the risk set), so the cost stays linear.
//
// Timefix: before anything else, near-equal times are merged as survival's
//   aeqSurv() does (apply_timefix, core/stats/timefix.h); it works over all
//   subjects of a grouped call, as survfit.formula applies it before
//   splitting into strata.
//
// Output per curve: one row per distinct (merged) time, events or not:
//   time, n_risk (at risk just before time), n_event, n_censor,
//   surv (product-limit), std_err (survfit's scale: SE of -log S, the
//   Greenwood sum's square root; NaN where S = 0, R prints Inf/NA there),
//   lower/upper (confidence band on conf_type's scale, NaN where R gives NA),
//   cumhaz (Nelson-Aalen) and std_chaz (its SE),
//   plus n, events, the quantiles in options.quantile_probs and the median.
//
// Degenerate data never throws: n = 0 gives an empty curve; no events give
// S = 1 throughout and NaN quantiles; each case adds a warning.
#pragma once
#include <limits>
#include <string>
#include <vector>

#include "stats/flag.h"
#include "stats/timefix.h"

namespace localsurv {

// survfit's conf.type. R's "logit" and "arcsin" are not offered.
enum class KmConfType { Log, LogLog, Plain, None };

// survfit's robust argument: which variance std_err and std_chaz hold.
enum class KmVariance {
  Auto,       // robust = NULL (R's default): Robust when any weight is not a
              // whole number, else Greenwood
  Greenwood,  // robust = FALSE: Greenwood (weighted) / Nelson-Aalen variance
  Robust,     // robust = TRUE: infinitesimal jackknife, each row its own cluster
};

struct KaplanMeierOptions {
  double conf_int = 0.95;                                  // survfit(conf.int = 0.95)
  KmConfType conf_type = KmConfType::Log;                  // survfit(conf.type = "log")
  bool timefix = true;                                     // survfit(timefix = TRUE)
  double timefix_tolerance = kTimefixTolerance;            // aeqSurv: sqrt(.Machine$double.eps)
  std::vector<double> quantile_probs = {0.25, 0.5, 0.75};  // quantile.survfit default probs
  double quantile_tolerance = 1.4901161193847656e-08;      // quantile.survfit: sqrt(eps)
  KmVariance variance = KmVariance::Auto;                  // survfit(robust = NULL)
};

// quantile(fit, probs, conf.int = TRUE) for one curve. NaN = not reached
// (R's NA); lower/upper are NaN throughout when conf_type is None.
struct KmQuantiles {
  std::vector<double> p;
  std::vector<double> estimate;
  std::vector<double> lower;
  std::vector<double> upper;
};

struct KmMedian {
  double estimate = std::numeric_limits<double>::quiet_NaN();  // NaN = not reached
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
};

struct KaplanMeierCurve {
  int group = 0;  // the group code (0 for an ungrouped fit)
  int n = 0;      // subjects in this curve
  int events = 0;
  // survfit0's start.time: min(0, every time in the fit, all groups). The
  // time origin km_at_times() uses for times before the first row.
  double start_time = 0;

  std::vector<double> time;
  std::vector<int> n_risk;
  std::vector<int> n_event;
  std::vector<int> n_censor;
  std::vector<double> surv;
  std::vector<double> std_err;  // SE of -log S (survfit's own scale)
  std::vector<double> lower;
  std::vector<double> upper;
  std::vector<double> cumhaz;
  std::vector<double> std_chaz;

  // survfit's n.risk, n.event, n.censor: sums of case weights (equal to the
  // integer row counts above when the fit is unweighted).
  std::vector<double> n_risk_weighted;
  std::vector<double> n_event_weighted;
  std::vector<double> n_censor_weighted;
  double events_weighted = 0;  // sum(n.event), what print(fit) calls events
  // std_err and std_chaz are the robust (infinitesimal-jackknife) SEs, as
  // survfit's robust = TRUE (R: fit$logse is FALSE for such a KM fit).
  bool robust = false;

  KmQuantiles quantiles;  // at options.quantile_probs
  KmMedian median;        // quantile 0.5 from the same call when 0.5 is among the probs
  KmConfType conf_type = KmConfType::Log;
  double conf_int = 0.95;
};

struct KaplanMeierResult {
  std::vector<KaplanMeierCurve> curves;  // one per group code present
  int n_times_merged = 0;                // distinct times timefix folded into a neighbour
  std::vector<Flag> warnings;
};

// survfit(Surv(time, status) ~ 1): a single curve (curves.size() == 1, also
// when n = 0).
KaplanMeierResult kaplan_meier(const std::vector<double>& time, const std::vector<int>& status,
                               const KaplanMeierOptions& options = {});

// survfit(Surv(time, status) ~ g).
KaplanMeierResult kaplan_meier_by_group(const std::vector<double>& time,
                                        const std::vector<int>& status,
                                        const std::vector<int>& group,
                                        const KaplanMeierOptions& options = {});

// survfit(Surv(time, status) ~ 1, weights = weights). Empty weights = the
// unweighted fit (identical to kaplan_meier()).
KaplanMeierResult kaplan_meier_weighted(const std::vector<double>& time,
                                        const std::vector<int>& status,
                                        const std::vector<double>& weights,
                                        const KaplanMeierOptions& options = {});

// survfit(Surv(time, status) ~ g, weights = weights).
KaplanMeierResult kaplan_meier_by_group_weighted(const std::vector<double>& time,
                                                 const std::vector<int>& status,
                                                 const std::vector<int>& group,
                                                 const std::vector<double>& weights,
                                                 const KaplanMeierOptions& options = {});

// quantile.survfit's rule on one curve: the smallest time where 1 - S
// reaches p (within tolerance), the midpoint to the next drop when S sits
// exactly at 1 - p; the CI applies the same rule to the lower and upper
// curves. As in R the probabilities are treated together (a curve whose
// largest 1 - S is below every p gives NaN for all). Requires 0 <= p <= 1.
KmQuantiles km_quantiles(const KaplanMeierCurve& curve, const std::vector<double>& probs,
                         double tolerance = 1.4901161193847656e-08);

// summary(fit, times, extend = TRUE) for one curve. Requested times are
// sorted and non-finite ones dropped (with a warning), as R does. Times
// before the curve's first row read survfit0's origin row (S = 1, SE 0) at
// curve.start_time; times past the last row keep its values with
// n_risk = 0. lower/upper are NaN when the curve has no band (None).
struct KmAtTimes {
  std::vector<double> time;
  std::vector<int> n_risk;    // at risk at time t (0 beyond the last row)
  std::vector<int> n_event;   // events in (previous requested time, t]
  std::vector<int> n_censor;  // censorings in the same interval
  // The same three as weight sums (survfit's n.risk, n.event, n.censor).
  std::vector<double> n_risk_weighted;
  std::vector<double> n_event_weighted;
  std::vector<double> n_censor_weighted;
  std::vector<double> surv;
  std::vector<double> std_err;  // SE of S (summary's scale, = S * curve SE)
  std::vector<double> lower;
  std::vector<double> upper;
  std::vector<Flag> warnings;
};
KmAtTimes km_at_times(const KaplanMeierCurve& curve, const std::vector<double>& times);

// Median follow-up by the reverse Kaplan-Meier method: the median of
// survfit(Surv(time, 1 - status) ~ 1), i.e. quantile(fit, 0.5), with its CI.
struct FollowupMedian {
  int group = 0;
  int n = 0;
  double median = std::numeric_limits<double>::quiet_NaN();  // NaN = not reached
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
};
struct FollowupResult {
  std::vector<FollowupMedian> groups;  // one per group code present (one if ungrouped)
  std::vector<Flag> warnings;
};
FollowupResult median_followup(const std::vector<double>& time, const std::vector<int>& status,
                               const KaplanMeierOptions& options = {});
FollowupResult median_followup_by_group(const std::vector<double>& time,
                                        const std::vector<int>& status,
                                        const std::vector<int>& group,
                                        const KaplanMeierOptions& options = {});

}  // namespace localsurv
