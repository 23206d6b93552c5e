#include "stats/logistic.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>

#include "error.h"
#include "stats/distributions.h"
#include "stats/not_estimable.h"

namespace localsurv {
namespace {

// R's logit link clamps |eta| at 30 so that mu stays strictly inside (0, 1)
// and d mu / d eta never reaches 0: every row keeps a positive IRLS weight,
// which is why glm.fit's "good" subset is always all rows here.
double inverse_logit(double eta) {
  double t = eta < -30 ? DBL_EPSILON : (eta > 30 ? 1 / DBL_EPSILON : std::exp(eta));
  return t / (1 + t);
}

double inverse_logit_derivative(double eta) {
  if (eta > 30 || eta < -30) return DBL_EPSILON;
  double opexp = 1 + std::exp(eta);
  return std::exp(eta) / (opexp * opexp);
}

// Unit deviance of a 0/1 outcome, written as R's binomial dev.resids writes
// it (y log(y / mu) terms) so the stopping rule sees the same numbers.
double unit_deviance(int y, double mu) {
  return y ? 2 * std::log(1 / mu) : 2 * std::log(1 / (1 - mu));
}

// R's sum() accumulates in long double; compensated summation gets as close
// without depending on what long double means on the target (wasm).
struct CompensatedSum {
  double sum = 0, carry = 0;
  void add(double v) {
    double t = sum + v;
    carry += std::fabs(sum) >= std::fabs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  double value() const { return sum + carry; }
};

double total_deviance(const std::vector<int>& y, const Eigen::VectorXd& mu) {
  CompensatedSum s;
  for (std::size_t i = 0; i < y.size(); ++i) s.add(unit_deviance(y[i], mu[Eigen::Index(i)]));
  return s.value();
}

bool valid_probabilities(const Eigen::VectorXd& mu) {
  for (Eigen::Index i = 0; i < mu.size(); ++i)
    if (!(std::isfinite(mu[i]) && mu[i] > 0 && mu[i] < 1)) return false;
  return true;
}

// Householder QR with R's limited column pivoting (the dqrdc2 strategy): a
// column whose norm, after removing the earlier columns, falls below `tol`
// times its original norm is moved to the right-hand edge and left out of
// the solution. Unlike full pivoting, the kept columns stay in their
// original order, which is what gives R's choice of NA coefficients.
struct PivotedQR {
  Eigen::MatrixXd a;      // R in the upper triangle, Householder vectors below
  Eigen::VectorXd qraux;  // first element of each Householder vector
  std::vector<int> pivot;
  int rank = 0;
};

PivotedQR pivoted_qr(Eigen::MatrixXd a, double tol) {
  const Eigen::Index n = a.rows(), p = a.cols();
  PivotedQR f;
  // Norms are scaled (as BLAS dnrm2 is) so covariates near 1e300 do not overflow.
  Eigen::VectorXd qraux(p), original(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    qraux[j] = n > 0 ? a.col(j).stableNorm() : 0.0;
    original[j] = qraux[j] == 0 ? 1.0 : qraux[j];
  }
  f.pivot.resize(static_cast<std::size_t>(p));
  for (Eigen::Index j = 0; j < p; ++j) f.pivot[std::size_t(j)] = int(j);

  Eigen::Index kept = p;  // columns at index >= kept have been set aside
  const Eigen::Index steps = std::min(n, p);
  for (Eigen::Index l = 0; l < steps; ++l) {
    while (l < kept && qraux[l] < original[l] * tol) {
      // Rotate column l to the end, shifting the rest left.
      Eigen::VectorXd col = a.col(l);
      for (Eigen::Index j = l + 1; j < p; ++j) a.col(j - 1) = a.col(j);
      a.col(p - 1) = col;
      int piv = f.pivot[std::size_t(l)];
      double q = qraux[l], o = original[l];
      for (Eigen::Index j = l + 1; j < p; ++j) {
        f.pivot[std::size_t(j - 1)] = f.pivot[std::size_t(j)];
        qraux[j - 1] = qraux[j];
        original[j - 1] = original[j];
      }
      f.pivot[std::size_t(p - 1)] = piv;
      qraux[p - 1] = q;
      original[p - 1] = o;
      --kept;
    }
    if (l == n - 1) continue;  // a single remaining row needs no reflection
    const Eigen::Index m = n - l;
    double nrmxl = a.col(l).tail(m).stableNorm();
    if (nrmxl == 0) continue;
    if (a(l, l) != 0) nrmxl = std::copysign(nrmxl, a(l, l));
    a.col(l).tail(m) *= 1.0 / nrmxl;
    a(l, l) += 1.0;
    for (Eigen::Index j = l + 1; j < p; ++j) {
      double t = -a.col(l).tail(m).dot(a.col(j).tail(m)) / a(l, l);
      a.col(j).tail(m) += t * a.col(l).tail(m);
      if (qraux[j] == 0) continue;
      double ratio = std::fabs(a(l, j)) / qraux[j];
      double shrink = std::max(1.0 - ratio * ratio, 0.0);
      // Downdating the norm loses accuracy after a large reduction, and the
      // rank decision depends on it, so recompute it then.
      if (shrink >= 1e-6)
        qraux[j] *= std::sqrt(shrink);
      else
        qraux[j] = a.col(j).tail(m - 1).stableNorm();
    }
    qraux[l] = a(l, l);
    a(l, l) = -nrmxl;
  }
  f.rank = int(std::min(kept, n));
  f.a = std::move(a);
  f.qraux = std::move(qraux);
  return f;
}

// Least-squares coefficients of the first `rank` pivoted columns: apply Q'
// to z, then back-substitute through R.
Eigen::VectorXd qr_solve(const PivotedQR& f, Eigen::VectorXd z) {
  const Eigen::Index n = f.a.rows(), k = f.rank;
  const Eigen::Index reflections = std::min(k, n - 1);
  for (Eigen::Index j = 0; j < reflections; ++j) {
    if (f.qraux[j] == 0) continue;
    const Eigen::Index m = n - j;
    Eigen::VectorXd v = f.a.col(j).tail(m);
    v[0] = f.qraux[j];
    double t = -v.dot(z.tail(m)) / v[0];
    z.tail(m) += t * v;
  }
  Eigen::VectorXd b = z.head(k);
  for (Eigen::Index j = k - 1; j >= 0; --j) {
    b[j] /= f.a(j, j);
    b.head(j) -= b[j] * f.a.col(j).head(j);
  }
  return b;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) s += i + 1 == names.size() ? " and " : ", ";
    s += names[i];
  }
  return s;
}

// Exact check, one column at a time: the column separates the outcome on its
// own (with the intercept) when the values seen with y = 0 and y = 1 do not
// overlap. Touching ranges are quasi-complete separation (e.g. a factor level
// in which every outcome is the same).
void single_column_separation(const std::vector<int>& y, const Eigen::MatrixXd& x,
                              const std::vector<std::string>& names, LogisticResult& r) {
  bool complete = false;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    if (r.aliased[std::size_t(j + 1)]) continue;
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      int c = y[std::size_t(i)];
      lo[c] = std::min(lo[c], x(i, j));
      hi[c] = std::max(hi[c], x(i, j));
    }
    if (std::min(lo[0], lo[1]) == std::max(hi[0], hi[1])) continue;  // constant column
    bool up = hi[0] <= lo[1], down = hi[1] <= lo[0];
    if (!up && !down) continue;
    r.separating.push_back(names[std::size_t(j)]);
    complete = complete || (up && hi[0] < lo[1]) || (down && hi[1] < lo[0]);
  }
  if (r.separating.empty()) return;
  r.separation = complete ? Separation::Complete : Separation::QuasiComplete;
  bool one = r.separating.size() == 1;
  r.warnings.push_back(names_flag(
      complete ? FlagCode::SeparationComplete : FlagCode::SeparationQuasi,
      std::string(complete ? "complete separation: " : "quasi-complete separation: ") +
          join_names(r.separating) + (one ? " predicts" : " each predict") +
          (complete ? " the outcome perfectly on " + std::string(one ? "its" : "their") + " own"
                    : " the outcome perfectly in part of " + std::string(one ? "its" : "their") +
                          " range (for a factor: a level in which every patient has the same "
                          "outcome)") +
          ", so the maximum likelihood estimate does not exist and the coefficient" +
          (one ? " is" : "s are") +
          " infinite in theory; the estimates, standard errors and p-values shown are not "
          "meaningful",
      r.separating));
}

