// Sums and means in double-double arithmetic (a value is hi + lo, about 106
// bits), for the few places where R accumulates in its C `long double`.
// That type is 80-bit on x86, 128-bit in wasm and 64-bit on ARM, so using it
// here would give different last bits on each platform; double-double gives
// the same bits everywhere (plain IEEE double operations, fma is exact by
// definition) and is at least as accurate as R's 80-bit sums, so the rounded
// results equal R's. Error-free transformations after Knuth (two_sum) and
// Dekker (two_prod; here with fma), division as in Bailey's QD library.
#pragma once
#include <cmath>
#include <vector>

namespace localsurv {

struct DoubleDouble {
  double hi = 0, lo = 0;

  // The nearest double.
  double value() const { return hi + lo; }

  DoubleDouble& operator+=(double x) {
    double s = hi + x;
    // Beyond the double range the sum is infinite (not NaN from inf - inf
    // below); R's 80-bit long double would still hold it, but such sums
    // come from no time or score.
    if (!std::isfinite(s)) {
      hi = s;
      lo = 0;
      return *this;
    }
    double b = s - hi;
    double e = (hi - (s - b)) + (x - b) + lo;
    hi = s + e;
    lo = e - (hi - s);
    return *this;
  }
  DoubleDouble& operator+=(const DoubleDouble& x) {
    *this += x.hi;
    *this += x.lo;
    return *this;
  }
  // The exact product of two doubles.
  static DoubleDouble product(double a, double b) {
    double p = a * b;
    return {p, std::fma(a, b, -p)};
  }
  // The exact difference of two doubles.
  static DoubleDouble difference(double a, double b) {
    DoubleDouble d{a, 0};
    d += -b;
    return d;
  }
  DoubleDouble operator/(double d) const {
    double q1 = hi / d;
    if (!std::isfinite(q1)) return {q1, 0};
    DoubleDouble r{hi, 0};  // the remainder hi + lo - q1 d
    r += -product(q1, d).hi;
    r += -product(q1, d).lo;
    r += lo;
    double q2 = r.hi / d;
    DoubleDouble q{q1, 0};
    q += q2;
    return q;
  }
};

// R's mean() of `v` (sum, divide, then add the mean residual), as a
// double-double before R's final rounding.
inline DoubleDouble r_mean(const std::vector<double>& v) {
  DoubleDouble s;
  for (double x : v) s += x;
  const double n = static_cast<double>(v.size());
  DoubleDouble m = s / n;
  if (std::isfinite(m.value())) {
    DoubleDouble residual;
    for (double x : v) {
      residual += x;
      residual += -m.hi;
      residual += -m.lo;
    }
    m += residual / n;
  }
  return m;
}

}  // namespace localsurv
