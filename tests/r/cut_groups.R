# Reference for analyses.cutpoint.groups: a numeric cut at a value into
# "x <= cut" / "x > cut" plus a reference group of its own (rows matching
# a filter, e.g. no RT), compared by survfit, survdiff (overall and each
# pair) and coxph, then each cut group matched 1:1 against the reference
# (MatchIt nearest, corrected pairing as MatchIt >= 4.5.4) and compared by
# coxph(cluster = subclass) in the matched pairs. The paper's Figure 5:
# BED > 60 Gy vs <= 60 Gy vs no RT among patients with bone metastasis.
# Run from the repo root: Rscript tests/r/cut_groups.R -> tests/reference/extra/cut_groups.json
source("tests/r/common.R")
suppressPackageStartupMessages(library(MatchIt))
source("tests/r/goldens/matching_ref.R")

d <- ds("npc_synth_1")
rownames(d) <- NULL
d <- within(d, {
  bed <- bone_rt_dose_gy * (1 + (bone_rt_dose_gy / bone_rt_fractions) / 10)
  age45 <- as.integer(age >= 45); kps90 <- as.integer(kps >= 90)
  t4 <- as.integer(t_stage == "T4"); n3 <- as.integer(n_stage == "N3")
})
d <- subset(d, bone_met == 1)
levels3 <- c("no RT", "bed <= 60", "bed > 60")
d$g <- ifelse(d$lt_bone == 0, "no RT", ifelse(is.na(d$bed), NA, ifelse(d$bed <= 60, "bed <= 60", "bed > 60")))
d <- d[!is.na(d$g), ]
d$g <- factor(d$g, levels = levels3)

sd <- survdiff(Surv(os_months, death) ~ g, data = d)
pair_p <- function(a, b) {
  s <- survdiff(Surv(os_months, death) ~ g, data = droplevels(subset(d, g %in% c(a, b))))
  list(a = a, b = b, statistic = unname(s$chisq),
       p = pchisq(s$chisq, length(s$n) - 1, lower.tail = FALSE))
}
pairs <- list(pair_p("no RT", "bed <= 60"), pair_p("no RT", "bed > 60"), pair_p("bed <= 60", "bed > 60"))
raw <- vapply(pairs, `[[`, 0, "p")
holm <- p.adjust(raw, "holm")
for (i in seq_along(pairs)) pairs[[i]]$p_holm <- holm[i]
cx <- coxph(Surv(os_months, death) ~ g, data = d, ties = "efron")
fit <- survfit(Surv(os_months, death) ~ g, data = d)
at <- summary(fit, times = c(12, 36, 60), extend = TRUE)

covs <- c("age45", "kps90", "t4", "n3", "liver_met", "lung_met")
matched <- lapply(levels3[2:3], function(lv) {
  s <- droplevels(subset(d, g %in% c("no RT", lv)))
  s$treat <- as.integer(s$g == lv)
  m <- with_pairing(make_pairing(FALSE),
                    matchit(reformulate(covs, "treat"), data = s, method = "nearest",
                            distance = "glm", caliper = 0.2, std.caliper = TRUE))
  md <- match.data(m)
  mc <- coxph(Surv(os_months, death) ~ treat, data = md, cluster = subclass, ties = "efron")
  mm <- m$match.matrix
  list(level = lv, n_pairs = sum(!is.na(mm[, 1])),
       treated_row = I(as.integer(rownames(mm)[!is.na(mm[, 1])])),
       control_row = I(as.integer(mm[!is.na(mm[, 1]), 1])),
       coef = unname(coef(mc)), robust_se = unname(sqrt(diag(mc$var))),
       p = unname(summary(mc)$coefficients[, "Pr(>|z|)"]),
       logrank_chisq = unname(survdiff(Surv(os_months, death) ~ treat, data = md)$chisq))
})

write_extra(list(
  call = "subset(npc_synth_1, bone_met == 1); g = no RT (lt_bone == 0) / bed <= 60 / bed > 60",
  n = I(as.integer(table(d$g))), events = I(as.integer(tapply(d$death, d$g, sum))),
  logrank = list(statistic = unname(sd$chisq), p = pchisq(sd$chisq, 2, lower.tail = FALSE)),
  pairwise = pairs,
  cox = list(coef = I(unname(coef(cx))), se = I(unname(sqrt(diag(cx$var)))),
             p = I(unname(summary(cx)$coefficients[, "Pr(>|z|)"]))),
  km_at = list(strata = I(as.character(at$strata)), time = I(at$time), surv = I(at$surv)),
  matched = matched), "cut_groups", pretty = TRUE)