// Symptoms of separation by a combination of covariates, when no single
// column separates: rows fitted at (numerically) 0 or 1, all on the side of
// their own outcome, with standard errors that have blown up or an IRLS that
// did not settle.
void combined_separation(const std::vector<int>& y, const Eigen::MatrixXd& x,
                         const std::vector<std::string>& names, bool r_boundary_warning,
                         const LogisticOptions& o, LogisticResult& r) {
  const std::size_t n = y.size();
  std::size_t extreme = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double mu = r.fitted[i];
    bool low = mu < o.separation_probability, high = 1 - mu < o.separation_probability;
    if (!low && !high) continue;
    if ((high && y[i] == 0) || (low && y[i] == 1)) return;  // a misfit, not separation
    ++extreme;
  }
  if (extreme == 0) return;
  std::vector<std::string> blown;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    double se = r.se[std::size_t(j + 1)];
    if (r.aliased[std::size_t(j + 1)] || !std::isfinite(se)) continue;
    double mean = x.col(j).mean();
    double sd = n > 1 ? std::sqrt((x.col(j).array() - mean).square().sum() / double(n - 1)) : 0;
    if (se * sd > o.separation_se_sd) blown.push_back(names[std::size_t(j)]);
  }
  if (blown.empty() && r.converged && !r_boundary_warning) return;
  r.separation = extreme == n ? Separation::Complete : Separation::QuasiComplete;
  r.separating = blown;
  Flag f(
      FlagCode::SeparationCombined,
      std::string(extreme == n ? "complete" : "quasi-complete") +
          " separation: the covariates together predict the outcome perfectly for " +
          std::to_string(extreme) + " of " + std::to_string(n) + " rows" +
          (blown.empty() ? std::string()
                         : " (the coefficients of " + join_names(blown) + " have run off)") +
          ", so the maximum likelihood estimate does not exist; the estimates, standard errors and "
          "p-values shown are not meaningful");
  f.names = blown;
  f.counts = {extreme, n};
  r.warnings.push_back(std::move(f));
}

}  // namespace

