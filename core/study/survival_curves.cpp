#include "io/result_json.h"
#include "stats/kaplan_meier.h"
#include "study/section.h"
#include "study/sections.h"
#include "study/warnings.h"

namespace localsurv {

using json = nlohmann::ordered_json;

json km_curve(const KaplanMeierCurve& curve, const std::string& stratum,
              const std::vector<double>& times, std::vector<json>& warnings, bool weighted) {
  if (times.empty()) return curve_json(curve, stratum, nullptr, weighted);
  const KmAtTimes at = km_at_times(curve, times);
  add_warnings(warnings, "km", at.warnings);
  return curve_json(curve, stratum, &at, weighted);
}

json run_km(const Cohort& c, const AnalysisSpec& spec, std::vector<json>& warnings) {
  KaplanMeierOptions o;
  o.conf_int = spec.km.conf_int;
  o.conf_type = spec.km.conf_type;
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
  out["overall"] = km_curve(overall.curves.at(0), "all", spec.km.times, warnings);
  json by = json::array();
  if (spec.km.by_group && !c.group.empty()) {
    KaplanMeierResult g = kaplan_meier_by_group(c.time, c.event, c.group, o);
    add_warnings(warnings, "km", g.warnings, c.group_levels);
    for (const auto& curve : g.curves)
      by.push_back(km_curve(curve, c.group_levels[static_cast<std::size_t>(curve.group)],
                            spec.km.times, warnings));
  }
  out["by_group"] = by;
  return out;
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

}  // namespace localsurv
