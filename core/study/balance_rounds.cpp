#include "study/balance_rounds.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <optional>

#include "io/result_json.h"
#include "stats/balance.h"
#include "stats/contingency.h"
#include "stats/logistic.h"
#include "stats/two_sample.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {

using json = nlohmann::ordered_json;

namespace {

bool is_factor(const Table& table, const TermSpec& term) {
  return term.kind == TermKind::Factor ||
         (term.kind == TermKind::Auto && table.column(term.column).type == ColumnType::Categorical);
}

}  // namespace

// A numeric covariate with more than two distinct values (not a 0/1 flag).
bool is_continuous(const Table& table, const TermSpec& term) {
  if (is_factor(table, term)) return false;
  const Column& col = table.column(term.column);
  return factor_levels(col, TermSpec{term.column, TermKind::Factor, {}, ""}).size() > 2;
}

namespace {

// Balance columns as MatchIt's summary() lists them: the distance, then each
// numeric covariate, then every level of each factor (reference included).
struct BalanceDesign {
  Eigen::MatrixXd x;
  std::vector<std::string> names;
  std::vector<bool> factor_level;
  std::vector<int> term;  // index into the terms; -1 for the distance
};

BalanceDesign balance_design(const Table& table, const std::vector<TermSpec>& terms,
                             const std::vector<std::size_t>& rows,
                             const std::vector<double>& distance) {
  std::vector<Eigen::VectorXd> cols = {Eigen::Map<const Eigen::VectorXd>(
      distance.data(), static_cast<Eigen::Index>(distance.size()))};
  BalanceDesign b;
  b.names = {"distance"};
  b.factor_level = {false};
  b.term = {-1};
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const TermSpec& term = terms[t];
    const Column& col = table.column(term.column);
    if (!is_factor(table, term)) {
      cols.push_back(Eigen::Map<const Eigen::VectorXd>(numeric_values(col, rows).data(),
                                                       static_cast<Eigen::Index>(rows.size())));
      b.names.push_back(term.column);
      b.factor_level.push_back(false);
      b.term.push_back(static_cast<int>(t));
      continue;
    }
    std::vector<std::string> levels = factor_levels(col, term);
    std::vector<int> codes = factor_codes(col, levels);
    for (std::size_t l = 0; l < levels.size(); ++l) {
      Eigen::VectorXd v(static_cast<Eigen::Index>(rows.size()));
      for (std::size_t i = 0; i < rows.size(); ++i)
        v[static_cast<Eigen::Index>(i)] = codes[rows[i]] == static_cast<int>(l);
      cols.push_back(v);
      b.names.push_back(term.column + "_" + levels[l]);
      b.factor_level.push_back(true);
      b.term.push_back(static_cast<int>(t));
    }
  }
  b.x.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) b.x.col(static_cast<Eigen::Index>(j)) = cols[j];
  return b;
}

// The treatment comparison of one covariate on the units with weight > 0
// (all units before matching): chi-square and Fisher for factors and
// two-valued columns, Welch's t for other numerics.
CovariateTest covariate_test(const Table& table, const TermSpec& term,
                             const std::vector<std::size_t>& rows, const std::vector<int>& group,
                             const std::vector<double>* weights, const MatchingSpec& ms) {
  const Column& col = table.column(term.column);
  std::vector<std::string> levels =
      factor_levels(col, TermSpec{term.column, TermKind::Factor, term.levels, term.reference});
  auto used = [&](std::size_t i) { return !weights || (*weights)[i] > 0; };
  CovariateTest out;
  if (is_continuous(table, term)) {
    std::vector<double> values = numeric_values(col, rows), x;
    std::vector<int> g;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (used(i)) {
        x.push_back(values[i]);
        g.push_back(group[i]);
      }
    out.continuous = true;
    out.t = t_test(x, g, TTestOptions{});
    out.p = out.t.p;
    out.test = "welch_t";
    return out;
  }
  std::vector<int> all = factor_codes(col, levels);
  std::vector<int> rc, gc;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (used(i)) {
      rc.push_back(all[rows[i]]);
      gc.push_back(group[i]);
    }
  CountTable counts = cross_tabulate(rc, static_cast<int>(levels.size()), gc, 2);
  out.chisq = chisq_test(counts, ms.yates);
  // Only the p is reported (covariate_test_json): no odds ratio or CI.
  ContingencyOptions p_only;
  p_only.fisher_estimate = false;
  out.fisher = fisher_test(counts, p_only);
  // "auto": Fisher where a chi-square approximation is doubtful (an expected
  // count below 5, Cochran's rule), as clinical papers report "chi-square or
  // Fisher's exact test".
  bool fisher = ms.balance_test == BalanceTest::Fisher ||
                (ms.balance_test == BalanceTest::Auto && !(out.chisq.min_expected >= 5));
  out.p = fisher ? out.fisher.p : out.chisq.p;
  out.test = fisher ? "fisher" : "chisq";
  return out;
}

}  // namespace

