// Cox proportional hazards: parity with R survival 3.5-3's coxph on every
// reference dataset (goldens), plus stratified, aliased, separated and
// non-converging fits from tests/r/cox.R (tests/reference/extra/cox.json).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "cox.h"
#include "error.h"
#include "golden.h"
#include "model_frame.h"

using namespace localsurv;
using testsupport::golden;
using testsupport::json;
using testsupport::num;
using testsupport::nums;

namespace {

constexpr double kRel = 1e-6;

Column numeric_column(const std::string& name, const std::vector<double>& values) {
  Column c;
  c.name = name;
  c.type = ColumnType::Numeric;
  c.numbers = values;
  c.missing.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) c.missing[i] = std::isnan(values[i]);
  return c;
}

// 1/0 where `column` equals `value` (numerically or as text), NaN where missing.
std::vector<double> indicator(const Column& column, const std::string& value) {
  std::vector<double> v(column.size());
  for (std::size_t r = 0; r < column.size(); ++r) {
    if (column.is_missing(r)) {
      v[r] = NAN;
    } else if (column.type == ColumnType::Numeric) {
      v[r] = column.numbers[r] == std::stod(value);
    } else {
      v[r] = column.text(r) == value;
    }
  }
  return v;
}

std::vector<double> at_least(const Column& column, double threshold) {
  std::vector<double> v(column.size());
  for (std::size_t r = 0; r < column.size(); ++r)
    v[r] = column.is_missing(r) ? NAN : static_cast<double>(column.numbers[r] >= threshold);
  return v;
}

// A reference dataset with the golden's population, event, treatment and
// derived variables added as columns ".time", ".event", "treat", ...
struct Cohort {
  std::string name;
  Table table;
  std::vector<std::size_t> rows;  // population filter applied
  std::vector<TermSpec> group;    // treat (or colon's rx factor)
  std::vector<TermSpec> covariates;
};

Cohort cohort(const std::string& name) {
  Cohort c;
  c.name = name;
  c.table = testsupport::dataset(name);
  const json& ds = golden(name)["dataset"];
  Table& t = c.table;
  const std::string time_col = ds["time"]["column"];
  t.columns.push_back(numeric_column(".time", t.column(time_col).numbers));
  std::vector<double> event;
  if (name == "lung" || name == "pbc")
    event = indicator(t.column("status"), "2");  // status == 2
  else
    event = t.column(name == "rotterdam" || name == "npc_synth_1" ? "death" : "status").numbers;
  t.columns.push_back(numeric_column(".event", event));
  std::vector<double> treat;
  if (name == "lung") treat = indicator(t.column("sex"), "2");
  if (name == "veteran") treat = indicator(t.column("trt"), "2");
  if (name == "colon_bin") treat = indicator(t.column("rx"), "Lev+5FU");
  if (name == "pbc") treat = indicator(t.column("trt"), "1");
  if (name == "rotterdam") treat = t.column("chemo").numbers;
  if (name == "npc_synth_1") {
    treat = t.column("lt").numbers;
    t.columns.push_back(numeric_column("age45", at_least(t.column("age"), 45)));
    t.columns.push_back(numeric_column("kps90", at_least(t.column("kps"), 90)));
    t.columns.push_back(numeric_column("ebv_hi", at_least(t.column("ebv_dna"), 10000)));
    t.columns.push_back(numeric_column("t4", indicator(t.column("t_stage"), "T4")));
    t.columns.push_back(numeric_column("n3", indicator(t.column("n_stage"), "N3")));
    t.columns.push_back(
        numeric_column("synchronous", indicator(t.column("sequence"), "synchronous")));
    t.columns.push_back(numeric_column("cycles6", at_least(t.column("chemo_cycles"), 6)));
  }
  if (name == "colon") {
    c.group.push_back(TermSpec{"rx", TermKind::Factor, ds["group"]["levels"], ""});
  } else {
    t.columns.push_back(numeric_column("treat", treat));
    c.group.push_back(TermSpec{"treat", TermKind::Numeric, {}, ""});
  }
  t.n_rows = t.columns[0].size();
  c.rows = all_rows(t);
  if (name == "pbc") c.rows = complete_rows(t, {"trt"}, c.rows).rows;  // !is.na(trt)
  REQUIRE(c.rows.size() == ds["population"]["n"].get<std::size_t>());
  for (const auto& cov : ds["covariates"]) {
    if (cov["type"] == "factor")
      c.covariates.push_back(
          TermSpec{cov["name"], TermKind::Factor, cov["levels"], cov["reference"]});
    else
      c.covariates.push_back(TermSpec{cov["name"], TermKind::Numeric, {}, ""});
  }
  return c;
}

