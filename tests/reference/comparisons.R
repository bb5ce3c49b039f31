# Reference values for the comparison tests (tests/test_rank_sum.py, test_risk.py,
# test_regression.py, test_mixed_model.py), computed with R from Debian's packages
# (r-base-core, r-cran-epitools, r-cran-lme4, r-cran-sandwich, r-cran-lmtest, r-cran-jsonlite).
#
#   cd tests/reference && Rscript comparisons.R
#
# Reads the fixed data made by make_comparisons_data.py (comparisons_data_*.csv) and writes
# comparisons_reference.json. Numbers are written with 15 significant digits.
suppressPackageStartupMessages({
  library(jsonlite)
  library(epitools)
  library(lme4)
  library(sandwich)
  library(lmtest)
})

reference <- list(
  r_version = R.version.string,
  packages = list(epitools = as.character(packageVersion("epitools")),
                  lme4 = as.character(packageVersion("lme4")),
                  sandwich = as.character(packageVersion("sandwich")))
)

# --- Wilcoxon rank-sum: wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE) ----
rank_sum <- read.csv("comparisons_data_rank_sum.csv", stringsAsFactors = FALSE)
reference$rank_sum <- list()
for (name in unique(rank_sum$dataset)) {
  x <- rank_sum$value[rank_sum$dataset == name & rank_sum$sample == "x"]
  y <- rank_sum$value[rank_sum$dataset == name & rank_sum$sample == "y"]
  test <- wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE)
  reference$rank_sum[[name]] <- list(
    n_x = length(x), n_y = length(y), W = unname(test$statistic),
    p_val = test$p.value, shift = unname(test$estimate),
    shift_ci_low = test$conf.int[1], shift_ci_high = test$conf.int[2])
}
# All values identical: R gives p = NaN without the interval and stops when asked for it.
all_tied <- wilcox.test(rep(1, 5), rep(1, 6), exact = FALSE, correct = TRUE)
with_interval <- tryCatch(
  suppressWarnings(wilcox.test(rep(1, 5), rep(1, 6), conf.int = TRUE, exact = FALSE)),
  error = function(e) conditionMessage(e))
reference$rank_sum_all_tied <- list(
  W = unname(all_tied$statistic), p_val_is_nan = is.nan(all_tied$p.value),
  conf_int_error = if (is.character(with_interval)) with_interval else "")

# --- Risk ratio: epitools::riskratio.wald (rows: control, intervention; columns: no, yes) ---
risk <- read.csv("comparisons_data_risk.csv", stringsAsFactors = FALSE)
reference$risk_ratio <- list()
for (i in seq_len(nrow(risk))) {
  r <- risk[i, ]
  table <- matrix(c(r$unexposed_total - r$unexposed_events, r$unexposed_events,
                    r$exposed_total - r$exposed_events, r$exposed_events),
                  nrow = 2, byrow = TRUE)
  wald <- suppressWarnings(riskratio.wald(table))$measure
  corrected <- suppressWarnings(riskratio.wald(table + 0.5))$measure
  reference$risk_ratio[[r$dataset]] <- list(
    estimate = wald[2, "estimate"], ci_low = wald[2, "lower"], ci_high = wald[2, "upper"],
    fisher_p = fisher.test(table)$p.value,
    corrected_estimate = corrected[2, "estimate"], corrected_ci_low = corrected[2, "lower"],
    corrected_ci_high = corrected[2, "upper"])
}

