// One failing analysis never loses the others (issue 8, point 5): degenerate
// data fail only the analysis, model or comparison they break, each in its own
// {"error": {message, field, detail}} block that names the user's column and
// says what to do; the run stays ok. And the warnings a clinician reads name
// columns and levels, with R's own wording kept as the detail (point 6).
#include <algorithm>
#include <regex>

#include "api.h"
#include "envelope_check.h"
#include "golden.h"
#include "io/filter.h"
#include "study/plain_words.h"

using json = nlohmann::json;

namespace {

const json& cases() {
  static const json c = json::parse(
      testsupport::read_file(testsupport::test_data_path("../fixtures/degenerate/cases.json")));
  return c;
}

json run_case(const json& c) {
  json spec = cases()["base"];
  for (const auto& [key, value] : c["spec"].items()) spec[key] = value;
  localsurv::Session s;
  s.set_data(testsupport::read_file(
      testsupport::test_data_path("../fixtures/degenerate/" + c["data"].get<std::string>())));
  return json::parse(s.run(spec.dump()));
}

// "cox.univariate.2" -> results["cox"]["univariate"][2]; null if absent.
const json* at(const json& results, const std::string& path) {
  const json* node = &results;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    const std::string key = path.substr(start, dot - start);
    if (node->is_array()) {
      const std::size_t i = std::stoul(key);
      if (i >= node->size()) return nullptr;
      node = &(*node)[i];
    } else if (node->is_object() && node->contains(key)) {
      node = &(*node)[key];
    } else {
      return nullptr;
    }
    start = dot + 1;
  }
  return node;
}

bool contains(const std::string& text, const std::string& words) {
  return text.find(words) != std::string::npos;
}

}  // namespace

TEST_CASE("degenerate data fail only their own analysis, in the user's words") {
  REQUIRE(cases()["cases"].size() == 11);  // tests/fixtures/degenerate/cases.json
  for (const json& c : cases()["cases"]) {
    const std::string name = c["name"];
    CAPTURE(name);
    const json out = run_case(c);
    REQUIRE(out["ok"] == true);
    const json& results = out["result"]["results"];
    for (const auto& item : c["errors"].items()) {
      // Plain names, not a structured binding: doctest's CAPTURE lambdas
      // cannot capture those in C++17 (clang, the sanitizer build).
      const std::string path = item.key();
      const json& field = item.value();
      CAPTURE(path);
      const json* node = at(results, path);
      REQUIRE(node);
      REQUIRE(node->contains("error"));
      CHECK((*node)["error"]["field"] == field);
    }
    for (const auto& path : c["results"]) {
      CAPTURE(path.get<std::string>());
      const json* node = at(results, path);
      REQUIRE(node);
      CHECK(!node->contains("error"));
    }
    for (const char* key : {"mentions", "details"})
      if (c.contains(key))
        for (const auto& item : c[key].items()) {
          const std::string path = item.key();
          const json& words = item.value();
          const json& e = (*at(results, path))["error"];
          const std::string text = e[key == std::string("mentions") ? "message" : "detail"];
          for (const auto& w : words) {
            CAPTURE(path);
            CAPTURE(text);
            CHECK(contains(text, w));
          }
        }
    std::string said;
    for (const auto& w : out["result"]["warnings"])
      said += w["message"].get<std::string>() + "\n" + w.value("detail", "") + "\n";
    for (const auto& w : c.value("warnings", json::array())) {
      CAPTURE(w.get<std::string>());
      CHECK(contains(said, w));
    }
    for (const auto& w : c.value("not_warned", json::array())) {
      CAPTURE(w.get<std::string>());
      CHECK(!contains(said, w));
    }
    // Every error, expected or not, has the one shape and speaks the user's
    // language: no kernel function names, no internal errors.
    std::vector<std::pair<std::string, const json*>> errors;
    testsupport::error_blocks(results, "results", errors);
    const std::regex kernel("^[a-z0-9_]+: ");
    for (const auto& entry : errors) {
      const std::string& path = entry.first;
      const json* e = entry.second;
      CAPTURE(path);
      const std::string message = (*e)["message"];
      CAPTURE(message);
      CHECK(!message.empty());
      CHECK(!std::regex_search(message, kernel));
      CHECK(!contains(message, "internal error"));
      CHECK(((*e)["field"].is_string() || (*e)["field"].is_null()));
      CHECK(((*e)["detail"].is_string() || (*e)["detail"].is_null()));
      CHECK(e->size() == 3);
    }
    CHECK(errors.size() == c["errors"].size());
  }
}

