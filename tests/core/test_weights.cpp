// Case weights in the Kaplan-Meier and Cox kernels against R, on matched
// cohorts as R users analyse them after MatchIt (tests/r/weights.R ->
// tests/reference/extra/weights.json):
//   survfit(Surv(time, event) ~ treat, data = m, weights = weights[, conf.type, robust])
//   coxph(Surv(time, event) ~ treat, data = m, weights = weights, cluster = subclass)
//   coxph(Surv(time, event) ~ treat, data = m, weights = weights, robust = TRUE)
// Cohorts: rotterdam 1:2 with a caliper, lung 1:2, pbc 1:2 with a caliper
// (golden population trt non-missing, event status == 2), lung and pbc 1:1
// with replacement, and hand-made cases (fractional weights on tied times,
// integer weights = replicated rows, zero weights).
#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "error.h"
#include "golden.h"
#include "stats/cox.h"
#include "stats/kaplan_meier.h"

using localsurv::CoxInput;
using localsurv::CoxOptions;
using localsurv::CoxResult;
using localsurv::CoxTies;
using localsurv::Error;
using localsurv::KaplanMeierCurve;
using localsurv::KaplanMeierOptions;
using localsurv::KaplanMeierResult;
using localsurv::KmAtTimes;
using localsurv::KmConfType;
using localsurv::KmVariance;
using testsupport::json;
using testsupport::num;
using testsupport::nums;

