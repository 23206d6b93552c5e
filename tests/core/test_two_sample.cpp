// Two-sample tests for numeric covariates: t.test(x ~ g) (Welch and pooled)
// and wilcox.test(x ~ g) (exact / normal, continuity correction), with the
// Student t, incomplete beta and Wilcoxon distributions behind them, against
// R (tests/r/two_sample.R -> tests/reference/extra/two_sample.json).
#include <cmath>
#include <string>

#include "error.h"
#include "golden.h"
#include "stats/distributions.h"
#include "stats/two_sample.h"

using namespace localsurv;
using testsupport::json;
using testsupport::num;

namespace {

const json& find_case(const std::string& name) {
  return testsupport::extra_case("two_sample", name);
}

struct Input {
  std::vector<double> values;
  std::vector<int> group;
};

Input recorded(const json& c) {
  Input in;
  in.values = testsupport::nums(c["values"]);
  for (const auto& g : c["group"]) in.group.push_back(g.get<int>());
  return in;
}

// The cases' treat expressions (the goldens', plus sex == 1 for the swapped
// case), evaluated on our own reading of the CSV.
int treat_of(const std::string& expression, const Table& t, std::size_t row) {
  auto number = [&](const char* name) { return t.column(name).numbers[row]; };
  auto missing = [&](const char* name) { return t.column(name).is_missing(row); };
  if (expression == "as.integer(trt == 1)") return missing("trt") ? -1 : int(number("trt") == 1);
  if (expression == "as.integer(sex == 2)") return missing("sex") ? -1 : int(number("sex") == 2);
  if (expression == "as.integer(sex == 1)") return missing("sex") ? -1 : int(number("sex") == 1);
  if (expression == "as.integer(rx == 'Lev+5FU')")
    return missing("rx") ? -1 : int(t.column("rx").text(row) == "Lev+5FU");
  if (expression == "chemo") return missing("chemo") ? -1 : int(number("chemo"));
  FAIL("no treat expression " << expression);
  return -1;
}

// A dataset case rebuilt from the CSV: the rows R used (by id, in R's order;
// for pbc that is the population filter !is.na(trt)), the variable, and the
// treat codes. It must equal what R recorded before the tests run on it.
Input from_dataset(const json& c) {
  const std::string dataset = c["dataset"];
  const Table t = testsupport::dataset(dataset);
  const auto& id = t.column("id");
  const auto& x = t.column(c["variable"].get<std::string>());
  std::vector<std::size_t> row_of_id(t.n_rows + 1, t.n_rows);
  for (std::size_t i = 0; i < t.n_rows; ++i) row_of_id[std::size_t(id.numbers[i])] = i;
  Input in;
  for (const auto& j : c["ids"]) {
    const std::size_t row = row_of_id.at(j.get<std::size_t>());
    REQUIRE(row < t.n_rows);
    in.values.push_back(x.is_missing(row) ? NAN : x.numbers[row]);
    in.group.push_back(treat_of(c["treat"], t, row));
  }
  if (dataset == "pbc") {  // the golden population: every row with trt
    std::size_t with_trt = 0;
    for (std::size_t i = 0; i < t.n_rows; ++i) with_trt += !t.column("trt").is_missing(i);
    CHECK(in.values.size() == with_trt);
  }
  const Input r = recorded(c);
  REQUIRE(in.values.size() == r.values.size());
  // The JSON holds 15 significant digits; R, like us, used the CSV's.
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    CHECK(testsupport::close(in.values[i], r.values[i], 1e-14));
    CHECK(in.group[i] == r.group[i]);
  }
  return in;
}

Input input_of(const json& c) { return c["dataset"].is_null() ? recorded(c) : from_dataset(c); }

using testsupport::has_warning;

// p-values: 1e-9 absolute (CHECK_P) and, for the far tails where that is
// vacuous, 1e-9 relative.
void check_p(const std::string& what, double got, double r) {
  CHECK_P(what, got, r);
  CHECK_CLOSE(what, got, r, 1e-9);
}

