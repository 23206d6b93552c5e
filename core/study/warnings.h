// Warnings of the result document: a kernel's flag, said in the user's
// words by study/plain_words.h (their column, level and coefficient names),
// as {analysis, ..., message, detail}.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "study/cohort.h"
#include "study/model_frame.h"
#include "study/plain_words.h"

namespace localsurv {

// A warning object: the analysis it belongs to (and other `tags`), the
// headline in the user's words and, when there is one, R's own wording as
// the detail.
nlohmann::ordered_json warning_json(nlohmann::ordered_json tags, const Said& said);

void add_warnings(std::vector<nlohmann::ordered_json>& warnings, const std::string& analysis,
                  const std::vector<Flag>& flags, const Vocabulary& words = {});
// ... with group codes named by `levels`.
void add_warnings(std::vector<nlohmann::ordered_json>& warnings, const std::string& analysis,
                  const std::vector<Flag>& flags, const std::vector<std::string>& levels);
// Warnings about one variable of an analysis (Table 1, subgroups).
void add_variable_warnings(std::vector<nlohmann::ordered_json>& warnings,
                           const std::string& analysis, const std::string& variable,
                           const std::vector<Flag>& flags, const Vocabulary& words);

// Kernel flags in the user's words, appended to `said`.
void append_plain(std::vector<Said>& said, const std::vector<Flag>& flags, const Vocabulary& words);
// Warnings already in the user's words, as warnings of `analysis`.
void add_said(std::vector<nlohmann::ordered_json>& warnings, const std::string& analysis,
              const std::vector<Said>& said);

Vocabulary group_words(const std::vector<std::string>& levels, const std::string& column = {});
// The treatment column of a propensity model, in words for its messages.
Vocabulary treatment_words(const Cohort& c, const AnalysisSpec& spec);
// Coefficient names of a design as the reader knows them ("ph.ecog = 3").
void add_coefficients(Vocabulary& v, const Design& d);

}  // namespace localsurv
