# ---------------------------------------------------------------- helpers
# Cells LocalSurv reads as missing (core/csv.cpp).
ls_missing <- c("", "NA", "N/A", ".", "NaN", "null")

# A comparison on a missing cell is FALSE (as subset() drops NA), so that
# not (x == 1) keeps missing cells, as in LocalSurv's filter language.
ls_true <- function(v) !is.na(v) & v

# LocalSurv's level order when none is declared: the distinct values sorted,
# numerically when all are numbers, else by bytes (factor() in the C locale).
ls_levels <- function(x) {
  u <- unique(as.character(x[!is.na(x)]))
  n <- suppressWarnings(as.numeric(u))
  if (length(u) && !anyNA(n)) u[order(n)] else sort(u, method = "radix")
}
# Undeclared levels come from the whole file ('all'), as in LocalSurv, so a
# level absent from a subcohort still exists (its coefficient is then NA).
ls_factor <- function(x, levels = NULL, reference = NULL, all = x) {
  x <- as.character(x)
  if (!length(levels)) levels <- ls_levels(all)
  if (length(reference) && nzchar(reference)) levels <- c(reference, setdiff(levels, reference))
  factor(x, levels = levels)
}
# A covariate as LocalSurv reads it: "auto" keeps numeric columns numeric and
# makes text columns factors; "factor"/"numeric" force the type.
ls_covariate <- function(x, type = "auto", levels = NULL, reference = NULL, all = x) {
  if (type == "numeric") return(as.numeric(x))
  if (type == "factor" || !is.numeric(x) || length(levels)) return(ls_factor(x, levels, reference, all))
  x
}
# Event indicator: cells equal to one of the event values (numbers compare
# numerically, also in a text column: 2 matches "2.0"); other values censored.
ls_event <- function(x, values) {
  num <- suppressWarnings(as.numeric(values))
  hit <- as.character(x) %in% values[is.na(num)] |
    suppressWarnings(as.numeric(as.character(x))) %in% num[!is.na(num)]
  ifelse(is.na(x), NA_integer_, as.integer(hit))
}
# A formula built as R code, never from pasted text, so a column name is
# only ever a name: lhs (code, or NULL for a one-sided formula) ~ the terms,
# in order: column names (character) and code such as quote(strata(x)).
ls_formula <- function(lhs, ...) {
  terms <- unlist(lapply(list(...), function(t) if (is.character(t)) lapply(t, as.name) else list(t)), recursive = FALSE)
  rhs <- Reduce(function(a, b) call("+", a, b), terms)
  f <- if (is.null(lhs)) call("~", rhs) else call("~", lhs, rhs)
  structure(f, class = "formula", .Environment = environment())
}
# MatchIt 4.5 pastes column names between backquotes and parses the text
# (get.covs.matrix), so a name holding a backquote or a backslash would be
# read as code there: such names are refused before matching.
ls_matchit_names <- function(v) {
  bad <- v[grepl("\x60", v, fixed = TRUE) | grepl("\\", v, fixed = TRUE)]
  if (length(bad)) stop("MatchIt cannot use a column whose name holds a backquote or a backslash: ",
                        paste(encodeString(unique(bad), quote = '"'), collapse = ", "), "; rename the column")
}
# A list of flat records as a data frame for printing (missing fields NA).
ls_table <- function(l) {
  cols <- unique(unlist(lapply(l, names)))
  one <- function(x) as.data.frame(lapply(setNames(cols, cols), function(k)
    if (length(x[[k]]) == 1 && !is.list(x[[k]])) x[[k]] else NA), check.names = FALSE)
  do.call(rbind, lapply(l, one))
}
ls_complete <- function(d, cols) d[complete.cases(d[unique(cols)]), , drop = FALSE]

