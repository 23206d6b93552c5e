// Harrell's concordance against R survival 3.5-3's coxph()$concordance
// (concordancefit(y, lp, strata, weights, [cluster], reverse = TRUE),
// timewt = "n"). The goldens give each fit's coefficients, so the linear
// predictor is rebuilt as X %*% coef on the fit's complete cases; only its
// order matters, so R's centring does not.
#include <cstdint>
#include <map>

#include "error.h"
#include "golden.h"
#include "stats/concordance.h"
#include "study/model_frame.h"

using namespace localsurv;
using testsupport::json;
using testsupport::num;

namespace {

const char* kDatasets[] = {"lung", "veteran",   "colon",      "colon_bin",
                           "pbc",  "rotterdam", "npc_synth_1"};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Column numeric_column_named(const std::string& name, std::vector<double> v) {
  Column c;
  c.name = name;
  c.type = ColumnType::Numeric;
  c.missing.resize(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) c.missing[i] = std::isnan(v[i]) ? 1 : 0;
  c.numbers = std::move(v);
  return c;
}

// The few R expressions the goldens' dataset blocks use: `col`,
// `[as.integer(]col OP value[)]` with OP one of == >= > and a number or a
// quoted string, and the synthetic cohort's BED formula. Anything else fails
// the test rather than being guessed. NA in, NA out, as in R.
std::vector<double> evaluate(const Table& t, const std::string& expression) {
  const double na = std::numeric_limits<double>::quiet_NaN();
  std::string e = trim(expression);
  std::vector<double> out(t.n_rows, na);
  if (e == "bone_rt_dose_gy * (1 + (bone_rt_dose_gy / bone_rt_fractions) / 10)") {
    const auto& dose = t.column("bone_rt_dose_gy");
    const auto& fr = t.column("bone_rt_fractions");
    for (std::size_t i = 0; i < t.n_rows; ++i)
      if (!dose.is_missing(i) && !fr.is_missing(i))
        out[i] = dose.numbers[i] * (1 + (dose.numbers[i] / fr.numbers[i]) / 10);
    return out;
  }
  const std::string wrap = "as.integer(";
  if (e.rfind(wrap, 0) == 0 && e.back() == ')')
    e = e.substr(wrap.size(), e.size() - 1 - wrap.size());
  std::size_t at = std::string::npos, len = 0;
  for (const char* op : {"==", ">=", ">"}) {
    at = e.find(op);
    if (at != std::string::npos) {
      len = std::string(op).size();
      break;
    }
  }
  if (at == std::string::npos) {  // a bare column
    const auto& c = t.column(e);
    REQUIRE(c.type == ColumnType::Numeric);
    for (std::size_t i = 0; i < t.n_rows; ++i)
      if (!c.is_missing(i)) out[i] = c.numbers[i];
    return out;
  }
  const std::string op = e.substr(at, len);
  const auto& c = t.column(trim(e.substr(0, at)));
  std::string value = trim(e.substr(at + len));
  const bool quoted = value.size() >= 2 && (value[0] == '\'' || value[0] == '"');
  if (quoted) value = value.substr(1, value.size() - 2);
  for (std::size_t i = 0; i < t.n_rows; ++i) {
    if (c.is_missing(i)) continue;
    if (c.type == ColumnType::Numeric && !quoted) {
      double x = c.numbers[i], v = std::stod(value);
      out[i] = op == "==" ? x == v : op == ">=" ? x >= v : x > v;
    } else {
      REQUIRE(op == "==");
      out[i] = c.text(i) == value;
    }
  }
  return out;
}

// A dataset as its golden defines it: population, `.event`, `treat` and the
// derived variables added as columns.
struct Cohort {
  Table table;
  const json* g = nullptr;
  std::string time;
  std::vector<std::size_t> population;
};

Cohort cohort(const std::string& name) {
  Cohort c;
  c.table = testsupport::dataset(name);
  c.g = &testsupport::golden(name);
  const json& ds = (*c.g)["dataset"];
  c.time = ds["time"]["column"].get<std::string>();
  std::vector<std::pair<std::string, std::string>> derived{
      {".event", ds["event"]["expression"].get<std::string>()}};
  if (!ds["treat"].is_null())
    derived.emplace_back("treat", ds["treat"]["expression"].get<std::string>());
  if (!ds["derived"].is_null())
    for (auto& [k, v] : ds["derived"].items()) derived.emplace_back(k, v.get<std::string>());
  for (auto& [col, expr] : derived)
    c.table.columns.push_back(numeric_column_named(col, evaluate(c.table, expr)));
  const std::string filter = ds["population"]["filter"].get<std::string>();
  if (filter == "all rows") {
    c.population = all_rows(c.table);
  } else {
    REQUIRE(filter.rfind("!is.na(", 0) == 0);
    const auto& col = c.table.column(filter.substr(7, filter.size() - 8));
    for (std::size_t i = 0; i < c.table.n_rows; ++i)
      if (!col.is_missing(i)) c.population.push_back(i);
  }
  REQUIRE(c.population.size() == ds["population"]["n"].get<std::size_t>());
  return c;
}

TermSpec term_for(const Cohort& c, const std::string& variable) {
  const json& ds = (*c.g)["dataset"];
  if (variable == "treat") return TermSpec{"treat", TermKind::Numeric, {}, ""};
  for (const auto& cov : ds["covariates"]) {
    if (cov["name"] != variable) continue;
    if (cov["type"] == "numeric") return TermSpec{variable, TermKind::Numeric, {}, ""};
    return TermSpec{variable, TermKind::Factor, cov["levels"].get<std::vector<std::string>>(),
                    cov["reference"].get<std::string>()};
  }
  REQUIRE(ds["group"]["variable"] == variable);  // colon's three-arm rx
  return TermSpec{variable, TermKind::Factor, ds["group"]["levels"].get<std::vector<std::string>>(),
                  ""};
}

struct Fit {
  std::vector<double> time, lp;
  std::vector<int> status;
};

// Complete cases of one Cox model and its linear predictor from the golden's
// coefficients.
Fit rebuild(const Cohort& c, const std::vector<TermSpec>& terms, const json& cox,
            std::vector<std::size_t> candidates) {
  std::vector<std::string> cols{c.time, ".event"};
  for (const auto& t : terms) cols.push_back(t.column);
  auto sel = complete_rows(c.table, cols, candidates);
  REQUIRE(sel.rows.size() == cox["n"].get<std::size_t>());
  auto design = build_design(c.table, terms, sel.rows);
  REQUIRE(design.names == cox["coefficients"]["name"].get<std::vector<std::string>>());
  Eigen::VectorXd beta(design.x.cols());
  for (Eigen::Index k = 0; k < beta.size(); ++k) {
    double b = num(cox["coefficients"]["coef"][k]);
    beta[k] = std::isnan(b) ? 0 : b;  // R drops an aliased (NA) coefficient from lp
  }
  Eigen::VectorXd lp = design.x * beta;
  Fit f;
  f.time = numeric_values(c.table.column(c.time), sel.rows);
  for (double e : numeric_values(c.table.column(".event"), sel.rows))
    f.status.push_back(static_cast<int>(e));
  f.lp.assign(lp.data(), lp.data() + lp.size());
  return f;
}

void check_counts(const ConcordanceResult& r, const json& count) {
  CHECK(r.concordant == num(count["concordant"]));
  CHECK(r.discordant == num(count["discordant"]));
  CHECK(r.tied_x == num(count["tied.x"]));
  CHECK(r.tied_y == num(count["tied.y"]));
  CHECK(r.tied_xy == num(count["tied.xy"]));
}

// fit$concordance: the counts exactly, C and its standard error to 1e-6.
void check_cox_concordance(const ConcordanceResult& r, const json& cc) {
  check_counts(r, cc);
  CHECK_CLOSE("concordance", r.concordance, num(cc["concordance"]), 1e-6);
  CHECK_CLOSE("std", r.std_err, num(cc["std"]), 1e-6);
}

std::vector<double> doubles(const json& j) { return testsupport::nums(j); }
std::vector<int> ints(const json& j) { return j.get<std::vector<int>>(); }

}  // namespace

