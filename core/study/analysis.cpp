#include "study/analysis.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>

#include "error.h"
#include "stats/balance.h"
#include "stats/concordance.h"
#include "stats/contingency.h"
#include "stats/cox.h"
#include "stats/cox_zph.h"
#include "stats/cutpoint.h"
#include "stats/descriptives.h"
#include "stats/kaplan_meier.h"
#include "stats/log_rank.h"
#include "stats/logistic.h"
#include "stats/matching.h"
#include "stats/subgroup.h"
#include "stats/two_sample.h"
#include "study/filter.h"
#include "study/model_frame.h"
#include "study/plain_words.h"

namespace localsurv {
namespace {

using json = nlohmann::ordered_json;

json number(double x) { return std::isfinite(x) ? json(x) : json(); }

json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// An analysis that cannot be computed on these data, said in the user's
// words (field: their column or the spec option); `detail` keeps the
// kernel's or R's own wording.
struct Failure : Error {
  Failure(const std::string& message, std::string field, std::string detail_ = {})
      : Error(message, std::move(field)), detail(std::move(detail_)) {}
  std::string detail;
};

json error_json(const std::string& message, const std::string& field, const std::string& detail) {
  return {{"message", message},
          {"field", field.empty() ? json() : json(field)},
          {"detail", detail.empty() ? json() : json(detail)}};
}

// A check helper's message ("cross_tabulate: levels ..."): in the kernel's
// terms, not the user's.
bool from_kernel(const std::string& m) {
  std::size_t i = 0;
  while (i < m.size() && (std::islower(static_cast<unsigned char>(m[i])) ||
                          std::isdigit(static_cast<unsigned char>(m[i])) || m[i] == '_'))
    ++i;
  return i > 0 && m.compare(i, 2, ": ") == 0;
}

// Runs one analysis, or one model or comparison of it. An error becomes its
// own {"error": {message, field, detail}} (next to `block`'s identifying
// keys), so that every other result stands. Out of memory still ends the run.
template <class F>
json isolated(const std::string& what, const std::string& field, F&& body,
              json block = json::object()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const Failure& e) {
    block["error"] = error_json(e.what(), e.field, e.detail);
  } catch (const Error& e) {
    if (from_kernel(e.what())) {
      const Said s = plain_error(what, e.what());
      block["error"] = error_json(s.message, field, s.detail);
    } else {
      block["error"] = error_json(e.what(), e.field.empty() ? field : e.field, "");
    }
  } catch (const std::exception& e) {
    block["error"] = error_json("internal error in " + what + ": " + e.what() +
                                    " (please report this with the spec that caused it)",
                                field, "");
  }
  return block;
}

std::string quoted(const std::vector<std::string>& names) {
  std::vector<std::string> q;
  for (const auto& n : names) q.push_back("'" + n + "'");
  std::string s;
  for (std::size_t i = 0; i < q.size(); ++i)
    s += (i ? i + 1 == q.size() ? " and " : ", " : "") + q[i];
  return s;
}

// "statistic", "df", "p" appended to `out`. Log-rank and Cox degrees of
// freedom are whole numbers and are written as JSON integers.
void add_test(json& out, const TestStatistic& t) {
  out["statistic"] = number(t.statistic);
  out["df"] = std::isfinite(t.df) ? json(static_cast<int>(t.df)) : json();
  out["p"] = number(t.p);
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

// One filter of a cohort, with the spec field it comes from ("filter",
// "subcohorts[0].filter") and what to call it in a message.
struct CohortFilter {
  std::string text, field, name;
};

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
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size() && v == x;
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

// Rows of the cohort also complete on `extra` columns, with the outcome
// vectors cut down to them.
struct Frame {
  std::vector<std::size_t> rows;
  std::vector<double> time;
  std::vector<int> event;
  std::vector<int> group;
  json report;
};

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
                    const std::vector<std::size_t>* rows = nullptr) {
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
                           std::vector<std::string>* levels_out = nullptr) {
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

// A warning object: the analysis it belongs to, the headline in the user's
// words and, when there is one, R's own wording as the detail.
json warning_json(json tags, const Said& said) {
  tags["message"] = said.message;
  if (!said.detail.empty()) tags["detail"] = said.detail;
  return tags;
}

void add_warnings(std::vector<json>& warnings, const std::string& analysis,
                  const std::vector<std::string>& messages, const Vocabulary& words = {}) {
  for (const auto& m : messages)
    warnings.push_back(warning_json({{"analysis", analysis}}, plain_warning(m, words)));
}

Vocabulary group_words(const std::vector<std::string>& levels, const std::string& column = {}) {
  Vocabulary v;
  v.group_levels = levels;
  v.group_column = column;
  return v;
}

void add_warnings(std::vector<json>& warnings, const std::string& analysis,
                  const std::vector<std::string>& messages,
                  const std::vector<std::string>& levels) {
  add_warnings(warnings, analysis, messages, group_words(levels));
}

// Coefficient names of a design as the reader knows them ("ph.ecog = 3");
// every term but the group is a covariate one may leave out.
void add_coefficients(Vocabulary& v, const Design& d) {
  for (std::size_t j = 0; j < d.names.size(); ++j)
    v.coefficients.push_back({d.names[j],
                              d.levels[j].empty() ? d.terms[j] : d.terms[j] + " = " + d.levels[j],
                              d.terms[j], d.terms[j] != v.group_column});
}

const char* conf_type_name(KmConfType t) {
  switch (t) {
    case KmConfType::Log:
      return "log";
    case KmConfType::LogLog:
      return "log-log";
    case KmConfType::Plain:
      return "plain";
    default:
      return "none";
  }
}

// A curve as survfit prints it. Weighted curves (weighted = true) give R's
// weighted n.risk / n.event / n.censor and events, and say whether std_err is
// the robust (infinitesimal jackknife) SE, which survfit picks by itself for
// non-integer weights.
json curve_json(const KaplanMeierCurve& c, const std::string& stratum,
                const std::vector<double>& times, std::vector<json>& warnings,
                bool weighted = false) {
  json table = {{"time", numbers(c.time)},
                {"n_risk", weighted ? json(numbers(c.n_risk_weighted)) : json(c.n_risk)},
                {"n_event", weighted ? json(numbers(c.n_event_weighted)) : json(c.n_event)},
                {"n_censor", weighted ? json(numbers(c.n_censor_weighted)) : json(c.n_censor)},
                {"surv", numbers(c.surv)},
                {"std_err", numbers(c.std_err)},
                {"lower", numbers(c.lower)},
                {"upper", numbers(c.upper)},
                {"cumhaz", numbers(c.cumhaz)}};
  json out = {{"stratum", stratum},
              {"n", c.n},
              {"events", weighted ? number(c.events_weighted) : json(c.events)},
              {"table", table}};
  if (weighted) out["variance"] = c.robust ? "robust (infinitesimal jackknife)" : "Greenwood";
  out["median"] = {{"estimate", number(c.median.estimate)},
                   {"lower", number(c.median.lower)},
                   {"upper", number(c.median.upper)}};
  out["quantiles"] = {{"p", numbers(c.quantiles.p)},
                      {"estimate", numbers(c.quantiles.estimate)},
                      {"lower", numbers(c.quantiles.lower)},
                      {"upper", numbers(c.quantiles.upper)}};
  if (!times.empty()) {
    KmAtTimes at = km_at_times(c, times);
    add_warnings(warnings, "km", at.warnings);
    out["at_times"] = {
        {"time", numbers(at.time)},
        {"n_risk", weighted ? json(numbers(at.n_risk_weighted)) : json(at.n_risk)},
        {"n_event", weighted ? json(numbers(at.n_event_weighted)) : json(at.n_event)},
        {"n_censor", weighted ? json(numbers(at.n_censor_weighted)) : json(at.n_censor)},
        {"surv", numbers(at.surv)},
        {"std_err", numbers(at.std_err)},
        {"lower", numbers(at.lower)},
        {"upper", numbers(at.upper)}};
  }
  return out;
}

json run_km(const Cohort& c, const AnalysisSpec& spec, std::vector<json>& warnings) {
  KaplanMeierOptions o;
  o.conf_int = spec.km.conf_int;
  o.conf_type = spec.km.conf_type == "log-log" ? KmConfType::LogLog
                : spec.km.conf_type == "plain" ? KmConfType::Plain
                                               : KmConfType::Log;
  json out;
  out["conventions"] = {
      {"call", "survfit(Surv(time, event) ~ group, conf.type = \"" +
                   std::string(conf_type_name(o.conf_type)) +
                   "\", conf.int = " + format_double(o.conf_int) + ")"},
      {"variance", "Greenwood"},
      {"std_err", "standard error of -log S (survfit's own scale)"},
      {"conf_type", conf_type_name(o.conf_type)},
      {"conf_int", o.conf_int},
      {"quantiles",
       "quantile.survfit: smallest time with S(t) <= 1 - p, midpoint where S is flat at 1 - p"},
      {"at_times", "summary(fit, times, extend = TRUE): std_err is the SE of S"},
      {"timefix", "near-equal times merged as survival's aeqSurv"}};
  KaplanMeierResult overall = kaplan_meier(c.time, c.event, o);
  add_warnings(warnings, "km", overall.warnings);
  out["overall"] = curve_json(overall.curves.at(0), "all", spec.km.times, warnings);
  json by = json::array();
  if (spec.km.by_group && !c.group.empty()) {
    KaplanMeierResult g = kaplan_meier_by_group(c.time, c.event, c.group, o);
    add_warnings(warnings, "km", g.warnings, c.group_levels);
    for (const auto& curve : g.curves)
      by.push_back(curve_json(curve, c.group_levels[static_cast<std::size_t>(curve.group)],
                              spec.km.times, warnings));
  }
  out["by_group"] = by;
  return out;
}

json followup_json(const FollowupMedian& f, const std::string& stratum) {
  return {{"stratum", stratum},
          {"n", f.n},
          {"median", number(f.median)},
          {"lower", number(f.lower)},
          {"upper", number(f.upper)}};
}

json run_followup(const Cohort& c, const AnalysisSpec& spec, std::vector<json>& warnings) {
  KaplanMeierOptions o;
  o.conf_int = spec.km.conf_int;
  json out;
  out["conventions"] = {
      {"method", "reverse Kaplan-Meier: survfit(Surv(time, 1 - event) ~ 1), censorings as events"},
      {"conf_type", "log"},
      {"conf_int", o.conf_int}};
  FollowupResult overall = median_followup(c.time, c.event, o);
  add_warnings(warnings, "followup", overall.warnings);
  out["overall"] = followup_json(overall.groups.at(0), "all");
  json by = json::array();
  if (!c.group.empty()) {
    FollowupResult g = median_followup_by_group(c.time, c.event, c.group, o);
    add_warnings(warnings, "followup", g.warnings, c.group_levels);
    for (const auto& f : g.groups)
      by.push_back(followup_json(f, c.group_levels[static_cast<std::size_t>(f.group)]));
  }
  out["by_group"] = by;
  return out;
}

json matrix_json(const Eigen::MatrixXd& m) {
  json rows = json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    json r = json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) r.push_back(number(m(i, j)));
    rows.push_back(r);
  }
  return rows;
}

