// Log-rank family against R: survdiff (rho = 0) from the goldens for every
// dataset; rho != 0, stratified rho, pairwise comparisons, timefix and
// degenerate inputs from tests/reference/extra/log_rank.json
// (tests/r/log_rank.R).
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>

#include "error.h"
#include "golden.h"
#include "stats/log_rank.h"

using localsurv::Error;
using localsurv::log_rank;
using localsurv::LogRankOptions;
using localsurv::LogRankResult;
using localsurv::PAdjustMethod;
using localsurv::pairwise_log_rank;
using localsurv::PairwiseLogRankOptions;
using testsupport::json;
using testsupport::num;
using testsupport::nums;

namespace {

// One golden dataset restricted to its population, with time and event
// (testsupport::golden_cohort: the golden's own event and treat expressions).
struct Cohort {
  localsurv::Table table;
  std::vector<std::size_t> rows;  // population rows of the file
  std::vector<double> time;
  std::vector<int> status;
  const json* golden = nullptr;
};

Cohort cohort(const std::string& name) {
  testsupport::GoldenCohort g = testsupport::golden_cohort(name);
  Cohort c;
  c.golden = &testsupport::golden(name);
  c.table = std::move(g.table);
  c.rows = std::move(g.rows);
  const auto& t = c.table.column(".time");
  const auto& e = c.table.column(".event");
  for (auto r : c.rows) {
    c.time.push_back(t.is_missing(r) ? NAN : t.numbers[r]);
    c.status.push_back(e.is_missing(r) ? -1 : static_cast<int>(e.numbers[r]));
  }
  return c;
}

// Level codes of a column in a declared level order; -1 where missing.
std::vector<int> codes(const Cohort& c, const std::string& column,
                       const std::vector<std::string>& levels) {
  const auto& col = c.table.column(column);
  std::vector<int> out;
  for (auto r : c.rows) {
    if (col.is_missing(r)) {
      out.push_back(-1);
      continue;
    }
    auto it = std::find(levels.begin(), levels.end(), col.text(r));
    if (it == levels.end()) FAIL("value " << col.text(r) << " of " << column << " not a level");
    out.push_back(static_cast<int>(it - levels.begin()));
  }
  return out;
}

// The binary treat of the golden (levels "0", "1"), or colon's rx factor.
std::vector<int> group_codes(const Cohort& c, const std::string& variable) {
  const json& d = (*c.golden)["dataset"];
  if (variable != "treat") return codes(c, variable, d["group"]["levels"]);
  const auto& col = c.table.column("treat");
  std::vector<int> out;
  for (auto r : c.rows) out.push_back(col.is_missing(r) ? -1 : static_cast<int>(col.numbers[r]));
  return out;
}

std::vector<std::string> strings(const json& j) { return j.get<std::vector<std::string>>(); }

// survdiff's LR block: n, observed, expected, var, chisq, df, p.
void check_lr(const LogRankResult& r, const json& lr, const std::string& what) {
  INFO(what);
  REQUIRE(r.groups.size() == lr["n"].size());
  for (std::size_t k = 0; k < r.groups.size(); ++k) {
    CHECK(r.n[k] == lr["n"][k].get<long>());
    CHECK_CLOSE("observed[" << k << "]", r.observed[k], num(lr["observed"][k]), 1e-6);
    CHECK_CLOSE("expected[" << k << "]", r.expected[k], num(lr["expected"][k]), 1e-6);
    for (std::size_t l = 0; l < r.groups.size(); ++l)
      CHECK_CLOSE("var[" << k << "," << l << "]", r.var(k, l), num(lr["var"]["rows"][k][l]), 1e-6);
  }
  CHECK_CLOSE("chisq", r.test.statistic, num(lr["chisq"]), 1e-6);
  CHECK(r.test.df == lr["df"].get<int>());
  CHECK_P("p", r.test.p, num(lr["p"]));
}

void check_by_stratum(const LogRankResult& r, const json& lr) {
  REQUIRE(r.strata.size() == lr["n_by_stratum"].size());
  for (std::size_t s = 0; s < r.strata.size(); ++s) {
    CHECK(r.n_by_stratum[s] == lr["n_by_stratum"][s].get<long>());
    for (std::size_t k = 0; k < r.groups.size(); ++k) {
      CHECK_CLOSE("observed_by_stratum", r.observed_by_stratum(k, s),
                  num(lr["observed_by_stratum"]["rows"][k][s]), 1e-6);
      CHECK_CLOSE("expected_by_stratum", r.expected_by_stratum(k, s),
                  num(lr["expected_by_stratum"]["rows"][k][s]), 1e-6);
    }
  }
}

const std::vector<std::string> kDatasets{"lung", "veteran",   "colon",      "colon_bin",
                                         "pbc",  "rotterdam", "npc_synth_1"};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

using testsupport::has_warning;

std::vector<int> ints(const json& j) {
  std::vector<int> v;
  for (const auto& x : j) v.push_back(static_cast<int>(x.get<double>()));
  return v;
}

}  // namespace

