#include "stats/contingency.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>

#include "error.h"
#include "stats/not_estimable.h"

namespace localsurv {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string format_work(double w) { return std::to_string(static_cast<long long>(w)); }

void check_table(const CountTable& table, const char* fn) {
  check(!table.empty() && !table[0].empty(), fn, "table",
        "is empty: it needs at least one row and one column");
  for (std::size_t i = 0; i < table.size(); ++i) {
    check(table[i].size() == table[0].size(), fn, "table",
          "rows have different lengths (row " + std::to_string(i + 1) + ")");
    for (long x : table[i])
      check(x >= 0, fn, "table",
            "has a negative count in row " + std::to_string(i + 1) + ": counts must be >= 0");
  }
}

// Drops all-zero rows and columns: they carry no information and would make
// R's expected counts 0 (NaN statistic).
CountTable drop_empty(const CountTable& table, std::vector<int>& rows, std::vector<int>& cols) {
  const std::size_t r = table.size(), c = table[0].size();
  rows.clear();
  cols.clear();
  for (std::size_t i = 0; i < r; ++i)
    if (std::any_of(table[i].begin(), table[i].end(), [](long x) { return x > 0; }))
      rows.push_back(static_cast<int>(i));
  for (std::size_t j = 0; j < c; ++j)
    for (std::size_t i = 0; i < r; ++i)
      if (table[i][j] > 0) {
        cols.push_back(static_cast<int>(j));
        break;
      }
  CountTable out(rows.size(), std::vector<long>(cols.size()));
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = 0; b < cols.size(); ++b) out[a][b] = table[rows[a]][cols[b]];
  return out;
}

// ---------------------------------------------------------------------------
// 2x2: noncentral hypergeometric over the support of the [0][0] cell, the
// quantities fisher.test builds its p, MLE and CI from.
struct Hyper2x2 {
  long x, lo, hi;
  std::vector<double> logdc;  // log dhyper over lo..hi

  Hyper2x2(const CountTable& t) {
    const long m = t[0][0] + t[1][0];  // first column total
    const long n = t[0][1] + t[1][1];
    const long k = t[0][0] + t[0][1];  // first row total
    x = t[0][0];
    lo = std::max(0L, k - n);
    hi = std::min(k, m);
    auto lchoose = [](long a, long b) {
      return std::lgamma(a + 1.0) - std::lgamma(b + 1.0) - std::lgamma(a - b + 1.0);
    };
    for (long s = lo; s <= hi; ++s)
      logdc.push_back(lchoose(m, s) + lchoose(n, k - s) - lchoose(m + n, k));
  }
  std::vector<double> density(double ncp) const {
    std::vector<double> d(logdc.size());
    const double lncp = std::log(ncp);
    double mx = -kInf;
    for (std::size_t i = 0; i < d.size(); ++i) {
      // Callers handle ncp = 0 and Inf (as fisher.test does), so log(ncp) is finite.
      d[i] = logdc[i] + lncp * static_cast<double>(lo + static_cast<long>(i));
      mx = std::max(mx, d[i]);
    }
    double sum = 0;
    for (double& v : d) {
      v = std::exp(v - mx);
      sum += v;
    }
    for (double& v : d) v /= sum;
    return d;
  }
  double mean(double ncp) const {
    if (ncp == 0) return static_cast<double>(lo);
    if (std::isinf(ncp)) return static_cast<double>(hi);
    auto d = density(ncp);
    double s = 0;
    for (std::size_t i = 0; i < d.size(); ++i)
      s += static_cast<double>(lo + static_cast<long>(i)) * d[i];
    return s;
  }
  // P(X <= q) or, upper, P(X >= q) under odds ratio ncp.
  double tail(long q, double ncp, bool upper) const {
    if (ncp == 0) return upper ? (q <= lo) : (q >= lo);
    if (std::isinf(ncp)) return upper ? (q <= hi) : (q >= hi);
    auto d = density(ncp);
    double s = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
      long v = lo + static_cast<long>(i);
      if (upper ? v >= q : v <= q) s += d[i];
    }
    return s;
  }
};

