#include "stats/kaplan_meier.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_set>

#include "error.h"
#include "stats/dense_codes.h"
#include "stats/distributions.h"
#include "stats/not_estimable.h"
#include "stats/timefix.h"

namespace localsurv {

namespace {

// A grouped fit's flags are scoped by the group's code.
Flag scoped(FlagCode code, std::string text, int group, bool grouped) {
  Flag f(code, std::move(text));
  if (grouped) f.group = group;
  return f;
}

void check_inputs(const char* fn, const std::vector<double>& time, const std::vector<int>& status,
                  const KaplanMeierOptions& options) {
  check_same_size(fn, "time", time, "status", status);
  check_finite(fn, "time", time);
  check_indicator(fn, "status", status,
                  "code the event as 1 and censoring as 0 (e.g. status == 2 for lung/pbc)");
  check(options.conf_int > 0 && options.conf_int < 1, fn, "conf_int",
        "must lie strictly between 0 and 1 (e.g. 0.95)");
  check(std::isfinite(options.timefix_tolerance), fn, "timefix_tolerance", "must be finite");
  check(std::isfinite(options.quantile_tolerance) && options.quantile_tolerance >= 0, fn,
        "quantile_tolerance", "must be finite and non-negative");
  for (double p : options.quantile_probs)
    check(p >= 0 && p <= 1, fn, "quantile_probs", "must lie between 0 and 1");
}

void check_weights(const char* fn, const std::vector<double>& weights,
                   const std::vector<double>& time) {
  if (weights.empty()) return;
  check_same_size(fn, "weights", weights, "time", time);
  check_each(
      fn, "weights", weights, [](double w) { return std::isfinite(w) && w >= 0; },
      "case weights must be finite and not negative (0 keeps the row's time in the curve "
      "without counting the patient)");
}

// survfit_confint() with conf.lower = "usual" (so its scale factor is 1).
void confidence_band(KaplanMeierCurve& c, double z) {
  const std::size_t m = c.time.size();
  c.lower.assign(m, kNaN);
  c.upper.assign(m, kNaN);
  for (std::size_t i = 0; i < m; ++i) {
    const double s = c.surv[i], se = c.std_err[i];
    switch (c.conf_type) {
      case KmConfType::Log:
        if (s > 0) {
          const double se2 = z * se;
          c.lower[i] = std::exp(std::log(s) - se2);
          c.upper[i] = std::min(std::exp(std::log(s) + se2), 1.0);
        }
        break;
      case KmConfType::LogLog:
        if (s > 0 && s != 1) {
          const double se2 = z * se / std::log(s);
          const double ll = std::log(-std::log(s));
          c.lower[i] = std::exp(-std::exp(ll - se2));
          c.upper[i] = std::exp(-std::exp(ll + se2));
        }
        break;
      case KmConfType::Plain: {
        // At S = 0 R gives NA with Greenwood (Inf x 0) but 0 with the robust
        // SE (0 there); NaN propagates through max/min as through pmax/pmin.
        const double se2 = se * s * z;
        c.lower[i] = std::isnan(se2) ? kNaN : std::max(s - se2, 0.0);
        c.upper[i] = std::isnan(se2) ? kNaN : std::min(s + se2, 1.0);
        break;
      }
      case KmConfType::None:
        break;
    }
  }
}

// One survfitkm() pass over a time-sorted subset (t, d, w: time, status,
// case weight).
KaplanMeierCurve build_curve(const std::vector<double>& t, const std::vector<int>& d,
                             const std::vector<double>& w, int code, double start_time,
                             const KaplanMeierOptions& o, bool robust, bool grouped,
                             std::vector<Flag>& warnings) {
  KaplanMeierCurve c;
  c.group = code;
  c.n = static_cast<int>(t.size());
  c.start_time = start_time;
  c.conf_type = o.conf_type;
  c.conf_int = o.conf_int;
  c.robust = robust;

  const std::size_t n = t.size();
  // Weighted risk sets and their squared weights, summed from the last row
  // backwards as survfitkm accumulates them (exact row counts when all
  // weights are 1; no cancellation as the risk set empties).
  std::vector<double> risk(n + 1, 0.0), risk_w2(n + 1, 0.0);
  for (std::size_t i = n; i-- > 0;) {
    risk[i] = risk[i + 1] + w[i];
    risk_w2[i] = risk_w2[i + 1] + w[i] * w[i];
  }

  double km = 1.0, nelson = 0.0, greenwood = 0.0, chaz_var = 0.0;
  // Robust variance. Each row's influence on S(t) is S(t) w_i a_i, where a_i
  // is the Greenwood sum while the row is at risk and stays fixed once it
  // leaves (minus 1/n at its own event); on the cumulative hazard it is
  // w_i b_i with b_i = -(Nelson variance sum), plus 1/n at its event. So
  // var S = S^2 (sum over departed rows of (w a)^2 + G^2 sum over rows still
  // at risk of w^2): one pass instead of survfitkm's loop over every
  // cluster at every event time.
  double departed_s = 0, departed_h = 0, var_s = 0, var_h = 0;
  bool exhausted = false;  // S reached 0: every influence on S is 0 from here on
  std::size_t i = 0;
  while (i < n) {
    std::size_t j = i;
    int events = 0;
    double wevents = 0, wcensored = 0;
    while (j < n && t[j] == t[i]) {
      events += d[j];
      (d[j] ? wevents : wcensored) += w[j];
      ++j;
    }
    const int at_risk = static_cast<int>(n - i);
    const int censored = static_cast<int>(j - i) - events;
    const double nrisk = risk[i], dd = wevents;
    const bool step = events > 0 && wevents > 0;
    const double greenwood_before = greenwood;
    if (step) {
      nelson += dd / nrisk;
      chaz_var += dd / (nrisk * nrisk);
      km *= (nrisk - dd) / nrisk;
      greenwood += dd / (nrisk * (nrisk - dd));  // +Inf when everyone left dies
    }
    if (robust) {
      if (step && !std::isfinite(greenwood)) exhausted = true;
      for (std::size_t r = i; r < j; ++r) {
        const double w2 = w[r] * w[r];
        const bool event = step && d[r] == 1;
        if (!exhausted) {
          const double a = event ? greenwood_before - 1 / nrisk : greenwood;
          departed_s += w2 * a * a;
        }
        const double b = event ? 1 / nrisk - chaz_var : -chaz_var;
        departed_h += w2 * b * b;
      }
      // survfitkm updates the robust variance only at event times.
      if (step) {
        var_s = exhausted ? 0.0 : km * km * (departed_s + greenwood * greenwood * risk_w2[j]);
        var_h = departed_h + chaz_var * chaz_var * risk_w2[j];
      }
    }
    c.time.push_back(t[i]);
    c.n_risk.push_back(at_risk);
    c.n_event.push_back(events);
    c.n_censor.push_back(censored);
    c.n_risk_weighted.push_back(nrisk);
    c.n_event_weighted.push_back(wevents);
    c.n_censor_weighted.push_back(wcensored);
    c.surv.push_back(km);
    if (robust) {
      // survfit_confint's conversion of an SE of S to the -log S scale.
      c.std_err.push_back(var_s == 0 ? 0.0 : std::sqrt(var_s) / km);
      c.std_chaz.push_back(std::sqrt(var_h));
    } else {
      c.std_err.push_back(std::isfinite(greenwood) ? std::sqrt(greenwood) : kNaN);
      c.std_chaz.push_back(std::sqrt(chaz_var));
    }
    c.cumhaz.push_back(nelson);
    c.events += events;
    c.events_weighted += wevents;
    i = j;
  }
  confidence_band(c, normal_quantile(1 - (1 - o.conf_int) / 2));

  if (n == 0) {
    warnings.push_back(
        scoped(FlagCode::CurveEmpty, "no subjects; the survival curve is empty", code, grouped));
  } else if (c.events == 0) {
    warnings.push_back(scoped(FlagCode::CurveNoEvents,
                              "no events; survival stays at 1 and no quantile (median) is reached",
                              code, grouped));
  } else if (c.events_weighted == 0) {
    warnings.push_back(scoped(FlagCode::CurveZeroWeightEvents,
                              "every event has weight 0; survival stays at 1 and no quantile "
                              "(median) is reached",
                              code, grouped));
  }

  c.quantiles = km_quantiles(c, o.quantile_probs, o.quantile_tolerance);
  // The median comes from the same quantile() call as the other
  // probabilities: R's "not reached anywhere" test looks at all of them.
  bool found = false;
  for (std::size_t k = 0; k < c.quantiles.p.size() && !found; ++k)
    if (c.quantiles.p[k] == 0.5) {
      c.median = {c.quantiles.estimate[k], c.quantiles.lower[k], c.quantiles.upper[k]};
      found = true;
    }
  if (!found) {
    const KmQuantiles m = km_quantiles(c, {0.5}, o.quantile_tolerance);
    c.median = {m.estimate[0], m.lower[0], m.upper[0]};
  }
  return c;
}

// findq() of quantile.survfit: x = c(0, time), y = c(0, 1 - curve), with
// NaN standing for R's NA (a CI bound R leaves undefined).
std::vector<double> find_quantiles(const std::vector<double>& x_in, const std::vector<double>& y_in,
                                   const std::vector<double>& probs, double tol) {
  const std::size_t np = probs.size();
  std::vector<double> out(np, kNaN);
  if (np == 0) return out;
  double ymax = -std::numeric_limits<double>::infinity();
  for (double v : y_in)
    if (!std::isnan(v)) ymax = std::max(ymax, v);
  if (ymax < *std::min_element(probs.begin(), probs.end())) return out;
  const double xmax = x_in.back();

  // Censoring rows repeat the previous level: keep each level's first time
  // (a missing bound counts as one level, as duplicated() treats NA).
  std::vector<double> x, y;
  {
    std::unordered_set<double> seen;
    bool seen_nan = false;
    for (std::size_t k = 0; k < y_in.size(); ++k) {
      const double v = y_in[k];
      if (std::isnan(v)) {
        if (seen_nan) continue;
        seen_nan = true;
      } else if (!seen.insert(v + 0.0).second) {
        continue;
      }
      x.push_back(x_in[k]);
      y.push_back(v);
    }
  }
  const std::size_t n = y.size();

  // approx(y +/- tol, 1:n, p, "constant", f = 1): the index of the first
  // knot at or above p, after approx has dropped missing knots, sorted the
  // rest (an upper band need not be monotone) and averaged tied indices.
  auto index_at = [&](double shift) {
    std::vector<std::pair<double, double>> knots;
    knots.reserve(n);
    for (std::size_t k = 0; k < n; ++k)
      if (!std::isnan(y[k])) knots.emplace_back(y[k] + shift, static_cast<double>(k + 1));
    std::stable_sort(knots.begin(), knots.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<double> kx, ki;
    for (std::size_t a = 0; a < knots.size();) {
      std::size_t b = a;
      double sum = 0;
      while (b < knots.size() && knots[b].first == knots[a].first) sum += knots[b++].second;
      kx.push_back(knots[a].first);
      ki.push_back(sum / static_cast<double>(b - a));
      a = b;
    }
    std::vector<double> idx(np, kNaN);
    for (std::size_t q = 0; q < np; ++q) {
      const double v = probs[q];
      if (kx.empty() || v < kx.front() || v > kx.back()) continue;
      idx[q] = ki[std::lower_bound(kx.begin(), kx.end(), v) - kx.begin()];
    }
    return idx;
  };
  const std::vector<double> idx1 = index_at(tol), idx2 = index_at(-tol);
  auto x_at = [&](double index) {
    return std::isnan(index) ? kNaN : x[static_cast<std::size_t>(index) - 1];
  };
  for (std::size_t q = 0; q < np; ++q) {
    out[q] = (x_at(idx1[q]) + x_at(idx2[q])) / 2;
    if (probs[q] == 0) out[q] = x[0];
  }
  if (!std::isnan(y[n - 1]))
    for (std::size_t q = 0; q < np; ++q)
      if (std::fabs(probs[q] - y[n - 1]) < tol) out[q] = (x_at(idx1[q]) + xmax) / 2;
  return out;
}

KaplanMeierResult fit(const char* fn, const std::vector<double>& time,
                      const std::vector<int>& status, const std::vector<int>* group,
                      const std::vector<double>& weights, const KaplanMeierOptions& options) {
  check_inputs(fn, time, status, options);
  if (group) check_same_size(fn, "group", *group, "time", time);
  check_weights(fn, weights, time);

  KaplanMeierResult r;
  std::vector<std::size_t> rows;
  rows.reserve(time.size());
  for (std::size_t i = 0; i < time.size(); ++i)
    if (!group || (*group)[i] >= 0) rows.push_back(i);
  if (group && rows.size() < time.size())
    r.warnings.push_back(Flag(std::to_string(time.size() - rows.size()) +
                              " subjects with a missing group were left out"));

  std::stable_sort(rows.begin(), rows.end(),
                   [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  std::vector<double> t(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) t[k] = time[rows[k]];
  if (options.timefix) r.n_times_merged = apply_timefix(t, options.timefix_tolerance);
  const double start_time = t.empty() ? 0.0 : std::min(0.0, t.front());

  DenseCodes dense{{0}, std::vector<int>(rows.size(), 0)};
  if (group) {
    std::vector<int> g(rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) g[k] = (*group)[rows[k]];
    dense = dense_codes(g);
  }
  const std::vector<int>& codes = dense.levels;
  // Stable bucketing of the time-sorted rows keeps every group time-sorted.
  std::vector<std::vector<double>> gt(codes.size()), gw(codes.size());
  std::vector<std::vector<int>> gd(codes.size());
  // survfit's robust = NULL: the infinitesimal jackknife as soon as one
  // weight (of the subjects it keeps) is not a whole number.
  bool fractional = false;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const double wk = weights.empty() ? 1.0 : weights[rows[k]];
    fractional = fractional || wk != std::floor(wk);
    gt[dense.index[k]].push_back(t[k]);
    gd[dense.index[k]].push_back(status[rows[k]]);
    gw[dense.index[k]].push_back(wk);
  }
  const bool robust = options.variance == KmVariance::Robust ||
                      (options.variance == KmVariance::Auto && fractional);
  if (group && codes.empty()) r.warnings.push_back(Flag("no subjects with a non-missing group"));
  for (std::size_t b = 0; b < codes.size(); ++b)
    r.curves.push_back(build_curve(gt[b], gd[b], gw[b], codes[b], start_time, options, robust,
                                   group != nullptr, r.warnings));
  return r;
}

FollowupResult followup(const char* fn, const std::vector<double>& time,
                        const std::vector<int>& status, const std::vector<int>* group,
                        const KaplanMeierOptions& options) {
  check_inputs(fn, time, status, options);
  std::vector<int> censored(status.size());
  for (std::size_t i = 0; i < status.size(); ++i) censored[i] = 1 - status[i];
  KaplanMeierOptions o = options;
  o.quantile_probs = {0.5};
  KaplanMeierResult km = fit(fn, time, censored, group, {}, o);
  FollowupResult r;
  for (const auto& c : km.curves) {
    r.groups.push_back({c.group, c.n, c.median.estimate, c.median.lower, c.median.upper});
    if (c.n > 0 && c.events == 0)
      r.warnings.push_back(scoped(FlagCode::FollowupNotEstimable,
                                  "nobody is censored, so median follow-up is not estimable",
                                  c.group, group != nullptr));
  }
  // The reverse fit's "no events" means nobody is censored, said above.
  for (const auto& w : km.warnings)
    if (w.code != FlagCode::CurveNoEvents) r.warnings.push_back(w);
  return r;
}

}  // namespace

KaplanMeierResult kaplan_meier(const std::vector<double>& time, const std::vector<int>& status,
                               const KaplanMeierOptions& options) {
  return fit("kaplan_meier", time, status, nullptr, {}, options);
}

KaplanMeierResult kaplan_meier_weighted(const std::vector<double>& time,
                                        const std::vector<int>& status,
                                        const std::vector<double>& weights,
                                        const KaplanMeierOptions& options) {
  return fit("kaplan_meier_weighted", time, status, nullptr, weights, options);
}

KaplanMeierResult kaplan_meier_by_group_weighted(const std::vector<double>& time,
                                                 const std::vector<int>& status,
                                                 const std::vector<int>& group,
                                                 const std::vector<double>& weights,
                                                 const KaplanMeierOptions& options) {
  return fit("kaplan_meier_by_group_weighted", time, status, &group, weights, options);
}

KaplanMeierResult kaplan_meier_by_group(const std::vector<double>& time,
                                        const std::vector<int>& status,
                                        const std::vector<int>& group,
                                        const KaplanMeierOptions& options) {
  return fit("kaplan_meier_by_group", time, status, &group, {}, options);
}

KmQuantiles km_quantiles(const KaplanMeierCurve& curve, const std::vector<double>& probs,
                         double tolerance) {
  for (double p : probs)
    check(p >= 0 && p <= 1, "km_quantiles", "probs", "must lie between 0 and 1");
  KmQuantiles q;
  q.p = probs;
  const std::size_t np = probs.size();
  q.estimate.assign(np, kNaN);
  q.lower.assign(np, kNaN);
  q.upper.assign(np, kNaN);
  if (curve.time.empty() || np == 0) return q;

  // quantile.survfit reports times from 0 (a survfit without start.time).
  std::vector<double> x(curve.time.size() + 1), y(curve.time.size() + 1);
  x[0] = 0;
  y[0] = 0;
  std::copy(curve.time.begin(), curve.time.end(), x.begin() + 1);
  auto curve_of = [&](const std::vector<double>& s) {
    for (std::size_t i = 0; i < s.size(); ++i) y[i + 1] = 1 - s[i];
    return find_quantiles(x, y, probs, tolerance);
  };
  q.estimate = curve_of(curve.surv);
  if (curve.conf_type != KmConfType::None) {
    q.lower = curve_of(curve.lower);
    q.upper = curve_of(curve.upper);
  }
  return q;
}

KmAtTimes km_at_times(const KaplanMeierCurve& curve, const std::vector<double>& times) {
  KmAtTimes a;
  std::vector<double> req;
  for (double t : times)
    if (std::isfinite(t)) req.push_back(t);
  if (req.size() < times.size())
    a.warnings.push_back(Flag(std::to_string(times.size() - req.size()) +
                              " requested times are not finite numbers and were skipped"));
  std::sort(req.begin(), req.end());

  if (curve.time.empty()) {
    a.warnings.push_back(
        Flag("the survival curve is empty; nothing to report at the requested times"));
    for (double t : req) {
      a.time.push_back(t);
      a.n_risk.push_back(0);
      a.n_event.push_back(0);
      a.n_censor.push_back(0);
      a.n_risk_weighted.push_back(0);
      a.n_event_weighted.push_back(0);
      a.n_censor_weighted.push_back(0);
      a.surv.push_back(kNaN);
      a.std_err.push_back(kNaN);
      a.lower.push_back(kNaN);
      a.upper.push_back(kNaN);
    }
    return a;
  }

  // survfit0(): an origin row (S = 1, SE 0) unless the curve starts there.
  const bool has_ci = curve.conf_type != KmConfType::None;
  std::vector<double> time, surv, se, lower, upper;
  std::vector<int> nrisk, nevent, ncensor;
  std::vector<double> wrisk, wevent, wcensor;
  // A curve built by hand may lack the weighted counts: they equal the
  // integer ones then.
  const bool has_w = curve.n_risk_weighted.size() == curve.time.size() &&
                     curve.n_event_weighted.size() == curve.time.size() &&
                     curve.n_censor_weighted.size() == curve.time.size();
  auto weighted = [&](const std::vector<double>& wv, const std::vector<int>& iv) {
    return has_w ? wv : std::vector<double>(iv.begin(), iv.end());
  };
  if (curve.time.front() != curve.start_time) {
    time.push_back(curve.start_time);
    surv.push_back(1);
    se.push_back(0);
    lower.push_back(has_ci ? 1 : kNaN);
    upper.push_back(has_ci ? 1 : kNaN);
    nrisk.push_back(curve.n_risk.front());
    nevent.push_back(0);
    ncensor.push_back(0);
    wrisk.push_back(weighted(curve.n_risk_weighted, curve.n_risk).front());
    wevent.push_back(0);
    wcensor.push_back(0);
  }
  time.insert(time.end(), curve.time.begin(), curve.time.end());
  surv.insert(surv.end(), curve.surv.begin(), curve.surv.end());
  se.insert(se.end(), curve.std_err.begin(), curve.std_err.end());
  lower.insert(lower.end(), curve.lower.begin(), curve.lower.end());
  upper.insert(upper.end(), curve.upper.begin(), curve.upper.end());
  nrisk.insert(nrisk.end(), curve.n_risk.begin(), curve.n_risk.end());
  nevent.insert(nevent.end(), curve.n_event.begin(), curve.n_event.end());
  ncensor.insert(ncensor.end(), curve.n_censor.begin(), curve.n_censor.end());
  {
    const std::vector<double> r = weighted(curve.n_risk_weighted, curve.n_risk);
    const std::vector<double> e = weighted(curve.n_event_weighted, curve.n_event);
    const std::vector<double> c = weighted(curve.n_censor_weighted, curve.n_censor);
    wrisk.insert(wrisk.end(), r.begin(), r.end());
    wevent.insert(wevent.end(), e.begin(), e.end());
    wcensor.insert(wcensor.end(), c.begin(), c.end());
  }

  // Cumulative counts so an interval's events are a difference.
  // (summary.survfit's delta(): differences of cumsum, for the weighted ones too.)
  std::vector<long> cum_event(time.size() + 1, 0), cum_censor(time.size() + 1, 0);
  std::vector<double> cum_wevent(time.size() + 1, 0.0), cum_wcensor(time.size() + 1, 0.0);
  for (std::size_t i = 0; i < time.size(); ++i) {
    cum_event[i + 1] = cum_event[i] + nevent[i];
    cum_censor[i + 1] = cum_censor[i] + ncensor[i];
    cum_wevent[i + 1] = cum_wevent[i] + wevent[i];
    cum_wcensor[i + 1] = cum_wcensor[i] + wcensor[i];
  }
  std::size_t previous = 0;
  for (double t : req) {
    // index1: rows at or before t; index2: first row at or after t.
    const std::size_t index1 = std::upper_bound(time.begin(), time.end(), t) - time.begin();
    const std::size_t index2 = std::lower_bound(time.begin(), time.end(), t) - time.begin();
    const std::size_t row = index1 == 0 ? 0 : index1 - 1;
    a.time.push_back(t);
    a.n_risk.push_back(index2 < time.size() ? nrisk[index2] : 0);
    a.n_event.push_back(static_cast<int>(cum_event[index1] - cum_event[previous]));
    a.n_censor.push_back(static_cast<int>(cum_censor[index1] - cum_censor[previous]));
    a.n_risk_weighted.push_back(index2 < time.size() ? wrisk[index2] : 0.0);
    a.n_event_weighted.push_back(cum_wevent[index1] - cum_wevent[previous]);
    a.n_censor_weighted.push_back(cum_wcensor[index1] - cum_wcensor[previous]);
    a.surv.push_back(surv[row]);
    a.std_err.push_back(se[row] * surv[row]);
    a.lower.push_back(lower[row]);
    a.upper.push_back(upper[row]);
    previous = index1;
  }
  return a;
}

FollowupResult median_followup(const std::vector<double>& time, const std::vector<int>& status,
                               const KaplanMeierOptions& options) {
  return followup("median_followup", time, status, nullptr, options);
}

FollowupResult median_followup_by_group(const std::vector<double>& time,
                                        const std::vector<int>& status,
                                        const std::vector<int>& group,
                                        const KaplanMeierOptions& options) {
  return followup("median_followup_by_group", time, status, &group, options);
}

}  // namespace localsurv
