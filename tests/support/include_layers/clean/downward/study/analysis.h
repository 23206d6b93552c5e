#pragma once
#include "io/spec.h"
#include "stats/cox.h"
#include "study/derive.h"
