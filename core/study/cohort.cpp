#include "study/cohort.h"

#include <algorithm>
#include <cstdlib>

#include "error.h"
#include "io/csv.h"
#include "io/result_json.h"
#include "io/filter.h"
#include "study/section.h"

namespace localsurv {

using json = nlohmann::ordered_json;

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

namespace {

// A filter's text in a message: whole if short, else its start.
std::string shown(const std::string& text) {
  constexpr std::size_t kShown = 80;
  if (text.size() <= kShown) return "'" + text + "'";
  std::size_t cut = kShown - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return "'" + text.substr(0, cut) + "...'";
}

// The rows every filter keeps, each filter read on its own so that its
// errors name its own field and positions in its own text. A filter that
// leaves nobody is named: nothing else would explain an empty cohort.
std::vector<std::size_t> filtered_rows(const Table& table,
                                       const std::vector<CohortFilter>& filters) {
  std::vector<uint8_t> keep(table.n_rows, 1);
  std::size_t kept = table.n_rows;
  const CohortFilter* before = nullptr;
  for (const auto& f : filters) {
    const std::vector<uint8_t> m = evaluate_filter(table, f.text, f.field);
    std::size_t now = 0;
    for (std::size_t r = 0; r < table.n_rows; ++r) now += keep[r] = keep[r] && m[r];
    if (now == 0 && kept > 0)
      throw Error(f.name + " " + shown(f.text) + " keeps none of the " + std::to_string(kept) +
                      (before ? " rows that " + before->name + " " + shown(before->text) + " keeps"
                              : std::string(" rows of the file")) +
                      ": nothing to analyse",
                  f.field);
    kept = now;
    before = &f;
  }
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < table.n_rows; ++r)
    if (keep[r]) rows.push_back(r);
  return rows;
}

// No row of `candidates` has every one of the outcome's `needed` columns:
// say which are missing, and how often.
[[noreturn]] void no_complete_row(const Table& table, const std::vector<std::string>& needed,
                                  const std::vector<std::size_t>& candidates, std::size_t filters) {
  std::string counts, field;
  std::size_t most = 0;
  for (const auto& name : needed) {
    const Column& col = table.column(name);
    const auto n = static_cast<std::size_t>(std::count_if(
        candidates.begin(), candidates.end(), [&](std::size_t r) { return col.is_missing(r); }));
    if (n == 0) continue;
    counts += (counts.empty() ? "'" + name + "' is missing in " + std::to_string(n) + " of them"
                              : ", '" + name + "' in " + std::to_string(n));
    if (n > most) most = n, field = name;
  }
  throw Error("none of the " + std::to_string(candidates.size()) + " rows " +
                  (filters == 0   ? std::string("of the file")
                   : filters == 1 ? std::string("the filter keeps")
                                  : std::string("the filters keep")) +
                  " has a value in every one of " + quoted(needed) +
                  (counts.empty() ? "" : " (" + counts + ")") + ": nothing to analyse",
              field);
}

}  // namespace

Cohort make_cohort(const Table& table, const AnalysisSpec& spec,
                   const std::vector<CohortFilter>& filters, std::vector<json>& warnings) {
  Cohort c;
  std::vector<std::string> needed = {spec.time.column, spec.event.column};
  if (!spec.group.column.empty()) needed.push_back(spec.group.column);
  const std::vector<std::size_t> candidates = filtered_rows(table, filters);
  RowSelection sel = complete_rows(table, needed, candidates);
  c.rows = sel.rows;
  c.report = {{"rows_in_file", table.n_rows}, {"filter", spec.filter}};
  c.report.update(rows_report(candidates.size(), sel));
  const Column& time = table.column(spec.time.column);
  c.time = numeric_values(time, c.rows);
  for (std::size_t i = 0; i < c.rows.size(); ++i)
    if (c.time[i] < 0)
      throw Error("time column '" + spec.time.column + "' is negative (" + time.text(c.rows[i]) +
                      ") on line " + std::to_string(time.line(c.rows[i])),
                  spec.time.column, time.line(c.rows[i]));
  const Column& event_col = table.column(spec.event.column);
  c.event = event_indicator(event_col, spec.event.values, c.rows);
  // Everything that is not an event counts as censored; more than one such
  // value ("0" and "?") usually means a coding the user did not intend.
  std::vector<std::string> censor_values;
  for (std::size_t i = 0; i < c.rows.size() && censor_values.size() <= 5; ++i) {
    std::string v = event_col.text(c.rows[i]);
    if (!c.event[i] &&
        std::find(censor_values.begin(), censor_values.end(), v) == censor_values.end())
      censor_values.push_back(v);
  }
  // R's lung data code the status 1 = censored, 2 = dead: with the default
  // event value 1, every death would count as censored.
  auto is = [](const std::string& text, double x) {
    double v;
    return parse_csv_number(text, false, v) && v == x;
  };
  if (spec.event.values.size() == 1 && is(spec.event.values[0], 1) && censor_values.size() == 1 &&
      is(censor_values[0], 2))
    warnings.push_back(
        {{"analysis", "cohort"},
         {"message", "column '" + spec.event.column +
                         "' holds 1 and 2 (as R's lung data, where 1 = censored and 2 = "
                         "dead), and the event value is 1: every 2 is counted as censored. If "
                         "2 means the event, set the event value to 2"}});
  if (censor_values.size() > 1)
    warnings.push_back(
        {{"analysis", "cohort"},
         {"message", "column '" + spec.event.column +
                         "' has several values that are not the event (" +
                         joined(censor_values, ", ") + (censor_values.size() > 5 ? ", ..." : "") +
                         "): all of them are counted as censored"}});
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
  if (c.rows.empty()) no_complete_row(table, needed, candidates, filters.size());
  if (events == 0)
    warnings.push_back(
        {{"analysis", "cohort"},
         {"message", "no row has the event value (" + joined(spec.event.values, ", ") +
                         ") in column '" + spec.event.column + "': every patient is censored"}});
  return c;
}

