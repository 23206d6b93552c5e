# R reference values for core/dates (date parsing) and the derive kind
# date_diff: follow-up time from two date columns.
#
# Run from the repository root:  Rscript tests/r/dates.R
# Writes tests/reference/extra/dates.json.
#
# Base R only (no lubridate): each date string is read with
# as.Date(x, format = ...) and the follow-up is
#   days   = as.numeric(difftime(end, start, units = "days"))
#   weeks  = days / 7
#   months = days / 30.4375   (365.25 / 12: the average Julian month)
#   years  = days / 365.25
# which is what an R user computing OS in months by hand gets. (lubridate's
# time_length(interval(start, end), "month") counts calendar months instead
# and gives different numbers; LocalSurv follows the base-R convention.)
#
# Cases:
#  - formats[]: one start/end column pair per date format, written by R's own
#    format() (C locale, so English month names) from the same Dates, with
#    edge dates (leap days, 1900-03-01, 1969-12-31, 1970-01-01, month and
#    year ends) and missing cells. Each case records R's days since
#    1970-01-01 for every start and end cell and the differences in each unit.
#  - npc: the bundled example public/examples/npc_cohort.csv, months between
#    metastasis_date and last_followup_date, and how far they are from the
#    file's os_months (rounded to 0.1 month, so within 0.05).
#  - invalid[]: strings that are not calendar dates, with R's verdict (NA
#    from as.Date with the matching format), which LocalSurv refuses.
#  - two_digit[]: what R's %y would guess for two-digit years (LocalSurv
#    refuses them rather than guess).

source("tests/r/common.R")
invisible(Sys.setlocale("LC_TIME", "C"))

set.seed(20190312)
n_random <- 80
edge_start <- as.Date(c("2000-02-29", "1900-03-01", "1969-12-31", "1970-01-01", "2019-12-31",
                        "2016-02-28", "2021-01-31", "1999-12-31", "2004-02-29", "2012-06-30"))
edge_end <- as.Date(c("2004-02-29", "1900-03-01", "1970-01-01", "2020-02-29", "2020-01-01",
                      "2016-03-01", "2021-03-01", "2000-01-01", "2005-02-28", "2012-06-30"))
start <- c(edge_start, as.Date("2000-01-01") + sample(0:8400, n_random, replace = TRUE))
end <- c(edge_end, start[-seq_along(edge_start)] + sample(0:3000, n_random, replace = TRUE))
stopifnot(all(end >= start))
n <- length(start)
missing_start <- c(15, 40)  # 1-based rows left empty
missing_end <- c(40, 61)

unpadded <- function(d, order) {
  day <- as.integer(format(d, "%d")); month <- as.integer(format(d, "%m"))
  year <- format(d, "%Y")
  if (order == "dmy") sprintf("%d/%d/%s", day, month, year) else sprintf("%d/%d/%s", month, day, year)
}

# name, format for format(), format for as.Date(), the option LocalSurv is
# given ("auto" everywhere the column itself decides)
formats <- list(
  list(name = "iso", write = "%Y-%m-%d", read = "%Y-%m-%d", option = "auto"),
  list(name = "iso_datetime", write = "%Y-%m-%dT%H:%M:%S", read = "%Y-%m-%d", option = "auto"),
  list(name = "iso_space_time", write = "%Y-%m-%d %H:%M", read = "%Y-%m-%d", option = "auto"),
  list(name = "ymd_slash", write = "%Y/%m/%d", read = "%Y/%m/%d", option = "auto"),
  list(name = "dmy_slash", write = "%d/%m/%Y", read = "%d/%m/%Y", option = "auto"),
  list(name = "mdy_slash", write = "%m/%d/%Y", read = "%m/%d/%Y", option = "auto"),
  list(name = "dmy_dot", write = "%d.%m.%Y", read = "%d.%m.%Y", option = "auto"),
  list(name = "dmy_dash", write = "%d-%m-%Y", read = "%d-%m-%Y", option = "auto"),
  list(name = "dmy_unpadded", write = "dmy", read = "%d/%m/%Y", option = "auto"),
  list(name = "mdy_unpadded", write = "mdy", read = "%m/%d/%Y", option = "auto"),
  list(name = "dmy_slash_option", write = "%d/%m/%Y", read = "%d/%m/%Y", option = "dmy"),
  list(name = "mdy_slash_option", write = "%m/%d/%Y", read = "%m/%d/%Y", option = "mdy"),
  list(name = "day_mon_year", write = "%d %b %Y", read = "%d %b %Y", option = "auto"),
  list(name = "month_day_comma_year", write = "%B %d, %Y", read = "%B %d, %Y", option = "auto"),
  list(name = "day_mon_year_dash", write = "%d-%b-%Y", read = "%d-%b-%Y", option = "auto"),
  list(name = "day_month_year_upper", write = "%d %B %Y", read = "%d %B %Y", option = "auto",
       upper = TRUE)
)

