// Filter language: any text in, a row mask or a localsurv::Error out, over a
// small table with the column kinds filters meet: numbers with missing cells,
// text, numbers written as text, a name with a space and one with a dot.
#include "error.h"
#include "fuzz_support.h"
#include "io/csv.h"
#include "io/filter.h"

using namespace localsurv;

namespace {
const Table& fixture() {
  static const Table table = read_csv(
      "age,sex,stage,ph.ecog,odd name,dose\n"
      "61,Male,1,0,a b,60.5\n"
      "NA,Female,2a,1,\"x,y\",\n"
      "45,,2,2,,1e3\n"
      "70,Male,10,NA,a b,-0.5\n"
      "38,Female,02,1,`q`,0\n");
  return table;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Table& table = fixture();
  try {
    std::vector<uint8_t> mask = evaluate_filter(table, fuzzsupport::as_text(data, size));
    if (mask.size() != table.n_rows) fuzzsupport::finding("mask size differs from the row count");
    for (uint8_t m : mask)
      if (m > 1) fuzzsupport::finding("mask holds a value other than 0 or 1");
  } catch (const Error&) {
  }
  return 0;
}
