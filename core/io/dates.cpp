#include "io/dates.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "error.h"
#include "io/cell_text.h"

namespace localsurv {

DateFormat date_format_from_name(const std::string& name, const std::string& field) {
  if (name == "auto") return DateFormat::Auto;
  if (name == "ymd") return DateFormat::Ymd;
  if (name == "dmy") return DateFormat::Dmy;
  if (name == "mdy") return DateFormat::Mdy;
  throw Error(field + " must be auto, ymd, dmy or mdy, not '" + name + "'", field);
}

const char* date_format_name(DateFormat format) {
  switch (format) {
    case DateFormat::Ymd:
      return "ymd";
    case DateFormat::Dmy:
      return "dmy";
    case DateFormat::Mdy:
      return "mdy";
    default:
      return "auto";
  }
}

TimeUnit time_unit_from_name(const std::string& name, const std::string& field) {
  if (name == "days") return TimeUnit::Days;
  if (name == "weeks") return TimeUnit::Weeks;
  if (name == "months") return TimeUnit::Months;
  if (name == "years") return TimeUnit::Years;
  throw Error(field + " must be days, weeks, months or years, not '" + name + "'", field);
}

const char* time_unit_name(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::Weeks:
      return "weeks";
    case TimeUnit::Months:
      return "months";
    case TimeUnit::Years:
      return "years";
    default:
      return "days";
  }
}

double days_per_unit(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::Weeks:
      return 7;
    case TimeUnit::Months:
      return 30.4375;
    case TimeUnit::Years:
      return 365.25;
    default:
      return 1;
  }
}

// ---- Calendar arithmetic ----------------------------------------------------
//
// Counting years from March makes February, with its leap day, the last month
// of the year, so month lengths before any day never depend on leap years and
// a 400-year cycle (146097 days) repeats exactly.

