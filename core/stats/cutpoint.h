// Cutpoint selection for one numeric variable x against a survival outcome:
//   - maximally selected log-rank statistic, as maxstat 0.7-25's
//     maxstat.test(Surv(time, event) ~ x, smethod = "LogRank",
//     pmethod = "Lau94" | "condMC", minprop = 0.1, maxprop = 0.9);
//   - Youden's index from the ROC of x against the event indicator, as
//     cutoff::roc (ROCit empirical ROC) that ggrisk uses, optionally with the
//     event dichotomised at a time horizon;
//   - the median split.
// Every result states its cut as "high = x > cutpoint", "low = x <= cutpoint".
//
// Inputs (one entry per patient, all the same length):
//   time    survival or censoring time; NaN = missing.
//   status  1 = event, 0 = censored; negative = missing.
//   x       the candidate variable; NaN = missing.
// Rows with a missing entry are left out (model.frame's na.omit) and counted
// in n_missing. Infinite time or x and status values other than 0/1 are Errors.
//
// maxstat (re-derived from maxstat's R code and exactRankTests::cscores):
//   - log-rank scores on the raw times (no timefix: cscores works on the
//     Surv object as given): with r_i = #(time <= time_i) (ties all get the
//     highest rank), a_i = sum over patients j with time_j <= time_i of
//     status_j / (N - r_j + 1) and score_i = status_i - a_i. Within a run of
//     tied times every death therefore uses the denominator
//     #(time > t) + 1, not the number at risk: exactRankTests' convention,
//     which differs from survdiff when deaths are tied.
//   - candidates: each distinct x value u but the largest, with
//     m = #(x <= u) in [max(1, floor(N minprop)), floor(N maxprop)].
//   - at each: S_m = score sum over x <= u, E = m/N sum(score),
//     V = m (N - m) / (N^2 (N - 1)) (N sum(score^2) - sum(score)^2),
//     statistic = |S_m - E| / sqrt(V). The maximum wins, the first (lowest u)
//     on exact ties.
//   - Lau94 (Lausen, Sauerbrei & Schumacher 1994, maxstat's pLausen94):
//     p = 1 - (Phi(b) - Phi(-b)) + sum over consecutive candidates of
//     exp(-b^2/2)/pi (t - (b^2/4 - 1) t^3/6), t = sqrt(1 - m1 (N - m2) /
//     ((N - m1) m2)). It is an approximation that can fall below 0 (or above
//     1) at extreme b; p_lau94_raw keeps R's number, p is clamped to [0, 1].
//   - condMC (maxstat's pmaxperm): share of B random permutations of the
//     scores whose maximum statistic over the same candidates exceeds the
//     observed one. Random numbers come from splitmix64 seeded by
//     options.seed (identical natively and in WebAssembly); R's draws differ,
//     so the p agrees with R's only within Monte-Carlo error. maxstat counts
//     "> observed" exactly, which lets rounding decide when a permutation
//     reproduces the observed value (permutations within tied scores); here
//     a permutation counts when it exceeds by more than a relative
//     mc_tolerance.
// Degenerate data: no events, or all scores equal (every death at one tied
// time with no censoring), gives statistic, cutpoint and p NaN with a warning
// (R: NaN statistic, an empty estimate). No candidate cut (x takes a single
// value, or no distinct value leaves minprop..maxprop of the patients at or
// below it) is an Error, as R stops ("minprop too large", ...).
//
// Cost: one O(n log n) sort of times and one of x, then linear passes;
// condMC adds O(B * floor(N maxprop)) (about 1.2 s per 1,000 replicates at
// 200,000 patients natively, when nearly every permutation runs to the end).
// Sums are plain doubles where R accumulates cumsum/sum in long double: the
// statistics agree to ~1e-14 relative.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "stats/flag.h"

