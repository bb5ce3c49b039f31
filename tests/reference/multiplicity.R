# Reference values for tests/inference/test_multiplicity.py (burnout.inference.multiplicity),
# computed with base R (r-base-core, stats::p.adjust) and jsonlite:
#
#   cd tests/reference && Rscript multiplicity.R
#
# Each case is a vector of invented p-values (NA: a missing value, kept missing and not counted,
# R's default n = length(p[!is.na(p)])); the JSON holds, per case, the input and
# p.adjust(p, method = "holm") with 15 significant digits (jsonlite's maximum), NA as null.
suppressPackageStartupMessages(library(jsonlite))

cases <- list(
  four_secondary = c(0.612, 0.274, 0.013, 0.037),
  ties = c(0.02, 0.02, 0.5, 0.01, 0.02),
  capped_at_one = c(0.6, 0.7, 0.9),
  one_value = c(0.034),
  with_missing = c(0.004, NA, 0.03, 0.2, NA),
  zeros_and_ones = c(0, 1, 0.5, 1e-12),
  unsorted_many = c(0.041, 0.0031, 0.2, 0.012, 0.049, 0.64, 0.0007, 0.33, 0.018, 0.09)
)
reference <- lapply(cases, function(p) list(p = p, holm = p.adjust(p, method = "holm")))
write(toJSON(reference, digits = I(15), na = "null", auto_unbox = FALSE, pretty = TRUE),
      "multiplicity_reference.json")
