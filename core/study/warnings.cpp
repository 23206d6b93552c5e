#include "study/warnings.h"

#include "study/section.h"

namespace localsurv {

using json = nlohmann::ordered_json;

// A warning object: the analysis it belongs to, the headline in the user's
// words and, when there is one, R's own wording as the detail.
json warning_json(json tags, const Said& said) {
  tags["message"] = said.message;
  if (!said.detail.empty()) tags["detail"] = said.detail;
  return tags;
}

void add_warnings(std::vector<json>& warnings, const std::string& analysis,
                  const std::vector<Flag>& flags, const Vocabulary& words) {
  for (const auto& f : flags)
    warnings.push_back(warning_json({{"analysis", analysis}}, plain_warning(f, words)));
}

void append_plain(std::vector<Said>& said, const std::vector<Flag>& flags,
                  const Vocabulary& words) {
  for (const auto& f : flags) said.push_back(plain_warning(f, words));
}

void add_said(std::vector<json>& warnings, const std::string& analysis,
              const std::vector<Said>& said) {
  for (const auto& s : said) warnings.push_back(warning_json({{"analysis", analysis}}, s));
}

Vocabulary group_words(const std::vector<std::string>& levels, const std::string& column) {
  Vocabulary v;
  v.group_levels = levels;
  v.group_column = column;
  return v;
}

void add_warnings(std::vector<json>& warnings, const std::string& analysis,
                  const std::vector<Flag>& flags, const std::vector<std::string>& levels) {
  add_warnings(warnings, analysis, flags, group_words(levels));
}

// Coefficient names of a design as the reader knows them ("ph.ecog = 3");
// every term but the group is a covariate one may leave out.
void add_coefficients(Vocabulary& v, const Design& d) {
  for (std::size_t j = 0; j < d.names.size(); ++j)
    v.coefficients.push_back({d.names[j],
                              d.levels[j].empty() ? d.terms[j] : d.terms[j] + " = " + d.levels[j],
                              d.terms[j], d.terms[j] != v.group_column});
}

// The treatment column of a propensity model, in words for its messages.
Vocabulary treatment_words(const Cohort& c, const AnalysisSpec& spec) {
  Vocabulary v = group_words(c.group_levels, spec.group.column);
  v.treatment = "treatment (" + spec.group.column + ")";
  return v;
}

// Warnings about one variable of an analysis (Table 1, subgroups).
void add_variable_warnings(std::vector<json>& warnings, const std::string& analysis,
                           const std::string& variable, const std::vector<Flag>& flags,
                           const Vocabulary& words) {
  for (const auto& f : flags)
    warnings.push_back(
        warning_json({{"analysis", analysis}, {"variable", variable}}, plain_warning(f, words)));
}

}  // namespace localsurv
