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

// The spec run through the page's path (Session: CSV -> spec -> result JSON)
// on tests/reference/datasets/<dataset>.csv; REQUIREs {"ok": true} and
// returns the result.
json run_spec(const std::string& dataset, const std::string& spec);
std::vector<double> nums(const json& j);

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
