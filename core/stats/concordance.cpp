#include "stats/concordance.h"

#include <algorithm>
#include <numeric>

#include "error.h"
#include "stats/dense_codes.h"
#include "stats/timefix.h"

namespace localsurv {

namespace {

// Weighted counts of scores by rank, answering "how much weight lies below,
// at, and above rank r" in O(log m). The per-rank weights are kept apart so
// ties are counted exactly rather than as a difference of prefix sums.
class RankTree {
 public:
  void reset(std::size_t m) {
    tree_.assign(m + 1, 0.0);
    at_.assign(m, 0.0);
    total_ = 0;
  }
  void add(std::size_t r, double w) {
    at_[r] += w;
    total_ += w;
    for (std::size_t i = r + 1; i < tree_.size(); i += i & (~i + 1)) tree_[i] += w;
  }
  struct Split {
    double below, at, above;
  };
  Split split(std::size_t r) const {
    double below = 0;
    for (std::size_t i = r; i > 0; i -= i & (~i + 1)) below += tree_[i];
    return {below, at_[r], total_ - below - at_[r]};
  }

 private:
  std::vector<double> tree_;  // 1-based Fenwick sums
  std::vector<double> at_;
  double total_ = 0;
};

// Dense 0-based codes for arbitrary integer codes, in increasing code order.
std::vector<std::size_t> dense_indices(const std::vector<int>& codes, std::size_t* n_distinct) {
  const DenseCodes dense = dense_codes(codes);
  *n_distinct = dense.levels.size();
  return std::vector<std::size_t>(dense.index.begin(), dense.index.end());
}

}  // namespace

ConcordanceResult concordance(const std::vector<double>& time, const std::vector<int>& status,
                              const std::vector<double>& risk_score, const std::vector<int>& strata,
                              const std::vector<double>& weights, const std::vector<int>& cluster,
                              const ConcordanceOptions& options) {
  const char* fn = "concordance";
  check_same_size(fn, "time", time, "status", status);
  check_same_size(fn, "time", time, "risk_score", risk_score);
  if (!strata.empty()) check_same_size(fn, "time", time, "strata", strata);
  if (!weights.empty()) check_same_size(fn, "time", time, "weights", weights);
  if (!cluster.empty()) check_same_size(fn, "time", time, "cluster", cluster);
  check_finite(fn, "time", time);
  check_finite(fn, "risk_score", risk_score);
  check_finite(fn, "weights", weights);
  check_indicator(fn, "status", status, "it must be 1 (event) or 0 (censored)");
  check_each(
      fn, "weights", weights, [](double w) { return w >= 0; }, "weights must not be negative");

  ConcordanceResult res;
  const std::size_t n = time.size();
  res.n = n;
  if (n == 0) {
    res.warnings.push_back(Flag("no subjects: concordance is undefined"));
    return res;
  }
  for (int s : status) res.n_events += s;

  // coxph applies aeqSurv to the response before fitting, so the concordance
  // it reports compares fixed times.
  std::vector<double> t = time;
  if (options.timefix) apply_timefix(t, options.timefix_tolerance);
  auto w = [&](std::size_t i) { return weights.empty() ? 1.0 : weights[i]; };
  std::size_t n_strata = 1;
  std::vector<std::size_t> stratum =
      strata.empty() ? std::vector<std::size_t>(n, 0) : dense_indices(strata, &n_strata);
  res.n_strata = n_strata;

  // Ranks of the scores within each stratum: only order matters, and ranks
  // let a tree indexed by rank answer below/tied/above queries.
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    if (stratum[a] != stratum[b]) return stratum[a] < stratum[b];
    return risk_score[a] < risk_score[b];
  });
  std::vector<std::size_t> rank(n), n_ranks(n_strata, 0);
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t i = idx[k];
    bool same =
        k > 0 && stratum[idx[k - 1]] == stratum[i] && risk_score[idx[k - 1]] == risk_score[i];
    rank[i] = same ? rank[idx[k - 1]] : n_ranks[stratum[i]]++;
  }

  // Latest time first; at a tied time the censored come before the events
  // (they are at risk for those events) and events are grouped by score so
  // runs of equal scores among tied events are contiguous.
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    if (stratum[a] != stratum[b]) return stratum[a] < stratum[b];
    if (t[a] != t[b]) return t[a] > t[b];
    if (status[a] != status[b]) return status[a] < status[b];
    if (rank[a] != rank[b]) return rank[a] < rank[b];
    return a < b;
  });

  // Per subject: weight of the partners in its concordant, discordant and
  // tied-on-score comparable pairs, whichever side of the pair it is on.
  // These are the derivatives of the counts with respect to its weight.
  std::vector<double> infl_c(n, 0.0), infl_d(n, 0.0), infl_t(n, 0.0);
  double conc = 0, disc = 0, tx = 0, ty = 0, txy = 0;
  RankTree tree;

  for (std::size_t b = 0; b < n;) {
    std::size_t e = b;
    while (e < n && stratum[idx[e]] == stratum[idx[b]]) ++e;
    const std::size_t m = n_ranks[stratum[idx[b]]];

    // Backwards in time: the tree holds everyone at risk after the current
    // time, so each event is compared with exactly its comparable partners.
    tree.reset(m);
    for (std::size_t g = b; g < e;) {
      std::size_t h = g;
      while (h < e && t[idx[h]] == t[idx[g]]) ++h;
      std::size_t first_event = g;
      for (; first_event < h && status[idx[first_event]] == 0; ++first_event)
        tree.add(rank[idx[first_event]], w(idx[first_event]));
      double sum_w = 0;
      for (std::size_t k = first_event; k < h; ++k) {
        std::size_t i = idx[k];
        auto s = tree.split(rank[i]);
        infl_c[i] += s.below;
        infl_d[i] += s.above;
        infl_t[i] += s.at;
        conc += w(i) * s.below;
        disc += w(i) * s.above;
        tx += w(i) * s.at;
        ty += w(i) * sum_w;  // pairs of events sharing this time
        sum_w += w(i);
      }
      for (std::size_t k = first_event; k < h;) {
        std::size_t l = k;
        double run_w = 0;
        for (; l < h && rank[idx[l]] == rank[idx[k]]; ++l) {
          txy += w(idx[l]) * run_w;
          run_w += w(idx[l]);
        }
        k = l;
      }
      for (std::size_t k = first_event; k < h; ++k) tree.add(rank[idx[k]], w(idx[k]));
      g = h;
    }

    // Forwards in time: the tree holds the events before the current time,
    // the partners of each subject on the at-risk side of its pairs. Events
    // at the subject's own time count only for the censored.
    tree.reset(m);
    auto add_earlier_events = [&](std::size_t i) {
      auto s = tree.split(rank[i]);
      infl_c[i] += s.above;
      infl_d[i] += s.below;
      infl_t[i] += s.at;
    };
    for (std::size_t h = e; h > b;) {
      std::size_t g = h;
      while (g > b && t[idx[g - 1]] == t[idx[h - 1]]) --g;
      std::size_t first_event = g;
      while (first_event < h && status[idx[first_event]] == 0) ++first_event;
      for (std::size_t k = first_event; k < h; ++k) add_earlier_events(idx[k]);
      for (std::size_t k = first_event; k < h; ++k) tree.add(rank[idx[k]], w(idx[k]));
      for (std::size_t k = g; k < first_event; ++k) add_earlier_events(idx[k]);
      h = g;
    }
    b = e;
  }

  res.concordant = conc;
  res.discordant = disc;
  res.tied_x = tx;
  res.tied_y = ty - txy;
  res.tied_xy = txy;

  const double npair = conc + disc + tx;
  if (res.n_events == 0) {
    res.warnings.push_back(Flag("no events: concordance is undefined"));
    return res;
  }
  if (!(npair > 0)) {
    res.warnings.push_back(
        Flag("no comparable pairs (no subject outlives an event in its stratum): concordance is "
             "undefined"));
    return res;
  }
  if (disc == 0 && conc == 0)
    res.warnings.push_back(Flag(
        "every comparable pair is tied on the risk score: concordance is 0.5 by construction"));

  // Somers' d and its influence, in R's orientation before reverse = TRUE
  // (higher score = longer survival); reversing flips signs only.
  const double somer = (disc - conc) / npair;
  res.concordance = 1 - (somer + 1) / 2;
  std::vector<double> dfbeta(n);
  for (std::size_t i = 0; i < n; ++i)
    dfbeta[i] = w(i) * ((infl_d[i] - infl_c[i]) / npair -
                        (somer / npair) * (infl_c[i] + infl_d[i] + infl_t[i]));
  double sum_sq = 0;
  if (cluster.empty()) {
    for (double d : dfbeta) sum_sq += d * d;
  } else {
    std::size_t n_clusters = 0;
    auto code = dense_indices(cluster, &n_clusters);
    std::vector<double> by_cluster(n_clusters, 0.0);
    for (std::size_t i = 0; i < n; ++i) by_cluster[code[i]] += dfbeta[i];
    for (double d : by_cluster) sum_sq += d * d;
  }
  res.variance = sum_sq / 4;
  res.std_err = std::sqrt(res.variance);
  return res;
}

}  // namespace localsurv
