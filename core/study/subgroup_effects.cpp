#include "io/result_json.h"
#include "stats/subgroup.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {

using json = nlohmann::ordered_json;

namespace {

// One subgroup variable: the treatment HR within each of its levels and the
// treatment x variable interaction.
json subgroup_variable(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                       const TermSpec& term, const Vocabulary& group_vocabulary,
                       std::vector<json>& warnings) {
  const SubgroupSpec& ss = spec.subgroups;
  std::vector<std::string> needed = {term.column};
  std::vector<TermSpec> adjusters;
  if (ss.adjust)
    for (const auto& t : spec.covariates)
      if (t.column != term.column) {
        adjusters.push_back(t);
        needed.push_back(t.column);
      }
  Frame f = make_frame(table, c, needed);
  require_rows(table, c, f, needed, "the subgroup analysis by '" + term.column + "'",
               "leave it out of the subgroup variables (or of the covariates it is adjusted "
               "for)");
  SubgroupInput in;
  in.time = f.time;
  in.status = f.event;
  in.treat = f.group;
  const Column& col = table.column(term.column);
  in.levels = factor_levels(col, term);
  std::vector<int> all = factor_codes(col, in.levels);
  for (std::size_t r : f.rows) in.codes.push_back(all[r]);
  in.variable = term.column;
  // The kernel names coefficients as R would: treatment, levels, adjusters, interactions.
  Vocabulary words = group_vocabulary;
  const std::string treat = spec.group.column + " = " + c.group_levels[1];
  words.coefficients.push_back({spec.group.column + c.group_levels[1], treat, "", false});
  for (const auto& l : in.levels) {
    words.coefficients.push_back({term.column + l, term.column + " = " + l, "", false});
    words.coefficients.push_back({spec.group.column + c.group_levels[1] + ":" + term.column + l,
                                  treat + " x " + term.column + " = " + l, "", false});
  }
  if (!adjusters.empty()) {
    require_levels(table, adjusters, spec.group.column,
                   "the subgroup analysis by '" + term.column + "' adjusted for the covariates");
    Design d = build_design(table, adjusters, f.rows);
    in.adjust = d.x;
    in.adjust_names = d.names;
    add_coefficients(words, d);
  }
  SubgroupOptions o;
  o.cox.ties = spec.cox.ties;
  o.cox.conf_level = spec.cox.conf_int;
  o.treat_name = spec.group.column + c.group_levels[1];
  SubgroupResult r = subgroup_analysis(in, o);
  add_variable_warnings(warnings, "subgroups", term.column, r.warnings, words);
  json levels = json::array();
  for (const auto& l : r.levels)
    levels.push_back({{"level", l.level},
                      {"n", l.n},
                      {"nevent", l.nevent},
                      {"n_treated", l.n_treated},
                      {"n_control", l.n_control},
                      {"events_treated", l.events_treated},
                      {"events_control", l.events_control},
                      {"coef", number(l.coef)},
                      {"se", number(l.se)},
                      {"hr", number(l.hr)},
                      {"lower", number(l.lower)},
                      {"upper", number(l.upper)},
                      {"z", number(l.z)},
                      {"p", number(l.p)}});
  json lrt = json::object(), wald = json::object();
  add_test(lrt, r.interaction.lrt);
  add_test(wald, r.interaction.wald);
  json inter = {{"n", r.interaction.n},
                {"terms", r.interaction.terms},
                {"coef", numbers(r.interaction.coef)},
                {"se", numbers(r.interaction.se)},
                {"z", numbers(r.interaction.z)},
                {"p", numbers(r.interaction.p)},
                {"lrt", lrt},
                {"wald", wald}};
  return {
      {"variable", term.column}, {"rows", f.report}, {"levels", levels}, {"interaction", inter}};
}

}  // namespace

// Treatment HR within each level of each subgroup variable, and the
// treatment x subgroup interaction (LRT and Wald).
json run_subgroups(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                   std::vector<json>& warnings) {
  const Vocabulary group_vocabulary = group_words(c.group_levels, spec.group.column);
  require_two_arms(c.group_levels, c.group, group_vocabulary, "the subgroup analysis");
  const SubgroupSpec& ss = spec.subgroups;
  json out;
  out["conventions"] = {
      {"per_level", "coxph(Surv(time, event) ~ " + spec.group.column +
                        (ss.adjust ? " + covariates" : "") + ", ties = \"" +
                        option_name(spec.cox.ties) + "\") within each level"},
      {"interaction",
       "likelihood-ratio test of coxph(Surv ~ group * x) against coxph(Surv ~ group + x)" +
           std::string(ss.adjust ? " (both + covariates)" : "") +
           ", and the joint Wald test of the interaction coefficients; rows with x known"},
      {"treated", spec.group.column + " = " + c.group_levels[1]}};
  json vars = json::array();
  for (const auto& term : ss.variables)
    vars.push_back(isolated(
        "the subgroup analysis by '" + term.column + "'", "analyses.subgroups",
        [&] { return subgroup_variable(table, c, spec, term, group_vocabulary, warnings); },
        {{"variable", term.column}}));
  out["variables"] = vars;
  return out;
}

}  // namespace localsurv
