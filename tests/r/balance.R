# Reference values for core/balance that the goldens do not hold.
# Run from the repo root:  Rscript tests/r/balance.R
# Writes tests/reference/extra/balance.json with
#
# 1. "pooled": tableone's standardized mean difference, in base R (tableone
#    is not installed here), on veteran and pbc before matching and after the
#    goldens' corrected a_default matching. Per model-matrix column (every
#    factor level its own 0/1 column, propensity score first as "distance"),
#    on the sample at hand (all rows before matching, the matched units after):
#      SMD = (mean_t - mean_c) / sqrt((s_t^2 + s_c^2) / 2)
#    where s_g^2 = p_g (1 - p_g) for a factor-level column (tableone's
#    categorical formula; for a two-level factor it is tableone's SMD) and
#    s_g^2 = var(x_g) (n - 1) for every numeric column, 0/1 ones included
#    (tableone treats numeric variables as continuous). tableone prints |SMD|;
#    the sign is kept here. Variance ratio (numerics only) and eCDF mean/max
#    follow MatchIt's definitions, also in base R: var_t / var_c of the sample,
#    NA when every value is 0 or 1; |F_t - F_c| over the distinct values of
#    the column in ALL rows (unmatched rows add grid points, no mass), and
#    |mean_t - mean_c| for 0/1 columns.
# 2. "matchit_edge": MatchIt 4.5.1's own per-column routine (MatchIt:::bal1var,
#    what summary(m, standardize = TRUE) calls with s.d.denom = "treated") on
#    small data that reach its special cases: treated SD zero (pooled
#    fallback), equal means (raw difference), a single weighted treated unit,
#    one unit per group (NA), zero-weight rows widening the eCDF grid.
source("tests/r/common.R")
suppressPackageStartupMessages(library(MatchIt))
stopifnot(packageVersion("MatchIt") == "4.5.1")

# MatchIt's summary matrix for a golden dataset: distance, then covariates
# with every declared factor level as its own column.
design <- function(name, treat_fun) {
  g <- golden(name)
  d <- ds(name, stringsAsFactors = FALSE)
  ids <- g$logistic$ps_all$id
  d <- d[match(ids, d$id), ]
  cols <- list(distance = g$logistic$ps_all$ps)
  level <- c(distance = FALSE)
  covs <- g$dataset$covariates
  for (k in seq_len(nrow(covs))) {
    v <- covs$name[k]
    if (covs$type[k] == "factor") {
      for (l in covs$levels[[k]]) {
        cols[[paste0(v, l)]] <- as.numeric(as.character(d[[v]]) == l)
        level[paste0(v, l)] <- TRUE
      }
    } else {
      cols[[v]] <- as.numeric(d[[v]])
      level[v] <- FALSE
    }
  }
  pairs <- g$matching$a_default$corrected$pairs
  w_after <- as.numeric(ids %in% c(pairs$treated_id, pairs$control_id))
  list(ids = ids, treat = treat_fun(d), x = cols, factor_level = unname(level[names(cols)]),
       w_after = w_after)
}

pooled_stage <- function(D, w) {
  t <- D$treat
  out <- list(weights = w, mean_treated = c(), mean_control = c(), pooled_sd = c(), smd = c(),
              variance_ratio = c(), ecdf_mean = c(), ecdf_max = c())
  for (j in seq_along(D$x)) {
    x <- D$x[[j]]
    xt <- x[t == 1 & w > 0]
    xc <- x[t == 0 & w > 0]
    mt <- mean(xt)
    mc <- mean(xc)
    if (D$factor_level[j]) {
      vt <- mt * (1 - mt)
      vc <- mc * (1 - mc)
    } else {
      vt <- var(xt)
      vc <- var(xc)
    }
    sd <- sqrt((vt + vc) / 2)
    binary <- all(x == 0 | x == 1)
    if (binary) {
      vr <- NA
      em <- ex <- abs(mt - mc)
    } else {
      vr <- var(xt) / var(xc)
      grid <- sort(unique(x))
      d <- abs(ecdf(xt)(grid) - ecdf(xc)(grid))
      em <- mean(d)
      ex <- max(d)
    }
    out$mean_treated <- c(out$mean_treated, mt)
    out$mean_control <- c(out$mean_control, mc)
    out$pooled_sd <- c(out$pooled_sd, sd)
    out$smd <- c(out$smd, (mt - mc) / sd)
    out$variance_ratio <- c(out$variance_ratio, vr)
    out$ecdf_mean <- c(out$ecdf_mean, em)
    out$ecdf_max <- c(out$ecdf_max, ex)
  }
  out
}

pooled_case <- function(name, treat_fun) {
  D <- design(name, treat_fun)
  list(description = sprintf("%s: golden sample, corrected a_default pairs", name),
       data = list(names = names(D$x), factor_level = D$factor_level, treat = D$treat, x = D$x),
       before = pooled_stage(D, rep(1, length(D$treat))),
       after = pooled_stage(D, D$w_after))
}

pooled <- list(
  pooled_case("veteran", function(d) as.integer(d$trt == 2)),
  pooled_case("pbc", function(d) as.integer(d$trt == 1))
)

edge_case <- function(description, x, treat, weights) {
  expected <- lapply(x, function(v) unname(MatchIt:::bal1var(v, tt = treat, ww = weights,
    s.weights = rep(1, length(treat)), standardize = TRUE, s.d.denom = "treated",
    compute.pair.dist = FALSE)))
  list(description = description,
       data = list(names = I(names(x)), treat = treat, weights = weights, x = x),
       expected = expected)
}

set.seed(20261127)
tr <- c(rep(1, 6), rep(0, 8))
matchit_edge <- list(
  edge_case("treated constant: pooled fallback (numeric and binary)",
            list(num = c(rep(5, 6), 3, 4, 6, 7, 4, 5, 8, 2),
                 bin = c(rep(1, 6), 0, 1, 0, 1, 1, 0, 0, 1),
                 dist = round(runif(14), 3)),
            tr, rep(1, 14)),
  edge_case("equal means: raw difference",
            list(num = c(1, 2, 3, 4, 5, 3, 3, 3, 3, 3, 2, 4, 1, 5),
                 bin = c(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0)),
            tr, rep(1, 14)),
  edge_case("after matching: zero-weight rows widen the eCDF grid; ties",
            list(num = c(1, 2, 2, 3, 8, 9, 2, 2, 3, 10, 11, 1, 0, 12),
                 dist = round(runif(14), 4)),
            tr, c(1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0)),
  edge_case("a single weighted treated unit",
            list(num = c(1, 2, 3, 4, 5, 6, 2, 2, 3, 10, 11, 1, 0, 12),
                 bin = c(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0)),
            tr, c(1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0)),
  edge_case("one unit per group: MatchIt's NA",
            list(num = c(1, 2, 3, 4, 5, 6, 2, 2, 3, 10, 11, 1, 0, 12)),
            tr, c(1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0))
)

write_extra(list(
  software = list(R = R.version.string, MatchIt = as.character(packageVersion("MatchIt"))),
  pooled_formula = "SMD = (mean_t - mean_c) / sqrt((s_t^2 + s_c^2) / 2); s_g^2 = p_g (1 - p_g) for factor-level columns, var() (n-1) otherwise; on the weighted (matched) sample",
  pooled = pooled,
  matchit_edge = matchit_edge
), "balance", pretty = FALSE)
cat("wrote", extra_path("balance"), "\n")
