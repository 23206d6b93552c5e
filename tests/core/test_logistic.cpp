// Logistic regression against R's glm(y ~ x, family = binomial): the goldens'
// propensity models and tests/reference/extra/logistic.json (tests/r/logistic.R).
#include <cmath>

#include "error.h"
#include "golden.h"
#include "stats/logistic.h"
#include "study/model_frame.h"

using namespace localsurv;
using testsupport::json;
using testsupport::num;
using testsupport::nums;

namespace {

bool has_warning(const LogisticResult& r, const std::string& part) {
  return testsupport::has_warning(r.warnings, part);
}

// A numeric 0/1 column derived from another, missing where the source is.

struct Problem {
  std::vector<int> y;
  Design design;
  std::vector<std::size_t> rows;
};

// The golden's propensity model: glm(treat ~ covariates, binomial) on the
// multivariable Cox complete cases, honouring the dataset block's population
// filter, treat expression, derived variables and factor levels.
Problem golden_problem(const std::string& name) {
  const json& ds = testsupport::golden(name)["dataset"];
  testsupport::GoldenTreatment gt = testsupport::golden_treatment(name);
  Table& t = gt.table;
  const std::string& treat_column = gt.column;
  const std::string& treat_value = gt.value;

  std::vector<std::size_t> candidates;
  std::string filter = ds["population"]["filter"].get<std::string>();
  if (filter == "all rows") {
    candidates = all_rows(t);
  } else {
    REQUIRE(filter == "!is.na(trt)");
    candidates = complete_rows(t, {"trt"}, all_rows(t)).rows;
  }
  // Multivariable Cox complete cases: time, event, treat and every covariate.
  std::vector<std::string> columns = {ds["time"]["column"].get<std::string>(), treat_column};
  std::string event = ds["event"]["expression"].get<std::string>();
  columns.push_back(event.find("status") != std::string::npos ? "status" : event);
  std::vector<TermSpec> terms;
  for (const auto& c : ds["covariates"]) {
    TermSpec term;
    term.column = c["name"].get<std::string>();
    columns.push_back(term.column);
    if (c["type"] == "factor") {
      term.kind = TermKind::Factor;
      term.levels = c["levels"].get<std::vector<std::string>>();
      term.reference = c["reference"].get<std::string>();
    } else {
      term.kind = TermKind::Numeric;
    }
    terms.push_back(term);
  }
  Problem pr;
  pr.rows = complete_rows(t, columns, candidates).rows;
  pr.y = event_indicator(t.column(treat_column), {treat_value}, pr.rows);
  pr.design = build_design(t, terms, pr.rows);
  return pr;
}

void check_golden(const std::string& name) {
  INFO("dataset " << name);
  const json& g = testsupport::golden(name)["logistic"];
  Problem pr = golden_problem(name);
  REQUIRE(pr.rows.size() == g["n"].get<std::size_t>());
  // The complete cases are R's rows (ids are 1-based data rows).
  auto ids = g["ps_all"]["id"].get<std::vector<std::size_t>>();
  REQUIRE(ids.size() == pr.rows.size());
  for (std::size_t i = 0; i < ids.size(); ++i) REQUIRE(ids[i] == pr.rows[i] + 1);

  LogisticResult r = logistic_regression(pr.y, pr.design.x, pr.design.names);
  const json& c = g["coefficients"];
  REQUIRE(r.names == c["name"].get<std::vector<std::string>>());
  auto est = nums(c["estimate"]), se = nums(c["se"]), z = nums(c["z"]), p = nums(c["p"]);
  for (std::size_t j = 0; j < r.names.size(); ++j) {
    INFO("coefficient " << r.names[j]);
    CHECK_CLOSE("estimate", r.estimate[j], est[j], 1e-6);
    CHECK_CLOSE("se", r.se[j], se[j], 1e-6);
    CHECK_CLOSE("z", r.z[j], z[j], 1e-6);
    CHECK_P("p", r.p[j], p[j]);
    CHECK(!r.aliased[j]);
  }
  CHECK_CLOSE("deviance", r.deviance, num(g["deviance"]), 1e-6);
  CHECK_CLOSE("null deviance", r.null_deviance, num(g["null_deviance"]), 1e-6);
  CHECK_CLOSE("aic", r.aic, num(g["aic"]), 1e-6);
  CHECK(r.df_residual == g["df_residual"].get<int>());
  CHECK(r.df_null == g["df_null"].get<int>());
  CHECK(r.iterations == g["iter"].get<int>());
  CHECK(r.converged == g["converged"].get<bool>());
  CHECK(r.rank == int(r.names.size()));
  CHECK(r.warnings.empty());
  CHECK(r.separation == Separation::None);
  auto ps = nums(g["ps_all"]["ps"]), lp = nums(g["ps_all"]["linear_predictor"]);
  REQUIRE(r.fitted.size() == ps.size());
  int bad_ps = 0, bad_lp = 0;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    bad_ps += !testsupport::close(r.fitted[i], ps[i], 1e-6);
    bad_lp += !testsupport::close(r.linear_predictor[i], lp[i], 1e-6);
  }
  CHECK(bad_ps == 0);
  CHECK(bad_lp == 0);
  // Much tighter than required: R's iteration is copied, not just converged.
  double worst = 0;
  for (std::size_t i = 0; i < ps.size(); ++i)
    worst = std::max(worst, std::fabs(r.fitted[i] - ps[i]) / ps[i]);
  CHECK(worst < 1e-10);
}

