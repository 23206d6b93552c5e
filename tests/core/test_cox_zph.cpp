// Proportional-hazards test: parity with R survival 3.5-3's cox.zph (score
// test, terms = TRUE and FALSE, global) on every reference dataset (goldens,
// multivariable Efron fit, transform "km"), plus Breslow fits, stratified
// fits, the identity / rank / log transforms, an aliased column, case weights
// and a singular case from tests/r/cox_zph.R (tests/reference/extra/cox_zph.json).
#include <cmath>

#include "error.h"
#include "golden.h"
#include "stats/cox.h"
#include "stats/cox_zph.h"
#include "study/model_frame.h"

using namespace localsurv;
using testsupport::golden;
using testsupport::json;
using testsupport::num;

namespace {

constexpr double kRel = 1e-6;

using Cohort = testsupport::GoldenCohort;
using testsupport::make_numeric_column;

Cohort cohort(const std::string& name) { return testsupport::golden_cohort(name); }

// The group (treat, or colon's rx) then the covariates.
std::vector<TermSpec> all_terms(const Cohort& c) {
  std::vector<TermSpec> all = c.group;
  all.insert(all.end(), c.covariates.begin(), c.covariates.end());
  return all;
}

struct Model {
  std::vector<std::size_t> rows;  // complete cases used
  Design design;
  CoxInput input;
  CoxResult fit;
};

// coxph(Surv(.time, .event) ~ terms [+ strata], ties) on the complete cases
// of the terms and the `also` columns (strata variables); strata codes are
// filled in by the caller from `rows`.
Model model(const Cohort& c, const std::vector<TermSpec>& terms,
            const std::vector<std::string>& also = {}) {
  std::vector<std::string> cols{".time", ".event"};
  for (const auto& t : terms) cols.push_back(t.column);
  for (const auto& a : also) cols.push_back(a);
  Model m;
  m.rows = complete_rows(c.table, cols, c.rows).rows;
  m.design = build_design(c.table, terms, m.rows);
  m.input.time = numeric_values(c.table.column(".time"), m.rows);
  for (double e : numeric_values(c.table.column(".event"), m.rows))
    m.input.status.push_back(static_cast<int>(e));
  m.input.x = m.design.x;
  m.input.names = m.design.names;
  return m;
}

void fit(Model& m, CoxTies ties) {
  CoxOptions o;
  o.ties = ties;
  m.fit = cox_fit(m.input, o);
}

void check_table(const CoxZphTable& t, const json& g, const std::string& label) {
  INFO(label);
  REQUIRE(t.term == g["term"].get<std::vector<std::string>>());
  REQUIRE(t.test.size() == t.term.size());
  for (std::size_t i = 0; i < t.term.size(); ++i) {
    INFO("row " << t.term[i]);
    CHECK_CLOSE("chisq", t.test[i].statistic, num(g["chisq"][i]), kRel);
    CHECK(t.test[i].df == num(g["df"][i]));
    CHECK_P("p", t.test[i].p, num(g["p"][i]));
  }
}

void check_zph(const CoxZphResult& r, const json& g, const std::string& label) {
  check_table(r.by_term, g["by_term"], label + " by_term");
  check_table(r.by_coefficient, g["by_coefficient"], label + " by_coefficient");
  CHECK(r.warnings.empty());
}

const json& extra_case(const std::string& name) { return testsupport::extra_case("cox_zph", name); }

void check_coef(const CoxResult& fit, const json& g) {
  REQUIRE(fit.coef.size() == g["coef"].size());
  for (std::size_t j = 0; j < fit.coef.size(); ++j)
    CHECK_CLOSE("coef", fit.coef[j], num(g["coef"][j]), kRel);
}

TermSpec num_term(const std::string& name) { return TermSpec{name, TermKind::Numeric, {}, ""}; }

const std::vector<std::string> kVetLevels{"squamous", "smallcell", "adeno", "large"};

std::vector<TermSpec> lung_terms() {
  return {num_term("treat"), num_term("age"), num_term("ph.ecog"), num_term("ph.karno"),
          num_term("wt.loss")};
}
std::vector<TermSpec> vet_terms() {
  return {num_term("treat"), TermSpec{"celltype", TermKind::Factor, kVetLevels, ""},
          num_term("karno"), num_term("diagtime"),
          num_term("age"),   TermSpec{"prior", TermKind::Factor, {"0", "10"}, ""}};
}

// Stratum code per used row: the column's value (ph.ecog 0..3, prior 0/10).
std::vector<int> value_codes(const Column& column, const std::vector<std::size_t>& rows) {
  std::vector<int> codes;
  for (double v : numeric_values(column, rows)) codes.push_back(static_cast<int>(v));
  return codes;
}

CoxZphOptions with_transform(const std::string& name) {
  CoxZphOptions o;
  if (name == "identity") o.transform = ZphTransform::Identity;
  if (name == "rank") o.transform = ZphTransform::Rank;
  if (name == "log") o.transform = ZphTransform::Log;
  REQUIRE(zph_transform_name(o.transform) == name);
  return o;
}

CoxTies ties_of(const json& g) {
  return g["ties"] == "breslow" ? CoxTies::Breslow : CoxTies::Efron;
}

// Fit as the case says, then cox.zph with its transform; compare everything.
void run_case(Model m, const std::string& name) {
  const json& g = extra_case(name);
  INFO("case " << name << ": " << g["formula"].get<std::string>());
  fit(m, ties_of(g));
  check_coef(m.fit, g);
  CHECK(m.fit.n == g["n"].get<std::size_t>());
  const CoxZphResult r =
      cox_zph(m.input, m.fit, m.design.terms, with_transform(g["transform"].get<std::string>()));
  CHECK(r.nevent == g["nevent"].get<std::size_t>());
  check_zph(r, g, name);
}

}  // namespace

