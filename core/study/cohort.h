// The cohort of a spec and the frames of its analyses: the rows its filters
// keep that are complete on time, event (and group), with the outcome
// vectors resolved once; each analysis then cuts it down to the rows also
// complete on its own columns (a Frame). Also the checks every analysis
// makes on them, said in the user's words.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/spec.h"
#include "io/table.h"
#include "study/model_frame.h"

namespace localsurv {

// Everything an analysis of the spec's outcome needs, resolved once.
struct Cohort {
  std::vector<std::size_t> rows;  // complete on time, event (and group)
  std::vector<double> time;
  std::vector<int> event;
  std::vector<int> group;  // codes into group_levels; empty if no group
  std::vector<std::string> group_levels;
  nlohmann::ordered_json report;
};

// One filter of a cohort, with the spec field it comes from ("filter",
// "subcohorts[0].filter") and what to call it in a message.
struct CohortFilter {
  std::string text, field, name;
};

// Rows of the cohort also complete on `extra` columns, with the outcome
// vectors cut down to them.
struct Frame {
  std::vector<std::size_t> rows;
  std::vector<double> time;
  std::vector<int> event;
  std::vector<int> group;
  nlohmann::ordered_json report;
};

// The rows an analysis uses and why the others were left out.
nlohmann::ordered_json rows_report(std::size_t candidates, const RowSelection& sel);

// The rows every filter keeps that have time, event (and group); warnings
// about the event coding go to `warnings`.
Cohort make_cohort(const Table& table, const AnalysisSpec& spec,
                   const std::vector<CohortFilter>& filters,
                   std::vector<nlohmann::ordered_json>& warnings);

Frame make_frame(const Table& table, const Cohort& c, const std::vector<std::string>& extra);

// The first of `needed` with no value in the cohort ("" if none), to fit the remedy to it.
std::string first_empty(const Table& table, const Cohort& c,
                        const std::vector<std::string>& needed);

// A frame with no patient cannot be analysed: a Failure saying which of the
// columns it needs has no value in the cohort, and what to do (`remedy`,
// e.g. "leave it out of the covariates").
void require_rows(const Table& table, const Cohort& c, const Frame& f,
                  const std::vector<std::string>& needed, const std::string& what,
                  const std::string& remedy);

// A factor term needs two levels (among `rows` when given), as R's
// contrasts do.
void require_levels(const Table& table, const std::vector<TermSpec>& terms,
                    const std::string& group_column, const std::string& what,
                    const std::vector<std::size_t>* rows = nullptr);

// Codes of any column read as a factor (sorted levels), for strata,
// clusters and k-group comparisons.
std::vector<int> codes_for(const Table& table, const std::string& column,
                           const std::vector<std::size_t>& rows,
                           std::vector<std::string>* levels_out = nullptr);

}  // namespace localsurv
