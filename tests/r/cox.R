# R reference values for core/cox that the goldens do not hold: stratified
# fits, aliased and constant columns, perfect separation (infinite
# coefficient), running out of iterations, iter.max = 0, a non-zero init,
# case weights (integer and fractional), robust = TRUE without a cluster,
# clusters with strata, the timefix (aeqSurv) rule, and no events.
#
# Run from the repository root:  Rscript tests/r/cox.R
# Writes tests/reference/extra/cox.json.
#
# Each case: `formula` (what was fitted), `data` for the synthetic cases (the
# inputs the C++ test passes as they are), and R's results: coef (NA = null),
# var, naive_var, loglik [null, final], score (fit$score), wald (fit$wald.test,
# unrounded), rscore, iter, n, nevent, means, linear_predictors, the summary
# table (se = naive, robust_se, z, p, lower, upper) and the warnings raised.

source("tests/r/common.R")
stopifnot(packageVersion("survival") == "3.5.3")


mat <- function(m) {
  m <- as.matrix(m)
  list(rows = lapply(seq_len(nrow(m)), function(i) I(unname(m[i, ]))))
}

fit_case <- function(expr) {
  warns <- character(0)
  fit <- withCallingHandlers(expr, warning = function(w) {
    warns <<- c(warns, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  s <- summary(fit)
  tab <- s$coefficients
  robust <- !is.null(fit$naive.var)
  ci <- s$conf.int
  list(
    coef_names = I(names(coef(fit))),
    coef = I(unname(coef(fit))),
    se = I(unname(tab[, "se(coef)"])),
    robust_se = if (robust) I(unname(tab[, "robust se"])) else NULL,
    z = I(unname(tab[, "z"])),
    p = I(unname(tab[, "Pr(>|z|)"])),
    lower = I(unname(ci[, 3])),
    upper = I(unname(ci[, 4])),
    var = mat(fit$var),
    naive_var = if (robust) mat(fit$naive.var) else NULL,
    loglik = I(unname(fit$loglik)),
    score = as.vector(fit$score),
    wald = as.vector(fit$wald.test),
    rscore = if (is.null(fit$rscore)) NULL else as.vector(fit$rscore),
    df = sum(!is.na(coef(fit))),
    iter = fit$iter,
    n = fit$n,
    nevent = fit$nevent,
    means = I(unname(fit$means)),
    linear_predictors = I(unname(fit$linear.predictors)),
    warnings = I(warns)
  )
}

cases <- list()
add <- function(name, formula, fit, data = NULL, extra = list()) {
  cases[[name]] <<- c(list(name = name, formula = formula, data = data), fit, extra)
}

# --- Stratified fits on reference datasets (both ties) ----------------------
lung <- ds("lung")
lung$event <- as.integer(lung$status == 2)
lung$treat <- as.integer(lung$sex == 2)
vet <- ds("veteran")
vet$treat <- as.integer(vet$trt == 2)
vet$celltype <- factor(vet$celltype, levels = c("squamous", "smallcell", "adeno", "large"))
for (ties in c("efron", "breslow")) {
  add(paste0("lung_strata_ecog_", ties), "Surv(time, event) ~ treat + age + strata(ph.ecog)",
      fit_case(coxph(Surv(time, event) ~ treat + age + strata(ph.ecog), data = lung, ties = ties)))
  add(paste0("veteran_strata_celltype_", ties),
      "Surv(time, status) ~ treat + karno + strata(celltype)",
      fit_case(coxph(Surv(time, status) ~ treat + karno + strata(celltype), data = vet,
                     ties = ties)))
  # cluster + strata: each ECOG stratum, clusters = inst (institution)
  add(paste0("lung_strata_cluster_inst_", ties),
      "Surv(time, event) ~ treat + age + strata(ph.ecog) + cluster(inst)",
      fit_case(coxph(Surv(time, event) ~ treat + age + strata(ph.ecog), cluster = inst,
                     data = lung, ties = ties)))
}

# --- Aliased and constant columns (NA coefficients) -------------------------
lung$age_copy <- lung$age
lung$age_plus_karno <- lung$age + 2 * lung$ph.karno
lung$one <- 1
lung$seven <- 7
add("lung_aliased_copy", "Surv(time, event) ~ age + treat + age_copy",
    fit_case(coxph(Surv(time, event) ~ age + treat + age_copy, data = lung)))
add("lung_aliased_combination", "Surv(time, event) ~ age + ph.karno + age_plus_karno + treat",
    fit_case(coxph(Surv(time, event) ~ age + ph.karno + age_plus_karno + treat, data = lung)))
add("lung_constant_columns", "Surv(time, event) ~ one + age + seven",
    fit_case(coxph(Surv(time, event) ~ one + age + seven, data = lung)))

# --- Perfect separation: a group with no events -----------------------------
lung$censored_flag <- as.integer(lung$status == 1)
for (ties in c("efron", "breslow"))
  add(paste0("lung_separation_", ties), "Surv(time, event) ~ age + censored_flag",
      fit_case(coxph(Surv(time, event) ~ age + censored_flag, data = lung, ties = ties)))

# --- Out of iterations, iter.max = 0, non-zero init -------------------------
add("lung_iter_max_2", "Surv(time, event) ~ treat + age + ph.karno, iter.max = 2",
    fit_case(coxph(Surv(time, event) ~ treat + age + ph.karno, data = lung,
                   control = coxph.control(iter.max = 2))),
    extra = list(iter_max = 2))
add("lung_iter_max_1", "Surv(time, event) ~ treat + age + ph.karno, iter.max = 1",
    fit_case(coxph(Surv(time, event) ~ treat + age + ph.karno, data = lung,
                   control = coxph.control(iter.max = 1))),
    extra = list(iter_max = 1))
add("lung_iter_max_0", "Surv(time, event) ~ treat + age, iter.max = 0",
    fit_case(coxph(Surv(time, event) ~ treat + age, data = lung,
                   control = coxph.control(iter.max = 0))),
    extra = list(iter_max = 0))
add("lung_init", "Surv(time, event) ~ treat + age, init = c(-0.3, 0.05)",
    fit_case(coxph(Surv(time, event) ~ treat + age, data = lung, init = c(-0.3, 0.05))),
    extra = list(init = I(c(-0.3, 0.05))))
# Poor starting values: the first Newton steps overshoot, so R halves them
# (loglik falls), which these iteration counts (11 and 7) depend on.
add("lung_init_far_1", "Surv(time, event) ~ treat + age, init = c(-3, -0.2)",
    fit_case(coxph(Surv(time, event) ~ treat + age, data = lung, init = c(-3, -0.2))),
    extra = list(init = I(c(-3, -0.2))))
add("lung_init_far_2", "Surv(time, event) ~ treat + age, init = c(4, 0.1)",
    fit_case(coxph(Surv(time, event) ~ treat + age, data = lung, init = c(4, 0.1))),
    extra = list(init = I(c(4, 0.1))))
add("lung_init_cluster", "Surv(time, event) ~ treat + age + cluster(inst), init = c(-0.3, 0.05)",
    fit_case(coxph(Surv(time, event) ~ treat + age, cluster = inst, data = lung,
                   init = c(-0.3, 0.05))),
    extra = list(init = I(c(-0.3, 0.05))))

# --- Weights and robust = TRUE ----------------------------------------------
lung$wint <- 1 + (lung$inst %% 3)
lung$wfrac <- 0.5 + (seq_len(nrow(lung)) %% 7) / 4
add("lung_weights_integer", "Surv(time, event) ~ treat + age, weights = 1 + inst %% 3",
    fit_case(coxph(Surv(time, event) ~ treat + age, data = lung, weights = wint)))
add("lung_weights_fractional", "Surv(time, event) ~ treat + age, weights = 0.5 + (row %% 7) / 4",
    fit_case(coxph(Surv(time, event) ~ treat + age, data = lung, weights = wfrac)))
add("lung_weights_fractional_breslow",
    "Surv(time, event) ~ treat + age, weights = 0.5 + (row %% 7) / 4, ties = breslow",
    fit_case(coxph(Surv(time, event) ~ treat + age, data = lung, weights = wfrac,
                   ties = "breslow")))
add("lung_robust_no_cluster", "Surv(time, event) ~ treat + age + ph.ecog, robust = TRUE",
    fit_case(coxph(Surv(time, event) ~ treat + age + ph.ecog, data = lung, robust = TRUE)))
add("veteran_cluster_breslow", "Surv(time, status) ~ treat + karno + celltype + cluster(diagtime)",
    fit_case(coxph(Surv(time, status) ~ treat + karno + celltype, cluster = diagtime, data = vet,
                   ties = "breslow")))

# --- Synthetic: timefix, heavy ties, no events ------------------------------
syn <- data.frame(
  # gaps of 1e-9..2e-9 (< sqrt(.Machine$double.eps)): aeqSurv makes them ties
  time = c(0.300000001, 0.3, 0.3, 1, 1.000000002, 1, 2, 2.5, 2.500000001, 3, 4, 4, 5, 6, 0.7, 1.1),
  status = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0),
  x1 = c(1.2, -0.4, 0.3, 2.2, 0.1, -1.3, 0.8, 0.5, -0.2, 1.9, -0.7, 0.6, 0.0, 1.1, -1.5, 0.4),
  x2 = c(0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0),
  g = c(1, 1, 2, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2)
)
for (ties in c("efron", "breslow")) {
  add(paste0("synthetic_timefix_", ties), "Surv(time, status) ~ x1 + x2",
      fit_case(coxph(Surv(time, status) ~ x1 + x2, data = syn, ties = ties)), data = syn)
  add(paste0("synthetic_timefix_off_", ties), "Surv(time, status) ~ x1 + x2, timefix = FALSE",
      fit_case(coxph(Surv(time, status) ~ x1 + x2, data = syn, ties = ties,
                     control = coxph.control(timefix = FALSE))), data = syn,
      extra = list(timefix = FALSE))
  add(paste0("synthetic_strata_cluster_", ties), "Surv(time, status) ~ x1 + strata(g) + cluster(x2)",
      fit_case(coxph(Surv(time, status) ~ x1 + strata(g), cluster = x2, data = syn, ties = ties)),
      data = syn)
}
noev <- syn
noev$status <- 0
add("synthetic_no_events", "Surv(time, 0) ~ x1 + x2",
    fit_case(coxph(Surv(time, status) ~ x1 + x2, data = noev)), data = noev)

out <- list(
  software = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  cases = unname(cases)
)
write_extra(out, "cox", dataframe = "columns", pretty = TRUE)
cat("wrote", extra_path("cox"), "with", length(cases), "cases\n")
