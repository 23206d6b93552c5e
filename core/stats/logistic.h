// Logistic regression as R's glm(y ~ x, family = binomial) fits it: glm.fit's
// iteratively reweighted least squares (IRLS) with R's starting values, its
// stopping rule and step halving, each weighted least-squares step solved by
// a Householder QR with R's limited column pivoting (LINPACK dqrdc2), so that
// aliased columns get NA coefficients and the iteration count is R's.
// Propensity scores are the fitted probabilities.
//
// Inputs
//   y      0/1 outcome per row (for propensity scores: 1 = treated).
//   x      n x p design WITHOUT the intercept column (build it with
//          model_frame.h's build_design on complete rows); the intercept is
//          added as column 0 and named "(Intercept)", as R does.
//   names  p coefficient names, in the column order of x.
// Preconditions (Error otherwise): y.size() == x.rows(), names.size() ==
//   x.cols(), every y is 0 or 1, every x is finite (drop incomplete rows
//   first, as glm's na.omit does).
//
// Outputs (LogisticResult): per coefficient (intercept first) the estimate,
//   standard error, Wald z and two-sided normal p, as summary.glm reports them
//   (dispersion 1); NaN for aliased coefficients where R prints NA. Deviance,
//   null deviance, residual/null degrees of freedom, AIC, IRLS iterations,
//   convergence, fitted probabilities and linear predictor per row, and the
//   warnings R gives plus a separation diagnosis.
//
// Degenerate data: n = 0 gives a warning and NaN everywhere. An outcome that
//   is all 0 or all 1 is fitted as R fits it (the intercept runs off towards
//   -/+ infinity) with a warning that the model cannot be estimated.
//
// Separation. When a linear combination of covariates predicts the outcome
//   perfectly (complete separation) or perfectly on one side (quasi-complete),
//   the maximum likelihood estimate does not exist: R stops with huge
//   coefficients and standard errors and (sometimes) the "fitted probabilities
//   numerically 0 or 1" warning. We diagnose it in two ways, both linear in n:
//   (1) exact: a single covariate column separates on its own when the values
//   seen with y = 0 and with y = 1 do not overlap (they may touch, which is
//   quasi-separation; a factor level with every outcome equal is the common
//   case); (2) symptoms, for separation by a combination of covariates: rows
//   whose fitted probability is within `separation_probability` of 0 or 1,
//   all on the side of their observed outcome, together with non-convergence,
//   R's 0/1 warning or a standard error blow-up (se x SD of the covariate above
//   `separation_se_sd`); the blown-up covariates are named.
#pragma once
#include <Eigen/Dense>
#include <limits>
#include <string>
#include <vector>

#include "stats/flag.h"

namespace localsurv {

struct LogisticOptions {
  double epsilon = 1e-8;  // glm.control: stop when |dev - dev_old| / (|dev| + 0.1) < epsilon
  int maxit = 25;         // glm.control
  // Column pivoting tolerance of the least-squares QR. glm.fit passes
  // min(1e-7, epsilon / 1000); NaN means "derive it from epsilon as R does".
  double rank_tolerance = std::numeric_limits<double>::quiet_NaN();
  // R's threshold for "fitted probabilities numerically 0 or 1": 10 * DBL_EPSILON.
  double boundary_probability = 10 * std::numeric_limits<double>::epsilon();
  // Separation symptoms (see header comment).
  double separation_probability = 1e-7;
  double separation_se_sd = 100.0;
};

enum class Separation { None, QuasiComplete, Complete };

struct LogisticResult {
  std::vector<std::string> names;  // "(Intercept)" then the design's names
  std::vector<double> estimate, se, z, p;
  std::vector<char> aliased;   // 1 where R's coefficient is NA (linearly dependent column)
  Eigen::MatrixXd covariance;  // vcov(fit): unscaled covariance, NaN rows/cols for aliased
  int rank = 0;

  double deviance = 0, null_deviance = 0, aic = 0;
  int df_residual = 0, df_null = 0;
  int iterations = 0;
  bool converged = false;
  bool boundary = false;  // R's fit$boundary: step halving was needed

  std::vector<double> fitted;            // fitted probability per row (propensity score)
  std::vector<double> linear_predictor;  // log-odds per row

  Separation separation = Separation::None;
  std::vector<std::string> separating;  // covariates named in the separation warning
  std::vector<Flag> warnings;
};

LogisticResult logistic_regression(const std::vector<int>& y, const Eigen::MatrixXd& x,
                                   const std::vector<std::string>& names,
                                   const LogisticOptions& options = {});

}  // namespace localsurv
