// The spec runner end to end: a spec that restates each golden's dataset
// block (event, treatment, factor levels) must reproduce R's numbers through
// the whole path CSV -> spec -> result JSON that the CLI and the page use.
#include <map>
#include <tuple>

#include "api.h"
#include "golden.h"
#include "study/analysis.h"

using testsupport::golden;
using testsupport::num;
using testsupport::run_spec;
using json = nlohmann::json;

namespace {

// Checks a coxph fit from the result against the golden fit; the golden names
// the treatment coefficient "treat" where the spec's group gives "<col><level>".
void check_cox(const json& fit, const json& g, const std::string& group_coef) {
  CHECK(fit["n"] == g["n"]);
  CHECK(fit["nevent"] == g["nevent"]);
  CHECK(fit["iterations"] == g["iter"]);
  const json& c = fit["coefficients"];
  const json& gc = g["coefficients"];
  REQUIRE(c["name"].size() == gc["name"].size());
  for (std::size_t i = 0; i < gc["name"].size(); ++i) {
    std::string name = gc["name"][i];
    CHECK(c["name"][i] == (name == "treat" ? group_coef : name));
    CHECK_CLOSE((name + " coef"), num(c["coef"][i]), num(gc["coef"][i]), 1e-6);
    CHECK_CLOSE((name + " se"), num(c["se"][i]), num(gc["se"][i]), 1e-6);
    CHECK_CLOSE((name + " lower"), num(c["lower"][i]), num(gc["lower"][i]), 1e-6);
    CHECK_CLOSE((name + " upper"), num(c["upper"][i]), num(gc["upper"][i]), 1e-6);
    CHECK_P((name + " p"), num(c["p"][i]), num(gc["p"][i]));
  }
  CHECK_CLOSE("loglik", num(fit["loglik"]), num(g["loglik"]), 1e-6);
  CHECK_P("lrt p", num(fit["tests"]["lrt"]["p"]), num(g["lrt"]["p"]));
  CHECK_P("score p", num(fit["tests"]["score"]["p"]), num(g["score"]["p"]));
  CHECK_P("wald p", num(fit["tests"]["wald"]["p"]), num(g["wald"]["p"]));
  CHECK_CLOSE("concordance", num(fit["concordance"]["concordance"]),
              num(g["concordance"]["concordance"]), 1e-6);
  CHECK_CLOSE("concordance std", num(fit["concordance"]["std_err"]), num(g["concordance"]["std"]),
              1e-6);
}

void check_dataset(const std::string& name, const std::string& spec,
                   const std::string& group_coef) {
  const json& g = golden(name);
  for (const char* ties : {"efron", "breslow"}) {
    CAPTURE(ties);
    std::string s = spec;
    s.replace(s.find("TIES"), 4, ties);
    json r = run_spec(name, s);
    const json& res = r["results"];
    CHECK(res["cox"]["conventions"]["ties"] == ties);
    // The CI's z spelled out (R: qnorm(0.975) = 1.959964), not "z(0.95)".
    CHECK(res["cox"]["conventions"]["ci"] ==
          "Wald, exp(coef -/+ z * se) with z = qnorm(0.975) = 1.95996");
    check_cox(res["cox"]["multivariable"], g["cox"]["multivariable"][ties], group_coef);
    // Univariate: the group first, then each covariate, as the goldens order them.
    REQUIRE(res["cox"]["univariate"].size() == g["cox"]["univariate"][ties].size());
    for (std::size_t i = 0; i < g["cox"]["univariate"][ties].size(); ++i)
      check_cox(res["cox"]["univariate"][i], g["cox"]["univariate"][ties][i], group_coef);
    if (std::string(ties) == "breslow") continue;
    // KM and log-rank by group, reverse-KM follow-up, propensity model.
    const json& km = res["km"];
    CHECK(km["overall"]["n"] == g["km"]["overall"]["n"]);
    CHECK_CLOSE("median", num(km["overall"]["median"]["estimate"]),
                num(g["km"]["overall"]["median"]["estimate"]), 1e-6);
    for (std::size_t k = 0; k < 2; ++k) {
      const json& t = km["by_group"][k]["at_times"];
      const json& gt = g["km"]["by_group"][k]["at_times"];
      for (std::size_t i = 0; i < gt["surv"].size(); ++i) {
        CHECK_CLOSE("surv at time", num(t["surv"][i]), num(gt["surv"][i]), 1e-6);
        CHECK_CLOSE("lower at time", num(t["lower"][i]), num(gt["lower"][i]), 1e-6);
      }
    }
    const json& lr = res["logrank"]["by_group"];
    CHECK_CLOSE("logrank chisq", num(lr["statistic"]), num(g["logrank"]["by_group"]["chisq"]),
                1e-6);
    CHECK_P("logrank p", num(lr["p"]), num(g["logrank"]["by_group"]["p"]));
    CHECK_CLOSE("followup median", num(res["followup"]["overall"]["median"]),
                num(g["followup_reverse_km"]["overall"]["median"]), 1e-6);
    CHECK_CLOSE("deviance", num(res["logistic"]["deviance"]), num(g["logistic"]["deviance"]), 1e-6);
    CHECK(res["logistic"]["iterations"] == g["logistic"]["iter"]);
  }
}

}  // namespace

TEST_CASE("lung through the spec: coxph, survfit, survdiff, glm as the golden") {
  check_dataset("lung", R"({"time":"time","event":{"column":"status","values":[2]},
    "group":{"column":"sex","levels":["1","2"]},"covariates":["age","ph.ecog","ph.karno","wt.loss"],
    "analyses":{"km":{"times":[180,365,730]},"followup":{},"logrank":{},"cox":{"ties":"TIES"},"logistic":{}}})",
                "sex2");
}

TEST_CASE("veteran through the spec (factor covariates with declared levels)") {
  check_dataset("veteran",
                R"({"time":"time","event":"status","group":{"column":"trt","levels":["1","2"]},
    "covariates":[{"column":"celltype","levels":["squamous","smallcell","adeno","large"]},"karno","diagtime","age",
                  {"column":"prior","type":"factor","levels":["0","10"]}],
    "analyses":{"km":{"times":[30,90,180]},"followup":{},"logrank":{},"cox":{"ties":"TIES"},"logistic":{}}})",
                "trt2");
}

TEST_CASE("pbc through the spec (rows without trt dropped, as the golden's filter)") {
  check_dataset(
      "pbc",
      R"({"time":"time","event":{"column":"status","values":[2]},"group":{"column":"trt","levels":["2","1"]},
    "covariates":["age",{"column":"sex","levels":["m","f"]},"ascites","hepato","spiders",
                  {"column":"edema","type":"factor","levels":["0","0.5","1"]},"bili","albumin","protime",
                  {"column":"stage","type":"factor","levels":["1","2","3","4"]}],
    "analyses":{"km":{"times":[1095,1825,3650]},"followup":{},"logrank":{},"cox":{"ties":"TIES"},"logistic":{}}})",
      "trt1");
}