void fisher_2x2(const CountTable& t, const ContingencyOptions& o, FisherResult& res) {
  Hyper2x2 h(t);
  {
    auto d = h.density(1.0);
    const double cut = d[h.x - h.lo] * (1 + o.fisher_relative_tolerance);
    double p = 0;
    for (double v : d)
      if (v <= cut) p += v;
    res.p = p;
  }
  if (!o.fisher_estimate) return;
  const double eps = DBL_EPSILON;
  const double x = static_cast<double>(h.x);
  // Conditional MLE: the odds ratio whose noncentral mean equals x. fisher.test
  // searches (0, 1] directly or 1/t for t in [eps, 1]; copying that keeps the
  // same Brent iterates, hence R's digits (uniroot's tolerance is loose).
  auto root01 = [&](const std::function<double(double)>& f, double lower) {
    return brent_root(f, lower, 1.0, f(lower), f(1.0), o.uniroot_tol, o.uniroot_maxiter);
  };
  if (h.x == h.lo) {
    res.odds_ratio = 0;
  } else if (h.x == h.hi) {
    res.odds_ratio = kInf;
  } else {
    const double mu = h.mean(1.0);
    if (mu > x)
      res.odds_ratio = root01([&](double u) { return h.mean(u) - x; }, 0.0);
    else if (mu < x)
      res.odds_ratio = 1 / root01([&](double u) { return h.mean(1 / u) - x; }, eps);
    else
      res.odds_ratio = 1;
  }
  const double alpha = (1 - o.conf_level) / 2;
  // Lower limit: the odds ratio at which P(X >= x) = alpha.
  if (h.x == h.lo) {
    res.conf_lower = 0;
  } else {
    const double p1 = h.tail(h.x, 1.0, true);
    if (p1 > alpha)
      res.conf_lower = root01([&](double u) { return h.tail(h.x, u, true) - alpha; }, 0.0);
    else if (p1 < alpha)
      res.conf_lower = 1 / root01([&](double u) { return h.tail(h.x, 1 / u, true) - alpha; }, eps);
    else
      res.conf_lower = 1;
  }
  // Upper limit: the odds ratio at which P(X <= x) = alpha.
  if (h.x == h.hi) {
    res.conf_upper = kInf;
  } else {
    const double p1 = h.tail(h.x, 1.0, false);
    if (p1 < alpha)
      res.conf_upper = root01([&](double u) { return h.tail(h.x, u, false) - alpha; }, 0.0);
    else if (p1 > alpha)
      res.conf_upper = 1 / root01([&](double u) { return h.tail(h.x, 1 / u, false) - alpha; }, eps);
    else
      res.conf_upper = 1;
  }
}

// ---------------------------------------------------------------------------
// r x c exact p: network algorithm.
//
// A table is built one "stage" (a line of the larger dimension) at a time; a
// node is the multiset of what remains of the other ("key") margins, stored
// sorted because the completions of a node do not depend on the order of its
// keys. The probability of a table is exp(c0 + v) with v = -sum log(x_ij!),
// so each path carries its past v. At a node, if even the most probable
// completion keeps past + future <= threshold, every completion counts and
// the subtree's total mass is closed-form (n_rem! / prod margins!); if even
// the least probable completion stays above, none counts. Only the rest is
// expanded. With a node's paths sorted by past, the ones resolved for a child
// are a prefix (summed via prefix sums) and a suffix, so only the undecided
// middle costs work. Children in the last stage are finished tables and need
// no node. Paths reaching a node with pasts within 1e-9 are merged; unlike
// FEXACT, which merges within 3.45e-7 and adds integer path counts, the merged
// weight carries exp(past - kept past), so the mass stays exact.
class Network {
 public:
  Network(const CountTable& t, const ContingencyOptions& o) : opt_(o) {
    const std::size_t r = t.size(), c = t[0].size();
    std::vector<int> rs(r, 0), cs(c, 0);
    for (std::size_t i = 0; i < r; ++i)
      for (std::size_t j = 0; j < c; ++j) {
        rs[i] += static_cast<int>(t[i][j]);
        cs[j] += static_cast<int>(t[i][j]);
      }
    // More stages and fewer keys keeps nodes small.
    stage_ = r >= c ? rs : cs;
    key0_ = r >= c ? cs : rs;
    // The last stage is forced, so the largest goes last.
    std::sort(stage_.begin(), stage_.end());
    std::sort(key0_.begin(), key0_.end());
    n_ = std::accumulate(rs.begin(), rs.end(), 0);
    lf_.resize(n_ + 1);
    for (int i = 0; i <= n_; ++i) lf_[i] = std::lgamma(i + 1.0);
    double vobs = 0;
    for (const auto& row : t)
      for (long x : row) vobs -= lf_[x];
    threshold_ = vobs + o.fisher_rxc_log_tolerance;
    c0_ = -lf_[n_];
    for (int x : rs) c0_ += lf_[x];
    for (int x : cs) c0_ += lf_[x];
    const std::size_t m = stage_.size();
    rem_.assign(m + 1, 0);
    stage_lf_.assign(m + 1, 0.0);
    for (std::size_t j = m; j-- > 0;) {
      rem_[j] = rem_[j + 1] + stage_[j];
      stage_lf_[j] = stage_lf_[j + 1] + lf_[stage_[j]];
    }
    // The exact two-key bound tables m x n doubles; beyond ~160 MB the
    // relaxation bounds alone must do.
    if (key0_.size() == 2 && static_cast<double>(m) * n_ <= 2e7) build_two_key_max();
  }

