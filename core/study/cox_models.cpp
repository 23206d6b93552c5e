#include <algorithm>

#include "io/result_json.h"
#include "stats/concordance.h"
#include "stats/cox.h"
#include "stats/cox_zph.h"
#include "stats/distributions.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {

using json = nlohmann::ordered_json;

namespace {

// The fit of cox_model, as JSON.
json cox_fit_json(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                  const std::vector<TermSpec>& terms, const std::string& formula,
                  const std::string& label, std::vector<json>& warnings) {
  std::vector<std::string> needed;
  for (const auto& t : terms) needed.push_back(t.column);
  if (!spec.cox.strata.empty()) needed.push_back(spec.cox.strata);
  if (!spec.cox.cluster.empty()) needed.push_back(spec.cox.cluster);
  Frame f = make_frame(table, c, needed);
  const std::string empty_column = first_empty(table, c, needed);
  require_rows(table, c, f, needed, "the Cox model of " + label,
               empty_column == spec.cox.strata    ? "choose another strata column, or none"
               : empty_column == spec.cox.cluster ? "choose another cluster column, or none"
                                                  : "leave it out of the covariates");
  require_levels(table, terms, spec.group.column, "the Cox model of " + label);
  CoxInput in;
  in.time = f.time;
  in.status = f.event;
  Design d = build_design(table, terms, f.rows);
  in.x = d.x;
  in.names = d.names;
  if (!spec.cox.strata.empty()) in.strata = codes_for(table, spec.cox.strata, f.rows);
  if (!spec.cox.cluster.empty()) in.cluster = codes_for(table, spec.cox.cluster, f.rows);
  CoxOptions o;
  o.ties = spec.cox.ties;
  o.conf_level = spec.cox.conf_int;
  o.robust = !spec.cox.cluster.empty();
  CoxResult r = cox_fit(in, o);
  std::vector<Flag> fit_warnings = r.warnings;
  json coefs = {{"name", d.names},         {"term", d.terms},     {"level", d.levels},
                {"coef", numbers(r.coef)}, {"hr", numbers(r.hr)}, {"se", numbers(r.se)}};
  if (r.robust) coefs["robust_se"] = numbers(r.robust_se);
  coefs["lower"] = numbers(r.lower);
  coefs["upper"] = numbers(r.upper);
  coefs["z"] = numbers(r.z);
  coefs["p"] = numbers(r.p);
  json out = {{"formula", formula},
              {"rows", f.report},
              {"n", r.n},
              {"nevent", r.nevent},
              {"iterations", r.iterations},
              {"converged", r.converged},
              {"coefficients", coefs},
              {"var", matrix_json(r.var)},
              {"loglik_null", number(r.loglik_null)},
              {"loglik", number(r.loglik)}};
  json tests = {{"lrt", cox_test_json(r.lrt)},
                {"wald", cox_test_json(r.wald)},
                {"score", cox_test_json(r.score)}};
  if (r.robust) {
    tests["robust_score"] = cox_test_json(r.robust_score);
    out["n_clusters"] = r.n_clusters;
  }
  out["tests"] = tests;
  if (r.n > 0) {
    ConcordanceResult cc =
        concordance(f.time, f.event, r.linear_predictors, in.strata, {}, in.cluster);
    fit_warnings.insert(fit_warnings.end(), cc.warnings.begin(), cc.warnings.end());
    out["concordance"] = {{"concordant", cc.concordant},  {"discordant", cc.discordant},
                          {"tied_x", cc.tied_x},          {"tied_y", cc.tied_y},
                          {"tied_xy", cc.tied_xy},        {"concordance", number(cc.concordance)},
                          {"std_err", number(cc.std_err)}};
  }
  if (r.nevent > 0) {
    // Proportional-hazards check on the same fit (cox.zph ignores clusters).
    CoxZphResult zph = cox_zph(in, r, d.terms);
    fit_warnings.insert(fit_warnings.end(), zph.warnings.begin(), zph.warnings.end());
    auto table_json = [](const CoxZphTable& t) {
      json rows = json::array();
      for (std::size_t i = 0; i < t.term.size(); ++i) {
        json row = {{"term", t.term[i]}};
        add_test(row, t.test[i]);
        rows.push_back(row);
      }
      return rows;
    };
    out["ph_test"] = {{"call", "cox.zph(fit, transform = \"km\", terms = TRUE / FALSE)"},
                      {"by_term", table_json(zph.by_term)},
                      {"by_coefficient", table_json(zph.by_coefficient)}};
  }
  Vocabulary words = group_words(c.group_levels, spec.group.column);
  add_coefficients(words, d);
  json said = json::array();
  for (const auto& w : fit_warnings) {
    json one = warning_json({{"analysis", "cox"}, {"model", label}}, plain_warning(w, words));
    said.push_back(one["message"]);
    warnings.push_back(std::move(one));
  }
  out["warnings"] = said;
  return out;
}

// One coxph fit of time/event on `terms`, on the cohort rows complete for
// them; a model that cannot be fitted is {formula, terms, error}.
json cox_model(const Table& table, const Cohort& c, const AnalysisSpec& spec,
               const std::vector<TermSpec>& terms, std::vector<json>& warnings) {
  std::vector<std::string> term_names;
  for (const auto& t : terms) term_names.push_back(t.column);
  std::string formula = "Surv(" + spec.time.column + ", event) ~ " + joined(term_names, " + ");
  if (!spec.cox.strata.empty()) formula += " + strata(" + spec.cox.strata + ")";
  if (!spec.cox.cluster.empty()) formula += " + cluster(" + spec.cox.cluster + ")";
  const std::string label = joined(term_names, " + ");
  return isolated("the Cox model of " + label, "analyses.cox",
                  [&] { return cox_fit_json(table, c, spec, terms, formula, label, warnings); },
                  {{"formula", formula}, {"terms", term_names}});
}

}  // namespace