void check_t(const std::string& what, const Input& in, const json& r) {
  TTestOptions o;
  o.var_equal = r["var_equal"].get<bool>();
  o.conf_level = r["conf_level"].get<double>();
  const TTestResult t = t_test(in.values, in.group, o);
  INFO(what << ": " << r["call"].get<std::string>());
  if (!r["error"].is_null()) {
    // R stops; we return NaN with a warning quoting R's reason.
    CHECK(std::isnan(t.statistic));
    CHECK(std::isnan(t.p));
    CHECK(std::isnan(t.conf_low));
    CHECK(has_warning(t.warnings, r["error"].get<std::string>()));
    return;
  }
  CHECK(t.method == r["method"].get<std::string>());
  CHECK_CLOSE("t", t.statistic, num(r["statistic"]), 1e-10);
  CHECK_CLOSE("df", t.df, num(r["df"]), 1e-10);
  check_p("p", t.p, num(r["p"]));
  CHECK_CLOSE("mean in group 0", t.mean[0], num(r["estimate"][0]), 1e-13);
  CHECK_CLOSE("mean in group 1", t.mean[1], num(r["estimate"][1]), 1e-13);
  CHECK_CLOSE("mean difference", t.mean_difference, num(r["mean_difference"]), 1e-12);
  CHECK_CLOSE("stderr", t.std_error, num(r["stderr"]), 1e-12);
  CHECK_CLOSE("conf.int lower", t.conf_low, num(r["conf_int"][0]), 1e-10);
  CHECK_CLOSE("conf.int upper", t.conf_high, num(r["conf_int"][1]), 1e-10);
  CHECK(t.conf_level == o.conf_level);
  // R warns about nothing here; we warn only when R's t is NaN (0/0).
  CHECK(t.warnings.empty() == !std::isnan(num(r["statistic"])));
}

void check_wilcoxon(const std::string& what, const Input& in, const json& r) {
  WilcoxonOptions o;
  const std::string exact = r["exact"];
  o.exact = exact == "auto" ? WilcoxonExact::Auto
                            : (exact == "always" ? WilcoxonExact::Always : WilcoxonExact::Never);
  o.correct = r["correct"].get<bool>();
  const WilcoxonResult w = wilcoxon_rank_sum_test(in.values, in.group, o);
  INFO(what << ": " << r["call"].get<std::string>());
  if (!r["error"].is_null()) {
    CHECK(std::isnan(w.statistic));
    CHECK(std::isnan(w.p));
    CHECK(has_warning(w.warnings, r["error"].get<std::string>()));
    return;
  }
  const std::string method = r["method"];
  CHECK(w.method == method);
  CHECK(w.exact == (method.find("exact") != std::string::npos));
  CHECK(w.continuity_correction == (method.find("continuity") != std::string::npos));
  CHECK(w.statistic == num(r["statistic"]));  // W is a sum of midranks: exact
  CHECK(std::isnan(w.df));
  check_p("p", w.p, num(r["p"]));
  const bool r_ties_warning = has_warning(r["warnings"].get<std::vector<std::string>>(),
                                          "cannot compute exact p-value with ties");
  CHECK(has_warning(w.warnings, "cannot compute exact p-value with ties") == r_ties_warning);
  // Our only other warning: every value tied, where R's p is NA.
  CHECK(w.warnings.size() == std::size_t(r_ties_warning) + std::size_t(std::isnan(num(r["p"]))));
}

void check_case(const std::string& name) {
  const json& c = find_case(name);
  const Input in = input_of(c);
  for (const auto& r : c["results"]) {
    const std::string call = r["call"];
    if (call.rfind("t.test", 0) == 0) {
      check_t(name, in, r);
      const TTestResult t = t_test(in.values, in.group);
      CHECK(t.n[0] == c["n"][0].get<std::size_t>());
      CHECK(t.n[1] == c["n"][1].get<std::size_t>());
    } else {
      check_wilcoxon(name, in, r);
      const WilcoxonResult w = wilcoxon_rank_sum_test(in.values, in.group);
      CHECK(w.n[0] == c["n"][0].get<std::size_t>());
      CHECK(w.n[1] == c["n"][1].get<std::size_t>());
    }
  }
}

}  // namespace

