// Table-1 descriptives: mean, sd, median, quantile(type = 7), min, max and
// table() counts / percentages, per group and overall (tests/r/descriptives.R).
#include <cmath>

#include "error.h"
#include "golden.h"
#include "stats/descriptives.h"

using namespace localsurv;
using testsupport::json;
using testsupport::num;

namespace {

void check_numeric(const std::string& what, const NumericSummary& s, const json& r,
                   double rel = 1e-12) {
  CAPTURE(what);
  CHECK(s.n == r["n"].get<std::size_t>());
  CHECK(s.missing == r["missing"].get<std::size_t>());
  CHECK_CLOSE((what + " mean"), s.mean, num(r["mean"]), rel);
  CHECK_CLOSE((what + " sd"), s.sd, num(r["sd"]), rel);
  CHECK_CLOSE((what + " median"), s.median, num(r["median"]), rel);
  CHECK_CLOSE((what + " q1"), s.q1, num(r["q1"]), rel);
  CHECK_CLOSE((what + " q3"), s.q3, num(r["q3"]), rel);
  CHECK_CLOSE((what + " min"), s.min, num(r["min"]), rel);
  CHECK_CLOSE((what + " max"), s.max, num(r["max"]), rel);
}

void check_categorical(const std::string& what, const CategoricalSummary& s, const json& r) {
  CAPTURE(what);
  CHECK(s.n == r["n"].get<std::size_t>());
  CHECK(s.missing == r["missing"].get<std::size_t>());
  REQUIRE(s.counts.size() == r["counts"].size());
  for (std::size_t l = 0; l < s.counts.size(); ++l) {
    CHECK(s.counts[l] == r["counts"][l].get<std::size_t>());
    CHECK_CLOSE((what + " percent"), s.percent[l], num(r["percent"][l]), 1e-12);
  }
}

// Group codes from a numeric column: 1 where column == value, 0 otherwise,
// -1 where missing (the goldens' treat expressions).
std::vector<int> indicator(const Column& c, double value) {
  std::vector<int> g(c.size());
  for (std::size_t i = 0; i < c.size(); ++i)
    g[i] = c.is_missing(i) ? -1 : int(c.numbers[i] == value);
  return g;
}

// Level codes of a column's text against declared levels (-1 = missing).
std::vector<int> codes_of(const Column& c, const std::vector<std::string>& levels) {
  std::vector<int> out(c.size(), -1);
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.is_missing(i)) continue;
    for (std::size_t l = 0; l < levels.size(); ++l)
      if (c.text(i) == levels[l]) out[i] = static_cast<int>(l);
    REQUIRE(out[i] >= 0);
  }
  return out;
}

std::vector<std::string> strings(const json& j) {
  std::vector<std::string> v;
  for (const auto& x : j) v.push_back(x.get<std::string>());
  return v;
}

// Every numeric and categorical block of one dataset in descriptives.json.
void check_block(const json& b, const Table& t, const std::vector<int>& group) {
  const int n_groups = static_cast<int>(b["group"]["levels"].size());
  CHECK(t.n_rows == b["n"].get<std::size_t>());
  int checked = 0;
  for (const auto& [name, r] : b["numeric"].items()) {
    const auto d = describe_numeric(testsupport::numeric_column(t, name), group, n_groups);
    check_numeric(name + " overall", d.overall, r["overall"]);
    REQUIRE(d.by_group.size() == r["by_group"].size());
    for (int g = 0; g < n_groups; ++g)
      check_numeric(name + " group " + std::to_string(g), d.by_group[g], r["by_group"][g]);
    ++checked;
  }
  for (const auto& [name, r] : b["categorical"].items()) {
    const auto levels = strings(r["levels"]);
    const auto d = describe_categorical(codes_of(t.column(name), levels), levels, group, n_groups);
    CHECK(d.levels == levels);
    check_categorical(name + " overall", d.overall, r["overall"]);
    REQUIRE(d.by_group.size() == r["by_group"].size());
    for (int g = 0; g < n_groups; ++g)
      check_categorical(name + " group " + std::to_string(g), d.by_group[g], r["by_group"][g]);
    ++checked;
  }
  CHECK(checked >= 2);
}

}  // namespace

TEST_CASE(
    "lung: age, wt.loss and ph.ecog by as.integer(sex == 2) (mean, sd, median, quantile type 7, "
    "table)") {
  const Table lung = testsupport::dataset("lung");
  check_block(testsupport::extra("descriptives")["lung"], lung, indicator(lung.column("sex"), 2));
}

TEST_CASE("pbc (rows with trt): bili and stage by as.integer(trt == 1)") {
  const Table all = testsupport::dataset("pbc");
  // Population filter !is.na(trt): keep those rows of every column.
  const Column& trt = all.column("trt");
  Table pbc;
  for (const Column& c : all.columns) {
    Column k = c;
    k.numbers.clear();
    k.codes.clear();
    k.missing.clear();
    for (std::size_t i = 0; i < all.n_rows; ++i) {
      if (trt.is_missing(i)) continue;
      if (c.type == ColumnType::Numeric)
        k.numbers.push_back(c.numbers[i]);
      else
        k.codes.push_back(c.codes[i]);
      k.missing.push_back(c.missing[i]);
    }
    pbc.columns.push_back(k);
  }
  pbc.n_rows = pbc.columns[0].size();
  CHECK(pbc.n_rows == testsupport::golden("pbc")["dataset"]["population"]["n"].get<std::size_t>());
  check_block(testsupport::extra("descriptives")["pbc"], pbc, indicator(pbc.column("trt"), 1));
}

