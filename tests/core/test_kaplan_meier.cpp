// Kaplan-Meier against R: survfit(Surv(time, event) ~ group) tables,
// quantile(fit, conf.int = TRUE), summary(fit, times, extend = TRUE) and the
// reverse-KM median follow-up, for every reference dataset (goldens) and for
// conf types / edge cases produced by tests/r/kaplan_meier.R
// (tests/reference/extra/kaplan_meier.json).
#include <cmath>
#include <functional>
#include <random>

#include "error.h"
#include "golden.h"
#include "stats/kaplan_meier.h"

using localsurv::Error;
using localsurv::KaplanMeierCurve;
using localsurv::KaplanMeierOptions;
using localsurv::KmConfType;
using testsupport::json;
using testsupport::num;
using testsupport::nums;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

using testsupport::vec;

using testsupport::check_column;

std::vector<double> times_se(const KaplanMeierCurve& c) {
  std::vector<double> v(c.surv.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = c.surv[i] * c.std_err[i];
  return v;
}

// Golden Curve = {stratum, n, events, table, median, quantiles, at_times}.
void check_golden_curve(const std::string& what, const KaplanMeierCurve& c, const json& g,
                        const std::vector<double>& fixed_times) {
  INFO(what);
  CHECK(c.n == g["n"].get<int>());
  CHECK(c.events == g["events"].get<int>());
  const json& t = g["table"];
  check_column(what + " time", c.time, nums(t["time"]));
  check_column(what + " n.risk", c.n_risk, nums(t["n.risk"]));
  check_column(what + " n.event", c.n_event, nums(t["n.event"]));
  check_column(what + " n.censor", c.n_censor, nums(t["n.censor"]));
  check_column(what + " surv", c.surv, nums(t["surv"]));
  check_column(what + " std.err", c.std_err, nums(t["std.err"]));
  check_column(what + " std.err_surv", times_se(c), nums(t["std.err_surv"]));
  check_column(what + " lower", c.lower, nums(t["lower"]));
  check_column(what + " upper", c.upper, nums(t["upper"]));
  check_column(what + " cumhaz", c.cumhaz, nums(t["cumhaz"]));

  CHECK_CLOSE((what + " median"), c.median.estimate, num(g["median"]["estimate"]), 1e-6);
  CHECK_CLOSE((what + " median lower"), c.median.lower, num(g["median"]["lower"]), 1e-6);
  CHECK_CLOSE((what + " median upper"), c.median.upper, num(g["median"]["upper"]), 1e-6);
  const json& q = g["quantiles"];
  check_column(what + " quantile p", c.quantiles.p, nums(q["p"]));
  check_column(what + " quantile", c.quantiles.estimate, nums(q["estimate"]));
  check_column(what + " quantile lower", c.quantiles.lower, nums(q["lower"]));
  check_column(what + " quantile upper", c.quantiles.upper, nums(q["upper"]));

  const json& at = g["at_times"];
  check_column(what + " at_times time", fixed_times, nums(at["time"]));
  auto a = localsurv::km_at_times(c, fixed_times);
  CHECK(a.warnings.empty());
  check_column(what + " at_times time", a.time, nums(at["time"]));
  check_column(what + " at_times n.risk", a.n_risk, nums(at["n.risk"]));
  check_column(what + " at_times n.event", a.n_event, nums(at["n.event"]));
  check_column(what + " at_times n.censor", a.n_censor, nums(at["n.censor"]));
  check_column(what + " at_times surv", a.surv, nums(at["surv"]));
  check_column(what + " at_times std.err_surv", a.std_err, nums(at["std.err_surv"]));
  check_column(what + " at_times lower", a.lower, nums(at["lower"]));
  check_column(what + " at_times upper", a.upper, nums(at["upper"]));
}

// A golden dataset reduced to what survfit saw: the population filter, the
// event expression and the group codes (index into the declared levels).
struct Cohort {
  std::vector<double> time;
  std::vector<int> event;
  std::vector<int> group;
};

double cell(const localsurv::Column& c, std::size_t row) {
  return c.is_missing(row) ? kNaN : c.numbers[row];
}

Cohort cohort(const std::string& name, bool whole_file = false) {
  const json& g = testsupport::golden(name);
  const auto table = testsupport::dataset(name);
  const json& d = g["dataset"];
  const auto& time = table.column(d["time"]["column"].get<std::string>());
  const std::string ev = d["event"]["expression"].get<std::string>();
  Cohort c;
  for (std::size_t r = 0; r < table.n_rows; ++r) {
    int event = -1, group = -1;
    if (name == "lung") {
      event = cell(table.column("status"), r) == 2;
      group = cell(table.column("sex"), r) == 2;
      REQUIRE(ev == "as.integer(status == 2)");
    } else if (name == "veteran") {
      event = static_cast<int>(cell(table.column("status"), r));
      group = cell(table.column("trt"), r) == 2;
    } else if (name == "colon") {
      event = static_cast<int>(cell(table.column("status"), r));
      const std::string rx = table.column("rx").text(r);
      const auto& levels = d["group"]["levels"];
      for (std::size_t k = 0; k < levels.size(); ++k)
        if (levels[k].get<std::string>() == rx) group = static_cast<int>(k);
    } else if (name == "colon_bin") {
      event = static_cast<int>(cell(table.column("status"), r));
      group = table.column("rx").text(r) == "Lev+5FU";
    } else if (name == "pbc") {
      REQUIRE(ev == "as.integer(status == 2)");
      event = cell(table.column("status"), r) == 2;
      const double trt = cell(table.column("trt"), r);
      if (std::isnan(trt) && !whole_file) continue;  // population: !is.na(trt)
      group = std::isnan(trt) ? -1 : trt == 1;
    } else if (name == "rotterdam") {
      event = static_cast<int>(cell(table.column("death"), r));
      group = static_cast<int>(cell(table.column("chemo"), r));
    } else if (name == "npc_synth_1") {
      event = static_cast<int>(cell(table.column("death"), r));
      group = static_cast<int>(cell(table.column("lt"), r));
    }
    c.time.push_back(cell(time, r));
    c.event.push_back(event);
    c.group.push_back(group);
  }
  return c;
}

const std::vector<std::string> kDatasets = {"lung", "veteran",   "colon",      "colon_bin",
                                            "pbc",  "rotterdam", "npc_synth_1"};

KmConfType conf_type_of(const std::string& s) {
  if (s == "log") return KmConfType::Log;
  if (s == "log-log") return KmConfType::LogLog;
  if (s == "plain") return KmConfType::Plain;
  REQUIRE(s == "none");
  return KmConfType::None;
}

// One case of extra/kaplan_meier.json: refit from its inputs and compare.
void check_extra_case(const json& cs) {
  const std::string name = cs["name"].get<std::string>();
  INFO("case " << name << ": " << cs["call"].get<std::string>());
  const json& in = cs["input"];
  const std::vector<double> time = vec(in["time"]);
  std::vector<int> status;
  for (double s : vec(in["status"])) status.push_back(static_cast<int>(s));
  const bool grouped = in.contains("group") && !in["group"].is_null();
  std::vector<int> group;
  if (grouped)
    for (double g : vec(in["group"])) group.push_back(std::isnan(g) ? -1 : static_cast<int>(g));

  KaplanMeierOptions o;
  o.conf_type = conf_type_of(cs["conf.type"].get<std::string>());
  o.conf_int = cs["conf.int"].get<double>();
  o.quantile_probs = vec(cs["probs"]);
  std::size_t median_at = o.quantile_probs.size();
  for (std::size_t k = 0; k < o.quantile_probs.size(); ++k)
    if (o.quantile_probs[k] == 0.5) median_at = k;
  REQUIRE(median_at < o.quantile_probs.size());
  const bool has_ci = o.conf_type != KmConfType::None;
  auto km = grouped ? localsurv::kaplan_meier_by_group(time, status, group, o)
                    : localsurv::kaplan_meier(time, status, o);
  const json& curves = cs["curves"];
  REQUIRE(km.curves.size() == curves.size());
  const std::vector<double> times = vec(cs["times"]);
  for (std::size_t k = 0; k < curves.size(); ++k) {
    const KaplanMeierCurve& c = km.curves[k];
    const json& g = curves[k];
    const std::string what = name + " stratum " + std::to_string(k + 1);
    CHECK(c.group == g["group"].get<int>());
    CHECK(c.n == g["n"].get<int>());
    CHECK(c.events == g["events"].get<int>());
    const json& t = g["table"];
    check_column(what + " time", c.time, vec(t["time"]));
    check_column(what + " n.risk", c.n_risk, vec(t["n.risk"]));
    check_column(what + " n.event", c.n_event, vec(t["n.event"]));
    check_column(what + " n.censor", c.n_censor, vec(t["n.censor"]));
    check_column(what + " surv", c.surv, vec(t["surv"]));
    check_column(what + " std.err", c.std_err, vec(t["std.err"]));
    check_column(what + " cumhaz", c.cumhaz, vec(t["cumhaz"]));
    check_column(what + " std.chaz", c.std_chaz, vec(t["std.chaz"]));
    const json& q = g["quantiles"];
    check_column(what + " quantile p", c.quantiles.p, vec(q["p"]));
    check_column(what + " quantile", c.quantiles.estimate, vec(q["estimate"]));
    if (has_ci) {
      check_column(what + " lower", c.lower, vec(t["lower"]));
      check_column(what + " upper", c.upper, vec(t["upper"]));
      check_column(what + " quantile lower", c.quantiles.lower, vec(q["lower"]));
      check_column(what + " quantile upper", c.quantiles.upper, vec(q["upper"]));
      CHECK_CLOSE((what + " median lower"), c.median.lower, vec(q["lower"])[median_at], 1e-6);
      CHECK_CLOSE((what + " median upper"), c.median.upper, vec(q["upper"])[median_at], 1e-6);
    } else {
      CHECK(std::isnan(c.lower.at(0)));
      CHECK(std::isnan(c.quantiles.lower[1]));
    }
    CHECK_CLOSE((what + " median"), c.median.estimate, vec(q["estimate"])[median_at], 1e-6);

    const json& at = g["at_times"];
    auto a = localsurv::km_at_times(c, times);
    check_column(what + " at time", a.time, vec(at["time"]));
    check_column(what + " at n.risk", a.n_risk, vec(at["n.risk"]));
    check_column(what + " at n.event", a.n_event, vec(at["n.event"]));
    check_column(what + " at n.censor", a.n_censor, vec(at["n.censor"]));
    check_column(what + " at surv", a.surv, vec(at["surv"]));
    check_column(what + " at std.err", a.std_err, vec(at["std.err"]));
    if (has_ci) {
      check_column(what + " at lower", a.lower, vec(at["lower"]));
      check_column(what + " at upper", a.upper, vec(at["upper"]));
    }
  }

  auto fu = grouped ? localsurv::median_followup_by_group(time, status, group, o)
                    : localsurv::median_followup(time, status, o);
  const json& rf = cs["followup"];
  REQUIRE(fu.groups.size() == rf.size());
  for (std::size_t k = 0; k < rf.size(); ++k) {
    CHECK(fu.groups[k].n == rf[k]["n"].get<int>());
    CHECK_CLOSE((name + " followup median"), fu.groups[k].median, num(rf[k]["median"]), 1e-6);
    if (has_ci) {
      CHECK_CLOSE((name + " followup lower"), fu.groups[k].lower, num(rf[k]["lower"]), 1e-6);
      CHECK_CLOSE((name + " followup upper"), fu.groups[k].upper, num(rf[k]["upper"]), 1e-6);
    }
  }
}

void for_cases(const std::function<bool(const std::string&)>& pick) {
  int seen = 0;
  for (const auto& cs : testsupport::extra("kaplan_meier")["cases"])
    if (pick(cs["name"].get<std::string>())) {
      ++seen;
      check_extra_case(cs);
    }
  CHECK(seen > 0);
}

}  // namespace

