# Regenerates the reference goldens tests/reference/goldens/<dataset>.json
# from tests/reference/datasets/<dataset>.csv with R.
#
#   Rscript tests/r/goldens.R OUTDIR [dataset ...]     (from the repository root)
#
# Writes OUTDIR/<dataset>.json in the schema of tests/reference/README.md.
# Needs R 4.2.2, survival 3.5-3, MatchIt 4.5.1, maxstat 0.7-25, jsonlite
# (other versions: a warning, and the output may differ). survminer 0.4.9 is
# not installed on this machine, so cutpoints[].surv_cutpoint is written only
# when survminer is available (the existing goldens have it; it equals the
# maxstat cutpoint and statistic). Compare with:
#   python3 tests/r/compare_goldens.py OUTDIR
#
# Helpers in tests/r/goldens/: spec.R (dataset definitions and fixed texts,
# literal R copied from the goldens), json.R (number encoding), analyses.R
# (KM, log-rank, Cox, cox.zph, contingency tables), matching_ref.R (MatchIt's
# pairing step re-implemented, with and without MatchIt 4.5.1's abs() bug),
# matching.R (the matching.<spec> blocks).

source("tests/r/common.R")
suppressPackageStartupMessages({
  library(MatchIt)
  library(maxstat)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1L) stop("usage: Rscript tests/r/goldens.R OUTDIR [dataset ...]")
outdir <- args[1]
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)
helper_dir <- "tests/r/goldens"
for (f in c("json.R", "spec.R", "analyses.R", "matching_ref.R", "matching.R")) source(file.path(helper_dir, f))
which_ds <- if (length(args) > 1L) args[-1] else names(golden_specs)

expected_versions <- c(survival = "3.5.3", MatchIt = "4.5.1", maxstat = "0.7.25", jsonlite = "1.8.4")
for (p in names(expected_versions)) {
  v <- as.character(packageVersion(p))
  if (v != expected_versions[[p]]) warning(sprintf("%s %s installed; the goldens were made with %s", p, v,
                                                   expected_versions[[p]]), call. = FALSE)
}
if (R.version$major != "4" || R.version$minor != "2.2") warning("the goldens were made with R 4.2.2", call. = FALSE)
have_survminer <- requireNamespace("survminer", quietly = TRUE)
if (!have_survminer &&
    normalizePath(outdir, mustWork = FALSE) == normalizePath(file.path("tests/reference/goldens"), mustWork = FALSE)) {
  stop("survminer is not installed: refusing to overwrite tests/reference/goldens without surv_cutpoint")
}

software_block <- function() {
  ver <- function(p) tryCatch(as.character(packageVersion(p)), error = function(e) NULL)
  list(R = R.version.string, survival = ver("survival"), MatchIt = ver("MatchIt"),
       maxstat = ver("maxstat"), survminer = ver("survminer"), jsonlite = ver("jsonlite"),
       platform = R.version$platform,
       blas_lapack = basename(La_library()))
}

ev <- function(expr, data) eval(parse(text = expr), data, baseenv())

