# R reference values for core/kaplan_meier that the goldens do not hold:
# conf.type "log-log", "plain" and "none" on lung and veteran, degenerate and
# edge-case inputs (all censored, one subject, an event at every time, tied
# events and censorings, S exactly 1 - p on a flat and at the curve's end,
# timefix merging, zero and negative times, missing groups, everyone dying
# at once) and a larger simulated cohort with ties and three groups.
#
# Run from the repository root:  Rscript tests/r/kaplan_meier.R
# Writes tests/reference/extra/kaplan_meier.json.
#
# Each case records its inputs (time, status, group code or null = NA) and,
# per stratum of survfit(Surv(time, status) ~ g, conf.type = ...):
#   table     the fit's rows (std.err on survfit's -log S scale)
#   quantiles quantile(fit[i], probs = c(.25, .5, .75), conf.int = TRUE)
#   at_times  summary(fit[i], times, extend = TRUE) (std.err = SE of S)
#   followup  quantile(survfit(Surv(time, 1 - status) ~ g)[i], 0.5) with CI

source("tests/r/common.R")
stopifnot(packageVersion("survival") == "3.5.3")


strata_of <- function(fit) {
  if (is.null(fit$strata)) list(fit) else lapply(seq_along(fit$strata), function(i) fit[i])
}

curve_json <- function(f, times, has_ci, probs) {
  q <- quantile(f, probs = probs, conf.int = has_ci)
  if (has_ci) {
    quant <- list(p = probs, estimate = unname(q$quantile),
                  lower = unname(q$lower), upper = unname(q$upper))
  } else {
    quant <- list(p = probs, estimate = unname(q))
  }
  s <- summary(f, times = times, extend = TRUE)
  tab <- list(time = f$time, n.risk = f$n.risk, n.event = f$n.event, n.censor = f$n.censor,
              surv = f$surv, std.err = f$std.err, cumhaz = f$cumhaz, std.chaz = f$std.chaz)
  at <- list(time = s$time, n.risk = s$n.risk, n.event = s$n.event, n.censor = s$n.censor,
             surv = s$surv, std.err = s$std.err)
  if (has_ci) {
    tab$lower <- f$lower
    tab$upper <- f$upper
    at$lower <- s$lower
    at$upper <- s$upper
  }
  list(n = f$n, events = sum(f$n.event), table = tab, quantiles = quant, at_times = at)
}

run_case <- function(name, time, status, group = NULL, conf.type = "log", times = numeric(0),
                     note = "", conf.int = 0.95, probs = c(0.25, 0.5, 0.75)) {
  has_group <- !is.null(group)
  d <- data.frame(time = time, status = status)
  if (has_group) d$g <- factor(group)
  form <- if (has_group) Surv(time, status) ~ g else Surv(time, status) ~ 1
  rform <- if (has_group) Surv(time, 1 - status) ~ g else Surv(time, 1 - status) ~ 1
  fit <- survfit(form, data = d, conf.type = conf.type, conf.int = conf.int)
  has_ci <- conf.type != "none"
  curves <- lapply(strata_of(fit), curve_json, times = times, has_ci = has_ci,
                   probs = probs)
  groups <- if (has_group) as.integer(levels(droplevels(d$g[!is.na(d$g)]))) else 0L
  for (i in seq_along(curves)) curves[[i]]$group <- groups[i]
  rfit <- survfit(rform, data = d, conf.type = conf.type, conf.int = conf.int)
  followup <- lapply(strata_of(rfit), function(f) {
    q <- quantile(f, probs = 0.5, conf.int = has_ci)
    if (has_ci) list(n = f$n, median = unname(q$quantile), lower = unname(q$lower),
                     upper = unname(q$upper))
    else list(n = f$n, median = unname(q))
  })
  list(name = name, note = note, conf.type = conf.type, conf.int = conf.int, probs = probs,
       call = sprintf("survfit(%s, conf.type = '%s', conf.int = %g); quantile(fit, probs = c(%s), conf.int = TRUE); summary(fit, times, extend = TRUE)",
                      deparse(form), conf.type, conf.int, paste(probs, collapse = ", ")),
       input = list(time = time, status = status, group = if (has_group) group else NULL),
       times = times, curves = curves, followup = followup)
}

cases <- list()
add <- function(x) cases[[length(cases) + 1]] <<- x

# --- conf.type variants on two real datasets --------------------------------
lung <- ds("lung")
veteran <- ds("veteran")
real <- list(
  list(name = "lung", time = lung$time, status = as.integer(lung$status == 2),
       group = as.integer(lung$sex == 2), times = c(180, 365, 730)),
  list(name = "veteran", time = veteran$time, status = veteran$status,
       group = as.integer(veteran$trt == 2), times = c(30, 90, 180)))
for (r in real) {
  for (ct in c("log-log", "plain", "none")) {
    add(run_case(paste0(r$name, "_overall_", ct), r$time, r$status, NULL, ct, r$times))
    add(run_case(paste0(r$name, "_by_group_", ct), r$time, r$status, r$group, ct, r$times))
  }
}

