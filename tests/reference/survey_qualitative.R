# Reference values for tests/test_survey.py and tests/test_qualitative.py, computed in R,
# independently of the Python code under test.
#
# Run from the project root:  Rscript tests/reference/survey_qualitative.R
# (R 4.2 from Debian: r-base-core, r-cran-psych). Writes, next to this script:
#   survey_qualitative_wilson.csv       count, total -> Wilson 95% CI from prop.test(correct = FALSE)
#   survey_qualitative_numeric.csv      input vector of mentor hours (long: case, value)
#   survey_qualitative_numeric_summary.csv  n, mean, sd, median, q1, q3 (quantile type 7), min, max
#   survey_qualitative_kappa_codes.csv  input codes of two coders (case, unit, coder_1, coder_2)
#   survey_qualitative_kappa.csv        per case: n, percent agreement, kappa by hand and by
#                                        psych::cohen.kappa (NA where kappa is undefined)
suppressPackageStartupMessages(library(psych))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(script)) dirname(normalizePath(script)) else "tests/reference"
write <- function(frame, name) {
  write.csv(frame, file.path(out_dir, name), row.names = FALSE, quote = TRUE)
}

# --- Wilson intervals: prop.test without continuity correction inverts the score test ---
cases <- data.frame(
  count = c(41, 26, 31, 45, 33, 0, 10, 1, 0, 1, 17, 5, 250),
  total = c(50, 50, 36, 52, 61, 10, 10, 1, 1, 2, 60, 7, 400)
)
intervals <- t(mapply(function(x, n) suppressWarnings(prop.test(x, n, correct = FALSE))$conf.int[1:2],
                      cases$count, cases$total))
cases$ci_low <- intervals[, 1]
cases$ci_high <- intervals[, 2]
write(cases, "survey_qualitative_wilson.csv")

# --- Numeric summary (mentor hours) ---
set.seed(20190601)
numeric_cases <- list(
  hours = round(rgamma(37, shape = 3, scale = 4), 1),
  meetings = c(rpois(30, 4), NA, NA),
  ties = c(1, 1, 2, 2, 2, 3, 10)
)
long <- do.call(rbind, lapply(names(numeric_cases), function(name)
  data.frame(case = name, value = numeric_cases[[name]])))
write(long, "survey_qualitative_numeric.csv")
summaries <- do.call(rbind, lapply(names(numeric_cases), function(name) {
  x <- numeric_cases[[name]]
  y <- x[!is.na(x)]
  q <- quantile(y, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
  data.frame(case = name, n = length(y), missing = sum(is.na(x)), mean = mean(y), sd = sd(y),
             median = q[2], q1 = q[1], q3 = q[3], minimum = min(y), maximum = max(y))
}))
write(summaries, "survey_qualitative_numeric_summary.csv")

# --- Cohen's kappa for two coders marking one theme present (1) / absent (0) ---
set.seed(20190602)
random_pair <- function(n, rate, flip) {
  x <- rbinom(n, 1, rate)
  y <- ifelse(runif(n) < flip, 1 - x, x)
  list(x, y)
}
kappa_cases <- list(
  moderate = random_pair(40, 0.4, 0.15),
  frequent = random_pair(85, 0.7, 0.10),
  rare = random_pair(85, 0.1, 0.05),
  worse_than_chance = list(c(1, 0, 1, 0, 1, 0), c(0, 1, 0, 1, 1, 0)),
  perfect = list(c(1, 1, 0, 0, 1), c(1, 1, 0, 0, 1)),
  one_coder_constant = list(c(0, 0, 0, 0, 0, 0), c(0, 1, 0, 0, 1, 0)),
  no_variation = list(rep(0, 12), rep(0, 12)),
  all_present = list(rep(1, 5), rep(1, 5))
)
codes <- do.call(rbind, lapply(names(kappa_cases), function(name) {
  pair <- kappa_cases[[name]]
  data.frame(case = name, unit = seq_along(pair[[1]]), coder_1 = pair[[1]],
             coder_2 = pair[[2]])
}))
write(codes, "survey_qualitative_kappa_codes.csv")
kappa_by_hand <- function(x, y) {
  n <- length(x)
  observed <- mean(x == y)
  expected <- mean(x) * mean(y) + (1 - mean(x)) * (1 - mean(y))
  if (isTRUE(all.equal(expected, 1))) NA_real_ else (observed - expected) / (1 - expected)
}
kappa_by_psych <- function(x, y) {
  if (length(unique(c(x, y))) < 2) return(NA_real_)  # a single category: undefined
  suppressWarnings(cohen.kappa(cbind(x, y))$kappa)
}
results <- do.call(rbind, lapply(names(kappa_cases), function(name) {
  pair <- kappa_cases[[name]]
  data.frame(case = name, n = length(pair[[1]]),
             percent_agreement = 100 * mean(pair[[1]] == pair[[2]]),
             kappa_hand = kappa_by_hand(pair[[1]], pair[[2]]),
             kappa_psych = kappa_by_psych(pair[[1]], pair[[2]]))
}))
write(results, "survey_qualitative_kappa.csv")
cat("R", R.version$major, R.version$minor, "psych", as.character(packageVersion("psych")), "\n")
