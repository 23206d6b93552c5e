// Messages a clinician can act on. The statistics kernels flag problems as
// data (stats/flag.h: a code, the coefficient names and group codes it is
// about, R's wording such as "X matrix deemed to be singular"); the analysis
// runner passes each flag through here, with the vocabulary of the analysis,
// to get a headline that names the user's columns and levels and says what
// to do. R's (or the kernel's) own wording is kept as a detail for R users.
#pragma once
#include <string>
#include <vector>

#include "stats/flag.h"

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
  std::string variable;            // the column a kernel calls x (cutpoint)
};

// A kernel's flag (stats/flag.h) in the user's words: one wording per
// code, from the flag's fields; the kernel's (or R's) own wording, where the
// reader's differs, as the detail. A flag without a code of its own says its
// text, after its scope ("interaction (main-effects model): ...").
Said plain_warning(const Flag& flag, const Vocabulary& vocabulary);

// A kernel error that no caller translated: the "function: " prefix of the
// check helpers dropped and the whole text kept as the detail.
Said plain_error(const std::string& what, const std::string& kernel_message);

}  // namespace localsurv
