// Dates in data columns and the date_diff derived column, against R:
// tests/r/dates.R writes tests/reference/extra/dates.json with
// as.numeric(as.Date(x, format = ...)) for every cell and
// as.numeric(difftime(end, start, units = "days")) (/ 7, / 30.4375, / 365.25).
#include <cstdio>

#include "error.h"
#include "golden.h"
#include "io/csv.h"
#include "io/dates.h"
#include "study/derive.h"

using namespace localsurv;
using testsupport::json;

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A CSV with columns id, start, end; null in the JSON is an empty cell.
Table two_columns(const json& start, const json& end) {
  std::string csv = "id,start,end\n";
  for (std::size_t i = 0; i < start.size(); ++i)
    csv += std::to_string(i + 1) + "," +
           (start[i].is_null() ? "" : quoted(start[i].get<std::string>())) + "," +
           (end[i].is_null() ? "" : quoted(end[i].get<std::string>())) + "\n";
  return read_csv(csv);
}

// One text column `d` (plus an id), cells as given ("" = missing).
Table one_column(const std::vector<std::string>& cells) {
  std::string csv = "id,d\n";
  for (std::size_t i = 0; i < cells.size(); ++i)
    csv += std::to_string(i + 1) + "," + quoted(cells[i]) + "\n";
  return read_csv(csv);
}

DeriveSpec date_diff(const std::string& name, TimeUnit unit, DateFormat format = DateFormat::Auto,
                     const std::string& start = "start", const std::string& end = "end") {
  DeriveSpec d;
  d.kind = DeriveSpec::Kind::DateDiff;
  d.name = name;
  d.start = start;
  d.end = end;
  d.unit = unit;
  d.date_format = format;
  return d;
}

DateColumn dates_of(const std::vector<std::string>& cells, DateFormat format = DateFormat::Auto) {
  Table t = one_column(cells);
  DateOptions o;
  o.format = format;
  return parse_date_column(t.column("d"), o);
}

}  // namespace

TEST_CASE("calendar arithmetic: days since 1970-01-01 round-trip, day by day") {
  // as.numeric(as.Date("1970-01-01")) == 0; as.Date("2000-02-29") == 11016 (leap_ok in the json)
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  CHECK(days_from_civil(2000, 2, 29) ==
        testsupport::num(testsupport::extra("dates")["leap_ok"]["days"]));
  CHECK(is_leap_year(2000));
  CHECK(!is_leap_year(1900));
  CHECK(!is_leap_year(2019));
  CHECK(is_leap_year(2024));
  CHECK(days_in_month(1900, 2) == 28);
  CHECK(days_in_month(2000, 2) == 29);
  CHECK(days_in_month(2019, 4) == 30);
  // Walk every day from 1583 to 2400 (and through negative eras): each day is
  // the previous plus one, in calendar order, and converts back to itself.
  CivilDate prev = civil_from_days(days_from_civil(1583, 1, 1) - 1);
  long checked = 0;
  for (long z = days_from_civil(1583, 1, 1); z <= days_from_civil(2400, 12, 31); ++z, ++checked) {
    const CivilDate c = civil_from_days(z);
    const bool next_day = c.year == prev.year && c.month == prev.month && c.day == prev.day + 1;
    const bool next_month = c.year == prev.year && c.month == prev.month + 1 && c.day == 1 &&
                            prev.day == days_in_month(prev.year, prev.month);
    const bool next_year =
        c.year == prev.year + 1 && c.month == 1 && c.day == 1 && prev.month == 12 && prev.day == 31;
    if (!(next_day || next_month || next_year)) {
      FAIL_CHECK("day " << z << " is " << c.year << "-" << c.month << "-" << c.day);
      break;
    }
    if (days_from_civil(c.year, c.month, c.day) != z) {
      FAIL_CHECK("day " << z << " does not round-trip");
      break;
    }
    prev = c;
  }
  CHECK(checked == days_from_civil(2400, 12, 31) - days_from_civil(1583, 1, 1) + 1);
  CHECK(checked ==
        818 * 365 + 199);  // 199 leap days: 818 years, less 1700, 1800, 1900, 2100, 2200, 2300
  for (long z : {-1000000L, -719468L, -719469L, -146097L, 0L, 2932896L})
    CHECK(days_from_civil(civil_from_days(z).year, civil_from_days(z).month,
                          civil_from_days(z).day) == z);
  CHECK(iso_date(0) == "1970-01-01");
  CHECK(iso_date(11016) == "2000-02-29");
  CHECK(iso_date(-25508) == "1900-03-01");  // as.numeric(as.Date("1900-03-01"))
}