json run_cox(const Table& table, const Cohort& c, const AnalysisSpec& spec,
             std::vector<json>& warnings) {
  std::vector<TermSpec> terms;
  if (!spec.group.column.empty())
    terms.push_back(TermSpec{spec.group.column, TermKind::Factor, c.group_levels, ""});
  terms.insert(terms.end(), spec.covariates.begin(), spec.covariates.end());
  json out;
  out["conventions"] = {
      {"call", "coxph(Surv(time, event) ~ terms, ties = \"" + option_name(spec.cox.ties) + "\")"},
      {"ties", option_name(spec.cox.ties)},
      {"iteration",
       "Newton-Raphson from 0 with step halving; stops when |1 - loglik_old/loglik| <= 1e-9; at "
       "most 20 iterations"},
      // z spelled out: "z(0.95)" read as qnorm(0.95) = 1.645 to some readers.
      {"ci", "Wald, exp(coef -/+ z * se) with z = qnorm(" +
                 format_double((1 + spec.cox.conf_int) / 2) + ") = " +
                 value_text(normal_quantile((1 + spec.cox.conf_int) / 2)) +
                 std::string(spec.cox.cluster.empty()
                                 ? ""
                                 : ", se = robust sandwich SE clustered on " + spec.cox.cluster)},
      {"factors",
       "treatment contrasts: reference = first level; coefficient name = column + level"},
      {"missing", "complete cases per model"},
      {"concordance",
       "Harrell's C of the linear predictor, as coxph's fit$concordance (std: infinitesimal "
       "jackknife)"},
      {"ph_test",
       "cox.zph score test (survival 3.x), transform \"km\": per term, per coefficient, global"}};
  const bool screen = spec.cox.select_p > 0;
  std::vector<TermSpec> model_terms = terms;
  if (spec.cox.univariate) {
    json uni = json::array();
    for (const auto& t : terms) uni.push_back(cox_model(table, c, spec, {t}, warnings));
    if (screen) {
      model_terms.clear();
      json selected = json::array();
      for (std::size_t i = 0; i < terms.size(); ++i) {
        // A model that could not be fitted has no p: it is not selected.
        const json p = uni[i].contains("tests")
                           ? uni[i]["tests"][option_name(spec.cox.select_test)]["p"]
                           : json();
        bool forced = std::find(spec.cox.force.begin(), spec.cox.force.end(), terms[i].column) !=
                      spec.cox.force.end();
        bool passes = p.is_number() && p.get<double>() < spec.cox.select_p;
        if (forced || passes) {
          model_terms.push_back(terms[i]);
          selected.push_back({{"term", terms[i].column},
                              {"p", p},
                              {"reason", passes ? "p below threshold" : "forced in"}});
        }
      }
      out["selection"] = {
          {"rule",
           "terms whose univariate " +
               std::string(spec.cox.select_test == SelectTest::Wald ? "Wald" : "likelihood-ratio") +
               " p (whole term) is below " + format_double(spec.cox.select_p) +
               ", plus forced terms"},
          {"selected", selected}};
    }
    out["univariate"] = uni;
  }
  if (spec.cox.multivariable && !model_terms.empty() &&
      (model_terms.size() > 1 || !spec.cox.univariate || screen))
    out["multivariable"] = cox_model(table, c, spec, model_terms, warnings);
  else if (spec.cox.multivariable && screen)
    warnings.push_back(
        {{"analysis", "cox"},
         {"message", "no term passed the univariate screen: no multivariable model"}});
  return out;
}

}  // namespace localsurv