TEST_CASE(
    "goldens: cox.zph(coxph(Surv(time, event) ~ group + covariates, ties = 'efron'), "
    "transform = 'km', terms = TRUE / FALSE)") {
  for (const std::string name :
       {"lung", "veteran", "colon", "colon_bin", "pbc", "rotterdam", "npc_synth_1"}) {
    INFO("dataset " << name);
    const json& g = golden(name)["cox_zph"];
    REQUIRE(g["transform"] == "km");
    Cohort c = cohort(name);
    Model m = model(c, all_terms(c));
    fit(m, CoxTies::Efron);
    // Same fit as the golden's multivariable Efron model.
    const json& gc = golden(name)["cox"]["multivariable"]["efron"];
    REQUIRE(m.fit.names == gc["coefficients"]["name"].get<std::vector<std::string>>());
    CHECK(m.fit.n == gc["n"].get<std::size_t>());
    const CoxZphResult r = cox_zph(m.input, m.fit, m.design.terms);
    CHECK(r.transform == ZphTransform::KaplanMeier);
    CHECK(r.n == m.fit.n);
    CHECK(r.nevent == m.fit.nevent);
    check_zph(r, g, name);
  }
}

TEST_CASE("Breslow fits and other transforms: cox.zph(fit, transform = km|identity|rank|log)") {
  Cohort lung = cohort("lung");
  Cohort vet = cohort("veteran");
  run_case(model(lung, lung_terms()), "lung_breslow_km");
  run_case(model(vet, vet_terms()), "veteran_breslow_km");
  for (const std::string tr : {"identity", "rank", "log"}) {
    run_case(model(lung, lung_terms()), "lung_efron_" + tr);
    run_case(model(vet, vet_terms()), "veteran_efron_" + tr);
  }
  run_case(model(lung, lung_terms()), "lung_breslow_identity");
  run_case(model(vet, vet_terms()), "veteran_breslow_identity");
}

TEST_CASE("stratified fits: cox.zph(coxph(... + strata(ph.ecog | celltype | prior)))") {
  Cohort lung = cohort("lung");
  Cohort vet = cohort("veteran");
  {
    Model m = model(lung, {num_term("treat"), num_term("age"), num_term("ph.karno")}, {"ph.ecog"});
    m.input.strata = value_codes(lung.table.column("ph.ecog"), m.rows);
    run_case(m, "lung_strata_ecog_efron_km");
    run_case(m, "lung_strata_ecog_breslow_identity");
  }
  {
    Model m = model(vet,
                    {num_term("treat"), num_term("karno"), num_term("age"),
                     TermSpec{"prior", TermKind::Factor, {"0", "10"}, ""}},
                    {"celltype"});
    m.input.strata = factor_codes(vet.table.column("celltype"), kVetLevels);
    run_case(m, "veteran_strata_celltype_efron_km");
    // Only equality of strata codes matters, not their values or order.
    for (int& s : m.input.strata) s = 50 - 3 * s;
    run_case(m, "veteran_strata_celltype_efron_km");
  }
  {
    Model m = model(vet,
                    {num_term("treat"), TermSpec{"celltype", TermKind::Factor, kVetLevels, ""},
                     num_term("karno")},
                    {"prior"});
    m.input.strata = value_codes(vet.table.column("prior"), m.rows);
    run_case(m, "veteran_strata_prior_efron_rank");
  }
}

TEST_CASE("aliased column and case weights: cox.zph drops NA coefficients, uses fit weights") {
  Cohort lung = cohort("lung");
  lung.table.columns.push_back(make_numeric_column("age_copy", lung.table.column("age").numbers));
  {
    Model m = model(
        lung, {num_term("treat"), num_term("age"), num_term("age_copy"), num_term("ph.karno")});
    fit(m, CoxTies::Efron);
    REQUIRE(m.fit.aliased[2]);
    run_case(m, "lung_aliased_efron_km");
  }
  Cohort vet = cohort("veteran");
  Model m = model(vet, vet_terms());
  for (std::size_t r = 0; r < m.rows.size(); ++r)
    m.input.weights.push_back(1.0 + static_cast<double>(m.rows[r] % 3));  // rep(c(1, 2, 3))
  run_case(m, "veteran_weighted_efron_km");
}

