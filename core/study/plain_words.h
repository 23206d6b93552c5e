// Messages a clinician can act on. The statistics kernels flag problems in
// their own terms (coefficient names such as "rt_primary1", group codes, R's
// wording such as "X matrix deemed to be singular"); the analysis runner
// passes each flag through here, with the vocabulary of the analysis, to get
// a headline that names the user's columns and levels and says what to do.
// R's (or the kernel's) own wording is kept as a detail for R users.
#pragma once
#include <string>
#include <vector>

namespace localsurv {

struct Said {
  std::string message;  // the headline, in the data's words
  std::string detail;   // R's or the kernel's own wording; empty if the message is all there is
};

// How the kernels' names map to the user's, for one analysis.
struct Vocabulary {
  std::vector<std::string> group_levels;  // group code -> level (codes from 0)
  std::string group_column;               // the treatment / group column
  // Coefficient name -> what the reader calls it ("ph.ecog = 3", "age"), the
  // column it comes from, and whether leaving it out of the covariates is a
  // remedy.
  struct Coefficient {
    std::string name, label, term;
    bool covariate = false;
  };
  std::vector<Coefficient> coefficients;
  std::string treatment;           // the propensity model's outcome, e.g. "treatment (lt)"
  std::vector<std::string> exact;  // exact-matching columns
};

// A kernel warning in the user's words. Unknown messages pass through, with
// group codes replaced by their levels and a trailing "(R: ...)" moved to
// the detail.
Said plain_warning(const std::string& kernel_message, const Vocabulary& vocabulary);

// A kernel error that no caller translated: the "function: " prefix of the
// check helpers dropped and the whole text kept as the detail.
Said plain_error(const std::string& what, const std::string& kernel_message);

// Kernels name groups by their code ("group 1: ...", "group code 1",
// "Group 2" counting from 1, "the first group (code 0)"); the reader knows
// them by their level.
std::string name_groups(const std::string& message, const std::vector<std::string>& levels);

}  // namespace localsurv
