// The study pipeline's composite steps through the spec: rounds of matching
// until balanced (tests/r/rounds.R) and groups by a cutpoint with pairwise
// comparisons and matched-pair re-analysis (tests/r/cut_groups.R). Each is a
// sequence of R calls done by hand in R; the numbers must agree.
#include <map>

#include "api.h"
#include "golden.h"
#include "rounds_cases.h"

using testsupport::num;
using testsupport::run_spec;
using json = nlohmann::json;

namespace {

// Every round as R ran it: the call's score and exact sets, matched counts,
// each covariate's test, p and |SMD|, and the final pairs.
void check_rounds(const json& matching, const json& want) {
  const json& rounds = matching["rounds"];
  REQUIRE(rounds.size() == want["rounds"].size());
  for (std::size_t r = 0; r < rounds.size(); ++r) {
    CAPTURE(r);
    const json& got = rounds[r];
    const json& w = want["rounds"][r];
    CHECK(got["score_covariates"] == w["score"]);
    CHECK(got["exact"] == w["exact"]);
    CHECK(got["counts"]["matched_treated"] == w["matched_treated"]);
    CHECK(got["counts"]["matched_control"] == w["matched_control"]);
    CHECK(got["unbalanced"] == w["unbalanced"]);
    REQUIRE(got["covariates"].size() == w["covariates"].size());
    for (std::size_t k = 0; k < w["covariates"].size(); ++k) {
      const json& gc = got["covariates"][k];
      const json& wc = w["covariates"][k];
      CAPTURE(wc["variable"].get<std::string>());
      CHECK(gc["variable"] == wc["variable"]);
      CHECK(gc["test"] == wc["test"]);
      CHECK_P("p", num(gc["p"]), num(wc["p"]));
      CHECK_CLOSE("max |smd|", num(gc["max_abs_smd"]), num(wc["max_abs_smd"]), 1e-6);
      CHECK(gc["balanced"] == wc["balanced"]);
    }
  }
  const json& last = want["rounds"].back();
  CHECK(matching["pairs"]["treated_row"] == last["treated_row"]);
  CHECK(matching["pairs"]["control_row"] == last["control_row"]);
}

}  // namespace

TEST_CASE(
    "match until balanced, rule exact: categorical to the exact set, continuous to the "
    "score (rotterdam chemo, caliper 0.2 SD)") {
  const json want = testsupport::extra("rounds")["cases"][0];
  const auto& rc = testsupport::rounds_cases()[0];
  json r = run_spec(rc.dataset, rc.spec);
  const json& m = r["results"]["matching"];
  check_rounds(m, want);
  CHECK(m["stop"]["reason"] == "balanced");
  CHECK(m["stop"]["balanced"] == true);
  CHECK(m["conventions"]["call"].get<std::string>().find(
            "chemo ~ meno + grade + er + hormon + age + nodes, ") != std::string::npos);
  CHECK(m["conventions"]["call"].get<std::string>().find("exact = ~ size)") != std::string::npos);
}

TEST_CASE("a caliper that forms no pairs is not 'balanced'") {
  json r =
      run_spec("rotterdam", testsupport::rotterdam_matching(R"({"caliper": 1e-9, "rounds": 3})"));
  const json& m = r["results"]["matching"];
  CHECK(m["counts"]["matched_treated"] == 0);
  CHECK(m["stop"]["reason"] == "no pairs were formed");
  CHECK(m["stop"]["balanced"] == false);
  CHECK(m["matched_outcome"]["error"]["message"].get<std::string>().find("nobody was matched") !=
        std::string::npos);
  CHECK(!m["matched_outcome"].contains("cox"));
}

