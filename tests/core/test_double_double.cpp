// Double-double sums (core/stats/double_double.h): exact where a double sum loses
// the answer, so R's long-double mean() and var() round to the same double on
// every platform.
#include <cmath>
#include <vector>

#include "golden.h"
#include "stats/double_double.h"

using localsurv::DoubleDouble;
using localsurv::r_mean;

TEST_CASE("sums keep what a double sum drops") {
  // In doubles 1e16 + 1 == 1e16, so a plain sum of these is 0.
  DoubleDouble s;
  for (double x : {1e16, 1.0, -1e16, 1.0}) s += x;
  CHECK(s.value() == 2.0);
  double plain = 0;
  for (double x : {1e16, 1.0, -1e16, 1.0}) plain += x;
  CHECK(plain != 2.0);
  // Products and differences are exact: 0.1 * 3 - 0.3 is the rounding error of the product.
  const DoubleDouble p = DoubleDouble::product(0.1, 3.0);
  CHECK(p.hi == 0.1 * 3.0);
  CHECK(p.lo == std::fma(0.1, 3.0, -(0.1 * 3.0)));
  const DoubleDouble d = DoubleDouble::difference(1e16, 1.0);  // 1e16 - 1 rounds to 1e16
  CHECK(d.hi == 1e16);
  CHECK(d.lo == -1.0);
}

TEST_CASE("mean as R's mean(), division to double-double precision") {
  // mean(c(1, 2, 4)) == 7/3 rounded once.
  CHECK(r_mean({1, 2, 4}).value() == 7.0 / 3.0);
  const DoubleDouble third = DoubleDouble{1, 0} / 3.0;
  CHECK(third.hi == 1.0 / 3.0);
  CHECK(third.lo != 0);
  CHECK(std::fabs(third.lo - std::fma(-3.0, third.hi, 1.0) / 3.0) <= 1e-33);
  // A large offset: mean(1e9 + c(0.1, 0.2, 0.3)) == 1e9 + 0.2 to the last bit.
  CHECK(r_mean({1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3}).value() == 1000000000.2);
  // Beyond the double range: infinite (R's 80-bit sum would hold 2e308), never NaN.
  CHECK(std::isinf(r_mean({1e308, 1e308}).value()));
  CHECK(std::isinf(r_mean({1e308, 1e308, -1e308}).value()));
  CHECK(std::isnan(r_mean({}).value()));
}
