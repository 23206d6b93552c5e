// Subgroup analysis: parity with R survival 3.5-3 on the npc_synth_1
// golden's `subgroups` block, plus degenerate and error paths.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "error.h"
#include "golden.h"
#include "stats/subgroup.h"
#include "study/model_frame.h"

using namespace localsurv;
using testsupport::golden;
using testsupport::json;
using testsupport::num;

namespace {

constexpr double kRel = 1e-6;

// golden["dataset"]["derived"] for npc_synth_1, as 0/1 with NaN = missing.
std::vector<double> derived(const Table& t, const std::string& name) {
  auto at_least = [&](const std::string& col, double cut) {
    const Column& c = t.column(col);
    std::vector<double> v(c.size());
    for (std::size_t r = 0; r < c.size(); ++r)
      v[r] = c.is_missing(r) ? NAN : static_cast<double>(c.numbers[r] >= cut);
    return v;
  };
  auto equals = [&](const std::string& col, const std::string& value) {
    const Column& c = t.column(col);
    std::vector<double> v(c.size());
    for (std::size_t r = 0; r < c.size(); ++r)
      v[r] = c.is_missing(r) ? NAN : static_cast<double>(c.text(r) == value);
    return v;
  };
  if (name == "age45") return at_least("age", 45);
  if (name == "kps90") return at_least("kps", 90);
  if (name == "ebv_hi") return at_least("ebv_dna", 10000);
  if (name == "cycles6") return at_least("chemo_cycles", 6);
  if (name == "t4") return equals("t_stage", "T4");
  if (name == "n3") return equals("n_stage", "N3");
  if (name == "synchronous") return equals("sequence", "synchronous");
  return testsupport::numeric_column(t, name);
}

// SubgroupInput for one golden subgroup variable: time = os_months, status =
// death, treat = lt; factor covariates with their declared levels, numeric
// ones with their sorted distinct values as levels (as R's golden script).
SubgroupInput npc_input(const Table& t, const json& cov) {
  SubgroupInput in;
  in.time = testsupport::numeric_column(t, "os_months");
  for (double e : testsupport::numeric_column(t, "death")) in.status.push_back(static_cast<int>(e));
  for (double e : testsupport::numeric_column(t, "lt")) in.treat.push_back(static_cast<int>(e));
  in.variable = "sg";
  if (cov["type"] == "factor") {
    in.levels = cov["levels"].get<std::vector<std::string>>();
    in.codes = factor_codes(t.column(cov["name"]), in.levels);
  } else {
    std::vector<double> x = derived(t, cov["name"]);
    in.levels = {"0", "1"};
    for (double v : x) {
      REQUIRE((std::isnan(v) || v == 0 || v == 1));
      in.codes.push_back(std::isnan(v) ? -1 : static_cast<int>(v));
    }
  }
  return in;
}

}  // namespace

