# R reference values for core/log_rank that the goldens do not hold:
# survdiff with rho != 0 (plain, multigroup, stratified), pairwise comparisons
# with p.adjust, the timefix (aeqSurv) rule, and degenerate inputs.
#
# Run from the repository root:  Rscript tests/r/log_rank.R
# Writes tests/reference/extra/log_rank.json.
#
# Pairwise comparisons: survminer::pairwise_survdiff is not installed here, so
# pairwise_survdiff_0.4.9() below does what survminer 0.4.9 does: for each pair
# of group levels (i < j, in pairwise.table's column-major order) a survdiff on
# the rows of those two levels, p = pchisq(chisq, length(fit$n) - 1,
# lower.tail = FALSE), then p.adjust over all pairs (stats::pairwise.table).

source("tests/r/common.R")
stopifnot(packageVersion("survival") == "3.5.3")


mat <- function(m) {
  m <- as.matrix(m)
  list(rows = lapply(seq_len(nrow(m)), function(i) unname(m[i, ])))
}

# One survdiff result in the goldens' LR shape, plus per-stratum obs/exp.
lr <- function(fit, call) {
  obs <- fit$obs
  exp <- fit$exp
  stratified <- is.matrix(obs)
  otot <- if (stratified) rowSums(obs) else obs
  etot <- if (stratified) rowSums(exp) else exp
  out <- list(call = call, groups = names(fit$n), n = as.vector(fit$n),
              observed = as.vector(otot), expected = as.vector(etot),
              var = mat(fit$var), chisq = fit$chisq,
              df = sum(etot > 0) - 1, p = fit$pvalue)
  if (stratified) {
    out$strata <- names(fit$strata)
    out$n_by_stratum <- as.vector(fit$strata)
    out$observed_by_stratum <- mat(obs)
    out$expected_by_stratum <- mat(exp)
  }
  out
}

lung <- ds("lung")
lung$event <- as.integer(lung$status == 2)
lung$treat <- as.integer(lung$sex == 2)
lung$ecog <- factor(lung$ph.ecog, levels = c(0, 1, 2, 3))

veteran <- ds("veteran")
veteran$event <- veteran$status
veteran$treat <- as.integer(veteran$trt == 2)
veteran$cell <- factor(veteran$celltype, levels = c("squamous", "smallcell", "adeno", "large"))

colon <- ds("colon")
colon$event <- colon$status
colon$arm <- factor(colon$rx, levels = c("Obs", "Lev", "Lev+5FU"))
colon$ext <- factor(colon$extent, levels = 1:4)

out <- list(
  software = list(R = R.version.string, survival = as.character(packageVersion("survival"))),
  notes = paste(
    "observed with rho != 0 is survdiff's weighted count; df = groups with expected > 0",
    "minus 1; p = survdiff's pvalue (null = NA/NaN)."))

# ---- G-rho family ---------------------------------------------------------
cases <- list(
  lung_by_group_rho1 = quote(survdiff(Surv(time, event) ~ treat, data = lung, rho = 1)),
  lung_multigroup_rho1 = quote(survdiff(Surv(time, event) ~ ecog, data = lung, rho = 1)),
  lung_stratified_rho1 = quote(survdiff(Surv(time, event) ~ treat + strata(ecog), data = lung,
                                        rho = 1)),
  veteran_by_group_rho1 = quote(survdiff(Surv(time, event) ~ treat, data = veteran, rho = 1)),
  veteran_multigroup_rho1 = quote(survdiff(Surv(time, event) ~ cell, data = veteran, rho = 1)),
  veteran_stratified_rho1 = quote(survdiff(Surv(time, event) ~ treat + strata(cell),
                                           data = veteran, rho = 1)),
  veteran_multigroup_rho0.5 = quote(survdiff(Surv(time, event) ~ cell, data = veteran,
                                             rho = 0.5)),
  veteran_multigroup_strata_prior_rho0 = quote(survdiff(Surv(time, event) ~ cell + strata(prior),
                                                        data = veteran)),
  veteran_multigroup_strata_prior_rho1 = quote(survdiff(Surv(time, event) ~ cell + strata(prior),
                                                        data = veteran, rho = 1)),
  colon_stratified_rho1 = quote(survdiff(Surv(time, event) ~ arm + strata(ext), data = colon,
                                         rho = 1)))
