// The text-in, text-out surface shared by the CLI and the wasm boundary, so
// both produce byte-identical JSON. Every call returns an envelope:
//   {"ok":true,"result":{...}}  or
//   {"ok":false,"error":{"message","field","line","column"}}
// Nothing escapes as an exception.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "io/csv.h"
#include "io/table.h"
#include "study/analysis.h"

namespace localsurv {

class Session {
 public:
  // Keeps the file's bytes; tables are parsed on demand and cached per CSV
  // options, since a spec may override column types.
  void set_data(std::string data);
  // options_json: the spec's "data" object (or "{}").
  std::string describe(std::string_view options_json);
  std::string run(std::string_view spec_json, const Progress& progress = {});
  // The spec as the engine reads it, without data: {"spec": as the result's
  // "spec" echoes it (every default written out), "filters": each filter's
  // tree (filters_to_json, core/spec.h)}; or the error a run would give for
  // the spec. For the R script (web/rscript.js).
  std::string read_spec(std::string_view spec_json);

 private:
  const Table& table_for(const CsvOptions& options);
  std::string data_;
  bool has_data_ = false;
  std::optional<Table> table_;
  std::string table_key_;
};

}  // namespace localsurv
