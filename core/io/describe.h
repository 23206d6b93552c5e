// Column summary for choosing columns in the page: name, type, missing,
// levels (categoricals, first 100), min/max (numerics), first rows preview;
// non_numeric (a categorical column of numbers but for a few texts) and
// listed_missing (cells data.missing_values made missing), with lines.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>

#include "io/table.h"

namespace localsurv {

nlohmann::ordered_json describe_table(const Table& table, std::size_t preview_rows = 20);

}  // namespace localsurv
