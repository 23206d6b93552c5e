#include "io/describe.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "io/csv.h"
#include "io/result_json.h"

namespace localsurv {

using json = nlohmann::ordered_json;

json describe_table(const Table& table, std::size_t preview_rows) {
  json cols = json::array();
  for (const auto& c : table.columns) {
    json d = {{"name", c.name},
              {"type", c.type == ColumnType::Numeric ? "numeric" : "categorical"},
              {"missing", c.missing_count()}};
    if (c.type == ColumnType::Categorical) {
      json lv = json::array();
      for (std::size_t i = 0; i < c.levels.size() && i < 100; ++i) lv.push_back(c.levels[i]);
      d["levels"] = lv;
      d["n_levels"] = c.levels.size();
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