TEST_CASE("the issue's case: a matching covariate missing in every row names the column") {
  const json out = run_case(cases()["cases"][0]);
  const std::string m = out["result"]["results"]["matching"]["error"]["message"];
  CHECK(!contains(m, "cross_tabulate"));
  CHECK(!contains(m, "levels must number"));
  CHECK(m ==
        "propensity-score matching: 'blank' has no value in any of the 40 patients of the "
        "cohort; leave it out of the covariates (or of the exact-match columns)");
}

TEST_CASE("spec mistakes still stop the run before it starts; data problems never do") {
  localsurv::Session s;
  s.set_data(
      testsupport::read_file(testsupport::test_data_path("../fixtures/degenerate/cohort.csv")));
  const std::pair<const char*, const char*> mistakes[] = {
      {R"({"time":"time","event":"status","analyses":{"logrank":{}}})", "analyses.logrank"},
      {R"({"time":"time","event":"status","group":"lt","covariates":["age"],
          "analyses":{"cox":{"force":["sex"]}}})",
       "analyses.cox.force"},
      {R"({"time":"time","event":"status","covariates":["age"],"analyses":{"matching":{}}})",
       "group"},
      {R"({"time":"time","event":"status","group":"lt","analyses":{"table1":{}}})", "covariates"},
      {R"({"time":"time","event":"status","group":"lt","covariates":["age"],
          "analyses":{"matching":{"score_covariates":["bmi"]}}})",
       "analyses.matching.score_covariates"},
      {R"({"time":"time","event":"status","group":"lt","covariates":["age"],
          "subcohorts":[{"name":"F","filter":"sex == 'F'","analyses":{"table1":{}},"covariates":[]}]})",
       "subcohorts[0].covariates"}};
  for (const auto& mistake : mistakes) {
    const std::string& spec = mistake.first;
    const std::string& field = mistake.second;
    CAPTURE(spec);
    const json out = json::parse(s.run(spec));
    CHECK(out["ok"] == false);
    CHECK(out["error"]["field"] == field);
  }
  // No cohort at all is not an analysis failing: the run stops.
  const json none = json::parse(
      s.run(R"({"time":"time","event":"status","filter":"age > 500","analyses":{"km":{}}})"));
  CHECK(none["ok"] == false);
  // A subcohort that cannot be built reports its error in its place, in the one shape.
  const json sub = json::parse(s.run(R"({"time":"time","event":"status","group":"lt",
    "subcohorts":[{"name":"nobody","filter":"age > 500"},{"name":"women","filter":"sex == 'F'"}],
    "analyses":{"km":{}}})"));
  REQUIRE(sub["ok"] == true);
  CHECK(contains(sub["result"]["subcohorts"][0]["error"]["message"], "nothing to analyse"));
  CHECK(sub["result"]["subcohorts"][0]["error"].contains("detail"));
  CHECK(sub["result"]["subcohorts"][1]["results"]["km"]["overall"]["n"] == 20);
}