TEST_CASE("golden km.overall: survfit(Surv(time, event) ~ 1) on every dataset") {
  for (const auto& name : kDatasets) {
    const json& g = testsupport::golden(name);
    Cohort c = cohort(name);
    auto km = localsurv::kaplan_meier(c.time, c.event);
    REQUIRE(km.curves.size() == 1);
    CHECK(km.n_times_merged == 0);  // conventions: timefix has no effect on these data
    check_golden_curve(name + " overall", km.curves[0], g["km"]["overall"],
                       nums(g["dataset"]["fixed_times"]));
  }
}

TEST_CASE("golden km.by_group: survfit(Surv(time, event) ~ group) on every dataset") {
  for (const auto& name : kDatasets) {
    const json& g = testsupport::golden(name);
    Cohort c = cohort(name);
    auto km = localsurv::kaplan_meier_by_group(c.time, c.event, c.group);
    const json& by = g["km"]["by_group"];
    REQUIRE(km.curves.size() == by.size());
    for (std::size_t k = 0; k < by.size(); ++k) {
      CHECK(km.curves[k].group == static_cast<int>(k));
      check_golden_curve(name + " " + by[k]["stratum"].get<std::string>(), km.curves[k], by[k],
                         nums(g["dataset"]["fixed_times"]));
    }
  }
}

