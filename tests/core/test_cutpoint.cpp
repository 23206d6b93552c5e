// Cutpoints against R: maxstat.test(Surv(time, event) ~ x, smethod =
// "LogRank", pmethod = "Lau94", minprop = 0.1, maxprop = 0.9) from every
// golden's `cutpoints` block (with the survdiff of the split); log-rank
// scores, condMC within Monte-Carlo error of a large-B R run, Youden and
// median cutpoints and degenerate inputs from tests/reference/extra/cutpoint.json
// (tests/r/cutpoint.R).
#include <algorithm>
#include <cmath>

#include "error.h"
#include "golden.h"
#include "stats/cox.h"
#include "stats/cutpoint.h"
#include "stats/log_rank.h"

using localsurv::Error;
using localsurv::maxstat_log_rank;
using localsurv::MaxstatOptions;
using localsurv::MaxstatPMethod;
using localsurv::MaxstatResult;
using testsupport::json;
using testsupport::num;
using testsupport::nums;

namespace {

struct Data {
  std::vector<double> time, x;
  std::vector<int> status;
};

// The golden's population, event and (derived) variable, restricted to the
// cutpoint block's subset (testsupport::golden_cohort: the golden's own event
// expression and population). Missing values stay in as NaN / -1.
Data data_for(const std::string& name, const std::string& variable, const json& subset) {
  const json& d = testsupport::golden(name)["dataset"];
  const testsupport::GoldenCohort g = testsupport::golden_cohort(name);
  const localsurv::Table& t = g.table;
  std::vector<double> x;
  if (variable == "bed") {
    REQUIRE(d["derived"]["bed"] ==
            "bone_rt_dose_gy * (1 + (bone_rt_dose_gy / bone_rt_fractions) / 10)");
    auto dose = testsupport::numeric_column(t, "bone_rt_dose_gy");
    auto fr = testsupport::numeric_column(t, "bone_rt_fractions");
    for (std::size_t r = 0; r < t.n_rows; ++r) x.push_back(dose[r] * (1 + (dose[r] / fr[r]) / 10));
  } else {
    x = testsupport::numeric_column(t, variable);
  }
  std::vector<double> keep_by(t.n_rows, 1.0);
  if (!subset.is_null()) {
    REQUIRE(subset == "lt_bone == 1");
    keep_by = testsupport::numeric_column(t, "lt_bone");
  }
  auto time = testsupport::numeric_column(t, ".time");
  auto ev = testsupport::numeric_column(t, ".event");
  Data out;
  for (std::size_t r : g.rows) {
    if (keep_by[r] != 1.0) continue;
    out.time.push_back(time[r]);
    out.status.push_back(std::isnan(ev[r]) ? -1 : static_cast<int>(ev[r]));
    out.x.push_back(x[r]);
  }
  return out;
}

std::string error_of(const std::vector<double>& t, const std::vector<int>& s,
                     const std::vector<double>& x) {
  try {
    maxstat_log_rank(t, s, x);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

const std::vector<std::string> kDatasets{"lung", "veteran",   "colon",      "colon_bin",
                                         "pbc",  "rotterdam", "npc_synth_1"};

}  // namespace

TEST_CASE(
    "maxstat.test(Surv(time, event) ~ x, smethod = 'LogRank', pmethod = 'Lau94', minprop = "
    "0.1, maxprop = 0.9) on every golden cutpoint, with survdiff(Surv ~ x > cutpoint)") {
  std::size_t blocks = 0;
  for (const std::string& name : kDatasets) {
    for (const json& cp : testsupport::golden(name)["cutpoints"]) {
      const std::string variable = cp["variable"];
      INFO(name << " " << variable);
      ++blocks;
      Data d = data_for(name, variable, cp["subset"]);
      MaxstatResult r = maxstat_log_rank(d.time, d.status, d.x);
      CHECK(r.n == cp["n"].get<std::size_t>());
      CHECK(r.nevent == cp["nevent"].get<std::size_t>());
      CHECK(r.n + r.n_missing == d.x.size());
      const json& ms = cp["maxstat"];
      CHECK(r.cutpoint == num(ms["cutpoint"]));
      CHECK_CLOSE("statistic", r.statistic, num(ms["statistic"]), 1e-6);
      CHECK_P("Lau94 p (raw)", r.p_lau94_raw, num(ms["p"]));
      CHECK_P("Lau94 p", r.p, std::min(1.0, std::max(0.0, num(ms["p"]))));
      CHECK(r.p >= 0.0);
      const auto cut = nums(ms["candidates"]["cut"]);
      const auto stat = nums(ms["candidates"]["statistic"]);
      REQUIRE(r.cuts.size() == cut.size());
      for (std::size_t k = 0; k < cut.size(); ++k) {
        CHECK(r.cuts[k] == cut[k]);
        CHECK_CLOSE("statistic at cut " << cut[k], r.statistics[k], stat[k], 1e-6);
      }
      // survminer::surv_cutpoint: the same statistic without a p.
      MaxstatOptions none;
      none.pmethod = MaxstatPMethod::None;
      MaxstatResult s = maxstat_log_rank(d.time, d.status, d.x, none);
      CHECK(s.cutpoint == num(cp["surv_cutpoint"]["cutpoint"]));
      CHECK_CLOSE("surv_cutpoint statistic", s.statistic, num(cp["surv_cutpoint"]["statistic"]),
                  1e-6);
      CHECK(std::isnan(s.p));
      // The split: high = x > cutpoint, and its survdiff.
      const json& split = cp["split_at_cutpoint"];
      CHECK(r.n_high == split["n_high"].get<std::size_t>());
      CHECK(r.n_low == split["n_low"].get<std::size_t>());
      std::vector<int> high;
      for (double xi : d.x) high.push_back(std::isnan(xi) ? -1 : xi > r.cutpoint);
      auto lr = localsurv::log_rank(d.time, d.status, high);
      CHECK_CLOSE("split chisq", lr.test.statistic, num(split["logrank"]["chisq"]), 1e-6);
      CHECK_P("split p", lr.test.p, num(split["logrank"]["p"]));
      localsurv::CoxInput in;
      std::vector<double> h;
      for (std::size_t i = 0; i < d.x.size(); ++i)
        if (high[i] >= 0 && !std::isnan(d.time[i]) && d.status[i] >= 0) {
          in.time.push_back(d.time[i]);
          in.status.push_back(d.status[i]);
          h.push_back(high[i]);
        }
      in.x = Eigen::Map<Eigen::VectorXd>(h.data(), static_cast<Eigen::Index>(h.size()));
      in.names = {"high"};
      auto cox = localsurv::cox_fit(in);
      const json& ce = split["cox_efron"];
      CHECK(cox.n == ce["n"].get<std::size_t>());
      CHECK_CLOSE("split Cox coef", cox.coef[0], num(ce["coefficients"]["coef"][0]), 1e-6);
      CHECK_CLOSE("split Cox se", cox.se[0], num(ce["coefficients"]["se"][0]), 1e-6);
      CHECK_P("split Cox Wald p", cox.p[0], num(ce["coefficients"]["p"][0]));
      CHECK_CLOSE("split Cox loglik", cox.loglik, num(ce["loglik"]), 1e-6);
    }
  }
  CHECK(blocks == 9);
}

TEST_CASE("exactRankTests::cscores(Surv(time, event), 'LogRank') with tied times") {
  for (const json& c : testsupport::extra("cutpoint")["cases"]) {
    INFO(c["dataset"].get<std::string>() << " " << c["variable"].get<std::string>());
    Data d = data_for(c["dataset"], c["variable"], c["subset"]);
    MaxstatResult r = maxstat_log_rank(d.time, d.status, d.x, {});
    REQUIRE(r.n == c["n"].get<std::size_t>());
    double sum = 0, sum_sq = 0;
    for (double s : r.scores) sum += s, sum_sq += s * s;
    CHECK(std::fabs(sum - num(c["scores"]["sum"])) <= 1e-9);
    CHECK_CLOSE("sum of squares", sum_sq, num(c["scores"]["sum_sq"]), 1e-9);
    const auto first = nums(c["scores"]["first20"]);
    for (std::size_t i = 0; i < first.size(); ++i)
      CHECK_CLOSE("score " << i + 1, r.scores[i], first[i], 1e-9);
    if (c["scores"].contains("all")) {
      const auto all = nums(c["scores"]["all"]);
      REQUIRE(all.size() == r.scores.size());
      for (std::size_t i = 0; i < all.size(); ++i)
        CHECK_CLOSE("score " << i + 1, r.scores[i], all[i], 1e-9);
    }
  }
  const json& t = testsupport::extra("cutpoint")["tied"];
  auto sc = localsurv::log_rank_scores(nums(t["time"]), t["event"].get<std::vector<int>>());
  const auto want = nums(t["scores"]);
  for (std::size_t i = 0; i < want.size(); ++i) CHECK_CLOSE("tied score", sc[i], want[i], 1e-12);
}

TEST_CASE("maxstat.test on 12 patients with tied times (Lau94)") {
  const json& t = testsupport::extra("cutpoint")["tied"];
  MaxstatResult r =
      maxstat_log_rank(nums(t["time"]), t["event"].get<std::vector<int>>(), nums(t["x"]));
  CHECK(r.cutpoint == num(t["cutpoint"]));
  CHECK_CLOSE("statistic", r.statistic, num(t["statistic"]), 1e-9);
  CHECK_P("p", r.p_lau94_raw, num(t["p"]));
  REQUIRE(r.cuts == nums(t["cuts"]));
  const auto st = nums(t["stats"]);
  for (std::size_t k = 0; k < st.size(); ++k) CHECK_CLOSE("stat", r.statistics[k], st[k], 1e-9);
}

TEST_CASE("maxstat.test(..., pmethod = 'condMC') within Monte-Carlo error of R's large-B run") {
  for (const json& c : testsupport::extra("cutpoint")["cases"]) {
    const std::string what =
        c["dataset"].get<std::string>() + " " + c["variable"].get<std::string>();
    INFO(what);
    Data d = data_for(c["dataset"], c["variable"], c["subset"]);
    MaxstatOptions o;
    o.pmethod = MaxstatPMethod::CondMC;
    o.mc_replicates = 20000;
    MaxstatResult r = maxstat_log_rank(d.time, d.status, d.x, o);
    const double p_r = num(c["condmc"]["p"]);
    const double b_r = num(c["condmc"]["B"]);
    CHECK(r.cutpoint == num(c["condmc"]["cutpoint"]));
    CHECK_CLOSE("statistic", r.statistic, num(c["condmc"]["statistic"]), 1e-6);
    CHECK(r.mc_replicates == 20000);
    // Two independent binomial estimates of one p: their difference has SD
    // sqrt(p (1 - p) (1/B1 + 1/B2)); 4.5 SD (plus one count) fails by chance
    // about once in 150,000.
    const double p = std::max(p_r, 1.0 / b_r);
    const double sd = std::sqrt(p * (1 - p) * (1.0 / b_r + 1.0 / o.mc_replicates));
    INFO("ours " << r.p << ", R " << p_r);
    CHECK(std::fabs(r.p - p_r) <= 4.5 * sd + 1.0 / o.mc_replicates);
  }
}

TEST_CASE("condMC is deterministic for a seed and changes with it") {
  Data d = data_for("lung", "age", json());
  MaxstatOptions o;
  o.pmethod = MaxstatPMethod::CondMC;
  o.mc_replicates = 2000;
  const double a = maxstat_log_rank(d.time, d.status, d.x, o).p;
  const double b = maxstat_log_rank(d.time, d.status, d.x, o).p;
  CHECK(a == b);
  o.seed = 1;
  const double c = maxstat_log_rank(d.time, d.status, d.x, o).p;
  CHECK(c != a);
  CHECK(std::fabs(c - a) < 0.06);
}

TEST_CASE(
    "Youden cutpoint (cutoff::roc rule) on event status and at a horizon, as tests/r/cutpoint.R") {
  for (const json& c : testsupport::extra("cutpoint")["cases"]) {
    INFO(c["dataset"].get<std::string>() << " " << c["variable"].get<std::string>());
    Data d = data_for(c["dataset"], c["variable"], c["subset"]);
    for (const char* which : {"youden_event", "youden_horizon"}) {
      INFO(which);
      const json& w = c[which];
      localsurv::YoudenOptions o;
      if (w.contains("horizon")) o.horizon = num(w["horizon"]);
      auto r = localsurv::youden_cutpoint(d.time, d.status, d.x, o);
      CHECK(r.n == w["n"].get<std::size_t>());
      CHECK(r.n_cases == w["n_cases"].get<std::size_t>());
      CHECK(r.n_controls == w["n_controls"].get<std::size_t>());
      if (w.contains("n_excluded_censored"))
        CHECK(r.n_excluded_censored == w["n_excluded_censored"].get<std::size_t>());
      CHECK_CLOSE("auc", r.auc, num(w["auc"]), 1e-9);
      CHECK(r.higher_is_event == w["higher_is_event"].get<bool>());
      CHECK(r.threshold == num(w["threshold"]));
      CHECK(((std::isnan(r.cutpoint) && w["cutpoint"].is_null()) ||
             r.cutpoint == num(w["cutpoint"])));
      CHECK_CLOSE("sensitivity", r.sensitivity, num(w["sensitivity"]), 1e-12);
      CHECK_CLOSE("specificity", r.specificity, num(w["specificity"]), 1e-12);
      CHECK_CLOSE("youden", r.youden, num(w["youden"]), 1e-9);
      // pROC picks the same maximum J when its direction agrees.
      if ((w["proc_direction"] == "<") == r.higher_is_event)
        CHECK_CLOSE("pROC best J", r.youden, num(w["proc_youden"]), 1e-9);
    }
  }
}

TEST_CASE("median split: median(x), high = x > median") {
  for (const json& c : testsupport::extra("cutpoint")["cases"]) {
    INFO(c["dataset"].get<std::string>() << " " << c["variable"].get<std::string>());
    Data d = data_for(c["dataset"], c["variable"], c["subset"]);
    // R's median over the maxstat complete cases.
    std::vector<double> x;
    for (std::size_t i = 0; i < d.x.size(); ++i)
      if (!std::isnan(d.x[i]) && !std::isnan(d.time[i]) && d.status[i] >= 0) x.push_back(d.x[i]);
    auto m = localsurv::median_split(x);
    CHECK(m.cutpoint == num(c["median"]["cutpoint"]));
    CHECK(m.n_high == c["median"]["n_high"].get<std::size_t>());
    CHECK(m.n_low == c["median"]["n_low"].get<std::size_t>());
  }
  auto odd = localsurv::median_split({3, NAN, 1, 2});
  CHECK(odd.cutpoint == 2);
  CHECK(odd.n_missing == 1);
  CHECK(odd.n_high == 1);
  auto empty = localsurv::median_split({NAN});
  CHECK(std::isnan(empty.cutpoint));
  CHECK(empty.warnings.size() == 1);
}

TEST_CASE("degenerate and invalid inputs") {
  const json& t = testsupport::extra("cutpoint")["tied"];
  const auto time = nums(t["time"]);
  const auto x = nums(t["x"]);
  std::vector<int> none(time.size(), 0);
  // R: every statistic NaN, estimate NA.
  CHECK(testsupport::extra("cutpoint")["no_events"]["estimate"].is_null());
  auto r = maxstat_log_rank(time, none, x);
  CHECK(std::isnan(r.statistic));
  CHECK(std::isnan(r.cutpoint));
  CHECK(std::isnan(r.p));
  CHECK(r.warnings.size() == 1);
  CHECK(r.statistics.size() == testsupport::extra("cutpoint")["no_events"]["stats"].size());
  for (double s : r.statistics) CHECK(std::isnan(s));
  // Every death at one time, nobody censored: equal scores.
  auto same = maxstat_log_rank(std::vector<double>(10, 5.0), std::vector<int>(10, 1),
                               {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(std::isnan(same.statistic));
  CHECK(same.warnings.size() == 1);
  // R stops: "minprop too large" / "no data between minprop, maxprop".
  CHECK(testsupport::extra("cutpoint")["errors"]["constant_x"] == "minprop too large");
  CHECK(error_of(time, t["event"].get<std::vector<int>>(), std::vector<double>(12, 1.0))
            .find("too few distinct values") != std::string::npos);
  CHECK(testsupport::extra("cutpoint")["errors"]["two_values_lopsided"] ==
        "no data between minprop, maxprop");
  std::vector<double> lop(12, 1.0);
  lop[11] = 2;
  CHECK(error_of(time, t["event"].get<std::vector<int>>(), lop).find("minprop and maxprop") !=
        std::string::npos);
  CHECK(error_of({}, {}, {}).find("no patient") != std::string::npos);
  CHECK(error_of({1, 2}, {1, 2}, {1, 2}).find("must be 0 or 1") != std::string::npos);
  CHECK(error_of({1, INFINITY}, {1, 0}, {1, 2}).find("infinite") != std::string::npos);
  CHECK(error_of({1, 2}, {1}, {1, 2}).find("has 2 elements") != std::string::npos);
  // Missing rows are dropped and counted.
  std::vector<double> xm = x;
  xm[0] = NAN;
  auto dropped = maxstat_log_rank(time, t["event"].get<std::vector<int>>(), xm);
  CHECK(dropped.n == 11);
  CHECK(dropped.n_missing == 1);
  // Youden without controls.
  auto y = localsurv::youden_cutpoint({1, 2}, {1, 1}, {1, 2});
  CHECK(std::isnan(y.threshold));
  CHECK(y.warnings.size() == 1);
  // Uninformative x: J = 0 everywhere.
  auto flat = localsurv::youden_cutpoint({1, 2, 3, 4}, {1, 0, 1, 0}, {1, 1, 2, 2});
  CHECK(flat.auc == 0.5);
  CHECK(std::isnan(flat.threshold));
}

TEST_CASE("200,000 patients: Lau94 over every candidate cut, the maximum reported") {
  const std::size_t n = 200000;
  std::vector<double> time(n), x(n);
  std::vector<int> status(n);
  std::uint64_t s = 42;
  auto u = [&] {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = std::floor(u() * 1000);
    time[i] = std::floor(-std::log(1 - u()) * 365 / (1 + x[i] / 500));
    status[i] = u() < 0.7;
  }
  auto r = maxstat_log_rank(time, status, x);
  CHECK(r.statistic > 5);
  CHECK(r.cuts.size() > 700);
  // The result is the data's: every patient used, the events counted, and the
  // reported cut the candidate with the largest statistic (maxstat's M).
  CHECK(r.n == n);
  CHECK(r.nevent == static_cast<std::size_t>(std::count(status.begin(), status.end(), 1)));
  REQUIRE(r.statistics.size() == r.cuts.size());
  REQUIRE(r.m.size() == r.cuts.size());
  const std::size_t best = static_cast<std::size_t>(
      std::max_element(r.statistics.begin(), r.statistics.end()) - r.statistics.begin());
  CHECK(r.statistic == r.statistics[best]);
  CHECK(r.cutpoint == r.cuts[best]);
  CHECK(r.n_low == r.m[best]);
  CHECK(r.n_low == static_cast<std::size_t>(std::count_if(
                       x.begin(), x.end(), [&](double v) { return v <= r.cutpoint; })));
  CHECK(r.n_low + r.n_high == n);
  CHECK(std::is_sorted(r.cuts.begin(), r.cuts.end()));
  // minprop 0.1, maxprop 0.9: every candidate splits off at least 10% each side.
  CHECK(r.m.front() >= n / 10);
  CHECK(r.m.back() <= n - n / 10);
}
