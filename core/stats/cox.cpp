#include "stats/cox.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "error.h"
#include "stats/distributions.h"
#include "stats/not_estimable.h"
#include "stats/timefix.h"

namespace localsurv {
namespace {

const char* const kCoxFn = "cox_fit";

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// survival's cholesky2: a generalised LDL' factorisation that zeroes any
// pivot below toler x (largest diagonal) instead of failing, so aliased
// columns drop out of every solve. The caller fills m(a, b) for a <= b; the
// factor goes below the diagonal with D on it. Returns the rank, negated if
// the matrix is clearly not non-negative definite.
int cholesky_generalised(Eigen::MatrixXd& m, double toler) {
  const Eigen::Index p = m.rows();
  double largest = 0;
  for (Eigen::Index i = 0; i < p; ++i) {
    if (m(i, i) > largest) largest = m(i, i);
    for (Eigen::Index j = i + 1; j < p; ++j) m(j, i) = m(i, j);
  }
  if (largest == 0) return 0;
  const double threshold = largest * toler;
  int rank = 0, sign = 1;
  for (Eigen::Index i = 0; i < p; ++i) {
    double pivot = m(i, i);
    if (!std::isfinite(pivot) || pivot < threshold) {
      m(i, i) = 0;
      if (pivot < -8 * threshold) sign = -1;
      continue;
    }
    ++rank;
    for (Eigen::Index j = i + 1; j < p; ++j) {
      double f = m(j, i) / pivot;
      m(j, i) = f;
      m(j, j) -= f * f * pivot;
      for (Eigen::Index k = j + 1; k < p; ++k) m(k, j) -= f * m(k, i);
    }
  }
  return rank * sign;
}

// Solves (L D L') b = y in place from cholesky_generalised's factor; zeroed
// pivots give b = 0 in that coordinate.
void cholesky_solve(const Eigen::MatrixXd& m, std::vector<double>& y) {
  const Eigen::Index p = m.rows();
  for (Eigen::Index i = 0; i < p; ++i) {
    double v = y[i];
    for (Eigen::Index j = 0; j < i; ++j) v -= y[j] * m(i, j);
    y[i] = v;
  }
  for (Eigen::Index i = p - 1; i >= 0; --i) {
    if (m(i, i) == 0) {
      y[i] = 0;
      continue;
    }
    double v = y[i] / m(i, i);
    for (Eigen::Index j = i + 1; j < p; ++j) v -= y[j] * m(j, i);
    y[i] = v;
  }
}

// Generalised inverse from the factor: the result is in the upper triangle
// and diagonal (rows/columns of zeroed pivots are 0); the caller mirrors it.
void cholesky_invert(Eigen::MatrixXd& m) {
  const Eigen::Index p = m.rows();
  for (Eigen::Index i = 0; i < p; ++i) {
    if (!(m(i, i) > 0)) continue;
    m(i, i) = 1 / m(i, i);
    for (Eigen::Index j = i + 1; j < p; ++j) {
      m(j, i) = -m(j, i);
      for (Eigen::Index k = 0; k < i; ++k) m(j, k) += m(j, i) * m(i, k);
    }
  }
  for (Eigen::Index i = 0; i < p; ++i) {
    if (m(i, i) == 0) {
      for (Eigen::Index j = 0; j < i; ++j) m(j, i) = 0;
      for (Eigen::Index j = i; j < p; ++j) m(i, j) = 0;
      continue;
    }
    for (Eigen::Index j = i + 1; j < p; ++j) {
      double f = m(j, i) * m(j, j);
      m(i, j) = f;
      for (Eigen::Index k = i; k < j; ++k) m(i, k) += f * m(j, k);
    }
  }
}

// coxph.wtest: b' V^- b with the generalised Cholesky (a 1 x 1 V is divided
// directly, as R does).
double quadratic_test(const Eigen::MatrixXd& v, const std::vector<double>& b, double toler) {
  const std::size_t p = b.size();
  if (p == 0) return kNaN;
  if (p == 1) return b[0] * b[0] / v(0, 0);
  for (std::size_t i = 0; i < p; ++i)
    if (!std::isfinite(b[i])) return kNaN;
  if (!v.allFinite()) return kNaN;
  Eigen::MatrixXd m = v;
  cholesky_generalised(m, toler);
  std::vector<double> s(b);
  cholesky_solve(m, s);
  double total = 0;
  for (std::size_t i = 0; i < p; ++i) total += b[i] * s[i];
  return total;
}

// summary.coxph has no p when nothing was estimated (df 0) or the statistic
// is not finite.
TestStatistic cox_test(double statistic, int df) {
  if (df > 0 && std::isfinite(statistic)) return chisq_test_result(statistic, df);
  return {statistic, static_cast<double>(df), kNaN};
}

// The data in fitting order, covariates centred and scaled as coxfit6 does.
struct Prepared {
  std::size_t n = 0, p = 0;
  std::vector<std::size_t> order;  // sorted position -> input row
  std::vector<double> time, weight;
  std::vector<int> status;
  RowMatrix x;  // n x p, centred/scaled
  std::vector<double> mean, scale;
  // Tied-time blocks [begin, end) within a stratum, in sorted order, and
  // whether a block ends its stratum.
  std::vector<std::size_t> block_begin, block_end;
  std::vector<char> block_ends_stratum;
};

// Risk-set sums for one beta: the log partial likelihood, score u and
// information (upper triangle of imat), from one backward pass over the
// sorted rows. Censored rows enter the risk set as they are met; rows with an
// event at the current time are held apart (denom2, a2, c2) and added after,
// all at once (Breslow) or in 1/d fractions (Efron).
class RiskSetSums {
 public:
  explicit RiskSetSums(const Prepared& d)
      : d_(d),
        p_(d.p),
        u(p_, 0.0),
        imat(Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p_), static_cast<Eigen::Index>(p_))),
        a_(p_),
        a2_(p_),
        c_(p_ * p_),
        c2_(p_ * p_) {}

