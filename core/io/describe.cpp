#include "io/describe.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "io/csv.h"
#include "io/result_json.h"

namespace localsurv {

using json = nlohmann::ordered_json;

namespace {

constexpr std::size_t kDescribeCells = 10;  // cells listed by line

using DescribedCell = std::pair<std::size_t, std::string>;  // row, text as in the file

// {count, values: distinct texts, cells: [{line, value}] of the first 10}.
json describe_cells(const Column& c, const std::vector<DescribedCell>& cells, std::size_t count,
                    json values) {
  json listed = json::array();
  for (std::size_t i = 0; i < cells.size() && i < kDescribeCells; ++i)
    listed.push_back({{"line", c.line(cells[i].first)}, {"value", cells[i].second}});
  return {{"count", count}, {"values", std::move(values)}, {"cells", std::move(listed)}};
}

// A categorical column read as text because of a few cells that are not
// numbers ("unknown" among survival times): at least one cell is a number,
// and the others are at most a fifth of the known cells, with at most 10
// distinct texts. Then their count, texts and first cells; else null. The
// page keeps such a column among the numeric ones and offers to read those
// texts as missing (data.missing_values).
json describe_non_numeric(const Column& c, bool decimal_comma) {
  std::vector<uint8_t> is_number(c.levels.size());
  json values = json::array();
  for (std::size_t l = 0; l < c.levels.size(); ++l) {
    double v;
    is_number[l] = parse_csv_number(c.levels[l], decimal_comma, v);
    if (!is_number[l]) {
      if (values.size() == 10) return json();
      values.push_back(c.levels[l]);
    }
  }
  std::vector<DescribedCell> cells;
  std::size_t known = 0, count = 0;
  for (std::size_t r = 0; r < c.size(); ++r) {
    if (c.is_missing(r)) continue;
    ++known;
    if (is_number[static_cast<std::size_t>(c.codes[r])]) continue;
    if (++count <= kDescribeCells) cells.emplace_back(r, c.text(r));
  }
  if (count == 0 || count == known || count * 5 > known) return json();
  return describe_cells(c, cells, count, std::move(values));
}

}  // namespace

json describe_table(const Table& table, std::size_t preview_rows) {
  json cols = json::array();
  for (const auto& c : table.columns) {
    json d = {{"name", c.name},
              {"type", c.type == ColumnType::Numeric ? "numeric" : "categorical"},
              {"missing", c.missing_count()}};
    if (!c.listed_missing.empty()) {
      // Cells data.missing_values made missing: the page says how many.
      json values = json::array();
      for (const auto& cell : c.listed_missing)
        if (std::find(values.begin(), values.end(), cell.second) == values.end())
          values.push_back(cell.second);
      d["listed_missing"] =
          describe_cells(c, c.listed_missing, c.listed_missing.size(), std::move(values));
    }
    if (c.type == ColumnType::Categorical) {
      json lv = json::array();
      for (std::size_t i = 0; i < c.levels.size() && i < 100; ++i) lv.push_back(c.levels[i]);
      d["levels"] = lv;
      d["n_levels"] = c.levels.size();
      json non_numeric = describe_non_numeric(c, table.decimal_comma);
      if (!non_numeric.is_null()) d["non_numeric"] = non_numeric;
    } else {
      double lo = INFINITY, hi = -INFINITY;
      std::vector<double> distinct;
      for (std::size_t r = 0; r < c.size(); ++r)
        if (!c.is_missing(r)) {
          lo = std::min(lo, c.numbers[r]);
          hi = std::max(hi, c.numbers[r]);
          if (distinct.size() <= 20 &&
              std::find(distinct.begin(), distinct.end(), c.numbers[r]) == distinct.end())
            distinct.push_back(c.numbers[r]);
        }
      d["min"] = number(lo);
      d["max"] = number(hi);
      // median(x, na.rm = TRUE): the page offers "cut at the median".
      std::vector<double> v;
      for (std::size_t r = 0; r < c.size(); ++r)
        if (!c.is_missing(r)) v.push_back(c.numbers[r]);
      std::sort(v.begin(), v.end());
      const std::size_t n = v.size();
      d["median"] = n == 0 ? json() : n % 2 ? json(v[n / 2]) : json((v[n / 2 - 1] + v[n / 2]) / 2);
      // Few distinct values (0/1, 1/2, stage 1-4): the page offers them as event/group values.
      if (distinct.size() <= 20) {
        std::sort(distinct.begin(), distinct.end());
        json lv = json::array();
        for (double x : distinct) lv.push_back(format_double(x));
        d["levels"] = lv;
      }
    }
    cols.push_back(d);
  }
  json preview = json::array();
  for (std::size_t r = 0; r < table.n_rows && r < preview_rows; ++r) {
    json row = json::array();
    for (const auto& c : table.columns) row.push_back(c.is_missing(r) ? json() : json(c.text(r)));
    preview.push_back(row);
  }
  return {{"rows", table.n_rows}, {"columns", cols}, {"preview", preview}};
}

}  // namespace localsurv
