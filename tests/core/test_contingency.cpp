// Contingency tables: chisq.test (correct = TRUE / FALSE) and fisher.test
// (two-sided; 2x2 conditional MLE odds ratio and exact CI; r x c exact p).
#include <cmath>
#include <functional>

#include "error.h"
#include "golden.h"
#include "stats/contingency.h"

using namespace localsurv;
using testsupport::json;
using testsupport::num;

namespace {

const char* kGoldens[] = {"lung", "veteran",   "colon",      "colon_bin",
                          "pbc",  "rotterdam", "npc_synth_1"};

CountTable table_of(const json& rows) {
  CountTable t;
  for (const auto& r : rows) {
    std::vector<long> v;
    for (const auto& x : r) v.push_back(x.get<long>());
    t.push_back(v);
  }
  return t;
}

std::vector<std::string> strings(const json& j) {
  std::vector<std::string> v;
  for (const auto& x : j) v.push_back(x.get<std::string>());
  return v;
}

void check_chisq(const std::string& what, const ChisqResult& got, const json& r) {
  CHECK_CLOSE((what + " statistic"), got.statistic, num(r["statistic"]), 1e-6);
  CHECK(got.df == num(r["df"]));
  CHECK_P((what + " p"), got.p, num(r["p"]));
  CHECK_CLOSE((what + " min expected"), got.min_expected, num(r["min_expected"]), 1e-6);
  CHECK(got.yates_applied == r["yates_applied"].get<bool>());
  CHECK(testsupport::texts(got.warnings) == strings(r["warnings"]));
}

void check_fisher(const std::string& what, const FisherResult& got, const json& f) {
  CHECK_P((what + " fisher p"), got.p, num(f["p"]));
  CHECK_FALSE(got.work_limit_hit);
  CHECK(got.is_2x2 == f.contains("odds_ratio_cond_mle"));
  if (f.contains("odds_ratio_cond_mle")) {
    // jsonlite writes R's Inf as null: compare against +Inf then.
    auto inf_if_null = [](const json& j) {
      return j.is_null() ? std::numeric_limits<double>::infinity() : j.get<double>();
    };
    CHECK_CLOSE((what + " odds ratio"), got.odds_ratio, inf_if_null(f["odds_ratio_cond_mle"]),
                1e-6);
    CHECK_CLOSE((what + " CI lower"), got.conf_lower, inf_if_null(f["conf_int"][0]), 1e-6);
    CHECK_CLOSE((what + " CI upper"), got.conf_upper, inf_if_null(f["conf_int"][1]), 1e-6);
  }
}

// The group (column) code of each row, from the golden's treat expression
// (colon: its three rx arms), -1 for rows outside the population.
std::vector<int> group_codes(const std::string& name, const Table& t) {
  std::vector<int> g(t.n_rows, -1);
  auto num_eq = [&](const char* col, double v) {
    const auto& c = t.column(col);
    return [&c, v](std::size_t i) { return c.is_missing(i) ? -1 : int(c.numbers[i] == v); };
  };
  std::function<int(std::size_t)> f;
  if (name == "lung") f = num_eq("sex", 2);         // as.integer(sex == 2)
  if (name == "veteran") f = num_eq("trt", 2);      // as.integer(trt == 2)
  if (name == "pbc") f = num_eq("trt", 1);          // filter !is.na(trt); trt == 1
  if (name == "rotterdam") f = num_eq("chemo", 1);  // chemo
  if (name == "npc_synth_1") f = num_eq("lt", 1);   // lt
  if (name == "colon_bin" || name == "colon") {
    const auto& rx = t.column("rx");
    const std::vector<std::string> arms = name == "colon"
                                              ? std::vector<std::string>{"Obs", "Lev", "Lev+5FU"}
                                              : std::vector<std::string>{"Obs", "Lev+5FU"};
    f = [&rx, arms](std::size_t i) {
      for (std::size_t a = 0; a < arms.size(); ++a)
        if (rx.text(i) == arms[a]) return int(a);
      return -1;
    };
  }
  REQUIRE(f);
  for (std::size_t i = 0; i < t.n_rows; ++i) g[i] = f(i);
  return g;
}

// The row variable as text per row ("" = missing), with npc_synth_1's derived
// indicators computed from the golden's R expressions.
std::vector<std::string> variable_text(const std::string& name, const Table& t,
                                       const std::string& v) {
  std::vector<std::string> out(t.n_rows);
  auto indicator = [&](const char* col, std::function<bool(std::size_t)> pred) {
    const auto& c = t.column(col);
    for (std::size_t i = 0; i < t.n_rows; ++i)
      out[i] = c.is_missing(i) ? "" : (pred(i) ? "1" : "0");
  };
  if (name == "npc_synth_1" && v == "age45") {
    const auto& c = t.column("age");
    indicator("age", [&c](std::size_t i) { return c.numbers[i] >= 45; });
  } else if (name == "npc_synth_1" && v == "kps90") {
    const auto& c = t.column("kps");
    indicator("kps", [&c](std::size_t i) { return c.numbers[i] >= 90; });
  } else if (name == "npc_synth_1" && v == "ebv_hi") {
    const auto& c = t.column("ebv_dna");
    indicator("ebv_dna", [&c](std::size_t i) { return c.numbers[i] >= 10000; });
  } else if (name == "npc_synth_1" && v == "cycles6") {
    const auto& c = t.column("chemo_cycles");
    indicator("chemo_cycles", [&c](std::size_t i) { return c.numbers[i] >= 6; });
  } else if (name == "npc_synth_1" && v == "t4") {
    const auto& c = t.column("t_stage");
    indicator("t_stage", [&c](std::size_t i) { return c.text(i) == "T4"; });
  } else if (name == "npc_synth_1" && v == "n3") {
    const auto& c = t.column("n_stage");
    indicator("n_stage", [&c](std::size_t i) { return c.text(i) == "N3"; });
  } else {
    const auto& c = t.column(v);
    for (std::size_t i = 0; i < t.n_rows; ++i) out[i] = c.text(i);
  }
  return out;
}

}  // namespace