TEST_CASE("every date format against R's as.Date(x, format) and difftime (dates.json formats)") {
  // For each case: as.numeric(as.Date(start/end, format = r_format)) per cell, then
  // days = as.numeric(difftime(end, start, units = "days")), weeks = days / 7,
  // months = days / 30.4375, years = days / 365.25. Rows 15 and 40 (start) and 40 and 61
  // (end) are empty cells: NA in R, missing here.
  const json& cases = testsupport::extra("dates")["formats"];
  REQUIRE(cases.size() == 16);
  for (const auto& c : cases) {
    const std::string name = c["name"];
    INFO("format case " << name << " (R: as.Date(x, format = \"" << c["r_format"].get<std::string>()
                        << "\"), option " << c["option"].get<std::string>() << ")");
    Table t = two_columns(c["start"], c["end"]);
    const DateFormat format = date_format_from_name(c["option"]);
    DateOptions o;
    o.format = format;
    const DateColumn start = parse_date_column(t.column("start"), o);
    const DateColumn end = parse_date_column(t.column("end"), o);
    const auto r_start = testsupport::nums(c["start_days"]);
    const auto r_end = testsupport::nums(c["end_days"]);
    REQUIRE(start.days.size() == r_start.size());
    std::size_t exact = 0;
    for (std::size_t i = 0; i < r_start.size(); ++i) {
      exact += (std::isnan(r_start[i]) ? std::isnan(start.days[i]) : start.days[i] == r_start[i]) &&
               (std::isnan(r_end[i]) ? std::isnan(end.days[i]) : end.days[i] == r_end[i]);
      CHECK(start.missing[i] == std::isnan(r_start[i]));
    }
    CHECK(exact == r_start.size());
    const bool timed = name.find("time") != std::string::npos;
    CHECK(start.had_time_of_day == timed);
    CHECK(start.warnings.size() == (timed ? 1u : 0u));
    if (name.rfind("dmy", 0) == 0) CHECK(start.format == DateFormat::Dmy);
    if (name.rfind("mdy", 0) == 0) CHECK(start.format == DateFormat::Mdy);
    if (name.rfind("iso", 0) == 0 || name.rfind("day_", 0) == 0)
      CHECK(start.format == DateFormat::Auto);

    derive_columns(
        t, {date_diff("days", TimeUnit::Days, format), date_diff("weeks", TimeUnit::Weeks, format),
            date_diff("months", TimeUnit::Months, format),
            date_diff("years", TimeUnit::Years, format)});
    for (const char* unit : {"days", "weeks", "months", "years"}) {
      const auto r = testsupport::nums(c[unit]);
      const Column& got = t.column(unit);
      REQUIRE(got.type == ColumnType::Numeric);
      std::size_t agree = 0;
      for (std::size_t i = 0; i < r.size(); ++i) {
        agree += std::string(unit) == "days"
                     ? (std::isnan(r[i]) ? got.is_missing(i) : got.numbers[i] == r[i])
                     : testsupport::close(got.numbers[i], r[i], 1e-12, 1e-15);
        CHECK(got.is_missing(i) == std::isnan(r[i]));
      }
      INFO("unit " << unit);
      CHECK(agree == r.size());
    }
  }
}