  // Returns the p-value, or NaN when the work limit was hit.
  double run(double& work, bool& limit_hit) {
    const std::size_t m = stage_.size(), k = key0_.size();
    // Ordered map: the visiting order fixes the order of floating-point sums,
    // so native and wasm (different hash tables) give the same bits.
    using Level = std::map<std::vector<int>, Node>;
    Level current;
    Node& root = current[key0_];
    bounds(key0_, 0, root);
    root.entries.push_back({0.0, 1.0});
    double p = 0;
    work = 0;
    limit_hit = false;
    double stored = 1;
    std::vector<int> x(k), child(k), tail_cap(k + 1);
    std::vector<double> past, prefix;
    for (std::size_t t = 0; t + 1 < m; ++t) {
      const bool last = t + 2 == m;
      Level next;
      for (auto& kv : current) {
        const std::vector<int>& key = kv.first;
        auto& e = kv.second.entries;
        if (e.empty()) continue;
        stored -= static_cast<double>(e.size());
        merge(e);
        // Entries sorted by past: for each child the ones whose every
        // completion counts form a prefix (summed from prefix sums) and the
        // ones that can never count a suffix; only the middle moves on.
        const double ref = e.back().first;
        past.resize(e.size());
        prefix.assign(e.size() + 1, 0.0);
        for (std::size_t a = 0; a < e.size(); ++a) {
          past[a] = e[a].first;
          prefix[a + 1] = prefix[a] + e[a].second * std::exp(e[a].first - ref);
        }
        tail_cap[k] = 0;
        for (std::size_t i = k; i-- > 0;) tail_cap[i] = tail_cap[i + 1] + key[i];
        std::function<void(std::size_t, int, double)> rec = [&](std::size_t i, int left,
                                                                double add) {
          if (limit_hit) return;
          if (i + 1 == k) {
            x[i] = left;
            add -= lf_[left];
            if (last) {
              // The child is a finished table: no node, its value is exact.
              double v = add;
              for (std::size_t a = 0; a < k; ++a) v -= lf_[key[a] - x[a]];
              const std::size_t all =
                  std::upper_bound(past.begin(), past.end(), threshold_ - v) - past.begin();
              if (all > 0) p += prefix[all] * std::exp(c0_ + v + ref);
              work += 1;
              if (work > opt_.fisher_work_limit) limit_hit = true;
              return;
            }
            for (std::size_t a = 0; a < k; ++a) child[a] = key[a] - x[a];
            std::sort(child.begin(), child.end());
            auto it = next.find(child);
            if (it == next.end()) {
              it = next.emplace(child, Node{}).first;
              bounds(child, t + 1, it->second);
              work += kNodeCost;
            }
            Node& cn = it->second;
            const std::size_t all =
                std::upper_bound(past.begin(), past.end(), threshold_ - add - cn.fmax) -
                past.begin();
            const std::size_t keep =
                std::upper_bound(past.begin() + all, past.end(), threshold_ - add - cn.fmin) -
                past.begin();
            if (all > 0) p += prefix[all] * std::exp(c0_ + add + cn.log_total + ref);
            for (std::size_t a = all; a < keep; ++a)
              cn.entries.push_back({e[a].first + add, e[a].second});
            work += kLookupCost + static_cast<double>(keep - all);
            stored += static_cast<double>(keep - all);
            if (work > opt_.fisher_work_limit || stored > opt_.fisher_max_stored_paths)
              limit_hit = true;
            return;
          }
          const int lo = std::max(0, left - tail_cap[i + 1]);
          const int hi = std::min(key[i], left);
          for (int v = lo; v <= hi; ++v) {
            x[i] = v;
            rec(i + 1, left - v, add - lf_[v]);
          }
        };
        rec(0, stage_[t], 0.0);
        if (limit_hit) return kNaN;
        e.clear();
        e.shrink_to_fit();
      }
      current.swap(next);
    }
    return p;
  }