namespace {

constexpr double kRel = 1e-6;

const json& extra_case(const std::string& name) { return testsupport::extra_case("weights", name); }

using testsupport::vec;

std::vector<int> ints(const json& j) {
  std::vector<int> v;
  for (double x : vec(j)) v.push_back(static_cast<int>(x));
  return v;
}

using testsupport::check_column;

std::vector<double> se_of_surv(const KaplanMeierCurve& c) {
  std::vector<double> v(c.surv.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = c.surv[i] * c.std_err[i];
  return v;
}

struct Cohort {
  std::vector<double> time, weights;
  std::vector<int> event, treat, subclass;
  std::vector<double> x;
};

Cohort cohort(const json& c) {
  const json& d = c["data"];
  Cohort k;
  k.time = vec(d["time"]);
  k.event = ints(d["event"]);
  k.treat = ints(d["treat"]);
  k.weights = vec(d["weights"]);
  if (d.contains("subclass") && !d["subclass"].is_null()) k.subclass = ints(d["subclass"]);
  if (d.contains("x") && !d["x"].is_null()) k.x = vec(d["x"]);
  return k;
}

KmConfType conf_type_of(const std::string& s) {
  if (s == "log") return KmConfType::Log;
  if (s == "log-log") return KmConfType::LogLog;
  if (s == "plain") return KmConfType::Plain;
  throw std::runtime_error("conf type " + s);
}

KmVariance variance_of(const json& robust) {
  if (robust.is_string()) return KmVariance::Auto;  // "default": survfit's robust = NULL
  return robust.get<bool>() ? KmVariance::Robust : KmVariance::Greenwood;
}

// R's curve = {n, events, logse, table, quantiles, at_times}.
void check_curve(const std::string& what, const KaplanMeierCurve& c, const json& g,
                 const std::vector<double>& times) {
  INFO(what);
  CHECK(c.n == g["n"].get<int>());
  CHECK_CLOSE("events (weighted)", c.events_weighted, num(g["events"]), kRel);
  CHECK(c.robust == !g["logse"].get<bool>());
  const json& t = g["table"];
  check_column(what + " time", c.time, vec(t["time"]));
  check_column(what + " n.risk", c.n_risk_weighted, vec(t["n.risk"]));
  check_column(what + " n.event", c.n_event_weighted, vec(t["n.event"]));
  check_column(what + " n.censor", c.n_censor_weighted, vec(t["n.censor"]));
  check_column(what + " surv", c.surv, vec(t["surv"]));
  check_column(what + " std.err (-log S)", c.std_err, vec(t["se_log"]));
  check_column(what + " std.err (S)", se_of_surv(c), vec(t["se_surv"]));
  check_column(what + " lower", c.lower, vec(t["lower"]));
  check_column(what + " upper", c.upper, vec(t["upper"]));
  check_column(what + " cumhaz", c.cumhaz, vec(t["cumhaz"]));
  check_column(what + " std.chaz", c.std_chaz, vec(t["std.chaz"]));
  // The row counts stay integers: the first row's is everyone in the curve.
  REQUIRE(!c.n_risk.empty());
  CHECK(c.n_risk.front() == c.n);

  const json& q = g["quantiles"];
  check_column(what + " quantile", c.quantiles.estimate, vec(q["estimate"]));
  check_column(what + " quantile lower", c.quantiles.lower, vec(q["lower"]));
  check_column(what + " quantile upper", c.quantiles.upper, vec(q["upper"]));
  CHECK_CLOSE("median", c.median.estimate, vec(q["estimate"])[1], kRel);

  const KmAtTimes a = localsurv::km_at_times(c, times);
  const json& r = g["at_times"];
  check_column(what + " at time", a.time, vec(r["time"]));
  check_column(what + " at n.risk", a.n_risk_weighted, vec(r["n.risk"]));
  check_column(what + " at n.event", a.n_event_weighted, vec(r["n.event"]));
  check_column(what + " at n.censor", a.n_censor_weighted, vec(r["n.censor"]));
  check_column(what + " at surv", a.surv, vec(r["surv"]));
  check_column(what + " at std.err", a.std_err, vec(r["std.err"]));
  check_column(what + " at lower", a.lower, vec(r["lower"]));
  check_column(what + " at upper", a.upper, vec(r["upper"]));
}

void check_km_blocks(const json& c) {
  const Cohort k = cohort(c);
  const std::vector<double> times = vec(c["times"]);
  for (const json& b : c["km"]) {
    const std::string call = b["call"].get<std::string>();
    INFO(c["name"].get<std::string>() << ": " << call);
    KaplanMeierOptions o;
    o.conf_type = conf_type_of(b["conf_type"].get<std::string>());
    o.variance = variance_of(b["robust"]);
    const KaplanMeierResult r =
        b["by_group"].get<bool>()
            ? localsurv::kaplan_meier_by_group_weighted(k.time, k.event, k.treat, k.weights, o)
            : localsurv::kaplan_meier_weighted(k.time, k.event, k.weights, o);
    REQUIRE(r.curves.size() == b["curves"].size());
    for (std::size_t i = 0; i < r.curves.size(); ++i)
      check_curve(call + " curve " + std::to_string(i + 1), r.curves[i], b["curves"][i], times);
  }
}

// The Cox options and input behind one R call of tests/r/weights.R.
CoxResult fit_like_r(const Cohort& k, const std::string& call, bool with_x) {
  CoxInput in;
  in.time = k.time;
  in.status = k.event;
  in.weights = k.weights;
  const std::size_t n = k.time.size();
  in.x.resize(static_cast<Eigen::Index>(n), with_x ? 2 : 1);
  for (std::size_t i = 0; i < n; ++i) {
    in.x(static_cast<Eigen::Index>(i), 0) = k.treat[i];
    if (with_x) in.x(static_cast<Eigen::Index>(i), 1) = k.x[i];
  }
  in.names = with_x ? std::vector<std::string>{"treat", "x"} : std::vector<std::string>{"treat"};
  CoxOptions o;
  o.ties = call.find("breslow") != std::string::npos ? CoxTies::Breslow : CoxTies::Efron;
  if (call.find("cluster = subclass") != std::string::npos) in.cluster = k.subclass;
  if (call.find("strata(subclass)") != std::string::npos) in.strata = k.subclass;
  if (call.find("robust = TRUE") != std::string::npos) o.robust = true;
  if (call.find("robust = FALSE") != std::string::npos) o.naive_only = true;
  return localsurv::cox_fit(in, o);
}

void check_cox(const CoxResult& r, const json& g) {
  INFO(g["call"].get<std::string>());
  CHECK(r.n == g["n"].get<std::size_t>());
  CHECK(r.nevent == g["nevent"].get<std::size_t>());
  CHECK(r.iterations == g["iter"].get<int>());
  CHECK(r.converged);
  CHECK(r.ties == (g["ties"] == "breslow" ? CoxTies::Breslow : CoxTies::Efron));
  const std::vector<double> coef = vec(g["coef"]);
  const std::size_t p = coef.size();
  REQUIRE(r.coef.size() == p);
  const bool robust = g["robust"].get<bool>();
  REQUIRE(r.robust == robust);
  for (std::size_t j = 0; j < p; ++j) {
    INFO("coefficient " << j + 1);
    CHECK_CLOSE("coef", r.coef[j], coef[j], kRel);
    CHECK_CLOSE("se", r.se[j], vec(g["se"])[j], kRel);
    if (robust) CHECK_CLOSE("robust se", r.robust_se[j], vec(g["robust_se"])[j], kRel);
    CHECK_CLOSE("z", r.z[j], vec(g["z"])[j], kRel);
    CHECK_P("p", r.p[j], vec(g["p"])[j]);
    CHECK_CLOSE("hr lower", r.lower[j], vec(g["lower"])[j], kRel);
    CHECK_CLOSE("hr upper", r.upper[j], vec(g["upper"])[j], kRel);
  }
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = 0; j < p; ++j) {
      const auto ii = static_cast<Eigen::Index>(i), jj = static_cast<Eigen::Index>(j);
      CHECK_CLOSE("var", r.var(ii, jj), vec(g["var"][i])[j], kRel);
      if (robust) CHECK_CLOSE("naive var", r.naive_var(ii, jj), vec(g["naive_var"][i])[j], kRel);
    }
  CHECK_CLOSE("loglik null", r.loglik_null, vec(g["loglik"])[0], kRel);
  CHECK_CLOSE("loglik", r.loglik, vec(g["loglik"])[1], kRel);
  CHECK_CLOSE("score test", r.score.statistic, num(g["score"]), kRel);
  CHECK_CLOSE("wald test", r.wald.statistic, num(g["wald"]), kRel);
  CHECK_P("lrt p", r.lrt.p, num(g["lrt_p"]));
  CHECK_P("wald p", r.wald.p, num(g["wald_p"]));
  CHECK_P("score p", r.score.p, num(g["score_p"]));
  CHECK(r.lrt.df == static_cast<double>(p));
  if (robust) {
    CHECK_CLOSE("robust score test", r.robust_score.statistic, num(g["rscore"]), kRel);
    CHECK_P("robust score p", r.robust_score.p, num(g["robust_p"]));
  }
  CHECK(r.warnings.size() == g["warnings"].size());
}

void check_cox_blocks(const json& c, const char* key = "cox", bool with_x = false) {
  const Cohort k = cohort(c);
  for (const json& g : c[key]) {
    INFO(c["name"].get<std::string>());
    check_cox(fit_like_r(k, g["call"].get<std::string>(), with_x), g);
  }
}

const char* const kMatched[] = {"rotterdam_ratio2_caliper", "lung_ratio2", "lung_replace",
                                "pbc_ratio2_caliper", "pbc_replace"};

}  // namespace

