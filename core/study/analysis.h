// Runs an AnalysisSpec on a Table and returns the result document: every
// number, the options actually used, the conventions in words, rows used and
// dropped per analysis, and warnings. Orchestration only: the statistics live
// in their own files; this turns their Result structs into JSON.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "io/spec.h"
#include "io/table.h"

namespace localsurv {

inline constexpr const char* kVersion = "0.1.0";

// Called before each analysis (stage names it, e.g. "Cox models" or
// "Bone-only metastasis: matching"), with how many of `total` are done, and
// once more at the end with done == total; for a page's progress bar.
using Progress = std::function<void(const std::string& stage, int done, int total)>;

nlohmann::ordered_json run_analysis(const Table& table, const AnalysisSpec& spec,
                                    const Progress& progress = {});

// Column summary for choosing columns in the page: name, type, missing,
// levels (categoricals, first 100), min/max (numerics), first rows preview.
nlohmann::ordered_json describe_table(const Table& table, std::size_t preview_rows = 20);

}  // namespace localsurv