 private:
  struct Node {
    std::vector<std::pair<double, double>> entries;  // (past v, weight)
    double log_total = 0, fmax = 0, fmin = 0;
  };

  // Paths whose pasts differ by rounding only are one path with summed mass;
  // the weight is rescaled so the mass stays exact.
  void merge(std::vector<std::pair<double, double>>& e) const {
    if (e.size() < 2) return;
    std::sort(e.begin(), e.end());
    std::size_t out = 0;
    for (std::size_t i = 1; i < e.size(); ++i) {
      if (e[i].first - e[out].first <= opt_.fisher_merge_tolerance)
        e[out].second += e[i].second * std::exp(e[i].first - e[out].first);
      else
        e[++out] = e[i];
    }
    e.resize(out + 1);
  }

  // -sum log(x!) of the most even split of `total` under the caps (sorted
  // ascending): the largest value a line can contribute.
  double even_split(int total, const int* caps, std::size_t n) const {
    double v = 0;
    int left = total;
    for (std::size_t i = 0; i < n; ++i) {
      const int cnt = static_cast<int>(n - i);
      const int share = left / cnt;
      if (caps[i] <= share) {
        v -= lf_[caps[i]];
        left -= caps[i];
      } else {
        const int extra = left % cnt;  // this many get share + 1
        v -= extra * lf_[share + 1] + (cnt - extra) * lf_[share];
        return v;
      }
    }
    return v;
  }
  // -sum log(x!) of filling the largest caps first: the smallest value.
  double greedy_fill(int total, const int* caps, std::size_t n) const {
    double v = 0;
    int left = total;
    for (std::size_t i = n; i-- > 0 && left > 0;) {
      const int take = std::min(left, caps[i]);
      v -= lf_[take];
      left -= take;
    }
    return v;
  }

  void bounds(const std::vector<int>& key, std::size_t t, Node& node) const {
    const std::size_t m = stage_.size(), k = key.size();
    node.log_total = lf_[rem_[t]] - stage_lf_[t];
    for (int x : key) node.log_total -= lf_[x];
    if (t + 1 == m) {
      double v = 0;
      for (int x : key) v -= lf_[x];
      node.fmax = node.fmin = v;
      return;
    }
    double a_max = 0, a_min = 0, b_max = 0, b_min = 0;
    for (std::size_t j = t; j < m; ++j) {
      a_max += even_split(stage_[j], key.data(), k);
      a_min += greedy_fill(stage_[j], key.data(), k);
    }
    for (std::size_t i = 0; i < k; ++i) {
      b_max += even_split(key[i], stage_.data() + t, m - t);
      b_min += greedy_fill(key[i], stage_.data() + t, m - t);
    }
    node.fmax = std::min(a_max, b_max);
    node.fmin = std::max(a_min, b_min);
    if (k == 2 && !two_key_max_.empty())
      node.fmax = std::min(node.fmax, two_key_max_[t][key[0]]);
    else
      node.fmax = std::min(node.fmax, dual_max(key, t));
    // Rounding in these sums must not turn a bound into a wrong decision
    // (one-stage nodes above are exact: their decision is the final one).
    const double slack = 1e-9 * (1 + std::fabs(node.fmax) + std::fabs(node.fmin));
    node.fmax += slack;
    node.fmin -= slack;
  }

  // Lagrangian (weak duality) bound on the most probable completion: for any
  // multipliers a_j (stage lines) and b_i (keys),
  //   max sum -log(x_ij!) <= sum a_j S_j + sum b_i K_i + sum_ij max_x [-log(x!) - (a_j + b_i) x],
  // each inner max being over 0 <= x <= min(S_j, K_i), attained at
  // x = floor(exp(-(a_j + b_i))). Multipliers at the independence table
  // (x_ij = S_j K_i / n) make the bound close to the true maximum.
  double dual_max(const std::vector<int>& key, std::size_t t) const {
    const std::size_t m = stage_.size();
    const double n = rem_[t];
    double d = 0;
    for (std::size_t j = t; j < m; ++j) {
      const double aj = -std::log(static_cast<double>(stage_[j]));
      d += aj * stage_[j];
      for (int kk : key) {
        if (kk == 0) continue;
        const double lambda = aj - std::log(kk / n);
        const double xr = std::floor(std::exp(-lambda));
        const int xi = static_cast<int>(std::min<double>(xr, std::min(stage_[j], kk)));
        d += -lf_[xi] - lambda * xi;
      }
    }
    for (int kk : key)
      if (kk > 0) d += -std::log(kk / n) * kk;
    return d;
  }