TEST_CASE("hand vector: interpolated quartiles, ties, n = 2, n = 1 (sd NA), all missing") {
  const json& b = testsupport::extra("descriptives")["hand"];
  // The same vectors as tests/r/descriptives.R.
  const double NA = NAN;
  const std::vector<double> x{3, 1, 4, 1, 5, 9, 2, 6, NA, 5, 3.5, 7, NA, 0.1, 0.2, 0.3, 8, NA, NA};
  const std::vector<std::string> f{"a", "b", "a", "",  "c", "a", "b", "b", "a", "",
                                   "c", "a", "b", "a", "a", "b", "c", "",  ""};
  const std::vector<int> g{0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1, 4, 4};
  const auto d = describe_numeric(x, g, 5);
  check_numeric("x overall", d.overall, b["numeric"]["x"]["overall"]);
  for (int k = 0; k < 5; ++k)
    check_numeric("x group " + std::to_string(k), d.by_group[k], b["numeric"]["x"]["by_group"][k]);
  // Group 3 has one value, group 4 none: each says so.
  REQUIRE(d.warnings.size() == 2);
  CHECK(d.warnings[0].text.find("Group 4 has a single value") != std::string::npos);
  CHECK(d.warnings[1].text.find("Group 5 has no non-missing values") != std::string::npos);
  CHECK(d.warnings[0].code == localsurv::FlagCode::SingleValue);
  CHECK(d.warnings[0].groups == std::vector<int>{3});
  CHECK(d.warnings[1].code == localsurv::FlagCode::NoValues);
  CHECK(d.warnings[1].groups == std::vector<int>{4});
  const std::vector<std::string> levels{"a", "b", "c"};
  std::vector<int> codes;
  for (const auto& s : f) codes.push_back(s.empty() ? -1 : s[0] - 'a');
  const auto c = describe_categorical(codes, levels, g, 5);
  check_categorical("f overall", c.overall, b["categorical"]["f"]["overall"]);
  for (int k = 0; k < 5; ++k)
    check_categorical("f group " + std::to_string(k), c.by_group[k],
                      b["categorical"]["f"]["by_group"][k]);
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0].text.find("Group 5") != std::string::npos);
  CHECK(c.warnings[0].code == localsurv::FlagCode::NoValuesToPercent);
  CHECK(c.warnings[0].groups == std::vector<int>{4});
}

TEST_CASE("overall only, group -1 rows in overall, quantile_type7 edge cases") {
  // quantile(c(1, 2, 3, 4), c(0, .1, .25, 1), type = 7) = 1, 1.3, 1.75, 4
  const std::vector<double> s{1, 2, 3, 4};
  CHECK(quantile_type7(s, 0) == 1);
  CHECK(std::fabs(quantile_type7(s, 0.1) - 1.3) < 1e-15);
  CHECK(quantile_type7(s, 0.25) == 1.75);
  CHECK(quantile_type7(s, 1) == 4);
  CHECK(std::isnan(quantile_type7({}, 0.5)));
  CHECK_THROWS_AS(quantile_type7(s, 1.5), Error);
  // No groups: overall only.
  const auto d = describe_numeric({2, NAN, 4}, {}, 0);
  CHECK(d.by_group.empty());
  CHECK(d.overall.n == 2);
  CHECK(d.overall.missing == 1);
  CHECK(d.overall.mean == 3);
  CHECK(d.overall.median == 3);
  // A row whose group is unknown counts in overall only.
  const auto e = describe_numeric({1, 2, 10}, {0, 0, -1}, 1);
  CHECK(e.by_group[0].n == 2);
  CHECK(e.overall.n == 3);
  CHECK(e.overall.max == 10);
  const auto c = describe_categorical({0, 1, 1}, {"x", "y"}, {0, -1, 0}, 1);
  CHECK(c.by_group[0].counts == std::vector<std::size_t>{1, 1});
  CHECK(c.overall.counts == std::vector<std::size_t>{1, 2});
}

TEST_CASE("input errors name the row") {
  CHECK_THROWS_WITH_AS(describe_numeric({1, 2}, {0}, 1), doctest::Contains("has 1 codes"), Error);
  CHECK_THROWS_WITH_AS(describe_numeric({1, 2}, {0, 3}, 2), doctest::Contains("row 2"), Error);
  CHECK_THROWS_WITH_AS(describe_numeric({1, INFINITY}, {}, 0), doctest::Contains("infinite"),
                       Error);
  CHECK_THROWS_WITH_AS(describe_categorical({0, 5}, {"a", "b"}, {}, 0), doctest::Contains("row 2"),
                       Error);
  CHECK_THROWS_AS(describe_categorical({0}, {}, {}, 0), Error);
}

TEST_CASE("200,000 rows: every summary as R's mean, sd, quantile (tests/r/scale.R)") {
  std::vector<double> x(200000);
  std::vector<int> g(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<double>((i * 7919) % 100003);
    g[i] = static_cast<int>(i % 3);
  }
  const auto d = describe_numeric(x, g, 3);
  // 1e-11: R's mean() accumulates in long double, the engine in double; over
  // 200,000 values of ~5e4 its mean is 1.2e-12 (relative) from R's.
  const json& want = testsupport::extra("scale")["descriptives"];
  check_numeric("overall", d.overall, want["overall"], 1e-11);
  REQUIRE(d.by_group.size() == 3);
  for (std::size_t k = 0; k < 3; ++k)
    check_numeric("group " + std::to_string(k), d.by_group[k], want["by_group"][k], 1e-11);
}