TEST_CASE(
    "matched cohorts: survfit(Surv(time, event) ~ treat, weights = weights) with conf.type "
    "log / log-log / plain, robust = FALSE (weighted Greenwood), ~ 1 with robust = TRUE") {
  for (const char* name : kMatched) {
    INFO(name);
    const json& c = extra_case(name);
    // The weights must really be unequal for the test to mean anything.
    const std::vector<double> w = vec(c["data"]["weights"]);
    CHECK(*std::min_element(w.begin(), w.end()) < *std::max_element(w.begin(), w.end()));
    check_km_blocks(c);
  }
}

TEST_CASE(
    "matched cohorts: coxph(Surv(time, event) ~ treat, weights = weights, cluster = subclass | "
    "robust = TRUE | robust = FALSE) and ~ treat + strata(subclass), Efron and Breslow") {
  for (const char* name : kMatched) check_cox_blocks(extra_case(name));
}

TEST_CASE(
    "hand-made fractional weights with tied events: survfit and coxph(~ treat [+ x], weights "
    "[, cluster = subclass]), Efron and Breslow") {
  const json& c = extra_case("tiny_fractional");
  check_km_blocks(c);
  check_cox_blocks(c);
  check_cox_blocks(c, "cox_x", true);
}

TEST_CASE("integer weights: weighted Greenwood and naive Cox equal the replicated rows (R)") {
  const json& c = extra_case("tiny_integer");
  check_km_blocks(c);
  check_cox_blocks(c);
  // survfit on the rows replicated `weights` times.
  const Cohort k = cohort(c);
  const KaplanMeierResult r =
      localsurv::kaplan_meier_by_group_weighted(k.time, k.event, k.treat, k.weights);
  std::vector<double> surv, se;
  for (const auto& curve : r.curves) {
    CHECK(!curve.robust);
    surv.insert(surv.end(), curve.surv.begin(), curve.surv.end());
    se.insert(se.end(), curve.std_err.begin(), curve.std_err.end());
  }
  check_column("replicated surv", surv, vec(c["replicated_km_surv"]));
  check_column("replicated std.err", se, vec(c["replicated_km_std_err"]));
  // And our own unweighted fit of the replicated rows agrees row by row.
  Cohort rep;
  for (std::size_t i = 0; i < k.time.size(); ++i)
    for (int m = 0; m < static_cast<int>(k.weights[i]); ++m) {
      rep.time.push_back(k.time[i]);
      rep.event.push_back(k.event[i]);
      rep.treat.push_back(k.treat[i]);
    }
  const KaplanMeierResult u = localsurv::kaplan_meier_by_group(rep.time, rep.event, rep.treat);
  REQUIRE(u.curves.size() == r.curves.size());
  for (std::size_t g = 0; g < u.curves.size(); ++g) {
    check_column("replicated n.risk", r.curves[g].n_risk_weighted,
                 std::vector<double>(u.curves[g].n_risk.begin(), u.curves[g].n_risk.end()), 0);
    check_column("replicated upper", r.curves[g].upper, u.curves[g].upper);
  }
}

