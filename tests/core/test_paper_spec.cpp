// The bundled example end to end: public/examples/npc_paper.spec.json (the
// analysis of Zhang et al. 2022: Tables 1-3, Figures 2-5) on
// public/examples/npc_cohort.csv (core/synthetic_cohort, default options).
// Every section must run; counts, Kaplan-Meier, follow-up and the univariate
// Cox fit must equal R's (tests/r/paper_spec.R, tests/reference/extra/
// paper_spec.json); and the estimates must land near the values the cohort
// was generated with (docs/synthetic_cohort.md): a test that fails if the
// generator, the spec or an analysis drifts.
#include <cmath>

#include "api.h"
#include "golden.h"

using testsupport::num;
using json = nlohmann::json;

namespace {

const json& paper_result() {
  static const json result = [] {
    const std::string root = testsupport::test_data_path("../../public/examples/");
    localsurv::Session s;
    s.set_data(testsupport::read_file(root + "npc_cohort.csv"));
    json env = json::parse(s.run(testsupport::read_file(root + "npc_paper.spec.json")));
    REQUIRE(env["ok"].get<bool>());
    return env["result"];
  }();
  return result;
}

// The coefficient called `name` in a Cox fit's coefficient block.
std::size_t coef_index(const json& coefs, const std::string& name) {
  for (std::size_t i = 0; i < coefs["name"].size(); ++i)
    if (coefs["name"][i] == name) return i;
  FAIL("no coefficient " << name);
  return 0;
}

}  // namespace

TEST_CASE("the paper spec runs every section on the bundled cohort, subcohorts included") {
  const json& r = paper_result();
  CHECK(r["cohort"]["rows_used"] == 2041);
  for (const char* section :
       {"table1", "km", "followup", "logrank", "cox", "matching", "subgroups"})
    CHECK(r["results"].contains(section));
  REQUIRE(r["subcohorts"].size() == 3);
  for (const auto& sub : r["subcohorts"]) {
    CAPTURE(sub["name"].get<std::string>());
    CHECK(!sub.contains("error"));
    for (const char* section : {"km", "logrank", "cox", "matching"})
      CHECK(sub["results"].contains(section));
  }
  CHECK(r["subcohorts"][2]["results"].contains("cutpoint"));
  CHECK(r["results"]["subgroups"]["variables"].size() == 15);
}

TEST_CASE(
    "the paper spec's counts, KM, follow-up, log-rank, Table 1 (sex) and univariate Cox equal R "
    "(tests/r/paper_spec.R)") {
  const json& want = testsupport::extra("paper_spec");
  const json& r = paper_result();
  CHECK(r["cohort"]["rows_used"] == want["cohort"]["n"]);
  CHECK(r["cohort"]["events"] == want["cohort"]["events"]);
  REQUIRE(r["subcohorts"].size() == want["subcohorts"].size());
  for (std::size_t i = 0; i < want["subcohorts"].size(); ++i) {
    const json& w = want["subcohorts"][i];
    CAPTURE(w["name"].get<std::string>());
    CHECK(r["subcohorts"][i]["name"] == w["name"]);
    CHECK(r["subcohorts"][i]["cohort"]["rows_used"] == w["n"]);
    CHECK(r["subcohorts"][i]["cohort"]["events"] == w["events"]);
  }
  const json& km = r["results"]["km"]["by_group"];
  REQUIRE(km.size() == want["km"].size());
  for (std::size_t g = 0; g < km.size(); ++g) {
    const json& w = want["km"][g];
    CAPTURE(g);
    CHECK(km[g]["stratum"] == w["stratum"]);
    CHECK(km[g]["n"] == w["n"]);
    CHECK(km[g]["events"] == w["events"]);
    CHECK(testsupport::nums(km[g]["at_times"]["time"]) == testsupport::nums(w["times"]));
    testsupport::check_column("surv at times", testsupport::nums(km[g]["at_times"]["surv"]),
                              testsupport::nums(w["surv"]));
    testsupport::check_column("std.err at times", testsupport::nums(km[g]["at_times"]["std_err"]),
                              testsupport::nums(w["std_err"]));
  }
  CHECK_CLOSE("median follow-up", num(r["results"]["followup"]["overall"]["median"]),
              num(want["followup"]["median"]), 1e-12);
  const json& lt = r["results"]["cox"]["univariate"][0]["coefficients"];
  CHECK(lt["name"][0] == "lt1");
  CHECK_CLOSE("coef", num(lt["coef"][0]), num(want["cox_lt"]["coef"]), 1e-6);
  CHECK_CLOSE("se", num(lt["se"][0]), num(want["cox_lt"]["se"]), 1e-6);
  CHECK_CLOSE("p", num(lt["p"][0]), num(want["cox_lt"]["p"]), 1e-6);
  const json& lr = r["results"]["logrank"]["by_group"];
  testsupport::check_column("log-rank observed", testsupport::nums(lr["observed"]),
                            testsupport::nums(want["logrank"]["observed"]));
  testsupport::check_column("log-rank expected", testsupport::nums(lr["expected"]),
                            testsupport::nums(want["logrank"]["expected"]));
  CHECK_CLOSE("log-rank chisq", num(lr["statistic"]), num(want["logrank"]["statistic"]), 1e-6);
  CHECK_CLOSE("log-rank p", num(lr["p"]), num(want["logrank"]["p"]), 1e-6);
  const json& sex = r["results"]["table1"]["variables"][0];
  REQUIRE(sex["variable"] == "sex");
  CHECK(sex["levels"] == json::array({"Male", "Female"}));
  for (std::size_t g = 0; g < 2; ++g)
    CHECK(sex["by_group"][g]["counts"] == want["table1_sex"]["counts"][g]);
  CHECK_CLOSE("sex chisq p", num(sex["tests"]["chisq"]["p"]), num(want["table1_sex"]["chisq_p"]),
              1e-6);
  CHECK_CLOSE("sex fisher p", num(sex["tests"]["fisher"]["p"]), num(want["table1_sex"]["fisher_p"]),
              1e-6);
}