out$survdiff <- lapply(names(cases), function(nm) {
  c(list(name = nm), lr(eval(cases[[nm]]), deparse1(cases[[nm]])))
})

# ---- pairwise (survminer 0.4.9's pairwise_survdiff, written out) ----------
# `strata` (optional) follows later survminer versions (issue #648), which
# keep a strata() term in each pair's survdiff.
pairwise_survdiff_0.4.9 <- function(time, event, group, rho, method, strata = NULL) {
  keep <- !is.na(group)
  if (is.null(strata)) strata <- rep(1, length(time))
  time <- time[keep]; event <- event[keep]; group <- droplevels(group[keep])
  strata <- strata[keep]
  lev <- levels(group)
  pairs <- list()
  for (i in seq_len(length(lev) - 1)) for (j in (i + 1):length(lev)) {
    s <- group %in% lev[c(i, j)]
    g <- group[s]
    st <- strata[s]
    fit <- if (length(unique(strata)) > 1)
      survdiff(Surv(time[s], event[s]) ~ g + strata(st), rho = rho)
    else survdiff(Surv(time[s], event[s]) ~ g, rho = rho)
    obs <- fit$obs
    exp <- fit$exp
    if (is.matrix(obs)) {
      obs <- rowSums(obs)
      exp <- rowSums(exp)
    }
    pairs[[length(pairs) + 1]] <- list(a = lev[i], b = lev[j], n = sum(fit$n),
                                       observed = as.vector(obs),
                                       expected = as.vector(exp), chisq = fit$chisq,
                                       df = length(fit$n) - 1,
                                       p = pchisq(fit$chisq, length(fit$n) - 1,
                                                  lower.tail = FALSE))
  }
  p <- sapply(pairs, `[[`, "p")
  adj <- p.adjust(p, method)
  for (k in seq_along(pairs)) pairs[[k]]$p_adjusted <- adj[k]
  list(method = method, rho = rho, levels = lev, pairs = pairs)
}
out$pairwise <- list()
for (m in c("holm", "bonferroni", "none", "BH")) {
  out$pairwise[[length(out$pairwise) + 1]] <-
    c(list(dataset = "veteran", group = "celltype"),
      pairwise_survdiff_0.4.9(veteran$time, veteran$event, veteran$cell, 0, m))
  out$pairwise[[length(out$pairwise) + 1]] <-
    c(list(dataset = "lung", group = "ph.ecog"),
      pairwise_survdiff_0.4.9(lung$time, lung$event, lung$ecog, 0, m))
}
out$pairwise[[length(out$pairwise) + 1]] <-
  c(list(dataset = "veteran", group = "celltype"),
    pairwise_survdiff_0.4.9(veteran$time, veteran$event, veteran$cell, 1, "holm"))
out$pairwise[[length(out$pairwise) + 1]] <-
  c(list(dataset = "veteran", group = "celltype", strata = "prior"),
    pairwise_survdiff_0.4.9(veteran$time, veteran$event, veteran$cell, 0, "holm",
                            strata = veteran$prior))

# p.adjust on a vector with ties and an NA (NA stays NA and is not counted).
padj_in <- c(0.01, 0.04, 0.04, NA, 0.03, 0.2, 0.0001)
out$p_adjust <- list(p = padj_in,
                     holm = p.adjust(padj_in, "holm"),
                     bonferroni = p.adjust(padj_in, "bonferroni"),
                     BH = p.adjust(padj_in, "BH"),
                     none = p.adjust(padj_in, "none"))

