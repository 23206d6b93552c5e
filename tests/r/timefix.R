# R reference values for core/timefix: survival::aeqSurv() applied directly to
# Surv(time, status) objects, so the shared near-tie rule is checked on its
# own, apart from the fits that use it (survfit, survdiff, coxph, concordance).
#
# Run from the repository root:  Rscript tests/r/timefix.R
# Writes tests/reference/extra/timefix.json.
#
# Each case records its input times (in the given order, not sorted), the
# tolerance (null = aeqSurv's default sqrt(.Machine$double.eps)), the times
# aeqSurv returns (same order) and how many distinct finite times were folded
# into a predecessor. jsonlite keeps 15 significant digits (0.1 + 0.2 would
# come back as 0.3), so the times are also written bit-exactly as C99 hex
# floats (sprintf("%a"), read by strtod): the rule is judged on the last bit.

source("tests/r/common.R")
stopifnot(packageVersion("survival") == "3.5.3")

cases <- list()
add <- function(name, time, description, tolerance = NULL) {
  s <- Surv(time, rep(1, length(time)))
  fixed <- if (is.null(tolerance)) aeqSurv(s) else aeqSurv(s, tolerance = tolerance)
  fixed <- as.vector(fixed[, 1])
  before <- unique(time[is.finite(time)])
  after <- unique(fixed[is.finite(fixed)])
  cases[[length(cases) + 1]] <<- list(
    name = name, description = description, time = time, tolerance = tolerance,
    fixed = fixed, n_merged = length(before) - length(after),
    time_hex = sprintf("%a", time), fixed_hex = sprintf("%a", fixed))
}

add("km_example", c(1, 1 + 1e-10, 0.1 + 0.2, 0.3, 2, 2 * (1 + 1e-9), 5, 7, 7 + 3e-8),
    "1 / 1+1e-10, 0.3 / 0.1+0.2 and 2 / 2(1+1e-9) merge absolutely; 7+3e-8 only relative to the mean |time|")
add("chain", c(10 + 3e-8, 20, 10, 10 + 1e-8, 10 + 2e-8),
    "a chain of sub-tolerance steps collapses onto its first value; unsorted input")
add("none_tied", c(5, 3, 1, 4, 2), "no near ties: the times come back unchanged")
add("large_times_relative", c(1e6, 1e6 + 0.01, 1e6 + 0.02, 2e6, 2e6 + 1),
    "gaps far above the absolute tolerance merge relative to the mean |time|")
add("small_times_absolute", c(1e-9, 2e-9, 5e-9, 1, 2),
    "tiny times differ by less than the absolute tolerance and all merge onto 1e-9")
add("negative_and_zero", c(-2, -2 + 1e-12, 0, 1e-12, 3, -1),
    "negative times and zero: the mean is of |time|")
add("all_equal", c(4, 4, 4), "one distinct time: nothing to merge")
add("single", c(7), "one subject")
add("tolerance_zero", c(1, 1 + 1e-10, 2), "tolerance 0: aeqSurv returns its input", tolerance = 0)
add("tolerance_large", c(1, 1.04, 1.1, 2, 2.05, 3), "tolerance 0.05: merges 1.04 and 2.05", tolerance = 0.05)
set.seed(20261127)
base <- sample(c(0.3, 1, 2.5, 7, 10, 33.3, 100, 250), 200, replace = TRUE)
jitter <- sample(c(0, 1e-10, -1e-10, 1e-9, 1.4e-8, 1.5e-8, 3e-8, 1e-6), 200, replace = TRUE)
add("simulated", base * (1 + jitter), "200 times on 8 values with relative jitter around the tolerance")

hex <- function(s) as.numeric(s)
for (x in cases) stopifnot(identical(hex(x$time_hex), x$time), identical(hex(x$fixed_hex), x$fixed))
write_extra(list(r_version = R.version.string, survival = as.character(packageVersion("survival")),
                cases = cases), "timefix", pretty = TRUE)