namespace {

long floor_div(long a, long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Day of the March-based year on which month `m` (0 = March) starts: the
// month lengths 31 30 31 30 31 31 30 31 30 31 31 (29) follow (153 m + 2) / 5.
int march_month_start(int m) { return (153 * m + 2) / 5; }

// Days from 0000-03-01 to the start of March-based year y.
long march_year_start(long y) {
  return 365 * y + floor_div(y, 4) - floor_div(y, 100) + floor_div(y, 400);
}

// march_year_start(1969) + day of 1 January in a March-based year.
constexpr long kEpochFromMarch0 = 719468;
constexpr long kDaysPer400Years = 146097;

const char* const kMonthNames[12] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

}  // namespace

bool is_leap_year(long year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(long year, int month) {
  static const int length[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : length[month - 1];
}

long days_from_civil(long year, int month, int day) {
  const long y = month <= 2 ? year - 1 : year;
  const int m = month <= 2 ? month + 9 : month - 3;
  return march_year_start(y) + march_month_start(m) + day - 1 - kEpochFromMarch0;
}

CivilDate civil_from_days(long days) {
  const long z = days + kEpochFromMarch0;
  const long era = floor_div(z, kDaysPer400Years);
  const long in_era = z - era * kDaysPer400Years;  // 0 .. 146096
  // 365-day years give an estimate at most a year or two high; step back.
  long y = in_era / 365;
  while (march_year_start(y) > in_era) --y;
  const int day_of_year = static_cast<int>(in_era - march_year_start(y));
  int m = (5 * day_of_year + 2) / 153;
  CivilDate c;
  c.day = day_of_year - march_month_start(m) + 1;
  c.month = m < 10 ? m + 3 : m - 9;
  c.year = era * 400 + y + (c.month <= 2 ? 1 : 0);
  return c;
}

std::string iso_date(long days) {
  const CivilDate c = civil_from_days(days);
  std::string out;
  std::string y = std::to_string(c.year < 0 ? -c.year : c.year);
  if (c.year < 0) out += '-';
  out += std::string(y.size() < 4 ? 4 - y.size() : 0, '0') + y;
  out += c.month < 10 ? "-0" : "-";
  out += std::to_string(c.month);
  out += c.day < 10 ? "-0" : "-";
  out += std::to_string(c.day);
  return out;
}

// ---- Reading one cell -------------------------------------------------------

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_space(char c) { return c == ' ' || c == '\t'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

int to_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

bool same_letters(std::string_view word, std::string_view lower_name) {
  if (word.size() != lower_name.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (lower(word[i]) != lower_name[i]) return false;
  return true;
}

// 1-12 for an English month name or its usual abbreviation, else 0.
int month_number(std::string_view word) {
  static const char* const names[12] = {"january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december"};
  if (same_letters(word, "sept")) return 9;
  for (int m = 0; m < 12; ++m) {
    const std::string_view full = names[m];
    if (same_letters(word, full) || same_letters(word, full.substr(0, 3))) return m + 1;
  }
  return 0;
}

bool is_weekday(std::string_view word) {
  static const char* const names[] = {"monday", "tuesday",  "wednesday", "thursday",
                                      "friday", "saturday", "sunday"};
  for (const char* n : names) {
    const std::string_view full = n;
    if (same_letters(word, full) || same_letters(word, full.substr(0, 3)) ||
        same_letters(word, full.substr(0, 4)))
      return true;
  }
  return false;
}

// What the characters of a cell say, before the order of year-last parts is
// known. `problem` is set (and shape None) when it is not a date at all.
struct Scan {
  enum class Shape : uint8_t { None, YearFirst, YearLast, MonthName } shape = Shape::None;
  long year = 0;
  int a = 0, b = 0;  // YearFirst / MonthName: month, day. YearLast: as written.
  char separator = 0;
  bool time = false;
  std::string problem;
};

// A time of day: H:MM[:SS[.fff]] [AM|PM] [Z|+hh[:mm]|-hh[:mm]]. Empty string
// when it reads; otherwise why not.
std::string check_time(std::string_view t) {
  std::size_t i = 0;
  auto digits = [&](std::size_t min, std::size_t max, int& value) {
    std::size_t start = i;
    while (i < t.size() && is_ascii_digit(t[i]) && i - start < max) ++i;
    if (i - start < min) return false;
    value = to_int(t.substr(start, i - start));
    return true;
  };
  int hour = 0, minute = 0, second = 0;
  if (!digits(1, 2, hour) || i >= t.size() || t[i] != ':') return "cannot read its time of day";
  ++i;
  if (!digits(2, 2, minute)) return "cannot read its time of day";
  if (i < t.size() && t[i] == ':') {
    ++i;
    if (!digits(2, 2, second)) return "cannot read its time of day";
    if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
      ++i;
      int ignored = 0;
      if (!digits(1, 9, ignored)) return "cannot read its time of day";
      while (i < t.size() && is_ascii_digit(t[i])) ++i;
    }
  }
  while (i < t.size() && is_space(t[i])) ++i;
  bool twelve_hour = false;
  if (i + 1 < t.size() && (lower(t[i]) == 'a' || lower(t[i]) == 'p') && lower(t[i + 1]) == 'm') {
    twelve_hour = true;
    i += 2;
    while (i < t.size() && is_space(t[i])) ++i;
  }
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    ++i;
    int oh = 0, om = 0;
    if (!digits(2, 2, oh)) return "cannot read its time zone";
    if (i < t.size() && t[i] == ':') ++i;
    if (i < t.size() && !digits(2, 2, om)) return "cannot read its time zone";
    if (oh > 14 || om > 59) return "has a time zone out of range";
  }
  if (i != t.size()) return "cannot read its time of day";
  if (twelve_hour ? (hour < 1 || hour > 12) : hour > 23)
    return "has hour " + std::to_string(hour) + ", which does not exist";
  if (minute > 59 || second > 60) return "has a time of day out of range";
  return {};
}

Scan scan_date(std::string_view cell) {
  Scan s;
  std::string_view text = trim_blanks(cell);
  // A time of day follows the date after a space or 'T'; the digits just
  // before the first ':' are its hour.
  const std::size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    std::size_t start = colon;
    while (start > 0 && is_ascii_digit(text[start - 1])) --start;
    if (start < 2 || start == colon ||
        !(is_space(text[start - 1]) || text[start - 1] == 'T' || text[start - 1] == 't')) {
      s.problem = "is not a date";
      return s;
    }
    s.problem = check_time(text.substr(start));
    if (!s.problem.empty()) return s;
    s.time = true;
    text = trim_blanks(text.substr(0, start - 1));
    if (!text.empty() && text.back() == ',') text = trim_blanks(text.substr(0, text.size() - 1));
  }

  struct Token {
    std::string_view text;
    bool digits;
  };
  // A date has few parts: fixed arrays keep reading a cell allocation-free.
  constexpr std::size_t kMaxTokens = 6;
  Token tokens[kMaxTokens];
  std::string_view separators[kMaxTokens];  // separators[k] precedes tokens[k]
  std::size_t n_tokens = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && (is_space(text[i]) || text[i] == '-' || text[i] == '/' ||
                               text[i] == '.' || text[i] == ','))
      ++i;
    std::string_view sep = text.substr(start, i - start);
    if (i == text.size()) {
      if (!sep.empty() && sep != ".") {  // "12 Mar. 2019" has its dot; allow a final one too
        s.problem = "is not a date";
        return s;
      }
      break;
    }
    start = i;
    const bool digit = is_ascii_digit(text[i]);
    while (i < text.size() && (digit ? is_ascii_digit(text[i]) : is_alpha(text[i]))) ++i;
    if (i == start) {
      s.problem = "is not a date (it has the character '" + std::string(1, text[i]) + "')";
      return s;
    }
    std::string_view word = text.substr(start, i - start);
    // Ordinal suffixes (12th March 2019) belong to the number before them.
    if (!digit && sep.empty() && n_tokens > 0 && tokens[n_tokens - 1].digits &&
        (same_letters(word, "st") || same_letters(word, "nd") || same_letters(word, "rd") ||
         same_letters(word, "th")))
      continue;
    if (n_tokens == kMaxTokens) {
      s.problem = "is not a date";
      return s;
    }
    tokens[n_tokens] = {word, digit};
    separators[n_tokens++] = sep;
  }
  std::size_t first = 0;  // a leading weekday is skipped
  if (n_tokens > 0 && !tokens[0].digits && is_weekday(tokens[0].text)) first = 1;
  if (n_tokens == first || (first == 0 && !separators[0].empty())) {
    s.problem = "is not a date";
    return s;
  }
  std::size_t n_alpha = 0;
  for (std::size_t k = first; k < n_tokens; ++k) n_alpha += !tokens[k].digits;
  // From here on, tokens[first + k] is part k of the date.
  const Token* part = tokens + first;
  const std::string_view* part_sep = separators + first;
  const std::size_t n_parts = n_tokens - first;
  const char* const two_digit =
      "has a two-digit year; write the year in full (the century is not guessed)";
  if (n_parts == 3 && n_alpha == 0) {
    const std::string_view t0 = part[0].text, t1 = part[1].text, t2 = part[2].text;
    const bool same_sep = part_sep[1] == part_sep[2] && part_sep[1].size() == 1 &&
                          (part_sep[1] == "-" || part_sep[1] == "/" || part_sep[1] == ".");
    const bool short1 = t1.size() <= 2;
    if (!same_sep) {
      s.problem = "is not a date (its parts are not separated by one '-', '/' or '.')";
    } else if (t0.size() == 4 && short1 && t2.size() <= 2) {
      s.shape = Scan::Shape::YearFirst;
      s.year = to_int(t0);
      s.a = to_int(t1);
      s.b = to_int(t2);
    } else if (t2.size() == 4 && t0.size() <= 2 && short1) {
      s.shape = Scan::Shape::YearLast;
      s.year = to_int(t2);
      s.a = to_int(t0);
      s.b = to_int(t1);
    } else if (t0.size() <= 2 && short1 && t2.size() <= 2) {
      s.problem = two_digit;
    } else {
      s.problem = "is not a date (a year has four digits, a day or month one or two)";
    }
    s.separator = part_sep[1].empty() ? 0 : part_sep[1][0];
    return s;
  }
  if (n_parts == 3 && n_alpha == 1) {
    int month = 0;
    std::string_view year, day;
    for (const Token* t = part; t != part + 3; ++t) {
      if (!t->digits)
        month = month_number(t->text);
      else if (t->text.size() == 4 && year.empty())
        year = t->text;
      else
        (day.empty() ? day : year) = t->text;
    }
    for (std::size_t k = 1; k < 3; ++k)
      if (part_sep[k].empty()) month = -1;  // "12Mar2019": parts run together
    if (month == 0) {
      for (const Token* t = part; t != part + 3; ++t)
        if (!t->digits)
          s.problem = "is not a date ('" + std::string(t->text) + "' is not an English month name)";
    } else if (month < 0) {
      s.problem = "is not a date (separate day, month and year by a space, '-' or '/')";
    } else if (year.size() != 4 && year.size() <= 2 && day.size() <= 2) {
      s.problem = two_digit;
    } else if (year.size() != 4 || day.size() > 2) {
      s.problem = "is not a date (a year has four digits, a day one or two)";
    } else {
      s.shape = Scan::Shape::MonthName;
      s.year = to_int(year);
      s.a = month;
      s.b = to_int(day);
    }
    return s;
  }
  s.problem = "is not a date";
  return s;
}

