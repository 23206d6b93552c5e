# Expected values for the 200,000-row cases whose data are plain integer
# arithmetic (tests/core/test_balance.cpp, test_descriptives.cpp): the same
# data built here, summarised by R. Writes tests/reference/extra/scale.json:
#   balance       i = 0..199999; a = ((i * 7919) %% 100003) / 100,
#                 b = i %% 3 == 0, c = i %% 97; treat = i %% 5 == 0,
#                 weight = i %% 2. Per column MatchIt 4.5.1's own summary
#                 line, MatchIt:::bal1var(x, treat, weight, s.weights = 1,
#                 standardize = TRUE, s.d.denom = "treated") (what
#                 summary.matchit prints): means treated/control, SMD,
#                 variance ratio, eCDF mean and max.
#   descriptives  x = (i * 7919) %% 100003 by g = i %% 3 and overall: n,
#                 missing (0), mean, sd, quantile(type = 7) 25/50/75%, min, max.
source("tests/r/common.R")
suppressPackageStartupMessages(library(MatchIt))
stopifnot(packageVersion("MatchIt") == "4.5.1")

i <- 0:199999
n <- length(i)
cols <- list(a = ((i * 7919) %% 100003) / 100, b = as.numeric(i %% 3 == 0), c = as.numeric(i %% 97))
treat <- as.integer(i %% 5 == 0)
weight <- as.numeric(i %% 2)
balance <- lapply(names(cols), function(nm) {
  b <- MatchIt:::bal1var(cols[[nm]], tt = treat, ww = weight, s.weights = rep(1, n),
                         standardize = TRUE, s.d.denom = "treated")
  list(name = nm, mean_treated = b[["Means Treated"]], mean_control = b[["Means Control"]],
       smd = b[["Std. Mean Diff."]], variance_ratio = b[["Var. Ratio"]],
       ecdf_mean = b[["eCDF Mean"]], ecdf_max = b[["eCDF Max"]])
})

x <- (i * 7919) %% 100003
g <- i %% 3
summ <- function(v) {
  q <- quantile(v, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
  list(n = length(v), missing = 0L, mean = mean(v), sd = sd(v), q1 = q[1], median = q[2], q3 = q[3],
       min = min(v), max = max(v))
}
descriptives <- list(overall = summ(x), by_group = lapply(0:2, function(k) summ(x[g == k])))

write_extra(list(
  software = list(R = R.version.string, MatchIt = as.character(packageVersion("MatchIt"))),
  balance = balance, descriptives = descriptives), "scale", pretty = TRUE)
cat("wrote", extra_path("scale"), "\n")