TEST_CASE("rotterdam through the spec") {
  check_dataset("rotterdam",
                R"({"time":"dtime","event":"death","group":{"column":"chemo","levels":["0","1"]},
    "covariates":["age","meno",{"column":"size","levels":["<=20","20-50",">50"]},{"column":"grade","type":"factor","levels":["2","3"]},
                  "nodes","pgr","er","hormon"],
    "analyses":{"km":{"times":[365,1825,3650]},"followup":{},"logrank":{},"cox":{"ties":"TIES"},"logistic":{}}})",
                "chemo1");
}

TEST_CASE("colon_bin through the spec") {
  check_dataset(
      "colon_bin",
      R"({"time":"time","event":"status","group":{"column":"rx","levels":["Obs","Lev+5FU"]},
    "covariates":["sex","age","obstruct","perfor","adhere","nodes",{"column":"differ","type":"factor","levels":["1","2","3"]},
                  {"column":"extent","type":"factor","levels":["1","2","3","4"]},"surg"],
    "analyses":{"km":{"times":[365,1095,1825]},"followup":{},"logrank":{},"cox":{"ties":"TIES"},"logistic":{}}})",
      "rxLev+5FU");
}

TEST_CASE("results state rows used and dropped, and warnings name the model") {
  json r =
      run_spec("lung", R"({"time":"time","event":{"column":"status","values":[2]},"group":"sex",
    "covariates":["wt.loss"],"analyses":{"cox":{}}})");
  const json& fit = r["results"]["cox"]["univariate"][1];
  // sum(!is.na(lung$wt.loss)) == 214, sum(is.na(lung$wt.loss)) == 14
  CHECK(fit["rows"]["rows_used"] == 214);
  CHECK(fit["rows"]["dropped_for_missing"]["wt.loss"] == 14);
}

namespace {

// Table 1 tests of each factor by group against the golden's
// categorical_tests: chisq.test(table, correct = TRUE / FALSE), fisher.test.
void check_table1(const std::string& name, const std::string& outcome_and_group) {
  const json& g = golden(name);
  for (bool yates : {true, false}) {
    CAPTURE(yates);
    json covs = json::array();
    for (const auto& ct : g["categorical_tests"])
      covs.push_back({{"column", ct["variable"]}, {"type", "factor"}, {"levels", ct["levels"]}});
    std::string spec = "{" + outcome_and_group + ",\"covariates\":" + covs.dump() +
                       ",\"analyses\":{\"table1\":{\"yates\":" + (yates ? "true" : "false") + "}}}";
    json t1 = run_spec(name, spec)["results"]["table1"];
    REQUIRE(t1["variables"].size() == g["categorical_tests"].size());
    for (std::size_t v = 0; v < t1["variables"].size(); ++v) {
      const json& mine = t1["variables"][v];
      const json& ct = g["categorical_tests"][v];
      const json& chi = ct[yates ? "chisq_correct_true" : "chisq_correct_false"];
      std::string var = ct["variable"];
      CAPTURE(var);
      for (std::size_t l = 0; l < ct["levels"].size(); ++l)
        for (std::size_t k = 0; k < 2; ++k)
          CHECK(mine["by_group"][k]["counts"][l] == ct["table"]["rows"][l][k]);
      CHECK_CLOSE((var + " chisq"), num(mine["tests"]["chisq"]["statistic"]), num(chi["statistic"]),
                  1e-6);
      CHECK_P((var + " chisq p"), num(mine["tests"]["chisq"]["p"]), num(chi["p"]));
      CHECK(mine["tests"]["chisq"]["yates_applied"] == chi["yates_applied"]);
      if (!ct["fisher"]["p"].is_null())
        CHECK_P((var + " fisher p"), num(mine["tests"]["fisher"]["p"]), num(ct["fisher"]["p"]));
    }
  }
}

}  // namespace

TEST_CASE(
    "Table 1 chi-square / Fisher through the spec on five datasets (chisq.test, fisher.test)") {
  check_table1(
      "lung",
      R"("time":"time","event":{"column":"status","values":[2]},"group":{"column":"sex","levels":["1","2"]})");
  check_table1("veteran",
               R"("time":"time","event":"status","group":{"column":"trt","levels":["1","2"]})");
  check_table1(
      "colon_bin",
      R"("time":"time","event":"status","group":{"column":"rx","levels":["Obs","Lev+5FU"]})");
  check_table1(
      "pbc",
      R"("time":"time","event":{"column":"status","values":[2]},"group":{"column":"trt","levels":["2","1"]})");
  check_table1("rotterdam",
               R"("time":"dtime","event":"death","group":{"column":"chemo","levels":["0","1"]})");
}

