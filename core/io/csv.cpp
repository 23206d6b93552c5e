#include "io/csv.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <set>
#include <unordered_map>

#include "error.h"

namespace localsurv {
namespace {

// Returns the 1-based line of the first byte that is not valid UTF-8 (RFC
// 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
long invalid_utf8_line(std::string_view s) {
  long line = 1;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
    const unsigned char c = byte(i);
    if (c == '\n') ++line;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    if (len == 0 || i + len > s.size()) return line;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return line;
    for (std::size_t k = 2; k < len; ++k)
      if ((byte(i + k) >> 6) != 0x2) return line;
    i += len;
  }
  return 0;
}

char sniff_delimiter(std::string_view s) {
  std::size_t counts[3] = {0, 0, 0};
  const char cands[3] = {',', ';', '\t'};
  bool quoted = false;
  for (char ch : s) {
    if (ch == '"') quoted = !quoted;
    if (quoted) continue;
    if (ch == '\n' || ch == '\r') break;
    for (int k = 0; k < 3; ++k) counts[k] += ch == cands[k];
  }
  int best = 0;
  for (int k = 1; k < 3; ++k)
    if (counts[k] > counts[best]) best = k;
  return cands[best];
}

struct Record {
  std::vector<std::string> fields;
  long line;  // where the record starts
};

std::vector<Record> split_records(std::string_view s, char delim) {
  std::vector<Record> records;
  std::size_t i = 0;
  long line = 1;
  while (i < s.size()) {
    Record rec;
    rec.line = line;
    std::string field;
    bool at_field_start = true;
    bool end_of_record = false;
    while (!end_of_record) {
      if (i >= s.size()) break;
      char ch = s[i];
      if (at_field_start && ch == '"') {
        long quote_line = line;
        ++i;
        for (;;) {
          if (i >= s.size())
            throw Error("unterminated quoted field starting on line " + std::to_string(quote_line) +
                            ", column " + std::to_string(rec.fields.size() + 1),
                        {}, quote_line, static_cast<long>(rec.fields.size() + 1));
          if (s[i] == '"') {
            if (i + 1 < s.size() && s[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (s[i] == '\n') ++line;
          field += s[i++];
        }
        at_field_start = false;
        // Text after a closing quote up to the delimiter is kept, as spreadsheets do.
        continue;
      }
      if (ch == delim) {
        rec.fields.push_back(std::move(field));
        field.clear();
        at_field_start = true;
        ++i;
      } else if (ch == '\n' || ch == '\r') {
        if (ch == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
        ++i;
        ++line;
        end_of_record = true;
      } else {
        field += ch;
        at_field_start = false;
        ++i;
      }
    }
    rec.fields.push_back(std::move(field));
    bool blank =
        rec.fields.size() == 1 && rec.fields[0].find_first_not_of(" \t") == std::string::npos;
    if (!blank) records.push_back(std::move(rec));
  }
  return records;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  std::size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool is_missing_token(const std::string& t) {
  return t.empty() || t == "NA" || t == "N/A" || t == "." || t == "NaN" || t == "null";
}

std::string with_decimal_point(std::string s) {
  std::replace(s.begin(), s.end(), ',', '.');
  return s;
}

}  // namespace

bool plain_decimal(const std::string& s) {
  std::size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

bool parse_csv_number(const std::string& t, bool decimal_comma, double& out) {
  const std::string s = decimal_comma ? with_decimal_point(t) : t;
  if (!plain_decimal(s)) return false;
  out = std::strtod(s.c_str(), nullptr);
  return std::isfinite(out);
}

std::string not_a_number_reason(const std::string& text) {
  const std::string t = trim(text);
  if (plain_decimal(t) || plain_decimal(with_decimal_point(t))) {
    double v;
    if (parse_csv_number(t, true, v)) return {};
    return "beyond the range of numbers (about 1.8e308)";
  }
  std::string lower;
  for (char c : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!lower.empty() && (lower[0] == '+' || lower[0] == '-')) lower.erase(0, 1);
  if (lower.rfind("0x", 0) == 0) return "a hexadecimal number; write it in decimal";
  if (lower == "inf" || lower == "infinity" || lower == "nan")
    return "not a finite number; leave the cell empty (or NA) if it is missing";
  return {};
}

Table read_csv(std::string_view bytes, const CsvOptions& options) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (std::size_t nul = bytes.find('\0'); nul != std::string_view::npos) {
    long line = 1 + static_cast<long>(
                        std::count(bytes.begin(), bytes.begin() + static_cast<long>(nul), '\n'));
    throw Error(
        "the file holds a NUL byte on line " + std::to_string(line) +
            ", so it is not a text (CSV) file; export it from your spreadsheet as 'CSV UTF-8'",
        {}, line);
  }
  if (long bad = invalid_utf8_line(bytes))
    throw Error("the file is not UTF-8 text (first invalid byte on line " + std::to_string(bad) +
                    "); save it from your spreadsheet as 'CSV UTF-8'",
                {}, bad);
  char delim = options.delimiter ? options.delimiter : sniff_delimiter(bytes);
  bool decimal_comma = options.decimal_comma < 0 ? delim == ';' : options.decimal_comma == 1;

  std::vector<Record> records = split_records(bytes, delim);
  if (records.empty()) throw Error("the file is empty: it has no header row", {}, 1);

  Table table;
  const Record& header = records[0];
  std::set<std::string> seen;
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    std::string name = trim(header.fields[c]);
    long col = static_cast<long>(c + 1);
    if (name.empty())
      throw Error("column " + std::to_string(col) + " of the header (line " +
                      std::to_string(header.line) + ") has no name",
                  {}, header.line, col);
    if (!seen.insert(name).second)
      throw Error("column name '" + name + "' appears twice in the header (column " +
                      std::to_string(col) + ")",
                  name, header.line, col);
    Column column;
    column.name = name;
    column.file_column = col;
    table.columns.push_back(std::move(column));
  }
  for (const auto& [name, type] : options.column_types)
    if (!seen.count(name))
      throw Error("column_types names column '" + name + "', which is not in the file", name);
  for (const auto& [name, tokens] : options.missing_values)
    if (!seen.count(name))
      throw Error("missing_values names column '" + name + "', which is not in the file", name);

  const std::size_t ncol = table.columns.size();
  const std::size_t nrow = records.size() - 1;
  table.n_rows = nrow;
  table.delimiter = delim;
  table.decimal_comma = decimal_comma;
  auto lines = std::make_shared<std::vector<long>>(nrow);
  for (std::size_t r = 0; r < nrow; ++r) (*lines)[r] = records[r + 1].line;
  for (std::size_t r = 1; r < records.size(); ++r)
    if (records[r].fields.size() != ncol)
      throw Error("line " + std::to_string(records[r].line) + " has " +
                      std::to_string(records[r].fields.size()) + " fields but the header has " +
                      std::to_string(ncol),
                  {}, records[r].line);

  for (std::size_t c = 0; c < ncol; ++c) {
    Column& col = table.columns[c];
    col.row_lines = lines;
    auto forced = options.column_types.find(col.name);
    auto listed = options.missing_values.find(col.name);
    const std::vector<std::string> no_tokens;
    const std::vector<std::string>& tokens =
        listed != options.missing_values.end() ? listed->second : no_tokens;
    col.missing.assign(nrow, 0);
    std::vector<double> numbers(nrow, std::numeric_limits<double>::quiet_NaN());
    bool all_numeric = true;
    std::size_t first_bad = 0;
    for (std::size_t r = 0; r < nrow; ++r) {
      std::string t = trim(records[r + 1].fields[c]);
      if (is_missing_token(t)) {
        col.missing[r] = 1;
        continue;
      }
      if (std::find(tokens.begin(), tokens.end(), t) != tokens.end()) {
        col.missing[r] = 1;
        col.listed_missing.emplace_back(r, std::move(t));
        continue;
      }
      if (all_numeric && !parse_csv_number(t, decimal_comma, numbers[r])) {
        all_numeric = false;
        first_bad = r;
      }
    }
    bool numeric =
        forced != options.column_types.end() ? forced->second == ColumnType::Numeric : all_numeric;
    if (numeric && !all_numeric) {
      const Record& rec = records[first_bad + 1];
      const std::string cell = trim(rec.fields[c]);
      const std::string reason = not_a_number_reason(cell);
      throw Error("column '" + col.name + "' is declared numeric but line " +
                      std::to_string(rec.line) + ", column " + std::to_string(c + 1) + " has '" +
                      cell + "'" + (reason.empty() ? "" : ", " + reason),
                  col.name, rec.line, static_cast<long>(c + 1));
    }
    if (numeric) {
      col.type = ColumnType::Numeric;
      col.numbers = std::move(numbers);
      continue;
    }
    col.type = ColumnType::Categorical;
    col.codes.assign(nrow, -1);
    std::unordered_map<std::string, int32_t> index;
    for (std::size_t r = 0; r < nrow; ++r) {
      if (col.missing[r]) continue;
      std::string t = trim(records[r + 1].fields[c]);
      auto [it, inserted] = index.emplace(t, static_cast<int32_t>(col.levels.size()));
      if (inserted) col.levels.push_back(t);
      col.codes[r] = it->second;
    }
  }
  return table;
}

}  // namespace localsurv
