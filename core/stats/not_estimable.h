// The value a kernel returns for a statistic it cannot estimate (R's NA or
// NaN; the JSON writer turns it into null). One definition for every kernel.
#pragma once
#include <limits>

namespace localsurv {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace localsurv
