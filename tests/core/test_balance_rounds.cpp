// study/balance_rounds.h called directly (no result JSON) against
// tests/r/rounds.R, which runs each round by hand in R: matchit() with the
// round's score and exact sets, then chisq.test / fisher.test / t.test and
// summary(m)$sum.matched's |SMD| per covariate
// (tests/reference/extra/rounds.json; regenerate with
// `Rscript tests/r/rounds.R`).
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "error.h"
#include "golden.h"
#include "io/spec.h"
#include "rounds_cases.h"
#include "study/balance_rounds.h"
#include "study/derive.h"
#include "study/warnings.h"

using testsupport::num;
using json = nlohmann::json;

namespace {

const json& rounds_json() {
  static const json j =
      json::parse(testsupport::read_file(testsupport::test_data_path("extra/rounds.json")));
  return j;
}

localsurv::BalanceRounds run(const std::string& dataset, const std::string& spec_json,
                             localsurv::Table& table, localsurv::Frame& frame) {
  const localsurv::AnalysisSpec spec = localsurv::parse_spec(std::string_view(spec_json));
  table = testsupport::dataset(dataset);
  localsurv::derive_columns(table, spec.derive);
  std::vector<nlohmann::ordered_json> warnings;
  const localsurv::Cohort c = localsurv::make_cohort(table, spec, {}, warnings);
  localsurv::BalanceRounds b =
      localsurv::balance_rounds(table, c, spec, localsurv::treatment_words(c, spec));
  frame = b.frame;
  return b;
}

// Each round as R ran it: score and exact sets, matched counts, every
// covariate's test, p, |SMD| and verdict, the unbalanced ones; the last
// round's pairs as data row numbers.
void check(const localsurv::BalanceRounds& b, const localsurv::Frame& f, const json& want) {
  REQUIRE(!b.failure);
  REQUIRE(b.rounds.size() == want["rounds"].size());
  for (std::size_t r = 0; r < b.rounds.size(); ++r) {
    CAPTURE(r);
    const localsurv::MatchRound& got = b.rounds[r];
    const json& w = want["rounds"][r];
    std::vector<std::string> score;
    for (const auto& t : got.plan.score) score.push_back(t.column);
    CHECK(score == w["score"].get<std::vector<std::string>>());
    CHECK(got.plan.exact == w["exact"].get<std::vector<std::string>>());
    CHECK(got.m.n_matched_treated == w["matched_treated"].get<int>());
    CHECK(got.m.n_matched_control == w["matched_control"].get<int>());
    CHECK(got.unbalanced == w["unbalanced"].get<std::vector<std::string>>());
    REQUIRE(got.checks.size() == w["covariates"].size());
    for (std::size_t k = 0; k < got.checks.size(); ++k) {
      const localsurv::CovariateCheck& gc = got.checks[k];
      const json& wc = w["covariates"][k];
      CAPTURE(gc.variable);
      CHECK(gc.variable == wc["variable"].get<std::string>());
      CHECK(gc.test == wc["test"].get<std::string>());
      CHECK(gc.after.test == gc.test);
      CHECK_P("p", gc.p, num(wc["p"]));
      CHECK_CLOSE("max |smd|", gc.max_abs_smd, num(wc["max_abs_smd"]), 1e-6);
      CHECK(gc.balanced == wc["balanced"].get<bool>());
    }
  }
  const localsurv::MatchingResult& m = b.rounds.back().m;
  std::vector<int> treated, control;
  for (std::size_t k = 0; k < m.pair_treated.size(); ++k) {
    treated.push_back(static_cast<int>(f.rows[m.pair_treated[k]] + 1));
    control.push_back(static_cast<int>(f.rows[m.pair_control[k]] + 1));
  }
  const json& last = want["rounds"].back();
  CHECK(treated == last["treated_row"].get<std::vector<int>>());
  CHECK(control == last["control_row"].get<std::vector<int>>());
}

}  // namespace

// rounds.R, the first case of tests/support/rounds_cases.h
TEST_CASE("balance_rounds, rule exact, p criterion, caliper 0.2 SD (rotterdam chemo)") {
  localsurv::Table t;
  localsurv::Frame f;
  const auto& rc = testsupport::rounds_cases()[0];
  const auto b = run(rc.dataset, rc.spec, t, f);
  check(b, f, rounds_json()["cases"][0]);
  CHECK(b.stop == "balanced");
  CHECK(b.balanced);
}

// rounds.R, the second case of tests/support/rounds_cases.h
TEST_CASE("balance_rounds, rule model, p and SMD: stops when nothing can be added") {
  localsurv::Table t;
  localsurv::Frame f;
  const auto& rc = testsupport::rounds_cases()[1];
  const auto b = run(rc.dataset, rc.spec, t, f);
  check(b, f, rounds_json()["cases"][1]);
  CHECK(b.stop == "every unbalanced covariate is already in the score model");
  CHECK(!b.balanced);
}

// rounds.R, the third case of tests/support/rounds_cases.h
TEST_CASE("balance_rounds on the paper-like cohort (npc_synth_1 lt, rule exact)") {
  localsurv::Table t;
  localsurv::Frame f;
  const auto& rc = testsupport::rounds_cases()[2];
  const auto b = run(rc.dataset, rc.spec, t, f);
  check(b, f, rounds_json()["cases"][2]);
  CHECK(b.stop == "balanced");
  CHECK(b.rounds.size() == 3);
}

// A round that cannot be run (a caliper on a two-valued score) is kept as the
// failure, after the rounds before it.
TEST_CASE("balance_rounds keeps a failing round's error for the caller") {
  localsurv::Table t;
  localsurv::Frame f;
  const auto b = run(
      "rotterdam",
      testsupport::rotterdam_matching(R"({"score_covariates": ["hormon"], "caliper": 0.2})"), t, f);
  REQUIRE(b.failure);
  CHECK(b.rounds.empty());
  try {
    std::rethrow_exception(b.failure);
  } catch (const localsurv::Error& e) {
    CHECK(std::string(e.what()).find("a caliper cannot be used") != std::string::npos);
    CHECK(e.field == "analyses.matching.caliper");
  }
}