// A readable cell's numbers, without the message string a Scan carries.
struct Parts {
  Parts() = default;
  explicit Parts(const Scan& s)
      : year(static_cast<int32_t>(s.year)),
        a(static_cast<int8_t>(s.a)),
        b(static_cast<int8_t>(s.b)),
        separator(s.separator),
        shape(s.shape),
        time(s.time) {}
  int32_t year = 0;     // four digits
  int8_t a = 0, b = 0;  // one or two digits
  char separator = 0;
  Scan::Shape shape = Scan::Shape::None;
  bool time = false;
};

// Month and day of a scanned cell once the order of year-last parts is known.
template <class S>
void month_day(const S& s, DateFormat order, int& month, int& day) {
  const bool day_first = s.shape == Scan::Shape::YearLast && order != DateFormat::Mdy;
  month = day_first ? s.b : s.a;
  day = day_first ? s.a : s.b;
}

// Empty when year-month-day is on the calendar; otherwise why not.
std::string calendar_problem(long year, int month, int day) {
  if (month < 1 || month > 12) return "there is no month " + std::to_string(month);
  if (day < 1) return "there is no day 0";
  const int length = days_in_month(year, month);
  if (day <= length) return {};
  if (month == 2 && day == 29)
    return std::to_string(year) + " is not a leap year, so February has 28 days";
  return std::string(kMonthNames[month - 1]) + " has " + std::to_string(length) + " days";
}