  double evaluate(const std::vector<double>& beta, bool efron) {
    const std::size_t p = p_;
    std::fill(u.begin(), u.end(), 0.0);
    imat.setZero();
    std::fill(a2_.begin(), a2_.end(), 0.0);
    std::fill(c2_.begin(), c2_.end(), 0.0);
    double loglik = 0, denom = 0;
    for (std::size_t b = d_.block_begin.size(); b-- > 0;) {
      if (d_.block_ends_stratum[b]) {
        denom = 0;
        std::fill(a_.begin(), a_.end(), 0.0);
        std::fill(c_.begin(), c_.end(), 0.0);
      }
      int ndead = 0;
      double deadwt = 0, denom2 = 0;
      for (std::size_t r = d_.block_end[b]; r-- > d_.block_begin[b];) {
        const double* xr = d_.x.data() + r * p;
        double zbeta = 0;
        for (std::size_t i = 0; i < p; ++i) zbeta += beta[i] * xr[i];
        const double w = d_.weight[r];
        const double risk = std::exp(zbeta) * w;
        if (d_.status[r] == 0) {
          denom += risk;
          accumulate(xr, risk, a_, c_);
        } else {
          ++ndead;
          deadwt += w;
          denom2 += risk;
          loglik += w * zbeta;
          for (std::size_t i = 0; i < p; ++i) u[i] += w * xr[i];
          accumulate(xr, risk, a2_, c2_);
        }
      }
      if (ndead == 0) continue;
      if (!efron || ndead == 1) {
        denom += denom2;
        loglik -= deadwt * std::log(denom);
        for (std::size_t i = 0; i < p; ++i) {
          a_[i] += a2_[i];
          const double mean_i = a_[i] / denom;
          u[i] -= deadwt * mean_i;
          for (std::size_t j = 0; j <= i; ++j) {
            c_[i * p + j] += c2_[i * p + j];
            imat(j, i) += deadwt * (c_[i * p + j] - mean_i * a_[j]) / denom;
          }
        }
      } else {
        // Efron: the tied events' risk is added 1/d at a time, each fraction
        // contributing one term with weight deadwt/d.
        const double share = deadwt / ndead;
        for (int k = 0; k < ndead; ++k) {
          denom += denom2 / ndead;
          loglik -= share * std::log(denom);
          for (std::size_t i = 0; i < p; ++i) {
            a_[i] += a2_[i] / ndead;
            const double mean_i = a_[i] / denom;
            u[i] -= share * mean_i;
            for (std::size_t j = 0; j <= i; ++j) {
              c_[i * p + j] += c2_[i * p + j] / ndead;
              imat(j, i) += share * (c_[i * p + j] - mean_i * a_[j]) / denom;
            }
          }
        }
      }
      std::fill(a2_.begin(), a2_.end(), 0.0);
      std::fill(c2_.begin(), c2_.end(), 0.0);
    }
    return loglik;
  }

