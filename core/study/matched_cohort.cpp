#include <algorithm>
#include <exception>

#include "io/result_json.h"
#include "stats/cox.h"
#include "stats/kaplan_meier.h"
#include "stats/log_rank.h"
#include "study/balance_rounds.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {

using json = nlohmann::ordered_json;

namespace {

// The outcome in the matched cohort, as MatchIt's vignette analyses it: the
// matched units with their matching weights (all 1 for 1:1 without
// replacement), KM and Cox weighted, Cox SE robust on the pairs (or
// stratified on them) or, with replacement, robust on the unit.
json matched_outcome(const Frame& f, const MatchingResult& m,
                     const std::vector<std::string>& levels, const AnalysisSpec& spec,
                     Vocabulary words, std::vector<json>& warnings) {
  const MatchingSpec& ms = spec.matching;
  const bool unit_weights =
      std::all_of(m.weights.begin(), m.weights.end(), [](double w) { return w == 0 || w == 1; });
  std::vector<double> time, weight;
  std::vector<int> event, group, subclass;
  for (std::size_t i = 0; i < f.rows.size(); ++i)
    if (m.weights[i] > 0) {
      time.push_back(f.time[i]);
      event.push_back(f.event[i]);
      group.push_back(f.group[i]);
      subclass.push_back(m.unit_subclass[i]);
      weight.push_back(m.weights[i]);
    }
  json post = {{"n", time.size()}, {"weighted", !unit_weights}};
  KaplanMeierOptions ko;
  ko.conf_int = spec.km.conf_int;
  ko.conf_type = spec.km.conf_type;
  KaplanMeierResult km = unit_weights
                             ? kaplan_meier_by_group(time, event, group, ko)
                             : kaplan_meier_by_group_weighted(time, event, group, weight, ko);
  add_warnings(warnings, "matching", km.warnings, levels);
  json curves = json::array();
  for (const auto& curve : km.curves)
    curves.push_back(km_curve(curve, levels[static_cast<std::size_t>(curve.group)], spec.km.times,
                              warnings, !unit_weights));
  post["km_call"] = std::string("survfit(Surv(time, event) ~ ") + spec.group.column +
                    (unit_weights ? "" : ", weights = weights") + ", data = matched)";
  post["km_by_group"] = curves;
  if (unit_weights) {
    LogRankResult lr = log_rank(time, event, group);
    add_warnings(warnings, "matching", lr.warnings, levels);
    post["logrank"] = log_rank_json(lr, levels, spec.group.column);
  }
  CoxInput in;
  in.time = time;
  in.status = event;
  in.x.resize(static_cast<Eigen::Index>(time.size()), 1);
  for (std::size_t i = 0; i < group.size(); ++i) in.x(static_cast<Eigen::Index>(i), 0) = group[i];
  in.names = {spec.group.column + levels[1]};
  if (!unit_weights) in.weights = weight;
  // With replacement MatchIt forms no pairs to cluster or stratify on.
  const bool by_strata = ms.outcome_model == OutcomeModel::Strata && !ms.replace;
  if (ms.outcome_model == OutcomeModel::Strata && ms.replace)
    warnings.push_back({{"analysis", "matching"},
                        {"message",
                         "matching with replacement forms no pairs to stratify on: the matched "
                         "Cox model uses robust SEs on the unit instead"}});
  if (by_strata)
    in.strata = subclass;
  else if (!ms.replace)
    in.cluster = subclass;
  CoxOptions co;
  co.ties = spec.cox.ties;
  co.robust = !by_strata;
  co.conf_level = spec.cox.conf_int;
  CoxResult cox = cox_fit(in, co);
  words.coefficients.push_back(
      {in.names[0], words.group_column.empty() ? levels[1] : words.group_column + " = " + levels[1],
       "", false});
  add_warnings(warnings, "matching", cox.warnings, words);
  const std::string w = unit_weights ? "" : ", weights = weights";
  post["cox"] = {{"call", "coxph(Surv(time, event) ~ " + spec.group.column +
                              (by_strata ? " + strata(subclass)" : "") + w + ", ties = \"" +
                              std::string(cox_ties_name(co.ties)) + "\"" +
                              (by_strata    ? ")"
                               : ms.replace ? ", robust = TRUE)"
                                            : ", cluster = subclass)")},
                 {"n", cox.n},
                 {"nevent", cox.nevent},
                 {"coefficients",
                  {{"name", cox.names},
                   {"coef", numbers(cox.coef)},
                   {"hr", numbers(cox.hr)},
                   {"se", numbers(cox.se)},
                   {"robust_se", numbers(cox.robust_se)},
                   {"lower", numbers(cox.lower)},
                   {"upper", numbers(cox.upper)},
                   {"z", numbers(cox.z)},
                   {"p", numbers(cox.p)}}}};
  if (!unit_weights) {
    // survdiff takes no weights; the robust score test of the weighted Cox
    // model is its counterpart.
    json score = json::object();
    add_test(score, cox.robust_score);
    post["cox"]["robust_score"] = score;
    post["logrank_note"] =
        "weighted cohort: survdiff has no weights, so no log-rank test; see the Cox model's "
        "robust score test";
  }
  return post;
}

json counts_json(const MatchingResult& m) {
  return {{"treated", m.n_treated},
          {"control", m.n_control},
          {"matched_treated", m.n_matched_treated},
          {"matched_control", m.n_matched_control},
          {"unmatched_treated", m.n_unmatched_treated},
          {"unmatched_control", m.n_unmatched_control},
          {"caliper_absolute", number(m.caliper_absolute)}};
}

json covariate_test_json(const CovariateTest& t) {
  json out;
  if (t.continuous)
    out = {
        {"t_statistic", number(t.t.statistic)}, {"t_df", number(t.t.df)}, {"t_p", number(t.t.p)}};
  else
    out = {{"chisq_statistic", number(t.chisq.statistic)},
           {"chisq_p", number(t.chisq.p)},
           {"yates_applied", t.chisq.yates_applied},
           {"min_expected", number(t.chisq.min_expected)},
           {"fisher_p", number(t.fisher.p)}};
  out["p"] = number(t.p);
  return out;
}

// The matching block of a round (the last one's is the analysis's own):
// its call and conventions, the propensity model, counts, pairs and balance.
json round_json(const MatchRound& r, const Frame& f, const std::vector<std::string>& levels,
                const AnalysisSpec& spec) {
  const MatchingSpec& ms = spec.matching;
  const bool logit = ms.distance == DistanceScale::LinearLogit;
  const LogisticResult& ps = r.propensity;
  const MatchingResult& m = r.m;
  json out;
  out["conventions"] = {
      {"call", matchit_call(spec, r.plan)},
      {"treated", spec.group.column + " = " + levels[1]},
      {"distance", logit ? "linear predictor (logit) of the propensity score"
                         : "propensity score (probability)"},
      {"caliper", m.caliper_description},
      {"algorithm",
       "greedy nearest neighbour as MatchIt >= 4.5.4 (true |difference|; MatchIt 4.5.1-4.5.3 "
       "truncate it, issue #163)"},
      {"smd", ms.smd == SmdDenominator::PooledSample
                  ? "tableone: (mean_t - mean_c) / sqrt((s_t^2 + s_c^2) / 2) on each sample"
                  : "MatchIt summary(standardize = TRUE): SD of all treated before matching, the "
                    "same after"},
      {"tests",
       std::string("factors and two-valued columns: chisq.test(correct = ") +
           (ms.yates ? "TRUE" : "FALSE") +
           ") and fisher.test; other numerics: t.test (Welch); on the matched units, unweighted"},
      {"balanced",
       std::string("a covariate is balanced when ") +
           (ms.balance_criterion == BalanceCriterion::Smd
                ? ""
                : "its p > " + format_double(ms.balance_p)) +
           (ms.balance_criterion == BalanceCriterion::Both ? " and " : "") +
           (ms.balance_criterion == BalanceCriterion::P
                ? ""
                : "every |SMD| of it (each factor level) < " + format_double(ms.balance_smd)) +
           (ms.balance_criterion == BalanceCriterion::Smd
                ? ""
                : "; p from " +
                      std::string(ms.balance_test == BalanceTest::Auto
                                      ? "Fisher's test when an expected count is below "
                                        "5, else chi-square"
                                      : option_name(ms.balance_test)) +
                      " (Welch's t for numerics with more than two values)")}};
  out["rows"] = f.report;
  out["propensity"] = {{"coefficients",
                        {{"name", ps.names},
                         {"estimate", numbers(ps.estimate)},
                         {"se", numbers(ps.se)},
                         {"p", numbers(ps.p)}}},
                       {"iterations", ps.iterations},
                       {"converged", ps.converged}};
  out["counts"] = counts_json(m);
  json treated = json::array(), control = json::array();
  for (std::size_t k = 0; k < m.pair_treated.size(); ++k) {
    treated.push_back(f.rows[m.pair_treated[k]] + 1);
    control.push_back(f.rows[m.pair_control[k]] + 1);
  }
  out["pairs"] = {{"row_numbers", "data rows, 1 = first row after the header"},
                  {"treated_row", treated},
                  {"control_row", control},
                  {"subclass", m.pair_subclass}};

  out["balance"] = {{"before", balance_json(r.before)}, {"after", balance_json(r.after)}};
  json tests = json::array();
  for (const auto& check : r.checks)
    tests.push_back({{"variable", check.variable},
                     {"test", check.test},
                     {"before", covariate_test_json(check.before)},
                     {"after", covariate_test_json(check.after)},
                     {"max_abs_smd_after", number(check.max_abs_smd)},
                     {"balanced", check.balanced}});
  out["balance"]["tests"] = tests;
  return out;
}

}  // namespace

