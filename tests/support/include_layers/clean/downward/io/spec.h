#pragma once
#include <nlohmann/json.hpp>

#include "error.h"
#include "stats/timefix.h"
