#include "study/plain_words.h"

#include <algorithm>
#include <cctype>

namespace localsurv {
namespace {

std::string listed(const std::vector<std::string>& items) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += i + 1 == items.size() ? " and " : ", ";
    s += items[i];
  }
  return s;
}

// The coefficients a flag names, in the reader's words and in the
// vocabulary's order; `all_covariates` tells whether leaving them out of the
// covariates is a remedy.
struct Named {
  std::vector<std::string> labels;
  bool all_covariates = true;
};

Named named(const std::vector<std::string>& names, const Vocabulary& v) {
  Named out;
  std::vector<const Vocabulary::Coefficient*> found;
  for (const auto& c : v.coefficients) {
    if (std::find(names.begin(), names.end(), c.name) == names.end()) continue;
    found.push_back(&c);
    out.all_covariates = out.all_covariates && c.covariate;
  }
  // A factor with every level named is the column itself ("celltype").
  for (std::size_t i = 0; i < found.size(); ++i) {
    const std::string& term = found[i]->term;
    auto of_term = [&](const Vocabulary::Coefficient& c) {
      return !term.empty() && c.term == term;
    };
    std::size_t in_vocabulary = 0, named = 0;
    for (const auto& c : v.coefficients) in_vocabulary += of_term(c);
    for (const auto* c : found) named += of_term(*c);
    if (in_vocabulary > 1 && named == in_vocabulary) {
      if (i == 0 || !of_term(*found[i - 1])) out.labels.push_back(term);
    } else {
      out.labels.push_back(found[i]->label);
    }
  }
  if (out.labels.empty()) {
    // No vocabulary: the names as the kernel wrote them.
    out.all_covariates = false;
    out.labels = names;
  }
  return out;
}

// "(R: ...)" at the end of a kernel error is R's wording: the detail.
Said split_r_wording(const std::string& m) {
  const std::size_t at = m.rfind(" (R: ");
  if (at == std::string::npos || m.back() != ')') return {m, ""};
  return {m.substr(0, at), m.substr(at + 5, m.size() - at - 6)};
}

// "group 'II'": the reader knows groups by their level.
std::string group_name(const Vocabulary& v, int code) {
  if (code >= 0 && static_cast<std::size_t>(code) < v.group_levels.size())
    return "group '" + v.group_levels[static_cast<std::size_t>(code)] + "'";
  return "group code " + std::to_string(code);
}

// Which fit of several a flag is about, said before it.
std::string scope(const Flag& f, const Vocabulary& v) {
  std::string s = f.where.empty() ? "" : f.where + ": ";
  if (f.pair.size() == 2) s += group_name(v, f.pair[0]) + " vs " + group_name(v, f.pair[1]) + ": ";
  if (f.group >= 0) s += group_name(v, f.group) + ": ";
  return s;
}

// "the treated group (lt = 1)"; cut groups' levels say it themselves
// ("the treated group (bed > 60)").
std::string arm_label(const Vocabulary& v, std::size_t arm) {
  const std::string name = arm ? "the treated group" : "the control group";
  if (v.group_levels.size() != 2) return name;
  return name + " (" + (v.group_column.empty() ? "" : v.group_column + " = ") +
         v.group_levels[arm] + ")";
}

std::string control_label(const Vocabulary& v) { return arm_label(v, 0); }
std::string treated_label(const Vocabulary& v) { return arm_label(v, 1); }
std::string arm_of(const Flag& f, const Vocabulary& v) {
  return arm_label(v, !f.groups.empty() && f.groups[0] == 1);
}

Said cox_singular(const std::string& where, const Flag& f, const Vocabulary& v) {
  const Named n = named(f.names, v);
  const bool one = n.labels.size() == 1;
  return {where + listed(n.labels) + (one ? " has" : " have") +
              " no estimable hazard ratio (NA): among the patients in this model " +
              (one ? "it is" : "they are") +
              " constant or a combination of other terms (collinear)" +
              (n.all_covariates
                   ? "; leave " + std::string(one ? "it" : "one of them") + " out of the covariates"
                   : std::string()),
          f.text};
}

Said cox_infinite(const std::string& where, const Flag& f, const Vocabulary& v) {
  const Named n = named(f.names, v);
  const bool one = n.labels.size() == 1;
  return {where + "the hazard ratio of " + listed(n.labels) + (one ? " may be" : " may each be") +
              " infinite (for example, a level in which no patient, or every patient, has the "
              "event): " +
              (one ? "its" : "their") +
              " hazard ratio, confidence interval and Wald p are not reliable (the model's "
              "likelihood-ratio test, in the result JSON, still is)" +
              (n.all_covariates
                   ? "; leave " + std::string(one ? "it" : "them") + " out of the covariates if " +
                         (one ? "it" : "they") + " cannot be estimated"
                   : std::string()),
          f.text};
}

