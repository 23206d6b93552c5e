# Dataset definitions of the reference goldens, as literal R (copied from the
# existing tests/reference/goldens/<name>.json `dataset` blocks and the list of
# variables each analysis block covers). Sourced by tests/r/goldens.R.

golden_specs <- list()

golden_specs[["lung"]] <- list(
  dataset = list(
    name = "lung",
    csv = "datasets/lung.csv",
    population = list(
      filter = "all rows",
      description = NULL),
    time = list(
      column = "time",
      unit = "days"),
    event = list(
      expression = "as.integer(status == 2)",
      description = "status: 1 = censored, 2 = dead; event = (status == 2)"),
    treat = list(
      expression = "as.integer(sex == 2)",
      description = "sex: 1 = male, 2 = female; treat = 1 for female (sex == 2)"),
    group = list(
      variable = "treat",
      levels = c("0", "1")),
    derived = NULL,
    covariates = list(
      list(
        name = "age",
        type = "numeric"),
      list(
        name = "ph.ecog",
        type = "numeric"),
      list(
        name = "ph.karno",
        type = "numeric"),
      list(
        name = "wt.loss",
        type = "numeric")),
    fixed_times = c(180, 365, 730),
    notes = NULL),
  multigroup = list(
    list(
      variable = "ph.ecog",
      levels = c("0", "1", "2", "3"))),
  stratified = list(
    list(
      group = "treat",
      strata = "ph.ecog",
      strata_levels = c("0", "1", "2", "3"))),
  categorical = list(
    list(
      variable = "ph.ecog",
      levels = c("0", "1", "2", "3"))),
  cutpoints = list(
    list(
      variable = "age",
      subset = NULL,
      note = NULL)),
  matching = TRUE,
  km_all_rows = FALSE,
  subgroups = NULL)

golden_specs[["veteran"]] <- list(
  dataset = list(
    name = "veteran",
    csv = "datasets/veteran.csv",
    population = list(
      filter = "all rows",
      description = NULL),
    time = list(
      column = "time",
      unit = "days"),
    event = list(
      expression = "status",
      description = "status: 1 = dead, 0 = censored"),
    treat = list(
      expression = "as.integer(trt == 2)",
      description = "trt: 1 = standard, 2 = test; treat = 1 for test (trt == 2)"),
    group = list(
      variable = "treat",
      levels = c("0", "1")),
    derived = NULL,
    covariates = list(
      list(
        name = "celltype",
        type = "factor",
        levels = c("squamous", "smallcell", "adeno", "large"),
        reference = "squamous"),
      list(
        name = "karno",
        type = "numeric"),
      list(
        name = "diagtime",
        type = "numeric"),
      list(
        name = "age",
        type = "numeric"),
      list(
        name = "prior",
        type = "factor",
        levels = c("0", "10"),
        reference = "0")),
    fixed_times = c(30, 90, 180),
    notes = NULL),
  multigroup = list(
    list(
      variable = "celltype",
      levels = c("squamous", "smallcell", "adeno", "large"))),
  stratified = list(
    list(
      group = "treat",
      strata = "celltype",
      strata_levels = c("squamous", "smallcell", "adeno", "large"))),
  categorical = list(
    list(
      variable = "celltype",
      levels = c("squamous", "smallcell", "adeno", "large")),
    list(
      variable = "prior",
      levels = c("0", "10"))),
  cutpoints = list(
    list(
      variable = "karno",
      subset = NULL,
      note = NULL)),
  matching = TRUE,
  km_all_rows = FALSE,
  subgroups = NULL)