TEST_CASE("golden km_overall_all_rows: survfit(Surv(time, status == 2) ~ 1) on all 418 pbc rows") {
  const json& g = testsupport::golden("pbc");
  Cohort c = cohort("pbc", true);
  REQUIRE(c.time.size() == 418);
  auto km = localsurv::kaplan_meier(c.time, c.event);
  check_golden_curve("pbc all rows", km.curves[0], g["km_overall_all_rows"],
                     nums(g["dataset"]["fixed_times"]));
}

TEST_CASE("golden followup_reverse_km: quantile(survfit(Surv(time, 1 - event) ~ g), 0.5)") {
  for (const auto& name : kDatasets) {
    INFO(name);
    const json& g = testsupport::golden(name)["followup_reverse_km"];
    Cohort c = cohort(name);
    auto all = localsurv::median_followup(c.time, c.event);
    REQUIRE(all.groups.size() == 1);
    CHECK(all.groups[0].n == g["overall"]["n"].get<int>());
    CHECK_CLOSE((name + " overall median"), all.groups[0].median, num(g["overall"]["median"]),
                1e-6);
    CHECK_CLOSE((name + " overall lower"), all.groups[0].lower, num(g["overall"]["lower"]), 1e-6);
    CHECK_CLOSE((name + " overall upper"), all.groups[0].upper, num(g["overall"]["upper"]), 1e-6);

    auto by = localsurv::median_followup_by_group(c.time, c.event, c.group);
    const auto& levels = testsupport::golden(name)["dataset"]["group"]["levels"];
    REQUIRE(by.groups.size() == levels.size());
    for (std::size_t k = 0; k < levels.size(); ++k) {
      const json& e = g["by_group"][levels[k].get<std::string>()];
      CHECK(by.groups[k].n == e["n"].get<int>());
      CHECK_CLOSE((name + " median"), by.groups[k].median, num(e["median"]), 1e-6);
      CHECK_CLOSE((name + " lower"), by.groups[k].lower, num(e["lower"]), 1e-6);
      CHECK_CLOSE((name + " upper"), by.groups[k].upper, num(e["upper"]), 1e-6);
    }
  }
}