 private:
  void accumulate(const double* xr, double risk, std::vector<double>& a, std::vector<double>& c) {
    const std::size_t p = p_;
    for (std::size_t i = 0; i < p; ++i) {
      a[i] += risk * xr[i];
      for (std::size_t j = 0; j <= i; ++j) c[i * p + j] += risk * xr[i] * xr[j];
    }
  }

  const Prepared& d_;
  std::size_t p_;

 public:
  std::vector<double> u;
  Eigen::MatrixXd imat;

 private:
  std::vector<double> a_, a2_, c_, c2_;
};

// Score residuals (one row per sorted row, in the prepared covariate scale)
// for linear predictor eta, as residuals(fit, "score") computes them, but in
// linear time: a backward pass gets each event time's hazard increment and
// risk-weighted mean (Efron: one per 1/d fraction), a forward pass
// accumulates them so each row needs only the running sums up to its time.
//
// GCC 12 at -O3 warns -Wfree-nonheap-object on this function: after inlining
// it loses track of one of the std::vectors below and reports freeing it at a
// "nonzero offset". Every vector here is an ordinary heap allocation freed by
// its own destructor (the ASan build checks this); the warning is off for
// this function only, for GCC only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif
RowMatrix score_residuals(const Prepared& d, const std::vector<double>& eta, bool efron) {
  const std::size_t n = d.n, p = d.p;
  const std::size_t nb = d.block_begin.size();
  // Per block with events: increments for rows at risk (dh, dxh), for the
  // rows with the event (dh_event, dxh_event), and their mean covariate.
  std::vector<double> dh(nb, 0.0), dh_event(nb, 0.0);
  std::vector<double> dxh(nb * p, 0.0), dxh_event(nb * p, 0.0), xbar(nb * p, 0.0);
  std::vector<double> score(n);
  for (std::size_t r = 0; r < n; ++r) score[r] = std::exp(eta[r]);
  std::vector<double> a(p), a2(p), mean(p);
  double denom = 0;
  for (std::size_t b = nb; b-- > 0;) {
    if (d.block_ends_stratum[b]) {
      denom = 0;
      std::fill(a.begin(), a.end(), 0.0);
    }
    double e_denom = 0, deadwt = 0;
    int deaths = 0;
    std::fill(a2.begin(), a2.end(), 0.0);
    for (std::size_t r = d.block_end[b]; r-- > d.block_begin[b];) {
      const double* xr = d.x.data() + r * p;
      const double risk = score[r] * d.weight[r];
      denom += risk;
      for (std::size_t j = 0; j < p; ++j) a[j] += risk * xr[j];
      if (d.status[r] == 1) {
        ++deaths;
        e_denom += risk;
        deadwt += d.weight[r];
        for (std::size_t j = 0; j < p; ++j) a2[j] += risk * xr[j];
      }
    }
    if (deaths == 0) continue;
    double* bx = &dxh[b * p];
    double* bxe = &dxh_event[b * p];
    double* bm = &xbar[b * p];
    if (deaths < 2 || !efron) {
      const double hazard = deadwt / denom;
      dh[b] = dh_event[b] = hazard;
      for (std::size_t j = 0; j < p; ++j) {
        bm[j] = a[j] / denom;
        bx[j] = bxe[j] = hazard * bm[j];
      }
    } else {
      const double meanwt = deadwt / deaths;
      for (int k = 0; k < deaths; ++k) {
        const double downwt = static_cast<double>(k) / deaths;
        const double dk = denom - downwt * e_denom;
        const double hazard = meanwt / dk;
        dh[b] += hazard;
        dh_event[b] += hazard * (1 - downwt);
        for (std::size_t j = 0; j < p; ++j) {
          const double m = (a[j] - downwt * a2[j]) / dk;
          bm[j] += m / deaths;
          bx[j] += hazard * m;
          bxe[j] += hazard * (1 - downwt) * m;
        }
      }
    }
  }
  RowMatrix resid(n, p);
  double h = 0;
  std::vector<double> xh(p, 0.0);
  for (std::size_t b = 0; b < nb; ++b) {
    if (b == 0 || d.block_ends_stratum[b - 1]) {
      h = 0;
      std::fill(xh.begin(), xh.end(), 0.0);
    }
    for (std::size_t r = d.block_begin[b]; r < d.block_end[b]; ++r) {
      const double* xr = d.x.data() + r * p;
      double* out = resid.data() + r * p;
      const bool event = d.status[r] == 1;
      const double hr = h + (event ? dh_event[b] : dh[b]);
      const double* inc = event ? &dxh_event[b * p] : &dxh[b * p];
      for (std::size_t j = 0; j < p; ++j) {
        double v = -score[r] * (xr[j] * hr - (xh[j] + inc[j]));
        if (event) v += xr[j] - xbar[b * p + j];
        out[j] = v;
      }
    }
    h += dh[b];
    for (std::size_t j = 0; j < p; ++j) xh[j] += dxh[b * p + j];
  }
  return resid;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// Score residuals summed within cluster (times the case weights), on the
// original covariate scale: clusters x p.
Eigen::MatrixXd cluster_sums(const Prepared& d, const RowMatrix& resid,
                             const std::vector<std::size_t>& cluster_of_sorted,
                             std::size_t n_clusters) {
  Eigen::MatrixXd sums =
      Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n_clusters), static_cast<Eigen::Index>(d.p));
  for (std::size_t r = 0; r < d.n; ++r) {
    const auto c = static_cast<Eigen::Index>(cluster_of_sorted[r]);
    for (std::size_t j = 0; j < d.p; ++j)
      sums(c, static_cast<Eigen::Index>(j)) += d.weight[r] * resid(r, j) / d.scale[j];
  }
  return sums;
}