golden_specs[["colon"]] <- list(
  dataset = list(
    name = "colon",
    csv = "datasets/colon.csv",
    population = list(
      filter = "all rows",
      description = NULL),
    time = list(
      column = "time",
      unit = "days"),
    event = list(
      expression = "status",
      description = "status: 1 = death (etype == 2 rows only), 0 = censored"),
    treat = NULL,
    group = list(
      variable = "rx",
      levels = c("Obs", "Lev", "Lev+5FU"),
      description = "rx, three arms (no binary treatment: propensity/matching parts are in colon_bin)"),
    derived = NULL,
    covariates = list(
      list(
        name = "sex",
        type = "numeric"),
      list(
        name = "age",
        type = "numeric"),
      list(
        name = "obstruct",
        type = "numeric"),
      list(
        name = "perfor",
        type = "numeric"),
      list(
        name = "adhere",
        type = "numeric"),
      list(
        name = "nodes",
        type = "numeric"),
      list(
        name = "differ",
        type = "factor",
        levels = c("1", "2", "3"),
        reference = "1"),
      list(
        name = "extent",
        type = "factor",
        levels = c("1", "2", "3", "4"),
        reference = "1"),
      list(
        name = "surg",
        type = "numeric")),
    fixed_times = c(365, 1095, 1825),
    notes = NULL),
  multigroup = list(
    list(
      variable = "differ",
      levels = c("1", "2", "3")),
    list(
      variable = "extent",
      levels = c("1", "2", "3", "4"))),
  stratified = list(
    list(
      group = "rx",
      strata = "extent",
      strata_levels = c("1", "2", "3", "4"))),
  categorical = list(
    list(
      variable = "sex",
      levels = c("0", "1")),
    list(
      variable = "obstruct",
      levels = c("0", "1")),
    list(
      variable = "perfor",
      levels = c("0", "1")),
    list(
      variable = "adhere",
      levels = c("0", "1")),
    list(
      variable = "differ",
      levels = c("1", "2", "3")),
    list(
      variable = "extent",
      levels = c("1", "2", "3", "4")),
    list(
      variable = "surg",
      levels = c("0", "1")),
    list(
      variable = "node4",
      levels = c("0", "1"))),
  cutpoints = list(
    list(
      variable = "nodes",
      subset = NULL,
      note = NULL)),
  matching = FALSE,
  km_all_rows = FALSE,
  subgroups = NULL)

golden_specs[["colon_bin"]] <- list(
  dataset = list(
    name = "colon_bin",
    csv = "datasets/colon_bin.csv",
    population = list(
      filter = "all rows",
      description = NULL),
    time = list(
      column = "time",
      unit = "days"),
    event = list(
      expression = "status",
      description = "status: 1 = death (etype == 2 rows only), 0 = censored"),
    treat = list(
      expression = "as.integer(rx == 'Lev+5FU')",
      description = "rx: Lev+5FU (treat = 1) vs Obs (treat = 0); Lev rows dropped from the file"),
    group = list(
      variable = "treat",
      levels = c("0", "1")),
    derived = NULL,
    covariates = list(
      list(
        name = "sex",
        type = "numeric"),
      list(
        name = "age",
        type = "numeric"),
      list(
        name = "obstruct",
        type = "numeric"),
      list(
        name = "perfor",
        type = "numeric"),
      list(
        name = "adhere",
        type = "numeric"),
      list(
        name = "nodes",
        type = "numeric"),
      list(
        name = "differ",
        type = "factor",
        levels = c("1", "2", "3"),
        reference = "1"),
      list(
        name = "extent",
        type = "factor",
        levels = c("1", "2", "3", "4"),
        reference = "1"),
      list(
        name = "surg",
        type = "numeric")),
    fixed_times = c(365, 1095, 1825),
    notes = NULL),
  multigroup = list(
    list(
      variable = "differ",
      levels = c("1", "2", "3")),
    list(
      variable = "extent",
      levels = c("1", "2", "3", "4"))),
  stratified = list(
    list(
      group = "treat",
      strata = "extent",
      strata_levels = c("1", "2", "3", "4"))),
  categorical = list(
    list(
      variable = "sex",
      levels = c("0", "1")),
    list(
      variable = "obstruct",
      levels = c("0", "1")),
    list(
      variable = "perfor",
      levels = c("0", "1")),
    list(
      variable = "adhere",
      levels = c("0", "1")),
    list(
      variable = "differ",
      levels = c("1", "2", "3")),
    list(
      variable = "extent",
      levels = c("1", "2", "3", "4")),
    list(
      variable = "surg",
      levels = c("0", "1")),
    list(
      variable = "node4",
      levels = c("0", "1"))),
  cutpoints = list(
    list(
      variable = "nodes",
      subset = NULL,
      note = NULL)),
  matching = TRUE,
  km_all_rows = FALSE,
  subgroups = NULL)