TEST_CASE("match until balanced, rule model from a small score, p and SMD (rotterdam chemo)") {
  const json want = testsupport::extra("rounds")["cases"][1];
  const auto& rc = testsupport::rounds_cases()[1];
  json r = run_spec(rc.dataset, rc.spec);
  const json& m = r["results"]["matching"];
  check_rounds(m, want);
  // Round 3 leaves age, size and nodes unbalanced although all are in the
  // model: nothing more the rule can do, and the reader is told.
  CHECK(m["stop"]["reason"] == "every unbalanced covariate is already in the score model");
  CHECK(m["stop"]["balanced"] == false);
  bool warned = false;
  for (const auto& w : r["warnings"])
    warned |=
        w["message"].get<std::string>().find("not balanced: age, size, nodes") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("match until balanced on the paper-like cohort (npc_synth_1 lt, rule exact)") {
  const json want = testsupport::extra("rounds")["cases"][2];
  const auto& rc = testsupport::rounds_cases()[2];
  json r = run_spec(rc.dataset, rc.spec);
  const json& m = r["results"]["matching"];
  check_rounds(m, want);
  CHECK(m["stop"]["reason"] == "balanced");
  CHECK(m["stop"]["rounds_run"] == 3);
}

TEST_CASE(
    "one round (the default) still judges every covariate; bad round options name the field") {
  json r = run_spec("rotterdam", testsupport::rotterdam_matching("{}"));
  const json& m = r["results"]["matching"];
  REQUIRE(m["rounds"].size() == 1);
  CHECK(m["stop"]["rounds_run"] == 1);
  CHECK(m["rounds"][0]["covariates"].size() == 8);
  localsurv::Session s;
  s.set_data(testsupport::read_file(testsupport::test_data_path("datasets/rotterdam.csv")));
  for (const auto& entry : std::map<std::string, std::string>{
           {R"("rounds": 0)", "analyses.matching.rounds"},
           {R"("round_rule": "score")", "analyses.matching.round_rule"},
           {R"("balance_criterion": "pval")", "analyses.matching.balance_criterion"},
           {R"("balance_p": 1.5)", "analyses.matching.balance_p"},
           {R"("score_covariates": ["year"])", "analyses.matching.score_covariates"}}) {
    const std::string& option = entry.first;
    const std::string& field = entry.second;
    CAPTURE(option);
    json bad = json::parse(s.run(testsupport::rotterdam_matching("{" + option + "}")));
    CHECK(bad["ok"] == false);
    CHECK(bad["error"]["field"] == field);
  }
}

TEST_CASE(
    "groups by a cutpoint with a reference group, pairwise tests and matched pairs "
    "(npc_synth_1 bone metastasis: BED > 60, <= 60, no RT)") {
  const json want = testsupport::extra("cut_groups");
  json r = run_spec("npc_synth_1", R"({
    "derive": [{"name": "bed", "bed": {"dose": "bone_rt_dose_gy", "fractions": "bone_rt_fractions"}},
               {"name": "age45", "cut": {"column": "age", "breaks": [45], "labels": ["0", "1"], "right": false}},
               {"name": "kps90", "cut": {"column": "kps", "breaks": [90], "labels": ["0", "1"], "right": false}},
               {"name": "t4", "flag": {"column": "t_stage", "values": ["T4"]}},
               {"name": "n3", "flag": {"column": "n_stage", "values": ["N3"]}}],
    "filter": "bone_met == 1", "time": {"column": "os_months", "unit": "months"}, "event": "death",
    "covariates": ["age45", "kps90", "t4", "n3", "liver_met", "lung_met"],
    "analyses": {"km": {"times": [12, 36, 60]},
      "cutpoint": {"column": "bed", "groups": {"use": "value", "value": 60, "none": "lt_bone == 0",
                   "none_label": "no RT", "match": {"caliper": 0.2}}}}})");
  const json& g = r["results"]["cutpoint"]["groups"];
  CHECK(g["definition"]["levels"] == json::array({"no RT", "bed <= 60", "bed > 60"}));
  CHECK(g["n"] == want["n"]);
  CHECK(g["events"] == want["events"]);
  CHECK_CLOSE("3-group chisq", num(g["logrank"]["statistic"]), num(want["logrank"]["statistic"]),
              1e-6);
  CHECK_P("3-group p", num(g["logrank"]["p"]), num(want["logrank"]["p"]));
  const json& pairs = g["logrank"]["pairwise"]["pairs"];
  REQUIRE(pairs.size() == 3);
  for (std::size_t k = 0; k < 3; ++k) {
    const json& w = want["pairwise"][k];
    const json* got = nullptr;
    for (const auto& p : pairs)
      if ((p["a"] == w["a"] && p["b"] == w["b"]) || (p["a"] == w["b"] && p["b"] == w["a"]))
        got = &p;
    REQUIRE(got != nullptr);
    CHECK_CLOSE("pair chisq", num((*got)["statistic"]), num(w["statistic"]), 1e-6);
    CHECK_P("pair p", num((*got)["p"]), num(w["p"]));
    CHECK_P("pair p holm", num((*got)["p_adjusted"]), num(w["p_holm"]));
  }
  for (std::size_t k = 0; k < 2; ++k) {
    CHECK_CLOSE("cox coef", num(g["cox"]["coefficients"]["coef"][k]), num(want["cox"]["coef"][k]),
                1e-6);
    CHECK_CLOSE("cox se", num(g["cox"]["coefficients"]["se"][k]), num(want["cox"]["se"][k]), 1e-6);
    CHECK_P("cox p", num(g["cox"]["coefficients"]["p"][k]), num(want["cox"]["p"][k]));
  }
  // summary(survfit(...), times = c(12, 36, 60)): strata in level order.
  for (std::size_t k = 0; k < 3; ++k)
    for (std::size_t t = 0; t < 3; ++t)
      CHECK_CLOSE("surv at time", num(g["km_by_group"][k]["at_times"]["surv"][t]),
                  num(want["km_at"]["surv"][3 * k + t]), 1e-6);
  REQUIRE(g["matched"].size() == 2);
  for (std::size_t k = 0; k < 2; ++k) {
    const json& w = want["matched"][k];
    const json& m = g["matched"][k]["matching"];
    CAPTURE(k);
    CHECK(g["matched"][k]["comparison"] == w["level"].get<std::string>() + " vs no RT");
    CHECK(m["pairs"]["treated_row"] == w["treated_row"]);
    CHECK(m["pairs"]["control_row"] == w["control_row"]);
    const json& cox = m["matched_outcome"]["cox"]["coefficients"];
    CHECK_CLOSE("matched coef", num(cox["coef"][0]), num(w["coef"]), 1e-6);
    CHECK_CLOSE("matched robust se", num(cox["robust_se"][0]), num(w["robust_se"]), 1e-6);
    CHECK_P("matched p", num(cox["p"][0]), num(w["p"]));
    CHECK_CLOSE("matched log-rank", num(m["matched_outcome"]["logrank"]["statistic"]),
                num(w["logrank_chisq"]), 1e-6);
  }
}

