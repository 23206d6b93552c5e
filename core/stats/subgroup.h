// Subgroup analysis of a binary treatment effect: the numbers behind a
// forest plot, as R survival 3.5-3 gives them with
//   per level l:  coxph(Surv(time, status) ~ treat [+ adjusters],
//                       subset = x == l)
//   interaction:  coxph(Surv(time, status) ~ treat * x [+ adjusters]) against
//                 coxph(Surv(time, status) ~ treat + x [+ adjusters]),
//                 both on the rows where x is known, x a factor with
//                 treatment contrasts (first level = reference).
//
// Inputs (SubgroupInput; one entry per patient, all the same length n):
//   time, status   as cox_fit (status 1 = event, 0 = censored).
//   treat          0/1 treatment indicator (1 = treated).
//   codes          subgroup level per patient: index into `levels`, -1 =
//                  missing (the patient is left out of every fit here).
//   levels         level names, reference first (at least one).
//   adjust         n x q adjustment design (build_design's treatment
//                  contrasts), q may be 0: added to every fit.
//   adjust_names   q names; empty = "adj1".."adjq".
//   variable       the subgroup variable's name, used in coefficient names
//                  ("treat:sexFemale", as R names them).
// Preconditions: no missing time/status/treat/adjust value (pick complete
// cases first); violations throw localsurv::Error naming the argument.
//
// Outputs (SubgroupResult):
//   levels[k]      for each level in `levels` order: n, events, patients and
//                  events per arm, and the treat coefficient of its own fit
//                  (coef, se, hr, CI, z, p). A level with no patients, no
//                  events or an empty arm gets NaN estimates and a warning
//                  (R: NA coefficient, or an error for no events).
//   interaction    n and events on the rows with x known; the interaction
//                  coefficients treat:x<level> (coef, se, z, p each); the
//                  likelihood-ratio test 2 (loglik_int - loglik_main) with df
//                  = difference in estimated (non-aliased) coefficients, as
//                  R's anova(f_main, f_int); and the joint Wald test b' V^-1 b
//                  over the non-aliased interaction block of f_int's variance
//                  (df = their number; equal to z^2 for two levels).
//   Cox flags (non-convergence, infinite coefficients, aliased columns) are
//   passed on with `where` naming the fit they come from ("ph.ecog = 2",
//   "interaction (main-effects model)").
//
// Cost: one cox_fit per level on that level's rows plus two on the known
// rows: O(n log n) in all for a fixed number of coefficients.
#pragma once
#include <Eigen/Dense>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "stats/cox.h"
#include "stats/flag.h"
#include "stats/test_statistic.h"

namespace localsurv {

struct SubgroupOptions {
  CoxOptions cox;  // ties, tolerances, robust, confidence level: coxph's defaults
  std::string treat_name = "treat";
};

struct SubgroupInput {
  std::vector<double> time;
  std::vector<int> status;
  std::vector<int> treat;
  std::vector<int> codes;
  std::vector<std::string> levels;
  std::string variable = "x";
  Eigen::MatrixXd adjust;
  std::vector<std::string> adjust_names;
};

struct SubgroupLevel {
  std::string level;
  std::size_t n = 0, nevent = 0;
  std::size_t n_treated = 0, n_control = 0;
  std::size_t events_treated = 0, events_control = 0;
  double coef = std::numeric_limits<double>::quiet_NaN();
  double se = std::numeric_limits<double>::quiet_NaN();
  double hr = std::numeric_limits<double>::quiet_NaN();
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
  double z = std::numeric_limits<double>::quiet_NaN();
  double p = std::numeric_limits<double>::quiet_NaN();
  bool fitted = false;  // false when the level was too degenerate to fit
  bool converged = false;
  int iterations = 0;
};

struct SubgroupInteraction {
  std::size_t n = 0, nevent = 0;
  // One entry per non-reference level: "treat:<variable><level>".
  std::vector<std::string> terms;
  std::vector<double> coef, se, z, p;  // NaN where aliased
  TestStatistic lrt = kCoxTestNotDone;
  TestStatistic wald = kCoxTestNotDone;
  double loglik_main = std::numeric_limits<double>::quiet_NaN();
  double loglik_interaction = std::numeric_limits<double>::quiet_NaN();
  bool converged = false;  // both fits
};

struct SubgroupResult {
  std::string variable;
  std::vector<SubgroupLevel> levels;
  SubgroupInteraction interaction;
  std::vector<Flag> warnings;
};

SubgroupResult subgroup_analysis(const SubgroupInput& input, const SubgroupOptions& options = {});

}  // namespace localsurv
