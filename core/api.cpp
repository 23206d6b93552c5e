#include "api.h"

#include <nlohmann/json.hpp>

#include "error.h"
#include "io/describe.h"
#include "io/spec.h"
#include "study/analysis.h"
#include "study/derive.h"

namespace localsurv {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

std::string error_envelope(const std::string& message, const std::string& field = {},
                           long line = -1, long column = -1) {
  ojson e;
  e["message"] = message;
  e["field"] = field.empty() ? ojson() : ojson(field);
  e["line"] = line < 0 ? ojson() : ojson(line);
  e["column"] = column < 0 ? ojson() : ojson(column);
  ojson out;
  out["ok"] = false;
  out["error"] = e;
  return out.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

template <class F>
std::string guarded(F&& body) {
  try {
    ojson out;
    out["ok"] = true;
    out["result"] = body();
    // Invalid UTF-8 can only come from the data; replace it rather than throw.
    return out.dump(-1, ' ', false, ojson::error_handler_t::replace);
  } catch (const Error& e) {
    return error_envelope(e.what(), e.field, e.line, e.column);
  } catch (const std::bad_alloc&) {
    return error_envelope("out of memory: the file is too large for this browser tab");
  } catch (const std::exception& e) {
    return error_envelope(std::string("internal error: ") + e.what() +
                          " (please report this with the spec that caused it)");
  }
}

std::string options_key(const CsvOptions& o) {
  std::string key = std::string(1, o.delimiter) + std::to_string(o.decimal_comma);
  // Names and tokens are any text ("a#n|b" too): each goes in with its
  // length, so no two option sets give the same key.
  auto add = [&key](const std::string& text) { key += std::to_string(text.size()) + ":" + text; };
  for (const auto& [name, type] : o.column_types) {
    add(name);
    key += type == ColumnType::Numeric ? "n" : "c";
  }
  key += "|missing";
  for (const auto& [name, tokens] : o.missing_values) {
    add(name);
    key += std::to_string(tokens.size()) + "#";
    for (const auto& t : tokens) add(t);
  }
  return key;
}

}  // namespace

void Session::set_data(std::string data) {
  data_ = std::move(data);
  has_data_ = true;
  table_.reset();
}

const Table& Session::table_for(const CsvOptions& options) {
  if (!has_data_) throw Error("no data file has been loaded");
  std::string key = options_key(options);
  if (!table_ || key != table_key_) {
    table_.reset();
    table_ = read_csv(data_, options);
    table_key_ = key;
  }
  return *table_;
}

std::string Session::describe(std::string_view options_json) {
  return guarded([&] { return describe_table(table_for(parse_csv_options(options_json))); });
}

std::string Session::run(std::string_view spec_json, const Progress& progress) {
  return guarded([&] {
    AnalysisSpec spec = parse_spec(spec_json);
    const Table& table = table_for(spec.csv);
    // Describing such a file works (the page shows its columns); running has
    // nothing to work on.
    if (table.n_rows == 0)
      throw Error("the file has a header row but no data rows: there is nothing to analyse");
    if (spec.derive.empty()) return run_analysis(table, spec, progress);
    // Derived columns go on a copy: the cached table stays as the file is.
    Table derived = table;
    derive_columns(derived, spec.derive);
    return run_analysis(derived, spec, progress);
  });
}

std::string Session::read_spec(std::string_view spec_json) {
  return guarded([&] {
    AnalysisSpec spec = parse_spec(spec_json);
    ojson out;
    out["spec"] = spec_to_json(spec);
    out["filters"] = filters_to_json(spec);
    return out;
  });
}

}  // namespace localsurv
