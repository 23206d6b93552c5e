#include "stats/cox_zph.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "error.h"
#include "stats/not_estimable.h"

namespace localsurv {

namespace {

constexpr const char* kZphFn = "cox_zph";

void validate(const CoxInput& in, const CoxResult& fit, const std::vector<std::string>& terms) {
  check_cox_input(in, kZphFn);
  const auto p = static_cast<std::size_t>(in.x.cols());
  check(fit.coef.size() == p, kZphFn, "fit",
        "has " + std::to_string(fit.coef.size()) + " coefficients but x has " + std::to_string(p) +
            " columns; pass the fit made from this input");
  if (!terms.empty()) check_count(kZphFn, "terms", terms.size(), "entries", "x", p, "columns");
  for (std::size_t j = 0; j < p; ++j)
    check(std::isnan(fit.coef[j]) || std::isfinite(fit.coef[j]), kZphFn, "fit",
          "coefficient " + std::to_string(j + 1) + " is infinite");
}

// g(t) before centring, one value per row. KM and rank need the rows in time
// order (all strata together, as cox.zph's survfitKM and rank() see them).
std::vector<double> transformed_times(const std::vector<double>& time,
                                      const std::vector<int>& status, ZphTransform transform) {
  const std::size_t n = time.size();
  std::vector<double> out(n);
  if (transform == ZphTransform::Identity) return time;
  if (transform == ZphTransform::Log) {
    check_each(
        kZphFn, "time", time, [](double t) { return t > 0; },
        "the log transform needs positive times: use the km, rank or identity transform");
    for (std::size_t i = 0; i < n; ++i) out[i] = std::log(time[i]);
    return out;
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  double surv = 1.0;  // KM just before the current time: 1 - S(t-) is what R uses
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start;
    std::size_t deaths = 0;
    while (end < n && time[order[end]] == time[order[start]]) deaths += status[order[end++]];
    const double value = transform == ZphTransform::Rank
                             ? 0.5 * (static_cast<double>(start + 1) + static_cast<double>(end))
                             : 1.0 - surv;
    for (std::size_t k = start; k < end; ++k) out[order[k]] = value;
    const double at_risk = static_cast<double>(n - start);
    surv *= (at_risk - static_cast<double>(deaths)) / at_risk;
    start = end;
  }
  return out;
}

// Score u and information I of the time-interaction model at fixed beta.
struct Derivatives {
  Eigen::VectorXd u2;  // scores of the x * g(t) columns (those of x are 0 at the MLE)
  Eigen::MatrixXd i11, i12, i22;
};

Derivatives accumulate(const std::vector<double>& time, const std::vector<int>& status,
                       const std::vector<int>& strata, const std::vector<double>& weights,
                       const std::vector<double>& g, const Eigen::MatrixXd& xt,
                       const Eigen::VectorXd& eta, bool efron) {
  const std::size_t n = time.size();
  const Eigen::Index q = xt.rows();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const bool has_strata = !strata.empty();
  auto stratum = [&](std::size_t i) { return has_strata ? strata[i] : 0; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (stratum(a) != stratum(b)) return stratum(a) < stratum(b);
    return time[a] < time[b];
  });

  Derivatives d;
  d.u2 = Eigen::VectorXd::Zero(q);
  d.i11 = Eigen::MatrixXd::Zero(q, q);
  d.i12 = Eigen::MatrixXd::Zero(q, q);
  d.i22 = Eigen::MatrixXd::Zero(q, q);
  Eigen::VectorXd a(q), a2(q), xdead(q), mean(q);
  Eigen::MatrixXd cmat(q, q), cmat2(q, q), vsum(q, q);
  double denom = 0;
  int current = -1;
  // Backwards in time so each risk set is the running sum of later rows.
  for (std::size_t pos = n; pos > 0;) {
    const std::size_t first = order[pos - 1];
    if (stratum(first) != current) {
      current = stratum(first);
      denom = 0;
      a.setZero();
      cmat.setZero();
    }
    const double t = time[first];
    const double gt = g[first];
    double denom2 = 0, deadwt = 0;
    int ndead = 0;
    a2.setZero();
    cmat2.setZero();
    xdead.setZero();
    for (; pos > 0; --pos) {
      const std::size_t i = order[pos - 1];
      if (time[i] != t || stratum(i) != current) break;
      const double w = weights.empty() ? 1.0 : weights[i];
      const double risk = std::exp(eta[static_cast<Eigen::Index>(i)]) * w;
      const auto x = xt.col(static_cast<Eigen::Index>(i));
      if (status[i] == 0) {
        denom += risk;
        a.noalias() += risk * x;
        cmat.noalias() += risk * x * x.transpose();
      } else {
        ++ndead;
        deadwt += w;
        denom2 += risk;
        xdead.noalias() += w * x;
        a2.noalias() += risk * x;
        cmat2.noalias() += risk * x * x.transpose();
      }
    }
    if (ndead == 0) continue;
    d.u2.noalias() += gt * xdead;
    vsum.setZero();
    if (!efron) {
      denom += denom2;
      a += a2;
      cmat += cmat2;
      mean = a / denom;
      d.u2.noalias() -= (gt * deadwt) * mean;
      vsum.noalias() += deadwt * (cmat / denom - mean * mean.transpose());
    } else {
      // Efron: the tied deaths enter the risk set a fraction at a time
      // (1/d, 2/d, ... 1), each step weighted by the average death weight.
      const double nd = static_cast<double>(ndead);
      const double wtave = deadwt / nd;
      for (int k = 0; k < ndead; ++k) {
        denom += denom2 / nd;
        a += a2 / nd;
        cmat += cmat2 / nd;
        mean = a / denom;
        d.u2.noalias() -= (gt * wtave) * mean;
        vsum.noalias() += wtave * (cmat / denom - mean * mean.transpose());
      }
    }
    d.i11 += vsum;
    d.i12 += gt * vsum;
    d.i22 += (gt * gt) * vsum;
  }
  return d;
}

}  // namespace