const json& extra(const std::string& name) {
  return testsupport::extra("logistic")["cases"].at(name);
}

struct ExtraFit {
  std::vector<int> y;
  Eigen::MatrixXd x;
  std::vector<std::string> names;
  LogisticResult r;
};

ExtraFit fit_extra(const json& c, LogisticOptions o = {}) {
  ExtraFit f;
  f.y = c["data"]["y"].get<std::vector<int>>();
  f.names = c["data"]["names"].get<std::vector<std::string>>();
  f.x.resize(Eigen::Index(f.y.size()), Eigen::Index(f.names.size()));
  for (Eigen::Index j = 0; j < f.x.cols(); ++j) {
    auto col = nums(c["data"]["x"][f.names[std::size_t(j)]]);
    REQUIRE(col.size() == f.y.size());
    for (std::size_t i = 0; i < col.size(); ++i) f.x(Eigen::Index(i), j) = col[i];
  }
  if (c["control"].contains("maxit")) o.maxit = c["control"]["maxit"].get<int>();
  if (c["control"].contains("epsilon")) o.epsilon = c["control"]["epsilon"].get<double>();
  f.r = logistic_regression(f.y, f.x, f.names, o);
  return f;
}

// Every number R reports for a case; `rel` is loosened only where the case
// says why.
void check_extra(const json& c, const LogisticResult& r, double rel = 1e-6,
                 bool coefficients = true) {
  INFO(c["call"].get<std::string>());
  const json& cf = c["coefficients"];
  REQUIRE(r.names == cf["name"].get<std::vector<std::string>>());
  auto est = nums(cf["estimate"]), se = nums(cf["se"]), z = nums(cf["z"]), p = nums(cf["p"]);
  auto aliased = cf["aliased"].get<std::vector<bool>>();
  for (std::size_t j = 0; j < r.names.size(); ++j) {
    INFO("coefficient " << r.names[j]);
    CHECK(bool(r.aliased[j]) == aliased[j]);
    if (aliased[j]) {
      CHECK(std::isnan(r.estimate[j]));
      CHECK(std::isnan(r.se[j]));
      CHECK(std::isnan(r.p[j]));
      continue;
    }
    if (!coefficients) continue;
    CHECK_CLOSE("estimate", r.estimate[j], est[j], rel);
    CHECK_CLOSE("se", r.se[j], se[j], rel);
    if (std::isnan(z[j]))  // JSON null: R's z was NA or +-Inf (se underflowed to 0)
      CHECK(!std::isfinite(r.z[j]));
    else
      CHECK_CLOSE("z", r.z[j], z[j], rel);
    CHECK_P("p", r.p[j], p[j]);
  }
  CHECK(r.rank == c["rank"].get<int>());
  CHECK_CLOSE("deviance", r.deviance, num(c["deviance"]), rel);
  CHECK_CLOSE("null deviance", r.null_deviance, num(c["null_deviance"]), 1e-6);
  CHECK_CLOSE("aic", r.aic, num(c["aic"]), rel);
  CHECK(r.df_residual == c["df_residual"].get<int>());
  CHECK(r.df_null == c["df_null"].get<int>());
  CHECK(r.iterations == c["iter"].get<int>());
  CHECK(r.converged == c["converged"].get<bool>());
  CHECK(r.boundary == c["boundary"].get<bool>());
  // R's own warnings come first and verbatim; ours (separation) follow.
  auto rw = c["warnings"].get<std::vector<std::string>>();
  REQUIRE(r.warnings.size() >= rw.size());
  for (std::size_t k = 0; k < rw.size(); ++k) CHECK(r.warnings[k].text == rw[k]);
  auto fitted = nums(c["fitted"]), lp = nums(c["linear_predictor"]);
  if (c.contains("rows")) {
    auto rows = c["rows"].get<std::vector<std::size_t>>();
    for (std::size_t k = 0; k < rows.size(); ++k) {
      CHECK_CLOSE("fitted", r.fitted[rows[k] - 1], fitted[k], rel);
      CHECK_CLOSE("linear predictor", r.linear_predictor[rows[k] - 1], lp[k], rel);
    }
  } else {
    REQUIRE(r.fitted.size() == fitted.size());
    for (std::size_t i = 0; i < fitted.size(); ++i) {
      INFO("row " << i + 1);
      CHECK_CLOSE("fitted", r.fitted[i], fitted[i], rel);
      if (coefficients) CHECK_CLOSE("linear predictor", r.linear_predictor[i], lp[i], rel);
    }
  }
}

}  // namespace

