// The spec's per-column options (a covariate term, a derived column): plain
// structs that core/io/spec.cpp fills from JSON and the study steps
// (core/study/model_frame.h, core/study/derive.h) read, so those steps need
// no JSON and the spec needs no study step.
#pragma once
#include <string>
#include <vector>

#include "io/dates.h"

namespace localsurv {

enum class TermKind { Auto, Numeric, Factor };

struct TermSpec {
  std::string column;
  TermKind kind = TermKind::Auto;   // Auto: numeric column -> numeric, else factor
  std::vector<std::string> levels;  // factor level order; empty = sorted distinct values
  std::string reference;            // empty = first level
};

// A derived column (core/study/derive.h says what each kind computes).
struct DeriveSpec {
  enum class Kind { Cut, Bed, Eqd2, Flag, DateDiff } kind = Kind::Cut;
  std::string name;                 // the new column; must not exist yet
  std::string column;               // cut: the numeric column; flag: any column
  std::vector<std::string> values;  // flag
  std::vector<double> breaks;
  std::vector<std::string> labels;  // breaks.size() + 1 labels
  bool right = false;
  std::string dose;       // bed / eqd2: total dose column (Gy)
  std::string fractions;  // bed / eqd2: number of fractions column
  double alpha_beta = 10;
  std::string start;               // date_diff: the start date column (e.g. diagnosis)
  std::string end;                 // date_diff: the end date column (last follow-up or death)
  TimeUnit unit = TimeUnit::Days;  // date_diff
  DateFormat date_format = DateFormat::Auto;  // date_diff: both columns
};

}  // namespace localsurv
