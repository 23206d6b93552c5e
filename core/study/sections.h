// The analyses of a spec, one section of the result each (study/analysis.cpp
// runs them in order on the cohort and on each subcohort): each turns the
// cohort into its kernels' inputs, runs them and writes its block, adding
// its warnings to `warnings`. A section that cannot be computed throws
// (Failure, in the user's words); the orchestrator isolates it.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/spec.h"
#include "io/table.h"
#include "stats/kaplan_meier.h"
#include "stats/logistic.h"
#include "study/cohort.h"
#include "study/model_frame.h"
#include "study/plain_words.h"

namespace localsurv {

// study/survival_curves.cpp: Kaplan-Meier curves, median follow-up. A
// curve's block, with survival at `times` (their warnings go to the "km"
// analysis); weighted: a matched cohort's weighted curve.
nlohmann::ordered_json km_curve(const KaplanMeierCurve& curve, const std::string& stratum,
                                const std::vector<double>& times,
                                std::vector<nlohmann::ordered_json>& warnings,
                                bool weighted = false);
nlohmann::ordered_json run_km(const Cohort& c, const AnalysisSpec& spec,
                              std::vector<nlohmann::ordered_json>& warnings);
nlohmann::ordered_json run_followup(const Cohort& c, const AnalysisSpec& spec,
                                    std::vector<nlohmann::ordered_json>& warnings);

// study/logrank_tests.cpp. One k-group comparison (the treatment group or a
// `by` column), with pairwise tests when there are three or more groups.
nlohmann::ordered_json k_group_test(const std::vector<double>& time, const std::vector<int>& event,
                                    const std::vector<int>& codes,
                                    const std::vector<std::string>& levels,
                                    const std::string& variable, const AnalysisSpec& spec,
                                    nlohmann::ordered_json report,
                                    std::vector<nlohmann::ordered_json>& warnings);
nlohmann::ordered_json run_logrank(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                                   std::vector<nlohmann::ordered_json>& warnings);

// study/cox_models.cpp: univariate, screened and multivariable Cox models.
nlohmann::ordered_json run_cox(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                               std::vector<nlohmann::ordered_json>& warnings);

// study/propensity_model.cpp. A propensity model needs a group of two
// levels with patients in both.
void require_two_arms(const std::vector<std::string>& levels, const std::vector<int>& group,
                      const Vocabulary& v, const std::string& what);
// glm(group ~ terms) on the frame's rows, with its failures and warnings in
// the user's words (`words` says what the group is called).
struct Propensity {
  Design d;
  LogisticResult r;
  std::vector<Said> warnings;
};
Propensity propensity_model(const Table& table, const Frame& f, const std::vector<TermSpec>& terms,
                            Vocabulary words);
nlohmann::ordered_json run_logistic(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                                    std::vector<nlohmann::ordered_json>& warnings);

// study/table1.cpp
nlohmann::ordered_json run_table1(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                                  std::vector<nlohmann::ordered_json>& warnings);

// study/matched_cohort.cpp: matching until balanced (study/balance_rounds.h)
// and the outcome in the matched cohort.
nlohmann::ordered_json run_matching(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                                    const Vocabulary& words,
                                    std::vector<nlohmann::ordered_json>& warnings);

// study/cutpoint_choice.cpp: the best cutpoint of a column, and its groups.
nlohmann::ordered_json run_cutpoint(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                                    std::vector<nlohmann::ordered_json>& warnings);
// study/cut_groups.cpp: the cohort cut at `cut` (and the reference rows
// `none`), compared.
nlohmann::ordered_json run_cut_groups(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                                      double cut, const std::string& chosen_by,
                                      const std::vector<uint8_t>& none,
                                      std::vector<nlohmann::ordered_json>& warnings);

// study/subgroup_effects.cpp
nlohmann::ordered_json run_subgroups(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                                     std::vector<nlohmann::ordered_json>& warnings);

}  // namespace localsurv