TEST_CASE("event coded 1/2 (R's lung) with the event value 1: 2 is counted as censored, and said") {
  const json warned = testsupport::run_spec("lung", R"({"time":"time","event":"status",
    "analyses":{"km":{}}})");
  bool said = false;
  for (const auto& w : warned["warnings"])
    said = said ||
           (w["analysis"] == "cohort" && contains(w["message"], "every 2 is counted as censored") &&
            contains(w["message"], "set the event value to 2"));
  CHECK(said);
  CHECK(warned["cohort"]["events"] == 63);  // table(lung$status): 63 ones, 165 twos
  const json right = testsupport::run_spec("lung", R"({"time":"time",
    "event":{"column":"status","values":[2]},"analyses":{"km":{}}})");
  for (const auto& w : right["warnings"]) CHECK(!contains(w["message"], "counted as censored"));
  // 0/1 coding is not 1/2 coding.
  const json zero_one = testsupport::run_spec("veteran", R"({"time":"time","event":"status",
    "analyses":{"km":{}}})");
  for (const auto& w : zero_one["warnings"]) CHECK(!contains(w["message"], "counted as censored"));
}

TEST_CASE("kernel wording becomes the detail; the headline names columns, levels and a remedy") {
  using localsurv::plain_warning;
  using localsurv::Vocabulary;
  Vocabulary v;
  v.group_levels = {"0", "1"};
  v.group_column = "lt";
  v.treatment = "treatment (lt)";
  v.coefficients = {{"rt_primary1", "rt_primary = 1", "rt_primary", true},
                    {"age", "age", "age", true},
                    {"stage", "stage = II", "stage", true}};
  using localsurv::Flag;
  using localsurv::FlagCode;
  Flag singular(FlagCode::CoxSingular, "X matrix deemed to be singular; variable 15 (rt_primary1)");
  singular.names = {"rt_primary1"};
  auto said = plain_warning(singular, v);
  CHECK(said.detail == "X matrix deemed to be singular; variable 15 (rt_primary1)");
  CHECK(contains(said.message, "rt_primary = 1 has no estimable hazard ratio"));
  CHECK(contains(said.message, "leave it out of the covariates"));
  Flag infinite(FlagCode::CoxInfinite,
                "Loglik converged before variable 2 (age); coefficient may be infinite");
  infinite.names = {"age"};
  said = plain_warning(infinite, v);
  CHECK(said.detail == "Loglik converged before variable 2 (age); coefficient may be infinite");
  CHECK(contains(said.message, "the hazard ratio of age may be infinite"));
  said = plain_warning(
      Flag(FlagCode::GlmFittedExtreme, "glm.fit: fitted probabilities numerically 0 or 1 occurred"),
      v);
  CHECK(said.detail == "glm.fit: fitted probabilities numerically 0 or 1 occurred");
  CHECK(contains(said.message, "the propensity model of treatment (lt)"));
  Flag quasi(FlagCode::SeparationQuasi,
             "quasi-complete separation: rt_primary1 predicts the outcome perfectly in part of its "
             "range (for a factor: a level in which every patient has the same outcome), so the "
             "maximum likelihood estimate does not exist");
  quasi.names = {"rt_primary1"};
  said = plain_warning(quasi, v);
  CHECK(contains(said.message, "rt_primary = 1 predicts treatment (lt) perfectly in part of its"));
  CHECK(!contains(said.message, "the outcome"));
  // "age" is not found inside "stage".
  Flag complete(FlagCode::SeparationComplete,
                "complete separation: stage predicts the outcome perfectly on its own");
  complete.names = {"stage"};
  said = plain_warning(complete, v);
  CHECK(contains(said.message, "stage = II predicts treatment (lt) perfectly on its own"));
  CHECK(!contains(said.message, "age predicts"));
  said = plain_warning(
      Flag(FlagCode::FewerControls,
           "Fewer control units than treated units; not all treated units will get a match."),
      v);
  CHECK(said.message ==
        "fewer patients in the control group (lt = 0) than in the treated group (lt = 1): some "
        "treated patients get no match (matching with replacement would match every one of them)");
  // Flags without a code of their own pass through, R's wording as the detail.
  said = plain_warning(
      localsurv::with_r(Flag("exact Wilcoxon p-value not possible with tied values; normal "
                             "approximation used"),
                        "cannot compute exact p-value with ties"),
      v);
  CHECK(said.message ==
        "exact Wilcoxon p-value not possible with tied values; normal approximation used");
  CHECK(said.detail == "cannot compute exact p-value with ties");
  // Group codes become levels.
  Flag too_few = localsurv::group_flag(
      FlagCode::TTestTooFew,
      "t-test not computed: the first group (code 0) has 1 non-missing value; the Welch t-test "
      "needs at least 2 in each group",
      {0});
  too_few.counts = {1, 2};
  said = plain_warning(localsurv::with_r(too_few, "not enough 'x' observations"), v);
  CHECK(said.message ==
        "t-test not computed: group '0' has 1 non-missing value; the Welch t-test needs at least "
        "2 in each group");
  CHECK(said.detail == "not enough 'x' observations");
  CHECK(plain_warning(localsurv::group_flag(FlagCode::EmptyGroupLevel,
                                            "group level code 1 has no patients", {1}),
                      v)
            .message ==
        "group '1' has no patients with complete data; it is left out, as R's "
        "survdiff drops empty factor levels");
  CHECK(localsurv::plain_error("the cutpoint", "maxstat_log_rank: x is odd (R: minprop too large)")
            .message == "the cutpoint could not be computed: x is odd");
}