TEST_CASE(
    "zero weights: survfit keeps the rows (R), coxph stops (R: 'Invalid weights, must be >0')") {
  const json& c = extra_case("tiny_zero_weights");
  check_km_blocks(c);
  CHECK(c["coxph_error"].get<std::string>().find("must be >0") != std::string::npos);
  const Cohort k = cohort(c);
  CoxInput in;
  in.time = k.time;
  in.status = k.event;
  in.weights = k.weights;
  in.x = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(k.time.size()), 1);
  CHECK_THROWS_WITH_AS(localsurv::cox_fit(in), doctest::Contains("weights of row 1 is 0"), Error);
}

TEST_CASE("unweighted fits are unchanged by the weighted entry points") {
  // Empty weights and all-1 weights both give exactly the unweighted curve.
  const json& c = extra_case("lung_ratio2");
  const Cohort k = cohort(c);
  const KaplanMeierResult plain = localsurv::kaplan_meier_by_group(k.time, k.event, k.treat);
  const KaplanMeierResult empty =
      localsurv::kaplan_meier_by_group_weighted(k.time, k.event, k.treat, {});
  const KaplanMeierResult ones = localsurv::kaplan_meier_by_group_weighted(
      k.time, k.event, k.treat, std::vector<double>(k.time.size(), 1.0));
  REQUIRE(plain.curves.size() == 2);
  for (const KaplanMeierResult* r : {&empty, &ones}) {
    REQUIRE(r->curves.size() == 2);
    for (std::size_t g = 0; g < 2; ++g) {
      const auto& a = plain.curves[g];
      const auto& b = r->curves[g];
      CHECK(!b.robust);
      CHECK(a.surv == b.surv);
      CHECK(a.std_err == b.std_err);
      CHECK(a.n_risk == b.n_risk);
      CHECK(b.n_risk_weighted == std::vector<double>(a.n_risk.begin(), a.n_risk.end()));
      CHECK(a.events_weighted == a.events);
    }
  }
}

