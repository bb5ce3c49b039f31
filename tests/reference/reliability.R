# Reference values for tests/test_reliability.py: Cronbach's alpha computed in R with
# psych::alpha, independently of the Python code under test.
#
# Run from the project root:  Rscript tests/reference/reliability.R
# (R 4.2 from Debian: r-base-core, r-cran-psych 2.2.9). Writes, next to this script:
#   reliability_items_mbi.csv              fixed input: simulated MBI answers (0-6), two waves,
#                                          some answers missing
#   reliability_items_self_compassion.csv  fixed input: simulated SCS-SF answers (1-5), one wave,
#                                          items 1, 4, 8, 9, 11, 12 stored unreversed
#   reliability_items_impostor.csv         fixed input: simulated yes/no (1/0) answers
#   reliability_reference.csv              per instrument, subscale and wave: complete cases n,
#                                          number of items, psych::alpha raw_alpha and Feldt's
#                                          95% interval (psych's alpha.ci, the $feldt element)
#
# The data are simulated (a latent trait per subscale plus noise, rounded and clipped to the
# response range), not participant data. Listwise deletion: alpha is computed on the
# questionnaires that answered every item of the subscale (na.omit), as in the Python code.
suppressPackageStartupMessages(library(psych))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(script)) dirname(normalizePath(script)) else "tests/reference"
write <- function(frame, name) {
  write.csv(frame, file.path(out_dir, name), row.names = FALSE, quote = TRUE, na = "")
}
item_names <- function(prefix, count) sprintf("%s%02d", prefix, seq_len(count))

simulate <- function(n, subscales, count, minimum, maximum, loading, centre) {
  answers <- matrix(NA_real_, n, count)
  for (items in subscales) {
    trait <- rnorm(n)
    for (item in items) {
      raw <- centre + loading * trait + rnorm(n)
      answers[, item] <- pmin(maximum, pmax(minimum, round(raw)))
    }
  }
  answers
}

# --- MBI-HSS (MP): 22 items 0-6, EE / DP / PA keys, waves pre and post ---
set.seed(20190601)
mbi_key <- list(ee = c(1, 2, 3, 6, 8, 13, 14, 16, 20), dp = c(5, 10, 11, 15, 22),
                pa = c(4, 7, 9, 12, 17, 18, 19, 21))
mbi <- do.call(rbind, lapply(c("pre", "post"), function(wave) {
  n <- if (wave == "pre") 70 else 55
  answers <- simulate(n, mbi_key, 22, 0, 6, loading = 1.2, centre = 3)
  answers[cbind(sample(n, 9), sample(22, 9, replace = TRUE))] <- NA  # scattered missing answers
  frame <- as.data.frame(answers)
  names(frame) <- item_names("mbi_", 22)
  cbind(data.frame(respondent = sprintf("R%03d", seq_len(n)), wave = wave), frame)
}))
write(mbi, "reliability_items_mbi.csv")

# --- SCS-SF: 12 items 1-5; simulated in the keyed direction, then items 1, 4, 8, 9, 11, 12
# stored as a respondent would answer them (unreversed): 6 - keyed value ---
set.seed(20110301)
scs_reverse <- c(1, 4, 8, 9, 11, 12)
keyed <- simulate(48, list(1:12), 12, 1, 5, loading = 0.9, centre = 3)
stored <- keyed
stored[, scs_reverse] <- 6 - keyed[, scs_reverse]
scs <- as.data.frame(stored)
names(scs) <- item_names("self_compassion_", 12)
scs <- cbind(data.frame(respondent = sprintf("R%03d", seq_len(48)), wave = "baseline"), scs)
scs[3, "self_compassion_07"] <- NA
write(scs, "reliability_items_self_compassion.csv")

# --- Young Impostor Scale: 8 yes/no items coded 1/0 ---
set.seed(20110302)
trait <- rnorm(60)
impostor <- sapply(1:8, function(item) as.numeric(0.8 * trait + rnorm(60) > 0))
impostor <- as.data.frame(impostor)
names(impostor) <- item_names("impostor_", 8)
impostor <- cbind(data.frame(respondent = sprintf("R%03d", seq_len(60)), wave = "baseline"),
                  impostor)
write(impostor, "reliability_items_impostor.csv")

# --- psych::alpha on the complete cases of every subscale and wave ---
reference_rows <- function(instrument, data, subscales, prefix, reverse = integer(0),
                           maximum_plus_minimum = NA) {
  do.call(rbind, lapply(unique(data$wave), function(wave) {
    at_wave <- data[data$wave == wave, ]
    do.call(rbind, lapply(names(subscales), function(subscale) {
      columns <- sprintf("%s%02d", prefix, subscales[[subscale]])
      items <- at_wave[, columns]
      for (item in intersect(subscales[[subscale]], reverse)) {
        column <- sprintf("%s%02d", prefix, item)
        items[[column]] <- maximum_plus_minimum - items[[column]]
      }
      complete <- na.omit(items)
      fit <- suppressWarnings(alpha(complete, check.keys = FALSE))
      data.frame(instrument = instrument, subscale = subscale, wave = wave,
                 n = nrow(complete), items = length(columns),
                 raw_alpha = fit$total$raw_alpha,
                 feldt_lower = unlist(fit$feldt$lower.ci),
                 feldt_upper = unlist(fit$feldt$upper.ci))
    }))
  }))
}
reference <- rbind(
  reference_rows("mbi_hss_mp", mbi, mbi_key, "mbi_"),
  reference_rows("self_compassion_scale_sf", scs, list(self_compassion = 1:12),
                 "self_compassion_", reverse = scs_reverse, maximum_plus_minimum = 6),
  reference_rows("young_impostor_scale", impostor, list(impostor = 1:8), "impostor_")
)
write.csv(reference, file.path(out_dir, "reliability_reference.csv"), row.names = FALSE,
          quote = TRUE)
cat("R", R.version$major, R.version$minor, "psych", as.character(packageVersion("psych")), "\n")