# conf.int other than 0.95, and probabilities other than the quartiles
# (p = 0 reports time 0; p = 1 needs S to reach 0)
add(run_case("lung_by_group_log_ci90_probs", lung$time, as.integer(lung$status == 2),
             as.integer(lung$sex == 2), "log", c(180, 365, 730), "conf.int = 0.9",
             conf.int = 0.9, probs = c(0, 0.1, 0.5, 0.9, 1)))
add(run_case("veteran_overall_log-log_ci99_probs", veteran$time, veteran$status, NULL, "log-log",
             c(30, 90, 180), "conf.int = 0.99", conf.int = 0.99, probs = c(0.05, 0.5, 0.95, 1)))

# --- degenerate and edge cases -----------------------------------------------
for (ct in c("log", "log-log", "plain")) {
  add(run_case(paste0("all_censored_", ct), c(5, 3, 8, 2), c(0, 0, 0, 0), NULL, ct,
               c(1, 4, 10), "no events: S = 1, quantiles NA"))
  add(run_case(paste0("single_event_", ct), 4, 1, NULL, ct, c(2, 4, 6),
               "one subject who dies: S = 0, std.err Inf"))
  add(run_case(paste0("single_censored_", ct), 4, 0, NULL, ct, c(2, 4, 6),
               "one censored subject"))
  add(run_case(paste0("event_every_time_", ct), 1:6, rep(1, 6), NULL, ct, c(0, 3, 3.5, 7),
               "S = 0.5 exactly on [3, 4): median by the midpoint rule; S reaches 0"))
  add(run_case(paste0("ties_event_censor_", ct), c(1, 2, 2, 2, 3, 3, 4, 5, 5, 6),
               c(1, 1, 0, 1, 0, 1, 1, 0, 1, 0), NULL, ct, c(2, 2.5, 5, 9),
               "events and censorings tied at 2, 3 and 5"))
  add(run_case(paste0("flat_half_at_end_", ct), c(1, 2, 3, 3), c(1, 1, 0, 0), NULL, ct,
               c(1, 3), "S = 0.5 on the last flat: quantile's end-of-curve rule"))
  add(run_case(paste0("all_die_at_once_", ct), c(2, 2, 2), c(1, 1, 1), NULL, ct, c(1, 2, 3),
               "everyone dies at one time"))
  add(run_case(paste0("zero_and_negative_times_", ct), c(-2, 0, 0, 1, 3, 3.5),
               c(1, 0, 1, 1, 0, 1), NULL, ct, c(-5, -2, 0, 2, 10),
               "times <= 0: survfit0's origin is min(0, time)"))
}
add(run_case("timefix_merge", c(1, 1 + 1e-10, 0.1 + 0.2, 0.3, 2, 2 * (1 + 1e-9), 5, 7, 7 + 3e-8),
             c(1, 0, 1, 1, 1, 0, 1, 0, 1), NULL, "log", c(1, 2, 6),
             "aeqSurv merges 1 / 1+1e-10, 0.3 / 0.1+0.2, 2 / 2(1+1e-9); 7+3e-8 is tied to 7 only relative to the mean |time|"))
add(run_case("timefix_chain", c(10, 10 + 1e-8, 10 + 2e-8, 10 + 3e-8, 20), c(1, 1, 1, 0, 1), NULL,
             "log", c(10, 15), "a chain of sub-tolerance steps collapses onto its first value"))
add(run_case("groups_with_missing", c(3, 5, 7, 2, 4, 6, 8, 1, 9),
             c(1, 0, 1, 1, 1, 0, 1, 1, 0), c(2, 2, 2, 5, 5, 5, 5, NA, NA), "log", c(4, 8),
             "group NA rows are dropped; codes 2 and 5"))
add(run_case("group_all_censored", c(3, 5, 7, 2, 4, 6), c(1, 1, 1, 0, 0, 0),
             c(0, 0, 0, 1, 1, 1), "log", c(4), "one group without events"))

# --- a larger simulated cohort: many ties, three groups ---------------------
set.seed(20240611)
n <- 3000
g <- sample(0:2, n, replace = TRUE)
tm <- round(rexp(n, rate = c(0.010, 0.007, 0.005)[g + 1]) + rexp(n, 0.02), 0) + 1
st <- rbinom(n, 1, 0.7)
g[sample(n, 25)] <- NA
for (ct in c("log", "log-log", "plain")) {
  add(run_case(paste0("simulated_", ct), tm, st, g, ct, c(10, 50, 100, 365, 2000),
               "3000 subjects, integer times (many ties), 25 missing groups"))
}

# --- which median rule did the goldens' followup_reverse_km use? -----------
# (printed only: quantile(fit, 0.5) vs summary(fit)$table median agree here)
chk <- lapply(real, function(r) {
  f <- survfit(Surv(r$time, 1 - r$status) ~ 1)
  c(quantile = unname(quantile(f, 0.5)$quantile), table = unname(summary(f)$table["median"]))
})
print(chk)

out <- list(
  generated_by = "tests/r/kaplan_meier.R",
  software = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  cases = cases)
write_extra(out, "kaplan_meier", pretty = FALSE)
cat("wrote", length(cases), "cases\n")
