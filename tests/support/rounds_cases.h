// The match-until-balanced cases of tests/r/rounds.R as analysis specs, in
// the order of tests/reference/extra/rounds.json's "cases". Two suites run
// them: test_balance_rounds.cpp calls study/balance_rounds directly,
// test_analysis_matching.cpp runs the whole analysis; both compare each round
// with R's.
#pragma once
#include <array>
#include <string>

namespace testsupport {

// Rotterdam, chemotherapy as the treatment, eight covariates.
inline const char* const kRotterdamChemo = R"("time": "dtime", "event": "death",
  "group": {"column": "chemo", "levels": ["0", "1"]},
  "covariates": ["age", "meno", {"column": "size", "type": "factor", "levels": ["<=20", "20-50", ">50"]},
    {"column": "grade", "type": "factor", "levels": ["2", "3"]}, "nodes", "pgr", "er", "hormon"])";

// A Rotterdam chemotherapy spec with these matching options (a JSON object).
inline std::string rotterdam_matching(const std::string& matching) {
  return std::string("{") + kRotterdamChemo + R"(, "analyses": {"matching": )" + matching + "}}";
}

struct RoundsCase {
  const char* dataset;
  std::string spec;
};

inline const std::array<RoundsCase, 3>& rounds_cases() {
  static const std::array<RoundsCase, 3> cases = {{
      // run_rounds("rotterdam chemo, rule exact ...", rot, rot$chemo, rot_covs, rot_factors,
      //   score = c("meno", "grade", "er", "hormon"), exact = character(), rule = "exact",
      //   criterion = "p", max_rounds = 5, caliper = 0.2)
      {"rotterdam", rotterdam_matching(R"({
      "score_covariates": ["meno", "grade", "er", "hormon"], "caliper": 0.2, "rounds": 5,
      "round_rule": "exact", "balance_criterion": "p"})")},
      // run_rounds("rotterdam chemo, rule model from age + nodes, both criteria", rot,
      //   rot$chemo, rot_covs, rot_factors, score = c("age", "nodes"), exact = character(),
      //   rule = "model", criterion = "both", max_rounds = 6)
      {"rotterdam", rotterdam_matching(R"({
      "score_covariates": ["age", "nodes"], "rounds": 6, "round_rule": "model",
      "balance_criterion": "both"})")},
      // run_rounds("npc_synth_1 lt, rule exact, p criterion, score on 6 covariates", npc,
      //   npc$lt, npc_covs, npc_factors, score = c("age45", "kps90", "t4", "n3", "liver_met",
      //   "bone_met"), exact = character(), rule = "exact", criterion = "p", max_rounds = 4)
      {"npc_synth_1", R"({
    "derive": [{"name": "age45", "cut": {"column": "age", "breaks": [45], "labels": ["0", "1"], "right": false}},
               {"name": "kps90", "cut": {"column": "kps", "breaks": [90], "labels": ["0", "1"], "right": false}},
               {"name": "ebv_hi", "cut": {"column": "ebv_dna", "breaks": [10000], "labels": ["0", "1"], "right": false}},
               {"name": "t4", "flag": {"column": "t_stage", "values": ["T4"]}},
               {"name": "n3", "flag": {"column": "n_stage", "values": ["N3"]}},
               {"name": "synchronous", "flag": {"column": "sequence", "values": ["synchronous"]}},
               {"name": "cycles6", "cut": {"column": "chemo_cycles", "breaks": [6], "labels": ["0", "1"], "right": false}}],
    "time": "os_months", "event": "death", "group": {"column": "lt", "levels": ["0", "1"]},
    "covariates": [{"column": "sex", "type": "factor", "levels": ["Male", "Female"]},
      "age45", "kps90", {"column": "pathology", "type": "factor", "levels": ["III", "I-II"]},
      "ebv_hi", "t4", "n3", "synchronous", "liver_met", "lung_met", "bone_met", "chemo", "cycles6",
      "targeted", "immuno", "rt_primary"],
    "analyses": {"matching": {"score_covariates": ["age45", "kps90", "t4", "n3", "liver_met", "bone_met"],
      "rounds": 4, "round_rule": "exact"}}})"},
  }};
  return cases;
}

}  // namespace testsupport