TEST_CASE("golden categorical_tests: chisq.test(correct = TRUE/FALSE) and fisher.test") {
  int n_tables = 0, n_2x2 = 0;
  for (const char* name : kGoldens) {
    for (const auto& ct : testsupport::golden(name)["categorical_tests"]) {
      const std::string what = std::string(name) + " " + ct["variable"].get<std::string>();
      CAPTURE(what);
      const CountTable t = table_of(ct["table"]["rows"]);
      check_chisq(what + " correct=TRUE", chisq_test(t, true), ct["chisq_correct_true"]);
      check_chisq(what + " correct=FALSE", chisq_test(t, false), ct["chisq_correct_false"]);
      REQUIRE_FALSE(ct["fisher"].contains("not_feasible"));
      const FisherResult f = fisher_test(t);
      check_fisher(what, f, ct["fisher"]);
      ++n_tables;
      n_2x2 += f.is_2x2;
    }
  }
  CHECK(n_tables == 51);
  CHECK(n_2x2 == 30);
}

TEST_CASE("cross_tabulate rebuilds every golden table from its dataset (table(x, treat))") {
  int rebuilt = 0;
  for (const char* name : kGoldens) {
    const Table t = testsupport::dataset(name);
    const auto groups = group_codes(name, t);
    for (const auto& ct : testsupport::golden(name)["categorical_tests"]) {
      const std::string var = ct["variable"].get<std::string>();
      const std::string where = std::string(name) + " " + var;
      CAPTURE(where);
      const auto levels = strings(ct["levels"]);
      const auto text = variable_text(name, t, var);
      std::vector<int> codes(t.n_rows, -1);
      for (std::size_t i = 0; i < t.n_rows; ++i)
        for (std::size_t l = 0; l < levels.size(); ++l)
          if (text[i] == levels[l]) codes[i] = static_cast<int>(l);
      const CountTable got = cross_tabulate(codes, static_cast<int>(levels.size()), groups,
                                            static_cast<int>(ct["groups"].size()));
      CHECK(got == table_of(ct["table"]["rows"]));
      ++rebuilt;
    }
  }
  CHECK(rebuilt == 51);
}