TEST_CASE("goldens logrank.by_group: survdiff(Surv(time, event) ~ treat), all datasets") {
  for (const auto& name : kDatasets) {
    Cohort c = cohort(name);
    const json& lr = (*c.golden)["logrank"]["by_group"];
    const std::string variable = name == "colon" ? "rx" : "treat";
    auto r = log_rank(c.time, c.status, group_codes(c, variable));
    check_lr(r, lr, name + ": " + lr["formula"].get<std::string>());
    CHECK(r.strata.empty());
    CHECK(r.n_missing == 0);
  }
}

TEST_CASE("goldens logrank.multigroup: survdiff(Surv(time, event) ~ factor(v)), all datasets") {
  int blocks = 0;
  for (const auto& name : kDatasets) {
    Cohort c = cohort(name);
    for (const auto& lr : (*c.golden)["logrank"]["multigroup"]) {
      const std::string v = lr["variable"];
      auto g = codes(c, v, strings(lr["levels"]));
      auto r = log_rank(c.time, c.status, g);
      check_lr(r, lr, name + ": ~ " + v);
      // Complete cases as survdiff's na.omit (lung ph.ecog has one NA).
      long n_total = 0;
      for (auto k : lr["n"]) n_total += k.get<long>();
      CHECK(r.n_used == static_cast<std::size_t>(n_total));
      CHECK(r.n_missing == c.rows.size() - r.n_used);
      ++blocks;
    }
  }
  CHECK(blocks == 11);
}

TEST_CASE("goldens logrank.stratified: survdiff(Surv(time, event) ~ g + strata(s)), all datasets") {
  int blocks = 0;
  for (const auto& name : kDatasets) {
    Cohort c = cohort(name);
    for (const auto& lr : (*c.golden)["logrank"]["stratified"]) {
      auto g = group_codes(c, lr["group"]);
      auto s = codes(c, lr["strata"], strings(lr["strata_levels"]));
      auto r = log_rank(c.time, c.status, g, s);
      check_lr(r, lr,
               name + ": ~ " + lr["group"].get<std::string>() + " + strata(" +
                   lr["strata"].get<std::string>() + ")");
      CHECK(r.strata.size() == lr["strata_levels"].size());
      // Summed per-stratum tables are the totals.
      for (std::size_t k = 0; k < r.groups.size(); ++k)
        CHECK_CLOSE("sum over strata", r.expected_by_stratum.row(k).sum(), r.expected[k], 1e-12);
      ++blocks;
    }
  }
  CHECK(blocks == 7);
}

TEST_CASE("extra: survdiff(..., rho = 1 / 0.5), plain, multigroup and stratified") {
  std::map<std::string, Cohort> c;
  for (auto name : {"lung", "veteran", "colon"}) c[name] = cohort(name);
  const std::vector<std::string> ecog{"0", "1", "2", "3"};
  const std::vector<std::string> cell{"squamous", "smallcell", "adeno", "large"};
  const std::vector<std::string> prior{"0", "10"};
  const std::vector<std::string> extent{"1", "2", "3", "4"};
  int seen = 0;
  for (const auto& x : testsupport::extra("log_rank")["survdiff"]) {
    const std::string name = x["name"];
    const std::string ds = name.substr(0, name.find('_'));
    const Cohort& d = c.at(ds);
    std::vector<int> g, s;
    LogRankOptions o;
    o.rho = name.find("rho0.5") != std::string::npos ? 0.5
            : name.find("rho1") != std::string::npos ? 1.0
                                                     : 0.0;
    if (name == "lung_by_group_rho1" || name == "veteran_by_group_rho1") {
      g = group_codes(d, "treat");
    } else if (name == "lung_multigroup_rho1") {
      g = codes(d, "ph.ecog", ecog);
    } else if (name == "lung_stratified_rho1") {
      g = group_codes(d, "treat");
      s = codes(d, "ph.ecog", ecog);
    } else if (name == "veteran_multigroup_rho1" || name == "veteran_multigroup_rho0.5") {
      g = codes(d, "celltype", cell);
    } else if (name == "veteran_stratified_rho1") {
      g = group_codes(d, "treat");
      s = codes(d, "celltype", cell);
    } else if (name.rfind("veteran_multigroup_strata_prior", 0) == 0) {
      g = codes(d, "celltype", cell);
      s = codes(d, "prior", prior);
    } else if (name == "colon_stratified_rho1") {
      g = group_codes(d, "rx");
      s = codes(d, "extent", extent);
    } else {
      FAIL("no C++ set-up for extra case " << name);
    }
    auto r = log_rank(d.time, d.status, g, s, o);
    check_lr(r, x, x["call"].get<std::string>());
    if (!s.empty()) check_by_stratum(r, x);
    ++seen;
  }
  CHECK(seen == 10);
}