  // With two keys the most probable completion is exact: each stage line's
  // value is concave in its first cell, so the best value over stages t..m-1
  // as a function of the first key is the max-plus convolution of concave
  // sequences, i.e. a merge of their decreasing increments.
  void build_two_key_max() {
    const std::size_t m = stage_.size();
    two_key_max_.assign(m + 1, {});
    two_key_max_[m] = {0.0};
    for (std::size_t t = m; t-- > 0;) {
      const int s = stage_[t];
      const auto& nextf = two_key_max_[t + 1];
      std::vector<double>& f = two_key_max_[t];
      f.assign(rem_[t] + 1, 0.0);
      f[0] = -lf_[s] + nextf[0];
      std::size_t a = 1, b = 1;  // next increment index in line t / in nextf
      for (int q = 1; q <= rem_[t]; ++q) {
        const double da = a <= static_cast<std::size_t>(s)
                              ? (lf_[a - 1] - lf_[a]) + (lf_[s - a + 1] - lf_[s - a])
                              : -kInf;
        const double db = b < nextf.size() ? nextf[b] - nextf[b - 1] : -kInf;
        if (da >= db) {
          f[q] = f[q - 1] + da;
          ++a;
        } else {
          f[q] = f[q - 1] + db;
          ++b;
        }
      }
    }
  }

  // Work units are calibrated to roughly 25 ns each: one path extension is
  // 1, a hash lookup of a child node 10, a new node (insert + bounds) 50.
  static constexpr double kNodeCost = 50;
  static constexpr double kLookupCost = 10;
  const ContingencyOptions& opt_;
  std::vector<int> stage_, key0_, rem_;
  std::vector<double> lf_, stage_lf_;
  std::vector<std::vector<double>> two_key_max_;
  int n_ = 0;
  double threshold_ = 0, c0_ = 0;
};

}  // namespace

