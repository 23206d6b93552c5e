// Cox proportional hazards: parity with R survival 3.5-3's coxph on every
// reference dataset (goldens), plus stratified, aliased, separated and
// non-converging fits from tests/r/cox.R (tests/reference/extra/cox.json).
#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "error.h"
#include "golden.h"
#include "stats/cox.h"
#include "study/model_frame.h"

using namespace localsurv;
using testsupport::golden;
using testsupport::json;
using testsupport::num;
using testsupport::nums;

namespace {

constexpr double kRel = 1e-6;

using Cohort = testsupport::GoldenCohort;
using testsupport::make_numeric_column;

Cohort cohort(const std::string& name) { return testsupport::golden_cohort(name); }

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

void check_test(const std::string& what, const TestStatistic& t, const json& g) {
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

// ---------------------------------------------------------------------------
// Cases from tests/r/cox.R (tests/reference/extra/cox.json).

namespace {

const json& extra_case(const std::string& name) { return testsupport::extra_case("cox", name); }

// Input rows: complete cases of `columns` among all rows of `c`.
struct Built {
  CoxInput input;
  std::vector<std::size_t> rows;
};

Built from_cohort(const Cohort& c, const std::vector<TermSpec>& terms,
                  const std::vector<std::string>& other_columns = {}) {
  std::vector<std::string> cols{".time", ".event"};
  for (const auto& t : terms) cols.push_back(t.column);
  cols.insert(cols.end(), other_columns.begin(), other_columns.end());
  Built b;
  b.rows = complete_rows(c.table, cols, c.rows).rows;
  Design d = build_design(c.table, terms, b.rows);
  b.input.x = d.x;
  b.input.names = d.names;
  b.input.time = numeric_values(c.table.column(".time"), b.rows);
  for (double e : numeric_values(c.table.column(".event"), b.rows))
    b.input.status.push_back(static_cast<int>(e));
  return b;
}

std::vector<int> int_codes(const Column& column, const std::vector<std::size_t>& rows) {
  std::vector<int> v;
  for (std::size_t r : rows)
    v.push_back(column.type == ColumnType::Numeric ? static_cast<int>(column.numbers[r])
                                                   : column.codes[r]);
  return v;
}

TermSpec num_term(const std::string& column) { return TermSpec{column, TermKind::Numeric, {}, ""}; }

void check_extra(const CoxResult& r, const json& g) {
  INFO("case " << g["name"].get<std::string>() << ": " << g["formula"].get<std::string>());
  CHECK(r.n == g["n"].get<std::size_t>());
  CHECK(r.nevent == g["nevent"].get<std::size_t>());
  CHECK(r.iterations == g["iter"].get<int>());
  const std::vector<double> coef = nums(g["coef"]);
  const std::size_t p = coef.size();
  REQUIRE(r.coef.size() == p);
  for (std::size_t j = 0; j < p; ++j) {
    INFO("coefficient " << j + 1);
    CHECK_CLOSE("coef", r.coef[j], coef[j], kRel);
    if (std::isnan(coef[j])) {
      // R's summary shows se(coef) 0 for an aliased column; we give NaN.
      CHECK(r.aliased[j]);
      CHECK(num(g["se"][j]) == 0);
      CHECK(std::isnan(r.se[j]));
    } else {
      CHECK(!r.aliased[j]);
      CHECK_CLOSE("se", r.se[j], num(g["se"][j]), kRel);
    }
    if (!g["robust_se"].is_null())
      CHECK_CLOSE("robust se", r.robust_se[j], num(g["robust_se"][j]), kRel);
    CHECK_CLOSE("z", r.z[j], num(g["z"][j]), kRel);
    CHECK_P("p", r.p[j], num(g["p"][j]));
    // jsonlite writes R's Inf (a CI bound of an infinite coefficient) as null.
    auto bound = [](double ours, double r_value) {
      return std::isinf(ours) && std::isnan(r_value) ? r_value : ours;
    };
    CHECK_CLOSE("lower", bound(r.lower[j], num(g["lower"][j])), num(g["lower"][j]), kRel);
    CHECK_CLOSE("upper", bound(r.upper[j], num(g["upper"][j])), num(g["upper"][j]), kRel);
    CHECK_CLOSE("mean", r.means[j], num(g["means"][j]), kRel);
  }
  const json& v = g["var"]["rows"];
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = 0; j < p; ++j) {
      INFO("var[" << i + 1 << ", " << j + 1 << "]");
      const double scale = std::sqrt(std::fabs(num(v[i][i]) * num(v[j][j])));
      CHECK(std::fabs(r.var(i, j) - num(v[i][j])) <=
            kRel * std::max(std::fabs(num(v[i][j])), 1e-3 * scale));
    }
  if (g["naive_var"].is_null()) {
    CHECK(!r.robust);
  } else {
    REQUIRE(r.robust);
    const json& nv = g["naive_var"]["rows"];
    for (std::size_t i = 0; i < p; ++i)
      for (std::size_t j = 0; j < p; ++j)
        CHECK_CLOSE("naive var", r.naive_var(i, j), num(nv[i][j]), kRel);
    CHECK_CLOSE("robust score", r.robust_score.statistic, num(g["rscore"]), kRel);
  }
  CHECK_CLOSE("loglik_null", r.loglik_null, num(g["loglik"][0]), kRel);
  CHECK_CLOSE("loglik", r.loglik, num(g["loglik"][1]), kRel);
  CHECK_CLOSE("score test", r.score.statistic, num(g["score"]), kRel);
  CHECK_CLOSE("wald test", r.wald.statistic, num(g["wald"]), kRel);
  const int df = g["df"].get<int>();
  CHECK(r.lrt.df == df);
  CHECK(r.score.df == df);
  CHECK(r.wald.df == df);
  const std::vector<double> lp = nums(g["linear_predictors"]);
  REQUIRE(r.linear_predictors.size() == lp.size());
  for (std::size_t i = 0; i < lp.size(); ++i) {
    INFO("linear predictor " << i + 1);
    CHECK(std::fabs(r.linear_predictors[i] - lp[i]) <= kRel * std::max(std::fabs(lp[i]), 1.0));
  }
  // R's warnings, each found in ours (ours name the variable as well); ours
  // may add the singular-X note R only prints.
  std::size_t r_warnings = 0;
  for (const auto& w : g["warnings"]) {
    std::string text = w.get<std::string>();
    ++r_warnings;
    std::string key =
        text.rfind("Loglik converged before variable", 0) == 0
            ? "Loglik converged before variable " + text.substr(34, text.find(' ', 34) - 34) + " ("
            : text;
    INFO("R warns: " << text);
    CHECK(std::any_of(r.warnings.begin(), r.warnings.end(), [&](const localsurv::Flag& s) {
      return s.text.find(key) != std::string::npos;
    }));
  }
  std::size_t ours = 0;
  for (const auto& w : r.warnings)
    ours += w.text.find("X matrix deemed to be singular") == std::string::npos;
  CHECK(ours == r_warnings);
}

Cohort lung_cohort() {
  Cohort c = cohort("lung");
  Table& t = c.table;
  const Column& inst = t.column("inst");
  std::vector<double> wint(t.n_rows), wfrac(t.n_rows), one(t.n_rows, 1.0), seven(t.n_rows, 7.0),
      censored(t.n_rows), copy = t.column("age").numbers, combo(t.n_rows);
  for (std::size_t r = 0; r < t.n_rows; ++r) {
    wint[r] = inst.is_missing(r) ? NAN : 1 + std::fmod(inst.numbers[r], 3.0);
    wfrac[r] = 0.5 + static_cast<double>((r + 1) % 7) / 4;
    censored[r] = t.column("status").numbers[r] == 1;
    combo[r] = t.column("age").numbers[r] + 2 * t.column("ph.karno").numbers[r];
  }
  for (auto& [name, v] :
       std::vector<std::pair<std::string, std::vector<double>>>{{"wint", wint},
                                                                {"wfrac", wfrac},
                                                                {"one", one},
                                                                {"seven", seven},
                                                                {"censored_flag", censored},
                                                                {"age_copy", copy},
                                                                {"age_plus_karno", combo}})
    t.columns.push_back(make_numeric_column(name, v));
  return c;
}

CoxOptions with_ties(const std::string& name) {
  CoxOptions o;
  o.ties = name.find("breslow") != std::string::npos ? CoxTies::Breslow : CoxTies::Efron;
  return o;
}

}  // namespace

TEST_CASE("stratified fits: coxph(... + strata(ph.ecog)) on lung, + strata(celltype) on veteran") {
  Cohort lung = lung_cohort();
  Cohort vet = cohort("veteran");
  const TermSpec celltype{
      "celltype", TermKind::Factor, {"squamous", "smallcell", "adeno", "large"}, ""};
  for (std::string ties : {"efron", "breslow"}) {
    {
      std::string name = "lung_strata_ecog_" + ties;
      Built b = from_cohort(lung, {num_term("treat"), num_term("age")}, {"ph.ecog"});
      b.input.strata = int_codes(lung.table.column("ph.ecog"), b.rows);
      check_extra(cox_fit(b.input, with_ties(name)), extra_case(name));
    }
    {
      std::string name = "lung_strata_cluster_inst_" + ties;
      Built b = from_cohort(lung, {num_term("treat"), num_term("age")}, {"ph.ecog", "inst"});
      b.input.strata = int_codes(lung.table.column("ph.ecog"), b.rows);
      b.input.cluster = int_codes(lung.table.column("inst"), b.rows);
      check_extra(cox_fit(b.input, with_ties(name)), extra_case(name));
    }
    {
      std::string name = "veteran_strata_celltype_" + ties;
      Built b = from_cohort(vet, {num_term("treat"), num_term("karno")}, {"celltype"});
      b.input.strata = factor_codes(vet.table.column("celltype"), celltype.levels);
      check_extra(cox_fit(b.input, with_ties(name)), extra_case(name));
    }
  }
  // Sorting by stratum code: the codes' values do not matter, only equality.
  Built b = from_cohort(vet, {num_term("treat"), num_term("karno")}, {"celltype"});
  b.input.strata = factor_codes(vet.table.column("celltype"), celltype.levels);
  CoxResult base = cox_fit(b.input);
  for (int& s : b.input.strata) s = 100 - 7 * s;
  CoxResult relabelled = cox_fit(b.input);
  CHECK_CLOSE("relabelled strata coef", relabelled.coef[1], base.coef[1], 1e-12);
}

TEST_CASE("aliased and constant columns give NA coefficients (coxph: X matrix deemed singular)") {
  Cohort lung = lung_cohort();
  struct Case {
    std::string name;
    std::vector<std::string> columns;
  };
  for (const Case& k :
       {Case{"lung_aliased_copy", {"age", "treat", "age_copy"}},
        Case{"lung_aliased_combination", {"age", "ph.karno", "age_plus_karno", "treat"}},
        Case{"lung_constant_columns", {"one", "age", "seven"}}}) {
    std::vector<TermSpec> terms;
    for (const auto& col : k.columns) terms.push_back(num_term(col));
    Built b = from_cohort(lung, terms);
    CoxResult r = cox_fit(b.input);
    check_extra(r, extra_case(k.name));
    CHECK(std::any_of(r.warnings.begin(), r.warnings.end(), [](const localsurv::Flag& s) {
      return s.text.find("X matrix deemed to be singular") != std::string::npos;
    }));
  }
}

TEST_CASE("perfect separation: coxph warns 'Loglik converged before variable 2'") {
  Cohort lung = lung_cohort();
  for (std::string ties : {"efron", "breslow"}) {
    std::string name = "lung_separation_" + ties;
    Built b = from_cohort(lung, {num_term("age"), num_term("censored_flag")});
    CoxResult r = cox_fit(b.input, with_ties(name));
    check_extra(r, extra_case(name));
    CHECK(r.converged);
    CHECK(r.coef[1] < -15);
  }
}

TEST_CASE(
    "iteration limits, init and step halving: coxph.control(iter.max = 2, 1, 0), coxph(init =)") {
  Cohort lung = lung_cohort();
  for (int iter_max : {2, 1}) {
    const json& g = extra_case("lung_iter_max_" + std::to_string(iter_max));
    Built b = from_cohort(lung, {num_term("treat"), num_term("age"), num_term("ph.karno")});
    CoxOptions o;
    o.iter_max = iter_max;
    CoxResult r = cox_fit(b.input, o);
    check_extra(r, g);
    CHECK(!r.converged);
    CHECK(r.iterations == iter_max + 1);
  }
  {
    Built b = from_cohort(lung, {num_term("treat"), num_term("age")});
    CoxOptions o;
    o.iter_max = 0;
    CoxResult r = cox_fit(b.input, o);
    check_extra(r, extra_case("lung_iter_max_0"));
    CHECK(r.coef == std::vector<double>{0, 0});
  }
  {
    Built b = from_cohort(lung, {num_term("treat"), num_term("age")});
    CoxOptions o;
    o.init = {-0.3, 0.05};
    check_extra(cox_fit(b.input, o), extra_case("lung_init"));
  }
  for (std::string name : {"lung_init_far_1", "lung_init_far_2"}) {
    // Overshooting first steps: step halving decides the iteration count.
    Built b = from_cohort(lung, {num_term("treat"), num_term("age")});
    CoxOptions o;
    o.init = extra_case(name)["init"].get<std::vector<double>>();
    check_extra(cox_fit(b.input, o), extra_case(name));
  }
  {
    Built b = from_cohort(lung, {num_term("treat"), num_term("age")}, {"inst"});
    b.input.cluster = int_codes(lung.table.column("inst"), b.rows);
    CoxOptions o;
    o.init = {-0.3, 0.05};
    check_extra(cox_fit(b.input, o), extra_case("lung_init_cluster"));
  }
}

TEST_CASE("case weights and robust = TRUE: coxph(weights =), coxph(robust = TRUE), cluster()") {
  Cohort lung = lung_cohort();
  {
    Built b = from_cohort(lung, {num_term("treat"), num_term("age")}, {"wint"});
    b.input.weights = numeric_values(lung.table.column("wint"), b.rows);
    CoxResult r = cox_fit(b.input);
    check_extra(r, extra_case("lung_weights_integer"));
    CHECK(!r.robust);
  }
  for (std::string name : {"lung_weights_fractional", "lung_weights_fractional_breslow"}) {
    Built b = from_cohort(lung, {num_term("treat"), num_term("age")}, {"wfrac"});
    b.input.weights = numeric_values(lung.table.column("wfrac"), b.rows);
    CoxResult r = cox_fit(b.input, with_ties(name));
    check_extra(r, extra_case(name));
    CHECK(r.robust);
    CHECK(r.n_clusters == r.n);
  }
  {
    Built b = from_cohort(lung, {num_term("treat"), num_term("age"), num_term("ph.ecog")});
    CoxOptions o;
    o.robust = true;
    check_extra(cox_fit(b.input, o), extra_case("lung_robust_no_cluster"));
  }
  {
    Cohort vet = cohort("veteran");
    TermSpec celltype{
        "celltype", TermKind::Factor, {"squamous", "smallcell", "adeno", "large"}, ""};
    Built b = from_cohort(vet, {num_term("treat"), num_term("karno"), celltype}, {"diagtime"});
    b.input.cluster = int_codes(vet.table.column("diagtime"), b.rows);
    CoxResult r = cox_fit(b.input, with_ties("breslow"));
    check_extra(r, extra_case("veteran_cluster_breslow"));
  }
}

TEST_CASE("timefix (aeqSurv), strata with clusters, heavy ties: synthetic data") {
  for (std::string ties : {"efron", "breslow"}) {
    for (std::string stem :
         {"synthetic_timefix_", "synthetic_timefix_off_", "synthetic_strata_cluster_"}) {
      const json& g = extra_case(stem + ties);
      const json& d = g["data"];
      CoxInput in;
      in.time = nums(d["time"]);
      for (double s : nums(d["status"])) in.status.push_back(static_cast<int>(s));
      const std::vector<double> x1 = nums(d["x1"]), x2 = nums(d["x2"]), grp = nums(d["g"]);
      const bool strat = stem == "synthetic_strata_cluster_";
      in.x.resize(static_cast<Eigen::Index>(x1.size()), strat ? 1 : 2);
      for (std::size_t i = 0; i < x1.size(); ++i) {
        in.x(i, 0) = x1[i];
        if (!strat) in.x(i, 1) = x2[i];
        if (strat) {
          in.strata.push_back(static_cast<int>(grp[i]));
          in.cluster.push_back(static_cast<int>(x2[i]));
        }
      }
      CoxOptions o = with_ties(ties);
      o.timefix = stem != "synthetic_timefix_off_";
      check_extra(cox_fit(in, o), g);
    }
  }
}

TEST_CASE("degenerate data: no events, no rows, bad input") {
  const json& g = extra_case("synthetic_no_events");
  CoxInput in;
  in.time = nums(g["data"]["time"]);
  in.status.assign(in.time.size(), 0);
  const std::vector<double> x1 = nums(g["data"]["x1"]), x2 = nums(g["data"]["x2"]);
  in.x.resize(static_cast<Eigen::Index>(x1.size()), 2);
  for (std::size_t i = 0; i < x1.size(); ++i) {
    in.x(i, 0) = x1[i];
    in.x(i, 1) = x2[i];
  }
  // coxph: coef NA, loglik c(0, 0), iter 0, means = colMeans(X).
  CoxResult r = cox_fit(in);
  CHECK(std::isnan(r.coef[0]));
  CHECK(std::isnan(r.coef[1]));
  CHECK(r.loglik == num(g["loglik"][1]));
  CHECK(r.loglik_null == num(g["loglik"][0]));
  CHECK(r.iterations == g["iter"].get<int>());
  CHECK(r.nevent == 0);
  CHECK_CLOSE("mean x1", r.means[0], num(g["means"][0]), kRel);
  CHECK(std::isnan(r.lrt.p));
  CHECK(std::isnan(r.wald.statistic));
  CHECK(!r.converged);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].text.find("No events") != std::string::npos);

  CoxInput empty;
  empty.x.resize(0, 1);
  CoxResult e = cox_fit(empty);
  CHECK(e.n == 0);
  CHECK(std::isnan(e.coef[0]));
  CHECK(e.warnings.size() == 1);

  // A single non-constant covariate with events: fine. Bad inputs: Errors.
  CoxInput bad = in;
  bad.status[0] = 2;
  CHECK_THROWS_WITH_AS(cox_fit(bad), doctest::Contains("status of row 1 is 2"), Error);
  bad = in;
  bad.x(3, 1) = NAN;
  CHECK_THROWS_WITH_AS(cox_fit(bad), doctest::Contains("row 4"), Error);
  bad = in;
  bad.time[2] = INFINITY;
  CHECK_THROWS_AS(cox_fit(bad), Error);
  bad = in;
  bad.time.pop_back();
  CHECK_THROWS_AS(cox_fit(bad), Error);
  bad = in;
  bad.weights.assign(in.time.size(), 1.0);
  bad.weights[5] = 0;
  CHECK_THROWS_WITH_AS(cox_fit(bad), doctest::Contains("weights of row 6"), Error);
  bad = in;
  bad.strata.assign(in.time.size(), 0);
  bad.strata[0] = -1;
  CHECK_THROWS_AS(cox_fit(bad), Error);
  bad = in;
  bad.names = {"only_one"};
  CHECK_THROWS_AS(cox_fit(bad), Error);
  CoxOptions o;
  o.init = {0.1};
  CHECK_THROWS_AS(cox_fit(in, o), Error);
  // coxph(init = c(1000, 0)) stops: "initial values lead to overflow ...".
  CoxInput ev = in;
  ev.status[0] = ev.status[4] = 1;
  o.init = {1000, 0};
  CHECK_THROWS_WITH_AS(cox_fit(ev, o), doctest::Contains("overflow"), Error);
  // ...but the headline advises what the page offers (starting values are not among it).
  CHECK_THROWS_WITH_AS(cox_fit(ev, o), doctest::Contains("check the time and covariate columns"),
                       Error);
  try {
    cox_fit(ev, o);
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("starting coefficients") == std::string::npos);
  }

  // One event, everyone else censored after it: estimable but tiny.
  CoxInput one = in;
  one.status[0] = 1;
  CoxResult r1 = cox_fit(one);
  CHECK(r1.nevent == 1);
  CHECK(std::isfinite(r1.loglik));
}