TEST_CASE(
    "Table 1 describes an auto 0/1 covariate as counts by default, as the same column declared "
    "a factor (rotterdam meno, hormon; pbc ascites, hepato, spiders; colon_bin sex ... surg)") {
  // The goldens' categorical_tests: table(factor(x), group), chisq.test(correct = TRUE),
  // fisher.test, e.g. rotterdam: table(meno, chemo) = [[821, 491], [1581, 89]],
  // chisq.test p = 1.2747922371228865e-106, fisher.test p = 2.9268235603179565e-112.
  const std::map<std::string, std::string> outcome_and_group = {
      {"rotterdam",
       R"("time":"dtime","event":"death","group":{"column":"chemo","levels":["0","1"]})"},
      {"pbc",
       R"("time":"time","event":{"column":"status","values":[2]},"group":{"column":"trt","levels":["2","1"]})"},
      {"colon_bin",
       R"("time":"time","event":"status","group":{"column":"rx","levels":["Obs","Lev+5FU"]})"}};
  for (const auto& entry : outcome_and_group) {
    // Plain names, not structured bindings: C++17 lambdas cannot capture those (clang refuses).
    const std::string& name = entry.first;
    const std::string& og = entry.second;
    CAPTURE(name);
    const json& g = golden(name);
    json flags = json::array(), as_factors = json::array(), as_numbers = json::array();
    std::vector<json> want;
    for (const auto& ct : g["categorical_tests"])
      if (ct["levels"] == json::array({"0", "1"})) {
        flags.push_back(ct["variable"]);
        as_factors.push_back(
            {{"column", ct["variable"]}, {"type", "factor"}, {"levels", ct["levels"]}});
        as_numbers.push_back({{"column", ct["variable"]}, {"type", "numeric"}});
        want.push_back(ct);
      }
    REQUIRE(flags.size() >= 2);
    auto table1 = [&](const json& covs, const std::string& options) {
      return run_spec(name, "{" + og + ",\"covariates\":" + covs.dump() +
                                ",\"analyses\":{\"table1\":" + options + ",\"cox\":{}}}");
    };
    const json counts = table1(flags, "{}");
    const json factors = table1(as_factors, "{}");
    const json numeric = table1(flags, R"({"binary":"numeric"})");
    const json declared = table1(as_numbers, "{}");
    CHECK(counts["spec"]["analyses"]["table1"]["binary"] == "counts");
    CHECK(numeric["spec"]["analyses"]["table1"]["binary"] == "numeric");
    const json& vars = counts["results"]["table1"]["variables"];
    REQUIRE(vars.size() == want.size());
    for (std::size_t v = 0; v < vars.size(); ++v) {
      const json& mine = vars[v];
      const json& ct = want[v];
      std::string var = ct["variable"];
      CAPTURE(var);
      CHECK(mine["type"] == "factor");
      CHECK(mine["binary"] == true);
      CHECK(mine["levels"] == json::array({"0", "1"}));
      for (std::size_t l = 0; l < 2; ++l)
        for (std::size_t k = 0; k < 2; ++k)
          CHECK(mine["by_group"][k]["counts"][l] == ct["table"]["rows"][l][k]);
      const json& chi = ct["chisq_correct_true"];
      CHECK_CLOSE((var + " chisq"), num(mine["tests"]["chisq"]["statistic"]), num(chi["statistic"]),
                  1e-6);
      CHECK_P((var + " chisq p"), num(mine["tests"]["chisq"]["p"]), num(chi["p"]));
      CHECK(mine["tests"]["chisq"]["yates_applied"] == true);
      CHECK_P((var + " fisher p"), num(mine["tests"]["fisher"]["p"]), num(ct["fisher"]["p"]));
      CHECK_CLOSE((var + " fisher OR"), num(mine["tests"]["fisher"]["odds_ratio"]),
                  num(ct["fisher"]["odds_ratio_cond_mle"]), 1e-6);
      // Byte for byte the column declared a factor with levels 0, 1, but for the flag.
      json same = mine;
      same.erase("binary");
      CHECK(same.dump() == factors["results"]["table1"]["variables"][v].dump());
      // "numeric" and a declared numeric give today's mean (SD) and t / Wilcoxon.
      const json& n = numeric["results"]["table1"]["variables"][v];
      CHECK(n["type"] == "numeric");
      CHECK_FALSE(n.contains("binary"));
      CHECK(n.dump() == declared["results"]["table1"]["variables"][v].dump());
      CHECK(declared["results"]["table1"]["variables"][v]["type"] == "numeric");
      // mean(x) of a 0/1 column = the share of 1s
      const json& o = mine["overall"];
      CHECK_CLOSE((var + " mean"), num(n["overall"]["mean"]),
                  num(o["counts"][1]) / (num(o["counts"][0]) + num(o["counts"][1])), 1e-12);
    }
    // Only Table 1 reads the flags as counts: the Cox block is the same bytes.
    CHECK(counts["results"]["cox"].dump() == numeric["results"]["cox"].dump());
    CHECK(counts["results"]["cox"].dump() == declared["results"]["cox"].dump());
    CHECK(counts["results"]["cox"].dump() != factors["results"]["cox"].dump());
    const std::string rule = counts["results"]["table1"]["conventions"]["binary"];
    CHECK(rule.find("all 0 or 1") != std::string::npos);
    CHECK(rule.find("table(factor(x, levels = c(0, 1)), group)") != std::string::npos);
    CHECK(numeric["results"]["table1"]["conventions"]["binary"].get<std::string>().rfind(
              "binary = \"numeric\"", 0) == 0);
  }
}

TEST_CASE("Table 1 flags: decided on the whole file; other numbers, text and declared types stay") {
  // pbc: edema holds 0, 0.5 and 1 (numeric), sex is text, ascites 0/1 with NA where trt is NA.
  json r = run_spec("pbc", R"({"time":"time","event":{"column":"status","values":[2]},
    "group":{"column":"trt","levels":["2","1"]},"filter":"ascites == 0",
    "covariates":["ascites","edema","sex",{"column":"hepato","type":"numeric"}],
    "analyses":{"table1":{}}})");
  const json& vars = r["results"]["table1"]["variables"];
  // ascites is 0 in every row the filter keeps: still levels 0 and 1, the 1s counted 0,
  // as table(factor(ascites, levels = c(0, 1)), trt) on the 288 rows: [[144, 144], [0, 0]].
  CHECK(vars[0]["binary"] == true);
  CHECK(vars[0]["levels"] == json::array({"0", "1"}));
  CHECK(vars[0]["by_group"][0]["counts"] == json::array({144, 0}));
  CHECK(vars[0]["by_group"][1]["counts"] == json::array({144, 0}));
  CHECK(vars[1]["type"] == "numeric");
  CHECK_FALSE(vars[1].contains("binary"));
  CHECK(vars[2]["type"] == "factor");
  CHECK_FALSE(vars[2].contains("binary"));
  CHECK(vars[3]["type"] == "numeric");
  CHECK_FALSE(vars[3].contains("binary"));
}

TEST_CASE("Table 1 numeric rows: mean, SD, median, quartiles as R (lung age by sex)") {
  // with(lung, tapply(age, sex, mean)); sd; quantile(type = 7)
  json t1 = run_spec("lung",
                     R"({"time":"time","event":"status","group":{"column":"sex","levels":["1","2"]},
    "covariates":["age"],"analyses":{"table1":{}}})")["results"]["table1"];
  const json& age = t1["variables"][0];
  CHECK(age["type"] == "numeric");
  CHECK_CLOSE("mean male", num(age["by_group"][0]["mean"]), 63.340579710144929, 1e-12);
  CHECK_CLOSE("mean female", num(age["by_group"][1]["mean"]), 61.077777777777776, 1e-12);
  CHECK(age["overall"]["median"] == 63);
  CHECK(age["overall"]["q1"] == 56);
  CHECK(age["overall"]["q3"] == 69);
  // t.test(age ~ sex, data = lung); wilcox.test(age ~ sex, data = lung) (ties: normal, correct)
  const json& t = age["tests"]["t"];
  CHECK(t["method"] == "Welch Two Sample t-test");
  CHECK_CLOSE("t", num(t["statistic"]), 1.8631761513845935, 1e-9);
  CHECK_CLOSE("df", num(t["df"]), 194.71549828138458, 1e-9);
  CHECK_P("t p", num(t["p"]), 0.063943361198874601);
  CHECK_CLOSE("mean difference", num(t["mean_difference"]), 2.2628019323671538, 1e-9);
  CHECK(num(age["tests"]["wilcoxon"]["statistic"]) == 7136.5);
  CHECK_P("wilcoxon p", num(age["tests"]["wilcoxon"]["p"]), 0.057006281451711542);
  CHECK(age["tests"]["wilcoxon"]["exact"] == false);
}

TEST_CASE("warnings name groups by their level, not a code") {
  // lung, ph.ecog 3 has one patient (dead): a pairwise log-rank with it and KM per level.
  json r = run_spec("lung", R"({"time":"time","event":{"column":"status","values":[2]},
    "group":{"column":"ph.ecog","levels":["0","1","2","3"]},"covariates":["age"],
    "analyses":{"table1":{},"km":{}}})");
  bool named = false;
  for (const auto& w : r["warnings"]) {
    std::string m = w["message"];
    CHECK(m.find("group code") == std::string::npos);
    CHECK(m.find("Group 4") == std::string::npos);
    named |= m.find("group '3'") != std::string::npos;
  }
  CHECK(named);
}

