# Reference values for core/concordance (Harrell's C as coxph stores it in
# fit$concordance: concordancefit(..., timewt = "n", reverse = TRUE)).
# Values not covered by the goldens: strata (<= 10 and > 10 levels), case
# weights, cluster, timefix, degenerate inputs and a 200,000-row cohort.
# Run from the repo root: Rscript tests/r/concordance.R
source("tests/r/common.R")
stopifnot(packageVersion("survival") == "3.5.3")

conc_block <- function(cc) {
  list(concordant = unname(cc["concordant"]), discordant = unname(cc["discordant"]),
       tied.x = unname(cc["tied.x"]), tied.y = unname(cc["tied.y"]),
       tied.xy = unname(cc["tied.xy"]), concordance = unname(cc["concordance"]),
       std = unname(cc["std"]))
}
# Inputs as the fitted model saw them (complete cases, event coded 0/1) and
# the linear predictor R used.
cox_case <- function(call, fit, data, strata = NULL, weights = NULL, cluster = NULL) {
  out <- list(call = call, time = unname(data$time), status = as.integer(data$status == 2),
              lp = unname(fit$linear.predictors), concordance = conc_block(fit$concordance))
  if (!is.null(strata)) out$strata <- as.integer(strata)
  if (!is.null(weights)) out$weights <- unname(weights)
  if (!is.null(cluster)) out$cluster <- as.integer(cluster)
  stopifnot(length(out$lp) == length(out$time))
  out
}
fit_block <- function(fit) {
  count <- if (is.matrix(fit$count)) colSums(fit$count) else fit$count  # pooled over strata
  c(list(count = as.list(count)), concordance = fit$concordance, std = sqrt(fit$var))
}

res <- list()

d <- lung
f <- coxph(Surv(time, status) ~ age + strata(sex), d)
res$lung_strata_sex <- cox_case("coxph(Surv(time, status) ~ age + strata(sex), lung)", f, d,
                                strata = d$sex)

d <- lung[complete.cases(lung[c("time", "status", "age", "ph.ecog", "inst")]), ]
f <- coxph(Surv(time, status) ~ age + ph.ecog + strata(inst), d)
stopifnot(length(unique(d$inst)) > 10)  # concordancefit's > 10 strata path
res$lung_strata_inst <- cox_case(
  "coxph(Surv(time, status) ~ age + ph.ecog + strata(inst), lung) (complete cases, 17 strata)",
  f, d, strata = d$inst)

d <- lung
d$w <- 0.5 + (seq_len(nrow(d)) %% 4) / 4
f <- coxph(Surv(time, status) ~ age + sex, d, weights = w)
res$lung_weights <- cox_case(
  "coxph(Surv(time, status) ~ age + sex, lung, weights = 0.5 + (1:228 %% 4)/4)", f, d,
  weights = d$w)

d <- lung[complete.cases(lung[c("time", "status", "age", "ph.ecog", "inst")]), ]
d$w <- 0.5 + (seq_len(nrow(d)) %% 4) / 4
f <- coxph(Surv(time, status) ~ age + ph.ecog + strata(sex) + cluster(inst), d, weights = w)
res$lung_weights_strata_cluster <- cox_case(
  paste("coxph(Surv(time, status) ~ age + ph.ecog + strata(sex) + cluster(inst), lung,",
        "weights = 0.5 + (1:n %% 4)/4) (complete cases)"),
  f, d, strata = d$sex, weights = d$w, cluster = d$inst)

d <- lung
f <- coxph(Surv(time, status) ~ I(0 * age), d)
res$lung_constant_lp <- cox_case("coxph(Surv(time, status) ~ I(0 * age), lung): coef NA, lp 0",
                                 f, d)

d <- lung[lung$status == 1, ]  # everyone censored
f <- coxph(Surv(time, status == 2) ~ age, d)
res$lung_no_events <- cox_case("coxph(Surv(time, status == 2) ~ age, lung[lung$status == 1, ])",
                               f, d)

# Near-tied times: aeqSurv merges 1 and 1 + 1e-9 (and 4 - 1e-12 with 4).
tt <- c(1, 1 + 1e-9, 2, 2, 3, 4 - 1e-12, 4, 5, 6, 7)
ss <- c(1, 1, 1, 0, 1, 1, 0, 1, 0, 1)
xx <- c(3, 1, 2, 2, 5, 4, 1, 0, 2, 3)
res$timefix <- list(
  call = "concordancefit(Surv(time, status), x, reverse = TRUE, timefix = TRUE / FALSE)",
  time = tt, status = ss, x = xx,
  fixed = fit_block(survival:::concordancefit(Surv(tt, ss), xx, reverse = TRUE, timefix = TRUE)),
  exact = fit_block(survival:::concordancefit(Surv(tt, ss), xx, reverse = TRUE, timefix = FALSE)))

# Events exist but no pair is comparable: the only event is the last time.
res$no_pairs <- list(
  call = "concordancefit(Surv(c(1, 2, 3), c(0, 0, 1)), c(1, 2, 3), reverse = TRUE)",
  time = c(1, 2, 3), status = c(0, 0, 1), x = c(1, 2, 3),
  fit = fit_block(survival:::concordancefit(Surv(c(1, 2, 3), c(0, 0, 1)), c(1, 2, 3),
                                            reverse = TRUE)))

# Scale: 200,000 rows built by formula so the C++ test can rebuild them.
i <- seq_len(200000)
bt <- ((i * 7919) %% 10007) + 1
bs <- as.integer(i %% 3 != 0)
bx <- ((i * 104729) %% 1009) / 7
bg <- i %% 4
res$large <- list(
  call = paste("i = 1:200000; time = (i*7919 %% 10007) + 1; status = (i %% 3 != 0);",
               "x = (i*104729 %% 1009)/7; strata = i %% 4;",
               "concordancefit(Surv(time, status), x, [strata], reverse = TRUE)"),
  unstratified = fit_block(survival:::concordancefit(Surv(bt, bs), bx, reverse = TRUE)),
  stratified = fit_block(survival:::concordancefit(Surv(bt, bs), bx, bg, reverse = TRUE)))

res$software <- list(R = R.version.string, survival = as.character(packageVersion("survival")))
write_extra(res, "concordance", pretty = FALSE)