TEST_CASE("hand and 60 random tables: chisq.test and fisher.test (tests/r/contingency.R)") {
  const json& extra = testsupport::extra("contingency");
  int n = 0;
  for (const auto& c : extra["cases"]) {
    const std::string what = c["name"].get<std::string>();
    CAPTURE(what);
    const CountTable t = table_of(c["table"]);
    const auto chi = chisq_test(t, true);
    check_chisq(what + " correct=TRUE", chi, c["chisq_correct_true"]);
    check_chisq(what + " correct=FALSE", chisq_test(t, false), c["chisq_correct_false"]);
    const auto& e = c["chisq_correct_true"]["expected"];
    REQUIRE(chi.expected.size() == e.size());
    for (std::size_t i = 0; i < e.size(); ++i)
      for (std::size_t j = 0; j < e[i].size(); ++j)
        CHECK_CLOSE((what + " expected"), chi.expected[i][j], num(e[i][j]), 1e-6);
    check_fisher(what, fisher_test(t), c["fisher"]);
    ++n;
  }
  CHECK(n == 70);
}

TEST_CASE("r x c ties: FEXACT's window log P <= log P_obs + 3.4525e-7 (fisher.test 10x2)") {
  const json& extra = testsupport::extra("contingency");
  json c;
  for (const auto& e : extra["cases"])
    if (e["name"] == "10x2 n = 1614, sparse rows") c = e;
  REQUIRE(c.is_object());
  const CountTable t = table_of(c["table"]);
  const double r = num(c["fisher"]["p"]);
  CHECK_P("default window", fisher_test(t).p, r);
  // The 2x2 code's 1 + 1e-7 would leave out tables R counts.
  ContingencyOptions narrow;
  narrow.fisher_rxc_log_tolerance = std::log1p(1e-7);
  CHECK(r - fisher_test(t, narrow).p > 1e-7);
}

TEST_CASE("empty row: chisq on the dropped 2x2 with Yates; Fisher p from the 3x2") {
  // chisq.test(matrix(c(10, 3, 4, 9), 2)) with correct = TRUE: rows kept 0 and 2.
  const CountTable t{{10, 4}, {0, 0}, {3, 9}};
  const auto chi = chisq_test(t, true);
  CHECK(chi.rows_kept == std::vector<int>{0, 2});
  CHECK(chi.yates_applied);
  const auto f = fisher_test(t);
  CHECK_FALSE(f.is_2x2);
  CHECK(std::isnan(f.odds_ratio));
  // The same p as fisher.test on the 2x2 without the empty row.
  CHECK(std::fabs(f.p - fisher_test(CountTable{{10, 4}, {3, 9}}).p) < 1e-12);
}

TEST_CASE("r x c exact p against full enumeration (3x3, n = 700)") {
  // Sum over all 3x3 tables with these margins, in long double
  // (tests/r/contingency.R note): 0.8038123861153456. R's FEXACT gives
  // 0.803812386097106, 1.8e-11 lower.
  const CountTable t{{134, 113, 76}, {94, 83, 62}, {55, 54, 29}};
  const auto f = fisher_test(t);
  CHECK(std::fabs(f.p - 0.8038123861153456) < 1e-12);
  CHECK(f.note.find("exact p") != std::string::npos);
  // Transposing or permuting rows and columns cannot change the p.
  const CountTable tt{{29, 54, 55}, {62, 83, 94}, {76, 113, 134}};
  CHECK(std::fabs(fisher_test(tt).p - f.p) < 1e-12);
}

TEST_CASE("work limit: a message instead of a hang") {
  // colon extent by rx needs ~7.7e5 work units; allow far fewer.
  const CountTable t{{8, 3, 10}, {38, 36, 32}, {249, 259, 251}, {20, 12, 11}};
  ContingencyOptions o;
  o.fisher_work_limit = 1000;
  const auto f = fisher_test(t, o);
  CHECK(f.work_limit_hit);
  CHECK(std::isnan(f.p));
  REQUIRE(f.warnings.size() == 1);
  CHECK(f.warnings[0].text.find("work limit") != std::string::npos);
  CHECK(f.warnings[0].text.find("chi-square") != std::string::npos);
  // The stored-path cap stops it too.
  ContingencyOptions o2;
  o2.fisher_max_stored_paths = 10;
  CHECK(fisher_test(t, o2).work_limit_hit);
}