TEST_CASE(
    "Table 1 numeric summaries on five datasets (mean, sd, quantile type 7: tests/r/table1.R)") {
  const json& expected = testsupport::extra("table1");
  const std::map<std::string, std::string> outcome = {
      {"lung", R"("time":"time","event":{"column":"status","values":[2]})"},
      {"veteran", R"("time":"time","event":"status")"},
      {"colon_bin", R"("time":"time","event":"status")"},
      {"pbc", R"("time":"time","event":{"column":"status","values":[2]})"},
      {"rotterdam", R"("time":"dtime","event":"death")"}};
  for (const json& cs : expected) {
    std::string name = cs["dataset"];
    CAPTURE(name);
    json covs = json::array();
    for (const auto& v : cs["variables"]) covs.push_back(v["variable"]);
    json group = {{"column", cs["group"]}, {"levels", cs["levels"]}};
    std::string spec = "{" + outcome.at(name) + ",\"group\":" + group.dump() +
                       ",\"covariates\":" + covs.dump() + ",\"analyses\":{\"table1\":{}}}";
    json t1 = run_spec(name, spec)["results"]["table1"];
    for (std::size_t v = 0; v < cs["variables"].size(); ++v) {
      const json& want = cs["variables"][v];
      const json& got = t1["variables"][v];
      std::string var = want["variable"];
      CAPTURE(var);
      auto same = [&](const json& g, const json& w) {
        CHECK(g["n"] == w["n"]);
        CHECK(g["missing"] == w["missing"]);
        for (const char* k : {"mean", "sd", "median", "q1", "q3", "min", "max"})
          CHECK_CLOSE((var + " " + k), num(g[k]), num(w[k]), 1e-6);
      };
      same(got["overall"], want["overall"]);
      for (std::size_t k = 0; k < 2; ++k) same(got["by_group"][k], want["by_group"][k]);
    }
  }
}

TEST_CASE(
    "options through the spec on five datasets: KM log-log/plain, rho = 1, pairwise, stratified "
    "Cox") {
  // R calls in tests/r/spec_options.R (survfit conf.type, survdiff rho, p.adjust, coxph +
  // strata()).
  const json& expected = testsupport::extra("spec_options");
  for (const json& cs : expected) {
    std::string name = cs["dataset"];
    CAPTURE(name);
    json base = {{"time", cs["time"]},
                 {"event", {{"column", cs["event_column"]}, {"values", {cs["event_value"]}}}},
                 {"group", {{"column", cs["group"]}, {"levels", cs["levels"]}}},
                 {"covariates", cs["covariates"]}};
    struct Run {
      const char* conf_type;
      const char* ties;
      double rho;
      const char* adjust;
    };
    for (const Run& opt :
         {Run{"log-log", "efron", 1.0, "holm"}, Run{"plain", "breslow", 0.0, "bonferroni"}}) {
      CAPTURE(opt.conf_type);
      json spec = base;
      spec["analyses"] = {
          {"km", {{"conf_type", opt.conf_type}, {"times", cs["times"]}}},
          {"logrank", {{"rho", opt.rho}, {"by", {cs["kcol"]}}, {"pairwise_adjust", opt.adjust}}},
          {"cox", {{"ties", opt.ties}, {"strata", cs["strata"]}, {"univariate", false}}}};
      json res = run_spec(name, spec.dump())["results"];
      // Kaplan-Meier CIs.
      for (const json& km : cs["km"]) {
        if (km["conf_type"] != opt.conf_type) continue;
        for (std::size_t k = 0; k < 2; ++k) {
          const json& curve = res["km"]["by_group"][k];
          CHECK_CLOSE("median", num(curve["median"]["estimate"]), num(km["median"][k]), 1e-6);
          CHECK_CLOSE("median lower", num(curve["median"]["lower"]), num(km["median_lower"][k]),
                      1e-6);
          CHECK_CLOSE("median upper", num(curve["median"]["upper"]), num(km["median_upper"][k]),
                      1e-6);
          for (std::size_t i = 0; i < km["at_lower"][k].size(); ++i) {
            CHECK_CLOSE("lower at time", num(curve["at_times"]["lower"][i]),
                        num(km["at_lower"][k][i]), 1e-6);
            CHECK_CLOSE("upper at time", num(curve["at_times"]["upper"][i]),
                        num(km["at_upper"][k][i]), 1e-6);
          }
        }
      }
      // G-rho with rho = 1 by group.
      if (opt.rho == 1.0) {
        CHECK_CLOSE("rho=1 chisq", num(res["logrank"]["by_group"]["statistic"]),
                    num(cs["logrank_rho1"]["chisq"]), 1e-6);
        CHECK_P("rho=1 p", num(res["logrank"]["by_group"]["p"]), num(cs["logrank_rho1"]["p"]));
      } else {
        // Pairwise log-rank (rho = 0) with the chosen adjustment, matched by level names.
        const json& pairs = res["logrank"]["by"][0]["pairwise"]["pairs"];
        REQUIRE(pairs.size() == cs["pairwise"].size());
        for (const json& want : cs["pairwise"]) {
          bool found = false;
          for (const json& got : pairs) {
            bool same = (got["a"] == want["a"] && got["b"] == want["b"]) ||
                        (got["a"] == want["b"] && got["b"] == want["a"]);
            if (!same) continue;
            found = true;
            CHECK_CLOSE("pair chisq", num(got["statistic"]), num(want["chisq"]), 1e-6);
            CHECK_P("pair p", num(got["p"]), num(want["p"]));
            CHECK_P("pair p adjusted", num(got["p_adjusted"]), num(want[opt.adjust]));
          }
          CHECK(found);
        }
      }
      // Stratified multivariable Cox.
      for (const json& cox : cs["cox_strata"]) {
        if (cox["ties"] != opt.ties) continue;
        const json& fit = res["cox"]["multivariable"];
        CHECK(fit["n"] == cox["n"]);
        CHECK(fit["nevent"] == cox["nevent"]);
        CHECK(fit["iterations"] == cox["iter"]);
        for (std::size_t j = 0; j < cox["coef"].size(); ++j) {
          CHECK_CLOSE("strata coef", num(fit["coefficients"]["coef"][j]), num(cox["coef"][j]),
                      1e-6);
          CHECK_CLOSE("strata se", num(fit["coefficients"]["se"][j]), num(cox["se"][j]), 1e-6);
        }
        CHECK_CLOSE("loglik null", num(fit["loglik_null"]), num(cox["loglik"][0]), 1e-6);
        CHECK_CLOSE("loglik", num(fit["loglik"]), num(cox["loglik"][1]), 1e-6);
        CHECK_CLOSE("concordance", num(fit["concordance"]["concordance"]), num(cox["concordance"]),
                    1e-6);
        CHECK_P("lrt p", num(fit["tests"]["lrt"]["p"]), num(cox["lrt_p"]));
        CHECK_P("score p", num(fit["tests"]["score"]["p"]), num(cox["score_p"]));
      }
    }
  }
}

