# R reference values for case weights in core/kaplan_meier and core/cox: the
# matched cohort of a 1:k match (ratio > 1) or a match with replacement,
# analysed with MatchIt's `weights` as R users do:
#   survfit(Surv(time, event) ~ treat, data = m, weights = weights)
#   coxph(Surv(time, event) ~ treat, data = m, weights = weights, cluster = subclass)
#   coxph(Surv(time, event) ~ treat, data = m, weights = weights, robust = TRUE)
# plus small hand-made cases (fractional weights on tied event times, integer
# weights against replicated rows, zero weights in survfit).
#
# Run from the repository root:  Rscript tests/r/weights.R
# Writes tests/reference/extra/weights.json.
#
# The matches are the `corrected` ones (MatchIt's own matchit() code with the
# pairing step that MatchIt >= 4.5.4 runs, as tests/r/matching.R; the
# installed 4.5.1 truncates distances, tests/reference/README.md), so they are
# what LocalSurv's core/matching gives. Each case stores the matched rows
# (match.data(m): weight > 0) with time, event, treat, weight and subclass, so
# the C++ test needs neither MatchIt nor the pairing.
#
# survfit with non-integer weights switches robust = TRUE on by itself (each
# row its own cluster): its std.err is then the infinitesimal-jackknife SE of
# S itself (fit$logse = FALSE), not Greenwood. Both are recorded: `se_log` is
# the SE of -log S (std.err, or std.err / surv when logse is FALSE, 0 where it
# is 0, as survfit_confint does) and `se_surv` the SE of S.

source("tests/r/common.R")
suppressPackageStartupMessages(library(MatchIt))
stopifnot(packageVersion("survival") == "3.5.3")

# The matching helpers of tests/r/matching.R (the pairing MatchIt >= 4.5.4
# runs, and the per-case runner), taken from that script without running it.
source("tests/r/goldens/matching_ref.R")  # with_pairing()
local({
  wanted <- c("make_pairing_k", "capture_order", "golden_input", "with_warnings", "run_case")
  for (e in parse("tests/r/matching.R")) {
    if (is.call(e) && identical(e[[1]], as.name("<-")) && is.name(e[[2]]) &&
        as.character(e[[2]]) %in% wanted)
      eval(e, envir = globalenv())
  }
})
match_case <- run_case
rm(run_case)


strata_of <- function(fit) {
  if (is.null(fit$strata)) list(fit) else lapply(seq_along(fit$strata), function(i) fit[i])
}

curve_json <- function(f, times, probs = c(0.25, 0.5, 0.75)) {
  logse <- isTRUE(f$logse)
  se_log <- if (logse) f$std.err else ifelse(f$std.err == 0, 0, f$std.err / f$surv)
  se_surv <- if (logse) f$std.err * f$surv else f$std.err
  q <- quantile(f, probs = probs, conf.int = TRUE)
  s <- summary(f, times = times, extend = TRUE)
  list(n = f$n, events = sum(f$n.event), logse = logse,
       table = list(time = f$time, n.risk = f$n.risk, n.event = f$n.event,
                    n.censor = f$n.censor, surv = f$surv, std.err = f$std.err, se_log = se_log,
                    se_surv = se_surv, lower = f$lower, upper = f$upper, cumhaz = f$cumhaz,
                    std.chaz = f$std.chaz),
       quantiles = list(p = probs, estimate = unname(q$quantile), lower = unname(q$lower),
                        upper = unname(q$upper)),
       at_times = list(time = s$time, n.risk = s$n.risk, n.event = s$n.event,
                       n.censor = s$n.censor, surv = s$surv, std.err = s$std.err,
                       lower = s$lower, upper = s$upper))
}

km_block <- function(d, conf.type, robust = NULL, by_group = TRUE, times) {
  form <- if (by_group) Surv(time, event) ~ treat else Surv(time, event) ~ 1
  fit <- if (is.null(robust)) {
    survfit(form, data = d, weights = weights, conf.type = conf.type)
  } else {
    survfit(form, data = d, weights = weights, conf.type = conf.type, robust = robust)
  }
  list(conf_type = conf.type, robust = if (is.null(robust)) "default" else robust,
       by_group = by_group,
       call = paste0("survfit(", deparse(form), ", weights = weights, conf.type = '", conf.type,
                     "'", if (!is.null(robust)) paste0(", robust = ", robust), ")"),
       curves = lapply(strata_of(fit), curve_json, times = times))
}

mat <- function(m) {
  m <- as.matrix(m)
  lapply(seq_len(nrow(m)), function(i) I(unname(m[i, ])))
}