golden_specs[["pbc"]] <- list(
  dataset = list(
    name = "pbc",
    csv = "datasets/pbc.csv",
    population = list(
      filter = "!is.na(trt)",
      description = "randomised patients only (trt non-missing, 312 of 418 rows)"),
    time = list(
      column = "time",
      unit = "days"),
    event = list(
      expression = "as.integer(status == 2)",
      description = "status: 0 = censored, 1 = transplant (treated as censored), 2 = dead; event = (status == 2)"),
    treat = list(
      expression = "as.integer(trt == 1)",
      description = "trt: 1 = D-penicillamine (treat = 1), 2 = placebo (treat = 0)"),
    group = list(
      variable = "treat",
      levels = c("0", "1")),
    derived = NULL,
    covariates = list(
      list(
        name = "age",
        type = "numeric"),
      list(
        name = "sex",
        type = "factor",
        levels = c("m", "f"),
        reference = "m"),
      list(
        name = "ascites",
        type = "numeric"),
      list(
        name = "hepato",
        type = "numeric"),
      list(
        name = "spiders",
        type = "numeric"),
      list(
        name = "edema",
        type = "factor",
        levels = c("0", "0.5", "1"),
        reference = "0"),
      list(
        name = "bili",
        type = "numeric"),
      list(
        name = "albumin",
        type = "numeric"),
      list(
        name = "protime",
        type = "numeric"),
      list(
        name = "stage",
        type = "factor",
        levels = c("1", "2", "3", "4"),
        reference = "1")),
    fixed_times = c(1095, 1825, 3650),
    notes = NULL),
  multigroup = list(
    list(
      variable = "stage",
      levels = c("1", "2", "3", "4")),
    list(
      variable = "edema",
      levels = c("0", "0.5", "1"))),
  stratified = list(
    list(
      group = "treat",
      strata = "edema",
      strata_levels = c("0", "0.5", "1"))),
  categorical = list(
    list(
      variable = "sex",
      levels = c("m", "f")),
    list(
      variable = "ascites",
      levels = c("0", "1")),
    list(
      variable = "hepato",
      levels = c("0", "1")),
    list(
      variable = "spiders",
      levels = c("0", "1")),
    list(
      variable = "edema",
      levels = c("0", "0.5", "1")),
    list(
      variable = "stage",
      levels = c("1", "2", "3", "4"))),
  cutpoints = list(
    list(
      variable = "bili",
      subset = NULL,
      note = NULL)),
  matching = TRUE,
  km_all_rows = TRUE,
  subgroups = NULL)

golden_specs[["rotterdam"]] <- list(
  dataset = list(
    name = "rotterdam",
    csv = "datasets/rotterdam.csv",
    population = list(
      filter = "all rows",
      description = NULL),
    time = list(
      column = "dtime",
      unit = "days"),
    event = list(
      expression = "death",
      description = "death: 1 = dead, 0 = alive (overall survival; rtime/recur not used)"),
    treat = list(
      expression = "chemo",
      description = "chemo: 1 = chemotherapy, 0 = none"),
    group = list(
      variable = "treat",
      levels = c("0", "1")),
    derived = NULL,
    covariates = list(
      list(
        name = "age",
        type = "numeric"),
      list(
        name = "meno",
        type = "numeric"),
      list(
        name = "size",
        type = "factor",
        levels = c("<=20", "20-50", ">50"),
        reference = "<=20"),
      list(
        name = "grade",
        type = "factor",
        levels = c("2", "3"),
        reference = "2"),
      list(
        name = "nodes",
        type = "numeric"),
      list(
        name = "pgr",
        type = "numeric"),
      list(
        name = "er",
        type = "numeric"),
      list(
        name = "hormon",
        type = "numeric")),
    fixed_times = c(365, 1825, 3650),
    notes = NULL),
  multigroup = list(
    list(
      variable = "size",
      levels = c("<=20", "20-50", ">50"))),
  stratified = list(
    list(
      group = "treat",
      strata = "grade",
      strata_levels = c("2", "3"))),
  categorical = list(
    list(
      variable = "meno",
      levels = c("0", "1")),
    list(
      variable = "size",
      levels = c("<=20", "20-50", ">50")),
    list(
      variable = "grade",
      levels = c("2", "3")),
    list(
      variable = "hormon",
      levels = c("0", "1"))),
  cutpoints = list(
    list(
      variable = "nodes",
      subset = NULL,
      note = NULL)),
  matching = TRUE,
  km_all_rows = FALSE,
  subgroups = NULL)

