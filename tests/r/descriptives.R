# R reference values for core/descriptives (Table 1): per group and overall,
# numerics: n, missing, mean, sd, median, quantile(type = 7) Q1/Q3, min, max;
# categoricals: table() counts, percent of non-missing, missing count.
#
# Run from the repository root:  Rscript tests/r/descriptives.R
# Writes tests/reference/extra/descriptives.json.
#
# Populations and groups follow the goldens' dataset blocks:
#   lung: all 228 rows, group = as.integer(sex == 2) (0 = male, 1 = female);
#   pbc:  rows with !is.na(trt) (312), group = as.integer(trt == 1)
#         (1 = D-penicillamine, 0 = placebo).
# Plus a hand vector exercising quantile interpolation, ties, even/odd n,
# a single value and an all-missing group.

source("tests/r/common.R")

arr <- function(x) I(as.vector(x))

num_summary <- function(x) {
  y <- x[!is.na(x)]
  q <- if (length(y)) unname(quantile(y, c(0.25, 0.75), type = 7)) else c(NA, NA)
  list(n = length(y), missing = sum(is.na(x)),
       mean = if (length(y)) mean(y) else NA, sd = if (length(y) > 1) sd(y) else NA,
       median = if (length(y)) median(y) else NA, q1 = q[1], q3 = q[2],
       min = if (length(y)) min(y) else NA, max = if (length(y)) max(y) else NA)
}

cat_summary <- function(x, levels) {
  f <- factor(as.character(x), levels = levels)
  counts <- as.vector(table(f))
  n <- sum(counts)
  list(n = n, missing = sum(is.na(x)), counts = arr(counts),
       percent = arr(if (n > 0) 100 * counts / n else rep(NA, length(levels))))
}

by_group <- function(x, g, groups, fun, ...) {
  list(overall = fun(x, ...),
       by_group = lapply(groups, function(l) fun(x[!is.na(g) & g == l], ...)))
}

block <- function(d, population, group_expr, groups, numerics, factors) {
  g <- eval(parse(text = group_expr), d)
  list(population = population, n = nrow(d), group = list(expression = group_expr, levels = arr(groups)),
       numeric = setNames(lapply(numerics, function(v) by_group(d[[v]], g, groups, num_summary)), numerics),
       categorical = setNames(lapply(names(factors), function(v)
         c(list(levels = arr(factors[[v]])), by_group(d[[v]], g, groups, cat_summary, factors[[v]]))),
         names(factors)))
}

lung <- ds("lung")
pbc <- ds("pbc")
pbc <- pbc[!is.na(pbc$trt), ]

hand <- data.frame(
  x = c(3, 1, 4, 1, 5, 9, 2, 6, NA, 5, 3.5, 7, NA, 0.1, 0.2, 0.3, 8, NA, NA),
  f = c("a", "b", "a", NA, "c", "a", "b", "b", "a", NA, "c", "a", "b", "a", "a", "b", "c", NA, NA),
  g = c(0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1, 4, 4))
# group 2: two values; group 3: one value and one NA (sd NA); group 4: all NA.

out <- list(
  software = list(R = R.version.string),
  lung = block(lung, "all rows", "as.integer(sex == 2)", c(0, 1), c("age", "wt.loss"),
               list(ph.ecog = c("0", "1", "2", "3"))),
  pbc = block(pbc, "!is.na(trt)", "as.integer(trt == 1)", c(0, 1), c("bili"),
              list(stage = c("1", "2", "3", "4"))),
  hand = block(hand, "hand vector", "g", c(0, 1, 2, 3, 4), c("x"), list(f = c("a", "b", "c"))))
write_extra(out, "descriptives", pretty = TRUE)