TEST_CASE("terms omitted: every coefficient is its own term (by_term == by_coefficient)") {
  Cohort vet = cohort("veteran");
  Model m = model(vet, vet_terms());
  fit(m, CoxTies::Efron);
  const CoxZphResult r = cox_zph(m.input, m.fit);
  const json& g = golden("veteran")["cox_zph"]["by_coefficient"];
  check_table(r.by_term, g, "by_term without terms");
  check_table(r.by_coefficient, g, "by_coefficient without terms");
  CoxZphOptions o;
  o.global = false;
  const CoxZphResult ng = cox_zph(m.input, m.fit, m.design.terms, o);
  CHECK(ng.by_term.term.size() == 6);
  CHECK(ng.by_term.term.back() == "prior");
  CHECK(ng.by_coefficient.test.size() == 8);
  CHECK_CLOSE("celltype without global", ng.by_term.test[1].statistic,
              num(golden("veteran")["cox_zph"]["by_term"]["chisq"][1]), kRel);
}

TEST_CASE("singular information: every event at one time (R: solve() stops, 'exactly singular')") {
  const json& g = extra_case("one_event_time");
  CHECK(g["error"].get<std::string>().find("singular") != std::string::npos);
  CoxInput in;
  in.time = g["data"]["time"].get<std::vector<double>>();
  for (double s : g["data"]["status"].get<std::vector<double>>())
    in.status.push_back(static_cast<int>(s));
  const auto x = g["data"]["x"].get<std::vector<double>>();
  in.x = Eigen::Map<const Eigen::VectorXd>(x.data(), static_cast<Eigen::Index>(x.size()));
  const CoxResult f = cox_fit(in);
  CHECK_CLOSE("coef", f.coef[0], num(g["coef"]), kRel);
  const CoxZphResult r = cox_zph(in, f);
  REQUIRE(r.by_term.test.size() == 2);
  for (const auto& t : r.by_term.test) {
    CHECK(std::isnan(t.statistic));
    CHECK(std::isnan(t.p));
    CHECK(t.df == 1);
  }
  REQUIRE(!r.warnings.empty());
  CHECK(r.warnings[0].text.find("singular") != std::string::npos);
}

TEST_CASE("degenerate data: no events, no estimated coefficient") {
  CoxInput in;
  in.time = {1, 2, 3, 4, 5};
  in.status = {0, 0, 0, 0, 0};
  in.x = Eigen::MatrixXd(5, 1);
  in.x << 1, 0, 1, 0, 1;
  in.names = {"x"};
  // cox_fit returns NaN (aliased) coefficients without events: nothing to test.
  const CoxResult f = cox_fit(in);
  const CoxZphResult r = cox_zph(in, f);
  CHECK(r.by_term.term.empty());
  CHECK(r.by_term.test.empty());
  CHECK(r.nevent == 0);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].text.find("no estimated coefficient") != std::string::npos);
  // A fit handed in with a coefficient but data without events: NaN rows.
  CoxResult given;
  given.coef = {0.5};
  given.names = {"x"};
  const CoxZphResult r2 = cox_zph(in, given);
  REQUIRE(r2.by_term.term == std::vector<std::string>{"x", "GLOBAL"});
  REQUIRE(r2.by_term.test.size() == 2);
  CHECK(std::isnan(r2.by_term.test[0].statistic));
  CHECK(std::isnan(r2.by_coefficient.test[1].p));
  CHECK(r2.by_coefficient.test[1].df == 1);
  REQUIRE(r2.warnings.size() == 1);
  CHECK(r2.warnings[0].text.find("no events") != std::string::npos);
}

TEST_CASE("errors: mismatched fit, bad status, log of a non-positive time") {
  CoxInput in;
  in.time = {0, 2, 3, 4, 5, 6};
  in.status = {1, 1, 0, 1, 0, 1};
  in.x = Eigen::MatrixXd(6, 1);
  in.x << 1, 0, 1, 0, 1, 1;
  CoxResult f = cox_fit(in);
  CHECK_NOTHROW(cox_zph(in, f));
  CoxZphOptions o;
  o.transform = ZphTransform::Log;
  CHECK_THROWS_WITH_AS(cox_zph(in, f, {}, o), doctest::Contains("positive times"), Error);
  CoxResult two = f;
  two.coef = {0.1, 0.2};
  CHECK_THROWS_WITH_AS(cox_zph(in, two), doctest::Contains("coefficients"), Error);
  CHECK_THROWS_WITH_AS(cox_zph(in, f, {"a", "b"}), doctest::Contains("terms"), Error);
  CoxInput bad = in;
  bad.status[2] = 2;
  CHECK_THROWS_WITH_AS(cox_zph(bad, f), doctest::Contains("row 3"), Error);
  bad = in;
  bad.x(1, 0) = NAN;
  CHECK_THROWS_AS(cox_zph(bad, f), Error);
  bad = in;
  bad.weights = {1, 1, -1, 1, 1, 1};
  CHECK_THROWS_WITH_AS(cox_zph(bad, f), doctest::Contains("weights"), Error);
}