TEST_CASE(
    "extra: pairwise_survdiff (survdiff per pair + p.adjust), veteran celltype, lung ph.ecog") {
  std::map<std::string, PAdjustMethod> methods{{"holm", PAdjustMethod::Holm},
                                               {"bonferroni", PAdjustMethod::Bonferroni},
                                               {"none", PAdjustMethod::None},
                                               {"BH", PAdjustMethod::BH}};
  int seen = 0;
  for (const auto& x : testsupport::extra("log_rank")["pairwise"]) {
    const std::string ds = x["dataset"];
    Cohort c = cohort(ds);
    const auto levels = strings(x["levels"]);
    const std::string column = ds == "lung" ? "ph.ecog" : "celltype";
    auto g = codes(c, column, levels);
    std::vector<int> s;
    if (x.contains("strata")) s = codes(c, x["strata"], {"0", "10"});
    PairwiseLogRankOptions o;
    o.adjust = methods.at(x["method"]);
    o.test.rho = x["rho"];
    auto r = pairwise_log_rank(c.time, c.status, g, s, o);
    INFO(ds << " ~ " << column << ", p.adjust " << x["method"] << ", rho " << x["rho"]);
    REQUIRE(r.pairs.size() == x["pairs"].size());
    for (std::size_t i = 0; i < r.pairs.size(); ++i) {
      const auto& p = r.pairs[i];
      const auto& e = x["pairs"][i];
      INFO(e["a"] << " vs " << e["b"]);
      CHECK(levels[p.group_a] == e["a"]);
      CHECK(levels[p.group_b] == e["b"]);
      CHECK(p.n == e["n"].get<std::size_t>());
      CHECK_CLOSE("observed a", p.observed_a, num(e["observed"][0]), 1e-6);
      CHECK_CLOSE("observed b", p.observed_b, num(e["observed"][1]), 1e-6);
      CHECK_CLOSE("expected a", p.expected_a, num(e["expected"][0]), 1e-6);
      CHECK_CLOSE("expected b", p.expected_b, num(e["expected"][1]), 1e-6);
      CHECK_CLOSE("chisq", p.test.statistic, num(e["chisq"]), 1e-6);
      CHECK(p.test.df == e["df"].get<int>());
      CHECK_P("p", p.test.p, num(e["p"]));
      CHECK_P("p_adjusted", p.p_adjusted, num(e["p_adjusted"]));
      CHECK_CLOSE("p_adjusted relative", p.p_adjusted, num(e["p_adjusted"]), 1e-6);
    }
    ++seen;
  }
  CHECK(seen == 10);
}

TEST_CASE("extra: p.adjust(p, holm / bonferroni / BH / none) with ties and an NA") {
  const auto& x = testsupport::extra("log_rank")["p_adjust"];
  const auto p = nums(x["p"]);
  const std::vector<std::pair<std::string, PAdjustMethod>> methods{
      {"holm", PAdjustMethod::Holm},
      {"bonferroni", PAdjustMethod::Bonferroni},
      {"BH", PAdjustMethod::BH},
      {"none", PAdjustMethod::None}};
  for (const auto& entry : methods) {
    const std::string& name = entry.first;
    const PAdjustMethod m = entry.second;
    const auto got = localsurv::p_adjust(p, m);
    const auto want = nums(x[name]);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK_P(name << "[" << i << "]", got[i], want[i]);
  }
  // A single p-value (n <= 1) is returned unchanged, as p.adjust does.
  CHECK(localsurv::p_adjust({0.2, NAN}, PAdjustMethod::Bonferroni)[0] == 0.2);
}

