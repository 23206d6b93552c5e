// Calendar dates in a data column, read as whole days since 1970-01-01, so
// follow-up time can come from a diagnosis date and a last-contact date.
//
// Calendar: proleptic Gregorian, computed with integer arithmetic only (no
// <ctime>, locale or time zone), so the core gives the same day numbers in
// WebAssembly as natively, and the same as R's as.numeric(as.Date(x)).
//
// Cell forms read (case-insensitive month names, English only):
//   year first   2019-03-12  2019/03/12  2019.03.12          (always y-m-d)
//   year last    12/03/2019  03/12/2019  12-03-2019  12.03.2019  3/12/2019
//   month name   12 Mar 2019  12-Mar-2019  March 12, 2019  12 MARCH 2019
//                (a leading weekday, "Tue, 12 Mar 2019", is allowed)
// Any of these may carry a time of day after a space or 'T'
// (2019-03-12T14:30:00, 2019-03-12 14:30, 12/03/2019 2:30 PM, optional
// seconds, fraction, Z or +hh:mm). The time is checked and then DROPPED:
// dates are whole days, as R's as.Date() gives, so a follow-up computed here
// equals difftime(as.Date(end), as.Date(start), units = "days") in R.
//
// Year-last numeric dates are the ambiguous ones. DateFormat::Dmy / Mdy say
// which order they use. DateFormat::Auto decides per column, from every
// non-missing value:
//   - a dotted date (12.03.2019) is day first (the European convention);
//   - slash or dash dates: a value whose first part is above 12 makes the
//     column day-first, one whose second part is above 12 month-first;
//     both kinds in one column is an Error naming one row of each; no
//     deciding value at all is an Error asking for dmy or mdy (with an
//     example value and its line).
// DateFormat::Ymd accepts only year-first (and month-name) dates. Year-first
// and month-name dates are unambiguous and read under every format.
//
// Refused with an Error naming the column, the file line and the value:
// two-digit years (12/03/19: the century is not guessed, whereas R's %y
// would make 68 into 2068 and 69 into 1969), dates that are not on the
// calendar (2019-02-29, 2019-13-01, 31/06/2019, day or month 0), a time of
// day out of range, and anything else that is not a date. A numeric column
// (e.g. Excel serial day numbers, or 20190312) is refused unless every cell
// is missing.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/table.h"

namespace localsurv {

enum class DateFormat { Auto, Ymd, Dmy, Mdy };
// "auto" | "ymd" | "dmy" | "mdy"; anything else throws Error naming `field`.
DateFormat date_format_from_name(const std::string& name, const std::string& field = "format");
const char* date_format_name(DateFormat format);

// Units for a time span in days: weeks = 7 days, months = 30.4375 days
// (365.25 / 12), years = 365.25 days, as R users divide difftime's days.
enum class TimeUnit { Days, Weeks, Months, Years };
TimeUnit time_unit_from_name(const std::string& name, const std::string& field = "unit");
const char* time_unit_name(TimeUnit unit);
double days_per_unit(TimeUnit unit);  // 1, 7, 30.4375, 365.25

struct CivilDate {
  long year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
};

bool is_leap_year(long year);
int days_in_month(long year, int month);  // month 1-12
// Days since 1970-01-01 (negative before); the date must be valid.
long days_from_civil(long year, int month, int day);
CivilDate civil_from_days(long days);
std::string iso_date(long days);  // yyyy-mm-dd

struct DateOptions {
  DateFormat format = DateFormat::Auto;
};

struct DateColumn {
  std::vector<double> days;      // per row, days since 1970-01-01; NaN where missing
  std::vector<uint8_t> missing;  // 1 = missing cell
  // How year-last numeric dates were read: Dmy or Mdy; Auto when the column
  // has none (every value year-first or with a month name), Ymd when asked.
  DateFormat format = DateFormat::Auto;
  bool had_time_of_day = false;       // some cell had a time, which was dropped
  std::vector<std::string> warnings;  // e.g. that times of day were dropped
};

// Reads every cell of `column` (a text column as core/io/csv.h stores it; a
// numeric column only if all missing). Throws Error (field = column name,
// line = file line) as described above.
DateColumn parse_date_column(const Column& column, const DateOptions& options = {});

// One cell on its own, days since 1970-01-01. With DateFormat::Auto a
// year-last date is read only when a part above 12 decides its order.
// Throws Error (field = `what`, no line) when it is not a date.
long parse_date(std::string_view text, DateFormat format = DateFormat::Auto,
                const std::string& what = "date");

}  // namespace localsurv
