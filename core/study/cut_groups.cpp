#include <cmath>

#include "error.h"
#include "io/result_json.h"
#include "stats/cox.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {

using json = nlohmann::ordered_json;

namespace {

// The cohort cut into groups by `cut` on column x (x <= cut low, x > cut
// high), with rows matching `none` as a reference group of their own.
Cohort cut_cohort(const Table& table, const Cohort& c, const CutpointSpec& cs, double cut,
                  const std::vector<uint8_t>& none, json& report) {
  const CutpointGroupsSpec& gs = cs.groups;
  const Column& x = table.column(cs.column);
  if (x.type != ColumnType::Numeric)
    throw Error("column '" + cs.column + "' is not numeric, so it cannot be cut at a value",
                "analyses.cutpoint.column");
  Cohort g;
  if (!gs.none.empty()) g.group_levels.push_back(gs.none_label);
  g.group_levels.push_back(cs.column + " <= " + format_double(cut));
  g.group_levels.push_back(cs.column + " > " + format_double(cut));
  const int low = gs.none.empty() ? 0 : 1;
  std::size_t unknown = 0;
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    std::size_t r = c.rows[i];
    int code = -1;
    if (!none.empty() && none[r])
      code = 0;
    else if (!x.is_missing(r))
      code = x.numbers[r] <= cut ? low : low + 1;
    if (code < 0) {
      ++unknown;
      continue;
    }
    g.rows.push_back(r);
    g.time.push_back(c.time[i]);
    g.event.push_back(c.event[i]);
    g.group.push_back(code);
  }
  report = {{"rows_available", c.rows.size()},
            {"rows_used", g.rows.size()},
            {"rows_dropped", unknown},
            {"dropped_for_missing", unknown ? json{{cs.column, unknown}} : json::object()}};
  return g;
}

}  // namespace

// KM, log-rank (overall and pairwise) and Cox of the cut groups, and the
// matched-pair re-analysis of each cut group against the reference.
json run_cut_groups(const Table& table, const Cohort& c, const AnalysisSpec& spec, double cut,
                    const std::string& chosen_by, const std::vector<uint8_t>& none,
                    std::vector<json>& warnings) {
  const CutpointSpec& cs = spec.cutpoint;
  const CutpointGroupsSpec& gs = cs.groups;
  if (!std::isfinite(cut))
    throw Failure("no " + chosen_by + " cutpoint of '" + cs.column +
                      "' could be found (see its warnings or error), so no groups can be formed; "
                      "form the groups by another cutpoint (median, Youden or a value)",
                  "analyses.cutpoint.groups.use");
  json report;
  Cohort g = cut_cohort(table, c, cs, cut, none, report);
  const std::string name = cs.column + "_group";
  AnalysisSpec gspec = spec;
  gspec.group = GroupSpec{name, g.group_levels, ""};
  gspec.matching = gs.matching;
  json out;
  out["definition"] = {{"cutpoint", cut},
                       {"chosen_by", chosen_by},
                       {"levels", g.group_levels},
                       {"reference", g.group_levels[0]},
                       {"none", gs.none}};
  out["rows"] = report;
  std::vector<std::size_t> n(g.group_levels.size(), 0), events(g.group_levels.size(), 0);
  for (std::size_t i = 0; i < g.group.size(); ++i) {
    ++n[static_cast<std::size_t>(g.group[i])];
    events[static_cast<std::size_t>(g.group[i])] += static_cast<std::size_t>(g.event[i]);
  }
  out["n"] = n;
  out["events"] = events;
  for (std::size_t k = 0; k < n.size(); ++k)
    if (n[k] == 0)
      throw Error("the group '" + g.group_levels[k] + "' has no patients: nothing to compare",
                  "analyses.cutpoint.groups");
  std::vector<json> km_warnings;
  json km = run_km(g, gspec, km_warnings);
  for (auto& w : km_warnings) {
    w["analysis"] = "cutpoint";
    warnings.push_back(std::move(w));
  }
  out["km_by_group"] = km["by_group"];
  out["logrank"] =
      k_group_test(g.time, g.event, g.group, g.group_levels, name, gspec, report, warnings);
  CoxInput in;
  in.time = g.time;
  in.status = g.event;
  const Eigen::Index k = static_cast<Eigen::Index>(g.group_levels.size()) - 1;
  in.x = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(g.rows.size()), k);
  for (std::size_t i = 0; i < g.group.size(); ++i)
    if (g.group[i] > 0) in.x(static_cast<Eigen::Index>(i), g.group[i] - 1) = 1;
  for (std::size_t l = 1; l < g.group_levels.size(); ++l)
    in.names.push_back(name + g.group_levels[l]);
  CoxOptions co;
  co.ties = spec.cox.ties;
  co.conf_level = spec.cox.conf_int;
  CoxResult cox = cox_fit(in, co);
  Vocabulary words = group_words(g.group_levels);
  for (std::size_t l = 1; l < g.group_levels.size(); ++l)
    words.coefficients.push_back({in.names[l - 1], g.group_levels[l], "", false});
  add_warnings(warnings, "cutpoint", cox.warnings, words);
  out["cox"] = {
      {"call", "coxph(Surv(time, event) ~ " + name + ", ties = \"" +
                   std::string(cox_ties_name(co.ties)) + "\")"},
      {"reference", g.group_levels[0]},
      {"n", cox.n},
      {"nevent", cox.nevent},
      {"coefficients",
       {{"name", cox.names},
        {"level", std::vector<std::string>(g.group_levels.begin() + 1, g.group_levels.end())},
        {"coef", numbers(cox.coef)},
        {"hr", numbers(cox.hr)},
        {"se", numbers(cox.se)},
        {"lower", numbers(cox.lower)},
        {"upper", numbers(cox.upper)},
        {"z", numbers(cox.z)},
        {"p", numbers(cox.p)}}}};
  if (gs.match) {
    // Each cut group against the reference, with the spec's matching options.
    json matched = json::array();
    for (std::size_t l = 1; l < g.group_levels.size(); ++l) {
      Cohort pair;
      pair.group_levels = {g.group_levels[0], g.group_levels[l]};
      for (std::size_t i = 0; i < g.rows.size(); ++i)
        if (g.group[i] == 0 || g.group[i] == static_cast<int>(l)) {
          pair.rows.push_back(g.rows[i]);
          pair.time.push_back(g.time[i]);
          pair.event.push_back(g.event[i]);
          pair.group.push_back(g.group[i] == 0 ? 0 : 1);
        }
      const std::string comparison = g.group_levels[l] + " vs " + g.group_levels[0];
      std::vector<json> match_warnings;
      Vocabulary words = group_words(pair.group_levels);
      words.treatment = "the group (" + comparison + ")";
      // One comparison too small to match must not lose the others.
      json entry = isolated(
          "matching " + comparison, "analyses.cutpoint.groups.match",
          [&] {
            return json{{"comparison", comparison},
                        {"matching", run_matching(table, pair, gspec, words, match_warnings)}};
          },
          {{"comparison", comparison}});
      for (auto& w : match_warnings) {
        w["analysis"] = "cutpoint";
        w["comparison"] = comparison;
        warnings.push_back(std::move(w));
      }
      matched.push_back(entry);
    }
    out["matched"] = matched;
  }
  return out;
}

}  // namespace localsurv
