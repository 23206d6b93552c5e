// The typed, columnar data table every analysis reads from. Numeric columns
// hold doubles (NaN where missing); categorical columns hold level codes into
// a level list in order of first appearance (-1 where missing).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace localsurv {

enum class ColumnType { Numeric, Categorical };

struct Column {
  std::string name;
  ColumnType type = ColumnType::Numeric;
  std::vector<double> numbers;      // Numeric only
  std::vector<int32_t> codes;       // Categorical only; -1 = missing
  std::vector<std::string> levels;  // Categorical only, first-appearance order
  std::vector<uint8_t> missing;     // 1 = missing, for every type
  // The file line where each row starts (shared by the table's columns), so
  // errors can point at the right line past blank lines and quoted newlines.
  std::shared_ptr<const std::vector<long>> row_lines;
  long file_column = 0;  // 1-based column in the file; 0 for derived columns
  // Rows read as missing because the options' missing_values list their
  // text (CsvOptions::missing_values), with that text: the page says which.
  std::vector<std::pair<std::size_t, std::string>> listed_missing;

  std::size_t size() const { return missing.size(); }
  bool is_missing(std::size_t row) const { return missing[row] != 0; }
  std::size_t missing_count() const;
  // 1-based line of `row` in the file (row + 2 when lines were not recorded).
  long line(std::size_t row) const {
    return row_lines ? (*row_lines)[row] : static_cast<long>(row) + 2;
  }
  // The cell as text: the level for categoricals, the shortest round-trip
  // decimal for numerics, "" when missing.
  std::string text(std::size_t row) const;
};

struct Table {
  std::vector<Column> columns;
  std::size_t n_rows = 0;
  char delimiter = ',';        // as read (given or sniffed)
  bool decimal_comma = false;  // as read

  // Throws Error naming the column (and listing the available ones) if absent.
  const Column& column(const std::string& name) const;
  const Column* find(const std::string& name) const;
};

// Shortest decimal text that reads back as the same double (15, 16 or 17
// significant digits), as the reference goldens and our JSON output use.
std::string format_double(double x);

}  // namespace localsurv
