#include "io/result_json.h"

#include <cmath>

namespace localsurv {

using json = nlohmann::ordered_json;

json number(double x) { return std::isfinite(x) ? json(x) : json(); }

json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}

json error_json(const std::string& message, const std::string& field, const std::string& detail) {
  return {{"message", message},
          {"field", field.empty() ? json() : json(field)},
          {"detail", detail.empty() ? json() : json(detail)}};
}

// "statistic", "df", "p" appended to `out`. Log-rank and Cox degrees of
// freedom are whole numbers and are written as JSON integers.
void add_test(json& out, const TestStatistic& t) {
  out["statistic"] = number(t.statistic);
  out["df"] = std::isfinite(t.df) ? json(static_cast<int>(t.df)) : json();
  out["p"] = number(t.p);
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
json curve_json(const KaplanMeierCurve& c, const std::string& stratum, const KmAtTimes* at,
                bool weighted) {
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
  if (at)
    out["at_times"] = {
        {"time", numbers(at->time)},
        {"n_risk", weighted ? json(numbers(at->n_risk_weighted)) : json(at->n_risk)},
        {"n_event", weighted ? json(numbers(at->n_event_weighted)) : json(at->n_event)},
        {"n_censor", weighted ? json(numbers(at->n_censor_weighted)) : json(at->n_censor)},
        {"surv", numbers(at->surv)},
        {"std_err", numbers(at->std_err)},
        {"lower", numbers(at->lower)},
        {"upper", numbers(at->upper)}};
  return out;
}

json followup_json(const FollowupMedian& f, const std::string& stratum) {
  return {{"stratum", stratum},
          {"n", f.n},
          {"median", number(f.median)},
          {"lower", number(f.lower)},
          {"upper", number(f.upper)}};
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

json cox_test_json(const TestStatistic& t) {
  json out = json::object();
  add_test(out, t);
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

}  // namespace localsurv
