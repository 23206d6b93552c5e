# Reference for "match until balanced" (analyses.matching rounds): the
# paper's "several rounds of matching until all parameters were balanced",
# done by hand in R exactly as LocalSurv documents it:
#   round 1: matchit(treat ~ score covariates, exact = ~ exact set, ...);
#   judge every covariate on the matched units: factors and two-valued
#   columns by chisq.test(correct = TRUE) (empty rows/columns dropped) or,
#   when an expected count is below 5, fisher.test; other numerics by
#   t.test (Welch); |SMD| from summary(m, addlvariables = every covariate)$sum.matched (MatchIt's
#   standardization, every factor level);
#   next round: the unbalanced covariates join the exact set (rule "exact";
#   continuous ones join the score model instead) or the score model (rule
#   "model"); stop when no pairs were formed, all are balanced, nothing can
#   be added, or the round limit is hit.
# MatchIt's pairing step is the corrected one (MatchIt >= 4.5.4, see
# tests/r/goldens/matching_ref.R): Debian's 4.5.1 truncates distances.
# Run from the repo root: Rscript tests/r/rounds.R -> tests/reference/extra/rounds.json
source("tests/r/common.R")
suppressPackageStartupMessages(library(MatchIt))
source("tests/r/goldens/matching_ref.R")

chosen_p <- function(x, treat, numeric_many) {
  if (numeric_many) return(list(test = "welch_t", p = t.test(x[treat == 1], x[treat == 0])$p.value))
  tab <- table(factor(x), treat)
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  if (nrow(tab) < 2 || ncol(tab) < 2) return(list(test = "chisq", p = NA_real_))
  chi <- suppressWarnings(chisq.test(tab, correct = TRUE))
  if (min(chi$expected) < 5) list(test = "fisher", p = fisher.test(tab)$p.value)
  else list(test = "chisq", p = chi$p.value)
}

run_rounds <- function(label, d, treat, covs, factors, score, exact, rule, criterion,
                       max_rounds, caliper = NULL) {
  d$treat <- treat
  # LocalSurv matches the rows complete on every covariate (row names keep
  # the data row numbers).
  d <- d[complete.cases(d[covs]), ]
  for (f in names(factors)) d[[f]] <- factor(d[[f]], levels = factors[[f]])
  rounds <- list()
  for (round in seq_len(max_rounds)) {
    args <- list(formula = reformulate(score, "treat"), data = d, method = "nearest",
                 distance = "glm", ratio = 1, replace = FALSE, m.order = "largest")
    if (length(exact)) args$exact <- reformulate(exact)
    if (!is.null(caliper)) args <- c(args, list(caliper = caliper, std.caliper = TRUE))
    m <- with_pairing(make_pairing(FALSE), do.call(matchit, args))
    used <- m$weights > 0
    smd <- summary(m, addlvariables = d[covs], un = FALSE)$sum.matched[, "Std. Mean Diff."]
    checks <- lapply(covs, function(v) {
      x <- d[[v]]
      numeric_many <- is.numeric(x) && length(unique(na.omit(x))) > 2
      cp <- chosen_p(x[used], d$treat[used], numeric_many)
      rows <- if (is.factor(x)) paste0(v, levels(x)) else v
      s <- max(abs(smd[rows]), na.rm = TRUE)
      p_ok <- is.na(cp$p) || cp$p > 0.1
      s_ok <- !is.finite(s) || s < 0.1
      list(variable = v, test = cp$test, p = cp$p, max_abs_smd = s,
           balanced = switch(criterion, p = p_ok, smd = s_ok, both = p_ok && s_ok))
    })
    unbalanced <- vapply(Filter(function(c) !c$balanced, checks), `[[`, "", "variable")
    mm <- m$match.matrix
    tr <- as.integer(rownames(mm)[!is.na(mm[, 1])])
    rounds[[round]] <- list(round = round, score = I(score), exact = I(exact),
                            matched_treated = sum(used & d$treat == 1),
                            matched_control = sum(used & d$treat == 0),
                            covariates = checks, unbalanced = I(unbalanced),
                            treated_row = I(tr), control_row = I(as.integer(mm[!is.na(mm[, 1]), 1])))
    if (!any(used)) break  # no pairs: nothing to judge
    if (!length(unbalanced)) break
    # Rule "exact": categorical and two-valued covariates join the exact set,
    # continuous ones (exact matching on them leaves no pairs) the score model.
    continuous <- vapply(unbalanced, function(v) is.numeric(d[[v]]) && length(unique(na.omit(d[[v]]))) > 2, NA)
    to_exact <- if (rule == "exact") unbalanced[!continuous] else character()
    to_score <- if (rule == "exact") unbalanced[continuous] else unbalanced
    add_exact <- setdiff(to_exact, exact)
    add_score <- setdiff(to_score, score)
    if (!length(add_exact) && !length(add_score)) break
    exact <- c(exact, add_exact)
    score <- c(score, add_score)
  }
  list(label = label, rounds = rounds)
}

rot <- ds("rotterdam")
rownames(rot) <- NULL
npc <- ds("npc_synth_1")
rownames(npc) <- NULL
npc <- within(npc, {
  age45 <- as.integer(age >= 45); kps90 <- as.integer(kps >= 90)
  ebv_hi <- as.integer(ebv_dna >= 10000); t4 <- as.integer(t_stage == "T4")
  n3 <- as.integer(n_stage == "N3"); synchronous <- as.integer(sequence == "synchronous")
  cycles6 <- as.integer(chemo_cycles >= 6)
})
rot_covs <- c("age", "meno", "size", "grade", "nodes", "pgr", "er", "hormon")
rot_factors <- list(size = c("<=20", "20-50", ">50"), grade = c("2", "3"))
npc_covs <- c("sex", "age45", "kps90", "pathology", "ebv_hi", "t4", "n3", "synchronous",
              "liver_met", "lung_met", "bone_met", "chemo", "cycles6", "targeted", "immuno",
              "rt_primary")
npc_factors <- list(sex = c("Male", "Female"), pathology = c("III", "I-II"))

cases <- list(
  run_rounds("rotterdam chemo, rule exact from a score without age/nodes/pgr, p criterion, caliper 0.2 SD",
             rot, rot$chemo, rot_covs, rot_factors, score = c("meno", "grade", "er", "hormon"),
             exact = character(), rule = "exact", criterion = "p", max_rounds = 5, caliper = 0.2),
  run_rounds("rotterdam chemo, rule model from age + nodes, both criteria", rot, rot$chemo,
             rot_covs, rot_factors, score = c("age", "nodes"), exact = character(),
             rule = "model", criterion = "both", max_rounds = 6),
  run_rounds("npc_synth_1 lt, rule exact, p criterion, score on 6 covariates", npc, npc$lt,
             npc_covs, npc_factors, score = c("age45", "kps90", "t4", "n3", "liver_met", "bone_met"),
             exact = character(), rule = "exact", criterion = "p", max_rounds = 4)
)
write_extra(list(software = list(R = R.version.string,
                                MatchIt = as.character(packageVersion("MatchIt"))),
                cases = cases), "rounds", pretty = TRUE)