TEST_CASE("extra: timefix (aeqSurv) merges near-equal times; survdiff.fit on raw times") {
  int seen = 0;
  for (const auto& x : testsupport::extra("log_rank")["timefix"]) {
    INFO(x["name"] << ": " << x["description"]);
    const auto time = nums(x["time"]);
    const auto status = ints(x["status"]);
    const auto group = ints(x["group"]);
    auto fixed = log_rank(time, status, group);
    check_lr(fixed, x["timefix"], "timefix = TRUE");
    LogRankOptions raw;
    raw.timefix = false;
    auto r = log_rank(time, status, group, {}, raw);
    const auto& e = x["no_timefix"];
    for (std::size_t k = 0; k < 2; ++k) {
      CHECK_CLOSE("observed", r.observed[k], num(e["observed"][k]), 1e-6);
      CHECK_CLOSE("expected", r.expected[k], num(e["expected"][k]), 1e-6);
      for (std::size_t l = 0; l < 2; ++l)
        CHECK_CLOSE("var", r.var(k, l), num(e["var"]["rows"][k][l]), 1e-6);
    }
    CHECK_CLOSE("chisq", r.test.statistic, num(e["chisq"]), 1e-6);
    CHECK_P("p", r.test.p, num(e["p"]));
    // The merge must matter in these data, or the case tests nothing.
    CHECK(std::fabs(fixed.test.statistic - r.test.statistic) > 1e-4);
    ++seen;
  }
  CHECK(seen == 3);
}

TEST_CASE("extra: degenerate inputs as R's survdiff") {
  const auto& d = testsupport::extra("log_rank")["degenerate"];
  auto run = [](const json& x) {
    std::vector<int> s;
    if (x.contains("strata")) s = ints(x["strata"]);
    return log_rank(nums(x["time"]), ints(x["status"]), ints(x["group"]), s);
  };
  SUBCASE("one group: R stops with 'There is only 1 group'") {
    CHECK(d["one_group"]["error"] == "There is only 1 group");
    auto msg = error_of([&] { run(d["one_group"]); });
    CHECK(msg.find("one group") != std::string::npos);
    CHECK(msg.find("at least 2 groups") != std::string::npos);
  }
  SUBCASE("no events: chisq 0, df -1, p NA with a warning") {
    auto r = run(d["no_events"]);
    check_lr(r, d["no_events"], d["no_events"]["call"]);
    CHECK(std::isnan(r.test.p));
    CHECK(has_warning(r.warnings, "no events"));
  }
  SUBCASE("empty factor level: dropped as survdiff does") {
    auto r = run(d["empty_level"]);
    check_lr(r, d["empty_level"], d["empty_level"]["call"]);
    CHECK(r.groups == std::vector<int>{0, 2});
    CHECK(has_warning(r.warnings, "level code 1 has no patients"));
  }
  SUBCASE("a group with expected 0 leaves the test and df") {
    auto r = run(d["expected_zero"]);
    check_lr(r, d["expected_zero"], d["expected_zero"]["call"]);
    CHECK(has_warning(r.warnings, "group code 0 has no patient at risk"));
  }
  SUBCASE("only one group at risk at event times: chisq 0, df 0, p 1") {
    auto r = run(d["one_group_at_risk"]);
    check_lr(r, d["one_group_at_risk"], d["one_group_at_risk"]["call"]);
    CHECK(r.test.p == 1.0);
    CHECK(has_warning(r.warnings, "nothing to compare"));
  }
  SUBCASE("singular variance: R stops in solve(); NaN + warning here") {
    CHECK(d["singular_strata"]["error"].get<std::string>().find("singular") != std::string::npos);
    auto r = run(d["singular_strata"]);
    CHECK(std::isnan(r.test.statistic));
    CHECK(std::isnan(r.test.p));
    CHECK(r.test.df == 1);
    CHECK(has_warning(r.warnings, "singular"));
    CHECK(r.observed == std::vector<double>{2, 2});
  }
}

