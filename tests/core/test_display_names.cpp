// Display names in the spec (`labels`, core/io/spec.h DisplayNames): read,
// echoed as given, never used by the analysis (the result is byte-identical
// with or without them, apart from the echo), and refused with the field named
// when empty, of the wrong kind, or for a column the file does not have.
#include <nlohmann/json.hpp>
#include <string>

#include "api.h"
#include "error.h"
#include "golden.h"
#include "io/spec.h"

using json = nlohmann::json;

namespace {

json lung_spec() {
  return json::parse(R"({"version": 1, "time": {"column": "time"}, "event": {"column": "status",
    "values": [2]}, "group": {"column": "sex"}, "covariates": ["age", "ph.ecog"],
    "derive": [{"name": "older", "flag": {"column": "age", "values": ["70"]}}],
    "analyses": {"km": {"times": [365]}, "logrank": {}, "cox": {}, "table1": {}}})");
}

json run(const json& spec) {
  localsurv::Session s;
  s.set_data(testsupport::read_file(testsupport::test_data_path("datasets/lung.csv")));
  return json::parse(s.run(spec.dump()));
}

}  // namespace

TEST_CASE("display names are echoed and change no number") {
  json spec = lung_spec();
  const json plain = run(spec);
  REQUIRE(plain["ok"] == true);
  CHECK_FALSE(plain["result"]["spec"].contains("labels"));
  spec["labels"] = json::parse(R"({"columns": {"sex": "Sex", "older": "Aged 70"},
    "levels": {"sex": {"1": "Male", "2": "Female"}}})");
  json named = run(spec);
  REQUIRE(named["ok"] == true);
  CHECK(named["result"]["spec"]["labels"] == spec["labels"]);
  named["result"]["spec"].erase("labels");
  CHECK(named.dump() == plain.dump());
}

TEST_CASE("display names: wrong kinds, empty names and unknown columns are refused with the field") {
  auto error_of = [](const json& labels) {
    json spec = lung_spec();
    spec["labels"] = labels;
    const json out = run(spec);
    REQUIRE(out["ok"] == false);
    return std::make_pair(out["error"]["field"].get<std::string>(),
                          out["error"]["message"].get<std::string>());
  };
  auto [field, message] = error_of(json::parse(R"({"columns": {"sex": ""}})"));
  CHECK(field == "labels.columns.sex");
  CHECK(message ==
        "analysis spec: 'labels.columns.sex' is empty; leave the entry out to keep the file's name");
  std::tie(field, message) = error_of(json::parse(R"({"levels": {"sex": {"1": 1}}})"));
  CHECK(field == "labels.levels.sex.1");
  CHECK(message.find("must be text (the display name), not a number") != std::string::npos);
  std::tie(field, message) = error_of(json::parse(R"({"levels": {"sex": ["Male"]}})"));
  CHECK(field == "labels.levels.sex");
  std::tie(field, message) = error_of(json::parse(R"({"names": {}})"));
  CHECK(field == "labels.names");
  // A misspelt column: named, not dropped.
  std::tie(field, message) = error_of(json::parse(R"({"columns": {"phecog": "ECOG"}})"));
  CHECK(field == "labels.columns.phecog");
  CHECK(message ==
        "labels: the file has no column 'phecog', and the spec derives none of that name; "
        "correct the name or leave its display name out");
  std::tie(field, message) = error_of(json::parse(R"({"levels": {"stage": {"1": "I"}}})"));
  CHECK(field == "labels.levels.stage");
}