TEST_CASE(
    "pbc (rows with trt): t.test(age ~ treat) Welch/pooled/conf.level 0.9, 0.99; "
    "wilcox.test(age ~ treat) correct TRUE/FALSE, exact = TRUE with ties") {
  check_case("pbc_age_by_treat");
}

TEST_CASE("lung: t.test(age ~ treat), wilcox.test(age ~ treat), treat = sex == 2") {
  check_case("lung_age_by_sex");
}

TEST_CASE("colon_bin: t.test(nodes ~ treat), wilcox.test(nodes ~ treat), NA nodes dropped") {
  check_case("colon_bin_nodes_by_rx");
}

TEST_CASE("rotterdam: t.test(age ~ chemo), wilcox.test(age ~ chemo), p far in the tail") {
  check_case("rotterdam_age_by_chemo");
}

TEST_CASE(
    "lung 10 vs 12 without ties: wilcox.test exact p (default), exact = FALSE with "
    "correct TRUE/FALSE; groups swapped (W above n0 n1 / 2)") {
  check_case("lung_small_exact_time_by_sex");
  check_case("lung_small_exact_time_by_sex_swapped");
  check_case("separated_10_12");
}

TEST_CASE("lung 15 vs 20 with tied ages: wilcox.test default warns and approximates") {
  check_case("lung_small_ties_age_by_sex");
}

TEST_CASE("exact rule: exact = TRUE at 76 vs 64; default exact at 49 vs 49, normal at 49 vs 50") {
  check_case("synthetic_exact_60_80");
  check_case("synthetic_49_49");
  check_case("synthetic_49_50");
}

TEST_CASE("missing values and missing groups dropped; Welch df below 2 (2 vs 3 values)") {
  check_case("hand_missing");
  check_case("hand_2_vs_3");
}

TEST_CASE(
    "degenerate: one value in a group, one value each, constant groups, all zero, all "
    "tied, an empty group (R stops or gives NA)") {
  for (const char* name : {"one_value_in_group0", "one_value_each", "constant_groups", "all_zero",
                           "all_tied", "empty_group1"})
    check_case(name);
  // R's "data are essentially constant" for both t-tests.
  const json& c = find_case("constant_groups");
  const Input in = input_of(c);
  const TTestResult t = t_test(in.values, in.group);
  CHECK(has_warning(t.warnings, "data are essentially constant"));
  CHECK(t.mean[0] == 2);
  CHECK(t.mean[1] == 3);
  // Every value tied: W is still n0 n1 / 2, as R reports it.
  const Input tied = input_of(find_case("all_tied"));
  const WilcoxonResult w = wilcoxon_rank_sum_test(tied.values, tied.group);
  CHECK(w.statistic == 3);
  CHECK(has_warning(w.warnings, "every value is tied"));
  CHECK(w.sigma == 0);
}

TEST_CASE("200,000 rows: t.test Welch/pooled and wilcox.test (ties, normal) match R") {
  const json& b = testsupport::extra("two_sample")["big"];
  Input in;
  for (int i = 1; i <= 200000; ++i) {
    in.values.push_back(double((i * 7919) % 10007) / 13 + (i % 2) * 0.3 + (i % 3 == 0) * 1.5);
    in.group.push_back(i % 3 == 0);
  }
  for (const auto& r : b["results"]) {
    const std::string call = r["call"];
    if (call.rfind("t.test", 0) == 0)
      check_t("synthetic_200000", in, r);
    else
      check_wilcoxon("synthetic_200000", in, r);
  }
}