# ---- timefix (aeqSurv) -----------------------------------------------------
# Data are written out in full so the C++ test reads exactly these doubles.
timefix_case <- function(name, time, event, group, description) {
  fit <- survdiff(Surv(time, event) ~ group)
  # survdiff(timefix = FALSE) fails in survival 3.5-3 ("variable lengths
  # differ": the option is passed on to model.frame), so the untied result
  # comes from survdiff.fit, survdiff's own kernel call, on the raw times.
  g <- factor(group)
  raw <- survival:::survdiff.fit(Surv(time, event), g, rep(1, length(time)), 0)
  d <- raw$exp > 0
  dd <- ((raw$obs - raw$exp)[d])[-1]
  chi_raw <- sum(solve(raw$var[d, d][-1, -1, drop = FALSE], dd) * dd)
  list(name = name, description = description, time = time, status = event,
       group = as.integer(g) - 1L,
       timefix = lr(fit, "survdiff(Surv(time, status) ~ group)"),
       no_timefix = list(observed = raw$obs, expected = raw$exp, var = mat(raw$var),
                         chisq = chi_raw,
                         p = pchisq(chi_raw, sum(d) - 1, lower.tail = FALSE)))
}
vt <- veteran$time + (veteran$id %% 3) * 1e-9
vr <- veteran$time * 1e7 + (veteran$id %% 2) * 0.05
chain <- c(1, 1 + 1e-8, 1 + 2e-8, 1 + 3e-8, 2, 2.5, 3, 3 + 1e-12, 4, 5)
out$timefix <- list(
  timefix_case("veteran_absolute", vt, veteran$event, veteran$treat,
               "veteran time + (id %% 3) * 1e-9: gaps below sqrt(eps) merge back"),
  timefix_case("veteran_relative", vr, veteran$event, veteran$treat,
               "veteran time * 1e7 + (id %% 2) * 0.05: gaps below sqrt(eps) * mean|time|"),
  timefix_case("chain", chain, c(1, 1, 0, 1, 1, 0, 1, 1, 0, 1), c(0, 1, 0, 1, 1, 0, 0, 1, 1, 0),
               "1, 1+1e-8, 1+2e-8, 1+3e-8 chain into one time though the ends differ by 3e-8"))

# ---- degenerate inputs -----------------------------------------------------
try_fit <- function(expr) {
  warnings <- character()
  res <- withCallingHandlers(
    tryCatch(eval(expr), error = function(e) conditionMessage(e)),
    warning = function(w) {
      warnings <<- c(warnings, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  if (is.character(res)) list(call = deparse1(expr), error = res, warnings = warnings)
  else c(lr(res, deparse1(expr)), list(warnings = warnings))
}
t6 <- c(1, 2, 3, 4, 5, 6)
s6 <- c(1, 0, 1, 1, 0, 1)
g6 <- c(0, 0, 0, 1, 1, 1)
out$degenerate <- list(
  one_group = c(list(time = t6, status = s6, group = rep(0, 6)),
                try_fit(quote(survdiff(Surv(t6, s6) ~ rep(0, 6))))),
  no_events = c(list(time = t6, status = rep(0, 6), group = g6),
                try_fit(quote(survdiff(Surv(t6, rep(0, 6)) ~ g6)))),
  empty_level = c(list(time = t6, status = s6, group = c(0, 0, 0, 2, 2, 2)),
                  try_fit(quote(survdiff(Surv(t6, s6) ~ factor(c(0, 0, 0, 2, 2, 2),
                                                               levels = 0:2))))),
  expected_zero = c(list(time = c(0.5, 0.6, 2, 3, 4, 5), status = c(0, 0, 1, 1, 0, 1),
                         group = c(0, 0, 1, 1, 2, 2)),
                    try_fit(quote(survdiff(Surv(c(0.5, 0.6, 2, 3, 4, 5), c(0, 0, 1, 1, 0, 1)) ~
                                             c(0, 0, 1, 1, 2, 2))))),
  one_group_at_risk = c(list(time = c(1, 2, 3, 0.1, 0.2, 0.3), status = c(1, 0, 1, 0, 0, 0),
                             group = c(0, 0, 0, 1, 1, 1)),
                        try_fit(quote(survdiff(Surv(c(1, 2, 3, 0.1, 0.2, 0.3),
                                                    c(1, 0, 1, 0, 0, 0)) ~ c(0, 0, 0, 1, 1, 1))))),
  singular_strata = c(list(time = t6, status = s6, group = g6, strata = g6),
                      try_fit(quote(survdiff(Surv(t6, s6) ~ g6 + strata(g6))))))

write_extra(out, "log_rank", pretty = TRUE)
cat("wrote", extra_path("log_rank"), "\n")