TEST_CASE(
    "cutpoint groups: the chosen cut is the maxstat one unless a value is given; "
    "bad options name the field") {
  json r = run_spec("npc_synth_1", R"({
    "derive": [{"name": "bed", "bed": {"dose": "bone_rt_dose_gy", "fractions": "bone_rt_fractions"}}],
    "filter": "lt_bone == 1", "time": "os_months", "event": "death",
    "analyses": {"cutpoint": {"column": "bed", "groups": {}}}})");
  const json& cp = r["results"]["cutpoint"];
  CHECK(num(cp["groups"]["definition"]["cutpoint"]) == num(cp["maxstat"]["cutpoint"]));
  CHECK(cp["groups"]["n"][1] == cp["maxstat"]["n_high"]);
  CHECK(!cp["groups"].contains("matched"));
  localsurv::Session s;
  s.set_data(testsupport::read_file(testsupport::test_data_path("datasets/npc_synth_1.csv")));
  for (const auto& entry : std::map<std::string, std::string>{
           {R"({"use": "value"})", "analyses.cutpoint.groups.value"},
           {R"({"use": "best"})", "analyses.cutpoint.groups.use"},
           {R"({"match": true})", "analyses.cutpoint.groups.match"}}) {
    const std::string& groups = entry.first;
    const std::string& field = entry.second;
    CAPTURE(groups);
    json bad = json::parse(s.run(
        R"({"time": "os_months", "event": "death", "analyses": {"cutpoint": {"column": "age", "groups": )" +
        groups + "}}}"));
    CHECK(bad["ok"] == false);
    CHECK(bad["error"]["field"] == field);
    CHECK(!bad["error"]["message"].get<std::string>().empty());
  }
  // A reference-group filter that cannot be read fails the cutpoint only.
  json typo = json::parse(s.run(
      R"({"time": "os_months", "event": "death", "analyses": {"km": {},
          "cutpoint": {"column": "age", "groups": {"none": "lt_bone === 0"}}}})"));
  REQUIRE(typo["ok"] == true);
  const json& e = typo["result"]["results"]["cutpoint"]["error"];
  CHECK(e["field"] == "analyses.cutpoint.groups.none");
  CHECK(e["message"].get<std::string>().find("lt_bone === 0") != std::string::npos);
  CHECK(typo["result"]["results"]["km"]["overall"]["n"] > 0);
}