void validate(const CoxInput& in, const CoxOptions& o) {
  check_cox_input(in, kCoxFn);
  const auto p = static_cast<std::size_t>(in.x.cols());
  check(o.init.empty() || o.init.size() == p, kCoxFn, "init",
        "must have one starting value per column of x (" + std::to_string(p) + ")");
  check_finite(kCoxFn, "init", o.init);
  check(o.iter_max >= 0, kCoxFn, "iter_max", "must not be negative");
  check(o.eps > 0, kCoxFn, "eps", "must be positive");
  check(o.toler_chol > 0, kCoxFn, "toler_chol", "must be positive");
  check(std::isnan(o.toler_inf) || o.toler_inf > 0, kCoxFn, "toler_inf", "must be positive");
  check(o.conf_level > 0 && o.conf_level < 1, kCoxFn, "conf_level", "must be between 0 and 1");
}

Prepared prepare(const CoxInput& in, const CoxOptions& o) {
  Prepared d;
  d.n = in.time.size();
  d.p = static_cast<std::size_t>(in.x.cols());
  std::vector<double> time = in.time;
  if (o.timefix) apply_timefix(time, o.timefix_tolerance);
  d.order.resize(d.n);
  std::iota(d.order.begin(), d.order.end(), std::size_t{0});
  const bool has_strata = !in.strata.empty();
  std::stable_sort(d.order.begin(), d.order.end(), [&](std::size_t a, std::size_t b) {
    if (has_strata && in.strata[a] != in.strata[b]) return in.strata[a] < in.strata[b];
    return time[a] < time[b];
  });
  d.time.resize(d.n);
  d.status.resize(d.n);
  d.weight.resize(d.n);
  d.x.resize(static_cast<Eigen::Index>(d.n), static_cast<Eigen::Index>(d.p));
  for (std::size_t r = 0; r < d.n; ++r) {
    const std::size_t i = d.order[r];
    d.time[r] = time[i];
    d.status[r] = in.status[i];
    d.weight[r] = in.weights.empty() ? 1.0 : in.weights[i];
    for (std::size_t j = 0; j < d.p; ++j)
      d.x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) =
          in.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
  }
  for (std::size_t r = 0; r < d.n;) {
    std::size_t e = r + 1;
    const int s = has_strata ? in.strata[d.order[r]] : 0;
    auto same_stratum = [&](std::size_t k) { return !has_strata || in.strata[d.order[k]] == s; };
    while (e < d.n && same_stratum(e) && d.time[e] == d.time[r]) ++e;
    d.block_begin.push_back(r);
    d.block_end.push_back(e);
    d.block_ends_stratum.push_back(e == d.n || !same_stratum(e));
    r = e;
  }
  // Centring and scaling make the Newton steps well conditioned; columns
  // that are 0/1 (or -1/0/1) indicators are left alone, as coxph's nocenter.
  double total_weight = 0;
  for (double w : d.weight) total_weight += w;
  d.mean.assign(d.p, 0.0);
  d.scale.assign(d.p, 1.0);
  for (std::size_t j = 0; j < d.p; ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    bool indicator = true;
    for (std::size_t r = 0; r < d.n && indicator; ++r)
      indicator = std::find(o.nocenter.begin(), o.nocenter.end(),
                            d.x(static_cast<Eigen::Index>(r), jj)) != o.nocenter.end();
    if (indicator) continue;
    double m = 0;
    for (std::size_t r = 0; r < d.n; ++r) m += d.weight[r] * d.x(static_cast<Eigen::Index>(r), jj);
    m /= total_weight;
    d.mean[j] = m;
    double spread = 0;
    for (std::size_t r = 0; r < d.n; ++r) {
      double& v = d.x(static_cast<Eigen::Index>(r), jj);
      v -= m;
      spread += d.weight[r] * std::fabs(v);
    }
    const double s = spread > 0 ? total_weight / spread : 1.0;
    d.scale[j] = s;
    for (std::size_t r = 0; r < d.n; ++r) d.x(static_cast<Eigen::Index>(r), jj) *= s;
  }
  return d;
}

