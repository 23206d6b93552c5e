// Runs an AnalysisSpec on a Table and returns the result document: every
// number, the options actually used, the conventions in words, rows used and
// dropped per analysis, and warnings. Orchestration only: the cohort
// (study/cohort.h), each analysis's section (study/sections.h), the
// subcohorts and progress; the statistics live in core/stats/ and their JSON
// in io/result_json.h.
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

}  // namespace localsurv
