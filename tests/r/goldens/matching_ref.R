# Re-implementation of MatchIt's 1:1 nearest-neighbour pairing step
# (nn_matchC_vec: ratio 1, no replacement, no exact/anti-exact/covariate
# calipers), with the same interface, so it can stand in for the compiled one
# inside MatchIt's own R code (matchit(), summary(), match.data()).
#
# truncate = TRUE reproduces MatchIt 4.5.1's bug: C abs() on a double picks the
# integer overload, so |d_t - d_c| is truncated toward zero before it is
# compared with the caliper and with the other side's candidate.
# truncate = FALSE is the documented algorithm (MatchIt >= 4.5.4, std::abs).
#
# Algorithm: treated units in the order `ord_` (decreasing distance); all
# units sorted by distance (stable: ties keep data order); for each treated
# unit the nearest still-available control on each side; a side whose first
# available control is outside the caliper yields nothing; the closer side
# wins, the lower-distance side on exact ties.
make_pairing <- function(truncate) {
  function(treat_, ord_, ratio_, discarded_, reuse_max, distance_, exact_ = NULL,
           caliper_dist_ = NULL, caliper_covs_ = NULL, caliper_covs_mat_ = NULL,
           antiexact_covs_ = NULL, unit_id_ = NULL, disl_prog = FALSE) {
    stopifnot(all(ratio_ == 1), reuse_max == 1, is.null(exact_), is.null(caliper_covs_),
              is.null(antiexact_covs_), is.null(unit_id_))
    gap <- if (truncate) function(a) abs(trunc(a)) else abs
    n <- length(treat_)
    ind1 <- which(treat_ == 1)
    o <- order(distance_, method = "radix")
    pos <- integer(n)
    pos[o] <- seq_len(n)
    avail <- (treat_ != 1 & !discarded_)[o]
    ds <- unname(distance_)[o]
    cal <- if (is.null(caliper_dist_) || length(caliper_dist_) == 0L) Inf else unname(caliper_dist_[1])
    mm <- matrix(NA_integer_, length(ind1), 1L, dimnames = list(names(treat_)[ind1], NULL))
    for (k in ord_) {
      i <- ind1[k]
      if (discarded_[i]) next
      p <- pos[i]
      dt <- ds[p]
      left <- NA_integer_; right <- NA_integer_; dl <- NA_real_; dr <- NA_real_
      j <- p - 1L
      while (j >= 1L && !avail[j]) j <- j - 1L
      if (j >= 1L) { dl <- gap(dt - ds[j]); if (dl <= cal) left <- j }
      j <- p + 1L
      while (j <= n && !avail[j]) j <- j + 1L
      if (j <= n) { dr <- gap(dt - ds[j]); if (dr <= cal) right <- j }
      pick <- if (!is.na(left) && (is.na(right) || dl <= dr)) left else right
      if (!is.na(pick)) {
        avail[pick] <- FALSE
        mm[k, 1L] <- o[pick]
      }
    }
    mm
  }
}

# Evaluate `expr` with MatchIt's pairing step replaced by `pairing`.
with_pairing <- function(pairing, expr) {
  ns <- asNamespace("MatchIt")
  orig <- get("nn_matchC_vec", envir = ns)
  assignInNamespace("nn_matchC_vec", pairing, "MatchIt")
  on.exit(assignInNamespace("nn_matchC_vec", orig, "MatchIt"))
  expr
}

# Capture the pairing matrix MatchIt's R code passes on (the installed C++).
capture_pairs <- function(expr) {
  ns <- asNamespace("MatchIt")
  orig <- get("nn_matchC_vec", envir = ns)
  captured <- NULL
  assignInNamespace("nn_matchC_vec", function(...) {
    args <- list(...)
    r <- orig(...)
    captured <<- list(args = args, mm = r)
    r
  }, "MatchIt")
  on.exit(assignInNamespace("nn_matchC_vec", orig, "MatchIt"))
  res <- expr
  list(result = res, captured = captured)
}