// Back from the prepared scale: beta * scale, V * scale scale', with the
// inverse (upper triangle) mirrored into a full symmetric matrix.
void unscale(const Prepared& d, std::vector<double>& beta, Eigen::MatrixXd& v) {
  const auto p = static_cast<Eigen::Index>(d.p);
  for (Eigen::Index i = 0; i < p; ++i) {
    beta[static_cast<std::size_t>(i)] *= d.scale[static_cast<std::size_t>(i)];
    v(i, i) *= d.scale[static_cast<std::size_t>(i)] * d.scale[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < i; ++j) {
      v(j, i) *= d.scale[static_cast<std::size_t>(i)] * d.scale[static_cast<std::size_t>(j)];
      v(i, j) = v(j, i);
    }
  }
}

std::string describe(const std::vector<std::size_t>& idx, const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    if (k) s += ", ";
    s += std::to_string(idx[k] + 1) + " (" + names[idx[k]] + ")";
  }
  return s;
}

std::vector<std::string> named(const std::vector<std::size_t>& idx,
                               const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (std::size_t j : idx) out.push_back(names[j]);
  return out;
}

}  // namespace

void check_cox_input(const CoxInput& in, const char* function) {
  const std::size_t n = in.time.size();
  check_same_size(function, "status", in.status, "time", in.time);
  check_count(function, "x", static_cast<std::size_t>(in.x.rows()), "rows", "time", n, "entries");
  const auto p = static_cast<std::size_t>(in.x.cols());
  if (!in.names.empty())
    check_count(function, "names", in.names.size(), "entries", "x", p, "columns");
  if (!in.strata.empty()) check_same_size(function, "strata", in.strata, "time", in.time);
  if (!in.cluster.empty()) check_same_size(function, "cluster", in.cluster, "time", in.time);
  if (!in.weights.empty()) check_same_size(function, "weights", in.weights, "time", in.time);
  check_finite(function, "time", in.time);
  check_indicator(function, "status", in.status, "it must be 1 (event) or 0 (censored)");
  const auto code = [](int c) { return c >= 0; };
  check_each(function, "strata", in.strata, code,
             "a negative code means missing: leave the row out");
  check_each(function, "cluster", in.cluster, code,
             "a negative code means missing: leave the row out");
  check_each(
      function, "weights", in.weights, [](double w) { return std::isfinite(w) && w > 0; },
      "case weights must be positive finite numbers, as coxph requires (leave out rows of "
      "weight 0, such as unmatched patients)");
  check_finite_cells(function, "column", in.x, in.names, "use complete cases");
}