std::string matchit_call(const AnalysisSpec& spec, const MatchPlan& plan) {
  const MatchingSpec& ms = spec.matching;
  std::vector<std::string> names;
  for (const auto& t : plan.score) names.push_back(t.column);
  return "matchit(" + spec.group.column + " ~ " + joined(names, " + ") +
         ", method = \"nearest\", distance = \"glm\", link = \"" +
         (ms.distance == DistanceScale::LinearLogit ? "linear.logit" : "logit") +
         "\", ratio = " + std::to_string(ms.ratio) +
         ", replace = " + (ms.replace ? "TRUE" : "FALSE") + ", m.order = \"" +
         option_name(ms.order) + "\"" +
         (ms.caliper > 0 ? ", caliper = " + format_double(ms.caliper) + ", std.caliper = " +
                               (ms.caliper_scale == CaliperScale::Sd ? "TRUE" : "FALSE")
                         : std::string()) +
         (plan.exact.empty() ? "" : ", exact = ~ " + joined(plan.exact, " + ")) + ")";
}

namespace {

// What a round takes from the rounds before it, as it would compute the
// same again: the propensity model while the score terms are the same (only
// the exact-match set grew), with the balance before matching that its score
// determines, and every covariate's test before matching (every round matches
// the same rows). Warnings are worded again for each round.
struct RoundReuse {
  std::vector<std::string> score;  // the model's terms, by column
  std::optional<Propensity> model;
  BalanceResult before;
  std::vector<CovariateTest> tests_before;  // by covariate, once the first round ran
};

// One round: propensity score on plan.score, nearest-neighbour matching
// (exact on plan.exact), balance of every covariate before and after.
MatchRound match_round(const Table& table, const Frame& f, const AnalysisSpec& spec,
                       const MatchPlan& plan, Vocabulary words, RoundReuse& reuse) {
  const MatchingSpec& ms = spec.matching;
  words.exact = plan.exact;
  MatchRound r;
  r.plan = plan;
  std::vector<std::string> score;
  for (const auto& t : plan.score) score.push_back(t.column);
  const bool same_model = reuse.model && reuse.score == score;
  if (!same_model) {
    reuse.model = propensity_model(table, f, plan.score, words);
    reuse.score = score;
    r.warnings = reuse.model->warnings;
  } else {
    Vocabulary named = words;
    add_coefficients(named, reuse.model->d);
    append_plain(r.warnings, reuse.model->r.warnings, named);
  }
  r.propensity = reuse.model->r;
  const LogisticResult& ps = r.propensity;
  const bool logit = ms.distance == DistanceScale::LinearLogit;
  const std::vector<double>& distance = logit ? ps.linear_predictor : ps.fitted;

  std::vector<int> exact;
  if (!plan.exact.empty()) {
    std::map<std::vector<int>, int> cell;
    std::vector<std::vector<int>> codes;
    for (const auto& col : plan.exact) codes.push_back(codes_for(table, col, f.rows));
    for (std::size_t i = 0; i < f.rows.size(); ++i) {
      std::vector<int> key;
      for (const auto& cv : codes) key.push_back(cv[i]);
      exact.push_back(cell.emplace(key, static_cast<int>(cell.size())).first->second);
    }
  }
  MatchingOptions o;
  o.ratio = ms.ratio;
  o.replace = ms.replace;
  o.order = ms.order;
  o.seed = static_cast<std::uint64_t>(ms.seed);
  o.distance_scale = ms.distance;
  o.caliper_unit = ms.caliper == 0                         ? CaliperUnit::None
                   : ms.caliper_scale == CaliperScale::Raw ? CaliperUnit::DistanceUnits
                                                           : CaliperUnit::StandardDeviations;
  o.caliper = ms.caliper;
  try {
    r.m = nearest_neighbor_match(distance, f.group, exact, o);
  } catch (const Error& e) {
    // MatchIt refuses a caliper on a score with two values (one binary covariate).
    if (e.field != "caliper") throw;
    std::vector<std::string> score;
    for (const auto& t : plan.score) score.push_back(t.column);
    throw Failure(
        "propensity-score matching: the propensity score takes only two values (its covariates: " +
            quoted(score) +
            "), so a caliper cannot be used, as in MatchIt: set the caliper to 0 "
            "(none), or add a covariate with more values",
        "analyses.matching.caliper", e.what());
  }
  const MatchingResult& m = r.m;
  append_plain(r.warnings, m.warnings, words);

  BalanceOptions bo;
  bo.denominator = ms.smd;
  BalanceDesign bd = balance_design(table, spec.covariates, f.rows, distance);
  if (!same_model)
    reuse.before = balance(bd.x, bd.names, bd.factor_level, f.group,
                           std::vector<double>(f.rows.size(), 1.0), bo);
  r.before = reuse.before;
  r.after = balance(bd.x, bd.names, bd.factor_level, f.group, m.weights, bo);
  append_plain(r.warnings, r.before.warnings, words);
  append_plain(r.warnings, r.after.warnings, words);

  for (std::size_t t = 0; t < spec.covariates.size(); ++t) {
    const TermSpec& term = spec.covariates[t];
    CovariateCheck check;
    check.variable = term.column;
    if (reuse.tests_before.size() == t)
      reuse.tests_before.push_back(covariate_test(table, term, f.rows, f.group, nullptr, ms));
    check.before = reuse.tests_before[t];
    check.after = covariate_test(table, term, f.rows, f.group, &m.weights, ms);
    check.p = check.after.p;
    check.test = check.after.test;
    for (std::size_t j = 0; j < bd.term.size(); ++j)
      if (bd.term[j] == static_cast<int>(t) && std::isfinite(r.after.columns[j].smd))
        check.max_abs_smd = std::isnan(check.max_abs_smd)
                                ? std::fabs(r.after.columns[j].smd)
                                : std::max(check.max_abs_smd, std::fabs(r.after.columns[j].smd));
    // A p or SMD that cannot be computed (a constant covariate) is no sign
    // of imbalance.
    bool p_ok = !(check.p <= ms.balance_p);
    bool smd_ok = !(check.max_abs_smd >= ms.balance_smd);
    check.balanced = ms.balance_criterion == BalanceCriterion::P     ? p_ok
                     : ms.balance_criterion == BalanceCriterion::Smd ? smd_ok
                                                                     : p_ok && smd_ok;
    if (!check.balanced) r.unbalanced.push_back(check.variable);
    r.checks.push_back(std::move(check));
  }
  return r;
}

}  // namespace

