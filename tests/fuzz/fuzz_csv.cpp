// CSV reader: any bytes in, a Table or a localsurv::Error out. Each input is
// read as the page reads a file (delimiter sniffed), as a European file
// (';' with decimal commas) and as a tab file; a file that reads is also
// described (the page's column summary) and read again with every column
// forced to text, and with its first column forced to numbers.
#include "error.h"
#include "fuzz_support.h"
#include "io/csv.h"
#include "io/describe.h"
#include "study/analysis.h"

using namespace localsurv;

namespace {

bool read(std::string_view bytes, const CsvOptions& options, Table* out = nullptr) {
  try {
    Table t = read_csv(bytes, options);
    for (const auto& c : t.columns) {
      if (c.size() != t.n_rows) fuzzsupport::finding("column '" + c.name + "' has the wrong size");
      for (std::size_t r = 0; r < t.n_rows; ++r) {
        if (c.type == ColumnType::Categorical && !c.is_missing(r) &&
            (c.codes[r] < 0 || static_cast<std::size_t>(c.codes[r]) >= c.levels.size()))
          fuzzsupport::finding("level code out of range in '" + c.name + "'");
        (void)c.text(r);
        (void)c.line(r);
      }
    }
    if (out) *out = std::move(t);
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = fuzzsupport::as_text(data, size);
  Table table;
  if (read(bytes, {}, &table)) {
    fuzzsupport::check_dumps(describe_table(table), "describe_table");
    CsvOptions all_text;
    for (const auto& c : table.columns) all_text.column_types[c.name] = ColumnType::Categorical;
    read(bytes, all_text);
    if (!table.columns.empty()) {
      CsvOptions first_numeric;
      first_numeric.column_types[table.columns[0].name] = ColumnType::Numeric;
      read(bytes, first_numeric);
    }
  }
  CsvOptions european;
  european.delimiter = ';';
  european.decimal_comma = 1;
  read(bytes, european);
  CsvOptions tabs;
  tabs.delimiter = '\t';
  tabs.decimal_comma = 0;
  read(bytes, tabs);
  return 0;
}
