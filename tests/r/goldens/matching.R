# matching.<spec> blocks: MatchIt as installed (4.5.1, abs() bug) and
# `corrected` (same MatchIt R code, pairing step from matching_ref.R with a
# true absolute value).

match_specs <- list(
  a_default = list(args = list(), call = ""),
  b_caliper_0.01_raw = list(args = list(caliper = 0.01, std.caliper = FALSE),
                            call = ", caliper = 0.01, std.caliper = FALSE"),
  c_caliper_0.2sd_linear_logit = list(args = list(link = "linear.logit", caliper = 0.2, std.caliper = TRUE),
                                      call = ", link = \"linear.logit\", caliper = 0.2, std.caliper = TRUE"),
  d_caliper_0.002_raw = list(args = list(caliper = 0.002, std.caliper = FALSE),
                             call = ", caliper = 0.002, std.caliper = FALSE"))

balance_df <- function(s) {
  cols <- c("Means Treated", "Means Control", "Std. Mean Diff.", "Var. Ratio", "eCDF Mean", "eCDF Max",
            "Std. Pair Dist.")
  out <- list(variable = arr(rownames(s)))
  for (cn in cols) out[[cn]] <- arr(if (cn %in% colnames(s)) unname(s[, cn]) else rep(NA_real_, nrow(s)))
  out
}

mr_block <- function(m, times) {
  mm <- m$match.matrix
  matched <- !is.na(mm[, 1])
  sm <- summary(m, standardize = TRUE)
  md <- match.data(m)
  tr_ids <- rownames(mm)
  post_cox <- function(f, fs) cox_block(f, md, "efron", fs)
  list(
    nn = mat_json(sm$nn),
    n_matched_treated = sum(matched),
    n_matched_control = sum(matched),
    pairs = list(treated_id = arr(as.integer(tr_ids[matched])),
                 control_id = arr(as.integer(mm[matched, 1])),
                 subclass = arr(as.integer(as.character(m$subclass[tr_ids[matched]])))),
    unmatched_treated_ids = arr(as.integer(tr_ids[!matched])),
    balance = list(before = balance_df(sm$sum.all), after = balance_df(sm$sum.matched)),
    post_match = list(
      n = nrow(md), n_treated = sum(md$treat == 1), n_control = sum(md$treat == 0),
      km = km_block(md$.time, md$.event, factor(as.character(md$treat), levels = c("0", "1")), "treat", times),
      logrank = lr_block(survdiff(Surv(.time, .event) ~ treat, data = md, rho = 0), "Surv(.time, .event) ~ treat"),
      cox_efron = post_cox(Surv(.time, .event) ~ treat, "Surv(.time, .event) ~ treat"),
      cox_efron_cluster_subclass = post_cox(Surv(.time, .event) ~ treat + cluster(subclass),
                                            "Surv(.time, .event) ~ treat + cluster(subclass)")))
}

matching_blocks <- function(cc, cov_names, ps, times) {
  rownames(cc) <- as.character(cc$id)
  fstr <- paste("treat ~", paste(cov_names, collapse = " + "))
  f <- as.formula(fstr)
  warns <- list()
  run <- function(spec, step, extra = list()) {
    withCallingHandlers(
      do.call(matchit, c(list(formula = f, data = cc, method = "nearest", distance = "glm"), spec$args, extra)),
      warning = function(w) {
        if (!is.null(step)) warns[[length(warns) + 1L]] <<- list(step = step, type = "warning",
                                                                 message = conditionMessage(w))
        invokeRestart("muffleWarning")
      })
  }
  blocks <- list()
  for (sname in names(match_specs)) {
    spec <- match_specs[[sname]]
    cap <- capture_pairs(run(spec, paste0("matchit ", sname, " (installed)")))
    m_inst <- cap$result
    m_corr <- with_pairing(make_pairing(FALSE), run(spec, paste0("matchit ", sname, " (corrected)")))
    emu <- do.call(make_pairing(TRUE), cap$captured$args)
    m_expl <- run(spec, NULL, list(m.order = "largest"))
    link <- if (is.null(spec$args$link)) "logit" else spec$args$link
    dist <- m_inst$distance
    ps_scale <- if (link == "linear.logit") plogis(dist) else dist
    has_cal <- !is.null(spec$args$caliper)
    blocks[[sname]] <- list(
      spec = sname,
      options = list(
        call = paste0("matchit(formula = ", fstr, ", method = \"nearest\", distance = \"glm\"", spec$call, ")"),
        method = "nearest", distance = "glm", link = link, estimand = m_inst$estimand,
        replace = FALSE, ratio = 1L, discard = "none", reestimate = FALSE,
        m.order_used = "largest",
        m.order_explicit_gives_identical_match = identical(m_expl$match.matrix, m_inst$match.matrix),
        caliper = if (has_cal) spec$args$caliper else NULL,
        std.caliper = if (has_cal) spec$args$std.caliper else NULL,
        caliper_absolute = if (has_cal) unname(m_inst$caliper) else NULL,
        caliper_rule = if (!has_cal) "none" else if (isTRUE(spec$args$std.caliper)) matching_text$caliper_rule_std
                       else matching_text$caliper_rule_raw,
        algorithm = matching_text$algorithm, balance_rule = matching_text$balance_rule,
        matchit_bug_note = matching_text$matchit_bug_note),
      n_input = nrow(cc),
      distance_summary = list(min = min(dist), median = median(dist), max = max(dist), sd = sd(dist)),
      max_abs_diff_distance_vs_glm_ps = max(abs(unname(ps_scale) - ps)),
      emulation_reproduces_installed = identical(unname(emu), unname(cap$captured$mm)),
      installed_equals_corrected = identical(m_inst$match.matrix, m_corr$match.matrix),
      matchit_installed = mr_block(m_inst, times),
      corrected = mr_block(m_corr, times))
  }
  list(blocks = blocks, warnings = warns)
}