TEST_CASE("input errors name the argument and the row") {
  const std::vector<double> t{1, 2, 3, 4};
  const std::vector<int> s{1, 0, 1, 1}, g{0, 0, 1, 1};
  CHECK(error_of([&] {
          log_rank(t, {1, 0, 1}, g);
        }).find("time has 4 elements but status has 3") != std::string::npos);
  CHECK(error_of([&] { log_rank(t, s, g, {0, 1}); }).find("strata has 2") != std::string::npos);
  CHECK(error_of([&] {
          log_rank(t, {1, 2, 1, 1}, g);
        }).find("status of row 2 is 2") != std::string::npos);
  CHECK(error_of([&] {
          log_rank({1, INFINITY, 3, 4}, s, g);
        }).find("time of row 2 is infinite") != std::string::npos);
  CHECK(error_of([&] {
          log_rank(t, s, {-1, -1, -1, -1});
        }).find("no patient") != std::string::npos);
  // Group 1's rows are all missing, so only one group is left.
  CHECK(error_of([&] { log_rank({1, 2, NAN, NAN}, s, g); }).find("one group") != std::string::npos);
  LogRankOptions o;
  o.rho = NAN;
  CHECK(error_of([&] { log_rank(t, s, g, {}, o); }).find("rho") != std::string::npos);
  std::vector<double> tt(300);
  std::vector<int> ss(300, 1), gg(300);
  for (int i = 0; i < 300; ++i) tt[i] = i, gg[i] = i;
  CHECK(error_of([&] { log_rank(tt, ss, gg); }).find("300 distinct values") != std::string::npos);
}

TEST_CASE("missing rows are dropped as na.omit: same result as the complete rows") {
  Cohort c = cohort("veteran");
  auto g = group_codes(c, "treat");
  auto full = log_rank(c.time, c.status, g);
  auto t = c.time;
  auto s = c.status;
  t.push_back(NAN), s.push_back(1), g.push_back(0);
  t.push_back(5), s.push_back(-1), g.push_back(1);
  t.push_back(7), s.push_back(1), g.push_back(-1);
  auto r = log_rank(t, s, g);
  CHECK(r.n_missing == 3);
  CHECK(r.n_used == full.n_used);
  CHECK(r.test.statistic == full.test.statistic);
  CHECK(r.expected == full.expected);
}

TEST_CASE("pairwise with strata equals survdiff + strata() on each pair's rows") {
  // survdiff(Surv(time, status) ~ cell + strata(prior), subset = cell %in% pair)
  Cohort c = cohort("veteran");
  auto g = codes(c, "celltype", {"squamous", "smallcell", "adeno", "large"});
  auto s = codes(c, "prior", {"0", "10"});
  PairwiseLogRankOptions o;
  o.test.rho = 1;
  auto pw = pairwise_log_rank(c.time, c.status, g, s, o);
  REQUIRE(pw.pairs.size() == 6);
  for (const auto& p : pw.pairs) {
    std::vector<double> t;
    std::vector<int> st, gg, ss;
    for (std::size_t i = 0; i < g.size(); ++i)
      if (g[i] == p.group_a || g[i] == p.group_b)
        t.push_back(c.time[i]), st.push_back(c.status[i]), gg.push_back(g[i]), ss.push_back(s[i]);
    auto r = log_rank(t, st, gg, ss, o.test);
    CHECK(p.n == r.n_used);
    CHECK_CLOSE("pair chisq", p.test.statistic, r.test.statistic, 1e-12);
    CHECK_CLOSE("pair expected", p.expected_b, r.expected[1], 1e-12);
  }
  // BH is pairwise_survdiff's default.
  CHECK(pw.adjust == PAdjustMethod::BH);
}

TEST_CASE("200,000 patients, 3 groups, 4 strata: O - E sums to zero") {
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> expo(1.0);
  std::uniform_int_distribution<int> three(0, 2), four(0, 3);
  const std::size_t n = 200000;
  std::vector<double> t(n);
  std::vector<int> s(n), g(n), st(n);
  for (std::size_t i = 0; i < n; ++i) {
    g[i] = three(rng);
    st[i] = four(rng);
    // Rounded times give many ties, as real follow-up in days does.
    t[i] = std::round(expo(rng) * (1.0 + 0.2 * g[i]) * 365.0);
    s[i] = expo(rng) < 1.5;
  }
  auto r = log_rank(t, s, g, st);
  auto pw = pairwise_log_rank(t, s, g, st);
  double o = 0, e = 0;
  for (int k = 0; k < 3; ++k) o += r.observed[k], e += r.expected[k];
  CHECK_CLOSE("sum O = sum E", e, o, 1e-9);
  CHECK(r.var.rowwise().sum().cwiseAbs().maxCoeff() < 1e-6 * r.var.diagonal().maxCoeff());
  CHECK(r.test.p < 1e-10);  // the hazards differ by 20% per group
  CHECK(pw.pairs.size() == 3);
}