json log_rank_json(const LogRankResult& r, const std::vector<std::string>& levels,
                   const std::string& variable) {
  json groups = json::array();
  for (int g : r.groups) groups.push_back(levels[static_cast<std::size_t>(g)]);
  json out = {{"variable", variable},
              {"groups", groups},
              {"n", r.n},
              {"observed", numbers(r.observed)},
              {"expected", numbers(r.expected)},
              {"var", matrix_json(r.var)}};
  add_test(out, r.test);
  return out;
}

PAdjustMethod adjust_method(const std::string& name) {
  return name == "bonferroni" ? PAdjustMethod::Bonferroni
         : name == "none"     ? PAdjustMethod::None
                              : PAdjustMethod::Holm;
}

json pairwise_json(const PairwiseLogRankResult& r, const std::vector<std::string>& levels,
                   const std::string& adjust) {
  json pairs = json::array();
  for (const auto& p : r.pairs) {
    json pair = {{"a", levels[static_cast<std::size_t>(p.group_a)]},
                 {"b", levels[static_cast<std::size_t>(p.group_b)]},
                 {"n", p.n}};
    add_test(pair, p.test);
    pair["p_adjusted"] = number(p.p_adjusted);
    pairs.push_back(pair);
  }
  return {{"adjust", adjust}, {"pairs", pairs}};
}

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
    po.adjust = adjust_method(spec.logrank.pairwise_adjust);
    PairwiseLogRankResult pw = pairwise_log_rank(time, event, codes, {}, po);
    add_warnings(warnings, "logrank", pw.warnings, levels);
    out["pairwise"] = pairwise_json(pw, levels, spec.logrank.pairwise_adjust);
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
      {"pairwise", "survdiff on each pair's rows, p adjusted by " + spec.logrank.pairwise_adjust +
                       " (p.adjust)"}};
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

json cox_test_json(const TestStatistic& t) {
  json out = json::object();
  add_test(out, t);
  return out;
}