// Propensity score (glm), nearest-neighbour matching, balance before and
// after, rounds of re-matching until balanced (study/balance_rounds.h), and
// the outcome compared within the final matched cohort.
json run_matching(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                  const Vocabulary& words, std::vector<json>& warnings) {
  const MatchingSpec& ms = spec.matching;
  const BalanceRounds b = balance_rounds(table, c, spec, words);
  json rounds = json::array();
  for (std::size_t k = 0; k < b.rounds.size(); ++k) {
    const MatchRound& r = b.rounds[k];
    for (const auto& said : r.warnings) {
      json w = warning_json({{"analysis", "matching"}}, said);
      if (ms.rounds > 1) w["round"] = k + 1;
      warnings.push_back(std::move(w));
    }
    json checks = json::array();
    for (const auto& ck : r.checks)
      checks.push_back({{"variable", ck.variable},
                        {"test", ck.test},
                        {"p", number(ck.p)},
                        {"max_abs_smd", number(ck.max_abs_smd)},
                        {"balanced", ck.balanced}});
    std::vector<std::string> score_names;
    for (const auto& t : r.plan.score) score_names.push_back(t.column);
    rounds.push_back({{"round", k + 1},
                      {"call", matchit_call(spec, r.plan)},
                      {"score_covariates", score_names},
                      {"exact", r.plan.exact},
                      {"counts", counts_json(r.m)},
                      {"covariates", checks},
                      {"unbalanced", r.unbalanced}});
  }
  if (b.failure) std::rethrow_exception(b.failure);
  const Frame& f = b.frame;
  const MatchRound& last = b.rounds.back();
  const std::vector<std::string>& unbalanced = last.unbalanced;
  const std::string& stop = b.stop;
  json out = round_json(last, f, c.group_levels, spec);
  out["rounds"] = rounds;
  out["stop"] = {{"reason", stop},
                 {"balanced", b.balanced},
                 {"rounds_run", rounds.size()},
                 {"rule", ms.round_rule == RoundRule::Exact
                              ? "each round adds the unbalanced categorical and two-valued "
                                "covariates to the exact-match set, continuous ones to the score "
                                "model"
                              : "each round adds the unbalanced covariates to the score model"}};
  if (!unbalanced.empty())
    warnings.push_back(
        {{"analysis", "matching"},
         {"message", "after " + std::to_string(rounds.size()) + " round" +
                         (rounds.size() == 1 ? "" : "s") + " (" + stop +
                         ") these covariates are not balanced: " + joined(unbalanced, ", ")}});
  out["matched_outcome"] = isolated("the matched-cohort outcome", "analyses.matching", [&] {
    if (last.m.n_pairs == 0)
      throw Failure(
          "nobody was matched, so there is no matched cohort to compare (the matching warnings "
          "say why: a caliper too narrow, no patients alike on the exact-match columns, or an "
          "empty group)",
          "analyses.matching");
    return matched_outcome(f, last.m, c.group_levels, spec, words, warnings);
  });
  return out;
}

}  // namespace localsurv