TEST_CASE("a proportional-hazards test that cannot be computed is named in the user's words") {
  // Every event at the same time: cox.zph's information matrix is singular.
  localsurv::Session s;
  s.set_data(
      "time,status,lt,stage,age\n5,1,0,I,50\n5,1,1,II,60\n5,1,0,III,55\n5,1,1,I,70\n"
      "8,0,0,II,40\n9,0,1,III,65\n10,0,0,I,45\n12,0,1,II,52\n");
  const json out = json::parse(s.run(R"({"time":"time","event":"status","group":"lt",
    "covariates":["stage","age"],"analyses":{"cox":{"univariate":false}}})"));
  REQUIRE(out["ok"] == true);
  std::vector<std::string> said;
  for (const auto& w : out["result"]["warnings"])
    if (contains(w["message"], "Proportional-hazards test")) {
      said.push_back(w["message"]);
      CHECK(!contains(w["message"], "lt1"));
      CHECK(!contains(w["message"], "stageII"));
    }
  const std::string tail =
      " not computed: its information matrix is singular (for example every event at the same "
      "time)";
  for (const char* name :
       {"lt = 1", "stage = II", "stage = III", "stage", "age", "all terms together (GLOBAL)"}) {
    CAPTURE(name);
    CHECK(std::count(said.begin(), said.end(),
                     "Proportional-hazards test for " + std::string(name) + tail) == 1);
  }
  // The result's ph_test rows are named as R names them: the detail links the two.
  bool detail = false;
  for (const auto& w : out["result"]["warnings"])
    detail = detail || (w["message"] == "Proportional-hazards test for lt = 1" + tail &&
                        w["detail"] == "Proportional-hazards test for lt1" + tail);
  CHECK(detail);
  // The same message through plain_warning with the vocabulary of a model.
  localsurv::Vocabulary v;
  v.coefficients = {{"rt_primary1", "rt_primary = 1", "rt_primary", true}};
  auto ph = [&](const std::string& name) {
    return localsurv::names_flag(localsurv::FlagCode::PhTestSingular,
                                 "Proportional-hazards test for " + name + tail, {name});
  };
  const localsurv::Said one = localsurv::plain_warning(ph("rt_primary1"), v);
  CHECK(one.message == "Proportional-hazards test for rt_primary = 1" + tail);
  CHECK(one.detail == "Proportional-hazards test for rt_primary1" + tail);
  const localsurv::Said age = localsurv::plain_warning(ph("age"), v);
  CHECK(age.message == "Proportional-hazards test for age" + tail);
  CHECK(age.detail.empty());
}