# The key numbers, written as JSON at the end when the script is given a file.
key <- list()
put <- function(path, value) key[[path]] <<- value
# Forms a cohort's data d (its filter, time, event, group and covariates);
# when that fails (a column the file lacks, a filter LocalSurv cannot read)
# the error is reported (and recorded as <path>.cohort.error) and d is NULL,
# so the cohort's analyses are skipped: LocalSurv reports such a subcohort's
# error and analyses the others.
# The rows of d a filter keeps (keep: TRUE/FALSE per row); one that leaves
# nobody says so, in the engine's words around the number of rows before it.
ls_keep <- function(d, keep, none) {
  if (!any(keep) && nrow(d) > 0) stop(paste0(none[1], nrow(d), none[2]), call. = FALSE)
  d[keep, , drop = FALSE]
}
ls_cohort <- function(path, expr) tryCatch(expr, error = function(e) {
  message("\n", path, ": the cohort could not be formed: ", conditionMessage(e))
  put(paste0(path, ".cohort.error"), conditionMessage(e))
  NULL
})
# Runs one analysis block on d (none when the cohort could not be formed); an
# error is reported (and recorded as <path>.error) instead of stopping the
# script.
ls_block <- function(path, expr) if (!is.null(d)) tryCatch(expr, error = function(e) {
  message("\n", path, " could not be run: ", conditionMessage(e))
  put(paste0(path, ".error"), conditionMessage(e))
})

# Median and CI from quantile(fit) (the midpoint where S is exactly 0.5 on a
# flat stretch), as LocalSurv; summary(fit)$table can differ from it when
# that stretch ends in censoring.
km_key <- function(fit, times) {
  tab <- summary(fit)$table
  if (is.null(dim(tab))) tab <- t(tab)
  q <- quantile(fit, 0.5, conf.int = TRUE)
  q <- lapply(q, function(x) as.vector(x))
  st <- if (is.null(fit$strata)) "all" else sub("^[^=]*=", "", names(fit$strata))
  s <- if (length(times)) summary(fit, times = times, extend = TRUE) else NULL
  lapply(seq_along(st), function(i) {
    out <- list(stratum = st[i], n = unname(tab[i, "records"]), events = unname(tab[i, "events"]),
                median = q$quantile[i], lower = q$lower[i], upper = q$upper[i])
    if (!is.null(s)) {
      k <- if (is.null(s$strata)) seq_along(s$time) else which(as.integer(s$strata) == i)
      out$at_times <- list(time = s$time[k], n_risk = s$n.risk[k], n_event = s$n.event[k],
                           n_censor = s$n.censor[k], surv = s$surv[k],
                           std_err = s$std.err[k], lower = s$lower[k], upper = s$upper[k])
    }
    out
  })
}

# survdiff: df = groups with expected > 0, minus 1.
# A stratified test sums observed/expected over the strata.
lr_key <- function(x) {
  obs <- if (is.matrix(x$obs)) rowSums(x$obs) else x$obs
  ex <- if (is.matrix(x$exp)) rowSums(x$exp) else x$exp
  df <- sum(ex > 0) - 1
  list(n = as.vector(x$n), observed = as.vector(obs), expected = as.vector(ex),
       statistic = x$chisq, df = df, p = pchisq(x$chisq, df, lower.tail = FALSE))
}
# Every pair of levels on its own rows, p adjusted with p.adjust.
pairwise_lr <- function(time, event, x, rho, adjust) {
  pairs <- combn(levels(x), 2)
  out <- lapply(seq_len(ncol(pairs)), function(j) {
    k <- !is.na(x) & x %in% pairs[, j]
    s <- survdiff(Surv(time[k], event[k]) ~ droplevels(x[k]), rho = rho)
    c(list(a = pairs[1, j], b = pairs[2, j]), lr_key(s)[c("statistic", "df", "p")])
  })
  p_adj <- p.adjust(vapply(out, function(o) o$p, 0), method = adjust)
  for (j in seq_along(out)) out[[j]]$p_adjusted <- p_adj[j]
  out
}