TEST_CASE("extra: survfit(..., conf.type = 'log-log') on lung and veteran, overall and by group") {
  for_cases([](const std::string& n) {
    return (n.rfind("lung_", 0) == 0 || n.rfind("veteran_", 0) == 0) &&
           n.find("_log-log") != std::string::npos;
  });
}

TEST_CASE("extra: survfit(..., conf.type = 'plain') on lung and veteran, overall and by group") {
  for_cases([](const std::string& n) {
    return (n.rfind("lung_", 0) == 0 || n.rfind("veteran_", 0) == 0) &&
           n.find("_plain") != std::string::npos;
  });
}

TEST_CASE("extra: survfit(..., conf.type = 'none') on lung and veteran") {
  for_cases([](const std::string& n) { return n.find("_none") != std::string::npos; });
}

TEST_CASE("extra: conf.int 0.9 / 0.99 and quantile(fit, probs) beyond the quartiles") {
  for_cases([](const std::string& n) { return n.find("_probs") != std::string::npos; });
}

TEST_CASE("extra: degenerate data (all censored, one subject, S reaching 0) under each conf.type") {
  for_cases([](const std::string& n) {
    return n.rfind("all_censored_", 0) == 0 || n.rfind("single_", 0) == 0 ||
           n.rfind("all_die_at_once_", 0) == 0 || n.rfind("event_every_time_", 0) == 0;
  });
}

TEST_CASE("extra: tied events and censorings, midpoint and end-of-curve quantile rules") {
  for_cases([](const std::string& n) {
    return n.rfind("ties_event_censor_", 0) == 0 || n.rfind("flat_half_at_end_", 0) == 0;
  });
}

TEST_CASE("extra: times at or below 0 (survfit0 origin), missing and event-free groups") {
  for_cases([](const std::string& n) {
    return n.rfind("zero_and_negative_times_", 0) == 0 || n == "groups_with_missing" ||
           n == "group_all_censored";
  });
}