// The fit of cox_model, as JSON.
json cox_fit_json(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                  const std::vector<TermSpec>& terms, const std::string& formula,
                  const std::string& label, std::vector<json>& warnings) {
  std::vector<std::string> needed;
  for (const auto& t : terms) needed.push_back(t.column);
  if (!spec.cox.strata.empty()) needed.push_back(spec.cox.strata);
  if (!spec.cox.cluster.empty()) needed.push_back(spec.cox.cluster);
  Frame f = make_frame(table, c, needed);
  const std::string empty_column = first_empty(table, c, needed);
  require_rows(table, c, f, needed, "the Cox model of " + label,
               empty_column == spec.cox.strata    ? "choose another strata column, or none"
               : empty_column == spec.cox.cluster ? "choose another cluster column, or none"
                                                  : "leave it out of the covariates");
  require_levels(table, terms, spec.group.column, "the Cox model of " + label);
  CoxInput in;
  in.time = f.time;
  in.status = f.event;
  Design d = build_design(table, terms, f.rows);
  in.x = d.x;
  in.names = d.names;
  if (!spec.cox.strata.empty()) in.strata = codes_for(table, spec.cox.strata, f.rows);
  if (!spec.cox.cluster.empty()) in.cluster = codes_for(table, spec.cox.cluster, f.rows);
  CoxOptions o;
  o.ties = spec.cox.ties == "breslow" ? CoxTies::Breslow : CoxTies::Efron;
  o.conf_level = spec.cox.conf_int;
  o.robust = !spec.cox.cluster.empty();
  CoxResult r = cox_fit(in, o);
  std::vector<std::string> fit_warnings = r.warnings;
  json coefs = {{"name", d.names},         {"term", d.terms},     {"level", d.levels},
                {"coef", numbers(r.coef)}, {"hr", numbers(r.hr)}, {"se", numbers(r.se)}};
  if (r.robust) coefs["robust_se"] = numbers(r.robust_se);
  coefs["lower"] = numbers(r.lower);
  coefs["upper"] = numbers(r.upper);
  coefs["z"] = numbers(r.z);
  coefs["p"] = numbers(r.p);
  json out = {{"formula", formula},
              {"rows", f.report},
              {"n", r.n},
              {"nevent", r.nevent},
              {"iterations", r.iterations},
              {"converged", r.converged},
              {"coefficients", coefs},
              {"var", matrix_json(r.var)},
              {"loglik_null", number(r.loglik_null)},
              {"loglik", number(r.loglik)}};
  json tests = {{"lrt", cox_test_json(r.lrt)},
                {"wald", cox_test_json(r.wald)},
                {"score", cox_test_json(r.score)}};
  if (r.robust) {
    tests["robust_score"] = cox_test_json(r.robust_score);
    out["n_clusters"] = r.n_clusters;
  }
  out["tests"] = tests;
  if (r.n > 0) {
    ConcordanceResult cc =
        concordance(f.time, f.event, r.linear_predictors, in.strata, {}, in.cluster);
    fit_warnings.insert(fit_warnings.end(), cc.warnings.begin(), cc.warnings.end());
    out["concordance"] = {{"concordant", cc.concordant},  {"discordant", cc.discordant},
                          {"tied_x", cc.tied_x},          {"tied_y", cc.tied_y},
                          {"tied_xy", cc.tied_xy},        {"concordance", number(cc.concordance)},
                          {"std_err", number(cc.std_err)}};
  }
  if (r.nevent > 0) {
    // Proportional-hazards check on the same fit (cox.zph ignores clusters).
    CoxZphResult zph = cox_zph(in, r, d.terms);
    fit_warnings.insert(fit_warnings.end(), zph.warnings.begin(), zph.warnings.end());
    auto table_json = [](const CoxZphTable& t) {
      json rows = json::array();
      for (std::size_t i = 0; i < t.term.size(); ++i) {
        json row = {{"term", t.term[i]}};
        add_test(row, t.test[i]);
        rows.push_back(row);
      }
      return rows;
    };
    out["ph_test"] = {{"call", "cox.zph(fit, transform = \"km\", terms = TRUE / FALSE)"},
                      {"by_term", table_json(zph.by_term)},
                      {"by_coefficient", table_json(zph.by_coefficient)}};
  }
  Vocabulary words = group_words(c.group_levels, spec.group.column);
  add_coefficients(words, d);
  json said = json::array();
  for (const auto& w : fit_warnings) {
    json one = warning_json({{"analysis", "cox"}, {"model", label}}, plain_warning(w, words));
    said.push_back(one["message"]);
    warnings.push_back(std::move(one));
  }
  out["warnings"] = said;
  return out;
}

// One coxph fit of time/event on `terms`, on the cohort rows complete for
// them; a model that cannot be fitted is {formula, terms, error}.
json cox_model(const Table& table, const Cohort& c, const AnalysisSpec& spec,
               const std::vector<TermSpec>& terms, std::vector<json>& warnings) {
  std::vector<std::string> term_names;
  for (const auto& t : terms) term_names.push_back(t.column);
  std::string formula = "Surv(" + spec.time.column + ", event) ~ " + joined(term_names, " + ");
  if (!spec.cox.strata.empty()) formula += " + strata(" + spec.cox.strata + ")";
  if (!spec.cox.cluster.empty()) formula += " + cluster(" + spec.cox.cluster + ")";
  const std::string label = joined(term_names, " + ");
  return isolated("the Cox model of " + label, "analyses.cox",
                  [&] { return cox_fit_json(table, c, spec, terms, formula, label, warnings); },
                  {{"formula", formula}, {"terms", term_names}});
}

json run_cox(const Table& table, const Cohort& c, const AnalysisSpec& spec,
             std::vector<json>& warnings) {
  std::vector<TermSpec> terms;
  if (!spec.group.column.empty())
    terms.push_back(TermSpec{spec.group.column, TermKind::Factor, c.group_levels, ""});
  terms.insert(terms.end(), spec.covariates.begin(), spec.covariates.end());
  json out;
  out["conventions"] = {
      {"call", "coxph(Surv(time, event) ~ terms, ties = \"" + spec.cox.ties + "\")"},
      {"ties", spec.cox.ties},
      {"iteration",
       "Newton-Raphson from 0 with step halving; stops when |1 - loglik_old/loglik| <= 1e-9; at "
       "most 20 iterations"},
      {"ci", "exp(coef -/+ z(" + format_double(spec.cox.conf_int) + ") * se)" +
                 std::string(spec.cox.cluster.empty()
                                 ? ""
                                 : ", se = robust sandwich SE clustered on " + spec.cox.cluster)},
      {"factors",
       "treatment contrasts: reference = first level; coefficient name = column + level"},
      {"missing", "complete cases per model"},
      {"concordance",
       "Harrell's C of the linear predictor, as coxph's fit$concordance (std: infinitesimal "
       "jackknife)"},
      {"ph_test",
       "cox.zph score test (survival 3.x), transform \"km\": per term, per coefficient, global"}};
  const bool screen = spec.cox.select_p > 0;
  std::vector<TermSpec> model_terms = terms;
  if (spec.cox.univariate) {
    json uni = json::array();
    for (const auto& t : terms) uni.push_back(cox_model(table, c, spec, {t}, warnings));
    if (screen) {
      model_terms.clear();
      json selected = json::array();
      for (std::size_t i = 0; i < terms.size(); ++i) {
        // A model that could not be fitted has no p: it is not selected.
        const json p =
            uni[i].contains("tests") ? uni[i]["tests"][spec.cox.select_test]["p"] : json();
        bool forced = std::find(spec.cox.force.begin(), spec.cox.force.end(), terms[i].column) !=
                      spec.cox.force.end();
        bool passes = p.is_number() && p.get<double>() < spec.cox.select_p;
        if (forced || passes) {
          model_terms.push_back(terms[i]);
          selected.push_back({{"term", terms[i].column},
                              {"p", p},
                              {"reason", passes ? "p below threshold" : "forced in"}});
        }
      }
      out["selection"] = {
          {"rule", "terms whose univariate " +
                       std::string(spec.cox.select_test == "wald" ? "Wald" : "likelihood-ratio") +
                       " p (whole term) is below " + format_double(spec.cox.select_p) +
                       ", plus forced terms"},
          {"selected", selected}};
    }
    out["univariate"] = uni;
  }
  if (spec.cox.multivariable && !model_terms.empty() &&
      (model_terms.size() > 1 || !spec.cox.univariate || screen))
    out["multivariable"] = cox_model(table, c, spec, model_terms, warnings);
  else if (spec.cox.multivariable && screen)
    warnings.push_back(
        {{"analysis", "cox"},
         {"message", "no term passed the univariate screen: no multivariable model"}});
  return out;
}

