# Reference values for tests/sensitivity/ (burnout.sensitivity), computed with R's lm, mice
# (r-cran-mice) and jsonlite:
#
#   cd tests/reference && Rscript sensitivity.R
#
# Reads sensitivity_data.csv (an INVENTED two-arm dataset with missing follow-up) and
# sensitivity_imputed.csv (the m = 5 completed datasets that burnout.sensitivity.imputation
# made of it, stacked with .imp and the flags imputed_ee / imputed_pa; see
# make_sensitivity_data.py), and writes sensitivity_reference.json with 15 significant digits:
#
# * complete cases: change score lm(change ~ group + site), ANCOVA lm(post ~ group + pre + site)
#   and lm(change ~ group + pre + site) (whose group coefficient equals the ANCOVA's): estimate,
#   SE, confint, p, residual df, n;
# * multiple imputation: lm(post ~ group + pre + site) on each completed set, pooled by
#   mice::pool(mice::as.mira(fits)) (Rubin's rules, Barnard-Rubin df): summary(conf.int = TRUE)
#   of the group term: estimate, std.error (sqrt of t), df, p.value, 2.5 % and 97.5 %, and the
#   pooled table's riv, lambda and fmi; the same with every imputed follow-up of the
#   intervention arm shifted by delta = -2.5 and +4 (delta adjustment); and the single-group
#   pooled mean change lm(I(post - pre) ~ 1);
# * E-values by their formula (VanderWeele & Ding 2017): d = estimate / SD, RR = exp(0.91 d),
#   E = RR' + sqrt(RR' (RR' - 1)) with RR' = max(RR, 1 / RR); of the CI, the limit nearer the
#   null (1 when the CI includes it); for invented inputs and for the complete-case ANCOVA with
#   the pooled within-group SD of the follow-up score.
suppressPackageStartupMessages({library(jsonlite); library(mice)})

data <- read.csv("sensitivity_data.csv", stringsAsFactors = FALSE)
imputed <- read.csv("sensitivity_imputed.csv", stringsAsFactors = FALSE, check.names = FALSE)
data$group <- factor(data$group, levels = c("control", "intervention"))
imputed$group <- factor(imputed$group, levels = c("control", "intervention"))
term <- "groupintervention"

lm_term <- function(fit, name = term) {
  s <- summary(fit)$coefficients
  ci <- confint(fit)[name, ]
  list(estimate = s[name, "Estimate"], se = s[name, "Std. Error"], ci_low = ci[[1]],
       ci_high = ci[[2]], p = s[name, "Pr(>|t|)"], df = fit$df.residual, n = nobs(fit))
}

pooled <- function(formula, sets, name = term) {
  fits <- lapply(sets, function(set) lm(formula, data = set))
  pool_fit <- pool(as.mira(fits))
  s <- summary(pool_fit, conf.int = TRUE)
  row <- s[as.character(s$term) == name, ]
  table <- pool_fit$pooled[as.character(pool_fit$pooled$term) == name, ]
  list(estimate = row$estimate, se = row$std.error, df = row$df, p = row$p.value,
       ci_low = row[["2.5 %"]], ci_high = row[["97.5 %"]], riv = table$riv,
       lambda = table$lambda, fmi = table$fmi, m = length(fits))
}

shifted_sets <- function(score, delta) {
  lapply(split(imputed, imputed$.imp), function(set) {
    rows <- set[[paste0("imputed_", score)]] == 1 & set$group == "intervention"
    set[[paste0(score, "_post")]][rows] <- set[[paste0(score, "_post")]][rows] + delta
    set
  })
}

e_value <- function(estimate, low, high, sd) {
  one <- function(rr) { rr <- ifelse(rr < 1, 1 / rr, rr); rr + sqrt(rr * (rr - 1)) }
  rr <- exp(0.91 * c(estimate, low, high) / sd)
  bound <- if (rr[2] <= 1 && 1 <= rr[3]) 1 else one(if (rr[1] > 1) rr[2] else rr[3])
  list(estimate = estimate, ci_low = low, ci_high = high, sd = sd, e_value = one(rr[1]),
       e_value_ci = bound, rr = rr[1])
}

pooled_sd <- function(values, group) {
  keep <- !is.na(values)
  parts <- split(values[keep], group[keep])
  sqrt(sum(sapply(parts, function(x) (length(x) - 1) * var(x))) / (sum(keep) - length(parts)))
}

reference <- list()
for (score in c("ee", "pa")) {
  post <- paste0(score, "_post"); pre <- paste0(score, "_pre"); change <- paste0(score, "_change")
  ancova <- lm(as.formula(paste(post, "~ group +", pre, "+ site")), data = data)
  sets <- split(imputed, imputed$.imp)
  formula <- as.formula(paste(post, "~ group +", pre, "+ site"))
  anc <- lm_term(ancova)
  sd <- pooled_sd(data[[post]], data$group)
  reference[[score]] <- list(
    change_score = lm_term(lm(as.formula(paste(change, "~ group + site")), data = data)),
    ancova = anc,
    change_on_baseline = lm_term(lm(as.formula(paste(change, "~ group +", pre, "+ site")),
                                    data = data)),
    multiple_imputation = pooled(formula, sets),
    delta_minus_2_5 = pooled(formula, shifted_sets(score, -2.5)),
    delta_plus_4 = pooled(formula, shifted_sets(score, 4)),
    single_group = pooled(as.formula(paste0("I(", post, " - ", pre, ") ~ 1")), sets,
                          "(Intercept)"),
    e_value = e_value(anc$estimate, anc$ci_low, anc$ci_high, sd))
}
reference$e_values <- list(
  e_value(-2, -3.5, -0.5, 5), e_value(3, 1, 5, 4), e_value(-1, -3, 1, 5),
  e_value(0.5, 0.2, 0.8, 1), e_value(-4.2, -7.9, -0.4, 9.5))
reference$versions <- list(R = R.version.string, mice = as.character(packageVersion("mice")))
write_json(reference, "sensitivity_reference.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