LogisticResult logistic_regression(const std::vector<int>& y, const Eigen::MatrixXd& x,
                                   const std::vector<std::string>& names,
                                   const LogisticOptions& options) {
  const char* fn = "logistic_regression";
  check_count(fn, "x", std::size_t(x.rows()), "rows", "the outcome y", y.size(), "values");
  check_count(fn, "names", names.size(), "entries", "the design", std::size_t(x.cols()), "columns");
  check(options.maxit >= 1, fn, "maxit", "must be at least 1");
  check(options.epsilon > 0, fn, "epsilon", "must be positive");
  check_indicator(fn, "y", y, "the outcome must be 0 or 1");
  check_finite_cells(fn, "covariate", x, names, "drop incomplete rows first");

  const Eigen::Index n = x.rows(), p = x.cols() + 1;
  const std::size_t np = std::size_t(p);
  LogisticResult r;
  r.names.reserve(np);
  r.names.push_back("(Intercept)");
  r.names.insert(r.names.end(), names.begin(), names.end());
  r.estimate.assign(np, kNaN);
  r.se.assign(np, kNaN);
  r.z.assign(np, kNaN);
  r.p.assign(np, kNaN);
  r.aliased.assign(np, 0);
  r.covariance = Eigen::MatrixXd::Constant(p, p, kNaN);

  if (n == 0) {
    r.deviance = r.null_deviance = r.aic = kNaN;
    r.warnings.push_back(
        Flag("no rows to fit: the logistic model needs at least one complete row"));
    return r;
  }

  Eigen::MatrixXd design(n, p);
  design.col(0).setOnes();
  design.rightCols(p - 1) = x;
  const double tol = std::isnan(options.rank_tolerance) ? std::min(1e-7, options.epsilon / 1000)
                                                        : options.rank_tolerance;

  // R's binomial starting values: mu = (y + 0.5) / 2.
  Eigen::VectorXd eta(n), mu(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double m = (y[std::size_t(i)] + 0.5) / 2;
    eta[i] = std::log(m / (1 - m));
    mu[i] = inverse_logit(eta[i]);
  }
  double devold = total_deviance(y, mu), dev = devold;
  Eigen::VectorXd start = Eigen::VectorXd::Zero(p), coef = Eigen::VectorXd::Constant(p, kNaN);
  Eigen::VectorXd coefold;  // empty until one full iteration has been accepted
  PivotedQR fit;
  bool have_fit = false, converged = false, boundary = false;
  Eigen::MatrixXd weighted(n, p);
  Eigen::VectorXd w(n), zw(n);
  // eta, mu and the deviance at the coefficients in `start`.
  auto evaluate_start = [&] {
    eta = design * start;
    for (Eigen::Index i = 0; i < n; ++i) mu[i] = inverse_logit(eta[i]);
    dev = total_deviance(y, mu);
  };
  int iter = 1;
  for (; iter <= options.maxit; ++iter) {
    for (Eigen::Index i = 0; i < n; ++i) {
      double d = inverse_logit_derivative(eta[i]);
      double z = eta[i] + (y[std::size_t(i)] - mu[i]) / d;
      w[i] = std::sqrt(d * d / (mu[i] * (1 - mu[i])));
      zw[i] = z * w[i];
    }
    for (Eigen::Index j = 0; j < p; ++j) weighted.col(j) = design.col(j).cwiseProduct(w);
    fit = pivoted_qr(weighted, tol);
    Eigen::VectorXd b = qr_solve(fit, zw);
    if (!b.allFinite()) {
      r.warnings.push_back(Flag("non-finite coefficients at iteration " + std::to_string(iter)));
      have_fit = false;
      converged = false;
      break;
    }
    have_fit = true;
    start.setZero();  // aliased columns contribute nothing while iterating
    for (int j = 0; j < fit.rank; ++j) start[fit.pivot[std::size_t(j)]] = b[j];
    evaluate_start();
    boundary = false;
    if (!std::isfinite(dev) || !valid_probabilities(mu)) {
      if (coefold.size() == 0)
        throw Error(std::string(fn) +
                    ": no valid set of coefficients was found (the first step already "
                    "diverged); check the covariates for extreme values");
      r.warnings.push_back(Flag(FlagCode::GlmStepTruncated,
                                !std::isfinite(dev) ? "step size truncated due to divergence"
                                                    : "step size truncated: out of bounds"));
      for (int halvings = 1; !std::isfinite(dev) || !valid_probabilities(mu); ++halvings) {
        if (halvings > options.maxit)
          throw Error(std::string(fn) +
                      ": step halving could not find a valid step; check the covariates for "
                      "extreme values");
        start = (start + coefold) / 2;
        evaluate_start();
      }
      boundary = true;
    }
    if (std::fabs(dev - devold) / (std::fabs(dev) + 0.1) < options.epsilon) {
      converged = true;
      coef = start;
      break;
    }
    devold = dev;
    coef = coefold = start;
  }
  r.iterations = std::min(iter, options.maxit);
  r.converged = converged;
  r.boundary = boundary;
  if (!converged)
    r.warnings.push_back(Flag(FlagCode::GlmNotConverged, "glm.fit: algorithm did not converge"));
  if (boundary)
    r.warnings.push_back(
        Flag(FlagCode::GlmBoundary, "glm.fit: algorithm stopped at boundary value"));
  bool r_boundary_warning = false;
  for (Eigen::Index i = 0; i < n; ++i)
    r_boundary_warning = r_boundary_warning || mu[i] > 1 - options.boundary_probability ||
                         mu[i] < options.boundary_probability;
  if (r_boundary_warning)
    r.warnings.push_back(Flag(FlagCode::GlmFittedExtreme,
                              "glm.fit: fitted probabilities numerically 0 or 1 occurred"));

  r.fitted.assign(mu.data(), mu.data() + n);
  r.linear_predictor.assign(eta.data(), eta.data() + n);
  r.deviance = dev;
  r.rank = have_fit ? fit.rank : 0;
  r.df_residual = int(n) - r.rank;
  r.df_null = int(n) - 1;

  CompensatedSum loglik;
  double events = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    int yi = y[std::size_t(i)];
    loglik.add(std::log(yi ? mu[i] : 1 - mu[i]));
    events += yi;
  }
  r.aic = -2 * loglik.value() + 2 * r.rank;
  Eigen::VectorXd mean_mu = Eigen::VectorXd::Constant(n, events / double(n));
  r.null_deviance = total_deviance(y, mean_mu);

  if (have_fit) {
    for (Eigen::Index j = fit.rank; j < p; ++j)
      r.aliased[std::size_t(fit.pivot[std::size_t(j)])] = 1;
    // summary.glm: covariance = (R'R)^-1 from the last weighted least squares.
    const int k = fit.rank;
    Eigen::MatrixXd rinv = fit.a.topLeftCorner(k, k).triangularView<Eigen::Upper>().solve(
        Eigen::MatrixXd::Identity(k, k));
    Eigen::MatrixXd cov = rinv * rinv.transpose();
    for (int a = 0; a < k; ++a)
      for (int b = 0; b < k; ++b)
        r.covariance(fit.pivot[std::size_t(a)], fit.pivot[std::size_t(b)]) = cov(a, b);
    for (std::size_t j = 0; j < np; ++j) {
      if (r.aliased[j]) continue;
      r.estimate[j] = coef[Eigen::Index(j)];
      r.se[j] = std::sqrt(r.covariance(Eigen::Index(j), Eigen::Index(j)));
      r.z[j] = r.estimate[j] / r.se[j];
      r.p[j] = normal_two_sided_p(r.z[j]);
    }
  }

  if (events == 0 || events == double(n)) {
    r.warnings.push_back(
        Flag(std::string("every row has outcome ") + (events == 0 ? "0" : "1") +
             " (for propensity scores: " +
             (events == 0 ? "no treated patients" : "no control patients") +
             "), so the logistic model cannot be estimated: the intercept runs off "
             "to infinity and the coefficients, standard errors and p-values are "
             "not meaningful"));
    return r;
  }
  if (have_fit) {
    single_column_separation(y, x, names, r);
    if (r.separation == Separation::None)
      combined_separation(y, x, names, r_boundary_warning, options, r);
  }
  return r;
}

}  // namespace localsurv
