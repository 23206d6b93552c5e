// Synthetic cohort with the structure of Zhang et al. 2022 (Ther Adv Med
// Oncol 14:1-17, local therapy to metastatic foci in nasopharyngeal carcinoma,
// n = 2041): the web app's bundled example (public/examples/npc_cohort.csv,
// default options) and the data behind the "paper spec".
//
// Inputs:  SyntheticCohortOptions {seed, n}; optionally a SyntheticCohortModel
//          (every generating value; the defaults below are the documented
//          model and the only one shipped).
// Output:  CSV text (header + n rows, "\n" line ends, comma separated, empty
//          cell = not applicable). Columns, in order:
//   id                  1..n
//   sex                 Male | Female
//   age                 whole years at NPC diagnosis
//   kps                 70 | 80 | 90 | 100
//   pathology           III | I-II  (WHO type III = non-keratinising undifferentiated)
//   ebv_dna             pre-treatment EBV DNA, copies/mL, integer (0 = undetectable)
//   t_stage, n_stage    T1..T4, N0..N3 (AJCC 8th, at initial diagnosis)
//   sequence            metachronous | synchronous
//   liver_met, lung_met, bone_met           0/1 (sites overlap)
//   liver_lesions, lung_lesions, bone_lesions  none | single | multiple
//   chemo               0/1;  chemo_cycles 0 (no chemo) or 1..22
//   targeted, immuno, rt_primary            0/1
//   lt                  local therapy to any metastatic site, 0/1
//   lt_liver, lt_lung, lt_bone              LT per site (lt = 1 iff any is 1)
//   bone_rt_dose_gy, bone_rt_fractions      integers, only for bone LT given as
//                       RT; empty otherwise. BED = D (1 + (D/f) / 10), alpha/beta 10
//   os_months           months from metastasis to death/last follow-up, 1 decimal
//   death               1 = died, 0 = censored
//   metastasis_date, last_followup_date     ISO yyyy-mm-dd; os_months =
//                       round(days between them / 30.4375, 1 decimal), so the
//                       date-derived time differs from os_months by < 0.05
//                       months and never reverses the order of two patients.
//
// Preconditions: 1 <= n <= 1,000,000 (else localsurv::Error). Any 64-bit seed.
//
// Determinism: the same options give the same bytes on every IEEE-754
// platform (x86-64, WebAssembly): a private xoshiro256** generator seeded by
// splitmix64; only +, -, *, /, sqrt and floor/frexp/ldexp (all exact or
// correctly rounded) plus our own exp/log built from them; integers printed
// by our own code. Build without -ffast-math (the project uses
// -ffp-contract=off). Patients are drawn one after another from one stream
// and nothing depends on n, so the first k rows of a cohort of size n are
// the cohort of size k.
//
// Generating model (sources: Zhang 2022 Tables 1-3, Figure 5, Results text).
// Full derivation and calibration in docs/synthetic_cohort.md.
//   Covariates (Table 1), drawn independently except as stated:
//     Female 18.8%; age = floor(N(44.8, 11.0)) kept in [12, 80] (median 44,
//     IQR 37-52, 50.7% < 45); KPS 100/90/80/70 = 33.0/57.2/7.8/2.0%;
//     pathology I-II 2.2%; EBV DNA 0 with prob 8%, else round(10^N(4.138,
//     1.2)) (50.2% >= 1e4); T1-4 = 10.0/16.0/43.7/30.3%; N0-3 =
//     5.0/18.0/36.7/40.3%; synchronous 46.0%; metastatic-site pattern from
//     Table 1's seven counts (liver-only 253, lung-only 340, bone-only 636,
//     liver+lung 107, liver+bone 319, lung+bone 157, all three 229); single
//     lesion given the site: liver 28.2%, lung 20.2%, bone 22.4%; chemo
//     91.8% with cycles 1..22 (median 6, 61.35% >= 6 among treated);
//     targeted 24.0%; immunotherapy by era of metastasis (before 2016 /
//     2016-2018 / 2019-2020); RT to the primary: always for metachronous
//     (metastasis after radical chemoradiotherapy), 82.0% for synchronous.
//     Metastasis dates 2006-01-01..2020-12-31 with density rising linearly
//     (x3 from first to last day).
//   Local therapy (Table 2): logistic model on the covariates, calibrated so
//     that the LT group's proportions and P(LT) = 31.4% match Table 2 "before
//     matching"; treated sites per LT patient calibrated to Table 1's 235
//     liver / 144 lung / 305 bone; bone LT is RT in 93.1% (284/305) with a
//     fractionation scheme (30/10 ... 75/30 Gy/fx, BED 39-94 Gy, 40% > 60 Gy).
//   Survival: proportional hazards, Weibull baseline H0(t) = (t / scale)^shape
//     (months); log-HRs = log of Table 3's multivariable HRs; LT effect per
//     treated site (liver, lung; bone only when BED > 60 Gy, Figure 5;
//     bone RT <= 60 Gy and other bone LT: none), sized so that the adjusted
//     HR of `lt` is about 0.634 (Abstract/Results). Follow-up starts at 1
//     month (exclusion criterion: follow-up < 1 month): T and loss-to-follow-
//     up are drawn given survival past 1 month. Censoring: data lock
//     2021-06-30 plus exponential loss to follow-up, calibrated to the
//     reverse-KM median follow-up of 43.4 months.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace localsurv {