TEST_CASE(
    "npc_synth_1 subgroups: coxph(Surv(os_months, death) ~ treat, subset = x == l); "
    "coxph(~ treat * x) vs coxph(~ treat + x)") {
  const Table t = testsupport::dataset("npc_synth_1");
  const json& g = golden("npc_synth_1");
  const json& results = g["subgroups"]["results"];
  REQUIRE(results.size() == 16);
  for (const json& sg : results) {
    const std::string var = sg["variable"];
    INFO("subgroup variable " << var);
    const json* cov = nullptr;
    for (const json& c : g["dataset"]["covariates"])
      if (c["name"] == var) cov = &c;
    REQUIRE(cov != nullptr);
    SubgroupInput in = npc_input(t, *cov);
    SubgroupResult r = subgroup_analysis(in);
    REQUIRE(r.levels.size() == sg["levels"].size());
    for (std::size_t k = 0; k < r.levels.size(); ++k) {
      const json& gl = sg["levels"][k];
      const SubgroupLevel& l = r.levels[k];
      INFO("level " << l.level);
      CHECK(l.level == gl["level"].get<std::string>());
      CHECK(l.n == gl["n"].get<std::size_t>());
      CHECK(l.nevent == gl["nevent"].get<std::size_t>());
      CHECK(l.n_treated == gl["n_treated"].get<std::size_t>());
      CHECK(l.n_control == gl["n_control"].get<std::size_t>());
      CHECK(l.events_treated + l.events_control == l.nevent);
      CHECK(l.fitted);
      CHECK(l.converged);
      CHECK_CLOSE("coef", l.coef, num(gl["coef"]), kRel);
      CHECK_CLOSE("se", l.se, num(gl["se"]), kRel);
      CHECK_CLOSE("hr", l.hr, num(gl["hr"]), kRel);
      CHECK_CLOSE("lower", l.lower, num(gl["lower"]), kRel);
      CHECK_CLOSE("upper", l.upper, num(gl["upper"]), kRel);
      CHECK_CLOSE("z", l.z, num(gl["z"]), kRel);
      CHECK_P("p", l.p, num(gl["p"]));
    }
    const json& gi = sg["interaction"];
    const SubgroupInteraction& ia = r.interaction;
    CHECK(ia.n == gi["n"].get<std::size_t>());
    REQUIRE(ia.terms.size() == 1);
    // R names a factor's interaction treat:sgFemale, a 0/1 numeric's treat:sg.
    if ((*cov)["type"] == "factor") CHECK(ia.terms[0] == gi["term"].get<std::string>());
    CHECK(ia.converged);
    CHECK_CLOSE("interaction coef", ia.coef[0], num(gi["coef"]), kRel);
    CHECK_CLOSE("interaction se", ia.se[0], num(gi["se"]), kRel);
    CHECK_CLOSE("interaction z", ia.z[0], num(gi["wald_z"]), kRel);
    CHECK_P("interaction Wald p (coefficient)", ia.p[0], num(gi["wald_p"]));
    // One interaction coefficient: the joint Wald chi-square is z^2.
    CHECK_CLOSE("joint Wald", ia.wald.statistic, std::pow(num(gi["wald_z"]), 2), kRel);
    CHECK(ia.wald.df == 1);
    CHECK_P("joint Wald p", ia.wald.p, num(gi["wald_p"]));
    CHECK_CLOSE("LRT", ia.lrt.statistic, num(gi["lrt_statistic"]), kRel);
    CHECK(ia.lrt.df == gi["lrt_df"].get<int>());
    CHECK_P("LRT p", ia.lrt.p, num(gi["lrt_p"]));
    // ebv_hi is missing for 56 patients: they are left out and said so.
    CHECK((r.warnings.empty() == (ia.n == in.time.size())));
  }
}

namespace {

// 40 patients: levels "a" and "b" (20 each, both arms, events) and an empty "c".
SubgroupInput toy() {
  SubgroupInput in;
  in.variable = "grp";
  in.levels = {"a", "b", "c"};
  for (int i = 0; i < 40; ++i) {
    in.time.push_back(1.0 + (i * 7) % 23);
    in.status.push_back(i % 3 != 0);
    in.treat.push_back(i % 2);
    in.codes.push_back(i < 20 ? 0 : 1);
  }
  return in;
}

}  // namespace

