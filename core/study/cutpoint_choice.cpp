#include <algorithm>
#include <cmath>

#include "io/filter.h"
#include "io/result_json.h"
#include "stats/cutpoint.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {

using json = nlohmann::ordered_json;

namespace {

// maxstat found no cut it may use: a constant column, or too few distinct
// values for minprop / maxprop (R: "minprop too large", "no data between
// minprop, maxprop").
Failure cut_infeasible(const std::string& what, const CutpointSpec& cs, std::vector<double> x,
                       const Error& e) {
  std::sort(x.begin(), x.end());
  x.erase(std::unique(x.begin(), x.end()), x.end());
  if (x.size() == 1)
    return Failure(what + ": every patient has the same value (" + format_double(x[0]) +
                       "), so there is nothing to cut; choose another column",
                   "analyses.cutpoint.column", e.what());
  return Failure(what + ": it takes only " + std::to_string(x.size()) +
                     " distinct values, too few for a cut that leaves between minprop " +
                     format_double(cs.minprop) + " and maxprop " + format_double(cs.maxprop) +
                     " of the patients below it; choose another column, or widen "
                     "analyses.cutpoint.minprop / maxprop in the spec",
                 "analyses.cutpoint.minprop", e.what());
}

}  // namespace

// Cutpoint of a numeric column: maxstat's maximally selected log-rank
// statistic (with every candidate, for plotting), the median, and Youden's index.
json run_cutpoint(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                  std::vector<json>& warnings) {
  const CutpointSpec& cs = spec.cutpoint;
  // The reference group (e.g. no RT) takes no part in choosing the cutpoint.
  std::vector<uint8_t> none;
  Cohort chooser = c;
  if (cs.groups.enabled && !cs.groups.none.empty()) {
    try {
      none = evaluate_filter(table, cs.groups.none);
    } catch (const Error& e) {
      const std::string m = e.what();
      throw Failure("the reference group's filter (" + cs.groups.none +
                        ") cannot be used: " + (m.rfind("filter: ", 0) == 0 ? m.substr(8) : m),
                    "analyses.cutpoint.groups.none");
    }
    chooser = Cohort{};
    for (std::size_t i = 0; i < c.rows.size(); ++i)
      if (!none[c.rows[i]]) {
        chooser.rows.push_back(c.rows[i]);
        chooser.time.push_back(c.time[i]);
        chooser.event.push_back(c.event[i]);
      }
  }
  const std::string what = "the cutpoint of '" + cs.column + "'";
  if (chooser.rows.empty())
    throw Failure(what + ": every patient of the cohort is in the reference group (" +
                      cs.groups.none + "), so nobody is left to choose a cutpoint among",
                  "analyses.cutpoint.groups.none");
  Frame f = make_frame(table, chooser, {cs.column});
  require_rows(table, chooser, f, {cs.column}, what, "choose another column");
  std::vector<double> x = numeric_values(table.column(cs.column), f.rows);
  // The cutpoint kernels call the column x.
  Vocabulary about_x;
  about_x.variable = cs.column;
  double maxstat_cut = NAN;
  json maxstat = isolated("the maximally selected log-rank statistic", "analyses.cutpoint", [&] {
    MaxstatOptions mo;
    mo.minprop = cs.minprop;
    mo.maxprop = cs.maxprop;
    mo.pmethod = cs.pmethod;
    mo.mc_replicates = cs.replicates;
    mo.seed = static_cast<std::uint64_t>(cs.seed);
    MaxstatResult m;
    try {
      m = maxstat_log_rank(f.time, f.event, x, mo);
    } catch (const Error& e) {
      throw cut_infeasible(what, cs, x, e);
    }
    add_warnings(warnings, "cutpoint", m.warnings, about_x);
    maxstat_cut = m.cutpoint;
    return json{{"cutpoint", number(m.cutpoint)},
                {"statistic", number(m.statistic)},
                {"p", number(m.p)},
                {"n_low", m.n_low},
                {"n_high", m.n_high},
                {"candidates", {{"cut", numbers(m.cuts)}, {"statistic", numbers(m.statistics)}}}};
  });
  YoudenOptions yo;
  if (cs.horizon > 0) yo.horizon = cs.horizon;
  YoudenResult y = youden_cutpoint(f.time, f.event, x, yo);
  for (auto& f : y.warnings) f.where = "Youden's index";
  add_warnings(warnings, "cutpoint", y.warnings, about_x);
  MedianSplitResult med = median_split(x);
  for (auto& f : med.warnings) f.where = "the median of '" + cs.column + "'";
  add_warnings(warnings, "cutpoint", med.warnings, about_x);
  json out;
  out["conventions"] = {
      {"maxstat",
       "maxstat.test(Surv(time, event) ~ " + cs.column + ", smethod = \"LogRank\", pmethod = \"" +
           std::string(cs.pmethod == MaxstatPMethod::CondMC ? "condMC" : "Lau94") +
           "\", minprop = " + format_double(cs.minprop) +
           ", maxprop = " + format_double(cs.maxprop) + ")" +
           (cs.pmethod == MaxstatPMethod::CondMC
                ? " with our own seeded permutations (seed " + std::to_string(cs.seed) + ", " +
                      std::to_string(cs.replicates) + " replicates), not R's draws"
                : std::string())},
      {"groups", "high = " + cs.column + " > cutpoint"},
      {"youden",
       cs.horizon > 0
           ? "ROC at time " + format_double(cs.horizon) +
                 ": events up to then vs patients followed past it (censored earlier left out)"
           : "ROC of " + cs.column + " against event status (as ggrisk/cutoff::roc)"}};
  out["rows"] = f.report;
  out["maxstat"] = maxstat;
  out["median"] = {
      {"cutpoint", number(med.cutpoint)}, {"n_low", med.n_low}, {"n_high", med.n_high}};
  out["youden"] = {{"cutpoint", number(y.cutpoint)},
                   {"sensitivity", number(y.sensitivity)},
                   {"specificity", number(y.specificity)},
                   {"youden", number(y.youden)},
                   {"auc", number(y.auc)}};
  if (cs.groups.enabled) {
    const CutUse use = cs.groups.use;
    double cut = use == CutUse::Value    ? cs.groups.value
                 : use == CutUse::Median ? med.cutpoint
                 : use == CutUse::Youden ? y.cutpoint
                                         : maxstat_cut;
    // Groups that cannot be formed or compared must not lose the cutpoints.
    out["groups"] = isolated("the cutpoint groups", "analyses.cutpoint.groups", [&] {
      return run_cut_groups(table, c, spec, cut, option_name(use), none, warnings);
    });
  }
  return out;
}

}  // namespace localsurv