const char* zph_transform_name(ZphTransform transform) {
  switch (transform) {
    case ZphTransform::KaplanMeier:
      return "km";
    case ZphTransform::Identity:
      return "identity";
    case ZphTransform::Rank:
      return "rank";
    case ZphTransform::Log:
      return "log";
  }
  return "km";
}

CoxZphResult cox_zph(const CoxInput& input, const CoxResult& fit,
                     const std::vector<std::string>& terms, const CoxZphOptions& options) {
  validate(input, fit, terms);
  const std::size_t n = input.time.size();
  const auto p = static_cast<std::size_t>(input.x.cols());
  CoxZphResult r;
  r.transform = options.transform;
  r.n = n;
  for (int s : input.status) r.nevent += static_cast<std::size_t>(s);

  // Aliased columns (NaN coefficient) leave the test, as in cox.zph; a term
  // with no column left disappears with them.
  std::vector<Eigen::Index> keep;
  for (std::size_t j = 0; j < p; ++j)
    if (!std::isnan(fit.coef[j])) keep.push_back(static_cast<Eigen::Index>(j));
  const auto q = static_cast<Eigen::Index>(keep.size());
  auto coef_name = [&](std::size_t j) {
    if (fit.names.size() == p) return fit.names[j];
    if (input.names.size() == p) return input.names[j];
    return "x" + std::to_string(j + 1);
  };
  std::vector<std::string> term_names;
  std::vector<std::vector<Eigen::Index>> term_columns;  // positions within `keep`
  for (Eigen::Index k = 0; k < q; ++k) {
    const auto j = static_cast<std::size_t>(keep[static_cast<std::size_t>(k)]);
    const std::string name = terms.empty() ? coef_name(j) : terms[j];
    auto it = std::find(term_names.begin(), term_names.end(), name);
    if (it == term_names.end()) {
      term_names.push_back(name);
      term_columns.push_back({k});
    } else {
      term_columns[static_cast<std::size_t>(it - term_names.begin())].push_back(k);
    }
    r.by_coefficient.term.push_back(coef_name(j));
  }
  r.by_term.term = term_names;
  if (options.global && q > 0) {
    r.by_term.term.push_back("GLOBAL");
    r.by_coefficient.term.push_back("GLOBAL");
  }
  if (q == 0) {
    r.warnings.push_back(
        Flag("Proportional-hazards test not done: the model has no estimated coefficient"));
    return r;
  }

  std::vector<std::vector<Eigen::Index>> coef_columns;
  for (Eigen::Index k = 0; k < q; ++k) coef_columns.push_back({k});
  std::vector<Eigen::Index> all(static_cast<std::size_t>(q));
  std::iota(all.begin(), all.end(), Eigen::Index{0});
  auto not_done = [&](CoxZphTable& table, const std::vector<std::vector<Eigen::Index>>& groups) {
    for (const auto& cols : groups)
      table.test.push_back({kNaN, static_cast<double>(cols.size()), kNaN});
    if (options.global) table.test.push_back({kNaN, static_cast<double>(q), kNaN});
  };
  if (r.nevent == 0) {
    r.warnings.push_back(Flag("Proportional-hazards test not done: there are no events"));
    not_done(r.by_term, term_columns);
    not_done(r.by_coefficient, coef_columns);
    return r;
  }

  std::vector<double> time = input.time;
  if (options.timefix) apply_timefix(time, options.timefix_tolerance);
  std::vector<double> g = transformed_times(time, input.status, options.transform);
  double gsum = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (input.status[i] == 1) gsum += g[i];
  const double gmean = gsum / static_cast<double>(r.nevent);
  for (double& v : g) v -= gmean;

  // Centring x changes neither U nor I, only keeps the sums of squares
  // well conditioned; columns stored per row for the pass over rows.
  Eigen::MatrixXd xt(q, static_cast<Eigen::Index>(n));
  Eigen::VectorXd beta(q);
  for (Eigen::Index k = 0; k < q; ++k) {
    const auto col = input.x.col(keep[static_cast<std::size_t>(k)]);
    xt.row(k) = (col.array() - col.mean()).matrix().transpose();
    beta[k] = fit.coef[static_cast<std::size_t>(keep[static_cast<std::size_t>(k)])];
  }
  const Eigen::VectorXd eta = xt.transpose() * beta;
  const Derivatives d = accumulate(time, input.status, input.strata, input.weights, g, xt, eta,
                                   fit.ties == CoxTies::Efron);

  Eigen::MatrixXd info(2 * q, 2 * q);
  info << d.i11, d.i12, d.i12.transpose(), d.i22;
  Eigen::VectorXd u = Eigen::VectorXd::Zero(2 * q);
  u.tail(q) = d.u2;

  auto test = [&](const std::vector<Eigen::Index>& cols, const std::string& label) {
    // The first q (x) rows always stay in: the test is conditional on the
    // fitted coefficients being re-estimated.
    std::vector<Eigen::Index> idx(static_cast<std::size_t>(q));
    std::iota(idx.begin(), idx.end(), Eigen::Index{0});
    for (Eigen::Index c : cols) idx.push_back(q + c);
    const auto m = static_cast<Eigen::Index>(idx.size());
    Eigen::MatrixXd a(m, m);
    Eigen::VectorXd v(m);
    for (Eigen::Index i = 0; i < m; ++i) {
      v[i] = u[idx[static_cast<std::size_t>(i)]];
      for (Eigen::Index j = 0; j < m; ++j)
        a(i, j) = info(idx[static_cast<std::size_t>(i)], idx[static_cast<std::size_t>(j)]);
    }
    const double df = static_cast<double>(cols.size());
    // R's solve() (LAPACK dgesv + dgecon) stops on a zero pivot or a
    // reciprocal 1-norm condition number below toler_solve. Eigen's rcond()
    // estimate reports 1 for an exactly singular matrix, so the pivots are
    // checked first and the condition number computed from the inverse
    // (at most 2p x 2p).
    Eigen::PartialPivLU<Eigen::MatrixXd> lu(a);
    bool singular = false;
    for (Eigen::Index i = 0; i < m; ++i) singular = singular || lu.matrixLU()(i, i) == 0.0;
    if (!singular) {
      const double norm = a.cwiseAbs().colwise().sum().maxCoeff();
      const double inverse_norm = lu.inverse().cwiseAbs().colwise().sum().maxCoeff();
      const double rcond = 1.0 / (norm * inverse_norm);
      singular = !(rcond >= options.toler_solve);
    }
    if (singular) {
      r.warnings.push_back(names_flag(FlagCode::PhTestSingular,
                                      "Proportional-hazards test for " + label +
                                          " not computed: its information matrix is singular "
                                          "(for example every event at the same time)",
                                      {label}));
      return TestStatistic{kNaN, df, kNaN};
    }
    const Eigen::VectorXd sol = lu.solve(v);
    return chisq_test_result(sol.dot(v), df);
  };
  // A one-column term's test is its coefficient's: computed once.
  for (Eigen::Index k = 0; k < q; ++k)
    r.by_coefficient.test.push_back(test(coef_columns[static_cast<std::size_t>(k)],
                                         r.by_coefficient.term[static_cast<std::size_t>(k)]));
  for (std::size_t t = 0; t < term_columns.size(); ++t)
    r.by_term.test.push_back(
        term_columns[t].size() == 1
            ? r.by_coefficient.test[static_cast<std::size_t>(term_columns[t][0])]
            : test(term_columns[t], term_names[t]));
  if (options.global) {
    const TestStatistic global = test(all, "all terms together (GLOBAL)");
    r.by_term.test.push_back(global);
    r.by_coefficient.test.push_back(global);
  }
  return r;
}

}  // namespace localsurv