struct Fitted {
  Design design;
  CoxInput input;
  CoxResult fit;
};

// coxph(Surv(.time, .event) ~ terms, ties = ties) on the complete cases of
// `candidates` (na.omit on the model's variables).
Fitted fit_terms(const Cohort& c, const std::vector<TermSpec>& terms, CoxTies ties,
                 const std::vector<std::size_t>& candidates, const std::vector<int>& cluster = {}) {
  std::vector<std::string> cols{".time", ".event"};
  for (const auto& t : terms) cols.push_back(t.column);
  auto sel = complete_rows(c.table, cols, candidates);
  Fitted f;
  f.design = build_design(c.table, terms, sel.rows);
  f.input.time = numeric_values(c.table.column(".time"), sel.rows);
  for (double e : numeric_values(c.table.column(".event"), sel.rows))
    f.input.status.push_back(static_cast<int>(e));
  f.input.x = f.design.x;
  f.input.names = f.design.names;
  if (!cluster.empty()) {
    REQUIRE(sel.rows.size() == candidates.size());
    f.input.cluster = cluster;
  }
  CoxOptions o;
  o.ties = ties;
  f.fit = cox_fit(f.input, o);
  return f;
}

void check_test(const std::string& what, const CoxTest& t, const json& g) {
  CHECK_CLOSE((what + " statistic"), t.statistic, num(g["statistic"]), kRel);
  CHECK(t.df == g["df"].get<int>());
  CHECK_P((what + " p"), t.p, num(g["p"]));
}

// Every number a golden Cox block holds (concordance aside: core/concordance).
void check_cox(const CoxResult& r, const json& g, const std::string& label) {
  INFO(label);
  CHECK(r.n == g["n"].get<std::size_t>());
  CHECK(r.nevent == g["nevent"].get<std::size_t>());
  CHECK(r.iterations == g["iter"].get<int>());
  CHECK(r.converged);
  CHECK(cox_ties_name(r.ties) == g["ties"].get<std::string>());
  const json& co = g["coefficients"];
  REQUIRE(r.names == co["name"].get<std::vector<std::string>>());
  const std::size_t p = r.names.size();
  for (std::size_t j = 0; j < p; ++j) {
    INFO("coefficient " << r.names[j]);
    CHECK_CLOSE("coef", r.coef[j], num(co["coef"][j]), kRel);
    CHECK_CLOSE("hr", r.hr[j], num(co["hr"][j]), kRel);
    CHECK_CLOSE("se", r.se[j], num(co["se"][j]), kRel);
    if (co.contains("robust_se")) {
      REQUIRE(r.robust_se.size() == p);
      CHECK_CLOSE("robust se", r.robust_se[j], num(co["robust_se"][j]), kRel);
    }
    CHECK_CLOSE("lower", r.lower[j], num(co["lower"][j]), kRel);
    CHECK_CLOSE("upper", r.upper[j], num(co["upper"][j]), kRel);
    CHECK_CLOSE("z", r.z[j], num(co["z"][j]), kRel);
    CHECK_P("coef p", r.p[j], num(co["p"][j]));
  }
  const json& v = g["var"]["rows"];
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = 0; j < p; ++j) {
      INFO("var[" << r.names[i] << ", " << r.names[j] << "]");
      // Off-diagonal covariances can be near zero by cancellation: compare
      // them relative to the scale of their row and column.
      const double scale = std::sqrt(num(v[i][i]) * num(v[j][j]));
      CHECK(std::fabs(r.var(i, j) - num(v[i][j])) <=
            kRel * std::max(std::fabs(num(v[i][j])), 1e-3 * scale));
    }
  if (g["naive_var"].is_null()) {
    CHECK(r.naive_var.size() == 0);
    CHECK(!r.robust);
  } else {
    REQUIRE(r.robust);
    const json& nv = g["naive_var"]["rows"];
    for (std::size_t i = 0; i < p; ++i)
      for (std::size_t j = 0; j < p; ++j)
        CHECK_CLOSE("naive var", r.naive_var(i, j), num(nv[i][j]), kRel);
  }
  CHECK_CLOSE("loglik_null", r.loglik_null, num(g["loglik_null"]), kRel);
  CHECK_CLOSE("loglik", r.loglik, num(g["loglik"]), kRel);
  check_test("lrt", r.lrt, g["lrt"]);
  check_test("score", r.score, g["score"]);
  // summary()$waldtest rounds the statistic to 2 decimals (not its p).
  CHECK(std::fabs(r.wald.statistic - num(g["wald"]["statistic"])) <= 0.005 + 1e-9);
  CHECK(r.wald.df == g["wald"]["df"].get<int>());
  CHECK_P("wald p", r.wald.p, num(g["wald"]["p"]));
  if (g["robust_score"].is_null()) {
    CHECK(std::isnan(r.robust_score.statistic));
  } else {
    check_test("robust score", r.robust_score, g["robust_score"]);
  }
}

