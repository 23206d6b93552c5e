# Reference pairs for core/matching beyond the goldens' four 1:1 specs:
# ratio 2 and 3, replacement, m.order smallest/data/random, exact matching.
# Run from the repo root:  Rscript tests/r/matching.R
# Writes tests/reference/extra/matching.json.
#
# The installed MatchIt 4.5.1 truncates |d_t - d_c| to an integer (MatchIt
# issue #163, tests/reference/README.md), so its pairs are not the documented
# algorithm. For ratio > 1 it has a second bug: from the second round on, a
# treated unit should skip the controls it already has, but the check compares
# a 0-based index with the 1-based ones stored, so it skips an unrelated
# control (the one after its own in data order) instead — which without
# replacement can take away the true nearest, and with replacement lets a
# treated unit take the same control twice. Both are emulated (truncate = TRUE)
# and both are fixed in `corrected`. `abs_fix_only_equals_corrected` says
# whether fixing only abs() (what MatchIt 4.5.4 changed) already gives the
# corrected pairs: it does except in lung 1:2 and the 1:k-with-replacement
# cases. As for the goldens, every case is run twice through MatchIt's own
# matchit() code: once as installed, and once with only the pairing step
# replaced by the emulation below (`corrected`, what MatchIt >= 4.5.4 does).
# The emulation is certified by running it WITH the truncation: it must give
# the installed match matrix exactly in every case (checked; the script
# stops otherwise). The expected values are the corrected ones.
#
# Each case is self-contained in the json: per unit id, distance, treat and
# the exact-stratum code; the propensity scores are the goldens' glm fits.
source("tests/r/common.R")
suppressPackageStartupMessages(library(MatchIt))
source("tests/r/goldens/matching_ref.R")  # with_pairing()
# Numbers must read back bit-identical (the C++ test matches on these
# distances): the goldens' writer, shortest of 15/16/17 digits.
source("tests/r/goldens/json.R")

# MatchIt 4.5's nn_matchC_vec, general ratio and reuse.max (no
# exact_/caliper covariates/anti-exact/unit.id: matchit() splits exact strata
# itself). Rounds r = 1..ratio; in each, the treated units in ord_ each take
# the nearest available control on either side, skipping controls already
# theirs; a side whose first candidate is outside the caliper gives nothing;
# the left (lower) one wins ties.
make_pairing_k <- function(truncate, own_bug = truncate) {
  function(treat_, ord_, ratio_, discarded_, reuse_max, distance_, exact_ = NULL,
           caliper_dist_ = NULL, caliper_covs_ = NULL, caliper_covs_mat_ = NULL,
           antiexact_covs_ = NULL, unit_id_ = NULL, disl_prog = FALSE) {
    stopifnot(is.null(exact_), is.null(caliper_covs_), is.null(antiexact_covs_), is.null(unit_id_))
    gap <- if (truncate) function(a) abs(trunc(a)) else abs
    n <- length(treat_)
    ind1 <- which(treat_ == 1)
    if (length(ind1) == 0L) return(matrix(NA_integer_, 0L, 0L))  # as the compiled code
    o <- order(distance_, method = "radix")
    pos <- integer(n)
    pos[o] <- seq_len(n)
    avail <- (treat_ != 1 & !discarded_)[o]
    times <- integer(n)
    ds <- unname(distance_)[o]
    cal <- if (is.null(caliper_dist_) || length(caliper_dist_) == 0L) Inf else unname(caliper_dist_[1])
    R <- max(ratio_)
    mm <- matrix(NA_integer_, length(ind1), R, dimnames = list(names(treat_)[ind1], NULL))
    for (r in seq_len(R)) {
      for (k in ord_) {
        i <- ind1[k]
        if (discarded_[i] || ratio_[k] < r) next
        mine <- mm[k, seq_len(r - 1L)]
        mine <- mine[!is.na(mine)]
        own <- if (own_bug) function(j) (o[j] - 1L) %in% mine else function(j) o[j] %in% mine
        ok <- function(j) avail[j] && !own(j)
        p <- pos[i]
        dt <- ds[p]
        left <- NA_integer_; right <- NA_integer_; dl <- NA_real_; dr <- NA_real_
        j <- p - 1L
        while (j >= 1L && !ok(j)) j <- j - 1L
        if (j >= 1L) { dl <- gap(dt - ds[j]); if (dl <= cal) left <- j }
        j <- p + 1L
        while (j <= n && !ok(j)) j <- j + 1L
        if (j <= n) { dr <- gap(dt - ds[j]); if (dr <= cal) right <- j }
        pick <- if (!is.na(left) && (is.na(right) || dl <= dr)) left else right
        if (!is.na(pick)) {
          mm[k, r] <- o[pick]
          times[pick] <- times[pick] + 1L
          if (times[pick] >= reuse_max) avail[pick] <- FALSE
        }
      }
    }
    mm
  }
}

