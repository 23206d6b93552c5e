// The envelope the CLI and the page receive (core/api.cpp): messages for
// hostile or broken input name the line, column and value, and are never cut
// short.
#include <nlohmann/json.hpp>
#include <string>

#include "api.h"
#include "golden.h"

using json = nlohmann::json;

namespace {

json run(const std::string& csv, const json& spec) {
  localsurv::Session s;
  s.set_data(csv);
  return json::parse(s.run(spec.dump()));
}

json spec_for(const std::string& time) { return {{"time", time}, {"event", "e"}}; }

}  // namespace

TEST_CASE("a time value that is not a plain number names its line, column and value") {
  struct Case {
    std::string value, why;
  };
  for (const Case& c :
       {Case{"0x10", ", a hexadecimal number; write it in decimal"},
        Case{"1e309", ", beyond the range of numbers (about 1.8e308)"},
        Case{"-1E+400", ", beyond the range of numbers (about 1.8e308)"},
        Case{"inf", ", not a finite number; leave the cell empty (or NA) if it is missing"},
        Case{"-Infinity", ", not a finite number; leave the cell empty (or NA) if it is missing"},
        Case{"nan", ", not a finite number; leave the cell empty (or NA) if it is missing"},
        Case{"12 months", ""}}) {
    CAPTURE(c.value);
    const json out = run("id,e,t\n1,1,5\n2,0,7\n\n3,1," + c.value + "\n", spec_for("t"));
    REQUIRE(out["ok"] == false);
    const json& e = out["error"];
    CHECK(e["message"] ==
          "column 't' holds text, so it cannot be used as numbers (times, doses, ages): line 5, "
          "column 3 has '" +
              c.value + "'" + c.why);
    CHECK(e["field"] == "t");
    CHECK(e["line"] == 5);
    CHECK(e["column"] == 3);
  }
  // R reads 1e-400 as 0 (an underflow, not an error), and so does LocalSurv.
  const json tiny = run("e,t\n1,5\n0,1e-400\n", spec_for("t"));
  REQUIRE(tiny["ok"] == true);
  CHECK(tiny["result"]["cohort"]["rows_used"] == 2);
}

TEST_CASE("a NUL or other control character in a spec's column name is shown escaped, not cut") {
  const json out = run("t,e\n1,1\n2,0\n", spec_for(std::string("ti\0me\n", 6)));
  REQUIRE(out["ok"] == false);
  CHECK(out["error"]["message"] ==
        "column 'ti\\u0000me\\u000a' is not in the data (columns: t, e)");
  CHECK(out["error"]["field"] == std::string("ti\0me\n", 6));
}

TEST_CASE("a header-only file describes, but a run says it has no data rows") {
  localsurv::Session s;
  s.set_data("t,e\n");
  const json described = json::parse(s.describe("{}"));
  REQUIRE(described["ok"] == true);
  CHECK(described["result"]["rows"] == 0);
  const json out = json::parse(s.run(spec_for("t").dump()));
  REQUIRE(out["ok"] == false);
  CHECK(out["error"]["message"] ==
        "the file has a header row but no data rows: there is nothing to analyse");
}

TEST_CASE("describe: a column of numbers but for a few texts lists them by file line") {
  localsurv::Session s;
  // Line 1 is the header; the quoted newline makes the row of id 2 span lines 3-4, so the
  // row of id 3 starts on line 5.
  std::string csv = "id,note,rfstime,e\n1,a,100,1\n2,\"two\nlines\",unknown,0\n3,b,unknown,1\n";
  for (int i = 4; i <= 20; ++i) csv += std::to_string(i) + ",c," + std::to_string(i * 10) + ",0\n";
  csv += "21,d,  n/k ,1\n";
  s.set_data(csv);
  const json col = json::parse(s.describe("{}"))["result"]["columns"][2];
  CHECK(col["type"] == "categorical");
  CHECK(
      col["non_numeric"] ==
      json::parse(R"({"count":3,"values":["unknown","n/k"],"cells":[{"line":3,"value":"unknown"},)"
                  R"({"line":5,"value":"unknown"},{"line":23,"value":"n/k"}]})"));
  // Text columns, and numeric ones, have none.
  CHECK(!json::parse(s.describe("{}"))["result"]["columns"][1].contains("non_numeric"));
  CHECK(!json::parse(s.describe("{}"))["result"]["columns"][0].contains("non_numeric"));
  // Read as missing: numeric, with the cells listed, and a run uses the other rows.
  const json read = json::parse(s.describe(R"({"column_types": {"rfstime": "numeric"},
                     "missing_values": {"rfstime": ["unknown", "n/k"]}})"));
  const json& t = read["result"]["columns"][2];
  CHECK(t["type"] == "numeric");
  CHECK(t["missing"] == 3);
  CHECK(t["listed_missing"] == col["non_numeric"]);
  CHECK(!t.contains("non_numeric"));
  // The options are part of the cached table's key: without them, text again.
  CHECK(json::parse(s.describe("{}"))["result"]["columns"][2]["type"] == "categorical");
  const json out = json::parse(s.run(
      R"({"time": "rfstime", "event": "e", "data": {"missing_values": {"rfstime": ["unknown", "n/k"]}}})"));
  REQUIRE(out["ok"] == true);
  CHECK(out["result"]["cohort"]["rows_used"] == 18);
  CHECK(out["result"]["cohort"]["rows_dropped"] == 3);
}