build_golden <- function(name) {
  spec <- golden_specs[[name]]
  dsdef <- spec$dataset
  csv <- file.path(ref_dir, dsdef$csv)
  raw <- read.csv(csv, na.strings = "", stringsAsFactors = FALSE, check.names = FALSE)
  warnings_log <- list()

  # population, derived variables, time/event/treat
  d <- raw
  if (!is.null(dsdef$derived)) for (v in names(dsdef$derived)) d[[v]] <- ev(dsdef$derived[[v]], d)
  all_rows <- d
  if (dsdef$population$filter != "all rows") d <- d[ev(dsdef$population$filter, d), , drop = FALSE]
  d$.time <- d[[dsdef$time$column]]
  d$.event <- ev(dsdef$event$expression, d)
  has_treat <- !is.null(dsdef$treat)
  if (has_treat) d$treat <- ev(dsdef$treat$expression, d)
  covs <- dsdef$covariates
  cov_names <- vapply(covs, function(cv) cv$name, "")
  for (cv in covs) if (cv$type == "factor") d[[cv$name]] <- factor(as.character(d[[cv$name]]), levels = cv$levels)
  gvar <- dsdef$group$variable
  glev <- dsdef$group$levels
  gfac <- factor(as.character(d[[gvar]]), levels = glev)
  if (!has_treat) d[[gvar]] <- gfac
  times <- dsdef$fixed_times

  ds_out <- dsdef
  ds_out$csv_md5 <- unname(tools::md5sum(csv))
  ds_out$n_rows_file <- nrow(raw)
  ds_out$population <- list(filter = dsdef$population$filter,
                            description = dsdef$population$description, n = nrow(d))
  if (has_treat) ds_out$treat <- c(dsdef$treat, list(n_treated = sum(d$treat == 1), n_control = sum(d$treat == 0)))
  ds_out$fixed_times <- arr(times)
  ds_out$group$levels <- arr(glev)
  ds_out$covariates <- lapply(covs, function(cv) { if (!is.null(cv$levels)) cv$levels <- arr(cv$levels); cv })
  ds_out <- ds_out[c("name", "csv", "csv_md5", "n_rows_file", "population", "time", "event", "treat",
                     "group", "derived", "covariates", "fixed_times", "notes")]
  names(ds_out) <- c("name", "csv", "csv_md5", "n_rows_file", "population", "time", "event", "treat",
                     "group", "derived", "covariates", "fixed_times", "notes")

  out <- list(schema_version = 1L, dataset = ds_out, software = software_block(),
              conventions = golden_conventions)

  # --- KM
  out$km <- km_block(d$.time, d$.event, gfac, gvar, times)
  if (isTRUE(spec$km_all_rows)) {
    ar_event <- ev(dsdef$event$expression, all_rows)
    out$km_overall_all_rows <- km_curve(survfit(Surv(all_rows[[dsdef$time$column]], ar_event) ~ 1), "all", times)
  }

  # --- log-rank
  lrd <- data.frame(.time = d$.time, .event = d$.event)
  lrd[[gvar]] <- gfac
  by_group <- lr_block(survdiff(as.formula(paste("Surv(.time, .event) ~", gvar)), data = lrd, rho = 0),
                       paste("Surv(.time, .event) ~", gvar))
  multigroup <- lapply(spec$multigroup, function(mg) {
    dd <- data.frame(.time = d$.time, .event = d$.event,
                     v = factor(as.character(d[[mg$variable]]), levels = mg$levels))
    c(list(variable = mg$variable, levels = arr(mg$levels)),
      lr_block(survdiff(Surv(.time, .event) ~ v, data = dd, rho = 0), "Surv(.time, .event) ~ v"))
  })
  stratified <- lapply(spec$stratified, function(st) {
    dd <- data.frame(.time = d$.time, .event = d$.event,
                     g = factor(as.character(d[[st$group]]), levels = glev),
                     s = factor(as.character(d[[st$strata]]), levels = st$strata_levels))
    c(list(group = st$group, strata = st$strata, strata_levels = arr(st$strata_levels)),
      lr_block(survdiff(Surv(.time, .event) ~ g + strata(s), data = dd, rho = 0),
               "Surv(.time, .event) ~ g + strata(s)"))
  })
  out$logrank <- list(by_group = by_group, multigroup = multigroup, stratified = stratified)

  # --- reverse KM follow-up
  fu <- function(keep) {
    q <- quantile(survfit(Surv(d$.time[keep], 1 - d$.event[keep]) ~ 1), probs = 0.5, conf.int = TRUE)
    list(n = sum(keep), median = unname(q$quantile), lower = unname(q$lower), upper = unname(q$upper))
  }
  out$followup_reverse_km <- list(
    overall = fu(rep(TRUE, nrow(d))),
    by_group = setNames(lapply(glev, function(l) fu(!is.na(gfac) & gfac == l)), glev))

  # --- Cox
  terms_all <- c(gvar, cov_names)
  uni <- function(ties) lapply(terms_all, function(v) {
    fs <- paste("Surv(.time, .event) ~", v)
    cox_block(as.formula(fs), d, ties, fs, extra = list(variable = v))
  })
  mv_str <- paste("Surv(.time, .event) ~", paste(terms_all, collapse = " + "))
  cc_keep <- complete.cases(d[, c(".time", ".event", terms_all)])
  cc <- d[cc_keep, , drop = FALSE]
  out$cox <- list(
    univariate = list(efron = uni("efron"), breslow = uni("breslow")),
    multivariable = list(efron = cox_block(as.formula(mv_str), cc, "efron", mv_str),
                         breslow = cox_block(as.formula(mv_str), cc, "breslow", mv_str)),
    complete_case_n = nrow(cc),
    complete_case_ids_excluded = arr(d$id[!cc_keep]))

  # --- cox.zph on the multivariable Efron fit
  mv_fit <- coxph(as.formula(mv_str), data = cc, ties = "efron")
  out$cox_zph <- list(model = "multivariable, ties = 'efron'", transform = "km",
                      by_term = zph_table(cox.zph(mv_fit, transform = "km", terms = TRUE, global = TRUE)),
                      by_coefficient = zph_table(cox.zph(mv_fit, transform = "km", terms = FALSE, global = TRUE)))

  # --- logistic propensity model
  if (has_treat) {
    lf_str <- paste("treat ~", paste(cov_names, collapse = " + "))
    lg <- glm(as.formula(lf_str), family = binomial, data = cc)
    lg_t <- glm(as.formula(lf_str), family = binomial, data = cc,
                control = glm.control(epsilon = 1e-15, maxit = 100))
    sc <- summary(lg)$coefficients
    ps <- unname(fitted(lg))
    qs <- unname(quantile(ps, c(0.25, 0.5, 0.75), type = 7))
    out$logistic <- list(
      formula = lf_str, family = "binomial(link = 'logit')", n = nobs(lg),
      coefficients = list(name = arr(rownames(sc)), estimate = arr(sc[, 1]), se = arr(sc[, 2]),
                          z = arr(sc[, 3]), p = arr(sc[, 4])),
      deviance = lg$deviance, null_deviance = lg$null.deviance, df_residual = lg$df.residual,
      df_null = lg$df.null, aic = lg$aic, iter = lg$iter, converged = lg$converged,
      ps_first20 = list(id = arr(head(cc$id, 20)), ps = arr(head(ps, 20))),
      ps_summary = list(min = min(ps), q1 = qs[1], median = qs[2], mean = mean(ps), q3 = qs[3],
                        max = max(ps), quantile_type = 7L),
      ps_all = list(id = arr(cc$id), ps = arr(ps), linear_predictor = arr(lg$linear.predictors)),
      control = list(epsilon = 1e-8, maxit = 25L, rule = matching_text$logistic_rule),
      tight_convergence = list(epsilon = 1e-15, iter = lg_t$iter, coefficients = arr(coef(lg_t)),
                               max_abs_ps_diff_vs_default = max(abs(fitted(lg_t) - ps))))
  }

  # --- matching
  if (isTRUE(spec$matching)) {
    res <- matching_blocks(cc, cov_names, ps, times)
    out$matching <- res$blocks
    warnings_log <- c(warnings_log, res$warnings)
  }

  # --- categorical tests
  out$categorical_tests <- lapply(spec$categorical, function(ct) {
    ct_block(d[[ct$variable]], gfac, ct$variable, ct$levels, glev)
  })

  # --- cutpoints
  out$cutpoints <- lapply(spec$cutpoints, function(cp) cutpoint_block(d, cp))

  # --- subgroups
  if (!is.null(spec$subgroups)) {
    out$subgroups <- list(method = matching_text$subgroups_method,
                          results = lapply(spec$subgroups, function(v) subgroup_block(d, v, covs)))
  }

  out$warnings <- warnings_log
  out
}