// The treatment column of a propensity model, in words for its messages.
Vocabulary treatment_words(const Cohort& c, const AnalysisSpec& spec) {
  Vocabulary v = group_words(c.group_levels, spec.group.column);
  v.treatment = "treatment (" + spec.group.column + ")";
  return v;
}

// A propensity model needs a group of two levels with patients in both.
void require_two_arms(const std::vector<std::string>& levels, const std::vector<int>& group,
                      const Vocabulary& v, const std::string& what) {
  const std::string& column = v.group_column;
  if (levels.size() != 2)
    throw Failure(what + " compares two groups, but '" + column + "' has " +
                      std::to_string(levels.size()) + (levels.size() == 1 ? " level" : " levels") +
                      (levels.empty() ? std::string() : " (" + quoted(levels) + ")") +
                      ": choose a group column with two levels",
                  column);
  const auto treated = static_cast<std::size_t>(std::count(group.begin(), group.end(), 1));
  if (treated == 0 || treated == group.size())
    throw Failure(what + " needs patients in both groups, but all " + std::to_string(group.size()) +
                      " patients with every covariate known are in " + column + " = " +
                      levels[treated == 0 ? 0 : 1] +
                      "; check the group column and the covariates' missing values",
                  column);
}

// glm(group ~ terms) on the frame's rows, with its failures and warnings in
// the user's words (`words` says what the group is called).
struct Propensity {
  Design d;
  LogisticResult r;
};

Propensity propensity_model(const Table& table, const Frame& f, const std::vector<TermSpec>& terms,
                            Vocabulary words, const std::string& analysis,
                            std::vector<json>& warnings) {
  require_levels(table, terms, words.group_column, "the propensity model of " + words.treatment,
                 &f.rows);
  Propensity p;
  p.d = build_design(table, terms, f.rows);
  try {
    p.r = logistic_regression(f.group, p.d.x, p.d.names);
  } catch (const Error& e) {
    throw Failure(plain_error("the propensity model of " + words.treatment, e.what()).message +
                      "; or leave covariates out",
                  "covariates", e.what());
  }
  add_coefficients(words, p.d);
  add_warnings(warnings, analysis, p.r.warnings, words);
  return p;
}

json run_logistic(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                  std::vector<json>& warnings) {
  const Vocabulary words = treatment_words(c, spec);
  const std::string what = "the propensity model of " + words.treatment;
  require_two_arms(c.group_levels, c.group, words, what);
  std::vector<std::string> needed;
  for (const auto& t : spec.covariates) needed.push_back(t.column);
  Frame f = make_frame(table, c, needed);
  require_rows(table, c, f, needed, what, "leave it out of the covariates");
  require_two_arms(c.group_levels, f.group, words, what);
  const Propensity ps = propensity_model(table, f, spec.covariates, words, "logistic", warnings);
  const LogisticResult& r = ps.r;
  std::vector<std::string> cov_names;
  for (const auto& t : spec.covariates) cov_names.push_back(t.column);
  json out;
  out["conventions"] = {{"call", "glm(group == \"" + c.group_levels[1] + "\" ~ " +
                                     joined(cov_names, " + ") + ", family = binomial)"},
                        {"fitting", "IRLS as glm.fit: epsilon 1e-8, maxit 25"},
                        {"outcome", spec.group.column + " = " + c.group_levels[1] + " (vs " +
                                        c.group_levels[0] + ")"}};
  out["rows"] = f.report;
  out["coefficients"] = {{"name", r.names},
                         {"estimate", numbers(r.estimate)},
                         {"se", numbers(r.se)},
                         {"z", numbers(r.z)},
                         {"p", numbers(r.p)}};
  out["deviance"] = number(r.deviance);
  out["null_deviance"] = number(r.null_deviance);
  out["df_residual"] = r.df_residual;
  out["df_null"] = r.df_null;
  out["aic"] = number(r.aic);
  out["iterations"] = r.iterations;
  out["converged"] = r.converged;
  return out;
}

json numeric_summary_json(const NumericSummary& s) {
  return {{"n", s.n},           {"missing", s.missing},       {"mean", number(s.mean)},
          {"sd", number(s.sd)}, {"median", number(s.median)}, {"q1", number(s.q1)},
          {"q3", number(s.q3)}, {"min", number(s.min)},       {"max", number(s.max)}};
}

json categorical_summary_json(const CategoricalSummary& s) {
  return {
      {"n", s.n}, {"missing", s.missing}, {"counts", s.counts}, {"percent", numbers(s.percent)}};
}

// Warnings about one variable of an analysis (Table 1, subgroups).
void add_variable_warnings(std::vector<json>& warnings, const std::string& analysis,
                           const std::string& variable, const std::vector<std::string>& messages,
                           const Vocabulary& words) {
  for (const auto& m : messages)
    warnings.push_back(
        warning_json({{"analysis", analysis}, {"variable", variable}}, plain_warning(m, words)));
}

