#include "io/synthetic_cohort.h"

#include <cmath>
#include <cstddef>

#include "error.h"
#include "io/dates.h"
#include "stats/rng.h"

namespace localsurv {
namespace {

// xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64: both are
// defined on 64-bit unsigned integers only, so every platform sees the same
// stream.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    SplitMix64 seeder{seed};
    for (auto& word : s_) word = seeder.next();
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform on [0, 1): the top 53 bits scaled exactly.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1], safe for log().
  double uniform_open0() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// libm's exp/log are not guaranteed to round identically across platforms
// (glibc vs the musl used by Emscripten), and one ULP can flip a rounded
// output. These use only correctly rounded IEEE operations, so they give the
// same bits everywhere; accuracy (a few ULP) is far beyond what sampling needs.
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // high bits of ln 2, exact in k * kLn2Hi
constexpr double kLn2Lo = 1.90821492927058770002e-10;

double det_log(double x) {
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m-1)/(m+1).
  int e = 0;
  double m = std::frexp(x, &e);  // m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  const double s = (m - 1.0) / (m + 1.0);  // |s| <= 0.1716
  const double s2 = s * s;
  double term = s, sum = 0.0;
  for (int k = 1; k <= 41; k += 2) {  // s^41 / 41 < 1e-33
    sum += term / k;
    term *= s2;
  }
  return e * kLn2Hi + (2.0 * sum + e * kLn2Lo);
}

double det_exp(double x) {
  if (x < -745.0) return 0.0;
  if (x > 709.0) return HUGE_VAL;
  // x = k ln2 + r with |r| <= ln2 / 2; exp(r) by its Taylor series.
  const double k = std::floor(x * 1.44269504088896340736 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  double term = 1.0, sum = 1.0;
  for (int n = 1; n <= 20; ++n) {  // 0.347^21 / 21! < 1e-28
    term *= r / n;
    sum += term;
  }
  return std::ldexp(sum, static_cast<int>(k));
}

// Standard normal by Marsaglia's polar method (no trigonometry); the second
// variate of each pair is discarded so the stream position never depends on
// earlier calls.
double normal(Rng& rng) {
  for (;;) {
    const double u = 2.0 * rng.uniform() - 1.0;
    const double v = 2.0 * rng.uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * det_log(s) / s);
  }
}

bool bernoulli(Rng& rng, double p) { return rng.uniform() < p; }

// Index drawn with integer weights.
std::size_t categorical(Rng& rng, const std::vector<int>& weights) {
  long long total = 0;
  for (int w : weights) total += w;
  const long long r =
      static_cast<long long>(std::floor(rng.uniform() * static_cast<double>(total)));
  long long cumulative = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    cumulative += weights[i];
    if (r < cumulative) return i;
  }
  return weights.size() - 1;
}