# A time of day on the datetime formats: as.Date() keeps the date part only.
seconds <- sample(0:86399, 2 * n, replace = TRUE)
write_dates <- function(d, f, secs) {
  if (f$write %in% c("dmy", "mdy")) return(unpadded(d, f$write))
  if (grepl("%H", f$write, fixed = TRUE))
    return(format(as.POSIXct(d, tz = "UTC") + secs, f$write, tz = "UTC"))
  s <- format(d, f$write)
  if (isTRUE(f$upper)) s <- toupper(s)
  s
}

cases <- lapply(formats, function(f) {
  s <- write_dates(start, f, seconds[1:n])
  e <- write_dates(end, f, seconds[n + 1:n])
  s[missing_start] <- NA
  e[missing_end] <- NA
  read_start <- as.Date(s, format = f$read)
  read_end <- as.Date(e, format = f$read)
  # R reads back exactly the dates that were written.
  stopifnot(identical(is.na(read_start), is.na(s)), identical(is.na(read_end), is.na(e)),
            all(read_start == start, na.rm = TRUE), all(read_end == end, na.rm = TRUE))
  days <- as.numeric(difftime(read_end, read_start, units = "days"))
  list(name = f$name, r_format = f$read, option = f$option, start = s, end = e,
       start_days = as.numeric(read_start), end_days = as.numeric(read_end),
       days = days, weeks = days / 7, months = days / 30.4375, years = days / 365.25)
})
# The auto-detected slash columns must decide themselves: some day > 12.
day_of <- as.integer(format(start, "%d"))
stopifnot(any(day_of > 12))

d <- read.csv("public/examples/npc_cohort.csv", stringsAsFactors = FALSE)
met <- as.Date(d$metastasis_date, format = "%Y-%m-%d")
last <- as.Date(d$last_followup_date, format = "%Y-%m-%d")
npc_months <- as.numeric(difftime(last, met, units = "days")) / 30.4375
npc <- list(n = nrow(d), months = npc_months,
            days = as.numeric(difftime(last, met, units = "days")),
            max_abs_diff_os_months = max(abs(npc_months - d$os_months)))
stopifnot(npc$max_abs_diff_os_months <= 0.05 + 1e-9)

invalid <- list(
  list(value = "2019-02-29", r_format = "%Y-%m-%d"),
  list(value = "2020-02-30", r_format = "%Y-%m-%d"),
  list(value = "2019-13-01", r_format = "%Y-%m-%d"),
  list(value = "2019-04-31", r_format = "%Y-%m-%d"),
  list(value = "1900-02-29", r_format = "%Y-%m-%d"),
  list(value = "31/06/2019", r_format = "%d/%m/%Y"),
  list(value = "00/01/2019", r_format = "%d/%m/%Y"),
  list(value = "29.02.2021", r_format = "%d.%m.%Y")
)
invalid <- lapply(invalid, function(x) c(x, list(r_date = as.character(as.Date(x$value, format = x$r_format)))))
leap_ok <- list(value = "2000-02-29", days = as.numeric(as.Date("2000-02-29")))

two_digit <- lapply(c("12/03/19", "12/03/68", "12/03/69", "12-Mar-19"), function(v) {
  f <- if (grepl("[A-Za-z]", v)) "%d-%b-%y" else "%d/%m/%y"
  list(value = v, r_guess = as.character(as.Date(v, format = f)))
})

out <- list(
  r_version = R.version.string,
  conventions = paste(
    "days = as.numeric(difftime(as.Date(end, format), as.Date(start, format), units = 'days'));",
    "weeks = days / 7; months = days / 30.4375; years = days / 365.25; a time of day is dropped",
    "by as.Date; *_days = as.numeric(as.Date(x)), days since 1970-01-01; NA = missing cell"),
  missing_start_rows = missing_start, missing_end_rows = missing_end,
  formats = cases, npc = npc, invalid = invalid, leap_ok = leap_ok, two_digit = two_digit)
write_extra(out, "dates", pretty = FALSE)
