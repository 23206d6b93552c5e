#pragma once
#include "io/csv.h"
#include "study/derive.h"