// Day numbers counted from 2006-01-01 (day 0), on io/dates.h's calendar.
long epoch() { return days_from_civil(2006, 1, 1); }
long day_number(int y, int m, int d) { return days_from_civil(y, m, d) - epoch(); }
void append_int(std::string& out, long long v) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  char buf[24];
  int len = 0;
  do {
    buf[len++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  while (len > 0) out += buf[--len];
}
void append_date(std::string& out, long day) { out += iso_date(epoch() + day); }

constexpr double kDaysPerMonth = 30.4375;
const long kAccrualFirstDay = 0;    // 2006-01-01
const long kAccrualDays = 5479;     // through 2020-12-31
const long kImmunoMidFrom = 3652;   // 2016-01-01
const long kImmunoLateFrom = 4748;  // 2019-01-01

struct Patient {
  bool female;
  int age, kps;
  bool path12;
  long long ebv;
  int t, n;  // 1..4, 0..3
  bool sync;
  bool liver, lung, bone;
  bool liver_single, lung_single, bone_single;
  bool chemo;
  int cycles;
  bool targeted, immuno, rt_primary;
  bool lt, lt_liver, lt_lung, lt_bone;
  int dose, fractions;  // 0 = no bone RT
  long met_day, fu_days;
  bool death;
};

void check_model(const SyntheticCohortModel& m) {
  const char* f = "synthetic_cohort";
  check(m.lt_logit.size() == 20, f, "model.lt_logit", "must have 20 coefficients");
  check(m.kps_values.size() == m.kps_weights.size(), f, "model.kps_weights",
        "must have one weight per KPS value");
  check(m.t_weights.size() == 4, f, "model.t_weights", "must have 4 weights (T1..T4)");
  check(m.n_weights.size() == 4, f, "model.n_weights", "must have 4 weights (N0..N3)");
  check(m.site_pattern_weights.size() == 7, f, "model.site_pattern_weights", "must have 7 weights");
  check(!m.chemo_cycle_weights.empty(), f, "model.chemo_cycle_weights", "must not be empty");
  check(!m.bone_rt_schemes.empty(), f, "model.bone_rt_schemes", "must not be empty");
  for (const auto& s : m.bone_rt_schemes)
    check(s.dose_gy > 0 && s.fractions > 0 && s.weight >= 0, f, "model.bone_rt_schemes",
          "needs positive doses and fractions");
  check(m.age_min <= m.age_max && m.age_sd > 0, f, "model.age_sd", "must be positive");
  check(m.weibull_shape > 0 && m.weibull_scale_months > 0, f, "model.weibull_shape",
        "and weibull_scale_months must be positive");
  check(m.q_lt_liver > 0 && m.q_lt_lung > 0 && m.q_lt_bone > 0, f, "model.q_lt_liver",
        "q_lt_lung and q_lt_bone must be positive");
  check(m.loss_rate_per_month >= 0, f, "model.loss_rate_per_month", "must not be negative");
  const long cutoff = day_number(m.cutoff_year, m.cutoff_month, m.cutoff_day);
  check(cutoff >= kAccrualFirstDay + kAccrualDays + 31, f, "model.cutoff_year",
        "must leave at least one month of follow-up after 2020-12-31");
}

Patient draw_patient(Rng& rng, const SyntheticCohortModel& m, long cutoff_day) {
  Patient p{};
  // Accrual: density proportional to 1 + a u on [0, 1], by inverse CDF.
  {
    const double a = m.accrual_slope, F = rng.uniform();
    const double u = a > 0 ? (std::sqrt(1.0 + 2.0 * a * F * (1.0 + a / 2.0)) - 1.0) / a : F;
    p.met_day = kAccrualFirstDay + static_cast<long>(std::floor(u * kAccrualDays));
    if (p.met_day >= kAccrualFirstDay + kAccrualDays)
      p.met_day = kAccrualFirstDay + kAccrualDays - 1;
  }
  p.female = bernoulli(rng, m.p_female);
  for (;;) {
    const double a = std::floor(m.age_mean + m.age_sd * normal(rng));
    if (a >= m.age_min && a <= m.age_max) {
      p.age = static_cast<int>(a);
      break;
    }
  }
  p.kps = m.kps_values[categorical(rng, m.kps_weights)];
  p.path12 = bernoulli(rng, m.p_pathology_1_2);
  {
    const bool undetectable = bernoulli(rng, m.p_ebv_undetectable);
    const double z = normal(rng);  // drawn either way: keeps the stream aligned
    p.ebv =
        undetectable
            ? 0
            : static_cast<long long>(std::floor(
                  det_exp((m.ebv_log10_mean + m.ebv_log10_sd * z) * 2.30258509299404568402) + 0.5));
  }
  p.t = 1 + static_cast<int>(categorical(rng, m.t_weights));
  p.n = static_cast<int>(categorical(rng, m.n_weights));
  p.sync = bernoulli(rng, m.p_synchronous);
  switch (categorical(rng, m.site_pattern_weights)) {
    case 0:
      p.liver = true;
      break;
    case 1:
      p.lung = true;
      break;
    case 2:
      p.bone = true;
      break;
    case 3:
      p.liver = p.lung = true;
      break;
    case 4:
      p.liver = p.bone = true;
      break;
    case 5:
      p.lung = p.bone = true;
      break;
    default:
      p.liver = p.lung = p.bone = true;
      break;
  }
  p.liver_single = p.liver && bernoulli(rng, m.p_single_liver);
  p.lung_single = p.lung && bernoulli(rng, m.p_single_lung);
  p.bone_single = p.bone && bernoulli(rng, m.p_single_bone);
  p.chemo = bernoulli(rng, m.p_chemo);
  p.cycles = p.chemo ? 1 + static_cast<int>(categorical(rng, m.chemo_cycle_weights)) : 0;
  p.targeted = bernoulli(rng, m.p_targeted);
  p.immuno = bernoulli(rng, p.met_day < kImmunoMidFrom    ? m.p_immuno_early
                            : p.met_day < kImmunoLateFrom ? m.p_immuno_mid
                                                          : m.p_immuno_late);
  p.rt_primary = p.sync ? bernoulli(rng, m.p_rt_primary_synchronous) : true;

  // Local therapy: who gets it (Table 2), then where (Table 1).
  const bool age45 = p.age >= 45, kps90 = p.kps >= 90, ebv_hi = p.ebv >= 10000;
  const bool t4 = p.t == 4, n3 = p.n == 3, cycles6 = p.cycles >= 6;
  {
    const auto& b = m.lt_logit;
    const double eta = b[0] + b[1] * p.female + b[2] * age45 + b[3] * kps90 + b[4] * p.path12 +
                       b[5] * ebv_hi + b[6] * t4 + b[7] * n3 + b[8] * p.sync + b[9] * p.liver +
                       b[10] * p.liver_single + b[11] * p.lung + b[12] * p.lung_single +
                       b[13] * p.bone + b[14] * p.bone_single + b[15] * p.chemo + b[16] * cycles6 +
                       b[17] * p.targeted + b[18] * p.immuno + b[19] * p.rt_primary;
    p.lt = bernoulli(rng, 1.0 / (1.0 + det_exp(-eta)));
  }
  if (p.lt) {
    p.lt_liver = p.liver && bernoulli(rng, m.q_lt_liver);
    p.lt_lung = p.lung && bernoulli(rng, m.q_lt_lung);
    p.lt_bone = p.bone && bernoulli(rng, m.q_lt_bone);
    if (!p.lt_liver && !p.lt_lung && !p.lt_bone) {
      const double w[3] = {p.liver ? m.q_lt_liver : 0.0, p.lung ? m.q_lt_lung : 0.0,
                           p.bone ? m.q_lt_bone : 0.0};
      const double r = rng.uniform() * (w[0] + w[1] + w[2]);
      // An absent site has weight 0, so its interval is empty.
      if (r < w[0])
        p.lt_liver = true;
      else if (r < w[0] + w[1])
        p.lt_lung = true;
      else if (p.bone)
        p.lt_bone = true;
      else  // r rounded up to the total: take the last present site
        (p.lung ? p.lt_lung : p.lt_liver) = true;
    }
    if (p.lt_bone && bernoulli(rng, m.p_bone_lt_is_rt)) {
      std::vector<int> weights;
      for (const auto& s : m.bone_rt_schemes) weights.push_back(s.weight);
      const auto& s = m.bone_rt_schemes[categorical(rng, weights)];
      p.dose = s.dose_gy;
      p.fractions = s.fractions;
    }
  }

  // Survival: Weibull proportional hazards given survival past 1 month,
  // H(T) = H(1) + E, E ~ Exp(1).
  double lp = m.loghr_age45 * age45 + m.loghr_ebv_hi * ebv_hi + m.loghr_t4 * t4 + m.loghr_n3 * n3 +
              m.loghr_synchronous * p.sync + m.loghr_liver_met * p.liver +
              m.loghr_lung_met * p.lung + m.loghr_bone_met * p.bone + m.loghr_chemo * p.chemo +
              m.loghr_immuno * p.immuno + m.loghr_rt_primary * p.rt_primary +
              m.loghr_female * p.female + m.loghr_kps90 * kps90 + m.loghr_pathology_1_2 * p.path12 +
              m.loghr_targeted * p.targeted + m.loghr_cycles6 * cycles6 +
              m.loghr_lt_liver * p.lt_liver + m.loghr_lt_lung * p.lt_lung;
  if (p.lt_bone) {
    if (p.dose > 0) {
      const double bed = p.dose * (1.0 + (static_cast<double>(p.dose) / p.fractions) / 10.0);
      lp += bed > m.bed_threshold ? m.loghr_bone_rt_bed_high : m.loghr_bone_rt_bed_low;
    } else {
      lp += m.loghr_bone_lt_other;
    }
  }
  const double k = m.weibull_shape;
  const double h1 = det_exp(-k * det_log(m.weibull_scale_months));  // H0(1 month)
  const double e_death = -det_log(rng.uniform_open0());
  const double t_death = m.weibull_scale_months * det_exp(det_log(h1 + e_death * det_exp(-lp)) / k);
  const double e_loss = -det_log(rng.uniform_open0());
  const double t_loss = m.loss_rate_per_month > 0 ? 1.0 + e_loss / m.loss_rate_per_month : HUGE_VAL;

  // Whole days; a death or loss on day d of follow-up is recorded as d.
  const double death_days = std::ceil(t_death * kDaysPerMonth);
  const double loss_days = std::ceil(t_loss * kDaysPerMonth);
  const double admin_days = static_cast<double>(cutoff_day - p.met_day);
  p.death = death_days <= loss_days && death_days <= admin_days;
  const double fu = p.death ? death_days : (loss_days < admin_days ? loss_days : admin_days);
  p.fu_days = static_cast<long>(fu);
  return p;
}

void append_row(std::string& out, long long id, const Patient& p) {
  static const char* const lesions[3] = {"none", "single", "multiple"};
  auto lesion = [](bool present, bool single) { return present ? (single ? 1 : 2) : 0; };
  auto flag = [&out](bool b) {
    out += b ? '1' : '0';
    out += ',';
  };
  append_int(out, id);
  out += p.female ? ",Female," : ",Male,";
  append_int(out, p.age);
  out += ',';
  append_int(out, p.kps);
  out += p.path12 ? ",I-II," : ",III,";
  append_int(out, p.ebv);
  out += ",T";
  append_int(out, p.t);
  out += ",N";
  append_int(out, p.n);
  out += p.sync ? ",synchronous," : ",metachronous,";
  flag(p.liver);
  flag(p.lung);
  flag(p.bone);
  out += lesions[lesion(p.liver, p.liver_single)];
  out += ',';
  out += lesions[lesion(p.lung, p.lung_single)];
  out += ',';
  out += lesions[lesion(p.bone, p.bone_single)];
  out += ',';
  flag(p.chemo);
  append_int(out, p.cycles);
  out += ',';
  flag(p.targeted);
  flag(p.immuno);
  flag(p.rt_primary);
  flag(p.lt);
  flag(p.lt_liver);
  flag(p.lt_lung);
  flag(p.lt_bone);
  if (p.dose > 0) append_int(out, p.dose);
  out += ',';
  if (p.dose > 0) append_int(out, p.fractions);
  out += ',';
  // Tenths of a month, rounded half up, in integers: days * 160 / 487 = days / 30.4375 * 10.
  const long long tenths = (static_cast<long long>(p.fu_days) * 320 + 487) / 974;
  append_int(out, tenths / 10);
  out += '.';
  out += static_cast<char>('0' + tenths % 10);
  out += ',';
  flag(p.death);
  append_date(out, p.met_day);
  out += ',';
  append_date(out, p.met_day + p.fu_days);
  out += '\n';
}

}  // namespace

std::string synthetic_cohort_csv(const SyntheticCohortOptions& options,
                                 const SyntheticCohortModel& model) {
  if (options.n < 1 || options.n > kSyntheticCohortMaxN)
    throw Error("synthetic_cohort: the number of patients must be between 1 and " +
                    std::to_string(kSyntheticCohortMaxN) + " (got " + std::to_string(options.n) +
                    ")",
                "n");
  check_model(model);
  const long cutoff = day_number(model.cutoff_year, model.cutoff_month, model.cutoff_day);
  std::string out =
      "id,sex,age,kps,pathology,ebv_dna,t_stage,n_stage,sequence,liver_met,lung_met,bone_met,"
      "liver_lesions,lung_lesions,bone_lesions,chemo,chemo_cycles,targeted,immuno,rt_primary,"
      "lt,lt_liver,lt_lung,lt_bone,bone_rt_dose_gy,bone_rt_fractions,os_months,death,"
      "metastasis_date,last_followup_date\n";
  out.reserve(out.size() + static_cast<std::size_t>(options.n) * 150);
  Rng rng(options.seed);
  for (long long id = 1; id <= options.n; ++id)
    append_row(out, id, draw_patient(rng, model, cutoff));
  return out;
}

}  // namespace localsurv
