# R reference values for core/cox_zph that the goldens do not hold: cox.zph
# on Breslow fits, stratified fits, transforms other than "km" (identity,
# rank, log), a fit with an aliased column, case weights, and a fit whose
# events all share one time (singular information: R stops).
#
# Run from the repository root:  Rscript tests/r/cox_zph.R
# Writes tests/reference/extra/cox_zph.json.
#
# Each case: `formula`, `ties`, `transform`, and the cox.zph tables for
# terms = TRUE (by_term) and terms = FALSE (by_coefficient): term (row names,
# GLOBAL last), chisq, df, p. `coef` holds the fitted coefficients (NA = null)
# so the C++ test can check it fitted the same model.

source("tests/r/common.R")
stopifnot(packageVersion("survival") == "3.5.3")


zph_table <- function(z) {
  t <- z$table
  list(term = I(rownames(t)), chisq = I(unname(t[, "chisq"])), df = I(unname(t[, "df"])),
       p = I(unname(t[, "p"])))
}

cases <- list()
add <- function(name, formula, data, ties = "efron", transform = "km", weights = NULL) {
  fit <- if (is.null(weights)) {
    coxph(as.formula(formula), data = data, ties = ties)
  } else {
    data$.w <- weights
    coxph(as.formula(formula), data = data, ties = ties, weights = .w)
  }
  cases[[name]] <<- list(
    name = name, formula = formula, ties = ties, transform = transform,
    weighted = !is.null(weights),
    coef_names = I(names(coef(fit))), coef = I(unname(coef(fit))),
    n = fit$n, nevent = fit$nevent,
    by_term = zph_table(cox.zph(fit, transform = transform, terms = TRUE)),
    by_coefficient = zph_table(cox.zph(fit, transform = transform, terms = FALSE)))
}

lung <- ds("lung")
lung$event <- as.integer(lung$status == 2)
lung$treat <- as.integer(lung$sex == 2)
lung$age_copy <- lung$age
vet <- ds("veteran")
vet$treat <- as.integer(vet$trt == 2)
vet$celltype <- factor(vet$celltype, levels = c("squamous", "smallcell", "adeno", "large"))
vet$prior <- factor(vet$prior, levels = c(0, 10))

lung_f <- "Surv(time, event) ~ treat + age + ph.ecog + ph.karno + wt.loss"
vet_f <- "Surv(time, status) ~ treat + celltype + karno + diagtime + age + prior"

# Breslow fits (goldens hold the Efron ones).
add("lung_breslow_km", lung_f, lung, ties = "breslow")
add("veteran_breslow_km", vet_f, vet, ties = "breslow")
# Other transforms, both ties.
for (tr in c("identity", "rank", "log")) {
  add(paste0("lung_efron_", tr), lung_f, lung, transform = tr)
  add(paste0("veteran_efron_", tr), vet_f, vet, transform = tr)
}
add("lung_breslow_identity", lung_f, lung, ties = "breslow", transform = "identity")
add("veteran_breslow_identity", vet_f, vet, ties = "breslow", transform = "identity")
# Stratified fits: separate baseline hazards, KM transform over all rows.
add("lung_strata_ecog_efron_km", "Surv(time, event) ~ treat + age + ph.karno + strata(ph.ecog)",
    lung)
add("lung_strata_ecog_breslow_identity",
    "Surv(time, event) ~ treat + age + ph.karno + strata(ph.ecog)", lung, ties = "breslow",
    transform = "identity")
add("veteran_strata_celltype_efron_km",
    "Surv(time, status) ~ treat + karno + age + prior + strata(celltype)", vet)
add("veteran_strata_prior_efron_rank", "Surv(time, status) ~ treat + celltype + karno + strata(prior)",
    vet, transform = "rank")
# An aliased column (NA coefficient): cox.zph drops it.
add("lung_aliased_efron_km", "Surv(time, event) ~ treat + age + age_copy + ph.karno", lung)
# Integer case weights (1, 2, 3 cycling).
add("veteran_weighted_efron_km", vet_f, vet, weights = rep(c(1, 2, 3), length.out = nrow(vet)))

# All events at one time: the time-interaction columns carry no information
# and solve() stops; the C++ side returns NaN with a warning.
one_time <- data.frame(time = c(5, 5, 5, 8, 9, 10, 12), status = c(1, 1, 1, 0, 0, 0, 0),
                       x = c(1, 0, 1, 0, 1, 0, 1))
fit <- coxph(Surv(time, status) ~ x, data = one_time)
err <- tryCatch({ cox.zph(fit); "no error" }, error = function(e) conditionMessage(e))
cases[["one_event_time"]] <- list(name = "one_event_time", data = as.list(one_time),
                                  coef = unname(coef(fit)), error = err)

out <- list(software = list(R = R.version.string, survival = as.character(packageVersion("survival"))),
            cases = cases)
write_extra(out, "cox_zph", pretty = TRUE)