TEST_CASE("univariate Cox fits: coxph(Surv(time, event) ~ x, ties = efron|breslow)$concordance") {
  for (const char* name : kDatasets) {
    Cohort c = cohort(name);
    for (const char* ties : {"efron", "breslow"}) {
      for (const auto& cox : (*c.g)["cox"]["univariate"][ties]) {
        std::string variable = cox["variable"].get<std::string>();
        CAPTURE(name);
        CAPTURE(ties);
        CAPTURE(variable);
        Fit f = rebuild(c, {term_for(c, variable)}, cox, c.population);
        auto r = concordance(f.time, f.status, f.lp);
        check_cox_concordance(r, cox["concordance"]);
        CHECK(r.n == cox["n"].get<std::size_t>());
        CHECK(r.n_events == cox["nevent"].get<double>());
      }
    }
  }
}

TEST_CASE("multivariable Cox fits: coxph(Surv ~ group + all covariates)$concordance") {
  for (const char* name : kDatasets) {
    Cohort c = cohort(name);
    for (const char* ties : {"efron", "breslow"}) {
      const json& cox = (*c.g)["cox"]["multivariable"][ties];
      CAPTURE(name);
      CAPTURE(ties);
      std::vector<TermSpec> terms{term_for(c, (*c.g)["dataset"]["group"]["variable"])};
      for (const auto& cov : (*c.g)["dataset"]["covariates"])
        terms.push_back(term_for(c, cov["name"].get<std::string>()));
      Fit f = rebuild(c, terms, cox, c.population);
      check_cox_concordance(concordance(f.time, f.status, f.lp), cox["concordance"]);
    }
  }
}

