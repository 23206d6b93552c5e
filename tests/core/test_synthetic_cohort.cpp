// Synthetic NPC cohort (Zhang 2022 structure): determinism, the shipped
// example, closeness to the paper's Tables 1-3 / Figure 2, and recovery of
// every generating value from a large cohort. No R values: the targets are the
// paper's published numbers and the generator's own documented parameters.
#include <algorithm>
#include <cmath>

#include "error.h"
#include "golden.h"
#include "io/csv.h"
#include "io/synthetic_cohort.h"
#include "stats/cox.h"
#include "stats/kaplan_meier.h"
#include "stats/logistic.h"

using localsurv::synthetic_cohort_csv;
using localsurv::SyntheticCohortModel;
using localsurv::SyntheticCohortOptions;

namespace {

const char* kShipped = LOCALSURV_TEST_DATA "/../../public/examples/npc_cohort.csv";

// The cohort's analysis variables, derived as the paper spec derives them.
struct Cohort {
  localsurv::Table t;
  std::size_t n = 0;
  std::vector<double> female, age45, kps90, path12, ebv_hi, t4, n3, sync, liver, liver_single, lung,
      lung_single, bone, bone_single, chemo, cycles6, targeted, immuno, rt_primary, lt, lt_liver,
      lt_lung, lt_bone, bed, bed_high, bed_low, bone_other, time;
  std::vector<int> death;

  explicit Cohort(const std::string& csv) : t(localsurv::read_csv(csv)), n(t.n_rows) {
    auto num = [&](const char* c) { return t.column(c).numbers; };
    auto is = [&](const char* c, const char* v) {
      std::vector<double> r(n);
      const auto& col = t.column(c);
      for (std::size_t i = 0; i < n; ++i) r[i] = col.text(i) == v;
      return r;
    };
    auto ge = [&](const char* c, double v) {
      auto x = num(c);
      for (auto& a : x) a = a >= v;
      return x;
    };
    female = is("sex", "Female");
    age45 = ge("age", 45);
    kps90 = ge("kps", 90);
    path12 = is("pathology", "I-II");
    ebv_hi = ge("ebv_dna", 10000);
    t4 = is("t_stage", "T4");
    n3 = is("n_stage", "N3");
    sync = is("sequence", "synchronous");
    liver = num("liver_met");
    lung = num("lung_met");
    bone = num("bone_met");
    liver_single = is("liver_lesions", "single");
    lung_single = is("lung_lesions", "single");
    bone_single = is("bone_lesions", "single");
    chemo = num("chemo");
    cycles6 = ge("chemo_cycles", 6);
    targeted = num("targeted");
    immuno = num("immuno");
    rt_primary = num("rt_primary");
    lt = num("lt");
    lt_liver = num("lt_liver");
    lt_lung = num("lt_lung");
    lt_bone = num("lt_bone");
    time = num("os_months");
    const auto dose = num("bone_rt_dose_gy"), fx = num("bone_rt_fractions"), d = num("death");
    bed.assign(n, NAN);
    bed_high.assign(n, 0);
    bed_low.assign(n, 0);
    bone_other.assign(n, 0);
    death.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      death[i] = static_cast<int>(d[i]);
      if (!std::isnan(dose[i])) {
        bed[i] = dose[i] * (1 + (dose[i] / fx[i]) / 10);
        (bed[i] > 60 ? bed_high : bed_low)[i] = 1;
      } else if (lt_bone[i] == 1) {
        bone_other[i] = 1;
      }
    }
  }
};

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / v.size();
}
double mean_where(const std::vector<double>& v, const std::vector<double>& w) {
  double s = 0, c = 0;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (w[i] == 1) s += v[i], c += 1;
  return s / c;
}
std::vector<double> negate(const std::vector<double>& w) {
  std::vector<double> r(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) r[i] = 1 - w[i];
  return r;
}

// Day number of an ISO date (proleptic Gregorian, days since 0000-03-01),
// written independently of the generator's calendar code.
long days_of(const std::string& iso) {
  long y = std::stol(iso.substr(0, 4)), m = std::stol(iso.substr(5, 2)),
       d = std::stol(iso.substr(8, 2));
  if (m <= 2) y -= 1, m += 12;
  return 365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d - 1;
}

