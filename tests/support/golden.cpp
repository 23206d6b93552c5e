#include "golden.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "api.h"
#include "io/csv.h"

namespace testsupport {

std::string test_data_path(const std::string& relative) {
  return std::string(LOCALSURV_TEST_DATA) + "/" + relative;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

localsurv::Table dataset(const std::string& name) {
  return localsurv::read_csv(read_file(test_data_path("datasets/" + name + ".csv")));
}

const json& golden(const std::string& name) {
  static std::map<std::string, json> cache;
  auto it = cache.find(name);
  if (it == cache.end())
    it = cache.emplace(name, json::parse(read_file(test_data_path("goldens/" + name + ".json"))))
             .first;
  return it->second;
}

double num(const json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

std::vector<double> nums(const json& j) {
  std::vector<double> v;
  for (const auto& x : j) v.push_back(num(x));
  return v;
}

std::vector<double> numeric_column(const localsurv::Table& t, const std::string& name) {
  const auto& c = t.column(name);
  if (c.type != localsurv::ColumnType::Numeric)
    throw std::runtime_error("test expects numeric column " + name);
  return c.numbers;
}

bool close(double a, double b, double rel, double floor) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= rel * std::max(std::fabs(b), floor) + 1e-300;
}

json run_spec(const std::string& dataset, const std::string& spec) {
  localsurv::Session s;
  s.set_data(read_file(test_data_path("datasets/" + dataset + ".csv")));
  json env = json::parse(s.run(spec));
  INFO(env.dump().substr(0, 400));
  REQUIRE(env["ok"].get<bool>());
  return env["result"];
}

namespace {
void add_indicator(localsurv::Table& t, const std::string& name, const std::string& source,
                   bool (*rule)(const localsurv::Column&, std::size_t)) {
  const localsurv::Column& s = t.column(source);
  localsurv::Column c;
  c.name = name;
  c.type = localsurv::ColumnType::Numeric;
  c.numbers.assign(s.size(), NAN);
  c.missing.assign(s.size(), 1);
  for (std::size_t r = 0; r < s.size(); ++r) {
    if (s.is_missing(r)) continue;
    c.numbers[r] = rule(s, r) ? 1.0 : 0.0;
    c.missing[r] = 0;
  }
  t.columns.push_back(std::move(c));
}
}  // namespace

GoldenTreatment golden_treatment(const std::string& name) {
  const json& ds = golden(name)["dataset"];
  GoldenTreatment out;
  out.table = dataset(name);
  std::string expr = ds["treat"]["expression"].get<std::string>();
  if (name == "lung") {
    REQUIRE(expr == "as.integer(sex == 2)");
    out.column = "sex", out.value = "2";
  } else if (name == "veteran") {
    REQUIRE(expr == "as.integer(trt == 2)");
    out.column = "trt", out.value = "2";
  } else if (name == "colon_bin") {
    REQUIRE(expr == "as.integer(rx == 'Lev+5FU')");
    out.column = "rx", out.value = "Lev+5FU";
  } else if (name == "pbc") {
    REQUIRE(expr == "as.integer(trt == 1)");
    out.column = "trt", out.value = "1";
  } else if (name == "rotterdam") {
    REQUIRE(expr == "chemo");
    out.column = "chemo", out.value = "1";
  } else if (name == "npc_synth_1") {
    REQUIRE(expr == "lt");
    out.column = "lt", out.value = "1";
    const json& d = ds["derived"];
    REQUIRE(d["age45"] == "as.integer(age >= 45)");
    REQUIRE(d["kps90"] == "as.integer(kps >= 90)");
    REQUIRE(d["ebv_hi"] == "as.integer(ebv_dna >= 10000)");
    REQUIRE(d["t4"] == "as.integer(t_stage == 'T4')");
    REQUIRE(d["n3"] == "as.integer(n_stage == 'N3')");
    REQUIRE(d["synchronous"] == "as.integer(sequence == 'synchronous')");
    REQUIRE(d["cycles6"] == "as.integer(chemo_cycles >= 6)");
    add_indicator(out.table, "age45", "age",
                  [](const localsurv::Column& c, std::size_t r) { return c.numbers[r] >= 45; });
    add_indicator(out.table, "kps90", "kps",
                  [](const localsurv::Column& c, std::size_t r) { return c.numbers[r] >= 90; });
    add_indicator(out.table, "ebv_hi", "ebv_dna",
                  [](const localsurv::Column& c, std::size_t r) { return c.numbers[r] >= 10000; });
    add_indicator(out.table, "t4", "t_stage",
                  [](const localsurv::Column& c, std::size_t r) { return c.text(r) == "T4"; });
    add_indicator(out.table, "n3", "n_stage",
                  [](const localsurv::Column& c, std::size_t r) { return c.text(r) == "N3"; });
    add_indicator(
        out.table, "synchronous", "sequence",
        [](const localsurv::Column& c, std::size_t r) { return c.text(r) == "synchronous"; });
    add_indicator(out.table, "cycles6", "chemo_cycles",
                  [](const localsurv::Column& c, std::size_t r) { return c.numbers[r] >= 6; });
  } else {
    FAIL("no treat expression known for " << name);
  }
  return out;
}

}  // namespace testsupport