const char* cox_ties_name(CoxTies ties) { return ties == CoxTies::Efron ? "efron" : "breslow"; }

CoxResult cox_fit(const CoxInput& input, const CoxOptions& options) {
  validate(input, options);
  CoxResult res;
  const std::size_t n = input.time.size();
  const std::size_t p = static_cast<std::size_t>(input.x.cols());
  const auto pe = static_cast<Eigen::Index>(p);
  const bool efron = options.ties == CoxTies::Efron;
  res.ties = options.ties;
  res.n = n;
  res.names = input.names;
  if (res.names.empty())
    for (std::size_t j = 0; j < p; ++j) res.names.push_back("x" + std::to_string(j + 1));
  for (int s : input.status) res.nevent += static_cast<std::size_t>(s);
  const double toler_inf =
      std::isnan(options.toler_inf) ? std::sqrt(options.eps) : options.toler_inf;

  auto fill_nan = [&]() {
    res.coef.assign(p, kNaN);
    res.hr = res.se = res.z = res.p = res.lower = res.upper = res.coef;
    res.aliased.assign(p, false);
    res.var = Eigen::MatrixXd::Zero(pe, pe);
    res.means.assign(p, kNaN);
    res.linear_predictors.assign(n, 0.0);
  };
  if (n == 0) {
    fill_nan();
    res.warnings.push_back(Flag("No observations: the Cox model cannot be fitted"));
    return res;
  }
  if (res.nevent == 0) {
    // coxph returns NA coefficients and a zero loglik when nobody has the
    // event: there is no risk set to compare anything in.
    fill_nan();
    for (std::size_t j = 0; j < p; ++j)
      res.means[j] = input.x.col(static_cast<Eigen::Index>(j)).mean();
    res.loglik_null = res.loglik = 0;
    res.warnings.push_back(
        Flag("No events (every patient is censored): the Cox model cannot be fitted"));
    return res;
  }

  const Prepared d = prepare(input, options);
  RiskSetSums sums(d);
  std::vector<double> beta(p, 0.0);
  for (std::size_t j = 0; j < p && !options.init.empty(); ++j)
    beta[j] = options.init[j] / d.scale[j];

  // coxfit6's iteration. `flag` is its return code: the rank of the
  // information, -2 if the final step was a halved one, 1000 if it ran out.
  const int maxiter = p == 0 ? 0 : options.iter_max;
  int iter = 0;
  double loglik0 = sums.evaluate(beta, efron);
  if (!std::isfinite(loglik0))
    throw Error(
        std::string(kCoxFn) +
            ": the model cannot start: its log-likelihood at the starting values is not a "
            "finite number; check the time and covariate columns for extreme values (R: the "
            "initial values lead to overflow or underflow of the exp function)",
        "init");
  double loglik1 = loglik0;
  std::vector<double> step = sums.u;
  Eigen::MatrixXd& imat = sums.imat;
  int flag = cholesky_generalised(imat, options.toler_chol);
  cholesky_solve(imat, step);
  double sctest = 0;
  for (std::size_t i = 0; i < p; ++i) sctest += sums.u[i] * step[i];

  if (maxiter == 0) {
    cholesky_invert(imat);
    unscale(d, beta, imat);
  } else {
    std::vector<double> newbeta(p);
    for (std::size_t i = 0; i < p; ++i) newbeta[i] = beta[i] + step[i];
    int halving = 0;
    bool done = false;
    for (iter = 1; iter <= maxiter; ++iter) {
      const double newlk = sums.evaluate(newbeta, efron);
      flag = cholesky_generalised(imat, options.toler_chol);
      bool finite = std::isfinite(newlk) && imat.allFinite();
      for (double v : sums.u) finite = finite && std::isfinite(v);
      if (finite && std::fabs(1 - loglik1 / newlk) <= options.eps) {
        loglik1 = newlk;
        cholesky_invert(imat);
        beta = newbeta;
        unscale(d, beta, imat);
        if (halving) flag = -2;
        done = true;
        break;
      }
      if (!finite || newlk < loglik1) {
        // A step that lowers the loglik (or overflows) is pulled back towards
        // the last good beta, more firmly each time it fails again.
        ++halving;
        for (std::size_t i = 0; i < p; ++i)
          newbeta[i] = (newbeta[i] + halving * beta[i]) / (halving + 1.0);
      } else {
        halving = 0;
        loglik1 = newlk;
        cholesky_solve(imat, sums.u);
        for (std::size_t i = 0; i < p; ++i) {
          beta[i] = newbeta[i];
          newbeta[i] += sums.u[i];
        }
      }
    }
    if (!done) {
      // R re-evaluates at the last good beta and inverts the information
      // without refactoring it, so only the reciprocals of its diagonal
      // survive; kept so a non-converged fit reports what R reports.
      if (maxiter > 1) loglik1 = sums.evaluate(beta, efron);
      cholesky_invert(imat);
      unscale(d, beta, imat);
      flag = 1000;
    }
  }
  std::vector<double> u_final = sums.u;
  for (std::size_t i = 0; i < p; ++i) u_final[i] /= d.scale[i];

  res.iterations = iter;
  res.converged = p == 0 || (maxiter > 0 && flag != 1000);
  res.loglik_null = loglik0;
  res.loglik = loglik1;
  res.means = d.mean;
  Eigen::MatrixXd var = imat;

  // coxph.fit: linear predictor, aliased columns, infinite-coefficient checks.
  double centre = 0;
  for (std::size_t j = 0; j < p; ++j) centre += beta[j] * d.mean[j];
  res.linear_predictors.resize(n);
  double max_lp = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    double v = 0;
    for (std::size_t j = 0; j < p; ++j)
      v += input.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) * beta[j];
    res.linear_predictors[i] = v - centre;
    max_lp = std::max(max_lp, res.linear_predictors[i]);
  }
  res.aliased.assign(p, false);
  if (flag < static_cast<int>(p))
    for (std::size_t j = 0; j < p; ++j)
      res.aliased[j] = var(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j)) == 0;
  std::vector<double> infs(p, 0.0);
  bool infs_finite = true;
  for (std::size_t j = 0; j < p; ++j) {
    for (std::size_t i = 0; i < p; ++i)
      infs[j] += u_final[i] * var(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
    infs[j] = std::fabs(infs[j]);
    infs_finite = infs_finite && std::isfinite(infs[j]);
  }
  if (maxiter > 1) {
    if (flag == 1000) {
      res.warnings.push_back(
          Flag(FlagCode::CoxNotConverged, "Ran out of iterations and did not converge"));
      if (max_lp > 500 || !infs_finite)
        res.warnings.push_back(
            Flag(FlagCode::CoxMaybeInfinite, "one or more coefficients may be infinite"));
    } else {
      std::vector<std::size_t> inf_vars;
      for (std::size_t j = 0; j < p; ++j)
        if (!std::isfinite(u_final[j]) ||
            (infs[j] > options.eps && infs[j] > toler_inf * std::fabs(beta[j])))
          inf_vars.push_back(j);
      if (!inf_vars.empty())
        res.warnings.push_back(names_flag(FlagCode::CoxInfinite,
                                          "Loglik converged before variable " +
                                              describe(inf_vars, res.names) +
                                              "; coefficient may be infinite",
                                          named(inf_vars, res.names)));
    }
  }
  std::vector<std::size_t> aliased_idx;
  for (std::size_t j = 0; j < p; ++j)
    if (res.aliased[j]) aliased_idx.push_back(j);
  if (!aliased_idx.empty())
    res.warnings.push_back(
        names_flag(FlagCode::CoxSingular,
                   "X matrix deemed to be singular; variable " + describe(aliased_idx, res.names),
                   named(aliased_idx, res.names)));
  const std::size_t n_est = p - aliased_idx.size();
  const int df = static_cast<int>(n_est);
  res.coef = beta;
  for (std::size_t j : aliased_idx) res.coef[j] = kNaN;

  // Robust (sandwich) variance, as coxph(..., cluster =) or non-integer weights.
  bool fractional_weights = false;
  for (double w : input.weights) fractional_weights = fractional_weights || w != std::floor(w);
  if (options.naive_only && !input.cluster.empty())
    res.warnings.push_back(Flag("cluster specified with robust=FALSE, cluster ignored"));
  res.robust = !options.naive_only &&
               (options.robust || !input.cluster.empty() || fractional_weights) && n_est > 0;
  if (res.robust) {
    std::vector<std::size_t> cluster_of_sorted(n);
    if (input.cluster.empty()) {
      std::iota(cluster_of_sorted.begin(), cluster_of_sorted.end(), std::size_t{0});
      res.n_clusters = n;
    } else {
      std::unordered_map<int, std::size_t> index;
      for (std::size_t r = 0; r < n; ++r) {
        auto it = index.emplace(input.cluster[d.order[r]], index.size()).first;
        cluster_of_sorted[r] = it->second;
      }
      res.n_clusters = index.size();
    }
    std::vector<double> eta(n);
    std::vector<double> beta_scaled(p);
    for (std::size_t j = 0; j < p; ++j) beta_scaled[j] = beta[j] / d.scale[j];
    auto linear_predictor = [&](const std::vector<double>& b) {
      for (std::size_t r = 0; r < n; ++r) {
        double v = 0;
        for (std::size_t j = 0; j < p; ++j)
          v += d.x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) * b[j];
        eta[r] = v;
      }
    };
    linear_predictor(beta_scaled);
    const Eigen::MatrixXd score_sums =
        cluster_sums(d, score_residuals(d, eta, efron), cluster_of_sorted, res.n_clusters);
    // lazyProduct: a plain loop order, so native and wasm sum in the same order
    // (Eigen's blocked GEMM picks its blocking per platform).
    const Eigen::MatrixXd dfbeta = score_sums.lazyProduct(var);
    res.naive_var = var;
    var = dfbeta.transpose().lazyProduct(dfbeta);
    std::vector<double> beta0(p, 0.0);
    for (std::size_t j = 0; j < p && !options.init.empty(); ++j)
      beta0[j] = options.init[j] / d.scale[j];
    linear_predictor(beta0);
    const Eigen::MatrixXd score0 =
        cluster_sums(d, score_residuals(d, eta, efron), cluster_of_sorted, res.n_clusters);
    std::vector<double> u0(p);
    for (std::size_t j = 0; j < p; ++j) u0[j] = score0.col(static_cast<Eigen::Index>(j)).sum();
    res.robust_score = cox_test(
        quadratic_test(score0.transpose().lazyProduct(score0), u0, options.toler_chol), df);
  }
  res.var = var;

  // summary.coxph's table and tests.
  const double zq = normal_quantile((1 + options.conf_level) / 2);
  res.hr.assign(p, kNaN);
  res.se.assign(p, kNaN);
  res.z.assign(p, kNaN);
  res.p.assign(p, kNaN);
  res.lower.assign(p, kNaN);
  res.upper.assign(p, kNaN);
  if (res.robust) res.robust_se.assign(p, kNaN);
  std::vector<std::size_t> kept;
  for (std::size_t j = 0; j < p; ++j) {
    if (res.aliased[j]) continue;
    kept.push_back(j);
    const auto jj = static_cast<Eigen::Index>(j);
    const double se = std::sqrt(var(jj, jj));
    res.se[j] = res.robust ? std::sqrt(res.naive_var(jj, jj)) : se;
    if (res.robust) res.robust_se[j] = se;
    res.hr[j] = std::exp(res.coef[j]);
    res.z[j] = res.coef[j] / se;
    res.p[j] = chisq_upper(res.z[j] * res.z[j], 1);
    res.lower[j] = std::exp(res.coef[j] - zq * se);
    res.upper[j] = std::exp(res.coef[j] + zq * se);
  }
  res.lrt = cox_test(2 * (res.loglik - res.loglik_null), df);
  res.score = cox_test(sctest, df);
  if (!kept.empty()) {
    Eigen::MatrixXd vk(static_cast<Eigen::Index>(kept.size()),
                       static_cast<Eigen::Index>(kept.size()));
    std::vector<double> bk(kept.size());
    for (std::size_t a = 0; a < kept.size(); ++a) {
      bk[a] = res.coef[kept[a]] - (options.init.empty() ? 0.0 : options.init[kept[a]]);
      for (std::size_t b = 0; b < kept.size(); ++b)
        vk(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) =
            var(static_cast<Eigen::Index>(kept[a]), static_cast<Eigen::Index>(kept[b]));
    }
    res.wald = cox_test(quadratic_test(vk, bk, options.toler_chol), df);
  }
  return res;
}

}  // namespace localsurv
