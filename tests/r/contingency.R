# R reference values for core/contingency that the goldens do not hold:
# chisq.test and fisher.test on small hand tables (a 2x2 with a zero cell, a
# 2x2 whose observed cell is at the edge of its support, 2x3, 3x3, a 3x2 with
# an empty row) and larger r x c tables for the exact network algorithm
# (including two sparse 10x2 tables where FEXACT's tie window matters).
#
# Run from the repository root:  Rscript tests/r/contingency.R
# Writes tests/reference/extra/contingency.json.
#
# Same conventions as the goldens (tests/r/goldens/analyses.R): empty rows and
# columns are dropped before chisq.test; fisher.test gets the table as given.

source("tests/r/common.R")

arr <- function(x) I(as.vector(x))

chisq_block <- function(tab, correct) {
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  warns <- character(0)
  ct <- withCallingHandlers(chisq.test(tab, correct = correct), warning = function(w) {
    warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning")
  })
  list(statistic = unname(ct$statistic), df = unname(ct$parameter), p = unname(ct$p.value),
       yates_applied = correct && nrow(tab) == 2L && ncol(tab) == 2L,
       min_expected = min(ct$expected),
       expected = lapply(seq_len(nrow(ct$expected)), function(i) arr(unname(ct$expected[i, ]))),
       warnings = arr(warns))
}

fisher_block <- function(tab) {
  ft <- fisher.test(tab, workspace = 2e7)
  out <- list(call = "fisher.test(table, workspace = 2e7)", p = ft$p.value)
  if (!is.null(ft$estimate)) {
    out$odds_ratio_cond_mle <- unname(ft$estimate)
    out$conf_int <- arr(as.vector(ft$conf.int))
  }
  out
}

case <- function(name, rows, note = NULL) {
  tab <- do.call(rbind, rows)
  storage.mode(tab) <- "integer"
  list(name = name, note = note, table = lapply(rows, function(r) arr(as.integer(r))),
       chisq_correct_true = chisq_block(tab, TRUE), chisq_correct_false = chisq_block(tab, FALSE),
       fisher = fisher_block(tab))
}

cases <- list(
  case("2x2 zero cell", list(c(0, 7), c(5, 3))),
  case("2x2 observed cell at top of support", list(c(6, 0), c(2, 5))),
  case("2x2 small", list(c(3, 1), c(1, 3))),
  case("2x3", list(c(12, 5, 9), c(4, 11, 6))),
  case("3x3", list(c(8, 2, 5), c(3, 9, 4), c(1, 3, 10))),
  case("3x2 with an empty row", list(c(10, 4), c(0, 0), c(3, 9)),
       note = "chisq on the 2x2 left after dropping the empty row (Yates applies); fisher.test on the 3x2 as given: same p, no odds ratio"),
  case("3x3 n = 700", list(c(134, 113, 76), c(94, 83, 62), c(55, 54, 29)),
       note = "full enumeration of all tables in long double gives p = 0.8038123861153456; FEXACT is 1.8e-11 below it"),
  case("10x2 n = 1614, sparse rows", list(c(557, 343), c(234, 166), c(121, 79), c(35, 25), c(17, 13),
                                         c(7, 5), c(4, 2), c(2, 1), c(1, 1), c(0, 1)),
       note = "FEXACT counts tables with log P <= log P_obs + 3.4525e-7; with the 2x2 rule (1 + 1e-7) p would be 2.4e-7 lower"),
  case("10x2 n = 2331, sparse rows", list(c(1046, 454), c(415, 185), c(106, 44), c(32, 8), c(16, 4),
                                         c(6, 4), c(3, 2), c(1, 2), c(1, 1), c(0, 1))),
  case("4x3 n = 929 (colon extent by rx, reordered)", list(c(249, 259, 251), c(38, 36, 32), c(8, 3, 10), c(20, 12, 11)))
)

# Random tables of many shapes (2x3 to 6x5, n 10 to 300 (100 beyond 12 cells), some sparse, some
# with empty rows or columns) for a broad check of the network algorithm's
# bounds. Tables fisher.test cannot do (workspace) are skipped.
set.seed(20261127)
random_cases <- list()
while (length(random_cases) < 60) {
  r <- sample(2:6, 1); c <- sample(3:5, 1)
  if (runif(1) < 0.5) { tmp <- r; r <- c; c <- tmp }
  n <- sample(if (r * c > 12) 10:100 else 10:300, 1)
  p <- outer(rgamma(r, 1), rgamma(c, 1)) * matrix(rgamma(r * c, 3), r)
  x <- matrix(rmultinom(1, n, as.vector(p)), r)
  if (sum(rowSums(x) > 0) < 2 || sum(colSums(x) > 0) < 2) next
  ok <- tryCatch({ fisher.test(x, workspace = 2e6); TRUE }, error = function(e) FALSE)
  if (!ok) next
  rows <- lapply(seq_len(r), function(i) x[i, ])
  random_cases[[length(random_cases) + 1]] <- case(sprintf("random %d: %dx%d n = %d", length(random_cases) + 1, r, c, n), rows)
}
cases <- c(cases, random_cases)

out <- list(
  software = list(R = R.version.string, jsonlite = as.character(packageVersion("jsonlite"))),
  cases = cases)
write_extra(out, "contingency", pretty = TRUE)