golden_specs[["npc_synth_1"]] <- list(
  dataset = list(
    name = "npc_synth_1",
    csv = "datasets/npc_synth_1.csv",
    population = list(
      filter = "all rows",
      description = NULL),
    time = list(
      column = "os_months",
      unit = "months"),
    event = list(
      expression = "death",
      description = "death: 1 = died, 0 = censored"),
    treat = list(
      expression = "lt",
      description = "lt: 1 = local therapy to metastatic foci, 0 = none"),
    group = list(
      variable = "treat",
      levels = c("0", "1")),
    derived = list(
      age45 = "as.integer(age >= 45)",
      kps90 = "as.integer(kps >= 90)",
      ebv_hi = "as.integer(ebv_dna >= 10000)",
      t4 = "as.integer(t_stage == 'T4')",
      n3 = "as.integer(n_stage == 'N3')",
      synchronous = "as.integer(sequence == 'synchronous')",
      cycles6 = "as.integer(chemo_cycles >= 6)",
      bed = "bone_rt_dose_gy * (1 + (bone_rt_dose_gy / bone_rt_fractions) / 10)"),
    covariates = list(
      list(
        name = "sex",
        type = "factor",
        levels = c("Male", "Female"),
        reference = "Male"),
      list(
        name = "age45",
        type = "numeric"),
      list(
        name = "kps90",
        type = "numeric"),
      list(
        name = "pathology",
        type = "factor",
        levels = c("III", "I-II"),
        reference = "III"),
      list(
        name = "ebv_hi",
        type = "numeric"),
      list(
        name = "t4",
        type = "numeric"),
      list(
        name = "n3",
        type = "numeric"),
      list(
        name = "synchronous",
        type = "numeric"),
      list(
        name = "liver_met",
        type = "numeric"),
      list(
        name = "lung_met",
        type = "numeric"),
      list(
        name = "bone_met",
        type = "numeric"),
      list(
        name = "chemo",
        type = "numeric"),
      list(
        name = "cycles6",
        type = "numeric"),
      list(
        name = "targeted",
        type = "numeric"),
      list(
        name = "immuno",
        type = "numeric"),
      list(
        name = "rt_primary",
        type = "numeric")),
    fixed_times = c(12, 36, 60),
    notes = NULL),
  multigroup = list(
    list(
      variable = "t_stage",
      levels = c("T1", "T2", "T3", "T4")),
    list(
      variable = "n_stage",
      levels = c("N0", "N1", "N2", "N3"))),
  stratified = list(
    list(
      group = "treat",
      strata = "sequence",
      strata_levels = c("metachronous", "synchronous"))),
  categorical = list(
    list(
      variable = "sex",
      levels = c("Male", "Female")),
    list(
      variable = "age45",
      levels = c("0", "1")),
    list(
      variable = "kps90",
      levels = c("0", "1")),
    list(
      variable = "kps",
      levels = c("70", "80", "90", "100")),
    list(
      variable = "pathology",
      levels = c("III", "I-II")),
    list(
      variable = "ebv_hi",
      levels = c("0", "1")),
    list(
      variable = "t_stage",
      levels = c("T1", "T2", "T3", "T4")),
    list(
      variable = "t4",
      levels = c("0", "1")),
    list(
      variable = "n_stage",
      levels = c("N0", "N1", "N2", "N3")),
    list(
      variable = "n3",
      levels = c("0", "1")),
    list(
      variable = "sequence",
      levels = c("metachronous", "synchronous")),
    list(
      variable = "liver_met",
      levels = c("0", "1")),
    list(
      variable = "liver_lesions",
      levels = c("none", "single", "multiple")),
    list(
      variable = "lung_met",
      levels = c("0", "1")),
    list(
      variable = "lung_lesions",
      levels = c("none", "single", "multiple")),
    list(
      variable = "bone_met",
      levels = c("0", "1")),
    list(
      variable = "bone_lesions",
      levels = c("none", "single", "multiple")),
    list(
      variable = "chemo",
      levels = c("0", "1")),
    list(
      variable = "cycles6",
      levels = c("0", "1")),
    list(
      variable = "targeted",
      levels = c("0", "1")),
    list(
      variable = "immuno",
      levels = c("0", "1")),
    list(
      variable = "rt_primary",
      levels = c("0", "1"))),
  cutpoints = list(
    list(
      variable = "age",
      subset = NULL,
      note = NULL),
    list(
      variable = "ebv_dna",
      subset = NULL,
      note = NULL),
    list(
      variable = "bed",
      subset = "lt_bone == 1",
      note = "BED = D*(1+d/10), d = D/n, among bone-irradiated patients (lt_bone == 1)")),
  matching = TRUE,
  km_all_rows = FALSE,
  subgroups = c("sex", "age45", "kps90", "pathology", "ebv_hi", "t4", "n3", "synchronous", "liver_met", "lung_met", "bone_met", "chemo", "cycles6", "targeted", "immuno", "rt_primary"))