TEST_CASE("a subcohort filter restricts every analysis (survfit on subset(lung, ...))") {
  // survfit(Surv(time, status) ~ 1, data = subset(lung, ph.ecog %in% c(0, 1) & age < 70)):
  // n 142, events 91, median 364 (337, 457)
  json r = run_spec("lung", R"({"filter":"ph.ecog in (0, 1) and age < 70","time":"time",
    "event":{"column":"status","values":[2]},"analyses":{"km":{}}})");
  CHECK(r["cohort"]["rows_in_file"] == 228);
  CHECK(r["cohort"]["rows_available"] == 142);
  const json& km = r["results"]["km"]["overall"];
  CHECK(km["n"] == 142);
  CHECK(km["events"] == 91);
  CHECK(km["median"]["estimate"] == 364);
  CHECK(km["median"]["lower"] == 337);
  CHECK(km["median"]["upper"] == 457);
  localsurv::Session s;
  s.set_data(testsupport::read_file(testsupport::test_data_path("datasets/lung.csv")));
  json bad = json::parse(s.run(R"({"filter":"ph.ecog => 1","time":"time","event":"status"})"));
  CHECK(bad["ok"] == false);
  CHECK(bad["error"]["field"] == "filter");
}

TEST_CASE("derived BED cut at its maxstat cutpoint reproduces the golden split (npc_synth_1)") {
  // golden cutpoints[bed]: subset lt_bone == 1 (n 321, 143 events); high = bed > 60 (n 117);
  // survdiff(Surv(os_months, death) ~ high) chisq 3.7595579737521083
  const json& g = golden("npc_synth_1");
  const json* cp = nullptr;
  for (const auto& c : g["cutpoints"])
    if (c["variable"] == "bed") cp = &c;
  REQUIRE(cp != nullptr);
  json r = run_spec("npc_synth_1", R"({
    "derive": [{"name": "bed", "bed": {"dose": "bone_rt_dose_gy", "fractions": "bone_rt_fractions", "alpha_beta": 10}},
               {"name": "bed_group", "cut": {"column": "bed", "breaks": [60], "labels": ["<=60", ">60"], "right": true}}],
    "filter": "lt_bone == 1", "time": {"column": "os_months", "unit": "months"}, "event": "death",
    "group": "bed_group", "analyses": {"logrank": {}}})");
  CHECK(r["cohort"]["rows_used"] == (*cp)["n"]);
  CHECK(r["cohort"]["events"] == (*cp)["nevent"]);
  const json& lr = r["results"]["logrank"]["by_group"];
  CHECK(lr["groups"] == json::array({"<=60", ">60"}));
  CHECK(lr["n"][1] == (*cp)["split_at_cutpoint"]["n_high"]);
  CHECK_CLOSE("split chisq", num(lr["statistic"]),
              num((*cp)["split_at_cutpoint"]["logrank"]["chisq"]), 1e-6);
  CHECK_P("split p", num(lr["p"]), num((*cp)["split_at_cutpoint"]["logrank"]["p"]));
  // Mistakes in a derived column name the spec path.
  localsurv::Session s;
  s.set_data(testsupport::read_file(testsupport::test_data_path("datasets/npc_synth_1.csv")));
  json bad = json::parse(s.run(
      R"({"derive":[{"name":"x","cut":{"column":"age"},"bed":{}}],"time":"os_months","event":"death"})"));
  CHECK(bad["error"]["field"] == "derive[0]");
}

TEST_CASE("proportional-hazards test through the spec equals cox.zph on five datasets") {
  // cox.zph(multivariable Efron fit, transform = "km", terms = TRUE / FALSE): golden cox_zph
  const std::map<std::string, std::string> specs = {
      {"lung",
       R"({"time":"time","event":{"column":"status","values":[2]},"group":{"column":"sex","levels":["1","2"]},
        "covariates":["age","ph.ecog","ph.karno","wt.loss"],"analyses":{"cox":{"univariate":false}}})"},
      {"veteran", R"({"time":"time","event":"status","group":{"column":"trt","levels":["1","2"]},
        "covariates":[{"column":"celltype","levels":["squamous","smallcell","adeno","large"]},"karno","diagtime","age",
        {"column":"prior","type":"factor","levels":["0","10"]}],"analyses":{"cox":{"univariate":false}}})"},
      {"pbc",
       R"({"time":"time","event":{"column":"status","values":[2]},"group":{"column":"trt","levels":["2","1"]},
        "covariates":["age",{"column":"sex","levels":["m","f"]},"ascites","hepato","spiders",
        {"column":"edema","type":"factor","levels":["0","0.5","1"]},"bili","albumin","protime",
        {"column":"stage","type":"factor","levels":["1","2","3","4"]}],"analyses":{"cox":{"univariate":false}}})"},
      {"rotterdam",
       R"({"time":"dtime","event":"death","group":{"column":"chemo","levels":["0","1"]},
        "covariates":["age","meno",{"column":"size","levels":["<=20","20-50",">50"]},
        {"column":"grade","type":"factor","levels":["2","3"]},"nodes","pgr","er","hormon"],"analyses":{"cox":{"univariate":false}}})"},
      {"colon_bin",
       R"({"time":"time","event":"status","group":{"column":"rx","levels":["Obs","Lev+5FU"]},
        "covariates":["sex","age","obstruct","perfor","adhere","nodes",{"column":"differ","type":"factor","levels":["1","2","3"]},
        {"column":"extent","type":"factor","levels":["1","2","3","4"]},"surg"],"analyses":{"cox":{"univariate":false}}})"}};
  for (const auto& entry : specs) {
    const std::string& name = entry.first;
    const std::string& spec = entry.second;
    CAPTURE(name);
    const json& z = golden(name)["cox_zph"];
    const json result = run_spec(name, spec);
    const json& ph = result["results"]["cox"]["multivariable"]["ph_test"];
    for (const char* table : {"by_term", "by_coefficient"}) {
      REQUIRE(ph[table].size() == z[table]["term"].size());
      for (std::size_t i = 0; i < ph[table].size(); ++i) {
        std::string term = z[table]["term"][i];
        CHECK_CLOSE((term + " chisq"), num(ph[table][i]["statistic"]), num(z[table]["chisq"][i]),
                    1e-6);
        CHECK(ph[table][i]["df"] == z[table]["df"][i]);
        CHECK_P((term + " p"), num(ph[table][i]["p"]), num(z[table]["p"][i]));
      }
    }
  }
}