const char* order_words(DateFormat order) {
  return order == DateFormat::Mdy ? "month/day/year" : "day/month/year";
}

std::string spelled(long year, int month, int day, bool month_first) {
  const std::string m = month >= 1 && month <= 12 ? kMonthNames[month - 1] : "?";
  return month_first ? m + " " + std::to_string(day) + ", " + std::to_string(year)
                     : std::to_string(day) + " " + m + " " + std::to_string(year);
}

// The order a year-last date is read in under `format` (never Auto/Ymd).
DateFormat year_last_order(const Scan& s, DateFormat format) {
  if (format == DateFormat::Dmy || format == DateFormat::Mdy) return format;
  return s.separator == '.' ? DateFormat::Dmy : format;
}

}  // namespace

long parse_date(std::string_view text, DateFormat format, const std::string& what) {
  const Scan s = scan_date(text);
  const std::string quoted = what + " '" + std::string(text) + "'";
  if (s.shape == Scan::Shape::None) throw Error(quoted + " " + s.problem, what);
  DateFormat order = DateFormat::Auto;
  if (s.shape == Scan::Shape::YearLast) {
    if (format == DateFormat::Ymd)
      throw Error(quoted + " does not start with the year, but the date format is ymd", what);
    order = year_last_order(s, format);
    if (order == DateFormat::Auto) {
      if (s.a > 12 && s.b <= 12) order = DateFormat::Dmy;
      if (s.b > 12 && s.a <= 12) order = DateFormat::Mdy;
      if (s.a > 12 && s.b > 12)
        throw Error(quoted + " is not a date: neither of its first two parts can be a month", what);
      if (order == DateFormat::Auto)
        throw Error(quoted + " could be " + spelled(s.year, s.b, s.a, false) + " or " +
                        spelled(s.year, s.a, s.b, true) + "; set the date format to dmy or mdy",
                    what);
    }
  }
  int month = 0, day = 0;
  month_day(s, order, month, day);
  const std::string problem = calendar_problem(s.year, month, day);
  if (!problem.empty()) throw Error(quoted + " is not a calendar date: " + problem, what);
  return days_from_civil(s.year, month, day);
}

