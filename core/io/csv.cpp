#include "io/csv.h"

#include <fast_float/fast_float.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <system_error>
#include <unordered_map>

#include "error.h"
#include "io/cell_text.h"

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

// Where a field's text is: in the file itself, or (a quoted field, which
// loses its quotes and doubled quotes) in the reader's side buffer. Cells
// stay where they are until a column is typed, so a file costs 8 bytes per
// cell here instead of a string each (issue 11: the reader's memory was about
// 13 times the file).
struct Span {
  uint32_t offset;
  uint32_t length;  // kInSide set: the text is in the side buffer
};
constexpr uint32_t kInSide = 0x80000000u;
// Offsets and lengths are 32-bit (also in wasm32, where a file this size
// could not be held twice anyway).
constexpr std::size_t kMaxFileBytes = 0x7FFFFFFFu;

struct Records {
  std::vector<Span> fields;     // every record's fields, one after another
  std::vector<uint32_t> first;  // index in `fields` of each record's first field
  std::vector<long> line;       // the line where each record starts
  std::string side;             // unquoted text of quoted fields
  std::string_view file;

  std::size_t size() const { return first.size(); }
  std::size_t count(std::size_t r) const {
    return (r + 1 < first.size() ? first[r + 1] : fields.size()) - first[r];
  }
  std::string_view text(Span f) const {
    if (f.length & kInSide) return std::string_view(side).substr(f.offset, f.length & ~kInSide);
    return file.substr(f.offset, f.length);
  }
  std::string_view field(std::size_t r, std::size_t c) const { return text(fields[first[r] + c]); }
};

bool blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

