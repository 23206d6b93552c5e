#include "study/analysis.h"

#include <algorithm>
#include <new>

#include "error.h"
#include "io/result_json.h"
#include "study/cohort.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {
namespace {

using json = nlohmann::ordered_json;

// Counts analyses as they start, for the caller's progress bar.
class ProgressCounter {
 public:
  ProgressCounter(const Progress& progress, int total) : progress_(progress), total_(total) {}
  void step(const std::string& stage) {
    if (progress_) progress_(stage, done_, total_);
    ++done_;
  }
  void finish() {
    if (progress_) progress_("done", total_, total_);
  }

 private:
  const Progress& progress_;
  int total_;
  int done_ = 0;
};

int enabled_analyses(const AnalysisSpec& s) {
  return s.km.enabled + s.followup.enabled + s.logrank.enabled + s.cox.enabled +
         s.logistic.enabled + s.table1.enabled + s.matching.enabled + s.cutpoint.enabled +
         s.subgroups.enabled;
}

// The cohort and every requested analysis on it. Each analysis stands on its
// own: one that cannot be computed on these data reports its error in its
// own block ({"error": {message, field, detail}}) and the others run.
json run_sections(const Table& table, const AnalysisSpec& spec,
                  const std::vector<CohortFilter>& filters, std::vector<json>& warnings,
                  ProgressCounter& progress, const std::string& prefix) {
  Cohort cohort = make_cohort(table, spec, filters, warnings);
  json results = json::object();
  auto run = [&](bool enabled, const char* key, const char* stage, auto&& fn) {
    if (!enabled) return;
    progress.step(prefix + stage);
    results[key] = isolated(stage, std::string("analyses.") + key, fn);
  };
  run(spec.km.enabled, "km", "Kaplan-Meier", [&] { return run_km(cohort, spec, warnings); });
  run(spec.followup.enabled, "followup", "follow-up",
      [&] { return run_followup(cohort, spec, warnings); });
  run(spec.logrank.enabled, "logrank", "log-rank tests",
      [&] { return run_logrank(table, cohort, spec, warnings); });
  run(spec.cox.enabled, "cox", "Cox models",
      [&] { return run_cox(table, cohort, spec, warnings); });
  run(spec.logistic.enabled, "logistic", "propensity model",
      [&] { return run_logistic(table, cohort, spec, warnings); });
  run(spec.table1.enabled, "table1", "Table 1",
      [&] { return run_table1(table, cohort, spec, warnings); });
  run(spec.matching.enabled, "matching", "matching",
      [&] { return run_matching(table, cohort, spec, treatment_words(cohort, spec), warnings); });
  run(spec.cutpoint.enabled, "cutpoint", "cutpoint",
      [&] { return run_cutpoint(table, cohort, spec, warnings); });
  run(spec.subgroups.enabled, "subgroups", "subgroups",
      [&] { return run_subgroups(table, cohort, spec, warnings); });
  json out;
  out["cohort"] = cohort.report;
  if (!cohort.group_levels.empty()) out["cohort"]["group_levels"] = cohort.group_levels;
  out["results"] = results;
  return out;
}

// What the spec asks for must make sense on its own, whatever the data:
// an analysis switched on with nothing to work with, or options that
// contradict each other, stop the run before it starts (as a misspelt option
// does); `at` prefixes the field ("subcohorts[0].").
void check_options(const AnalysisSpec& spec, const std::string& at) {
  const bool group = !spec.group.column.empty();
  const bool covariates = !spec.covariates.empty();
  auto fail = [&](const std::string& message, const std::string& field) {
    throw Error(message, at + field);
  };
  if (spec.logrank.enabled && !spec.logrank.strata.empty() && !group)
    fail(
        "analyses.logrank.strata stratifies the comparison of the group column, but the spec "
        "has no group",
        "analyses.logrank.strata");
  if (spec.logrank.enabled && !group && spec.logrank.by.empty())
    fail("a log-rank test needs a group column or a 'by' column to compare", "analyses.logrank");
  if (spec.cox.enabled) {
    if (!group && !covariates)
      fail("a Cox model needs a group or at least one covariate", "analyses.cox");
    for (const auto& f : spec.cox.force)
      if (f != spec.group.column && std::none_of(spec.covariates.begin(), spec.covariates.end(),
                                                 [&](const TermSpec& t) { return t.column == f; }))
        fail("analyses.cox.force names '" + f + "', which is neither the group nor a covariate",
             "analyses.cox.force");
    if (spec.cox.select_p > 0 && !spec.cox.univariate)
      fail("analyses.cox.select_p screens the univariate models, so univariate must be true",
           "analyses.cox.select_p");
  }
  if ((spec.logistic.enabled || spec.matching.enabled || spec.subgroups.enabled) && !group)
    fail(std::string(spec.logistic.enabled   ? "the propensity model (analyses.logistic)"
                     : spec.matching.enabled ? "matching"
                                             : "the subgroup analysis") +
             " compares the two groups of a treatment column, but the spec has no group",
         "group");
  if (spec.logistic.enabled && !covariates)
    fail("the propensity model needs at least one covariate", "covariates");
  if (spec.table1.enabled && !covariates)
    fail("Table 1 needs at least one covariate", "covariates");
  auto check_matching = [&](const MatchingSpec& ms, const std::string& path) {
    if (!covariates) fail("matching needs covariates for the propensity score", "covariates");
    for (const auto& name : ms.score_covariates)
      if (std::none_of(spec.covariates.begin(), spec.covariates.end(),
                       [&](const TermSpec& t) { return t.column == name; }))
        fail("score covariate '" + name + "' is not one of the covariates",
             path + ".score_covariates");
  };
  if (spec.matching.enabled) check_matching(spec.matching, "analyses.matching");
  if (spec.cutpoint.enabled && spec.cutpoint.groups.enabled && spec.cutpoint.groups.match)
    check_matching(spec.cutpoint.groups.matching, "analyses.cutpoint.groups.match");
}

}  // namespace

