#include "stats/log_rank.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "error.h"
#include "stats/dense_codes.h"
#include "stats/distributions.h"
#include "stats/not_estimable.h"
#include "stats/timefix.h"

namespace localsurv {

namespace {

struct Obs {
  double time;
  int status;
  int group;    // dense index into the group codes
  int stratum;  // dense index into the strata codes (0 when unstratified)
};

// Complete rows sorted once by time, with codes mapped to dense indices.
struct Prepared {
  std::vector<Obs> rows;
  std::vector<int> group_codes;
  std::vector<int> strata_codes;  // {} when unstratified
  std::size_t n_missing = 0;
  std::vector<Flag> warnings;
};

// Codes are level indices, so a gap below the largest code is a level whose
// patients were all dropped or never existed; R silently drops such levels,
// we say so.
void warn_empty_levels(const std::vector<int>& present, const char* what, FlagCode flag_code,
                       std::vector<Flag>& warnings) {
  std::size_t next = 0;
  for (int code = 0; code <= present.back(); ++code) {
    if (next < present.size() && present[next] == code) {
      ++next;
      continue;
    }
    Flag f(std::string(what) + " level code " + std::to_string(code) +
           " has no patients with complete data; it is left out, as R's survdiff drops empty "
           "factor levels");
    f.code = flag_code;
    if (flag_code == FlagCode::EmptyGroupLevel) f.groups = {code};
    warnings.push_back(std::move(f));
  }
}

Prepared prepare(const char* fn, const std::vector<double>& time, const std::vector<int>& status,
                 const std::vector<int>& group, const std::vector<int>& strata,
                 const LogRankOptions& options) {
  check_same_size(fn, "time", time, "status", status);
  check_same_size(fn, "time", time, "group", group);
  const bool stratified = !strata.empty();
  if (stratified) check_same_size(fn, "time", time, "strata", strata);
  check(std::isfinite(options.rho), fn, "rho", "must be a finite number");
  check(options.timefix_tolerance >= 0, fn, "timefix_tolerance", "must be >= 0");

  // A negative status or a NaN time is missing: the row is left out below.
  check_each(
      fn, "status", status, [](int s) { return s <= 1; },
      "code an event as 1 and a censored time as 0");
  check_each(
      fn, "time", time, [](double t) { return !std::isinf(t); },
      "give the last follow-up time and code the patient censored");

  Prepared out;
  std::vector<std::size_t> keep;
  keep.reserve(time.size());
  for (std::size_t i = 0; i < time.size(); ++i) {
    const bool missing =
        std::isnan(time[i]) || status[i] < 0 || group[i] < 0 || (stratified && strata[i] < 0);
    if (missing)
      ++out.n_missing;
    else
      keep.push_back(i);
  }
  if (keep.empty())
    throw Error(std::string(fn) +
                    ": no patient has a time, a status and a group (all rows have a missing "
                    "value)",
                "group");

  std::vector<int> g(keep.size()), s(keep.size(), 0), si;
  for (std::size_t r = 0; r < keep.size(); ++r) {
    g[r] = group[keep[r]];
    if (stratified) s[r] = strata[keep[r]];
  }
  DenseCodes groups = dense_codes(g);
  out.group_codes = groups.levels;
  const std::vector<int>& gi = groups.index;
  if (out.group_codes.size() < 2)
    throw Error(std::string(fn) + ": all " + std::to_string(keep.size()) +
                    " patients with complete data are in one group (code " +
                    std::to_string(out.group_codes[0]) +
                    "); a comparison needs at least 2 groups (R: \"There is only 1 group\")",
                "group");
  if (static_cast<long>(out.group_codes.size()) > options.max_groups)
    throw Error(std::string(fn) + ": the group variable has " +
                    std::to_string(out.group_codes.size()) +
                    " distinct values; a log-rank test compares a few groups (at most " +
                    std::to_string(options.max_groups) +
                    "). Is it an identifier or a continuous measurement?",
                "group");
  warn_empty_levels(out.group_codes, "group", FlagCode::EmptyGroupLevel, out.warnings);
  if (stratified) {
    DenseCodes dense_strata = dense_codes(s);
    out.strata_codes = std::move(dense_strata.levels);
    si = std::move(dense_strata.index);
    warn_empty_levels(out.strata_codes, "strata", FlagCode::Other, out.warnings);
  } else {
    si.assign(keep.size(), 0);
  }

  out.rows.resize(keep.size());
  for (std::size_t r = 0; r < keep.size(); ++r)
    out.rows[r] = Obs{time[keep[r]], status[keep[r]], gi[r], si[r]};
  std::stable_sort(out.rows.begin(), out.rows.end(),
                   [](const Obs& a, const Obs& b) { return a.time < b.time; });
  return out;
}

struct Sums {
  Eigen::MatrixXd observed;  // groups x strata
  Eigen::MatrixXd expected;  // groups x strata
  Eigen::MatrixXd var;       // groups x groups
  std::vector<long> n_group, n_stratum;
};

// survdiff2 re-derived. `rows` are sorted by time; they are bucketed by
// stratum (keeping time order), then each stratum is walked backwards so the
// risk sets grow by simple addition.
Sums accumulate(std::vector<Obs> rows, int n_groups, int n_strata, const LogRankOptions& options) {
  if (options.timefix) {
    // survdiff applies aeqSurv to its own data, so a pairwise subset is judged
    // on its own distinct times (and its own mean |time|).
    std::vector<double> time(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) time[i] = rows[i].time;
    if (apply_timefix(time, options.timefix_tolerance) > 0)
      for (std::size_t i = 0; i < rows.size(); ++i) rows[i].time = time[i];
  }

  Sums out;
  out.observed = Eigen::MatrixXd::Zero(n_groups, n_strata);
  out.expected = Eigen::MatrixXd::Zero(n_groups, n_strata);
  out.var = Eigen::MatrixXd::Zero(n_groups, n_groups);
  out.n_group.assign(n_groups, 0);
  out.n_stratum.assign(n_strata, 0);
  for (const auto& r : rows) {
    ++out.n_group[r.group];
    ++out.n_stratum[r.stratum];
  }
  std::vector<std::size_t> start(n_strata + 1, 0);
  for (int s = 0; s < n_strata; ++s) start[s + 1] = start[s] + out.n_stratum[s];
  std::vector<Obs> by_stratum(rows.size());
  {
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (const auto& r : rows) by_stratum[fill[r.stratum]++] = r;
  }

  const double rho = options.rho;
  std::vector<double> s_minus(rows.size(), 1.0);  // left-continuous pooled KM
  std::vector<double> risk(n_groups);
  std::vector<int> active;  // groups with someone at risk, for the O(a^2) update
  active.reserve(n_groups);

  for (int s = 0; s < n_strata; ++s) {
    const std::size_t first = start[s], end = start[s + 1];
    if (first == end) continue;
    const Obs* x = by_stratum.data();

    if (rho != 0) {
      double km = 1.0;
      for (std::size_t i = first; i < end;) {
        std::size_t j = i;
        double deaths = 0;
        for (; j < end && x[j].time == x[i].time; ++j) {
          s_minus[j] = km;
          deaths += x[j].status;
        }
        const double nrisk = static_cast<double>(end - i);
        km = km * (nrisk - deaths) / nrisk;
        i = j;
      }
    }

    std::fill(risk.begin(), risk.end(), 0.0);
    active.clear();
    std::size_t i = end;  // one past the current tie block's last row
    while (i > first) {
      const double t = x[i - 1].time;
      const double wt = rho == 0 ? 1.0 : std::pow(s_minus[i - 1], rho);
      double deaths = 0;
      std::size_t j = i;
      for (; j > first && x[j - 1].time == t; --j) {
        const Obs& r = x[j - 1];
        deaths += r.status;
        if (risk[r.group] == 0) active.push_back(r.group);
        risk[r.group] += 1;
        out.observed(r.group, s) += r.status * wt;
      }
      const double nrisk = static_cast<double>(end - j);
      i = j;
      if (deaths == 0) continue;
      for (int k : active) out.expected(k, s) += wt * deaths * risk[k] / nrisk;
      if (nrisk == 1) continue;  // a lone patient carries no variance
      const double w2 = wt * wt;
      // Same operation order and orientation as survdiff2, so the matrix
      // carries R's last-bit asymmetry too.
      for (int a : active) {
        const double tmp = w2 * deaths * risk[a] * (nrisk - deaths) / (nrisk * (nrisk - 1));
        out.var(a, a) += tmp;
        for (int b : active) out.var(b, a) -= tmp * risk[b] / nrisk;
      }
    }
  }
  return out;
}

std::string group_name(int code) { return "group code " + std::to_string(code); }

// survdiff's test on summed observed/expected: groups with expected > 0,
// first of them dropped, chisq = d' V^-1 d.
TestStatistic survdiff_test(const Eigen::VectorXd& observed, const Eigen::VectorXd& expected,
                            const Eigen::MatrixXd& var, const std::vector<int>& codes,
                            const LogRankOptions& options, std::vector<Flag>& warnings) {
  std::vector<int> used;
  for (int k = 0; k < expected.size(); ++k)
    if (expected[k] > 0)
      used.push_back(k);
    else
      warnings.push_back(group_flag(FlagCode::GroupNotAtRisk,
                                    group_name(codes[k]) +
                                        " has no patient at risk at any event time (expected 0); "
                                        "it is left out of the test and its degrees of freedom, "
                                        "as in R's survdiff",
                                    {codes[k]}));
  const int df = static_cast<int>(used.size()) - 1;
  TestStatistic out{0.0, static_cast<double>(df), kNaN};
  if (used.empty()) {
    warnings.push_back(
        Flag("there are no events, so the groups cannot be compared: chisq 0, df -1, p NaN, as R's "
             "survdiff gives"));
    return out;
  }
  if (used.size() == 1) {
    warnings.push_back(group_flag(FlagCode::OneGroupAtRisk,
                                  "only " + group_name(codes[used[0]]) +
                                      " has patients at risk at the event times, so there is "
                                      "nothing to compare: chisq 0, df 0, p 1, as R's survdiff "
                                      "gives",
                                  {codes[used[0]]}));
    return chisq_test_result(0.0, 0.0);
  }
  const int m = df;
  Eigen::VectorXd d(m);
  Eigen::MatrixXd v(m, m);
  for (int a = 0; a < m; ++a) {
    d[a] = observed[used[a + 1]] - expected[used[a + 1]];
    for (int b = 0; b < m; ++b) v(a, b) = var(used[a + 1], used[b + 1]);
  }
  Eigen::PartialPivLU<Eigen::MatrixXd> lu(v);
  const auto pivots = lu.matrixLU().diagonal();
  bool singular = (pivots.array() == 0).any();
  double chisq = kNaN;
  if (!singular) {
    singular = !(lu.rcond() >= options.singular_tolerance);
    chisq = lu.solve(d).dot(d);
    singular = singular || !std::isfinite(chisq);
  }
  if (singular) {
    warnings.push_back(
        Flag("the variance of the observed-minus-expected events is singular (for example, no "
             "stratum has patients of two groups at risk at an event time), so the test cannot be "
             "computed; R's survdiff stops with an error here"));
    out.statistic = kNaN;
    return out;
  }
  return chisq_test_result(chisq, df);
}

}  // namespace

LogRankResult log_rank(const std::vector<double>& time, const std::vector<int>& status,
                       const std::vector<int>& group, const std::vector<int>& strata,
                       const LogRankOptions& options) {
  Prepared prep = prepare("log_rank", time, status, group, strata, options);
  const int n_groups = static_cast<int>(prep.group_codes.size());
  const int n_strata = strata.empty() ? 1 : static_cast<int>(prep.strata_codes.size());

  LogRankResult res;
  res.n_used = prep.rows.size();
  res.n_missing = prep.n_missing;
  res.groups = prep.group_codes;
  res.warnings = std::move(prep.warnings);

  Sums sums = accumulate(std::move(prep.rows), n_groups, n_strata, options);
  const Eigen::VectorXd observed = sums.observed.rowwise().sum();
  const Eigen::VectorXd expected = sums.expected.rowwise().sum();
  res.n = sums.n_group;
  res.observed.assign(observed.data(), observed.data() + n_groups);
  res.expected.assign(expected.data(), expected.data() + n_groups);
  res.var = sums.var;
  if (!strata.empty()) {
    res.strata = prep.strata_codes;
    res.n_by_stratum = sums.n_stratum;
    res.observed_by_stratum = sums.observed;
    res.expected_by_stratum = sums.expected;
  }
  res.test = survdiff_test(observed, expected, sums.var, res.groups, options, res.warnings);
  return res;
}

std::vector<double> p_adjust(const std::vector<double>& p, PAdjustMethod method) {
  std::vector<std::size_t> present;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) present.push_back(i);
  std::vector<double> out = p;
  const std::size_t n = present.size();
  if (n <= 1 || method == PAdjustMethod::None) return out;
  const double nd = static_cast<double>(n);