namespace localsurv {

enum class MaxstatPMethod { None, Lau94, CondMC };

struct MaxstatOptions {
  double minprop = 0.1;  // maxstat.test(minprop = 0.1)
  double maxprop = 0.9;  // maxstat.test(maxprop = 0.9)
  MaxstatPMethod pmethod = MaxstatPMethod::Lau94;
  int mc_replicates = 10000;                     // pmaxperm(B = 10000)
  std::uint64_t seed = 20261127u;                // splitmix64 seed for condMC
  double mc_tolerance = 1.4901161193847656e-08;  // sqrt(.Machine$double.eps)
};

struct MaxstatResult {
  std::size_t n = 0;       // patients used (N)
  std::size_t nevent = 0;  // events among them
  double statistic = 0.0;  // maximum standardized statistic (maxstat's M)
  double cutpoint = 0.0;   // estimated cutpoint: low = x <= cutpoint
  std::size_t n_low = 0;   // patients with x <= cutpoint
  std::size_t n_high = 0;
  // Candidate cuts, ascending, with the statistic at each (for plotting).
  std::vector<double> cuts;
  std::vector<double> statistics;
  std::vector<std::size_t> m;  // #(x <= cut) at each candidate
  // The p of options.pmethod, clamped to [0, 1]; NaN for None.
  double p = 0.0;
  double p_lau94_raw = 0.0;    // pLausen94 as R computes it (Lau94 only, else NaN)
  int mc_replicates = 0;       // condMC only
  std::vector<double> scores;  // log-rank score of each row used, in row order
  std::size_t n_missing = 0;
  std::vector<Flag> warnings;
};

// maxstat.test(Surv(time, status) ~ x, smethod = "LogRank", pmethod, minprop, maxprop).
MaxstatResult maxstat_log_rank(const std::vector<double>& time, const std::vector<int>& status,
                               const std::vector<double>& x, const MaxstatOptions& options = {});

// exactRankTests::cscores(Surv(time, status), type = "LogRank"). No missing
// values allowed.
std::vector<double> log_rank_scores(const std::vector<double>& time,
                                    const std::vector<int>& status);

// maxstat's pLausen94(b, N, minprop, maxprop, m) over the candidate counts m
// (ascending), unclamped.
double p_lausen94(double b, std::size_t n, const std::vector<std::size_t>& m);

// Youden's index J = sensitivity + specificity - 1 over the empirical ROC of x
// against a binary outcome (cutoff::roc, which ggrisk uses; ROCit empirical):
//   - thresholds are the distinct x values; "positive" = x >= threshold.
//   - AUC (Mann-Whitney, ties 1/2) > 0.5: higher x marks the event; the
//     threshold maximising TPR - FPR wins. Otherwise (AUC <= 0.5) lower x
//     marks the event: the threshold minimising TPR - FPR wins and
//     sensitivity/specificity are those of "x < threshold" (cutoff::roc's
//     "negative classification").
//   - ties in J: the highest threshold wins (which.max over thresholds in
//     decreasing order), i.e. the smallest "x >= threshold" group.
// cutpoint restates the split in this file's convention (high = x > cutpoint):
// the largest x value below the threshold.
struct YoudenOptions {
  // When finite: outcome = event at or before the horizon (time <= horizon,
  // status 1); controls = time > horizon, or censored exactly at it; patients
  // censored before the horizon are left out (their status at the horizon is
  // unknown). No censoring weights: not survivalROC/timeROC.
  double horizon = std::numeric_limits<double>::infinity();
};

struct YoudenResult {
  std::size_t n = 0;                    // patients in the ROC
  std::size_t n_cases = 0;              // outcome 1
  std::size_t n_controls = 0;           // outcome 0
  std::size_t n_excluded_censored = 0;  // censored before the horizon
  double auc = 0.0;
  bool higher_is_event = true;  // AUC > 0.5
  double threshold = 0.0;       // cutoff::roc's cutoff: x >= threshold
  double cutpoint = 0.0;        // high = x > cutpoint (NaN if threshold is min(x))
  double sensitivity = 0.0;
  double specificity = 0.0;
  double youden = 0.0;  // sensitivity + specificity - 1
  // Every threshold (ascending) with its J = TPR - FPR (higher x positive).
  std::vector<double> thresholds;
  std::vector<double> j;
  std::size_t n_missing = 0;
  std::vector<Flag> warnings;
};

// status: 1 = case, 0 = control (with time ignored unless options.horizon is finite).
YoudenResult youden_cutpoint(const std::vector<double>& time, const std::vector<int>& status,
                             const std::vector<double>& x, const YoudenOptions& options = {});

struct MedianSplitResult {
  std::size_t n = 0;
  double cutpoint = 0.0;  // median(x): high = x > median
  std::size_t n_low = 0;
  std::size_t n_high = 0;
  std::size_t n_missing = 0;
  std::vector<Flag> warnings;
};

// median(x, na.rm = TRUE) and the split at it.
MedianSplitResult median_split(const std::vector<double>& x);

}  // namespace localsurv