TEST_CASE("robust = TRUE on unweighted data agrees with a brute-force infinitesimal jackknife") {
  // survfitkm's loop over every row at every event time, written out
  // directly (quadratic; fine for 300 rows), against the linear closed form.
  std::mt19937 gen(7);
  std::uniform_int_distribution<int> tdist(1, 40);
  std::bernoulli_distribution ev(0.6);
  std::uniform_real_distribution<double> wdist(0.2, 3.0);
  const std::size_t n = 300;
  std::vector<double> time(n), w(n);
  std::vector<int> status(n);
  for (std::size_t i = 0; i < n; ++i) {
    time[i] = tdist(gen);
    status[i] = ev(gen) ? 1 : 0;
    w[i] = i % 5 == 0 ? 0.0 : wdist(gen);
  }
  KaplanMeierOptions o;
  o.variance = KmVariance::Robust;
  const KaplanMeierCurve c = localsurv::kaplan_meier_weighted(time, status, w, o).curves[0];
  std::vector<double> inf_s(n, 0.0), inf_h(n, 0.0);
  double km = 1, vs = 0, vh = 0;
  for (std::size_t k = 0; k < c.time.size(); ++k) {
    const double t = c.time[k], nr = c.n_risk_weighted[k], d = c.n_event_weighted[k];
    if (c.n_event[k] > 0 && d > 0) {
      const double haz = d / nr;
      for (std::size_t i = 0; i < n; ++i) {
        const double at_risk = time[i] >= t ? w[i] : 0.0;
        inf_s[i] = inf_s[i] * (1 - haz) + at_risk * km * haz / nr;
        inf_h[i] -= at_risk * haz / nr;
        if (time[i] == t && status[i] == 1) {
          inf_s[i] -= km * w[i] / nr;
          inf_h[i] += w[i] / nr;
        }
      }
      km *= 1 - haz;
      vs = vh = 0;
      for (std::size_t i = 0; i < n; ++i) {
        vs += inf_s[i] * inf_s[i];
        vh += inf_h[i] * inf_h[i];
      }
    }
    INFO("time " << t);
    CHECK_CLOSE("SE of S", c.surv[k] * c.std_err[k], std::sqrt(vs), 1e-9);
    CHECK_CLOSE("SE of H", c.std_chaz[k], std::sqrt(vh), 1e-9);
  }
}

TEST_CASE("weights: errors name the row; degenerate weights warn") {
  const std::vector<double> t = {1, 2, 3};
  const std::vector<int> s = {1, 0, 1};
  CHECK_THROWS_WITH_AS(localsurv::kaplan_meier_weighted(t, s, {1, -1, 1}),
                       doctest::Contains("weights of row 2 is -1"), Error);
  CHECK_THROWS_WITH_AS(localsurv::kaplan_meier_weighted(t, s, {1, 1, NAN}),
                       doctest::Contains("weights of row 3 is missing (NaN)"), Error);
  CHECK_THROWS_WITH_AS(localsurv::kaplan_meier_weighted(t, s, {1, 1}),
                       doctest::Contains("weights has 2 elements"), Error);
  CHECK_THROWS_WITH_AS(localsurv::kaplan_meier_by_group_weighted(t, s, {0, 1, 1}, {1, INFINITY, 1}),
                       doctest::Contains("weights of row 2 is infinite"), Error);

  // Every event weighs 0: S stays 1, no median, a warning.
  const KaplanMeierResult r = localsurv::kaplan_meier_weighted(t, s, {0, 2, 0});
  REQUIRE(r.curves.size() == 1);
  const auto& c = r.curves[0];
  CHECK(c.events == 2);
  CHECK(c.events_weighted == 0);
  CHECK(c.surv == std::vector<double>{1, 1, 1});
  CHECK(std::isnan(c.median.estimate));
  CHECK(!r.warnings.empty());

  // All weights 0: an empty-weight risk set throughout, still no NaN surv.
  const KaplanMeierResult z = localsurv::kaplan_meier_weighted(t, s, {0, 0, 0});
  CHECK(z.curves[0].surv == std::vector<double>{1, 1, 1});
  CHECK(z.curves[0].n_risk_weighted == std::vector<double>{0, 0, 0});

  // Everyone still at risk dies (S = 0) under the robust variance: SE 0, as R.
  KaplanMeierOptions o;
  o.variance = KmVariance::Robust;
  const auto all_die = localsurv::kaplan_meier_weighted({1, 2, 2}, {1, 1, 1}, {0.5, 1.5, 2}, o);
  const auto& d = all_die.curves[0];
  CHECK(d.surv.back() == 0);
  CHECK(d.std_err.back() == 0);
  CHECK(std::isnan(d.lower.back()));

  // Cox: a negative, zero or infinite weight names the row.
  CoxInput in;
  in.time = {1, 2, 3, 4};
  in.status = {1, 1, 0, 1};
  in.x = Eigen::MatrixXd(4, 1);
  in.x << 0, 1, 0, 1;
  in.weights = {1, 1, -2, 1};
  CHECK_THROWS_WITH_AS(localsurv::cox_fit(in), doctest::Contains("weights of row 3 is -2"), Error);
  in.weights = {1, INFINITY, 1, 1};
  CHECK_THROWS_WITH_AS(localsurv::cox_fit(in), doctest::Contains("weights of row 2"), Error);
  in.weights = {1, 1, 1};
  CHECK_THROWS_WITH_AS(localsurv::cox_fit(in), doctest::Contains("weights has 3"), Error);

  // robust = FALSE with a cluster: R's warning, model-based variance.
  in.weights = {0.5, 1.5, 1, 2};
  in.cluster = {1, 1, 2, 2};
  CoxOptions naive;
  naive.naive_only = true;
  const CoxResult r2 = localsurv::cox_fit(in, naive);
  CHECK(!r2.robust);
  CHECK(std::any_of(r2.warnings.begin(), r2.warnings.end(), [](const localsurv::Flag& s) {
    return s.text.find("cluster ignored") != std::string::npos;
  }));
}

