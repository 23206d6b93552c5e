// Column summary for choosing columns in the page: name, type, missing,
// levels (categoricals, first 100), min/max (numerics), first rows preview.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>

#include "io/table.h"

namespace localsurv {

nlohmann::ordered_json describe_table(const Table& table, std::size_t preview_rows = 20);

}  // namespace localsurv