TEST_CASE("post-match fits: coxph(Surv ~ treat [+ cluster(subclass)], matched data)") {
  for (const char* name : kDatasets) {
    Cohort c = cohort(name);
    if (!c.g->contains("matching")) continue;
    const auto& id = c.table.column("id");
    for (auto& item : (*c.g)["matching"].items()) {
      const std::string& spec = item.key();
      auto& m = item.value();
      for (const char* block : {"corrected", "matchit_installed"}) {
        CAPTURE(name);
        CAPTURE(spec);
        CAPTURE(block);
        const json& mr = m[block];
        const json& pairs = mr["pairs"];
        std::vector<std::size_t> rows;
        std::map<std::size_t, int> subclass;
        for (std::size_t k = 0; k < pairs["subclass"].size(); ++k)
          for (const char* side : {"treated_id", "control_id"}) {
            auto row = pairs[side][k].get<std::size_t>() - 1;
            REQUIRE(id.numbers[row] == double(row + 1));
            rows.push_back(row);
            subclass[row] = pairs["subclass"][k].get<int>();
          }
        const json& pm = mr["post_match"];
        REQUIRE(rows.size() == pm["n"].get<std::size_t>());
        std::vector<TermSpec> terms{term_for(c, "treat")};
        Fit f = rebuild(c, terms, pm["cox_efron"], rows);
        check_cox_concordance(concordance(f.time, f.status, f.lp), pm["cox_efron"]["concordance"]);

        // complete_rows keeps candidate order, so clusters line up with rows.
        auto sel = complete_rows(c.table, {c.time, ".event", "treat"}, rows);
        REQUIRE(sel.rows.size() == rows.size());
        std::vector<int> cluster;
        for (auto row : sel.rows) cluster.push_back(subclass.at(row));
        const json& cl = pm["cox_efron_cluster_subclass"];
        Fit fc = rebuild(c, terms, cl, rows);
        check_cox_concordance(concordance(fc.time, fc.status, fc.lp, {}, {}, cluster),
                              cl["concordance"]);
      }
    }
  }
}

TEST_CASE("cut-point splits: coxph(Surv(time, event) ~ high), high = x > maxstat cutpoint") {
  for (const char* name : kDatasets) {
    Cohort c = cohort(name);
    if (!c.g->contains("cutpoints")) continue;
    for (const auto& cp : (*c.g)["cutpoints"]) {
      std::string variable = cp["variable"].get<std::string>();
      CAPTURE(name);
      CAPTURE(variable);
      std::vector<std::size_t> candidates = c.population;
      if (!cp["subset"].is_null()) {
        auto keep = evaluate(c.table, cp["subset"].get<std::string>());
        candidates.clear();
        for (auto row : c.population)
          if (keep[row] == 1) candidates.push_back(row);
      }
      auto sel = complete_rows(c.table, {c.time, ".event", variable}, candidates);
      const json& cox = cp["split_at_cutpoint"]["cox_efron"];
      REQUIRE(sel.rows.size() == cox["n"].get<std::size_t>());
      double cut = num(cp["maxstat"]["cutpoint"]), beta = num(cox["coefficients"]["coef"][0]);
      auto x = numeric_values(c.table.column(variable), sel.rows);
      Fit f;
      f.time = numeric_values(c.table.column(c.time), sel.rows);
      std::size_t n_high = 0;
      for (std::size_t k = 0; k < x.size(); ++k) {
        n_high += x[k] > cut;
        f.lp.push_back((x[k] > cut ? 1.0 : 0.0) * beta);
        f.status.push_back(static_cast<int>(c.table.column(".event").numbers[sel.rows[k]]));
      }
      CHECK(n_high == cp["split_at_cutpoint"]["n_high"].get<std::size_t>());
      check_cox_concordance(concordance(f.time, f.status, f.lp), cox["concordance"]);
    }
  }
}

