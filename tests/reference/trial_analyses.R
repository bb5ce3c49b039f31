# Reference values for tests/stats/test_risk.py (modified Poisson risk ratios) and
# tests/causal/test_cace.py (complier average causal effect), computed with R:
#
#   cd tests/reference && Rscript trial_analyses.R
#
# (r-base-core, r-cran-sandwich, r-cran-aer, r-cran-epitools, r-cran-jsonlite). Reads
# trial_analyses_data.csv (invented trials made by make_trial_analyses_data.py) and writes
# trial_analyses_reference.json with 15 significant digits.
#
# * Risk ratios: glm(flag_post ~ intervention [+ flag_pre + site], family = poisson) with the
#   HC0 sandwich covariance, sandwich::vcovHC(fit, type = "HC0") (vcovHC's default is HC3,
#   so the type is given), Wald interval exp(b +- qnorm(0.975) se) and p = 2 pnorm(-|b / se|)
#   (lmtest::coeftest(fit, vcov = V) gives the same z test, written out here). Zou (2004).
#   Unadjusted, epitools::riskratio.wald of the same table gives the Katz interval.
# * CACE: AER::ivreg(score_post ~ received + score_pre + site | intervention + score_pre +
#   site), summary's classical standard error and t test on the residual degrees of freedom,
#   interval b +- qt(0.975, df) se; also without covariates (the Wald estimator).
# glm is run to a relative deviance change of 1e-14 (its default 1e-8 stops about 1e-5 relative
# from the optimum in the coefficients). Complete cases: rows with a follow-up value (glm and
# ivreg drop the others).
suppressPackageStartupMessages({
  library(sandwich)
  library(AER)
  library(epitools)
  library(jsonlite)
})
data <- read.csv("trial_analyses_data.csv", stringsAsFactors = FALSE)
data$intervention <- as.numeric(data$group == "intervention")
data$received <- as.numeric(data$intervention == 1 & !is.na(data$sessions) & data$sessions >= 8)
data$site <- factor(data$site)  # treatment contrasts against the first level in sorted order

poisson_ratio <- function(formula, frame) {
  fit <- glm(formula, family = poisson(link = "log"), data = frame,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  covariance <- vcovHC(fit, type = "HC0")
  b <- unname(coef(fit)["intervention"])
  se <- sqrt(covariance["intervention", "intervention"])
  list(estimate = exp(b), log_se = se, ci_low = exp(b - qnorm(0.975) * se),
       ci_high = exp(b + qnorm(0.975) * se), z = b / se, p = 2 * pnorm(-abs(b / se)),
       n = nobs(fit), converged = fit$converged)
}

complier <- function(formula, frame) {
  fit <- ivreg(formula, data = frame)
  table <- coef(summary(fit))
  df <- fit$df.residual
  b <- table["received", "Estimate"]
  se <- table["received", "Std. Error"]
  list(estimate = b, se = se, t = table["received", "t value"], df = df,
       p = table["received", "Pr(>|t|)"], ci_low = b - qt(0.975, df) * se,
       ci_high = b + qt(0.975, df) * se, n = nobs(fit))
}

reference <- list(r_version = R.version.string,
                  sandwich = as.character(packageVersion("sandwich")),
                  AER = as.character(packageVersion("AER")))
for (name in unique(data$dataset)) {
  frame <- droplevels(data[data$dataset == name, ])
  followed <- frame[!is.na(frame$flag_post), ]
  counts <- table(factor(followed$intervention, levels = c(0, 1)),
                  factor(followed$flag_post, levels = c(0, 1)))
  katz <- riskratio.wald(counts)$measure["1", ]
  reference[[name]] <- list(
    unadjusted = c(poisson_ratio(flag_post ~ intervention, frame),
                   list(katz_ci_low = unname(katz["lower"]), katz_ci_high = unname(katz["upper"]))),
    adjusted = poisson_ratio(flag_post ~ intervention + flag_pre + site, frame),
    adjusted_score = poisson_ratio(flag_post ~ intervention + score_pre + site, frame),
    cace = complier(score_post ~ received + score_pre + site |
                      intervention + score_pre + site, frame),
    cace_plain = complier(score_post ~ received | intervention, frame),
    compliance = mean(frame$received[frame$intervention == 1 & !is.na(frame$score_post)]))
}
writeLines(toJSON(reference, auto_unbox = TRUE, digits = I(15), pretty = TRUE),
           "trial_analyses_reference.json")