TEST_CASE("degenerate subgroups: empty level, no events, one arm -> NaN and a warning") {
  SubgroupInput in = toy();
  // "c" has no patients.
  SubgroupResult r = subgroup_analysis(in);
  REQUIRE(r.levels.size() == 3);
  CHECK(r.levels[0].fitted);
  CHECK(std::isfinite(r.levels[0].hr));
  CHECK(r.levels[2].n == 0);
  CHECK(!r.levels[2].fitted);
  CHECK(std::isnan(r.levels[2].hr));
  CHECK(std::isnan(r.levels[2].p));
  CHECK(!r.warnings.empty());
  // The interaction for the empty level is aliased: one df, not two.
  CHECK(r.interaction.lrt.df == 1);
  CHECK(r.interaction.wald.df == 1);
  CHECK(std::isnan(r.interaction.coef[1]));
  CHECK(std::isfinite(r.interaction.coef[0]));

  // Level "b": no events.
  SubgroupInput ne = toy();
  for (std::size_t i = 20; i < 40; ++i) ne.status[i] = 0;
  SubgroupResult rn = subgroup_analysis(ne);
  CHECK(rn.levels[1].nevent == 0);
  CHECK(std::isnan(rn.levels[1].coef));
  CHECK(rn.levels[1].n == 20);

  // Level "b": everyone treated.
  SubgroupInput oa = toy();
  for (std::size_t i = 20; i < 40; ++i) oa.treat[i] = 1;
  SubgroupResult ro = subgroup_analysis(oa);
  CHECK(ro.levels[1].n_control == 0);
  CHECK(ro.levels[1].n_treated == 20);
  CHECK(std::isnan(ro.levels[1].se));
  // treat:b is then aliased with b itself: nothing left to test.
  CHECK(std::isnan(ro.interaction.lrt.p));
  CHECK(std::isnan(ro.interaction.wald.p));

  // Missing codes are dropped from every fit.
  SubgroupInput mi = toy();
  mi.codes[0] = -1;
  mi.codes[39] = -1;
  SubgroupResult rm = subgroup_analysis(mi);
  CHECK(rm.levels[0].n == 19);
  CHECK(rm.levels[1].n == 19);
  CHECK(rm.interaction.n == 38);

  // A single level: per-level fit only.
  SubgroupInput one = toy();
  one.levels = {"all"};
  for (auto& c : one.codes) c = 0;
  SubgroupResult r1 = subgroup_analysis(one);
  CHECK(r1.levels[0].n == 40);
  CHECK(r1.interaction.terms.empty());
  CHECK(std::isnan(r1.interaction.lrt.p));

  // No events at all.
  SubgroupInput none = toy();
  for (auto& s : none.status) s = 0;
  SubgroupResult r0 = subgroup_analysis(none);
  CHECK(std::isnan(r0.levels[0].hr));
  CHECK(std::isnan(r0.interaction.lrt.statistic));
}

TEST_CASE("subgroup_analysis input errors") {
  SubgroupInput bad = toy();
  bad.treat[3] = 2;
  CHECK_THROWS_AS(subgroup_analysis(bad), Error);
  bad = toy();
  bad.codes[5] = 3;
  CHECK_THROWS_AS(subgroup_analysis(bad), Error);
  bad = toy();
  bad.status.pop_back();
  CHECK_THROWS_AS(subgroup_analysis(bad), Error);
  bad = toy();
  bad.levels.clear();
  CHECK_THROWS_AS(subgroup_analysis(bad), Error);
  bad = toy();
  bad.adjust = Eigen::MatrixXd::Zero(10, 1);
  CHECK_THROWS_AS(subgroup_analysis(bad), Error);
}