TEST_CASE(
    "matching through the spec: MatchIt's corrected pairs, balance and matched outcome on five "
    "datasets") {
  // matchit(treat ~ covariates, method = "nearest", ...) with the four golden specs; pairs from the
  // `corrected` block (MatchIt >= 4.5.4); summary(m, standardize = TRUE); post-match
  // coxph(Surv ~ treat, cluster = subclass) and survdiff.
  struct Spec {
    const char* golden;
    const char* options;
  };
  const Spec specs[] = {{"a_default", R"({})"},
                        {"b_caliper_0.01_raw", R"({"caliper":0.01,"caliper_scale":"raw"})"},
                        {"c_caliper_0.2sd_linear_logit",
                         R"({"distance":"logit","caliper":0.2,"caliper_scale":"sd"})"},
                        {"d_caliper_0.002_raw", R"({"caliper":0.002,"caliper_scale":"raw"})"}};
  const std::map<std::string, std::string> base = {
      {"lung",
       R"("time":"time","event":{"column":"status","values":[2]},"group":{"column":"sex","levels":["1","2"]},
        "covariates":["age","ph.ecog","ph.karno","wt.loss"])"},
      {"veteran", R"("time":"time","event":"status","group":{"column":"trt","levels":["1","2"]},
        "covariates":[{"column":"celltype","levels":["squamous","smallcell","adeno","large"]},"karno","diagtime","age",
        {"column":"prior","type":"factor","levels":["0","10"]}])"},
      {"pbc",
       R"("time":"time","event":{"column":"status","values":[2]},"group":{"column":"trt","levels":["2","1"]},
        "covariates":["age",{"column":"sex","levels":["m","f"]},"ascites","hepato","spiders",
        {"column":"edema","type":"factor","levels":["0","0.5","1"]},"bili","albumin","protime",
        {"column":"stage","type":"factor","levels":["1","2","3","4"]}])"},
      {"rotterdam", R"("time":"dtime","event":"death","group":{"column":"chemo","levels":["0","1"]},
        "covariates":["age","meno",{"column":"size","levels":["<=20","20-50",">50"]},
        {"column":"grade","type":"factor","levels":["2","3"]},"nodes","pgr","er","hormon"])"},
      {"colon_bin",
       R"("time":"time","event":"status","group":{"column":"rx","levels":["Obs","Lev+5FU"]},
        "covariates":["sex","age","obstruct","perfor","adhere","nodes",{"column":"differ","type":"factor","levels":["1","2","3"]},
        {"column":"extent","type":"factor","levels":["1","2","3","4"]},"surg"])"}};
  for (const auto& entry : base) {
    const std::string& name = entry.first;
    const std::string& outcome = entry.second;
    for (const Spec& sp : specs) {
      CAPTURE(name);
      CAPTURE(sp.golden);
      const json& g = golden(name)["matching"][sp.golden]["corrected"];
      const json result =
          run_spec(name, "{" + outcome + ",\"analyses\":{\"matching\":" + sp.options + "}}");
      const json& m = result["results"]["matching"];
      CHECK(m["counts"]["matched_treated"] == g["n_matched_treated"]);
      CHECK(m["counts"]["matched_control"] == g["n_matched_control"]);
      // The id column of every reference CSV is the 1-based row number.
      CHECK(m["pairs"]["treated_row"] == g["pairs"]["treated_id"]);
      CHECK(m["pairs"]["control_row"] == g["pairs"]["control_id"]);
      CHECK(m["pairs"]["subclass"] == g["pairs"]["subclass"]);
      // Balance after matching: distance and numeric covariates (factor levels are named
      // differently).
      const json& after = m["balance"]["after"]["columns"];
      const json& gb = g["balance"]["after"];
      for (std::size_t i = 0; i < gb["variable"].size(); ++i) {
        std::string var = gb["variable"][i];
        for (const auto& col : after)
          if (col["variable"] == var) {
            CHECK_CLOSE((var + " SMD after"), num(col["smd"]), num(gb["Std. Mean Diff."][i]), 1e-6);
            CHECK_CLOSE((var + " mean control after"), num(col["mean_control"]),
                        num(gb["Means Control"][i]), 1e-6);
          }
      }
      const json& post = m["matched_outcome"];
      const json& gp = g["post_match"];
      CHECK(post["n"] == gp["n"]);
      CHECK_CLOSE("post logrank", num(post["logrank"]["statistic"]), num(gp["logrank"]["chisq"]),
                  1e-6);
      const json& gc = gp["cox_efron_cluster_subclass"]["coefficients"];
      CHECK_CLOSE("post coef", num(post["cox"]["coefficients"]["coef"][0]), num(gc["coef"][0]),
                  1e-6);
      CHECK_CLOSE("post robust se", num(post["cox"]["coefficients"]["robust_se"][0]),
                  num(gc["robust_se"][0]), 1e-6);
      CHECK_P("post p", num(post["cox"]["coefficients"]["p"][0]), num(gc["p"][0]));
    }
  }
}

TEST_CASE("multivariable model from the univariate screen (lung, p < 0.05 by Wald)") {
  // Univariate Wald p: sex 0.0015, age 0.042, ph.ecog < 0.001, ph.karno 0.005, wt.loss 0.83, so
  // coxph(Surv(time, status) ~ factor(sex) + age + ph.ecog + ph.karno, lung): n 226, 163 events, 4
  // iterations
  json r = run_spec(
      "lung",
      R"({"time":"time","event":{"column":"status","values":[2]},"group":{"column":"sex","levels":["1","2"]},
    "covariates":["age","ph.ecog","ph.karno","wt.loss"],"analyses":{"cox":{"select_p":0.05}}})");
  const json& cox = r["results"]["cox"];
  REQUIRE(cox["selection"]["selected"].size() == 4);
  const json& m = cox["multivariable"];
  CHECK(m["n"] == 226);
  CHECK(m["nevent"] == 163);
  CHECK(m["iterations"] == 4);
  const double coef[] = {-0.57280239242968156, 0.01286782401960127, 0.63307690897565039,
                         0.012557755476241042};
  const double se[] = {0.16922200145232805, 0.0094044169868810774, 0.17603407546087607,
                       0.0095135915664413904};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK_CLOSE("coef", num(m["coefficients"]["coef"][i]), coef[i], 1e-6);
    CHECK_CLOSE("se", num(m["coefficients"]["se"][i]), se[i], 1e-6);
  }
  // Forcing wt.loss in brings back the full model of the golden.
  json forced = run_spec(
      "lung",
      R"({"time":"time","event":{"column":"status","values":[2]},"group":{"column":"sex","levels":["1","2"]},
    "covariates":["age","ph.ecog","ph.karno","wt.loss"],"analyses":{"cox":{"select_p":0.05,"force":["wt.loss"]}}})");
  // coxph(Surv(time, status == 2) ~ factor(sex) + age + ph.ecog + ph.karno + wt.loss, lung)$n
  CHECK(forced["results"]["cox"]["multivariable"]["n"] == 213);
  CHECK(forced["results"]["cox"]["selection"]["selected"][4]["reason"] == "forced in");
  localsurv::Session s;
  s.set_data(testsupport::read_file(testsupport::test_data_path("datasets/lung.csv")));
  json bad = json::parse(s.run(
      R"({"time":"time","event":"status","covariates":["age"],"analyses":{"cox":{"select_p":0.05,"force":["sex"]}}})"));
  CHECK(bad["error"]["field"] == "analyses.cox.force");
}