cox_key <- function(fit, conf_int = 0.95) {
  s <- summary(fit, conf.int = conf_int)
  co <- s$coefficients; ci <- s$conf.int
  # R backquotes non-syntactic names in coefficient names; LocalSurv does not.
  unq <- function(x) gsub("\x60", "", x)
  out <- list(name = unq(rownames(co)), coef = unname(co[, "coef"]), hr = unname(co[, "exp(coef)"]),
              se = unname(co[, "se(coef)"]), lower = unname(ci[, 3]), upper = unname(ci[, 4]),
              z = unname(co[, "z"]), p = unname(co[, ncol(co)]), n = fit$n, nevent = fit$nevent,
              loglik = unname(fit$loglik[2]), iterations = fit$iter,
              lrt_p = unname(s$logtest["pvalue"]), wald_p = unname(s$waldtest["pvalue"]))
  if ("robust se" %in% colnames(co)) out$robust_se <- unname(co[, "robust se"])
  if (!is.null(fit$rscore)) out$robust_score <- list(statistic = unname(fit$rscore), df = sum(!is.na(coef(fit))),
                                                     p = pchisq(unname(fit$rscore), sum(!is.na(coef(fit))), lower.tail = FALSE))
  # summary() gives an aliased (NA) coefficient a standard error of 0; LocalSurv writes null.
  out$se[is.na(out$coef)] <- NA
  if (!is.null(out$robust_se)) out$robust_se[is.na(out$coef)] <- NA
  zph_table <- function(z) list(term = unq(rownames(z$table)), statistic = unname(z$table[, "chisq"]),
                                df = unname(z$table[, "df"]), p = unname(z$table[, "p"]))
  zph <- ls_zph(fit, TRUE)
  if (!is.null(zph)) out$zph <- zph_table(zph)
  zph <- ls_zph(fit, FALSE)
  if (!is.null(zph)) out$zph_coef <- zph_table(zph)
  out
}
# cox.zph per term (terms = TRUE) or per coefficient. survival 3.5's
# terms = TRUE stops when a coefficient is NA (aliased); LocalSurv still
# reports it, and the per-coefficient table (terms = FALSE) works in R.
ls_zph <- function(fit, terms) tryCatch(cox.zph(fit, transform = "km", terms = terms), error = function(e) NULL)
show_cox <- function(label, fit) {
  cat("\n==", label, ":", deparse(formula(fit), width.cutoff = 500L), "\n"); print(summary(fit))
  zph <- ls_zph(fit, TRUE)
  if (is.null(zph)) zph <- ls_zph(fit, FALSE)
  if (!is.null(zph)) { cat("Proportional hazards (cox.zph, transform = \"km\"):\n"); print(zph) }
}

glm_key <- function(fit) {
  co <- summary(fit)$coefficients
  list(name = gsub("\x60", "", rownames(co)), estimate = unname(co[, 1]), se = unname(co[, 2]), z = unname(co[, 3]),
       p = unname(co[, 4]), deviance = fit$deviance, null_deviance = fit$null.deviance, aic = fit$aic,
       iterations = fit$iter)
}

# Table 1 tests for one covariate by group.
# Table 1 with binary = "counts": an "auto" covariate whose values in the
# whole file are all 0 or 1 is described as a factor with levels 0 and 1, as
# LocalSurv does (only in Table 1; the models keep it numeric).
ls_flag <- function(x, whole) {
  v <- whole[!is.na(whole)]
  if (is.numeric(x) && is.numeric(whole) && length(v) && all(v %in% c(0, 1))) factor(x, levels = c(0, 1)) else x
}
table1_tests <- function(x, g, yates) {
  ok <- !is.na(x) & !is.na(g)
  x <- x[ok]; g <- droplevels(g[ok])
  if (is.numeric(x)) {
    if (nlevels(g) != 2) return(list())
    tt <- t.test(x ~ g)
    wt <- suppressWarnings(wilcox.test(x ~ g))
    return(list(t_statistic = unname(tt$statistic), t_p = tt$p.value,
                wilcoxon_statistic = unname(wt$statistic), wilcoxon_p = wt$p.value))
  }
  tab <- table(x, g)
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  if (nrow(tab) < 2 || ncol(tab) < 2) return(list())
  chi <- suppressWarnings(chisq.test(tab, correct = yates))
  # fisher.test can run out of workspace on large sparse tables; LocalSurv
  # has no such limit, so R may have no exact p where LocalSurv has one.
  fp <- tryCatch(fisher.test(tab, workspace = 2e7)$p.value, error = function(e) NA_real_)
  list(chisq_statistic = unname(chi$statistic), chisq_p = chi$p.value, fisher_p = fp)
}