TEST_CASE("bundled example: months between metastasis_date and last_followup_date (npc_cohort)") {
  // months <- as.numeric(difftime(as.Date(last_followup_date), as.Date(metastasis_date),
  //                                units = "days")) / 30.4375; max(abs(months - os_months)) < 0.05
  const json& npc = testsupport::extra("dates")["npc"];
  Table t = read_csv(
      testsupport::read_file(testsupport::test_data_path("../../public/examples/npc_cohort.csv")));
  REQUIRE(t.n_rows == npc["n"].get<std::size_t>());
  derive_columns(t, {date_diff("os_from_dates", TimeUnit::Months, DateFormat::Auto,
                               "metastasis_date", "last_followup_date")});
  const auto r = testsupport::nums(npc["months"]);
  const Column& got = t.column("os_from_dates");
  const Column& os = t.column("os_months");
  double max_diff = 0;
  std::size_t agree = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    agree += testsupport::close(got.numbers[i], r[i], 1e-12, 1e-15);
    max_diff = std::max(max_diff, std::fabs(got.numbers[i] - os.numbers[i]));
  }
  CHECK(agree == r.size());
  CHECK_CLOSE("max |months - os_months|", max_diff, npc["max_abs_diff_os_months"].get<double>(),
              1e-12);
  CHECK(max_diff <= 0.05);
}

TEST_CASE("dates R reads as NA are errors naming the line and the value (dates.json invalid)") {
  // as.Date(value, format = r_format) is NA for each: not on the calendar.
  for (const auto& c : testsupport::extra("dates")["invalid"]) {
    const std::string value = c["value"];
    INFO(value);
    CHECK(c["r_date"].is_null());
    const std::string good = value.find('/') != std::string::npos   ? "13/01/2019"
                             : value.find('.') != std::string::npos ? "13.01.2019"
                                                                    : "2019-01-13";
    // Lines 2 and 3 are good; the bad value is on line 4.
    CHECK_THROWS_WITH_AS(
        dates_of({good, "", value}),
        doctest::Contains(("line 4: '" + value + "' is not a calendar date").c_str()), Error);
    try {
      dates_of({good, "", value});
    } catch (const Error& e) {
      CHECK(e.line == 4);
      CHECK(e.field == "d");
    }
  }
  CHECK_THROWS_WITH_AS(dates_of({"2019-02-29"}),
                       doctest::Contains("2019 is not a leap year, so February has 28 days"),
                       Error);
  CHECK_THROWS_WITH_AS(dates_of({"2019-13-01"}), doctest::Contains("there is no month 13"), Error);
  CHECK_THROWS_WITH_AS(dates_of({"2019-04-31"}), doctest::Contains("April has 30 days"), Error);
  CHECK_THROWS_WITH_AS(dates_of({"31/06/2019"}),
                       doctest::Contains("read as day/month/year, June has 30 days"), Error);
  CHECK_THROWS_WITH_AS(dates_of({"13/13/2019"}),
                       doctest::Contains("neither of its first two parts can be a month"), Error);
  CHECK_THROWS_WITH_AS(dates_of({"25/03/2019"}, DateFormat::Mdy),
                       doctest::Contains("read as month/day/year, there is no month 25"), Error);
  CHECK(dates_of({"2000-02-29"}).days[0] == 11016);  // R: as.Date("2000-02-29") is valid
}

TEST_CASE("two-digit years are refused, where R's %y would guess the century") {
  // R: as.Date("12/03/68", "%d/%m/%y") == 2068-03-12 but "12/03/69" == 1969-03-12.
  for (const auto& c : testsupport::extra("dates")["two_digit"]) {
    const std::string value = c["value"];
    INFO(value << " (R guesses " << c["r_guess"].get<std::string>() << ")");
    CHECK(!c["r_guess"].is_null());
    CHECK_THROWS_WITH_AS(
        dates_of({"2019-01-01", value}),
        doctest::Contains(("line 3: '" + value + "' has a two-digit year").c_str()), Error);
    CHECK_THROWS_WITH_AS(dates_of({value}, DateFormat::Dmy), doctest::Contains("two-digit year"),
                         Error);
  }
  CHECK_THROWS_WITH_AS(parse_date("3/1/19", DateFormat::Mdy), doctest::Contains("two-digit year"),
                       Error);
}

