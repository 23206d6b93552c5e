// The shared near-tie rule against R survival 3.5-3's aeqSurv() called
// directly (tests/r/timefix.R -> tests/reference/extra/timefix.json): the
// times come back bit for bit, in the caller's order, whether or not the
// input is sorted. That each fit applies the rule (survfit, survdiff, coxph,
// concordance, with their own row subsets) is tested in their own files.
#include <cstdlib>
#include <limits>

#include "golden.h"
#include "stats/timefix.h"

using localsurv::apply_timefix;
using localsurv::kTimefixTolerance;
using testsupport::json;

namespace {

// R writes a length-1 vector as a scalar (auto_unbox); the hex strings are
// the exact doubles (sprintf("%a")).
std::vector<double> hex_doubles(const json& j) {
  std::vector<double> out;
  if (j.is_string()) return {std::strtod(j.get<std::string>().c_str(), nullptr)};
  for (const auto& s : j) out.push_back(std::strtod(s.get<std::string>().c_str(), nullptr));
  return out;
}

double tolerance_of(const json& c) {
  return c["tolerance"].is_null() ? kTimefixTolerance : c["tolerance"].get<double>();
}

}  // namespace

TEST_CASE("aeqSurv(Surv(time, status), tolerance): every case, input order and sorted") {
  const json& cases = testsupport::extra("timefix")["cases"];
  REQUIRE(cases.size() == 11);  // every case tests/r/timefix.R writes
  int merging_cases = 0;
  for (const auto& c : cases) {
    INFO(c["name"].get<std::string>() << ": " << c["description"].get<std::string>());
    const std::vector<double> input = hex_doubles(c["time_hex"]);
    const std::vector<double> expected = hex_doubles(c["fixed_hex"]);
    const int n_merged = c["n_merged"].get<int>();
    merging_cases += n_merged > 0;

    std::vector<double> t = input;
    CHECK(apply_timefix(t, tolerance_of(c)) == n_merged);
    REQUIRE(t.size() == expected.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
      INFO("row " << i + 1 << ": got " << t[i] << ", R gives " << expected[i]);
      CHECK(t[i] == expected[i]);
    }

    // Sorted input takes the linear path; the rule is monotone, so R's
    // answer sorted is the answer for the sorted input.
    std::vector<double> sorted = input, sorted_expected = expected;
    std::sort(sorted.begin(), sorted.end());
    std::sort(sorted_expected.begin(), sorted_expected.end());
    CHECK(apply_timefix(sorted, tolerance_of(c)) == n_merged);
    CHECK(sorted == sorted_expected);
  }
  CHECK(merging_cases >= 6);  // the file exercises merging, not only no-ops
}

TEST_CASE("tolerance <= 0 or NaN and empty input change nothing (aeqSurv returns its input)") {
  const std::vector<double> input = {1, 1 + 1e-10, 0.1 + 0.2, 0.3};
  for (double tol : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN()}) {
    std::vector<double> t = input;
    CHECK(apply_timefix(t, tol) == 0);
    CHECK(t == input);
  }
  std::vector<double> none;
  CHECK(apply_timefix(none) == 0);
  CHECK(none.empty());
}

TEST_CASE("non-finite entries are outside the rule and left as they are") {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> t = {3, inf, 1 + 1e-10, 1};
  CHECK(apply_timefix(t) == 1);
  CHECK(t[0] == 3);
  CHECK(t[1] == inf);
  CHECK(t[2] == 1);
  CHECK(t[3] == 1);
  std::vector<double> s = {1, 1 + 1e-10, 3, inf};  // sorted path
  CHECK(apply_timefix(s) == 1);
  CHECK(s == std::vector<double>{1, 1, 3, inf});
}

TEST_CASE("200,000 times, each value also stored with noise, sorted and unsorted: all merged") {
  const std::size_t n = 200000;
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i)
    t[i] = static_cast<double>((i * 7919) % 1000 + 1) * ((i / 1000) % 2 ? 1 + 1e-12 : 1.0);
  std::vector<double> sorted = t;
  std::sort(sorted.begin(), sorted.end());
  // R: length(unique(t)) - length(unique(aeqSurv(Surv(t, rep(1, n)))[, 1])) == 2000 - 1000:
  // each value stored with noise (a relative gap of 1e-12, under the tolerance) is folded.
  CHECK(apply_timefix(t) == 1000);
  CHECK(apply_timefix(sorted) == 1000);
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < n; ++i) wrong += t[i] != static_cast<double>((i * 7919) % 1000 + 1);
  CHECK(wrong == 0);
}
