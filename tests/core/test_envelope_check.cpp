// The fuzz_run target's judge (tests/support/envelope_check.h): it must find
// an internal failure wherever the envelope holds one, including an
// analysis's own error block deep inside an ok:true result, and must not
// cry wolf on the errors bad input is meant to produce.
#include "api.h"
#include "envelope_check.h"
#include "golden.h"
#include "study/plain_words.h"

using json = nlohmann::json;
using testsupport::envelope_problems;

namespace {

const char* kReport = " (please report this with the spec that caused it)";

json ok_envelope(json result) { return {{"ok", true}, {"result", std::move(result)}}; }

}  // namespace

TEST_CASE("an internal error in an analysis's block, at any depth, is found") {
  const std::string internal =
      std::string("internal error in Kaplan-Meier: vector::_M_range_check") + kReport;
  const json km = {
      {"error", {{"message", internal}, {"field", "analyses.km"}, {"detail", nullptr}}}};
  // Main results, a subcohort's results, one model of a list.
  const json main = ok_envelope({{"results", {{"km", km}}}});
  const json sub = ok_envelope(
      {{"results", json::object()},
       {"subcohorts",
        {{{"name", "a"}, {"results", {{"cox", {{"univariate", {json::object(), km}}}}}}}}}});
  auto problems = envelope_problems(main.dump());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "envelope.result.results.km: not a localsurv::Error: " + internal);
  problems = envelope_problems(sub.dump());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].rfind("envelope.result.subcohorts.0.results.cox.univariate.1:", 0) == 0);
  // A whole subcohort that failed that way.
  const json whole = ok_envelope({{"subcohorts", {{{"name", "a"}, {"error", km["error"]}}}}});
  CHECK(envelope_problems(whole.dump()).size() == 1);
}

TEST_CASE("the envelope's own internal error, out of memory, and broken envelopes are found") {
  const json top = {
      {"ok", false},
      {"error", {{"message", std::string("internal error: bad_variant_access") + kReport}}}};
  CHECK(envelope_problems(top.dump()).size() == 1);
  const json oom = {
      {"ok", false},
      {"error", {{"message", "out of memory: the file is too large for this browser tab"}}}};
  CHECK(envelope_problems(oom.dump()).size() == 1);
  CHECK(envelope_problems("{\"ok\": true, \"result\": ").size() == 1);
  CHECK(envelope_problems("{\"result\": {}}").size() == 1);
  CHECK(envelope_problems("{\"ok\": true}").size() == 1);
  CHECK(envelope_problems("{\"ok\": false}").size() == 1);
  // An error block without a message, or not an object.
  CHECK(envelope_problems(ok_envelope({{"km", {{"error", {{"field", "x"}}}}}}).dump()).size() == 1);
  CHECK(envelope_problems(ok_envelope({{"km", {{"error", ""}}}}).dump()).size() == 1);
  CHECK(envelope_problems(ok_envelope({{"km", {{"error", {{"message", ""}}}}}}).dump()).size() ==
        1);
}

TEST_CASE("a kernel's check that no caller put in the user's words is found") {
  // What isolated() writes for a check helper's error it has no words for.
  const localsurv::Said said =
      localsurv::plain_error("the cutpoint", "maxstat_log_rank: x has too few values");
  const json block = {{"message", said.message}, {"field", nullptr}, {"detail", said.detail}};
  const auto problems = envelope_problems(ok_envelope({{"cutpoint", {{"error", block}}}}).dump());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("a kernel's check in its own words") != std::string::npos);
  // The same check in the user's words keeps the kernel's wording as its detail: fine.
  const json translated = {{"message", "the cutpoint of 'age': it takes only 2 distinct values"},
                           {"field", "analyses.cutpoint.minprop"},
                           {"detail", said.detail}};
  CHECK(envelope_problems(ok_envelope({{"cutpoint", {{"error", translated}}}}).dump()).empty());
}

TEST_CASE("errors that bad input is meant to produce are not findings") {
  // A column or level named like an internal error is the user's text.
  const json named = ok_envelope(
      {{"cox",
        {{"error",
          {{"message", std::string("'internal error in x' has a single value") + kReport}}}}}});
  CHECK(envelope_problems(named.dump()).empty());
  const json bad_spec = {{"ok", false}, {"error", {{"message", "spec: unknown option 'kmm'"}}}};
  CHECK(envelope_problems(bad_spec.dump()).empty());
  // Real runs whose analyses fail on degenerate data, in their own blocks.
  localsurv::Session s;
  s.set_data(testsupport::read_file(testsupport::test_data_path("datasets/lung.csv")));
  const std::string out = s.run(R"({"version": 1, "time": {"column": "time"},
    "event": {"column": "status", "values": [2]}, "group": {"column": "sex"},
    "covariates": ["age"], "analyses": {"km": {}, "cox": {},
      "cutpoint": {"column": "sex"}},
    "subcohorts": [{"name": "none", "filter": "age > 1000"},
                   {"name": "old", "filter": "age > 80"}]})");
  std::vector<std::pair<std::string, const json*>> errors;
  testsupport::error_blocks(json::parse(out), "envelope", errors);
  CHECK(errors.size() >= 2);  // the cutpoint of a two-valued column, the empty subcohort
  CHECK(envelope_problems(out).empty());
}

TEST_CASE("the wording searched for is the wording core/ writes") {
  // If either message changes, envelope_check.h must change with it.
  const std::string analysis =
      testsupport::read_file(testsupport::test_data_path("../../core/study/section.h"));
  const std::string api = testsupport::read_file(testsupport::test_data_path("../../core/api.cpp"));
  CHECK(analysis.find("\"internal error in \" + what + \": \" + e.what() +") != std::string::npos);
  CHECK(api.find("std::string(\"internal error: \") + e.what() +") != std::string::npos);
  for (const std::string* source : {&analysis, &api})
    CHECK(source->find(std::string("\"") + kReport + "\"") != std::string::npos);
  CHECK(api.find("\"out of memory: ") != std::string::npos);
}