TEST_CASE("auto: ambiguous slash dates ask for dmy or mdy; contradictions name both lines") {
  // Every day and month <= 12: no way to tell. The message names the column, a value and its line.
  CHECK_THROWS_WITH_AS(dates_of({"", "03/04/2019", "05/06/2020"}),
                       doctest::Contains("column 'd': dates such as '03/04/2019' (line 3) could be "
                                         "day/month/year (3 April 2019) or month/day/year (March "
                                         "4, 2019)"),
                       Error);
  CHECK_THROWS_WITH_AS(dates_of({"03-04-2019"}),
                       doctest::Contains("set the date format to dmy or mdy"), Error);
  // The user's choice decides (R: as.Date("03/04/2019", "%d/%m/%Y") == 17989, "%m/%d/%Y" == 17959).
  CHECK(dates_of({"03/04/2019", "05/06/2020"}, DateFormat::Dmy).days[0] == 17989);
  CHECK(dates_of({"03/04/2019", "05/06/2020"}, DateFormat::Mdy).days[0] == 17959);
  CHECK(dates_of({"03/04/2019", "05/06/2020"}, DateFormat::Dmy).format == DateFormat::Dmy);
  // One deciding value settles the whole column.
  const DateColumn d = dates_of({"03/04/2019", "25/12/2019"});
  CHECK(d.format == DateFormat::Dmy);
  CHECK(d.days[0] == 17989);
  CHECK(d.days[1] == days_from_civil(2019, 12, 25));
  // as.numeric(as.Date("2019-03-04")) == 17959; as.Date("2019-04-03"): 17989
  CHECK(dates_of({"03/04/2019", "12/25/2019"}).days[0] == 17959);
  // Day-first on line 3, month-first on line 5.
  CHECK_THROWS_WITH_AS(dates_of({"03/04/2019", "25/03/2019", "01/01/2019", "03/25/2019"}),
                       doctest::Contains("column 'd' mixes day-first and month-first dates: "
                                         "'25/03/2019' on line 3 can only be day/month/year, "
                                         "'03/25/2019' on line 5 only month/day/year"),
                       Error);
  // Dotted dates are day first (the European convention), even when all parts are <= 12.
  CHECK(dates_of({"03.04.2019"}).days[0] == 17989);  // as.numeric(as.Date("2019-04-03"))
  CHECK(dates_of({"03.04.2019"}).format == DateFormat::Dmy);
  // ymd accepts only year-first dates.
  CHECK_THROWS_WITH_AS(dates_of({"2019-03-04", "25/03/2019"}, DateFormat::Ymd),
                       doctest::Contains("line 3: '25/03/2019' does not start with the year"),
                       Error);
  // Year-first and month-name dates read under any format.
  CHECK(dates_of({"2019-04-03", "3 Apr 2019"}, DateFormat::Mdy).days[1] == 17989);
}

