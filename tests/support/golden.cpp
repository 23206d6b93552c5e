#include "golden.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "api.h"
#include "io/csv.h"
#include "study/model_frame.h"

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

std::vector<double> vec(const json& j) {
  if (j.is_array()) return nums(j);
  return {num(j)};
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

namespace {
// npc_synth_1's derived 0/1 columns (age45, ...), after REQUIRing that the
// golden's `dataset.derived` block still defines them as written here.
void add_golden_derived(localsurv::Table& t, const json& ds) {
  const json& d = ds["derived"];
  REQUIRE(d["age45"] == "as.integer(age >= 45)");
  REQUIRE(d["kps90"] == "as.integer(kps >= 90)");
  REQUIRE(d["ebv_hi"] == "as.integer(ebv_dna >= 10000)");
  REQUIRE(d["t4"] == "as.integer(t_stage == 'T4')");
  REQUIRE(d["n3"] == "as.integer(n_stage == 'N3')");
  REQUIRE(d["synchronous"] == "as.integer(sequence == 'synchronous')");
  REQUIRE(d["cycles6"] == "as.integer(chemo_cycles >= 6)");
  add_indicator(t, "age45", "age",
                [](const localsurv::Column& c, std::size_t r) { return c.numbers[r] >= 45; });
  add_indicator(t, "kps90", "kps",
                [](const localsurv::Column& c, std::size_t r) { return c.numbers[r] >= 90; });
  add_indicator(t, "ebv_hi", "ebv_dna",
                [](const localsurv::Column& c, std::size_t r) { return c.numbers[r] >= 10000; });
  add_indicator(t, "t4", "t_stage",
                [](const localsurv::Column& c, std::size_t r) { return c.text(r) == "T4"; });
  add_indicator(t, "n3", "n_stage",
                [](const localsurv::Column& c, std::size_t r) { return c.text(r) == "N3"; });
  add_indicator(t, "synchronous", "sequence", [](const localsurv::Column& c, std::size_t r) {
    return c.text(r) == "synchronous";
  });
  add_indicator(t, "cycles6", "chemo_cycles",
                [](const localsurv::Column& c, std::size_t r) { return c.numbers[r] >= 6; });
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
    add_golden_derived(out.table, ds);
  } else {
    FAIL("no treat expression known for " << name);
  }
  return out;
}

localsurv::Column make_numeric_column(const std::string& name, const std::vector<double>& values) {
  localsurv::Column c;
  c.name = name;
  c.type = localsurv::ColumnType::Numeric;
  c.numbers = values;
  c.missing.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) c.missing[i] = std::isnan(values[i]);
  return c;
}

std::vector<double> indicator(const localsurv::Column& column, const std::string& value) {
  std::vector<double> v(column.size());
  for (std::size_t r = 0; r < column.size(); ++r) {
    if (column.is_missing(r))
      v[r] = NAN;
    else if (column.type == localsurv::ColumnType::Numeric)
      v[r] = column.numbers[r] == std::stod(value);
    else
      v[r] = column.text(r) == value;
  }
  return v;
}

GoldenCohort golden_cohort(const std::string& name) {
  using localsurv::TermKind;
  using localsurv::TermSpec;
  const json& ds = golden(name)["dataset"];
  GoldenCohort c;
  c.name = name;
  std::string treat_column, treat_value;
  if (name == "colon") {
    c.table = dataset(name);
  } else {
    GoldenTreatment g = golden_treatment(name);
    c.table = std::move(g.table);
    treat_column = g.column, treat_value = g.value;
  }
  localsurv::Table& t = c.table;
  t.columns.push_back(make_numeric_column(".time", t.column(ds["time"]["column"]).numbers));
  const std::string event = ds["event"]["expression"];
  if (event == "as.integer(status == 2)")
    t.columns.push_back(make_numeric_column(".event", indicator(t.column("status"), "2")));
  else
    t.columns.push_back(make_numeric_column(".event", t.column(event).numbers));
  if (name == "colon") {
    c.group.push_back(TermSpec{"rx", TermKind::Factor, ds["group"]["levels"], ""});
  } else {
    t.columns.push_back(
        make_numeric_column("treat", indicator(t.column(treat_column), treat_value)));
    c.group.push_back(TermSpec{"treat", TermKind::Numeric, {}, ""});
  }
  t.n_rows = t.columns[0].size();
  c.rows = localsurv::all_rows(t);
  if (name == "pbc") c.rows = localsurv::complete_rows(t, {"trt"}, c.rows).rows;  // !is.na(trt)
  REQUIRE(c.rows.size() == ds["population"]["n"].get<std::size_t>());
  for (const auto& cov : ds["covariates"]) {
    if (cov["type"] == "factor")
      c.covariates.push_back(
          TermSpec{cov["name"], TermKind::Factor, cov["levels"], cov["reference"]});
    else
      c.covariates.push_back(TermSpec{cov["name"], TermKind::Numeric, {}, ""});
  }
  return c;
}

const json& extra(const std::string& name) {
  static std::map<std::string, json> cache;
  auto it = cache.find(name);
  if (it == cache.end())
    it = cache.emplace(name, json::parse(read_file(test_data_path("extra/" + name + ".json"))))
             .first;
  return it->second;
}

const json& extra_case(const std::string& file, const std::string& name) {
  for (const auto& c : extra(file)["cases"])
    if (c["name"] == name) return c;
  throw std::runtime_error("no case " + name + " in extra/" + file + ".json");
}

std::vector<std::string> texts(const std::vector<localsurv::Flag>& flags) {
  std::vector<std::string> out;
  for (const auto& f : flags) out.push_back(f.text);
  return out;
}

bool has_warning(const std::vector<std::string>& warnings, const std::string& part) {
  for (const auto& w : warnings)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

bool has_warning(const std::vector<localsurv::Flag>& warnings, const std::string& part) {
  for (const auto& w : warnings)
    if (w.text.find(part) != std::string::npos || w.r.find(part) != std::string::npos) return true;
  return false;
}

void check_column(const std::string& what, const std::vector<double>& got,
                  const std::vector<double>& expected, double rel) {
  INFO(what);
  REQUIRE(got.size() == expected.size());
  std::size_t bad = got.size();
  for (std::size_t i = 0; i < got.size() && bad == got.size(); ++i)
    if (!close(got[i], expected[i], rel)) bad = i;
  std::ostringstream first_difference;
  if (bad < got.size())
    first_difference << "row " << bad + 1 << ": got " << got[bad] << ", R gives " << expected[bad];
  CHECK_MESSAGE(bad == got.size(), first_difference.str());
}

void check_column(const std::string& what, const std::vector<int>& got,
                  const std::vector<double>& expected) {
  check_column(what, std::vector<double>(got.begin(), got.end()), expected, 0);
}

}  // namespace testsupport