# ------------------------------------------------------------ matching
# Balance test of one covariate on the matched units: factors and two-valued
# columns by chisq.test (empty rows/columns dropped) or, when an expected
# count is below 5 (balance_test "auto"), fisher.test; other numerics by
# Welch's t.test.
balance_p <- function(x, treat, test, yates) {
  if (is.numeric(x) && length(unique(na.omit(x))) > 2)
    return(list(test = "welch_t", p = t.test(x[treat == 1], x[treat == 0])$p.value))
  tab <- table(factor(x), treat)
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  if (nrow(tab) < 2 || ncol(tab) < 2) return(list(test = "chisq", p = NA_real_))
  chi <- suppressWarnings(chisq.test(tab, correct = yates))
  fisher <- test == "fisher" || (test == "auto" && min(chi$expected) < 5)
  if (fisher) list(test = "fisher", p = fisher.test(tab, workspace = 2e7)$p.value)
  else list(test = "chisq", p = chi$p.value)
}
# tableone's SMD: (mean_t - mean_c) / sqrt((s_t^2 + s_c^2) / 2) on the
# matched units; numerics with the n-1 variance, each factor level's
# indicator with p (1 - p).
pooled_smd <- function(d, covs, treat) {
  out <- c()
  for (v in covs) {
    x <- d[[v]]
    if (is.factor(x)) {
      for (l in levels(x)) {
        a <- mean(x[treat == 1] == l); b <- mean(x[treat == 0] == l)
        out[paste0(v, l)] <- (a - b) / sqrt((a * (1 - a) + b * (1 - b)) / 2)
      }
    } else {
      a <- x[treat == 1]; b <- x[treat == 0]
      out[v] <- (mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2)
    }
  }
  out
}
# MatchIt's pairing step, as installed. The test of this script replaces it
# (see the note at the top of the script when it does).
pairing_step <- function(expr) expr

# "Match until balanced" (LocalSurv results.matching: rounds[], stop): round 1
# matches on the score covariates (exact on the exact set); every covariate
# is then judged on the matched units; the next round adds the still
# unbalanced covariates to the exact set (rule "exact"; continuous ones to the
# score model) or to the score model (rule "model"); it stops when no pairs
# were formed, all are balanced, nothing can be added, or after the round limit. With rounds = 1 this is plain matchit().
match_rounds <- function(d, covs, score, exact, o) {
  ls_matchit_names(c(covs, score, exact))
  d <- ls_complete(d, covs)
  rounds <- list(); m <- NULL; stop_reason <- "round limit reached"
  for (round in seq_len(o$rounds)) {
    f <- ls_formula(quote(treat_), score)
    ex <- if (length(exact)) ls_formula(NULL, exact) else NULL
    if (o$order == "random") set.seed(o$seed)
    m <- tryCatch(pairing_step(matchit(f, data = d, method = "nearest", distance = "glm",
                                       link = o$link, ratio = o$ratio, replace = o$replace,
                                       m.order = o$order, exact = ex, caliper = o$caliper,
                                       std.caliper = o$std_caliper)),
                  error = function(e) e)
    if (inherits(m, "error")) {
      cat("matchit:", conditionMessage(m), "\n")
      rounds[[round]] <- list(round = round, score = I(score), exact = I(exact), matched_treated = 0,
                              matched_control = 0, unbalanced = I(character(0)), error = conditionMessage(m))
      m <- NULL; stop_reason <- "matchit failed"
      break
    }
    used <- m$weights > 0
    smd <- if (o$smd == "pooled") pooled_smd(d[used, ], covs, d$treat_[used])
           else summary(m, addlvariables = d[covs], un = FALSE)$sum.matched[, "Std. Mean Diff."]
    checks <- lapply(covs, function(v) {
      x <- d[[v]]
      bp <- balance_p(x[used], d$treat_[used], o$balance_test, o$yates)
      rows <- if (is.factor(x)) paste0(v, levels(x)) else v
      s <- suppressWarnings(max(abs(smd[rows]), na.rm = TRUE))
      p_ok <- is.na(bp$p) || bp$p > o$balance_p
      s_ok <- !is.finite(s) || s < o$balance_smd
      list(variable = v, test = bp$test, p = bp$p, max_abs_smd = s,
           balanced = switch(o$criterion, p = p_ok, smd = s_ok, both = p_ok && s_ok))
    })
    unbalanced <- vapply(Filter(function(cc) !cc$balanced, checks), function(cc) cc$variable, "")
    rounds[[round]] <- list(round = round, score = I(score), exact = I(exact),
                            matched_treated = sum(used & d$treat_ == 1),
                            matched_control = sum(used & d$treat_ == 0),
                            caliper_absolute = if (is.null(m$caliper)) NULL else unname(m$caliper[1]),
                            covariates = checks, unbalanced = I(unbalanced))
    cat(sprintf("\nRound %d: %s%s\n", round, deparse(f, width.cutoff = 500L),
                if (length(exact)) paste(" exact on", paste(exact, collapse = ", ")) else ""))
    print(summary(m, addlvariables = d[covs])$nn)
    print(ls_table(checks))
    if (!any(used)) { stop_reason <- "no pairs were formed"; break }
    if (!length(unbalanced)) { stop_reason <- "balanced"; break }
    # Rule "exact": categorical and two-valued covariates join the exact set,
    # continuous ones (exact matching on them leaves no pairs) the score model.
    continuous <- vapply(unbalanced, function(v) is.numeric(d[[v]]) && length(unique(na.omit(d[[v]]))) > 2, NA)
    to_exact <- if (o$rule == "exact") unbalanced[!continuous] else character()
    to_score <- if (o$rule == "exact") unbalanced[continuous] else unbalanced
    add_exact <- setdiff(to_exact, exact)
    add_score <- setdiff(to_score, score)
    if (!length(add_exact) && !length(add_score)) { stop_reason <- "every unbalanced covariate is already used"; break }
    if (round == o$rounds) break
    exact <- c(exact, add_exact)
    score <- c(score, add_score)
  }
  list(m = m, data = d, rounds = rounds, stop = stop_reason)
}