TEST_CASE("single cells: month names, weekdays, ordinals, times of day") {
  const long d = days_from_civil(2019, 3, 12);
  for (const char* s : {"2019-03-12",
                        "2019/3/12",
                        "2019.03.12",
                        "12 Mar 2019",
                        "12-Mar-2019",
                        "12/Mar/2019",
                        "March 12, 2019",
                        "Mar 12 2019",
                        "12 MARCH 2019",
                        "12 march 2019",
                        "12 Mar. 2019",
                        "Tue, 12 Mar 2019",
                        "Tuesday, March 12, 2019",
                        "12th March 2019",
                        "2019-03-12T00:00:00",
                        "2019-03-12T23:59:59.999",
                        "2019-03-12T10:00:00Z",
                        "2019-03-12T10:00:00+08:00",
                        "2019-03-12 10:00",
                        "12/03/2019 2:30 PM",
                        "  2019-03-12  ",
                        "12.03.2019"}) {
    INFO(s);
    CHECK(parse_date(s, DateFormat::Dmy) == d);
  }
  CHECK(parse_date("9 Sept 2019") == days_from_civil(2019, 9, 9));
  CHECK(parse_date("03/12/2019", DateFormat::Mdy) == d);
  CHECK(parse_date("3/12/2019", DateFormat::Mdy) == d);
  CHECK_THROWS_WITH_AS(parse_date("03/12/2019"), doctest::Contains("set the date format"), Error);
  CHECK_THROWS_WITH_AS(parse_date("12 Marc 2019"),
                       doctest::Contains("'Marc' is not an English month name"), Error);
  CHECK_THROWS_WITH_AS(parse_date("2019-03-12T25:00"), doctest::Contains("hour 25"), Error);
  CHECK_THROWS_WITH_AS(parse_date("2019-03-12T10:61"), doctest::Contains("out of range"), Error);
  CHECK_THROWS_WITH_AS(parse_date("12/03/2019 13:00 PM", DateFormat::Dmy),
                       doctest::Contains("hour 13"), Error);
  for (const char* s : {"unknown", "2019-03", "Mar 2019", "2019-03-12-01", "12:30", "2019_03_12",
                        "2019-03/12", "12Mar2019", "201-03-12", "12/03/02019", "?"}) {
    INFO(s);
    CHECK_THROWS_AS(parse_date(s), Error);
  }
  CHECK_THROWS_WITH_AS(date_format_from_name("european"),
                       doctest::Contains("auto, ymd, dmy or mdy"), Error);
  CHECK_THROWS_WITH_AS(time_unit_from_name("hours"),
                       doctest::Contains("days, weeks, months or years"), Error);
  // R: 365.25 / 12 == 30.4375 (a month is a twelfth of a Julian year)
  CHECK(days_per_unit(TimeUnit::Months) == 30.4375);
  CHECK(days_per_unit(TimeUnit::Years) == 365.25);
}

TEST_CASE("date columns: missing cells, numbers, unreadable text") {
  // NA, empty and "." are missing in the CSV reader; a missing date gives a missing result.
  const DateColumn d = dates_of({"2019-03-12", "NA", "", "2019-03-13"});
  CHECK(d.missing == std::vector<uint8_t>{0, 1, 1, 0});
  CHECK(std::isnan(d.days[1]));
  CHECK(d.days[3] - d.days[0] == 1);
  // A numeric column (Excel serial days) is refused, naming a line; an all-missing one is fine.
  Table t = read_csv("id,start,end\n1,43536,43600\n2,43537,\n");
  CHECK_THROWS_WITH_AS(
      parse_date_column(t.column("start")),
      doctest::Contains("column 'start' holds numbers, not dates (line 2 has 43536)"), Error);
  Table empty = read_csv("id,start,end\n1,,2019-01-01\n2,NA,2019-01-02\n");
  REQUIRE(empty.column("start").type == ColumnType::Numeric);
  derive_columns(empty, {date_diff("fu", TimeUnit::Days)});
  CHECK(empty.column("fu").missing == std::vector<uint8_t>{1, 1});
  CHECK_THROWS_WITH_AS(dates_of({"2019-03-12", "2019-03-14", "pending"}),
                       doctest::Contains("column 'd', line 4: 'pending' is not a date; write "
                                         "dates as 2019-03-12"),
                       Error);
}