TEST_CASE("degenerate tables: warnings and NaN, never a crash") {
  // All zero: R's chisq.test stops ("at least one entry of 'x' must be positive").
  const CountTable zero{{0, 0}, {0, 0}};
  const auto c0 = chisq_test(zero, true);
  CHECK(std::isnan(c0.statistic));
  CHECK(std::isnan(c0.p));
  CHECK(c0.warnings.size() == 1);
  const auto f0 = fisher_test(zero);
  CHECK(std::isnan(f0.p));
  CHECK(f0.warnings.size() == 1);
  // One non-empty row: nothing to compare.
  const CountTable one{{0, 0, 0}, {3, 4, 5}};
  const auto c1 = chisq_test(one, false);
  CHECK(std::isnan(c1.p));
  CHECK(c1.warnings[0].text.find("Only one non-empty row") != std::string::npos);
  const auto f1 = fisher_test(one);
  CHECK(f1.p == 1);
  CHECK(f1.warnings.size() == 1);
  // A 2x2 with an empty row: fisher.test(matrix(c(0, 3, 0, 4), 2)) gives p = 1,
  // odds ratio 0 and CI [0, Inf]; we report the same and say it is not estimable.
  const auto f2 = fisher_test(CountTable{{0, 0}, {3, 4}});
  CHECK(f2.p == 1);
  CHECK(f2.odds_ratio == 0);
  CHECK(f2.conf_lower == 0);
  CHECK(std::isinf(f2.conf_upper));
  CHECK(f2.warnings.size() == 1);
}

TEST_CASE("input errors name the problem") {
  CHECK_THROWS_WITH_AS(chisq_test(CountTable{}, true), doctest::Contains("is empty"), Error);
  CHECK_THROWS_WITH_AS(fisher_test(CountTable{{1, 2}, {3}}), doctest::Contains("different lengths"),
                       Error);
  CHECK_THROWS_WITH_AS(fisher_test(CountTable{{1, -2}, {3, 4}}), doctest::Contains("negative"),
                       Error);
  ContingencyOptions o;
  o.conf_level = 1.5;
  CHECK_THROWS_AS(fisher_test(CountTable{{1, 2}, {3, 4}}, o), Error);
  // cross_tabulate: -1 (missing) is skipped; a code beyond the levels is an error.
  const auto t = cross_tabulate({0, 1, -1, 1}, 2, {1, 0, 0, -1}, 2);
  CHECK(t == CountTable{{0, 1}, {1, 0}});
  CHECK_THROWS_WITH_AS(cross_tabulate({0, 2}, 2, {0, 0}, 1), doctest::Contains("only 2 levels"),
                       Error);
  CHECK_THROWS_AS(cross_tabulate({0, 1}, 2, {0}, 1), Error);
}

TEST_CASE("brent_root reproduces uniroot's iterates: x^2 - 2 on [0, 2]") {
  // uniroot(function(x) x^2 - 2, c(0, 2))$root = 1.4142133199955025 with the
  // default tol (2.4e-7 from sqrt(2): the same last iterate, not just a root),
  // and 1.4142135623731364 with tol = 1e-12.
  auto f = [](double x) { return x * x - 2; };
  const double tol = ContingencyOptions{}.uniroot_tol;
  CHECK(std::fabs(brent_root(f, 0, 2, f(0), f(2), tol, 1000) - 1.4142133199955025) < 1e-15);
  CHECK(std::fabs(brent_root(f, 0, 2, f(0), f(2), 1e-12, 1000) - 1.4142135623731364) < 1e-15);
}

// The balance tests ask only for the p: the same p, bit for bit, without the
// odds ratio and CI root searches (R: fisher.test(t)$p.value is computed
// before, and independently of, the estimate).
TEST_CASE("fisher_estimate = false: the same p, no odds ratio or CI") {
  ContingencyOptions p_only;
  p_only.fisher_estimate = false;
  for (const CountTable& t : {CountTable{{3, 1}, {1, 3}}, CountTable{{120, 80}, {95, 105}},
                              CountTable{{0, 7}, {4, 2}}, CountTable{{2, 3, 4}, {5, 1, 0}}}) {
    const FisherResult full = fisher_test(t);
    const FisherResult p = fisher_test(t, p_only);
    CHECK(p.p == full.p);
    if (full.is_2x2) {
      CHECK(std::isfinite(full.conf_lower));
      CHECK(std::isnan(p.odds_ratio));
      CHECK(std::isnan(p.conf_lower));
      CHECK(std::isnan(p.conf_upper));
    }
  }
}
