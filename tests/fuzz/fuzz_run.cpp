// A whole run through the page's and the CLI's entry point (Session::run):
// the input is a spec, optionally followed by a NUL byte and the CSV to run
// it on (a CSV holding a NUL is rejected anyway, so the split loses nothing);
// without one, the spec runs on the first 60 patients of the synthetic
// example cohort. The envelope must be valid JSON, and an error in it must be
// a localsurv::Error: Session turns any other exception into "internal
// error", which is a finding here.
#include "api.h"
#include "fuzz_support.h"
#include "synthetic_cohort.h"

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
  nlohmann::json envelope;
  try {
    envelope = nlohmann::json::parse(out);
  } catch (const nlohmann::json::exception&) {
    fuzzsupport::finding("the envelope is not JSON: " + out);
  }
  if (!envelope.is_object() || !envelope.contains("ok") || !envelope["ok"].is_boolean())
    fuzzsupport::finding("the envelope has no ok flag: " + out);
  if (!envelope["ok"].get<bool>()) {
    const auto& message = envelope["error"]["message"];
    if (!message.is_string() || message.get<std::string>().empty())
      fuzzsupport::finding("an error without a message: " + out);
    const std::string text = message.get<std::string>();
    if (text.rfind("internal error", 0) == 0 || text.rfind("out of memory", 0) == 0)
      fuzzsupport::finding("not a localsurv::Error: " + text);
  }
  return 0;
}