const std::vector<std::string> kDatasets = {"lung", "veteran",   "colon",      "colon_bin",
                                            "pbc",  "rotterdam", "npc_synth_1"};

}  // namespace

TEST_CASE("univariate fits: coxph(Surv(.time, .event) ~ x, ties = efron|breslow), every variable") {
  for (const auto& name : kDatasets) {
    Cohort c = cohort(name);
    const json& gold = golden(name)["cox"]["univariate"];
    for (auto ties : {CoxTies::Efron, CoxTies::Breslow}) {
      const json& list = gold[cox_ties_name(ties)];
      std::vector<TermSpec> all = c.group;
      all.insert(all.end(), c.covariates.begin(), c.covariates.end());
      REQUIRE(list.size() == all.size());
      for (std::size_t k = 0; k < all.size(); ++k) {
        REQUIRE(list[k]["variable"].get<std::string>() == all[k].column);
        Fitted f = fit_terms(c, {all[k]}, ties, c.rows);
        check_cox(f.fit, list[k], name + " " + all[k].column + " " + cox_ties_name(ties));
      }
    }
  }
}

TEST_CASE("multivariable fits: coxph(Surv(.time, .event) ~ group + covariates, ties)") {
  for (const auto& name : kDatasets) {
    Cohort c = cohort(name);
    std::vector<TermSpec> all = c.group;
    all.insert(all.end(), c.covariates.begin(), c.covariates.end());
    for (auto ties : {CoxTies::Efron, CoxTies::Breslow}) {
      Fitted f = fit_terms(c, all, ties, c.rows);
      check_cox(f.fit, golden(name)["cox"]["multivariable"][cox_ties_name(ties)],
                name + " multivariable " + cox_ties_name(ties));
      CHECK(f.fit.n == golden(name)["cox"]["complete_case_n"].get<std::size_t>());
      CHECK(f.fit.warnings.empty());
    }
  }
}

TEST_CASE("matched cohorts: coxph(Surv ~ treat + cluster(subclass)) on match.data (corrected)") {
  for (const auto& name : kDatasets) {
    const json& g = golden(name);
    if (!g.contains("matching")) continue;
    Cohort c = cohort(name);
    const Column& id = c.table.column("id");
    for (const auto& [spec, m] : g["matching"].items()) {
      const json& pm = m["corrected"]["post_match"];
      const json& pairs = m["corrected"]["pairs"];
      std::map<double, int> subclass;
      for (std::size_t k = 0; k < pairs["subclass"].size(); ++k) {
        subclass[pairs["treated_id"][k].get<double>()] = pairs["subclass"][k].get<int>();
        subclass[pairs["control_id"][k].get<double>()] = pairs["subclass"][k].get<int>();
      }
      std::vector<std::size_t> rows;
      std::vector<int> cluster;
      for (std::size_t r : c.rows)
        if (subclass.count(id.numbers[r])) {
          rows.push_back(r);
          cluster.push_back(subclass[id.numbers[r]]);
        }
      REQUIRE(rows.size() == pm["n"].get<std::size_t>());
      Fitted plain = fit_terms(c, c.group, CoxTies::Efron, rows);
      check_cox(plain.fit, pm["cox_efron"], name + " " + spec + " post-match");
      Fitted robust = fit_terms(c, c.group, CoxTies::Efron, rows, cluster);
      check_cox(robust.fit, pm["cox_efron_cluster_subclass"],
                name + " " + spec + " post-match cluster(subclass)");
      CHECK(robust.fit.n_clusters == pairs["subclass"].size());
    }
  }
}
