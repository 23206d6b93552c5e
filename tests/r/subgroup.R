# R reference values for core/subgroup that the goldens do not hold: subgroup
# treatment HRs adjusted for other covariates, interactions with more than two
# levels (joint Wald chi-square over the interaction block, LRT df = levels - 1
# or fewer when a coefficient is aliased), a level with one patient, and
# Breslow ties.
#
# Run from the repository root:  Rscript tests/r/subgroup.R
# Writes tests/reference/extra/subgroup.json.
#
# Each case: dataset, event expression, treat expression, subgroup variable
# and its levels (as a factor, first = reference), adjusters (numeric columns),
# ties; per level: n, nevent, n_treated, n_control, coef, se, hr, lower, upper,
# z, p of treat (null when R gives NA or cannot fit); interaction: n, term
# names, coef/se/z/p per term (null = aliased), LRT statistic/df/p, joint Wald
# statistic/df/p = b' V^-1 b over the non-aliased treat:x coefficients.

source("tests/r/common.R")
stopifnot(packageVersion("survival") == "3.5.3")


run_case <- function(name, d, var, lev, adjust, ties) {
  d$sg <- factor(d[[var]], levels = lev)
  rhs_adj <- if (length(adjust)) paste("+", paste(adjust, collapse = " + ")) else ""
  f_level <- as.formula(paste("Surv(.time, .event) ~ treat", rhs_adj))
  levels_out <- lapply(lev, function(l) {
    sub <- d[!is.na(d$sg) & d$sg == l, , drop = FALSE]
    fit <- tryCatch(suppressWarnings(coxph(f_level, data = sub, ties = ties)),
                    error = function(e) NULL)
    row <- list(level = l, n = nrow(sub), nevent = sum(sub$.event),
                n_treated = sum(sub$treat == 1), n_control = sum(sub$treat == 0))
    if (is.null(fit) || is.na(coef(fit)[["treat"]])) {
      return(c(row, list(coef = NA, se = NA, hr = NA, lower = NA, upper = NA, z = NA, p = NA)))
    }
    s <- summary(fit)
    c(row, list(coef = unname(coef(fit)[["treat"]]),
                se = unname(s$coefficients["treat", "se(coef)"]),
                hr = unname(exp(coef(fit)[["treat"]])),
                lower = unname(s$conf.int["treat", "lower .95"]),
                upper = unname(s$conf.int["treat", "upper .95"]),
                z = unname(s$coefficients["treat", "z"]),
                p = unname(s$coefficients["treat", "Pr(>|z|)"])))
  })
  dd <- d[!is.na(d$sg), , drop = FALSE]
  f_int <- suppressWarnings(coxph(as.formula(paste("Surv(.time, .event) ~ treat * sg", rhs_adj)),
                                  data = dd, ties = ties))
  f_main <- suppressWarnings(coxph(as.formula(paste("Surv(.time, .event) ~ treat + sg", rhs_adj)),
                                   data = dd, ties = ties))
  cf <- coef(f_int)
  terms <- grep("^treat:", names(cf), value = TRUE)
  se <- sqrt(diag(f_int$var))
  names(se) <- names(cf)
  ok <- terms[!is.na(cf[terms])]
  b <- cf[ok]
  V <- f_int$var[match(ok, names(cf)), match(ok, names(cf)), drop = FALSE]
  wald <- drop(t(b) %*% solve(V, b))
  lrt <- 2 * (f_int$loglik[2] - f_main$loglik[2])
  ldf <- sum(!is.na(coef(f_int))) - sum(!is.na(coef(f_main)))
  z <- cf[terms] / se[terms]
  list(name = name, dataset = attr(d, "dataset"), variable = var, levels = I(lev),
       adjust = I(adjust), ties = ties, level_results = levels_out,
       interaction = list(
         n = f_int$n, nevent = f_int$nevent, terms = I(terms),
         coef = I(unname(cf[terms])), se = I(unname(ifelse(is.na(cf[terms]), NA, se[terms]))),
         z = I(unname(z)), p = I(unname(2 * pnorm(-abs(z)))),
         loglik_main = f_main$loglik[2], loglik_interaction = f_int$loglik[2],
         lrt_statistic = lrt, lrt_df = ldf, lrt_p = pchisq(lrt, ldf, lower.tail = FALSE),
         wald_statistic = wald, wald_df = length(ok),
         wald_p = pchisq(wald, length(ok), lower.tail = FALSE)))
}

lung <- ds("lung")
lung$.time <- lung$time
lung$.event <- as.integer(lung$status == 2)
lung$treat <- as.integer(lung$sex == 2)
attr(lung, "dataset") <- "lung"

vet <- ds("veteran")
vet$.time <- vet$time
vet$.event <- vet$status
vet$treat <- as.integer(vet$trt == 2)
attr(vet, "dataset") <- "veteran"

cases <- list(
  # ph.ecog: one NA row, level 3 has a single patient (treat:sg3 aliased).
  run_case("lung ph.ecog adjusted for age, efron", lung, "ph.ecog", c("0", "1", "2", "3"),
           c("age"), "efron"),
  run_case("lung ph.ecog unadjusted, breslow", lung, "ph.ecog", c("0", "1", "2", "3"),
           character(0), "breslow"),
  run_case("veteran celltype unadjusted, efron", vet, "celltype",
           c("squamous", "smallcell", "adeno", "large"), character(0), "efron"),
  run_case("veteran celltype adjusted for karno and age, efron", vet, "celltype",
           c("squamous", "smallcell", "adeno", "large"), c("karno", "age"), "efron")
)

out <- list(software = list(R = R.version.string, survival = as.character(packageVersion("survival"))),
            cases = cases)
write_extra(out, "subgroup", pretty = TRUE)
