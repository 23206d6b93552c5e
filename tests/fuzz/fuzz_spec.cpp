// Spec parser: any text in, an AnalysisSpec or a localsurv::Error out. A spec
// that parses is written out with every default (the result's "options
// actually used") and that must parse again to the same spec.
#include "error.h"
#include "fuzz_support.h"
#include "io/spec.h"

using namespace localsurv;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzzsupport::as_text(data, size);
  try {
    (void)parse_csv_options(text);
  } catch (const Error&) {
  }
  AnalysisSpec spec;
  try {
    spec = parse_spec(text);
  } catch (const Error&) {
    return 0;
  }
  const nlohmann::ordered_json written = spec_to_json(spec);
  const std::string again = fuzzsupport::check_dumps(written, "spec_to_json");
  try {
    if (spec_to_json(parse_spec(std::string_view(again))) != written)
      fuzzsupport::finding("spec_to_json does not round-trip: " + again);
  } catch (const Error& e) {
    fuzzsupport::finding(std::string("spec_to_json output is rejected: ") + e.what() + "\n" +
                         again);
  }
  return 0;
}
