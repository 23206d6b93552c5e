#include "stats/subgroup.h"

#include <cmath>

#include "error.h"

namespace localsurv {

namespace {

constexpr const char* kSubgroupFn = "subgroup_analysis";

// Pass a fit's warnings on, saying which fit they belong to: a forest plot
// shows many fits and a bare "did not converge" would not say which.
void relay(std::vector<Flag>& out, const std::string& where, const std::vector<Flag>& warnings) {
  for (Flag w : warnings) {
    w.where = where;
    out.push_back(std::move(w));
  }
}

Flag in_fit(const std::string& where, std::string text) {
  Flag f(std::move(text));
  f.where = where;
  return f;
}

CoxInput subset_input(const SubgroupInput& in, const std::vector<std::size_t>& rows,
                      const std::vector<std::string>& names, std::size_t ncol) {
  CoxInput c;
  c.time.reserve(rows.size());
  c.status.reserve(rows.size());
  for (std::size_t r : rows) {
    c.time.push_back(in.time[r]);
    c.status.push_back(in.status[r]);
  }
  c.x.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(ncol));
  c.names = names;
  return c;
}

}  // namespace

SubgroupResult subgroup_analysis(const SubgroupInput& in, const SubgroupOptions& options) {
  const std::size_t n = in.time.size();
  check_same_size(kSubgroupFn, "status", in.status, "time", in.time);
  check_same_size(kSubgroupFn, "treat", in.treat, "time", in.time);
  check_same_size(kSubgroupFn, "codes", in.codes, "time", in.time);
  check(!in.levels.empty(), kSubgroupFn, "levels", "must name at least one subgroup level");
  const std::size_t q = static_cast<std::size_t>(in.adjust.cols());
  if (q > 0)
    check_count(kSubgroupFn, "adjust", static_cast<std::size_t>(in.adjust.rows()), "rows", "time",
                n, "entries");
  if (!in.adjust_names.empty())
    check_count(kSubgroupFn, "adjust_names", in.adjust_names.size(), "names", "adjust", q,
                "columns");
  const auto L = static_cast<int>(in.levels.size());
  check_indicator(kSubgroupFn, "treat", in.treat, "it must be 0 (control) or 1 (treated)");
  check_each(
      kSubgroupFn, "codes", in.codes, [L](int c) { return c >= -1 && c < L; },
      "it is not a level index (0.." + std::to_string(L - 1) + ", or -1 = missing)");

  std::vector<std::string> adj_names = in.adjust_names;
  if (adj_names.empty())
    for (std::size_t j = 0; j < q; ++j) adj_names.push_back("adj" + std::to_string(j + 1));
  const std::string& tname = options.treat_name;

  SubgroupResult res;
  res.variable = in.variable;

  // Rows of each level in data order, so each level's fit sees its patients
  // in the same order as R's subset would.
  std::vector<std::vector<std::size_t>> by_level(in.levels.size());
  std::vector<std::size_t> known;
  known.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (in.codes[i] < 0) continue;
    by_level[static_cast<std::size_t>(in.codes[i])].push_back(i);
    known.push_back(i);
  }
  if (known.size() < n)
    res.warnings.push_back(Flag(std::to_string(n - known.size()) + " patient(s) with missing " +
                                in.variable + " left out of the subgroup analysis"));

  // (1) The treatment effect within each level.
  std::vector<std::string> level_names{tname};
  level_names.insert(level_names.end(), adj_names.begin(), adj_names.end());
  for (std::size_t k = 0; k < in.levels.size(); ++k) {
    SubgroupLevel lev;
    lev.level = in.levels[k];
    const auto& rows = by_level[k];
    for (std::size_t r : rows) {
      const bool t = in.treat[r] == 1, e = in.status[r] != 0;
      (t ? lev.n_treated : lev.n_control)++;
      if (e) (t ? lev.events_treated : lev.events_control)++;
    }
    lev.n = rows.size();
    lev.nevent = lev.events_treated + lev.events_control;
    const std::string where = in.variable + " = " + lev.level;
    if (lev.n == 0) {
      res.warnings.push_back(in_fit(where, "no patients; no hazard ratio"));
    } else if (lev.nevent == 0) {
      res.warnings.push_back(in_fit(where, "no events; no hazard ratio"));
    } else if (lev.n_treated == 0 || lev.n_control == 0) {
      res.warnings.push_back(in_fit(where, std::string("every patient is in the ") +
                                               (lev.n_treated == 0 ? "control" : "treated") +
                                               " arm; no hazard ratio"));
    } else {
      CoxInput c = subset_input(in, rows, level_names, 1 + q);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto ii = static_cast<Eigen::Index>(i);
        c.x(ii, 0) = in.treat[rows[i]];
        for (std::size_t j = 0; j < q; ++j)
          c.x(ii, static_cast<Eigen::Index>(1 + j)) =
              in.adjust(static_cast<Eigen::Index>(rows[i]), static_cast<Eigen::Index>(j));
      }
      CoxResult f = cox_fit(c, options.cox);
      relay(res.warnings, where, f.warnings);
      lev.fitted = true;
      lev.converged = f.converged;
      lev.iterations = f.iterations;
      lev.coef = f.coef[0];
      lev.se = f.robust ? f.robust_se[0] : f.se[0];
      lev.hr = f.hr[0];
      lev.lower = f.lower[0];
      lev.upper = f.upper[0];
      lev.z = f.z[0];
      lev.p = f.p[0];
    }
    res.levels.push_back(lev);
  }

  // (2) Does the effect differ between levels? Columns in R's order for
  // treat * x + adjusters: treat, x dummies, adjusters, treat:x dummies.
  SubgroupInteraction& ia = res.interaction;
  const std::size_t d = in.levels.size() - 1;
  for (std::size_t k = 1; k <= d; ++k) ia.terms.push_back(tname + ":" + in.variable + in.levels[k]);
  ia.coef.assign(d, NAN);
  ia.se.assign(d, NAN);
  ia.z.assign(d, NAN);
  ia.p.assign(d, NAN);
  ia.n = known.size();
  for (std::size_t r : known) ia.nevent += in.status[r] != 0;
  if (d == 0) {
    res.warnings.push_back(Flag(in.variable + " has a single level; no interaction test"));
    return res;
  }
  if (ia.nevent == 0) {
    res.warnings.push_back(in_fit("interaction", "no events; no interaction test"));
    return res;
  }
  std::vector<std::string> names{tname};
  for (std::size_t k = 1; k <= d; ++k) names.push_back(in.variable + in.levels[k]);
  names.insert(names.end(), adj_names.begin(), adj_names.end());
  const std::size_t p_main = 1 + d + q;
  CoxInput main = subset_input(in, known, names, p_main);
  for (std::size_t i = 0; i < known.size(); ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    const std::size_t r = known[i];
    main.x.row(ii).setZero();
    main.x(ii, 0) = in.treat[r];
    if (in.codes[r] > 0) main.x(ii, in.codes[r]) = 1.0;
    for (std::size_t j = 0; j < q; ++j)
      main.x(ii, static_cast<Eigen::Index>(1 + d + j)) =
          in.adjust(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j));
  }
  CoxInput full = main;
  full.names.insert(full.names.end(), ia.terms.begin(), ia.terms.end());
  full.x.conservativeResize(Eigen::NoChange, static_cast<Eigen::Index>(p_main + d));
  for (std::size_t k = 0; k < d; ++k)
    full.x.col(static_cast<Eigen::Index>(p_main + k)) =
        main.x.col(0).cwiseProduct(main.x.col(static_cast<Eigen::Index>(1 + k)));

  CoxResult fm = cox_fit(main, options.cox);
  CoxResult fi = cox_fit(full, options.cox);
  relay(res.warnings, "interaction (main-effects model)", fm.warnings);
  relay(res.warnings, "interaction (interaction model)", fi.warnings);
  ia.converged = fm.converged && fi.converged;
  ia.loglik_main = fm.loglik;
  ia.loglik_interaction = fi.loglik;

  auto estimated = [](const CoxResult& f) {
    std::size_t m = 0;
    for (bool a : f.aliased) m += !a;
    return m;
  };
  const double lrt_df = static_cast<double>(estimated(fi)) - static_cast<double>(estimated(fm));
  if (lrt_df > 0)
    ia.lrt = chisq_test_result(2.0 * (fi.loglik - fm.loglik), lrt_df);
  else
    res.warnings.push_back(in_fit("interaction",
                                  "no interaction coefficient can be estimated (every level "
                                  "needs patients in both arms); no likelihood-ratio test"));

  std::vector<Eigen::Index> idx;
  for (std::size_t k = 0; k < d; ++k) {
    const std::size_t j = p_main + k;
    ia.coef[k] = fi.coef[j];
    ia.se[k] = fi.robust ? fi.robust_se[j] : fi.se[j];
    ia.z[k] = fi.z[j];
    ia.p[k] = fi.p[j];
    if (!fi.aliased[j]) idx.push_back(static_cast<Eigen::Index>(j));
  }
  if (!idx.empty()) {
    const auto m = static_cast<Eigen::Index>(idx.size());
    Eigen::VectorXd b(m);
    Eigen::MatrixXd v(m, m);
    for (Eigen::Index a = 0; a < m; ++a) {
      b(a) = fi.coef[static_cast<std::size_t>(idx[a])];
      for (Eigen::Index c = 0; c < m; ++c) v(a, c) = fi.var(idx[a], idx[c]);
    }
    Eigen::LDLT<Eigen::MatrixXd> ldlt(v);
    if (ldlt.info() == Eigen::Success && ldlt.isPositive() && b.allFinite()) {
      ia.wald = chisq_test_result(b.dot(ldlt.solve(b)), static_cast<double>(m));
    } else {
      res.warnings.push_back(in_fit(
          "interaction", "the variance of the interaction coefficients is singular; no Wald test"));
    }
  }
  return res;
}

}  // namespace localsurv