BalanceRounds balance_rounds(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                             const Vocabulary& words) {
  const MatchingSpec& ms = spec.matching;
  require_two_arms(c.group_levels, c.group, words, "propensity-score matching");
  auto covariate = [&](const std::string& name) -> const TermSpec* {
    for (const auto& t : spec.covariates)
      if (t.column == name) return &t;
    return nullptr;
  };
  MatchPlan plan;
  plan.exact = ms.exact;
  if (ms.score_covariates.empty()) plan.score = spec.covariates;
  for (const auto& name : ms.score_covariates) plan.score.push_back(*covariate(name));
  BalanceRounds out;
  // Every round uses the same rows: complete on everything a round may use.
  std::vector<std::string> needed;
  for (const auto& t : spec.covariates) needed.push_back(t.column);
  needed.insert(needed.end(), ms.exact.begin(), ms.exact.end());
  out.frame = make_frame(table, c, needed);
  const Frame& f = out.frame;
  require_rows(table, c, f, needed, "propensity-score matching",
               "leave it out of the covariates (or of the exact-match columns)");
  require_two_arms(c.group_levels, f.group, words, "propensity-score matching");

  RoundReuse reuse;
  for (int round = 1;; ++round) {
    try {
      out.rounds.push_back(match_round(table, f, spec, plan, words, reuse));
    } catch (...) {
      out.failure = std::current_exception();
      return out;
    }
    const MatchRound& last = out.rounds.back();
    // No pairs: nothing is balanced, whatever the (empty) tests say.
    if (last.m.n_pairs == 0) {
      out.stop = "no pairs were formed";
      break;
    }
    if (last.unbalanced.empty()) {
      out.stop = "balanced";
      break;
    }
    if (round >= ms.rounds) {
      out.stop = ms.rounds == 1 ? "one round requested" : "round limit reached";
      break;
    }
    bool changed = false;
    for (const auto& name : last.unbalanced) {
      const TermSpec& term = *covariate(name);
      // Exact matching on a continuous covariate would leave almost no pairs:
      // the exact rule sends continuous ones to the score model instead.
      if (ms.round_rule == RoundRule::Exact && !is_continuous(table, term)) {
        if (std::find(plan.exact.begin(), plan.exact.end(), name) == plan.exact.end()) {
          plan.exact.push_back(name);
          changed = true;
        }
      } else if (std::none_of(plan.score.begin(), plan.score.end(),
                              [&](const TermSpec& t) { return t.column == name; })) {
        plan.score.push_back(term);
        changed = true;
      }
    }
    if (!changed) {
      out.stop = ms.round_rule == RoundRule::Exact
                     ? "every unbalanced covariate is already matched exactly (continuous ones: "
                       "in the score model)"
                     : "every unbalanced covariate is already in the score model";
      break;
    }
  }
  const MatchRound& last = out.rounds.back();
  out.balanced = last.unbalanced.empty() && last.m.n_pairs > 0;
  return out;
}

}  // namespace localsurv