TEST_CASE("subcohorts rerun every analysis; an empty one reports its error and keeps the rest") {
  // survfit(Surv(time, status) ~ 1, data = subset(lung, ph.ecog %in% c(0, 1) & age < 70)): n 142,
  // median 364
  json r = run_spec("lung", R"({"time":"time","event":{"column":"status","values":[2]},
    "subcohorts":[{"name":"fit, under 70","filter":"ph.ecog in (0, 1) and age < 70"},{"name":"nobody","filter":"age > 200"}],
    "analyses":{"km":{}}})");
  CHECK(r["results"]["km"]["overall"]["n"] == 228);  // nrow(lung)
  REQUIRE(r["subcohorts"].size() == 2);
  const json& fit = r["subcohorts"][0];
  CHECK(fit["name"] == "fit, under 70");
  CHECK(fit["cohort"]["rows_used"] == 142);
  CHECK(fit["results"]["km"]["overall"]["median"]["estimate"] == 364);
  CHECK(r["subcohorts"][1]["error"]["message"].get<std::string>().find("nothing to analyse") !=
        std::string::npos);
}

TEST_CASE("a subcohort may run its own analyses; their options are echoed and checked") {
  // survdiff(Surv(time, status) ~ sex, data = subset(lung, ph.ecog %in% c(0, 1) & age < 70))
  json r =
      run_spec("lung", R"({"time":"time","event":{"column":"status","values":[2]},"group":"sex",
    "subcohorts":[{"name":"fit, under 70","filter":"ph.ecog in (0, 1) and age < 70",
                   "analyses":{"logrank":{"rho":1}}}],
    "analyses":{"km":{}}})");
  const json& sub = r["subcohorts"][0];
  CHECK(sub["results"].contains("logrank"));
  CHECK(!sub["results"].contains("km"));
  CHECK(sub["results"]["logrank"]["by_group"]["n"] == json::array({80, 62}));
  CHECK(r["spec"]["subcohorts"][0]["analyses"]["logrank"]["rho"] == 1);
  CHECK(!r["spec"]["subcohorts"][0]["analyses"].contains("km"));
  localsurv::Session s;
  s.set_data(testsupport::read_file(testsupport::test_data_path("datasets/lung.csv")));
  json bad = json::parse(s.run(R"({"time":"time","event":"status",
    "subcohorts":[{"name":"a","filter":"age > 50","analyses":{"km":{"conf_type":"arcsin"}}}]})"));
  CHECK(bad["error"]["field"] == "subcohorts[0].analyses.km.conf_type");
  // Its own covariates: coxph(Surv(time, status) ~ age, data = subset(lung, sex == 2))
  json own = run_spec("lung", R"({"time":"time","event":{"column":"status","values":[2]},
    "covariates":["ph.ecog","wt.loss"],
    "subcohorts":[{"name":"women","filter":"sex == 2","covariates":["age"],
                   "analyses":{"cox":{"multivariable":false}}}],
    "analyses":{"km":{}}})");
  const json& uni = own["subcohorts"][0]["results"]["cox"]["univariate"];
  REQUIRE(uni.size() == 1);
  CHECK(uni[0]["coefficients"]["name"] == json::array({"age"}));
  CHECK(uni[0]["n"] == 90);
  CHECK(own["spec"]["subcohorts"][0]["covariates"][0]["column"] == "age");
  json dup = json::parse(s.run(R"({"time":"time","event":"status",
    "subcohorts":[{"name":"a","filter":"age > 50","covariates":["age","age"]}]})"));
  CHECK(dup["error"]["field"] == "subcohorts[0].covariates[1]");
}

TEST_CASE("cutpoint through the spec equals maxstat.test on five datasets") {
  // maxstat.test(Surv ~ x, smethod = "LogRank", pmethod = "Lau94", minprop = 0.1, maxprop = 0.9):
  // golden cutpoints
  const std::map<std::string, std::string> outcome = {
      {"lung", R"("time":"time","event":{"column":"status","values":[2]})"},
      {"veteran", R"("time":"time","event":"status")"},
      {"colon_bin", R"("time":"time","event":"status")"},
      {"pbc",
       R"("filter":"trt is not missing","time":"time","event":{"column":"status","values":[2]})"},
      {"rotterdam", R"("time":"dtime","event":"death")"}};
  for (const auto& entry : outcome) {
    const std::string& name = entry.first;
    const std::string& o = entry.second;
    CAPTURE(name);
    const json& cp = golden(name)["cutpoints"][0];
    std::string var = cp["variable"];
    const json result =
        run_spec(name, "{" + o + R"(,"analyses":{"cutpoint":{"column":")" + var + "\"}}}");
    const json& m = result["results"]["cutpoint"]["maxstat"];
    CHECK(result["results"]["cutpoint"]["rows"]["rows_used"] == cp["n"]);
    CHECK(num(m["cutpoint"]) == num(cp["maxstat"]["cutpoint"]));
    CHECK_CLOSE("maxstat statistic", num(m["statistic"]), num(cp["maxstat"]["statistic"]), 1e-6);
    CHECK_P("Lau94 p", num(m["p"]), std::max(0.0, num(cp["maxstat"]["p"])));
    CHECK(m["candidates"]["cut"].size() == cp["maxstat"]["candidates"]["cut"].size());
    CHECK(m["n_high"] == cp["split_at_cutpoint"]["n_high"]);
  }
}

TEST_CASE(
    "subgroups through the spec equal the golden's per-level HRs and interaction tests "
    "(npc_synth_1)") {
  // golden subgroups: coxph(Surv(os_months, death) ~ treat) within each level; LRT of treat * x vs
  // treat + x
  const json& g = golden("npc_synth_1")["subgroups"]["results"];
  json spec = json::parse(R"({
    "derive": [{"name": "age45", "cut": {"column": "age", "breaks": [45], "labels": ["0", "1"]}},
               {"name": "kps90", "cut": {"column": "kps", "breaks": [90], "labels": ["0", "1"]}},
               {"name": "ebv_hi", "cut": {"column": "ebv_dna", "breaks": [10000], "labels": ["0", "1"]}},
               {"name": "cycles6", "cut": {"column": "chemo_cycles", "breaks": [6], "labels": ["0", "1"]}},
               {"name": "t4", "flag": {"column": "t_stage", "values": ["T4"]}},
               {"name": "n3", "flag": {"column": "n_stage", "values": ["N3"]}},
               {"name": "synchronous", "flag": {"column": "sequence", "values": ["synchronous"]}}],
    "time": {"column": "os_months", "unit": "months"}, "event": "death",
    "group": {"column": "lt", "levels": ["0", "1"]},
    "analyses": {"subgroups": {"variables": []}}})");
  std::vector<const json*> expected;
  for (const auto& sg : g) {
    std::string v = sg["variable"];
    json levels = json::array();
    for (const auto& l : sg["levels"]) levels.push_back(l["level"]);
    spec["analyses"]["subgroups"]["variables"].push_back({{"column", v}, {"levels", levels}});
    expected.push_back(&sg);
  }
  const json result = run_spec("npc_synth_1", spec.dump());
  const json& vars = result["results"]["subgroups"]["variables"];
  REQUIRE(vars.size() == expected.size());
  for (std::size_t i = 0; i < vars.size(); ++i) {
    const json& want = *expected[i];
    std::string v = want["variable"];
    CAPTURE(v);
    for (std::size_t l = 0; l < want["levels"].size(); ++l) {
      const json& got = vars[i]["levels"][l];
      const json& w = want["levels"][l];
      CHECK(got["n"] == w["n"]);
      CHECK(got["nevent"] == w["nevent"]);
      CHECK(got["n_treated"] == w["n_treated"]);
      CHECK_CLOSE("level coef", num(got["coef"]), num(w["coef"]), 1e-6);
      CHECK_CLOSE("level upper", num(got["upper"]), num(w["upper"]), 1e-6);
      CHECK_P("level p", num(got["p"]), num(w["p"]));
    }
    const json& inter = vars[i]["interaction"];
    CHECK_CLOSE("interaction coef", num(inter["coef"][0]), num(want["interaction"]["coef"]), 1e-6);
    CHECK_P("interaction Wald p", num(inter["p"][0]), num(want["interaction"]["wald_p"]));
    CHECK_CLOSE("interaction LRT", num(inter["lrt"]["statistic"]),
                num(want["interaction"]["lrt_statistic"]), 1e-6);
    CHECK_P("interaction LRT p", num(inter["lrt"]["p"]), num(want["interaction"]["lrt_p"]));
  }
}

