# Expected values for options run through the analysis spec on five datasets
# (tests/core/test_analysis.cpp, "options through the spec"):
#   survfit(..., conf.type = "log-log" / "plain"): median CI and summary(times) CI by group
#   survdiff(..., rho = 1) by group
#   survdiff on each pair of a k-level column + p.adjust(holm / bonferroni)
#   coxph(Surv ~ group + covariates + strata(s)), Efron and Breslow
# Run from the repository root: Rscript tests/r/spec_options.R
source("tests/r/common.R")

cases <- list(
  list(dataset = "lung", time = "time", event = quote(status == 2), group = "sex", levels = c("1", "2"),
       covs = c("age", "wt.loss"), strata = "ph.ecog", kcol = "ph.ecog", times = c(180, 365, 730)),
  list(dataset = "veteran", time = "time", event = quote(status == 1), group = "trt", levels = c("1", "2"),
       covs = c("karno", "age"), strata = "celltype", kcol = "celltype", times = c(30, 90, 180)),
  list(dataset = "colon_bin", time = "time", event = quote(status == 1), group = "rx", levels = c("Obs", "Lev+5FU"),
       covs = c("age", "nodes"), strata = "extent", kcol = "extent", times = c(365, 1095, 1825)),
  list(dataset = "pbc", time = "time", event = quote(status == 2), group = "trt", levels = c("2", "1"),
       covs = c("age", "bili"), strata = "stage", kcol = "stage", times = c(1095, 1825, 3650)),
  list(dataset = "rotterdam", time = "dtime", event = quote(death == 1), group = "chemo", levels = c("0", "1"),
       covs = c("age", "nodes"), strata = "size", kcol = "size", times = c(365, 1825, 3650))
)

out <- lapply(cases, function(cs) {
  d <- ds(cs$dataset, check.names = FALSE)
  d <- d[!is.na(d[[cs$group]]), ]
  d$.time <- d[[cs$time]]
  d$.event <- as.integer(eval(cs$event, d))
  d$.g <- factor(as.character(d[[cs$group]]), levels = cs$levels)
  km <- lapply(c("log-log", "plain"), function(ct) {
    fit <- survfit(Surv(.time, .event) ~ .g, data = d, conf.type = ct)
    q <- quantile(fit, 0.5, conf.int = TRUE)
    s <- summary(fit, times = cs$times, extend = TRUE)
    list(conf_type = ct,
         median = unname(q$quantile[, 1]), median_lower = unname(q$lower[, 1]), median_upper = unname(q$upper[, 1]),
         at_lower = lapply(cs$levels, function(l) s$lower[s$strata == paste0(".g=", l)]),
         at_upper = lapply(cs$levels, function(l) s$upper[s$strata == paste0(".g=", l)]))
  })
  sd1 <- survdiff(Surv(.time, .event) ~ .g, data = d, rho = 1)
  dk <- d[!is.na(d[[cs$kcol]]), ]
  lv <- sort(unique(as.character(dk[[cs$kcol]])))
  if (all(!is.na(suppressWarnings(as.numeric(lv))))) lv <- lv[order(as.numeric(lv))]
  dk$.k <- factor(as.character(dk[[cs$kcol]]), levels = lv)
  pairs <- list(); raw <- c()
  for (i in 1:(length(lv) - 1)) for (j in (i + 1):length(lv)) {
    sub <- dk[dk$.k %in% lv[c(i, j)], ]
    s <- survdiff(Surv(.time, .event) ~ droplevels(.k), data = sub)
    p <- pchisq(s$chisq, 1, lower.tail = FALSE)
    pairs[[length(pairs) + 1]] <- list(a = lv[i], b = lv[j], chisq = s$chisq, p = p)
    raw <- c(raw, p)
  }
  holm <- p.adjust(raw, "holm"); bonf <- p.adjust(raw, "bonferroni")
  for (k in seq_along(pairs)) { pairs[[k]]$holm <- holm[k]; pairs[[k]]$bonferroni <- bonf[k] }
  form <- as.formula(paste("Surv(.time, .event) ~ .g +", paste0("`", cs$covs, "`", collapse = " + "),
                           paste0("+ strata(`", cs$strata, "`)")))
  cox <- lapply(c("efron", "breslow"), function(ties) {
    f <- coxph(form, data = d, ties = ties)
    list(ties = ties, n = f$n, nevent = f$nevent, iter = f$iter, coef = unname(coef(f)),
         se = unname(sqrt(diag(f$var))), loglik = f$loglik, concordance = unname(f$concordance["concordance"]),
         lrt_p = unname(summary(f)$logtest["pvalue"]), score_p = unname(summary(f)$sctest["pvalue"]))
  })
  list(dataset = cs$dataset, time = cs$time, event_column = all.vars(cs$event)[1],
       event_value = as.character(eval(cs$event[[3]])), group = cs$group, levels = cs$levels,
       covariates = cs$covs, strata = cs$strata, kcol = cs$kcol, times = cs$times,
       km = km, logrank_rho1 = list(chisq = sd1$chisq, p = pchisq(sd1$chisq, 1, lower.tail = FALSE)),
       pairwise = pairs, cox_strata = cox)
})

write_extra(out, "spec_options", pretty = TRUE)