TEST_CASE("propensity model glm(treat ~ covariates, binomial): lung") { check_golden("lung"); }
TEST_CASE("propensity model glm(treat ~ covariates, binomial): veteran") {
  check_golden("veteran");
}
TEST_CASE("propensity model glm(treat ~ covariates, binomial): colon_bin") {
  check_golden("colon_bin");
}
TEST_CASE("propensity model glm(treat ~ covariates, binomial): pbc (rows with trt)") {
  check_golden("pbc");
}
TEST_CASE("propensity model glm(treat ~ covariates, binomial): rotterdam") {
  check_golden("rotterdam");
}
TEST_CASE("propensity model glm(treat ~ covariates, binomial): npc_synth_1 (derived covariates)") {
  check_golden("npc_synth_1");
}

TEST_CASE("glm(treat ~ age, binomial): a single covariate (lung, all rows)") {
  const json& c = extra("single_covariate");
  check_extra(c, fit_extra(c).r);
}

TEST_CASE("glm with aliased columns gives NA as R (2 * age + 1 in the middle, a constant)") {
  const json& c = extra("aliased");
  ExtraFit f = fit_extra(c);
  check_extra(c, f.r);
  CHECK(f.r.rank == 4);
  CHECK(f.r.df_residual == int(f.y.size()) - 4);
  CHECK(std::isnan(f.r.covariance(2, 2)));
  CHECK(std::isnan(f.r.covariance(0, 4)));
  CHECK_CLOSE("vcov(age, age)", f.r.covariance(1, 1), std::pow(f.r.se[1], 2), 1e-12);
}

TEST_CASE("glm rank detection at dqrdc2's tolerance (1e-11 of the column norm)") {
  const json& dropped = extra("near_aliased_dropped");
  check_extra(dropped, fit_extra(dropped).r);
  // Kept at 1e-7: the two age coefficients are ill-conditioned (R: -576327,
  // +576327), so only the well-determined fit is compared.
  const json& kept = extra("near_aliased_kept");
  ExtraFit f = fit_extra(kept);
  check_extra(kept, f.r, 1e-6, /*coefficients=*/false);
  CHECK_CLOSE("wt.loss", f.r.estimate[3], num(kept["coefficients"]["estimate"][3]), 1e-4);
}

TEST_CASE("glm.control(maxit = 2): 'algorithm did not converge' and R's partial fit") {
  const json& c = extra("maxit2");
  ExtraFit f = fit_extra(c);
  check_extra(c, f.r);
  CHECK(!f.r.converged);
  CHECK(f.r.iterations == 2);
  CHECK(has_warning(f.r, "glm.fit: algorithm did not converge"));
}

TEST_CASE("glm.control(epsilon = 1e-14): iterating further as R does") {
  const json& c = extra("epsilon_tight");
  check_extra(c, fit_extra(c).r);
}

TEST_CASE("complete separation by one covariate: glm(y ~ x + z), y = x > 5") {
  const json& c = extra("separation_complete");
  ExtraFit f = fit_extra(c);
  // 25 IRLS steps with weights down at DBL_EPSILON still reproduce R's
  // run-off estimates and standard errors (~1e5) to better than 1e-8.
  check_extra(c, f.r);
  CHECK(has_warning(f.r, "glm.fit: fitted probabilities numerically 0 or 1 occurred"));
  CHECK(f.r.separation == Separation::Complete);
  CHECK(f.r.separating == std::vector<std::string>{"x"});
  CHECK(has_warning(f.r, "complete separation: x predicts the outcome perfectly"));
}

TEST_CASE("quasi-complete separation by a factor level: glm(y ~ g + age), g = 1 implies y = 1") {
  const json& c = extra("separation_quasi");
  ExtraFit f = fit_extra(c);
  check_extra(c, f.r);
  // R gives no warning here (it converges at fitted 1 - 6e-9); we do.
  CHECK(c["warnings"].empty());
  CHECK(f.r.separation == Separation::QuasiComplete);
  CHECK(f.r.separating == std::vector<std::string>{"g"});
  CHECK(has_warning(f.r, "quasi-complete separation: g predicts"));
}

