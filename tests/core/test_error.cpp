// The check helpers of core/error.h: every kernel's input errors are worded
// by them, so their wording is tested once here ("function: argument of row
// i is <value>; <rule>").
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <cmath>
#include <string>
#include <vector>

#include "error.h"

using localsurv::Error;

namespace {

template <class F>
Error error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no Error thrown");
  return Error("");
}

}  // namespace

TEST_CASE("value_text: numbers as %g writes them, NaN and infinities in words") {
  CHECK(localsurv::value_text(0.0) == "0");
  CHECK(localsurv::value_text(-1.5) == "-1.5");
  CHECK(localsurv::value_text(1e9) == "1e+09");
  CHECK(localsurv::value_text(1.0 / 3) == "0.333333");
  CHECK(localsurv::value_text(NAN) == "missing (NaN)");
  CHECK(localsurv::value_text(INFINITY) == "infinite");
  CHECK(localsurv::value_text(-INFINITY) == "minus infinite");
  CHECK(localsurv::value_text(2) == "2");
  CHECK(localsurv::value_text(-7L) == "-7");
}

TEST_CASE("check_each names the first refused row (from 1), its value and the rule") {
  const std::vector<double> v = {1, 2, -3, -4};
  const auto positive = [](double x) { return x > 0; };
  const Error e =
      error_of([&] { localsurv::check_each("fit", "weights", v, positive, "use > 0"); });
  CHECK(std::string(e.what()) == "fit: weights of row 3 is -3; use > 0");
  CHECK(e.field == "weights");
  CHECK_NOTHROW(localsurv::check_each("fit", "weights", std::vector<double>{}, positive, "x"));
  CHECK_NOTHROW(localsurv::check_each("fit", "weights", std::vector<double>{1, 2}, positive, "x"));
}

TEST_CASE("check_indicator accepts 0 and 1 only") {
  CHECK_NOTHROW(localsurv::check_indicator("km", "status", std::vector<int>{0, 1, 1, 0}, "0/1"));
  CHECK_THROWS_WITH_AS(
      localsurv::check_indicator("km", "status", std::vector<int>{0, 1, 2}, "code events as 1"),
      "km: status of row 3 is 2; code events as 1", Error);
  CHECK_THROWS_WITH_AS(localsurv::check_indicator("km", "status", std::vector<int>{-1}, "0/1"),
                       "km: status of row 1 is -1; 0/1", Error);
}

TEST_CASE("check_count and check_same_size say both counts and their units") {
  CHECK_NOTHROW(localsurv::check_count("cox", "x", 3, "rows", "time", 3, "entries"));
  CHECK_THROWS_WITH_AS(localsurv::check_count("cox", "x", 3, "rows", "time", 4, "entries"),
                       "cox: x has 3 rows but time has 4 entries", Error);
  CHECK_THROWS_WITH_AS(localsurv::check_same_size("km", "time", std::vector<double>{1, 2}, "status",
                                                  std::vector<int>{1}),
                       "km: time has 2 elements but status has 1", Error);
}

TEST_CASE("check_finite_cells names the column by name, or by number without names") {
  Eigen::MatrixXd x(2, 2);
  x << 1, 2, 3, NAN;
  const std::vector<std::string> names = {"age", "ecog"};
  const Error e =
      error_of([&] { localsurv::check_finite_cells("glm", "covariate", x, names, "drop it"); });
  CHECK(std::string(e.what()) ==
        "glm: covariate 'ecog' is missing or not finite in row 2; drop it");
  CHECK(e.field == "ecog");
  CHECK_THROWS_WITH_AS(
      localsurv::check_finite_cells("glm", "column", x, std::vector<std::string>{}, "drop it"),
      "glm: column 2 is missing or not finite in row 2; drop it", Error);
  x(1, 1) = 4;
  CHECK_NOTHROW(localsurv::check_finite_cells("glm", "covariate", x, names, "drop it"));
}