cox_block <- function(expr, label) {
  warns <- character(0)
  fit <- withCallingHandlers(expr, warning = function(w) {
    warns <<- c(warns, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  s <- summary(fit)
  tab <- s$coefficients
  robust <- !is.null(fit$naive.var)
  list(call = label, ties = fit$method, robust = robust,
       coef = I(unname(coef(fit))), se = I(unname(tab[, "se(coef)"])),
       robust_se = if (robust) I(unname(tab[, "robust se"])) else NULL,
       z = I(unname(tab[, "z"])), p = I(unname(tab[, "Pr(>|z|)"])),
       lower = I(unname(s$conf.int[, 3])), upper = I(unname(s$conf.int[, 4])),
       var = mat(fit$var), naive_var = if (robust) mat(fit$naive.var) else NULL,
       loglik = I(unname(fit$loglik)), score = as.vector(fit$score),
       wald = as.vector(fit$wald.test), rscore = if (is.null(fit$rscore)) NULL else as.vector(fit$rscore),
       lrt_p = unname(s$logtest["pvalue"]), wald_p = unname(s$waldtest["pvalue"]),
       score_p = unname(s$sctest["pvalue"]),
       robust_p = if (robust) unname(s$robscore["pvalue"]) else NULL,
       iter = fit$iter, n = fit$n, nevent = fit$nevent, warnings = I(warns))
}

# The matched cohort of one tests/r/matching.R-style case, joined to the
# outcome.
matched_cohort <- function(mc, data, time_of, event_of) {
  w <- mc$corrected$weights
  ids <- mc$input$id
  sub <- rep(NA_integer_, length(ids))
  pr <- mc$corrected$pairs
  if (!mc$options$replace) {
    sub[match(pr$treated_id, ids)] <- pr$subclass
    sub[match(pr$control_id, ids)] <- pr$subclass
  }
  keep <- w > 0
  rows <- match(ids[keep], data$id)
  data.frame(id = ids[keep], time = time_of(data[rows, ]), event = event_of(data[rows, ]),
             treat = mc$input$treat[keep], weights = w[keep], subclass = sub[keep])
}

cases <- list()
add_case <- function(name, description, d, times, cluster) {
  message(name)
  km <- list(km_block(d, "log", times = times),
             km_block(d, "log-log", times = times),
             km_block(d, "plain", times = times),
             km_block(d, "log", robust = FALSE, times = times),
             km_block(d, "log", robust = TRUE, by_group = FALSE, times = times))
  cox <- list()
  for (ties in c("efron", "breslow")) {
    if (cluster) {
      cox[[length(cox) + 1]] <- cox_block(
        coxph(Surv(time, event) ~ treat, data = d, weights = weights, cluster = subclass, ties = ties),
        paste0("coxph(Surv(time, event) ~ treat, weights = weights, cluster = subclass, ties = '", ties, "')"))
    } else {
      cox[[length(cox) + 1]] <- cox_block(
        coxph(Surv(time, event) ~ treat, data = d, weights = weights, robust = TRUE, ties = ties),
        paste0("coxph(Surv(time, event) ~ treat, weights = weights, robust = TRUE, ties = '", ties, "')"))
    }
    if (cluster) {
      # The pair-stratified model (each subclass its own baseline hazard);
      # non-integer weights make it robust on the row.
      cox[[length(cox) + 1]] <- cox_block(
        coxph(Surv(time, event) ~ treat + strata(subclass), data = d, weights = weights, ties = ties),
        paste0("coxph(Surv(time, event) ~ treat + strata(subclass), weights = weights, ties = '", ties, "')"))
    }
    cox[[length(cox) + 1]] <- cox_block(
      coxph(Surv(time, event) ~ treat, data = d, weights = weights, robust = FALSE, ties = ties),
      paste0("coxph(Surv(time, event) ~ treat, weights = weights, robust = FALSE, ties = '", ties, "')"))
  }
  cases[[name]] <<- list(
    name = name, description = description,
    data = list(id = I(d$id), time = I(d$time), event = I(d$event), treat = I(d$treat),
                weights = I(d$weights), subclass = if (cluster) I(d$subclass) else NULL,
                x = if (!is.null(d$x)) I(d$x) else NULL),
    times = I(times), km = km, cox = cox)
}

# --- Matched cohorts -----------------------------------------------------------
mjson <- fromJSON("tests/reference/extra/matching.json", simplifyVector = TRUE)$cases
rott_d <- ds("rotterdam")
lung_d <- ds("lung")
pbc_d <- ds("pbc")

add_case("rotterdam_ratio2_caliper",
         paste("rotterdam, treat = chemo, 1:2 nearest on the logit with caliper 0.2 SD",
               "(matching.json rotterdam_ratio2_logit, corrected); cluster = subclass"),
         matched_cohort(mjson$rotterdam_ratio2_logit, rott_d, function(x) x$dtime,
                        function(x) x$death),
         c(365, 1095, 1826, 3652), cluster = TRUE)

add_case("lung_ratio2",
         "lung, treat = (sex == 2), event = (status == 2), 1:2 nearest (matching.json lung_ratio2); cluster = subclass",
         matched_cohort(mjson$lung_ratio2, lung_d, function(x) x$time,
                        function(x) as.integer(x$status == 2)),
         c(180, 365, 730), cluster = TRUE)

add_case("lung_replace",
         "lung, treat = (sex == 2), 1:1 with replacement (matching.json lung_replace); robust on the unit",
         matched_cohort(mjson$lung_replace, lung_d, function(x) x$time,
                        function(x) as.integer(x$status == 2)),
         c(180, 365, 730), cluster = FALSE)

# pbc: the golden's population (trt non-missing), event status == 2, treat
# trt == 1; 1:2 on the logit with caliper 0.2 SD (a treated unit can get 0, 1
# or 2 controls, so the control weights are not all 1).
pbc_in <- golden_input("pbc", function(d) as.integer(d$trt == 1))
pbc_mc <- match_case("pbc 1:2 on logit, caliper 0.2 SD", pbc_in, "lp", ratio = 2L, caliper = 0.2)
add_case("pbc_ratio2_caliper",
         "pbc (trt non-missing), treat = (trt == 1), event = (status == 2), 1:2 nearest on the logit, caliper 0.2 SD (corrected pairing); cluster = subclass",
         matched_cohort(pbc_mc, pbc_d, function(x) x$time, function(x) as.integer(x$status == 2)),
         c(730, 1461, 2922), cluster = TRUE)
pbc_rep <- match_case("pbc 1:1 with replacement", pbc_in, "ps", replace = TRUE)
add_case("pbc_replace",
         "pbc (trt non-missing), treat = (trt == 1), event = (status == 2), 1:1 with replacement; robust on the unit",
         matched_cohort(pbc_rep, pbc_d, function(x) x$time, function(x) as.integer(x$status == 2)),
         c(730, 1461, 2922), cluster = FALSE)

# --- Hand-made ------------------------------------------------------------------
# Fractional weights on tied event times (Efron's weighted correction), tied
# censorings, two clusters, a numeric covariate.
tiny <- data.frame(
  id = 1:14,
  time = c(1, 2, 2, 2, 3, 3, 4, 5, 5, 5, 6, 7, 8, 8),
  event = c(1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1),
  treat = c(0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0),
  weights = c(0.5, 1.25, 2, 0.75, 1, 1.5, 0.3, 2.5, 0.4, 1, 0.8, 1.7, 1.1, 0.6),
  subclass = c(1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7),
  x = c(0.3, -1.2, 0.8, 1.5, -0.4, 0.1, 2.2, -0.9, 0.5, 1.1, -1.6, 0.7, 0.2, -0.3))
add_case("tiny_fractional", "hand-made: fractional weights, events tied at 2 and 5, cluster = subclass",
         tiny, c(0.5, 2, 4.5, 8, 9), cluster = TRUE)
tiny_fit <- list()
for (ties in c("efron", "breslow")) {
  tiny_fit[[length(tiny_fit) + 1]] <- cox_block(
    coxph(Surv(time, event) ~ treat + x, data = tiny, weights = weights, ties = ties),
    paste0("coxph(Surv(time, event) ~ treat + x, weights = weights, ties = '", ties, "')"))
  tiny_fit[[length(tiny_fit) + 1]] <- cox_block(
    coxph(Surv(time, event) ~ treat + x, data = tiny, weights = weights, cluster = subclass, ties = ties),
    paste0("coxph(Surv(time, event) ~ treat + x, weights = weights, cluster = subclass, ties = '", ties, "')"))
}
cases$tiny_fractional$cox_x <- tiny_fit

# Integer weights: survfit's weighted Greenwood (no robust default) and the
# naive Cox variance; equal to replicating each row `weights` times.
tint <- tiny
tint$weights <- c(1, 2, 3, 1, 1, 2, 1, 3, 1, 2, 1, 1, 2, 1)
add_case("tiny_integer", "hand-made: integer weights (= replicated rows), no robust default",
         tint, c(0.5, 2, 4.5, 8, 9), cluster = TRUE)
rep_rows <- tint[rep(seq_len(nrow(tint)), tint$weights), ]
rep_rows$weights <- 1
rep_fit <- survfit(Surv(time, event) ~ treat, data = rep_rows)
cases$tiny_integer$replicated_km_surv <- I(rep_fit$surv)
cases$tiny_integer$replicated_km_std_err <- I(rep_fit$std.err)

# Zero weights: survfit keeps the rows (their times become rows of the
# curve with nothing happening); coxph stops ("Invalid weights, must be >0").
tzero <- tiny
tzero$weights[c(1, 6, 11, 14)] <- 0
zk <- list(km_block(tzero, "log", times = c(0.5, 2, 4.5, 8, 9)),
           km_block(tzero, "log", robust = FALSE, times = c(0.5, 2, 4.5, 8, 9)))
cox_zero <- tryCatch(coxph(Surv(time, event) ~ treat, data = tzero, weights = weights),
                     error = function(e) conditionMessage(e))
stopifnot(is.character(cox_zero))
cases$tiny_zero_weights <- list(
  name = "tiny_zero_weights", description = "hand-made: four rows of weight 0",
  data = list(id = I(tzero$id), time = I(tzero$time), event = I(tzero$event),
              treat = I(tzero$treat), weights = I(tzero$weights)),
  times = I(c(0.5, 2, 4.5, 8, 9)), km = zk, coxph_error = cox_zero)

out <- list(
  generated_by = "tests/r/weights.R",
  software = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                  MatchIt = as.character(packageVersion("MatchIt")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  cases = unname(cases))
write_extra(out, "weights", pretty = FALSE)
cat("wrote", extra_path("weights"), "with", length(cases), "cases\n")