TEST_CASE("describe: non_numeric only for a few texts among numbers") {
  localsurv::Session s;
  // 2 of 10 known cells are text (a fifth): listed; 3 of 10: a text column.
  s.set_data("a,b,c\nx,x,x\ny,y,1\n1,z,2\n1,1,3\n1,1,4\n1,1,5\n1,1,6\n1,1,7\n1,1,8\n1,1,9\n");
  const json cols = json::parse(s.describe("{}"))["result"]["columns"];
  CHECK(cols[0]["non_numeric"]["count"] == 2);
  CHECK(!cols[1].contains("non_numeric"));
  CHECK(cols[2]["non_numeric"]["values"] == json::array({"x"}));
  // More than 10 distinct texts: not listed.
  std::string many = "a\n";
  for (int i = 0; i < 11; ++i) many += "t" + std::to_string(i) + "\n";
  for (int i = 0; i < 100; ++i) many += std::to_string(i) + "\n";
  s.set_data(many);
  CHECK(!json::parse(s.describe("{}"))["result"]["columns"][0].contains("non_numeric"));
}

TEST_CASE("read_spec gives the spec as a run echoes it and each filter's tree, without data") {
  localsurv::Session s;
  const json spec = {
      {"time", "time"},
      {"event", {{"column", "status"}, {"values", 2}}},
      {"filter", "age > 40 and sex in (1, 'f')"},
      {"analyses",
       {{"km", json::object()}, {"cutpoint", {{"column", "age"}, {"groups", {{"none", "x ="}}}}}}},
      {"subcohorts",
       {{{"name", "a"}, {"filter", "not (ph.ecog is missing)"}},
        {{"name", "b"},
         {"filter", "("},
         {"analyses", {{"cutpoint", {{"column", "age"}, {"groups", {{"none", "x == 1"}}}}}}}}}}};
  json view = json::parse(s.read_spec(spec.dump()));
  REQUIRE(view["ok"] == true);
  // The spec part is the result's "spec" of a run on data.
  s.set_data("time,status,age,sex,ph.ecog,x\n1,2,50,1,0,1\n2,1,60,f,1,0\n3,2,45,1,,1\n");
  json ran = json::parse(s.run(spec.dump()));
  REQUIRE(ran["ok"] == true);
  CHECK(view["result"]["spec"] == ran["result"]["spec"]);
  const json& f = view["result"]["filters"];
  CHECK(f["filter"] ==
        json::parse(R"({"and": [{"column": "age", "op": ">", "value": {"number": "40"}},
      {"column": "sex", "in": [{"number": "1"}, {"text": "f"}]}]})"));
  CHECK(f["subcohorts[0].filter"] ==
        json::parse(R"({"not": {"group": {"column": "ph.ecog", "is": "missing"}}})"));
  // An error is the run's: the message and the field it names.
  CHECK(f["subcohorts[1].filter"]["error"]["field"] == "subcohorts[1].filter");
  CHECK(f["subcohorts[1].filter"]["error"]["message"] ==
        "subcohorts[1].filter: expected a column name but found 'end of the filter' at position 2");
  CHECK(f["analyses.cutpoint.groups.none"]["error"]["message"] ==
        "filter: '=' is not an operator (use == or !=) at position 3");
  CHECK(f["subcohorts[1].analyses.cutpoint.groups.none"]["column"] == "x");
  CHECK(f.size() == 5);
  // A spec the reader refuses: the run's envelope.
  json bad = spec;
  bad["analyses"]["km"]["conf_int"] = "x";
  CHECK(json::parse(s.read_spec(bad.dump())) == json::parse(s.run(bad.dump())));
}
