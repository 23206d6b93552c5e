#include "analysis.h"

#include <algorithm>
#include <cmath>

#include "error.h"
#include "model_frame.h"

namespace localsurv {
namespace {

using json = nlohmann::ordered_json;

json number(double x) { return std::isfinite(x) ? json(x) : json(); }

json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}

// The rows an analysis uses and why the others were left out.
json rows_report(std::size_t candidates, const RowSelection& sel) {
  json by = json::object();
  for (const auto& [name, n] : sel.dropped_by_column)
    if (n) by[name] = n;
  return {{"rows_available", candidates},
          {"rows_used", sel.rows.size()},
          {"rows_dropped", sel.dropped},
          {"dropped_for_missing", by}};
}

// Everything an analysis of the spec's outcome needs, resolved once.
struct Cohort {
  std::vector<std::size_t> rows;  // complete on time, event (and group)
  std::vector<double> time;
  std::vector<int> event;
  std::vector<int> group;  // codes into group_levels; empty if no group
  std::vector<std::string> group_levels;
  json report;
};

Cohort make_cohort(const Table& table, const AnalysisSpec& spec, std::vector<json>& warnings) {
  Cohort c;
  std::vector<std::string> needed = {spec.time.column, spec.event.column};
  if (!spec.group.column.empty()) needed.push_back(spec.group.column);
  std::vector<std::size_t> candidates = all_rows(table);
  RowSelection sel = complete_rows(table, needed, candidates);
  c.rows = sel.rows;
  c.report = rows_report(candidates.size(), sel);
  const Column& time = table.column(spec.time.column);
  c.time = numeric_values(time, c.rows);
  for (std::size_t i = 0; i < c.rows.size(); ++i)
    if (c.time[i] < 0)
      throw Error("time column '" + spec.time.column + "' is negative (" + time.text(c.rows[i]) +
                      ") in data row " + std::to_string(c.rows[i] + 1),
                  spec.time.column, static_cast<long>(c.rows[i] + 2));
  c.event = event_indicator(table.column(spec.event.column), spec.event.values, c.rows);
  if (!spec.group.column.empty()) {
    const Column& g = table.column(spec.group.column);
    TermSpec t{spec.group.column, TermKind::Factor, spec.group.levels, spec.group.reference};
    c.group_levels = factor_levels(g, t);
    std::vector<int> codes = factor_codes(g, c.group_levels);
    for (std::size_t r : c.rows) c.group.push_back(codes[r]);
  }
  std::size_t events = 0;
  for (int e : c.event) events += e;
  c.report["events"] = events;
  if (c.rows.empty())
    throw Error("no row has a time, an event" +
                std::string(spec.group.column.empty() ? "" : " and a group") +
                " value: nothing to analyse");
  if (events == 0)
    warnings.push_back(
        {{"analysis", "cohort"},
         {"message", "no row has an event value in {" + json(spec.event.values).dump() +
                         "} in column '" + spec.event.column + "': every patient is censored"}});
  return c;
}

}  // namespace

json describe_table(const Table& table, std::size_t preview_rows) {
  json cols = json::array();
  for (const auto& c : table.columns) {
    json d = {{"name", c.name},
              {"type", c.type == ColumnType::Numeric ? "numeric" : "categorical"},
              {"missing", c.missing_count()}};
    if (c.type == ColumnType::Categorical) {
      json lv = json::array();
      for (std::size_t i = 0; i < c.levels.size() && i < 100; ++i) lv.push_back(c.levels[i]);
      d["levels"] = lv;
      d["n_levels"] = c.levels.size();
    } else {
      double lo = INFINITY, hi = -INFINITY;
      std::vector<double> distinct;
      for (std::size_t r = 0; r < c.size(); ++r)
        if (!c.is_missing(r)) {
          lo = std::min(lo, c.numbers[r]);
          hi = std::max(hi, c.numbers[r]);
          if (distinct.size() <= 20 &&
              std::find(distinct.begin(), distinct.end(), c.numbers[r]) == distinct.end())
            distinct.push_back(c.numbers[r]);
        }
      d["min"] = number(lo);
      d["max"] = number(hi);
      // Few distinct values (0/1, 1/2, stage 1-4): the page offers them as event/group values.
      if (distinct.size() <= 20) {
        std::sort(distinct.begin(), distinct.end());
        json lv = json::array();
        for (double x : distinct) lv.push_back(format_double(x));
        d["levels"] = lv;
      }
    }
    cols.push_back(d);
  }
  json preview = json::array();
  for (std::size_t r = 0; r < table.n_rows && r < preview_rows; ++r) {
    json row = json::array();
    for (const auto& c : table.columns) row.push_back(c.is_missing(r) ? json() : json(c.text(r)));
    preview.push_back(row);
  }
  return {{"rows", table.n_rows}, {"columns", cols}, {"preview", preview}};
}

json run_analysis(const Table& table, const AnalysisSpec& spec) {
  std::vector<json> warnings;
  Cohort cohort = make_cohort(table, spec, warnings);
  json results = json::object();
  json out;
  out["localsurv"] = {{"version", kVersion}};
  out["spec"] = spec_to_json(spec);
  out["data"] = {{"rows", table.n_rows}, {"columns", table.columns.size()}};
  out["cohort"] = cohort.report;
  if (!cohort.group_levels.empty()) out["cohort"]["group_levels"] = cohort.group_levels;
  out["results"] = results;
  out["warnings"] = warnings;
  return out;
}

}  // namespace localsurv