TEST_CASE("weighted KM and Cox on 200,000 rows: weighted counts add up, no effect found") {
  const std::size_t n = 200000;
  std::mt19937 gen(11);
  std::exponential_distribution<double> e(0.01);
  std::uniform_real_distribution<double> u(0.1, 2.0);
  std::vector<double> time(n), w(n);
  std::vector<int> status(n), group(n), cluster(n);
  CoxInput in;
  in.x.resize(static_cast<Eigen::Index>(n), 1);
  for (std::size_t i = 0; i < n; ++i) {
    time[i] = std::round(e(gen));
    status[i] = u(gen) < 1.4 ? 1 : 0;
    group[i] = static_cast<int>(i % 2);
    w[i] = u(gen);
    cluster[i] = static_cast<int>(i / 3);
    in.x(static_cast<Eigen::Index>(i), 0) = group[i];
  }
  in.time = time;
  in.status = status;
  in.weights = w;
  in.cluster = cluster;
  const KaplanMeierResult km = localsurv::kaplan_meier_by_group_weighted(time, status, group, w);
  const CoxResult cox = localsurv::cox_fit(in);
  REQUIRE(km.curves.size() == 2);
  CHECK(km.curves[0].robust);
  // Per group, as survfit(..., weights = w) reports them: n, sum(w * status)
  // (print(fit)'s events) and sum(w) at risk at the first time.
  for (int g = 0; g < 2; ++g) {
    CAPTURE(g);
    int count = 0;
    double wsum = 0, wevents = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (group[i] == g) ++count, wsum += w[i], wevents += w[i] * status[i];
    const auto& c = km.curves[static_cast<std::size_t>(g)];
    CHECK(c.n == count);
    CHECK_CLOSE("events (weighted)", c.events_weighted, wevents, 1e-9);
    REQUIRE(!c.n_risk_weighted.empty());
    CHECK_CLOSE("at risk at the first time (weighted)", c.n_risk_weighted[0], wsum, 1e-9);
  }
  CHECK(cox.converged);
  CHECK(cox.robust);
  REQUIRE(cox.robust_se.size() == 1);
  CHECK(cox.robust_se[0] > 0);
  // The group was generated without an effect on time.
  CHECK(std::fabs(cox.coef[0]) < 4 * cox.robust_se[0]);
}