namespace {

json run_lung(const std::string& spec) {
  localsurv::Session s;
  s.set_data(testsupport::read_file(testsupport::test_data_path("datasets/lung.csv")));
  return json::parse(s.run(spec));
}

// A lung spec: KM and log-rank by sex, with a whole-cohort filter (none if
// empty) and subcohorts given as JSON.
std::string lung_spec(const std::string& filter, const std::string& subcohorts = "[]") {
  return R"({"time":"time","event":{"column":"status","values":[2]},"group":"sex",
    "analyses":{"km":{},"logrank":{}},)" +
         (filter.empty() ? std::string() : "\"filter\":" + json(filter).dump() + ",") +
         "\"subcohorts\":" + subcohorts + "}";
}

}  // namespace

TEST_CASE("a subcohort's filter error names that filter and a position in its own text") {
  const json out = run_lung(lung_spec("age > 1", R"([{"name":"ok","filter":"age > 60"},
    {"name":"typo","filter":"age > 50 and agee > 3"},{"name":"first","filter":"agee > 50"}])"));
  REQUIRE(out["ok"] == true);
  const json& subs = out["result"]["subcohorts"];
  CHECK(subs[0]["results"]["km"].contains("overall"));
  for (int i : {1, 2}) {
    CAPTURE(i);
    const json& e = subs[i]["error"];
    const std::string at = "subcohorts[" + std::to_string(i) + "].filter";
    CHECK(e["field"] == at);
    CHECK(e["message"].get<std::string>().rfind(at + ": column 'agee' is not in the data", 0) == 0);
    CHECK(contains(e["message"], i == 1 ? "at position 14" : "at position 1"));
    CHECK(!contains(e["message"], "position 16"));
  }
  // Nothing else changed: the whole cohort's results stand.
  CHECK(out["result"]["results"]["km"].contains("overall"));
}

TEST_CASE("the whole cohort's filter fails the run, in its own words, with or without subcohorts") {
  for (const char* subs : {"[]", R"([{"name":"old","filter":"age > 60"}])"}) {
    CAPTURE(subs);
    const json out = run_lung(lung_spec("age > 1 and sexx == 1", subs));
    CHECK(out["ok"] == false);
    CHECK(out["error"]["field"] == "filter");
    CHECK(contains(out["error"]["message"], "filter: column 'sexx' is not in the data"));
    CHECK(contains(out["error"]["message"], "at position 13"));
  }
  // A filter at the depth limit is valid, so every subcohort runs on it.
  const std::size_t limit = localsurv::kMaxFilterDepth;
  const std::string deep = std::string(limit, '(') + "age > 1" + std::string(limit, ')');
  const json out = run_lung(lung_spec(deep, R"([{"name":"old","filter":"age > 60"}])"));
  REQUIRE(out["ok"] == true);
  CHECK(!out["result"]["subcohorts"][0].contains("error"));
  CHECK(out["result"]["subcohorts"][0]["cohort"]["rows_used"] == 134);  // R: sum(lung$age > 60)
}

TEST_CASE("a subcohort keeps exactly the rows of '(whole cohort's filter) and (its filter)'") {
  const std::pair<const char*, const char*> pairs[] = {
      {"age > 50", "ph.ecog in (0, 1) or wt.loss is missing"},
      {"not (sex == 2) or age >= 70", "inst != 11 and not meal.cal is missing"},
      {"", "ph.karno >= 80"}};
  for (const auto& pair : pairs) {
    const std::string main = pair.first, sub = pair.second;
    CAPTURE(main);
    CAPTURE(sub);
    const json split =
        run_lung(lung_spec(main, json::array({{{"name", "s"}, {"filter", sub}}}).dump()))["result"];
    const std::string both = main.empty() ? sub : "(" + main + ") and (" + sub + ")";
    const json combined = run_lung(lung_spec(both))["result"];
    const json& s = split["subcohorts"][0];
    CHECK(s["filter"] == both);
    CHECK(s["cohort"] == combined["cohort"]);
    CHECK(s["results"] == combined["results"]);
  }
}