struct SyntheticCohortOptions {
  // The most representative of seeds 1..15000 (docs/synthetic_cohort.md).
  std::uint64_t seed = 2886;
  long long n = 2041;  // Zhang 2022's cohort size
};

inline constexpr long long kSyntheticCohortMaxN = 1000000;

// One fractionation scheme for RT to bone metastases.
struct BoneRtScheme {
  int dose_gy;
  int fractions;
  int weight;  // relative frequency among bone-RT patients
};

// Every generating value. Probabilities are of "1"/the named level;
// `*_weights` are relative frequencies (integers, so sampling is exact).
struct SyntheticCohortModel {
  // --- Covariates, Table 1 ---
  double p_female = 0.188;
  double age_mean = 44.8, age_sd = 11.0;  // floor() of the normal draw
  int age_min = 12, age_max = 80;         // redraw outside
  std::vector<int> kps_values = {70, 80, 90, 100};
  std::vector<int> kps_weights = {200, 780, 5720, 3300};
  double p_pathology_1_2 = 0.022;
  double p_ebv_undetectable = 0.08;
  double ebv_log10_mean = 4.138, ebv_log10_sd = 1.2;
  std::vector<int> t_weights = {1000, 1600, 4370, 3030};  // T1..T4
  std::vector<int> n_weights = {500, 1800, 3670, 4030};   // N0..N3
  double p_synchronous = 0.460;
  // liver-only, lung-only, bone-only, liver+lung, liver+bone, lung+bone, all three
  std::vector<int> site_pattern_weights = {253, 340, 636, 107, 319, 157, 229};
  double p_single_liver = 0.282, p_single_lung = 0.202, p_single_bone = 0.224;
  double p_chemo = 0.918;
  std::vector<int> chemo_cycle_weights = {150, 550, 850, 1100, 1215, 3725, 1000, 450,
                                          300, 200, 125, 85,   65,   40,   40,   20,
                                          25,  15,  10,  10,   5,    20};  // 1..22 cycles
  double p_targeted = 0.240;
  // Immunotherapy by year of metastasis: < 2016, 2016-2018, >= 2019.
  double p_immuno_early = 0.065, p_immuno_mid = 0.37, p_immuno_late = 0.68;
  double p_rt_primary_synchronous = 0.820;  // metachronous: always 1
  double accrual_slope = 2.0;               // density 1 + slope * u over the window, u in [0, 1]

