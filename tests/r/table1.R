# Expected Table-1 numeric summaries for tests/core/test_analysis.cpp.
# Run from the repository root: Rscript tests/r/table1.R
# Writes tests/reference/extra/table1.json: for each dataset, group column,
# group levels and numeric covariates, summaries per group and overall:
# n, missing, mean, sd (n-1), median, q1, q3 (quantile type 7), min, max.
source("tests/r/common.R")

cases <- list(
  list(dataset = "lung", group = "sex", levels = c("1", "2"), vars = c("age", "ph.karno", "wt.loss", "meal.cal")),
  list(dataset = "veteran", group = "trt", levels = c("1", "2"), vars = c("karno", "diagtime", "age")),
  list(dataset = "colon_bin", group = "rx", levels = c("Obs", "Lev+5FU"), vars = c("age", "nodes")),
  list(dataset = "pbc", group = "trt", levels = c("2", "1"), vars = c("age", "bili", "albumin", "protime")),
  list(dataset = "rotterdam", group = "chemo", levels = c("0", "1"), vars = c("age", "nodes", "pgr", "er"))
)

summ <- function(x) {
  y <- x[!is.na(x)]
  q <- if (length(y)) quantile(y, c(0.25, 0.5, 0.75), type = 7, names = FALSE) else c(NA, NA, NA)
  list(n = length(y), missing = sum(is.na(x)), mean = if (length(y)) mean(y) else NA,
       sd = if (length(y) > 1) sd(y) else NA, median = q[2], q1 = q[1], q3 = q[3],
       min = if (length(y)) min(y) else NA, max = if (length(y)) max(y) else NA)
}

out <- lapply(cases, function(cs) {
  d <- ds(cs$dataset, check.names = FALSE)
  g <- as.character(d[[cs$group]])
  d <- d[!is.na(g), ]
  g <- as.character(d[[cs$group]])
  vars <- lapply(cs$vars, function(v) {
    list(variable = v, overall = summ(d[[v]]),
         by_group = lapply(cs$levels, function(l) summ(d[[v]][g == l])))
  })
  list(dataset = cs$dataset, group = cs$group, levels = cs$levels, variables = vars)
})

write_extra(out, "table1", pretty = TRUE)
