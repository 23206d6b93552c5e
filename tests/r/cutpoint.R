# R reference values for core/cutpoint that the goldens do not hold:
#   - exactRankTests::cscores(Surv, "LogRank") scores (lung, veteran: tied times);
#   - maxstat.test(..., pmethod = "condMC") with a large B and a fixed seed,
#     to test LocalSurv's own Monte-Carlo p within Monte-Carlo error;
#   - Youden cutpoints on event status and at a time horizon, in base R with
#     LocalSurv's stated rule (cutoff::roc / ROCit are not installed here):
#       thresholds = distinct x; positive = x >= threshold; AUC (Mann-Whitney,
#       ties 1/2) > 0.5: maximise TPR - FPR, else minimise it; ties: the
#       highest threshold (first in decreasing order, after a +Inf threshold
#       with J = 0); J compared exactly as tp * n0 - fp * n1.
#     At a horizon h: case = event with time <= h; control = time > h or
#     censored at h; censored before h left out.
#     pROC's coords(roc(y, x), "best") maximum J is recorded alongside
#     (pROC thresholds are midpoints, its direction follows the medians).
#   - median split; maxstat on data without events.
#
# Run from the repository root:  Rscript tests/r/cutpoint.R
# Writes tests/reference/extra/cutpoint.json.

source("tests/r/common.R")
suppressPackageStartupMessages({
  library(maxstat)
  library(exactRankTests)
  library(pROC)
})
stopifnot(packageVersion("maxstat") == "0.7.25")


cohort <- function(name) {
  d <- ds(name)
  g <- golden(name)
  if (g$dataset$population$filter == "!is.na(trt)") d <- d[!is.na(d$trt), ]
  d$time <- d[[g$dataset$time$column]]
  d$event <- eval(parse(text = g$dataset$event$expression), d)
  if (!is.null(g$dataset$derived))
    for (v in names(g$dataset$derived)) d[[v]] <- eval(parse(text = g$dataset$derived[[v]]), d)
  list(d = d, g = g)
}

youden_base <- function(x, y) {
  u <- sort(unique(x))
  n1 <- sum(y == 1)
  n0 <- sum(y == 0)
  tp <- vapply(u, function(t) sum(y == 1 & x >= t), 0)
  fp <- vapply(u, function(t) sum(y == 0 & x >= t), 0)
  auc <- (sum(rank(x)[y == 1]) - n1 * (n1 + 1) / 2) / (n1 * n0)
  higher <- auc > 0.5
  score <- (tp * n0 - fp * n1) * (if (higher) 1 else -1)
  ord <- rev(seq_along(u))
  s <- c(0, score[ord])
  i <- which.max(s)
  out <- list(n = length(x), n_cases = n1, n_controls = n0, auc = auc, higher_is_event = higher)
  if (i == 1) return(c(out, list(threshold = NA, cutpoint = NA)))
  k <- ord[i - 1]
  tpr <- tp[k] / n1
  fpr <- fp[k] / n0
  sens <- if (higher) tpr else 1 - tpr
  spec <- if (higher) 1 - fpr else fpr
  r <- suppressMessages(roc(y, x, quiet = TRUE))
  best <- coords(r, "best", ret = c("threshold", "sensitivity", "specificity"), transpose = FALSE)
  c(out, list(threshold = u[k], cutpoint = if (k > 1) u[k - 1] else NA,
              sensitivity = sens, specificity = spec, youden = sens + spec - 1,
              proc_direction = r$direction,
              proc_youden = max(best$sensitivity + best$specificity - 1),
              proc_thresholds = best$threshold))
}

cases <- list(
  list(dataset = "lung", variable = "age", subset = NULL, B = 100000, horizon = 365),
  list(dataset = "veteran", variable = "karno", subset = NULL, B = 100000, horizon = 90),
  list(dataset = "colon", variable = "nodes", subset = NULL, B = 10000, horizon = 1095),
  list(dataset = "colon_bin", variable = "nodes", subset = NULL, B = 10000, horizon = 1095),
  list(dataset = "pbc", variable = "bili", subset = NULL, B = 10000, horizon = 1825),
  list(dataset = "rotterdam", variable = "nodes", subset = NULL, B = 10000, horizon = 1825),
  list(dataset = "npc_synth_1", variable = "age", subset = NULL, B = 100000, horizon = 24),
  list(dataset = "npc_synth_1", variable = "ebv_dna", subset = NULL, B = 10000, horizon = 24),
  list(dataset = "npc_synth_1", variable = "bed", subset = "lt_bone == 1", B = 100000,
       horizon = 24)
)