  // --- Local therapy, Table 2 (logistic; calibrated, see docs) ---
  // Order: intercept, female, age45, kps90, pathology I-II, ebv_hi, t4, n3,
  // synchronous, liver_met, liver single, lung_met, lung single, bone_met,
  // bone single, chemo, cycles6, targeted, immuno, rt_primary.
  std::vector<double> lt_logit = {-1.1213, 0.2101,  -0.3709, 0.0709, -0.0785, -0.6310, 0.1220,
                                  -0.4378, -0.2125, -0.0287, 1.0912, -0.4986, 0.8003,  -0.5607,
                                  0.6555,  -1.1001, -0.3787, 0.2241, 0.0656,  2.4310};
  // Each of an LT patient's metastatic sites is treated with these
  // probabilities; if none is drawn, one present site is chosen with weights
  // proportional to them.
  double q_lt_liver = 0.473, q_lt_lung = 0.256, q_lt_bone = 0.480;
  double p_bone_lt_is_rt = 0.931;  // 284 of 305
  std::vector<BoneRtScheme> bone_rt_schemes = {
      {30, 10, 18}, {36, 12, 4},  {40, 20, 10}, {40, 10, 4}, {45, 15, 8},
      {50, 25, 16}, {60, 30, 24}, {66, 33, 8},  {70, 35, 6}, {75, 30, 2}};
  double bed_threshold = 60.0;  // Figure 5's cutoff; effect only above it

  // --- Survival, Table 3 multivariable (log HR) ---
  // H0(t) = (t / scale)^shape, t in months; calibrated to 1- and 5-year OS
  // per arm (Results: 85.6/31.6% no LT, 91.7/46.2% LT).
  double weibull_shape = 1.25;
  double weibull_scale_months = 54.0;
  double loghr_age45 = 0.240590;         // HR 1.272
  double loghr_ebv_hi = 0.385262;        // HR 1.470
  double loghr_t4 = 0.179818;            // HR 1.197
  double loghr_n3 = 0.180653;            // HR 1.198
  double loghr_synchronous = -0.423120;  // HR 0.655 (SM vs MM)
  double loghr_liver_met = 0.668342;     // HR 1.951
  double loghr_lung_met = 0.186480;      // HR 1.205
  double loghr_bone_met = 0.373630;      // HR 1.453
  double loghr_chemo = -0.295714;        // HR 0.744
  double loghr_immuno = -0.612489;       // HR 0.542
  double loghr_rt_primary = -0.495937;   // HR 0.609
  // Not in Table 3's multivariable model: no effect.
  double loghr_female = 0, loghr_kps90 = 0, loghr_pathology_1_2 = 0, loghr_targeted = 0,
         loghr_cycles6 = 0;
  // Per treated site (additive on the log scale); -0.56 calibrated so that
  // the adjusted HR of `lt` with Table 3's covariates is ~0.634 (Results).
  double loghr_lt_liver = -0.56, loghr_lt_lung = -0.56;
  double loghr_bone_rt_bed_high = -0.56;  // BED > bed_threshold
  double loghr_bone_rt_bed_low = 0;       // BED <= bed_threshold (Figure 5: no benefit)
  double loghr_bone_lt_other = 0;         // surgery, RFA, radionuclide

  // --- Censoring ---
  int cutoff_year = 2021, cutoff_month = 6, cutoff_day = 30;  // data lock
  // Exponential loss to follow-up (from 1 month), calibrated to the
  // reverse-KM median follow-up of 43.4 months.
  double loss_rate_per_month = 0.0078;
};

// The bundled example's generator. Throws localsurv::Error for n outside
// [1, kSyntheticCohortMaxN] or an invalid model.
std::string synthetic_cohort_csv(const SyntheticCohortOptions& options = {},
                                 const SyntheticCohortModel& model = {});

}  // namespace localsurv