// ---- Reading a column -------------------------------------------------------

DateColumn parse_date_column(const Column& column, const DateOptions& options) {
  const std::size_t n = column.size();
  DateColumn out;
  out.days.assign(n, std::numeric_limits<double>::quiet_NaN());
  out.missing = column.missing;
  out.format = options.format == DateFormat::Ymd ? DateFormat::Ymd : DateFormat::Auto;
  const std::string& name = column.name;
  auto where = [&](std::size_t row) {
    return "column '" + name + "', line " + std::to_string(column.line(row)) + ": '" +
           column.text(row) + "'";
  };

  if (column.type == ColumnType::Numeric) {
    for (std::size_t r = 0; r < n; ++r)
      if (!column.is_missing(r))
        throw Error("column '" + name + "' holds numbers, not dates (line " +
                        std::to_string(column.line(r)) + " has " + column.text(r) +
                        "); write dates as text such as 2019-03-12 or 12/03/2019 (Excel serial "
                        "day numbers are not read: format those cells as dates and export again)",
                    name, column.line(r));
    return out;
  }

  // Each distinct text is read once; rows then look their level up, so a
  // column costs one pass plus the work of its distinct dates.
  const std::size_t n_levels = column.levels.size();
  std::vector<std::size_t> first_row(n_levels, n);
  for (std::size_t r = 0; r < n; ++r)
    if (!column.is_missing(r)) {
      const auto k = static_cast<std::size_t>(column.codes[r]);
      if (first_row[k] == n) first_row[k] = r;
    }
  // Levels in file order, so the first bad value in the file is the one named.
  std::vector<std::size_t> used;
  for (std::size_t k = 0; k < n_levels; ++k)
    if (first_row[k] < n) used.push_back(k);
  auto by_first_row = [&](std::size_t x, std::size_t y) { return first_row[x] < first_row[y]; };
  if (!std::is_sorted(used.begin(), used.end(), by_first_row))  // the CSV reader's order is
    std::sort(used.begin(), used.end(), by_first_row);

  // Kept compact (no message string): a column may have as many distinct
  // texts as rows.
  std::vector<Parts> scans(n_levels);
  for (std::size_t k : used) {
    const Scan s = scan_date(column.levels[k]);
    if (s.shape == Scan::Shape::None)
      throw Error(where(first_row[k]) + " " + s.problem +
                      (s.problem.rfind("is not a date", 0) == 0
                           ? "; write dates as 2019-03-12, 12/03/2019, 12.03.2019 or 12 Mar "
                             "2019, and leave unknown dates empty"
                           : ""),
                  name, column.line(first_row[k]));
    scans[k] = Parts{s};
  }

  // The order of year-last dates.
  DateFormat order = options.format;
  if (order == DateFormat::Ymd) {
    for (std::size_t k : used)
      if (scans[k].shape == Scan::Shape::YearLast)
        throw Error(where(first_row[k]) +
                        " does not start with the year, but the date format is ymd; set it to "
                        "dmy or mdy (or auto)",
                    name, column.line(first_row[k]));
  } else if (order == DateFormat::Auto) {
    std::size_t day_first = n_levels, month_first = n_levels, undecided = n_levels;
    bool dotted = false;
    for (std::size_t k : used) {
      const Parts& s = scans[k];
      if (s.shape != Scan::Shape::YearLast) continue;
      if (s.separator == '.') {
        dotted = true;
        continue;
      }
      if (s.a > 12 && s.b <= 12 && day_first == n_levels) day_first = k;
      if (s.b > 12 && s.a <= 12 && month_first == n_levels) month_first = k;
      if (s.a <= 12 && s.b <= 12 && undecided == n_levels) undecided = k;
    }
    if (day_first < n_levels && month_first < n_levels)
      throw Error("column '" + name + "' mixes day-first and month-first dates: '" +
                      column.levels[day_first] + "' on line " +
                      std::to_string(column.line(first_row[day_first])) +
                      " can only be day/month/year, '" + column.levels[month_first] + "' on line " +
                      std::to_string(column.line(first_row[month_first])) +
                      " only month/day/year; correct the wrong one",
                  name, column.line(first_row[std::max(day_first, month_first)]));
    if (day_first < n_levels) {
      order = DateFormat::Dmy;
    } else if (month_first < n_levels) {
      order = DateFormat::Mdy;
    } else if (undecided < n_levels) {
      const Parts& s = scans[undecided];
      throw Error("column '" + name + "': dates such as '" + column.levels[undecided] + "' (line " +
                      std::to_string(column.line(first_row[undecided])) +
                      ") could be day/month/year (" + spelled(s.year, s.b, s.a, false) +
                      ") or month/day/year (" + spelled(s.year, s.a, s.b, true) +
                      "), and no date in the column has a day above 12 to tell; set the date "
                      "format to dmy or mdy",
                  name, column.line(first_row[undecided]));
    } else if (dotted) {
      order = DateFormat::Dmy;
    }
  }
  if (order != DateFormat::Auto) out.format = order;

  std::vector<double> level_days(n_levels, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k : used) {
    const Parts& s = scans[k];
    // A chosen dmy / mdy applies to every year-last date; under auto, dotted
    // dates stay day-first whatever the slash dates decided.
    DateFormat read_as = DateFormat::Ymd;
    if (s.shape == Scan::Shape::YearLast)
      read_as = options.format != DateFormat::Auto ? options.format
                : s.separator == '.'               ? DateFormat::Dmy
                                                   : order;
    int month = 0, day = 0;
    month_day(s, read_as, month, day);
    std::string problem = calendar_problem(s.year, month, day);
    if (!problem.empty()) {
      if (s.shape == Scan::Shape::YearLast) {
        problem = "read as " + std::string(order_words(read_as)) + ", " + problem;
        if (options.format == DateFormat::Auto && s.a > 12 && s.b > 12)
          problem = "neither of its first two parts can be a month";
      }
      throw Error(where(first_row[k]) + " is not a calendar date (" + problem + ")", name,
                  column.line(first_row[k]));
    }
    level_days[k] = static_cast<double>(days_from_civil(s.year, month, day));
    out.had_time_of_day = out.had_time_of_day || s.time;
  }
  for (std::size_t r = 0; r < n; ++r)
    if (!column.is_missing(r)) out.days[r] = level_days[static_cast<std::size_t>(column.codes[r])];
  if (out.had_time_of_day)
    out.warnings.push_back("column '" + name +
                           "': times of day were dropped; dates count in whole days (as R's "
                           "as.Date)");
  return out;
}

}  // namespace localsurv