Said separation(const std::string& where, const Flag& f, const Vocabulary& v) {
  const std::string outcome = v.treatment.empty() ? "the outcome" : v.treatment;
  const std::string same = v.treatment.empty() ? "outcome" : "treatment";
  if (f.code == FlagCode::SeparationCombined) {
    std::string blown;
    if (!f.names.empty())
      blown = " (the coefficients of " + listed(named(f.names, v).labels) + " run off)";
    return {where + "the covariates together predict " + outcome + " perfectly for " +
                std::to_string(f.counts.at(0)) + " of " + std::to_string(f.counts.at(1)) +
                " patients" + blown +
                ", so the propensity model's estimates are not meaningful (no maximum "
                "likelihood estimate exists): leave out the covariates that nearly determine " +
                outcome,
            ""};
  }
  const Named n = named(f.names, v);
  const bool one = n.labels.size() == 1;
  return {where + listed(n.labels) + (one ? " predicts " : " each predict ") + outcome +
              " perfectly" +
              (f.code == FlagCode::SeparationComplete
                   ? std::string(one ? " on its own" : " on their own")
                   : " in part of " + std::string(one ? "its" : "their") +
                         " range (for a factor: a level in which every patient has the same " +
                         same + ")") +
              ", so the propensity model's estimates are not meaningful (no maximum likelihood "
              "estimate exists): leave " +
              (one ? "it" : "them") + " out of the covariates",
          ""};
}

// cox_zph names a test by its term (the column) or its coefficient ("lt1"),
// as R's cox.zph table does; the reader knows "lt = 1".
Said ph_test(const std::string& where, const Flag& f, const Vocabulary& v) {
  for (const auto& c : v.coefficients)
    if (!f.names.empty() && c.name == f.names[0] && c.label != c.name)
      return {where + "Proportional-hazards test for " + c.label +
                  " not computed: its information matrix is singular (for example every event "
                  "at the same time)",
              f.text};
  return {where + f.text, ""};
}

// How a kernel that calls the variable x names it for the reader.
std::string variable(const Vocabulary& v) {
  return v.variable.empty() ? "x" : "'" + v.variable + "'";
}

}  // namespace