// One covariate of Table 1: described overall and per group, with its tests.
json table1_variable(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                     const TermSpec& term, const std::vector<int>& group, int n_groups,
                     std::vector<json>& warnings) {
  const Vocabulary words = group_words(c.group_levels, spec.group.column);
  auto warn = [&](const std::vector<std::string>& messages) {
    add_variable_warnings(warnings, "table1", term.column, messages, words);
  };
  const Column& col = table.column(term.column);
  bool factor = term.kind == TermKind::Factor ||
                (term.kind == TermKind::Auto && col.type == ColumnType::Categorical);
  json v = {{"variable", term.column}, {"type", factor ? "factor" : "numeric"}};
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
  std::vector<std::string> levels = factor_levels(col, term);
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

// Balance columns as MatchIt's summary() lists them: the distance, then each
// numeric covariate, then every level of each factor (reference included).
struct BalanceDesign {
  Eigen::MatrixXd x;
  std::vector<std::string> names;
  std::vector<bool> factor_level;
  std::vector<int> term;  // index into the terms; -1 for the distance
};

bool is_factor(const Table& table, const TermSpec& term) {
  return term.kind == TermKind::Factor ||
         (term.kind == TermKind::Auto && table.column(term.column).type == ColumnType::Categorical);
}

// A numeric covariate with more than two distinct values (not a 0/1 flag).
bool is_continuous(const Table& table, const TermSpec& term) {
  if (is_factor(table, term)) return false;
  const Column& col = table.column(term.column);
  return factor_levels(col, TermSpec{term.column, TermKind::Factor, {}, ""}).size() > 2;
}

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

json balance_json(const BalanceResult& r) {
  json out = {{"n_treated", r.n_treated}, {"n_control", r.n_control}};
  json cols = json::array();
  for (const auto& c : r.columns)
    cols.push_back({{"variable", c.name},
                    {"mean_treated", number(c.mean_treated)},
                    {"mean_control", number(c.mean_control)},
                    {"smd", number(c.smd)},
                    {"variance_ratio", number(c.variance_ratio)},
                    {"ecdf_mean", number(c.ecdf_mean)},
                    {"ecdf_max", number(c.ecdf_max)},
                    {"smd_denominator", c.denominator_name}});
  out["columns"] = cols;
  return out;
}

// What one round of matching is run with.
struct MatchPlan {
  std::vector<TermSpec> score;     // propensity-model terms
  std::vector<std::string> exact;  // columns matched exactly
};

// One covariate after matching, judged against the balance criterion.
struct CovariateCheck {
  std::string variable;
  double max_abs_smd = NAN;  // over its balance columns (every level of a factor)
  double p = NAN;            // of the test named in `test`
  std::string test;          // chisq | fisher | welch_t
  bool balanced = true;
};

struct MatchRound {
  json out;
  MatchingResult m;
  std::vector<CovariateCheck> checks;
};

// The treatment comparison of one covariate on the units with weight > 0
// (all units before matching): chi-square and Fisher for factors and
// two-valued columns, Welch's t for other numerics. `chosen` is the p the
// balance criterion uses.
json covariate_test(const Table& table, const TermSpec& term, const std::vector<std::size_t>& rows,
                    const std::vector<int>& group, const std::vector<double>* weights,
                    const MatchingSpec& ms, double& chosen, std::string& chosen_test) {
  const Column& col = table.column(term.column);
  std::vector<std::string> levels =
      factor_levels(col, TermSpec{term.column, TermKind::Factor, term.levels, term.reference});
  auto used = [&](std::size_t i) { return !weights || (*weights)[i] > 0; };
  if (is_continuous(table, term)) {
    std::vector<double> values = numeric_values(col, rows), x;
    std::vector<int> g;
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (used(i)) {
        x.push_back(values[i]);
        g.push_back(group[i]);
      }
    TTestResult t = t_test(x, g, TTestOptions{});
    chosen = t.p;
    chosen_test = "welch_t";
    return {{"t_statistic", number(t.statistic)}, {"t_df", number(t.df)}, {"t_p", number(t.p)}};
  }
  std::vector<int> all = factor_codes(col, levels);
  std::vector<int> rc, gc;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (used(i)) {
      rc.push_back(all[rows[i]]);
      gc.push_back(group[i]);
    }
  CountTable counts = cross_tabulate(rc, static_cast<int>(levels.size()), gc, 2);
  ChisqResult chi = chisq_test(counts, ms.yates);
  FisherResult fi = fisher_test(counts);
  // "auto": Fisher where a chi-square approximation is doubtful (an expected
  // count below 5, Cochran's rule), as clinical papers report "chi-square or
  // Fisher's exact test".
  bool fisher =
      ms.balance_test == "fisher" || (ms.balance_test == "auto" && !(chi.min_expected >= 5));
  chosen = fisher ? fi.p : chi.p;
  chosen_test = fisher ? "fisher" : "chisq";
  return {{"chisq_statistic", number(chi.statistic)},
          {"chisq_p", number(chi.p)},
          {"yates_applied", chi.yates_applied},
          {"min_expected", number(chi.min_expected)},
          {"fisher_p", number(fi.p)}};
}

std::string matchit_call(const AnalysisSpec& spec, const MatchPlan& plan) {
  const MatchingSpec& ms = spec.matching;
  std::vector<std::string> names;
  for (const auto& t : plan.score) names.push_back(t.column);
  return "matchit(" + spec.group.column + " ~ " + joined(names, " + ") +
         ", method = \"nearest\", distance = \"glm\", link = \"" +
         (ms.distance == "logit" ? "linear.logit" : "logit") +
         "\", ratio = " + std::to_string(ms.ratio) +
         ", replace = " + (ms.replace ? "TRUE" : "FALSE") + ", m.order = \"" + ms.order + "\"" +
         (ms.caliper > 0 ? ", caliper = " + format_double(ms.caliper) +
                               ", std.caliper = " + (ms.caliper_scale == "sd" ? "TRUE" : "FALSE")
                         : std::string()) +
         (plan.exact.empty() ? "" : ", exact = ~ " + joined(plan.exact, " + ")) + ")";
}

// One round: propensity score on plan.score, nearest-neighbour matching
// (exact on plan.exact), balance of every covariate before and after.
MatchRound match_round(const Table& table, const Frame& f, const std::vector<std::string>& levels,
                       const AnalysisSpec& spec, const MatchPlan& plan, Vocabulary words,
                       std::vector<json>& warnings) {
  const MatchingSpec& ms = spec.matching;
  words.exact = plan.exact;
  const Propensity model = propensity_model(table, f, plan.score, words, "matching", warnings);
  const LogisticResult& ps = model.r;
  const bool logit = ms.distance == "logit";
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
  o.order = ms.order == "smallest" ? MatchOrder::Smallest
            : ms.order == "data"   ? MatchOrder::Data
            : ms.order == "random" ? MatchOrder::Random
                                   : MatchOrder::Largest;
  o.seed = static_cast<std::uint64_t>(ms.seed);
  o.distance_scale = logit ? DistanceScale::LinearLogit : DistanceScale::PropensityScore;
  o.caliper_unit = ms.caliper == 0             ? CaliperUnit::None
                   : ms.caliper_scale == "raw" ? CaliperUnit::DistanceUnits
                                               : CaliperUnit::StandardDeviations;
  o.caliper = ms.caliper;
  MatchRound r;
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
  add_warnings(warnings, "matching", m.warnings, words);

  json& out = r.out;
  out["conventions"] = {
      {"call", matchit_call(spec, plan)},
      {"treated", spec.group.column + " = " + levels[1]},
      {"distance", logit ? "linear predictor (logit) of the propensity score"
                         : "propensity score (probability)"},
      {"caliper", m.caliper_description},
      {"algorithm",
       "greedy nearest neighbour as MatchIt >= 4.5.4 (true |difference|; MatchIt 4.5.1-4.5.3 "
       "truncate it, issue #163)"},
      {"smd", ms.smd == "pooled"
                  ? "tableone: (mean_t - mean_c) / sqrt((s_t^2 + s_c^2) / 2) on each sample"
                  : "MatchIt summary(standardize = TRUE): SD of all treated before matching, the "
                    "same after"},
      {"tests",
       std::string("factors and two-valued columns: chisq.test(correct = ") +
           (ms.yates ? "TRUE" : "FALSE") +
           ") and fisher.test; other numerics: t.test (Welch); on the matched units, unweighted"},
      {"balanced",
       std::string("a covariate is balanced when ") +
           (ms.balance_criterion == "smd" ? "" : "its p > " + format_double(ms.balance_p)) +
           (ms.balance_criterion == "both" ? " and " : "") +
           (ms.balance_criterion == "p"
                ? ""
                : "every |SMD| of it (each factor level) < " + format_double(ms.balance_smd)) +
           (ms.balance_criterion == "smd"
                ? ""
                : "; p from " +
                      std::string(ms.balance_test == "auto"
                                      ? "Fisher's test when an expected count is below "
                                        "5, else chi-square"
                                      : ms.balance_test) +
                      " (Welch's t for numerics with more than two values)")}};
  out["rows"] = f.report;
  out["propensity"] = {{"coefficients",
                        {{"name", ps.names},
                         {"estimate", numbers(ps.estimate)},
                         {"se", numbers(ps.se)},
                         {"p", numbers(ps.p)}}},
                       {"iterations", ps.iterations},
                       {"converged", ps.converged}};
  out["counts"] = {{"treated", m.n_treated},
                   {"control", m.n_control},
                   {"matched_treated", m.n_matched_treated},
                   {"matched_control", m.n_matched_control},
                   {"unmatched_treated", m.n_unmatched_treated},
                   {"unmatched_control", m.n_unmatched_control},
                   {"caliper_absolute", number(m.caliper_absolute)}};
  json treated = json::array(), control = json::array();
  for (std::size_t k = 0; k < m.pair_treated.size(); ++k) {
    treated.push_back(f.rows[m.pair_treated[k]] + 1);
    control.push_back(f.rows[m.pair_control[k]] + 1);
  }
  out["pairs"] = {{"row_numbers", "data rows, 1 = first row after the header"},
                  {"treated_row", treated},
                  {"control_row", control},
                  {"subclass", m.pair_subclass}};

  BalanceOptions bo;
  bo.denominator =
      ms.smd == "pooled" ? SmdDenominator::PooledSample : SmdDenominator::MatchItTreated;
  BalanceDesign bd = balance_design(table, spec.covariates, f.rows, distance);
  BalanceResult before = balance(bd.x, bd.names, bd.factor_level, f.group,
                                 std::vector<double>(f.rows.size(), 1.0), bo);
  BalanceResult after = balance(bd.x, bd.names, bd.factor_level, f.group, m.weights, bo);
  add_warnings(warnings, "matching", before.warnings, words);
  add_warnings(warnings, "matching", after.warnings, words);
  out["balance"] = {{"before", balance_json(before)}, {"after", balance_json(after)}};

  json tests = json::array();
  for (std::size_t t = 0; t < spec.covariates.size(); ++t) {
    const TermSpec& term = spec.covariates[t];
    CovariateCheck check;
    check.variable = term.column;
    double p_before = NAN;
    std::string test_before;
    json tb = covariate_test(table, term, f.rows, f.group, nullptr, ms, p_before, test_before);
    json ta = covariate_test(table, term, f.rows, f.group, &m.weights, ms, check.p, check.test);
    tb["p"] = number(p_before);
    ta["p"] = number(check.p);
    for (std::size_t j = 0; j < bd.term.size(); ++j)
      if (bd.term[j] == static_cast<int>(t) && std::isfinite(after.columns[j].smd))
        check.max_abs_smd = std::isnan(check.max_abs_smd)
                                ? std::fabs(after.columns[j].smd)
                                : std::max(check.max_abs_smd, std::fabs(after.columns[j].smd));
    // A p or SMD that cannot be computed (a constant covariate) is no sign
    // of imbalance.
    bool p_ok = !(check.p <= ms.balance_p);
    bool smd_ok = !(check.max_abs_smd >= ms.balance_smd);
    check.balanced = ms.balance_criterion == "p"     ? p_ok
                     : ms.balance_criterion == "smd" ? smd_ok
                                                     : p_ok && smd_ok;
    tests.push_back({{"variable", term.column},
                     {"test", check.test},
                     {"before", tb},
                     {"after", ta},
                     {"max_abs_smd_after", number(check.max_abs_smd)},
                     {"balanced", check.balanced}});
    r.checks.push_back(check);
  }
  out["balance"]["tests"] = tests;
  return r;
}

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
  ko.conf_type = spec.km.conf_type == "log-log" ? KmConfType::LogLog
                 : spec.km.conf_type == "plain" ? KmConfType::Plain
                                                : KmConfType::Log;
  KaplanMeierResult km = unit_weights
                             ? kaplan_meier_by_group(time, event, group, ko)
                             : kaplan_meier_by_group_weighted(time, event, group, weight, ko);
  add_warnings(warnings, "matching", km.warnings, levels);
  json curves = json::array();
  for (const auto& curve : km.curves)
    curves.push_back(curve_json(curve, levels[static_cast<std::size_t>(curve.group)], spec.km.times,
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
  const bool by_strata = ms.outcome_model == "strata" && !ms.replace;
  if (ms.outcome_model == "strata" && ms.replace)
    warnings.push_back({{"analysis", "matching"},
                        {"message",
                         "matching with replacement forms no pairs to stratify on: the matched "
                         "Cox model uses robust SEs on the unit instead"}});
  if (by_strata)
    in.strata = subclass;
  else if (!ms.replace)
    in.cluster = subclass;
  CoxOptions co;
  co.ties = spec.cox.ties == "breslow" ? CoxTies::Breslow : CoxTies::Efron;
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

// Propensity score (glm), nearest-neighbour matching, balance before and
// after, rounds of re-matching until balanced (as the paper's "several rounds
// of matching until all parameters were balanced"), and the outcome compared
// within the final matched cohort.
json run_matching(const Table& table, const Cohort& c, const AnalysisSpec& spec,
                  const Vocabulary& words, std::vector<json>& warnings) {
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
  // Every round uses the same rows: complete on everything a round may use.
  std::vector<std::string> needed;
  for (const auto& t : spec.covariates) needed.push_back(t.column);
  needed.insert(needed.end(), ms.exact.begin(), ms.exact.end());
  Frame f = make_frame(table, c, needed);
  require_rows(table, c, f, needed, "propensity-score matching",
               "leave it out of the covariates (or of the exact-match columns)");
  require_two_arms(c.group_levels, f.group, words, "propensity-score matching");

  json rounds = json::array();
  MatchRound last;
  std::string stop;
  std::vector<std::string> unbalanced;
  for (int round = 1;; ++round) {
    std::vector<json> round_warnings;
    last = match_round(table, f, c.group_levels, spec, plan, words, round_warnings);
    for (auto& w : round_warnings) {
      if (ms.rounds > 1) w["round"] = round;
      warnings.push_back(std::move(w));
    }
    unbalanced.clear();
    json checks = json::array();
    for (const auto& ck : last.checks) {
      if (!ck.balanced) unbalanced.push_back(ck.variable);
      checks.push_back({{"variable", ck.variable},
                        {"test", ck.test},
                        {"p", number(ck.p)},
                        {"max_abs_smd", number(ck.max_abs_smd)},
                        {"balanced", ck.balanced}});
    }
    std::vector<std::string> score_names;
    for (const auto& t : plan.score) score_names.push_back(t.column);
    rounds.push_back({{"round", round},
                      {"call", matchit_call(spec, plan)},
                      {"score_covariates", score_names},
                      {"exact", plan.exact},
                      {"counts", last.out["counts"]},
                      {"covariates", checks},
                      {"unbalanced", unbalanced}});
    // No pairs: nothing is balanced, whatever the (empty) tests say.
    if (last.m.n_pairs == 0) {
      stop = "no pairs were formed";
      break;
    }
    if (unbalanced.empty()) {
      stop = "balanced";
      break;
    }
    if (round >= ms.rounds) {
      stop = ms.rounds == 1 ? "one round requested" : "round limit reached";
      break;
    }
    bool changed = false;
    for (const auto& name : unbalanced) {
      const TermSpec& term = *covariate(name);
      // Exact matching on a continuous covariate would leave almost no pairs:
      // the exact rule sends continuous ones to the score model instead.
      if (ms.round_rule == "exact" && !is_continuous(table, term)) {
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
      stop = ms.round_rule == "exact"
                 ? "every unbalanced covariate is already matched exactly (continuous ones: in "
                   "the score model)"
                 : "every unbalanced covariate is already in the score model";
      break;
    }
  }
  json out = std::move(last.out);
  out["rounds"] = rounds;
  const bool balanced = unbalanced.empty() && last.m.n_pairs > 0;
  out["stop"] = {{"reason", stop},
                 {"balanced", balanced},
                 {"rounds_run", rounds.size()},
                 {"rule", ms.round_rule == "exact"
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
      // median(x, na.rm = TRUE): the page offers "cut at the median".
      std::vector<double> v;
      for (std::size_t r = 0; r < c.size(); ++r)
        if (!c.is_missing(r)) v.push_back(c.numbers[r]);
      std::sort(v.begin(), v.end());
      const std::size_t n = v.size();
      d["median"] = n == 0 ? json() : n % 2 ? json(v[n / 2]) : json((v[n / 2 - 1] + v[n / 2]) / 2);
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

namespace {

// Cutpoint of a numeric column: maxstat's maximally selected log-rank
// statistic (with every candidate, for plotting), the median, and Youden's index.
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
  co.ties = spec.cox.ties == "breslow" ? CoxTies::Breslow : CoxTies::Efron;
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
  auto about_column = [&](std::vector<std::string> messages) {
    for (auto& m : messages)
      for (const char* x_name : {"of x ", "of x:"})
        for (std::size_t at = m.find(x_name); at != std::string::npos; at = m.find(x_name, at))
          m.replace(at, 4, "of '" + cs.column + "'");
    return messages;
  };
  double maxstat_cut = NAN;
  json maxstat = isolated("the maximally selected log-rank statistic", "analyses.cutpoint", [&] {
    MaxstatOptions mo;
    mo.minprop = cs.minprop;
    mo.maxprop = cs.maxprop;
    mo.pmethod = cs.pmethod == "condmc" ? MaxstatPMethod::CondMC : MaxstatPMethod::Lau94;
    mo.mc_replicates = cs.replicates;
    mo.seed = static_cast<std::uint64_t>(cs.seed);
    MaxstatResult m;
    try {
      m = maxstat_log_rank(f.time, f.event, x, mo);
    } catch (const Error& e) {
      throw cut_infeasible(what, cs, x, e);
    }
    add_warnings(warnings, "cutpoint", about_column(m.warnings));
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
  for (auto& m : y.warnings) {
    m = "Youden's index: " + m;
    for (const auto& [kernel, plain] : std::vector<std::pair<std::string, std::string>>{
             {"cases from controls", "patients with the event from those without"},
             {"no controls:", "every patient has the event:"},
             {"no cases (events):", "no patient has the event:"}})
      if (std::size_t at = m.find(kernel); at != std::string::npos)
        m.replace(at, kernel.size(), plain);
  }
  add_warnings(warnings, "cutpoint", about_column(y.warnings));
  MedianSplitResult med = median_split(x);
  for (auto& m : med.warnings) m = "the median of '" + cs.column + "': " + m;
  add_warnings(warnings, "cutpoint", about_column(med.warnings));
  json out;
  out["conventions"] = {
      {"maxstat",
       "maxstat.test(Surv(time, event) ~ " + cs.column + ", smethod = \"LogRank\", pmethod = \"" +
           std::string(cs.pmethod == "condmc" ? "condMC" : "Lau94") + "\", minprop = " +
           format_double(cs.minprop) + ", maxprop = " + format_double(cs.maxprop) + ")" +
           (cs.pmethod == "condmc"
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
    const std::string& use = cs.groups.use;
    double cut = use == "value"    ? cs.groups.value
                 : use == "median" ? med.cutpoint
                 : use == "youden" ? y.cutpoint
                                   : maxstat_cut;
    // Groups that cannot be formed or compared must not lose the cutpoints.
    out["groups"] = isolated("the cutpoint groups", "analyses.cutpoint.groups", [&] {
      return run_cut_groups(table, c, spec, cut, use, none, warnings);
    });
  }
  return out;
}

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
  o.cox.ties = spec.cox.ties == "breslow" ? CoxTies::Breslow : CoxTies::Efron;
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
                        (ss.adjust ? " + covariates" : "") + ", ties = \"" + spec.cox.ties +
                        "\") within each level"},
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

// Counts analyses as they start, for the caller's progress bar.
class ProgressCounter {
 public:
  ProgressCounter(const Progress& progress, int total) : progress_(progress), total_(total) {}
  void step(const std::string& stage) {
    if (progress_) progress_(stage, done_, total_);
    ++done_;
  }
  void finish() {
    if (progress_) progress_("done", total_, total_);
  }

 private:
  const Progress& progress_;
  int total_;
  int done_ = 0;
};

int enabled_analyses(const AnalysisSpec& s) {
  return s.km.enabled + s.followup.enabled + s.logrank.enabled + s.cox.enabled +
         s.logistic.enabled + s.table1.enabled + s.matching.enabled + s.cutpoint.enabled +
         s.subgroups.enabled;
}

// The cohort and every requested analysis on it. Each analysis stands on its
// own: one that cannot be computed on these data reports its error in its
// own block ({"error": {message, field, detail}}) and the others run.
json run_sections(const Table& table, const AnalysisSpec& spec,
                  const std::vector<CohortFilter>& filters, std::vector<json>& warnings,
                  ProgressCounter& progress, const std::string& prefix) {
  Cohort cohort = make_cohort(table, spec, filters, warnings);
  json results = json::object();
  auto run = [&](bool enabled, const char* key, const char* stage, auto&& fn) {
    if (!enabled) return;
    progress.step(prefix + stage);
    results[key] = isolated(stage, std::string("analyses.") + key, fn);
  };
  run(spec.km.enabled, "km", "Kaplan-Meier", [&] { return run_km(cohort, spec, warnings); });
  run(spec.followup.enabled, "followup", "follow-up",
      [&] { return run_followup(cohort, spec, warnings); });
  run(spec.logrank.enabled, "logrank", "log-rank tests",
      [&] { return run_logrank(table, cohort, spec, warnings); });
  run(spec.cox.enabled, "cox", "Cox models",
      [&] { return run_cox(table, cohort, spec, warnings); });
  run(spec.logistic.enabled, "logistic", "propensity model",
      [&] { return run_logistic(table, cohort, spec, warnings); });
  run(spec.table1.enabled, "table1", "Table 1",
      [&] { return run_table1(table, cohort, spec, warnings); });
  run(spec.matching.enabled, "matching", "matching",
      [&] { return run_matching(table, cohort, spec, treatment_words(cohort, spec), warnings); });
  run(spec.cutpoint.enabled, "cutpoint", "cutpoint",
      [&] { return run_cutpoint(table, cohort, spec, warnings); });
  run(spec.subgroups.enabled, "subgroups", "subgroups",
      [&] { return run_subgroups(table, cohort, spec, warnings); });
  json out;
  out["cohort"] = cohort.report;
  if (!cohort.group_levels.empty()) out["cohort"]["group_levels"] = cohort.group_levels;
  out["results"] = results;
  return out;
}

// What the spec asks for must make sense on its own, whatever the data:
// an analysis switched on with nothing to work with, or options that
// contradict each other, stop the run before it starts (as a misspelt option
// does); `at` prefixes the field ("subcohorts[0].").
void check_options(const AnalysisSpec& spec, const std::string& at) {
  const bool group = !spec.group.column.empty();
  const bool covariates = !spec.covariates.empty();
  auto fail = [&](const std::string& message, const std::string& field) {
    throw Error(message, at + field);
  };
  if (spec.logrank.enabled && !spec.logrank.strata.empty() && !group)
    fail(
        "analyses.logrank.strata stratifies the comparison of the group column, but the spec "
        "has no group",
        "analyses.logrank.strata");
  if (spec.logrank.enabled && !group && spec.logrank.by.empty())
    fail("a log-rank test needs a group column or a 'by' column to compare", "analyses.logrank");
  if (spec.cox.enabled) {
    if (!group && !covariates)
      fail("a Cox model needs a group or at least one covariate", "analyses.cox");
    for (const auto& f : spec.cox.force)
      if (f != spec.group.column && std::none_of(spec.covariates.begin(), spec.covariates.end(),
                                                 [&](const TermSpec& t) { return t.column == f; }))
        fail("analyses.cox.force names '" + f + "', which is neither the group nor a covariate",
             "analyses.cox.force");
    if (spec.cox.select_p > 0 && !spec.cox.univariate)
      fail("analyses.cox.select_p screens the univariate models, so univariate must be true",
           "analyses.cox.select_p");
  }
  if ((spec.logistic.enabled || spec.matching.enabled || spec.subgroups.enabled) && !group)
    fail(std::string(spec.logistic.enabled   ? "the propensity model (analyses.logistic)"
                     : spec.matching.enabled ? "matching"
                                             : "the subgroup analysis") +
             " compares the two groups of a treatment column, but the spec has no group",
         "group");
  if (spec.logistic.enabled && !covariates)
    fail("the propensity model needs at least one covariate", "covariates");
  if (spec.table1.enabled && !covariates)
    fail("Table 1 needs at least one covariate", "covariates");
  auto check_matching = [&](const MatchingSpec& ms, const std::string& path) {
    if (!covariates) fail("matching needs covariates for the propensity score", "covariates");
    for (const auto& name : ms.score_covariates)
      if (std::none_of(spec.covariates.begin(), spec.covariates.end(),
                       [&](const TermSpec& t) { return t.column == name; }))
        fail("score covariate '" + name + "' is not one of the covariates",
             path + ".score_covariates");
  };
  if (spec.matching.enabled) check_matching(spec.matching, "analyses.matching");
  if (spec.cutpoint.enabled && spec.cutpoint.groups.enabled && spec.cutpoint.groups.match)
    check_matching(spec.cutpoint.groups.matching, "analyses.cutpoint.groups.match");
}

}  // namespace

json run_analysis(const Table& table, const AnalysisSpec& spec, const Progress& progress) {
  int total = enabled_analyses(spec);
  for (const auto& sub : spec.subcohorts) total += enabled_analyses(sub.spec ? *sub.spec : spec);
  ProgressCounter counter(progress, total);
  check_options(spec, "");
  for (std::size_t i = 0; i < spec.subcohorts.size(); ++i)
    if (spec.subcohorts[i].spec)
      check_options(*spec.subcohorts[i].spec, "subcohorts[" + std::to_string(i) + "].");
  // The filters of the main cohort, then each subcohort's too: each is read
  // on its own (its errors point into its own text) and the rows they keep
  // are those of `(main) and (sub)`.
  std::vector<CohortFilter> filters;
  auto blank = [](const std::string& t) {
    return t.find_first_not_of(" \t\r\n") == std::string::npos;
  };
  if (!blank(spec.filter)) filters.push_back({spec.filter, "filter", "the filter"});
  std::vector<json> warnings;
  json main = run_sections(table, spec, filters, warnings, counter, "");
  json out;
  out["localsurv"] = {{"version", kVersion}};
  out["spec"] = spec_to_json(spec);
  out["data"] = {{"rows", table.n_rows},
                 {"columns", table.columns.size()},
                 {"delimiter", std::string(1, table.delimiter)},
                 {"decimal_comma", table.decimal_comma}};
  out["cohort"] = main["cohort"];
  out["results"] = main["results"];
  if (!spec.subcohorts.empty()) {
    // The whole analysis again within each subcohort (and the main filter).
    json subs = json::array();
    for (std::size_t i = 0; i < spec.subcohorts.size(); ++i) {
      const SubcohortSpec& sub = spec.subcohorts[i];
      AnalysisSpec s = sub.spec ? *sub.spec : spec;
      s.subcohorts.clear();
      s.filter =
          spec.filter.empty() ? sub.filter : "(" + spec.filter + ") and (" + sub.filter + ")";
      std::vector<CohortFilter> sub_filters = filters;
      for (auto& f : sub_filters) f.name = "the whole cohort's filter";
      if (!blank(sub.filter))
        sub_filters.push_back(
            {sub.filter, "subcohorts[" + std::to_string(i) + "].filter", "the subcohort's filter"});
      std::vector<json> sub_warnings;
      json part;
      try {
        part = run_sections(table, s, sub_filters, sub_warnings, counter, sub.name + ": ");
      } catch (const std::bad_alloc&) {
        throw;
      } catch (const Error& e) {
        // A subcohort too small for an analysis must not lose the others.
        part = {{"error", error_json(e.what(), e.field, "")}};
      }
      for (auto& w : sub_warnings) {
        w["subcohort"] = sub.name;
        warnings.push_back(w);
      }
      json entry = {{"name", sub.name}, {"filter", s.filter}};
      entry.update(part);
      subs.push_back(entry);
    }
    out["subcohorts"] = subs;
  }
  out["warnings"] = warnings;
  counter.finish();
  return out;
}

}  // namespace localsurv