Records split_records(std::string_view s, char delim) {
  Records out;
  out.file = s;
  const std::size_t n = s.size();
  std::size_t i = 0;
  long line = 1;
  while (i < n) {
    const std::size_t first = out.fields.size();
    out.first.push_back(static_cast<uint32_t>(first));
    out.line.push_back(line);
    bool end_of_record = false;
    while (!end_of_record) {
      Span f{static_cast<uint32_t>(i), 0};
      if (i < n && s[i] == '"') {
        const long quote_line = line;
        f.offset = static_cast<uint32_t>(out.side.size());
        ++i;
        for (;;) {
          if (i >= n) {
            const long col = static_cast<long>(out.fields.size() - first + 1);
            throw Error("unterminated quoted field starting on line " + std::to_string(quote_line) +
                            ", column " + std::to_string(col),
                        {}, quote_line, col);
          }
          if (s[i] == '"') {
            if (i + 1 < n && s[i + 1] == '"') {
              out.side += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (s[i] == '\n') ++line;
          out.side += s[i++];
        }
        // Text after a closing quote up to the delimiter is kept, as spreadsheets do.
        while (i < n && s[i] != delim && s[i] != '\n' && s[i] != '\r') out.side += s[i++];
        f.length = static_cast<uint32_t>(out.side.size() - f.offset) | kInSide;
      } else {
        while (i < n && s[i] != delim && s[i] != '\n' && s[i] != '\r') ++i;
        f.length = static_cast<uint32_t>(i - f.offset);
      }
      out.fields.push_back(f);
      if (i >= n) break;
      if (s[i] == delim) {
        ++i;
        continue;
      }
      if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') ++i;
      ++i;
      ++line;
      end_of_record = true;
    }
    // A blank line (nothing but spaces or tabs) is no record.
    if (out.fields.size() - first == 1 && blank(out.text(out.fields.back()))) {
      out.fields.pop_back();
      out.first.pop_back();
      out.line.pop_back();
    }
  }
  return out;
}

bool is_missing_token(std::string_view t) {
  return t.empty() || t == "NA" || t == "N/A" || t == "." || t == "NaN" || t == "null";
}

// [+-] digits [p digits] [e [+-] digits] with p = '.', or ',' too when
// `comma`; returns the decimal point found (0 for none) in `point`.
bool plain_decimal_view(std::string_view s, bool comma, char& point) {
  std::size_t i = 0, n = s.size();
  point = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < n && is_ascii_digit(s[i])) ++i, ++digits;
  if (i < n && (s[i] == '.' || (comma && s[i] == ','))) {
    point = s[i++];
    while (i < n && is_ascii_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < n && is_ascii_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

// fast_float rounds correctly, as glibc's and musl's strtod do, so the
// doubles are the same; it needs no long double (which wasm emulates in
// software: a quarter of the load time) and no NUL-terminated copy.
bool parse_number_view(std::string_view t, bool decimal_comma, double& out) {
  char point = 0;
  if (!plain_decimal_view(t, decimal_comma, point)) return false;
  if (t[0] == '+') t.remove_prefix(1);
  const fast_float::parse_options how(fast_float::chars_format::general, point ? point : '.');
  double v = 0;
  const auto r = fast_float::from_chars_advanced(t.data(), t.data() + t.size(), v, how);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

}  // namespace

bool plain_decimal(const std::string& s) {
  char point = 0;
  return plain_decimal_view(s, false, point);
}

bool parse_csv_number(const std::string& t, bool decimal_comma, double& out) {
  return parse_number_view(t, decimal_comma, out);
}

std::string not_a_number_reason(const std::string& text) {
  const std::string_view t = trim_blanks(text);
  char point = 0;
  if (plain_decimal_view(t, true, point)) {
    double v;
    if (parse_number_view(t, true, v)) return {};
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

  if (bytes.size() > kMaxFileBytes)
    throw Error(
        "the file is larger than 2 GB; split it or keep only the columns the analysis needs");
  const Records records = split_records(bytes, delim);
  if (records.size() == 0) throw Error("the file is empty: it has no header row", {}, 1);

  Table table;
  const long header_line = records.line[0];
  std::set<std::string> seen;
  for (std::size_t c = 0; c < records.count(0); ++c) {
    std::string name(trim_blanks(records.field(0, c)));
    long col = static_cast<long>(c + 1);
    if (name.empty())
      throw Error("column " + std::to_string(col) + " of the header (line " +
                      std::to_string(header_line) + ") has no name",
                  {}, header_line, col);
    if (!seen.insert(name).second)
      throw Error("column name '" + name + "' appears twice in the header (column " +
                      std::to_string(col) + ")",
                  name, header_line, col);
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
  for (std::size_t r = 0; r < nrow; ++r) (*lines)[r] = records.line[r + 1];
  for (std::size_t r = 1; r < records.size(); ++r)
    if (records.count(r) != ncol)
      throw Error("line " + std::to_string(records.line[r]) + " has " +
                      std::to_string(records.count(r)) + " fields but the header has " +
                      std::to_string(ncol),
                  {}, records.line[r]);

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
      const std::string_view t = trim_blanks(records.field(r + 1, c));
      if (is_missing_token(t)) {
        col.missing[r] = 1;
        continue;
      }
      if (std::find(tokens.begin(), tokens.end(), t) != tokens.end()) {
        col.missing[r] = 1;
        col.listed_missing.emplace_back(r, std::string(t));
        continue;
      }
      if (all_numeric && !parse_number_view(t, decimal_comma, numbers[r])) {
        all_numeric = false;
        first_bad = r;
      }
    }
    bool numeric =
        forced != options.column_types.end() ? forced->second == ColumnType::Numeric : all_numeric;
    if (numeric && !all_numeric) {
      const long line = records.line[first_bad + 1];
      const std::string cell(trim_blanks(records.field(first_bad + 1, c)));
      const std::string reason = not_a_number_reason(cell);
      throw Error("column '" + col.name + "' is declared numeric but line " + std::to_string(line) +
                      ", column " + std::to_string(c + 1) + " has '" + cell + "'" +
                      (reason.empty() ? "" : ", " + reason),
                  col.name, line, static_cast<long>(c + 1));
    }
    if (numeric) {
      col.type = ColumnType::Numeric;
      col.numbers = std::move(numbers);
      continue;
    }
    col.type = ColumnType::Categorical;
    col.codes.assign(nrow, -1);
    // Keys view the file or the side buffer, which outlive the map.
    std::unordered_map<std::string_view, int32_t> index;
    for (std::size_t r = 0; r < nrow; ++r) {
      if (col.missing[r]) continue;
      const std::string_view t = trim_blanks(records.field(r + 1, c));
      auto [it, inserted] = index.emplace(t, static_cast<int32_t>(col.levels.size()));
      if (inserted) col.levels.emplace_back(t);
      col.codes[r] = it->second;
    }
  }
  return table;
}

}  // namespace localsurv