TEST_CASE("pt, upper tail, two-sided p and dt against R over t x df (df 0.3 to 3e6)") {
  const json& d = testsupport::extra("two_sample")["distributions"]["pt"];
  const auto t = testsupport::nums(d["t"]), df = testsupport::nums(d["df"]);
  for (std::size_t i = 0; i < t.size(); ++i) {
    INFO("t = " << t[i] << ", df = " << df[i]);
    CHECK(testsupport::close(student_t_cdf(t[i], df[i]), num(d["lower"][i]), 1e-12, 1e-300));
    CHECK(testsupport::close(student_t_upper(t[i], df[i]), num(d["upper"][i]), 1e-12, 1e-300));
    CHECK(testsupport::close(student_t_two_sided_p(t[i], df[i]), num(d["two_sided"][i]), 1e-12,
                             1e-300));
    CHECK(testsupport::close(student_t_density(t[i], df[i]), num(d["density"][i]), 1e-12, 1e-300));
  }
}

TEST_CASE("qt against R over p x df") {
  const json& d = testsupport::extra("two_sample")["distributions"]["qt"];
  const auto p = testsupport::nums(d["p"]), df = testsupport::nums(d["df"]);
  for (std::size_t i = 0; i < p.size(); ++i) {
    INFO("p = " << p[i] << ", df = " << df[i]);
    // qt(0.5) is 0; R's iteration leaves up to ~1e-15 there, hence the floor.
    CHECK(testsupport::close(student_t_quantile(p[i], df[i]), num(d["q"][i]), 1e-11, 1e-4));
  }
}

TEST_CASE("pbeta lower and upper tails against R") {
  const json& d = testsupport::extra("two_sample")["distributions"]["pbeta"];
  const auto x = testsupport::nums(d["x"]), a = testsupport::nums(d["a"]),
             b = testsupport::nums(d["b"]);
  for (std::size_t i = 0; i < x.size(); ++i) {
    INFO("x = " << x[i] << ", a = " << a[i] << ", b = " << b[i]);
    CHECK(testsupport::close(beta_incomplete(x[i], a[i], b[i]), num(d["lower"][i]), 1e-11, 1e-300));
    CHECK(testsupport::close(beta_incomplete(x[i], a[i], b[i], false), num(d["upper"][i]), 1e-11,
                             1e-300));
  }
}

TEST_CASE("pwilcox(q, m, n) against R (both tails, fractional q, q beyond the range)") {
  const json& d = testsupport::extra("two_sample")["distributions"]["pwilcox"];
  const auto q = testsupport::nums(d["q"]), m = testsupport::nums(d["m"]),
             n = testsupport::nums(d["n"]);
  for (std::size_t i = 0; i < q.size(); ++i) {
    INFO("q = " << q[i] << ", m = " << m[i] << ", n = " << n[i]);
    CHECK(testsupport::close(wilcoxon_rank_sum_cdf(q[i], std::size_t(m[i]), std::size_t(n[i])),
                             num(d["p"][i]), 1e-13, 1e-300));
  }
}

TEST_CASE("pwilcox(q, 200, 201) against R: the largest exact case, centre and tails") {
  const json& d = testsupport::extra("two_sample")["distributions"]["pwilcox_200"];
  const auto q = testsupport::nums(d["q"]);
  for (std::size_t i = 0; i < q.size(); ++i) {
    INFO("q = " << q[i]);
    CHECK(testsupport::close(wilcoxon_rank_sum_cdf(q[i], 200, 201), num(d["p"][i]), 1e-12, 1e-300));
  }
}