# Matched-cohort outcome (LocalSurv matching.matched_outcome): KM, log-rank
# and Cox on match.data(); 1:k or with replacement carry MatchIt's weights.
# group_plain: the group's column under a plain name for survfit/survdiff
# (see ls_plain in the script).
matched_outcome <- function(m, group, o, ties, group_plain = group) {
  md <- match.data(m)
  weighted <- o$ratio > 1 || o$replace
  f_km <- ls_formula(quote(Surv(time_, event_)), group)
  f_plain <- ls_formula(quote(Surv(time_, event_)), group_plain)
  km <- if (weighted) survfit(f_plain, data = md, weights = weights) else survfit(f_plain, data = md)
  lr <- if (weighted) NULL else survdiff(f_plain, data = md)
  fit <- if (o$outcome_model == "strata") {
    coxph(ls_formula(quote(Surv(time_, event_)), group, quote(strata(subclass))), data = md, ties = ties)
  } else if (o$replace) {
    coxph(f_km, data = md, ties = ties, weights = weights, robust = TRUE, cluster = row_)
  } else if (weighted) {
    coxph(f_km, data = md, ties = ties, weights = weights, cluster = subclass)
  } else {
    coxph(f_km, data = md, ties = ties, cluster = subclass)
  }
  print(km); if (!is.null(lr)) print(lr); print(summary(fit))
  list(n = nrow(md), km = km_key(km, NULL), logrank = if (is.null(lr)) NULL else lr_key(lr), cox = cox_key(fit))
}

# Youden's index of x for the event (status, or by a time horizon: events up
# to it against patients followed past it). As cutoff::roc, the direction
# follows the AUC: high x predicts the event unless AUC < 0.5, then low x.
youden_cut <- function(x, time, event, horizon) {
  y <- event == 1
  if (horizon > 0) { keep <- (event == 1 & time <= horizon) | time > horizon; x <- x[keep]; y <- (event == 1 & time <= horizon)[keep] }
  n1 <- sum(y); n0 <- sum(!y)
  auc <- (sum(rank(x)[y]) - n1 * (n1 + 1) / 2) / (n1 * n0)
  cuts <- sort(unique(x))
  j <- vapply(cuts, function(cc) if (auc >= 0.5) mean(x[y] > cc) + mean(x[!y] <= cc) - 1
                                 else mean(x[y] <= cc) + mean(x[!y] > cc) - 1, 0)
  cuts[which.max(j)]
}
