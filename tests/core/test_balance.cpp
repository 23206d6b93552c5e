// Covariate balance against MatchIt 4.5.1's summary(m, standardize = TRUE)
// (the goldens' matching.<spec>.corrected.balance) and, for tableone's pooled
// SD, against base R in tests/reference/extra/balance.json (tests/r/balance.R).
#include <cmath>
#include <map>

#include "error.h"
#include "golden.h"
#include "stats/balance.h"
#include "study/model_frame.h"

using namespace localsurv;
using testsupport::json;
using testsupport::num;
using testsupport::nums;

namespace {

bool has_warning(const BalanceResult& r, const std::string& part) {
  return testsupport::has_warning(r.warnings, part);
}

std::string error_of(const Eigen::MatrixXd& x, const std::vector<std::string>& names,
                     const std::vector<int>& treat, const std::vector<double>& w) {
  try {
    balance(x, names, {}, treat, w);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// A numeric 0/1 column derived from another, missing where the source is.

// What matchit() saw: the propensity model's complete cases (the golden's
// logistic ps_all ids, which honour the population filter), the treat
// expression, derived variables, and MatchIt's summary matrix: "distance"
// (the glm propensity score) first, then every covariate with one 0/1 column
// per declared factor level.
struct Sample {
  std::vector<std::size_t> ids;  // 1-based data rows
  std::vector<int> treat;
  Eigen::MatrixXd x;
  std::vector<std::string> names;
  std::vector<bool> factor_level;
};

Sample golden_sample(const std::string& name) {
  const json& g = testsupport::golden(name);
  const json& ds = g["dataset"];
  testsupport::GoldenTreatment gt = testsupport::golden_treatment(name);
  Table& t = gt.table;
  const std::string& treat_column = gt.column;
  const std::string& treat_value = gt.value;

  Sample s;
  s.ids = g["logistic"]["ps_all"]["id"].get<std::vector<std::size_t>>();
  std::vector<std::size_t> rows;
  for (auto id : s.ids) rows.push_back(id - 1);
  if (ds["population"]["filter"] == "!is.na(trt)")
    for (auto r : rows) REQUIRE(!t.column("trt").is_missing(r));
  else
    REQUIRE(ds["population"]["filter"] == "all rows");
  s.treat = event_indicator(t.column(treat_column), {treat_value}, rows);

  std::vector<Eigen::VectorXd> cols;
  auto ps = nums(g["logistic"]["ps_all"]["ps"]);
  cols.push_back(Eigen::Map<Eigen::VectorXd>(ps.data(), Eigen::Index(ps.size())));
  s.names.push_back("distance");
  s.factor_level.push_back(false);
  for (const auto& c : ds["covariates"]) {
    std::string cname = c["name"].get<std::string>();
    const Column& column = t.column(cname);
    if (c["type"] == "factor") {
      auto levels = c["levels"].get<std::vector<std::string>>();
      auto codes = factor_codes(column, levels);
      for (std::size_t l = 0; l < levels.size(); ++l) {
        Eigen::VectorXd v(Eigen::Index(rows.size()));
        for (std::size_t i = 0; i < rows.size(); ++i) v[Eigen::Index(i)] = codes[rows[i]] == int(l);
        cols.push_back(v);
        s.names.push_back(cname + levels[l]);
        s.factor_level.push_back(true);
      }
    } else {
      auto v = numeric_values(column, rows);
      cols.push_back(Eigen::Map<Eigen::VectorXd>(v.data(), Eigen::Index(v.size())));
      s.names.push_back(cname);
      s.factor_level.push_back(false);
    }
  }
  s.x.resize(Eigen::Index(rows.size()), Eigen::Index(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) s.x.col(Eigen::Index(j)) = cols[j];
  return s;
}

// MatchIt's weights: 1 for matched units (the corrected pairs), 0 otherwise.
std::vector<double> matched_weights(const Sample& s, const json& pairs) {
  std::map<std::size_t, std::size_t> position;
  for (std::size_t i = 0; i < s.ids.size(); ++i) position[s.ids[i]] = i;
  std::vector<double> w(s.ids.size(), 0.0);
  for (const char* side : {"treated_id", "control_id"})
    for (auto id : pairs[side].get<std::vector<std::size_t>>()) {
      REQUIRE(position.count(id) == 1);
      REQUIRE(w[position[id]] == 0);  // without replacement: each unit once
      w[position[id]] = 1;
    }
  return w;
}

void check_block(const BalanceResult& r, const json& b, const std::string& stage) {
  INFO("balance " << stage);
  REQUIRE(r.columns.size() == b["variable"].size());
  auto mt = nums(b["Means Treated"]), mc = nums(b["Means Control"]),
       smd = nums(b["Std. Mean Diff."]), vr = nums(b["Var. Ratio"]), em = nums(b["eCDF Mean"]),
       ex = nums(b["eCDF Max"]);
  for (std::size_t j = 0; j < r.columns.size(); ++j) {
    const ColumnBalance& c = r.columns[j];
    INFO("column " << c.name);
    CHECK(c.name == b["variable"][j].get<std::string>());
    CHECK_CLOSE("Means Treated", c.mean_treated, mt[j], 1e-6);
    CHECK_CLOSE("Means Control", c.mean_control, mc[j], 1e-6);
    CHECK_CLOSE("Std. Mean Diff.", c.smd, smd[j], 1e-6);
    CHECK_CLOSE("Var. Ratio", c.variance_ratio, vr[j], 1e-6);
    CHECK_CLOSE("eCDF Mean", c.ecdf_mean, em[j], 1e-6);
    CHECK_CLOSE("eCDF Max", c.ecdf_max, ex[j], 1e-6);
    CHECK(c.variance_ratio != 0);  // NaN exactly where R has NA, else a number
  }
}

void check_golden(const std::string& name) {
  INFO("dataset " << name);
  Sample s = golden_sample(name);
  const json& m = testsupport::golden(name)["matching"];
  for (const char* spec : {"a_default", "d_caliper_0.002_raw"}) {
    INFO("spec " << spec);
    const json& c = m[spec]["corrected"];
    REQUIRE(m[spec]["n_input"].get<std::size_t>() == s.ids.size());
    const json& nn =
        c["nn"]["rows"];  // rows All (ESS), All, Matched (ESS), Matched; Control, Treated

    std::vector<double> ones(s.ids.size(), 1.0);
    BalanceResult before = balance(s.x, s.names, s.factor_level, s.treat, ones);
    CHECK(before.n_control == nn[1][0].get<std::size_t>());
    CHECK(before.n_treated == nn[1][1].get<std::size_t>());
    CHECK(before.warnings.empty());
    check_block(before, c["balance"]["before"], "before");

    BalanceResult after =
        balance(s.x, s.names, s.factor_level, s.treat, matched_weights(s, c["pairs"]));
    CHECK(after.n_control == nn[3][0].get<std::size_t>());
    CHECK(after.n_treated == nn[3][1].get<std::size_t>());
    CHECK(after.n_treated == c["n_matched_treated"].get<std::size_t>());
    CHECK(after.warnings.empty());
    check_block(after, c["balance"]["after"], "after");

    // Same denominator before and after: the SD of all treated.
    for (std::size_t j = 0; j < after.columns.size(); ++j) {
      if (std::isnan(before.columns[j].denominator) || std::isnan(after.columns[j].denominator))
        continue;
      CHECK(after.columns[j].denominator == before.columns[j].denominator);
      CHECK(after.columns[j].denominator_name.find("all treated before matching") !=
            std::string::npos);
    }
  }
}

Eigen::MatrixXd matrix_of(const json& data, const std::vector<std::string>& names) {
  Eigen::MatrixXd x;
  for (std::size_t j = 0; j < names.size(); ++j) {
    auto col = nums(data["x"][names[j]]);
    if (j == 0) x.resize(Eigen::Index(col.size()), Eigen::Index(names.size()));
    REQUIRE(col.size() == std::size_t(x.rows()));
    for (std::size_t i = 0; i < col.size(); ++i) x(Eigen::Index(i), Eigen::Index(j)) = col[i];
  }
  return x;
}

}  // namespace

TEST_CASE(
    "MatchIt summary(m, standardize = TRUE), lung: corrected a_default and d_caliper_0.002_raw") {
  check_golden("lung");
}
TEST_CASE("MatchIt summary(m, standardize = TRUE), veteran") { check_golden("veteran"); }
TEST_CASE("MatchIt summary(m, standardize = TRUE), colon_bin") { check_golden("colon_bin"); }
TEST_CASE("MatchIt summary(m, standardize = TRUE), pbc (312 randomised)") { check_golden("pbc"); }
TEST_CASE("MatchIt summary(m, standardize = TRUE), rotterdam") { check_golden("rotterdam"); }
TEST_CASE("MatchIt summary(m, standardize = TRUE), npc_synth_1") { check_golden("npc_synth_1"); }

TEST_CASE("tableone pooled SD: base R (tests/r/balance.R) before and after matching") {
  const json& cases = testsupport::extra("balance")["pooled"];
  REQUIRE(cases.size() >= 2);
  for (const auto& c : cases) {
    INFO("case " << c["description"].get<std::string>());
    auto names = c["data"]["names"].get<std::vector<std::string>>();
    auto flags = c["data"]["factor_level"].get<std::vector<bool>>();
    auto treat = c["data"]["treat"].get<std::vector<int>>();
    Eigen::MatrixXd x = matrix_of(c["data"], names);
    for (const char* stage : {"before", "after"}) {
      INFO("stage " << stage);
      const json& e = c[stage];
      auto w = nums(e["weights"]);
      BalanceOptions o;
      o.denominator = SmdDenominator::PooledSample;
      BalanceResult r = balance(x, names, flags, treat, w, o);
      REQUIRE(r.columns.size() == names.size());
      auto mt = nums(e["mean_treated"]), mc = nums(e["mean_control"]), sd = nums(e["pooled_sd"]),
           smd = nums(e["smd"]), vr = nums(e["variance_ratio"]), em = nums(e["ecdf_mean"]),
           ex = nums(e["ecdf_max"]);
      for (std::size_t j = 0; j < names.size(); ++j) {
        INFO("column " << names[j]);
        const ColumnBalance& b = r.columns[j];
        CHECK_CLOSE("mean treated", b.mean_treated, mt[j], 1e-6);
        CHECK_CLOSE("mean control", b.mean_control, mc[j], 1e-6);
        CHECK_CLOSE("pooled SD", b.denominator, sd[j], 1e-6);
        CHECK_CLOSE("SMD", b.smd, smd[j], 1e-6);
        CHECK_CLOSE("variance ratio", b.variance_ratio, vr[j], 1e-6);
        CHECK_CLOSE("eCDF mean", b.ecdf_mean, em[j], 1e-6);
        CHECK_CLOSE("eCDF max", b.ecdf_max, ex[j], 1e-6);
        CHECK(b.denominator_name.find("pooled") != std::string::npos);
      }
    }
  }
}

TEST_CASE("MatchIt bal1var edge cases (MatchIt:::bal1var in tests/r/balance.R)") {
  const json& cases = testsupport::extra("balance")["matchit_edge"];
  REQUIRE(cases.size() >= 3);
  for (const auto& c : cases) {
    INFO("case " << c["description"].get<std::string>());
    auto names = c["data"]["names"].get<std::vector<std::string>>();
    auto treat = c["data"]["treat"].get<std::vector<int>>();
    auto w = nums(c["data"]["weights"]);
    Eigen::MatrixXd x = matrix_of(c["data"], names);
    BalanceResult r = balance(x, names, {}, treat, w);
    const json& e = c["expected"];
    for (std::size_t j = 0; j < names.size(); ++j) {
      INFO("column " << names[j]);
      const ColumnBalance& b = r.columns[j];
      auto v = nums(e[names[j]]);  // bal1var's 7 numbers
      CHECK_CLOSE("Means Treated", b.mean_treated, v[0], 1e-6);
      CHECK_CLOSE("Means Control", b.mean_control, v[1], 1e-6);
      CHECK_CLOSE("Std. Mean Diff.", b.smd, v[2], 1e-6);
      CHECK_CLOSE("Var. Ratio", b.variance_ratio, v[3], 1e-6);
      CHECK_CLOSE("eCDF Mean", b.ecdf_mean, v[4], 1e-6);
      CHECK_CLOSE("eCDF Max", b.ecdf_max, v[5], 1e-6);
    }
  }
}

TEST_CASE("denominators are named; the raw difference when means agree") {
  // x: treated 1, 2, 3 and control 1.5, 2.5, 2 (equal means); b binary;
  // "same": treated all 5, control 4, 6, 6.
  Eigen::MatrixXd x(6, 3);
  x << 1, 1, 5, 2, 0, 5, 3, 1, 5, 1.5, 0, 4, 2.5, 1, 6, 2, 0, 6;
  std::vector<int> t = {1, 1, 1, 0, 0, 0};
  std::vector<double> w(6, 1.0);
  BalanceResult r = balance(x, {"x", "b", "same"}, {}, t, w);
  CHECK(r.columns[0].smd == 0);  // means 2 and 2: the raw difference
  CHECK(r.columns[0].denominator_name.find("raw difference") != std::string::npos);
  CHECK(r.columns[1].binary);
  CHECK(std::isnan(r.columns[1].variance_ratio));
  CHECK(r.columns[1].denominator_name == "sqrt(p(1-p)) of all treated before matching");
  CHECK_CLOSE("binary SMD", r.columns[1].smd, (2.0 / 3 - 1.0 / 3) / std::sqrt(2.0 / 9), 1e-12);
  CHECK_CLOSE("eCDF of a binary column = |difference|", r.columns[1].ecdf_max, 1.0 / 3, 1e-12);
  // treated constant at 5: MatchIt falls back to the pooled within-group SD.
  CHECK(r.columns[2].denominator_name.find("treated SD is zero") != std::string::npos);
  CHECK_CLOSE("fallback", r.columns[2].denominator, std::sqrt(8.0 / 15), 1e-12);
}

TEST_CASE("degenerate data: empty group, tiny groups, zero variance") {
  Eigen::MatrixXd x(4, 1);
  x << 1, 2, 3, 4;
  // No control unit at all.
  BalanceResult none = balance(x, {"x"}, {}, {1, 1, 1, 1}, {1, 1, 1, 1});
  CHECK(std::isnan(none.columns[0].mean_control));
  CHECK(std::isnan(none.columns[0].smd));
  CHECK(has_warning(none, "no control unit"));
  // After matching: one treated and one control left -> too small (MatchIt's NA).
  BalanceResult small = balance(x, {"x"}, {}, {1, 1, 0, 0}, {1, 0, 0, 1});
  CHECK(small.n_treated == 1);
  CHECK(std::isnan(small.columns[0].smd));
  CHECK(std::isnan(small.columns[0].variance_ratio));
  CHECK(std::isnan(small.columns[0].ecdf_mean));
  CHECK(has_warning(small, "fewer than two units"));
  // Constant control: variance ratio divides by zero, with a warning.
  Eigen::MatrixXd y(5, 1);
  y << 1, 2, 3, 7, 7;
  BalanceResult flat = balance(y, {"y"}, {}, {1, 1, 1, 0, 0}, {1, 1, 1, 1, 1});
  CHECK(std::isinf(flat.columns[0].variance_ratio));
  CHECK(has_warning(flat, "variance ratio is undefined"));
  // n = 0
  BalanceResult empty = balance(Eigen::MatrixXd(0, 1), {"x"}, {}, {}, {});
  CHECK(std::isnan(empty.columns[0].mean_treated));
  CHECK(!empty.warnings.empty());
}

TEST_CASE("errors name the problem") {
  Eigen::MatrixXd x(2, 1);
  x << 1, 2;
  CHECK(error_of(x, {"x"}, {1, 2}, {1, 1})
            .find("treat of row 2 is 2; the treatment must be 0 or 1") != std::string::npos);
  CHECK(error_of(x, {"x"}, {1, 0}, {1, -1}).find("not negative") != std::string::npos);
  CHECK(error_of(x, {"x"}, {1}, {1, 1}).find("treat") != std::string::npos);
  CHECK(error_of(x, {"x", "y"}, {1, 0}, {1, 1}).find("names") != std::string::npos);
  x(1, 0) = NAN;
  CHECK(error_of(x, {"x"}, {1, 0}, {1, 1}).find("'x' is missing") != std::string::npos);
}

TEST_CASE("200,000 rows: every summary as MatchIt's bal1var (tests/r/scale.R)") {
  const Eigen::Index n = 200000;
  Eigen::MatrixXd x(n, 3);
  std::vector<int> t(static_cast<std::size_t>(n));
  std::vector<double> w(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    x(i, 0) = double((i * 7919) % 100003) / 100.0;
    x(i, 1) = double(i % 3 == 0);
    x(i, 2) = double(i % 97);
    t[std::size_t(i)] = int(i % 5 == 0);
    w[std::size_t(i)] = double(i % 2);
  }
  BalanceResult r = balance(x, {"a", "b", "c"}, {}, t, w);
  const json& want = testsupport::extra("scale")["balance"];
  REQUIRE(r.columns.size() == want.size());
  for (std::size_t j = 0; j < want.size(); ++j) {
    const ColumnBalance& c = r.columns[j];
    const json& b = want[j];
    CAPTURE(c.name);
    CHECK(c.name == b["name"]);
    CHECK_CLOSE("mean treated", c.mean_treated, num(b["mean_treated"]), 1e-9);
    CHECK_CLOSE("mean control", c.mean_control, num(b["mean_control"]), 1e-9);
    CHECK_CLOSE("smd", c.smd, num(b["smd"]), 1e-6);
    CHECK_CLOSE("variance ratio", c.variance_ratio, num(b["variance_ratio"]), 1e-9);
    CHECK_CLOSE("ecdf mean", c.ecdf_mean, num(b["ecdf_mean"]), 1e-6);
    CHECK_CLOSE("ecdf max", c.ecdf_max, num(b["ecdf_max"]), 1e-6);
  }
}
