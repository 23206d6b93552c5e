# Reference values for core/logistic (glm(y ~ x, family = binomial)) that the
# goldens do not hold: separation, aliased and near-aliased columns, a single
# covariate, a constant outcome, non-convergence, and a large cohort.
# Run from the repo root:  Rscript tests/r/logistic.R
# Writes tests/reference/extra/logistic.json.
source("tests/r/common.R")

lung <- ds("lung")
lung$treat <- as.integer(lung$sex == 2)

with_warnings <- function(expr) {
  w <- character()
  value <- withCallingHandlers(expr, warning = function(c) {
    w <<- c(w, conditionMessage(c))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = w)
}

# One case: the data (y and the design columns, no intercept) and R's fit.
case <- function(description, y, X, control = list(), keep_data = TRUE) {
  X <- as.data.frame(X)
  d <- cbind(data.frame(y = y), X)
  f <- as.formula(paste("y ~", paste(sprintf("`%s`", names(X)), collapse = " + ")))
  r <- with_warnings(glm(f, family = binomial, data = d, control = do.call(glm.control, control)))
  fit <- r$value
  cf <- coef(fit)
  nm <- names(cf)
  nm <- gsub("`", "", nm)
  sm <- summary(fit)$coefficients
  rownames(sm) <- gsub("`", "", rownames(sm))
  pick <- function(col) unname(ifelse(nm %in% rownames(sm), sm[match(nm, rownames(sm)), col], NA))
  out <- list(
    description = description,
    call = paste0("glm(", deparse(f), ", family = binomial",
                  if (length(control)) paste0(", control = glm.control(",
                    paste(names(control), unlist(control), sep = " = ", collapse = ", "), ")"), ")"),
    control = control,
    n = nrow(d),
    coefficients = list(name = nm, estimate = unname(cf), se = pick(2), z = pick(3), p = pick(4),
                        aliased = unname(is.na(cf))),
    rank = fit$rank,
    deviance = fit$deviance, null_deviance = fit$null.deviance,
    df_residual = fit$df.residual, df_null = fit$df.null,
    aic = fit$aic, iter = fit$iter, converged = fit$converged, boundary = fit$boundary,
    warnings = I(r$warnings),
    fitted = unname(fitted(fit)), linear_predictor = unname(fit$linear.predictors))
  # x is an object keyed by name; `names` keeps the column order.
  if (keep_data) out$data <- list(y = y, names = I(names(X)), x = lapply(X, identity))
  out
}

cases <- list()

# Single covariate, all 228 lung rows.
cases$single_covariate <- case("lung: treat (female) ~ age, all rows", lung$treat, lung["age"])

# Aliased columns: an exact linear function of age (middle) and a constant.
cc <- na.omit(lung[c("time", "status", "treat", "age", "ph.ecog", "ph.karno", "wt.loss")])
cases$aliased <- case("lung complete cases: age2 = 2 * age + 1 and const = 5 are aliased",
  cc$treat, data.frame(age = cc$age, age2 = 2 * cc$age + 1, ph.ecog = cc$ph.ecog,
                       const = rep(5, nrow(cc)), wt.loss = cc$wt.loss))

# Near-aliased columns around dqrdc2's tolerance (1e-11 relative column norm).
k <- (seq_len(nrow(cc)) %% 7)
cases$near_aliased_dropped <- case("age_tiny = age + 1e-12 * (row %% 7): below tolerance, NA",
  cc$treat, data.frame(age = cc$age, age_tiny = cc$age + 1e-12 * k, wt.loss = cc$wt.loss))
cases$near_aliased_kept <- case("age_small = age + 1e-7 * (row %% 7): above tolerance, kept",
  cc$treat, data.frame(age = cc$age, age_small = cc$age + 1e-7 * k, wt.loss = cc$wt.loss))

# Non-convergence: the lung golden model with maxit = 2.
cases$maxit2 <- case("lung golden propensity model with maxit = 2", cc$treat,
  cc[c("age", "ph.ecog", "ph.karno", "wt.loss")], control = list(maxit = 2))
# Tight epsilon: more iterations than the default.
cases$epsilon_tight <- case("lung golden propensity model with epsilon = 1e-14", cc$treat,
  cc[c("age", "ph.ecog", "ph.karno", "wt.loss")], control = list(epsilon = 1e-14))

# Complete separation by one covariate.
x <- 1:10
z <- c(3, 1, 4, 1, 5, 9, 2, 6, 5, 3)
cases$separation_complete <- case("complete separation: y = x > 5", as.integer(x > 5),
  data.frame(x = x, z = z))

# Quasi-complete separation: every row with g = 1 has y = 1.
g <- rep(0:1, c(15, 5))
yq <- c(0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1)
age <- c(52, 61, 47, 70, 58, 66, 49, 55, 63, 71, 45, 60, 57, 68, 50, 62, 59, 53, 64, 48)
cases$separation_quasi <- case("quasi-complete separation: g = 1 implies y = 1", yq,
  data.frame(g = g, age = age))

# Separation by a combination: a + b > 0, neither column separates alone.
a <- c(-1.2, 0.4, 1.5, -0.3, 0.9, -1.8, 0.2, 1.1, -0.7, 0.6, -0.2, 1.9, -1.1, 0.3, -0.5,
       0.8, -1.4, 1.3, 0.1, -0.9)
b <- c(0.5, -0.9, -1.1, 0.9, 0.3, 1.2, -0.6, -0.4, 1.4, -1.0, 0.6, -1.3, 0.8, 0.5, -0.2,
       -0.3, 1.0, 0.2, -0.8, 1.1)
cases$separation_combined <- case("complete separation by a + b > 0", as.integer(a + b > 0),
  data.frame(a = a, b = b))

# Covariate values near 1e300: the QR's column norms must not overflow.
cases$huge_scale <- case("x near 1e300", c(1L, 0L, 1L, 0L, 0L, 1L),
  data.frame(x = c(1e300, -1e300, 3e300, 2e300, -5e300, 1e299)))

# Constant outcome.
cases$all_zero <- case("every outcome is 0", rep(0L, 10), data.frame(x = x))

# More coefficients than rows: rank limited by n.
cases$wide <- case("3 rows, 4 covariates", c(0L, 1L, 1L),
  data.frame(u = c(1, 2, 4), v = c(3, 1, 2), w = c(0, 5, 1), s = c(2, 2, 7)))

# A large synthetic cohort generated with integer arithmetic the C++ test repeats.
i <- seq_len(200000)
x1 <- ((i * 7919) %% 1000) / 100
x2 <- as.numeric(i %% 3 == 0)
u <- ((i * 104729) %% 1000 + 0.5) / 1000
yl <- as.integer(u < 1 / (1 + exp(-(-1 + 0.3 * x1 - 0.5 * x2))))
big <- case("200,000 rows: x1 = ((i * 7919) %% 1000) / 100, x2 = (i %% 3 == 0), y = (u < plogis(-1 + 0.3 x1 - 0.5 x2)), u = ((i * 104729) %% 1000 + 0.5) / 1000",
  yl, data.frame(x1 = x1, x2 = x2), keep_data = FALSE)
idx <- c(1, 2, 3, 1000, 99999, 200000)
big$fitted <- big$fitted[idx]
big$linear_predictor <- big$linear_predictor[idx]
big$rows <- idx
big$events <- sum(yl)
cases$large <- big

out <- list(generated_by = "tests/r/logistic.R", R = R.version.string,
            note = "NA/NaN/Inf written as null; fitted/linear_predictor are per data row",
            cases = cases)
write_extra(out, "logistic", pretty = FALSE)