TEST_CASE(
    "weighted matched outcome: 1:2 (cluster on pairs) and with replacement (robust on the "
    "unit) equal survfit/coxph with MatchIt's weights (tests/r/weights.R)") {
  const json cases = testsupport::extra("weights")["cases"];
  struct Case {
    std::size_t index;
    std::string dataset, spec;
  };
  const std::vector<Case> runs = {
      {0, "rotterdam",
       testsupport::rotterdam_matching(R"({"distance": "logit", "ratio": 2, "caliper": 0.2})")},
      {2, "lung",
       R"({"time": "time", "event": {"column": "status", "values": [2]},
           "group": {"column": "sex", "levels": ["1", "2"]},
           "covariates": ["age", "ph.ecog", "ph.karno", "wt.loss"],
           "analyses": {"matching": {"replace": true}}})"}};
  for (const auto& c : runs) {
    CAPTURE(c.dataset);
    const json& want = cases[c.index];
    json r = run_spec(c.dataset, c.spec);
    const json& post = r["results"]["matching"]["matched_outcome"];
    CHECK(post["weighted"] == true);
    CHECK(post["n"] == want["data"]["id"].size());
    CHECK(!post.contains("logrank"));
    // km[0]: survfit(..., weights = weights, conf.type = "log"), R's robust default
    const json& wkm = want["km"][0]["curves"];
    REQUIRE(post["km_by_group"].size() == 2);
    for (std::size_t g = 0; g < 2; ++g) {
      const json& got = post["km_by_group"][g];
      const json& w = wkm[g];
      CHECK_CLOSE("events", num(got["events"]), num(w["events"]), 1e-9);
      const json& gt = got["table"];
      const json& wt = w["table"];
      REQUIRE(gt["time"].size() == wt["time"].size());
      for (std::size_t i = 0; i < wt["time"].size(); ++i) {
        CHECK_CLOSE("n.risk", num(gt["n_risk"][i]), num(wt["n.risk"][i]), 1e-9);
        CHECK_CLOSE("surv", num(gt["surv"][i]), num(wt["surv"][i]), 1e-9);
        CHECK_CLOSE("lower", num(gt["lower"][i]), num(wt["lower"][i]), 1e-6);
        CHECK_CLOSE("upper", num(gt["upper"][i]), num(wt["upper"][i]), 1e-6);
      }
    }
    // cox[0]: weights + cluster = subclass (1:2) or robust = TRUE (replacement), Efron
    const json& wc = want["cox"][0];
    const json& gc = post["cox"]["coefficients"];
    CHECK(post["cox"]["nevent"] == wc["nevent"]);
    CHECK_CLOSE("coef", num(gc["coef"][0]), num(wc["coef"][0]), 1e-6);
    CHECK_CLOSE("robust se", num(gc["robust_se"][0]), num(wc["robust_se"][0]), 1e-6);
    CHECK_CLOSE("naive se", num(gc["se"][0]), num(wc["se"][0]), 1e-6);
    CHECK_P("p", num(gc["p"][0]), num(wc["p"][0]));
    CHECK_P("robust score p", num(post["cox"]["robust_score"]["p"]), num(wc["robust_p"]));
  }
}