double brent_root(const std::function<double(double)>& f, double lower, double upper,
                  double f_lower, double f_upper, double tol, int maxiter) {
  // Brent (1973) as in R's uniroot: b is the best estimate, c keeps the root
  // bracketed, a is the previous b. Same arithmetic, hence the same iterates.
  double a = lower, b = upper, fa = f_lower, fb = f_upper;
  double c = a, fc = fa;
  if (fa == 0) return a;
  if (fb == 0) return b;
  for (int it = 0; it <= maxiter; ++it) {
    const double prev_step = b - a;
    if (std::fabs(fc) < std::fabs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const double tol_act = 2 * DBL_EPSILON * std::fabs(b) + tol / 2;
    double new_step = (c - b) / 2;
    if (std::fabs(new_step) <= tol_act || fb == 0) return b;
    if (std::fabs(prev_step) >= tol_act && std::fabs(fa) > std::fabs(fb)) {
      double p, q;
      const double cb = c - b;
      if (a == c) {  // secant
        const double t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {  // inverse quadratic interpolation
        q = fa / fc;
        const double t1 = fb / fc;
        const double t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
        q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0)
        q = -q;
      else
        p = -p;
      if (p < (0.75 * cb * q - std::fabs(tol_act * q) / 2) && p < std::fabs(prev_step * q / 2))
        new_step = p / q;
    }
    if (std::fabs(new_step) < tol_act) new_step = new_step > 0 ? tol_act : -tol_act;
    a = b;
    fa = fb;
    b += new_step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

CountTable cross_tabulate(const std::vector<int>& row_codes, int n_row_levels,
                          const std::vector<int>& col_codes, int n_col_levels) {
  const char* fn = "cross_tabulate";
  check_same_size(fn, "row_codes", row_codes, "col_codes", col_codes);
  check(n_row_levels >= 1 && n_col_levels >= 1, fn, "levels", "must number at least one each");
  // A negative code is a missing value: the row is not counted.
  check_each(
      fn, "row_codes", row_codes, [n_row_levels](int a) { return a < n_row_levels; },
      "there are only " + std::to_string(n_row_levels) + " levels");
  check_each(
      fn, "col_codes", col_codes, [n_col_levels](int b) { return b < n_col_levels; },
      "there are only " + std::to_string(n_col_levels) + " levels");
  CountTable t(n_row_levels, std::vector<long>(n_col_levels, 0));
  for (std::size_t i = 0; i < row_codes.size(); ++i) {
    const int a = row_codes[i], b = col_codes[i];
    if (a >= 0 && b >= 0) ++t[a][b];
  }
  return t;
}

ChisqResult chisq_test(const CountTable& table, bool correct, const ContingencyOptions& o) {
  check_table(table, "chisq_test");
  ChisqResult res;
  const CountTable t = drop_empty(table, res.rows_kept, res.cols_kept);
  const std::size_t r = res.rows_kept.size(), c = res.cols_kept.size();
  if (r == 0) {
    res.warnings.push_back(Flag("The table has no observations: no chi-square test."));
    return res;
  }
  std::vector<double> rs(r, 0), cs(c, 0);
  double n = 0;
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t j = 0; j < c; ++j) {
      rs[i] += t[i][j];
      cs[j] += t[i][j];
      n += t[i][j];
    }
  res.expected.assign(r, std::vector<double>(c));
  res.min_expected = kInf;
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t j = 0; j < c; ++j) {
      res.expected[i][j] = rs[i] * cs[j] / n;
      res.min_expected = std::min(res.min_expected, res.expected[i][j]);
    }
  if (r < 2 || c < 2) {
    res.warnings.push_back(Flag("Only one non-empty " + std::string(r < 2 ? "row" : "column") +
                                ": there is nothing to compare, so no chi-square test."));
    return res;
  }
  double yates = 0;
  if (correct && r == 2 && c == 2) {
    yates = 0.5;
    for (std::size_t i = 0; i < 2; ++i)
      for (std::size_t j = 0; j < 2; ++j)
        yates = std::min(yates, std::fabs(t[i][j] - res.expected[i][j]));
    res.yates_applied = true;
  }
  double stat = 0;
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t j = 0; j < c; ++j) {
      const double d = std::fabs(t[i][j] - res.expected[i][j]) - yates;
      stat += d * d / res.expected[i][j];
    }
  static_cast<TestStatistic&>(res) =
      chisq_test_result(stat, static_cast<double>((r - 1) * (c - 1)));
  if (res.min_expected < o.expected_warning_below)
    res.warnings.push_back(
        Flag(FlagCode::ChisqApproximation, "Chi-squared approximation may be incorrect"));
  return res;
}

FisherResult fisher_test(const CountTable& table, const ContingencyOptions& o) {
  check_table(table, "fisher_test");
  check(o.conf_level > 0 && o.conf_level < 1, "fisher_test", "conf_level",
        "must be between 0 and 1");
  FisherResult res;
  const CountTable t = drop_empty(table, res.rows_kept, res.cols_kept);
  const std::size_t r = res.rows_kept.size(), c = res.cols_kept.size();
  if (r == 0) {
    res.warnings.push_back(Flag("The table has no observations: no Fisher test."));
    return res;
  }
  const bool degenerate = r < 2 || c < 2;
  const std::string one_line =
      degenerate ? "Only one non-empty " + std::string(r < 2 ? "row" : "column") : "";
  // fisher.test decides 2x2 on the table as given (the goldens pass it
  // undropped), so a 2x2 with an empty line still gets R's odds ratio.
  if (table.size() == 2 && table[0].size() == 2) {
    res.is_2x2 = true;
    fisher_2x2(table, o, res);
    if (degenerate)
      res.warnings.push_back(Flag(one_line +
                                  ": the odds ratio is not estimable (R reports 0 or Inf and the "
                                  "interval [0, Inf])."));
    return res;
  }
  if (degenerate) {
    // Every table with these margins is this table.
    res.p = 1;
    res.warnings.push_back(Flag(one_line + ": the margins allow a single table, so p = 1."));
    return res;
  }
  Network net(t, o);
  res.p = net.run(res.work, res.work_limit_hit);
  if (res.work_limit_hit) {
    res.warnings.push_back(
        Flag("Fisher's exact test for this " + std::to_string(r) + "x" + std::to_string(c) +
             " table stopped at its work limit (" + format_work(o.fisher_work_limit) +
             " units) without a p-value; R's fisher.test usually fails on such tables too "
             "(workspace exhausted). The chi-square test has no such limit."));
  } else {
    res.p = std::max(0.0, std::min(1.0, res.p));
    res.note = "exact p by the network algorithm (" + format_work(res.work) +
               " work units), without R's workspace limit: tables on which R's fisher.test "
               "stops with a FEXACT workspace error get their exact p here too";
  }
  return res;
}

}  // namespace localsurv
