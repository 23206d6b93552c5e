#pragma once
#include <vector>

#include "stats/timefix.h"
#include "study/model_frame.h"
