#include "io/result_json.h"
#include "stats/contingency.h"
#include "stats/descriptives.h"
#include "stats/two_sample.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {

using json = nlohmann::ordered_json;

namespace {

// A numeric column whose every value in the file (not only the cohort's, so
// a subcohort describes it as the whole cohort does) is 0 or 1: a flag.
bool table1_is_flag(const Column& col) {
  if (col.type != ColumnType::Numeric) return false;
  bool any = false;
  for (std::size_t r = 0; r < col.size(); ++r) {
    if (col.is_missing(r)) continue;
    if (col.numbers[r] != 0 && col.numbers[r] != 1) return false;
    any = true;
  }
  return any;
}

// One covariate of Table 1: described overall and per group, with its tests.
json table1_variable(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                     const TermSpec& term, const std::vector<int>& group, int n_groups,
                     std::vector<json>& warnings) {
  const Vocabulary words = group_words(c.group_levels, spec.group.column);
  auto warn = [&](const std::vector<Flag>& flags) {
    add_variable_warnings(warnings, "table1", term.column, flags, words);
  };
  const Column& col = table.column(term.column);
  // Only Table 1 reads a flag as a factor; the models keep it numeric.
  const bool flag = spec.table1.binary == Table1Binary::Counts && term.kind == TermKind::Auto &&
                    table1_is_flag(col);
  bool factor = flag || term.kind == TermKind::Factor ||
                (term.kind == TermKind::Auto && col.type == ColumnType::Categorical);
  json v = {{"variable", term.column}, {"type", factor ? "factor" : "numeric"}};
  if (flag) v["binary"] = true;
  if (!factor) {
    std::vector<double> values = numeric_values(col, c.rows);
    NumericDescriptives d = describe_numeric(values, group, n_groups);
    warn(d.warnings);
    json by = json::array();
    for (const auto& g : d.by_group) by.push_back(numeric_summary_json(g));
    v["overall"] = numeric_summary_json(d.overall);
    v["by_group"] = by;
    if (n_groups == 2) {
      TTestResult t = t_test(values, group);
      WilcoxonResult wx = wilcoxon_rank_sum_test(values, group);
      warn(t.warnings);
      warn(wx.warnings);
      v["tests"] = {{"t",
                     {{"method", t.method},
                      {"statistic", number(t.statistic)},
                      {"df", number(t.df)},
                      {"p", number(t.p)},
                      {"mean_difference", number(t.mean_difference)},
                      {"lower", number(t.conf_low)},
                      {"upper", number(t.conf_high)}}},
                    {"wilcoxon",
                     {{"method", wx.method},
                      {"statistic", number(wx.statistic)},
                      {"p", number(wx.p)},
                      {"exact", wx.exact}}}};
    }
    return v;
  }
  // As R's factor(x, levels = c(0, 1)): both levels, whatever the cohort holds.
  std::vector<std::string> levels =
      flag ? std::vector<std::string>{"0", "1"} : factor_levels(col, term);
  if (levels.empty())
    throw Failure("Table 1: '" + term.column +
                      "' has no value in any row of the file: nothing to "
                      "describe; leave it out of the covariates",
                  term.column);
  std::vector<int> all = factor_codes(col, levels);
  std::vector<int> codes;
  for (std::size_t r : c.rows) codes.push_back(all[r]);
  CategoricalDescriptives d = describe_categorical(codes, levels, group, n_groups);
  warn(d.warnings);
  json by = json::array();
  for (const auto& g : d.by_group) by.push_back(categorical_summary_json(g));
  v["levels"] = levels;
  v["overall"] = categorical_summary_json(d.overall);
  v["by_group"] = by;
  if (n_groups >= 2) {
    std::vector<int> row_codes, col_codes;
    for (std::size_t i = 0; i < codes.size(); ++i)
      if (codes[i] >= 0) {
        row_codes.push_back(codes[i]);
        col_codes.push_back(group[i]);
      }
    CountTable counts =
        cross_tabulate(row_codes, static_cast<int>(levels.size()), col_codes, n_groups);
    ChisqResult chi = chisq_test(counts, spec.table1.yates);
    FisherResult fi = fisher_test(counts);
    warn(chi.warnings);
    warn(fi.warnings);
    json fisher = {{"p", number(fi.p)}};
    if (fi.is_2x2)
      fisher.update({{"odds_ratio", number(fi.odds_ratio)},
                     {"lower", number(fi.conf_lower)},
                     {"upper", number(fi.conf_upper)}});
    if (!fi.note.empty()) fisher["note"] = fi.note;
    v["tests"] = {{"chisq",
                   {{"statistic", number(chi.statistic)},
                    {"df", number(chi.df)},
                    {"p", number(chi.p)},
                    {"yates_applied", chi.yates_applied},
                    {"min_expected", number(chi.min_expected)}}},
                  {"fisher", fisher}};
  }
  return v;
}

}  // namespace

// Table 1: each covariate described overall and per group, and for factors
// the chi-square and Fisher tests of covariate by group. A covariate that
// cannot be described is {variable, error}; the others stand.
json run_table1(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                std::vector<json>& warnings) {
  const int n_groups = c.group.empty() ? 1 : static_cast<int>(c.group_levels.size());
  std::vector<int> group = c.group.empty() ? std::vector<int>(c.rows.size(), 0) : c.group;
  json out;
  out["conventions"] = {
      {"numeric", "n, mean (SD, n-1 denominator), median (Q1-Q3: quantile type 7), min-max"},
      {"categorical", "n (% of non-missing in the column)"},
      {"binary",
       spec.table1.binary == Table1Binary::Counts
           ? "binary = \"counts\": an auto covariate whose values in the file are all 0 or 1 "
             "(\"binary\": true) is described as a factor with levels 0 and 1 (n (%), chisq.test "
             "and fisher.test of table(factor(x, levels = c(0, 1)), group)); Cox, matching and "
             "subgroups keep it numeric; binary = \"numeric\" describes it as a number"
           : "binary = \"numeric\": an auto covariate whose values are all 0 or 1 is described "
             "as a number; binary = \"counts\" describes it as a factor with levels 0 and 1"},
      {"chisq",
       std::string("chisq.test(table, correct = ") + (spec.table1.yates ? "TRUE" : "FALSE") +
           "): Yates' correction only ever applies to 2x2 tables; empty rows/columns dropped"},
      {"fisher",
       "fisher.test(table): two-sided exact p; 2x2 with conditional MLE odds ratio and exact CI"},
      {"numeric_tests",
       "two groups: t.test(x ~ group) (Welch; mean difference = first group - second) and "
       "wilcox.test(x ~ group) (W of the first group; exact p when both groups have fewer than 50 "
       "values and no ties, else normal approximation with continuity correction)"},
      {"rows",
       "the cohort's rows (time, event and group known); missing values counted per variable"}};
  out["groups"] = c.group.empty() ? json::array({"all"}) : json(c.group_levels);
  json vars = json::array();
  for (const auto& term : spec.covariates)
    vars.push_back(
        isolated("Table 1 for '" + term.column + "'", "analyses.table1",
                 [&] { return table1_variable(table, c, spec, term, group, n_groups, warnings); },
                 {{"variable", term.column}}));
  out["variables"] = vars;
  return out;
}

}  // namespace localsurv