std::string error_of(const SyntheticCohortOptions& o, const SyntheticCohortModel& m = {}) {
  try {
    synthetic_cohort_csv(o, m);
  } catch (const localsurv::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("default options reproduce public/examples/npc_cohort.csv byte for byte") {
  const std::string shipped = testsupport::read_file(kShipped);
  const std::string made = synthetic_cohort_csv();
  CHECK(made.size() == shipped.size());
  CHECK(made == shipped);
}

TEST_CASE("same options give the same text; another seed another cohort; prefix property") {
  SyntheticCohortOptions a;
  a.n = 500;
  const std::string first = synthetic_cohort_csv(a);
  CHECK(synthetic_cohort_csv(a) == first);
  SyntheticCohortOptions b = a;
  b.seed = a.seed + 1;
  const std::string other = synthetic_cohort_csv(b);
  CHECK(other != first);
  CHECK(other.substr(0, other.find('\n')) == first.substr(0, first.find('\n')));
  // Nothing depends on n: a smaller cohort is the first rows of a larger one.
  SyntheticCohortOptions small = a;
  small.n = 37;
  const std::string head = synthetic_cohort_csv(small);
  CHECK(first.compare(0, head.size(), head) == 0);
  // Seed 0 is a valid seed (splitmix64 seeding never leaves xoshiro all-zero).
  SyntheticCohortOptions zero = a;
  zero.seed = 0;
  CHECK(synthetic_cohort_csv(zero) != first);
}

TEST_CASE("columns, codings and internal consistency of the shipped cohort") {
  const std::string csv = testsupport::read_file(kShipped);
  CHECK(csv.substr(0, csv.find('\n')) ==
        "id,sex,age,kps,pathology,ebv_dna,t_stage,n_stage,sequence,liver_met,lung_met,bone_met,"
        "liver_lesions,lung_lesions,bone_lesions,chemo,chemo_cycles,targeted,immuno,rt_primary,"
        "lt,lt_liver,lt_lung,lt_bone,bone_rt_dose_gy,bone_rt_fractions,os_months,death,"
        "metastasis_date,last_followup_date");
  Cohort c(csv);
  REQUIRE(c.n == 2041);
  const auto& id = c.t.column("id").numbers;
  const auto& met = c.t.column("metastasis_date");
  const auto& last = c.t.column("last_followup_date");
  const auto& cycles = c.t.column("chemo_cycles").numbers;
  const auto& kps = c.t.column("kps").numbers;
  const auto& fx = c.t.column("bone_rt_fractions").numbers;
  const long accrual_from = days_of("2006-01-01"), accrual_to = days_of("2020-12-31"),
             lock = days_of("2021-06-30");
  int bad = 0, n_rt = 0, n_high = 0;
  double bed_min = 1e9, bed_max = 0;
  for (std::size_t i = 0; i < c.n; ++i) {
    bool ok = id[i] == static_cast<double>(i + 1);
    ok = ok && c.lt[i] == (c.lt_liver[i] || c.lt_lung[i] || c.lt_bone[i]);
    ok = ok && (!c.lt_liver[i] || c.liver[i]) && (!c.lt_lung[i] || c.lung[i]) &&
         (!c.lt_bone[i] || c.bone[i]);
    ok = ok && (c.liver[i] || c.lung[i] || c.bone[i]);
    ok = ok && (c.t.column("liver_lesions").text(i) == "none") == (c.liver[i] == 0);
    ok = ok && (c.t.column("bone_lesions").text(i) == "none") == (c.bone[i] == 0);
    ok = ok && (cycles[i] == 0) == (c.chemo[i] == 0) && cycles[i] <= 22;
    ok = ok && (c.sync[i] == 1 || c.rt_primary[i] == 1);  // metachronous: after radical RT
    ok = ok && (kps[i] == 70 || kps[i] == 80 || kps[i] == 90 || kps[i] == 100);
    ok = ok && (std::isnan(c.bed[i]) || c.lt_bone[i] == 1) &&
         std::isnan(c.bed[i]) == std::isnan(fx[i]);
    // Dates: accrual window, data lock, and os_months = days / 30.4375 to 0.1.
    const long d0 = days_of(met.text(i)), d1 = days_of(last.text(i));
    ok = ok && d0 >= accrual_from && d0 <= accrual_to && d1 <= lock && d1 - d0 >= 31;
    ok = ok && std::fabs(c.time[i] - (d1 - d0) / 30.4375) <= 0.05 + 1e-9;
    ok = ok && (c.death[i] == 1 || d1 == lock || d1 < lock);
    if (!ok) {
      ++bad;
      INFO("row " << i + 1 << " is inconsistent");
      CHECK(ok);
    }
    if (!std::isnan(c.bed[i])) {
      ++n_rt;
      n_high += c.bed[i] > 60;
      bed_min = std::min(bed_min, c.bed[i]);
      bed_max = std::max(bed_max, c.bed[i]);
    }
  }
  CHECK(bad == 0);
  // Bone RT: BED spans ~36-90 Gy and a third to a half of it exceeds 60 Gy.
  CHECK(n_rt > 200);
  CHECK(bed_min >= 36);
  CHECK(bed_max <= 95);
  CHECK(n_high >= n_rt / 3.0);
  CHECK(n_high <= n_rt / 2.0);
}

// Tolerance for a proportion: 3 binomial standard errors at the target.
#define CHECK_PROPORTION(what, observed, target, n)                                            \
  do {                                                                                         \
    const double t_ = (target), se_ = std::sqrt(t_ * (1 - t_) / (n));                          \
    INFO((what) << ": " << (observed) << " vs paper " << t_ << " (3 SE = " << 3 * se_ << ")"); \
    CHECK(std::fabs((observed)-t_) <= 3 * se_);                                                \
  } while (0)

TEST_CASE("shipped cohort: Table 1 and Table 2 (before matching) proportions within 3 SE") {
  Cohort c(testsupport::read_file(kShipped));
  const double n = 2041, n_lt = 640;
  struct Row {
    const char* name;
    const std::vector<double>* x;
    double all;  // Table 1 count of 2041
    double lt;   // Table 2 LT count of 640
  };
  const Row rows[] = {{"female", &c.female, 383, 132},
                      {"age >= 45", &c.age45, 1006, 281},
                      {"KPS >= 90", &c.kps90, 1842, 579},
                      {"type I-II", &c.path12, 44, 13},
                      {"EBV >= 1e4", &c.ebv_hi, 1025, 263},
                      {"T4", &c.t4, 618, 204},
                      {"N3", &c.n3, 823, 219},
                      {"synchronous", &c.sync, 939, 249},
                      {"liver", &c.liver, 908, 320},
                      {"liver single", &c.liver_single, 256, 131},
                      {"lung", &c.lung, 833, 242},
                      {"lung single", &c.lung_single, 168, 69},
                      {"bone", &c.bone, 1341, 392},
                      {"bone single", &c.bone_single, 301, 117},
                      {"chemo", &c.chemo, 1873, 545},
                      {"cycles >= 6", &c.cycles6, 1149, 304},
                      {"targeted", &c.targeted, 490, 169},
                      {"immuno", &c.immuno, 530, 171},
                      {"RT primary", &c.rt_primary, 1872, 632}};
  for (const auto& r : rows) {
    CHECK_PROPORTION(r.name, mean(*r.x), r.all / n, n);
    CHECK_PROPORTION(std::string(r.name) + " | LT", mean_where(*r.x, c.lt), r.lt / n_lt, n_lt);
    CHECK_PROPORTION(std::string(r.name) + " | no LT", mean_where(*r.x, negate(c.lt)),
                     (r.all - r.lt) / (n - n_lt), n - n_lt);
  }
  CHECK_PROPORTION("LT", mean(c.lt), n_lt / n, n);
  // LT per site among LT patients (Table 1: 235 liver, 144 lung, 305 bone).
  CHECK_PROPORTION("liver LT | LT", mean_where(c.lt_liver, c.lt), 235 / n_lt, n_lt);
  CHECK_PROPORTION("lung LT | LT", mean_where(c.lt_lung, c.lt), 144 / n_lt, n_lt);
  CHECK_PROPORTION("bone LT | LT", mean_where(c.lt_bone, c.lt), 305 / n_lt, n_lt);
  // Age: median 44, IQR 37-52 (whole years).
  std::vector<double> age = c.t.column("age").numbers;
  std::sort(age.begin(), age.end());
  CHECK(age[age.size() / 2] == 44);
  CHECK(age[age.size() / 4] >= 36);
  CHECK(age[age.size() / 4] <= 38);
  CHECK(age[3 * age.size() / 4] >= 51);
  CHECK(age[3 * age.size() / 4] <= 53);
}

TEST_CASE("shipped cohort: follow-up, 5-year OS per arm and adjusted LT HR near the paper") {
  Cohort c(testsupport::read_file(kShipped));
  // Reverse-KM median follow-up 43.4 months; its SE from the 95% CI is ~1.3
  // months, so 3 SE ~ 4 months.
  const auto fu = localsurv::median_followup(c.time, c.death).groups.at(0);
  INFO("median follow-up " << fu.median << " [" << fu.lower << ", " << fu.upper << "]");
  CHECK(std::fabs(fu.median - 43.4) <= 4.0);
  // 5-year OS 31.6% (no LT) and 46.2% (LT), within 3 Greenwood SEs.
  std::vector<int> g(c.n);
  for (std::size_t i = 0; i < c.n; ++i) g[i] = static_cast<int>(c.lt[i]);
  const auto km = localsurv::kaplan_meier_by_group(c.time, c.death, g);
  REQUIRE(km.curves.size() == 2);
  const double target[2] = {0.316, 0.462};
  for (const auto& curve : km.curves) {
    const auto at = localsurv::km_at_times(curve, {60});
    INFO("arm lt=" << curve.group << ": S(60) " << at.surv[0] << " SE " << at.std_err[0]);
    CHECK(std::fabs(at.surv[0] - target[curve.group]) <= 3 * at.std_err[0]);
  }
  // Multivariable Cox with Table 3's covariates: LT HR ~0.634 (Results), 3 SE.
  localsurv::CoxInput in;
  in.time = c.time;
  in.status = c.death;
  const std::vector<const std::vector<double>*> cols = {
      &c.lt,    &c.age45, &c.ebv_hi, &c.t4,    &c.n3,     &c.sync,
      &c.liver, &c.lung,  &c.bone,   &c.chemo, &c.immuno, &c.rt_primary};
  in.x.resize(c.n, cols.size());
  for (std::size_t j = 0; j < cols.size(); ++j)
    for (std::size_t i = 0; i < c.n; ++i) in.x(i, j) = (*cols[j])[i];
  const auto fit = localsurv::cox_fit(in);
  INFO("LT HR " << fit.hr[0] << " SE(log HR) " << fit.se[0]);
  CHECK(std::fabs(fit.coef[0] - std::log(0.634)) <= 3 * fit.se[0]);
}

TEST_CASE("large cohort (n = 40,000): Cox and logistic fits recover every generating value") {
  SyntheticCohortOptions o;
  o.n = 40000;
  o.seed = 987654321;
  const SyntheticCohortModel m;
  Cohort c(synthetic_cohort_csv(o, m));

  // coxph(Surv(os_months, death) ~ <all generating covariates>): each log HR
  // within 4 SEs of the value used, including the ones set to 0. Dropping any
  // non-zero coefficient from the generator would put it ~9+ SEs away.
  struct Term {
    const char* name;
    const std::vector<double>* x;
    double beta;
  };
  const Term terms[] = {{"age45", &c.age45, m.loghr_age45},
                        {"ebv_hi", &c.ebv_hi, m.loghr_ebv_hi},
                        {"t4", &c.t4, m.loghr_t4},
                        {"n3", &c.n3, m.loghr_n3},
                        {"synchronous", &c.sync, m.loghr_synchronous},
                        {"liver_met", &c.liver, m.loghr_liver_met},
                        {"lung_met", &c.lung, m.loghr_lung_met},
                        {"bone_met", &c.bone, m.loghr_bone_met},
                        {"chemo", &c.chemo, m.loghr_chemo},
                        {"immuno", &c.immuno, m.loghr_immuno},
                        {"rt_primary", &c.rt_primary, m.loghr_rt_primary},
                        {"female", &c.female, m.loghr_female},
                        {"kps90", &c.kps90, m.loghr_kps90},
                        {"pathology I-II", &c.path12, m.loghr_pathology_1_2},
                        {"targeted", &c.targeted, m.loghr_targeted},
                        {"cycles6", &c.cycles6, m.loghr_cycles6},
                        {"lt_liver", &c.lt_liver, m.loghr_lt_liver},
                        {"lt_lung", &c.lt_lung, m.loghr_lt_lung},
                        {"bone RT BED > 60", &c.bed_high, m.loghr_bone_rt_bed_high},
                        {"bone RT BED <= 60", &c.bed_low, m.loghr_bone_rt_bed_low},
                        {"other bone LT", &c.bone_other, m.loghr_bone_lt_other}};
  const std::size_t p = sizeof(terms) / sizeof(terms[0]);
  localsurv::CoxInput in;
  in.time = c.time;
  in.status = c.death;
  in.x.resize(c.n, p);
  for (std::size_t j = 0; j < p; ++j)
    for (std::size_t i = 0; i < c.n; ++i) in.x(i, j) = (*terms[j].x)[i];
  const auto fit = localsurv::cox_fit(in);
  REQUIRE(fit.converged);
  for (std::size_t j = 0; j < p; ++j) {
    INFO(terms[j].name << ": estimate " << fit.coef[j] << " generated " << terms[j].beta << " SE "
                       << fit.se[j]);
    CHECK(std::fabs(fit.coef[j] - terms[j].beta) <= 4 * fit.se[j]);
  }

  // Weibull baseline and linear predictor together (Cox-Snell check): with
  // the generating lp, r = exp(lp) ((t/scale)^shape - (1/scale)^shape) is a
  // censored Exp(1) sample, so its KM at r equals exp(-r). The same check with
  // shape 1 (an exponential baseline) must fail, so the check has teeth.
  auto residual_km_error = [&](double shape) {
    std::vector<double> r(c.n);
    for (std::size_t i = 0; i < c.n; ++i) {
      double lp = 0;
      for (std::size_t j = 0; j < p; ++j) lp += terms[j].beta * (*terms[j].x)[i];
      r[i] = std::exp(lp) * (std::pow(c.time[i] / m.weibull_scale_months, shape) -
                             std::pow(1 / m.weibull_scale_months, shape));
    }
    const auto km = localsurv::kaplan_meier(r, c.death);
    const auto at = localsurv::km_at_times(km.curves[0], {0.25, 0.5, 1.0, 1.5});
    double worst = 0;
    for (std::size_t k = 0; k < at.time.size(); ++k)
      worst = std::max(worst, std::fabs(at.surv[k] - std::exp(-at.time[k])));
    return worst;
  };
  const double err = residual_km_error(m.weibull_shape);
  INFO("Cox-Snell KM vs exp(-r): max abs error " << err);
  CHECK(err <= 0.015);
  CHECK(residual_km_error(1.0) > 0.03);

  // glm(lt ~ covariates, binomial): the treatment model's coefficients.
  const std::vector<const std::vector<double>*> lx = {
      &c.female, &c.age45,   &c.kps90,        &c.path12, &c.ebv_hi,      &c.t4,   &c.n3,
      &c.sync,   &c.liver,   &c.liver_single, &c.lung,   &c.lung_single, &c.bone, &c.bone_single,
      &c.chemo,  &c.cycles6, &c.targeted,     &c.immuno, &c.rt_primary};
  Eigen::MatrixXd x(c.n, lx.size());
  std::vector<std::string> names;
  for (std::size_t j = 0; j < lx.size(); ++j) {
    names.push_back("x" + std::to_string(j + 1));
    for (std::size_t i = 0; i < c.n; ++i) x(i, j) = (*lx[j])[i];
  }
  std::vector<int> y(c.n);
  for (std::size_t i = 0; i < c.n; ++i) y[i] = static_cast<int>(c.lt[i]);
  const auto lfit = localsurv::logistic_regression(y, x, names);
  REQUIRE(lfit.estimate.size() == m.lt_logit.size());
  for (std::size_t j = 0; j < m.lt_logit.size(); ++j) {
    INFO("lt_logit[" << j << "]: estimate " << lfit.estimate[j] << " generated " << m.lt_logit[j]
                     << " SE " << lfit.se[j]);
    CHECK(std::fabs(lfit.estimate[j] - m.lt_logit[j]) <= 4 * lfit.se[j]);
  }
}

TEST_CASE("bad options give a clear error") {
  SyntheticCohortOptions o;
  o.n = 0;
  CHECK(error_of(o).find("between 1 and 1000000") != std::string::npos);
  o.n = -5;
  CHECK(error_of(o).find("(got -5)") != std::string::npos);
  o.n = 1000001;
  CHECK(error_of(o).find("between 1 and 1000000") != std::string::npos);
  o.n = 1;
  CHECK(error_of(o) == "no error");
  SyntheticCohortModel m;
  m.lt_logit.pop_back();
  CHECK(error_of(o, m).find("lt_logit") != std::string::npos);
  m = SyntheticCohortModel{};
  m.cutoff_year = 2020;
  CHECK(error_of(o, m).find("cutoff") != std::string::npos);
  m = SyntheticCohortModel{};
  m.weibull_shape = 0;
  CHECK(error_of(o, m).find("weibull_shape") != std::string::npos);
}