# --- OLS: lm(change ~ group + pre + site + gender + applying_em) + confint; HC3 --------------
analysis <- read.csv("comparisons_data_analysis.csv", stringsAsFactors = FALSE)
analysis$intervention <- as.numeric(analysis$group == "intervention")
analysis$site <- factor(analysis$site)
analysis$gender <- factor(analysis$gender)
reference$ols <- list()
for (score in c("ee", "dp", "pa")) {
  outcome <- paste0(score, "_change")
  baseline <- paste0(score, "_pre")
  for (model_name in c("baseline_only", "covariates")) {
    terms <- c("intervention", baseline)
    if (model_name == "covariates") terms <- c(terms, "site", "gender", "applying_em")
    formula <- reformulate(terms, response = outcome)
    fit <- lm(formula, data = analysis)
    interval <- confint(fit)["intervention", ]
    robust <- coeftest(fit, vcov. = vcovHC(fit, type = "HC3"))
    robust_interval <- coefci(fit, vcov. = vcovHC(fit, type = "HC3"))["intervention", ]
    reference$ols[[paste(score, model_name, sep = ".")]] <- list(
      difference = unname(coef(fit)["intervention"]),
      se = summary(fit)$coefficients["intervention", "Std. Error"],
      ci_low = unname(interval[1]), ci_high = unname(interval[2]),
      p = summary(fit)$coefficients["intervention", "Pr(>|t|)"],
      n = nobs(fit), n_dropped = length(fit$na.action),
      hc3_se = robust["intervention", "Std. Error"],
      hc3_ci_low = unname(robust_interval[1]), hc3_ci_high = unname(robust_interval[2]),
      hc3_p = robust["intervention", "Pr(>|t|)"])
  }
}

# --- Median and quartiles: quantile(type = 7) per subscale, wave and group ---------------------
reference$quartiles <- list()
for (score in c("ee", "dp", "pa")) {
  for (wave in c("pre", "post", "change")) {
    for (group in c("intervention", "control")) {
      values <- analysis[[paste(score, wave, sep = "_")]][analysis$group == group]
      q <- quantile(values, c(0.25, 0.5, 0.75), type = 7, na.rm = TRUE, names = FALSE)
      reference$quartiles[[paste(score, wave, group, sep = ".")]] <- list(
        n = sum(!is.na(values)), q1 = q[1], median = q[2], q3 = q[3])
    }
  }
}

# --- Mixed model: lmer(score ~ intervention * post + (1 | student_id)), REML ----------------
long <- read.csv("comparisons_data_long.csv", stringsAsFactors = FALSE)
long$intervention <- as.numeric(long$group == "intervention")
long$post <- as.numeric(long$time == "post")
reference$mixed <- list()
for (score in c("ee", "dp", "pa")) {
  for (model_name in c("subject", "site")) {
    random <- if (model_name == "subject") "(1 | student_id)" else
      "(1 | site) + (1 | student_id)"
    formula <- as.formula(paste(score, "~ intervention * post +", random))
    fit <- lmer(formula, data = long, REML = TRUE,
                control = lmerControl(check.conv.singular = "ignore"))
    coefficients <- summary(fit)$coefficients
    variances <- as.data.frame(VarCorr(fit))
    reference$mixed[[paste(score, model_name, sep = ".")]] <- list(
      fixed = as.list(coefficients[, "Estimate"]),
      se = as.list(coefficients[, "Std. Error"]),
      variances = setNames(as.list(variances$vcov), variances$grp),
      n_subjects = unname(ngrps(fit)["student_id"]), n_observations = nobs(fit))
  }
}

# Sites reassigned by the parity of the student number (no site effect left in the post
# scores of the site term): the site variance is near or on the boundary zero.
parity <- long
parity$site <- ifelse(as.integer(substring(parity$student_id, 2)) %% 2 == 0, "site_1", "site_2")
for (score in c("ee", "pa")) {
  fit <- lmer(as.formula(paste(score, "~ intervention * post + (1 | site) + (1 | student_id)")),
              data = parity, REML = TRUE, control = lmerControl(check.conv.singular = "ignore"))
  coefficients <- summary(fit)$coefficients
  variances <- as.data.frame(VarCorr(fit))
  reference$mixed[[paste(score, "site_parity", sep = ".")]] <- list(
    fixed = as.list(coefficients[, "Estimate"]), se = as.list(coefficients[, "Std. Error"]),
    variances = setNames(as.list(variances$vcov), variances$grp), singular = isSingular(fit))
}

writeLines(toJSON(reference, auto_unbox = TRUE, digits = I(15), pretty = TRUE),
           "comparisons_reference.json")