# Text blocks recorded verbatim in every golden.

golden_conventions <- list(
  km = list(
    call = "survfit(Surv(time, event) ~ group) [survival::survfit.formula defaults]",
    stype = 1,
    ctype = 1,
    conf.type = "log",
    conf.int = 0.95,
    error = "greenwood",
    table_std.err = "std.err = standard error of -log(S) (= of the cumulative hazard), survfit's own scale; std.err_surv = surv * std.err",
    ci_formula = "lower, upper = S * exp(-/+ qnorm(0.975) * std.err), upper capped at 1; NA when S == 0",
    at_times = "summary(fit, times = times, extend = TRUE): surv is S(t) at the last event time <= t; std.err_surv is the SE of S (summary.survfit scale); n.event / n.censor count the interval since the previous requested time; n.risk is the number at risk at t",
    quantiles = "quantile(fit, probs = c(0.25, 0.5, 0.75), conf.int = TRUE): smallest t with S(t) <= 1 - p (midpoint rule if S is exactly 1-p on an interval); CI from the same rule on the lower/upper curves; null = not reached",
    timefix = "survival's default timefix (near-equal times merged); no effect on these data"),
  logrank = "survdiff(Surv(time, event) ~ group, rho = 0); df = (#groups with expected > 0) - 1; p = upper chi-square tail. Stratified: + strata(s), observed/expected summed over strata.",
  reverse_km = "median follow-up = median of survfit(Surv(time, 1 - event) ~ 1) (censorings are the events), log CI as for KM",
  cox = list(
    call = "coxph(Surv(time, event) ~ ..., ties = <efron|breslow>) with coxph.control() defaults",
    control = list(
      eps = 1e-09,
      toler.chol = 1.8189894035458565e-12,
      iter.max = 20,
      toler.inf = 3.1622776601683795e-05,
      outer.max = 10),
    ci = "exp(coef -/+ qnorm(0.975) * se); robust fits use robust_se",
    tests = "lrt = 2*(loglik - loglik_null), df = number of non-NA coefficients; wald = summary()$waldtest; score = summary()$sctest (robust_score = summary()$robscore for cluster() fits)",
    concordance = "fit$concordance: Harrell's C of the linear predictor (concordant + tied.x/2)/(concordant + discordant + tied.x), timewt = 'n'; std = its infinitesimal-jackknife SE",
    missing = "complete cases on time, event and the terms of each model (n recorded)",
    factors = "treatment contrasts, reference = first declared level; coefficient name = variable name + level"),
  cox_zph = "cox.zph(multivariable Efron fit, transform = 'km', terms = TRUE / FALSE, global = TRUE) (survival 3.x score test, not the 2.x approximation)",
  logistic = "glm(treat ~ covariates, family = binomial) on the same complete cases as the multivariable Cox",
  chisq = "chisq.test(table, correct = TRUE / FALSE); Yates only ever applied to 2x2 tables: sum((|O-E| - min(0.5, |O-E|))^2 / E). Empty rows/columns dropped first.",
  fisher = "fisher.test(table) two-sided (2x2: conditional MLE odds ratio + exact CI); RxC network algorithm, workspace 2e5 then 2e7; 'not_feasible' when both fail",
  json = "numbers are IEEE doubles written with the shortest of 15/16/17 significant digits that round-trips; null = NA/NaN/Inf; data frames are column-major objects of equal-length arrays; matrices are {rownames, colnames, rows}")