TEST_CASE("distribution edge cases: infinities, NaN, df <= 0, p at 0 and 1") {
  const double inf = INFINITY;
  CHECK(student_t_cdf(inf, 3) == 1);
  CHECK(student_t_cdf(-inf, 3) == 0);
  CHECK(student_t_two_sided_p(0, 3) == 1);
  CHECK(std::isnan(student_t_cdf(1, 0)));
  CHECK(std::isnan(student_t_cdf(NAN, 3)));
  CHECK(student_t_cdf(1.5, inf) == normal_cdf(1.5));
  CHECK(student_t_quantile(0, 4) == -inf);
  CHECK(student_t_quantile(1, 4) == inf);
  CHECK(student_t_quantile(0.5, 4) == 0);
  CHECK(std::isnan(student_t_quantile(1.5, 4)));
  CHECK(student_t_quantile(0.975, inf) == normal_quantile(0.975));
  CHECK(std::isnan(beta_incomplete(0.5, -1, 2)));
  CHECK(beta_incomplete(0, 2, 3) == 0);
  CHECK(beta_incomplete(1, 2, 3, false) == 0);
  // Symmetry P(W <= w) + P(W <= mn - w - 1) = 1 for a large table.
  CHECK(std::fabs(wilcoxon_rank_sum_cdf(700, 40, 45) + wilcoxon_rank_sum_cdf(1099, 40, 45) - 1) <
        1e-14);
}

TEST_CASE("input errors name the row; exact on large groups is refused with advice") {
  CHECK_THROWS_WITH_AS(t_test({1, 2, 3}, {0, 1}), doctest::Contains("values has 3 elements"),
                       Error);
  CHECK_THROWS_WITH_AS(t_test({1, 2, 3}, {0, 2, 1}), doctest::Contains("group of row 2 is 2"),
                       Error);
  CHECK_THROWS_WITH_AS(wilcoxon_rank_sum_test({1, INFINITY, 3}, {0, 1, 1}),
                       doctest::Contains("row 2 is infinite"), Error);
  TTestOptions bad;
  bad.conf_level = 1.5;
  CHECK_THROWS_WITH_AS(t_test({1, 2, 3, 4}, {0, 0, 1, 1}, bad), doctest::Contains("conf_level"),
                       Error);
  // 3000 vs 3000 distinct values: fine by default (normal), refused when
  // the exact p is forced.
  std::vector<double> x;
  std::vector<int> g;
  for (int i = 0; i < 6000; ++i) {
    x.push_back(i + 0.5 * (i % 2));
    g.push_back(i % 2);
  }
  const WilcoxonResult normal = wilcoxon_rank_sum_test(x, g);
  CHECK(!normal.exact);
  CHECK(normal.p > 0);
  WilcoxonOptions force;
  force.exact = WilcoxonExact::Always;
  CHECK_THROWS_WITH_AS(wilcoxon_rank_sum_test(x, g, force),
                       doctest::Contains("up to 200 values in the smaller group"), Error);
  // Within 200 but more counting than allowed: 150 vs 3000 needs ~3.4e7
  // steps; refused under a 1e7 limit, done under the default 5e8.
  x.clear();
  g.clear();
  for (int i = 0; i < 3150; ++i) {
    x.push_back(i);
    g.push_back(i % 21 == 0 ? 0 : 1);
  }
  force.exact_work_limit = 1e7;
  CHECK_THROWS_WITH_AS(wilcoxon_rank_sum_test(x, g, force), doctest::Contains("counting steps"),
                       Error);
  force.exact_work_limit = WilcoxonOptions().exact_work_limit;
  const WilcoxonResult forced = wilcoxon_rank_sum_test(x, g, force);
  CHECK(forced.exact);
  CHECK(forced.n[0] == 150);
  // Evenly spread: W is the centre, so the exact two-sided p is near 1, as
  // the normal approximation says.
  CHECK(std::fabs(forced.p - wilcoxon_rank_sum_test(x, g).p) < 1e-3);
  CHECK_THROWS_AS(wilcoxon_rank_sum_cdf(10, 0, 5), Error);
  // No rows at all: NaN and warnings, not a crash.
  const TTestResult empty_t = t_test({}, {});
  CHECK(std::isnan(empty_t.p));
  CHECK(!empty_t.warnings.empty());
  const WilcoxonResult empty_w = wilcoxon_rank_sum_test({NAN, 2}, {0, -1});
  CHECK(std::isnan(empty_w.p));
  CHECK(!empty_w.warnings.empty());
}