cutpoint_block <- function(d, cp) {
  dd <- d
  if (!is.null(cp$subset)) dd <- dd[ev(cp$subset, dd), , drop = FALSE]
  df <- data.frame(time = dd$.time, event = dd$.event, x = dd[[cp$variable]])
  df <- df[complete.cases(df), , drop = FALSE]
  mt <- maxstat.test(Surv(time, event) ~ x, data = df, smethod = "LogRank", pmethod = "Lau94",
                     minprop = 0.1, maxprop = 0.9)
  cut <- unname(mt$estimate)
  df$high <- as.integer(df$x > cut)
  out <- list(variable = cp$variable, subset = cp$subset, note = cp$note, n = nrow(df), nevent = sum(df$event),
       maxstat = list(call = matching_text$maxstat_call, cutpoint = cut,
                      statistic = unname(mt$statistic), p = unname(mt$p.value),
                      rule = matching_text$maxstat_rule,
                      candidates = list(cut = arr(mt$cuts), statistic = arr(mt$stats))),
       surv_cutpoint = surv_cutpoint_block(df),
       split_at_cutpoint = list(
         definition = "high = x > cutpoint", n_high = sum(df$high == 1), n_low = sum(df$high == 0),
         logrank = lr_block(survdiff(Surv(time, event) ~ high, data = df, rho = 0), "Surv(time, event) ~ high"),
         cox_efron = cox_block(Surv(time, event) ~ high, df, "efron", "Surv(time, event) ~ high")))
  if (is.null(out$surv_cutpoint)) out$surv_cutpoint <- NULL  # field left out, not null
  out
}