Said plain_warning(const Flag& f, const Vocabulary& v) {
  const std::string where = scope(f, v);
  const std::string outcome = v.treatment.empty() ? "the outcome" : v.treatment;
  const std::string model =
      v.treatment.empty() ? "the logistic model" : "the propensity model of " + outcome;
  auto group = [&] { return group_name(v, f.groups.at(0)); };
  auto whole_or_group = [&] { return f.groups.empty() ? "The whole sample" : group(); };
  switch (f.code) {
    case FlagCode::Other:
    case FlagCode::CurveEmpty:
    case FlagCode::CurveNoEvents:
    case FlagCode::CurveZeroWeightEvents:
    case FlagCode::FollowupNotEstimable:
      return {where + f.text, f.r};
    case FlagCode::CoxSingular:
      return cox_singular(where, f, v);
    case FlagCode::CoxInfinite:
      return cox_infinite(where, f, v);
    case FlagCode::CoxNotConverged:
      return {where +
                  "the model did not converge: its estimates are not reliable (usually a level "
                  "with very few patients or events)",
              f.text};
    case FlagCode::CoxMaybeInfinite:
      return {where + "one or more hazard ratios may be infinite", f.text};
    case FlagCode::PhTestSingular:
      return ph_test(where, f, v);
    case FlagCode::GlmFittedExtreme:
      return {where + model +
                  " fits probabilities of 0 or 1 for some patients: the covariates predict " +
                  "their treatment (nearly) perfectly, so comparable patients may not exist for "
                  "them (see the separation warning, if any, for the covariate to leave out)",
              f.text};
    case FlagCode::GlmNotConverged:
      return {where + model +
                  " did not converge: its coefficients are not reliable (often because a "
                  "covariate predicts it perfectly)",
              f.text};
    case FlagCode::GlmBoundary:
      return {where + model +
                  " stopped at a boundary value: its coefficients are not reliable (often "
                  "because a covariate predicts it perfectly)",
              f.text};
    case FlagCode::GlmStepTruncated:
      return {where + model +
                  " diverged and its steps were shortened: check the covariates for extreme "
                  "values",
              f.text};
    case FlagCode::SeparationComplete:
    case FlagCode::SeparationQuasi:
    case FlagCode::SeparationCombined:
      return separation(where, f, v);
    case FlagCode::ChisqApproximation:
      return {where +
                  "an expected count is below 5, so the chi-square p may be inaccurate: use "
                  "Fisher's exact p (Table 1 shows it in that case)",
              f.text};
    case FlagCode::FewerControls:
    case FlagCode::FewerControlsInStrata:
      return {where + "fewer patients in " + control_label(v) + " than in " + treated_label(v) +
                  (f.code == FlagCode::FewerControlsInStrata ? " in some exact-match strata" : "") +
                  ": some treated patients get no match (matching with replacement would match "
                  "every one of them)",
              f.text};
    case FlagCode::ShortOfRatio:
      return {where + "not every patient of " + treated_label(v) + " can get " +
                  std::to_string(f.counts.at(0)) + " controls: some get fewer",
              f.text};
    case FlagCode::NoExactStratum:
      return {where + "no set of patients alike on the exact-match columns" +
                  (v.exact.empty() ? std::string() : " (" + listed(v.exact) + ")") +
                  " holds both treated and control patients, so nobody was matched: match "
                  "exactly on fewer columns",
              ""};
    case FlagCode::NoneWithinCaliper:
      return {where + "no patient of " + treated_label(v) +
                  " has a control within the caliper, so nobody was matched: widen the caliper "
                  "(0 = no caliper)",
              ""};
    case FlagCode::NoArmUnits:
      return {where + "there are no patients in " + arm_of(f, v) + ", so nobody can be matched",
              ""};
    case FlagCode::EmptyArmInSample:
      return {where + "no patient of " + arm_of(f, v) +
                  " is in the matched sample: balance after matching cannot be compared",
              ""};
    case FlagCode::BalanceTooSmall:
      return {where +
                  "fewer than two patients in a group of the sample: standardized differences, "
                  "variance ratios and eCDF statistics are not available",
              ""};
    case FlagCode::EmptyGroupLevel:
      return {where + group() +
                  " has no patients with complete data; it is left out, as R's survdiff drops "
                  "empty factor levels",
              f.r};
    case FlagCode::GroupNotAtRisk:
      return {where + group() +
                  " has no patient at risk at any event time (expected 0); it is left out of the "
                  "test and its degrees of freedom, as in R's survdiff",
              f.r};
    case FlagCode::OneGroupAtRisk:
      return {where + "only " + group() +
                  " has patients at risk at the event times, so there is nothing to compare: "
                  "chisq 0, df 0, p 1, as R's survdiff gives",
              f.r};
    case FlagCode::NoValues:
      return {where + whole_or_group() + " has no non-missing values: its statistics are NA.", f.r};
    case FlagCode::SingleValue:
      return {where + whole_or_group() + " has a single value: its SD is NA.", f.r};
    case FlagCode::NoValuesToPercent:
      return {where + whole_or_group() + " has no non-missing values: its percentages are NA.",
              f.r};
    case FlagCode::TTestTooFew: {
      const std::size_t n = f.counts.at(0), need = f.counts.at(1);
      return {where + "t-test not computed: " + group() + " has " + std::to_string(n) +
                  " non-missing value" + (n == 1 ? "" : "s") + "; the " +
                  (need == 1 ? "pooled" : "Welch") + " t-test needs at least " +
                  std::to_string(need) + " in each group",
              f.r};
    }
    case FlagCode::WilcoxonEmptyGroup:
      return {where + "Wilcoxon test not computed: " + group() + " has no non-missing values", f.r};
    case FlagCode::RocNoCases:
      return {where + "no patient has the event: the ROC is undefined", f.r};
    case FlagCode::RocNoControls:
      return {where + "every patient has the event: the ROC is undefined", f.r};
    case FlagCode::NoYoudenCut:
      return {where + "no threshold of " + variable(v) +
                  " separates patients with the event from those without better than chance: "
                  "no Youden cutpoint",
              f.r};
    case FlagCode::MedianNoValues:
      return {where + "no recorded values of " + variable(v) + ": the median is undefined", f.r};
  }
  return {where + f.text, f.r};
}

Said plain_error(const std::string& what, const std::string& kernel_message) {
  std::size_t i = 0;
  while (i < kernel_message.size() &&
         (std::islower(static_cast<unsigned char>(kernel_message[i])) ||
          std::isdigit(static_cast<unsigned char>(kernel_message[i])) || kernel_message[i] == '_'))
    ++i;
  const bool named = i > 0 && kernel_message.compare(i, 2, ": ") == 0;
  const Said s = split_r_wording(named ? kernel_message.substr(i + 2) : kernel_message);
  return {what + " could not be computed: " + s.message, kernel_message};
}

}  // namespace localsurv