TEST_CASE(
    "outcome and follow-up near the generating model (paper: 5-year OS 46.2% vs 31.6%, "
    "median follow-up 43.4 months)") {
  const json& km = paper_result()["results"]["km"]["by_group"];
  // at_times 12, 36, 60 months; std_err of S there (summary.survfit)
  const double five_year_target[2] = {0.316, 0.462};
  for (std::size_t g = 0; g < 2; ++g) {
    double s = num(km[g]["at_times"]["surv"][2]);
    double se = num(km[g]["at_times"]["std_err"][2]);
    CAPTURE(g);
    CHECK(std::fabs(s - five_year_target[g]) < 3 * se);
  }
  const json& fu = paper_result()["results"]["followup"]["overall"];
  CHECK(std::fabs(num(fu["median"]) - 43.4) < 4.0);
}

TEST_CASE("Table 3: the multivariable Cox model recovers the generating hazard ratios") {
  const json& mv = paper_result()["results"]["cox"]["multivariable"]["coefficients"];
  // Generating log-HRs: log of the paper's multivariable HRs (LT: 0.634 from the text).
  const std::vector<std::pair<std::string, double>> generating = {
      {"lt1", std::log(0.634)},
      {"age_group>=45", std::log(1.272)},
      {"ebv_group>=1e4", std::log(1.470)},
      {"n31", std::log(1.198)},
      {"sequencesynchronous", std::log(0.655)},
      {"liver_met1", std::log(1.951)},
      {"bone_met1", std::log(1.453)},
      {"immuno1", std::log(0.542)},
      {"rt_primary1", std::log(0.609)}};
  for (const auto& entry : generating) {
    const std::string& name = entry.first;
    const double beta = entry.second;
    CAPTURE(name);
    std::size_t i = coef_index(mv, name);
    // Screened model (select_p 0.05): a term left out biases the others a
    // little, hence 3.5 SEs.
    CHECK(std::fabs(num(mv["coef"][i]) - beta) < 3.5 * num(mv["se"][i]));
  }
  // Covariates generated without an effect are screened out.
  for (const char* name : {"sexFemale", "kps_group>=90", "pathologyI-II", "targeted1"})
    for (const auto& n : mv["name"]) CHECK(n != name);
}

TEST_CASE(
    "matching until balanced: rounds reported, final cohort balanced at p > 0.1, LT "
    "protective in the matched pairs (Figure 2b)") {
  const json& m = paper_result()["results"]["matching"];
  CHECK(m["stop"]["balanced"] == true);
  CHECK(m["stop"]["reason"] == "balanced");
  CHECK(m["rounds"].size() == m["stop"]["rounds_run"].get<std::size_t>());
  for (const auto& c : m["rounds"].back()["covariates"]) {
    CAPTURE(c["variable"].get<std::string>());
    CHECK(!(num(c["p"]) <= 0.1));
  }
  const json& cox = m["matched_outcome"]["cox"]["coefficients"];
  CHECK(num(cox["hr"][0]) < 1);
  CHECK(num(cox["upper"][0]) < 1);
  CHECK(m["conventions"]["call"].get<std::string>().find("caliper = 0.01, std.caliper = TRUE") !=
        std::string::npos);
}

TEST_CASE("Figure 5: BED > 60 Gy protective against no RT, BED <= 60 Gy not (bone-only)") {
  const json& bone = paper_result()["subcohorts"][2];
  CHECK(bone["name"] == "Bone-only metastasis");
  const json& g = bone["results"]["cutpoint"]["groups"];
  CHECK(g["definition"]["levels"] == json::array({"no RT", "bed <= 60", "bed > 60"}));
  const json& c = g["cox"]["coefficients"];
  // Generated: log-HR -0.56 for BED > 60, 0 for BED <= 60 (plus confounding by
  // who gets RT, which the unadjusted comparison keeps).
  CHECK(num(c["upper"][1]) < 1);
  CHECK(num(c["lower"][0]) < 1);
  CHECK(num(c["upper"][0]) > 1);
  REQUIRE(g["matched"].size() == 2);
  for (const auto& m : g["matched"]) CHECK(m.contains("matching"));
}