json run_analysis(const Table& table, const AnalysisSpec& spec, const Progress& progress) {
  int total = enabled_analyses(spec);
  for (const auto& sub : spec.subcohorts) total += enabled_analyses(sub.spec ? *sub.spec : spec);
  ProgressCounter counter(progress, total);
  check_options(spec, "");
  // A display name for a column the file (with the derived columns) lacks is
  // a misspelling to fix, not a name to drop without a word.
  auto named = [&](const std::string& column, const std::string& field) {
    if (!table.find(column))
      throw Error("labels: the file has no column '" + column +
                      "', and the spec derives none of that name; correct the name or leave its "
                      "display name out",
                  field);
  };
  for (const auto& entry : spec.labels.columns) named(entry.first, "labels.columns." + entry.first);
  for (const auto& entry : spec.labels.levels) named(entry.first, "labels.levels." + entry.first);
  for (std::size_t i = 0; i < spec.subcohorts.size(); ++i)
    if (spec.subcohorts[i].spec)
      check_options(*spec.subcohorts[i].spec, "subcohorts[" + std::to_string(i) + "].");
  // The filters of the main cohort, then each subcohort's too: each is read
  // on its own (its errors point into its own text) and the rows they keep
  // are those of `(main) and (sub)`.
  std::vector<CohortFilter> filters;
  auto blank = [](const std::string& t) {
    return t.find_first_not_of(" \t\r\n") == std::string::npos;
  };
  if (!blank(spec.filter)) filters.push_back({spec.filter, "filter", "the filter"});
  std::vector<json> warnings;
  json main = run_sections(table, spec, filters, warnings, counter, "");
  json out;
  out["localsurv"] = {{"version", kVersion}};
  out["spec"] = spec_to_json(spec);
  out["data"] = {{"rows", table.n_rows},
                 {"columns", table.columns.size()},
                 {"delimiter", std::string(1, table.delimiter)},
                 {"decimal_comma", table.decimal_comma}};
  out["cohort"] = main["cohort"];
  out["results"] = main["results"];
  if (!spec.subcohorts.empty()) {
    // The whole analysis again within each subcohort (and the main filter).
    json subs = json::array();
    for (std::size_t i = 0; i < spec.subcohorts.size(); ++i) {
      const SubcohortSpec& sub = spec.subcohorts[i];
      AnalysisSpec s = sub.spec ? *sub.spec : spec;
      s.subcohorts.clear();
      s.filter =
          spec.filter.empty() ? sub.filter : "(" + spec.filter + ") and (" + sub.filter + ")";
      std::vector<CohortFilter> sub_filters = filters;
      for (auto& f : sub_filters) f.name = "the whole cohort's filter";
      if (!blank(sub.filter))
        sub_filters.push_back(
            {sub.filter, "subcohorts[" + std::to_string(i) + "].filter", "the subcohort's filter"});
      std::vector<json> sub_warnings;
      json part;
      try {
        part = run_sections(table, s, sub_filters, sub_warnings, counter, sub.name + ": ");
      } catch (const std::bad_alloc&) {
        throw;
      } catch (const Error& e) {
        // A subcohort too small for an analysis must not lose the others.
        part = {{"error", error_json(e.what(), e.field, "")}};
      }
      for (auto& w : sub_warnings) {
        w["subcohort"] = sub.name;
        warnings.push_back(w);
      }
      json entry = {{"name", sub.name}, {"filter", s.filter}};
      entry.update(part);
      subs.push_back(entry);
    }
    out["subcohorts"] = subs;
  }
  out["warnings"] = warnings;
  counter.finish();
  return out;
}

}  // namespace localsurv
