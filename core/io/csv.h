// CSV reader: bytes of a user's file in, typed Table out.
//
// Accepts RFC 4180 quoting (embedded delimiters, doubled quotes, newlines),
// LF or CRLF line ends, a UTF-8 byte-order mark, and sniffs the delimiter
// (comma, semicolon or tab) from the header line. With a semicolon delimiter
// a decimal comma ("1,5") is read as a number unless options say otherwise.
// Missing tokens: empty, NA, N/A, ., NaN, null, and for a column the
// options' own (missing_values: "unknown" in a time column). A column is
// numeric when every non-missing cell is a number, otherwise categorical;
// options can force either.
//
// Errors (localsurv::Error with line/column set): non-UTF-8 bytes, an empty
// file, an empty or duplicate header name, a row with the wrong number of
// fields, an unterminated quote, a forced-numeric column with a non-number,
// column_types or missing_values naming a column the file lacks.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "io/table.h"

namespace localsurv {

struct CsvOptions {
  char delimiter = 0;                              // 0 = sniff from the header line
  int decimal_comma = -1;                          // -1 = auto (on for ';'), 0 = off, 1 = on
  std::map<std::string, ColumnType> column_types;  // overrides inference
  // More missing tokens for one column each, as R's read.csv(na.strings =)
  // for that column only: a cell (trimmed) equal to one is missing.
  std::map<std::string, std::vector<std::string>> missing_values;
  // The Excel sheet the page converted to this CSV: recorded so a share link
  // reopens the same sheet; the engine itself reads CSV only.
  std::string sheet;
};

Table read_csv(std::string_view bytes, const CsvOptions& options = {});

// The engine's one number syntax, for a cell, a number in a filter and a
// spec value that names cells alike: [+-] digits [. digits] [e [+-] digits]
// ('.' decimal point). strtod alone would also take "inf", hex ("0x10") and
// leading blanks.
bool plain_decimal(const std::string& text);

// Whether `text` is a number as read_csv reads one: plain decimal
// ([+-] digits [. digits] [e [+-] digits], with ',' for '.' when
// decimal_comma), within the range of a double. Not "inf", "nan", hex
// ("0x10") or "1e309"; "1e-400" is 0, as R reads it. Every reader of a
// number in text (filters, event values, levels, flags) uses it with
// decimal_comma = false.
bool parse_csv_number(const std::string& text, bool decimal_comma, double& out);

// Why `text` is not such a number, in words for a message ("a hexadecimal
// number; ..."), or "" when it is plainly text.
std::string not_a_number_reason(const std::string& text);

}  // namespace localsurv