TEST_CASE("extra: timefix (aeqSurv) merges near-equal times as survfit does") {
  for_cases([](const std::string& n) { return n.rfind("timefix_", 0) == 0; });
  // The R inputs above: 1 / 1+1e-10, 0.3 / 0.1+0.2, 2 / 2(1+1e-9), 7 / 7+3e-8.
  auto km =
      localsurv::kaplan_meier({1, 1 + 1e-10, 0.1 + 0.2, 0.3, 2, 2 * (1 + 1e-9), 5, 7, 7 + 3e-8},
                              {1, 0, 1, 1, 1, 0, 1, 0, 1});
  CHECK(km.n_times_merged == 4);
  KaplanMeierOptions off;
  off.timefix = false;
  CHECK(localsurv::kaplan_meier({1, 1 + 1e-10}, {1, 1}, off).curves[0].time.size() == 2);
}

TEST_CASE("extra: 3000 simulated subjects, 3 groups with ties and missing codes, each conf.type") {
  for_cases([](const std::string& n) { return n.rfind("simulated_", 0) == 0; });
}

TEST_CASE("degenerate inputs warn and give NaN instead of throwing") {
  auto none = localsurv::kaplan_meier({}, {});
  REQUIRE(none.curves.size() == 1);
  CHECK(none.curves[0].n == 0);
  CHECK(none.curves[0].time.empty());
  CHECK(std::isnan(none.curves[0].median.estimate));
  CHECK(!none.warnings.empty());
  auto at = localsurv::km_at_times(none.curves[0], {1.0, kNaN});
  CHECK(at.time.size() == 1);
  CHECK(std::isnan(at.surv[0]));
  CHECK(at.warnings.size() == 2);

  auto cens = localsurv::kaplan_meier({3, 1, 2}, {0, 0, 0});
  CHECK(cens.warnings.size() == 1);
  CHECK(cens.warnings[0].text.find("no events") != std::string::npos);
  CHECK(cens.curves[0].surv.back() == 1);
  CHECK(std::isnan(cens.curves[0].median.estimate));

  auto fu = localsurv::median_followup({1, 2, 3}, {1, 1, 1});
  CHECK(std::isnan(fu.groups[0].median));
  CHECK(fu.warnings.size() == 1);

  auto grouped = localsurv::kaplan_meier_by_group({1, 2, 3}, {1, 0, 1}, {-1, -1, -1});
  CHECK(grouped.curves.empty());
  CHECK(grouped.warnings.size() == 2);

  // survfit gives std.err = Inf (printed NA) where S = 0; we give NaN.
  auto die = localsurv::kaplan_meier({2, 2}, {1, 1});
  CHECK(die.curves[0].surv[0] == 0);
  CHECK(std::isnan(die.curves[0].std_err[0]));
  CHECK(std::isnan(die.curves[0].lower[0]));
}

TEST_CASE("invalid inputs throw errors naming the argument") {
  auto message = [](const std::function<void()>& f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(message([] {
          localsurv::kaplan_meier({1, 2}, {1});
        }).find("time has 2") != std::string::npos);
  CHECK(message([] {
          localsurv::kaplan_meier({1, kNaN}, {1, 0});
        }).find("time of row 2 is missing (NaN)") != std::string::npos);
  CHECK(message([] {
          localsurv::kaplan_meier({1, 2}, {1, 2});
        }).find("status of row 2 is 2") != std::string::npos);
  CHECK(message([] {
          localsurv::kaplan_meier_by_group({1, 2}, {1, 0}, {0});
        }).find("group") != std::string::npos);
  KaplanMeierOptions bad;
  bad.conf_int = 95;
  CHECK(message([&] {
          localsurv::kaplan_meier({1, 2}, {1, 0}, bad);
        }).find("conf_int") != std::string::npos);
  CHECK(message([] {
          auto c = localsurv::kaplan_meier({1, 2}, {1, 0}).curves[0];
          localsurv::km_quantiles(c, {1.5});
        }).find("probs") != std::string::npos);
}

TEST_CASE("200,000 subjects in 3 groups: every subject in one curve") {
  std::mt19937 rng(7);
  std::exponential_distribution<double> e(0.01);
  std::bernoulli_distribution b(0.6);
  const std::size_t n = 200000;
  std::vector<double> time(n);
  std::vector<int> status(n), group(n);
  for (std::size_t i = 0; i < n; ++i) {
    time[i] = std::round(e(rng) * 10) / 10;
    status[i] = b(rng);
    group[i] = static_cast<int>(i % 3);
  }
  auto km = localsurv::kaplan_meier_by_group(time, status, group);
  auto fu = localsurv::median_followup_by_group(time, status, group);
  CHECK(km.curves.size() == 3);
  CHECK(km.curves[0].n + km.curves[1].n + km.curves[2].n == static_cast<int>(n));
  CHECK(fu.groups.size() == 3);
}
