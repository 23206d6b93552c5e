// Helpers for R-parity tests: load a reference dataset through core's own CSV
// reader, load R's results (tests/reference/goldens/*.json), and compare with
// the project's tolerances (1e-6 relative, p-values 1e-9 absolute).
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/table.h"
#include "stats/flag.h"
#include "study/model_frame.h"

namespace testsupport {

using nlohmann::json;

std::string test_data_path(const std::string& relative);
std::string read_file(const std::string& path);
// tests/reference/datasets/<name>.csv read by localsurv::read_csv.
localsurv::Table dataset(const std::string& name);
// tests/reference/goldens/<name>.json (cached).
const json& golden(const std::string& name);

// Golden number: null (R's NA/NaN/Inf) becomes NaN.
double num(const json& j);

// A golden's dataset as its `dataset` block defines the treatment: the table
// (with the derived 0/1 columns npc_synth_1 declares, e.g. age45) and the
// column and value its treat expression names (lung: sex == 2). REQUIREs the
// expressions to be the known ones, so a changed golden is noticed.
struct GoldenTreatment {
  localsurv::Table table;
  std::string column, value;
};
GoldenTreatment golden_treatment(const std::string& name);

// A golden's cohort as its `dataset` block defines it, for fitting models by
// hand: the table with columns ".time", ".event" and "treat" (1/0; not for
// colon, whose group is the three-level rx) and npc_synth_1's derived 0/1
// columns added, the population's rows (pbc: !is.na(trt)), the group term
// (treat, or colon's rx factor) and the covariate terms.
struct GoldenCohort {
  std::string name;
  localsurv::Table table;
  std::vector<std::size_t> rows;
  std::vector<localsurv::TermSpec> group;
  std::vector<localsurv::TermSpec> covariates;
};
GoldenCohort golden_cohort(const std::string& name);

// A numeric column from values (missing where NaN).
localsurv::Column make_numeric_column(const std::string& name, const std::vector<double>& values);
// 1/0 where `column` equals `value` (numerically or as text), NaN where missing.
std::vector<double> indicator(const localsurv::Column& column, const std::string& value);

// tests/reference/extra/<name>.json (cached), and the element of its "cases"
// array whose "name" is `name` (throws naming the file if there is none).
const json& extra(const std::string& file);
const json& extra_case(const std::string& file, const std::string& name);

// The kernel's own wording of each flag.
std::vector<std::string> texts(const std::vector<localsurv::Flag>& flags);
// Whether any of `warnings` contains `part` in its text or R's wording.
bool has_warning(const std::vector<std::string>& warnings, const std::string& part);
bool has_warning(const std::vector<localsurv::Flag>& warnings, const std::string& part);

// One CHECK per column: fails naming the first row that differs from R
// (testsupport::close with `rel`; ints compare exactly).
void check_column(const std::string& what, const std::vector<double>& got,
                  const std::vector<double>& expected, double rel = 1e-6);
void check_column(const std::string& what, const std::vector<int>& got,
                  const std::vector<double>& expected);

// The spec run through the page's path (Session: CSV -> spec -> result JSON)
// on tests/reference/datasets/<dataset>.csv; REQUIREs {"ok": true} and
// returns the result.
json run_spec(const std::string& dataset, const std::string& spec);
std::vector<double> nums(const json& j);
// An array of numbers, or one number (jsonlite unboxes length-1 vectors).
std::vector<double> vec(const json& j);

// Numeric column as doubles (NaN where missing); categorical columns throw.
std::vector<double> numeric_column(const localsurv::Table& t, const std::string& name);

// |a - b| <= rel * max(|b|, floor): relative with an absolute floor for
// values at or near zero. NaN == NaN counts as equal (both NA).
bool close(double a, double b, double rel = 1e-6, double floor = 1e-9);

}  // namespace testsupport

// Compare one value; on failure the message names what was compared.
#define CHECK_CLOSE(what, actual, expected, rel)        \
  do {                                                  \
    double a_ = (actual), e_ = (expected);              \
    INFO(what << ": got " << a_ << ", R gives " << e_); \
    CHECK(testsupport::close(a_, e_, (rel)));           \
  } while (0)
#define CHECK_P(what, actual, expected)                                        \
  do {                                                                         \
    double a_ = (actual), e_ = (expected);                                     \
    INFO(what << ": p = " << a_ << ", R gives " << e_);                        \
    CHECK(((std::isnan(a_) && std::isnan(e_)) || std::fabs(a_ - e_) <= 1e-9)); \
  } while (0)
