# Shared start of every tests/r script that writes expected values: the
# packages nearly all of them use, where the reference data lives, and how
# results are written. Each script begins with source("tests/r/common.R") and
# runs from the repository root (tests/r/README.md).
#
# LOCALSURV_R_OUT (environment variable): the folder the scripts write their
# tests/reference/extra/<name>.json into instead; tests/r/check.sh points it
# at a scratch folder and compares the output with the committed files.
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

ref_dir <- "tests/reference"

# tests/reference/datasets/<name>.csv (read.csv's defaults unless given).
ds <- function(name, ...) read.csv(file.path(ref_dir, "datasets", paste0(name, ".csv")), ...)

# tests/reference/goldens/<name>.json, as written by goldens.R.
golden <- function(name, ...) fromJSON(file.path(ref_dir, "goldens", paste0(name, ".json")), ...)

# Where the script writing tests/reference/extra/<name>.json writes it.
extra_path <- function(name) {
  file.path(Sys.getenv("LOCALSURV_R_OUT", file.path(ref_dir, "extra")), paste0(name, ".json"))
}

# jsonlite's full-precision encoding (digits = NA), length-1 vectors unboxed,
# NULL/NA/NaN/Inf as null.
write_extra <- function(x, name, ...) {
  write_json(x, extra_path(name), digits = NA, auto_unbox = TRUE, null = "null", na = "null", ...)
}
