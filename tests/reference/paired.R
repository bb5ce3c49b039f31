# Reference values for tests/stats/test_paired.py (burnout.stats.paired), computed with base R
# (r-base-core) and jsonlite:
#
#   cd tests/reference && Rscript paired.R
#
# Reads paired_data.csv (invented pre/post data: columns dataset, kind, id, before, after; kind
# "score" for numeric scores, "flag" for 0/1 flags; an empty cell is a missing value) and writes
# paired_reference.json with 15 significant digits (the most jsonlite writes).
#
# * wilcox.test(after, before, paired = TRUE, conf.int = TRUE, exact = FALSE) (correct = TRUE
#   and tol.root = 1e-4 are R's defaults), at confidence 0.95 and 0.90, with R's warnings;
# * t.test(after, before, paired = TRUE), at confidence 0.95 and 0.90;
# * mcnemar.test(table(before, after)) with correct = TRUE and FALSE (both factors get the
#   levels 0 and 1 so that the table is 2 x 2 even when a level is absent);
# * the Wald interval of the difference of paired proportions, written out by its formula
#   (Agresti 2002, Section 10.1.1; Newcombe 1998, method 1), with p12 = b / n, p21 = c / n:
#   (p21 - p12) +- z * sqrt((p12 + p21 - (p12 - p21)^2) / n);
# * qnorm at a few probabilities, both tails, written exactly (C99 hexadecimal, sprintf "%a"):
#   the Python port of R's qnorm must give the same doubles.
#
# Datasets of scores: ties_zeros, mixed_decimals, increase, larger (ordinary cases);
# small_n (R lowers the confidence level), equal_changes (every non-zero change the same: no
# interval), two_changes (two non-zero changes: level lowered to 0, interval = median).
# The dataset "quantile_sensitive" is one where the signed-rank interval found with scipy's
# normal quantiles (a few units in the last place away from R's qnorm) lands 4e-5 away from R's.
suppressPackageStartupMessages(library(jsonlite))

data <- read.csv("paired_data.csv", stringsAsFactors = FALSE)
levels_confidence <- c("0.95" = 0.95, "0.90" = 0.90)

# Runs expr; returns its value and the messages of the warnings it raised.
with_warnings <- function(expr) {
  messages <- character(0)
  value <- withCallingHandlers(expr, warning = function(w) {
    messages <<- c(messages, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = messages)
}

reference <- list(r_version = R.version.string,
                  jsonlite = as.character(packageVersion("jsonlite")),
                  signed_rank = list(), paired_t = list(), mcnemar = list())

for (name in unique(data$dataset[data$kind == "score"])) {
  rows <- data[data$dataset == name, ]
  before <- rows$before
  after <- rows$after
  complete <- complete.cases(before, after)
  change <- after[complete] - before[complete]
  reference$signed_rank[[name]] <- list(n = sum(complete), n_zero = sum(change == 0))
  reference$paired_t[[name]] <- list(n = sum(complete))
  for (level in names(levels_confidence)) {
    run <- with_warnings(wilcox.test(after, before, paired = TRUE, conf.int = TRUE,
                                     exact = FALSE, conf.level = levels_confidence[[level]]))
    test <- run$value
    reference$signed_rank[[name]][[level]] <- list(
      statistic = unname(test$statistic), p = test$p.value,
      estimate = unname(test$estimate), estimate_name = names(test$estimate),
      ci_low = test$conf.int[1], ci_high = test$conf.int[2],
      confidence = attr(test$conf.int, "conf.level"), warnings = I(run$warnings))
    test <- t.test(after, before, paired = TRUE, conf.level = levels_confidence[[level]])
    reference$paired_t[[name]][[level]] <- list(
      statistic = unname(test$statistic), df = unname(test$parameter), p = test$p.value,
      estimate = unname(test$estimate), se = test$stderr,
      ci_low = test$conf.int[1], ci_high = test$conf.int[2])
  }
}

for (name in unique(data$dataset[data$kind == "flag"])) {
  rows <- data[data$dataset == name, ]
  complete <- complete.cases(rows$before, rows$after)
  before <- factor(rows$before[complete], levels = c(0, 1))
  after <- factor(rows$after[complete], levels = c(0, 1))
  counts <- table(before, after)
  n <- sum(counts)
  b <- counts["1", "0"]
  c <- counts["0", "1"]
  corrected <- mcnemar.test(counts, correct = TRUE)
  uncorrected <- mcnemar.test(counts, correct = FALSE)
  result <- list(
    n = n, b = b, c = c,
    proportion_before = mean(as.numeric(as.character(before))),
    proportion_after = mean(as.numeric(as.character(after))),
    statistic = unname(corrected$statistic), df = unname(corrected$parameter),
    p = corrected$p.value,
    statistic_uncorrected = unname(uncorrected$statistic), p_uncorrected = uncorrected$p.value)
  p12 <- b / n
  p21 <- c / n
  se <- sqrt((p12 + p21 - (p12 - p21)^2) / n)
  result$estimate <- p21 - p12
  result$se <- se
  for (level in names(levels_confidence)) {
    z <- qnorm(1 - (1 - levels_confidence[[level]]) / 2)
    result[[level]] <- list(ci_low = p21 - p12 - z * se, ci_high = p21 - p12 + z * se)
  }
  reference$mcnemar[[name]] <- result
}

probabilities <- c(0.5, 0.3, 0.075, 0.05, 0.025, 0.0125, 0.005, 0.001, 1e-6, 1e-12)
reference$qnorm <- list(p = sprintf("%a", probabilities),
                        lower = sprintf("%a", qnorm(probabilities)),
                        upper = sprintf("%a", qnorm(probabilities, lower.tail = FALSE)))

writeLines(toJSON(reference, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE),
           "paired_reference.json")
