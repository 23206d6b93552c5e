# ---------------------------------------------------------------- NOTE
# TEST MODE: MatchIt's pairing step is replaced by an R re-implementation of
# nn_matchC_vec with a true |difference| (the documented algorithm, MatchIt
# >= 4.5.4), as the project's goldens do (tests/r/goldens/matching_ref.R),
# extended to exact strata, 1:k (k rounds over the treated units) and reuse
# of controls (replacement). MatchIt 4.5.1-4.5.3 truncate |d_t - d_c| toward
# zero (issue #163). A reviewer should not need this: install MatchIt >= 4.5.4.
ls_corrected_pairing <- function(treat_, ord_, ratio_, discarded_, reuse_max, distance_, exact_ = NULL,
                                 caliper_dist_ = NULL, caliper_covs_ = NULL, caliper_covs_mat_ = NULL,
                                 antiexact_covs_ = NULL, unit_id_ = NULL, disl_prog = FALSE) {
  stopifnot(is.null(caliper_covs_), is.null(antiexact_covs_), is.null(unit_id_))
  n <- length(treat_)
  ind1 <- which(treat_ == 1)
  kmax <- max(c(1L, ratio_))   # an exact stratum may hold no treated unit
  ratio_ <- rep_len(ratio_, length(ind1))
  o <- order(distance_, method = "radix")
  pos <- integer(n); pos[o] <- seq_len(n)
  uses_left <- ifelse(treat_ != 1 & !discarded_, reuse_max, 0)[o]
  ds <- unname(distance_)[o]
  ex <- if (is.null(exact_)) rep(1L, n) else as.integer(exact_)[o]
  cal <- if (is.null(caliper_dist_) || length(caliper_dist_) == 0L) Inf else unname(caliper_dist_[1])
  mm <- matrix(NA_integer_, length(ind1), kmax, dimnames = list(names(treat_)[ind1], NULL))
  mine <- vector("list", length(ind1))
  for (r in seq_len(kmax)) {
    for (k in ord_) {
      i <- ind1[k]
      if (discarded_[i] || ratio_[k] < r || length(mine[[k]]) < r - 1L) next
      p <- pos[i]; dt <- ds[p]
      ok <- function(j) uses_left[j] > 0 && ex[j] == ex[p] && !(j %in% mine[[k]])
      left <- NA_integer_; right <- NA_integer_; dl <- NA_real_; dr <- NA_real_
      j <- p - 1L
      while (j >= 1L && !ok(j)) j <- j - 1L
      if (j >= 1L) { dl <- abs(dt - ds[j]); if (dl <= cal) left <- j }
      j <- p + 1L
      while (j <= n && !ok(j)) j <- j + 1L
      if (j <= n) { dr <- abs(dt - ds[j]); if (dr <= cal) right <- j }
      pick <- if (!is.na(left) && (is.na(right) || dl <= dr)) left else right
      if (!is.na(pick)) {
        uses_left[pick] <- uses_left[pick] - 1
        mine[[k]] <- c(mine[[k]], pick)
        mm[k, r] <- o[pick]
      }
    }
  }
  mm
}
pairing_step <- function(expr) {
  orig <- get("nn_matchC_vec", envir = asNamespace("MatchIt"))
  assignInNamespace("nn_matchC_vec", ls_corrected_pairing, "MatchIt")
  on.exit(assignInNamespace("nn_matchC_vec", orig, "MatchIt"))
  expr
}