TEST_CASE("strata, weights, cluster: coxph(... + strata(), weights =, cluster()) on lung") {
  // tests/r/concordance.R: strata(sex) (2 strata), strata(inst) (17 strata,
  // which concordancefit handles by shifting times instead of a per-stratum
  // loop), non-integer case weights, and all three together.
  for (const char* key :
       {"lung_strata_sex", "lung_strata_inst", "lung_weights", "lung_weights_strata_cluster"}) {
    const json& c = testsupport::extra("concordance")[key];
    INFO(c["call"].get<std::string>());
    std::vector<int> strata = c.contains("strata") ? ints(c["strata"]) : std::vector<int>{};
    std::vector<double> w = c.contains("weights") ? doubles(c["weights"]) : std::vector<double>{};
    std::vector<int> cl = c.contains("cluster") ? ints(c["cluster"]) : std::vector<int>{};
    auto r = concordance(doubles(c["time"]), ints(c["status"]), doubles(c["lp"]), strata, w, cl);
    check_cox_concordance(r, c["concordance"]);
    CHECK(r.warnings.empty());
  }
  const json& s = testsupport::extra("concordance")["lung_strata_sex"];
  auto r = concordance(doubles(s["time"]), ints(s["status"]), doubles(s["lp"]), ints(s["strata"]));
  CHECK(r.n_strata == 2);
  // Ignoring the strata pairs men with women and changes the answer.
  auto pooled = concordance(doubles(s["time"]), ints(s["status"]), doubles(s["lp"]));
  CHECK(pooled.concordant != r.concordant);
}

TEST_CASE("near-tied times are merged as coxph's timefix (aeqSurv) merges them") {
  const json& c = testsupport::extra("concordance")["timefix"];
  auto t = doubles(c["time"]);
  auto s = ints(c["status"]);
  // concordancefit(reverse = TRUE) with x as the risk score.
  auto x = doubles(c["x"]);
  auto fixed = concordance(t, s, x);
  check_counts(fixed, c["fixed"]["count"]);
  CHECK_CLOSE("concordance", fixed.concordance, num(c["fixed"]["concordance"]), 1e-6);
  CHECK_CLOSE("std", fixed.std_err, num(c["fixed"]["std"]), 1e-6);
  ConcordanceOptions exact;
  exact.timefix = false;
  auto raw = concordance(t, s, x, {}, {}, {}, exact);
  check_counts(raw, c["exact"]["count"]);
  CHECK_CLOSE("concordance", raw.concordance, num(c["exact"]["concordance"]), 1e-6);
  CHECK_CLOSE("std", raw.std_err, num(c["exact"]["std"]), 1e-6);
}

TEST_CASE("degenerate data: all scores tied, no events, no comparable pair, n = 0") {
  {  // coxph(Surv(time, status) ~ I(0 * age), lung): coef NA, lp all 0
    const json& c = testsupport::extra("concordance")["lung_constant_lp"];
    auto r = concordance(doubles(c["time"]), ints(c["status"]), doubles(c["lp"]));
    check_cox_concordance(r, c["concordance"]);
    CHECK(r.concordance == 0.5);
    CHECK(r.std_err == 0);
    CHECK(r.warnings.size() == 1);
  }
  {  // coxph on everyone censored: counts 0, concordance and std NA
    const json& c = testsupport::extra("concordance")["lung_no_events"];
    auto r = concordance(doubles(c["time"]), ints(c["status"]), doubles(c["lp"]));
    check_cox_concordance(r, c["concordance"]);
    CHECK(std::isnan(r.concordance));
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].text.find("no events") != std::string::npos);
  }
  {  // the only event is the last time: concordancefit gives NaN
    const json& c = testsupport::extra("concordance")["no_pairs"];
    auto r = concordance(doubles(c["time"]), ints(c["status"]), doubles(c["x"]));
    check_counts(r, c["fit"]["count"]);
    CHECK(std::isnan(r.concordance));
    CHECK(std::isnan(r.std_err));
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].text.find("no comparable pairs") != std::string::npos);
  }
  auto empty = concordance({}, {}, {});
  CHECK(empty.n == 0);
  CHECK(std::isnan(empty.concordance));
  CHECK(empty.warnings.size() == 1);
  // A stratum with no events contributes nothing; one with events still counts.
  auto r = concordance({1, 2, 3, 1, 2}, {1, 0, 1, 0, 0}, {3, 2, 1, 5, 5}, {1, 1, 1, 2, 2});
  CHECK(r.concordant == 2);
  CHECK(r.discordant == 0);
  CHECK(r.concordance == 1);
}