out <- list(software = list(R = R.version.string, maxstat = as.character(packageVersion("maxstat")),
                            exactRankTests = as.character(packageVersion("exactRankTests")),
                            pROC = as.character(packageVersion("pROC"))),
            cases = list())
for (cs in cases) {
  co <- cohort(cs$dataset)
  d <- co$d
  if (!is.null(cs$subset)) d <- d[eval(parse(text = cs$subset), d), ]
  d$x <- d[[cs$variable]]
  d <- d[!is.na(d$x) & !is.na(d$time) & !is.na(d$event), ]
  set.seed(20261127)
  mc <- maxstat.test(Surv(time, event) ~ x, data = d, smethod = "LogRank", pmethod = "condMC",
                     minprop = 0.1, maxprop = 0.9, B = cs$B)
  sc <- cscores(Surv(d$time, d$event), type = "LogRank")
  hz <- !(d$time < cs$horizon & d$event == 0)
  yh <- as.integer(d$event == 1 & d$time <= cs$horizon)
  med <- median(d$x)
  rec <- list(dataset = cs$dataset, variable = cs$variable, subset = cs$subset, n = nrow(d),
              condmc = list(call = sprintf(paste0(
                "set.seed(20261127); maxstat.test(Surv(time, event) ~ x, smethod = 'LogRank', ",
                "pmethod = 'condMC', minprop = 0.1, maxprop = 0.9, B = %d)"), cs$B),
                B = cs$B, p = mc$p.value, statistic = unname(mc$statistic),
                cutpoint = unname(mc$estimate)),
              scores = list(sum = sum(sc), sum_sq = sum(sc^2), first20 = as.vector(sc[1:20])),
              youden_event = youden_base(d$x, d$event),
              youden_horizon = c(list(horizon = cs$horizon, n_excluded_censored = sum(!hz)),
                                 youden_base(d$x[hz], yh[hz])),
              median = list(cutpoint = med, n_high = sum(d$x > med), n_low = sum(d$x <= med)))
  if (cs$dataset %in% c("lung", "veteran")) rec$scores$all <- as.vector(sc)
  out$cases[[length(out$cases) + 1]] <- rec
  cat(cs$dataset, cs$variable, "condMC p", mc$p.value, "\n")
}

# Small hand-made inputs: tied times with deaths and censorings in one run.
tt <- c(1, 2, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8)
ee <- c(1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1)
xx <- c(5, 3, 8, 1, 9, 2, 7, 4, 6, 10, 11, 12)
small <- data.frame(tt = tt, ee = ee, xx = xx, none = 0, one = 1, lop = c(rep(1, 11), 2))
tiny <- maxstat.test(Surv(tt, ee) ~ xx, data = small, smethod = "LogRank", pmethod = "Lau94",
                     minprop = 0.1, maxprop = 0.9)
out$tied <- list(time = tt, event = ee, x = xx,
                 scores = as.vector(cscores(Surv(tt, ee), type = "LogRank")),
                 statistic = unname(tiny$statistic), cutpoint = unname(tiny$estimate),
                 p = tiny$p.value, cuts = tiny$cuts, stats = tiny$stats)
# No events: every statistic is NaN in R.
none <- maxstat.test(Surv(tt, none) ~ xx, data = small, smethod = "LogRank", pmethod = "Lau94",
                     minprop = 0.1, maxprop = 0.9)
out$no_events <- list(statistic = unname(none$statistic), stats = none$stats,
                      estimate = unname(none$estimate))
# maxstat's stops.
err <- function(expr) tryCatch({ expr; "no error" }, error = function(e) conditionMessage(e))
out$errors <- list(
  constant_x = err(maxstat.test(Surv(tt, ee) ~ one, data = small, smethod = "LogRank",
                                pmethod = "Lau94")),
  two_values_lopsided = err(maxstat.test(Surv(tt, ee) ~ lop, data = small, smethod = "LogRank",
                                         pmethod = "Lau94")))

write_extra(out, "cutpoint", pretty = FALSE)
