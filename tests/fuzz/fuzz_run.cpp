// A whole run through the page's and the CLI's entry point (Session::run):
// the input is a spec, optionally followed by a NUL byte and the CSV to run
// it on (a CSV holding a NUL is rejected anyway, so the split loses nothing);
// without one, the spec runs on the first 60 patients of the synthetic
// example cohort. The envelope must be valid JSON, and every error in it —
// the envelope's own or one analysis's block deep in the result — must be a
// localsurv::Error: any other exception is a finding
// (tests/support/envelope_check.h).
#include "../support/envelope_check.h"
#include "api.h"
#include "fuzz_support.h"
#include "io/synthetic_cohort.h"

using namespace localsurv;

namespace {
const std::string& cohort() {
  static const std::string csv = [] {
    SyntheticCohortOptions o;
    o.n = 60;
    return synthetic_cohort_csv(o);
  }();
  return csv;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input = fuzzsupport::as_text(data, size);
  std::string_view spec = input;
  Session session;
  if (std::size_t nul = input.find('\0'); nul != std::string_view::npos) {
    spec = input.substr(0, nul);
    session.set_data(std::string(input.substr(nul + 1)));
  } else {
    session.set_data(cohort());
  }
  const std::string out = session.run(spec);
  const std::vector<std::string> problems = testsupport::envelope_problems(out);
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += "\n  " + p;
    fuzzsupport::finding("the envelope is unsound:" + all);
  }
  return 0;
}