TEST_CASE("small hand-checked example") {
  // Events at 1 (score 3) and 2 (score 1 and 2), censored at 2 (score 2) and
  // 3 (score 0). Pairs from the event at 1: vs 1, 2, 2, 0 -> 4 concordant.
  // From the events at 2 (tied on time, not on score: tied.y = 1): score 1 vs
  // censored 2 (discordant) and 0 (concordant); score 2 vs 2 (tied.x) and 0.
  auto r = concordance({1, 2, 2, 2, 3}, {1, 1, 1, 0, 0}, {3, 1, 2, 2, 0});
  CHECK(r.concordant == 6);
  CHECK(r.discordant == 1);
  CHECK(r.tied_x == 1);
  CHECK(r.tied_y == 1);
  CHECK(r.tied_xy == 0);
  CHECK(r.concordance == doctest::Approx(6.5 / 8));
  // A pair weighs w_i * w_j, so weights of 2 multiply every count by 4 and
  // leave C and its standard error unchanged.
  auto r2 = concordance({1, 2, 2, 2, 3}, {1, 1, 1, 0, 0}, {3, 1, 2, 2, 0}, {}, {2, 2, 2, 2, 2});
  CHECK(r2.concordant == 24);
  CHECK(r2.concordance == doctest::Approx(r.concordance));
  CHECK(r2.std_err == doctest::Approx(r.std_err));
}

TEST_CASE("input errors name the argument") {
  CHECK_THROWS_AS(concordance({1, 2}, {1}, {0, 1}), Error);
  CHECK_THROWS_WITH_AS(concordance({1, 2}, {1, 2}, {0, 1}), doctest::Contains("status"), Error);
  CHECK_THROWS_WITH_AS(concordance({1, 2}, {1, 0}, {0, std::nan("")}),
                       doctest::Contains("risk_score"), Error);
  CHECK_THROWS_WITH_AS(concordance({1, 2}, {1, 0}, {0, 1}, {}, {1, -1}),
                       doctest::Contains("weights"), Error);
  CHECK_THROWS_WITH_AS(concordance({1, 2}, {1, 0}, {0, 1}, {1}), doctest::Contains("strata"),
                       Error);
  CHECK_THROWS_WITH_AS(concordance({1, 2}, {1, 0}, {0, 1}, {}, {}, {1, 2, 3}),
                       doctest::Contains("cluster"), Error);
}

TEST_CASE("200,000 rows in O(n log n): concordancefit(Surv(time, status), x, [strata])") {
  const json& c = testsupport::extra("concordance")["large"];
  const std::size_t n = 200000;
  std::vector<double> t(n), x(n);
  std::vector<int> s(n), g(n);
  for (std::size_t k = 0; k < n; ++k) {
    std::int64_t i = static_cast<std::int64_t>(k) + 1;
    t[k] = double((i * 7919) % 10007 + 1);
    s[k] = i % 3 != 0;
    x[k] = double((i * 104729) % 1009) / 7;
    g[k] = static_cast<int>(i % 4);
  }
  auto r = concordance(t, s, x);
  auto rs = concordance(t, s, x, g);
  check_counts(r, c["unstratified"]["count"]);
  CHECK_CLOSE("concordance", r.concordance, num(c["unstratified"]["concordance"]), 1e-6);
  CHECK_CLOSE("std", r.std_err, num(c["unstratified"]["std"]), 1e-6);
  check_counts(rs, c["stratified"]["count"]);
  CHECK_CLOSE("concordance", rs.concordance, num(c["stratified"]["concordance"]), 1e-6);
  CHECK_CLOSE("std", rs.std_err, num(c["stratified"]["std"]), 1e-6);
}
