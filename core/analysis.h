// Runs an AnalysisSpec on a Table and returns the result document: every
// number, the options actually used, the conventions in words, rows used and
// dropped per analysis, and warnings. Orchestration only: the statistics live
// in their own files; this turns their Result structs into JSON.
#pragma once
#include <nlohmann/json.hpp>

#include "spec.h"
#include "table.h"

namespace localsurv {

inline constexpr const char* kVersion = "0.1.0";

nlohmann::ordered_json run_analysis(const Table& table, const AnalysisSpec& spec);

// Column summary for choosing columns in the page: name, type, missing,
// levels (categoricals, first 100), min/max (numerics), first rows preview.
nlohmann::ordered_json describe_table(const Table& table, std::size_t preview_rows = 20);

}  // namespace localsurv