TEST_CASE("date_diff: end before start, missing ends, bad columns") {
  // difftime(as.Date("2019-01-03"), as.Date("2019-03-12")) is -68 days: a data error here.
  Table t =
      read_csv("id,start,end\n1,2019-03-12,2019-04-12\n\n2,2019-03-12,2019-01-03\n3,2019-01-01,\n");
  CHECK_THROWS_WITH_AS(derive_columns(t, {date_diff("fu", TimeUnit::Months)}),
                       doctest::Contains("derived column 'fu': on line 4 the end date end = "
                                         "'2019-01-03' is before the start date start = "
                                         "'2019-03-12'"),
                       Error);
  try {
    derive_columns(t, {date_diff("fu", TimeUnit::Months)});
  } catch (const Error& e) {
    CHECK(e.line == 4);
    CHECK(e.field == "fu");
  }
  Table ok = read_csv("id,start,end\n1,2019-03-12,2019-03-12\n2,2019-01-01,\n3,,2019-01-01\n");
  derive_columns(ok, {date_diff("fu", TimeUnit::Days)});
  CHECK(ok.column("fu").numbers[0] == 0);  // same day: zero follow-up, allowed
  CHECK(ok.column("fu").missing == std::vector<uint8_t>{0, 1, 1});
  CHECK_THROWS_WITH_AS(derive_columns(ok, {date_diff("fu2", TimeUnit::Days, DateFormat::Auto,
                                                     "start", "death_date")}),
                       doctest::Contains("column 'death_date' is not in the data"), Error);
  CHECK_THROWS_WITH_AS(
      derive_columns(ok, {date_diff("fu3", TimeUnit::Days, DateFormat::Auto, "start", "")}),
      doctest::Contains("needs a start and an end column"), Error);
  CHECK_THROWS_WITH_AS(derive_columns(ok, {date_diff("start", TimeUnit::Days)}),
                       doctest::Contains("already exists"), Error);
  // Each column decides its own format: ISO start, day-first end.
  Table mixed = read_csv("id,start,end\n1,2019-03-12,25/03/2019\n2,2019-03-12,01/04/2019\n");
  derive_columns(mixed, {date_diff("fu", TimeUnit::Days)});
  CHECK(mixed.column("fu").numbers == std::vector<double>{13, 20});
}

TEST_CASE("200,000 rows: every day count as R's difftime") {
  // Worst case for the per-level cache: every cell distinct (a time of day on each), and a
  // day-first end column.
  const std::size_t n = 200000;
  Table t;
  t.n_rows = n;
  Column start, end;
  start.name = "start";
  end.name = "end";
  start.type = end.type = ColumnType::Categorical;
  start.missing.assign(n, 0);
  end.missing.assign(n, 0);
  std::vector<long> expected(n);
  char buf[64];
  for (std::size_t i = 0; i < n; ++i) {
    const long s = days_from_civil(1990, 1, 1) + static_cast<long>((i * 7919) % 12000);
    const long e = s + static_cast<long>((i * 104729) % 4000);
    expected[i] = e - s;
    const CivilDate a = civil_from_days(s), b = civil_from_days(e);
    std::snprintf(buf, sizeof buf, "%04ld-%02d-%02dT%02d:%02d:%02d", a.year, a.month, a.day,
                  static_cast<int>(i / 3600 % 24), static_cast<int>(i / 60 % 60),
                  static_cast<int>(i % 60));
    start.levels.push_back(buf);
    start.codes.push_back(static_cast<int32_t>(i));
    std::snprintf(buf, sizeof buf, "%d/%d/%ld", b.day, b.month, b.year);
    end.levels.push_back(buf);
    end.codes.push_back(static_cast<int32_t>(i));
  }
  t.columns.push_back(std::move(start));
  t.columns.push_back(std::move(end));
  derive_columns(t, {date_diff("fu", TimeUnit::Days)});
  std::size_t agree = 0;
  for (std::size_t i = 0; i < n; ++i) agree += t.column("fu").numbers[i] == expected[i];
  CHECK(agree == n);
}