TEST_CASE("matched outcome with the Cox model stratified on pairs (lung, a_default)") {
  // coxph(Surv(time, status == 2) ~ I(sex == 2) + strata(subclass), matched lung data of the
  // golden's corrected a_default pairs): n 172, 121 events, coef -0.6466271641285497, se
  // 0.26318067795115369, p 0.014011418851885745
  const json result = run_spec("lung", R"({"time":"time","event":{"column":"status","values":[2]},
    "group":{"column":"sex","levels":["1","2"]},"covariates":["age","ph.ecog","ph.karno","wt.loss"],
    "analyses":{"matching":{"outcome_model":"strata"}}})");
  const json& cox = result["results"]["matching"]["matched_outcome"]["cox"];
  CHECK(cox["n"] == 172);
  CHECK(cox["nevent"] == 121);
  CHECK_CLOSE("coef", num(cox["coefficients"]["coef"][0]), -0.6466271641285497, 1e-6);
  CHECK_CLOSE("se", num(cox["coefficients"]["se"][0]), 0.26318067795115369, 1e-6);
  CHECK_P("p", num(cox["coefficients"]["p"][0]), 0.014011418851885745);
  CHECK(cox["call"].get<std::string>().find("strata(subclass)") != std::string::npos);
}

TEST_CASE("balance tests before and after matching (pbc, a_default)") {
  // chisq.test / fisher.test of table(x, trt) on the 312 randomised rows and on the golden's
  // corrected pairs.
  const json result = run_spec(
      "pbc",
      R"({"time":"time","event":{"column":"status","values":[2]},"group":{"column":"trt","levels":["2","1"]},
    "covariates":["age",{"column":"sex","levels":["m","f"]},"ascites","hepato","spiders",
      {"column":"edema","type":"factor","levels":["0","0.5","1"]},"bili","albumin","protime",
      {"column":"stage","type":"factor","levels":["1","2","3","4"]}],"analyses":{"matching":{}}})");
  const json& tests = result["results"]["matching"]["balance"]["tests"];
  const std::map<std::string, std::vector<double>> want = {
      {"sex", {0.42122610010852751, 0.37743234975559886, 0.37520420697958773, 0.37542930656677509}},
      {"ascites",
       {0.56728646946500594, 0.5255826713727324, 0.52365425781622688, 0.52446534356998931}},
      {"stage",
       {0.20129629108287242, 0.2045555770409285, 0.18290360412606935, 0.18706548292937439}}};
  std::size_t seen = 0;
  for (const auto& t : tests) {
    auto it = want.find(t["variable"].get<std::string>());
    if (it == want.end()) continue;
    ++seen;
    CAPTURE(it->first);
    CHECK_P("chisq before", num(t["before"]["chisq_p"]), it->second[0]);
    CHECK_P("fisher before", num(t["before"]["fisher_p"]), it->second[1]);
    CHECK_P("chisq after", num(t["after"]["chisq_p"]), it->second[2]);
    CHECK_P("fisher after", num(t["after"]["fisher_p"]), it->second[3]);
  }
  CHECK(seen == 3);
  // Continuous covariates (age, bili, albumin, protime) by Welch's t:
  // t.test(age[trt == 1], age[trt == 2])$p.value on the 312 rows.
  REQUIRE(tests.size() == 10);
  CHECK(tests[0]["variable"] == "age");
  CHECK(tests[0]["test"] == "welch_t");
  CHECK_P("age welch p before", num(tests[0]["before"]["t_p"]), 0.017531775797648481);
  CHECK_P("bili welch p before", num(tests[6]["before"]["t_p"]), 0.13286415338126978);
}

TEST_CASE("progress: one call before each analysis, subcohorts named, then done == total") {
  localsurv::Session s;
  s.set_data(testsupport::read_file(testsupport::test_data_path("datasets/lung.csv")));
  std::vector<std::tuple<std::string, int, int>> calls;
  std::string out = s.run(R"({"time":"time","event":{"column":"status","values":[2]},"group":"sex",
    "subcohorts":[{"name":"old","filter":"age >= 70","analyses":{"km":{}}}],
    "analyses":{"km":{},"logrank":{},"cox":{}}})",
                          [&](const std::string& stage, int done, int total) {
                            calls.emplace_back(stage, done, total);
                          });
  CHECK(json::parse(out)["ok"] == true);
  REQUIRE(calls.size() == 5);
  CHECK(std::get<0>(calls[0]) == "Kaplan-Meier");
  CHECK(std::get<0>(calls[2]) == "Cox models");
  CHECK(std::get<0>(calls[3]) == "old: Kaplan-Meier");
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(std::get<1>(calls[i]) == static_cast<int>(i));
    CHECK(std::get<2>(calls[i]) == 4);
  }
  CHECK(calls.back() == std::make_tuple(std::string("done"), 4, 4));
  // Without a callback the result is the same bytes.
  CHECK(s.run(R"({"time":"time","event":{"column":"status","values":[2]},"group":"sex",
    "subcohorts":[{"name":"old","filter":"age >= 70","analyses":{"km":{}}}],
    "analyses":{"km":{},"logrank":{},"cox":{}}})") == out);
}

TEST_CASE(
    "data.sheet (the Excel sheet the page read) is echoed for the link and ignored by the engine") {
  json r = run_spec("lung", R"({"data":{"sheet":"Cohort 2"},"time":"time","event":"status",
    "analyses":{"km":{}}})");
  CHECK(r["spec"]["data"]["sheet"] == "Cohort 2");
  CHECK(r["results"]["km"]["overall"]["n"] == 228);  // nrow(lung)
}
