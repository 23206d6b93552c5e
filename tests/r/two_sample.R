# R reference values for core/two_sample: t.test(x ~ g) (Welch and pooled)
# and wilcox.test(x ~ g) (exact / normal approximation, continuity
# correction on / off), plus pt/qt and pwilcox values for the distribution
# functions behind them.
#
# Run from the repository root:  Rscript tests/r/two_sample.R
# Writes tests/reference/extra/two_sample.json.
#
# Groups follow the goldens' treat expressions and are passed to R as
# factor(treat, levels = c(0, 1)), so group 0 is R's first level (`x`):
#   pbc:       rows with !is.na(trt), treat = as.integer(trt == 1);
#   lung:      treat = as.integer(sex == 2);
#   colon_bin: treat = as.integer(rx == "Lev+5FU");
#   rotterdam: treat = chemo.
# Every case records the ids (or the generating rule) of the rows it uses,
# its options, R's results and R's warnings / error message.

source("tests/r/common.R")

arr <- function(x) I(as.vector(x))

# Evaluate, keeping the value (or NULL on error), warnings and error text.
capture <- function(expr) {
  warnings <- character(0)
  value <- withCallingHandlers(
    tryCatch(expr, error = function(e) structure(list(message = conditionMessage(e)), class = "r_error")),
    warning = function(w) {
      warnings <<- c(warnings, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  if (inherits(value, "r_error")) list(value = NULL, error = value$message, warnings = arr(warnings))
  else list(value = value, error = NULL, warnings = arr(warnings))
}

ttest_block <- function(x, g, var.equal, conf.level = 0.95) {
  r <- capture(t.test(x ~ g, var.equal = var.equal, conf.level = conf.level))
  out <- list(call = sprintf("t.test(x ~ g, var.equal = %s, conf.level = %s)", var.equal, conf.level),
              var_equal = var.equal, conf_level = conf.level,
              error = r$error, warnings = r$warnings)
  if (!is.null(r$value)) {
    v <- r$value
    out <- c(out, list(statistic = unname(v$statistic), df = unname(v$parameter), p = v$p.value,
                       estimate = arr(unname(v$estimate)),
                       mean_difference = unname(v$estimate[1] - v$estimate[2]),
                       stderr = v$stderr, conf_int = arr(as.vector(v$conf.int)),
                       method = trimws(v$method)))
  }
  out
}

wilcox_block <- function(x, g, exact = NULL, correct = TRUE) {
  r <- capture(wilcox.test(x ~ g, exact = exact, correct = correct))
  ex <- if (is.null(exact)) "NULL" else as.character(exact)
  out <- list(call = sprintf("wilcox.test(x ~ g, exact = %s, correct = %s)", ex, correct),
              exact = if (is.null(exact)) "auto" else if (exact) "always" else "never",
              correct = correct, error = r$error, warnings = r$warnings)
  if (!is.null(r$value)) {
    v <- r$value
    out <- c(out, list(statistic = unname(v$statistic), p = v$p.value, method = v$method))
  }
  out
}

# One case: the rows used (ids) or the values, group codes (0/1, NA = -1),
# counts, and the tests asked for.
make_case <- function(name, description, x, treat, ids = NULL, tests, dataset = NULL, variable = NULL,
                      treat_expression = NULL) {
  g <- factor(treat, levels = c(0, 1))
  keep <- !is.na(x) & !is.na(g)
  list(name = name, description = description, dataset = dataset, variable = variable,
       treat = treat_expression,
       ids = if (is.null(ids)) NULL else arr(ids),
       values = arr(x), group = arr(ifelse(is.na(treat), -1L, as.integer(treat))),
       n = arr(c(sum(keep & g == "0"), sum(keep & g == "1"))),
       results = lapply(tests, function(f) f(x, g)))
}

standard_tests <- list(
  function(x, g) ttest_block(x, g, FALSE),
  function(x, g) ttest_block(x, g, TRUE),
  function(x, g) wilcox_block(x, g),
  function(x, g) wilcox_block(x, g, correct = FALSE),
  function(x, g) wilcox_block(x, g, exact = FALSE))

cases <- list()

pbc <- ds("pbc")
pbc <- pbc[!is.na(pbc$trt), ]
cases[[length(cases) + 1]] <- make_case(
  "pbc_age_by_treat", "pbc rows with trt (312); age by treat = as.integer(trt == 1)",
  pbc$age, as.integer(pbc$trt == 1), pbc$id, dataset = "pbc", variable = "age",
  treat_expression = "as.integer(trt == 1)", tests =
  c(standard_tests, list(function(x, g) ttest_block(x, g, FALSE, 0.9),
                         function(x, g) ttest_block(x, g, TRUE, 0.99),
                         function(x, g) wilcox_block(x, g, exact = TRUE))))

lung <- ds("lung")
cases[[length(cases) + 1]] <- make_case(
  "lung_age_by_sex", "lung (228); age by treat = as.integer(sex == 2)",
  lung$age, as.integer(lung$sex == 2), lung$id, standard_tests, "lung", "age", "as.integer(sex == 2)")

colon_bin <- ds("colon_bin")
cases[[length(cases) + 1]] <- make_case(
  "colon_bin_nodes_by_rx", "colon_bin (619); nodes (some NA) by treat = as.integer(rx == 'Lev+5FU')",
  colon_bin$nodes, as.integer(colon_bin$rx == "Lev+5FU"), colon_bin$id, standard_tests, "colon_bin", "nodes", "as.integer(rx == 'Lev+5FU')")

rotterdam <- ds("rotterdam")
cases[[length(cases) + 1]] <- make_case(
  "rotterdam_age_by_chemo", "rotterdam (2982); age by treat = chemo",
  rotterdam$age, rotterdam$chemo, rotterdam$id, standard_tests, "rotterdam", "age", "chemo")

# Small exact case: men 11-20 and women 11-22 among lung rows whose
# survival time is not repeated anywhere in lung, so there are no ties.
u <- lung[!(lung$time %in% lung$time[duplicated(lung$time)]), ]
small <- rbind(u[u$sex == 1, ][11:20, ], u[u$sex == 2, ][11:22, ])
small <- small[order(small$id), ]
stopifnot(!anyDuplicated(small$time))
small_tests <- c(standard_tests, list(function(x, g) wilcox_block(x, g, exact = FALSE, correct = FALSE)))
cases[[length(cases) + 1]] <- make_case(
  "lung_small_exact_time_by_sex",
  "lung: men 11-20 and women 11-22 (row order) among rows with a survival time unique in lung; time by treat = as.integer(sex == 2)",
  small$time, as.integer(small$sex == 2), small$id, small_tests, "lung", "time", "as.integer(sex == 2)")
# The same rows with the groups swapped: W above n0 n1 / 2 (upper tail).
cases[[length(cases) + 1]] <- make_case(
  "lung_small_exact_time_by_sex_swapped", "as lung_small_exact_time_by_sex with treat = as.integer(sex == 1)",
  small$time, as.integer(small$sex == 1), small$id, small_tests, "lung", "time", "as.integer(sex == 1)")

# Completely separated groups: the extreme of the exact distribution.
cases[[length(cases) + 1]] <- make_case(
  "separated_10_12", "x = 1..22, the 10 smallest in group 0",
  as.numeric(1:22), as.integer(1:22 > 10), NULL, small_tests)

# Ties with small groups: R's default wants the exact test, warns and uses
# the normal approximation.
tied <- rbind(head(lung[lung$sex == 1, ], 15), head(lung[lung$sex == 2, ], 20))
tied <- tied[order(tied$id), ]
stopifnot(anyDuplicated(tied$age) > 0)
cases[[length(cases) + 1]] <- make_case(
  "lung_small_ties_age_by_sex", "lung: first 15 men and 20 women; age (tied) by treat = as.integer(sex == 2)",
  tied$age, as.integer(tied$sex == 2), tied$id, dataset = "lung", variable = "age",
  treat_expression = "as.integer(sex == 2)", tests = c(standard_tests, list(function(x, g) wilcox_block(x, g, exact = TRUE))))

# Exact on request beyond 50 per group (no ties): 60 vs 80 distinct values.
i <- 1:140
# Strictly increasing in i (no ties); rounded to the 15 digits the JSON
# records, so R's input is exactly the recorded one.
xs <- signif(log(i + ((i * 37) %% 11) / 13 + 0.5), 15)
stopifnot(!anyDuplicated(xs))
gs <- as.integer((i * 37) %% 11 > 5)
cases[[length(cases) + 1]] <- make_case(
  "synthetic_exact_60_80", "x = log(i + ((i * 37) %% 11) / 13 + 0.5), treat = as.integer((i * 37) %% 11 > 5), i = 1..140",
  xs, gs, NULL,
  list(function(x, g) wilcox_block(x, g), function(x, g) wilcox_block(x, g, exact = TRUE),
       function(x, g) ttest_block(x, g, FALSE)))

# Exact by default at the boundary: 49 vs 49 (no ties), and 49 vs 50 (normal).
i <- 1:98
xs <- signif(sqrt(i + ((i * 13) %% 5) / 7), 15)
stopifnot(!anyDuplicated(xs))
cases[[length(cases) + 1]] <- make_case(
  "synthetic_49_49", "x = sqrt(i + ((i * 13) %% 5) / 7), treat = i %% 2, i = 1..98",
  xs, i %% 2, NULL, list(function(x, g) wilcox_block(x, g)))
i <- 1:99
xs <- signif(sqrt(i + ((i * 13) %% 5) / 7), 15)
cases[[length(cases) + 1]] <- make_case(
  "synthetic_49_50", "x = sqrt(i + ((i * 13) %% 5) / 7), treat = 1 - i %% 2, i = 1..99",
  xs, 1 - i %% 2, NULL, list(function(x, g) wilcox_block(x, g)))

# Missing values and missing groups are dropped.
cases[[length(cases) + 1]] <- make_case(
  "hand_missing", "hand vector with NA values and NA groups",
  c(3.1, NA, 4.7, 2.2, 9.0, 5.5, 1.1, NA, 6.25, 7.0, 2.9, 8.8),
  c(0, 0, NA, 1, 1, 0, NA, 1, 0, 1, 1, 0), NULL, small_tests)

# Tiny groups: Welch with fractional df < 2.
cases[[length(cases) + 1]] <- make_case(
  "hand_2_vs_3", "2 vs 3 values, very unequal spread",
  c(1.0, 1.2, 10, 30, 55), c(0, 0, 1, 1, 1), NULL, small_tests)

# Degenerate paths.
cases[[length(cases) + 1]] <- make_case(
  "one_value_in_group0", "group 0 has one value: Welch stops, pooled runs",
  c(5, 1, 2, 3), c(0, 1, 1, 1), NULL, small_tests)
cases[[length(cases) + 1]] <- make_case(
  "one_value_each", "one value per group: both t-tests stop",
  c(5, 1), c(0, 1), NULL, small_tests)
cases[[length(cases) + 1]] <- make_case(
  "constant_groups", "each group constant, different means: data are essentially constant",
  c(2, 2, 2, 3, 3), c(0, 0, 0, 1, 1), NULL, small_tests)
cases[[length(cases) + 1]] <- make_case(
  "all_zero", "every value 0: t = NaN without an error in R",
  c(0, 0, 0, 0, 0), c(0, 0, 1, 1, 1), NULL, standard_tests)
cases[[length(cases) + 1]] <- make_case(
  "all_tied", "every value equal (1): W = n0 n1 / 2, p NA",
  c(1, 1, 1, 1, 1), c(0, 0, 0, 1, 1), NULL, standard_tests)
cases[[length(cases) + 1]] <- make_case(
  "empty_group1", "no non-missing value in group 1",
  c(1, 2, 3, NA), c(0, 0, 0, 1), NULL, standard_tests)

# Large cohort, generated by a rule both sides compute exactly.
n_big <- 200000
i <- seq_len(n_big)
xs <- ((i * 7919) %% 10007) / 13 + (i %% 2) * 0.3 + (i %% 3 == 0) * 1.5
gs <- as.integer(i %% 3 == 0)
big <- list(name = "synthetic_200000",
            description = "x = ((i * 7919) %% 10007) / 13 + (i %% 2) * 0.3 + (i %% 3 == 0) * 1.5, treat = as.integer(i %% 3 == 0), i = 1..200000",
            n = arr(c(sum(gs == 0), sum(gs == 1))),
            results = list(ttest_block(xs, factor(gs, levels = c(0, 1)), FALSE),
                           ttest_block(xs, factor(gs, levels = c(0, 1)), TRUE),
                           wilcox_block(xs, factor(gs, levels = c(0, 1)))))

# Distribution functions.
tq <- expand.grid(t = c(-12, -3.3, -2.1, -1, -0.2, 0, 0.7, 1.96, 2.5, 4, 9),
                  df = c(0.3, 1, 1.7, 2, 3.5, 10, 28.6, 123.4, 1000, 54321, 250000, 3e6))
qq <- expand.grid(p = c(1e-10, 0.0005, 0.025, 0.1, 0.5, 0.8, 0.95, 0.975, 0.995),
                  df = c(0.3, 1, 1.7, 2, 3.5, 10, 28.6, 123.4, 1000, 54321, 250000, 3e6))
pw <- expand.grid(q = c(-1, 0, 1, 3, 7, 12.5, 20, 30, 48, 60, 100, 300, 600, 1200, 2400), m = c(1, 3, 10, 25, 49), n = c(1, 4, 12, 49))
distributions <- list(
  pt = list(t = arr(tq$t), df = arr(tq$df), lower = arr(pt(tq$t, tq$df)),
            upper = arr(pt(tq$t, tq$df, lower.tail = FALSE)), two_sided = arr(2 * pt(-abs(tq$t), tq$df)),
            density = arr(dt(tq$t, tq$df))),
  qt = list(p = arr(qq$p), df = arr(qq$df), q = arr(qt(qq$p, qq$df))),
  pbeta = list(x = arr(c(0.001, 0.2, 0.5, 0.73, 0.999, 0.3, 0.6)), a = arr(c(0.5, 2, 30, 7.5, 300, 1e4, 0.1)),
               b = arr(c(3, 0.5, 30, 2.2, 0.5, 2e4, 50)),
               lower = arr(pbeta(c(0.001, 0.2, 0.5, 0.73, 0.999, 0.3, 0.6), c(0.5, 2, 30, 7.5, 300, 1e4, 0.1), c(3, 0.5, 30, 2.2, 0.5, 2e4, 50))),
               upper = arr(pbeta(c(0.001, 0.2, 0.5, 0.73, 0.999, 0.3, 0.6), c(0.5, 2, 30, 7.5, 300, 1e4, 0.1), c(3, 0.5, 30, 2.2, 0.5, 2e4, 50), lower.tail = FALSE))),
  pwilcox = list(q = arr(pw$q), m = arr(pw$m), n = arr(pw$n), p = arr(pwilcox(pw$q, pw$m, pw$n))),
  # The largest smaller group LocalSurv counts exactly (200): centre and tails.
  pwilcox_200 = list(q = arr(c(20099, 19000, 15000, 12000)), m = 200, n = 201,
                     p = arr(pwilcox(c(20099, 19000, 15000, 12000), 200, 201))))

out <- list(
  software = list(R = R.version.string, jsonlite = as.character(packageVersion("jsonlite"))),
  conventions = paste(
    "t.test / wilcox.test formula method with g = factor(treat, levels = c(0, 1)); two-sided, mu = 0.",
    "A case lists the dataset rows by id (tests/reference/datasets/<dataset>.csv) or gives values and",
    "group codes (-1 = NA) directly. mean_difference = estimate[1] - estimate[2]; method is trimws(R's method).",
    "error = R's stop() message (the C++ returns NaN with a warning), warnings = R's warnings."),
  cases = cases, big = big, distributions = distributions)
write_extra(out, "two_sample", pretty = FALSE)
cat("wrote", extra_path("two_sample"), "\n")