# Record the treated order matchit() drew (m.order = "random").
capture_order <- function(expr) {
  ns <- asNamespace("MatchIt")
  orig <- get("nn_matchC_vec", envir = ns)
  ord <- NULL
  assignInNamespace("nn_matchC_vec", function(treat_, ord_, ...) {
    ord <<- c(ord, list(ord_))
    orig(treat_, ord_, ...)
  }, "MatchIt")
  on.exit(assignInNamespace("nn_matchC_vec", orig, "MatchIt"))
  res <- expr
  list(result = res, ord = ord)
}

golden_input <- function(name, treat_fun, exact_col = NULL) {
  g <- golden(name, simplifyVector = TRUE)
  d <- ds(name)
  pa <- g$logistic$ps_all
  rows <- match(pa$id, d$id)
  out <- data.frame(id = pa$id, ps = pa$ps, lp = pa$linear_predictor, treat = treat_fun(d[rows, ]))
  if (!is.null(exact_col)) out$ex <- factor(d[rows, exact_col])
  rownames(out) <- as.character(out$id)
  out
}

with_warnings <- function(expr) {
  w <- character()
  value <- withCallingHandlers(expr, warning = function(c) {
    w <<- c(w, conditionMessage(c))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = w)
}

run_case <- function(description, df, distance = c("ps", "lp"), ratio = 1L, replace = FALSE,
                     m.order = "largest", caliper = NULL, std.caliper = TRUE, exact = FALSE,
                     seed = NULL) {
  distance <- match.arg(distance)
  message(description)
  df$x <- df[[distance]]
  args <- list(formula = treat ~ x, data = df, method = "nearest", distance = df[[distance]],
               ratio = ratio, replace = replace, m.order = m.order)
  if (!is.null(caliper)) args <- c(args, list(caliper = caliper, std.caliper = std.caliper))
  if (exact) args$exact <- ~ex
  go <- function() {
    if (!is.null(seed)) set.seed(seed)
    with_warnings(do.call(matchit, args))
  }
  inst <- capture_order(go())
  emu <- with_pairing(make_pairing_k(TRUE), go())
  corr <- with_pairing(make_pairing_k(FALSE), go())
  abs_only <- with_pairing(make_pairing_k(FALSE, own_bug = TRUE), go())
  reproduces <- identical(inst$result$value$match.matrix, emu$value$match.matrix)
  if (!reproduces) stop("emulation does not reproduce the installed MatchIt: ", description)
  m <- corr$value
  mm <- m$match.matrix
  tr_ids <- rownames(mm)
  pt <- integer(); pc <- integer(); ps <- integer()
  for (k in seq_len(nrow(mm))) for (r in seq_len(ncol(mm))) {
    if (is.na(mm[k, r])) next
    pt <- c(pt, as.integer(tr_ids[k]))
    pc <- c(pc, as.integer(mm[k, r]))
    ps <- c(ps, if (is.null(m$subclass)) 0L else as.integer(as.character(m$subclass[tr_ids[k]])))
  }
  w <- unname(m$weights)
  list(
    description = description,
    call = paste0("matchit(treat ~ x, distance = <", distance, ">, method = \"nearest\", ratio = ",
                  ratio, ", replace = ", replace, ", m.order = \"", m.order, "\"",
                  if (!is.null(caliper)) paste0(", caliper = ", caliper, ", std.caliper = ", std.caliper),
                  if (exact) ", exact = ~ex", ")",
                  if (!is.null(seed)) paste0("  [set.seed(", seed, ")]")),
    options = list(distance = distance, ratio = ratio, replace = replace, m_order = m.order,
                   caliper = caliper, std_caliper = if (is.null(caliper)) NULL else std.caliper,
                   exact = exact, seed = seed),
    input = list(id = I(df$id), distance = I(unname(df[[distance]])), treat = I(df$treat),
                 exact = if (exact) I(as.integer(df$ex)) else NULL),
    # m.order = "random": the treated order sample.int() drew (1-based,
    # treated units counted in data order).
    given_order = if (m.order == "random" && !exact) I(as.integer(inst$ord[[1]])) else NULL,
    emulation_reproduces_installed = reproduces,
    installed_equals_corrected = identical(inst$result$value$match.matrix, m$match.matrix),
    abs_fix_only_equals_corrected = identical(abs_only$value$match.matrix, m$match.matrix),
    corrected = list(
      pairs = list(treated_id = I(pt), control_id = I(pc), subclass = I(ps)),
      unmatched_treated_ids = I(as.integer(tr_ids[is.na(mm[, 1])])),
      n_matched_treated = sum(w[df$treat == 1] > 0),
      n_matched_control = sum(w[df$treat == 0] > 0),
      weights = I(w),
      caliper_absolute = if (is.null(m$caliper)) NULL else unname(m$caliper[1]),
      warnings = I(corr$warnings)))
}

lung <- golden_input("lung", function(d) as.integer(d$sex == 2), "ph.ecog")
rott <- golden_input("rotterdam", function(d) as.integer(d$chemo == 1), "size")
pbc <- golden_input("pbc", function(d) as.integer(d$trt == 1), "stage")

cases <- list()
cases$lung_ratio2 <- run_case("lung 1:2", lung, ratio = 2L)
cases$lung_ratio2_caliper_sd <- run_case("lung 1:2, caliper 0.2 SD of ps", lung, ratio = 2L,
                                         caliper = 0.2)
cases$lung_ratio3_caliper_raw_logit <- run_case("lung 1:3 on logit, caliper 0.1 raw", lung, "lp",
                                                ratio = 3L, caliper = 0.1, std.caliper = FALSE)
cases$lung_replace <- run_case("lung with replacement", lung, replace = TRUE)
cases$lung_replace_ratio3_caliper <- run_case("lung 1:3 with replacement, caliper 0.01 raw", lung,
                                              ratio = 3L, replace = TRUE, caliper = 0.01,
                                              std.caliper = FALSE)
cases$lung_smallest <- run_case("lung m.order smallest", lung, m.order = "smallest")
cases$lung_smallest_caliper <- run_case("lung m.order smallest, caliper 0.002 raw", lung,
                                        m.order = "smallest", caliper = 0.002, std.caliper = FALSE)
cases$lung_data_caliper_logit <- run_case("lung m.order data, caliper 0.2 SD of logit", lung, "lp",
                                          m.order = "data", caliper = 0.2)
cases$lung_random <- run_case("lung m.order random, caliper 0.01 raw", lung, m.order = "random",
                              caliper = 0.01, std.caliper = FALSE, seed = 42)
# MatchIt 4.5.1 stops (rbind error) when an exact stratum holds no treated
# unit: lung's single ph.ecog = 3 patient is a control, so leave it out.
lung_e <- droplevels(lung[lung$ex != "3", ])
cases$lung_exact_ecog <- run_case("lung exact on ph.ecog (0-2), caliper 0.01 raw", lung_e, caliper = 0.01,
                                  std.caliper = FALSE, exact = TRUE)
cases$lung_exact_ecog_ratio2 <- run_case("lung 1:2 exact on ph.ecog (0-2)", lung_e, ratio = 2L, exact = TRUE)
cases$rotterdam_ratio2_logit <- run_case("rotterdam 1:2 on logit, caliper 0.2 SD", rott, "lp",
                                         ratio = 2L, caliper = 0.2)
cases$rotterdam_exact_size <- run_case("rotterdam exact on size, caliper 0.002 raw", rott,
                                       caliper = 0.002, std.caliper = FALSE, exact = TRUE)
cases$rotterdam_replace_ratio2 <- run_case("rotterdam 1:2 with replacement, caliper 0.1 SD", rott,
                                           ratio = 2L, replace = TRUE, caliper = 0.1)
pbc_stage <- droplevels(pbc[!is.na(pbc$ex), ])
cases$pbc_ratio2_smallest <- run_case("pbc 1:2 m.order smallest (fewer controls)", pbc,
                                      ratio = 2L, m.order = "smallest")
cases$pbc_exact_stage <- run_case("pbc exact on stage", pbc_stage, exact = TRUE)

for (nm in names(cases))
  cat(sprintf("%-32s matched treated %4d, pairs %4d, installed == corrected: %s, abs fix only == corrected: %s\n",
              nm, cases[[nm]]$corrected$n_matched_treated, length(cases[[nm]]$corrected$pairs$treated_id),
              cases[[nm]]$installed_equals_corrected, cases[[nm]]$abs_fix_only_equals_corrected))

out <- list(
  generated_by = "tests/r/matching.R",
  software = list(R = R.version.string, MatchIt = as.character(packageVersion("MatchIt"))),
  cases = cases)
write_golden(out, extra_path("matching"))
