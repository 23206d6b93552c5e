# Expected values for the bundled example (tests/core/test_paper_spec.cpp):
# public/examples/npc_paper.spec.json on public/examples/npc_cohort.csv.
# Writes tests/reference/extra/paper_spec.json:
#   cohort       nrow(d), sum(death == 1)
#   subcohorts   the same for the spec's three subcohort filters
#   km           survfit(Surv(os_months, death == 1) ~ lt): n, events per
#                group; summary(fit, times = c(12, 36, 60), extend = TRUE)
#                surv and std.err (of S)
#   followup     reverse Kaplan-Meier median follow-up:
#                survfit(Surv(os_months, death == 0) ~ 1), its median
#   cox_lt       coxph(Surv(os_months, death == 1) ~ factor(lt)): coef, se, p
#                (the spec's univariate model of the group, Efron ties)
#   logrank      survdiff(Surv(os_months, death == 1) ~ lt): observed,
#                expected, chisq, p
#   table1_sex   table(lt, sex) counts (Male, Female) per group, and
#                chisq.test(table(lt, sex)) (Yates, as the spec asks) and
#                fisher.test(...) p
source("tests/r/common.R")
stopifnot(packageVersion("survival") == "3.5.3")

d <- read.csv("public/examples/npc_cohort.csv", stringsAsFactors = FALSE)
subcohorts <- list(
  "Liver-only metastasis" = with(d, liver_met == 1 & lung_met == 0 & bone_met == 0),
  "Lung-only metastasis" = with(d, lung_met == 1 & liver_met == 0 & bone_met == 0),
  "Bone-only metastasis" = with(d, bone_met == 1 & liver_met == 0 & lung_met == 0))

km <- survfit(Surv(os_months, death == 1) ~ lt, data = d)
at <- summary(km, times = c(12, 36, 60), extend = TRUE)
groups <- lapply(c("0", "1"), function(g) {
  k <- at$strata == paste0("lt=", g)
  list(stratum = g, n = sum(d$lt == as.integer(g)), events = sum(d$death[d$lt == as.integer(g)] == 1),
       times = at$time[k], surv = at$surv[k], std_err = at$std.err[k])
})
fu <- survfit(Surv(os_months, death == 0) ~ 1, data = d)
cox <- summary(coxph(Surv(os_months, death == 1) ~ factor(lt), data = d, ties = "efron"))$coefficients
lr <- survdiff(Surv(os_months, death == 1) ~ lt, data = d)
sex <- table(factor(d$lt, levels = c(0, 1)), factor(d$sex, levels = c("Male", "Female")))

write_extra(list(
  software = list(R = R.version.string, survival = as.character(packageVersion("survival"))),
  cohort = list(n = nrow(d), events = sum(d$death == 1)),
  subcohorts = lapply(names(subcohorts), function(nm) {
    k <- subcohorts[[nm]]
    list(name = nm, n = sum(k), events = sum(d$death[k] == 1))
  }),
  km = groups,
  followup = list(median = unname(summary(fu)$table["median"])),
  cox_lt = list(coef = cox[1, "coef"], se = cox[1, "se(coef)"], p = cox[1, "Pr(>|z|)"]),
  logrank = list(observed = unname(lr$obs), expected = unname(lr$exp), statistic = lr$chisq,
                 p = pchisq(lr$chisq, df = 1, lower.tail = FALSE)),
  table1_sex = list(counts = lapply(1:2, function(g) unname(as.integer(sex[g, ]))),
                    chisq_p = chisq.test(sex, correct = TRUE)$p.value, fisher_p = fisher.test(sex)$p.value)
), "paper_spec", pretty = TRUE)
cat("wrote", extra_path("paper_spec"), "\n")
