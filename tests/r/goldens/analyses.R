# Survival, regression and contingency blocks of the goldens. Every function
# returns a plain list in the schema of tests/reference/README.md.

# --- Kaplan-Meier -----------------------------------------------------------

km_curve <- function(fit, stratum, times) {
  q <- quantile(fit, probs = c(0.25, 0.5, 0.75), conf.int = TRUE)
  s <- summary(fit, times = times, extend = TRUE)
  list(
    stratum = stratum,
    n = fit$n,
    events = sum(fit$n.event),
    table = list(
      time = arr(fit$time), n.risk = arr(fit$n.risk), n.event = arr(fit$n.event),
      n.censor = arr(fit$n.censor), surv = arr(fit$surv), std.err = arr(fit$std.err),
      std.err_surv = arr(fit$surv * fit$std.err), lower = arr(fit$lower),
      upper = arr(fit$upper), cumhaz = arr(fit$cumhaz)),
    median = list(estimate = unname(q$quantile[2]), lower = unname(q$lower[2]),
                  upper = unname(q$upper[2])),
    quantiles = list(p = arr(c(0.25, 0.5, 0.75)), estimate = arr(q$quantile),
                     lower = arr(q$lower), upper = arr(q$upper)),
    at_times = list(
      time = arr(s$time), n.risk = arr(s$n.risk), n.event = arr(s$n.event),
      n.censor = arr(s$n.censor), surv = arr(s$surv), std.err_surv = arr(s$std.err),
      lower = arr(s$lower), upper = arr(s$upper)))
}

# overall + one curve per level of `g` (a factor), strata named "<gname>=<level>"
km_block <- function(time, event, g, gname, times) {
  overall <- km_curve(survfit(Surv(time, event) ~ 1), "all", times)
  by_group <- lapply(levels(g), function(l) {
    keep <- !is.na(g) & g == l
    km_curve(survfit(Surv(time[keep], event[keep]) ~ 1), paste0(gname, "=", l), times)
  })
  list(overall = overall, by_group = by_group)
}

# --- log-rank ---------------------------------------------------------------

lr_block <- function(sd, formula_str) {
  obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  expd <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  df <- sum(expd > 0) - 1
  list(formula = formula_str, groups = arr(names(sd$n)), n = arr(as.vector(sd$n)),
       observed = arr(as.vector(obs)), expected = arr(as.vector(expd)),
       var = mat_json(sd$var), chisq = sd$chisq, df = df,
       p = pchisq(sd$chisq, df, lower.tail = FALSE))
}

# --- Cox --------------------------------------------------------------------

test_block <- function(v) list(statistic = unname(v[1]), df = unname(v[2]), p = unname(v[3]))

cox_block <- function(formula, data, ties, formula_str, extra = list()) {
  fit <- suppressWarnings(coxph(formula, data = data, ties = ties))
  tight <- suppressWarnings(coxph(formula, data = data, ties = ties,
                                  control = coxph.control(eps = 1e-14, iter.max = 100)))
  s <- summary(fit)
  robust <- !is.null(fit$naive.var)
  cf <- coef(fit)
  nm <- names(cf)
  tab <- s$coefficients[nm, , drop = FALSE]
  ci <- s$conf.int[nm, , drop = FALSE]
  # term and level of each coefficient column
  term <- character(length(nm))
  for (tn in names(fit$assign)) term[fit$assign[[tn]]] <- tn
  xl <- fit$xlevels
  level <- vapply(seq_along(nm), function(i) {
    if (!is.null(xl[[term[i]]])) substring(nm[i], nchar(term[i]) + 1) else NA_character_
  }, "")
  coefs <- list(name = arr(nm), term = arr(term), level = arr(level), coef = arr(cf),
                hr = arr(exp(cf)), se = arr(tab[, "se(coef)"]))
  if (robust) coefs$robust_se <- arr(tab[, "robust se"])
  coefs <- c(coefs, list(lower = arr(ci[, "lower .95"]), upper = arr(ci[, "upper .95"]),
                         z = arr(tab[, "z"]), p = arr(tab[, "Pr(>|z|)"])))
  df <- sum(!is.na(cf))
  lrt <- 2 * (fit$loglik[2] - fit$loglik[1])
  cc <- fit$concordance
  c(extra, list(
    formula = formula_str, ties = ties, n = fit$n, nevent = fit$nevent, iter = fit$iter,
    coefficients = coefs,
    var = { v <- fit$var; dimnames(v) <- list(nm, nm); mat_json(v) },
    naive_var = if (robust) mat_json(fit$naive.var) else NULL,
    loglik_null = fit$loglik[1], loglik = fit$loglik[2],
    lrt = list(statistic = lrt, df = df, p = pchisq(lrt, df, lower.tail = FALSE)),
    wald = test_block(s$waldtest), score = test_block(s$sctest),
    robust_score = if (robust) test_block(s$robscore) else NULL,
    concordance = list(concordant = unname(cc["concordant"]), discordant = unname(cc["discordant"]),
                       tied.x = unname(cc["tied.x"]), tied.y = unname(cc["tied.y"]),
                       tied.xy = unname(cc["tied.xy"]), concordance = unname(cc["concordance"]),
                       std = unname(cc["std"])),
    tight_convergence = list(eps = 1e-14, iter = tight$iter, coef = arr(coef(tight)),
                             se = arr(sqrt(diag(tight$var))), loglik = tight$loglik[2])))
}

zph_table <- function(z) {
  t <- z$table
  list(term = arr(rownames(t)), chisq = arr(t[, "chisq"]), df = arr(t[, "df"]), p = arr(t[, "p"]))
}

# --- contingency tables -----------------------------------------------------

chisq_block <- function(tab, correct) {
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  warns <- character(0)
  ct <- withCallingHandlers(chisq.test(tab, correct = correct), warning = function(w) {
    warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning")
  })
  list(statistic = unname(ct$statistic), df = unname(ct$parameter), p = unname(ct$p.value),
       yates_applied = correct && nrow(tab) == 2L && ncol(tab) == 2L,
       min_expected = min(ct$expected), warnings = arr(warns))
}

fisher_block <- function(tab) {
  for (ws in c(2e5, 2e7)) {
    ft <- tryCatch(fisher.test(tab, workspace = ws), error = function(e) e)
    if (!inherits(ft, "error")) {
      out <- list(p = ft$p.value, workspace = ws, alternative = ft$alternative)
      if (!is.null(ft$estimate)) {
        out$odds_ratio_cond_mle <- unname(ft$estimate)
        out$conf_int <- arr(as.vector(ft$conf.int))
      }
      return(out)
    }
    msg <- conditionMessage(ft)
  }
  list(p = NULL, not_feasible = TRUE, message = msg)
}

ct_block <- function(x, g, variable, levels, groups) {
  tab <- table(factor(as.character(x), levels = levels), factor(as.character(g), levels = groups))
  m <- matrix(as.vector(tab), nrow(tab), dimnames = list(levels, groups))
  list(variable = variable, levels = arr(levels), groups = arr(groups), table = mat_json(m),
       chisq_correct_true = chisq_block(tab, TRUE), chisq_correct_false = chisq_block(tab, FALSE),
       fisher = fisher_block(tab))
}
