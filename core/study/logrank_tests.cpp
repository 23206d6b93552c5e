#include <algorithm>

#include "io/result_json.h"
#include "stats/log_rank.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {

using json = nlohmann::ordered_json;

namespace {

// A comparison needs two groups: say it in the data's own words before the
// kernel says it in codes.
void require_two_groups(const std::vector<int>& codes, const std::vector<std::string>& levels,
                        const std::string& variable, const AnalysisSpec& spec) {
  int first = codes.empty() ? -1 : codes.front();
  if (std::all_of(codes.begin(), codes.end(), [&](int c) { return c == first; }))
    throw Failure("log-rank test: every patient with complete data has " +
                      (first < 0 ? std::string("no value")
                                 : "'" + levels[static_cast<std::size_t>(first)] + "'") +
                      " in column '" + variable + "'; a comparison needs at least two groups: " +
                      (variable == spec.group.column ? "choose a group column with two levels"
                                                     : "leave it out of the log-rank 'by' columns"),
                  variable, "There is only 1 group");
}

// The log-rank kernel in the user's words: its "group variable" is the column.
LogRankResult log_rank_of(const std::string& variable, const std::vector<double>& time,
                          const std::vector<int>& event, const std::vector<int>& codes,
                          const std::vector<int>& strata, const LogRankOptions& o) {
  try {
    return log_rank(time, event, codes, strata, o);
  } catch (const Error& e) {
    std::string m = plain_error("the log-rank test by '" + variable + "'", e.what()).message;
    for (std::size_t at = m.find("the group variable"); at != std::string::npos;
         at = m.find("the group variable", at))
      m.replace(at, 18, "'" + variable + "'");
    throw Failure(m, variable, e.what());
  }
}

}  // namespace

// One k-group comparison (the treatment group or a `by` column), with
// pairwise tests when there are three or more groups.
json k_group_test(const std::vector<double>& time, const std::vector<int>& event,
                  const std::vector<int>& codes, const std::vector<std::string>& levels,
                  const std::string& variable, const AnalysisSpec& spec, json report,
                  std::vector<json>& warnings) {
  require_two_groups(codes, levels, variable, spec);
  LogRankOptions o;
  o.rho = spec.logrank.rho;
  LogRankResult r = log_rank_of(variable, time, event, codes, {}, o);
  add_warnings(warnings, "logrank", r.warnings, levels);
  json out = log_rank_json(r, levels, variable);
  out["rows"] = std::move(report);
  if (r.groups.size() >= 3) {
    PairwiseLogRankOptions po;
    po.test = o;
    po.adjust = spec.logrank.pairwise_adjust;
    PairwiseLogRankResult pw = pairwise_log_rank(time, event, codes, {}, po);
    add_warnings(warnings, "logrank", pw.warnings, levels);
    out["pairwise"] = pairwise_json(pw, levels, option_name(spec.logrank.pairwise_adjust));
  }
  return out;
}

// Each test (by group, stratified, each `by` column) stands on its own: one
// that cannot be computed reports its error in its place.
json run_logrank(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                 std::vector<json>& warnings) {
  json out;
  std::string rho = format_double(spec.logrank.rho);
  out["conventions"] = {
      {"call", "survdiff(Surv(time, event) ~ group, rho = " + rho + ")"},
      {"rho", spec.logrank.rho},
      {"weights", spec.logrank.rho == 0 ? "log-rank (equal weights)"
                                        : "G-rho: S(t-)^rho, pooled Kaplan-Meier"},
      {"df", "groups with expected > 0, minus 1"},
      {"pairwise", "survdiff on each pair's rows, p adjusted by " +
                       option_name(spec.logrank.pairwise_adjust) + " (p.adjust)"}};
  const std::string field = "analyses.logrank";
  if (!c.group.empty()) {
    const std::string& g = spec.group.column;
    out["by_group"] = isolated("the log-rank test by '" + g + "'", field,
                               [&] {
                                 Frame f = make_frame(table, c, {});
                                 return k_group_test(f.time, f.event, f.group, c.group_levels, g,
                                                     spec, f.report, warnings);
                               },
                               {{"variable", g}});
    if (!spec.logrank.strata.empty()) {
      const std::string& st = spec.logrank.strata;
      out["stratified"] =
          isolated("the log-rank test by '" + g + "' stratified on '" + st + "'", field,
                   [&] {
                     Frame fs = make_frame(table, c, {st});
                     require_rows(table, c, fs, {st}, "the stratified log-rank test",
                                  "choose another strata column, or none");
                     require_two_groups(fs.group, c.group_levels, g, spec);
                     std::vector<std::string> strata_levels;
                     std::vector<int> strata = codes_for(table, st, fs.rows, &strata_levels);
                     LogRankOptions o;
                     o.rho = spec.logrank.rho;
                     LogRankResult r = log_rank_of(g, fs.time, fs.event, fs.group, strata, o);
                     add_warnings(warnings, "logrank", r.warnings, c.group_levels);
                     json s = log_rank_json(r, c.group_levels, g);
                     s["strata"] = st;
                     s["strata_levels"] = strata_levels;
                     s["rows"] = fs.report;
                     return s;
                   },
                   {{"variable", g}, {"strata", st}});
    }
  }
  json by = json::array();
  for (const auto& column : spec.logrank.by)
    by.push_back(isolated(
        "the log-rank test by '" + column + "'", field,
        [&] {
          Frame f = make_frame(table, c, {column});
          require_rows(table, c, f, {column}, "the log-rank test by '" + column + "'",
                       "leave it out of the log-rank 'by' columns");
          std::vector<std::string> levels;
          std::vector<int> codes = codes_for(table, column, f.rows, &levels);
          return k_group_test(f.time, f.event, codes, levels, column, spec, f.report, warnings);
        },
        {{"variable", column}}));
  out["by"] = by;
  return out;
}

}  // namespace localsurv
