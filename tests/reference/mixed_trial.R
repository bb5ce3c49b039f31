# Reference values for burnout.stats.mixed_model on trial-shaped data (Study B): unbalanced, with
# attrition at follow-up, every available observation of every randomized student (intent to
# treat), and the per-protocol subset. Run from tests/reference: Rscript mixed_trial.R
# (r-base-core, r-cran-lme4, r-cran-jsonlite). Input: mixed_trial_data_long.csv, a snapshot of
# data/processed/coaching/analysis_long.csv (synthetic replica) written by
# make_mixed_trial_data.py. Output: mixed_trial_reference.json.
suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
long <- read.csv("mixed_trial_data_long.csv", stringsAsFactors = FALSE)
long$intervention <- as.numeric(long$group == "intervention")
long$post <- as.numeric(long$time == "post")
reference <- list()
for (subset in c("itt", "per_protocol")) {
  data <- if (subset == "itt") long else long[long$per_protocol == 1, ]
  for (score in c("ee", "dp", "pa", "impostor", "moral_injury", "self_compassion",
                  "flourishing")) {
    complete <- data[!is.na(data[[score]]), ]
    fit <- lmer(as.formula(paste(score, "~ intervention * post + (1 | student_id)")),
                data = complete, REML = TRUE,
                control = lmerControl(check.conv.singular = "ignore"))
    coefficients <- summary(fit)$coefficients
    reference[[paste(subset, score, sep = ".")]] <- list(
      difference = coefficients["intervention:post", "Estimate"],
      se = coefficients["intervention:post", "Std. Error"],
      n_subjects = unname(ngrps(fit)["student_id"]), n_observations = nobs(fit))
  }
}
writeLines(toJSON(reference, auto_unbox = TRUE, digits = I(15), pretty = TRUE),
           "mixed_trial_reference.json")