TEST_CASE(
    "tests/r/subgroup.R: coxph(Surv ~ treat [+ adjusters], subset = x == l), treat * factor(x) "
    "vs treat + factor(x), joint Wald over treat:x (lung ph.ecog, veteran celltype)") {
  const json& extra = testsupport::extra("subgroup");
  REQUIRE(extra["cases"].size() == 4);
  for (const json& cs : extra["cases"]) {
    const std::string name = cs["name"];
    INFO(name);
    const std::string dsname = cs["dataset"];
    const Table t = testsupport::dataset(dsname);
    SubgroupInput in;
    in.time = testsupport::numeric_column(t, "time");
    for (double s : testsupport::numeric_column(t, "status"))
      in.status.push_back(dsname == "lung" ? s == 2 : static_cast<int>(s));  // lung: status == 2
    const std::string treat_col = dsname == "lung" ? "sex" : "trt";
    for (double v : testsupport::numeric_column(t, treat_col)) in.treat.push_back(v == 2);
    in.variable = "sg";
    in.levels = cs["levels"].get<std::vector<std::string>>();
    in.codes = factor_codes(t.column(cs["variable"]), in.levels);
    const auto adj = cs["adjust"].get<std::vector<std::string>>();
    in.adjust.resize(static_cast<Eigen::Index>(in.time.size()),
                     static_cast<Eigen::Index>(adj.size()));
    for (std::size_t j = 0; j < adj.size(); ++j) {
      std::vector<double> v = testsupport::numeric_column(t, adj[j]);
      for (std::size_t i = 0; i < v.size(); ++i)
        in.adjust(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v[i];
    }
    in.adjust_names = adj;
    SubgroupOptions o;
    o.cox.ties = cs["ties"] == "breslow" ? CoxTies::Breslow : CoxTies::Efron;
    SubgroupResult r = subgroup_analysis(in, o);
    REQUIRE(r.levels.size() == cs["level_results"].size());
    for (std::size_t k = 0; k < r.levels.size(); ++k) {
      const json& gl = cs["level_results"][k];
      const SubgroupLevel& l = r.levels[k];
      INFO("level " << l.level);
      CHECK(l.n == gl["n"].get<std::size_t>());
      CHECK(l.nevent == gl["nevent"].get<std::size_t>());
      CHECK(l.n_treated == gl["n_treated"].get<std::size_t>());
      CHECK(l.n_control == gl["n_control"].get<std::size_t>());
      CHECK(l.fitted == !gl["coef"].is_null());
      CHECK_CLOSE("coef", l.coef, num(gl["coef"]), kRel);
      CHECK_CLOSE("se", l.se, num(gl["se"]), kRel);
      CHECK_CLOSE("hr", l.hr, num(gl["hr"]), kRel);
      CHECK_CLOSE("lower", l.lower, num(gl["lower"]), kRel);
      CHECK_CLOSE("upper", l.upper, num(gl["upper"]), kRel);
      CHECK_CLOSE("z", l.z, num(gl["z"]), kRel);
      CHECK_P("p", l.p, num(gl["p"]));
    }
    const json& gi = cs["interaction"];
    const SubgroupInteraction& ia = r.interaction;
    CHECK(ia.n == gi["n"].get<std::size_t>());
    CHECK(ia.nevent == gi["nevent"].get<std::size_t>());
    CHECK(ia.terms == gi["terms"].get<std::vector<std::string>>());
    for (std::size_t k = 0; k < ia.terms.size(); ++k) {
      INFO(ia.terms[k]);
      CHECK_CLOSE("coef", ia.coef[k], num(gi["coef"][k]), kRel);
      CHECK_CLOSE("se", ia.se[k], num(gi["se"][k]), kRel);
      CHECK_CLOSE("z", ia.z[k], num(gi["z"][k]), kRel);
      CHECK_P("p", ia.p[k], num(gi["p"][k]));
    }
    CHECK_CLOSE("loglik main", ia.loglik_main, num(gi["loglik_main"]), kRel);
    CHECK_CLOSE("loglik interaction", ia.loglik_interaction, num(gi["loglik_interaction"]), kRel);
    CHECK_CLOSE("LRT", ia.lrt.statistic, num(gi["lrt_statistic"]), kRel);
    CHECK(ia.lrt.df == gi["lrt_df"].get<int>());
    CHECK_P("LRT p", ia.lrt.p, num(gi["lrt_p"]));
    CHECK_CLOSE("Wald", ia.wald.statistic, num(gi["wald_statistic"]), kRel);
    CHECK(ia.wald.df == gi["wald_df"].get<int>());
    CHECK_P("Wald p", ia.wald.p, num(gi["wald_p"]));
  }
}

TEST_CASE("200,000 patients, 3 levels, 2 adjusters: fits converge near the simulated HR") {
  const std::size_t n = 200000;
  SubgroupInput in;
  in.variable = "grp";
  in.levels = {"a", "b", "c"};
  in.adjust.resize(static_cast<Eigen::Index>(n), 2);
  std::uint64_t s = 12345;
  auto next = [&s]() {  // splitmix64: the same numbers on every platform
    s += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<double>((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    in.treat.push_back(next() < 0.4);
    in.codes.push_back(static_cast<int>(next() * 3));
    in.adjust(ii, 0) = 40 + 30 * next();
    in.adjust(ii, 1) = next() < 0.5;
    const double rate = std::exp(-0.3 * in.treat.back() + 0.02 * (in.adjust(ii, 0) - 55));
    in.time.push_back(-std::log(1 - next()) / rate);
    in.status.push_back(next() < 0.7);
  }
  SubgroupResult r = subgroup_analysis(in);
  for (const auto& l : r.levels) {
    CHECK(l.converged);
    CHECK(l.hr < 1);  // the simulated effect is HR exp(-0.3)
    CHECK(l.hr > 0.6);
  }
  CHECK(r.interaction.lrt.df == 2);
  CHECK(r.interaction.wald.df == 2);
  CHECK(std::isfinite(r.interaction.wald.statistic));
}