# survminer::surv_cutpoint (maxstat, minprop 0.1). NULL (field left out) when
# survminer is not installed. Not run on this machine (survminer absent).
surv_cutpoint_block <- function(df) {
  if (!have_survminer) return(NULL)
  sc <- survminer::surv_cutpoint(df, time = "time", event = "event", variables = "x", minprop = 0.1)
  list(call = "survminer::surv_cutpoint(data, time, event, variables = 'x', minprop = 0.1)  # maxstat, pmethod = 'none', maxprop = 0.9",
       cutpoint = unname(sc$cutpoint["x", "cutpoint"]), statistic = unname(sc$cutpoint["x", "statistic"]))
}

subgroup_block <- function(d, v, covs) {
  cv <- Filter(function(c) c$name == v, covs)[[1]]
  x <- d[[v]]
  lev <- if (cv$type == "factor") cv$levels else as.character(sort(unique(x[!is.na(x)])))
  levels_out <- lapply(lev, function(l) {
    sub <- d[!is.na(x) & as.character(x) == l, , drop = FALSE]
    fit <- suppressWarnings(coxph(Surv(.time, .event) ~ treat, data = sub, ties = "efron"))
    s <- summary(fit)
    list(level = l, n = fit$n, nevent = fit$nevent,
         n_treated = sum(sub$treat == 1), n_control = sum(sub$treat == 0),
         coef = unname(coef(fit)), se = unname(s$coefficients[1, "se(coef)"]), hr = unname(exp(coef(fit))),
         lower = unname(s$conf.int[1, "lower .95"]), upper = unname(s$conf.int[1, "upper .95"]),
         z = unname(s$coefficients[1, "z"]), p = unname(s$coefficients[1, "Pr(>|z|)"]))
  })
  dd <- d[!is.na(x), , drop = FALSE]
  dd$sg <- dd[[v]]
  f_int <- suppressWarnings(coxph(Surv(.time, .event) ~ treat * sg, data = dd, ties = "efron"))
  f_main <- suppressWarnings(coxph(Surv(.time, .event) ~ treat + sg, data = dd, ties = "efron"))
  si <- summary(f_int)$coefficients
  term <- grep("^treat:", rownames(si), value = TRUE)
  lrt <- 2 * (f_int$loglik[2] - f_main$loglik[2])
  ldf <- sum(!is.na(coef(f_int))) - sum(!is.na(coef(f_main)))
  list(variable = v, levels = levels_out,
       interaction = list(model = matching_text$subgroups_model, n = f_int$n, term = term,
                          coef = unname(si[term, "coef"]), se = unname(si[term, "se(coef)"]),
                          wald_z = unname(si[term, "z"]), wald_p = unname(si[term, "Pr(>|z|)"]),
                          lrt_statistic = lrt, lrt_df = ldf,
                          lrt_p = pchisq(lrt, ldf, lower.tail = FALSE)))
}

for (name in which_ds) {
  t0 <- proc.time()[["elapsed"]]
  g <- build_golden(name)
  write_golden(g, file.path(outdir, paste0(name, ".json")))
  cat(sprintf("%s: %.1fs\n", name, proc.time()[["elapsed"]] - t0))
}
