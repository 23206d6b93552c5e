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