matching_text <- list(
  algorithm = "Greedy 1:1 nearest neighbour without replacement. Treated units are processed in decreasing distance order (ties keep data order). All units are sorted by distance (stable); for each treated unit the nearest still-available control on each side in that order is found (the scan on a side stops at the first available control; if that one is outside the caliper the side yields nothing); the closer of the two wins, the lower-distance (left) one on exact ties. A control is acceptable only if |d_t - d_c| <= caliper_absolute. Treated units with no acceptable control stay unmatched.",
  balance_rule = "summary(m, standardize = TRUE): variables are model-matrix columns (every factor level); Std. Mean Diff. = (mean_t - mean_c) / sd_t where sd_t is from ALL treated units before matching (binary 0/1 columns: sqrt(p(1-p)), others: sample SD with n-1); the same denominator is used after matching; |diff| < sqrt(.Machine$double.eps) gives the raw difference.",
  matchit_bug_note = "The MatchIt 4.5.1 installed here (Debian r-cran-matchit; also CRAN 4.5.1-4.5.3) has a C++ bug: nn_matchC_vec.cpp calls abs() on doubles and gets the integer overload, so |d_t - d_c| is truncated toward zero (MatchIt issue #163, fixed in 4.5.4 by std::abs). Effects: a caliper below 1 (raw propensity scale) never rejects a control; a caliper on the linear-logit scale only rejects |diff| >= 1; and when the nearest available controls below and above a treated unit are both within |diff| < 1 the one below (lower distance) is always taken, even if the one above is closer. 'matchit_installed' is what R on this machine returns; 'corrected' is the same MatchIt R code with the pairing step replaced by R/matching_ref.R using a true absolute value (the documented algorithm, as in MatchIt >= 4.5.4). 'emulation_reproduces_installed' certifies that R/matching_ref.R with integer truncation gives exactly the installed pairs, i.e. the two blocks differ only by the abs() bug.",
  caliper_rule_raw = "caliper_absolute = caliper on the raw distance scale (propensity score)",
  caliper_rule_std = "caliper_absolute = caliper * sd(distance) over all units (sample SD, n-1), on the distance scale (linear logit here)",
  logistic_rule = "IRLS stops when |dev - dev_old| / (|dev| + 0.1) < epsilon",
  maxstat_call = "maxstat.test(Surv(time, event) ~ x, smethod = 'LogRank', pmethod = 'Lau94', minprop = 0.1, maxprop = 0.9)",
  maxstat_rule = "log-rank scores from exactRankTests::cscores(Surv, 'LogRank'); candidate cuts = distinct x values with m = #(x <= cut) in [max(1, floor(n*minprop)), floor(n*maxprop)]; statistic = max |S_m - E_m| / sqrt(V_m) (permutation moments); first maximiser wins; group 'low' = x <= cutpoint",
  subgroups_method = "per level: coxph(Surv ~ treat, ties = 'efron') within the subgroup; interaction: Wald z of treat:x in coxph(Surv ~ treat * x) and LRT vs coxph(Surv ~ treat + x), rows with x non-missing",
  subgroups_model = "coxph(Surv ~ treat * x, ties = 'efron') vs coxph(Surv ~ treat + x)")
