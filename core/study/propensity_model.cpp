#include <algorithm>

#include "io/result_json.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {

using json = nlohmann::ordered_json;

// A propensity model needs a group of two levels with patients in both.
void require_two_arms(const std::vector<std::string>& levels, const std::vector<int>& group,
                      const Vocabulary& v, const std::string& what) {
  const std::string& column = v.group_column;
  if (levels.size() != 2)
    throw Failure(what + " compares two groups, but '" + column + "' has " +
                      std::to_string(levels.size()) + (levels.size() == 1 ? " level" : " levels") +
                      (levels.empty() ? std::string() : " (" + quoted(levels) + ")") +
                      ": choose a group column with two levels",
                  column);
  const auto treated = static_cast<std::size_t>(std::count(group.begin(), group.end(), 1));
  if (treated == 0 || treated == group.size())
    throw Failure(what + " needs patients in both groups, but all " + std::to_string(group.size()) +
                      " patients with every covariate known are in " + column + " = " +
                      levels[treated == 0 ? 0 : 1] +
                      "; check the group column and the covariates' missing values",
                  column);
}

Propensity propensity_model(const Table& table, const Frame& f, const std::vector<TermSpec>& terms,
                            Vocabulary words) {
  require_levels(table, terms, words.group_column, "the propensity model of " + words.treatment,
                 &f.rows);
  Propensity p;
  p.d = build_design(table, terms, f.rows);
  try {
    p.r = logistic_regression(f.group, p.d.x, p.d.names);
  } catch (const Error& e) {
    throw Failure(plain_error("the propensity model of " + words.treatment, e.what()).message +
                      "; or leave covariates out",
                  "covariates", e.what());
  }
  add_coefficients(words, p.d);
  append_plain(p.warnings, p.r.warnings, words);
  return p;
}

json run_logistic(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                  std::vector<json>& warnings) {
  const Vocabulary words = treatment_words(c, spec);
  const std::string what = "the propensity model of " + words.treatment;
  require_two_arms(c.group_levels, c.group, words, what);
  std::vector<std::string> needed;
  for (const auto& t : spec.covariates) needed.push_back(t.column);
  Frame f = make_frame(table, c, needed);
  require_rows(table, c, f, needed, what, "leave it out of the covariates");
  require_two_arms(c.group_levels, f.group, words, what);
  const Propensity ps = propensity_model(table, f, spec.covariates, words);
  add_said(warnings, "logistic", ps.warnings);
  const LogisticResult& r = ps.r;
  std::vector<std::string> cov_names;
  for (const auto& t : spec.covariates) cov_names.push_back(t.column);
  json out;
  out["conventions"] = {{"call", "glm(group == \"" + c.group_levels[1] + "\" ~ " +
                                     joined(cov_names, " + ") + ", family = binomial)"},
                        {"fitting", "IRLS as glm.fit: epsilon 1e-8, maxit 25"},
                        {"outcome", spec.group.column + " = " + c.group_levels[1] + " (vs " +
                                        c.group_levels[0] + ")"}};
  out["rows"] = f.report;
  out["coefficients"] = {{"name", r.names},
                         {"estimate", numbers(r.estimate)},
                         {"se", numbers(r.se)},
                         {"z", numbers(r.z)},
                         {"p", numbers(r.p)}};
  out["deviance"] = number(r.deviance);
  out["null_deviance"] = number(r.null_deviance);
  out["df_residual"] = r.df_residual;
  out["df_null"] = r.df_null;
  out["aic"] = number(r.aic);
  out["iterations"] = r.iterations;
  out["converged"] = r.converged;
  return out;
}

}  // namespace localsurv