TEST_CASE("an empty cohort says whether the filter or missing values emptied it") {
  json out = run_lung(lung_spec("age > 1000"));
  CHECK(out["ok"] == false);
  CHECK(out["error"]["message"] ==
        "the filter 'age > 1000' keeps none of the 228 rows of the file: nothing to analyse");
  CHECK(out["error"]["field"] == "filter");
  out = run_lung(lung_spec("age > 1", R"([{"name":"a","filter":"age > 1000"}])"));
  REQUIRE(out["ok"] == true);
  json e = out["result"]["subcohorts"][0]["error"];
  CHECK(e["message"] ==
        "the subcohort's filter 'age > 1000' keeps none of the 228 rows that the whole cohort's "
        "filter 'age > 1' keeps: nothing to analyse");
  CHECK(e["field"] == "subcohorts[0].filter");
  out = run_lung(lung_spec("sex == 1", R"([{"name":"a","filter":"sex == 2"}])"));
  e = out["result"]["subcohorts"][0]["error"];
  CHECK(contains(e["message"], "keeps none of the 138 rows that the whole cohort's filter"));
  out = run_lung(lung_spec("", R"([{"name":"a","filter":"age > 1000"}])"));
  e = out["result"]["subcohorts"][0]["error"];
  CHECK(e["message"] ==
        "the subcohort's filter 'age > 1000' keeps none of the 228 rows of the file: nothing to "
        "analyse");
  // A long filter is shown by its start.
  const std::string long_filter = "age > 1000" + std::string(200, ' ') + "or age > 2000";
  out = run_lung(lung_spec(long_filter));
  CHECK(contains(out["error"]["message"], "the filter 'age > 1000 "));
  CHECK(contains(out["error"]["message"], "...' keeps none of the 228 rows"));
  // Rows kept, but none has the outcome and the group: name the columns.
  const std::string by_meal = R"({"time":"time","event":{"column":"status","values":[2]},
    "group":"meal.cal","analyses":{"km":{}},"filter":"meal.cal is missing",
    "subcohorts":[{"name":"a","filter":"sex == 1"}]})";
  out = run_lung(by_meal);
  CHECK(out["ok"] == false);
  CHECK(out["error"]["message"] ==
        "none of the 47 rows the filter keeps has a value in every one of 'time', 'status' and "
        "'meal.cal' ('meal.cal' is missing in 47 of them): nothing to analyse");
  CHECK(out["error"]["field"] == "meal.cal");
  localsurv::Session s;
  s.set_data("t,e,g\n1,1,\n,0,a\n3,,b\n4,1,\n");
  out = json::parse(s.run(R"({"time":"t","event":"e","group":"g","analyses":{"km":{}},
    "subcohorts":[{"name":"a","filter":"t > 0"}]})"));
  CHECK(out["error"]["message"] ==
        "none of the 4 rows of the file has a value in every one of 't', 'e' and 'g' ('t' is "
        "missing in 1 of them, 'e' in 1, 'g' in 2): nothing to analyse");
  CHECK(out["error"]["field"] == "g");
  out = json::parse(s.run(R"({"time":"t","event":"e","group":"g","analyses":{"km":{}},
    "filter":"t > 0 or t is missing","subcohorts":[{"name":"a","filter":"t > 1"}]})"));
  CHECK(contains(out["error"]["message"], "none of the 4 rows the filter keeps"));
  s.set_data("t,e,g\n1,1,\n,0,a\n3,,b\n4,1,x\n");
  out = json::parse(s.run(R"({"time":"t","event":"e","group":"g","analyses":{"km":{}},
    "filter":"t > 0 or t is missing","subcohorts":[{"name":"a","filter":"t < 4"}]})"));
  REQUIRE(out["ok"] == true);
  CHECK(out["result"]["subcohorts"][0]["error"]["message"] ==
        "none of the 2 rows the filters keep has a value in every one of 't', 'e' and 'g' ('e' "
        "is missing in 1 of them, 'g' in 1): nothing to analyse");
}