TEST_CASE("separation by a combination of covariates: glm(y ~ a + b), y = a + b > 0") {
  const json& c = extra("separation_combined");
  ExtraFit f = fit_extra(c);
  check_extra(c, f.r);
  CHECK(has_warning(f.r, "glm.fit: fitted probabilities numerically 0 or 1 occurred"));
  CHECK(f.r.separation == Separation::Complete);
  CHECK(f.r.separating == std::vector<std::string>{"a", "b"});
  CHECK(has_warning(f.r, "the covariates together predict the outcome perfectly for 20 of 20"));
}

TEST_CASE("covariate values near 1e300: glm(y ~ x) without overflow (se underflows to 0 as in R)") {
  const json& c = extra("huge_scale");
  ExtraFit f = fit_extra(c);
  check_extra(c, f.r);
  CHECK(f.r.se[1] == 0);
  CHECK(std::isinf(f.r.z[1]));
}

TEST_CASE("constant outcome: glm(rep(0, 10) ~ x) runs off as R's does, with a warning") {
  const json& c = extra("all_zero");
  ExtraFit f = fit_extra(c);
  check_extra(c, f.r, 1e-6, /*coefficients=*/false);
  CHECK_CLOSE("intercept", f.r.estimate[0], num(c["coefficients"]["estimate"][0]), 1e-6);
  CHECK_CLOSE("se intercept", f.r.se[0], num(c["coefficients"]["se"][0]), 1e-6);
  CHECK_CLOSE("se x", f.r.se[1], num(c["coefficients"]["se"][1]), 1e-6);
  CHECK(std::fabs(f.r.estimate[1]) < 1e-12);  // R: -1.4e-15, rounding noise around 0
  CHECK(has_warning(f.r, "every row has outcome 0"));
  CHECK(f.r.separation == Separation::None);
}

TEST_CASE("more coefficients than rows: rank limited by n as dqrdc2 limits it") {
  const json& c = extra("wide");
  ExtraFit f = fit_extra(c);
  check_extra(c, f.r);
  CHECK(f.r.rank == 3);
  CHECK(f.r.aliased == std::vector<char>{0, 0, 0, 1, 1});
  // With 3 rows, u alone orders the outcomes (y = 0, 1, 1 at u = 1, 2, 4).
  CHECK(f.r.separation == Separation::Complete);
  CHECK(f.r.separating == std::vector<std::string>{"u", "v"});
}

TEST_CASE("200,000 rows: glm(y ~ x1 + x2, binomial) as R") {
  const json& c = extra("large");
  const int n = 200000;
  std::vector<int> y(n);
  Eigen::MatrixXd x(n, 2);
  for (int64_t i = 1; i <= n; ++i) {
    double x1 = double((i * 7919) % 1000) / 100, x2 = i % 3 == 0 ? 1.0 : 0.0;
    double u = (double((i * 104729) % 1000) + 0.5) / 1000;
    x(i - 1, 0) = x1;
    x(i - 1, 1) = x2;
    y[std::size_t(i - 1)] = u < 1 / (1 + std::exp(-(-1 + 0.3 * x1 - 0.5 * x2)));
  }
  int events = 0;
  for (int v : y) events += v;
  REQUIRE(events == c["events"].get<int>());
  LogisticResult r = logistic_regression(y, x, {"x1", "x2"});
  check_extra(c, r);
}

TEST_CASE("input errors name the problem") {
  Eigen::MatrixXd x(3, 1);
  x << 1, 2, 3;
  CHECK_THROWS_WITH_AS(logistic_regression({0, 1}, x, {"age"}), doctest::Contains("3 rows"), Error);
  CHECK_THROWS_WITH_AS(logistic_regression({0, 1, 1}, x, {"age", "sex"}),
                       doctest::Contains("2 entries"), Error);
  CHECK_THROWS_WITH_AS(logistic_regression({0, 2, 1}, x, {"age"}),
                       doctest::Contains("y of row 2 is 2; the outcome must be 0 or 1"), Error);
  x(1, 0) = NAN;
  CHECK_THROWS_WITH_AS(logistic_regression({0, 1, 1}, x, {"age"}),
                       doctest::Contains("covariate 'age' is missing or not finite in row 2"),
                       Error);
  x(1, 0) = 2;
  LogisticOptions o;
  o.maxit = 0;
  CHECK_THROWS_AS(logistic_regression({0, 1, 1}, x, {"age"}, o), Error);
}

TEST_CASE("no rows: a warning and NaN, no crash") {
  LogisticResult r = logistic_regression({}, Eigen::MatrixXd(0, 2), {"a", "b"});
  CHECK(r.names == std::vector<std::string>{"(Intercept)", "a", "b"});
  CHECK(std::isnan(r.estimate[0]));
  CHECK(std::isnan(r.deviance));
  CHECK(!r.converged);
  CHECK(has_warning(r, "no rows"));
  CHECK(r.fitted.empty());
}