TEST_CASE("null model (p = 0): coxph(Surv ~ 1) loglik") {
  // coxph(Surv(time, event) ~ 1, lung)$loglik == the golden's loglik_null.
  Cohort lung = lung_cohort();
  Built b = from_cohort(lung, {});
  b.input.x.resize(static_cast<Eigen::Index>(b.rows.size()), 0);
  for (auto ties : {CoxTies::Efron, CoxTies::Breslow}) {
    CoxOptions o;
    o.ties = ties;
    CoxResult r = cox_fit(b.input, o);
    const json& g = golden("lung")["cox"]["univariate"][cox_ties_name(ties)][0];
    CHECK_CLOSE("null loglik", r.loglik, num(g["loglik_null"]), kRel);
    CHECK(r.loglik == r.loglik_null);
    CHECK(r.lrt.df == 0);
    CHECK(r.converged);
  }
}

TEST_CASE("200,000 rows: a synthetic fit converges to the generating coefficients") {
  std::mt19937_64 rng(20261127);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unif(0, 1);
  const std::size_t n = 200000;
  const std::vector<double> truth = {0.5, -0.3, 0.2, 0.0, 0.8};
  CoxInput in;
  in.x.resize(n, 5);
  in.time.resize(n);
  in.status.resize(n);
  in.strata.resize(n);
  in.cluster.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    in.x(i, 0) = unif(rng) < 0.4;
    in.x(i, 1) = normal(rng);
    in.x(i, 2) = 50 + 10 * normal(rng);
    in.x(i, 3) = normal(rng);
    in.x(i, 4) = unif(rng) < 0.1;
    double eta = truth[0] * in.x(i, 0) + truth[1] * in.x(i, 1) + truth[2] * (in.x(i, 2) - 50) / 10 +
                 truth[4] * in.x(i, 4);
    double t = -std::log(unif(rng)) / (0.01 * std::exp(eta));
    double c = -std::log(unif(rng)) / 0.01;
    in.time[i] = std::ceil(std::min(t, c));  // whole days: many ties
    in.status[i] = t <= c;
    in.strata[i] = static_cast<int>(i % 3);
    in.cluster[i] = static_cast<int>(i / 4);
  }
  CoxResult r = cox_fit(in);
  CHECK(r.converged);
  CHECK(r.warnings.empty());
  CHECK(r.iterations <= 6);
  CHECK(r.robust);
  CHECK(r.n_clusters == n / 4);
  const std::vector<double> slope = {0.5, -0.3, 0.02, 0.0, 0.8};
  for (std::size_t j = 0; j < 5; ++j) {
    INFO("coefficient " << j + 1);
    CHECK(std::fabs(r.coef[j] - slope[j]) < 5 * r.robust_se[j]);
  }
}
