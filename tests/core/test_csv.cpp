// CSV reader: RFC 4180 parsing, type inference and the errors a user sees.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

#include "error.h"
#include "golden.h"
#include "io/csv.h"

using localsurv::ColumnType;
using localsurv::CsvOptions;
using localsurv::Error;
using localsurv::read_csv;

namespace {
std::string error_of(const std::string& bytes, const CsvOptions& o = {}) {
  try {
    read_csv(bytes, o);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}
long error_line(const std::string& bytes) {
  try {
    read_csv(bytes);
  } catch (const Error& e) {
    return e.line;
  }
  return 0;
}
}  // namespace

TEST_CASE("quoting, CRLF, BOM and missing tokens") {
  auto t = read_csv(
      "\xEF\xBB\xBFid,name,x\r\n1,\"Smith, J\",1.5\r\n2,\"say \"\"hi\"\"\nthere\",NA\r\n3,,.\r\n");
  REQUIRE(t.n_rows == 3);
  REQUIRE(t.columns.size() == 3);
  CHECK(t.columns[0].name == "id");
  const auto& name = t.column("name");
  CHECK(name.type == ColumnType::Categorical);
  CHECK(name.text(0) == "Smith, J");
  CHECK(name.text(1) == "say \"hi\"\nthere");
  CHECK(name.is_missing(2));
  const auto& x = t.column("x");
  CHECK(x.type == ColumnType::Numeric);
  CHECK(x.numbers[0] == 1.5);
  CHECK(x.is_missing(1));
  CHECK(x.is_missing(2));
  CHECK(x.missing_count() == 2);
}

TEST_CASE("delimiter sniffing and decimal comma") {
  auto semi = read_csv("a;b\n1,5;x\n2;y\n");
  CHECK(semi.column("a").type == ColumnType::Numeric);
  CHECK(semi.column("a").numbers[0] == 1.5);
  auto tab = read_csv("a\tb\n1\t2\n");
  CHECK(tab.column("b").numbers[0] == 2);
  // With a comma delimiter "1,5" is two fields, so decimal comma stays off.
  auto comma = read_csv("a,b\n1,5\n");
  CHECK(comma.column("b").numbers[0] == 5);
}

TEST_CASE("type inference and overrides") {
  auto t = read_csv("a,b,c\n1,x,1e3\n2,NaN,-2.5\n");
  CHECK(t.column("a").type == ColumnType::Numeric);
  CHECK(t.column("b").type == ColumnType::Categorical);
  CHECK(t.column("c").numbers[0] == 1000);
  CsvOptions o;
  o.column_types["a"] = ColumnType::Categorical;
  auto t2 = read_csv("a,b\n1,x\n2,y\n1,z\n", o);
  CHECK(t2.column("a").type == ColumnType::Categorical);
  CHECK(t2.column("a").levels.size() == 2);
  // Tokens strtod would accept but a clinician would not call numbers.
  CHECK(read_csv("a\ninf\n").column("a").type == ColumnType::Categorical);
  CHECK(read_csv("a\n0x10\n").column("a").type == ColumnType::Categorical);
  CHECK(read_csv("a\n12abc\n").column("a").type == ColumnType::Categorical);
}

TEST_CASE("missing_values: a column's own missing texts, as read.csv(na.strings =) for it") {
  // R: d <- read.csv(text = "t,u\n5,unknown\nunknown,7\n 9 ,x\n"); the texts are the cells
  // (trimmed); t's "unknown" cells become NA: d$t[d$t %in% "unknown"] <- NA; as.numeric(d$t)
  // = c(5, NA, 9). Column u keeps its "unknown" (the list is t's only).
  const std::string csv = "t,u\n5,unknown\nunknown,7\n 9 ,x\n";
  CHECK(read_csv(csv).column("t").type == ColumnType::Categorical);
  CsvOptions o;
  o.missing_values["t"] = {"unknown"};
  auto t = read_csv(csv, o);
  const auto& col = t.column("t");
  CHECK(col.type == ColumnType::Numeric);
  CHECK(col.numbers[0] == 5);
  CHECK(col.is_missing(1));
  CHECK(col.numbers[2] == 9);
  REQUIRE(col.listed_missing.size() == 1);
  CHECK(col.listed_missing[0].first == 1);
  CHECK(col.listed_missing[0].second == "unknown");
  CHECK(t.column("u").type == ColumnType::Categorical);
  CHECK(t.column("u").levels == std::vector<std::string>{"unknown", "7", "x"});
  CHECK(t.column("u").listed_missing.empty());
  // Declared numeric with a text not in the list: the Error names it as before.
  o.column_types["t"] = ColumnType::Numeric;
  CHECK(read_csv(csv, o).column("t").type == ColumnType::Numeric);
  CHECK(error_of("t\n5\nunknown\nlost\n", o) ==
        "column 't' is declared numeric but line 4, column 1 has 'lost'");
  o.missing_values["zz"] = {"?"};
  CHECK(error_of(csv, o) == "missing_values names column 'zz', which is not in the file");
}

TEST_CASE("errors name the line and column") {
  CHECK(error_of("").find("empty") != std::string::npos);
  CHECK(error_of("a,,c\n1,2,3\n").find("column 2") != std::string::npos);
  CHECK(error_of("a,b,a\n1,2,3\n").find("'a' appears twice") != std::string::npos);
  CHECK(error_of("a,b\n1,2\n3\n").find("line 3 has 1 fields") != std::string::npos);
  CHECK(error_line("a,b\n1,2\n3\n") == 3);
  CHECK(error_of("a,b\n1,\"oops\n2,3\n").find("unterminated quoted field starting on line 2") !=
        std::string::npos);
  CHECK(error_of("a\n\xff\xfe\n").find("not UTF-8") != std::string::npos);
  CsvOptions o;
  o.column_types["a"] = ColumnType::Numeric;
  CHECK(error_of("a\n1\nx\n", o) == "column 'a' is declared numeric but line 3, column 1 has 'x'");
  CHECK(error_of("a\n1\n0x1A\n", o) ==
        "column 'a' is declared numeric but line 3, column 1 has '0x1A', a hexadecimal number; "
        "write it in decimal");
  o.column_types["zz"] = ColumnType::Numeric;
  CHECK(error_of("a\n1\n", o).find("'zz'") != std::string::npos);
}

TEST_CASE("reference datasets load with R's shape") {
  // nrow(read.csv("lung.csv")) == 228; sum(is.na(lung$wt.loss)) == 14
  auto lung = testsupport::dataset("lung");
  CHECK(lung.n_rows == 228);
  CHECK(lung.column("wt.loss").missing_count() == 14);
  auto rot = testsupport::dataset("rotterdam");
  CHECK(rot.n_rows == 2982);
  CHECK(rot.column("size").type == ColumnType::Categorical);
  auto pbc = testsupport::dataset("pbc");
  CHECK(pbc.n_rows == 418);
  CHECK(pbc.column("trt").missing_count() == 106);  // sum(is.na(pbc$trt))
}

TEST_CASE("UTF-8 is checked as RFC 3629 says; NUL bytes mean not a text file") {
  // Surrogates, overlong forms, bytes above U+10FFFF.
  for (std::string bad : {"\xED\xA0\x80", "\xE0\x80\x80", "\xF0\x80\x80\x80", "\xF5\x80\x80\x80",
                          "\xF4\x90\x80\x80", "\xC0\xAF", "\x80"}) {
    CAPTURE(bad.size());
    CHECK(error_of("a\nx\n" + bad + "\n").find("not UTF-8 text (first invalid byte on line 3)") !=
          std::string::npos);
  }
  // Valid multi-byte text passes: é, €, 𝄞 (U+1D11E), U+10FFFF.
  auto t = read_csv("a\n\xC3\xA9\n\xE2\x82\xAC\n\xF0\x9D\x84\x9E\n\xF4\x8F\xBF\xBF\n");
  CHECK(t.n_rows == 4);
  CHECK(error_of(std::string("a,b\n1,2\n3,\0\n", 11)).find("NUL byte on line 3") !=
        std::string::npos);
}

TEST_CASE("rows remember their file line past blank lines and quoted newlines") {
  auto t = read_csv("a,b\n\n1,\"x\ny\"\n   \n2,z\n");
  REQUIRE(t.n_rows == 2);
  CHECK(t.column("a").line(0) == 3);
  CHECK(t.column("a").line(1) == 6);
  CHECK(t.delimiter == ',');
  CHECK(!t.decimal_comma);
  auto semi = read_csv("a;b\n1,5;2\n");
  CHECK(semi.delimiter == ';');
  CHECK(semi.decimal_comma);
}

TEST_CASE("numbers are plain decimals within a double's range; the reason for the rest") {
  using localsurv::not_a_number_reason;
  using localsurv::parse_csv_number;
  double v = -1;
  CHECK((parse_csv_number("-1.5e3", false, v) && v == -1500));
  CHECK((parse_csv_number("1,5", true, v) && v == 1.5));
  CHECK_FALSE(parse_csv_number("1,5", false, v));
  // R: as.numeric("1e-400") is 0; as.numeric("4.9e-324") the smallest subnormal.
  CHECK((parse_csv_number("1e-400", false, v) && v == 0));
  CHECK((parse_csv_number("4.9e-324", false, v) && v > 0));
  for (const char* text : {"0x10", "1e309", "inf", "-Inf", "nan", "1e", ".", "1.2.3", " 1"})
    CHECK_FALSE(parse_csv_number(text, false, v));
  CHECK(not_a_number_reason("0X1f") == "a hexadecimal number; write it in decimal");
  CHECK(not_a_number_reason("1e309") == "beyond the range of numbers (about 1.8e308)");
  CHECK(not_a_number_reason("-1,8e309") == "beyond the range of numbers (about 1.8e308)");
  CHECK(not_a_number_reason("+INFINITY") ==
        "not a finite number; leave the cell empty (or NA) if it is missing");
  CHECK(not_a_number_reason("dead") == "");
  CHECK(not_a_number_reason("12") == "");
  // A column holding them is text; the cell is named when it is used as numbers.
  const auto t = read_csv("a,b,c\n0x10,1e309,inf\n");
  for (const auto& c : t.columns) CHECK(c.type == ColumnType::Categorical);
  CHECK(t.columns[2].file_column == 3);
}

// The reader parses numbers with fast_float instead of strtod (no long
// double, which wasm emulates): both round correctly, so every double must be
// the same. Random decimals of 1-25 significant digits and exponents across
// the whole range (subnormals, near overflow), each read as a CSV cell, with
// '.' and (semicolon files) ',' as the decimal point, compared bit for bit
// with glibc's strtod.
TEST_CASE("numbers read exactly as strtod reads them") {
  std::mt19937_64 rng(20261208);
  std::string csv = "x\n";
  std::string csv_comma = "x\n";
  std::vector<std::string> texts;
  for (int i = 0; i < 20000; ++i) {
    std::string digits;
    const int n = 1 + static_cast<int>(rng() % 25);
    for (int k = 0; k < n; ++k) digits += static_cast<char>('0' + rng() % 10);
    const int point = static_cast<int>(rng() % (n + 1));
    std::string t = (rng() % 3 == 0 ? "-" : rng() % 5 == 0 ? "+" : "") + digits.substr(0, point);
    if (point < n) t += "." + digits.substr(point);
    if (point == 0 && point == n) t += "0";
    if (rng() % 2) t += "e" + std::to_string(static_cast<int>(rng() % 640) - 330);
    texts.push_back(t);
  }
  texts.insert(texts.end(),
               {"4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
                "1.7976931348623157e308", "1e-400", "0.1", "-0", "5.", ".5", "+.5e-3",
                "9007199254740993", "123456789012345678901234567890"});
  std::vector<double> expected;
  std::vector<std::string> kept;
  for (const auto& t : texts) {
    const double v = std::strtod(t.c_str(), nullptr);
    if (!std::isfinite(v)) continue;  // the reader refuses these (tested above)
    expected.push_back(v);
    kept.push_back(t);
    csv += t + "\n";
    std::string c = t;
    std::replace(c.begin(), c.end(), '.', ',');
    csv_comma += "\"" + c + "\"\n";
  }
  const auto table = read_csv(csv);
  CsvOptions semicolon;
  semicolon.delimiter = ';';
  const auto comma = read_csv(csv_comma, semicolon);
  REQUIRE(table.columns[0].type == ColumnType::Numeric);
  REQUIRE(comma.columns[0].type == ColumnType::Numeric);
  REQUIRE(table.n_rows == expected.size());
  for (std::size_t r = 0; r < expected.size(); ++r) {
    INFO(kept[r]);
    CHECK(std::memcmp(&table.columns[0].numbers[r], &expected[r], sizeof(double)) == 0);
    CHECK(std::memcmp(&comma.columns[0].numbers[r], &expected[r], sizeof(double)) == 0);
  }
}
