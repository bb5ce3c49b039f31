# Reference values of the evidence synthesis from R metafor (and stats::lm), for
# tests/synthesis/. Inputs: meta_analysis_data.csv, meta_analysis_summaries.csv and
# meta_analysis_dose.csv (made by make_meta_analysis_data.py). Output: meta_analysis_reference.json.
#
#   Rscript tests/reference/meta_analysis.R      (Debian: r-cran-metafor, r-cran-jsonlite)
#
# Every model is fitted twice: with metafor's defaults, as a user would ("default_*" values), and
# with its iterations run to convergence (threshold and tol 1e-12; the other values). metafor's
# default stopping rules (a Fisher-scoring step below 1e-5 for REML, uniroot's tolerance for PM)
# leave tau^2 up to about 2e-5 from the root; the converged fit shows the exact root.
suppressMessages({library(metafor); library(jsonlite)})
here <- if (length(sys.frames())) dirname(sys.frame(1)$ofile) else "tests/reference"
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
if (length(script)) here <- dirname(script)

data <- read.csv(file.path(here, "meta_analysis_data.csv"), stringsAsFactors = FALSE)
formulas <- list(none = NULL, format = ~ format, format_weeks = ~ format + weeks)
models <- list()
for (set in sort(unique(data$dataset))) {
  d <- data[data$dataset == set, ]
  for (method in c("REML", "DL", "PM")) for (test in c("z", "knha")) for (mods in names(formulas)) {
    if (!is.null(formulas[[mods]]) && nrow(d) < 6) next
    tight <- list(threshold = 1e-12, tol = 1e-12, maxiter = 10000)
    fit_with <- function(control) {
      if (is.null(formulas[[mods]])) rma(yi, sei = sei, data = d, method = method, test = test,
                                         control = control)
      else rma(yi, sei = sei, mods = formulas[[mods]], data = d, method = method, test = test,
               control = control)
    }
    default <- fit_with(list())
    fit <- fit_with(tight)
    pred <- if (is.null(formulas[[mods]])) predict(fit) else NULL
    models[[length(models) + 1]] <- list(
      dataset = set, method = method, test = test, moderators = mods,
      terms = rownames(fit$beta), estimate = as.vector(fit$beta), se = fit$se,
      ci_low = fit$ci.lb, ci_high = fit$ci.ub, p = fit$pval, tau2 = fit$tau2, i2 = fit$I2,
      h2 = fit$H2, q = fit$QE, q_p = fit$QEp, qm = fit$QM, qm_p = fit$QMp,
      pi_low = if (is.null(pred)) NA else pred$pi.lb,
      pi_high = if (is.null(pred)) NA else pred$pi.ub,
      weights = as.vector(weights(fit)),
      default_estimate = as.vector(default$beta), default_se = default$se,
      default_tau2 = default$tau2, default_i2 = default$I2)
  }
}

s <- read.csv(file.path(here, "meta_analysis_summaries.csv"))
smd <- escalc("SMD", m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2, data = s)
smcr <- escalc("SMCR", m1i = m1, m2i = m2, sd1i = sd2, ni = n1, ri = r, data = s)
md <- escalc("MD", m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2, data = s)

dose <- read.csv(file.path(here, "meta_analysis_dose.csv"))
lmfit <- lm(ee_change ~ sessions + ee_pre, data = dose)
co <- summary(lmfit)$coefficients
ci <- confint(lmfit)

out <- list(metafor_version = as.character(packageVersion("metafor")), models = models,
            smd = list(yi = as.vector(smd$yi), vi = as.vector(smd$vi)),
            smcr = list(yi = as.vector(smcr$yi), vi = as.vector(smcr$vi)),
            md = list(yi = as.vector(md$yi), vi = as.vector(md$vi)),
            dose = list(estimate = co["sessions", 1], se = co["sessions", 2],
                        p = co["sessions", 4], ci_low = ci["sessions", 1],
                        ci_high = ci["sessions", 2], df = lmfit$df.residual))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
           file.path(here, "meta_analysis_reference.json"))