Frame make_frame(const Table& table, const Cohort& c, const std::vector<std::string>& extra) {
  Frame f;
  RowSelection sel = complete_rows(table, extra, c.rows);
  f.rows = sel.rows;
  f.report = rows_report(c.rows.size(), sel);
  std::size_t k = 0;
  for (std::size_t i = 0; i < c.rows.size() && k < f.rows.size(); ++i) {
    if (c.rows[i] != f.rows[k]) continue;
    f.time.push_back(c.time[i]);
    f.event.push_back(c.event[i]);
    if (!c.group.empty()) f.group.push_back(c.group[i]);
    ++k;
  }
  return f;
}

namespace {

// A frame with no patient cannot be analysed: say which of the columns it
// needs has no value in the cohort, and what to do (`remedy`, e.g. "leave it
// out of the covariates").
std::vector<std::string> empty_columns(const Table& table, const Cohort& c,
                                       const std::vector<std::string>& needed) {
  std::vector<std::string> empty;
  for (const auto& name : needed) {
    const Column& col = table.column(name);
    if (std::all_of(c.rows.begin(), c.rows.end(),
                    [&](std::size_t r) { return col.is_missing(r); }) &&
        std::find(empty.begin(), empty.end(), name) == empty.end())
      empty.push_back(name);
  }
  return empty;
}

}  // namespace

// The first of `needed` with no value in the cohort ("" if none), to fit the remedy to it.
std::string first_empty(const Table& table, const Cohort& c,
                        const std::vector<std::string>& needed) {
  const std::vector<std::string> empty = empty_columns(table, c, needed);
  return empty.empty() ? std::string() : empty[0];
}

void require_rows(const Table& table, const Cohort& c, const Frame& f,
                  const std::vector<std::string>& needed, const std::string& what,
                  const std::string& remedy) {
  if (!f.rows.empty()) return;
  const std::vector<std::string> empty = empty_columns(table, c, needed);
  const std::string n = std::to_string(c.rows.size());
  if (!empty.empty())
    throw Failure(what + ": " + quoted(empty) + (empty.size() == 1 ? " has" : " have") +
                      " no value in any of the " + n + " patients of the cohort; " + remedy,
                  empty[0]);
  throw Failure(what + ": none of the " + n +
                    " patients of the cohort has a value in every one of " + quoted(needed) + "; " +
                    remedy,
                needed.empty() ? std::string() : needed[0]);
}

// A factor term needs two levels, as R's contrasts do ("contrasts can be
// applied only to factors with 2 or more levels"): a column with one value
// has nothing to estimate. coxph keeps a factor's unused levels; glm drops
// them (model.frame(drop.unused.levels = TRUE)), so for a propensity model
// only the levels present in `rows` count.
void require_levels(const Table& table, const std::vector<TermSpec>& terms,
                    const std::string& group_column, const std::string& what,
                    const std::vector<std::size_t>* rows) {
  for (const auto& t : terms) {
    const Column& col = table.column(t.column);
    const bool factor = t.kind == TermKind::Factor ||
                        (t.kind == TermKind::Auto && col.type == ColumnType::Categorical);
    if (!factor) continue;
    std::vector<std::string> levels = factor_levels(col, t);
    if (rows) {
      const std::vector<int> codes = factor_codes(col, levels);
      std::vector<std::string> present;
      for (std::size_t l = 0; l < levels.size(); ++l)
        if (std::any_of(rows->begin(), rows->end(),
                        [&](std::size_t r) { return codes[r] == static_cast<int>(l); }))
          present.push_back(levels[l]);
      levels = present;
    }
    if (levels.size() >= 2) continue;
    const bool group = t.column == group_column;
    throw Failure(
        what + ": '" + t.column + "' has " +
            (levels.empty() ? std::string("no value") : "a single value ('" + levels[0] + "')") +
            (rows ? " among the " + std::to_string(rows->size()) + " patients it uses"
                  : std::string(" in the file")) +
            ", so it has nothing to estimate; " +
            (group ? "choose a group column with two levels" : "leave it out of the covariates"),
        t.column, "contrasts can be applied only to factors with 2 or more levels");
  }
}

// Codes of any column read as a factor (sorted levels), for strata,
// clusters and k-group comparisons.
std::vector<int> codes_for(const Table& table, const std::string& column,
                           const std::vector<std::size_t>& rows,
                           std::vector<std::string>* levels_out) {
  const Column& col = table.column(column);
  TermSpec t{column, TermKind::Factor, {}, ""};
  std::vector<std::string> levels = factor_levels(col, t);
  std::vector<int> all = factor_codes(col, levels);
  std::vector<int> codes;
  codes.reserve(rows.size());
  for (std::size_t r : rows) codes.push_back(all[r]);
  if (levels_out) *levels_out = levels;
  return codes;
}

}  // namespace localsurv
