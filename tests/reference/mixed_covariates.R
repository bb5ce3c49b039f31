# Reference values for burnout.stats.mixed_model with covariates (tests/stats/test_mixed_model.py):
# lmer(score ~ intervention * post + age + site + (1 | student_id), REML) on the three invented
# data sets of mixed_covariates_data_long.csv (made by make_mixed_covariates_data.py): balanced,
# unbalanced (missing follow-ups) and boundary (student variance estimated as zero, singular).
#
#   cd tests/reference && Rscript mixed_covariates.R
#
# (r-base-core, r-cran-lme4, r-cran-jsonlite). Writes mixed_covariates_reference.json with 15
# significant digits. Each model is fitted twice: with lme4's default control ("default") and
# with BOBYQA's tolerances tightened until the REML optimum is found to about 1e-10 in theta
# ("tight"), which is the value the tests compare with: the default stops within about 1e-7
# relative of the optimum, so it cannot check agreement to the last digits.
suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
long <- read.csv("mixed_covariates_data_long.csv", stringsAsFactors = FALSE)
long$intervention <- as.numeric(long$group == "intervention")
long$post <- as.numeric(long$time == "post")
long$site <- factor(long$site)  # treatment contrasts against the first level in sorted order
formula <- score ~ intervention * post + age + site + (1 | student_id)
controls <- list(
  default = lmerControl(check.conv.singular = "ignore"),
  tight = lmerControl(check.conv.singular = "ignore", optimizer = "nloptwrap",
                      optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 0,
                                     ftol_rel = 0, maxeval = 10000)))
summarise <- function(fit) {
  coefficients <- summary(fit)$coefficients
  variances <- as.data.frame(VarCorr(fit))
  list(fixed = as.list(coefficients[, "Estimate"]), se = as.list(coefficients[, "Std. Error"]),
       variances = setNames(as.list(variances$vcov), variances$grp),
       theta = unname(getME(fit, "theta")), singular = isSingular(fit),
       reml_criterion = unname(REMLcrit(fit)),
       n_subjects = unname(ngrps(fit)["student_id"]), n_observations = nobs(fit))
}
reference <- list(r_version = R.version.string,
                  lme4 = as.character(packageVersion("lme4")))
for (name in c("balanced", "unbalanced", "boundary")) {
  data <- droplevels(long[long$dataset == name & !is.na(long$score), ])
  reference[[name]] <- lapply(controls, function(control)
    summarise(lmer(formula, data = data, REML = TRUE, control = control)))
}
writeLines(toJSON(reference, auto_unbox = TRUE, digits = I(15), pretty = TRUE),
           "mixed_covariates_reference.json")
