# Calendar dates as LocalSurv reads them (core/dates.h), as whole days:
# year first (2019-03-12, 2019/03/12, 2019.03.12); year last (12/03/2019,
# 3-12-2019, 12.03.2019), day or month first as the format says: "dmy" or
# "mdy", or "auto": from the column's own dates, where a first part above 12
# makes it day first and a second part above 12 month first, and dotted
# dates are day first; or with an English month name (12 Mar 2019,
# March 12, 2019, Tue, 12th March 2019). A time of day after the date is
# dropped, as as.Date() drops it. Anything else stops the script, as it
# stops LocalSurv.
ls_months <- c("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
ls_weekdays <- c("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# One cell: c(shape, year, a, b, dotted) (shape 1 year first: a = month,
# b = day; 2 year last: a, b as written; 3 month name: a = month, b = day),
# or NULL when it is not a date.
ls_date_parts <- function(s) {
  t <- s
  if (grepl(":", t, fixed = TRUE)) {
    # date, then after a space or T: H:MM[:SS[.fff]] [AM|PM] [Z|+hh[:mm]]
    m <- regmatches(t, regexec(paste0("^(.*?)[ \t]*[ \tTt]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]+)?)?",
                                      "[ \t]*([AaPp][Mm])?[ \t]*(?:[Zz]|[+-]([0-9]{2}):?([0-9]{2})?)?$"), t, perl = TRUE))[[1]]
    if (!length(m)) return(NULL)
    v <- suppressWarnings(as.numeric(m[c(3, 4, 5, 7, 8)]))
    hour_ok <- if (nzchar(m[6])) v[1] >= 1 && v[1] <= 12 else v[1] <= 23
    if (!hour_ok || v[2] > 59 || isTRUE(v[3] > 60) || isTRUE(v[4] > 14) || isTRUE(v[5] > 59)) return(NULL)
    t <- sub("[ \t]*,$", "", m[2])
  }
  t <- gsub("(?<=[0-9])(st|nd|rd|th)(?![A-Za-z])", "", t, perl = TRUE, ignore.case = TRUE)
  t <- sub("[.]$", "", t)
  if (grepl("[^0-9A-Za-z \t,./-]", t)) return(NULL)
  words <- gregexpr("[0-9]+|[A-Za-z]+", t)
  tok <- regmatches(t, words)[[1]]
  sep <- regmatches(t, words, invert = TRUE)[[1]]   # before, between and after the tokens
  if (length(tok) < 3 || nzchar(sep[1]) || nzchar(sep[length(sep)])) return(NULL)
  if (tolower(tok[1]) %in% c(ls_weekdays, substr(ls_weekdays, 1, 3), substr(ls_weekdays, 1, 4))) {
    tok <- tok[-1]; sep <- sep[-1]
  }
  if (length(tok) != 3) return(NULL)
  alpha <- grepl("^[A-Za-z]", tok)
  n <- nchar(tok)
  if (!any(alpha)) {
    if (sep[2] != sep[3] || !(sep[2] %in% c("-", "/", "."))) return(NULL)
    v <- as.numeric(tok)
    if (n[1] == 4 && n[2] <= 2 && n[3] <= 2) return(c(1, v, 0))
    if (n[3] == 4 && n[1] <= 2 && n[2] <= 2) return(c(2, v[3], v[1], v[2], sep[2] == "."))
    return(NULL)
  }
  if (sum(alpha) != 1 || !nzchar(sep[2]) || !nzchar(sep[3])) return(NULL)
  w <- tolower(tok[alpha])
  month <- if (w == "sept") 9 else match(w, ls_months)
  if (is.na(month)) month <- match(w, substr(ls_months, 1, 3))
  num <- tok[!alpha]
  y <- which(nchar(num) == 4)[1]
  if (is.na(month) || is.na(y) || nchar(num[-y]) > 2) return(NULL)
  c(3, as.numeric(num[y]), month, as.numeric(num[-y]), 0)
}
# A column of dates (Date; NA where missing).
ls_dates <- function(x, format, column) {
  what <- paste("column", encodeString(column, quote = '"'))
  if (is.null(x)) stop("there is no ", what)
  if (is.numeric(x) && !all(is.na(x)))
    stop(what, " holds numbers, not dates; write dates as text such as 2019-03-12")
  x <- as.character(x)
  u <- unique(x[!is.na(x)])
  p <- lapply(u, ls_date_parts)
  bad <- vapply(p, is.null, NA)
  if (any(bad)) stop(what, ": ", encodeString(u[bad][1], quote = '"'), " is not a date")
  p <- matrix(unlist(p), ncol = 5, byrow = TRUE)
  last <- p[, 1] == 2; a <- p[, 3]; b <- p[, 4]; dotted <- p[, 5] == 1
  if (format == "ymd" && any(last)) stop(what, ": ", encodeString(u[last][1], quote = '"'), " does not start with the year, but the date format is ymd")
  day_first <- last & (format == "dmy" | (format == "auto" & dotted))
  if (format == "auto") {
    slash <- last & !dotted
    by_day <- slash & a > 12 & b <= 12
    by_month <- slash & b > 12 & a <= 12
    if (any(by_day) && any(by_month))
      stop(what, " mixes day-first (", encodeString(u[by_day][1], quote = '"'), ") and month-first (",
           encodeString(u[by_month][1], quote = '"'), ") dates")
    if (!any(by_day) && !any(by_month) && any(slash & a <= 12 & b <= 12))
      stop(what, ": dates such as ", encodeString(u[slash & a <= 12 & b <= 12][1], quote = '"'),
           " could be day/month/year or month/day/year; set the date format to dmy or mdy")
    day_first <- day_first | (slash & !any(by_month))
  }
  iso <- sprintf("%04d-%02d-%02d", p[, 2], ifelse(day_first, b, a), ifelse(day_first, a, b))
  d <- as.Date(iso, format = "%Y-%m-%d")
  bad <- is.na(d) | format(d, "%Y-%m-%d") != iso
  if (any(bad)) stop(what, ": ", encodeString(u[bad][1], quote = '"'), " is not a calendar date (read as ", iso[bad][1], ")")
  d[match(x, u)]
}
# derive date_diff: as.numeric(difftime(end, start, units = "days")) in the unit (days per unit).
ls_date_diff <- function(data, start, end, format, days_per_unit, name) {
  days <- as.numeric(difftime(ls_dates(data[[end]], format, end), ls_dates(data[[start]], format, start), units = "days"))
  neg <- which(days < 0)
  if (length(neg)) stop("derived column ", encodeString(name, quote = '"'), ": on data row ", data$row_[neg[1]],
                        " the end date is before the start date")
  days / days_per_unit
}