  // Stable order by p keeps R's order() tie-breaking (ties get the same
  // adjusted value anyway once the running max/min is applied).
  std::vector<std::size_t> order = present;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  switch (method) {
    case PAdjustMethod::Bonferroni:
      for (std::size_t i : present) out[i] = std::min(1.0, nd * p[i]);
      break;
    case PAdjustMethod::Holm: {
      double running = 0;
      for (std::size_t r = 0; r < n; ++r) {
        running = std::max(running, (nd - static_cast<double>(r)) * p[order[r]]);
        out[order[r]] = std::min(1.0, running);
      }
      break;
    }
    case PAdjustMethod::BH: {
      // R orders decreasingly; walking the increasing order backwards gives
      // the same running minimum except among tied p, which share one value.
      double running = std::numeric_limits<double>::infinity();
      for (std::size_t r = n; r-- > 0;) {
        running = std::min(running, nd / static_cast<double>(r + 1) * p[order[r]]);
        out[order[r]] = std::min(1.0, running);
      }
      break;
    }
    case PAdjustMethod::None:
      break;
  }
  return out;
}

PairwiseLogRankResult pairwise_log_rank(const std::vector<double>& time,
                                        const std::vector<int>& status,
                                        const std::vector<int>& group,
                                        const std::vector<int>& strata,
                                        const PairwiseLogRankOptions& options) {
  Prepared prep = prepare("pairwise_log_rank", time, status, group, strata, options.test);
  const int n_groups = static_cast<int>(prep.group_codes.size());
  const int n_strata = strata.empty() ? 1 : static_cast<int>(prep.strata_codes.size());

  PairwiseLogRankResult res;
  res.groups = prep.group_codes;
  res.adjust = options.adjust;
  res.n_used = prep.rows.size();
  res.n_missing = prep.n_missing;
  res.warnings = std::move(prep.warnings);

  // Positions of each group's rows in the time-sorted order, so each pair's
  // subset is a linear merge instead of a new sort.
  std::vector<std::vector<std::size_t>> position(n_groups);
  for (std::size_t i = 0; i < prep.rows.size(); ++i) position[prep.rows[i].group].push_back(i);

  std::vector<double> p;
  std::vector<Obs> subset;
  for (int a = 0; a < n_groups; ++a)
    for (int b = a + 1; b < n_groups; ++b) {
      const auto& pa = position[a];
      const auto& pb = position[b];
      subset.clear();
      std::size_t ia = 0, ib = 0;
      while (ia < pa.size() || ib < pb.size()) {
        const bool take_a = ib == pb.size() || (ia < pa.size() && pa[ia] < pb[ib]);
        Obs r = prep.rows[take_a ? pa[ia++] : pb[ib++]];
        r.group = take_a ? 0 : 1;
        subset.push_back(r);
      }
      LogRankPair pair;
      pair.group_a = res.groups[a];
      pair.group_b = res.groups[b];
      pair.n = subset.size();
      Sums sums = accumulate(subset, 2, n_strata, options.test);
      const Eigen::VectorXd observed = sums.observed.rowwise().sum();
      const Eigen::VectorXd expected = sums.expected.rowwise().sum();
      pair.observed_a = observed[0];
      pair.observed_b = observed[1];
      pair.expected_a = expected[0];
      pair.expected_b = expected[1];
      const std::vector<int> codes{pair.group_a, pair.group_b};
      const double chisq =
          survdiff_test(observed, expected, sums.var, codes, options.test, pair.warnings).statistic;
      pair.test = chisq_test_result(chisq, 1.0);
      p.push_back(pair.test.p);
      for (Flag w : pair.warnings) {
        w.pair = codes;
        res.warnings.push_back(std::move(w));
      }
      res.pairs.push_back(std::move(pair));
    }
  const std::vector<double> adjusted = p_adjust(p, options.adjust);
  for (std::size_t i = 0; i < res.pairs.size(); ++i) res.pairs[i].p_adjusted = adjusted[i];
  return res;
}

}  // namespace localsurv
